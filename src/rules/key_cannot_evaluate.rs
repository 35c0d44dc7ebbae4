//! `key-cannot-evaluate`: auditing keys and policies the inputs do not show well enough to
//! judge. Never a pass and never a fail: `status: unknown`, with what to export.

use super::auditing::{KeyLink, auditing_keys, link, unclassified_keys, undetermined_policy};
pub(super) use super::auditing::Audited as Params;
use super::{Finding, RuleContext};
use crate::model::EntityRef;

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    for auditing in auditing_keys(inventory, &params.services) {
        context.evaluated_entity(auditing.key);
        let KeyLink::Unknown { missing, export } = link(inventory, auditing.key) else {
            continue;
        };
        let key = auditing.key;
        let origin = key
            .serviceid_origin()
            .unwrap_or_else(|| key.credentials_origin_or_own());
        // A policy a plan leaves partly unresolved: point at it, not at the key's link.
        let undetermined = undetermined_policy(inventory, key);
        let (origin, label) = match undetermined {
            Some(policy) => (
                policy.origin.clone(),
                "may restrict the key; known only after apply",
            ),
            None => (origin, "cannot follow the key to its service ID"),
        };
        let mut finding = context
            .finding(EntityRef::key(key), origin, label)
            .unknown()
            .message(format!(
                "cannot evaluate resource key `{}` on auditing instance {}: {missing}",
                key.display_name(),
                auditing.instance_label(),
            ))
            .remediation(export);
        if undetermined.is_some() {
            finding = finding.related(
                EntityRef::key(key),
                key.serviceid_origin_or_own(),
                "the key's service ID",
            );
        }
        if let Some((instance, origin)) = auditing.instance_ref() {
            finding = finding.related(instance, origin, "the auditing instance");
        }
        finding.push(out);
    }
    for key in unclassified_keys(inventory) {
        let Some(unresolved) = &key.source_unresolved else {
            continue;
        };
        context
            .finding(
                EntityRef::key(key),
                key.source_origin_or_own(),
                "instance known only after apply",
            )
            .unknown()
            .message(format!(
                "cannot tell whether resource key `{}` is on an auditing instance: {}",
                key.display_name(),
                unresolved.describe()
            ))
            .remediation(
                "check the state after apply (`terraform show -json > state.json`), or set \
                 `resource_instance_id` from a resource attribute or module input the plan can \
                 resolve",
            )
            .push(out);
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
