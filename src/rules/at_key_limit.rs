//! `at-key-limit`: an auditing instance with more service keys than it can hold.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::auditing::{AuditingKey, auditing_keys};
use super::{Finding, RuleContext, Severity};
use crate::model::EntityRef;

/// `rules/at-key-limit.yaml` gives the defaults.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    max_keys: u64,
    warn_at: u64,
    #[serde(deserialize_with = "super::params::non_empty")]
    services: Vec<String>,
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let Params {
        max_keys, warn_at, ..
    } = *params;
    let mut by_instance: BTreeMap<&str, Vec<AuditingKey<'_>>> = BTreeMap::new();
    for key in auditing_keys(context.inventory, &params.services) {
        by_instance.entry(key.instance_guid).or_default().push(key);
    }
    for keys in by_instance.into_values() {
        let Some(first) = keys.first() else { continue };
        // The limit is on auditing keys; several resource keys can carry the same one.
        let digests: Option<HashSet<_>> = keys
            .iter()
            .map(|key| {
                key.key
                    .visible_credentials()
                    .and_then(|visible| visible.service_key)
            })
            .collect();
        let (count, counted) = match &digests {
            Some(distinct) => (distinct.len(), "distinct `service_key` values"),
            None => (
                keys.len(),
                "resource keys (some keys' credentials are not visible, so their auditing keys \
                 could not be told apart)",
            ),
        };
        let count = count as u64;
        let (subject, origin) = match first.instance {
            Some(instance) => (EntityRef::instance(instance), instance.origin.clone()),
            None => (EntityRef::key(first.key), first.key.source_origin_or_own()),
        };
        context.evaluated(subject.clone());
        let severity = if count > max_keys {
            Severity::High
        } else if count >= warn_at {
            Severity::Medium
        } else {
            continue;
        };
        let verdict = if count > max_keys {
            format!("more than the limit of {max_keys}")
        } else {
            format!("close to the limit of {max_keys}")
        };
        let instance_crn = first.instance.map_or_else(
            || first.key.source_crn.as_deref().unwrap_or_default().to_owned(),
            |instance| instance.crn.clone(),
        );
        out.push(
            context
                .finding(subject, origin, format!("{count} auditing keys"))
                .severity(severity)
                .message(format!(
                    "auditing instance {} has {count} service keys, {verdict}; counted {counted}",
                    first.instance_label()
                ))
                .remediation(context.meta.fix_with(&[("INSTANCE_CRN", &instance_crn)]))
                .build(),
        );
    }
}
