//! The account inventory: every entity from every input, deduplicated, with lookup
//! indexes for each join key so that no rule needs a nested scan.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use super::EntityKind;
use super::access_group::{AccessGroup, Membership, PUBLIC_ACCESS_GROUP, subject_key};
use super::accounts::{Accounts, DocumentFacts};
use super::audit_routing::{Route, RoutingTarget};
use super::crn::{Crn, service_id_core};
use super::declaration::{Declaration, ExposedSecret};
use super::identity::{ApiKey, ServiceId};
use super::limits::IdentityLimits;
use super::merge::{leaders, merge_duplicates};
use super::people::People;
use super::policy::{Policy, PolicyPlaceholder, Subject};
use super::profile::{ProfileClaimRule, ProfileLink, TrustedProfile, profile_core};
use super::resource::{ResourceInstance, ResourceKey};
use super::role::CustomRole;
use super::settings::{AccessGroupSettings, IdentitySettings};
use super::snapshot::SnapshotInfo;

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

#[derive(Debug, Default)]
struct Index {
    instance_by_guid: HashMap<String, usize>,
    service_id_by_core: HashMap<String, usize>,
    policies_by_service_id: HashMap<String, Vec<usize>>,
    keys_by_instance_guid: HashMap<String, Vec<usize>>,
    access_group_by_id: HashMap<String, usize>,
    memberships_by_member: HashMap<Subject, Vec<usize>>,
    memberships_by_group: HashMap<String, Vec<usize>>,
    policies_by_subject: HashMap<Subject, Vec<usize>>,
    /// Policies with a subject or attribute a Terraform plan leaves unresolved.
    unresolved_policies: Vec<usize>,
    profile_by_core: HashMap<String, usize>,
    custom_role_by_name: HashMap<String, usize>,
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
        self.index
            .service_id_by_core
            .get(core)
            .map(|&at| &self.service_ids[at])
    }

    /// The service ID behind a key, through `credentials.iam_serviceid_crn`.
    pub fn service_id_of(&self, key: &ResourceKey) -> Option<&ServiceId> {
        let crn = key.visible_credentials()?.iam_serviceid_crn.as_deref()?;
        self.service_id(crn)
    }

    /// The policies whose subject is the service ID with this core, in load order.
    pub fn policies_of_service_id(&self, core: &str) -> impl Iterator<Item = &Policy> {
        self.index
            .policies_by_service_id
            .get(core)
            .into_iter()
            .flatten()
            .map(|&at| &self.policies[at])
    }

    /// The keys whose `source_crn` names the instance with this GUID, in load order.
    pub fn keys_of_instance(&self, guid: &str) -> impl Iterator<Item = &ResourceKey> {
        self.index
            .keys_by_instance_guid
            .get(guid)
            .into_iter()
            .flatten()
            .map(|&at| &self.keys[at])
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
        self.index
            .policies_by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .map(|&at| &self.policies[at])
    }

    /// The listed memberships of `member`, in load order (the public access group, which
    /// every identity belongs to, is not listed).
    pub fn memberships_of(&self, member: &Subject) -> impl Iterator<Item = &Membership> {
        self.index
            .memberships_by_member
            .get(member)
            .into_iter()
            .flatten()
            .map(|&at| &self.memberships[at])
    }

    /// The listed members of access group `group_id`, in load order.
    pub fn members_of(&self, group_id: &str) -> impl Iterator<Item = &Membership> {
        self.index
            .memberships_by_group
            .get(group_id)
            .into_iter()
            .flatten()
            .map(|&at| &self.memberships[at])
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
            .keys()
            .map(String::as_str)
            .chain(self.instances.iter().map(|instance| instance.guid.as_str()))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        guids.sort_unstable();
        guids
    }
}

