//! `serviceid-orphaned`: a service ID made for a resource key that no exported key uses any
//! more. Deleting a key leaves its service ID behind, where it still counts toward the
//! account's service ID limit and keeps its policies.


use rustc_hash::FxHashSet;

use serde::Deserialize;

use super::{Finding, RuleContext, Severity};
use crate::model::{EntityKind, EntityRef, Inventory, ResourceKey, ServiceId, service_id_core};

/// `rules/serviceid-orphaned.yaml` gives the default.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    markers: Vec<String>,
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let markers: Vec<String> = params
        .markers
        .iter()
        .map(|marker| marker.to_lowercase())
        .collect();
    let candidates: Vec<&ServiceId> = inventory
        .service_ids
        .iter()
        .filter(|service_id| made_for_a_key(service_id, &markers))
        .collect();
    let Some(first) = candidates.first() else {
        return;
    };
    if !inventory.collections.any() {
        // A plan alone declares part of an account: whether keys elsewhere use a service
        // ID is unknowable, and saying so for every plan would be noise.
        return;
    }
    if !inventory.collections.keys {
        // One finding, not one per service ID: the missing export is one problem.
        context
            .finding(
                EntityRef::service_id(first),
                first.origin.clone(),
                "made for a resource key",
            )
            .unknown()
            .severity(Severity::Info)
            .message(format!(
                "cannot tell whether the {} service IDs made for resource keys are still used: no \
                 resource keys were loaded",
                candidates.len()
            ))
            .remediation(
                "export the resource keys with their credentials (GET /v2/resource_keys, or \
                 `ibmcloud resource service-keys --output json`)",
            )
            .push(out);
        return;
    }
    let used: FxHashSet<&str> = inventory
        .keys
        .iter()
        .filter_map(ResourceKey::service_id_core)
        .collect();
    // Service IDs with API keys of their own (when API keys were exported): then something
    // other than a resource key uses them.
    let with_api_keys: FxHashSet<&str> = inventory
        .api_keys
        .iter()
        .filter_map(|api_key| api_key.iam_id.as_deref().and_then(service_id_core))
        .collect();
    // Keys that show no service ID, counted once: any might use a service ID that names no
    // instance.
    let mut hiding: Option<usize> = None;
    for service_id in candidates {
        if used.contains(service_id.core()) || with_api_keys.contains(service_id.core()) {
            context.evaluated_entity(service_id);
            continue;
        }
        let hidden = if service_id.unique_instance_crns.is_empty() {
            *hiding.get_or_insert_with(|| inventory.keys.iter().filter(hides).count())
        } else {
            hidden_keys(inventory, service_id)
        };
        let policies = inventory.policies_of_service_id(service_id.core()).count();
        let builder = context.finding(
            EntityRef::service_id(service_id),
            service_id.origin.clone(),
            "no exported key uses this service ID",
        );
        let finding = if hidden > 0 {
            builder.unknown().severity(Severity::Info).message(format!(
                "service ID `{}` ({}) was made for a resource key and no key with visible \
                 credentials uses it; {} that could use it {} no service ID (REDACTED or missing \
                 credentials)",
                service_id.display_name(),
                service_id.core(),
                EntityKind::ResourceKey.count(hidden),
                if hidden == 1 { "shows" } else { "show" },
            ))
        } else {
            builder.message(format!(
                "service ID `{}` ({}) was made for a resource key that no longer exists: no \
                 exported key uses it, yet it counts toward the account's service ID limit{}",
                service_id.display_name(),
                service_id.core(),
                match policies {
                    0 => String::new(),
                    1 => " and keeps 1 access policy".to_owned(),
                    n => format!(" and keeps {n} access policies"),
                }
            ))
        };
        finding
            .remediation(context.meta.fix_with(&[("SERVICE_ID", service_id.core())]))
            .push(out);
    }
}

/// Resource Controller made the service ID for a key: its name or description says so, or
/// it is tied to a service instance.
fn made_for_a_key(service_id: &ServiceId, markers: &[String]) -> bool {
    let says_so = [&service_id.name, &service_id.description]
        .into_iter()
        .flatten()
        .map(|text| text.to_lowercase())
        .any(|text| markers.iter().any(|marker| text.contains(marker.as_str())));
    says_so || !service_id.unique_instance_crns.is_empty()
}

/// Whether a key does not show its service ID (REDACTED or missing credentials).
fn hides(key: &&ResourceKey) -> bool {
    key.visible_credentials()
        .and_then(|visible| visible.iam_serviceid_crn.as_ref())
        .is_none()
}

/// Keys that might use the service ID but do not show theirs: the keys of the instances
/// it is tied to.
fn hidden_keys(inventory: &Inventory, service_id: &ServiceId) -> usize {
    service_id
        .unique_instance_crns
        .iter()
        .filter_map(|crn| crate::model::Crn::parse(crn))
        .flat_map(|crn| inventory.keys_of_instance(crn.service_instance))
        .filter(hides)
        .count()
}
