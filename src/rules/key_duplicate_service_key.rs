//! `key-duplicate-service-key`: several resource keys of one auditing instance carry the same
//! auditing service key. Asked for a key when one exists, the CLI and API hand back the
//! existing one, so resource keys outnumber the instance's auditing keys.
//!
//! NOTE: keys are compared by `SecretDigest`; the secret itself never enters the model.

use std::collections::BTreeMap;

use super::auditing::{AuditingKey, auditing_keys};
pub(super) use super::auditing::Audited as Params;
use super::{Finding, RuleContext};
use crate::model::{EntityRef, SecretDigest};

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    // Per instance, per auditing key: the resource keys carrying it, in load order.
    let mut shared: BTreeMap<&str, BTreeMap<SecretDigest, Vec<AuditingKey<'_>>>> = BTreeMap::new();
    // Per instance, the subject a pass names: the instance, else its first key compared. Keys
    // that hide their auditing key are not compared (`key-cannot-evaluate` reports them).
    let mut subjects: BTreeMap<&str, EntityRef> = BTreeMap::new();
    for auditing in auditing_keys(inventory, &params.services) {
        let Some(digest) = auditing
            .key
            .visible_credentials()
            .and_then(|visible| visible.service_key)
        else {
            continue;
        };
        subjects.entry(auditing.instance_guid).or_insert_with(|| {
            auditing
                .instance_ref()
                .map_or_else(|| EntityRef::key(auditing.key), |(instance, _)| instance)
        });
        shared
            .entry(auditing.instance_guid)
            .or_default()
            .entry(digest)
            .or_default()
            .push(auditing);
    }
    for (instance_guid, by_digest) in shared {
        if by_digest.values().all(|keys| keys.len() == 1) {
            if let Some(subject) = subjects.remove(instance_guid) {
                context.evaluated(subject);
            }
            continue;
        }
        let distinct = by_digest.len();
        let resource_keys: usize = by_digest.values().map(Vec::len).sum();
        for keys in by_digest.into_values() {
            let [first, rest @ ..] = keys.as_slice() else {
                continue;
            };
            if rest.is_empty() {
                continue;
            }
            let names: Vec<String> = keys
                .iter()
                .map(|auditing| format!("`{}`", auditing.key.display_name()))
                .collect();
            let service_key_origin = |auditing: &AuditingKey<'_>| {
                auditing.key.credentials_origin().map_or_else(
                    || auditing.key.origin.clone(),
                    |origin| origin.key("service_key"),
                )
            };
            let instance_crn = first.instance.map_or_else(
                || first.key.source_crn.as_deref().unwrap_or_default().to_owned(),
                |instance| instance.crn.clone(),
            );
            // The instance is what the counts are about; without it, the first key.
            let subject = first
                .instance_ref()
                .map_or_else(|| EntityRef::key(first.key), |(instance, _)| instance);
            let mut finding = context
                .finding(
                    subject,
                    service_key_origin(first),
                    match rest.len() {
                        1 => "the same auditing key as 1 other resource key".to_owned(),
                        n => format!("the same auditing key as {n} other resource keys"),
                    },
                )
                .message(format!(
                    "resource keys {} on auditing instance {} carry the same auditing service \
                     key: the instance counts it once ({resource_keys} resource keys with visible \
                     credentials hold {distinct} distinct auditing keys)",
                    names.join(", "),
                    first.instance_label(),
                ))
                .remediation(context.meta.fix_with(&[("INSTANCE_CRN", &instance_crn)]));
            for other in rest {
                finding = finding.related(
                    EntityRef::key(other.key),
                    service_key_origin(other),
                    "carries the same auditing key",
                );
            }
            finding.push(out);
        }
    }
}