/// Collects entities from any number of inputs; [`InventoryBuilder::finish`] merges
/// duplicates (the same entity exported twice, say by the API and the CLI: no field a copy
/// holds is lost), resolves v2 placeholders and builds the indexes.
#[derive(Debug, Default)]
pub struct InventoryBuilder {
    inventory: Inventory,
    /// Identities (the dedup key of each kind) that a plan destroys.
    removed: HashSet<(EntityKind, String)>,
    /// The collections and directory group of each document (see `accounts`).
    documents: BTreeMap<super::origin::DocId, DocumentFacts>,
}

impl InventoryBuilder {
    pub fn collections(&mut self) -> &mut Collections {
        &mut self.inventory.collections
    }

    pub fn add_instance(&mut self, instance: ResourceInstance) {
        self.inventory.instances.push(instance);
    }

    pub fn add_key(&mut self, key: ResourceKey) {
        self.inventory.keys.push(key);
    }

    pub fn add_service_id(&mut self, service_id: ServiceId) {
        self.inventory.service_ids.push(service_id);
    }

    pub fn add_api_key(&mut self, api_key: ApiKey) {
        self.inventory.api_keys.push(api_key);
    }

    pub fn add_policy(&mut self, policy: Policy) {
        self.inventory.policies.push(policy);
    }

    pub fn add_placeholder(&mut self, placeholder: PolicyPlaceholder) {
        self.inventory.placeholders.push(placeholder);
    }

    pub fn add_access_group(&mut self, group: AccessGroup) {
        self.inventory.access_groups.push(group);
    }

    pub fn add_membership(&mut self, membership: Membership) {
        self.inventory.memberships.push(membership);
    }

    /// Records that (a page of) the member list of `group_id` was loaded, and how many
    /// members the export said the group has in all.
    pub fn add_member_list(&mut self, group_id: &str, total_count: Option<u64>) {
        let entry = self
            .inventory
            .member_lists
            .entry(group_id.to_owned())
            .or_default();
        *entry = match (*entry, total_count) {
            (Some(known), Some(total)) => Some(known.max(total)),
            (known, total) => known.or(total),
        };
    }

    pub fn add_profile(&mut self, profile: TrustedProfile) {
        self.inventory.profiles.push(profile);
    }

    pub fn add_profile_link(&mut self, link: ProfileLink) {
        self.inventory.profile_links.push(link);
    }

    pub fn add_profile_claim_rule(&mut self, rule: ProfileClaimRule) {
        self.inventory.profile_claim_rules.push(rule);
    }

    /// Gives the links and claim rules loaded without a profile this one (`Profile-<uuid>`).
    pub fn name_profile(&mut self, profile_id: &str) {
        for link in &mut self.inventory.profile_links {
            link.profile_id.get_or_insert_with(|| profile_id.to_owned());
        }
        for rule in &mut self.inventory.profile_claim_rules {
            rule.profile_id.get_or_insert_with(|| profile_id.to_owned());
        }
    }

    pub fn add_custom_role(&mut self, role: CustomRole) {
        self.inventory.custom_roles.push(role);
    }

    pub fn add_identity_limits(&mut self, limits: IdentityLimits) {
        match self.inventory.identity_limits {
            None => self.inventory.identity_limits = Some(limits),
            Some(_) => self.inventory.more_limits.push(limits),
        }
    }

    /// The users, owners and reports of a document (see `People`).
    pub fn people(&mut self) -> &mut People {
        &mut self.inventory.people
    }

    pub fn add_snapshot(&mut self, snapshot: SnapshotInfo) {
        self.inventory.snapshots.push(snapshot);
    }

    pub fn add_exposed_secret(&mut self, secret: ExposedSecret) {
        self.inventory.exposed_secrets.push(secret);
    }

    pub fn add_identity_settings(&mut self, settings: IdentitySettings) {
        self.inventory.identity_settings.push(settings);
    }

    pub fn add_access_group_settings(&mut self, settings: AccessGroupSettings) {
        self.inventory.access_group_settings.push(settings);
    }

    pub fn add_route(&mut self, route: Route) {
        self.inventory.routes.push(route);
    }

    pub fn add_routing_target(&mut self, target: RoutingTarget) {
        self.inventory.routing_targets.push(target);
    }

