//! Collecting entities from every input into one [`Inventory`]: duplicates merged, plan
//! removals applied, v2 placeholders resolved, the indexes built.

use std::collections::BTreeMap;
use std::hash::Hash;

use rustc_hash::FxHashSet;

use super::super::EntityKind;
use super::super::access_group::{AccessGroup, Membership, subject_key};
use super::super::audit_routing::{Route, RoutingTarget};
use super::super::declaration::{Declaration, ExposedSecret};
use super::super::identity::{ApiKey, ServiceId};
use super::super::limits::IdentityLimits;
use super::super::merge::{leaders, merge_duplicates};
use super::super::people::People;
use super::super::policy::{Policy, PolicyPlaceholder};
use super::super::profile::{ProfileClaimRule, ProfileLink, TrustedProfile, profile_core};
use super::super::resource::{ResourceInstance, ResourceKey};
use super::super::role::CustomRole;
use super::super::settings::{AccessGroupSettings, IdentitySettings};
use super::super::snapshot::SnapshotInfo;
use super::accounts::DocumentFacts;
use super::index::Index;
use super::{Collections, Inventory};

/// Collects entities from any number of inputs; [`InventoryBuilder::finish`] merges
/// duplicates (the same entity exported twice, say by the API and the CLI: no field a copy
/// holds is lost), resolves v2 placeholders and builds the indexes.
#[derive(Debug, Default)]
pub struct InventoryBuilder {
    inventory: Inventory,
    /// Identities (the dedup key of each kind) that a plan destroys.
    removed: FxHashSet<(EntityKind, String)>,
    /// The collections and directory group of each document (see `accounts`).
    documents: BTreeMap<super::super::origin::DocId, DocumentFacts>,
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

    /// Drops the trusted profile links and claim rules that no profile was found for (the
    /// list responses do not name their profile); whether there were any.
    pub fn drop_unnamed_profile_items(&mut self) -> bool {
        let links = &mut self.inventory.profile_links;
        let rules = &mut self.inventory.profile_claim_rules;
        let before = links.len() + rules.len();
        links.retain(|link| link.profile_id.is_some());
        rules.retain(|rule| rule.profile_id.is_some());
        links.len() + rules.len() != before
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

    pub fn add_route_list(&mut self, origin: super::super::origin::Origin) {
        self.inventory.route_lists.push(origin);
    }

    /// Records that a plan destroys the entity of `kind` with this identity (instance GUID,
    /// key CRN, service ID core, API key id or policy id): no input's copy of it survives,
    /// so a plan merged over an export drops what it deletes.
    pub fn remove(&mut self, kind: EntityKind, identity: String) {
        self.removed.insert((kind, identity));
    }

    /// Makes room for the entities of `parts` before they are absorbed: the long lists then
    /// grow once, to their size, instead of doubling (at benchmark scale 100 the doubled
    /// lists of keys, service IDs, API keys and policies held about 100 MB unused, and each
    /// doubling copied the list).
    pub fn reserve_for<'a>(&mut self, parts: impl Iterator<Item = &'a InventoryBuilder>) {
        self.reserve_lists(parts, true);
    }

    /// Makes room for the long lists of `parts` beyond those already reserved, growing
    /// geometrically: for parts merged a window at a time, whose total is not known ahead.
    pub fn reserve_more_for<'a>(&mut self, parts: impl Iterator<Item = &'a InventoryBuilder>) {
        self.reserve_lists(parts, false);
    }

    fn reserve_lists<'a>(
        &mut self,
        parts: impl Iterator<Item = &'a InventoryBuilder>,
        exact: bool,
    ) {
        let (mut instances, mut keys, mut service_ids, mut api_keys, mut policies) =
            (0, 0, 0, 0, 0);
        for part in parts {
            let part = &part.inventory;
            instances += part.instances.len();
            keys += part.keys.len();
            service_ids += part.service_ids.len();
            api_keys += part.api_keys.len();
            policies += part.policies.len();
        }
        fn room<T>(list: &mut Vec<T>, more: usize, exact: bool) {
            if exact {
                list.reserve_exact(more);
            } else {
                list.reserve(more);
            }
        }
        let into = &mut self.inventory;
        room(&mut into.instances, instances, exact);
        room(&mut into.keys, keys, exact);
        room(&mut into.service_ids, service_ids, exact);
        room(&mut into.api_keys, api_keys, exact);
        room(&mut into.policies, policies, exact);
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
        document: super::super::origin::DocId,
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
        prefer_declared(&mut inventory.instances, |item| item.declaration.as_deref());
        prefer_declared(&mut inventory.keys, |item| item.declaration.as_deref());
        prefer_declared(&mut inventory.service_ids, |item| {
            item.declaration.as_deref()
        });
        prefer_declared(&mut inventory.api_keys, |item| item.declaration.as_deref());
        prefer_declared(&mut inventory.policies, |item| item.declaration.as_deref());
        super::super::settings::keep_one_per_account(&mut inventory);
        // Only plans remove entities; API exports skip this pass.
        if !self.removed.is_empty() {
            let removed: FxHashSet<(EntityKind, &str)> = self
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
        // Each list on its own, the long ones on both cores.
        let Inventory {
            instances,
            keys,
            service_ids,
            api_keys,
            policies,
            ..
        } = &mut inventory;
        rayon::join(
            || {
                rayon::join(
                    || {
                        let first = leaders(instances, |instance| instance.guid.as_str());
                        merge_duplicates(instances, &first);
                        let first = leaders(keys, |key| key.crn.as_str());
                        merge_duplicates(keys, &first);
                    },
                    || {
                        let first = leaders(service_ids, ServiceId::core);
                        merge_duplicates(service_ids, &first);
                        let first = leaders(api_keys, |api_key| api_key.id.as_str());
                        merge_duplicates(api_keys, &first);
                    },
                )
            },
            || {
                // Policies and memberships: the first occurrence wins; inputs arrive in a
                // deterministic (sorted) order.
                let first = first_occurrences(policies, |policy| policy.id.as_str());
                keep_marked(policies, first);
            },
        );
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
            let loaded: FxHashSet<&str> =
                inventory.policies.iter().map(|p| p.id.as_str()).collect();
            let placeholders = std::mem::take(&mut inventory.placeholders);
            inventory.placeholders = placeholders
                .into_iter()
                .filter(|placeholder| !loaded.contains(placeholder.id.as_str()))
                .collect();
        }
        inventory.index = Index::build(&inventory);
        inventory
    }
}

/// Profiles, their links and rules, and custom roles: a declared copy first, then the first
/// occurrence of each wins (they are few, and no rule needs a field only a later copy has).
fn dedup_profiles_and_roles(inventory: &mut Inventory) {
    prefer_declared(&mut inventory.profiles, |item| item.declaration.as_deref());
    prefer_declared(&mut inventory.custom_roles, |item| {
        item.declaration.as_deref()
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
    let mut seen = FxHashSet::with_capacity_and_hasher(items.len(), Default::default());
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
