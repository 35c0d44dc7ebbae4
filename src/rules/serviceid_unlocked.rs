//! `serviceid-unlocked`: a service ID behind an auditing key that is not locked, so anyone
//! with access to it can rename, change or delete it (and with it the key's access).


use rustc_hash::{FxHashMap, FxHashSet};

use super::auditing::{auditing_keys};
pub(super) use super::auditing::Audited as Params;
use super::{Finding, RuleContext, Severity};
use crate::model::EntityRef;

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let keys = auditing_keys(inventory, &params.services);
    // How many auditing keys use each service ID, counted once.
    let mut users_of: FxHashMap<&str, usize> = FxHashMap::default();
    for auditing in &keys {
        if let Some(service_id) = inventory.service_id_of(auditing.key) {
            *users_of.entry(service_id.core()).or_default() += 1;
        }
    }
    let mut reported = FxHashSet::default();
    for auditing in &keys {
        // A key whose service ID cannot be followed is `key-cannot-evaluate`'s to report.
        let Some(service_id) = inventory.service_id_of(auditing.key) else {
            continue;
        };
        if !reported.insert(service_id.core()) {
            continue;
        }
        let users = users_of.get(service_id.core()).copied().unwrap_or(1);
        let name = match service_id.name.as_deref() {
            Some(name) => format!("`{name}` ({})", service_id.core()),
            None => format!("`{}`", service_id.core()),
        };
        let key = auditing.key;
        let key_label = if users == 1 {
            "the auditing key that uses this service ID".to_owned()
        } else {
            format!("one of {users} auditing keys that use this service ID")
        };
        let finding = match service_id.locked {
            Some(true) => {
                context.evaluated_entity(service_id);
                continue;
            }
            Some(false) => context
                .finding(
                    EntityRef::service_id(service_id),
                    service_id.origin.key("locked"),
                    "not locked",
                )
                .message(format!(
                    "service ID {name} behind auditing key `{}` on instance {} is not locked",
                    key.display_name(),
                    auditing.instance_label()
                ))
                .remediation(context.meta.fix_with(&[("SERVICE_ID", service_id.core())])),
            None => context
                .finding(
                    EntityRef::service_id(service_id),
                    service_id.origin.clone(),
                    "lock state unknown",
                )
                .severity(Severity::Info)
                .unknown()
                .message(format!(
                    "cannot tell whether service ID {name} behind auditing key `{}` is locked: \
                     the export has no `locked` for it",
                    key.display_name()
                ))
                .remediation(
                    "export the service IDs with their lock state (`ibmcloud iam service-ids \
                     --output json` or GET /v1/serviceids/?account_id=<ACCOUNT_ID>)",
                ),
        };
        finding
            .related(
                EntityRef::key(key),
                key.serviceid_origin_or_own(),
                key_label,
            )
            .push(out);
    }
}
