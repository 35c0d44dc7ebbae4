//! `policy-limit`: an account or a subject (user, service ID, trusted profile, access
//! group) near or over the number of access policies IAM allows.
//!
//! IAM allows 4020 policies per account (shared with context-based restriction rules, which
//! exports do not show) and 1000 per subject. Deleted policies do not count; v2 policies
//! known only from a v1 placeholder count for the account but not for a subject, whose
//! name the placeholder hides. The inputs of one run are taken as one account, as exports
//! are made per account.


use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::apikeys::account_id;
use super::{Finding, RuleContext, Severity};
use crate::model::{EntityKind, EntityRef, Origin, Policy, Subject};

/// `(severity, verdict)` for `count` against `max`, warning from `warn_percent` of it.
fn verdict(count: u64, max: u64, warn_percent: u64) -> Option<(Severity, String)> {
    // Ceiling of max * percent / 100, without floats.
    let warn_at = (max.saturating_mul(warn_percent)).div_ceil(100);
    if count > max {
        Some((Severity::High, format!("more than the limit of {max}")))
    } else if count >= warn_at {
        Some((Severity::Medium, format!("close to the limit of {max}")))
    } else {
        None
    }
}

fn subject_text(subject: &Subject) -> Option<(&'static str, &str)> {
    match subject {
        Subject::ServiceId(core) => Some(("service ID", core)),
        Subject::User(user) => Some(("user", user)),
        Subject::Profile(profile) => Some(("trusted profile", profile)),
        Subject::AccessGroup(group) => Some(("access group", group)),
        Subject::Other(_) | Subject::Missing | Subject::Unresolved(_) => None,
    }
}

