//! What an expression evaluates to: a known value, or a collection holding unknown parts,
//! or unknown with what it depends on (the references a plan would list for it) and, when
//! no reference explains it, why.

use serde_json::{Map, Value};

/// An evaluated expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Known(Value),
    /// A list with at least one unknown element.
    List(Vec<Val>),
    /// An object with at least one unknown member.
    Map(Vec<(String, Val)>),
    Unknown(Unknown),
}

/// A value known only at apply time, or not at all without running Terraform.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Unknown {
    /// The references it comes from, written as Terraform lists them in a plan
    /// (`ibm_iam_service_id.ci.iam_id`, `ibm_iam_service_id.ci`), relative to the module
    /// the expression is in.
    pub refs: Vec<String>,
    /// Why it cannot be known, when a reference alone does not say.
    pub reason: Option<String>,
}

impl Val {
    pub(crate) fn null() -> Self {
        Self::Known(Value::Null)
    }

    pub(crate) fn text(text: impl Into<String>) -> Self {
        Self::Known(Value::String(text.into()))
    }

    pub(crate) fn unknown(reason: impl Into<String>) -> Self {
        Self::Unknown(Unknown {
            refs: Vec::new(),
            reason: Some(reason.into()),
        })
    }

    pub(crate) fn known(&self) -> Option<&Value> {
        match self {
            Self::Known(value) => Some(value),
            _ => None,
        }
    }

    /// A list, known whole when every element is.
    pub(crate) fn list(items: Vec<Val>) -> Self {
        if items.iter().all(|item| matches!(item, Self::Known(_))) {
            Self::Known(Value::Array(
                items
                    .into_iter()
                    .filter_map(|item| match item {
                        Self::Known(value) => Some(value),
                        _ => None,
                    })
                    .collect(),
            ))
        } else {
            Self::List(items)
        }
    }

    /// An object, known whole when every member is.
    pub(crate) fn map(members: Vec<(String, Val)>) -> Self {
        if members
            .iter()
            .all(|(_, item)| matches!(item, Self::Known(_)))
        {
            let mut out = Map::new();
            for (name, item) in members {
                if let Self::Known(value) = item {
                    out.insert(name, value);
                }
            }
            Self::Known(Value::Object(out))
        } else {
            Self::Map(members)
        }
    }

    /// Unknown, depending on everything `parts` depend on.
    pub(crate) fn unknown_from<'v>(parts: impl IntoIterator<Item = &'v Val>) -> Self {
        let mut unknown = Unknown::default();
        for part in parts {
            part.collect_unknown(&mut unknown);
        }
        Self::Unknown(unknown)
    }

    fn collect_unknown(&self, out: &mut Unknown) {
        match self {
            Self::Known(_) => {}
            Self::List(items) => items.iter().for_each(|item| item.collect_unknown(out)),
            Self::Map(members) => members
                .iter()
                .for_each(|(_, item)| item.collect_unknown(out)),
            Self::Unknown(unknown) => {
                for reference in &unknown.refs {
                    if !out.refs.contains(reference) {
                        out.refs.push(reference.clone());
                    }
                }
                if out.reason.is_none() {
                    out.reason.clone_from(&unknown.reason);
                }
            }
        }
    }

    /// The references (and, for an unknown without any, a reference-shaped reason) a plan's
    /// configuration would list for this value.
    pub(crate) fn references(&self) -> Vec<String> {
        let mut unknown = Unknown::default();
        self.collect_unknown(&mut unknown);
        let mut refs = unknown.refs;
        if let Some(reason) = unknown.reason
            && refs.is_empty()
        {
            // Messages quote references in backticks: the reason is quoted whole.
            refs.push(reason.replace('`', "'"));
        }
        refs
    }

    /// The known part, as a plan's `values` shows it: unknown members left out, unknown
    /// list elements `null`; `None` when nothing is known.
    pub(crate) fn planned(&self) -> Option<Value> {
        match self {
            Self::Known(value) => Some(value.clone()),
            Self::List(items) => Some(Value::Array(
                items
                    .iter()
                    .map(|item| item.planned().unwrap_or(Value::Null))
                    .collect(),
            )),
            Self::Map(members) => Some(Value::Object(
                members
                    .iter()
                    .filter_map(|(name, item)| Some((name.clone(), item.planned()?)))
                    .collect(),
            )),
            Self::Unknown(_) => None,
        }
    }

    /// The plan's `after_unknown` for this value: `true` where unknown.
    pub(crate) fn after_unknown(&self) -> Option<Value> {
        match self {
            Self::Known(_) => None,
            Self::List(items) => Some(Value::Array(
                items
                    .iter()
                    .map(|item| item.after_unknown().unwrap_or(Value::Bool(false)))
                    .collect(),
            )),
            Self::Map(members) => Some(Value::Object(
                members
                    .iter()
                    .filter_map(|(name, item)| Some((name.clone(), item.after_unknown()?)))
                    .collect(),
            )),
            Self::Unknown(_) => Some(Value::Bool(true)),
        }
    }

    /// Member `name` of an object value.
    pub(crate) fn member(&self, name: &str) -> Val {
        match self {
            Self::Known(Value::Object(members)) => members
                .get(name)
                .cloned()
                .map_or_else(Val::null, Val::Known),
            Self::Map(members) => members
                .iter()
                .find(|(member, _)| member == name)
                .map_or_else(Val::null, |(_, value)| value.clone()),
            Self::Known(Value::Null) => Val::null(),
            Self::Unknown(_) => self.clone(),
            _ => Val::unknown(format!("`.{name}` of a value that is not an object")),
        }
    }

    /// Element `key` of a list (by number) or an object (by name).
    pub(crate) fn element(&self, key: &Val) -> Val {
        let Some(key) = key.known() else {
            return Val::unknown_from([self, key]);
        };
        match (self, key) {
            (Self::Known(Value::Array(items)), key) => index_of(key)
                .and_then(|at| items.get(at).cloned())
                .map_or_else(
                    || Val::unknown("an index past the end of a list"),
                    Val::Known,
                ),
            (Self::List(items), key) => index_of(key)
                .and_then(|at| items.get(at).cloned())
                .unwrap_or_else(|| Val::unknown("an index past the end of a list")),
            (_, Value::String(name)) => self.member(name),
            (Self::Unknown(_), _) => self.clone(),
            _ => Val::unknown("an index into a value that is not a collection"),
        }
    }

    /// The same value with every unknown part depending on `refs` instead: a value read
    /// through a module call's argument or another resource's argument, which a plan
    /// follows by that reference. The known parts stay known, so a member or element that
    /// is known can still be read from a partly known value.
    pub(crate) fn relabel(self, refs: &[String]) -> Val {
        match self {
            Self::Known(_) => self,
            Self::List(items) => {
                Self::List(items.into_iter().map(|item| item.relabel(refs)).collect())
            }
            Self::Map(members) => Self::Map(
                members
                    .into_iter()
                    .map(|(name, item)| (name, item.relabel(refs)))
                    .collect(),
            ),
            // The reason stays: a plan lists only `refs`, a message can still say why.
            Self::Unknown(unknown) => Self::Unknown(Unknown {
                refs: refs.to_vec(),
                reason: unknown.reason,
            }),
        }
    }

    /// The `(key, value)` entries a `for` expression, a `dynamic` block or a `for_each`
    /// walks: a list's indexes or an object's keys, each value known or not. A partly known
    /// collection has known keys (an object's names, a list's length), as in Terraform,
    /// where only the values are computed at apply time. `None` when the collection is
    /// unknown or not a collection. An object's entries are in key order, as Terraform
    /// walks them.
    pub(crate) fn entries(&self) -> Option<Vec<(Value, Val)>> {
        match self {
            Self::Known(Value::Array(items)) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(at, item)| (Value::from(at), Val::Known(item.clone())))
                    .collect(),
            ),
            Self::Known(Value::Object(members)) => Some(
                members
                    .iter()
                    .map(|(key, item)| (Value::String(key.clone()), Val::Known(item.clone())))
                    .collect(),
            ),
            Self::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(at, item)| (Value::from(at), item.clone()))
                    .collect(),
            ),
            Self::Map(members) => {
                let mut entries: Vec<(Value, Val)> = members
                    .iter()
                    .map(|(key, item)| (Value::String(key.clone()), item.clone()))
                    .collect();
                entries.sort_by(|(a, _), (b, _)| a.as_str().cmp(&b.as_str()));
                Some(entries)
            }
            Self::Known(_) | Self::Unknown(_) => None,
        }
    }

    /// The text of a known scalar, as a template interpolates it.
    pub(crate) fn as_text(&self) -> Option<String> {
        match self.known()? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        }
    }
}

