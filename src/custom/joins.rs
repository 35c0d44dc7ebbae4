//! The joins the input document precomputes, so that a Rego rule follows a `ref` instead of
//! scanning: a key's instance and service ID, an instance's keys, a service ID's policies,
//! keys, API keys and groups, a group's policies. Built once per document; the indexes the
//! inventory lacks (keys and API keys by service ID) are filled here in one pass each.

use std::collections::HashMap;

use super::refs::entity_ref;
use crate::model::{EntityRef, Inventory, ResourceKey, Subject};

pub(super) struct Joins<'a> {
    pub(super) inventory: &'a Inventory,
    keys_by_service_id: HashMap<String, Vec<String>>,
    api_keys_by_service_id: HashMap<String, Vec<String>>,
}

impl<'a> Joins<'a> {
    pub(super) fn of(inventory: &'a Inventory) -> Self {
        let mut keys_by_service_id: HashMap<String, Vec<String>> = HashMap::new();
        for key in &inventory.keys {
            if let Some(service_id) = inventory.service_id_of(key) {
                keys_by_service_id
                    .entry(service_id.core().to_owned())
                    .or_default()
                    .push(entity_ref(&EntityRef::key(key)));
            }
        }
        let mut api_keys_by_service_id: HashMap<String, Vec<String>> = HashMap::new();
        for api_key in &inventory.api_keys {
            if let Some(core) = api_key.service_id() {
                api_keys_by_service_id
                    .entry(core.to_owned())
                    .or_default()
                    .push(entity_ref(&EntityRef::api_key(api_key)));
            }
        }
        Self {
            inventory,
            keys_by_service_id,
            api_keys_by_service_id,
        }
    }

    pub(super) fn keys_of_instance(&self, guid: &str) -> Vec<String> {
        self.inventory
            .keys_of_instance(guid)
            .map(|key| entity_ref(&EntityRef::key(key)))
            .collect()
    }

    pub(super) fn instance_of(&self, key: &ResourceKey) -> Option<String> {
        self.inventory
            .instance_of(key)
            .map(|instance| entity_ref(&EntityRef::instance(instance)))
    }

    pub(super) fn service_id_of(&self, key: &ResourceKey) -> Option<String> {
        self.inventory
            .service_id_of(key)
            .map(|service_id| entity_ref(&EntityRef::service_id(service_id)))
    }

    pub(super) fn service_id_ref(&self, spelling: &str) -> Option<String> {
        self.inventory
            .service_id(spelling)
            .map(|service_id| entity_ref(&EntityRef::service_id(service_id)))
    }

    pub(super) fn keys_of_service_id(&self, core: &str) -> Vec<String> {
        self.keys_by_service_id
            .get(core)
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn api_keys_of_service_id(&self, core: &str) -> Vec<String> {
        self.api_keys_by_service_id
            .get(core)
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn policies_of(&self, subject: &Subject) -> Vec<String> {
        self.inventory
            .policies_of(subject)
            .map(|policy| entity_ref(&EntityRef::policy(policy)))
            .collect()
    }

    pub(super) fn groups_of(&self, member: &Subject) -> Vec<String> {
        self.inventory
            .memberships_of(member)
            .filter_map(|membership| self.inventory.access_group(&membership.group_id))
            .map(|group| entity_ref(&EntityRef::access_group(group)))
            .collect()
    }

    /// The `ref` of a subject that is a loaded entity (a service ID, an access group or a
    /// trusted profile).
    pub(super) fn subject_ref(&self, subject: &Subject) -> Option<String> {
        match subject {
            Subject::ServiceId(core) => self.service_id_ref(core),
            Subject::AccessGroup(id) => self
                .inventory
                .access_group(id)
                .map(|group| entity_ref(&EntityRef::access_group(group))),
            Subject::Profile(id) => self
                .inventory
                .profiles
                .iter()
                .find(|profile| profile.iam_id == *id || profile.id == *id)
                .map(|profile| entity_ref(&EntityRef::profile(profile))),
            _ => None,
        }
    }
}
