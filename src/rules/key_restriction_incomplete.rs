//! `key-restriction-incomplete`: an auditing key's service ID is scoped to the instance, but
//! not with both Administrator and Manager.

use super::auditing::{KeyLink, auditing_keys, link, scoped_policies};
pub(super) use super::auditing::Audited as Params;
use super::policy_subject::update_keeping_conditions;
use super::{Finding, RuleContext};
use crate::model::{EntityRef, RoleKind};

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    for auditing in auditing_keys(inventory, &params.services) {
        let KeyLink::Linked(service_id) = link(inventory, auditing.key) else {
            continue;
        };
        let policies = scoped_policies(
            inventory,
            service_id,
            auditing.service,
            auditing.instance_guid,
            context.now,
        );
        let Some(first) = policies.first() else {
            continue;
        };
        // Only keys that have a scoped policy are this rule's business (no policy at all is
        // `key-restriction-missing`).
        context.evaluated_entity(auditing.key);
        // IAM access is additive: roles granted by several scoped policies add up.
        let has_administrator = policies
            .iter()
            .any(|policy| policy.grants(RoleKind::Platform, "Administrator"));
        let has_manager = policies
            .iter()
            .any(|policy| policy.grants(RoleKind::Service, "Manager"));
        let missing: Vec<&str> = [
            (!has_administrator).then_some("Administrator"),
            (!has_manager).then_some("Manager"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if missing.is_empty() {
            continue;
        }
        let key = auditing.key;
        let granted: Vec<&str> = policies
            .iter()
            .flat_map(|policy| policy.roles.iter().map(|role| role.name.as_ref()))
            .collect();
        let granted = if granted.is_empty() {
            "no roles".to_owned()
        } else {
            granted.join(", ")
        };
        let origin = first.roles_origin_or_own();
        let mut finding = context
            .finding(
                EntityRef::key(key),
                origin,
                format!("grants {granted}; missing {}", missing.join(" and ")),
            )
            .message(format!(
                "resource key `{}` on auditing instance {}: the policy scoping its service ID `{}` \
                 to the instance{} does not grant {}",
                key.display_name(),
                auditing.instance_label(),
                service_id.core(),
                first
                    .time_words()
                    .map(|words| format!(" ({words})"))
                    .unwrap_or_default(),
                missing.join(" and "),
            ))
            .related(
                EntityRef::key(key),
                key.serviceid_origin_or_own(),
                "the key that uses this service ID",
            )
            .related(
                EntityRef::service_id(service_id),
                service_id.origin.clone(),
                "the key's service ID",
            )
            // The update flags would drop the policy's tags and time condition: a file keeps them.
            .remediation(
                update_keeping_conditions(
                    inventory,
                    first,
                    "set the roles to Administrator and Manager; keep its resource, tags and rule",
                )
                .unwrap_or_else(|| {
                    context.meta.fix_with(&[
                        ("SERVICE_ID", service_id.core()),
                        ("POLICY_ID", &first.id),
                        ("SERVICE_NAME", auditing.service),
                        ("INSTANCE_GUID", auditing.instance_guid),
                    ])
                }),
            );
        if let Some((instance, origin)) = auditing.instance_ref() {
            finding = finding.related(instance, origin, "the auditing instance");
        }
        finding.push(out);
    }
}
