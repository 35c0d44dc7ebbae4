//! The inventory's lookup indexes: one per join key (an instance's GUID, a service ID's
//! core, a policy's subject ...) so that no rule needs a nested scan. The large ones are
//! [`Grouped`]: they keep positions, not copies of the keys.

use rustc_hash::FxHashMap;

use super::super::access_group::Membership;
use super::super::identity::ServiceId;
use super::super::policy::{Policy, Subject};
use super::super::profile::profile_core;
use super::super::resource::ResourceKey;
use super::Inventory;
use super::grouped::Grouped;

#[derive(Debug, Default)]
pub(super) struct Index {
    pub(super) instance_by_guid: FxHashMap<String, usize>,
    /// Every service ID with its core (an export lists each once; the last is the one).
    pub(super) service_ids_by_core: Grouped<ServiceId, str>,
    pub(super) policies_by_service_id: Grouped<Policy, str>,
    pub(super) keys_by_instance_guid: Grouped<ResourceKey, str>,
    pub(super) access_group_by_id: FxHashMap<String, usize>,
    pub(super) memberships_by_member: Grouped<Membership, Subject>,
    pub(super) memberships_by_group: Grouped<Membership, str>,
    pub(super) policies_by_subject: Grouped<Policy, Subject>,
    /// Policies with a subject or attribute a Terraform plan leaves unresolved.
    pub(super) unresolved_policies: Vec<usize>,
    pub(super) profile_by_core: FxHashMap<String, usize>,
    pub(super) custom_role_by_name: FxHashMap<String, usize>,
}

/// The keys the indexes are built on (each `Grouped` keeps its own to look keys up).
fn service_id_key(service_id: &ServiceId) -> Option<&str> {
    Some(service_id.core())
}

fn policy_service_id(policy: &Policy) -> Option<&str> {
    policy.subject.service_id()
}

fn policy_subject(policy: &Policy) -> Option<&Subject> {
    Some(&policy.subject)
}

fn key_instance_guid(key: &ResourceKey) -> Option<&str> {
    key.instance_guid()
}

fn membership_member(membership: &Membership) -> Option<&Subject> {
    Some(&membership.member)
}

fn membership_group(membership: &Membership) -> Option<&str> {
    Some(membership.group_id.as_str())
}

impl Index {
    /// The indexes of a finished inventory.
    pub(super) fn build(inventory: &Inventory) -> Self {
        // The three largest parts (instances and keys, service IDs, policies) are built on
        // both cores: they read disjoint lists and fill disjoint maps.
        let ((instance_by_guid, keys_by_instance_guid), (service_ids_by_core, policies)) =
            rayon::join(
                || {
                    rayon::join(
                        || instances_by_guid(inventory),
                        || Grouped::build(&inventory.keys, key_instance_guid),
                    )
                },
                || {
                    rayon::join(
                        || Grouped::build(&inventory.service_ids, service_id_key),
                        || policy_indexes(inventory),
                    )
                },
            );
        let (policies_by_service_id, policies_by_subject, unresolved_policies) = policies;
        let mut index = Index {
            instance_by_guid,
            service_ids_by_core,
            policies_by_service_id,
            keys_by_instance_guid,
            policies_by_subject,
            unresolved_policies,
            access_group_by_id: FxHashMap::with_capacity_and_hasher(
                inventory.access_groups.len(),
                Default::default(),
            ),
            ..Index::default()
        };
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
        index.memberships_by_member = Grouped::build(&inventory.memberships, membership_member);
        index.memberships_by_group = Grouped::build(&inventory.memberships, membership_group);
        index
    }
}

fn instances_by_guid(inventory: &Inventory) -> FxHashMap<String, usize> {
    let mut map =
        FxHashMap::with_capacity_and_hasher(inventory.instances.len(), Default::default());
    for (at, instance) in inventory.instances.iter().enumerate() {
        map.insert(instance.guid.clone(), at);
        // Also index the GUID written in the CRN, in case an export's `guid` differs.
        if let Some(crn) = instance.parsed_crn()
            && !map.contains_key(crn.service_instance)
        {
            map.insert(crn.service_instance.to_owned(), at);
        }
    }
    map
}

/// Policies by subject service ID and by subject, and the unresolved ones.
type PolicyIndexes = (Grouped<Policy, str>, Grouped<Policy, Subject>, Vec<usize>);

/// The policies by service ID and by subject, built side by side: this is the longest of
/// the parts [`Index::build`] runs on both cores.
fn policy_indexes(inventory: &Inventory) -> PolicyIndexes {
    let policies = &inventory.policies;
    let (by_service_id, (by_subject, unresolved)) = rayon::join(
        || Grouped::build(policies, policy_service_id),
        || {
            let by_subject = Grouped::build(policies, policy_subject);
            let unresolved = policies
                .iter()
                .enumerate()
                .filter(|(_, policy)| policy.unresolved().is_some())
                .map(|(at, _)| at)
                .collect();
            (by_subject, unresolved)
        },
    );
    (by_service_id, by_subject, unresolved)
}
