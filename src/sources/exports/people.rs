//! The documents about an account's people and activity: User Management users, the
//! Account Management and Enterprise Management account (its owner), and the IAM Identity
//! activity and MFA enrollment reports. Each is read whole through `serde_json::Value`
//! (the fast path leaves them alone): they are one per account, not long lists.
//!
//! Shapes (IBM/platform-services-go-sdk): `usermanagementv1` `UserList {total_results,
//! limit, first_url, next_url, resources: [UserProfile]}`; `accountmanagementv4`
//! `AccountResponse {id, owner, owner_userid, owner_iamid, ...}`; `enterprisemanagementv1`
//! `Account {id, crn, owner_iam_id, owner_email, ...}` and `ListAccountsResponse
//! {rows_count, next_url, resources}`; `iamidentityv1` `Report {created_by, reference,
//! report_duration, report_start_time, report_end_time, users, apikeys, serviceids,
//! profiles}` and `ReportMfaEnrollmentStatus {created_by, reference, report_time,
//! account_id, ims_account_id, users}`.
//!
//! Over 400 lines: four document kinds, each a short loader, share the account and report
//! helpers here; splitting them would scatter those helpers.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::catalogue::DocumentKind;
use super::has_any;
use super::{Sink, present, typed};
use crate::model::{
    AccountOwner, AuthnRecord, AuthnSource, AuthnSubject, MfaEnrollment, Origin, Pointer, Report,
    User, UserList,
};

/// The lists of an activity report, with the kind of identity each holds.
const ACTIVITY_LISTS: [(&str, AuthnSubject); 4] = [
    ("users", AuthnSubject::User),
    ("apikeys", AuthnSubject::ApiKey),
    ("serviceids", AuthnSubject::ServiceId),
    ("profiles", AuthnSubject::Profile),
];

fn first_item<'a>(object: &'a Map<String, Value>, member: &str) -> Option<&'a Map<String, Value>> {
    object
        .get(member)?
        .as_array()?
        .first()
        .and_then(Value::as_object)
}

fn is_text(object: &Map<String, Value>, member: &str) -> bool {
    object.get(member).is_some_and(Value::is_string)
}

/// Which of these documents `object` is, by the members its SDK model requires.
pub(super) fn detect(object: &Map<String, Value>) -> Option<DocumentKind> {
    let reference = is_text(object, "reference");
    if reference
        && has_any(
            object,
            &["report_duration", "report_start_time", "report_end_time"],
        )
    {
        return Some(DocumentKind::ActivityReport);
    }
    if reference && object.contains_key("report_time") {
        return Some(DocumentKind::MfaReport);
    }
    // The lists of a report cut out of it: their items carry `last_authn` at the top (an
    // entity record has it, if at all, under `activity`), or a user's MFA.
    if ACTIVITY_LISTS.iter().any(|(member, _)| {
        first_item(object, member).is_some_and(|first| first.contains_key("last_authn"))
    }) {
        return Some(DocumentKind::ActivityReport);
    }
    if first_item(object, "users").is_some_and(|first| {
        has_any(
            first,
            &["effective_mfa_type", "id_based_mfa", "enrollments"],
        )
    }) {
        return Some(DocumentKind::MfaReport);
    }
    if is_text(object, "owner_iamid") && object.contains_key("id") {
        return Some(DocumentKind::Account);
    }
    if is_text(object, "owner_iam_id") && object.contains_key("id") {
        return Some(DocumentKind::EnterpriseAccounts);
    }
    match object.get("resources").and_then(Value::as_array) {
        Some(items) => match items.first().and_then(Value::as_object) {
            Some(first) if is_text(first, "owner_iam_id") => Some(DocumentKind::EnterpriseAccounts),
            Some(first)
                if is_text(first, "iam_id")
                    && has_any(first, &["user_id", "realm", "state"])
                    && !first.contains_key("crn") =>
            {
                Some(DocumentKind::Users)
            }
            None if object.contains_key("total_results") && !object.contains_key("rows_count") => {
                Some(DocumentKind::Users)
            }
            _ => None,
        },
        None => None,
    }
}

/// iamlint's convenience bundle of one account's people documents: an object of two or
/// more members, each a whole document of [`detect`]'s kinds (`{"account": {...},
/// "mfa_report": {...}}`), so that one file can hold what a rule needs.
pub(super) fn is_bundle(object: &Map<String, Value>) -> bool {
    object.len() >= 2
        && object
            .values()
            .all(|member| member.as_object().and_then(detect).is_some())
}

/// Loads every document of a bundle, each at its member's pointer.
pub(super) fn ingest_bundle(value: &Value, sink: &mut Sink<'_>) {
    let Some(object) = value.as_object() else {
        return;
    };
    for (name, member) in object {
        if let Some(kind) = member.as_object().and_then(detect) {
            ingest_at(kind, member, &Pointer::root().key(name), sink);
        }
    }
}

