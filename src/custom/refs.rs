//! Stable entity references (`<kind>:<id>`, the `ref` of every entity in the input document
//! and of every custom finding) and the table that resolves them back to the model's
//! `EntityRef`, whose `Origin` locates the entity in the user's file.
//!
//! About 400 lines: the ref of every kind and the table that resolves each kind back must
//! agree, so they are written side by side.

use std::cell::OnceCell;
use std::collections::HashMap;

use super::accounts::account_id;
use super::needs::Needs;
use crate::model::{
    AccessGroupSettings, CustomRole, EntityKind, EntityRef, IdentitySettings, Inventory,
    MfaEnrollment, Origin, Policy, ResourceKey, Route, RoutingTarget, TrustedProfile, User,
    profile_core,
};

/// `service_id:ServiceId-...`, `resource_key:crn:v1:...`: the entity's kind (as the JSON
/// output names kinds) and its id (CRN where it has one). Stable across runs of the same
/// inputs; a Terraform address is given beside it, not in it.
pub fn entity_ref(entity: &EntityRef) -> String {
    format!("{}:{}", entity.kind.as_str(), entity.id)
}

/// A `ref` as the document writes it, `<kind>:<id>`, borrowing its id: formatted only where
/// it is serialized (`to_rego` shares the text of each, however many joins name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ref<'a> {
    kind: &'static str,
    id: &'a str,
}

impl<'a> Ref<'a> {
    pub(super) fn new(kind: &'static str, id: &'a str) -> Self {
        Self { kind, id }
    }
}

impl std::fmt::Display for Ref<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.kind)?;
        formatter.write_str(":")?;
        formatter.write_str(self.id)
    }
}

impl serde::Serialize for Ref<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A string in the schema, as `String` is.
impl schemars::JsonSchema for Ref<'_> {
    fn inline_schema() -> bool {
        String::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        String::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// The `ref` of each kind of model entity, as [`entity_ref`] of its `EntityRef` (which
/// it equals; tested) without building the `EntityRef` (its origin and address clones):
/// the document names every entity several times over.
pub(super) mod of {
    use super::Ref;
    use crate::model::{
        AccessGroup, ApiKey, EntityKind, Policy, ResourceInstance, ResourceKey, ServiceId,
        TrustedProfile,
    };

    fn join(kind: EntityKind, id: &str) -> Ref<'_> {
        Ref::new(kind.as_str(), id)
    }

    pub(in crate::custom) fn instance(instance: &ResourceInstance) -> Ref<'_> {
        join(EntityKind::ResourceInstance, &instance.crn)
    }
    pub(in crate::custom) fn key(key: &ResourceKey) -> Ref<'_> {
        join(EntityKind::ResourceKey, &key.crn)
    }
    pub(in crate::custom) fn service_id(service_id: &ServiceId) -> Ref<'_> {
        join(EntityKind::ServiceId, &service_id.id)
    }
    pub(in crate::custom) fn api_key(api_key: &ApiKey) -> Ref<'_> {
        join(EntityKind::ApiKey, &api_key.id)
    }
    pub(in crate::custom) fn policy(policy: &Policy) -> Ref<'_> {
        join(EntityKind::Policy, &policy.id)
    }
    pub(in crate::custom) fn access_group(group: &AccessGroup) -> Ref<'_> {
        join(EntityKind::AccessGroup, &group.id)
    }
    pub(in crate::custom) fn profile(profile: &TrustedProfile) -> Ref<'_> {
        join(EntityKind::TrustedProfile, &profile.id)
    }
}

/// `user:IBMid-...`.
pub(super) fn user_ref(iam_id: &str) -> Ref<'_> {
    Ref::new(EntityKind::User.as_str(), iam_id)
}

/// `account:<account id>`.
pub(super) fn account_ref(account: &str) -> Ref<'_> {
    Ref::new(EntityKind::Account.as_str(), account)
}

/// `identity_settings:<account id>`.
pub(super) fn identity_settings_ref(settings: &IdentitySettings) -> Ref<'_> {
    Ref::new("identity_settings", account_id(settings.account.as_deref()))
}

/// `access_group_settings:<account id>`.
pub(super) fn access_group_settings_ref(settings: &AccessGroupSettings) -> Ref<'_> {
    Ref::new(
        "access_group_settings",
        account_id(settings.account.as_deref()),
    )
}

