//! `reference-dangling`: a policy names a service ID or an instance, or a key names its
//! instance, and the inventory does not hold it. When the collection was loaded the target
//! is probably deleted (a fail); when it was not loaded at all, it is only unknown.
//!
//! A key whose service ID is missing is `key-cannot-evaluate`'s to report, not this rule's.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use super::{Finding, RuleContext, Severity};
use crate::model::{Crn, EntityKind, EntityRef, Inventory, Origin, Policy, PolicyVersion};

/// One reference to an entity the inventory lacks.
struct Reference {
    from: EntityRef,
    origin: Origin,
    label: &'static str,
    /// The command that deletes the referrer.
    fix: String,
}

/// What is referenced: a service ID (by core) or an instance (by GUID).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Target {
    ServiceId,
    Instance,
}

impl Target {
    fn noun(self) -> &'static str {
        match self {
            Self::ServiceId => "service ID",
            Self::Instance => "resource instance",
        }
    }

    fn kind(self) -> EntityKind {
        match self {
            Self::ServiceId => EntityKind::ServiceId,
            Self::Instance => EntityKind::ResourceInstance,
        }
    }

    fn exported(self, inventory: &Inventory) -> bool {
        match self {
            Self::ServiceId => inventory.collections.service_ids,
            Self::Instance => inventory.collections.instances,
        }
    }

    fn export(self) -> &'static str {
        match self {
            Self::ServiceId => {
                "export the service IDs (GET /v1/serviceids/?account_id=<ACCOUNT_ID>, or \
                 `ibmcloud iam service-ids --output json`)"
            }
            Self::Instance => {
                "export the resource instances of every resource group and state (GET \
                 /v2/resource_instances, or `ibmcloud resource service-instances \
                 --all-resource-groups --output json`)"
            }
        }
    }
}

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if !inventory.collections.any() {
        // A plan alone names what lives elsewhere in the account by design.
        return;
    }
    // The passes are every named target: worked out only when the run keeps them.
    if context.records_passes() {
        for target in resolved(inventory) {
            context.evaluated(target);
        }
    }
    let dangling = collect(inventory);
    // Per target kind: a collection that was not loaded is one unknown, said once.
    let mut unexported: BTreeMap<Target, Vec<(&String, &Vec<Reference>)>> = BTreeMap::new();
    for ((target, id), references) in &dangling {
        if !target.exported(inventory) {
            unexported
                .entry(*target)
                .or_default()
                .push((id, references));
            continue;
        }
        let Some(first) = references.first() else {
            continue;
        };
        let mut finding = context
            .finding(
                missing(*target, id, first),
                first.origin.clone(),
                format!("names a {} that is not in the inventory", target.noun()),
            )
            .message(format!(
                "{} `{id}` is named by {} but is not among the exported {}s: probably deleted \
                 (or outside the export)",
                target.noun(),
                referrers(&references.iter().collect::<Vec<_>>()),
                target.noun(),
            ))
            .remediation(format!(
                "re-export the inventory at one time to confirm `{id}` is gone; then delete what \
                 still names it: {}",
                references
                    .iter()
                    .map(|reference| reference.fix.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        for other in references.iter().skip(1) {
            finding = finding.related(other.from.clone(), other.origin.clone(), other.label);
        }
        finding.push(out);
    }
    for (target, targets) in unexported {
        let Some((id, Some(first))) = targets
            .first()
            .map(|(id, references)| (*id, references.first()))
        else {
            continue;
        };
        let references: Vec<&Reference> = targets
            .iter()
            .flat_map(|(_, references)| references.iter())
            .collect();
        let (count, exist) = match targets.len() {
            1 => (format!("the {}", target.noun()), "exists"),
            n => (format!("the {n} {}s", target.noun()), "exist"),
        };
        context
            .finding(
                missing(target, id, first),
                first.origin.clone(),
                format!("{}s were not exported", target.noun()),
            )
            .unknown()
            .severity(Severity::Info)
            .message(format!(
                "no {} list was loaded, so whether {count} named by {} {exist} is unknown (the \
                 first: `{id}`)",
                target.noun(),
                referrers(&references),
            ))
            .remediation(target.export())
            .push(out);
    }
}

/// Every reference to a missing service ID or instance, grouped by target, in load order.
fn collect(inventory: &Inventory) -> BTreeMap<(Target, String), Vec<Reference>> {
    let mut dangling: BTreeMap<(Target, String), Vec<Reference>> = BTreeMap::new();
    for policy in &inventory.policies {
        if policy.state.as_deref() == Some("deleted") {
            continue;
        }
        if let Some(core) = policy.subject.service_id()
            && inventory.service_id(core).is_none()
        {
            dangling
                .entry((Target::ServiceId, core.to_owned()))
                .or_default()
                .push(Reference {
                    from: EntityRef::policy(policy),
                    origin: policy.subject_origin_or_own(),
                    label: "a policy for this service ID",
                    fix: delete_policy(policy),
                });
        }
        let instance = policy
            .resource_equals("serviceInstance")
            .map(|value| Crn::parse(value).map_or(value, |crn| crn.service_instance));
        if let Some(guid) = instance.filter(|guid| !guid.is_empty())
            && inventory.instance_by_guid(guid).is_none()
        {
            dangling
                .entry((Target::Instance, guid.to_owned()))
                .or_default()
                .push(Reference {
                    from: EntityRef::policy(policy),
                    origin: policy.resource_origin_or_own(),
                    label: "a policy scoped to this instance",
                    fix: delete_policy(policy),
                });
        }
    }
    for key in &inventory.keys {
        if let Some(guid) = key.instance_guid()
            && inventory.instance_by_guid(guid).is_none()
        {
            dangling
                .entry((Target::Instance, guid.to_owned()))
                .or_default()
                .push(Reference {
                    from: EntityRef::key(key),
                    origin: key.source_origin_or_own(),
                    label: "a key of this instance",
                    fix: format!("ibmcloud resource service-key-delete {}", key.crn),
                });
        }
    }
    dangling
}

/// Every named service ID and instance the inventory holds (a pass), once each, in load
/// order. Named by the id a finding would use (the service ID core, the instance GUID), so
/// that the same target lines up whether it resolves or dangles.
fn resolved(inventory: &Inventory) -> Vec<EntityRef> {
    let mut named: Vec<(Target, &str)> = Vec::new();
    for policy in &inventory.policies {
        if policy.state.as_deref() == Some("deleted") {
            continue;
        }
        if let Some(core) = policy.subject.service_id() {
            named.push((Target::ServiceId, core));
        }
        let instance = policy
            .resource_equals("serviceInstance")
            .map(|value| Crn::parse(value).map_or(value, |crn| crn.service_instance));
        if let Some(guid) = instance {
            named.push((Target::Instance, guid));
        }
    }
    for key in &inventory.keys {
        if let Some(guid) = key.instance_guid() {
            named.push((Target::Instance, guid));
        }
    }
    // Only asked "seen before?", never iterated: a hash set keeps the output order (that of
    // `named`) and avoids comparing long ids along a tree.
    let mut seen = FxHashSet::with_capacity_and_hasher(named.len(), Default::default());
    named
        .into_iter()
        .filter(|(_, id)| !id.is_empty())
        .filter_map(|(target, id)| {
            if seen.contains(&(target, id)) {
                return None;
            }
            let found = match target {
                Target::ServiceId => EntityRef::service_id(inventory.service_id(id)?),
                Target::Instance => EntityRef::instance(inventory.instance_by_guid(id)?),
            };
            seen.insert((target, id));
            Some(EntityRef {
                id: id.to_owned(),
                ..found
            })
        })
        .collect()
}

/// The Policy Management call that deletes `policy` (any subject kind, v1 or v2).
fn delete_policy(policy: &Policy) -> String {
    let version = match policy.version {
        PolicyVersion::V1 => "v1",
        PolicyVersion::V2 => "v2",
    };
    format!(
        "curl -X DELETE -H \"Authorization: $(ibmcloud iam oauth-tokens --output json | jq -r \
         .iam_token)\" https://iam.cloud.ibm.com/{version}/policies/{}",
        policy.id
    )
}

/// The missing entity as a finding's subject, located where it is first named.
fn missing(target: Target, id: &str, first: &Reference) -> EntityRef {
    EntityRef {
        account: None,
        kind: target.kind(),
        id: id.to_owned(),
        name: None,
        origin: first.origin.clone(),
        address: None,
    }
}

/// `policy `…``, `2 policies and 1 resource key`.
fn referrers(references: &[&Reference]) -> String {
    if let [only] = references {
        let name = only.from.name.as_deref().unwrap_or(&only.from.id);
        return format!("{} `{name}`", only.from.kind.label());
    }
    let mut counts: BTreeMap<EntityKind, usize> = BTreeMap::new();
    for reference in references {
        *counts.entry(reference.from.kind).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(kind, count)| kind.count(count))
        .collect::<Vec<_>>()
        .join(" and ")
}
