//! The people and activity documents: several accounts in one run, both MFA report shapes,
//! and the reports' semantics (an activity report lists who did NOT authenticate).

use iamlint::rules::{Settings, Status};

use crate::common::{self, TempDir};

const ACCOUNT_A: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const ACCOUNT_B: &str = "b2c3d4e5f60718293a4b5c6d7e8f90a1";

/// An Account Management account and an MFA report of account B whose owner uses TOTP.
fn account_b(dir: &TempDir) {
    let account = serde_json::json!({
        "name": "B", "id": ACCOUNT_B, "owner": "bea@example.com",
        "owner_userid": "bea@example.com", "owner_iamid": "IBMid-BBB0000001",
        "type": "PAYG", "status": "ACTIVE"
    });
    let mfa = serde_json::json!({
        "created_by": "IBMid-BBB0000001", "reference": "r-b", "report_time": "2025-06-29T08:05+0000",
        "account_id": ACCOUNT_B,
        "users": [{
            "iam_id": "IBMid-BBB0000001", "username": "bea@example.com",
            "effective_mfa_type": "id_based_mfa",
            "id_based_mfa": {"trait_account_default": "TOTP", "trait_effective": "TOTP", "complies": true},
            "account_based_mfa": {
                "security_questions": {"required": false, "enrolled": false},
                "totp": {"required": false, "enrolled": false},
                "verisign": {"required": false, "enrolled": false},
                "complies": true
            }
        }]
    });
    let b = dir.0.join("b");
    std::fs::create_dir_all(&b).expect("test setup");
    std::fs::write(b.join("account.json"), account.to_string()).expect("test setup");
    std::fs::write(b.join("mfa_report.json"), mfa.to_string()).expect("test setup");
}

#[test]
fn each_account_is_judged_by_its_own_owner_and_report() {
    let dir = TempDir::new("people-two-accounts");
    account_b(&dir);
    let b = dir.0.join("b");
    let checked = common::check(
        &[
            "fixtures/rules/account-owner-mfa-missing/bad-owner-no-mfa.json",
            b.to_str().expect("test setup"),
        ],
        &Settings::only(&["account-owner-mfa-missing"]),
    );
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let findings: Vec<_> = checked
        .findings
        .iter()
        .map(|finding| {
            (
                finding.status,
                finding.subject.id.as_str(),
                finding.subject.account.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [(Status::Fail, "IBMid-270001AB2C", Some(ACCOUNT_A))],
        "account B's owner uses TOTP and is judged with B's report"
    );
    let passed: Vec<_> = checked
        .evaluated
        .iter()
        .filter_map(|seen| seen.subject.view(&checked.loaded.inventory))
        .map(|subject| (subject.id, subject.account))
        .collect();
    assert!(
        passed.contains(&("IBMid-BBB0000001", Some(ACCOUNT_B))),
        "{passed:?}"
    );
}

#[test]
fn the_older_mfa_report_shape_reads_like_the_current_one() {
    let older = common::check(
        &["fixtures/rules/user-mfa-missing/bad-enrollments-compact.json"],
        &Settings::only(&["user-mfa-missing"]),
    );
    let people = &older.loaded.inventory.people;
    assert_eq!(people.mfa.len(), 2);
    assert_eq!(
        people.mfa[0].trait_effective.as_deref(),
        Some("NONE_NO_ROPC")
    );
    assert_eq!(people.mfa[0].is_none(), Some(true));
    assert_eq!(people.mfa[1].is_none(), Some(false));
    assert_eq!(
        people.mfa[0].level_origin.pointer.as_str(),
        "/users/0/enrollments/id_based_mfa/trait_effective"
    );
}

#[test]
fn an_identity_the_activity_report_does_not_list_was_active_in_its_window() {
    // Sam is in the users list and not in the report: logged in since 2025-05-30, a pass;
    // with a report that started more than 90 days before the check, that says nothing.
    let checked = common::check(
        &["fixtures/rules/user-inactive/good-recent-logins.yaml"],
        &Settings::only(&["user-inactive"]),
    );
    assert!(checked.findings.is_empty());
    let later = Settings {
        now: "2025-12-01T00:00:00Z".parse().ok(),
        ..Settings::only(&["user-inactive"])
    };
    let checked = common::check(
        &["fixtures/rules/user-inactive/good-recent-logins.yaml"],
        &later,
    );
    assert_eq!(checked.findings.len(), 1);
    assert_eq!(checked.findings[0].status, Status::Unknown);
    assert!(
        checked.findings[0]
            .message
            .contains("more than 90 days ago")
    );
}

#[test]
fn a_plan_alone_gets_no_people_unknowns() {
    let checked = common::check(
        &["fixtures/terraform/plan-modules.min.json"],
        &Settings::default(),
    );
    for rule in [
        "apikey-unused",
        "account-owner-apikey",
        "user-mfa-missing",
        "account-owner-mfa-missing",
        "user-inactive",
    ] {
        assert!(
            checked.findings.iter().all(|finding| finding.rule != rule),
            "{rule} speaks about a plan alone"
        );
    }
}

#[test]
fn the_other_accounts_of_an_enterprise_list_are_not_judged() {
    // The enterprise list names the owner of account 4f5e...; nothing else of it is given.
    let checked = common::check(
        &[
            "fixtures/realworld/enterprise_accounts.json",
            "fixtures/rules/account-owner-mfa-missing/bad-owner-no-mfa.json",
        ],
        &Settings::default(),
    );
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    assert!(!checked.findings.is_empty());
    for finding in &checked.findings {
        assert_eq!(
            finding.subject.account.as_deref(),
            Some(ACCOUNT_A),
            "{}: {}",
            finding.rule,
            finding.message
        );
    }
}