/// `custom_role:<CRN>`, else its id, else its name.
pub(super) fn custom_role_ref(role: &CustomRole) -> Ref<'_> {
    let id = role
        .crn
        .as_deref()
        .or(role.id.as_deref())
        .unwrap_or(&role.name);
    Ref::new("custom_role", id)
}

/// `atracker_route:<id>`.
pub(super) fn route_ref(route: &Route) -> Ref<'_> {
    Ref::new("atracker_route", &route.id)
}

/// `atracker_target:<id>`.
pub(super) fn target_ref(target: &RoutingTarget) -> Ref<'_> {
    Ref::new("atracker_target", &target.id)
}

/// What a `ref` resolves to: the finding's subject, what tells findings on the same subject
/// apart (the `ref` itself, for the entities findings name by their account: settings,
/// custom roles, routes and targets), and the parts a denial's `pointer` can name.
#[derive(Debug, Clone)]
struct Entry {
    entity: EntityRef,
    detail: Option<String>,
    parts: Vec<(String, Origin)>,
}

impl Entry {
    fn new(entity: EntityRef) -> Self {
        Self {
            entity,
            detail: None,
            parts: Vec::new(),
        }
    }

    /// An entity named in findings by its account (`what` says which part of it).
    fn of_account(
        reference: &str,
        account: Option<&str>,
        what: String,
        origin: &Origin,
        declaration: Option<&crate::model::Declaration>,
    ) -> Self {
        let mut entry = Self::new(EntityRef::account(account, &what, origin, declaration));
        entry.detail = Some(reference.to_owned());
        entry
    }

    fn part(mut self, name: impl Into<String>, origin: Option<&Origin>) -> Self {
        if let Some(origin) = origin {
            self.parts.push((name.into(), origin.clone()));
        }
        self
    }
}

/// Every entity of the document by its `ref`, with the places of its parts that the model
/// knows whatever the input's shape (a policy's roles are `roles` in a v1 export,
/// `control.grant.roles` in v2, `roles` of a Terraform resource's values).
///
/// Lazy: a run resolves only its denials' refs (40 at scale 10, of 63,033 entities), so
/// the entities of a kind are indexed by id (borrowed, nothing cloned) the first time a
/// ref of that kind is resolved, and only the entity a ref names is turned into an entry.
/// The account-level kinds (users, accounts, settings, roles, routing) are few and built
/// whole, once.
#[derive(Debug)]
pub struct Refs<'a> {
    inventory: &'a Inventory,
    /// Per kind of `CORE_KINDS`: the position of the first entity with each id.
    /// FxHash: the first resolve of a kind indexes every id of it (26,220 policies at
    /// scale 10), where SipHash and the table's regrowth took 10 ms.
    indexes: [OnceCell<HashMap<&'a str, usize, rustc_hash::FxBuildHasher>>; CORE_KINDS.len()],
    posture: OnceCell<HashMap<String, Entry>>,
}

/// The model's identity and resource kinds, in the order their entries were listed (the
/// first entity with a ref wins, as in the inventory's own indexes).
const CORE_KINDS: [EntityKind; 7] = [
    EntityKind::ResourceKey,
    EntityKind::Policy,
    EntityKind::TrustedProfile,
    EntityKind::ResourceInstance,
    EntityKind::ServiceId,
    EntityKind::ApiKey,
    EntityKind::AccessGroup,
];

/// The document's members of the kinds of `CORE_KINDS`.
const MEMBER_KINDS: [(&str, EntityKind); 7] = [
    ("resource_keys", EntityKind::ResourceKey),
    ("policies", EntityKind::Policy),
    ("trusted_profiles", EntityKind::TrustedProfile),
    ("resource_instances", EntityKind::ResourceInstance),
    ("service_ids", EntityKind::ServiceId),
    ("api_keys", EntityKind::ApiKey),
    ("access_groups", EntityKind::AccessGroup),
];

/// What a resolved `ref` names: the finding's subject, what tells findings on it apart,
/// and where a denial's `pointer` is.
#[derive(Debug)]
pub struct Resolved(Entry);