pub(super) fn ingest(kind: DocumentKind, value: &Value, sink: &mut Sink<'_>) {
    ingest_at(kind, value, &Pointer::root(), sink);
}

fn ingest_at(kind: DocumentKind, value: &Value, root: &Pointer, sink: &mut Sink<'_>) {
    let root = root.clone();
    match kind {
        DocumentKind::Users => users(value, &root, sink),
        DocumentKind::Account => account(value, &root, sink),
        DocumentKind::EnterpriseAccounts => enterprise_accounts(value, &root, sink),
        DocumentKind::ActivityReport => activity_report(value, &root, sink),
        DocumentKind::MfaReport => mfa_report(value, &root, sink),
        _ => {}
    }
}

/// Runs `each` on every item of list `member`; a problem names the item's member.
fn each_item(
    value: &Value,
    member: &str,
    root: &Pointer,
    sink: &mut Sink<'_>,
    mut each: impl FnMut(&Value, &Pointer, &mut Sink<'_>) -> Result<(), (Pointer, String)>,
) {
    let Some(items) = value.get(member).and_then(Value::as_array) else {
        return;
    };
    let list = root.key(member);
    for (at, item) in items.iter().enumerate() {
        if let Err(problem) = each(item, &list.index(at), sink) {
            sink.errors.push(problem);
        }
    }
}

#[derive(Deserialize)]
struct UserDto {
    iam_id: Option<String>,
    user_id: Option<String>,
    email: Option<String>,
    state: Option<String>,
    account_id: Option<String>,
    added_on: Option<String>,
}

fn users(value: &Value, root: &Pointer, sink: &mut Sink<'_>) {
    let origin = sink.origin(root);
    sink.builder.people().user_lists.push(UserList {
        total: value.get("total_results").and_then(Value::as_u64),
        account: None,
        origin,
    });
    each_item(value, "resources", root, sink, |item, pointer, sink| {
        let dto: UserDto = typed(item, pointer)?;
        let iam_id = present(dto.iam_id).ok_or_else(|| {
            (
                pointer.clone(),
                "expected a user with an `iam_id` (`IBMid-...`)".to_owned(),
            )
        })?;
        let origin = sink.origin(pointer);
        sink.builder.people().users.push(User {
            iam_id,
            user_id: present(dto.user_id),
            email: present(dto.email),
            state: present(dto.state),
            added_on: present(dto.added_on),
            account: present(dto.account_id)
                .as_deref()
                .map(crate::model::intern_cached),
            origin,
        });
        Ok(())
    });
}

#[derive(Deserialize)]
struct AccountDto {
    id: Option<String>,
    owner_iamid: Option<String>,
    owner_userid: Option<String>,
    owner: Option<String>,
}

fn account(value: &Value, root: &Pointer, sink: &mut Sink<'_>) {
    let dto: AccountDto = match typed(value, root) {
        Ok(dto) => dto,
        Err(problem) => return sink.errors.push(problem),
    };
    push_owner(
        dto.id,
        dto.owner_iamid,
        dto.owner_userid.or(dto.owner),
        root.key("owner_iamid"),
        sink,
    );
}

#[derive(Deserialize)]
struct EnterpriseAccountDto {
    id: Option<String>,
    owner_iam_id: Option<String>,
    owner_email: Option<String>,
}

fn enterprise_accounts(value: &Value, root: &Pointer, sink: &mut Sink<'_>) {
    let one = |value: &Value, pointer: &Pointer, sink: &mut Sink<'_>| {
        let dto: EnterpriseAccountDto = typed(value, pointer)?;
        push_owner(
            dto.id,
            dto.owner_iam_id,
            dto.owner_email,
            pointer.key("owner_iam_id"),
            sink,
        );
        Ok(())
    };
    if value.get("resources").is_some_and(Value::is_array) {
        each_item(value, "resources", root, sink, one);
    } else if let Err(problem) = one(value, root, sink) {
        sink.errors.push(problem);
    }
}

fn push_owner(
    account_id: Option<String>,
    iam_id: Option<String>,
    name: Option<String>,
    at: Pointer,
    sink: &mut Sink<'_>,
) {
    let Some(iam_id) = present(iam_id) else {
        sink.errors
            .push((at, "expected the owner's IAM ID (`IBMid-...`)".to_owned()));
        return;
    };
    let account_id = present(account_id);
    let origin = sink.origin(&at);
    sink.builder.people().owners.push(AccountOwner {
        account: account_id.as_deref().map(crate::model::intern_cached),
        account_id,
        iam_id,
        name: present(name),
        origin,
    });
}

