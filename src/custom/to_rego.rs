//! A serde `Serializer` whose output is a `regorus::Value`: the typed input document goes
//! straight into the value regorus evaluates, without a `serde_json::Value` tree in between
//! (which allocated every string and member name twice) and with each member name allocated
//! once per run rather than once per entity.
//!
//! Over 400 lines: a serde `Serializer` must answer every method of serde's data model, and
//! no maintained crate serializes into regorus' `Value` (it offers only conversions from
//! JSON text or a `serde_json::Value`, the copy this module exists to avoid).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use regorus::Value;
use serde::Serialize;
use serde::ser::{self, Impossible};

use super::needs::Fields;
use super::struct_shapes::StructShapes;
use super::value_table::{Counter, Fast, ValueTable};

/// Why a value could not be serialized (only a custom `Serialize` can fail).
#[derive(Debug)]
pub(super) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }
}

/// What one serialization shares: the values built so far (`value_table`), the member
/// names met so far and the buffers of the arrays and objects being built.
#[derive(Default)]
struct State {
    values: ValueTable,
    /// Each member name by its address: serde hands every field its one `&'static str`,
    /// so the lookup hashes a pointer, not the text (a name met at two addresses is
    /// looked up twice, and shared all the same).
    keys: HashMap<(usize, usize), Value, Fast>,
    /// Emptied buffers, reused: an array or object whose value is already shared then
    /// costs no allocation.
    items: Vec<Vec<Value>>,
    members: Vec<Vec<(Value, Value)>>,
    /// The text of `collect_str` (a `ref`), formatted here rather than into a new string.
    text: String,
    shapes: StructShapes,
    /// Whether the objects at the top (`to_values`' items: the document's entities, each
    /// named by its own `ref`) are built without a lookup: they are never repeated.
    entities: bool,
    /// Whether the string being serialized is an entity's own identifier (`UNIQUE`),
    /// which no other value of its member repeats: built without a lookup.
    unique: bool,
    /// How many objects are being built around the current value.
    depth: usize,
    /// What the rules read of the entities (`needs`), and the node of it that applies to
    /// the struct serialized next (`None`: all of it).
    projection: Projection,
    pending: Option<usize>,
    /// The struct field (shape, position) whose value is being built, and how often the
    /// strings and the arrays and objects of each field were found among those built
    /// (`Counter`: a field whose values do not repeat is not looked up any more).
    field: Option<(usize, usize)>,
    sharing: Vec<Vec<Sharing>>,
}

/// How often one field's strings, and its arrays and objects, were found already built.
#[derive(Default, Clone, Copy)]
struct Sharing {
    strings: Counter,
    composites: Counter,
}

/// The members that name an entity itself: every entity of a member has its own, so
/// looking them up among the strings built so far (hashing, missing, inserting, growing
/// the table) was wasted; sharing them could not be observed either way.
const UNIQUE: [&str; 5] = ["ref", "id", "crn", "guid", "iam_id"];

/// `Fields` flattened for the serializer: each node lists the members it keeps, each with
/// the node of what is kept of it (`None`: all of it).
#[derive(Default)]
struct Projection(Vec<Vec<(String, Option<usize>)>>);

impl Projection {
    /// The projection of `fields` and its root node (`None` when `fields` is whole).
    fn of(fields: &Fields) -> (Self, Option<usize>) {
        let mut projection = Self::default();
        let root = projection.add(fields);
        (projection, root)
    }

    fn add(&mut self, fields: &Fields) -> Option<usize> {
        let members = fields.members()?;
        let at = self.0.len();
        self.0.push(Vec::new());
        let node = members
            .iter()
            .map(|(name, fields)| (name.clone(), self.add(fields)))
            .collect();
        self.0[at] = node;
        Some(at)
    }

    /// Member `name` under `node`: `None` when it is not kept, else the node of what is
    /// kept of it.
    fn member(&self, node: usize, name: &str) -> Option<Option<usize>> {
        self.0
            .get(node)?
            .iter()
            .find(|(kept, _)| kept == name)
            .map(|(_, child)| *child)
    }
}

impl State {
    /// The string `text`, looked up among those built unless its field's do not repeat.
    fn shared_string(&mut self, text: &str) -> Value {
        let mut scratch = Counter::default();
        let counter = match Self::counters(&mut self.sharing, self.field) {
            Some(sharing) => &mut sharing.strings,
            None => &mut scratch,
        };
        if !counter.worth_it() {
            return Value::from(text);
        }
        self.values.string_counted(text, counter)
    }

