//! Bad input: each malformed fixture gets a load error naming the file, line and what was
//! expected, and one broken file never hides the findings of the others.

use iamlint::rules::Settings;

use crate::common;

#[test]
fn malformed_inputs() {
    insta::glob!("../../fixtures", "invalid/*", |path| {
        let file = path.file_name().and_then(|name| name.to_str()).unwrap();
        let relative = format!("fixtures/invalid/{file}");
        let checked = common::check(&[&relative], &Settings::default());
        assert!(
            !checked.loaded.errors.is_empty(),
            "{relative} must not load cleanly"
        );
        for error in &checked.loaded.errors {
            assert_eq!(error.file, relative);
        }
        insta::assert_snapshot!(common::human(&checked));
    });
}

#[test]
fn one_broken_file_does_not_hide_the_others() {
    let run = common::run(&[
        "check",
        "--format",
        "json",
        "fixtures/demo",
        "fixtures/invalid/truncated.json",
    ]);
    assert_eq!(
        run.code, 2,
        "a load error makes the exit code 2: {}",
        run.stderr
    );
    let output: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = output["findings"].as_array().unwrap();
    assert!(
        findings.len() >= 5,
        "the demo's findings are still reported"
    );
    let errors = output["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["file"], "fixtures/invalid/truncated.json");
    assert!(errors[0]["line"].as_u64().is_some());
}

#[test]
fn walked_unrecognised_files_are_skipped_not_errors() {
    let checked = common::check(&["fixtures/demo"], &Settings::default());
    assert!(checked.loaded.errors.is_empty());
    assert_eq!(checked.loaded.skipped, ["fixtures/demo/package.json"]);
    let run = common::run(&["check", "--verbose", "fixtures/demo"]);
    assert!(run.stdout.contains("skipped fixtures/demo/package.json"));
}
