//! `apikey-unused`: an API key that has not authenticated for `days` (default 180), or
//! never since it was created that long ago (CIS IBM Cloud Foundations 1.2).
//!
//! The evidence is the key's own `activity` (read with `include_activity=true`) or the IAM
//! Identity activity report, which lists the identities that did not authenticate within
//! its window: a key it does not list authenticated after the report's start. Ages are
//! judged against `RuleContext::now`. Age since creation is `apikey-rotation`'s business;
//! this rule asks whether the key is used at all.

use std::collections::HashSet;

use super::people::{self, Idle, Needed};
use super::{Finding, FindingBuilder, RuleContext, Severity, apikeys};
use crate::model::{
    ApiKey, AuthnSubject, EntityKind, EntityRef, Origin, Timestamp, utc_date,
};

/// `rules/apikey-unused.yaml` gives the default.
pub(super) use super::params::Days as Params;

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if !inventory.collections.any() && !inventory.people.any() {
        // A plan alone says nothing about how keys are used.
        return;
    }
    if !people::has_activity(inventory, AuthnSubject::ApiKey) {
        people::unknown_once(
            context,
            out,
            EntityKind::ApiKey,
            "API key activity",
            &[Needed::KeyActivity],
            "when API keys last authenticated",
        );
        return;
    }
    let Some(now) = context.now else {
        people::unknown_once(
            context,
            out,
            EntityKind::ApiKey,
            "API key activity",
            &[],
            "how long ago API keys last authenticated (no current time was given)",
        );
        return;
    };
    let days = i64::try_from(params.days).unwrap_or(i64::MAX);
    for api_key in &inventory.api_keys {
        judge(context, out, now, days, &Key::Listed(api_key));
    }
    // Keys the activity report lists and the API key export does not (or none was loaded).
    let listed: HashSet<&str> = inventory.api_keys.iter().map(|k| k.id.as_str()).collect();
    let mut seen = HashSet::new();
    for record in &inventory.people.authns {
        if record.subject == AuthnSubject::ApiKey
            && !listed.contains(record.id.as_str())
            && seen.insert(record.id.as_str())
        {
            let subject = people::reported_key_ref(record);
            judge(
                context,
                out,
                now,
                days,
                &Key::Reported {
                    id: &record.id,
                    subject,
                    owner: record.owner.as_deref(),
                    owner_name: record.owner_name.as_deref(),
                },
            );
        }
    }
}

/// A key from the API key export, or known only from the activity report.
enum Key<'a> {
    Listed(&'a ApiKey),
    Reported {
        id: &'a str,
        subject: EntityRef,
        owner: Option<&'a str>,
        owner_name: Option<&'a str>,
    },
}

impl Key<'_> {
    fn id(&self) -> &str {
        match self {
            Self::Listed(api_key) => &api_key.id,
            Self::Reported { id, .. } => id,
        }
    }

    fn subject(&self) -> EntityRef {
        match self {
            Self::Listed(api_key) => EntityRef::api_key(api_key),
            Self::Reported { subject, .. } => subject.clone(),
        }
    }

    fn origin(&self) -> Origin {
        match self {
            Self::Listed(api_key) => api_key.origin.clone(),
            Self::Reported { subject, .. } => subject.origin.clone(),
        }
    }

    fn label(&self, context: &RuleContext<'_>) -> String {
        match self {
            Self::Listed(api_key) => format!(
                "API key `{}` of {}",
                api_key.display_name(),
                apikeys::owner_label(context.inventory, api_key)
            ),
            Self::Reported {
                subject,
                owner,
                owner_name,
                ..
            } => {
                let name = subject.name.as_deref().unwrap_or(&subject.id);
                let kind =
                    if owner.is_some_and(|owner| crate::model::service_id_core(owner).is_some()) {
                        "service ID"
                    } else {
                        "user"
                    };
                match (owner, owner_name) {
                    (Some(owner), Some(owner_name)) => {
                        format!("API key `{name}` of {kind} `{owner_name}` ({owner})")
                    }
                    (Some(owner), None) => format!("API key `{name}` of {kind} `{owner}`"),
                    _ => format!("API key `{name}`"),
                }
            }
        }
    }

    fn created(&self) -> Option<Timestamp> {
        match self {
            Self::Listed(api_key) => people::instant(api_key.created_at.as_deref()),
            Self::Reported { .. } => None,
        }
    }

    fn remediation(&self, context: &RuleContext<'_>) -> String {
        let service_id = match self {
            Self::Listed(api_key) => api_key.service_id().map(str::to_owned),
            Self::Reported { owner, .. } => owner
                .and_then(crate::model::service_id_core)
                .map(str::to_owned),
        };
        match service_id {
            Some(core) => format!("ibmcloud iam service-api-key-delete {} {core}", self.id()),
            None => context.meta.fix_with(&[("APIKEY_ID", self.id())]),
        }
    }
}