#[derive(Deserialize)]
struct ReportDto {
    reference: Option<String>,
    created_by: Option<String>,
    report_start_time: Option<String>,
    report_end_time: Option<String>,
    report_time: Option<String>,
    account_id: Option<String>,
}

/// The header of a report; `None` (and an error) when its members have the wrong types.
fn header(value: &Value, root: &Pointer, sink: &mut Sink<'_>, mfa: bool) -> Option<Report> {
    // Only the header members: the lists are read item by item.
    let header: Map<String, Value> = value
        .as_object()?
        .iter()
        .filter(|(_, member)| !member.is_array())
        .map(|(name, member)| (name.clone(), member.clone()))
        .collect();
    let dto: ReportDto = match typed(&Value::Object(header), root) {
        Ok(dto) => dto,
        Err(problem) => {
            sink.errors.push(problem);
            return None;
        }
    };
    Some(Report {
        reference: present(dto.reference),
        created_by: present(dto.created_by),
        start: if mfa {
            None
        } else {
            present(dto.report_start_time)
        },
        end: if mfa {
            present(dto.report_time)
        } else {
            present(dto.report_end_time)
        },
        account: present(dto.account_id)
            .as_deref()
            .map(crate::model::intern_cached),
        origin: sink.origin(root),
    })
}

#[derive(Deserialize)]
struct OwnerDto {
    id: Option<String>,
    iam_id: Option<String>,
    name: Option<String>,
    username: Option<String>,
}

#[derive(Deserialize)]
struct ActivityItemDto {
    id: Option<String>,
    iam_id: Option<String>,
    name: Option<String>,
    username: Option<String>,
    last_authn: Option<String>,
    serviceid: Option<OwnerDto>,
    user: Option<OwnerDto>,
}

fn activity_report(value: &Value, root: &Pointer, sink: &mut Sink<'_>) {
    let Some(report) = header(value, root, sink, false) else {
        return;
    };
    let as_of = report.end.clone();
    sink.builder.people().activity_reports.push(report);
    for (member, subject) in ACTIVITY_LISTS {
        each_item(value, member, root, sink, |item, pointer, sink| {
            let dto: ActivityItemDto = typed(item, pointer)?;
            let id = match subject {
                AuthnSubject::User => present(dto.iam_id),
                _ => present(dto.id),
            };
            let id = id.ok_or_else(|| {
                let wanted = if subject == AuthnSubject::User {
                    "iam_id"
                } else {
                    "id"
                };
                (
                    pointer.clone(),
                    format!("expected an item with an `{wanted}`"),
                )
            })?;
            let (owner, owner_name) = match (dto.user, dto.serviceid) {
                (Some(user), _) => (
                    present(user.iam_id),
                    present(user.username).or(present(user.name)),
                ),
                (None, Some(service_id)) => (present(service_id.id), present(service_id.name)),
                (None, None) => (None, None),
            };
            let origin = sink.origin(pointer);
            sink.builder.people().authns.push(AuthnRecord {
                subject,
                id,
                name: present(dto.name).or(present(dto.username)),
                owner,
                owner_name,
                last_authn: present(dto.last_authn),
                authn_count: None,
                source: AuthnSource::Report,
                as_of: as_of.clone(),
                account: None,
                origin,
            });
            Ok(())
        });
    }
}

#[derive(Deserialize)]
struct IdBasedDto {
    trait_effective: Option<String>,
    complies: Option<bool>,
}

#[derive(Deserialize)]
struct FactorDto {
    enrolled: Option<bool>,
}

#[derive(Deserialize)]
struct AccountBasedDto {
    security_questions: Option<FactorDto>,
    totp: Option<FactorDto>,
    verisign: Option<FactorDto>,
    complies: Option<bool>,
}

#[derive(Deserialize)]
struct EnrollmentsDto {
    effective_mfa_type: Option<String>,
    id_based_mfa: Option<IdBasedDto>,
    account_based_mfa: Option<AccountBasedDto>,
}

#[derive(Deserialize)]
struct MfaUserDto {
    iam_id: Option<String>,
    username: Option<String>,
    email: Option<String>,
    /// Since 2026 the enrollment members sit on the user itself...
    #[serde(flatten)]
    direct: EnrollmentsDto,
    /// ...before, under `enrollments`.
    enrollments: Option<EnrollmentsDto>,
}

