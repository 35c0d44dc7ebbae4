//! One pass over a list item that does the work of three: deserializes the item into its
//! DTO, checks that no object anywhere in it names a member twice, and records which of the
//! members that classify an item ([`CLASSIFYING_MEMBERS`]) it has.
//!
//! The fast loader used to read each item three times for this (a duplicate-member walk
//! of the whole text, a classification probe, the DTO), each a full scan of the text. Here
//! the DTO's own deserialization is watched: [`Checked`] wraps serde_json's deserializer
//! and every map, sequence and value below it, so each member name passes through one
//! place where it is compared with its siblings' names, and, at the item's top level,
//! looked up among the classifying members. Members the DTO ignores are walked (not
//! skipped) so that their objects are checked too.

use std::borrow::Cow;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

use super::shape::CLASSIFYING_MEMBERS;

/// The members whose string values classification reads.
const TEXT_MEMBERS: [&str; 4] = ["id", "crn", "type", "iam_id"];

/// What one pass saw of an item.
#[derive(Default)]
pub(super) struct Record<'de> {
    /// A bit per member of [`CLASSIFYING_MEMBERS`] the item has at its top level (recorded
    /// only when asked for).
    present: u64,
    /// The string values of [`TEXT_MEMBERS`], when they are strings.
    texts: [Option<Cow<'de, str>>; 4],
    /// Some object named a member twice: the item (and its document) must be read by the
    /// `Value` path, which reports where.
    pub(super) duplicate: bool,
    /// The member name read last (handed from the key to its map).
    key: Option<Cow<'de, str>>,
}

impl<'de> Record<'de> {
    /// Whether the item has `member` (one of [`CLASSIFYING_MEMBERS`]) at its top level.
    pub(super) fn has(&self, member: &str) -> bool {
        classifying(member).is_some_and(|at| self.present & (1 << at) != 0)
    }

    /// The string value of `member` (one of `id`, `crn`, `type`, `iam_id`).
    pub(super) fn text(&self, member: &str) -> Option<&str> {
        let at = TEXT_MEMBERS.iter().position(|name| *name == member)?;
        self.texts[at].as_deref()
    }
}

fn classifying(name: &str) -> Option<usize> {
    CLASSIFYING_MEMBERS
        .iter()
        .position(|member| *member == name)
}

/// Deserializes `raw` (one JSON value) into `T`, checking duplicate members everywhere;
/// with `classify`, records the item's classifying members in `record`. `None` when the
/// text does not fit `T` or names a member twice (then `record.duplicate` says so).
pub(super) fn decode<'de, T: de::Deserialize<'de>>(
    raw: &'de str,
    record: &mut Record<'de>,
    classify: bool,
) -> Option<T> {
    let mut deserializer = serde_json::Deserializer::from_str(raw);
    let role = if classify { Role::Item } else { Role::Nested };
    let value = T::deserialize(Checked {
        inner: &mut deserializer,
        record,
        role,
    })
    .ok()?;
    deserializer.end().ok()?;
    Some(value)
}

/// What a value is to its item, which decides what is recorded of it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The item itself: its members are looked up among the classifying ones.
    Item,
    /// The value of the item's member `TEXT_MEMBERS[n]`: kept when it is a string.
    Capture(usize),
    /// A member name: handed to its map through [`Record::key`].
    Key,
    /// Anything else: only checked.
    Nested,
}

/// A deserializer that checks (and records) what passes through it.
struct Checked<'r, 'de, D> {
    inner: D,
    record: &'r mut Record<'de>,
    role: Role,
}

impl<'r, 'de, D> Checked<'r, 'de, D> {
    fn wrap<V>(self, visitor: V) -> (D, Watch<'r, 'de, V>) {
        let watch = Watch {
            inner: visitor,
            record: self.record,
            role: self.role,
        };
        (self.inner, watch)
    }
}

/// Forwards `deserialize_*` methods to the wrapped deserializer with a watched visitor.
macro_rules! forward {
    ($($method:ident($($arg:ident: $type:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $type,)* visitor: V) -> Result<V::Value, D::Error> {
                let (inner, watch) = self.wrap(visitor);
                inner.$method($($arg,)* watch)
            }
        )*
    };
}

impl<'r, 'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'r, 'de, D> {
    type Error = D::Error;

