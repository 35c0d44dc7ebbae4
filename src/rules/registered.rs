//! Rules registered at run time: the custom Rego rules a run loads (`crate::custom`).
//!
//! Findings carry their rule id as `&'static str`, and every renderer, `explain`, the
//! waivers and `--select` look rules up by id through [`super::meta`] and
//! [`super::lookup::exists`]; so a loaded custom rule's id and metadata are leaked once
//! and listed here, process-wide, beside the compiled-in `REGISTRY`. A process loads its
//! custom rules once (the CLI) or a handful of times (tests), so what leaks is bounded by
//! the rule files read.

use std::sync::{PoisonError, RwLock};

use super::RuleMeta;

static REGISTERED: RwLock<Vec<&'static RuleMeta>> = RwLock::new(Vec::new());

/// Registers `meta` (its `id` is the rule id) and returns the registered copy. A rule
/// registered again under the same id replaces the earlier metadata for later lookups.
pub fn register(meta: RuleMeta) -> &'static RuleMeta {
    let meta: &'static RuleMeta = Box::leak(Box::new(meta));
    let mut registered = REGISTERED.write().unwrap_or_else(PoisonError::into_inner);
    registered.retain(|earlier| earlier.id != meta.id);
    registered.push(meta);
    meta
}

/// The metadata of a registered custom rule.
pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    REGISTERED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|meta| meta.id == id)
        .copied()
}

/// The ids of every registered custom rule, in registration order.
pub fn ids() -> Vec<&'static str> {
    REGISTERED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .map(|meta| meta.id.as_str())
        .collect()
}
