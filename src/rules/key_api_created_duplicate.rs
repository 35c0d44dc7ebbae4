//! `key-api-created-duplicate`: a plan creates a second resource key for one auditing
//! instance, although only one auditing service key can be created through the API.

use std::collections::BTreeMap;

use super::auditing::{AuditingKey, auditing_keys};
pub(super) use super::auditing::Audited as Params;
use super::{Finding, RuleContext};
use crate::model::{Declaration, EntityRef};

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let mut by_instance: BTreeMap<&str, Vec<AuditingKey<'_>>> = BTreeMap::new();
    for key in auditing_keys(context.inventory, &params.services) {
        by_instance.entry(key.instance_guid).or_default().push(key);
    }
    for keys in by_instance.values() {
        let created = |auditing: &&AuditingKey<'_>| {
            Declaration::is_created(auditing.key.declaration.as_deref())
        };
        // The key that holds (or, once applied, gets) the instance's auditing key: one that
        // exists already, else the first the plan creates.
        let Some(first) = keys
            .iter()
            .find(|auditing| !created(auditing))
            .or_else(|| keys.iter().find(created))
        else {
            continue;
        };
        let first_exists = !created(&first);
        for auditing in keys.iter().filter(created) {
            if std::ptr::eq(auditing.key, first.key) {
                // The first key the plan creates passes only when no key can exist outside
                // the inputs: the plan creates the instance too, or the keys were exported.
                let instance_created = auditing
                    .instance
                    .is_some_and(|instance| Declaration::is_created(instance.declaration.as_deref()));
                if instance_created || context.inventory.collections.keys {
                    context.evaluated_entity(auditing.key);
                }
                continue;
            }
            report(context, auditing, first, first_exists, out);
        }
    }
}

fn report(
    context: &RuleContext<'_>,
    auditing: &AuditingKey<'_>,
    first: &AuditingKey<'_>,
    first_exists: bool,
    out: &mut Vec<Finding>,
) {
    let key = auditing.key;
    let address = key
        .declaration
        .as_ref()
        .map_or(key.crn.as_str(), |declaration| declaration.address.as_str());
    let (verb, label) = if first_exists {
        ("already has", "the instance's existing key")
    } else {
        ("gets", "created first by the same plan")
    };
    let instance_crn = auditing.instance.map_or_else(
        || key.source_crn.as_deref().unwrap_or_default().to_owned(),
        |instance| instance.crn.clone(),
    );
    let mut finding = context
        .finding(
            EntityRef::key(key),
            key.origin.clone(),
            "a second auditing key requested through the API",
        )
        .message(format!(
            "the plan creates resource key `{}` on auditing instance {}, which {verb} resource \
             key `{}`: only one auditing service key can be created through the API or CLI, so \
             the new key carries the same auditing key instead of a new one",
            key.display_name(),
            auditing.instance_label(),
            first.key.display_name(),
        ))
        .related(EntityRef::key(first.key), first.key.origin.clone(), label)
        .remediation(
            context
                .meta
                .fix_with(&[("ADDRESS", address), ("INSTANCE_CRN", &instance_crn)]),
        );
    if let Some((instance, origin)) = auditing.instance_ref() {
        finding = finding.related(instance, origin, "the auditing instance");
    }
    finding.push(out);
}
