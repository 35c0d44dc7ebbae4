//! Several accounts in one run: every entity belongs to its account, and each account is
//! judged on its own, so checking the exports of several accounts together gives exactly the
//! union of the per-account runs (issue 12, wrong answer 4).

use std::collections::BTreeSet;
use std::path::PathBuf;

use iamlint::pipeline::{self, Checked, Request};
use iamlint::rules::{Settings, Status};
use iamlint::sources::LoadOptions;

use crate::common::{self, TempDir};
use crate::scale::account as generator;

const ALPHA: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const BETA: &str = "f9e8d7c6b5a4938271605f4e3d2c1b0a";

/// What a finding says, without where it is (document ids differ between runs).
type Said = (
    &'static str,
    String,
    &'static str,
    String,
    String,
    Option<String>,
);

fn said(checked: &Checked) -> BTreeSet<Said> {
    checked
        .findings
        .iter()
        .map(|finding| {
            (
                finding.rule,
                finding.subject.identity(),
                finding.status.as_str(),
                finding.severity.as_str().to_owned(),
                finding.message.clone(),
                finding.subject.account.as_deref().map(str::to_owned),
            )
        })
        .collect()
}

fn union(a: &Checked, b: &Checked) -> BTreeSet<Said> {
    said(a).union(&said(b)).cloned().collect()
}

#[test]
fn two_hand_written_accounts_together_are_the_union_of_each_alone() {
    let settings = Settings::default();
    let alpha = common::check(&["fixtures/accounts/alpha"], &settings);
    let beta = common::check(&["fixtures/accounts/beta"], &settings);
    let both = common::check(&["fixtures/accounts"], &settings);
    for checked in [&alpha, &beta, &both] {
        assert!(
            checked.loaded.errors.is_empty(),
            "{:?}",
            checked.loaded.errors
        );
    }
    assert_eq!(said(&both), union(&alpha, &beta));
    assert_eq!(
        both.findings.len(),
        alpha.findings.len() + beta.findings.len()
    );

    // Beta exported no instance list: its keys' instance is unknown, not "deleted", even
    // though alpha's instance list is loaded beside it.
    let dangling: Vec<_> = both
        .findings
        .iter()
        .filter(|finding| finding.rule == "reference-dangling")
        .map(|finding| (finding.subject.account.as_deref(), finding.status))
        .collect();
    assert!(
        dangling.contains(&(Some(BETA), Status::Unknown)),
        "{dangling:?}"
    );
    assert!(
        dangling.contains(&(Some(ALPHA), Status::Fail)),
        "{dangling:?}"
    );
    assert!(
        !dangling.contains(&(Some(BETA), Status::Fail)),
        "{dangling:?}"
    );

    // Every finding names its account; the accounts are the two of the inputs.
    let accounts: BTreeSet<_> = both
        .findings
        .iter()
        .map(|finding| finding.subject.account.as_deref())
        .collect();
    assert_eq!(accounts, BTreeSet::from([Some(ALPHA), Some(BETA)]));
    assert_eq!(both.loaded.inventory.accounts.known(), 2);
}