    pub fn add_route_list(&mut self, origin: super::origin::Origin) {
        self.inventory.route_lists.push(origin);
    }

    /// Records that a plan destroys the entity of `kind` with this identity (instance GUID,
    /// key CRN, service ID core, API key id or policy id): no input's copy of it survives,
    /// so a plan merged over an export drops what it deletes.
    pub fn remove(&mut self, kind: EntityKind, identity: String) {
        self.removed.insert((kind, identity));
    }

    /// Appends everything `other` collected after what this builder holds, as if its
    /// entities had been added here in their order: loaders fill one builder per file (or
    /// per chunk of a long list) on several threads, then merge them in input order.
    pub fn absorb(&mut self, other: InventoryBuilder) {
        let InventoryBuilder {
            inventory,
            removed,
            documents,
        } = other;
        let Inventory {
            instances,
            keys,
            service_ids,
            api_keys,
            policies,
            placeholders,
            access_groups,
            memberships,
            member_lists,
            exposed_secrets,
            collections,
            identity_limits,
            more_limits,
            snapshots,
            people,
            identity_settings,
            access_group_settings,
            routes,
            routing_targets,
            route_lists,
            profiles,
            profile_links,
            profile_claim_rules,
            custom_roles,
            accounts: _,
            index: _,
        } = inventory;
        let into = &mut self.inventory;
        into.instances.extend(instances);
        into.keys.extend(keys);
        into.service_ids.extend(service_ids);
        into.api_keys.extend(api_keys);
        into.policies.extend(policies);
        into.placeholders.extend(placeholders);
        into.access_groups.extend(access_groups);
        into.memberships.extend(memberships);
        for (group_id, total_count) in member_lists {
            self.add_member_list(&group_id, total_count);
        }
        let into = &mut self.inventory;
        into.exposed_secrets.extend(exposed_secrets);
        into.collections.merge(collections);
        for limits in identity_limits.into_iter().chain(more_limits) {
            self.add_identity_limits(limits);
        }
        let into = &mut self.inventory;
        into.snapshots.extend(snapshots);
        into.people.extend(people);
        into.identity_settings.extend(identity_settings);
        into.access_group_settings.extend(access_group_settings);
        into.routes.extend(routes);
        into.routing_targets.extend(routing_targets);
        into.route_lists.extend(route_lists);
        into.profiles.extend(profiles);
        into.profile_links.extend(profile_links);
        into.profile_claim_rules.extend(profile_claim_rules);
        into.custom_roles.extend(custom_roles);
        for (document, facts) in documents {
            let mine = self.documents.entry(document).or_default();
            mine.collections.merge(facts.collections);
            mine.group = mine.group.or(facts.group);
        }
        self.removed.extend(removed);
    }

    /// Like [`InventoryBuilder::absorb`], for the whole of one document: its collections
    /// are recorded as that document's, and `group` (documents in the same directory share
    /// one) lets the document take the account of a `snapshot.json` beside it.
    pub fn absorb_document(
        &mut self,
        document: super::origin::DocId,
        group: Option<u32>,
        other: InventoryBuilder,
    ) {
        let facts = self.documents.entry(document).or_default();
        facts.collections.merge(other.inventory.collections);
        facts.group = facts.group.or(group);
        self.absorb(other);
    }

