//! Live mode against the API emulator on 127.0.0.1: completeness, pagination, faults,
//! permissions, secrets, and the `check` of a collected snapshot.

// The emulator and helpers are test code outside `#[test]` functions, where clippy's
// allow-unwrap-in-tests does not reach.
#![allow(clippy::unwrap_used)]

pub(crate) mod account;
mod check;
pub(crate) mod emulator;
mod posture;
mod server;

use std::path::Path;
use std::time::Duration;

use iamlint::live::{self, CollectError, CollectOptions, Collected, Quiet, Secret};
use iamlint::model::CollectionStatus;
use serde_json::{Value, json};

use account::{ACCOUNT, Account, DEFAULT_GROUP, OPS_GROUP, OPS_SERVICE_ID};
use emulator::{API_KEY, Action, Emulator, RandomFaults};

/// The environment of a binary run against the emulator at `url`: every endpoint on it, so
/// that no request leaves the machine.
pub(crate) fn live_env<'a>(url: &'a str, key: &'a str) -> Vec<(&'a str, &'a str)> {
    // A few short strings per test run, leaked so that callers keep borrowing pairs.
    let on =
        |suffix: &str| -> &'static str { Box::leak(format!("{url}/{suffix}").into_boxed_str()) };
    vec![
        ("IBMCLOUD_API_KEY", key),
        ("IAMLINT_IAM_ENDPOINT", url),
        ("IAMLINT_RESOURCE_CONTROLLER_ENDPOINT", url),
        (
            "IAMLINT_USER_MANAGEMENT_ENDPOINT",
            on(emulator::USER_MANAGEMENT),
        ),
        ("IAMLINT_ACCOUNT_ENDPOINT", on(emulator::ACCOUNTS)),
        (
            "IAMLINT_ATRACKER_ENDPOINT",
            on(&format!("{}/{{region}}", emulator::ATRACKER)),
        ),
        ("IAMLINT_RETRY_DELAY_MS", "1"),
        ("IAMLINT_REPORT_INTERVAL_MS", "1"),
    ]
}

fn collect(options: &CollectOptions) -> Result<Collected, CollectError> {
    live::collect(Secret::new(API_KEY), options, &mut Quiet)
}

fn read(dir: &Path, name: &str) -> Value {
    let text =
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|error| panic!("{name}: {error}"));
    serde_json::from_str(&text).unwrap()
}

fn status(collected: &Collected, name: &str) -> CollectionStatus {
    collected
        .collections
        .iter()
        .find(|collection| collection.name == name)
        .unwrap_or_else(|| panic!("no collection {name}"))
        .status
}

fn reason<'a>(collected: &'a Collected, name: &str) -> &'a str {
    collected
        .collections
        .iter()
        .find(|collection| collection.name == name)
        .and_then(|collection| collection.reason.as_deref())
        .unwrap_or("")
}

fn sorted_by_id(items: &Value) -> Vec<Value> {
    let mut items = items.as_array().unwrap().clone();
    items.sort_by_key(|item| item["id"].as_str().unwrap_or("").to_owned());
    items
}

/// Every file of a snapshot, `snapshot.json` without its request count (faults add
/// requests).
fn files_of(dir: &Path) -> Vec<(String, Value)> {
    let mut files: Vec<(String, Value)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .map(|name| {
            let mut value = read(dir, &name);
            if name == "snapshot.json" {
                value.as_object_mut().unwrap().remove("requests");
            }
            (name, value)
        })
        .collect();
    files.sort_by(|left, right| left.0.cmp(&right.0));
    files
}

const ALL: [&str; 21] = [
    "resource_instances",
    "resource_keys",
    "service_ids",
    "api_keys",
    "policies_v1",
    "policies_v2",
    "access_groups",
    "access_group_members",
    "identity_limits",
    "account_settings",
    "trusted_profiles",
    "profile_links",
    "profile_rules",
    "users",
    "account",
    "access_group_settings",
    "custom_roles",
    "atracker_routes",
    "atracker_targets",
    "activity_report",
    "mfa_report",
];

