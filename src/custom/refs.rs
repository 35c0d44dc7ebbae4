//! Stable entity references (`<kind>:<id>`, the `ref` of every entity in the input document
//! and of every custom finding) and the table that resolves them back to the model's
//! `EntityRef`, whose `Origin` locates the entity in the user's file.
//!
//! About 400 lines: the ref of every kind and the table that resolves each kind back must
//! agree, so they are written side by side.

use std::collections::HashMap;

use super::accounts::account_id;
use crate::model::{
    AccessGroupSettings, CustomRole, EntityKind, EntityRef, IdentitySettings, Inventory,
    MfaEnrollment, Origin, Route, RoutingTarget, TrustedProfile, User, profile_core,
};

/// `service_id:ServiceId-...`, `resource_key:crn:v1:...`: the entity's kind (as the JSON
/// output names kinds) and its id (CRN where it has one). Stable across runs of the same
/// inputs; a Terraform address is given beside it, not in it.
pub fn entity_ref(entity: &EntityRef) -> String {
    format!("{}:{}", entity.kind.as_str(), entity.id)
}

/// The `ref` of each kind of model entity, as [`entity_ref`] of its `EntityRef` (which
/// it equals; tested) without building the `EntityRef` (its origin and address clones):
/// the document names every entity several times over.
pub(super) mod of {
    use crate::model::{
        AccessGroup, ApiKey, EntityKind, Policy, ResourceInstance, ResourceKey, ServiceId,
        TrustedProfile,
    };

    fn join(kind: EntityKind, id: &str) -> String {
        let kind = kind.as_str();
        let mut reference = String::with_capacity(kind.len() + 1 + id.len());
        reference.push_str(kind);
        reference.push(':');
        reference.push_str(id);
        reference
    }

    pub(in crate::custom) fn instance(instance: &ResourceInstance) -> String {
        join(EntityKind::ResourceInstance, &instance.crn)
    }
    pub(in crate::custom) fn key(key: &ResourceKey) -> String {
        join(EntityKind::ResourceKey, &key.crn)
    }
    pub(in crate::custom) fn service_id(service_id: &ServiceId) -> String {
        join(EntityKind::ServiceId, &service_id.id)
    }
    pub(in crate::custom) fn api_key(api_key: &ApiKey) -> String {
        join(EntityKind::ApiKey, &api_key.id)
    }
    pub(in crate::custom) fn policy(policy: &Policy) -> String {
        join(EntityKind::Policy, &policy.id)
    }
    pub(in crate::custom) fn access_group(group: &AccessGroup) -> String {
        join(EntityKind::AccessGroup, &group.id)
    }
    pub(in crate::custom) fn profile(profile: &TrustedProfile) -> String {
        join(EntityKind::TrustedProfile, &profile.id)
    }
}

/// `user:IBMid-...`.
pub(super) fn user_ref(iam_id: &str) -> String {
    format!("{}:{iam_id}", EntityKind::User.as_str())
}

/// `account:<account id>`.
pub(super) fn account_ref(account: &str) -> String {
    format!("{}:{account}", EntityKind::Account.as_str())
}

/// `identity_settings:<account id>`.
pub(super) fn identity_settings_ref(settings: &IdentitySettings) -> String {
    format!(
        "identity_settings:{}",
        account_id(settings.account.as_deref())
    )
}

/// `access_group_settings:<account id>`.
pub(super) fn access_group_settings_ref(settings: &AccessGroupSettings) -> String {
    format!(
        "access_group_settings:{}",
        account_id(settings.account.as_deref())
    )
}

/// `custom_role:<CRN>`, else its id, else its name.
pub(super) fn custom_role_ref(role: &CustomRole) -> String {
    let id = role
        .crn
        .as_deref()
        .or(role.id.as_deref())
        .unwrap_or(&role.name);
    format!("custom_role:{id}")
}

/// `atracker_route:<id>`.
pub(super) fn route_ref(route: &Route) -> String {
    format!("atracker_route:{}", route.id)
}

/// `atracker_target:<id>`.
pub(super) fn target_ref(target: &RoutingTarget) -> String {
    format!("atracker_target:{}", target.id)
}

/// What a `ref` resolves to: the finding's subject, what tells findings on the same subject
/// apart (the `ref` itself, for the entities findings name by their account: settings,
/// custom roles, routes and targets), and the parts a denial's `pointer` can name.
#[derive(Debug)]
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
#[derive(Debug, Default)]
pub struct Refs {
    by_ref: HashMap<String, Entry>,
}

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

