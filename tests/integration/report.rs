//! The compliance report's structure (issue 18): it leads with triage (the incomplete-input
//! banner, failing counts, the top risks), lists every finding in one table sorted by
//! severity then rule whose rows link to their details, collapses the rule sections, and
//! gives several accounts a section each. Checked on the rendered HTML and Markdown, as a
//! reader (or `scripts/check-report.sh`'s browser) would see them.

use iamlint::report::compliance::{self, Compliance};
use iamlint::report::{RunReport, compliance_markdown, html};
use iamlint::rules::Settings;

use crate::common;
use crate::formats::fixed_facts;

fn build(paths: &[&str]) -> (Compliance, String) {
    let checked = common::check(paths, &Settings::default());
    let report = RunReport::new(&checked.loaded, &checked.findings);
    let compliance = compliance::build(&report, &checked.evaluated, &fixed_facts(&checked));
    let page = html::render(&compliance);
    (compliance, page)
}

/// The values of `attribute` on the findings table's rows, in page order.
fn row_attributes(page: &str, attribute: &str) -> Vec<String> {
    let table = section(page, "<table class=\"findings\"", "</table>");
    table
        .split("<tr id=\"row-")
        .skip(1)
        .map(|row| {
            let start = format!(" {attribute}=\"");
            let from = row.find(&start).map(|at| at + start.len()).unwrap_or(0);
            row[from..].split('"').next().unwrap_or_default().to_owned()
        })
        .collect()
}

fn section<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start}"));
    let rest = &text[from..];
    &rest[..rest.find(end).map_or(rest.len(), |at| at + end.len())]
}

#[test]
fn the_findings_table_is_sorted_by_severity_then_rule_and_links_to_details() {
    let (compliance, page) = build(&["fixtures/demo"]);
    let ranks: Vec<u8> = row_attributes(&page, "data-rank")
        .iter()
        .map(|rank| rank.parse().unwrap())
        .collect();
    let rules = row_attributes(&page, "data-rule");
    assert_eq!(ranks.len(), compliance.findings, "one row per finding");
    assert!(ranks.len() > 40);
    for at in 1..ranks.len() {
        assert!(
            ranks[at - 1] > ranks[at] || (ranks[at - 1] == ranks[at] && rules[at - 1] <= rules[at]),
            "row {at} out of order: {:?} {:?}",
            (ranks[at - 1], &rules[at - 1]),
            (ranks[at], &rules[at])
        );
    }
    // Every row's link has its detail, inside a collapsed rule section.
    for row in &compliance.table {
        assert!(page.contains(&format!("<a href=\"#{}\">", row.anchor)));
        assert!(
            page.contains(&format!("<div class=\"finding\" id=\"{}\">", row.anchor))
                || page.contains(&format!(
                    "<div class=\"finding unknown\" id=\"{}\">",
                    row.anchor
                )),
            "no detail for {}",
            row.anchor
        );
    }
    // The filters cover the columns; the form is hidden until the script shows it.
    for column in ["severity", "status", "rule", "kind"] {
        assert!(
            page.contains(&format!("<select name=\"{column}\">")),
            "{column}"
        );
    }
    assert!(page.contains("<form class=\"filters\" id=\"filters\" hidden>"));
    // One account: no account column or filter.
    assert!(!page.contains("<select name=\"account\">"));
}

#[test]
fn the_first_screen_leads_with_failing_counts_cis_and_top_risks() {
    let (compliance, page) = build(&["fixtures/demo"]);
    // Complete inputs: no banner.
    assert!(
        compliance.incomplete.is_empty(),
        "{:?}",
        compliance.incomplete
    );
    assert!(!page.contains("id=\"incomplete\""));
    // Failing counts are counts of failing findings, by severity, most severe first.
    let failing: usize = compliance.failing.iter().map(|count| count.count).sum();
    assert_eq!(failing + compliance.unknown, compliance.findings);
    let order: Vec<&str> = compliance
        .failing
        .iter()
        .map(|count| count.severity)
        .collect();
    assert_eq!(order, ["critical", "high", "medium", "low", "info"]);
    // The summary comes before the table, the table before the rules.
    let at = |needle: &str| page.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    assert!(at("id=\"failing-by-severity\"") < at("id=\"cis-summary\""));
    assert!(at("id=\"top-risks\"") < at("id=\"findings-table\""));
    assert!(at("id=\"findings-table\"") < at("<section id=\"rules\">"));
    // CIS automated controls add up.
    let cis = compliance.cis_totals;
    let automated = compliance
        .cis_rows
        .iter()
        .filter(|row| row.coverage_class == "automated")
        .count();
    assert_eq!(cis.automated(), automated);
    assert!(cis.fail > 0);
    // Top risks: failing, not info, most severe first, no more than five, and the first of
    // distinct rules while there are some.
    assert_eq!(compliance.top_risks.len(), compliance::TOP_RISKS);
    assert!(
        compliance
            .top_risks
            .iter()
            .all(|risk| risk.status == "fail" && risk.rank > 0)
    );
    let mut rules: Vec<&str> = compliance.top_risks.iter().map(|risk| risk.rule).collect();
    rules.dedup();
    assert_eq!(rules.len(), compliance.top_risks.len(), "{rules:?}");
    // No proportional bars: counts only.
    assert!(!page.contains("<svg"));
}

