//! Entities named without copying them: an [`EntityView`] borrows what an [`EntityRef`]
//! owns, and an [`EntityHandle`] names an entity of the inventory by its place in its list.
//! The rules record about a million passes at scale 100 (JUnit, the compliance report);
//! an owned reference to each subject (its CRN, name and pointer copied) took more memory
//! than the inventory's own lists, and building them a tenth of the run. A pass of a listed
//! entity is now its handle, read through the inventory when a report needs it.

use super::{
    ApiKey, EntityKind, EntityRef, Inventory, Origin, Policy, ResourceInstance, ResourceKey,
    ServiceId,
};

/// An [`EntityRef`] borrowed: from an owned reference ([`EntityRef::view`]) or straight from
/// the model entity it names ([`Listed::view`]). The fields are those of the reference the
/// entity's `EntityRef` constructor builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityView<'a> {
    pub kind: EntityKind,
    /// CRN where the entity has one, else its id.
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub origin: &'a Origin,
    /// The declaring Terraform resource's address (see [`EntityRef::address`]).
    pub address: Option<&'a str>,
    pub account: Option<&'a str>,
}

impl EntityView<'_> {
    /// The owned reference.
    pub fn to_ref(&self) -> EntityRef {
        EntityRef {
            kind: self.kind,
            id: self.id.to_owned(),
            name: self.name.map(str::to_owned),
            origin: self.origin.clone(),
            address: self.address.map(str::to_owned),
            account: self.account.map(super::intern_cached),
        }
    }
}

impl EntityRef {
    /// The reference borrowed.
    pub fn view(&self) -> EntityView<'_> {
        EntityView {
            kind: self.kind,
            id: &self.id,
            name: self.name.as_deref(),
            origin: &self.origin,
            address: self.address.as_deref(),
            account: self.account.as_deref(),
        }
    }
}

/// The inventory's lists whose entities an [`EntityHandle`] can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityList {
    Instances,
    Keys,
    ServiceIds,
    ApiKeys,
    Policies,
}

/// An entity of the inventory by its list and its place in it. Valid for the inventory it
/// was taken from ([`Inventory::handle`]), as long as that inventory is not changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EntityHandle {
    pub list: EntityList,
    pub index: u32,
}

/// A kind of entity the inventory keeps in a list of its own.
pub trait Listed: Sized + 'static {
    const LIST: EntityList;

    /// The inventory's list of these entities.
    fn list(inventory: &Inventory) -> &[Self];

    /// The entity's reference, borrowed (`EntityRef::key(key)` is `key.view().to_ref()`).
    fn view(&self) -> EntityView<'_>;
}

/// Implements [`Listed`] for an entity type: its list, the list's field in the inventory,
/// its kind and its id field; `unnamed` for a type without a name (a policy).
macro_rules! listed {
    ($entity:ty, $list:ident, $field:ident, $kind:ident, $id:ident $(, $unnamed:ident)?) => {
        impl Listed for $entity {
            const LIST: EntityList = EntityList::$list;

            fn list(inventory: &Inventory) -> &[Self] {
                &inventory.$field
            }

            fn view(&self) -> EntityView<'_> {
                EntityView {
                    kind: EntityKind::$kind,
                    id: &self.$id,
                    name: listed!(@name self $(, $unnamed)?),
                    origin: &self.origin,
                    address: self
                        .declaration
                        .as_deref()
                        .map(|declaration| declaration.address.as_str()),
                    account: self.account.as_deref(),
                }
            }
        }
    };
    (@name $self:ident) => {
        $self.name.as_deref()
    };
    (@name $self:ident, unnamed) => {
        None
    };
}

listed!(
    ResourceInstance,
    Instances,
    instances,
    ResourceInstance,
    crn
);
listed!(ResourceKey, Keys, keys, ResourceKey, crn);
listed!(ServiceId, ServiceIds, service_ids, ServiceId, id);
listed!(ApiKey, ApiKeys, api_keys, ApiKey, id);
listed!(Policy, Policies, policies, Policy, id, unnamed);

