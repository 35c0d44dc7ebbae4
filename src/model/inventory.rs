//! The account inventory: every entity from every input, deduplicated, with lookup
//! indexes for each join key so that no rule needs a nested scan.

use std::collections::{HashMap, HashSet};

use super::EntityKind;
use super::crn::{Crn, service_id_core};
use super::declaration::{Declaration, ExposedSecret};
use super::identity::{ApiKey, ServiceId};
use super::policy::{Policy, PolicyPlaceholder};
use super::resource::{ResourceInstance, ResourceKey};

/// Which collections the inputs held at all (even empty), so rules can tell
/// "nothing was exported" from "nothing exists".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Collections {
    pub instances: bool,
    pub keys: bool,
    pub service_ids: bool,
    pub api_keys: bool,
    pub policies: bool,
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
    /// Places where the inputs print secrets in clear text (Terraform plans and states).
    pub exposed_secrets: Vec<ExposedSecret>,
    pub collections: Collections,
    index: Index,
}

#[derive(Debug, Default)]
struct Index {
    instance_by_guid: HashMap<String, usize>,
    service_id_by_core: HashMap<String, usize>,
    policies_by_service_id: HashMap<String, Vec<usize>>,
    keys_by_instance_guid: HashMap<String, Vec<usize>>,
}

impl Inventory {
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

/// Collects entities from any number of inputs; [`InventoryBuilder::finish`] drops
/// duplicates (the same entity exported twice, say by the API and the CLI), resolves v2
/// placeholders and builds the indexes.
#[derive(Debug, Default)]
pub struct InventoryBuilder {
    inventory: Inventory,
    /// Identities (the dedup key of each kind) that a plan destroys.
    removed: HashSet<(EntityKind, String)>,
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

    pub fn add_exposed_secret(&mut self, secret: ExposedSecret) {
        self.inventory.exposed_secrets.push(secret);
    }

    /// Records that a plan destroys the entity of `kind` with this identity (instance GUID,
    /// key CRN, service ID core, API key id or policy id): no input's copy of it survives,
    /// so a plan merged over an export drops what it deletes.
    pub fn remove(&mut self, kind: EntityKind, identity: String) {
        self.removed.insert((kind, identity));
    }

    pub fn finish(self) -> Inventory {
        let mut inventory = self.inventory;
        // An entity declared in a plan or state describes the account after apply: it wins
        // over the exported copy of the same entity, whatever the order of the inputs.
        prefer_declared(&mut inventory.instances, |item| item.declaration.as_ref());
        prefer_declared(&mut inventory.keys, |item| item.declaration.as_ref());
        prefer_declared(&mut inventory.service_ids, |item| item.declaration.as_ref());
        prefer_declared(&mut inventory.api_keys, |item| item.declaration.as_ref());
        prefer_declared(&mut inventory.policies, |item| item.declaration.as_ref());
        let removed = &self.removed;
        let kept =
            |kind: EntityKind, identity: &str| !removed.contains(&(kind, identity.to_owned()));
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
        // The first occurrence wins; inputs arrive in a deterministic (sorted) order.
        dedup_by_key(&mut inventory.instances, |instance| instance.guid.clone());
        dedup_by_key(&mut inventory.keys, |key| key.crn.clone());
        dedup_by_key(&mut inventory.service_ids, |service_id| {
            service_id.core().to_owned()
        });
        dedup_by_key(&mut inventory.api_keys, |api_key| api_key.id.clone());
        dedup_by_key(&mut inventory.policies, |policy| policy.id.clone());
        dedup_by_key(&mut inventory.placeholders, |placeholder| {
            placeholder.id.clone()
        });
        // A loaded v2 policy replaces its v1 placeholder silently.
        let loaded: HashSet<&str> = inventory.policies.iter().map(|p| p.id.as_str()).collect();
        let placeholders = std::mem::take(&mut inventory.placeholders);
        inventory.placeholders = placeholders
            .into_iter()
            .filter(|placeholder| !loaded.contains(placeholder.id.as_str()))
            .collect();
        inventory.index = build_index(&inventory);
        inventory
    }
}

/// Moves declared entities before the others, keeping the order within each group.
fn prefer_declared<T>(items: &mut [T], declaration: impl Fn(&T) -> Option<&Declaration>) {
    items.sort_by_key(|item| declaration(item).is_none());
}

fn dedup_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> String) {
    let mut seen = HashSet::new();
    items.retain(|item| seen.insert(key(item)));
}

fn build_index(inventory: &Inventory) -> Index {
    let mut index = Index::default();
    for (at, instance) in inventory.instances.iter().enumerate() {
        index.instance_by_guid.insert(instance.guid.clone(), at);
        // Also index the GUID written in the CRN, in case an export's `guid` differs.
        if let Some(crn) = Crn::parse(&instance.crn) {
            index
                .instance_by_guid
                .entry(crn.service_instance.to_owned())
                .or_insert(at);
        }
    }
    for (at, service_id) in inventory.service_ids.iter().enumerate() {
        index
            .service_id_by_core
            .insert(service_id.core().to_owned(), at);
    }
    for (at, policy) in inventory.policies.iter().enumerate() {
        if let Some(core) = policy.subject.service_id() {
            index
                .policies_by_service_id
                .entry(core.to_owned())
                .or_default()
                .push(at);
        }
    }
    for (at, key) in inventory.keys.iter().enumerate() {
        if let Some(guid) = key.instance_guid() {
            index
                .keys_by_instance_guid
                .entry(guid.to_owned())
                .or_default()
                .push(at);
        }
    }
    index
}
