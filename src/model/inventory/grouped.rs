//! An index of a list's positions by a key its items hold, that keeps no copy of the keys.
//!
//! The join indexes were maps from a copied key (a service ID's core, a policy's subject)
//! to a `Vec` of positions: at scale 10 about 4 MB for the policies and service IDs alone,
//! most of it the copied keys (a 46-byte core in a 48-byte allocation), the lists' own
//! allocations and their headers. Here the table holds only group numbers; a key is
//! compared against the item the group was first seen at, and every group's positions sit
//! side by side in one list.

use std::fmt;
use std::hash::{BuildHasher, Hash};

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// The positions of the items of one list by the key each holds, in list order.
pub(super) struct Grouped<T, K: ?Sized> {
    /// Where an item keeps its key (the index and its lookups must read the same one).
    key_of: fn(&T) -> Option<&K>,
    /// Group numbers, found by the hash of their key.
    table: HashTable<u32>,
    groups: Vec<Group>,
    /// Every group's positions, one group after the other.
    positions: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Group {
    /// The first item with the key: the one lookups compare against.
    first: u32,
    start: u32,
    len: u32,
}

fn no_key<T, K: ?Sized>(_: &T) -> Option<&K> {
    None
}

impl<T, K: ?Sized> Default for Grouped<T, K> {
    fn default() -> Self {
        Self {
            key_of: no_key,
            table: HashTable::new(),
            groups: Vec::new(),
            positions: Vec::new(),
        }
    }
}

impl<T, K: ?Sized> fmt::Debug for Grouped<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grouped")
            .field("groups", &self.groups.len())
            .field("positions", &self.positions.len())
            .finish()
    }
}

impl<T, K: Hash + Eq + ?Sized> Grouped<T, K> {
    /// Groups `items` by `key_of` (items without a key are left out). A list longer than
    /// `u32::MAX` items (hundreds of gigabytes of entities) is indexed up to that length.
    pub(super) fn build(items: &[T], key_of: fn(&T) -> Option<&K>) -> Self {
        let items = &items[..items.len().min(u32::MAX as usize)];
        let hasher = FxBuildHasher;
        let mut table: HashTable<u32> = HashTable::new();
        let mut groups: Vec<Group> = Vec::new();
        // Each item's group, to lay the positions out once the groups' sizes are known.
        let mut group_of: Vec<u32> = Vec::with_capacity(items.len());
        for (at, item) in items.iter().enumerate() {
            let Some(key) = key_of(item) else {
                group_of.push(u32::MAX);
                continue;
            };
            let hash = hasher.hash_one(key);
            let found = table.find(hash, |group| {
                first_key(&groups, items, key_of, *group) == Some(key)
            });
            if let Some(&group) = found {
                if let Some(known) = groups.get_mut(group as usize) {
                    known.len += 1;
                }
                group_of.push(group);
                continue;
            }
            let group = groups.len() as u32;
            table.insert_unique(hash, group, |group| {
                first_key(&groups, items, key_of, *group).map_or(0, |key| hasher.hash_one(key))
            });
            groups.push(Group {
                first: at as u32,
                start: 0,
                len: 1,
            });
            group_of.push(group);
        }
        let mut next: Vec<u32> = Vec::with_capacity(groups.len());
        let mut start = 0u32;
        for group in &mut groups {
            group.start = start;
            next.push(start);
            start += group.len;
        }
        let mut positions = vec![0u32; start as usize];
        for (at, group) in group_of.into_iter().enumerate() {
            if let Some(slot) = next.get_mut(group as usize) {
                if let Some(position) = positions.get_mut(*slot as usize) {
                    *position = at as u32;
                }
                *slot += 1;
            }
        }
        table.shrink_to(0, |group| {
            first_key(&groups, items, key_of, *group).map_or(0, |key| hasher.hash_one(key))
        });
        Self {
            key_of,
            table,
            groups,
            positions,
        }
    }

    /// The positions (in `items`, the list this was built from) of the items with `key`.
    fn get(&self, items: &[T], key: &K) -> &[u32] {
        let hash = FxBuildHasher.hash_one(key);
        let found = self.table.find(hash, |group| {
            first_key(&self.groups, items, self.key_of, *group) == Some(key)
        });
        found
            .and_then(|group| self.groups.get(*group as usize))
            .and_then(|group| {
                self.positions
                    .get(group.start as usize..(group.start + group.len) as usize)
            })
            .unwrap_or_default()
    }

    /// The items of `items` (the list this was built from) with `key`, in list order.
    pub(super) fn find<'a>(&'a self, items: &'a [T], key: &K) -> impl Iterator<Item = &'a T> {
        self.get(items, key)
            .iter()
            .filter_map(|&at| items.get(at as usize))
    }

    /// Every key, once, in the order first seen.
    pub(super) fn keys<'a>(&'a self, items: &'a [T]) -> impl Iterator<Item = &'a K> + 'a {
        self.groups
            .iter()
            .filter_map(move |group| items.get(group.first as usize).and_then(self.key_of))
    }
}

/// The key of the item group `group` was first seen at.
fn first_key<'a, T, K: ?Sized>(
    groups: &[Group],
    items: &'a [T],
    key_of: fn(&T) -> Option<&K>,
    group: u32,
) -> Option<&'a K> {
    let group = groups.get(group as usize)?;
    key_of(items.get(group.first as usize)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(item: &'a (u8, &'static str)) -> Option<&'a str> {
        (item.0 != 0).then_some(item.1)
    }

    #[test]
    fn finds_each_keys_positions_in_list_order() {
        let items = [
            (1, "a"),
            (1, "b"),
            (0, "a"),
            (1, "a"),
            (1, "c"),
            (1, "b"),
            (1, "a"),
        ];
        let grouped = Grouped::build(&items, key);
        assert_eq!(grouped.get(&items, "a"), [0, 3, 6]);
        assert_eq!(grouped.get(&items, "b"), [1, 5]);
        assert_eq!(grouped.get(&items, "c"), [4]);
        assert!(grouped.get(&items, "d").is_empty());
        assert_eq!(grouped.keys(&items).collect::<Vec<_>>(), ["a", "b", "c"]);
        let empty: Grouped<(u8, &str), str> = Grouped::default();
        assert!(empty.get(&items, "a").is_empty());
    }

    #[test]
    fn many_keys_survive_the_table_growing() {
        let items: Vec<String> = (0..5_000).map(|at| format!("k{}", at % 1_700)).collect();
        let grouped = Grouped::build(&items, |item: &String| Some(item.as_str()));
        for at in 0..1_700 {
            let expected: Vec<u32> = (0..5_000u32).filter(|n| n % 1_700 == at).collect();
            assert_eq!(grouped.get(&items, format!("k{at}").as_str()), expected);
        }
    }
}