fn judge(
    context: &RuleContext<'_>,
    out: &mut Vec<Finding>,
    now: Timestamp,
    days: i64,
    key: &Key<'_>,
) {
    let inventory = context.inventory;
    let unknown = |why: String, export: String, out: &mut Vec<Finding>| {
        context
            .finding(key.subject(), key.origin(), "use unknown")
            .severity(Severity::Info)
            .unknown()
            .message(format!(
                "cannot tell whether {} is used: {why}",
                key.label(context)
            ))
            .remediation(export)
            .push(out);
    };
    let account = people::account_of(inventory);
    let last = people::last_authn(inventory, AuthnSubject::ApiKey, key.id());
    match people::idle(last, key.created(), now, days) {
        Idle::No => context.evaluated(key.subject()),
        Idle::Since {
            time,
            age,
            as_of,
            record,
        } => relate(
            context.finding(
                key.subject(),
                record.origin.key("last_authn"),
                format!(
                    "last authenticated {} ({age} days {})",
                    utc_date(time),
                    people::before(as_of)
                ),
            ),
            key,
        )
        .message(match as_of {
            None => format!(
                "{} has not authenticated for {age} days, more than {days}: delete it if \
                 nothing uses it",
                key.label(context)
            ),
            Some(end) => format!(
                "{} had not authenticated for {age} days when the activity report ended \
                 ({}), more than {days}: delete it if nothing uses it",
                key.label(context),
                utc_date(end)
            ),
        })
        .remediation(key.remediation(context))
        .push(out),
        Idle::NeverSince {
            created,
            age,
            as_of,
            record,
        } => relate(
            context.finding(
                key.subject(),
                record.origin.clone(),
                format!(
                    "never authenticated; created {} ({age} days {})",
                    utc_date(created),
                    people::before(as_of)
                ),
            ),
            key,
        )
        .message(match as_of {
            None => format!(
                "{} has never authenticated since it was created {age} days ago, more \
                 than {days}: delete it",
                key.label(context)
            ),
            Some(end) => format!(
                "{} had never authenticated when the activity report ended ({}), {age} \
                 days after it was created, more than {days}: delete it",
                key.label(context),
                utc_date(end)
            ),
        })
        .remediation(key.remediation(context))
        .push(out),
        Idle::NeverUndated => unknown(
            "it never authenticated, and its creation date is not known".to_owned(),
            format!(
                "export the API keys with their `created_at`: {}",
                apikeys::EXPORT_API_KEYS.replace("<ACCOUNT_ID>", &account)
            ),
            out,
        ),
        Idle::ReportTooOld(start) => unknown(
            format!(
                "the activity report starts {}, more than {days} days ago",
                utc_date(start)
            ),
            "make a new activity report: ".to_owned() + &people_export(&account),
            out,
        ),
        Idle::ReportEnded(end) => unknown(
            format!(
                "the activity report ended {}, and it had authenticated fewer than {days} \
                 days before then",
                utc_date(end)
            ),
            "make a new activity report: ".to_owned() + &people_export(&account),
            out,
        ),
        Idle::Unknown => unknown(
            "the inputs hold no activity for it".to_owned(),
            people_export(&account),
            out,
        ),
    }
}

/// Points at the key in the API key export too, when the evidence is elsewhere.
fn relate(finding: FindingBuilder, key: &Key<'_>) -> FindingBuilder {
    match key {
        Key::Listed(api_key) => finding.related(
            EntityRef::api_key(api_key),
            api_key.origin.clone(),
            "the key",
        ),
        Key::Reported { .. } => finding,
    }
}

fn people_export(account: &str) -> String {
    format!(
        "curl -H \"Authorization: $(ibmcloud iam oauth-tokens --output json | jq -r .iam_token)\" \
         -X POST 'https://iam.cloud.ibm.com/v1/activity/accounts/{account}/report?type=inactive&duration=720', \
         then GET the report by its reference; or read each key with \
         'https://iam.cloud.ibm.com/v1/apikeys/<APIKEY_ID>?include_activity=true'"
    )
}
