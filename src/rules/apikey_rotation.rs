//! `apikey-rotation`: an API key of a user or service ID older than `max_age_days`
//! (CIS IBM Cloud Foundations 1.3).
//!
//! Ages are measured against `RuleContext::now`, never the wall clock, so the rule stays
//! pure. A key whose age cannot be told (no or unparseable `created_at`, or no current time
//! given) is reported as `unknown`, not passed.

use serde::Deserialize;

use super::apikeys;
use super::{Finding, RuleContext, Severity};
use crate::model::{EntityRef, parse_timestamp, utc_date, whole_days_between};

/// `rules/apikey-rotation.yaml` gives the default.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    max_age_days: u64,
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if let Some(missing) = apikeys::missing_export(context, "the ages of API keys") {
        missing.push(out);
        return;
    }
    let max_age = i64::try_from(params.max_age_days).unwrap_or(i64::MAX);
    let pairs = context.key_pairs();
    for api_key in &inventory.api_keys {
        // The owner's label and the `created_at` place are only for findings: most keys pass.
        let owner = || apikeys::owner_label(inventory, api_key);
        let name = api_key.display_name();
        let created_origin = || api_key.origin.key("created_at");
        let unknown = |origin, why: String, export: String| {
            context
                .finding(EntityRef::api_key(api_key), origin, "age unknown")
                .severity(Severity::Info)
                .unknown()
                .message(format!(
                    "cannot tell the age of API key `{name}` of {}: {why}",
                    owner()
                ))
                .remediation(export)
        };
        let created = match api_key.created_at.as_deref() {
            None => {
                unknown(
                    api_key.origin.clone(),
                    "the export has no `created_at` for it".to_owned(),
                    apikeys::EXPORT_API_KEYS
                        .replace("<ACCOUNT_ID>", &apikeys::account_id(inventory)),
                )
                .push(out);
                continue;
            }
            Some(text) => match parse_timestamp(text) {
                Some(created) => created,
                None => {
                    unknown(
                        created_origin(),
                        format!("its `created_at` `{text}` is not a timestamp with a UTC offset"),
                        apikeys::EXPORT_API_KEYS
                            .replace("<ACCOUNT_ID>", &apikeys::account_id(inventory)),
                    )
                    .push(out);
                    continue;
                }
            },
        };
        let Some(now) = context.now else {
            unknown(
                created_origin(),
                "no current time was given to measure it against".to_owned(),
                "run `iamlint check`, which measures ages against the current time (library \
                 callers set `rules::Settings::now`)"
                    .to_owned(),
            )
            .push(out);
            continue;
        };
        // The age is known: the key is judged, whatever the verdict.
        context.evaluated_entity(api_key);
        let age = whole_days_between(created, now);
        if age <= max_age {
            continue;
        }
        // A resource key's API key is rotated by replacing the resource key.
        let remediation = match (
            pairs.by_api_key.get(api_key.id.as_str()),
            api_key.service_id(),
        ) {
            (Some(key), _) => format!(
                "ibmcloud resource service-key-create <NEW_KEY_NAME> <ROLE> --instance-id {}\n\
                 # move every consumer to the new key, then:\n\
                 ibmcloud resource service-key-delete {}",
                key.source_crn.as_deref().unwrap_or("<INSTANCE_ID>"),
                key.crn,
            ),
            (None, Some(core)) => context
                .meta
                .fix_with(&[("SERVICE_ID", core), ("APIKEY_ID", &api_key.id)]),
            (None, None) => format!(
                "ibmcloud iam api-key-create <NEW_KEY_NAME> --file <FILE>\n\
                 # move every consumer to the new key, then:\n\
                 ibmcloud iam api-key-delete {}",
                api_key.id
            ),
        };
        context
            .finding(
                EntityRef::api_key(api_key),
                created_origin(),
                format!("created {} ({age} days ago)", utc_date(created)),
            )
            .message(format!(
                "API key `{name}` of {} is {age} days old, older than {max_age} days: rotate it",
                owner()
            ))
            .remediation(remediation)
            .push(out);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{ApiKey, DocId, InventoryBuilder, Origin, Pointer, parse_timestamp};
    use crate::rules::{Settings, Severity, Status, run};

    fn inventory(created_at: &str) -> crate::model::Inventory {
        let mut builder = InventoryBuilder::default();
        builder.collections().api_keys = true;
        builder.add_api_key(ApiKey {
            account: None,
            id: "ApiKey-1".to_owned(),
            name: Some("ci".into()),
            description: None,
            iam_id: Some("iam-ServiceId-1".into()),
            crn: None,
            created_at: Some(created_at.into()),
            expires_at: None,
            action_when_leaked: Some("disable".into()),
            locked: None,
            disabled: None,
            origin: Origin::new(DocId(0), Pointer::root().key("apikeys").index(0)),
            declaration: None,
        });
        builder.finish()
    }

    #[test]
    fn without_a_clock_every_age_is_unknown() {
        let findings = run(
            &inventory("2020-01-01T00:00+0000"),
            &Settings::only(&["apikey-rotation"]),
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Unknown);
        assert_eq!(findings[0].severity, Severity::Info);
    }

    #[test]
    fn reports_after_max_age_whole_days() {
        let settings = |now: &str| Settings {
            now: parse_timestamp(now),
            ..Settings::only(&["apikey-rotation"])
        };
        let created = "2025-01-01T00:00+0000";
        assert!(run(&inventory(created), &settings("2025-04-01T23:59:59Z")).is_empty());
        let findings = run(&inventory(created), &settings("2025-04-02T00:00:00Z"));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Fail);
        assert!(findings[0].message.contains("91 days old"));
    }
}
