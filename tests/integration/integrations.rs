//! The CI integrations shipped in the repository (issue 18): the composite GitHub Action
//! and the pre-commit hooks are well-formed YAML with the inputs the README documents, and
//! the action never expands an input inside a shell script (inputs reach scripts through
//! environment variables, so an input cannot inject shell code).

use serde_yaml::Value;

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).expect("the file is in the repository");
    serde_yaml::from_str(&text).expect("well-formed YAML")
}

#[test]
fn the_action_caches_its_binary_uploads_sarif_and_takes_the_documented_inputs() {
    let action = load("action.yml");
    let inputs = action["inputs"].as_mapping().unwrap();
    for input in [
        "paths",
        "fail-on",
        "baseline",
        "config",
        "exclude",
        "min-severity",
    ] {
        assert!(inputs.contains_key(input), "no input {input}");
    }
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let uses: Vec<&str> = steps
        .iter()
        .filter_map(|step| step["uses"].as_str())
        .collect();
    assert!(
        uses.iter().any(|uses| uses.starts_with("actions/cache@")),
        "{uses:?}"
    );
    assert!(
        uses.iter()
            .any(|uses| uses.starts_with("github/codeql-action/upload-sarif@")),
        "{uses:?}"
    );
    // The cache key names the version and the runner.
    let key = steps
        .iter()
        .find(|step| step["id"] == "key")
        .and_then(|step| step["run"].as_str())
        .unwrap();
    assert!(key.contains("$version-$RUNNER_OS-$RUNNER_ARCH"), "{key}");
    // cargo only on a cache miss.
    let build = steps
        .iter()
        .find(|step| {
            step["run"]
                .as_str()
                .is_some_and(|run| run.contains("cargo"))
        })
        .unwrap();
    assert!(
        build["if"]
            .as_str()
            .unwrap()
            .contains("steps.cache.outputs.cache-hit != 'true'")
    );
    for step in steps {
        if let Some(run) = step["run"].as_str() {
            assert!(!run.contains("${{"), "an expression inside a script: {run}");
        }
    }
}

#[test]
fn the_pre_commit_hooks_cover_exports_and_terraform() {
    let hooks = load(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().unwrap();
    let ids: Vec<&str> = hooks
        .iter()
        .filter_map(|hook| hook["id"].as_str())
        .collect();
    assert_eq!(ids, ["iamlint", "iamlint-dir", "iamlint-tf"]);
    let tf = &hooks[2];
    assert_eq!(tf["files"], "\\.(tf|tfvars)$");
    assert!(tf["entry"].as_str().unwrap().contains("dirname"));
}
