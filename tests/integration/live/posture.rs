//! The posture collections against the emulator: every file in the shape the IBM API
//! answers, 403 and 404 as warnings in a complete snapshot, the regional Activity Tracker
//! Event Routing endpoints, and the bounded polling of the identity reports.

use std::time::{Duration, Instant};

use iamlint::live::Polling;
use iamlint::model::CollectionStatus;
use serde_json::{Value, json};

use super::account::{ACCOUNT, Account};
use super::emulator::{Action, Emulator, reference_of};
use super::{collect, read, reason, status};

/// The top-level members of a JSON object, sorted.
fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[test]
fn every_posture_file_is_the_api_answer() {
    let emulator = Emulator::start(Account::demo());
    let account = Account::demo();
    let dir = tempfile::tempdir().unwrap();
    let collected = collect(&emulator.options(dir.path())).unwrap();
    assert!(collected.is_complete());
    let out = dir.path();
    // Single documents, exactly as answered.
    for file in [
        "account_settings.json",
        "account.json",
        "access_group_settings.json",
        "custom_roles.json",
        "atracker_routes.json",
        "atracker_targets.json",
    ] {
        assert_eq!(read(out, file), account.answer(file), "{file}");
    }
    for (file, kind) in [
        ("activity_report.json", "activity"),
        ("mfa_report.json", "mfa"),
    ] {
        let mut expected = account.answer(file);
        expected["reference"] = json!(reference_of(kind));
        assert_eq!(read(out, file), expected, "{file}");
    }
    for (name, document) in &account.posture {
        if name.starts_with("profile_links_") || name.starts_with("profile_rules_") {
            assert_eq!(&read(out, name), document, "{name}");
        }
    }
    // Paged lists: every page merged into the API's list shape.
    assert_eq!(
        read(out, "trusted_profiles.json"),
        account.answer("trusted_profiles.json")
    );
    let users = read(out, "users.json");
    assert_eq!(keys(&users), ["limit", "resources", "total_results"]);
    assert_eq!(
        users["resources"],
        account.answer("users.json")["resources"]
    );
    assert_eq!(users["total_results"], 3);
    // The shapes the loaders recognise (top-level members of the IBM models).
    assert_eq!(
        keys(&read(out, "activity_report.json")),
        [
            "apikeys",
            "created_by",
            "profiles",
            "reference",
            "report_duration",
            "report_end_time",
            "report_start_time",
            "serviceids",
            "users"
        ]
    );
    assert_eq!(
        keys(&read(out, "mfa_report.json")),
        [
            "account_id",
            "created_by",
            "ims_account_id",
            "reference",
            "report_time",
            "users"
        ]
    );
    assert_eq!(
        keys(&read(out, "custom_roles.json")),
        ["custom_roles", "service_roles", "system_roles"]
    );

    let log = emulator.log();
    let requests = |prefix: &str| -> Vec<(String, u16)> {
        log.iter()
            .filter(|logged| logged.path.starts_with(prefix))
            .map(|logged| (logged.method.clone(), logged.status))
            .collect()
    };
    let users_path = format!("/usermgmt/v2/accounts/{ACCOUNT}/users");
    assert_eq!(requests(&users_path).len(), 2, "3 users, 2 a page");
    assert_eq!(
        requests("/v1/profiles").len(),
        2 + 3 + 3,
        "2 pages, then links and rules"
    );
    assert_eq!(
        requests(&format!("/accounts-api/v4/accounts/{ACCOUNT}")).len(),
        1
    );
    assert_eq!(requests("/atracker/us-south/api/v2/").len(), 2);
    // Request, not ready, ready.
    for kind in ["activity", "mfa"] {
        assert_eq!(
            requests(&format!("/v1/{kind}/accounts/{ACCOUNT}/report")),
            [
                ("POST".to_owned(), 202),
                ("GET".to_owned(), 204),
                ("GET".to_owned(), 200)
            ],
            "{kind}"
        );
    }
}

