//! Terraform plans and states: the diagnostics on each fixture, addresses in every output,
//! links resolved through references, `--new-only`, `diff`, and plans merged over exports.

use std::path::PathBuf;

use iamlint::pipeline::check_new_only;
use iamlint::rules::{Settings, Status};
use iamlint::sources::{LoadOptions, TerraformView};

use crate::common;

/// Every finding on a Terraform fixture names a Terraform address: its resource's, or that
/// of a related resource in the plan (a policy granting a service ID declared elsewhere).
fn assert_addresses(checked: &iamlint::pipeline::Checked, file: &str) {
    for finding in &checked.findings {
        let named = finding.subject.address.is_some()
            || finding
                .related
                .iter()
                .any(|related| related.entity.address.is_some());
        assert!(named, "{file}: {} names no address", finding.rule);
    }
}

#[test]
fn terraform_fixtures() {
    insta::glob!("../../fixtures", "terraform/*.json", |path| {
        let file = path.file_name().and_then(|name| name.to_str()).unwrap();
        let relative = format!("fixtures/terraform/{file}");
        let checked = common::check(&[&relative], &Settings::default());
        assert!(
            checked.loaded.errors.is_empty(),
            "{relative}: {:?}",
            checked.loaded.errors
        );
        assert!(!checked.findings.is_empty(), "{relative} finds nothing");
        assert_addresses(&checked, &relative);
        insta::assert_snapshot!(common::human(&checked));
    });
}

#[test]
fn minified_plan_json_points_into_the_file() {
    let checked = common::check(
        &["fixtures/terraform/plan-modules.min.json"],
        &Settings::default(),
    );
    let json = common::json(&checked);
    let output: serde_json::Value = serde_json::from_str(&json).unwrap();
    for finding in output["findings"].as_array().unwrap() {
        // The file is one line: locations are on it, whatever the snippets show.
        assert_eq!(finding["location"]["line"], 1, "{finding}");
        assert!(finding["resource"].get("address").is_some());
        assert_eq!(finding["fingerprint"].as_str().unwrap().len(), 32);
    }
    insta::assert_snapshot!(json);
}

#[test]
fn links_are_resolved_through_references_and_modules() {
    let checked = common::check(
        &["fixtures/terraform/plan-modules.min.json"],
        &Settings::default(),
    );
    let inventory = &checked.loaded.inventory;
    // `var.instance_id` inside module.audit comes from the root's `ibm_resource_instance.at`,
    // and each key finds its own service ID through `count.index`.
    let reader = inventory
        .keys
        .iter()
        .find(|key| key.name.as_deref() == Some("at-reader-1"))
        .unwrap();
    assert_eq!(
        reader.instance_guid(),
        Some("<ibm_resource_instance.at.guid>")
    );
    assert_eq!(
        inventory.service_id_of(reader).map(|sid| sid.id.as_str()),
        Some("ServiceId-<module.audit.ibm_iam_service_id.reader[1]>")
    );
    let restrict = inventory
        .policies
        .iter()
        .find(|policy| {
            policy.declaration.as_ref().map(|d| d.address.as_str())
                == Some("module.audit.ibm_iam_service_policy.restrict[1]")
        })
        .unwrap();
    assert_eq!(
        restrict.subject.service_id(),
        Some("ServiceId-<module.audit.ibm_iam_service_id.reader[1]>")
    );
    assert_eq!(
        restrict.time_words().as_deref(),
        Some("active only between 2024-07-01 09:00 UTC and 2025-06-30 17:00 UTC"),
        "rule_conditions are read as the policy's rule"
    );
    // Restricted through the module: neither missing nor incomplete.
    assert!(
        !checked
            .findings
            .iter()
            .any(|finding| finding.rule.starts_with("key-restriction")),
        "{:?}",
        checked.findings
    );
}

#[test]
fn an_unresolvable_link_is_unknown_and_names_the_address() {
    let checked = common::check(
        &["fixtures/terraform/plan-modules.min.json"],
        &Settings::default(),
    );
    let unknown: Vec<_> = checked
        .findings
        .iter()
        .filter(|finding| finding.status == Status::Unknown)
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert_eq!(unknown[0].rule, "key-cannot-evaluate");
    assert_eq!(
        unknown[0].subject.address.as_deref(),
        Some("ibm_resource_key.export")
    );
    assert!(unknown[0].message.contains("`local.export_serviceid_crn`"));
}