#[test]
fn rule_sections_are_collapsed_ordered_and_say_what_they_counted() {
    let (compliance, page) = build(&["fixtures/demo"]);
    assert_eq!(
        page.matches("<details class=\"rule\" id=\"rule-").count(),
        compliance.rules.len()
    );
    assert!(!page.contains("<details class=\"rule\" id=\"rule-at-key-limit\" open"));
    // Passing resources are listed in a collapsed, capped list.
    let unrestricted = compliance
        .rules
        .iter()
        .find(|rule| rule.id == "serviceid-unrestricted")
        .unwrap();
    assert_eq!(unrestricted.passed.len(), compliance::PASSED_LISTED);
    assert!(unrestricted.passed_more > 1000);
    assert!(
        unrestricted.checked.ends_with(" service IDs"),
        "{}",
        unrestricted.checked
    );
    assert!(page.contains(&format!(
        "{} pass of {}",
        unrestricted.tally.pass, unrestricted.checked
    )));
    assert!(page.contains("<details class=\"passed\"><summary>"));
    // Findings within a rule: most severe first.
    let rank = |severity: &str| {
        ["info", "low", "medium", "high", "critical"]
            .iter()
            .position(|known| *known == severity)
            .unwrap()
    };
    for rule in &compliance.rules {
        let ranks: Vec<usize> = rule
            .failures
            .iter()
            .map(|item| rank(&item.severity))
            .collect();
        assert!(
            ranks.windows(2).all(|pair| pair[0] >= pair[1]),
            "{}: {ranks:?}",
            rule.id
        );
    }
}

#[test]
fn a_broken_input_puts_the_incomplete_banner_first() {
    let (compliance, page) = build(&["fixtures/demo", "fixtures/invalid/truncated.json"]);
    assert_eq!(
        compliance.incomplete,
        ["1 file could not be read (`fixtures/invalid/truncated.json`)"]
    );
    let banner = page
        .find("<div class=\"banner\" id=\"incomplete\" role=\"alert\">")
        .unwrap();
    assert!(banner < page.find("<section id=\"summary\">").unwrap());
    assert!(page.contains("This report is incomplete:</strong> 1 file could not be read"));
    assert!(page.contains("<a href=\"#problems\">input problems</a>"));
    assert!(
        compliance.inputs_line.ends_with(", 1 not loaded"),
        "{}",
        compliance.inputs_line
    );

    let markdown = compliance_markdown::render(&compliance);
    let summary = markdown.find("## Summary").unwrap();
    let warning = markdown
        .find("> **This report is incomplete:** 1 file could not be read (`fixtures/invalid/truncated.json`)")
        .unwrap();
    assert!(warning < summary);
}

#[test]
fn a_partly_read_input_is_named_in_the_banner() {
    let (compliance, page) = build(&["fixtures/invalid/partly-loaded-policies.json"]);
    assert_eq!(
        compliance.incomplete.len(),
        1,
        "{:?}",
        compliance.incomplete
    );
    assert!(
        compliance.incomplete[0].contains("partly-loaded-policies.json` was read in part (loaded"),
        "{:?}",
        compliance.incomplete
    );
    assert!(page.contains("id=\"incomplete\""));
    assert!(
        compliance
            .inputs
            .iter()
            .all(|input| input.status == "loaded in part")
    );
}

#[test]
fn several_accounts_get_a_section_each_and_a_roll_up() {
    let (compliance, page) = build(&["fixtures/accounts"]);
    let ids: Vec<&str> = compliance
        .account_sections
        .iter()
        .map(|account| account.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "f9e8d7c6b5a4938271605f4e3d2c1b0a"
        ]
    );
    // The roll-up adds up to the whole.
    let findings: usize = compliance
        .account_sections
        .iter()
        .map(|account| account.findings)
        .sum();
    assert_eq!(findings, compliance.findings);
    for (at, count) in compliance.failing.iter().enumerate() {
        let sum: usize = compliance
            .account_sections
            .iter()
            .map(|account| account.failing[at].count)
            .sum();
        assert_eq!(sum, count.count, "{}", count.severity);
    }
    assert!(page.contains("<table class=\"numbers\" id=\"accounts-rollup\">"));
    assert_eq!(
        page.matches("<details class=\"section\" id=\"account-")
            .count(),
        2
    );
    // The table has an account column and filter.
    assert!(page.contains("<select name=\"account\">"));
    let accounts = row_attributes(&page, "data-account");
    assert!(
        accounts
            .iter()
            .all(|account| ids.contains(&account.as_str()))
    );

    let markdown = compliance_markdown::render(&compliance);
    assert!(markdown.contains("### By account"));
    assert!(markdown.contains("## Accounts\n"));
    for id in &ids {
        assert!(markdown.contains(&format!("### Account `{id}`")), "{id}");
    }
    assert!(
        markdown.contains("| Severity | Status | Rule | Resource | Account | Finding | Location |")
    );
}

