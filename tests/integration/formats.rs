//! One snapshot per output format on the demo account, rendered in-process with fixed
//! facts (file names as given, a fixed clock), so snapshots change only when the output
//! does. The demo gains findings as rules are added; update the snapshots then.

use iamlint::report::compliance::{self, Facts};
use iamlint::report::{
    RunReport, compliance_markdown, concise, csv, github, gitlab, html, human, junit, markdown,
    sarif,
};
use iamlint::rules::Settings;

use crate::common;

fn demo() -> iamlint::pipeline::Checked {
    common::check(&["fixtures/demo"], &Settings::default())
}

fn report(checked: &iamlint::pipeline::Checked) -> RunReport<'_> {
    RunReport::new(&checked.loaded, &checked.findings)
}

/// The facts `cli` would gather, fixed for snapshots.
pub(crate) fn fixed_facts(checked: &iamlint::pipeline::Checked) -> Facts {
    Facts {
        generated: Some("2026-01-02T03:04:05Z".to_owned()),
        modified: checked
            .loaded
            .documents
            .iter()
            .map(|(_, document)| (document.name.clone(), "2026-01-01T00:00:00Z".to_owned()))
            .collect(),
        snapshot: None,
        names: Default::default(),
    }
}

#[test]
fn demo_concise() {
    let checked = demo();
    insta::assert_snapshot!(concise::render(
        &report(&checked),
        human::Style::default(),
        None
    ));
}

#[test]
fn demo_sarif() {
    let checked = demo();
    insta::assert_snapshot!(sarif::render(&report(&checked), &sarif::Style::default()));
}

#[test]
fn demo_github() {
    let checked = demo();
    let rendered = github::render(&report(&checked), &github::Style::default());
    insta::assert_snapshot!("demo_github_annotations", rendered.annotations);
    insta::assert_snapshot!("demo_github_summary", rendered.summary);
}

#[test]
fn demo_gitlab() {
    let checked = demo();
    insta::assert_snapshot!(gitlab::render(&report(&checked), &gitlab::Style::default()));
}

#[test]
fn demo_junit() {
    let checked = demo();
    let style = junit::Style {
        show_passed: true,
        ..junit::Style::default()
    };
    insta::assert_snapshot!(junit::render(&report(&checked), &checked.evaluated, &style));
}

#[test]
fn demo_markdown() {
    let checked = demo();
    let style = markdown::Style {
        link_base: Some("https://github.com/example/infra/blob/0123abc".to_owned()),
        ..markdown::Style::default()
    };
    insta::assert_snapshot!(markdown::render(&report(&checked), &style));
}

#[test]
fn demo_csv() {
    let checked = demo();
    insta::assert_snapshot!(csv::render(&report(&checked), &csv::Style::default()));
}

#[test]
fn demo_compliance_html() {
    let checked = demo();
    let compliance = compliance::build(
        &report(&checked),
        &checked.evaluated,
        &fixed_facts(&checked),
    );
    insta::assert_snapshot!(html::render(&compliance));
}

#[test]
fn demo_compliance_markdown() {
    let checked = demo();
    let compliance = compliance::build(
        &report(&checked),
        &checked.evaluated,
        &fixed_facts(&checked),
    );
    insta::assert_snapshot!(compliance_markdown::render(&compliance));
}

#[test]
fn junit_is_well_formed_and_counts_add_up() {
    let checked = demo();
    for show_passed in [false, true] {
        let style = junit::Style {
            show_passed,
            ..junit::Style::default()
        };
        let xml = junit::render(&report(&checked), &checked.evaluated, &style);
        let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let cases: Vec<_> = root
            .descendants()
            .filter(|node| node.has_tag_name("testcase"))
            .collect();
        let count = |name: &str| {
            cases
                .iter()
                .filter(|case| case.children().any(|child| child.has_tag_name(name)))
                .count()
        };
        assert_eq!(
            root.attribute("tests"),
            Some(cases.len().to_string().as_str())
        );
        assert_eq!(
            root.attribute("failures"),
            Some(count("failure").to_string().as_str())
        );
        assert_eq!(
            root.attribute("skipped"),
            Some(count("skipped").to_string().as_str())
        );
        let fails = checked
            .findings
            .iter()
            .filter(|f| f.status == iamlint::rules::Status::Fail);
        assert!(count("failure") <= fails.count() && count("failure") > 0);
        if show_passed {
            // Every evaluated subject is a case: passes are listed.
            assert_eq!(cases.len(), checked.evaluated.len());
        } else {
            assert_eq!(cases.len(), count("failure") + count("skipped"));
        }
    }
}

#[test]
fn markdown_is_cut_at_its_limit_with_a_note() {
    let checked = demo();
    let style = markdown::Style {
        limit: 1_500,
        ..markdown::Style::default()
    };
    let text = markdown::render(&report(&checked), &style);
    assert!(text.len() <= 1_500, "{} characters", text.len());
    assert!(text.contains("more findings not shown"), "{text}");
    assert!(text.contains("| Severity | Rule |"));
}

#[test]
fn csv_is_rfc4180() {
    let checked = demo();
    let text = csv::render(&report(&checked), &csv::Style::default());
    assert!(text.ends_with("\r\n"));
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), csv::COLUMNS);
    let rows: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), checked.findings.len());
    for (row, finding) in rows.iter().zip(&checked.findings) {
        assert_eq!(&row[0], finding.rule);
        assert_eq!(&row[12], finding.fingerprint());
    }
}

/// The CIS table gives each automated control its verdict and evidence: a setting that
/// passes says how many subjects were checked; a missing document makes the control
/// unknown, never a pass.
#[test]
fn cis_rows_show_pass_and_unknown_with_their_evidence() {
    let run = common::run(&[
        "report",
        "--format",
        "markdown",
        "fixtures/rules/account-mfa-disabled/good-totp4all.yaml",
        "fixtures/rules/account-mfa-disabled/unknown-no-settings.yaml",
    ]);
    let row = |control: &str| {
        run.stdout
            .lines()
            .find(|line| line.starts_with(&format!("| {control} |")))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        row("1.9").contains("| automated | pass: 1 subject checked, it passes |"),
        "{}",
        row("1.9")
    );
    assert!(
        row("1.18").contains("| automated | unknown: no Activity Tracker Event Routing routes"),
        "{}",
        row("1.18")
    );
}
