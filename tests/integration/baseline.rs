//! Baselines through the binary: the round trip of issue 6 (write; edit an unrelated line:
//! nothing new; add a violation: exactly one new; remove one: one fixed; write again: pruned),
//! every output format with a baseline, and the mistakes (missing, foreign or newer files,
//! inputs that do not load).

use std::path::Path;

use iamlint::rules::Settings;
use iamlint::triage::Baseline;
use serde_json::Value;

use crate::common::{self, TempDir};

/// A key on the auditing instance whose service ID has no policy: one
/// `key-restriction-missing` finding, nothing else.
const NEW_KEY: &str = "\
- crn: crn:v1:bluemix:public:logdnaat:us-south:a/a1b2c3d4e5f60718293a4b5c6d7e8f90:5f1c2e3a-7b8d-4c9e-a0f1-23456789abcd:resource-key:4d1f7a2c-8e3b-4b6d-a9c5-1e2f3a4b5c6d
  name: at-new-reader
  source_crn: 'crn:v1:bluemix:public:logdnaat:us-south:a/a1b2c3d4e5f60718293a4b5c6d7e8f90:5f1c2e3a-7b8d-4c9e-a0f1-23456789abcd::'
  credentials:
    iam_role_crn: crn:v1:bluemix:public:iam::::serviceRole:Manager
    iam_serviceid_crn: crn:v1:bluemix:public:iam-identity::a/a1b2c3d4e5f60718293a4b5c6d7e8f90::serviceid:ServiceId-bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
";

const NEW_SERVICE_ID: &str = "\
- id: ServiceId-bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
  name: at-new-reader
  locked: true
";

/// A copy of `fixtures/baseline` to edit, checked from inside it (so paths are relative).
struct Account {
    dir: TempDir,
}

impl Account {
    fn new(name: &str) -> Self {
        let dir = TempDir::new(name);
        std::fs::create_dir_all(dir.0.join("exports")).expect("test setup");
        // `account.yaml`, and the account-level documents that make the posture rules pass.
        for file in std::fs::read_dir("fixtures/baseline").expect("test setup") {
            let file = file.expect("test setup").path();
            let name = file.file_name().expect("test setup");
            std::fs::copy(&file, dir.0.join("exports").join(name)).expect("test setup");
        }
        Self { dir }
    }

    fn path(&self) -> std::path::PathBuf {
        self.dir.0.join("exports/account.yaml")
    }

    fn edit(&self, change: impl Fn(String) -> String) {
        let text = std::fs::read_to_string(self.path()).expect("test setup");
        let changed = change(text.clone());
        assert_ne!(changed, text, "the edit changed nothing");
        std::fs::write(self.path(), changed).expect("test setup");
    }

    /// `iamlint check --no-config ARGS` in the copy.
    fn check(&self, args: &[&str]) -> common::Run {
        let mut all = vec!["check", "--no-config"];
        all.extend_from_slice(args);
        common::run_in(&self.dir.0, &all)
    }

    /// `iamlint baseline write --no-config FILE exports` in the copy.
    fn write(&self, file: &str) -> common::Run {
        common::run_in(
            &self.dir.0,
            &["baseline", "write", "--no-config", file, "exports"],
        )
    }

    fn baseline(&self) -> String {
        std::fs::read_to_string(self.dir.0.join("baseline.json")).expect("test setup")
    }
}

fn json(run: &common::Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}{}", run.stdout, run.stderr))
}