fn index_of(key: &Value) -> Option<usize> {
    match key {
        Value::Number(number) => number.as_u64().and_then(|at| usize::try_from(at).ok()),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// A JSON number, whole numbers without a fraction.
pub(crate) fn json_number(number: f64) -> Value {
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        Value::from(number as i64)
    } else {
        serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partly_known_values_keep_their_known_part_and_mark_the_rest() {
        let value = Val::map(vec![
            ("name".to_owned(), Val::text("ci")),
            (
                "serviceid_crn".to_owned(),
                Val::Unknown(Unknown {
                    refs: vec!["ibm_iam_service_id.ci.crn".to_owned()],
                    reason: None,
                }),
            ),
        ]);
        assert_eq!(value.planned(), Some(serde_json::json!({"name": "ci"})));
        assert_eq!(
            value.after_unknown(),
            Some(serde_json::json!({"serviceid_crn": true}))
        );
        assert_eq!(value.references(), vec!["ibm_iam_service_id.ci.crn"]);
    }

    #[test]
    fn a_partly_known_object_has_known_keys_in_order_and_keeps_its_unknown_values() {
        let computed = Val::Unknown(Unknown {
            refs: vec!["ibm_iam_service_id.x.crn".to_owned()],
            reason: Some("computed".to_owned()),
        });
        let value = Val::map(vec![
            ("b".to_owned(), computed.clone()),
            ("a".to_owned(), Val::text("Manager")),
        ]);
        let entries = value.entries().unwrap_or_default();
        let keys: Vec<&Value> = entries.iter().map(|(key, _)| key).collect();
        assert_eq!(keys, [&serde_json::json!("a"), &serde_json::json!("b")]);
        assert_eq!(entries[0].1, Val::text("Manager"));
        assert_eq!(entries[1].1, computed);
        assert_eq!(Val::unknown("no value").entries(), None);
        // Read through a module call: the known part stays, the unknown part is `var.x`
        // with its reason.
        let relabeled = value.relabel(&["var.x".to_owned()]);
        assert_eq!(relabeled.member("a"), Val::text("Manager"));
        assert_eq!(
            relabeled.member("b"),
            Val::Unknown(Unknown {
                refs: vec!["var.x".to_owned()],
                reason: Some("computed".to_owned()),
            })
        );
    }
}
