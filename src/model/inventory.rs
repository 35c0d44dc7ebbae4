//! The account inventory: every entity from every input, deduplicated, with lookup
//! indexes for each join key so that no rule needs a nested scan. Its children work on it:
//! `builder.rs` collects and merges the entities, `index.rs` builds the join indexes, and
//! `accounts.rs` resolves each entity's account and splits a run over several accounts into
//! one inventory per account.

use std::collections::{BTreeMap, HashSet};

mod accounts;
mod builder;
mod grouped;
mod index;

use super::access_group::{AccessGroup, Membership, PUBLIC_ACCESS_GROUP};
use super::audit_routing::{Route, RoutingTarget};
use super::crn::service_id_core;
use super::declaration::ExposedSecret;
use super::identity::{ApiKey, ServiceId};
use super::limits::IdentityLimits;
use super::people::People;
use super::policy::{Policy, PolicyPlaceholder, Subject};
use super::profile::{ProfileClaimRule, ProfileLink, TrustedProfile, profile_core};
use super::resource::{ResourceInstance, ResourceKey};
use super::role::CustomRole;
use super::settings::{AccessGroupSettings, IdentitySettings};
use super::snapshot::SnapshotInfo;
pub use accounts::Accounts;
pub use builder::InventoryBuilder;
use index::Index;

/// Which collections the inputs held at all (even empty), so rules can tell
/// "nothing was exported" from "nothing exists".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Collections {
    pub instances: bool,
    pub keys: bool,
    pub service_ids: bool,
    pub api_keys: bool,
    pub policies: bool,
    /// An access group list (`GET /v2/groups`).
    pub access_groups: bool,
    /// At least one access group member list (`GET /v2/groups/{id}/members`).
    pub access_group_members: bool,
    /// A trusted profile list (`GET /v1/profiles`).
    pub profiles: bool,
    /// The account's custom roles (`GET /v2/roles?account_id=`, `custom_roles[]`).
    pub custom_roles: bool,
    /// Account-level settings and audit routing (see `settings`, `audit_routing`).
    pub posture: PostureCollections,
}

/// Which account-level documents the inputs held: a missing one makes its rules `unknown`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostureCollections {
    pub identity_settings: bool,
    pub access_group_settings: bool,
    /// An Activity Tracker Event Routing route list (`GET /api/v2/routes`).
    pub routes: bool,
    /// An Activity Tracker Event Routing target list (`GET /api/v2/targets`).
    pub routing_targets: bool,
}

impl PostureCollections {
    fn any(&self) -> bool {
        self.identity_settings || self.access_group_settings || self.routes || self.routing_targets
    }

    fn merge(&mut self, other: PostureCollections) {
        self.identity_settings |= other.identity_settings;
        self.access_group_settings |= other.access_group_settings;
        self.routes |= other.routes;
        self.routing_targets |= other.routing_targets;
    }
}

impl Collections {
    /// Whether any export of the account was loaded. A Terraform plan or state declares only
    /// part of an account and marks no collection: rules about a whole collection ("not
    /// exported", "probably deleted", account limits) then have nothing to say.
    pub fn any(&self) -> bool {
        self.instances || self.keys || self.service_ids || self.api_keys || self.policies
    }

    /// Whether any collection at all was loaded, access groups included.
    pub(super) fn any_list(&self) -> bool {
        self.any()
            || self.access_groups
            || self.access_group_members
            || self.profiles
            || self.custom_roles
            || self.posture.any()
    }

    /// Adds the collections `other` holds.
    pub(super) fn merge(&mut self, other: Collections) {
        self.instances |= other.instances;
        self.keys |= other.keys;
        self.service_ids |= other.service_ids;
        self.api_keys |= other.api_keys;
        self.policies |= other.policies;
        self.access_groups |= other.access_groups;
        self.access_group_members |= other.access_group_members;
        self.posture.merge(other.posture);
        self.profiles |= other.profiles;
        self.custom_roles |= other.custom_roles;
    }
}

/// The typed account model. Build it with [`InventoryBuilder`].
#[derive(Debug, Default)]
pub struct Inventory {
    pub instances: Vec<ResourceInstance>,
    pub keys: Vec<ResourceKey>,
    pub service_ids: Vec<ServiceId>,
    pub api_keys: Vec<ApiKey>,
    pub policies: Vec<Policy>,
    /// v2 placeholders from v1 lists whose real v2 policy was not loaded.
    pub placeholders: Vec<PolicyPlaceholder>,
    pub access_groups: Vec<AccessGroup>,
    pub memberships: Vec<Membership>,
    /// Access groups whose member list was loaded, with the largest `total_count` an export
    /// announced for it (to notice a list that misses pages).
    pub member_lists: BTreeMap<String, Option<u64>>,
    /// Places where the inputs print secrets in clear text (Terraform plans and states).
    pub exposed_secrets: Vec<ExposedSecret>,
    /// Which collections the inputs held, over every account (see [`Inventory::accounts`]
    /// for each account's).
    pub collections: Collections,
    /// The account's identity limits and usage, when a live snapshot holds them (the first
    /// loaded wins; see [`Inventory::partition`] for each account's).
    pub identity_limits: Option<IdentityLimits>,
    /// The identity limits loaded after the first (other accounts' in a run of several).
    pub(super) more_limits: Vec<IdentityLimits>,
    /// The accounts of the run and what each one's exports held.
    pub accounts: Accounts,
    /// The `snapshot.json` of every live snapshot loaded, in load order.
    pub snapshots: Vec<SnapshotInfo>,
    /// Users, account owners, activity and MFA reports (see `people`).
    pub people: People,
    /// IAM Identity account settings, one per account after `finish` (a plan's first).
    pub identity_settings: Vec<IdentitySettings>,
    /// IAM Access Groups account settings, one per account after `finish`.
    pub access_group_settings: Vec<AccessGroupSettings>,
    /// Activity Tracker Event Routing routes and targets.
    pub routes: Vec<Route>,
    pub routing_targets: Vec<RoutingTarget>,
    /// Where each route list loaded is (its `routes` member), so that an empty list, which
    /// says the account routes nothing, has a line to point at.
    pub route_lists: Vec<super::origin::Origin>,
    /// Trusted profiles, their links and claim rules (see `profile`).
    pub profiles: Vec<TrustedProfile>,
    pub profile_links: Vec<ProfileLink>,
    pub profile_claim_rules: Vec<ProfileClaimRule>,
    /// The account's custom roles (see `role`).
    pub custom_roles: Vec<CustomRole>,
    index: Index,
}

