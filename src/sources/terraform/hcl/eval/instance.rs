//! Module instances, evaluation scopes, and the instances a `count` or `for_each` makes.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::super::config::attribute;
use super::super::value::Val;
use super::{MAX_DEPTH, MAX_INSTANCES, Tree};

/// A `count` index or a `for_each` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    Int(u64),
    Str(String),
}

impl Key {
    /// As an address writes it: `[0]`, `["name"]`.
    pub(crate) fn suffix(&self) -> String {
        match self {
            Self::Int(at) => format!("[{at}]"),
            Self::Str(text) => format!("[{}]", Value::String(text.clone())),
        }
    }

    pub(crate) fn json(&self) -> Value {
        match self {
            Self::Int(at) => Value::from(*at),
            Self::Str(text) => Value::String(text.clone()),
        }
    }

    pub(super) fn matches(&self, value: &Value) -> bool {
        match (self, value) {
            (Self::Int(at), Value::Number(number)) => number.as_u64() == Some(*at),
            (Self::Int(at), Value::String(text)) => text.parse::<u64>().ok() == Some(*at),
            (Self::Str(key), Value::String(text)) => key == text,
            _ => false,
        }
    }
}

/// The instances a `count` or `for_each` makes.
#[derive(Debug, Clone)]
pub(crate) enum Expansion {
    /// Neither: one instance without a key.
    Single,
    /// The keys, with `count.index` or `each.value` of each.
    Keys(Vec<(Key, Val)>),
    /// The collection (or its keys) is not known: how many instances there are is
    /// unknown. What `count.index`, `each.key` and `each.value` are in the one instance
    /// that stands for them all: unknown, depending on what the collection depends on.
    Unknown(Val),
}

/// Where a module instance comes from: the calling instance, the call's index in its
/// module, and the instance's `count`/`for_each` key with `count.index`/`each.value`.
pub(crate) type Caller = (usize, usize, Option<(Key, Val)>);

/// One instance of a module (the root, or a module call's instance).
#[derive(Debug)]
pub(crate) struct Instance {
    pub def: usize,
    /// The calling instance, the call's index in its module, and this instance's key.
    pub parent: Option<Caller>,
    /// `module.a[0].module.b`, empty for the root.
    pub path: String,
    /// Child instances: (call index, key, instance).
    pub children: Vec<(usize, Option<Key>, usize)>,
    /// Root variables' values (from `.tfvars`, `--var-file`, `TF_VAR_*`), by name.
    pub given: HashMap<String, Val>,
    /// `count.index`/`each.*` of a module call's instance whose `count` or `for_each` is
    /// not known (the one instance that stands for them all).
    pub unknown_iter: Option<Val>,
    pub(super) locals: RefCell<HashMap<String, Val>>,
    pub(super) busy: RefCell<HashSet<String>>,
    pub(super) vars: RefCell<HashMap<String, Val>>,
}

impl Instance {
    pub(crate) fn new(def: usize, parent: Option<Caller>, path: String) -> Self {
        Self {
            def,
            parent,
            path,
            children: Vec::new(),
            given: HashMap::new(),
            unknown_iter: None,
            locals: RefCell::new(HashMap::new()),
            busy: RefCell::new(HashSet::new()),
            vars: RefCell::new(HashMap::new()),
        }
    }

    /// The key of this module instance, as an address prefix writes it.
    pub(crate) fn prefix(&self) -> String {
        if self.path.is_empty() {
            String::new()
        } else {
            format!("{}.", self.path)
        }
    }
}

/// Where an expression is evaluated: a module instance, the `count`/`for_each` instance of
/// the block, and the names a `for` expression binds.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub inst: usize,
    pub iter: Option<(Key, Val)>,
    /// `count.index`/`each.*` when the block's `count` or `for_each` is not known.
    pub unknown_iter: Option<Val>,
    pub bound: Vec<(String, Val)>,
    pub depth: u32,
}

