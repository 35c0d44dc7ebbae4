//! The bundled demo account: every rule fires, compliant resources stay quiet.

use iamlint::model::EntityKind;
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
    // Compliant resources stay quiet: the restricted keys are not reported. (Their shared
    // service ID `at-bulk-export` is, for holding 21 API keys: only keys are checked here.)
    let reported: Vec<&str> = checked
        .findings
        .iter()
        .filter(|finding| finding.subject.kind == EntityKind::ResourceKey)
        .filter_map(|finding| finding.subject.name.as_deref())
        .collect();
    assert!(!reported.contains(&"at-export-key"));
    assert!(!reported.iter().any(|name| name.starts_with("at-bulk-")));
}
