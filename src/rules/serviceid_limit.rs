//! `serviceid-limit`: the account holds (nearly) as many service IDs as IAM allows.
//!
//! Every resource key created without `serviceid_crn` makes a service ID of its own, so
//! accounts that create keys freely run into the limit; then no key, and no service ID, can
//! be created anywhere in the account.

use serde::Deserialize;

use super::{Finding, RuleContext, Severity};
use crate::model::{EntityKind, EntityRef, Inventory, Origin, PerEntityLimit, ServiceId};

/// `rules/serviceid-limit.yaml` gives the defaults.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    max_service_ids: u64,
    warn_percent: u64,
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    // The identity limits give a limit per service ID group, not per account: each group
    // is judged against it (unless the user configured an account-wide limit).
    if !context.param_is_set("max_service_ids")
        && let Some(per_group) = inventory
            .identity_limits
            .as_ref()
            .and_then(|limits| limits.service_ids_per_group.as_ref())
        && let Some(limit) = per_group.limit
    {
        let groups = groups(inventory, per_group);
        if !groups.is_empty() {
            for group in groups {
                judge_group(context, out, (limit, params.warn_percent), group);
            }
            return;
        }
    }
    // The account's own limit and count (live mode's `identity_limits.json`) beat the
    // documented default; a limit the user configured beats both.
    let reported = inventory.identity_limits.as_ref();
    let reported_limit = reported
        .and_then(|limits| limits.service_id_limit())
        .filter(|_| !context.param_is_set("max_service_ids"));
    let reported_count = reported.and_then(|limits| limits.service_id_count());
    if !inventory.collections.service_ids && reported_count.is_none() {
        // A plan alone (no export) says nothing about the account's service ID count.
        if inventory.collections.any() {
            not_exported(context, out);
        }
        return;
    }
    let max = reported_limit.unwrap_or(params.max_service_ids);
    let warn_percent = params.warn_percent;
    let count = reported_count
        .unwrap_or(0)
        .max(inventory.service_ids.len() as u64);
    let source = match (reported_limit, reported_count) {
        (Some(_), _) => " (the account's own limit, from its identity limits)",
        (None, Some(_)) => " (count from the account's identity limits)",
        (None, None) => "",
    };
    // `count >= max * warn_percent / 100`, without rounding the threshold down.
    let severity = if count > max {
        Some(Severity::High)
    } else if count.saturating_mul(100) >= max.saturating_mul(warn_percent) {
        Some(Severity::Medium)
    } else {
        None
    };
    // Point at the service ID that crosses the limit, or at the last one counted.
    let at = if count > max {
        max
    } else {
        count.saturating_sub(1)
    };
    // A count the account reported points at that report; one of ours at the service ID.
    let reported_at = reported
        .filter(|_| reported_count.is_some())
        .and_then(|limits| limits.service_ids_per_group.as_ref())
        .map(|per_group| per_group.origin.clone());
    let pointed = reported_at.clone().or_else(|| {
        usize::try_from(at)
            .ok()
            .and_then(|at| inventory.service_ids.get(at))
            .or(inventory.service_ids.last())
            .map(|service_id| service_id.origin.clone())
    });
    // Without a place to point at (no service ID, no reported count) there is no subject.
    let Some(pointed) = pointed else {
        return;
    };
    let Some(severity) = severity else {
        // Below the warning point: the account passes.
        context.evaluated(account(inventory, count, pointed));
        return;
    };
    let (label, verdict) = if reported_at.is_some() {
        (
            format!("{count} service IDs of at most {max}"),
            if count > max {
                format!("more than the limit of {max}")
            } else {
                format!("{warn_percent}% or more of the limit of {max}")
            },
        )
    } else if count > max {
        (
            format!("service ID {} of at most {max}", max + 1),
            format!("more than the limit of {max}"),
        )
    } else {
        (
            format!("service ID {count} of at most {max}"),
            format!("{warn_percent}% or more of the limit of {max}"),
        )
    };
    context
        .finding(account(inventory, count, pointed.clone()), pointed, label)
        .severity(severity)
        .message(format!(
            "the account has {count} service IDs, {verdict}{source}; every resource key created \
             without `serviceid_crn` adds one, and at the limit no key or service ID can be created"
        ))
        .remediation(context.meta.fix.trim())
        .push(out);
}

