//! One snapshot per rule fixture: `fixtures/rules/<id>/{bad,good}-<case>.{json,yaml}`, each
//! checked with only its rule enabled (so other rules never churn the snapshot).

use iamlint::rules::{Settings, Status};

use crate::common;

#[test]
fn rule_fixtures() {
    insta::glob!("../../fixtures", "rules/*/*", |path| {
        let rule = path
            .parent()
            .and_then(|dir| dir.file_name())
            .and_then(|name| name.to_str())
            .expect("fixture in a rule directory");
        let file = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("file name");
        let relative = format!("fixtures/rules/{rule}/{file}");
        let checked = common::check(&[&relative], &Settings::only(&[rule]));
        assert!(
            checked.loaded.errors.is_empty(),
            "{relative} does not load: {:?}",
            checked.loaded.errors
        );
        if file.starts_with("good-") {
            assert!(
                checked.findings.is_empty(),
                "{relative} must produce no findings, got {:?}",
                checked.findings
            );
        } else {
            assert!(
                file.starts_with("bad-"),
                "{relative}: fixtures are bad-* or good-*"
            );
            assert!(
                checked.findings.iter().any(|finding| finding.rule == rule),
                "{relative} must produce a `{rule}` finding"
            );
            if rule == "key-cannot-evaluate" {
                assert!(checked.findings.iter().all(|f| f.status == Status::Unknown));
            }
        }
        insta::assert_snapshot!(common::human(&checked));
    });
}