#[test]
fn forbidden_and_missing_posture_endpoints_are_warnings_in_a_complete_snapshot() {
    let emulator = Emulator::start(Account::demo());
    let settings = format!("/v1/accounts/{ACCOUNT}/settings/identity");
    emulator.fault(&settings, 0, usize::MAX, Action::Status(403, None));
    emulator.fault("/usermgmt/", 0, usize::MAX, Action::Status(403, None));
    emulator.fault("/v1/profiles", 0, usize::MAX, Action::Status(404, None));
    emulator.fault("/accounts-api/", 0, usize::MAX, Action::Status(404, None));
    emulator.fault("/v1/activity/", 0, usize::MAX, Action::Status(403, None));
    emulator.fault(
        &format!("/v1/accounts/{ACCOUNT}/limits/identity"),
        0,
        usize::MAX,
        Action::Status(404, None),
    );
    let dir = tempfile::tempdir().unwrap();
    let collected = collect(&emulator.options(dir.path())).unwrap();
    let forbidden = [
        ("account_settings", "IAM Identity Service (iam-identity)"),
        ("users", "User Management (user-management)"),
        (
            "activity_report",
            "Administrator role on IAM Identity Service",
        ),
    ];
    for (name, role) in forbidden {
        assert_eq!(
            status(&collected, name),
            CollectionStatus::Forbidden,
            "{name}"
        );
        let why = reason(&collected, name);
        assert!(
            why.starts_with("needs the ") && why.contains(role),
            "{name}: {why}"
        );
        assert!(why.contains("HTTP 403"), "{why}");
    }
    for name in ["trusted_profiles", "account", "identity_limits"] {
        assert_eq!(
            status(&collected, name),
            CollectionStatus::Skipped,
            "{name}"
        );
        let why = reason(&collected, name);
        assert!(
            why.starts_with("the endpoint is not available") && why.contains("HTTP 404"),
            "{name}: {why}"
        );
    }
    for name in ["profile_links", "profile_rules"] {
        assert_eq!(status(&collected, name), CollectionStatus::Skipped);
        assert_eq!(
            reason(&collected, name),
            "the trusted profiles were not collected"
        );
    }
    for name in [
        "mfa_report",
        "custom_roles",
        "atracker_routes",
        "resource_keys",
    ] {
        assert_eq!(
            status(&collected, name),
            CollectionStatus::Complete,
            "{name}"
        );
    }
    assert!(collected.is_complete(), "roles and endpoints, not errors");
    let snapshot = read(dir.path(), "snapshot.json");
    assert_eq!(snapshot["complete"], true);
    let recorded = snapshot["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|collection| collection["name"] == "users")
        .unwrap();
    assert_eq!(recorded["status"], "forbidden");
    assert_eq!(recorded["files"], json!([]));
    for file in [
        "account_settings.json",
        "users.json",
        "trusted_profiles.json",
        "account.json",
        "activity_report.json",
        "identity_limits.json",
    ] {
        assert!(!dir.path().join(file).exists(), "{file}");
    }
    // The summary says what is missing and why.
    let summary = iamlint::report::collect::render(&collected);
    assert!(
        summary.contains(
            "users                       -  forbidden: needs the Viewer role on User Management"
        ),
        "{summary}"
    );
}

#[test]
fn a_profile_whose_links_cannot_be_read_leaves_the_collection_partial() {
    let emulator = Emulator::start(Account::demo());
    emulator.fault(
        "/v1/profiles/Profile-1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e/links",
        0,
        usize::MAX,
        Action::Status(500, None),
    );
    let dir = tempfile::tempdir().unwrap();
    let collected = collect(&emulator.options(dir.path())).unwrap();
    assert_eq!(
        status(&collected, "profile_links"),
        CollectionStatus::Partial
    );
    let why = reason(&collected, "profile_links");
    assert!(
        why.starts_with("the links of 1 of 3 profiles could not be read: profile Profile-1b2c3d4e"),
        "{why}"
    );
    assert!(
        dir.path()
            .join("profile_links_Profile-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.json")
            .exists()
    );
    assert_eq!(
        status(&collected, "profile_rules"),
        CollectionStatus::Complete
    );
}

#[test]
fn event_routing_is_read_in_the_first_region_that_answers() {
    let emulator = Emulator::start(Account::demo());
    emulator.fault(
        "/atracker/us-south/",
        0,
        usize::MAX,
        Action::Status(404, None),
    );
    let dir = tempfile::tempdir().unwrap();
    let collected = collect(&emulator.options(dir.path())).unwrap();
    for name in ["atracker_routes", "atracker_targets"] {
        assert_eq!(status(&collected, name), CollectionStatus::Complete);
        let why = reason(&collected, name);
        assert!(
            why.starts_with("read in eu-de; us-south: GET http://127.0.0.1:"),
            "{why}"
        );
    }
    assert_eq!(
        read(dir.path(), "atracker_routes.json"),
        Account::demo().answer("atracker_routes.json")
    );

    // No region answers: a warning, not a failure.
    let emulator = Emulator::start(Account::demo());
    emulator.fault("/atracker/", 0, usize::MAX, Action::Status(404, None));
    let dir = tempfile::tempdir().unwrap();
    let mut options = emulator.options(dir.path());
    options.atracker_regions = vec!["eu-gb".to_owned(), "jp-tok".to_owned()];
    let collected = collect(&options).unwrap();
    assert_eq!(
        status(&collected, "atracker_routes"),
        CollectionStatus::Skipped
    );
    let why = reason(&collected, "atracker_routes");
    assert!(
        why.contains("no region answered: eu-gb: GET ") && why.contains("; jp-tok: GET "),
        "{why}"
    );
    assert!(collected.is_complete());
    let asked: Vec<String> = emulator
        .log()
        .iter()
        .filter(|logged| logged.path.starts_with("/atracker/"))
        .map(|logged| logged.path.clone())
        .collect();
    assert_eq!(
        asked,
        [
            "/atracker/eu-gb/api/v2/routes",
            "/atracker/jp-tok/api/v2/routes",
            "/atracker/eu-gb/api/v2/targets",
            "/atracker/jp-tok/api/v2/targets"
        ]
    );
}

#[test]
fn report_polling_gives_up_within_its_bounds() {
    let emulator = Emulator::start(Account::demo());
    emulator.set(|state| state.report_pending = usize::MAX);
    let dir = tempfile::tempdir().unwrap();
    let mut options = emulator.options(dir.path());
    options.polling = Polling {
        interval: Duration::from_millis(1),
        max_checks: 5,
        max_wait: Duration::from_secs(5),
    };
    let collected = collect(&options).unwrap();
    for (name, label) in [
        ("activity_report", "activity report"),
        ("mfa_report", "MFA enrollment report"),
    ] {
        assert_eq!(
            status(&collected, name),
            CollectionStatus::Skipped,
            "{name}"
        );
        let why = reason(&collected, name);
        assert!(
            why.starts_with(&format!("the new {label} ("))
                && why.contains("was not ready after 5 checks in "),
            "{why}"
        );
        assert!(
            why.ends_with(", and there is no earlier report: collect again later"),
            "{why}"
        );
    }
    assert!(collected.is_complete());
    assert!(!dir.path().join("activity_report.json").exists());
    let report_path = format!("/v1/activity/accounts/{ACCOUNT}/report/");
    let checks = emulator
        .log()
        .iter()
        .filter(|logged| logged.path.starts_with(&report_path))
        .count();
    assert_eq!(checks, 5 + 1, "five checks, then the latest report");

    // Bounded by time as well: checks every 20 ms for at most 150 ms.
    let emulator = Emulator::start(Account::demo());
    emulator.set(|state| {
        state.report_pending = usize::MAX;
        state.earlier_reports.insert("mfa".to_owned());
    });
    let dir = tempfile::tempdir().unwrap();
    let mut options = emulator.options(dir.path());
    options.polling = Polling {
        interval: Duration::from_millis(20),
        max_checks: 10_000,
        max_wait: Duration::from_millis(150),
    };
    let started = Instant::now();
    let collected = collect(&options).unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    let checks = emulator
        .log()
        .iter()
        .filter(|logged| logged.path.starts_with(&report_path))
        .count();
    assert!((2..=10).contains(&checks), "{checks} checks in 150 ms");
    // An earlier report is taken, and said.
    assert_eq!(status(&collected, "mfa_report"), CollectionStatus::Complete);
    let why = reason(&collected, "mfa_report");
    assert!(
        why.contains("was not ready after")
            && why.ends_with(": wrote the latest earlier report instead"),
        "{why}"
    );
    assert_eq!(
        read(dir.path(), "mfa_report.json")["report_time"],
        "2026-01-01T00:00:00Z"
    );
}

#[test]
fn the_binary_sends_every_posture_request_to_its_endpoint_option() {
    let emulator = Emulator::start(Account::demo());
    let url = emulator.url();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let run = crate::common::run_with_env(
        &[
            "collect",
            "--out",
            out.to_str().unwrap(),
            "--atracker-region",
            "eu-gb,jp-tok",
            "-q",
        ],
        &super::live_env(&url, super::emulator::API_KEY),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("  mfa_report                  2  complete\n"),
        "{}",
        run.stdout
    );
    for file in [
        "users.json",
        "account.json",
        "atracker_targets.json",
        "mfa_report.json",
    ] {
        assert!(out.join(file).exists(), "{file}");
    }
    let atracker: Vec<String> = emulator
        .log()
        .iter()
        .filter(|logged| logged.path.starts_with("/atracker/"))
        .map(|logged| logged.path.clone())
        .collect();
    assert_eq!(
        atracker,
        [
            "/atracker/eu-gb/api/v2/routes",
            "/atracker/eu-gb/api/v2/targets"
        ]
    );
    let snapshot = read(&out, "snapshot.json");
    assert_eq!(
        snapshot["endpoints"]["atracker"],
        format!("{url}/atracker/{{region}}")
    );
}