#[test]
fn unknown_members_are_ignored() {
    // plan-new-at-key.json carries members no Terraform release writes yet.
    let checked = common::check(
        &["fixtures/terraform/plan-new-at-key.json"],
        &Settings::default(),
    );
    assert!(checked.loaded.errors.is_empty());
    assert_eq!(checked.loaded.inventory.keys.len(), 1);
}

#[test]
fn format_version_2_is_a_load_error() {
    let run = common::run(&[
        "check",
        "--format",
        "json",
        "fixtures/invalid/terraform-format-v2.json",
    ]);
    assert_eq!(run.code, 2);
    let output: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let message = output["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("unsupported Terraform JSON format_version \"2.0\""),
        "{message}"
    );
    assert_eq!(output["errors"][0]["line"], 2);
}

fn new_only(paths: &[&str]) -> iamlint::pipeline::Checked {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    check_new_only(&paths, &LoadOptions::default(), &Settings::default()).expect("valid options")
}

#[test]
fn new_only_reports_nothing_for_a_plan_that_fixes_a_violation() {
    let before = iamlint::pipeline::run(&iamlint::pipeline::Request::new(
        &[PathBuf::from("fixtures/terraform/plan-fixes-prior.json")],
        &LoadOptions {
            terraform: TerraformView::Prior,
            ..LoadOptions::default()
        },
        &Settings::default(),
    ))
    .unwrap();
    assert!(
        before
            .findings
            .iter()
            .any(|finding| finding.rule == "key-restriction-missing"),
        "the prior state has the violation"
    );
    assert!(
        new_only(&["fixtures/terraform/plan-fixes-prior.json"])
            .findings
            .is_empty()
    );
    let run = common::run(&[
        "check",
        "--new-only",
        "fixtures/terraform/plan-fixes-prior.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn new_only_reports_only_what_the_plan_adds() {
    let checked = new_only(&["fixtures/terraform/plan-widens-access.json"]);
    let reported: Vec<(&str, Option<&str>)> = checked
        .findings
        .iter()
        .map(|finding| (finding.rule, finding.subject.address.as_deref()))
        .collect();
    assert_eq!(
        reported,
        [(
            "key-restriction-incomplete",
            Some("ibm_resource_key.reader[\"backup\"]")
        )]
    );
    let run = common::run(&[
        "check",
        "--new-only",
        "--format",
        "json",
        "fixtures/terraform/plan-widens-access.json",
    ]);
    assert_eq!(run.code, 1);
    let output: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["summary"]["comparison"]["unchanged"], 6);
    assert_eq!(
        output["findings"][0]["resource"]["address"],
        "ibm_resource_key.reader[\"backup\"]"
    );
}

#[test]
fn new_only_without_a_plan_warns_and_reports_nothing() {
    let run = common::run(&["check", "--new-only", "fixtures/diff/after"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("no plan was among the inputs"));
}

#[test]
fn a_plan_merges_over_exports() {
    let alone = common::check(
        &["fixtures/terraform/merge/tfplan.json"],
        &Settings::default(),
    );
    assert!(alone.findings.iter().any(|finding| {
        finding.rule == "key-cannot-evaluate"
            && finding.subject.address.as_deref() == Some("ibm_resource_key.siem")
    }));
    for order in [
        [
            "fixtures/terraform/merge/tfplan.json",
            "fixtures/terraform/merge/exports",
        ],
        [
            "fixtures/terraform/merge/exports",
            "fixtures/terraform/merge/tfplan.json",
        ],
    ] {
        let merged = common::check(&order, &Settings::default());
        let inventory = &merged.loaded.inventory;
        // The plan deletes the exported legacy key and creates `ibm_resource_key.siem`.
        let keys: Vec<&str> = inventory
            .keys
            .iter()
            .filter_map(|key| key.name.as_deref())
            .collect();
        assert_eq!(keys, ["at-siem-export"], "{order:?}");
        let incomplete = merged
            .findings
            .iter()
            .find(|finding| finding.rule == "key-restriction-incomplete")
            .expect("the key's service ID and its Reader policy come from the export");
        assert_eq!(
            incomplete.subject.address.as_deref(),
            Some("ibm_resource_key.siem")
        );
    }
    let merged = common::check(&["fixtures/terraform/merge"], &Settings::default());
    insta::assert_snapshot!(common::human(&merged));
}

#[test]
fn diff_reports_what_the_newer_snapshot_adds() {
    let run = common::run(&["diff", "fixtures/diff/before", "fixtures/diff/after"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
    let back = common::run(&[
        "diff",
        "--format",
        "json",
        "fixtures/diff/after",
        "fixtures/diff/before",
    ]);
    assert_eq!(back.code, 0);
    let output: serde_json::Value = serde_json::from_str(&back.stdout).unwrap();
    assert_eq!(output["findings"].as_array().unwrap().len(), 0);
    // The after snapshot fixed the restriction, and with it the Manager grant it lacked.
    assert_eq!(output["summary"]["comparison"]["fixed"], 2);
    // 7 findings, and the `unknown` of the 5 people rules, of the 5 account-level rules and
    // of support-access-group-missing (no people documents, settings, routes or group list).
    assert_eq!(output["summary"]["comparison"]["unchanged"], 18);
}

#[test]
fn fingerprints_do_not_depend_on_layout() {
    // The same plan, indented: other lines and columns, the same fingerprints.
    let text = std::fs::read_to_string("fixtures/terraform/plan-modules.min.json").unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dir = std::env::temp_dir().join(format!("iamlint-fingerprints-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pretty = dir.join("plan.json");
    std::fs::write(&pretty, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let fingerprints = |checked: &iamlint::pipeline::Checked| {
        let mut all: Vec<String> = checked.findings.iter().map(|f| f.fingerprint()).collect();
        all.sort();
        all
    };
    let minified = common::check(
        &["fixtures/terraform/plan-modules.min.json"],
        &Settings::default(),
    );
    let indented = common::check(&[pretty.to_str().unwrap()], &Settings::default());
    assert_eq!(fingerprints(&minified), fingerprints(&indented));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn what_a_plan_leaves_unresolved_is_unknown_and_never_fails() {
    // An instance read at apply time, a policy whose instance comes from a local (it may
    // restrict a key), a policy whose subject comes from a local (it may be account-wide
    // for a service ID).
    let checked = common::check(
        &["fixtures/terraform/plan-unresolved.json"],
        &Settings::default(),
    );
    // Other rules may report on what the plan does declare (an unlocked service ID, a
    // deprecated service): only info findings, which never fail a run.
    let seen: Vec<(&str, Option<&str>)> = checked
        .findings
        .iter()
        .filter(|finding| finding.status == Status::Unknown)
        .map(|finding| (finding.rule, finding.subject.address.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            ("key-cannot-evaluate", Some("ibm_resource_key.shared")),
            ("key-cannot-evaluate", Some("ibm_resource_key.exporter")),
            (
                "serviceid-unrestricted",
                Some("ibm_iam_service_policy.nightly")
            ),
        ]
    );
    assert!(
        checked
            .findings
            .iter()
            .all(|finding| finding.severity == iamlint::rules::Severity::Info)
    );
    assert_eq!(
        common::run(&["check", "fixtures/terraform/plan-unresolved.json"]).code,
        0
    );
}

#[test]
fn profiles_custom_roles_and_group_members_are_read_from_a_state() {
    let loaded = iamlint::sources::load(
        &[PathBuf::from("fixtures/terraform/state-profiles.json")],
        &LoadOptions::default(),
    )
    .expect("valid options");
    let inventory = &loaded.inventory;
    let profile = "Profile-5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a";
    assert_eq!(inventory.profiles.len(), 1);
    assert_eq!(inventory.profiles[0].iam_id, format!("iam-{profile}"));
    assert_eq!(inventory.profile_links.len(), 1);
    assert_eq!(
        inventory.profile_links[0].profile_id.as_deref(),
        Some(profile)
    );
    assert_eq!(inventory.profile_links[0].cr_type.as_deref(), Some("VSI"));
    assert_eq!(inventory.profile_claim_rules.len(), 1);
    assert_eq!(inventory.profile_claim_rules[0].conditions, 1);
    assert_eq!(inventory.custom_roles.len(), 1);
    assert_eq!(inventory.custom_roles[0].actions.len(), 3);
    let kinds: Vec<&str> = inventory
        .memberships
        .iter()
        .map(|membership| membership.kind.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["user", "user", "service", "profile"]);
    // A plan or state declares part of a group: its member list is not complete.
    assert!(inventory.member_lists.is_empty());
}