#[test]
fn collects_every_collection_complete_and_identical_to_the_account() {
    let emulator = Emulator::start(Account::demo());
    let account = Account::demo();
    let dir = tempfile::tempdir().unwrap();
    let mut options = emulator.options(dir.path());
    options.keep_secrets = true;
    let collected = collect(&options).unwrap();
    for name in ALL {
        assert_eq!(
            status(&collected, name),
            CollectionStatus::Complete,
            "{name}: {}",
            reason(&collected, name)
        );
    }
    assert!(collected.is_complete());
    assert_eq!(
        collected.account_id, ACCOUNT,
        "the account comes from the token"
    );
    let out = dir.path();

    let instances = read(out, "resource_instances.json");
    assert_eq!(instances["resources"], json!(account.instances));
    assert_eq!(instances["rows_count"], 3);
    assert_eq!(instances["next_url"], Value::Null);
    let keys = read(out, "resource_keys.json");
    assert_eq!(
        keys["resources"],
        json!(account.keys),
        "14 pages merged in order"
    );
    assert_eq!(keys["rows_count"], 28);
    // Every service ID group, the default one listed twice (with and without group_id).
    assert_eq!(
        sorted_by_id(&read(out, "service_ids.json")["serviceids"]),
        sorted_by_id(&json!(account.service_ids))
    );
    assert_eq!(
        read(out, "api_keys.json")["apikeys"],
        json!(account.api_keys)
    );
    let v1 = read(out, "policies_v1.json");
    assert_eq!(
        v1["policies"],
        json!(account.policies_v1),
        "v2 placeholders kept"
    );
    assert_eq!(
        read(out, "policies_v2.json")["policies"],
        json!(account.policies_v2)
    );
    let groups = read(out, "access_groups.json");
    assert_eq!(groups["groups"], json!(account.groups));
    assert_eq!(groups["total_count"], 2);
    for (group, members) in &account.members {
        let file = read(out, &format!("access_group_members_{group}.json"));
        assert_eq!(file["members"], json!(members));
        let first = file["first"]["href"].as_str().unwrap();
        assert!(
            first.contains(&format!("/v2/groups/{group}/members")),
            "{first}"
        );
    }
    let limits = read(out, "identity_limits.json");
    assert_eq!(limits["serviceids_per_group"]["limit"], 2000);
    assert_eq!(
        limits["serviceids_per_group"]["serviceid_groups"],
        json!([{"group_id": DEFAULT_GROUP, "count": 10}, {"group_id": OPS_GROUP, "count": 1}])
    );
    let identities = limits["apikeys_per_identity"]["identities"]
        .as_array()
        .unwrap();
    assert_eq!(
        identities.len(),
        12,
        "11 service IDs and 1 user own or may own keys"
    );
    assert!(identities.contains(&json!({"iam_id": format!("iam-{OPS_SERVICE_ID}"), "count": 2})));

    let snapshot = read(out, "snapshot.json");
    assert_eq!(snapshot["iamlint_snapshot"], 1);
    assert_eq!(snapshot["tool"]["name"], "iamlint");
    assert_eq!(snapshot["account_id"], ACCOUNT);
    assert_eq!(snapshot["collected_at"], "2026-01-01T00:00:00Z");
    assert_eq!(snapshot["complete"], true);
    assert_eq!(snapshot["endpoints"]["iam"], format!("{}/", emulator.url()));
    let counts: Vec<(String, u64)> = snapshot["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|collection| {
            assert_eq!(collection["status"], "complete");
            (
                collection["name"].as_str().unwrap().to_owned(),
                collection["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let members: usize = account.members.values().map(Vec::len).sum();
    let expected: Vec<(String, u64)> = [
        ("resource_instances", account.instances.len()),
        ("resource_keys", account.keys.len()),
        ("service_ids", account.service_ids.len()),
        ("api_keys", account.api_keys.len()),
        ("policies_v1", account.policies_v1.len()),
        ("policies_v2", account.policies_v2.len()),
        ("access_groups", account.groups.len()),
        ("access_group_members", members),
        // Two service ID groups, and the 12 identities that own or may own API keys.
        ("identity_limits", 2 + identities.len()),
        // The posture (fixtures/live/posture): 3 profiles with 2 links and 1 claim rule,
        // 3 users, 2 custom roles, 1 route, 1 target; the activity report lists 5
        // identities, the MFA report 2 users.
        ("account_settings", 1),
        ("trusted_profiles", 3),
        ("profile_links", 2),
        ("profile_rules", 1),
        ("users", 3),
        ("account", 1),
        ("access_group_settings", 1),
        ("custom_roles", 2),
        ("atracker_routes", 1),
        ("atracker_targets", 1),
        ("activity_report", 5),
        ("mfa_report", 2),
    ]
    .iter()
    .map(|(name, count)| ((*name).to_owned(), *count as u64))
    .collect();
    assert_eq!(counts, expected);
    // Nothing but the snapshot's own files, and no temporary leftovers.
    let names: Vec<String> = files_of(out).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names.len(), 11 + 16, "{names:?}");
    // Every list was paged (2 items per page).
    let key_pages = emulator
        .log()
        .iter()
        .filter(|logged| logged.path == "/v2/resource_keys")
        .count();
    assert_eq!(key_pages, account.keys.len().div_ceil(2));
    assert_eq!(emulator.tokens_issued(), 1);
}

#[test]
fn secrets_are_redacted_with_fingerprints_that_keep_equal_secrets_equal() {
    let emulator = Emulator::start(Account::demo().with_canary_secrets());
    let dir = tempfile::tempdir().unwrap();
    let collected = collect(&emulator.options(dir.path())).unwrap();
    assert!(collected.is_complete());
    for (name, value) in files_of(dir.path()) {
        let text = value.to_string();
        assert!(!text.contains("CANARY"), "{name} holds a secret: {text}");
    }
    let keys = read(dir.path(), "resource_keys.json");
    let account = Account::demo().with_canary_secrets();
    let mut pairs = Vec::new();
    for (written, original) in keys["resources"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&account.keys)
    {
        let credentials = &written["credentials"];
        if original["credentials"].get("REDACTED").is_some() {
            assert_eq!(
                credentials, &original["credentials"],
                "REDACTED credentials stay as they are"
            );
            continue;
        }
        assert_eq!(
            credentials["iam_serviceid_crn"],
            original["credentials"]["iam_serviceid_crn"]
        );
        assert_eq!(
            credentials["iam_role_crn"],
            original["credentials"]["iam_role_crn"]
        );
        let Some(fingerprint) = credentials["service_key"].as_str() else {
            // A key of a service without auditing keys (the demo's COS key).
            assert!(original["credentials"].get("service_key").is_none());
            continue;
        };
        assert!(fingerprint.starts_with("<redacted:"), "{fingerprint}");
        pairs.push((
            original["credentials"]["service_key"].clone(),
            fingerprint.to_owned(),
        ));
    }
    for (left_secret, left_mark) in &pairs {
        for (right_secret, right_mark) in &pairs {
            assert_eq!(left_secret == right_secret, left_mark == right_mark);
        }
    }
    let api_keys = read(dir.path(), "api_keys.json");
    let stored = api_keys["apikeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["name"] == "stored-value-key")
        .unwrap();
    assert!(stored["apikey"].as_str().unwrap().starts_with("<redacted"));
}

#[test]
fn soak_random_faults_on_every_request_leave_the_snapshot_identical() {
    // Bounded: five collects of the emulated account, each request failing with a 429, a
    // 5xx, a response slower than the timeout or a truncated body one time in four. Every
    // collect must end complete and equal to a clean one (fingerprints aside).
    let emulator = Emulator::start(Account::demo());
    let clean_dir = tempfile::tempdir().unwrap();
    collect(&emulator.options(clean_dir.path())).unwrap();
    let clean = normalised(files_of(clean_dir.path()));
    let mut injected = 0;
    for seed in 1..=5 {
        emulator.set(|state| {
            state.random_faults = Some(RandomFaults::new(seed, 0.25, Duration::from_millis(600)))
        });
        let dir = tempfile::tempdir().unwrap();
        let mut options = emulator.options(dir.path());
        options.client.timeout = Duration::from_millis(300);
        // 0.25^8: a request failing every attempt is about one in 65,000.
        options.client.max_attempts = 8;
        let collected = collect(&options).unwrap();
        for name in ALL {
            assert_eq!(
                status(&collected, name),
                CollectionStatus::Complete,
                "seed {seed}, {name}: {}",
                reason(&collected, name)
            );
        }
        assert_eq!(normalised(files_of(dir.path())), clean, "seed {seed}");
        emulator.set(|state| {
            injected += state.random_faults.take().map_or(0, |faults| faults.fired);
        });
    }
    assert!(injected > 20, "only {injected} faults were injected");
}

/// The snapshot's files as one text, with the per-run secret fingerprints blanked.
fn normalised(files: Vec<(String, Value)>) -> String {
    let text = serde_json::to_string(&files).unwrap();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("<redacted:") {
        out.push_str(&rest[..at]);
        out.push_str("<redacted:*>");
        rest = &rest[at + "<redacted:".len()..];
        rest = &rest[rest.find('>').unwrap() + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn survives_faults_with_a_snapshot_identical_to_a_clean_collect() {
    let emulator = Emulator::start(Account::demo());
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_run = collect(&emulator.options(clean_dir.path())).unwrap();
    let tokens_before = emulator.tokens_issued();
    let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(30));
    emulator.fault("/v2/resource_instances", 0, 1, Action::Status(503, None));
    emulator.fault(
        "/v2/resource_keys",
        1,
        1,
        Action::Status(429, Some("0".to_owned())),
    );
    emulator.fault(
        "/v1/serviceids/",
        1,
        1,
        Action::Slow(Duration::from_secs(3)),
    );
    emulator.fault("/v1/apikeys", 0, 1, Action::Truncate);
    emulator.fault("/v1/policies", 1, 2, Action::Status(500, None));
    emulator.fault("/v2/policies", 1, 1, Action::ExpireTokens);
    emulator.fault("/v2/groups/", 0, 1, Action::Status(502, None));
    emulator.fault("/v1/accounts/", 0, 1, Action::Status(429, Some(past)));
    let dir = tempfile::tempdir().unwrap();
    let mut options = emulator.options(dir.path());
    // Short enough that the slow response is abandoned and asked again.
    options.client.timeout = Duration::from_millis(700);
    let collected = collect(&options).unwrap();
    for name in ALL {
        assert_eq!(
            status(&collected, name),
            CollectionStatus::Complete,
            "{name}: {}",
            reason(&collected, name)
        );
    }
    // The snapshot equals the clean one, fingerprints aside (each run keys its own).
    assert_eq!(
        normalised(files_of(dir.path())),
        normalised(files_of(clean_dir.path()))
    );
    let statuses: Vec<u16> = emulator.log().iter().map(|logged| logged.status).collect();
    for expected in [503, 429, 500, 401, 502] {
        assert!(
            statuses.contains(&expected),
            "no {expected} in {statuses:?}"
        );
    }
    assert_eq!(
        emulator.tokens_issued() - tokens_before,
        2,
        "one refresh after the 401"
    );
    assert!(
        collected.requests > clean_run.requests,
        "the retries are counted"
    );
}

#[test]
fn a_forbidden_collection_is_recorded_and_the_collect_goes_on() {
    let emulator = Emulator::start(Account::demo());
    emulator.fault("/v2/groups", 0, usize::MAX, Action::Status(403, None));
    let dir = tempfile::tempdir().unwrap();
    let collected = collect(&emulator.options(dir.path())).unwrap();
    assert_eq!(
        status(&collected, "access_groups"),
        CollectionStatus::Forbidden
    );
    let why = reason(&collected, "access_groups");
    assert!(
        why.contains("HTTP 403 injected_fault: injected by the test (trace: trace-"),
        "{why}"
    );
    assert_eq!(
        status(&collected, "access_group_members"),
        CollectionStatus::Skipped
    );
    for name in [
        "resource_keys",
        "service_ids",
        "policies_v2",
        "identity_limits",
    ] {
        assert_eq!(status(&collected, name), CollectionStatus::Complete);
    }
    assert!(
        collected.is_complete(),
        "a forbidden collection is a matter of roles, not an error"
    );
    assert!(!dir.path().join("access_groups.json").exists());
    let snapshot = read(dir.path(), "snapshot.json");
    assert_eq!(snapshot["collections"][6]["status"], "forbidden");
    assert_eq!(snapshot["collections"][7]["status"], "skipped");
    assert_eq!(snapshot["complete"], true);
}

#[test]
fn a_repeating_page_token_stops_with_an_error_and_writes_nothing() {
    let emulator = Emulator::start(Account::demo());
    emulator.set(|state| state.page_size = 1);
    emulator.fault("/v1/policies", 0, usize::MAX, Action::RepeatPageToken);
    emulator.fault("/v2/groups", 0, usize::MAX, Action::RepeatPageToken);
    let dir = tempfile::tempdir().unwrap();
    let collected = collect(&emulator.options(dir.path())).unwrap();
    assert_eq!(status(&collected, "policies_v1"), CollectionStatus::Failed);
    assert!(
        reason(&collected, "policies_v1")
            .contains("returned the page token `pg001x` a second time"),
        "{}",
        reason(&collected, "policies_v1")
    );
    assert_eq!(
        status(&collected, "access_groups"),
        CollectionStatus::Failed
    );
    assert!(
        reason(&collected, "access_groups").contains("returned the page token `1` a second time")
    );
    assert_eq!(
        status(&collected, "access_group_members"),
        CollectionStatus::Skipped
    );
    assert!(
        !dir.path().join("policies_v1.json").exists(),
        "no partial list"
    );
    assert!(!collected.is_complete());
    assert_eq!(read(dir.path(), "snapshot.json")["complete"], false);
}

#[test]
fn pagination_stops_at_the_page_bound() {
    let emulator = Emulator::start(Account::demo());
    let dir = tempfile::tempdir().unwrap();
    let mut options = emulator.options(dir.path());
    options.client.max_pages = 3;
    let collected = collect(&options).unwrap();
    assert_eq!(
        status(&collected, "resource_keys"),
        CollectionStatus::Failed
    );
    assert!(reason(&collected, "resource_keys").contains("stopped after 3 pages"));
    assert_eq!(
        status(&collected, "resource_instances"),
        CollectionStatus::Complete
    );
}

#[test]
fn retries_are_bounded_and_501_is_not_retried() {
    let emulator = Emulator::start(Account::demo());
    emulator.fault("/v1/apikeys", 0, usize::MAX, Action::Status(500, None));
    emulator.fault("/v1/policies", 0, usize::MAX, Action::Status(501, None));
    emulator.fault(
        "/v2/resource_instances",
        0,
        usize::MAX,
        Action::Status(429, Some("3600".to_owned())),
    );
    let dir = tempfile::tempdir().unwrap();
    let collected = collect(&emulator.options(dir.path())).unwrap();
    let why = reason(&collected, "api_keys");
    assert_eq!(status(&collected, "api_keys"), CollectionStatus::Failed);
    assert!(
        why.contains("HTTP 500 injected_fault (BXNIM0513E): injected by the test"),
        "{why}"
    );
    assert!(
        why.contains("(trace: trace-") && why.contains("gave up after 4 attempts"),
        "{why}"
    );
    let log = emulator.log();
    assert_eq!(
        log.iter()
            .filter(|logged| logged.path == "/v1/apikeys")
            .count(),
        4
    );
    assert_eq!(status(&collected, "policies_v1"), CollectionStatus::Failed);
    assert_eq!(
        log.iter()
            .filter(|logged| logged.path == "/v1/policies")
            .count(),
        1
    );
    let why = reason(&collected, "resource_instances");
    assert!(
        why.contains("RC-injected_fault") && why.contains("asked to wait longer than 2s"),
        "{why}"
    );
    // The limits still cover the service IDs, whose keys were not listed.
    assert_eq!(
        status(&collected, "identity_limits"),
        CollectionStatus::Complete
    );
}

#[test]
fn a_wrong_api_key_is_a_clear_error_and_keeps_the_earlier_snapshot() {
    let emulator = Emulator::start(Account::demo());
    emulator.set(|state| state.echo_key = true);
    let dir = tempfile::tempdir().unwrap();
    collect(&emulator.options(dir.path())).unwrap();
    let earlier = files_of(dir.path());
    let requests = emulator.log().len();
    let wrong = "CANARY-WRONG-KEY-1234567890";
    let error = live::collect(
        Secret::new(wrong),
        &emulator.options(dir.path()),
        &mut Quiet,
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("cannot get an IAM token for the API key: POST http://127.0.0.1:"),
        "{message}"
    );
    assert!(
        message.contains(
            "HTTP 400 BXNIM0415E: Provided API key <redacted> could not be found. (trace: trace-"
        ),
        "{message}"
    );
    assert!(!message.contains("CANARY"), "{message}");
    let log = emulator.log();
    assert_eq!(log.len(), requests + 1, "a 400 is not retried");
    let last = &log[requests];
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("POST", "/identity/token")
    );
    assert_eq!(
        files_of(dir.path()),
        earlier,
        "the earlier snapshot is untouched"
    );
}

#[test]
fn tokens_are_refreshed_before_they_expire() {
    let emulator = Emulator::start(Account::demo());
    emulator.set(|state| state.expires_in = 0);
    let dir = tempfile::tempdir().unwrap();
    let collected = collect(&emulator.options(dir.path())).unwrap();
    assert!(collected.is_complete());
    assert!(emulator.tokens_issued() > 10);
    assert!(emulator.log().iter().all(|logged| logged.status != 401));
}

#[test]
fn the_output_directory_is_never_mixed_with_other_files() {
    let emulator = Emulator::start(Account::demo());
    let dir = tempfile::tempdir().unwrap();
    collect(&emulator.options(dir.path())).unwrap();
    // A second collect replaces the first.
    collect(&emulator.options(dir.path())).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    std::fs::remove_file(dir.path().join("snapshot.json")).unwrap();
    let error = collect(&emulator.options(dir.path())).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("is not empty and holds no iamlint snapshot"),
        "{error}"
    );
    assert!(dir.path().join("notes.txt").exists());
}
