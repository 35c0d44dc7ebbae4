//! The values `to_rego` has built so far, so that every distinct string, array and object
//! of the input document is allocated once and shared (regorus' values are immutable and
//! reference-counted, so sharing cannot be observed). The document repeats most of what it
//! holds: 26,220 policies name a few dozen roles, services, subjects and scopes; each
//! policy used to allocate its own copy of each, about 55 allocations, and freeing them
//! took longer than building them.
//!
//! Strings are looked up by their text. Arrays and objects are built from values that are
//! already shared, so they are looked up by the identity of their items (the address of a
//! shared string, array or object; the value of a number or boolean): a hash and a
//! comparison of pointers, not a walk of the tree. Two values whose hashes collide are
//! compared in full; the second is then built on its own (correct, only not shared).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rustc_hash::FxHasher;

use regorus::Value;

/// FxHash (`rustc-hash`): the tables hash short texts and pointers millions of times per
/// run, where SipHash would dominate.
pub(super) type Fast = rustc_hash::FxBuildHasher;

/// A table keyed by a hash already computed (`FxHasher`): the key is its own hash.
#[derive(Default)]
struct PassHasher(u64);

impl Hasher for PassHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 << 8) | u64::from(*byte);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type ByHash = HashMap<u64, Value, BuildHasherDefault<PassHasher>>;

/// Each distinct value built so far, by hash.
#[derive(Default)]
pub(super) struct ValueTable {
    strings: ByHash,
    arrays: ByHash,
    objects: ByHash,
    /// Per set of keys (by their identity): an object of those keys with `null` values,
    /// which a new object of the same keys copies and fills (see `unshared_object`).
    templates: HashMap<u64, regorus::value::Object, BuildHasherDefault<PassHasher>>,
}

/// The identity of a shared value, for the hash of what holds it.
fn identity(value: &Value, hasher: &mut FxHasher) {
    match value {
        Value::Null => hasher.write_u64(1),
        Value::Bool(flag) => hasher.write_u64(2 + u64::from(*flag)),
        Value::Number(_) => {
            // Numbers of the document are integers (counts); another number only shares
            // a hash with its kind, and the comparison tells them apart.
            hasher.write_u64(4);
            hasher.write_u64(value.as_i64().map_or(0, |n| n as u64));
        }
        Value::String(text) => hasher.write_u64(text.as_ptr() as u64),
        Value::Array(array) => hasher.write_u64(std::sync::Arc::as_ptr(array) as *const u8 as u64),
        Value::Set(set) => hasher.write_u64(std::sync::Arc::as_ptr(set) as *const u8 as u64),
        Value::Object(object) => {
            hasher.write_u64(std::sync::Arc::as_ptr(object) as *const u8 as u64)
        }
        Value::Undefined => hasher.write_u64(5),
    }
}

/// How often the values of one member (a struct's field, of every value of the struct)
/// were found among those built: the values of a member that names one entity (a name, a
/// timestamp, the `ref`s of a join) are not repeated, and looking each up (hashing it,
/// missing, inserting it, growing the table) is wasted. After `PROBE` lookups, a member
/// whose values were found less than one time in `RARE` is built without one. Sharing
/// cannot be observed (regorus' values are immutable), so what is built is the same.
#[derive(Default, Clone, Copy)]
pub(super) struct Counter {
    lookups: u32,
    hits: u32,
}

/// How many lookups of a member decide whether its values repeat.
const PROBE: u32 = 256;
/// A member whose values were found less than once in `RARE` lookups is not looked up.
const RARE: u32 = 8;

impl Counter {
    /// Whether a value of the member is still worth looking up.
    pub(super) fn worth_it(&self) -> bool {
        self.lookups < PROBE || self.hits * RARE >= self.lookups
    }

    fn count(&mut self, hit: bool) {
        if self.lookups < PROBE {
            self.lookups += 1;
            self.hits += u32::from(hit);
        }
    }
}

/// The array of `items` in its own exact-size vector (the buffer stays in the pool).
fn unshared_array(items: &mut Vec<Value>) -> Value {
    let mut exact = Vec::with_capacity(items.len());
    exact.append(items);
    Value::from(exact)
}

/// What `table` holds under `hash`: the value wanted (`same` says so), or whether a new
/// one may take the slot.
enum Found {
    Shared(Value),
    Free,
    Taken,
}

fn find(table: &ByHash, hash: u64, same: impl FnOnce(&Value) -> bool) -> Found {
    match table.get(&hash) {
        Some(found) if same(found) => Found::Shared(found.clone()),
        Some(_) => Found::Taken,
        None => Found::Free,
    }
}

/// `value`, kept in `table` under `hash` when the slot was free.
fn keep(table: &mut ByHash, hash: u64, found: Found, value: Value) -> Value {
    if let Found::Free = found {
        table.insert(hash, value.clone());
    }
    value
}

