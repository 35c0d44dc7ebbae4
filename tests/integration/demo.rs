//! The bundled demo account: every foundation rule fires, compliant resources stay quiet.

use iamlint::rules::Settings;

use crate::common;

#[test]
fn demo_human() {
    let checked = common::check(&["fixtures/demo"], &Settings::default());
    insta::assert_snapshot!(common::human(&checked));
}

#[test]
fn demo_json() {
    let checked = common::check(&["fixtures/demo"], &Settings::default());
    insta::assert_snapshot!(common::json(&checked));
}

#[test]
fn demo_has_a_finding_of_every_rule() {
    let checked = common::check(&["fixtures/demo"], &Settings::default());
    for entry in iamlint::rules::REGISTRY {
        assert!(
            checked
                .findings
                .iter()
                .any(|finding| finding.rule == entry.id),
            "the demo account has no `{}` finding",
            entry.id
        );
    }
    // Compliant resources stay quiet: the restricted keys are not reported.
    let reported: Vec<&str> = checked
        .findings
        .iter()
        .filter_map(|finding| finding.subject.name.as_deref())
        .collect();
    assert!(!reported.contains(&"at-export-key"));
    assert!(!reported.iter().any(|name| name.starts_with("at-bulk-")));
}