/// `rules/policy-limit.yaml` gives the defaults.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    max_per_account: u64,
    max_per_subject: u64,
    warn_percent: u64,
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if !inventory.collections.policies {
        // A plan alone (no export) says nothing about the account's policy count.
        if inventory.collections.any() {
            unknown_without_policies(context, out);
        }
        return;
    }
    let Params {
        max_per_account: per_account,
        max_per_subject: per_subject,
        warn_percent,
    } = *params;
    let counted: Vec<&Policy> = inventory
        .policies
        .iter()
        .filter(|policy| policy.state.as_deref() != Some("deleted"))
        .collect();

    let account_total = (counted.len() + inventory.placeholders.len()) as u64;
    let account_verdict = verdict(account_total, per_account, warn_percent);
    if account_verdict.is_none()
        && let Some((subject, _)) = account_subject(context, &counted)
    {
        context.evaluated(subject);
    }
    if let Some((severity, verdict)) = account_verdict {
        let Some((subject, origin)) = account_subject(context, &counted) else {
            return;
        };
        let account = account_id(inventory);
        context
            .finding(
                subject,
                origin,
                format!("{account_total} policies in the account"),
            )
            .severity(severity)
            .message(format!(
                "account `{account}` has {account_total} access and authorization policies, \
                 {verdict} per account"
            ))
            .remediation(context.meta.fix_with(&[("ACCOUNT_ID", &account)]))
            .push(out);
    }

    // Grouped by hash, then the groups sorted once: the same order as a BTreeMap, without
    // a string comparison per level for each of a quarter of a million policies.
    let mut grouped: FxHashMap<(&'static str, &str), Vec<&Policy>> = FxHashMap::default();
    for policy in &counted {
        if let Some(subject) = subject_text(&policy.subject) {
            grouped.entry(subject).or_default().push(policy);
        }
    }
    let mut per_subject_policies: Vec<((&'static str, &str), Vec<&Policy>)> =
        grouped.into_iter().collect();
    per_subject_policies.sort_unstable_by_key(|(subject, _)| *subject);
    for ((kind, id), policies) in per_subject_policies {
        let count = policies.len() as u64;
        let Some(first) = policies.first() else {
            continue;
        };
        let service_id = first
            .subject
            .service_id()
            .and_then(|core| inventory.service_id(core));
        // Built only for a finding or a kept pass (most subjects pass, unrecorded).
        let subject = || match service_id {
            Some(service_id) => EntityRef::service_id(service_id),
            None => EntityRef {
                account: None,
                kind: if kind == "service ID" {
                    EntityKind::ServiceId
                } else {
                    EntityKind::Policy
                },
                id: id.to_owned(),
                name: None,
                origin: first.origin.clone(),
                address: None,
            },
        };
        let Some((severity, verdict)) = verdict(count, per_subject, warn_percent) else {
            match service_id {
                Some(service_id) => context.evaluated_entity(service_id),
                None => context.evaluated_with(subject),
            }
            continue;
        };
        let subject = subject();
        // Only a finding needs the subject's name (most subjects pass).
        let name = match service_id.and_then(|service_id| service_id.name.as_deref()) {
            Some(name) => format!("`{name}` ({id})"),
            None => format!("`{id}`"),
        };
        let origin: Origin = first.subject_origin_or_own();
        context
            .finding(subject, origin, format!("{count} policies for this {kind}"))
            .severity(severity)
            .message(format!(
                "{kind} {name} is the subject of {count} policies, {verdict} per subject"
            ))
            .remediation(
                context
                    .meta
                    .fix_with(&[("ACCOUNT_ID", &account_id(inventory))]),
            )
            .push(out);
    }
}

/// The subject that carries the account's count: its first policy (or v2 placeholder).
fn account_subject(context: &RuleContext<'_>, counted: &[&Policy]) -> Option<(EntityRef, Origin)> {
    match (counted.first(), context.inventory.placeholders.first()) {
        (Some(policy), _) => Some((EntityRef::policy(policy), policy.origin.clone())),
        (None, Some(placeholder)) => Some((
            EntityRef::placeholder(placeholder),
            placeholder.origin.clone(),
        )),
        (None, None) => None,
    }
}

/// No policy list was loaded: the counts are unknown. Said once, on the first entity.
fn unknown_without_policies(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let anchor = inventory
        .service_ids
        .first()
        .map(|service_id| (EntityRef::service_id(service_id), service_id.origin.clone()))
        .or_else(|| {
            inventory
                .keys
                .first()
                .map(|key| (EntityRef::key(key), key.origin.clone()))
        })
        .or_else(|| {
            inventory
                .instances
                .first()
                .map(|instance| (EntityRef::instance(instance), instance.origin.clone()))
        })
        .or_else(|| {
            inventory
                .api_keys
                .first()
                .map(|api_key| (EntityRef::api_key(api_key), api_key.origin.clone()))
        });
    let Some((subject, origin)) = anchor else {
        return;
    };
    context
        .finding(subject, origin, "policies not exported")
        .severity(Severity::Info)
        .unknown()
        .message(
            "no policy list (`{\"policies\": [...]}`) was loaded, so the number of policies \
             per account and per subject is unknown",
        )
        .remediation(format!(
            "export the policies: curl -H \"Authorization: $(ibmcloud iam oauth-tokens --output \
             json | jq -r .iam_token)\" 'https://iam.cloud.ibm.com/v2/policies?account_id={}' \
             (every page)",
            account_id(inventory)
        ))
        .push(out);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{
        AttributeValue, DocId, InventoryBuilder, Operator, Pointer, PolicyVersion,
        ResourceAttribute, Role,
    };
    use crate::rules::{Settings, Status, run};

    #[test]
    fn warns_from_ninety_percent_and_fails_above_the_limit() {
        assert_eq!(verdict(899, 1000, 90), None);
        assert_eq!(verdict(900, 1000, 90).map(|v| v.0), Some(Severity::Medium));
        assert_eq!(verdict(1000, 1000, 90).map(|v| v.0), Some(Severity::Medium));
        assert_eq!(verdict(1001, 1000, 90).map(|v| v.0), Some(Severity::High));
        assert_eq!(verdict(3617, 4020, 90), None);
        assert_eq!(verdict(3618, 4020, 90).map(|v| v.0), Some(Severity::Medium));
        assert_eq!(verdict(4021, 4020, 90).map(|v| v.0), Some(Severity::High));
    }

    fn policy(at: usize, user: &str) -> Policy {
        let origin = Origin::new(DocId(0), Pointer::root().key("policies").index(at));
        Policy {
            account: None,
            id: format!("policy-{at}"),
            version: PolicyVersion::V2,
            kind: Some("access".into()),
            subject: Subject::User(user.to_owned()),
            roles: vec![Role::from_display_name("Viewer")].into(),
            roles_unresolved: None,
            resource: vec![ResourceAttribute {
                name: "accountId".into(),
                operator: Operator::StringEquals,
                value: AttributeValue::String("acct".into()),
            }].into(),
            tags: Box::default(),
            rule: None,
            state: Some("active".into()),
            parts: crate::model::PartOrigins::Placed(Box::new([Some(origin.key("subject")), None, None])),
            origin,
            declaration: None,
        }
    }

    fn check_with(policies: Vec<Policy>, params: &[(&str, u64)]) -> Vec<Finding> {
        let mut builder = InventoryBuilder::default();
        builder.collections().policies = true;
        for policy in policies {
            builder.add_policy(policy);
        }
        let inventory = builder.finish();
        let mut settings = Settings::only(&["policy-limit"]);
        let params: BTreeMap<String, serde_json::Value> = params
            .iter()
            .map(|(name, value)| ((*name).to_owned(), serde_json::Value::from(*value)))
            .collect();
        settings.params.insert("policy-limit".to_owned(), params);
        run(&inventory, &settings)
    }

    #[test]
    fn counts_the_account_across_subjects() {
        // 10 policies over 5 users: the account (limit 10) is at 100%, no user is near 1000.
        let policies = (0..10)
            .map(|at| policy(at, &format!("IBMid-{}", at % 5)))
            .collect();
        let findings = check_with(policies, &[("max_per_account", 10)]);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Medium);
        assert!(
            findings[0]
                .message
                .contains("10 access and authorization policies")
        );
        let policies = (0..11)
            .map(|at| policy(at, &format!("IBMid-{}", at % 5)))
            .collect();
        let findings = check_with(policies, &[("max_per_account", 10)]);
        assert_eq!(findings[0].severity, Severity::High);
    }

    #[test]
    fn deleted_policies_do_not_count() {
        let mut policies: Vec<Policy> = (0..3).map(|at| policy(at, "IBMid-1")).collect();
        policies[2].state = Some("deleted".into());
        let findings = check_with(policies, &[("max_per_subject", 2), ("warn_percent", 100)]);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Medium);
        assert_eq!(findings[0].status, Status::Fail);
    }
}