    /// The counters of `field` (`None` outside a struct's field: always looked up).
    fn counters(
        sharing: &mut Vec<Vec<Sharing>>,
        field: Option<(usize, usize)>,
    ) -> Option<&mut Sharing> {
        let (shape, at) = field?;
        if sharing.len() <= shape {
            sharing.resize_with(shape + 1, Vec::new);
        }
        let fields = &mut sharing[shape];
        if fields.len() <= at {
            fields.resize(at + 1, Sharing::default());
        }
        Some(&mut fields[at])
    }

    /// The array of `items`, looked up unless its field's do not repeat.
    fn shared_array(&mut self, items: &mut Vec<Value>) -> Value {
        let mut scratch = Counter::default();
        let counter = match Self::counters(&mut self.sharing, self.field) {
            Some(sharing) => &mut sharing.composites,
            None => &mut scratch,
        };
        self.values.array(items, counter)
    }

    /// The object of `members`, looked up unless its field's do not repeat.
    fn shared_object(&mut self, members: &mut Vec<(Value, Value)>) -> Value {
        let mut scratch = Counter::default();
        let counter = match Self::counters(&mut self.sharing, self.field) {
            Some(sharing) => &mut sharing.composites,
            None => &mut scratch,
        };
        self.values.object(members, counter)
    }

    fn key(&mut self, name: &'static str) -> Value {
        self.keys
            .entry((name.as_ptr() as usize, name.len()))
            .or_insert_with(|| self.values.string(name))
            .clone()
    }
}

type Shared = RefCell<State>;

/// `value` as a regorus value.
pub(super) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    let state = Shared::default();
    value.serialize(ValueSerializer { state: &state })
}

/// Each of `items` as a regorus value, sharing repeated values among them (an item that
/// cannot be serialized is `Undefined`, as `document::to_value` makes a failed document),
/// with only the members `fields` names (`needs`: what the rules read of them).
pub(super) fn to_values<T: Serialize>(items: &[T], fields: &Fields) -> Vec<Value> {
    let (projection, root) = Projection::of(fields);
    let state = Shared::new(State {
        entities: true,
        projection,
        ..State::default()
    });
    items
        .iter()
        .map(|item| {
            {
                let mut state = state.borrow_mut();
                state.depth = 0;
                state.pending = root;
            }
            item.serialize(ValueSerializer { state: &state })
                .unwrap_or(Value::Undefined)
        })
        .collect()
}

#[derive(Clone, Copy)]
struct ValueSerializer<'k> {
    state: &'k Shared,
}