impl Scope {
    pub(crate) fn new(inst: usize) -> Self {
        Self {
            inst,
            iter: None,
            unknown_iter: None,
            bound: Vec::new(),
            depth: 0,
        }
    }

    pub(crate) fn with_iter(inst: usize, iter: Option<(Key, Val)>) -> Self {
        Self {
            iter,
            ..Self::new(inst)
        }
    }

    pub(super) fn deeper(&self) -> Option<Self> {
        (self.depth < MAX_DEPTH).then(|| Self {
            depth: self.depth + 1,
            ..self.clone()
        })
    }
}

impl<'d, 'f> Tree<'d, 'f> {
    /// The instances of a resource (or data source) in module instance `inst`.
    pub(crate) fn expansion(&self, inst: usize, body: &hcl_edit::structure::Body) -> Expansion {
        let scope = Scope::new(inst);
        if let Some(count) = attribute(body, "count") {
            let value = self.eval(&scope, count);
            return match value.known().and_then(Value::as_f64) {
                Some(count) if count >= 0.0 && count.fract() == 0.0 => {
                    // Bounded: a huge count is a mistake or an attack, not a configuration.
                    let count = (count as usize).min(MAX_INSTANCES);
                    Expansion::Keys(
                        (0..count as u64)
                            .map(|at| (Key::Int(at), Val::Known(Value::from(at))))
                            .collect(),
                    )
                }
                _ => Expansion::Unknown(unknown_collection(
                    &value,
                    "count",
                    "`count` is not a whole number of 0 or more",
                )),
            };
        }
        if let Some(for_each) = attribute(body, "for_each") {
            let value = self.eval(&scope, for_each);
            return match &value {
                // A map's keys are known even when some of its values are computed at
                // apply time: Terraform plans one instance per key, and so does iamlint,
                // each `each.value` keeping its unknown parts.
                Val::Known(Value::Object(_)) | Val::Map(_) => Expansion::Keys(
                    value
                        .entries()
                        .unwrap_or_default()
                        .into_iter()
                        .take(MAX_INSTANCES)
                        .filter_map(|(key, item)| Some((Key::Str(key.as_str()?.to_owned()), item)))
                        .collect(),
                ),
                Val::Known(Value::Array(items)) if items.iter().all(Value::is_string) => {
                    let mut keys: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    keys.sort_unstable();
                    keys.dedup();
                    Expansion::Keys(
                        keys.into_iter()
                            .take(MAX_INSTANCES)
                            .map(|key| (Key::Str(key.to_owned()), Val::text(key)))
                            .collect(),
                    )
                }
                // A set's elements are its keys: one that is not known leaves the
                // instances unknown.
                _ => Expansion::Unknown(unknown_collection(
                    &value,
                    "for_each",
                    "`for_each` is not a map or a set of strings",
                )),
            };
        }
        Expansion::Single
    }
}

/// What `count.index` or `each.*` is when the collection does not say which instances there
/// are: unknown, with a reason naming the meta-argument and what its collection depends on
/// (the plan's references of `each.value` stop at `each`, so the reason is what a finding
/// can name), or `otherwise` when the collection is known but makes no instances.
fn unknown_collection(collection: &Val, meta: &str, otherwise: &str) -> Val {
    let Val::Unknown(unknown) = Val::unknown_from([collection]) else {
        return Val::unknown(otherwise);
    };
    let mut causes = Vec::new();
    if !unknown.refs.is_empty() {
        let refs: Vec<String> = unknown.refs.iter().map(|r| format!("`{r}`")).collect();
        causes.push(format!("it depends on {}", refs.join(", ")));
    }
    causes.extend(unknown.reason);
    if causes.is_empty() {
        return Val::unknown(otherwise);
    }
    Val::unknown(format!(
        "which instances `{meta}` makes is not known before apply: {}",
        causes.join("; ")
    ))
}
