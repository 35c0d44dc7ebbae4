//! Stable entity references (`<kind>:<id>`, the `ref` of every entity in the input document
//! and of every custom finding) and the table that resolves them back to the model's
//! `EntityRef`, whose `Origin` locates the entity in the user's file.

use std::collections::HashMap;

use crate::model::{EntityRef, Inventory, Origin};

/// `service_id:ServiceId-...`, `resource_key:crn:v1:...`: the entity's kind (as the JSON
/// output names kinds) and its id (CRN where it has one). Stable across runs of the same
/// inputs; a Terraform address is given beside it, not in it.
pub fn entity_ref(entity: &EntityRef) -> String {
    format!("{}:{}", entity.kind.as_str(), entity.id)
}

/// Every entity of the document by its `ref`, with the places of its parts that the model
/// knows whatever the input's shape (a policy's roles are `roles` in a v1 export,
/// `control.grant.roles` in v2, `roles` of a Terraform resource's values).
#[derive(Debug, Default)]
pub struct Refs {
    by_ref: HashMap<String, EntityRef>,
    parts: HashMap<String, Vec<(&'static str, Origin)>>,
}

/// The parts of an entity a denial's `pointer` can name by the document's member name.
fn parts(inventory: &Inventory) -> HashMap<String, Vec<(&'static str, Origin)>> {
    let mut parts: HashMap<String, Vec<(&'static str, Origin)>> = HashMap::new();
    for policy in &inventory.policies {
        let known = [
            ("/subject", &policy.subject_origin),
            ("/roles", &policy.roles_origin),
            ("/resource", &policy.resource_origin),
        ];
        parts
            .entry(entity_ref(&EntityRef::policy(policy)))
            .or_insert_with(|| {
                known
                    .into_iter()
                    .filter_map(|(name, origin)| Some((name, origin.clone()?)))
                    .collect()
            });
    }
    for key in &inventory.keys {
        let known = [
            ("/credentials", &key.credentials_origin),
            ("/service_id", &key.serviceid_origin),
            ("/instance", &key.source_origin),
            ("/instance_crn", &key.source_origin),
        ];
        parts
            .entry(entity_ref(&EntityRef::key(key)))
            .or_insert_with(|| {
                known
                    .into_iter()
                    .filter_map(|(name, origin)| Some((name, origin.clone()?)))
                    .collect()
            });
    }
    parts
}

impl Refs {
    /// The table of every entity the input document lists.
    pub fn of(inventory: &Inventory) -> Self {
        let entities = inventory
            .instances
            .iter()
            .map(EntityRef::instance)
            .chain(inventory.keys.iter().map(EntityRef::key))
            .chain(inventory.service_ids.iter().map(EntityRef::service_id))
            .chain(inventory.api_keys.iter().map(EntityRef::api_key))
            .chain(inventory.policies.iter().map(EntityRef::policy))
            .chain(inventory.access_groups.iter().map(EntityRef::access_group))
            .chain(inventory.profiles.iter().map(EntityRef::profile));
        let mut by_ref = HashMap::new();
        for entity in entities {
            // The first copy wins, as in the inventory's own indexes.
            by_ref.entry(entity_ref(&entity)).or_insert(entity);
        }
        Self {
            by_ref,
            parts: parts(inventory),
        }
    }

    pub fn resolve(&self, reference: &str) -> Option<&EntityRef> {
        self.by_ref.get(reference)
    }

    /// Where `pointer` is for the entity `reference`: the model's place of that part when
    /// the pointer names one (`/roles` of a policy, `/service_id` of a key), else the
    /// pointer below the entity's own place (which falls back to the entity where the
    /// user's file has no such member).
    pub fn place(
        &self,
        reference: &str,
        entity: &Origin,
        pointer: &crate::model::Pointer,
    ) -> Origin {
        if let Some((_, origin)) = self
            .parts
            .get(reference)
            .and_then(|parts| parts.iter().find(|(name, _)| *name == pointer.as_str()))
        {
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