/// A user as findings name it (as the built-in people rules do).
fn user_entity(user: &User) -> EntityRef {
    EntityRef {
        kind: EntityKind::User,
        id: user.iam_id.clone(),
        name: user.user_id.clone().or_else(|| user.email.clone()),
        origin: user.origin.clone(),
        address: None,
        account: user.account.clone(),
    }
}

/// A user known only from the MFA report.
fn mfa_user_entity(entry: &MfaEnrollment) -> EntityRef {
    EntityRef {
        kind: EntityKind::User,
        id: entry.iam_id.clone(),
        name: entry.username.clone().or_else(|| entry.email.clone()),
        origin: entry.origin.clone(),
        address: None,
        account: entry.account.clone(),
    }
}

fn policy_entry(policy: &Policy) -> Entry {
    Entry::new(EntityRef::policy(policy))
        .part("/subject", policy.subject_origin().as_ref())
        .part("/roles", policy.roles_origin().as_ref())
        .part("/resource", policy.resource_origin().as_ref())
}

fn key_entry(key: &ResourceKey) -> Entry {
    Entry::new(EntityRef::key(key))
        .part("/credentials", key.credentials_origin().as_ref())
        .part("/service_id", key.serviceid_origin().as_ref())
        .part("/instance", key.source_origin().as_ref())
        .part("/instance_crn", key.source_origin().as_ref())
}

fn profile_entry(inventory: &Inventory, profile: &TrustedProfile) -> Entry {
    let links = inventory
        .profile_links
        .iter()
        .filter(|link| belongs_to(link.profile_id.as_deref(), profile));
    let rules = inventory
        .profile_claim_rules
        .iter()
        .filter(|rule| belongs_to(rule.profile_id.as_deref(), profile));
    let mut entry = Entry::new(EntityRef::profile(profile));
    for (at, link) in links.enumerate() {
        entry = entry.part(format!("/links/{at}"), Some(&link.origin));
    }
    for (at, rule) in rules.enumerate() {
        entry = entry.part(format!("/claim_rules/{at}"), Some(&rule.origin));
    }
    entry
}

/// The ids of the entities of `kind` (one of `CORE_KINDS`), in the inventory's order.
fn core_ids(inventory: &Inventory, kind: EntityKind) -> Box<dyn Iterator<Item = &str> + '_> {
    match kind {
        EntityKind::ResourceKey => Box::new(inventory.keys.iter().map(|e| e.crn.as_str())),
        EntityKind::Policy => Box::new(inventory.policies.iter().map(|e| e.id.as_str())),
        EntityKind::TrustedProfile => Box::new(inventory.profiles.iter().map(|e| e.id.as_str())),
        EntityKind::ResourceInstance => {
            Box::new(inventory.instances.iter().map(|e| e.crn.as_str()))
        }
        EntityKind::ServiceId => Box::new(inventory.service_ids.iter().map(|e| e.id.as_str())),
        EntityKind::ApiKey => Box::new(inventory.api_keys.iter().map(|e| e.id.as_str())),
        EntityKind::AccessGroup => Box::new(inventory.access_groups.iter().map(|e| e.id.as_str())),
        _ => Box::new(std::iter::empty()),
    }
}

/// The entry of the `at`-th entity of `kind` (one of `CORE_KINDS`).
fn core_entry(inventory: &Inventory, kind: EntityKind, at: usize) -> Option<Entry> {
    Some(match kind {
        EntityKind::ResourceKey => key_entry(inventory.keys.get(at)?),
        EntityKind::Policy => policy_entry(inventory.policies.get(at)?),
        EntityKind::TrustedProfile => profile_entry(inventory, inventory.profiles.get(at)?),
        EntityKind::ResourceInstance => {
            Entry::new(EntityRef::instance(inventory.instances.get(at)?))
        }
        EntityKind::ServiceId => Entry::new(EntityRef::service_id(inventory.service_ids.get(at)?)),
        EntityKind::ApiKey => Entry::new(EntityRef::api_key(inventory.api_keys.get(at)?)),
        EntityKind::AccessGroup => {
            Entry::new(EntityRef::access_group(inventory.access_groups.get(at)?))
        }
        _ => return None,
    })
}

