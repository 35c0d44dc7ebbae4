//! Shared reasoning of the people and activity rules (`apikey-unused`,
//! `account-owner-apikey`, `user-mfa-missing`, `account-owner-mfa-missing`,
//! `user-inactive`): the subjects they name, what to export when a document is missing,
//! and when an identity last authenticated.

use super::apikeys::account_id;
use super::{Finding, RuleContext, Severity};
use crate::model::whole_days_between;
use crate::model::{
    AccountOwner, AuthnRecord, AuthnSource, AuthnSubject, EntityKind, EntityRef, Inventory,
    MfaEnrollment, Origin, Timestamp, User, parse_timestamp,
};

/// `curl` with an IAM token, for the export commands below.
const CURL: &str =
    "curl -H \"Authorization: $(ibmcloud iam oauth-tokens --output json | jq -r .iam_token)\"";

/// A document a rule needs, and how to get it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Needed {
    Users,
    Owner,
    ApiKeys,
    ActivityReport,
    /// The activity report, or API keys read with `include_activity=true`.
    KeyActivity,
    MfaReport,
}

impl Needed {
    /// What the document is, for messages.
    fn name(self) -> &'static str {
        match self {
            Self::Users => "no user list (User Management `GET /v2/accounts/{id}/users`)",
            Self::Owner => {
                "no account document naming the owner (Account Management \
                 `GET /v4/accounts/{id}`, `owner_iamid`)"
            }
            Self::ApiKeys => "no API key export (`{\"apikeys\": [...]}`)",
            Self::ActivityReport => {
                "no activity report (IAM Identity `GET /v1/activity/accounts/{id}/report/{reference}`)"
            }
            Self::KeyActivity => {
                "no activity report (IAM Identity `GET /v1/activity/accounts/{id}/report/{reference}`) \
                 and no API key read with `include_activity=true`"
            }
            Self::MfaReport => {
                "no MFA enrollment report (IAM Identity `GET /v1/mfa/accounts/{id}/report/{reference}`)"
            }
        }
    }

    /// How to export it.
    fn export(self, account: &str) -> String {
        match self {
            Self::Users => format!(
                "{CURL} 'https://user-management.cloud.ibm.com/v2/accounts/{account}/users' \
                 (every page, following `next_url`)"
            ),
            Self::Owner => format!("{CURL} 'https://accounts.cloud.ibm.com/v4/accounts/{account}'"),
            Self::ApiKeys => format!(
                "{CURL} 'https://iam.cloud.ibm.com/v1/apikeys?account_id={account}&scope=account&pagesize=100' \
                 (every page)"
            ),
            Self::ActivityReport | Self::KeyActivity => format!(
                "{CURL} -X POST 'https://iam.cloud.ibm.com/v1/activity/accounts/{account}/report?type=inactive&duration=720' \
                 (it answers a `reference`), then a few minutes later {CURL} \
                 'https://iam.cloud.ibm.com/v1/activity/accounts/{account}/report/<REFERENCE>'; \
                 or run `iamlint collect`"
            ),
            Self::MfaReport => format!(
                "{CURL} -X POST 'https://iam.cloud.ibm.com/v1/mfa/accounts/{account}/report?type=mfa_status' \
                 (it answers a `reference`), then {CURL} \
                 'https://iam.cloud.ibm.com/v1/mfa/accounts/{account}/report/<REFERENCE>'; \
                 or run `iamlint collect`"
            ),
        }
    }
}

/// The account's id: from the owner's account document, the MFA report or the users, else
/// any CRN (see `apikeys::account_id`).
pub(super) fn account_of(inventory: &Inventory) -> String {
    let people = &inventory.people;
    people
        .owners
        .iter()
        .filter_map(|owner| owner.account.as_deref())
        .chain(
            people
                .mfa
                .iter()
                .filter_map(|entry| entry.account.as_deref()),
        )
        .chain(
            people
                .users
                .iter()
                .filter_map(|user| user.account.as_deref()),
        )
        .map(str::to_owned)
        .next()
        .unwrap_or_else(|| account_id(inventory))
}

