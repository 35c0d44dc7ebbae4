//! `key-restriction-missing`: an auditing key whose service ID has no policy scoped to the
//! key's own instance.

use super::auditing::{KeyLink, auditing_keys, inactive_note, inactive_scoped_policies, link, scoped_policies};
pub(super) use super::auditing::Audited as Params;
use super::{Finding, RuleContext};
use crate::model::EntityRef;

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    for auditing in auditing_keys(inventory, &params.services) {
        let KeyLink::Linked(service_id) = link(inventory, auditing.key) else {
            continue;
        };
        context.evaluated_entity(auditing.key);
        if !scoped_policies(
            inventory,
            service_id,
            auditing.service,
            auditing.instance_guid,
            context.now,
        )
        .is_empty()
        {
            continue;
        }
        let inactive = inactive_scoped_policies(
            inventory,
            service_id,
            auditing.service,
            auditing.instance_guid,
            context.now,
        );
        let key = auditing.key;
        let origin = key.serviceid_origin_or_own();
        let mut finding = context
            .finding(
                EntityRef::key(key),
                origin,
                "this service ID has no policy for the instance",
            )
            .message(format!(
                "resource key `{}` on auditing instance {}: its service ID `{}` has no access \
                 policy {}scoped to serviceName={} and serviceInstance={}{}",
                key.display_name(),
                auditing.instance_label(),
                service_id.core(),
                if inactive.is_empty() { "" } else { "in force " },
                auditing.service,
                auditing.instance_guid,
                inactive_note(&inactive),
            ))
            .related(
                EntityRef::service_id(service_id),
                service_id.origin.clone(),
                "the key's service ID",
            )
            .remediation(context.meta.fix_with(&[
                ("SERVICE_ID", service_id.core()),
                ("SERVICE_NAME", auditing.service),
                ("INSTANCE_GUID", auditing.instance_guid),
            ]));
        if let Some((instance, origin)) = auditing.instance_ref() {
            finding = finding.related(instance, origin, "the auditing instance");
        }
        finding.push(out);
    }
}