    forward! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    /// An ignored member is walked, not skipped: its objects are checked too.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, watch) = self.wrap(visitor);
        inner.deserialize_any(watch)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A visitor that records what it is shown and wraps what it is handed.
struct Watch<'r, 'de, V> {
    inner: V,
    record: &'r mut Record<'de>,
    role: Role,
}

impl<'de, V> Watch<'_, 'de, V> {
    fn note(&mut self, text: impl FnOnce() -> Cow<'de, str>) {
        match self.role {
            Role::Key => self.record.key = Some(text()),
            Role::Capture(at) => self.record.texts[at] = Some(text()),
            Role::Item | Role::Nested => {}
        }
    }
}

macro_rules! pass {
    ($($method:ident($type:ty);)*) => {
        $(
            fn $method<E: de::Error>(self, value: $type) -> Result<V::Value, E> {
                self.inner.$method(value)
            }
        )*
    };
}

impl<'r, 'de, V: Visitor<'de>> Visitor<'de> for Watch<'r, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(formatter)
    }

    pass! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_str<E: de::Error>(mut self, value: &str) -> Result<V::Value, E> {
        self.note(|| Cow::Owned(value.to_owned()));
        self.inner.visit_str(value)
    }

    fn visit_borrowed_str<E: de::Error>(mut self, value: &'de str) -> Result<V::Value, E> {
        self.note(|| Cow::Borrowed(value));
        self.inner.visit_borrowed_str(value)
    }

    fn visit_string<E: de::Error>(mut self, value: String) -> Result<V::Value, E> {
        self.note(|| Cow::Owned(value.clone()));
        self.inner.visit_string(value)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Checked {
            inner: deserializer,
            record: self.record,
            role: self.role,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Checked {
            inner: deserializer,
            record: self.record,
            role: self.role,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, items: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(CheckedSeq {
            inner: items,
            record: self.record,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, members: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(CheckedMap {
            inner: members,
            record: self.record,
            item: self.role == Role::Item,
            names: Names::default(),
            capture: None,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(CheckedEnum {
            inner: data,
            record: self.record,
        })
    }
}

/// A seed whose deserializer is checked.
struct CheckedSeed<'r, 'de, S> {
    inner: S,
    record: &'r mut Record<'de>,
    role: Role,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for CheckedSeed<'_, 'de, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Checked {
            inner: deserializer,
            record: self.record,
            role: self.role,
        })
    }
}

struct CheckedSeq<'r, 'de, A> {
    inner: A,
    record: &'r mut Record<'de>,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CheckedSeq<'_, 'de, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.inner.next_element_seed(CheckedSeed {
            inner: seed,
            record: self.record,
            role: Role::Nested,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// The member names of one object. IBM objects have a few dozen members at most: a linear
/// search beats hashing, and names borrowed from the text fit on the stack (millions of
/// objects, no allocation each); escaped names and a long tail go to a vector.
#[derive(Default)]
struct Names<'de> {
    inline: [&'de str; 24],
    count: usize,
    spilled: Vec<Cow<'de, str>>,
}

impl<'de> Names<'de> {
    /// Adds `name`; `false` when the object already has it.
    fn insert(&mut self, name: Cow<'de, str>) -> bool {
        let seen =
            self.inline[..self.count].contains(&name.as_ref()) || self.spilled.contains(&name);
        if seen {
            return false;
        }
        match name {
            Cow::Borrowed(borrowed) if self.count < self.inline.len() => {
                self.inline[self.count] = borrowed;
                self.count += 1;
            }
            name => self.spilled.push(name),
        }
        true
    }
}

struct CheckedMap<'r, 'de, A> {
    inner: A,
    record: &'r mut Record<'de>,
    /// The item's own members: recorded for classification.
    item: bool,
    names: Names<'de>,
    /// The next value is that of `TEXT_MEMBERS[n]`.
    capture: Option<usize>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedMap<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.record.key = None;
        let key = self.inner.next_key_seed(CheckedSeed {
            inner: seed,
            record: self.record,
            role: Role::Key,
        })?;
        if key.is_some()
            && let Some(name) = self.record.key.take()
        {
            if self.item {
                if let Some(at) = classifying(&name) {
                    self.record.present |= 1 << at;
                }
                self.capture = TEXT_MEMBERS.iter().position(|member| *member == name);
            }
            if !self.names.insert(name) {
                self.record.duplicate = true;
                return Err(de::Error::custom("duplicate member"));
            }
        }
        Ok(key)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let role = self.capture.take().map_or(Role::Nested, Role::Capture);
        self.inner.next_value_seed(CheckedSeed {
            inner: seed,
            record: self.record,
            role,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct CheckedEnum<'r, 'de, A> {
    inner: A,
    record: &'r mut Record<'de>,
}

impl<'r, 'de, A: EnumAccess<'de>> EnumAccess<'de> for CheckedEnum<'r, 'de, A> {
    type Error = A::Error;
    type Variant = CheckedVariant<'r, 'de, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.inner.variant_seed(CheckedSeed {
            inner: seed,
            record: &mut *self.record,
            role: Role::Nested,
        })?;
        let variant = CheckedVariant {
            inner: variant,
            record: self.record,
        };
        Ok((value, variant))
    }
}

struct CheckedVariant<'r, 'de, A> {
    inner: A,
    record: &'r mut Record<'de>,
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for CheckedVariant<'_, 'de, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.newtype_variant_seed(CheckedSeed {
            inner: seed,
            record: self.record,
            role: Role::Nested,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner.tuple_variant(
            len,
            Watch {
                inner: visitor,
                record: self.record,
                role: Role::Nested,
            },
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.inner.struct_variant(
            fields,
            Watch {
                inner: visitor,
                record: self.record,
                role: Role::Nested,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::Value;

    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Dto {
        id: String,
        crn: Option<String>,
        #[serde(default)]
        value: Value,
        nested: Option<Vec<Inner>>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Inner {
        name: String,
    }

    fn decoded(text: &str) -> (Option<Dto>, bool) {
        let mut record = Record::default();
        let dto = decode::<Dto>(text, &mut record, true);
        (dto, record.duplicate)
    }

    #[test]
    fn decodes_what_serde_json_decodes() {
        let text = r#"{"id": "a\u0041", "crn": null, "value": {"x": [1, {"y": 2}]},
            "nested": [{"name": "n", "extra": {"deep": true}}], "ignored": [{"q": 1}]}"#;
        let (dto, duplicate) = decoded(text);
        assert!(!duplicate);
        assert_eq!(dto, serde_json::from_str::<Dto>(text).ok());
    }

    #[test]
    fn finds_a_duplicate_at_any_depth_in_members_the_dto_reads_or_ignores() {
        for text in [
            r#"{"id": "a", "id": "b"}"#,
            r#"{"id": "a", "value": {"x": 1, "x": 2}}"#,
            r#"{"id": "a", "nested": [{"name": "n", "name": "m"}]}"#,
            r#"{"id": "a", "nested": [{"name": "n", "extra": {"d": 1, "d": 2}}]}"#,
            r#"{"id": "a", "ignored": [{"q": 1, "q": 2}]}"#,
            r#"{"id": "a", "skip": 1, "skip": 2}"#,
            r#"{"id": "a", "e\u0041": 1, "eA": 2}"#,
        ] {
            let (dto, duplicate) = decoded(text);
            assert!(dto.is_none() && duplicate, "{text}");
        }
        // Thirty members: past the names kept on the stack.
        let many: Vec<String> = (0..30).map(|at| format!("\"m{at}\": {at}")).collect();
        let text = format!("{{\"id\": \"a\", {}, \"m28\": 0}}", many.join(", "));
        assert!(decoded(&text).1);
        let text = format!("{{\"id\": \"a\", {}}}", many.join(", "));
        assert!(!decoded(&text).1);
    }

    #[test]
    fn records_the_classifying_members_of_the_item_only() {
        let text = r#"{"id": "ServiceId-1", "iam_id": 5, "subjects": [], "crn": "crn:v1:x",
            "nested": [{"name": "n", "roles": []}], "type": "service_id"}"#;
        let mut record = Record::default();
        let dto = decode::<Dto>(text, &mut record, true);
        assert!(dto.is_some());
        assert!(record.has("subjects") && record.has("id") && record.has("iam_id"));
        assert!(
            !record.has("roles"),
            "a member of a nested object is not the item's"
        );
        assert_eq!(record.text("id"), Some("ServiceId-1"));
        assert_eq!(record.text("crn"), Some("crn:v1:x"));
        assert_eq!(record.text("type"), Some("service_id"));
        assert_eq!(record.text("iam_id"), None, "not a string");
        let mut unrecorded = Record::default();
        assert!(decode::<Dto>(text, &mut unrecorded, false).is_some());
        assert!(!unrecorded.has("id"));
    }

    #[test]
    fn a_text_that_does_not_fit_is_not_a_duplicate() {
        let (dto, duplicate) = decoded(r#"{"id": 5}"#);
        assert!(dto.is_none() && !duplicate);
    }
}
