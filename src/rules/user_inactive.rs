//! `user-inactive`: a user who can log in (`ACTIVE`, or `DISABLED_CLASSIC_INFRASTRUCTURE`)
//! and has not logged in for `days` (default 90), or never since being added that long ago
//! (CIS IBM Cloud Foundations 1.17).
//!
//! The users and their state come from the User Management user list; when they last
//! logged in from the IAM Identity activity report, which lists the users who did not log
//! in within its window (a user it does not list logged in after the report's start).
//! Ages are judged against `RuleContext::now`, or against the end of an activity report
//! that ended more than a day before it (what the report cannot see is unknown).

use super::people::{self, Idle, Needed};
use super::{Finding, RuleContext, Severity};
use crate::model::{AuthnSubject, EntityKind, utc_date};

/// `rules/user-inactive.yaml` gives the default.
pub(super) use super::params::Days as Params;

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if !inventory.collections.any() && !inventory.people.any() {
        return;
    }
    let people_data = &inventory.people;
    let mut missing = Vec::new();
    if people_data.user_lists.is_empty() {
        missing.push(Needed::Users);
    }
    if people_data.activity_reports.is_empty() {
        missing.push(Needed::ActivityReport);
    }
    let now = context.now;
    let judged = "when active users last logged in";
    if !missing.is_empty() || now.is_none() {
        let judged = if now.is_none() && missing.is_empty() {
            "how long ago users last logged in (no current time was given)"
        } else {
            judged
        };
        people::unknown_once(
            context,
            out,
            EntityKind::User,
            "logins of users",
            &missing,
            judged,
        );
        return;
    }
    let Some(now) = now else { return };
    let days = i64::try_from(params.days).unwrap_or(i64::MAX);
    let account = people::account_of(inventory);
    if let Some((held, total, origin)) = people_data.missing_users() {
        people::missing_users(context, out, held, total, origin, judged);
    }
    for user in people_data.users.iter().filter(|user| user.can_log_in()) {
        let subject = people::user_ref(user);
        let name = user.display_name();
        let fix = || {
            context
                .meta
                .fix_with(&[("USER_ID", name), ("ACCOUNT_ID", &account)])
        };
        let unknown = |why: String, out: &mut Vec<Finding>| {
            context
                .finding(subject.clone(), user.origin.clone(), "last login unknown")
                .severity(Severity::Info)
                .unknown()
                .message(format!(
                    "cannot tell when user `{name}` last logged in: {why}"
                ))
                .remediation(
                    "make a new activity report (`iamlint collect`, or POST then GET \
                     /v1/activity/accounts/{id}/report) and export the users with their \
                     `added_on`",
                )
                .push(out);
        };
        let last = people::last_authn(inventory, AuthnSubject::User, &user.iam_id);
        let added = people::instant(user.added_on.as_deref());
        match people::idle(last, added, now, days) {
            Idle::No => context.evaluated(subject),
            Idle::Since {
                time,
                age,
                as_of,
                record,
            } => context
                .finding(
                    subject.clone(),
                    record.origin.key("last_authn"),
                    format!(
                        "last login {} ({age} days {})",
                        utc_date(time),
                        people::before(as_of)
                    ),
                )
                .related(subject, user.origin.clone(), "the active user")
                .message(match as_of {
                    None => format!(
                        "user `{name}` ({}) is active and has not logged in for {age} days, \
                         more than {days}: remove the user if the access is no longer needed",
                        user.iam_id
                    ),
                    Some(end) => format!(
                        "user `{name}` ({}) is active and had not logged in for {age} days \
                         when the activity report ended ({}), more than {days}: remove the \
                         user if the access is no longer needed",
                        user.iam_id,
                        utc_date(end)
                    ),
                })
                .remediation(fix())
                .push(out),
            Idle::NeverSince {
                created,
                age,
                as_of,
                record,
            } => context
                .finding(
                    subject.clone(),
                    record.origin.clone(),
                    format!(
                        "never logged in; added {} ({age} days {})",
                        utc_date(created),
                        people::before(as_of)
                    ),
                )
                .related(subject, user.origin.clone(), "the active user")
                .message(match as_of {
                    None => format!(
                        "user `{name}` ({}) is active and has never logged in since being \
                         added {age} days ago, more than {days}: remove the user",
                        user.iam_id
                    ),
                    Some(end) => format!(
                        "user `{name}` ({}) is active and had never logged in when the \
                         activity report ended ({}), {age} days after being added, more than \
                         {days}: remove the user",
                        user.iam_id,
                        utc_date(end)
                    ),
                })
                .remediation(fix())
                .push(out),
            Idle::NeverUndated => unknown(
                "the activity report says never, and the user list has no `added_on`".to_owned(),
                out,
            ),
            Idle::ReportTooOld(start) => unknown(
                format!(
                    "the activity report starts {}, more than {days} days ago",
                    utc_date(start)
                ),
                out,
            ),
            Idle::ReportEnded(end) => unknown(
                format!(
                    "the activity report ended {}, and the user had logged in fewer than \
                     {days} days before then",
                    utc_date(end)
                ),
                out,
            ),
            Idle::Unknown => unknown(
                "the activity report's `last_authn` is not a timestamp".to_owned(),
                out,
            ),
        }
    }
}