#[test]
fn baseline_round_trip() {
    let account = Account::new("baseline-round-trip");
    let write = account.write("baseline.json");
    assert_eq!(write.code, 0, "{}", write.stderr);
    assert_eq!(write.stdout, "wrote baseline baseline.json: 12 findings\n");
    insta::assert_snapshot!("baseline_file", account.baseline());

    // Nothing changed: nothing new, nothing fixed, exit 0.
    let check = |format: &str| {
        account.check(&["--baseline", "baseline.json", "--format", format, "exports"])
    };
    let run = check("human");
    assert_eq!(run.code, 0, "{}", run.stdout);

    // An unrelated edit: lines move, a name changes (and with it messages), a comment is
    // added. Fingerprints do not change: still nothing new.
    account.edit(|text| {
        format!("# exported again on Monday\n\n{}", text)
            .replace("name: audit-us-south", "name: audit-us-south-renamed")
    });
    let run = check("human");
    assert_eq!(run.code, 0, "{}", run.stdout);
    insta::assert_snapshot!("baseline_unrelated_edit", run.stdout);

    // A new violation: exactly one new finding, which fails the run.
    account.edit(|text| {
        text.replace("serviceids:\n", &format!("{NEW_KEY}serviceids:\n"))
            .replace("policies:\n", &format!("{NEW_SERVICE_ID}policies:\n"))
    });
    let run = check("json");
    assert_eq!(run.code, 1);
    let output = json(&run);
    let findings = output["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "key-restriction-missing");
    assert_eq!(findings[0]["resource"]["name"], "at-new-reader");
    assert_eq!(
        output["summary"]["baseline"],
        serde_json::json!({"file": "baseline.json", "baselined": 12, "fixed": 0})
    );
    insta::assert_snapshot!("baseline_one_new", check("human").stdout);

    // A violation removed (the key of `at-export` deleted): one entry fixed.
    account.edit(|text| {
        let start = text.find("- crn: crn:v1:bluemix:public:logdnaat:us-south:a/a1b2c3d4e5f60718293a4b5c6d7e8f90:5f1c2e3a-7b8d-4c9e-a0f1-23456789abcd:resource-key:2e7c9b14").unwrap();
        let end = start + text[start..].find("- crn: crn:v1:bluemix:public:logdnaat:us-south:a/a1b2c3d4e5f60718293a4b5c6d7e8f90:5f1c2e3a-7b8d-4c9e-a0f1-23456789abcd:resource-key:4d1f7a2c").unwrap();
        format!("{}{}", &text[..start], &text[end..])
    });
    let run = check("json");
    let output = json(&run);
    assert_eq!(output["summary"]["baseline"]["fixed"], 1);
    assert_eq!(output["summary"]["baseline"]["baselined"], 11);
    let fixed = output["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0]["rule"], "key-restriction-missing");
    assert_eq!(fixed[0]["resource"]["name"], "at-export");
    let human = check("human");
    assert!(
        human
            .stdout
            .contains("baseline baseline.json: 11 known findings not shown, 1 fixed"),
        "{}",
        human.stdout
    );
    insta::assert_snapshot!("baseline_one_fixed", human.stdout);

    // Written again: the fixed entry is pruned, the new finding added, the rest kept as
    // they were (their messages still name the old instance name).
    let write = account.write("baseline.json");
    assert_eq!(write.code, 0, "{}", write.stderr);
    assert_eq!(
        write.stdout,
        "wrote baseline baseline.json: 12 findings (11 kept, 1 added, 1 pruned: no longer occur)\n"
    );
    let rewritten = account.baseline();
    assert!(rewritten.contains("at-new-reader") && !rewritten.contains("2e7c9b14"));
    assert!(
        rewritten.contains("`audit-us-south`"),
        "kept entries are unchanged"
    );
    let run = check("human");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("baseline baseline.json: 12 known findings not shown, 0 fixed"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_output_format_counts_baselined_findings() {
    let account = Account::new("baseline-formats");
    let write = account.write("baseline.json");
    assert_eq!(write.code, 0, "{}", write.stderr);
    // One new finding and one fixed entry.
    account.edit(|text| {
        text.replace("serviceids:\n", &format!("{NEW_KEY}serviceids:\n"))
            .replace("policies:\n", &format!("{NEW_SERVICE_ID}policies:\n"))
    });
    let mut baseline: Value = serde_json::from_str(&account.baseline()).unwrap();
    // An entry that no longer occurs: as if a finding had been fixed since.
    baseline["findings"].as_array_mut().unwrap().push(serde_json::json!({
        "fingerprint": "0123456789abcdef0123456789abcdef",
        "rule": "serviceid-unlocked",
        "severity": "info",
        "resource": {"kind": "service_id", "id": "ServiceId-0", "name": "gone", "address": null},
        "message": "service ID `gone` is not locked"
    }));
    std::fs::write(account.dir.0.join("baseline.json"), baseline.to_string()).unwrap();
    let check = |format: &str| {
        account.check(&["--baseline", "baseline.json", "--format", format, "exports"])
    };

    let sarif = check("sarif");
    crate::sarif::assert_valid(&sarif.stdout);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["baselineState"], "new");
    assert_eq!(run["properties"]["baseline"]["baselined"], 12);
    assert_eq!(run["properties"]["baseline"]["fixed"], 1);
    assert_eq!(
        run["properties"]["baseline"]["fixedEntries"][0]["resource"]["name"],
        "gone"
    );

    let markdown = check("markdown");
    assert!(
        markdown.stdout.contains("· 12 in the baseline, 1 fixed"),
        "{}",
        markdown.stdout
    );
    let github = check("github");
    assert!(
        github.stdout.contains("; 12 in the baseline, 1 fixed"),
        "{}",
        github.stdout
    );
    let junit = check("junit");
    let document = roxmltree::Document::parse(&junit.stdout).unwrap();
    let baselined = document
        .descendants()
        .filter(|node| node.has_tag_name("skipped"))
        .filter(|node| {
            node.attribute("message")
                .is_some_and(|message| message.starts_with("in the baseline baseline.json"))
        })
        .count();
    assert_eq!(baselined, 12);
    assert_eq!(
        document
            .descendants()
            .filter(|node| node.has_tag_name("failure"))
            .count(),
        1
    );
    let csv = check("csv");
    let states: Vec<String> = ::csv::Reader::from_reader(csv.stdout.as_bytes())
        .records()
        .map(|row| row.unwrap()[13].to_owned())
        .collect();
    assert_eq!(
        states.iter().filter(|state| *state == "reported").count(),
        1
    );
    assert_eq!(
        states.iter().filter(|state| *state == "baselined").count(),
        12
    );
    let html = check("html");
    assert!(html.stdout.contains("<h3 id=\"baseline\">Baseline</h3>"));
    assert!(html.stdout.contains("; 12 in the baseline, "));
    assert!(
        html.stdout
            .contains("<td>service ID <code>gone</code> is not locked</td>"),
        "the fixed entry is listed"
    );
    let human = check("human");
    assert!(
        human.stdout.contains(
            "  fixed: serviceid-unlocked on service ID `gone` (0123456789abcdef0123456789abcdef)"
        ),
        "{}",
        human.stdout
    );
}

#[test]
fn baseline_mistakes_exit_2() {
    let account = Account::new("baseline-mistakes");
    let missing = account.check(&["--baseline", "nope.json", "exports"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot read baseline nope.json")
            && missing
                .stderr
                .contains("iamlint baseline write nope.json PATH..."),
        "{}",
        missing.stderr
    );
    let foreign = account.check(&["--baseline", "exports/account.yaml", "exports"]);
    assert_eq!(foreign.code, 2);
    assert!(foreign.stderr.contains("not JSON"), "{}", foreign.stderr);
    std::fs::write(
        account.dir.0.join("newer.json"),
        r#"{"iamlint_baseline": 2, "findings": []}"#,
    )
    .unwrap();
    let newer = account.check(&["--baseline", "newer.json", "exports"]);
    assert_eq!(newer.code, 2);
    assert!(
        newer.stderr.contains("written by a newer iamlint"),
        "{}",
        newer.stderr
    );
    let both = account.check(&["--baseline", "newer.json", "--new-only", "exports"]);
    assert_eq!(both.code, 2, "--baseline and --new-only do not combine");

    // `baseline write` never overwrites what is not a baseline.
    let export = account.dir.0.join("exports/account.yaml");
    let before = std::fs::read_to_string(&export).unwrap();
    let overwrite = account.write("exports/account.yaml");
    assert_eq!(overwrite.code, 2);
    assert!(
        overwrite.stderr.contains("is not overwritten"),
        "{}",
        overwrite.stderr
    );
    assert_eq!(std::fs::read_to_string(&export).unwrap(), before);

    // Nor does it write a baseline of inputs that did not all load.
    std::fs::write(
        account.dir.0.join("exports/broken.json"),
        "{\"policies\": [",
    )
    .unwrap();
    let broken = account.write("baseline.json");
    assert_eq!(broken.code, 2);
    assert!(
        broken
            .stderr
            .contains("baseline baseline.json not written: 1 input could not be loaded"),
        "{}",
        broken.stderr
    );
    assert!(!account.dir.0.join("baseline.json").exists());
}

#[test]
fn duplicate_findings_match_one_to_one_and_rules_not_run_keep_their_entries() {
    let settings = Settings::default();
    let checked = common::check(&["fixtures/baseline"], &settings);
    let (baseline, recorded) = Baseline::record(None, &checked.findings, &settings);
    assert_eq!(recorded.added, checked.findings.len());
    // The same finding twice: one is in the baseline, the other is new.
    let mut twice = checked.findings.clone();
    twice.push(checked.findings[0].clone());
    let compared = baseline.compare(twice, &settings);
    assert_eq!(compared.new.len(), 1);
    assert_eq!(compared.baselined.len(), checked.findings.len());
    assert!(compared.fixed.is_empty());
    // With one rule only, the entries of the others are neither fixed nor pruned.
    let only = Settings::only(&["key-restriction-missing"]);
    let selected = common::check(&["fixtures/baseline"], &only);
    let compared = baseline.compare(selected.findings.clone(), &only);
    assert!(compared.new.is_empty() && compared.fixed.is_empty());
    let (rewritten, recorded) = Baseline::record(Some(&baseline), &selected.findings, &only);
    assert_eq!(recorded.pruned, 0);
    assert_eq!(rewritten.findings, baseline.findings);
    assert_eq!(Baseline::parse(&rewritten.to_json()).unwrap(), rewritten);
    assert!(Path::new("fixtures/baseline/account.yaml").exists());
}