/// The entries of users, accounts and account-level settings, custom roles and routing.
fn posture_entries(inventory: &Inventory) -> Vec<(String, Entry)> {
    let people = &inventory.people;
    let mut entries = Vec::new();
    let mfa = |entry: Entry, iam_id: &str| match people.mfa_of(iam_id) {
        Some(mfa) => entry
            .part("/mfa", Some(&mfa.level_origin))
            .part("/mfa/level", Some(&mfa.level_origin))
            .part("/mfa/complies", Some(&mfa.complies_origin)),
        None => entry,
    };
    for user in &people.users {
        entries.push((
            user_ref(&user.iam_id).to_string(),
            mfa(Entry::new(user_entity(user)), &user.iam_id),
        ));
    }
    for enrollment in &people.mfa {
        entries.push((
            user_ref(&enrollment.iam_id).to_string(),
            mfa(Entry::new(mfa_user_entity(enrollment)), &enrollment.iam_id),
        ));
    }
    for account in super::accounts::accounts(inventory) {
        let entry = Entry::new(EntityRef::account(
            Some(account.id),
            "account",
            account.origin,
            None,
        ))
        .part("/owner_iam_id", account.owner.map(|owner| &owner.origin));
        entries.push((account_ref(account.id).to_string(), entry));
    }
    for settings in &inventory.identity_settings {
        let reference = identity_settings_ref(settings).to_string();
        let entry = Entry::of_account(
            &reference,
            settings.account.as_deref(),
            "IAM identity settings".to_owned(),
            &settings.origin,
            settings.declaration.as_deref(),
        )
        .part(
            "/restrict_create_service_id",
            settings
                .restrict_create_service_id
                .as_ref()
                .map(|s| &s.origin),
        )
        .part(
            "/restrict_create_platform_apikey",
            settings
                .restrict_create_platform_apikey
                .as_ref()
                .map(|s| &s.origin),
        )
        .part("/mfa", settings.mfa.as_ref().map(|s| &s.origin));
        entries.push((reference, entry));
    }
    for settings in &inventory.access_group_settings {
        let reference = access_group_settings_ref(settings).to_string();
        let entry = Entry::of_account(
            &reference,
            settings.account.as_deref(),
            "access group settings".to_owned(),
            &settings.origin,
            settings.declaration.as_deref(),
        )
        .part(
            "/public_access_enabled",
            settings.public_access_enabled.as_ref().map(|s| &s.origin),
        );
        entries.push((reference, entry));
    }
    for role in &inventory.custom_roles {
        let reference = custom_role_ref(role).to_string();
        let entry = Entry::of_account(
            &reference,
            role.account.as_deref(),
            format!("custom role `{}`", role.display_name()),
            &role.origin,
            role.declaration.as_deref(),
        );
        entries.push((reference, entry));
    }
    for route in &inventory.routes {
        let reference = route_ref(route).to_string();
        let mut entry = Entry::of_account(
            &reference,
            route.account.as_deref(),
            format!(
                "Activity Tracker route `{}`",
                route.name.as_deref().unwrap_or(&route.id)
            ),
            &route.origin,
            route.declaration.as_deref(),
        );
        for (at, rule) in route.rules.iter().enumerate() {
            entry = entry.part(format!("/rules/{at}"), Some(&rule.origin));
        }
        entries.push((reference, entry));
    }
    for target in &inventory.routing_targets {
        let reference = target_ref(target).to_string();
        let entry = Entry::of_account(
            &reference,
            target.account.as_deref(),
            format!(
                "Activity Tracker target `{}`",
                target.name.as_deref().unwrap_or(&target.id)
            ),
            &target.origin,
            target.declaration.as_deref(),
        );
        entries.push((reference, entry));
    }
    entries
}

impl<'a> Refs<'a> {
    /// The table of every entity the input document lists (built as refs are resolved).
    pub fn of(inventory: &'a Inventory) -> Self {
        Self {
            inventory,
            indexes: Default::default(),
            posture: OnceCell::new(),
        }
    }

    /// Indexes the kinds of entities of the document's members that `needs` names (all of
    /// them only when it names the whole document, none then: the run indexes what its
    /// denials name), ahead of the denials.
    pub(super) fn index_members(&self, needs: &Needs) {
        for (member, kind) in MEMBER_KINDS {
            let slot = CORE_KINDS.iter().position(|core| *core == kind);
            if let Some(slot) = slot.filter(|_| !needs.is_whole() && needs.wants(member)) {
                self.index(slot);
            }
        }
    }

