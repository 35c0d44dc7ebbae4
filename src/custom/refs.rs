//! Stable entity references (`<kind>:<id>`, the `ref` of every entity in the input document
//! and of every custom finding) and the table that resolves them back to the model's
//! `EntityRef`, whose `Origin` locates the entity in the user's file.

use std::collections::HashMap;

use crate::model::{EntityRef, Inventory};

/// `service_id:ServiceId-...`, `resource_key:crn:v1:...`: the entity's kind (as the JSON
/// output names kinds) and its id (CRN where it has one). Stable across runs of the same
/// inputs; a Terraform address is given beside it, not in it.
pub fn entity_ref(entity: &EntityRef) -> String {
    format!("{}:{}", entity.kind.as_str(), entity.id)
}

/// Every entity of the document by its `ref`.
#[derive(Debug, Default)]
pub struct Refs {
    by_ref: HashMap<String, EntityRef>,
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
            .chain(inventory.access_groups.iter().map(EntityRef::access_group));
        let mut by_ref = HashMap::new();
        for entity in entities {
            // The first copy wins, as in the inventory's own indexes.
            by_ref.entry(entity_ref(&entity)).or_insert(entity);
        }
        Self { by_ref }
    }

    pub fn resolve(&self, reference: &str) -> Option<&EntityRef> {
        self.by_ref.get(reference)
    }

    pub fn len(&self) -> usize {
        self.by_ref.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_ref.is_empty()
    }
}