/// One service ID group and its count: the larger of what the identity limits report and
/// how many exported service IDs name it.
struct Group<'a> {
    /// `None`: the service IDs exported without a `group_id`.
    id: Option<&'a str>,
    count: u64,
    /// Where the reported count is, when the identity limits report the group.
    reported: Option<Origin>,
    /// The exported service IDs of the group, in load order.
    service_ids: Vec<&'a ServiceId>,
}

/// The groups the identity limits report, in their order, then those only exported
/// service IDs name, in load order.
fn groups<'a>(inventory: &'a Inventory, per_group: &'a PerEntityLimit) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = per_group
        .usage
        .iter()
        .map(|usage| Group {
            id: Some(usage.id.as_str()),
            count: usage.count,
            reported: Some(usage.origin.clone()),
            service_ids: Vec::new(),
        })
        .collect();
    for service_id in &inventory.service_ids {
        let id = service_id.group_id.as_deref();
        match groups.iter_mut().find(|group| group.id == id) {
            Some(group) => group.service_ids.push(service_id),
            None => groups.push(Group {
                id,
                count: 0,
                reported: None,
                service_ids: vec![service_id],
            }),
        }
    }
    for group in &mut groups {
        group.count = group.count.max(group.service_ids.len() as u64);
    }
    groups
}

/// Judges one service ID group against the per-group limit of the identity limits.
fn judge_group(
    context: &RuleContext<'_>,
    out: &mut Vec<Finding>,
    (max, warn_percent): (u64, u64),
    group: Group<'_>,
) {
    let count = group.count;
    let name = match group.id {
        Some(id) => format!("service ID group `{id}`"),
        None => "the service IDs exported without a `group_id`".to_owned(),
    };
    // The reported count, else the service ID that crosses the limit (or the last one).
    let at = if count > max {
        max
    } else {
        count.saturating_sub(1)
    };
    let pointed = group.reported.clone().or_else(|| {
        usize::try_from(at)
            .ok()
            .and_then(|at| group.service_ids.get(at))
            .or(group.service_ids.last())
            .map(|service_id| service_id.origin.clone())
    });
    let Some(pointed) = pointed else {
        return;
    };
    let subject = EntityRef {
        kind: EntityKind::ServiceId,
        id: group.id.unwrap_or("no group").to_owned(),
        name: Some(match group.id {
            Some(id) => format!("{count} service IDs in group {id}"),
            None => format!("{count} service IDs without a group"),
        }),
        origin: pointed.clone(),
        address: None,
        account: None,
    };
    let verdict = if count > max {
        format!("more than the limit of {max} per group")
    } else if count.saturating_mul(100) >= max.saturating_mul(warn_percent) {
        format!("{warn_percent}% or more of the limit of {max} per group")
    } else {
        context.evaluated(subject);
        return;
    };
    let severity = if count > max {
        Severity::High
    } else {
        Severity::Medium
    };
    let label = if group.reported.is_some() {
        format!("{count} service IDs of at most {max}")
    } else if count > max {
        format!("service ID {} of at most {max} in the group", max + 1)
    } else {
        format!("service ID {count} of at most {max} in the group")
    };
    context
        .finding(subject, pointed, label)
        .severity(severity)
        .message(format!(
            "{name} has {count} service IDs, {verdict} (the account's own limit, from its \
             identity limits); every resource key created without `serviceid_crn` adds one, \
             and at the limit no key or service ID can be created in the group"
        ))
        .remediation(context.meta.fix.trim())
        .push(out);
}

/// The account as a finding's subject: the service IDs' account, named by count.
fn account(inventory: &Inventory, count: u64, origin: Origin) -> EntityRef {
    let account = inventory
        .service_ids
        .iter()
        .find_map(|service_id| service_id.crn.as_ref()?.account().map(str::to_owned));
    EntityRef {
        account: None,
        kind: EntityKind::ServiceId,
        id: account.unwrap_or_else(|| "account".to_owned()),
        name: Some(format!("{count} service IDs")),
        origin,
        address: None,
    }
}