impl ValueSerializer<'_> {
    /// The projection node for the value being serialized, which only a struct uses:
    /// any other value is built whole.
    fn take_pending(self) -> Option<usize> {
        self.state.borrow_mut().pending.take()
    }

    fn set_pending(self, node: Option<usize>) {
        self.state.borrow_mut().pending = node;
    }

    fn key(self, name: &'static str) -> Value {
        self.state.borrow_mut().key(name)
    }

    /// Whether the shape `shape` has learnt its field `at`.
    fn knows(self, shape: usize, at: usize) -> bool {
        self.state.borrow().shapes.knows(shape, at)
    }

    /// The key of field `at` of a struct of `shape`: the shape's, else looked up (and
    /// learnt). `regular` turns false when the shape did not know it.
    fn field_key(self, shape: usize, at: usize, name: &'static str, regular: &mut bool) -> Value {
        let state = &mut *self.state.borrow_mut();
        if let Some(key) = state.shapes.key(shape, at, name) {
            return key;
        }
        let key = state.key(name);
        state.shapes.learn(shape, at, name, &key);
        if state.shapes.key(shape, at, name).is_none() {
            *regular = false;
        }
        key
    }

    fn string(self, text: &str) -> Value {
        let state = &mut *self.state.borrow_mut();
        if state.unique {
            return Value::from(text);
        }
        state.shared_string(text)
    }

    fn items(self, capacity: usize) -> Vec<Value> {
        let mut items = self.state.borrow_mut().items.pop().unwrap_or_default();
        items.reserve(capacity);
        items
    }

    /// The array of `items`; the buffer goes back to the pool.
    fn array(self, mut items: Vec<Value>) -> Value {
        let state = &mut *self.state.borrow_mut();
        let array = state.shared_array(&mut items);
        state.items.push(items);
        array
    }

    fn members(self) -> Vec<(Value, Value)> {
        self.state.borrow_mut().members.pop().unwrap_or_default()
    }

    /// The object of a struct of `shape` whose `members` came in the shape's order: put
    /// in key order by the shape's order, without comparing keys.
    fn struct_object(self, shape: usize, mut members: Vec<(Value, Value)>, unique: bool) -> Value {
        let mut sorted = self.members();
        let ordered = {
            let state = &mut *self.state.borrow_mut();
            match state.shapes.order(shape, members.len()) {
                Some(order) => {
                    for &at in order {
                        let member =
                            std::mem::replace(&mut members[at], (Value::Null, Value::Null));
                        // A member left out by the projection keeps its place as `Undefined`.
                        if !matches!(member.0, Value::Undefined) {
                            sorted.push(member);
                        }
                    }
                    true
                }
                None => false,
            }
        };
        if !ordered {
            self.state.borrow_mut().members.push(sorted);
            return self.object(members);
        }
        let state = &mut *self.state.borrow_mut();
        members.clear();
        state.members.push(members);
        let object = if unique {
            state.values.unshared_object(&mut sorted)
        } else {
            state.shared_object(&mut sorted)
        };
        state.members.push(sorted);
        object
    }

    /// The object of `members` (in any order; of a key given twice, the last value, as
    /// a map's insert keeps it); the buffer goes back to the pool.
    fn object(self, mut members: Vec<(Value, Value)>) -> Value {
        members.retain(|(key, _)| !matches!(key, Value::Undefined));
        members.sort_by(|a, b| a.0.cmp(&b.0));
        if members.windows(2).any(|pair| pair[0].0 == pair[1].0) {
            // Stable: of equal keys the later stays later, and `dedup_by` keeps the first
            // of each run, so turn the list around first.
            members.reverse();
            members.dedup_by(|later, earlier| later.0 == earlier.0);
            members.reverse();
        }
        let state = &mut *self.state.borrow_mut();
        let object = state.shared_object(&mut members);
        state.members.push(members);
        object
    }

    /// `{variant: value}`, as serde_json writes an externally tagged enum.
    fn tagged(self, variant: &'static str, value: Value) -> Value {
        let mut members = self.members();
        members.push((self.key(variant), value));
        self.object(members)
    }
}