/// Whether the account has any input at all (an empty run has nothing to be unknown about).
fn anything(inventory: &Inventory) -> Option<Origin> {
    let people = &inventory.people;
    people
        .owners
        .first()
        .map(|owner| owner.origin.clone())
        .or_else(|| people.users.first().map(|user| user.origin.clone()))
        .or_else(|| people.user_lists.first().map(|list| list.origin.clone()))
        .or_else(|| {
            people
                .mfa_reports
                .first()
                .map(|report| report.origin.clone())
        })
        .or_else(|| {
            people
                .activity_reports
                .first()
                .map(|report| report.origin.clone())
        })
        .or_else(|| people.authns.first().map(|record| record.origin.clone()))
        // An exported entity before a declared one (see `posture::anchor`).
        .or_else(|| entity(inventory, true))
        .or_else(|| entity(inventory, false))
}

/// The first identity, policy, key, instance or group of the inputs (only an exported one
/// when `exported`).
fn entity(inventory: &Inventory, exported: bool) -> Option<Origin> {
    use super::posture::first;
    first(
        &inventory.api_keys,
        exported,
        |e| e.declaration.is_some(),
        |e| &e.origin,
    )
    .or_else(|| {
        first(
            &inventory.service_ids,
            exported,
            |e| e.declaration.is_some(),
            |e| &e.origin,
        )
    })
    .or_else(|| {
        first(
            &inventory.policies,
            exported,
            |e| e.declaration.is_some(),
            |e| &e.origin,
        )
    })
    .or_else(|| {
        first(
            &inventory.keys,
            exported,
            |e| e.declaration.is_some(),
            |e| &e.origin,
        )
    })
    .or_else(|| {
        first(
            &inventory.instances,
            exported,
            |e| e.declaration.is_some(),
            |e| &e.origin,
        )
    })
    .or_else(|| inventory.access_groups.first().map(|e| e.origin.clone()))
}

/// One `unknown` finding saying which documents are missing and how to export them, about
/// the account (`kind` and `what` name the subject: "users of account X"), anchored on the
/// first thing the account's inputs hold; nothing when they hold nothing.
pub(super) fn unknown_once(
    context: &RuleContext<'_>,
    out: &mut Vec<Finding>,
    kind: EntityKind,
    what: &str,
    missing: &[Needed],
    judged: &str,
) {
    let inventory = context.inventory;
    let Some(origin) = anything(inventory) else {
        return;
    };
    let account = account_of(inventory);
    // Named by the account, so the fingerprint does not depend on which entity comes first.
    let subject = EntityRef {
        account: None,
        kind,
        id: format!("{what} of account {account}"),
        name: None,
        origin: origin.clone(),
        address: None,
    };
    let names: Vec<&str> = missing.iter().map(|needed| needed.name()).collect();
    let exports: Vec<String> = missing
        .iter()
        .map(|needed| needed.export(&account))
        .collect();
    let label = if missing.len() == 1 {
        "document missing"
    } else {
        "documents missing"
    };
    context
        .finding(subject, origin, label)
        .severity(Severity::Info)
        .unknown()
        .message(format!(
            "{} was loaded, so {judged} cannot be checked{}",
            names.join(", and "),
            if unattributed_report(inventory) {
                " (an activity report names no account, and this one lists no identity of \
                 only one of the run's accounts: keep it in the directory of its account's \
                 exports)"
            } else {
                ""
            }
        ))
        .remediation(exports.join("\n"))
        .push(out);
}

/// Whether the inputs hold an activity report that no account could be found for: IAM
/// Identity's report has no `account_id`, so in a run of several accounts it is the
/// directory (or the identities it lists) that tells.
fn unattributed_report(inventory: &Inventory) -> bool {
    inventory
        .people
        .activity_reports
        .iter()
        .any(|report| report.account.is_none())
}