impl ValueTable {
    /// The string `text`.
    pub(super) fn string(&mut self, text: &str) -> Value {
        self.string_counted(text, &mut Counter::default())
    }

    /// The string `text`, counting in `counter` whether it was found among those built.
    pub(super) fn string_counted(&mut self, text: &str, counter: &mut Counter) -> Value {
        let mut hasher = FxHasher::default();
        hasher.write(text.as_bytes());
        let hash = hasher.finish();
        match find(
            &self.strings,
            hash,
            |found| matches!(found, Value::String(shared) if **shared == *text),
        ) {
            Found::Shared(value) => {
                counter.count(true);
                value
            }
            found => {
                counter.count(false);
                keep(&mut self.strings, hash, found, Value::from(text))
            }
        }
    }

    /// The array of `items` (shared values), which it empties.
    pub(super) fn array(&mut self, items: &mut Vec<Value>, counter: &mut Counter) -> Value {
        if !counter.worth_it() {
            return unshared_array(items);
        }
        let mut hasher = FxHasher::default();
        hasher.write_u64(items.len() as u64);
        for item in items.iter() {
            identity(item, &mut hasher);
        }
        let hash = hasher.finish();
        match find(&self.arrays, hash, |found| {
            found
                .as_array()
                .is_ok_and(|array| array.len() == items.len() && array.iter().eq(items.iter()))
        }) {
            Found::Shared(value) => {
                counter.count(true);
                items.clear();
                value
            }
            found => {
                counter.count(false);
                let array = unshared_array(items);
                keep(&mut self.arrays, hash, found, array)
            }
        }
    }

    /// The object of `members` (shared keys and values, sorted by key, no key twice),
    /// which it empties.
    pub(super) fn object(
        &mut self,
        members: &mut Vec<(Value, Value)>,
        counter: &mut Counter,
    ) -> Value {
        if !counter.worth_it() {
            return self.unshared_object(members);
        }
        let mut hasher = FxHasher::default();
        hasher.write_u64(members.len() as u64);
        for (key, value) in members.iter() {
            identity(key, &mut hasher);
            identity(value, &mut hasher);
        }
        let hash = hasher.finish();
        match find(&self.objects, hash, |found| {
            found.as_object().is_ok_and(|object| {
                object.len() == members.len()
                    && object
                        .iter_sorted()
                        .zip(members.iter())
                        .all(|((key, value), (k, v))| key == k && value == v)
            })
        }) {
            Found::Shared(value) => {
                counter.count(true);
                members.clear();
                value
            }
            found => {
                counter.count(false);
                let object = self.unshared_object(members);
                keep(&mut self.objects, hash, found, object)
            }
        }
    }

    /// The object of `members` (as for `object`), built without a lookup: for a value that
    /// is never repeated (an entity, which its own `ref` names).
    ///
    /// regorus builds an object only through a `BTreeMap` (inserted into, node by node,
    /// then copied into a sorted slice), and its API has no constructor from members
    /// already sorted; but a value put under a key an object already has keeps its compact
    /// storage. So the first object of each set of keys leaves a template (its keys, `null`
    /// values); the next ones copy it and put their values in place: one allocation and a
    /// binary search per member instead of the tree.
    pub(super) fn unshared_object(&mut self, members: &mut Vec<(Value, Value)>) -> Value {
        let mut hasher = FxHasher::default();
        hasher.write_u64(members.len() as u64);
        for (key, _) in members.iter() {
            identity(key, &mut hasher);
        }
        let hash = hasher.finish();
        if let Some(template) = self.templates.get(&hash) {
            // The same keys in the same order (shared keys compare by address first).
            if template.len() == members.len()
                && template
                    .keys_sorted()
                    .zip(members.iter())
                    .all(|(key, (mine, _))| key == mine)
            {
                let mut object = template.clone();
                for (key, value) in members.drain(..) {
                    // The template's value already: no search for its slot.
                    if matches!(value, Value::Null) {
                        continue;
                    }
                    if let Some(slot) = object.get_mut(&key) {
                        *slot = value;
                    }
                }
                return Value::from(object);
            }
            return Self::tree_object(members);
        }
        let mut template = regorus::value::Object::new();
        for (key, _) in members.iter() {
            template.insert(key.clone(), Value::Null);
        }
        // Frozen (compact) by `Value::from`, copied out of the value once.
        if let Ok(frozen) = Value::from(template).as_object() {
            self.templates.insert(hash, frozen.clone());
        }
        Self::tree_object(members)
    }

    /// The object of `members` through regorus' `BTreeMap`.
    fn tree_object(members: &mut Vec<(Value, Value)>) -> Value {
        let mut object = regorus::value::Object::new();
        for (key, value) in members.drain(..) {
            object.insert(key, value);
        }
        Value::from(object)
    }
}