impl Inventory {
    /// The handle of `entity` when it is an element of this inventory's list (found by its
    /// address: no id is hashed or compared), else `None` (a copy, or another inventory's).
    pub fn handle<T: Listed>(&self, entity: &T) -> Option<EntityHandle> {
        let list = T::list(self);
        let size = std::mem::size_of::<T>();
        let start = list.as_ptr() as usize;
        let at = std::ptr::from_ref(entity) as usize;
        let offset = at.checked_sub(start)?;
        if size == 0 || offset % size != 0 {
            return None;
        }
        let index = offset / size;
        (index < list.len()).then_some(EntityHandle {
            list: T::LIST,
            index: u32::try_from(index).ok()?,
        })
    }

    /// The entity `handle` names, borrowed; `None` when this inventory has no such entity.
    pub fn view(&self, handle: EntityHandle) -> Option<EntityView<'_>> {
        fn at<T: Listed>(inventory: &Inventory, index: u32) -> Option<EntityView<'_>> {
            T::list(inventory)
                .get(usize::try_from(index).ok()?)
                .map(Listed::view)
        }
        match handle.list {
            EntityList::Instances => at::<ResourceInstance>(self, handle.index),
            EntityList::Keys => at::<ResourceKey>(self, handle.index),
            EntityList::ServiceIds => at::<ServiceId>(self, handle.index),
            EntityList::ApiKeys => at::<ApiKey>(self, handle.index),
            EntityList::Policies => at::<Policy>(self, handle.index),
        }
    }

    /// The account a subject without one of its own belongs to: the run's only account.
    /// The rules judge each account apart and name it on every subject of its part (see
    /// [`Inventory::partition`]); in a run of one account, that account.
    pub fn sole_account(&self) -> Option<&str> {
        if self.accounts.several() {
            None
        } else {
            self.accounts.ids().next().flatten()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, InventoryBuilder, Pointer};

    fn api_key(id: &str, index: usize) -> ApiKey {
        ApiKey {
            account: Some("acct".into()),
            id: id.to_owned(),
            name: Some(format!("key {index}").into()),
            description: None,
            iam_id: Some("iam-ServiceId-1".into()),
            crn: None,
            created_at: None,
            expires_at: None,
            action_when_leaked: None,
            locked: None,
            disabled: None,
            origin: Origin::new(DocId(0), Pointer::root().key("apikeys").index(index)),
            declaration: None,
        }
    }

    fn inventory() -> Inventory {
        let mut builder = InventoryBuilder::default();
        builder.add_api_key(api_key("ApiKey-a", 0));
        builder.add_api_key(api_key("ApiKey-b", 1));
        builder.finish()
    }

    #[test]
    fn handles_name_the_inventorys_own_entities_only() {
        let inventory = inventory();
        let handle = inventory.handle(&inventory.api_keys[1]);
        assert_eq!(
            handle,
            Some(EntityHandle {
                list: EntityList::ApiKeys,
                index: 1
            })
        );
        let view = handle.and_then(|handle| inventory.view(handle));
        assert_eq!(
            view.map(|view| view.to_ref()),
            Some(EntityRef::api_key(&inventory.api_keys[1]))
        );
        // A copy is not the inventory's.
        let copy = inventory.api_keys[0].clone();
        assert_eq!(inventory.handle(&copy), None);
        assert_eq!(
            inventory.view(EntityHandle {
                list: EntityList::ApiKeys,
                index: 2
            }),
            None
        );
    }

    #[test]
    fn views_are_the_constructors_references() {
        let key = api_key("ApiKey-c", 3);
        assert_eq!(key.view().to_ref(), EntityRef::api_key(&key));
        assert_eq!(EntityRef::api_key(&key).view(), key.view());
    }
}