/// A user as findings name it.
pub(super) fn user_ref(user: &User) -> EntityRef {
    EntityRef {
        account: user.account.clone(),
        kind: EntityKind::User,
        id: user.iam_id.clone(),
        name: user.user_id.clone().or_else(|| user.email.clone()),
        origin: user.origin.clone(),
        address: None,
    }
}

/// The account owner as findings name it.
pub(super) fn owner_ref(owner: &AccountOwner) -> EntityRef {
    EntityRef {
        account: owner.account.clone(),
        kind: EntityKind::User,
        id: owner.iam_id.clone(),
        name: owner.name.clone(),
        origin: owner.origin.clone(),
        address: None,
    }
}

/// An API key known only from the activity report.
pub(super) fn reported_key_ref(record: &AuthnRecord) -> EntityRef {
    EntityRef {
        account: record.account.clone(),
        kind: EntityKind::ApiKey,
        id: record.id.clone(),
        name: record.name.clone(),
        origin: record.origin.clone(),
        address: None,
    }
}

/// A user known only from the MFA report.
pub(super) fn mfa_user_ref(entry: &MfaEnrollment) -> EntityRef {
    EntityRef {
        account: entry.account.clone(),
        kind: EntityKind::User,
        id: entry.iam_id.clone(),
        name: entry.username.clone().or_else(|| entry.email.clone()),
        origin: entry.origin.clone(),
        address: None,
    }
}

/// When an identity last authenticated, as far as the inputs tell.
#[derive(Debug, Clone)]
pub(super) enum LastAuthn<'a> {
    /// At this instant (`record` says where).
    At(Timestamp, &'a AuthnRecord),
    /// Never, as far as IAM recorded (`last_authn` absent, or `authn_count` 0).
    Never(&'a AuthnRecord),
    /// Not listed by an activity report that covers every authentication since `start`:
    /// it authenticated after then.
    Since(Timestamp),
    /// The inputs do not say.
    Unknown,
}

/// An identity's use against a limit of `days`, from its [`LastAuthn`] and its creation
/// (`user-inactive` and `apikey-unused` judge the same way and word it their own way).
#[derive(Debug)]
pub(super) enum Idle<'a> {
    /// Authenticated (or, never having authenticated, created) within the limit.
    No,
    /// Last authenticated `age` days before `as_of` (now, or the end of an activity report
    /// that ended more than a day ago), more than the limit.
    Since {
        time: Timestamp,
        age: i64,
        as_of: Option<Timestamp>,
        record: &'a AuthnRecord,
    },
    /// Never authenticated by `as_of`, and created `age` days before it, more than the
    /// limit.
    NeverSince {
        created: Timestamp,
        age: i64,
        as_of: Option<Timestamp>,
        record: &'a AuthnRecord,
    },
    /// Never authenticated, and its creation date is not known.
    NeverUndated,
    /// Not listed by an activity report that starts more than the limit ago.
    ReportTooOld(Timestamp),
    /// Idle within the limit when its activity report ended (at this instant), and the
    /// report is too old to tell what happened since.
    ReportEnded(Timestamp),
    /// The inputs do not say.
    Unknown,
}

/// The end of a record's activity report, when it ended more than a day before `now`: the
/// record says nothing of what happened after it. A report made for the run (`iamlint
/// collect`, or exported just before) is judged at `now`.
fn stale_end(record: &AuthnRecord, now: Timestamp) -> Option<Timestamp> {
    record
        .as_of_time()
        .filter(|end| whole_days_between(*end, now) > 1)
}