    /// The index of the `slot`-th of `CORE_KINDS`, built the first time.
    fn index(&self, slot: usize) -> &HashMap<&'a str, usize, rustc_hash::FxBuildHasher> {
        self.indexes[slot].get_or_init(|| {
            let ids = core_ids(self.inventory, CORE_KINDS[slot]);
            let mut index =
                HashMap::with_capacity_and_hasher(ids.size_hint().0, Default::default());
            for (at, id) in ids.enumerate() {
                // The first copy wins, as in the inventory's own indexes.
                index.entry(id).or_insert(at);
            }
            index
        })
    }

    /// The entity `reference` names, if the inputs hold it.
    pub fn resolve(&self, reference: &str) -> Option<Resolved> {
        let (kind, id) = reference.split_once(':')?;
        if let Some(slot) = CORE_KINDS.iter().position(|core| core.as_str() == kind) {
            let at = *self.index(slot).get(id)?;
            return core_entry(self.inventory, CORE_KINDS[slot], at).map(Resolved);
        }
        let posture = self.posture.get_or_init(|| {
            let mut by_ref = HashMap::new();
            for (reference, entry) in posture_entries(self.inventory) {
                by_ref.entry(reference).or_insert(entry);
            }
            by_ref
        });
        posture.get(reference).cloned().map(Resolved)
    }
}

impl Resolved {
    /// The finding's subject.
    pub fn entity(&self) -> &EntityRef {
        &self.0.entity
    }

    /// What tells a finding on this entity apart from others of its rule on the same
    /// subject: the `ref` of an entity that findings name by its account.
    pub fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    /// Where `pointer` is for this entity: the model's place of that part when the
    /// pointer names one (`/roles` of a policy, `/service_id` of a key, `/mfa` of identity
    /// settings), else the pointer below the entity's own place (which falls back to the
    /// entity where the user's file has no such member).
    pub fn place(&self, pointer: &crate::model::Pointer) -> Origin {
        if let Some((_, origin)) = self
            .0
            .parts
            .iter()
            .find(|(name, _)| name.as_str() == pointer.as_str())
        {
            return origin.clone();
        }
        pointer
            .tokens()
            .fold(self.0.entity.origin.clone(), |origin, token| {
                origin.key(&token)
            })
    }
}

/// Whether a link or claim rule naming `profile_id` (`Profile-...`) belongs to `profile`.
pub(super) fn belongs_to(profile_id: Option<&str>, profile: &TrustedProfile) -> bool {
    profile_id.is_some_and(|id| profile_core(id) == profile.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{self, LoadOptions};

    #[test]
    fn the_refs_of_each_kind_are_those_of_their_entity_refs() {
        let loaded = sources::load(
            &[std::path::PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/demo"
            ))],
            &LoadOptions::default(),
        )
        .expect("loads");
        let inventory = &loaded.inventory;
        let pairs: Vec<(String, String)> = inventory
            .instances
            .iter()
            .map(|e| {
                (
                    of::instance(e).to_string(),
                    entity_ref(&EntityRef::instance(e)),
                )
            })
            .chain(
                inventory
                    .keys
                    .iter()
                    .map(|e| (of::key(e).to_string(), entity_ref(&EntityRef::key(e)))),
            )
            .chain(inventory.service_ids.iter().map(|e| {
                (
                    of::service_id(e).to_string(),
                    entity_ref(&EntityRef::service_id(e)),
                )
            }))
            .chain(inventory.api_keys.iter().map(|e| {
                (
                    of::api_key(e).to_string(),
                    entity_ref(&EntityRef::api_key(e)),
                )
            }))
            .chain(
                inventory
                    .policies
                    .iter()
                    .map(|e| (of::policy(e).to_string(), entity_ref(&EntityRef::policy(e)))),
            )
            .chain(inventory.access_groups.iter().map(|e| {
                (
                    of::access_group(e).to_string(),
                    entity_ref(&EntityRef::access_group(e)),
                )
            }))
            .chain(inventory.profiles.iter().map(|e| {
                (
                    of::profile(e).to_string(),
                    entity_ref(&EntityRef::profile(e)),
                )
            }))
            .collect();
        assert!(pairs.len() > 20);
        for (direct, through) in pairs {
            assert_eq!(direct, through);
        }
    }
}
