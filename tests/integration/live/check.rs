//! `check` of a collected snapshot, and `check --live` and `collect` through the binary.

use std::path::Path;

use iamlint::rules::Settings;

use super::account::{ACCOUNT, Account};
use super::emulator::{API_KEY, Action, Emulator};
use super::live_env;
use crate::common;

/// What a finding says, without where it is (the files differ).
fn verdicts(checked: &iamlint::pipeline::Checked) -> Vec<String> {
    let mut verdicts: Vec<String> = checked
        .findings
        .iter()
        .map(|finding| {
            format!(
                "{} {} {} {} {}",
                finding.rule,
                finding.severity,
                finding.status.as_str(),
                finding.subject.id,
                finding.message
            )
        })
        .collect();
    verdicts.sort();
    verdicts
}

fn collected_demo() -> (Emulator, tempfile::TempDir) {
    let emulator = Emulator::start(Account::demo());
    let dir = tempfile::tempdir().unwrap();
    super::collect(&emulator.options(dir.path())).unwrap();
    (emulator, dir)
}

#[test]
fn check_of_a_collected_snapshot() {
    let (_emulator, dir) = collected_demo();
    let root = dir.path().to_str().unwrap();
    let checked = common::check(&[root], &Settings::default());
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let snapshot = &checked.loaded.inventory.snapshots[0];
    assert_eq!(snapshot.account_id.as_deref(), Some(ACCOUNT));
    let limits = checked.loaded.inventory.identity_limits.as_ref().unwrap();
    assert_eq!(limits.service_id_limit(), Some(2000));
    assert_eq!(limits.service_id_count(), Some(11));
    assert_eq!(limits.api_key_limit(), Some(20));
    let ops = limits
        .api_keys_of("ServiceId-99999999-9999-4999-8999-999999999999")
        .unwrap();
    assert_eq!(ops.count, 2, "ci-deploy and ci-deploy-2025");
    assert!(
        !checked
            .loaded
            .skipped
            .iter()
            .any(|file| file.ends_with("snapshot.json")),
        "snapshot.json is recognised"
    );
    // Kept with the other snapshots, where the orphan check sees them.
    insta::with_settings!({snapshot_path => "../snapshots"}, {
        insta::assert_snapshot!(common::human(&checked).replace(root, "<snapshot>"));
    });
    let json: serde_json::Value = serde_json::from_str(&common::json(&checked)).unwrap();
    assert_eq!(json["summary"]["snapshots"][0]["account_id"], ACCOUNT);
    assert_eq!(
        json["summary"]["snapshots"][0]["collections"][1]["count"],
        28
    );
    let file = json["findings"][0]["location"]["file"].as_str().unwrap();
    assert!(
        file.starts_with(root),
        "findings point into the snapshot: {file}"
    );
}

#[test]
fn a_collected_snapshot_has_the_findings_of_the_same_account_exported() {
    let (_emulator, dir) = collected_demo();
    let live = common::check(&[dir.path().to_str().unwrap()], &Settings::default());
    // The posture documents come from the emulator's own answers, not the demo: the
    // collected copies stand in for them on the exported side too.
    let mut files = super::account::demo_exports();
    for entry in std::fs::read_dir(super::account::POSTURE_DIR).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let collected = dir.path().join(&name);
        if collected.exists() {
            files.push(collected.to_str().unwrap().to_owned());
        }
    }
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let exported = common::check(&files, &Settings::default());
    assert!(!live.findings.is_empty());
    assert_eq!(verdicts(&live), verdicts(&exported));
}

#[test]
fn an_incomplete_snapshot_is_a_load_error_and_a_forbidden_one_is_noted() {
    let emulator = Emulator::start(Account::demo());
    emulator.set(|state| state.page_size = 1);
    emulator.fault("/v2/policies", 0, usize::MAX, Action::RepeatPageToken);
    emulator.fault("/v2/groups", 0, usize::MAX, Action::Status(403, None));
    let dir = tempfile::tempdir().unwrap();
    super::collect(&emulator.options(dir.path())).unwrap();
    let root = dir.path().to_str().unwrap();
    let checked = common::check(&[root], &Settings::default());
    assert_eq!(
        checked.loaded.errors.len(),
        1,
        "{:?}",
        checked.loaded.errors
    );
    let error = &checked.loaded.errors[0];
    assert!(error.file.ends_with("snapshot.json"));
    assert!(
        error
            .message
            .starts_with("the snapshot's `policies_v2` collection is failed: GET "),
        "{}",
        error.message
    );
    let human = common::human(&checked);
    assert!(human.contains("  access_groups forbidden: GET "), "{human}");
    assert!(human.contains("  access_group_members skipped: the access groups were not collected"));
}