impl Inventory {
    /// Every identity limits document loaded, the first first.
    pub(super) fn all_limits_mut(&mut self) -> impl Iterator<Item = &mut IdentityLimits> {
        self.identity_limits
            .iter_mut()
            .chain(self.more_limits.iter_mut())
    }

    /// The policies with a subject or attribute a Terraform plan leaves unresolved, in load
    /// order (none in API exports).
    pub fn unresolved_policies(&self) -> impl Iterator<Item = &Policy> {
        self.index
            .unresolved_policies
            .iter()
            .map(|&at| &self.policies[at])
    }

    pub fn instance_by_guid(&self, guid: &str) -> Option<&ResourceInstance> {
        self.index
            .instance_by_guid
            .get(guid)
            .map(|&at| &self.instances[at])
    }

    /// The instance a key belongs to, through its `source_crn`.
    pub fn instance_of(&self, key: &ResourceKey) -> Option<&ResourceInstance> {
        key.instance_guid()
            .and_then(|guid| self.instance_by_guid(guid))
    }

    /// A service ID by any of its spellings.
    pub fn service_id(&self, spelling: &str) -> Option<&ServiceId> {
        let core = service_id_core(spelling)?;
        // An export lists each service ID once; of several copies the last is the one.
        self.index
            .service_ids_by_core
            .find(&self.service_ids, core)
            .last()
    }

    /// The service ID behind a key, through `credentials.iam_serviceid_crn`.
    pub fn service_id_of(&self, key: &ResourceKey) -> Option<&ServiceId> {
        self.service_id(key.service_id_core()?)
    }

    /// The policies whose subject is the service ID with this core, in load order.
    pub fn policies_of_service_id(&self, core: &str) -> impl Iterator<Item = &Policy> {
        self.index.policies_by_service_id.find(&self.policies, core)
    }

    /// The keys whose `source_crn` names the instance with this GUID, in load order.
    pub fn keys_of_instance(&self, guid: &str) -> impl Iterator<Item = &ResourceKey> {
        self.index.keys_by_instance_guid.find(&self.keys, guid)
    }

    /// An access group by its `AccessGroupId-...` id.
    pub fn access_group(&self, id: &str) -> Option<&AccessGroup> {
        self.index
            .access_group_by_id
            .get(id)
            .map(|&at| &self.access_groups[at])
    }

    /// The active and inactive policies whose subject is `subject`, in load order.
    pub fn policies_of(&self, subject: &Subject) -> impl Iterator<Item = &Policy> {
        self.index.policies_by_subject.find(&self.policies, subject)
    }

    /// The listed memberships of `member`, in load order (the public access group, which
    /// every identity belongs to, is not listed).
    pub fn memberships_of(&self, member: &Subject) -> impl Iterator<Item = &Membership> {
        self.index
            .memberships_by_member
            .find(&self.memberships, member)
    }

    /// The listed members of access group `group_id`, in load order.
    pub fn members_of(&self, group_id: &str) -> impl Iterator<Item = &Membership> {
        self.index
            .memberships_by_group
            .find(&self.memberships, group_id)
    }

    /// Whether the whole member list of access group `group_id` is known: it was loaded and
    /// holds as many members as the export announced. The public access group needs no list.
    pub fn members_known(&self, group_id: &str) -> bool {
        if group_id == PUBLIC_ACCESS_GROUP {
            return true;
        }
        match self.member_lists.get(group_id) {
            None => false,
            Some(None) => true,
            Some(Some(total)) => self.members_of(group_id).count() as u64 >= *total,
        }
    }

    /// Whether `member` belongs to access group `group_id`, when that is known.
    pub fn is_member(&self, member: &Subject, group_id: &str) -> Option<bool> {
        if group_id == PUBLIC_ACCESS_GROUP {
            return Some(true);
        }
        let listed = self
            .memberships_of(member)
            .any(|membership| membership.group_id == group_id);
        (listed || self.members_known(group_id)).then_some(listed)
    }

    /// A trusted profile by any of its spellings (`Profile-...`, `iam-Profile-...`).
    pub fn profile(&self, spelling: &str) -> Option<&TrustedProfile> {
        self.index
            .profile_by_core
            .get(profile_core(spelling))
            .map(|&at| &self.profiles[at])
    }

    /// A custom role by the name its CRN ends with (`customRole:<Name>`).
    pub fn custom_role(&self, name: &str) -> Option<&CustomRole> {
        self.index
            .custom_role_by_name
            .get(name)
            .map(|&at| &self.custom_roles[at])
    }

    /// GUIDs of every instance that has keys or is in the inventory, sorted.
    pub fn instance_guids(&self) -> Vec<&str> {
        let mut guids: Vec<&str> = self
            .index
            .keys_by_instance_guid
            .keys(&self.keys)
            .chain(self.instances.iter().map(|instance| instance.guid.as_str()))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        guids.sort_unstable();
        guids
    }
}
