//! `key-cannot-evaluate`: auditing keys and policies the inputs do not show well enough to
//! judge. Never a pass and never a fail: `status: unknown`, with what to export.

use super::auditing::{KeyLink, auditing_keys, link, services};
use super::{Finding, RuleContext};
use crate::model::EntityRef;

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    for auditing in auditing_keys(inventory, &services(context)) {
        context.evaluated(EntityRef::key(auditing.key));
        let KeyLink::Unknown { missing, export } = link(inventory, auditing.key) else {
            continue;
        };
        let key = auditing.key;
        let origin = key
            .serviceid_origin
            .clone()
            .or_else(|| key.credentials_origin.clone())
            .unwrap_or_else(|| key.origin.clone());
        let mut finding = context
            .finding(
                EntityRef::key(key),
                origin,
                "cannot follow the key to its service ID",
            )
            .unknown()
            .message(format!(
                "cannot evaluate resource key `{}` on auditing instance {}: {missing}",
                key.display_name(),
                auditing.instance_label(),
            ))
            .remediation(export);
        if let Some((instance, origin)) = auditing.instance_ref() {
            finding = finding.related(instance, origin, "the auditing instance");
        }
        finding.push(out);
    }
    for placeholder in &inventory.placeholders {
        context
            .finding(
                EntityRef::placeholder(placeholder),
                placeholder.origin.clone(),
                "v2 policy placeholder",
            )
            .unknown()
            .message(format!(
                "cannot evaluate policy `{}`: the v1 policy list holds only a placeholder for this \
                 v2 policy, and the v2 policy was not loaded",
                placeholder.id
            ))
            .remediation(context.meta.fix_with(&[("POLICY_ID", &placeholder.id)]))
            .push(out);
    }
}
