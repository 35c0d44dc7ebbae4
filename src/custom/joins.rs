//! The joins the input document precomputes, so that a Rego rule follows a `ref` instead of
//! scanning: a key's instance and service ID, an instance's keys, a service ID's policies,
//! keys, API keys and groups, a group's policies. Built once per document; the indexes the
//! inventory lacks (keys and API keys by service ID, API keys by owner, policies by custom
//! role, routes by target, activity and MFA by identity) are filled here in one pass each,
//! the first time a member that reads them is built.

use std::collections::HashSet;
use std::sync::OnceLock;

// FxHash: the joins index every key, API key and policy by short ids, where SipHash was
// most of building them.
use rustc_hash::FxHashMap as HashMap;

use super::refs::{self, Ref};
use crate::model::{
    AuthnRecord, AuthnSource, AuthnSubject, Inventory, MfaEnrollment, ResourceKey, RoleKind,
    Subject,
};

pub(super) struct Joins<'a> {
    pub(super) inventory: &'a Inventory,
    keys_by_service_id: OnceLock<HashMap<&'a str, Vec<Ref<'a>>>>,
    api_keys_by_service_id: OnceLock<HashMap<&'a str, Vec<Ref<'a>>>>,
    /// API keys by their owner's IAM ID (users and the account owner).
    api_keys_by_iam_id: OnceLock<HashMap<&'a str, Vec<Ref<'a>>>>,
    /// Policies by the name of a custom role they grant.
    policies_by_custom_role: OnceLock<HashMap<&'a str, Vec<Ref<'a>>>>,
    /// Routes by the id of a target one of their rules sends events to.
    routes_by_target: OnceLock<HashMap<&'a str, Vec<Ref<'a>>>>,
    target_refs: OnceLock<HashMap<&'a str, Ref<'a>>>,
    /// The best activity record of each identity: its own `activity` member before a
    /// report's item (as the built-in rules read them).
    activity: OnceLock<HashMap<(AuthnKind, &'a str), &'a AuthnRecord>>,
    mfa: HashMap<&'a str, &'a MfaEnrollment>,
    listed_users: HashSet<&'a str>,
    owners: HashSet<&'a str>,
}

/// `AuthnSubject` as a map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum AuthnKind {
    User,
    ApiKey,
    ServiceId,
    Profile,
}

impl From<AuthnSubject> for AuthnKind {
    fn from(subject: AuthnSubject) -> Self {
        match subject {
            AuthnSubject::User => Self::User,
            AuthnSubject::ApiKey => Self::ApiKey,
            AuthnSubject::ServiceId => Self::ServiceId,
            AuthnSubject::Profile => Self::Profile,
        }
    }
}

fn keys_by_service_id(inventory: &Inventory) -> HashMap<&str, Vec<Ref<'_>>> {
    let mut keys_by_service_id: HashMap<&str, Vec<Ref<'_>>> = HashMap::default();
    for key in &inventory.keys {
        if let Some(service_id) = inventory.service_id_of(key) {
            keys_by_service_id
                .entry(service_id.core())
                .or_default()
                .push(refs::of::key(key));
        }
    }
    keys_by_service_id
}

fn api_keys_by_service_id(inventory: &Inventory) -> HashMap<&str, Vec<Ref<'_>>> {
    let mut api_keys_by_service_id: HashMap<&str, Vec<Ref<'_>>> = HashMap::default();
    for api_key in &inventory.api_keys {
        if let Some(core) = api_key.service_id() {
            api_keys_by_service_id
                .entry(core)
                .or_default()
                .push(refs::of::api_key(api_key));
        }
    }
    api_keys_by_service_id
}

fn api_keys_by_iam_id(inventory: &Inventory) -> HashMap<&str, Vec<Ref<'_>>> {
    let mut api_keys_by_iam_id: HashMap<&str, Vec<Ref<'_>>> = HashMap::default();
    for api_key in &inventory.api_keys {
        if let Some(iam_id) = &api_key.iam_id {
            api_keys_by_iam_id
                .entry(&**iam_id)
                .or_default()
                .push(refs::of::api_key(api_key));
        }
    }
    api_keys_by_iam_id
}