    pub fn finish(self) -> Inventory {
        let mut inventory = self.inventory;
        super::accounts::resolve(&mut inventory, &self.documents);
        // An entity declared in a plan or state describes the account after apply: it wins
        // over the exported copy of the same entity, whatever the order of the inputs.
        prefer_declared(&mut inventory.instances, |item| item.declaration.as_ref());
        prefer_declared(&mut inventory.keys, |item| item.declaration.as_ref());
        prefer_declared(&mut inventory.service_ids, |item| item.declaration.as_ref());
        prefer_declared(&mut inventory.api_keys, |item| item.declaration.as_ref());
        prefer_declared(&mut inventory.policies, |item| item.declaration.as_ref());
        super::settings::keep_one_per_account(&mut inventory);
        // Only plans remove entities; API exports skip this pass.
        if !self.removed.is_empty() {
            let removed: HashSet<(EntityKind, &str)> = self
                .removed
                .iter()
                .map(|(kind, identity)| (*kind, identity.as_str()))
                .collect();
            let kept = |kind: EntityKind, identity: &str| !removed.contains(&(kind, identity));
            inventory
                .instances
                .retain(|item| kept(EntityKind::ResourceInstance, &item.guid));
            inventory
                .keys
                .retain(|item| kept(EntityKind::ResourceKey, &item.crn));
            inventory
                .service_ids
                .retain(|item| kept(EntityKind::ServiceId, item.core()));
            inventory
                .api_keys
                .retain(|item| kept(EntityKind::ApiKey, &item.id));
            inventory
                .policies
                .retain(|item| kept(EntityKind::Policy, &item.id));
        }
        // The copies of one entity are merged: the fullest wins and every field it lacks is
        // taken from the others (see `merge`), so the order of the inputs does not matter.
        let first = leaders(&inventory.instances, |instance| instance.guid.as_str());
        merge_duplicates(&mut inventory.instances, &first);
        let first = leaders(&inventory.keys, |key| key.crn.as_str());
        merge_duplicates(&mut inventory.keys, &first);
        let first = leaders(&inventory.service_ids, ServiceId::core);
        merge_duplicates(&mut inventory.service_ids, &first);
        let first = leaders(&inventory.api_keys, |api_key| api_key.id.as_str());
        merge_duplicates(&mut inventory.api_keys, &first);
        // Policies and memberships: the first occurrence wins; inputs arrive in a
        // deterministic (sorted) order.
        let first = first_occurrences(&inventory.policies, |policy| policy.id.as_str());
        keep_marked(&mut inventory.policies, first);
        let first = first_occurrences(&inventory.placeholders, |placeholder| {
            placeholder.id.as_str()
        });
        keep_marked(&mut inventory.placeholders, first);
        let first = leaders(&inventory.access_groups, |group| group.id.as_str());
        merge_duplicates(&mut inventory.access_groups, &first);
        let first = first_occurrences(&inventory.memberships, |membership| {
            (
                membership.group_id.as_str(),
                subject_key(&membership.member),
            )
        });
        keep_marked(&mut inventory.memberships, first);
        dedup_profiles_and_roles(&mut inventory);
        // A loaded v2 policy replaces its v1 placeholder silently.
        if !inventory.placeholders.is_empty() {
            let loaded: HashSet<&str> = inventory.policies.iter().map(|p| p.id.as_str()).collect();
            let placeholders = std::mem::take(&mut inventory.placeholders);
            inventory.placeholders = placeholders
                .into_iter()
                .filter(|placeholder| !loaded.contains(placeholder.id.as_str()))
                .collect();
        }
        inventory.index = build_index(&inventory);
        inventory
    }
}

/// Profiles, their links and rules, and custom roles: a declared copy first, then the first
/// occurrence of each wins (they are few, and no rule needs a field only a later copy has).
fn dedup_profiles_and_roles(inventory: &mut Inventory) {
    prefer_declared(&mut inventory.profiles, |item| item.declaration.as_ref());
    prefer_declared(&mut inventory.custom_roles, |item| {
        item.declaration.as_ref()
    });
    let first = first_occurrences(&inventory.profiles, |profile| profile_core(&profile.id));
    keep_marked(&mut inventory.profiles, first);
    let first = first_occurrences(&inventory.custom_roles, |role| {
        (role.account.as_deref(), role.name.as_str())
    });
    keep_marked(&mut inventory.custom_roles, first);
    let first = first_occurrences(&inventory.profile_links, |link| {
        (
            link.profile_id.as_deref(),
            link.id.as_deref(),
            link.crn.as_deref(),
        )
    });
    keep_marked(&mut inventory.profile_links, first);
    let first = first_occurrences(&inventory.profile_claim_rules, |rule| {
        (
            rule.profile_id.as_deref(),
            rule.id.as_deref(),
            rule.name.as_deref(),
        )
    });
    keep_marked(&mut inventory.profile_claim_rules, first);
}