fn mfa_report(value: &Value, root: &Pointer, sink: &mut Sink<'_>) {
    let Some(report) = header(value, root, sink, true) else {
        return;
    };
    let account = report.account.clone();
    sink.builder.people().mfa_reports.push(report);
    each_item(value, "users", root, sink, |item, pointer, sink| {
        let dto: MfaUserDto = typed(item, pointer)?;
        let iam_id = present(dto.iam_id).ok_or_else(|| {
            (
                pointer.clone(),
                "expected a user with an `iam_id`".to_owned(),
            )
        })?;
        let (enrollments, base) = match dto.enrollments {
            Some(nested) if dto.direct.effective_mfa_type.is_none() => {
                (nested, pointer.key("enrollments"))
            }
            _ => (dto.direct, pointer.clone()),
        };
        let effective = present(enrollments.effective_mfa_type);
        let account_based = effective.as_deref() == Some("account_based_mfa");
        let id_based = enrollments.id_based_mfa;
        let by_account = enrollments.account_based_mfa;
        let complies = if account_based {
            by_account.as_ref().and_then(|factors| factors.complies)
        } else {
            id_based.as_ref().and_then(|mfa| mfa.complies)
        };
        let account_factors = by_account
            .map(|factors| {
                [
                    ("security_questions", factors.security_questions),
                    ("totp", factors.totp),
                    ("verisign", factors.verisign),
                ]
                .into_iter()
                .filter(|(_, factor)| factor.as_ref().and_then(|f| f.enrolled) == Some(true))
                .map(|(name, _)| name.to_owned())
                .collect()
            })
            .unwrap_or_default();
        let origin: Origin = sink.origin(pointer);
        let (level, complies_at) = if account_based {
            (
                base.key("effective_mfa_type"),
                base.key("account_based_mfa").key("complies"),
            )
        } else {
            let id_based = base.key("id_based_mfa");
            (id_based.key("trait_effective"), id_based.key("complies"))
        };
        let level_origin = sink.origin(&level);
        let complies_origin = sink.origin(&complies_at);
        sink.builder.people().mfa.push(MfaEnrollment {
            iam_id,
            username: present(dto.username),
            email: present(dto.email),
            effective_mfa_type: effective,
            trait_effective: id_based.and_then(|mfa| present(mfa.trait_effective)),
            complies,
            account_factors,
            account: account.clone(),
            origin,
            level_origin,
            complies_origin,
        });
        Ok(())
    });
}

/// The `activity` member of an API key or service ID read with `include_activity=true`.
#[derive(Deserialize)]
pub(super) struct EntityActivityDto {
    last_authn: Option<String>,
    authn_count: Option<u64>,
}

/// Records an entity's own `activity`.
pub(super) fn entity_activity(
    activity: EntityActivityDto,
    subject: AuthnSubject,
    id: &str,
    name: Option<String>,
    pointer: &Pointer,
    sink: &mut Sink<'_>,
) {
    let origin = sink.origin(&pointer.key("activity"));
    sink.builder.people().authns.push(AuthnRecord {
        subject,
        id: id.to_owned(),
        name,
        owner: None,
        owner_name: None,
        last_authn: present(activity.last_authn),
        authn_count: activity.authn_count,
        source: AuthnSource::Entity,
        as_of: None,
        account: None,
        origin,
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kind(value: Value) -> Option<DocumentKind> {
        value.as_object().and_then(detect)
    }

    #[test]
    fn recognises_each_document_by_its_required_members() {
        assert_eq!(
            kind(json!({"total_results": 1, "limit": 100, "resources": [
                {"id": "u1", "iam_id": "IBMid-1", "realm": "IBMid", "user_id": "a@b", "state": "ACTIVE"}
            ]})),
            Some(DocumentKind::Users)
        );
        assert_eq!(
            kind(json!({"total_results": 0, "limit": 100, "resources": []})),
            Some(DocumentKind::Users)
        );
        // A Resource Controller list is not a user list, even empty.
        assert_eq!(kind(json!({"rows_count": 0, "resources": []})), None);
        assert_eq!(
            kind(json!({"id": "a", "owner_iamid": "IBMid-1", "owner_userid": "o@x"})),
            Some(DocumentKind::Account)
        );
        assert_eq!(
            kind(json!({"rows_count": 1, "resources": [{"id": "a", "owner_iam_id": "IBMid-1"}]})),
            Some(DocumentKind::EnterpriseAccounts)
        );
        assert_eq!(
            kind(json!({"users": [{"iam_id": "IBMid-1", "username": "u", "enrollments": {}}]})),
            Some(DocumentKind::MfaReport)
        );
        // A user list of another shape stays unrecognised here.
        assert_eq!(kind(json!({"users": [{"iam_id": "IBMid-1"}]})), None);
    }

    #[test]
    fn a_bundle_holds_only_people_documents() {
        let account = json!({"id": "a", "owner_iamid": "IBMid-1"});
        let mfa = json!({"reference": "r", "report_time": "t", "users": []});
        let bundle = json!({"account": account, "mfa_report": mfa});
        assert!(bundle.as_object().is_some_and(is_bundle));
        let mixed = json!({"account": account, "other": {"x": 1}});
        assert!(!mixed.as_object().is_some_and(is_bundle));
        assert!(
            !json!({"account": account})
                .as_object()
                .is_some_and(is_bundle)
        );
    }
}