fn policies_by_custom_role(inventory: &Inventory) -> HashMap<&str, Vec<Ref<'_>>> {
    let mut policies_by_custom_role: HashMap<&str, Vec<Ref<'_>>> = HashMap::default();
    for policy in &inventory.policies {
        let mut names: Vec<&str> = policy
            .roles
            .iter()
            .filter(|role| role.kind == RoleKind::Custom)
            .map(|role| role.name.as_ref())
            .collect();
        names.dedup();
        for name in names {
            policies_by_custom_role
                .entry(name)
                .or_default()
                .push(refs::of::policy(policy));
        }
    }
    policies_by_custom_role
}

fn routes_by_target(inventory: &Inventory) -> HashMap<&str, Vec<Ref<'_>>> {
    let mut routes_by_target: HashMap<&str, Vec<Ref<'_>>> = HashMap::default();
    for route in &inventory.routes {
        let targets: HashSet<&String> = route
            .rules
            .iter()
            .flat_map(|rule| &rule.target_ids)
            .collect();
        for target in targets {
            routes_by_target
                .entry(target.as_str())
                .or_default()
                .push(refs::route_ref(route));
        }
    }
    routes_by_target
}

fn target_refs(inventory: &Inventory) -> HashMap<&str, Ref<'_>> {
    inventory
        .routing_targets
        .iter()
        .map(|target| (target.id.as_str(), refs::target_ref(target)))
        .collect()
}

fn activity(inventory: &Inventory) -> HashMap<(AuthnKind, &str), &AuthnRecord> {
    let mut activity: HashMap<(AuthnKind, &str), &AuthnRecord> = HashMap::default();
    for record in &inventory.people.authns {
        let slot = activity.entry((record.subject.into(), record.id.as_str()));
        let best = slot.or_insert(record);
        if best.source != AuthnSource::Entity && record.source == AuthnSource::Entity {
            *best = record;
        }
    }
    activity
}

impl<'a> Joins<'a> {
    /// The joins of `inventory`; each index is built the first time a member that needs
    /// it is built (a run over `policies` alone builds none of them).
    pub(super) fn of(inventory: &'a Inventory) -> Self {
        let mut mfa = HashMap::default();
        for entry in &inventory.people.mfa {
            mfa.entry(entry.iam_id.as_str()).or_insert(entry);
        }
        Self {
            inventory,
            keys_by_service_id: OnceLock::new(),
            api_keys_by_service_id: OnceLock::new(),
            api_keys_by_iam_id: OnceLock::new(),
            policies_by_custom_role: OnceLock::new(),
            routes_by_target: OnceLock::new(),
            target_refs: OnceLock::new(),
            activity: OnceLock::new(),
            mfa,
            listed_users: inventory
                .people
                .users
                .iter()
                .map(|user| user.iam_id.as_str())
                .collect(),
            owners: inventory
                .people
                .owners
                .iter()
                .map(|owner| owner.iam_id.as_str())
                .collect(),
        }
    }