/// Judges `last` (and `created`, for an identity that never authenticated) at `now`.
pub(super) fn idle<'a>(
    last: LastAuthn<'a>,
    created: Option<Timestamp>,
    now: Timestamp,
    days: i64,
) -> Idle<'a> {
    // An identity created within the limit cannot have been idle for longer.
    if created.is_some_and(|created| whole_days_between(created, now) <= days) {
        return Idle::No;
    }
    match last {
        LastAuthn::At(time, record) => {
            if whole_days_between(time, now) <= days {
                return Idle::No;
            }
            let as_of = stale_end(record, now);
            match whole_days_between(time, as_of.unwrap_or(now)) {
                age if age > days => Idle::Since {
                    time,
                    age,
                    as_of,
                    record,
                },
                _ => as_of.map_or(Idle::Unknown, Idle::ReportEnded),
            }
        }
        LastAuthn::Never(record) => match created {
            Some(created) => {
                let as_of = stale_end(record, now);
                match whole_days_between(created, as_of.unwrap_or(now)) {
                    age if age > days => Idle::NeverSince {
                        created,
                        age,
                        as_of,
                        record,
                    },
                    _ => as_of.map_or(Idle::Unknown, Idle::ReportEnded),
                }
            }
            None => Idle::NeverUndated,
        },
        LastAuthn::Since(start) if whole_days_between(start, now) <= days => Idle::No,
        LastAuthn::Since(start) => Idle::ReportTooOld(start),
        LastAuthn::Unknown => Idle::Unknown,
    }
}

/// "ago", or "before the report ended" for an age counted to a stale report's end.
pub(super) fn before(as_of: Option<Timestamp>) -> &'static str {
    if as_of.is_some() {
        "before the report ended"
    } else {
        "ago"
    }
}

/// The `unknown` of a user-list rule whose list misses pages: the users on them are not
/// judged.
pub(super) fn missing_users(
    context: &RuleContext<'_>,
    out: &mut Vec<Finding>,
    held: usize,
    total: u64,
    origin: &Origin,
    judged: &str,
) {
    let account = account_of(context.inventory);
    let subject = EntityRef {
        account: None,
        kind: EntityKind::User,
        id: format!("users of account {account}"),
        name: None,
        origin: origin.clone(),
        address: None,
    };
    context
        .finding(subject, origin.clone(), "pages missing")
        .severity(Severity::Info)
        .unknown()
        .message(format!(
            "the user list holds {held} of the {total} users it counts (`total_results`), so \
             {judged} cannot be checked for the other {}",
            total.saturating_sub(u64::try_from(held).unwrap_or(u64::MAX))
        ))
        .remediation(Needed::Users.export(&account))
        .push(out);
}

/// Whether the inputs hold activity evidence for identities of this kind at all.
pub(super) fn has_activity(inventory: &Inventory, subject: AuthnSubject) -> bool {
    !inventory.people.activity_reports.is_empty()
        || inventory
            .people
            .authns
            .iter()
            .any(|record| record.subject == subject && record.source == AuthnSource::Entity)
}

/// The last authentication of identity `id` (`iam_id` of a user, `id` of an API key).
/// An entity's own `activity` wins over a report's item; an identity that an activity
/// report with a known start does not list authenticated after that start.
pub(super) fn last_authn<'a>(
    inventory: &'a Inventory,
    subject: AuthnSubject,
    id: &str,
) -> LastAuthn<'a> {
    let records = || {
        inventory
            .people
            .authns
            .iter()
            .filter(move |record| record.subject == subject && record.id == id)
    };
    let best = records()
        .find(|record| record.source == AuthnSource::Entity)
        .or_else(|| records().next());
    if let Some(record) = best {
        if let Some(time) = record.last_authn_time() {
            return LastAuthn::At(time, record);
        }
        // A `last_authn` that is not a timestamp says nothing.
        if record.last_authn.is_some() {
            return LastAuthn::Unknown;
        }
        if record.source == AuthnSource::Report || record.authn_count.is_none_or(|n| n == 0) {
            return LastAuthn::Never(record);
        }
        return LastAuthn::Unknown;
    }
    // Not listed: active since the start of the latest report with a start.
    let latest = inventory
        .people
        .activity_reports
        .iter()
        .filter_map(|report| Some((report.start_time()?, report)))
        .max_by_key(|(start, _)| *start);
    match latest {
        Some((start, _)) => LastAuthn::Since(start),
        None => LastAuthn::Unknown,
    }
}

/// Parses an optional IBM timestamp.
pub(super) fn instant(text: Option<&str>) -> Option<Timestamp> {
    text.and_then(parse_timestamp)
}
