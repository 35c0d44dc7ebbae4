//! Waivers: config waivers (exact and glob resources, expiry, unused ones), inline
//! `# iamlint: ignore[...]` comments, `--no-waivers`, the exit code, and what every output
//! format says about waived findings. The account is `fixtures/waivers/exports`, its config
//! `fixtures/waivers/iamlint.yaml`.

use std::path::Path;

use iamlint::config::{self, Config};
use iamlint::rules::Settings;
use iamlint::triage::{self, Exemptions, WarningCode};
use serde_json::Value;

use crate::common::{self, TempDir};

const CONFIG: &str = "fixtures/waivers/iamlint.yaml";
const EXPORTS: &str = "fixtures/waivers/exports";

fn check_waived(format: &str, extra: &[&str]) -> common::Run {
    let mut args = vec!["check", "--config", CONFIG, "--format", format];
    args.extend_from_slice(extra);
    args.push(EXPORTS);
    common::run(&args)
}

fn json(run: &common::Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}{}", run.stdout, run.stderr))
}

#[test]
fn waivers_in_human_output() {
    let run = check_waived("human", &["-v"]);
    // `at-reports` has no restriction and no valid waiver (its inline one names a rule
    // that does not exist): the run fails.
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("waivers_human_stdout", run.stdout);
    insta::assert_snapshot!("waivers_human_stderr", run.stderr);
}

#[test]
fn waived_findings_are_listed_in_json_with_their_waiver() {
    let run = check_waived("json", &[]);
    let output = json(&run);
    assert_eq!(output["summary"]["waived"], 3);
    let waived = output["waived"].as_array().unwrap();
    let sources: Vec<(&str, &str, &str)> = waived
        .iter()
        .map(|item| {
            (
                item["rule"].as_str().unwrap(),
                item["waiver"]["source"].as_str().unwrap(),
                item["waiver"]["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(sources.contains(&(
        "key-restriction-missing",
        "inline",
        "read-only archive job, deleted with the instance in Q3"
    )));
    assert!(
        output["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|finding| finding["resource"]["name"] != "at-export"),
        "a waived finding is not among the findings"
    );
    let codes: Vec<&str> = output["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|warning| warning["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "inline-waiver-invalid",
            "inline-waiver-invalid",
            "waiver-expired",
            "waiver-unused"
        ]
    );
    insta::assert_snapshot!("waivers_json", run.stdout);
}

#[test]
fn an_expired_waiver_stops_applying_and_says_so() {
    let output = json(&check_waived("json", &[]));
    let deprecated: Vec<&Value> = output["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == "at-service-deprecated")
        .collect();
    assert_eq!(deprecated.len(), 1, "reported again");
    let warning = output["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|warning| warning["code"] == "waiver-expired")
        .unwrap();
    assert_eq!(warning["file"], CONFIG);
    assert_eq!(warning["line"], 16, "the line of its `expires`");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2020-01-01"),
        "{warning}"
    );
}

/// The config of the fixture, and the fixture checked at `now`.
fn triage_at(now: &str, config_text: &str) -> (Vec<iamlint::rules::Finding>, triage::Triage) {
    let config = config::parse_text("iamlint.yaml", Path::new("iamlint.yaml"), config_text)
        .unwrap_or_else(|errors| panic!("{errors:?}"));
    let settings = Settings {
        now: now.parse().ok(),
        ..Settings::default()
    };
    let checked = common::check(&[EXPORTS], &settings);
    triage::apply(
        checked.findings,
        &checked.loaded,
        &Exemptions {
            config: &config,
            waivers: true,
            baseline: None,
            settings: &settings,
        },
    )
}

#[test]
fn a_waiver_applies_until_the_day_it_expires() {
    let config = |expires: &str| {
        format!(
            "waivers:\n  - rule: at-service-deprecated\n    resource: \"*\"\n    reason: planned\n    \
             expires: {expires}\n"
        )
    };
    // The day before: it applies.
    let deprecated = |triage: &triage::Triage| {
        triage
            .waived
            .iter()
            .filter(|waived| waived.finding.rule == "at-service-deprecated")
            .count()
    };
    let (_, triage) = triage_at("2025-06-29T23:59:59Z", &config("2025-06-30"));
    assert_eq!(deprecated(&triage), 1);
    assert!(
        triage
            .warnings
            .iter()
            .all(|warning| warning.code != WarningCode::WaiverExpired)
    );
    // On that day (UTC), it no longer does.
    let (reported, triage) = triage_at("2025-06-30T00:00:00Z", &config("2025-06-30"));
    assert_eq!(deprecated(&triage), 0);
    assert!(
        reported
            .iter()
            .any(|finding| finding.rule == "at-service-deprecated")
    );
    let expired: Vec<_> = triage
        .warnings
        .iter()
        .filter(|warning| warning.code == WarningCode::WaiverExpired)
        .collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].line, Some(5));
}