impl<'k> ser::Serializer for ValueSerializer<'k> {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = Seq<'k>;
    type SerializeTuple = Seq<'k>;
    type SerializeTupleStruct = Seq<'k>;
    type SerializeTupleVariant = Seq<'k>;
    type SerializeMap = Map<'k>;
    type SerializeStruct = Map<'k>;
    type SerializeStructVariant = Map<'k>;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(Value::from(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(Value::from(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        Ok(Value::from(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        Ok(Value::from(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        Ok(Value::from(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        Ok(self.string(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        Ok(self.string(v))
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<Value, Error> {
        use std::fmt::Write as _;
        let mut text = std::mem::take(&mut self.state.borrow_mut().text);
        text.clear();
        write!(text, "{value}").map_err(<Error as ser::Error>::custom)?;
        let shared = self.string(&text);
        self.state.borrow_mut().text = text;
        Ok(shared)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        let mut items = self.items(v.len());
        items.extend(v.iter().map(|byte| Value::from(u64::from(*byte))));
        Ok(self.array(items))
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        Ok(self.key(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        self.take_pending();
        let inner = value.serialize(self)?;
        Ok(self.tagged(variant, inner))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'k>, Error> {
        self.take_pending();
        Ok(Seq {
            serializer: self,
            items: self.items(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'k>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'k>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq<'k>, Error> {
        self.take_pending();
        Ok(Seq {
            serializer: self,
            items: self.items(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'k>, Error> {
        let depth = {
            let mut state = self.state.borrow_mut();
            state.pending = None;
            state.depth += 1;
            state.depth - 1
        };
        Ok(Map {
            serializer: self,
            depth,
            members: self.members(),
            key: None,
            variant: None,
            shape: None,
            regular: true,
            node: None,
        })
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Map<'k>, Error> {
        let node = self.take_pending();
        let shape = self.state.borrow_mut().shapes.of(name);
        Ok(Map {
            shape: Some(shape),
            node,
            ..self.serialize_map(None)?
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Map<'k>, Error> {
        Ok(Map {
            variant: Some(variant),
            ..self.serialize_map(None)?
        })
    }
}

/// An array (or a tuple variant's array, tagged with the variant) being built.
struct Seq<'k> {
    serializer: ValueSerializer<'k>,
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl Seq<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.serializer.set_pending(None);
        self.items.push(value.serialize(self.serializer)?);
        Ok(())
    }

    fn finish(self) -> Value {
        let array = self.serializer.array(self.items);
        match self.variant {
            Some(variant) => self.serializer.tagged(variant, array),
            None => array,
        }
    }
}

/// Sequences, tuples and tuple structs and variants are all arrays: one `push` per element.
macro_rules! seq_impl {
    ($($trait:ident :: $method:ident),* $(,)?) => {$(
        impl ser::$trait for Seq<'_> {
            type Ok = Value;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Result<Value, Error> {
                Ok(self.finish())
            }
        }
    )*};
}

seq_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

/// An object (or a struct variant's object, tagged with the variant) being built.
struct Map<'k> {
    serializer: ValueSerializer<'k>,
    members: Vec<(Value, Value)>,
    /// The key of `serialize_key` waiting for its value.
    key: Option<Value>,
    variant: Option<&'static str>,
    /// A struct's shape (`struct_shapes`), and whether its fields so far came as the
    /// shape knows them.
    shape: Option<usize>,
    regular: bool,
    /// How many objects are being built around this one.
    depth: usize,
    /// The projection node of a struct's fields (`None`: every field).
    node: Option<usize>,
}

impl Map<'_> {
    fn finish(self) -> Value {
        let unique = {
            let mut state = self.serializer.state.borrow_mut();
            state.depth = self.depth;
            state.entities && self.depth == 0
        };
        let object = match self.shape {
            Some(shape) if self.regular => {
                self.serializer.struct_object(shape, self.members, unique)
            }
            _ => self.serializer.object(self.members),
        };
        match self.variant {
            Some(variant) => self.serializer.tagged(variant, object),
            None => object,
        }
    }
}

impl ser::SerializeMap for Map<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer {
            serializer: self.serializer,
        })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value without its key"))?;
        self.serializer.set_pending(None);
        let value = value.serialize(self.serializer)?;
        self.members.push((key, value));
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for Map<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let child = match self.node {
            None => Some(None),
            Some(node) => self.serializer.state.borrow().projection.member(node, name),
        };
        let Some(child) = child else {
            // Not read by any rule: left out, its place kept for the shape's order. Its key
            // is needed only while the shape is learnt (most of a policy's fields are left
            // out, and looking their keys up was a tenth of the conversion).
            if let Some(shape) = self.shape
                && !self.serializer.knows(shape, self.members.len())
            {
                self.serializer
                    .field_key(shape, self.members.len(), name, &mut self.regular);
            }
            self.members.push((Value::Undefined, Value::Undefined));
            return Ok(());
        };
        let key = match self.shape {
            Some(shape) => {
                self.serializer
                    .field_key(shape, self.members.len(), name, &mut self.regular)
            }
            None => self.serializer.key(name),
        };
        let outer = {
            let mut state = self.serializer.state.borrow_mut();
            state.pending = child;
            state.unique = state.entities && self.depth == 0 && UNIQUE.contains(&name);
            let field = self.shape.map(|shape| (shape, self.members.len()));
            std::mem::replace(&mut state.field, field)
        };
        let value = value.serialize(self.serializer);
        {
            let mut state = self.serializer.state.borrow_mut();
            state.pending = None;
            state.unique = false;
            state.field = outer;
        }
        self.members.push((key, value?));
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for Map<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, name, value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.finish())
    }
}

/// Map keys: strings as they are, other scalars as their text (as serde_json does).
struct KeySerializer<'k> {
    serializer: ValueSerializer<'k>,
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = Impossible<Value, Error>;
    type SerializeTuple = Impossible<Value, Error>;
    type SerializeTupleStruct = Impossible<Value, Error>;
    type SerializeTupleVariant = Impossible<Value, Error>;
    type SerializeMap = Impossible<Value, Error>;
    type SerializeStruct = Impossible<Value, Error>;
    type SerializeStructVariant = Impossible<Value, Error>;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        Ok(self.serializer.string(&v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        Ok(self.serializer.string(v))
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<Value, Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        Ok(self.serializer.key(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Value, Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

fn key_error() -> Error {
    <Error as ser::Error>::custom("a map key must be a string or a number")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Visible,
        Tagged(u8),
    }

    #[derive(Serialize)]
    struct Entity {
        #[serde(rename = "ref")]
        reference: String,
        name: Option<String>,
        count: u64,
        active: bool,
        kinds: Vec<Kind>,
        attributes: serde_json::Value,
        map: BTreeMap<u32, &'static str>,
    }

    #[test]
    fn the_direct_value_equals_the_one_through_json() {
        let entity = Entity {
            reference: "service_id:ServiceId-1".to_owned(),
            name: None,
            count: 3,
            active: true,
            kinds: vec![Kind::Visible, Kind::Tagged(7)],
            attributes: serde_json::json!({"a": [1, "b", null, 2.5, {"c": false}]}),
            map: BTreeMap::from([(1, "one")]),
        };
        let through_json: Value =
            serde_json::from_value(serde_json::to_value(&entity).expect("JSON")).expect("value");
        assert_eq!(to_value(&entity).expect("value"), through_json);
        assert_eq!(
            to_value(&vec![entity]).expect("value")[0]["kinds"][0],
            Value::from("visible")
        );
    }

    #[test]
    fn equal_values_are_built_once_and_shared() {
        #[derive(Serialize)]
        struct Role<'a> {
            name: &'a str,
            kind: &'a str,
        }
        let roles = vec![
            vec![Role {
                name: "Writer",
                kind: "service",
            }],
            vec![Role {
                name: "Writer",
                kind: "service",
            }],
            vec![Role {
                name: "Reader",
                kind: "service",
            }],
        ];
        let value = to_value(&roles).expect("value");
        let same = |a: &Value, b: &Value| match (a, b) {
            (Value::Array(a), Value::Array(b)) => std::sync::Arc::ptr_eq(a, b),
            (Value::String(a), Value::String(b)) => std::sync::Arc::ptr_eq(a, b),
            _ => false,
        };
        assert!(same(&value[0], &value[1]));
        assert!(!same(&value[0], &value[2]));
        assert!(same(&value[0][0]["kind"], &value[2][0]["kind"]));
        let through_json: Value =
            serde_json::from_value(serde_json::to_value(&roles).expect("JSON")).expect("value");
        assert_eq!(value, through_json);
    }

    /// A projected entity keeps exactly the members read, each whole at the end of its
    /// chain; a nested struct is projected, a map or array is kept whole.
    #[test]
    fn a_projected_entity_keeps_what_is_read() {
        #[derive(Serialize)]
        struct Inner {
            a: u8,
            b: u8,
        }
        #[derive(Serialize)]
        struct Outer {
            name: &'static str,
            inner: Option<Inner>,
            list: Vec<Inner>,
            map: BTreeMap<&'static str, u8>,
            skipped: Inner,
        }
        let items = [
            Outer {
                name: "one",
                inner: Some(Inner { a: 1, b: 2 }),
                list: vec![Inner { a: 3, b: 4 }],
                map: BTreeMap::from([("a", 5), ("b", 6)]),
                skipped: Inner { a: 7, b: 8 },
            },
            Outer {
                name: "two",
                inner: None,
                list: Vec::new(),
                map: BTreeMap::new(),
                skipped: Inner { a: 9, b: 0 },
            },
        ];
        let needs = crate::custom::needs::Needs::of_rules([
            "some x in input.items\nx.name\nx.inner.b\nx.list.a\nx.map.a",
        ]);
        let values = to_values(&items, needs.fields("items"));
        let expected: Vec<Value> = [
            serde_json::json!({"name": "one", "inner": {"b": 2}, "list": [{"a": 3, "b": 4}], "map": {"a": 5, "b": 6}}),
            serde_json::json!({"name": "two", "inner": null, "list": [], "map": {}}),
        ]
        .into_iter()
        .map(|json| serde_json::from_value(json).expect("value"))
        .collect();
        assert_eq!(values, expected);
        let whole: Vec<Value> = items
            .iter()
            .map(|item| {
                serde_json::from_value(serde_json::to_value(item).expect("JSON")).expect("value")
            })
            .collect();
        assert_eq!(to_values(&items, &crate::custom::needs::WHOLE), whole);
    }

    /// A struct whose fields do not come the same way every time (a hand-written
    /// `Serialize`) is still sorted right: its shape turns irregular.
    #[test]
    fn a_struct_whose_fields_vary_is_sorted_each_time() {
        struct Varying(&'static [&'static str]);
        impl Serialize for Varying {
            fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct as _;
                let mut fields = serializer.serialize_struct("Varying", self.0.len())?;
                for name in self.0 {
                    fields.serialize_field(name, name)?;
                }
                fields.end()
            }
        }
        let values = [
            Varying(&["b", "a"]),
            Varying(&["b", "a"]),
            Varying(&["a", "c", "b"]),
            Varying(&["c", "b"]),
            Varying(&["b", "a"]),
        ];
        let through_json: Value =
            serde_json::from_value(serde_json::to_value(&values).expect("JSON")).expect("value");
        assert_eq!(to_value(&values).expect("value"), through_json);
    }
}