/// `(rule, kind, id, account)` of every subject the rules evaluated.
fn passes(checked: &Checked) -> BTreeSet<(&'static str, &'static str, String, Option<String>)> {
    checked
        .evaluated
        .iter()
        .map(|item| {
            let subject = item
                .subject
                .view(&checked.loaded.inventory)
                .expect("every pass names an entity of the run");
            (
                item.rule,
                subject.kind.as_str(),
                subject.id.to_owned(),
                subject.account.map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn the_passes_of_two_accounts_together_are_the_union_of_each_alone() {
    // Each account is judged on a copy of its entities; the passes are named by their place
    // in the whole run's lists (`EvaluatedSubject::Entity`), and read back the same.
    let settings = Settings::default();
    let alpha = common::check(&["fixtures/accounts/alpha"], &settings);
    let beta = common::check(&["fixtures/accounts/beta"], &settings);
    let both = common::check(&["fixtures/accounts"], &settings);
    let union: BTreeSet<_> = passes(&alpha).union(&passes(&beta)).cloned().collect();
    assert!(union.len() > 20, "{union:?}");
    assert_eq!(passes(&both), union);
    assert_eq!(
        both.evaluated.len(),
        alpha.evaluated.len() + beta.evaluated.len()
    );
    // Keys, service IDs and policies are recorded by handle, not copied.
    let listed = |checked: &Checked| {
        checked
            .evaluated
            .iter()
            .filter(|item| matches!(item.subject, iamlint::rules::EvaluatedSubject::Entity(_)))
            .count()
    };
    assert!(listed(&both) > 0);
    assert_eq!(listed(&both), listed(&alpha) + listed(&beta));
}

#[test]
fn an_empty_list_belongs_to_the_account_of_its_directory() {
    // beta/policies.json is `{"policies": []}`: nothing in it names an account, but its
    // directory is beta's, so beta's keys are judged as having no restricting policy.
    let both = common::check(
        &["fixtures/accounts"],
        &Settings::only(&["key-restriction-missing"]),
    );
    let inventory = &both.loaded.inventory;
    assert!(inventory.accounts.collections_of(Some(BETA)).policies);
    assert!(!inventory.accounts.collections_of(Some(BETA)).instances);
    assert!(inventory.accounts.collections_of(Some(ALPHA)).instances);
    let beta_keys = both
        .findings
        .iter()
        .filter(|finding| finding.subject.account.as_deref() == Some(BETA))
        .count();
    assert_eq!(beta_keys, 2);
}

#[test]
fn identity_limits_and_service_id_counts_are_per_account() {
    // Beta's identity limits (3 service IDs per group) say nothing about alpha, and alpha's
    // service IDs do not count in beta's groups.
    let both = common::check(
        &["fixtures/accounts"],
        &Settings::only(&["serviceid-limit"]),
    );
    let limit: Vec<_> = both
        .findings
        .iter()
        .map(|finding| {
            (
                finding.subject.account.as_deref(),
                finding.subject.id.as_str(),
            )
        })
        .collect();
    assert_eq!(limit, [(Some(BETA), "ServiceIdGroup-ci-4e5f")]);
}

#[test]
fn two_generated_accounts_together_are_the_union_of_each_alone() {
    let dir = TempDir::new("accounts-union");
    let root = PathBuf::from(&dir.0);
    let mut nows = Vec::new();
    for (seed, name) in [(1, "first"), (2, "second")] {
        let options = generator::Options { scale: 1, seed };
        let summary = generator::generate(options, &root.join(name)).expect("the generator writes");
        let expected: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&summary.expected_path).unwrap()).unwrap();
        nows.push(expected["now"].as_str().unwrap().to_owned());
    }
    assert_eq!(nows[0], nows[1]);
    let settings = Settings {
        now: nows[0].parse().ok(),
        ..Settings::default()
    };
    let check = |paths: &[PathBuf]| {
        pipeline::run(&Request::new(paths, &LoadOptions::default(), &settings))
            .expect("valid options")
    };
    let first = check(&[root.join("first")]);
    let second = check(&[root.join("second")]);
    let both = check(std::slice::from_ref(&root));
    assert_eq!(both.loaded.inventory.accounts.known(), 2);
    assert_ne!(first.findings.len(), 0);
    assert_eq!(said(&both), union(&first, &second));
    assert_eq!(
        both.findings.len(),
        first.findings.len() + second.findings.len()
    );
}

/// The outputs of a run over two accounts name the account of every finding; the human
/// and Markdown summaries say how many accounts were checked.
#[test]
fn outputs_name_the_account_of_each_finding() {
    use iamlint::report::{RunReport, csv, markdown, sarif};
    let both = common::check(&["fixtures/accounts"], &Settings::default());
    let report = RunReport::new(&both.loaded, &both.findings);
    insta::assert_snapshot!("accounts_human", common::human(&both));
    insta::assert_snapshot!(
        "accounts_markdown",
        markdown::render(&report, &markdown::Style::default())
    );
    insta::assert_snapshot!("accounts_csv", csv::render(&report, &csv::Style::default()));
    let concise =
        iamlint::report::concise::render(&report, iamlint::report::human::Style::default(), None);
    let finding_lines: Vec<&str> = concise
        .lines()
        .take_while(|line| !line.is_empty())
        .collect();
    assert_eq!(finding_lines.len(), both.findings.len());
    assert!(finding_lines.iter().all(|line| {
        line.contains(&format!("account {ALPHA}: ")) || line.contains(&format!("account {BETA}: "))
    }));

    let json: serde_json::Value = serde_json::from_str(&common::json(&both)).unwrap();
    assert_eq!(json["summary"]["accounts"], 2);
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.iter().all(|finding| {
        [ALPHA, BETA].contains(&finding["account"].as_str().unwrap_or_default())
    }));
    let sarif: serde_json::Value =
        serde_json::from_str(&sarif::render(&report, &sarif::Style::default())).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["properties"]["account"], finding["account"]);
    }

    // One account alone prints as before: no account anywhere.
    let alpha = common::check(&["fixtures/accounts/alpha"], &Settings::default());
    let json: serde_json::Value = serde_json::from_str(&common::json(&alpha)).unwrap();
    assert!(json["summary"].get("accounts").is_none());
    assert!(json["findings"][0].get("account").is_none());
    assert!(!common::human(&alpha).contains(&format!("account {ALPHA}")));
}