#[test]
fn check_live_collects_then_checks() {
    let emulator = Emulator::start(Account::demo());
    let url = emulator.url();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let out = out.to_str().unwrap();
    let run = common::run_with_env(
        &["check", "--live", "--out", out, "--format", "json"],
        &live_env(&url, API_KEY),
    );
    assert_eq!(run.code, 1, "the demo account has findings: {}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["summary"]["snapshots"][0]["account_id"], ACCOUNT);
    assert_eq!(json["summary"]["resources"]["resource_key"], 28);
    let file = json["findings"][0]["location"]["file"].as_str().unwrap();
    assert!(file.starts_with(out), "{file}");
    assert!(Path::new(out).join("snapshot.json").exists());
    assert!(
        run.stderr
            .contains(&format!("collected account {ACCOUNT} into {out}"))
    );

    // Without --out the snapshot goes to a new temporary directory, which is kept.
    let run = common::run_with_env(&["check", "--live", "-q"], &live_env(&url, API_KEY));
    assert_eq!(run.code, 1);
    assert!(run.stderr.is_empty(), "--quiet: {}", run.stderr);
    assert!(
        run.stdout
            .contains("snapshot of account a1b2c3d4e5f60718293a4b5c6d7e8f90")
    );
}

#[test]
fn collect_exit_codes_and_summary() {
    let emulator = Emulator::start(Account::demo());
    let url = emulator.url();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("complete");
    let run = common::run_with_env(
        &["collect", "--out", out.to_str().unwrap()],
        &live_env(&url, API_KEY),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("  resource_keys              28  complete\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("wrote "));

    emulator.fault("/v1/apikeys", 0, usize::MAX, Action::Status(500, None));
    emulator.fault("/v2/groups", 0, usize::MAX, Action::Status(403, None));
    let out = dir.path().join("incomplete");
    let run = common::run_with_env(
        &["collect", "--out", out.to_str().unwrap()],
        &live_env(&url, API_KEY),
    );
    assert_eq!(run.code, 2, "a failed collection: {}", run.stdout);
    assert!(
        run.stdout
            .contains("  api_keys                    -  failed: GET "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  access_groups               -  forbidden: GET ")
    );
    assert!(
        run.stdout
            .contains("the snapshot is incomplete: 1 collection(s)")
    );
    assert!(
        out.join("snapshot.json").exists(),
        "the record of what is missing is written"
    );

    let run = common::run_with_env(&["collect", "--out", "unused"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no API key: set IBMCLOUD_API_KEY or pass --apikey-file")
    );
    let key_file = dir.path().join("apikey.json");
    std::fs::write(
        &key_file,
        format!(r#"{{"name": "auditor", "apikey": "{API_KEY}"}}"#),
    )
    .unwrap();
    let out = dir.path().join("from-file");
    let run = common::run_with_env(
        &[
            "collect",
            "-q",
            "--out",
            out.to_str().unwrap(),
            "--apikey-file",
            key_file.to_str().unwrap(),
            "--iam-endpoint",
            &url,
            "--resource-controller-endpoint",
            &url,
        ],
        &[],
    );
    assert_eq!(run.code, 2, "the faults are still on: {}", run.stderr);
    assert!(out.join("snapshot.json").exists());
    let run = common::run_with_env(
        &[
            "collect",
            "--out",
            "unused",
            "--iam-endpoint",
            "http://iam.example.com",
        ],
        &live_env(&url, API_KEY),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("use https"), "{}", run.stderr);
}

#[test]
fn identity_limits_load_from_a_bundle_with_lists() {
    let checked = common::check(&["fixtures/live/limits-bundle.yaml"], &Settings::default());
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let inventory = &checked.loaded.inventory;
    assert_eq!(inventory.service_ids.len(), 1);
    assert_eq!(inventory.api_keys.len(), 1);
    let limits = inventory.identity_limits.as_ref().unwrap();
    assert_eq!(limits.service_id_limit(), Some(3000));
    assert_eq!(limits.service_id_count(), Some(2512));
    assert_eq!(limits.serviceid_groups.as_ref().unwrap().limit, Some(5));
    let usage = limits
        .api_keys_of("crn:v1:bluemix:public:iam-identity::a/x::serviceid:ServiceId-99999999-9999-4999-8999-999999999999")
        .unwrap();
    assert_eq!((usage.count, limits.api_key_limit()), (19, Some(20)));
    let document = checked.loaded.documents.get(usage.origin.document).unwrap();
    assert_eq!(document.locate(&usage.origin.pointer).unwrap().line, 26);
    assert!(limits.api_keys_of("IBMid-nobody").is_none());
}
