//! The inventory's lookup indexes: one map per join key (an instance's GUID, a service ID's
//! core, a policy's subject ...) so that no rule needs a nested scan.

use std::borrow::Borrow;
use std::hash::Hash;

use rustc_hash::FxHashMap;

use super::super::policy::Subject;
use super::super::profile::profile_core;
use super::Inventory;

#[derive(Debug, Default)]
pub(super) struct Index {
    pub(super) instance_by_guid: FxHashMap<String, usize>,
    pub(super) service_id_by_core: FxHashMap<String, usize>,
    pub(super) policies_by_service_id: FxHashMap<String, Vec<usize>>,
    pub(super) keys_by_instance_guid: FxHashMap<String, Vec<usize>>,
    pub(super) access_group_by_id: FxHashMap<String, usize>,
    pub(super) memberships_by_member: FxHashMap<Subject, Vec<usize>>,
    pub(super) memberships_by_group: FxHashMap<String, Vec<usize>>,
    pub(super) policies_by_subject: FxHashMap<Subject, Vec<usize>>,
    /// Policies with a subject or attribute a Terraform plan leaves unresolved.
    pub(super) unresolved_policies: Vec<usize>,
    pub(super) profile_by_core: FxHashMap<String, usize>,
    pub(super) custom_role_by_name: FxHashMap<String, usize>,
}

impl Index {
    /// The indexes of a finished inventory.
    pub(super) fn build(inventory: &Inventory) -> Self {
        // The three largest parts (instances and keys, service IDs, policies) are built on
        // both cores: they read disjoint lists and fill disjoint maps.
        let ((instance_by_guid, keys_by_instance_guid), (service_id_by_core, policies)) =
            rayon::join(
                || {
                    rayon::join(
                        || instances_by_guid(inventory),
                        || keys_by_instance_guid(inventory),
                    )
                },
                || {
                    rayon::join(
                        || service_ids_by_core(inventory),
                        || policy_indexes(inventory),
                    )
                },
            );
        let (policies_by_service_id, policies_by_subject, unresolved_policies) = policies;
        let mut index = Index {
            instance_by_guid,
            service_id_by_core,
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

fn keys_by_instance_guid(inventory: &Inventory) -> FxHashMap<String, Vec<usize>> {
    let mut map =
        FxHashMap::with_capacity_and_hasher(inventory.instances.len(), Default::default());
    for (at, key) in inventory.keys.iter().enumerate() {
        if let Some(guid) = key.instance_guid() {
            push_at(&mut map, guid, at);
        }
    }
    map
}

fn service_ids_by_core(inventory: &Inventory) -> FxHashMap<String, usize> {
    let mut map =
        FxHashMap::with_capacity_and_hasher(inventory.service_ids.len(), Default::default());
    for (at, service_id) in inventory.service_ids.iter().enumerate() {
        map.insert(service_id.core().to_owned(), at);
    }
    map
}

/// Policies by subject service ID and by subject, and the unresolved ones.
type PolicyIndexes = (
    FxHashMap<String, Vec<usize>>,
    FxHashMap<Subject, Vec<usize>>,
    Vec<usize>,
);

/// The policies by service ID and by subject, built side by side: this is the longest of
/// the parts [`Index::build`] runs on both cores.
fn policy_indexes(inventory: &Inventory) -> PolicyIndexes {
    let policies = &inventory.policies;
    let (by_service_id, (by_subject, unresolved)) = rayon::join(
        || {
            let mut by_service_id = FxHashMap::default();
            for (at, policy) in policies.iter().enumerate() {
                if let Some(core) = policy.subject.service_id() {
                    push_at(&mut by_service_id, core, at);
                }
            }
            by_service_id
        },
        || {
            let (mut by_subject, mut unresolved) = (FxHashMap::default(), Vec::new());
            for (at, policy) in policies.iter().enumerate() {
                push_at(&mut by_subject, &policy.subject, at);
                if policy.unresolved().is_some() {
                    unresolved.push(at);
                }
            }
            (by_subject, unresolved)
        },
    );
    (by_service_id, by_subject, unresolved)
}

/// Appends `at` to the list of `key`, copying the key only the first time it is seen (most
/// keys name several entities: a service ID's policies, an instance's keys).
fn push_at<K, Q>(map: &mut FxHashMap<K, Vec<usize>>, key: &Q, at: usize)
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