/// A Terraform plan that names no account (its CRNs say `a/<ACCOUNT_ID>` until apply) is
/// judged with the exports of the one account beside it, and on its own beside several.
#[test]
fn a_plan_without_an_account_is_joined_only_with_a_single_account() {
    const PLAN: &str = "fixtures/terraform/plan-new-at-key.json";
    let settings = Settings::default();
    let plan = common::check(&[PLAN], &settings);
    assert_eq!(plan.loaded.inventory.accounts.known(), 0);

    let with_alpha = common::check(&[PLAN, "fixtures/accounts/alpha"], &settings);
    assert_eq!(with_alpha.loaded.inventory.accounts.known(), 1);
    assert!(!with_alpha.loaded.inventory.accounts.several());
    assert!(
        with_alpha
            .loaded
            .inventory
            .instances
            .iter()
            .all(|instance| instance.account.as_deref() == Some(ALPHA))
    );

    let alpha = common::check(&["fixtures/accounts/alpha"], &settings);
    let beta = common::check(&["fixtures/accounts/beta"], &settings);
    let all = common::check(&[PLAN, "fixtures/accounts"], &settings);
    assert_eq!(all.loaded.inventory.accounts.known(), 2);
    let expected: BTreeSet<Said> = union(&alpha, &beta).union(&said(&plan)).cloned().collect();
    assert_eq!(said(&all), expected);
}

/// Account-level settings are per account: each account's settings judge that account
/// alone, and a run of both gives the union of the two runs.
#[test]
fn each_account_is_judged_by_its_own_settings() {
    let dir = TempDir::new("accounts-settings");
    let settings = |account: &str, mfa: &str| {
        serde_json::json!({
            "account_id": account, "entity_tag": "1-0a", "restrict_create_service_id": "RESTRICTED",
            "restrict_create_platform_apikey": "RESTRICTED", "allowed_ip_addresses": "",
            "mfa": mfa, "session_expiration_in_seconds": "86400",
            "session_invalidation_in_seconds": "7200", "user_mfa": []
        })
        .to_string()
    };
    let alpha = dir.0.join("alpha_settings.json");
    let beta = dir.0.join("beta_settings.json");
    std::fs::write(&alpha, settings(ALPHA, "NONE")).expect("test setup");
    std::fs::write(&beta, settings(BETA, "TOTP4ALL")).expect("test setup");
    let only = Settings::only(&["account-mfa-disabled"]);
    let run = |paths: &[&PathBuf]| {
        let paths: Vec<&str> = paths.iter().map(|path| path.to_str().unwrap()).collect();
        common::check(&paths, &only)
    };
    let both = run(&[&alpha, &beta]);
    let failing: Vec<(Option<&str>, Status)> = both
        .findings
        .iter()
        .map(|finding| (finding.subject.account.as_deref(), finding.status))
        .collect();
    assert_eq!(failing, [(Some(ALPHA), Status::Fail)]);
    let passed: Vec<&str> = both
        .evaluated
        .iter()
        .filter_map(|item| item.subject.view(&both.loaded.inventory))
        .filter(|subject| {
            both.findings
                .iter()
                .all(|f| f.subject.account.as_deref() != subject.account)
        })
        .filter_map(|subject| subject.account)
        .collect();
    assert_eq!(passed, [BETA]);
    let union: BTreeSet<Said> = said(&run(&[&alpha]))
        .union(&said(&run(&[&beta])))
        .cloned()
        .collect();
    assert_eq!(said(&both), union);
}

/// An activity report names no account (IAM Identity's `Report` has no `account_id`): in
/// a flat directory of two accounts' exports, it belongs to the account whose API keys and
/// users it lists (a user of both accounts tells nothing), and is judged there.
#[test]
fn an_activity_report_belongs_to_the_account_whose_identities_it_lists() {
    let checked = common::check(
        &["fixtures/accounts-flat"],
        &Settings::only(&["user-inactive", "apikey-unused"]),
    );
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let failing: BTreeSet<(&str, String, Option<String>)> = checked
        .findings
        .iter()
        .filter(|finding| finding.status == Status::Fail)
        .map(|finding| {
            (
                finding.rule,
                finding.subject.id.clone(),
                finding.subject.account.as_deref().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        failing,
        BTreeSet::from([
            (
                "user-inactive",
                "IBMid-2000BBBB01".to_owned(),
                Some(BETA.to_owned())
            ),
            (
                "apikey-unused",
                "ApiKey-7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f".to_owned(),
                Some(BETA.to_owned())
            ),
        ])
    );
    // Alpha has no report of its own: it says so; nothing is left without an account.
    for finding in &checked.findings {
        assert!(
            finding.subject.account.is_some() || finding.subject.id.contains(ALPHA),
            "{finding:?}"
        );
        assert!(
            !finding.message.contains("names no account"),
            "{}",
            finding.message
        );
    }
    assert!(
        checked
            .findings
            .iter()
            .any(|finding| finding.rule == "user-inactive"
                && finding.status == Status::Unknown
                && finding.subject.id.contains(ALPHA))
    );
}