/// The Markdown summary (pull-request comments) and the GitHub job summary lead the same
/// way: the incomplete-input warning first, the counts, the top risks, then the table
/// sorted by severity then rule.
#[test]
fn markdown_and_job_summaries_lead_with_the_warning_risks_and_a_sorted_table() {
    use iamlint::report::{github, markdown};
    let checked = common::check(
        &["fixtures/demo", "fixtures/invalid/truncated.json"],
        &Settings::default(),
    );
    let report = RunReport::new(&checked.loaded, &checked.findings);
    let text = markdown::render(&report, &markdown::Style::default());
    let summary = github::render(&report, &github::Style::default()).summary;
    for text in [&text, &summary] {
        assert!(
            text.starts_with(
                "### iamlint\n\n> **Incomplete:** 1 file could not be read \
                 (`fixtures/invalid/truncated.json`). The findings cover only what was read.\n\n**"
            ),
            "{text}"
        );
        let risks = text.find("**Top risks**").unwrap();
        assert!(text.find("findings:**").unwrap() < risks);
        assert!(risks < text.find("| Severity | Rule |").unwrap());
        assert_eq!(text.matches("\n1. **high**").count(), 1);
        // The table: severity descending, then rule.
        let order = ["critical", "high", "medium", "low", "info"];
        let rows: Vec<(usize, &str)> = text
            .lines()
            .filter(|line| line.starts_with("| ") && !line.starts_with("| Severity"))
            .map(|line| {
                let cells: Vec<&str> = line.split(" | ").collect();
                let severity = cells[0].trim_start_matches("| ").split(' ').next().unwrap();
                let rank = order.iter().position(|known| *known == severity).unwrap();
                (rank, cells[1])
            })
            .collect();
        assert_eq!(rows.len(), checked.findings.len());
        assert!(rows.windows(2).all(|pair| pair[0] <= pair[1]), "{rows:?}");
    }
}

/// `--format gitlab`: a Code Quality report GitLab accepts (the fields it reads, its
/// severity words, one fingerprint per issue), most severe first, with the broken input as
/// an issue of its own.
#[test]
fn gitlab_code_quality_issues_are_complete_sorted_and_unique() {
    let run = common::run(&[
        "check",
        "--format",
        "gitlab",
        "fixtures/demo",
        "fixtures/invalid/truncated.json",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let issues: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let order = ["blocker", "critical", "major", "minor", "info"];
    let mut fingerprints = std::collections::BTreeSet::new();
    let mut last = (0, String::new());
    for issue in &issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[field].is_string(), "{field} in {issue}");
        }
        assert!(issue["location"]["path"].is_string(), "{issue}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
        let check = issue["check_name"].as_str().unwrap().to_owned();
        if check == "iamlint/load-error" {
            continue;
        }
        let rank = order
            .iter()
            .position(|known| issue["severity"] == *known)
            .unwrap();
        assert!(
            (rank, check.clone()) >= last,
            "{last:?} then {rank} {check}"
        );
        last = (rank, check);
    }
    assert!(
        issues
            .iter()
            .any(|issue| issue["check_name"] == "iamlint/load-error"
                && issue["location"]["path"] == "fixtures/invalid/truncated.json")
    );
    assert!(issues.iter().any(|issue| {
        issue["description"]
            .as_str()
            .unwrap()
            .starts_with("could not be evaluated: ")
    }));
}

/// A live snapshot whose collections failed or were forbidden: the banner names the
/// collections (not `snapshot.json` as a file that could not be read), and the snapshot
/// itself is listed as loaded.
#[test]
fn incomplete_live_collections_are_named_in_the_banner() {
    let dir = common::TempDir::new("incomplete-snapshot");
    std::fs::copy(
        "fixtures/demo/service_keys_cli.json",
        dir.0.join("service_keys_cli.json"),
    )
    .unwrap();
    std::fs::write(
        dir.0.join("snapshot.json"),
        r#"{"iamlint_snapshot": 1, "account_id": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "collected_at": "2026-03-04T05:06:07Z",
            "collections": [
              {"name": "resource_keys", "status": "complete", "count": 3},
              {"name": "policies_v2", "status": "failed", "reason": "GET /v2/policies: HTTP 500"},
              {"name": "access_groups", "status": "forbidden", "reason": "GET /v2/groups: HTTP 403"}
            ]}"#,
    )
    .unwrap();
    let root = dir.0.to_string_lossy().into_owned();
    let (compliance, page) = build(&[&root]);
    assert_eq!(
        compliance.incomplete,
        [
            "the live collection `policies_v2` is failed: GET /v2/policies: HTTP 500",
            "the live collection `access_groups` is forbidden: GET /v2/groups: HTTP 403",
        ]
    );
    assert!(page.contains("id=\"incomplete\""));
    let snapshot = compliance
        .inputs
        .iter()
        .find(|input| input.name.ends_with("snapshot.json"))
        .unwrap();
    assert_eq!(snapshot.status, "loaded");
}