    /// The API keys whose owner is `iam_id` (a user's `IBMid-...`).
    pub(super) fn api_keys_of_iam_id(&self, iam_id: &str) -> Vec<Ref<'a>> {
        self.api_keys_by_iam_id
            .get_or_init(|| api_keys_by_iam_id(self.inventory))
            .get(iam_id)
            .cloned()
            .unwrap_or_default()
    }

    /// The policies that grant the custom role named `name` (`customRole:<name>`).
    pub(super) fn policies_of_custom_role(&self, name: &str) -> Vec<Ref<'a>> {
        self.policies_by_custom_role
            .get_or_init(|| policies_by_custom_role(self.inventory))
            .get(name)
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn routes_of_target(&self, id: &str) -> Vec<Ref<'a>> {
        self.routes_by_target
            .get_or_init(|| routes_by_target(self.inventory))
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    /// The `ref` of the target a route names, when it was loaded.
    pub(super) fn target_ref(&self, id: &str) -> Option<Ref<'a>> {
        self.target_refs
            .get_or_init(|| target_refs(self.inventory))
            .get(id)
            .copied()
    }

    /// The last authentication of identity `id` (a user's IAM ID, else the entity's id).
    pub(super) fn activity_of(&self, kind: AuthnKind, id: &'a str) -> Option<&'a AuthnRecord> {
        self.activity
            .get_or_init(|| activity(self.inventory))
            .get(&(kind, id))
            .copied()
    }

    pub(super) fn mfa_of(&self, iam_id: &str) -> Option<&'a MfaEnrollment> {
        self.mfa.get(iam_id).copied()
    }

    /// Whether `iam_id` is listed in the users list.
    pub(super) fn is_listed_user(&self, iam_id: &str) -> bool {
        self.listed_users.contains(iam_id)
    }

    /// Whether `iam_id` owns an account of the inputs.
    pub(super) fn is_owner(&self, iam_id: &str) -> bool {
        self.owners.contains(iam_id)
    }

    pub(super) fn keys_of_instance(&self, guid: &str) -> Vec<Ref<'a>> {
        self.inventory
            .keys_of_instance(guid)
            .map(refs::of::key)
            .collect()
    }

    pub(super) fn instance_of(&self, key: &ResourceKey) -> Option<Ref<'a>> {
        self.inventory.instance_of(key).map(refs::of::instance)
    }

    pub(super) fn service_id_of(&self, key: &ResourceKey) -> Option<Ref<'a>> {
        self.inventory.service_id_of(key).map(refs::of::service_id)
    }

    pub(super) fn service_id_ref(&self, spelling: &str) -> Option<Ref<'a>> {
        self.inventory
            .service_id(spelling)
            .map(refs::of::service_id)
    }

    pub(super) fn keys_of_service_id(&self, core: &str) -> Vec<Ref<'a>> {
        self.keys_by_service_id
            .get_or_init(|| keys_by_service_id(self.inventory))
            .get(core)
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn api_keys_of_service_id(&self, core: &str) -> Vec<Ref<'a>> {
        self.api_keys_by_service_id
            .get_or_init(|| api_keys_by_service_id(self.inventory))
            .get(core)
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn policies_of(&self, subject: &Subject) -> Vec<Ref<'a>> {
        self.inventory
            .policies_of(subject)
            .map(refs::of::policy)
            .collect()
    }

    pub(super) fn groups_of(&self, member: &Subject) -> Vec<Ref<'a>> {
        self.inventory
            .memberships_of(member)
            .filter_map(|membership| self.inventory.access_group(&membership.group_id))
            .map(refs::of::access_group)
            .collect()
    }

    /// The `ref` of a subject that is a loaded entity (a service ID, an access group, a
    /// trusted profile, or a user of the users list or the MFA report).
    pub(super) fn subject_ref(&self, subject: &'a Subject) -> Option<Ref<'a>> {
        match subject {
            Subject::ServiceId(core) => self.service_id_ref(core),
            Subject::AccessGroup(id) => self.inventory.access_group(id).map(refs::of::access_group),
            Subject::Profile(id) => self.inventory.profile(id).map(refs::of::profile),
            Subject::User(iam_id) => self.user_ref(iam_id),
            _ => None,
        }
    }

    /// The `ref` of the user `iam_id` when the users list or the MFA report names them.
    pub(super) fn user_ref(&self, iam_id: &'a str) -> Option<Ref<'a>> {
        (self.is_listed_user(iam_id) || self.mfa.contains_key(iam_id))
            .then(|| refs::user_ref(iam_id))
    }
}
