//! The member names of each struct `to_rego` serializes, in the order serde gives them, and
//! the order that sorts them: regorus keeps an object's members sorted by key, and sorting
//! the 13 members of each of 26,220 policies by comparing their names was a tenth of the
//! conversion. A derived `Serialize` gives a struct's fields in one order every time, so
//! the names are learnt from the first value of each struct and the sorting order
//! computed once; a struct whose fields ever come otherwise is sorted each time.

use std::collections::HashMap;

use regorus::Value;

use super::value_table::Fast;

/// One struct's member names (address of serde's `&'static str`, key) in serde's order.
#[derive(Default)]
struct Shape {
    names: Vec<(usize, Value)>,
    /// `names` indexes in key order, once computed.
    order: Vec<usize>,
    /// False once a value of the struct gave other names, or the same name twice.
    regular: bool,
}

#[derive(Default)]
pub(super) struct StructShapes {
    /// By the struct's name (its address and length): two structs of one name share a
    /// shape only as far as their field names agree.
    by_name: HashMap<(usize, usize), usize, Fast>,
    shapes: Vec<Shape>,
}

impl StructShapes {
    /// The shape of the struct named `name`.
    pub(super) fn of(&mut self, name: &'static str) -> usize {
        let next = self.shapes.len();
        let at = *self
            .by_name
            .entry((name.as_ptr() as usize, name.len()))
            .or_insert(next);
        if at == next {
            self.shapes.push(Shape {
                regular: true,
                ..Shape::default()
            });
        }
        at
    }

    /// The key of field `at` of `shape` when the shape knows it as `name`: no lookup.
    pub(super) fn key(&self, shape: usize, at: usize, name: &'static str) -> Option<Value> {
        let (address, key) = self.shapes.get(shape)?.names.get(at)?;
        (*address == name.as_ptr() as usize).then(|| key.clone())
    }

    /// Whether `shape` has learnt a name for its field `at`. A field left out of the value
    /// need not be checked against it: the fields kept are, and a value with another
    /// number of fields is sorted by comparing keys (`order`).
    pub(super) fn knows(&self, shape: usize, at: usize) -> bool {
        self.shapes
            .get(shape)
            .is_some_and(|shape| at < shape.names.len())
    }

    /// Field `at` of `shape` is `name` with `key`, not known: learnt if it is the next
    /// name of a first value; any other disagreement makes the shape irregular.
    pub(super) fn learn(&mut self, shape: usize, at: usize, name: &'static str, key: &Value) {
        let Some(shape) = self.shapes.get_mut(shape) else {
            return;
        };
        if shape.regular && shape.order.is_empty() && at == shape.names.len() {
            shape.names.push((name.as_ptr() as usize, key.clone()));
        } else {
            shape.regular = false;
        }
    }

    /// The order that sorts a value of `shape` with `fields` members by key, when the
    /// shape is regular and the value has all its fields.
    pub(super) fn order(&mut self, shape: usize, fields: usize) -> Option<&[usize]> {
        let shape = self.shapes.get_mut(shape)?;
        if !shape.regular || fields != shape.names.len() {
            return None;
        }
        if shape.order.is_empty() && !shape.names.is_empty() {
            let mut order: Vec<usize> = (0..shape.names.len()).collect();
            order.sort_by(|a, b| shape.names[*a].1.cmp(&shape.names[*b].1));
            if order
                .windows(2)
                .any(|pair| shape.names[pair[0]].1 == shape.names[pair[1]].1)
            {
                shape.regular = false;
                return None;
            }
            shape.order = order;
        }
        Some(&shape.order)
    }
}