/// Moves declared entities before the others, keeping the order within each group.
fn prefer_declared<T>(items: &mut [T], declaration: impl Fn(&T) -> Option<&Declaration>) {
    // API exports declare nothing: no need to sort (and move) every entity.
    if items.iter().any(|item| declaration(item).is_some()) {
        items.sort_by_key(|item| declaration(item).is_none());
    }
}

/// For each item, whether it is the first with its key. The keys borrow from the items, so
/// nothing is copied to tell duplicates apart.
fn first_occurrences<'a, T, K: Hash + Eq>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<bool> {
    let mut seen = HashSet::with_capacity(items.len());
    items.iter().map(|item| seen.insert(key(item))).collect()
}

/// Keeps the items marked `true` by [`first_occurrences`], in order.
fn keep_marked<T>(items: &mut Vec<T>, keep: Vec<bool>) {
    if keep.iter().all(|&keep| keep) {
        return;
    }
    // `retain` visits the items in order, once each.
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
}

fn build_index(inventory: &Inventory) -> Index {
    let mut index = Index {
        instance_by_guid: HashMap::with_capacity(inventory.instances.len()),
        service_id_by_core: HashMap::with_capacity(inventory.service_ids.len()),
        keys_by_instance_guid: HashMap::with_capacity(inventory.instances.len()),
        access_group_by_id: HashMap::with_capacity(inventory.access_groups.len()),
        ..Index::default()
    };
    for (at, instance) in inventory.instances.iter().enumerate() {
        index.instance_by_guid.insert(instance.guid.clone(), at);
        // Also index the GUID written in the CRN, in case an export's `guid` differs.
        if let Some(crn) = Crn::parse(&instance.crn)
            && !index.instance_by_guid.contains_key(crn.service_instance)
        {
            index
                .instance_by_guid
                .insert(crn.service_instance.to_owned(), at);
        }
    }
    for (at, service_id) in inventory.service_ids.iter().enumerate() {
        index
            .service_id_by_core
            .insert(service_id.core().to_owned(), at);
    }
    for (at, policy) in inventory.policies.iter().enumerate() {
        if let Some(core) = policy.subject.service_id() {
            push_at(&mut index.policies_by_service_id, core, at);
        }
        push_at(&mut index.policies_by_subject, &policy.subject, at);
        if policy.unresolved().is_some() {
            index.unresolved_policies.push(at);
        }
    }
    for (at, key) in inventory.keys.iter().enumerate() {
        if let Some(guid) = key.instance_guid() {
            push_at(&mut index.keys_by_instance_guid, guid, at);
        }
    }
    for (at, group) in inventory.access_groups.iter().enumerate() {
        index.access_group_by_id.insert(group.id.clone(), at);
    }
    for (at, profile) in inventory.profiles.iter().enumerate() {
        index
            .profile_by_core
            .entry(profile_core(&profile.id).to_owned())
            .or_insert(at);
    }
    for (at, role) in inventory.custom_roles.iter().enumerate() {
        index
            .custom_role_by_name
            .entry(role.name.clone())
            .or_insert(at);
    }
    for (at, membership) in inventory.memberships.iter().enumerate() {
        push_at(&mut index.memberships_by_member, &membership.member, at);
        push_at(
            &mut index.memberships_by_group,
            membership.group_id.as_str(),
            at,
        );
    }
    index
}

/// Appends `at` to the list of `key`, copying the key only the first time it is seen (most
/// keys name several entities: a service ID's policies, an instance's keys).
fn push_at<K, Q>(map: &mut HashMap<K, Vec<usize>>, key: &Q, at: usize)
where
    K: Borrow<Q> + Hash + Eq,
    Q: ToOwned<Owned = K> + Hash + Eq + ?Sized,
{
    match map.get_mut(key) {
        Some(list) => list.push(at),
        None => {
            map.insert(key.to_owned(), vec![at]);
        }
    }
}
