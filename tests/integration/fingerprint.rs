//! `Finding::fingerprint` is stable under edits that do not change a finding (reformatting,
//! moving items, adding unrelated ones) and tells apart findings that differ: the property
//! baselines and SARIF `partialFingerprints` rely on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use iamlint::rules::Settings;
use serde_json::Value;

use crate::common;

fn copy_demo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamlint-fp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("test setup");
    for entry in std::fs::read_dir("fixtures/demo").expect("test setup") {
        let path = entry.expect("test setup").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("test setup"))).expect("test setup");
    }
    dir
}

fn fingerprints(dir: &Path) -> BTreeSet<(&'static str, String)> {
    let checked = common::check(&[dir.to_str().expect("test setup")], &Settings::default());
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    checked
        .findings
        .iter()
        .map(|finding| (finding.rule, finding.fingerprint()))
        .collect()
}

fn edit_policies(dir: &Path, edit: impl FnOnce(&mut Vec<Value>), pretty: bool) {
    let path = dir.join("policies_v1.json");
    let mut document: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("test setup"))
            .expect("test setup");
    edit(document["policies"].as_array_mut().expect("test setup"));
    let text = if pretty {
        serde_json::to_string_pretty(&document).expect("test setup")
    } else {
        serde_json::to_string(&document).expect("test setup")
    };
    std::fs::write(&path, text).expect("test setup");
}

#[test]
fn fingerprints_survive_unrelated_edits_and_change_with_the_finding() {
    let before = fingerprints(Path::new("fixtures/demo"));
    assert_eq!(
        before.len(),
        common::check(&["fixtures/demo"], &Settings::default())
            .findings
            .len(),
        "two findings share a fingerprint"
    );

    // Reformat the file and put an unrelated policy first: every line and index moves.
    let dir = copy_demo("unrelated");
    edit_policies(
        &dir,
        |policies| {
            let mut unrelated = policies[0].clone();
            unrelated["id"] = Value::from("00000000-0000-4000-8000-000000000000");
            // An access group's grant on one instance: no rule has anything to say about it.
            unrelated["subjects"][0]["attributes"][0]["name"] = Value::from("access_group_id");
            unrelated["subjects"][0]["attributes"][0]["value"] =
                Value::from("AccessGroupId-00000000-0000-4000-8000-000000000000");
            policies.reverse();
            policies.insert(0, unrelated);
        },
        false,
    );
    assert_eq!(
        fingerprints(&dir),
        before,
        "unrelated edits changed fingerprints"
    );

    // A second account-wide policy for the same service ID: exactly one new finding.
    let dir = copy_demo("violation");
    edit_policies(
        &dir,
        |policies| {
            let broad = policies
                .iter()
                .find(|policy| policy["id"] == "a9b6cc66-66b4-4dc9-8e19-e6c06053f18a")
                .expect("the demo's account-wide policy")
                .clone();
            let mut another = broad;
            another["id"] = Value::from("11111111-0000-4000-8000-000000000000");
            policies.push(another);
        },
        true,
    );
    let after = fingerprints(&dir);
    let new: Vec<_> = after.difference(&before).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].0, "serviceid-unrestricted");
    assert!(before.is_subset(&after));
    let _ = std::fs::remove_dir_all(
        std::env::temp_dir().join(format!("iamlint-fp-unrelated-{}", std::process::id())),
    );
    let _ = std::fs::remove_dir_all(&dir);
}
