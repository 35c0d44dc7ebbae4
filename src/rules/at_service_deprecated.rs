//! `at-service-deprecated`: an instance of hosted Activity Tracker (`logdnaat`), which reached
//! end of support on 2025-03-30. Reported for each exported instance, and for each instance
//! that only keys name (the instance list may not have been exported).

use std::collections::BTreeSet;

use super::{Finding, RuleContext};
use crate::model::EntityRef;

/// The catalog name of hosted Activity Tracker event search.
const HOSTED_ACTIVITY_TRACKER: &str = "logdnaat";

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let message = |name: &str| {
        format!(
            "instance {name} is a hosted Activity Tracker instance (`{HOSTED_ACTIVITY_TRACKER}`): \
             deprecated since 2024-03-28, out of support since 2025-03-30; route activity events \
             with Activity Tracker Event Routing (`atracker`) to IBM Cloud Logs instead"
        )
    };
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    for instance in &inventory.instances {
        match instance.service_name() {
            Some(HOSTED_ACTIVITY_TRACKER) => {}
            // Any other service passes; an instance whose service is unknown is not judged.
            Some(_) => {
                context.evaluated_entity(instance);
                continue;
            }
            None => continue,
        }
        reported.insert(instance.guid.as_str());
        let name = match &instance.name {
            Some(name) => format!("`{name}` ({})", instance.guid),
            None => format!("`{}`", instance.guid),
        };
        context
            .finding(
                EntityRef::instance(instance),
                instance.origin.clone(),
                "hosted Activity Tracker instance",
            )
            .message(message(&name))
            .remediation(context.meta.fix_with(&[("INSTANCE_CRN", &instance.crn)]))
            .push(out);
    }
    // Instances of other services that only keys name: each passes once, as its first key.
    let mut passed: BTreeSet<&str> = BTreeSet::new();
    for key in &inventory.keys {
        let (Some(service), Some(guid)) = (key.service_name(), key.instance_guid()) else {
            continue;
        };
        if service != HOSTED_ACTIVITY_TRACKER {
            if inventory.instance_by_guid(guid).is_none() && passed.insert(guid) {
                context.evaluated_entity(key);
            }
            continue;
        }
        // Report an instance once, even when several keys name it.
        if inventory.instance_by_guid(guid).is_some() || !reported.insert(guid) {
            continue;
        }
        let crn = key.source_crn.as_deref().unwrap_or(guid);
        context
            .finding(
                EntityRef::key(key),
                key.source_origin_or_own(),
                "a key of a hosted Activity Tracker instance",
            )
            .message(message(&format!(
                "`{guid}` (named by key `{}`)",
                key.display_name()
            )))
            .remediation(context.meta.fix_with(&[("INSTANCE_CRN", crn)]))
            .push(out);
    }
}