#[test]
fn a_waiver_of_a_rule_that_did_not_run_is_not_unused() {
    let run = check_waived("json", &["--select", "key-restriction-missing"]);
    let output = json(&run);
    let codes: Vec<&str> = output["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|warning| warning["code"].as_str().unwrap())
        .collect();
    // `key-role-excessive` did not run: its waiver matched nothing because nothing was
    // judged, which is no reason to remove it.
    assert!(!codes.contains(&"waiver-unused"), "{codes:?}");
    assert!(!run.stderr.contains("waiver-unused"), "{}", run.stderr);
}

#[test]
fn no_waivers_reports_every_finding() {
    let with = json(&check_waived("json", &[]));
    let without_run = check_waived("json", &["--no-waivers"]);
    let without = json(&without_run);
    assert_eq!(without["summary"]["waived"], 0);
    assert!(without["waived"].as_array().unwrap().is_empty());
    assert!(without["warnings"].as_array().unwrap().is_empty());
    assert!(without_run.stderr.is_empty(), "{}", without_run.stderr);
    assert_eq!(
        without["findings"].as_array().unwrap().len(),
        with["findings"].as_array().unwrap().len() + 3
    );
    let human = check_waived("human", &["--no-waivers"]);
    assert!(
        human.stdout.contains("waivers not applied (--no-waivers)"),
        "{}",
        human.stdout
    );
}

#[test]
fn waived_findings_never_fail_a_run() {
    let dir = TempDir::new("waive-all");
    let config = dir.0.join("iamlint.yaml");
    std::fs::write(
        &config,
        "waivers:\n  - rule: key-restriction-missing\n    \
         resource: \"crn:v1:bluemix:public:logdnaat:*:resource-key:*\"\n    \
         reason: every auditing key is restricted by context-based restrictions\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let run = common::run(&["check", "--config", config, EXPORTS]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("3 findings waived"), "{}", run.stdout);
    let audit = common::run(&["check", "--config", config, "--no-waivers", EXPORTS]);
    assert_eq!(audit.code, 1, "--no-waivers sees them again");
}

#[test]
fn inline_waivers_apply_on_their_line_or_the_next() {
    let output = json(&check_waived("json", &[]));
    let inline: Vec<&Value> = output["waived"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["waiver"]["source"] == "inline")
        .collect();
    assert_eq!(inline.len(), 1);
    assert_eq!(inline[0]["resource"]["name"], "at-archive");
    assert_eq!(
        inline[0]["waiver"]["file"],
        "fixtures/waivers/exports/more-keys.yaml"
    );
    assert_eq!(inline[0]["waiver"]["line"], 8);
    // The finding sits on the line after the comment.
    assert_eq!(inline[0]["location"]["line"], 9);
    let warnings = output["warnings"].as_array().unwrap();
    let invalid: Vec<(&str, u64)> = warnings
        .iter()
        .filter(|warning| warning["code"] == "inline-waiver-invalid")
        .map(|warning| {
            (
                warning["message"].as_str().unwrap(),
                warning["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        invalid,
        [
            (
                "inline waiver names unknown rule `key-restriction-mising`; did you mean \
                 `key-restriction-missing`?",
                15
            ),
            (
                "inline waiver of `serviceid-unlocked` has no reason and is ignored",
                22
            ),
        ]
    );
}

#[test]
fn every_output_format_counts_and_lists_waived_findings() {
    let summary = std::env::temp_dir().join(format!("iamlint-waived-{}.md", std::process::id()));
    let summary_path = summary.to_str().unwrap();
    let github = common::run_with(
        &["check", "--config", CONFIG, "--format", "github", EXPORTS],
        &[("GITHUB_STEP_SUMMARY", summary_path)],
    );
    let job_summary = std::fs::read_to_string(&summary).unwrap_or_default();
    let _ = std::fs::remove_file(&summary);
    assert!(github.stdout.contains("; 3 waived"), "{}", github.stdout);
    assert!(job_summary.contains("· 3 waived"), "{job_summary}");
    insta::assert_snapshot!("waivers_github", github.stdout);

    let markdown = check_waived("markdown", &[]);
    insta::assert_snapshot!("waivers_markdown", markdown.stdout);

    let csv = check_waived("csv", &[]);
    let mut reader = ::csv::Reader::from_reader(csv.stdout.as_bytes());
    let states: Vec<(String, String)> = reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            (row[13].to_owned(), row[14].to_owned())
        })
        .filter(|(state, _)| state == "waived")
        .collect();
    assert_eq!(states.len(), 3);
    assert!(states.iter().all(|(_, reason)| !reason.is_empty()));
    insta::assert_snapshot!("waivers_csv", csv.stdout);

    let junit = check_waived("junit", &[]);
    let document = roxmltree::Document::parse(&junit.stdout).unwrap();
    let waived: Vec<&str> = document
        .descendants()
        .filter(|node| node.has_tag_name("skipped"))
        .filter_map(|node| node.attribute("message"))
        .filter(|message| message.starts_with("waived"))
        .collect();
    assert_eq!(waived.len(), 3, "{}", junit.stdout);
    assert!(
        waived
            .iter()
            .any(|message| message.contains("until 2999-12-31, fixtures/waivers/iamlint.yaml:4")),
        "{waived:?}"
    );
    insta::assert_snapshot!("waivers_junit", junit.stdout);

    let sarif = check_waived("sarif", &[]);
    crate::sarif::assert_valid(&sarif.stdout);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["properties"]["waived"], 3);
    let suppressed: Vec<&Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|result| result["suppressions"].as_array())
        .flatten()
        .collect();
    assert_eq!(suppressed.len(), 3);
    assert!(
        suppressed
            .iter()
            .any(|suppression| suppression["kind"] == "inSource"
                && suppression["justification"]
                    == "read-only archive job, deleted with the instance in Q3")
    );
    assert!(
        suppressed
            .iter()
            .any(|suppression| suppression["kind"] == "external"
                && suppression["justification"]
                    == "export job restricted by a context-based restriction instead (SEC-1432) \
                (waived until 2999-12-31)")
    );
    let notifications = run["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 4);

    let html = check_waived("html", &[]);
    let section = section_of(&html.stdout, "<section id=\"waived\">", "</section>");
    assert!(section.contains("<td>2999-12-31</td>"), "{section}");
    insta::assert_snapshot!("waivers_html_section", section);
    assert!(
        html.stdout
            .contains("; 3 waived (<a href=\"#waived\">listed</a>, not counted)")
    );

    let report = common::run(&[
        "report", "--format", "markdown", "--config", CONFIG, EXPORTS,
    ]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let section = section_of(&report.stdout, "## Waived findings", "\n## ");
    insta::assert_snapshot!("waivers_report_markdown_section", section);
    assert!(
        report.stderr.contains("waiver-expired"),
        "{}",
        report.stderr
    );
}

/// The text from `start` to the first `end` after it.
fn section_of<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).expect("the section is there");
    let rest = &text[from..];
    let to = rest[start.len()..]
        .find(end)
        .map_or(rest.len(), |at| at + start.len() + end.len());
    &rest[..to]
}

#[test]
fn no_waiver_config_means_nothing_waived() {
    let config = Config::default();
    let settings = Settings::default();
    let checked = common::check(&["fixtures/baseline"], &settings);
    let count = checked.findings.len();
    let (reported, triage) = triage::apply(
        checked.findings,
        &checked.loaded,
        &Exemptions {
            config: &config,
            waivers: true,
            baseline: None,
            settings: &settings,
        },
    );
    assert_eq!(reported.len(), count);
    assert!(triage.waived.is_empty() && triage.warnings.is_empty());
}