/// The entries of the model's identity and resource entities.
fn core_entries(inventory: &Inventory) -> impl Iterator<Item = (String, Entry)> + '_ {
    let policies = inventory.policies.iter().map(|policy| {
        let entry = Entry::new(EntityRef::policy(policy))
            .part("/subject", policy.subject_origin().as_ref())
            .part("/roles", policy.roles_origin().as_ref())
            .part("/resource", policy.resource_origin().as_ref());
        (entity_ref(&entry.entity), entry)
    });
    let keys = inventory.keys.iter().map(|key| {
        let entry = Entry::new(EntityRef::key(key))
            .part("/credentials", key.credentials_origin.as_ref())
            .part("/service_id", key.serviceid_origin.as_ref())
            .part("/instance", key.source_origin.as_ref())
            .part("/instance_crn", key.source_origin.as_ref());
        (entity_ref(&entry.entity), entry)
    });
    let profiles = inventory.profiles.iter().map(|profile| {
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
        (entity_ref(&entry.entity), entry)
    });
    let plain = inventory
        .instances
        .iter()
        .map(EntityRef::instance)
        .chain(inventory.service_ids.iter().map(EntityRef::service_id))
        .chain(inventory.api_keys.iter().map(EntityRef::api_key))
        .chain(inventory.access_groups.iter().map(EntityRef::access_group))
        .map(|entity| (entity_ref(&entity), Entry::new(entity)));
    keys.chain(policies).chain(profiles).chain(plain)
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
            user_ref(&user.iam_id),
            mfa(Entry::new(user_entity(user)), &user.iam_id),
        ));
    }
    for enrollment in &people.mfa {
        entries.push((
            user_ref(&enrollment.iam_id),
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
        entries.push((account_ref(account.id), entry));
    }
    for settings in &inventory.identity_settings {
        let reference = identity_settings_ref(settings);
        let entry = Entry::of_account(
            &reference,
            settings.account.as_deref(),
            "IAM identity settings".to_owned(),
            &settings.origin,
            settings.declaration.as_ref(),
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
        let reference = access_group_settings_ref(settings);
        let entry = Entry::of_account(
            &reference,
            settings.account.as_deref(),
            "access group settings".to_owned(),
            &settings.origin,
            settings.declaration.as_ref(),
        )
        .part(
            "/public_access_enabled",
            settings.public_access_enabled.as_ref().map(|s| &s.origin),
        );
        entries.push((reference, entry));
    }
    for role in &inventory.custom_roles {
        let reference = custom_role_ref(role);
        let entry = Entry::of_account(
            &reference,
            role.account.as_deref(),
            format!("custom role `{}`", role.display_name()),
            &role.origin,
            role.declaration.as_ref(),
        );
        entries.push((reference, entry));
    }
    for route in &inventory.routes {
        let reference = route_ref(route);
        let mut entry = Entry::of_account(
            &reference,
            route.account.as_deref(),
            format!(
                "Activity Tracker route `{}`",
                route.name.as_deref().unwrap_or(&route.id)
            ),
            &route.origin,
            route.declaration.as_ref(),
        );
        for (at, rule) in route.rules.iter().enumerate() {
            entry = entry.part(format!("/rules/{at}"), Some(&rule.origin));
        }
        entries.push((reference, entry));
    }
    for target in &inventory.routing_targets {
        let reference = target_ref(target);
        let entry = Entry::of_account(
            &reference,
            target.account.as_deref(),
            format!(
                "Activity Tracker target `{}`",
                target.name.as_deref().unwrap_or(&target.id)
            ),
            &target.origin,
            target.declaration.as_ref(),
        );
        entries.push((reference, entry));
    }
    entries
}

impl Refs {
    /// The table of every entity the input document lists.
    pub fn of(inventory: &Inventory) -> Self {
        let mut by_ref = HashMap::new();
        for (reference, entry) in core_entries(inventory).chain(posture_entries(inventory)) {
            // The first copy wins, as in the inventory's own indexes.
            by_ref.entry(reference).or_insert(entry);
        }
        Self { by_ref }
    }

    pub fn resolve(&self, reference: &str) -> Option<&EntityRef> {
        self.by_ref.get(reference).map(|entry| &entry.entity)
    }

    /// What tells a finding on `reference` apart from others of its rule on the same
    /// subject: the `ref` of an entity that findings name by its account.
    pub fn detail(&self, reference: &str) -> Option<&str> {
        self.by_ref.get(reference)?.detail.as_deref()
    }

    /// Where `pointer` is for the entity `reference`: the model's place of that part when
    /// the pointer names one (`/roles` of a policy, `/service_id` of a key, `/mfa` of
    /// identity settings), else the pointer below the entity's own place (which falls back
    /// to the entity where the user's file has no such member).
    pub fn place(
        &self,
        reference: &str,
        entity: &Origin,
        pointer: &crate::model::Pointer,
    ) -> Origin {
        if let Some((_, origin)) = self.by_ref.get(reference).and_then(|entry| {
            entry
                .parts
                .iter()
                .find(|(name, _)| name.as_str() == pointer.as_str())
        }) {
            return origin.clone();
        }
        pointer
            .tokens()
            .fold(entity.clone(), |origin, token| origin.key(&token))
    }

    pub fn len(&self) -> usize {
        self.by_ref.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_ref.is_empty()
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
            .map(|e| (of::instance(e), entity_ref(&EntityRef::instance(e))))
            .chain(
                inventory
                    .keys
                    .iter()
                    .map(|e| (of::key(e), entity_ref(&EntityRef::key(e)))),
            )
            .chain(
                inventory
                    .service_ids
                    .iter()
                    .map(|e| (of::service_id(e), entity_ref(&EntityRef::service_id(e)))),
            )
            .chain(
                inventory
                    .api_keys
                    .iter()
                    .map(|e| (of::api_key(e), entity_ref(&EntityRef::api_key(e)))),
            )
            .chain(
                inventory
                    .policies
                    .iter()
                    .map(|e| (of::policy(e), entity_ref(&EntityRef::policy(e)))),
            )
            .chain(
                inventory
                    .access_groups
                    .iter()
                    .map(|e| (of::access_group(e), entity_ref(&EntityRef::access_group(e)))),
            )
            .chain(
                inventory
                    .profiles
                    .iter()
                    .map(|e| (of::profile(e), entity_ref(&EntityRef::profile(e)))),
            )
            .collect();
        assert!(pairs.len() > 20);
        for (direct, through) in pairs {
            assert_eq!(direct, through);
        }
    }
}