/// No service ID list was loaded: the count is unknown. Said once, at the first entity that
/// was loaded (keys first: each may have made a service ID).
fn not_exported(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let first = inventory
        .keys
        .first()
        .map(EntityRef::key)
        .or_else(|| inventory.instances.first().map(EntityRef::instance))
        .or_else(|| inventory.policies.first().map(EntityRef::policy))
        .or_else(|| inventory.api_keys.first().map(EntityRef::api_key))
        .or_else(|| inventory.access_groups.first().map(EntityRef::access_group));
    let Some(first) = first else {
        return;
    };
    context
        .finding(
            first.clone(),
            first.origin.clone(),
            "service IDs not exported",
        )
        .unknown()
        .severity(Severity::Info)
        .message("cannot count the account's service IDs: no service ID list was loaded".to_owned())
        .remediation(
            "export the service IDs of every service ID group (GET \
             /v1/serviceids/?account_id=<ACCOUNT_ID>&group_id=<GROUP_ID>, or `ibmcloud iam \
             service-ids --output json`)",
        )
        .push(out);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::model::{
        DocId, Inventory, InventoryBuilder, Origin, Pointer, ResourceInstance, ServiceId,
    };
    use crate::rules::{Settings, Severity, Status, run};

    fn inventory(count: usize, exported: bool) -> Inventory {
        let mut builder = InventoryBuilder::default();
        if !exported {
            // Something else was exported: the account's instances.
            builder.add_instance(ResourceInstance {
                account: None,
                crn: "crn:v1:bluemix:public:logdnaat:us-south:a/acct:guid::".to_owned(),
                guid: "guid".to_owned(),
                name: None,
                account_id: None,
                resource_group_id: None,
                state: None,
                origin: Origin::new(DocId(0), Pointer::root()),
                declaration: None,
                crn_fields: Default::default(),
            });
            builder.collections().instances = true;
        }
        builder.collections().service_ids = exported;
        for n in 0..count {
            builder.add_service_id(ServiceId {
                group_id: None,
                account: None,
                id: format!("ServiceId-{n}"),
                iam_id: None,
                crn: None,
                name: None,
                description: None,
                locked: None,
                created_at: None,
                unique_instance_crns: Vec::new(),
                origin: Origin::new(DocId(0), Pointer::root().key("serviceids").index(n)),
                declaration: None,
            });
        }
        builder.finish()
    }

    /// The severity and status of the finding for `count` service IDs with a limit of 10.
    fn verdict(count: usize, exported: bool) -> Option<(Severity, Status)> {
        let mut settings = Settings::only(&["serviceid-limit"]);
        let params = BTreeMap::from([("max_service_ids".to_owned(), serde_json::json!(10))]);
        settings.params.insert("serviceid-limit".to_owned(), params);
        let findings = run(&inventory(count, exported), &settings);
        assert!(findings.len() <= 1);
        findings
            .first()
            .map(|finding| (finding.severity, finding.status))
    }

    #[test]
    fn high_above_the_limit_medium_from_ninety_percent() {
        assert_eq!(verdict(8, true), None);
        assert_eq!(verdict(9, true), Some((Severity::Medium, Status::Fail)));
        assert_eq!(verdict(10, true), Some((Severity::Medium, Status::Fail)));
        assert_eq!(verdict(11, true), Some((Severity::High, Status::Fail)));
    }

    /// The findings for two groups of 600 and 950 service IDs under a limit of 1000 per
    /// group, as the identity limits report them.
    #[test]
    fn the_identity_limits_judge_each_group_not_their_sum() {
        use crate::model::{EntityUsage, IdentityLimits, PerEntityLimit};
        let origin = Origin::new(DocId(0), Pointer::root());
        let usage = |id: &str, count| EntityUsage {
            id: id.to_owned(),
            count,
            origin: origin.clone(),
        };
        let mut builder = InventoryBuilder::default();
        builder.collections().service_ids = true;
        builder.add_identity_limits(IdentityLimits {
            serviceid_groups: None,
            service_ids_per_group: Some(PerEntityLimit {
                limit: Some(1000),
                usage: vec![usage("group-a", 600), usage("group-b", 950)],
                origin: origin.clone(),
            }),
            api_keys_per_identity: None,
            origin: origin.clone(),
            account: None,
        });
        let findings = run(&builder.finish(), &Settings::only(&["serviceid-limit"]));
        // 1550 in all is over the limit, but no group is: only group-b (95%) is reported.
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Medium);
        assert_eq!(findings[0].subject.id, "group-b");
    }

    #[test]
    fn without_a_service_id_list_the_count_is_unknown() {
        assert_eq!(verdict(0, true), None);
        assert_eq!(verdict(0, false), Some((Severity::Info, Status::Unknown)));
    }
}
