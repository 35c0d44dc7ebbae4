//! Custom Rego rules (issue 16): the input document and its schema, rules from
//! `examples/rules/` through every step of the pipeline, located errors for bad rules, and
//! `iamlint test`.

use std::path::PathBuf;

use iamlint::custom;
use iamlint::pipeline::{self, Request};
use iamlint::rules::Settings;
use iamlint::sources::{self, LoadOptions};

use crate::common::{self, Run, run};

const EXAMPLES: &str = "examples/rules";

/// The built document of `paths`, as JSON.
fn document_of(paths: &[&str]) -> serde_json::Value {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let loaded = sources::load(&paths, &LoadOptions::default()).expect("loads");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    serde_json::to_value(custom::build(&loaded.inventory)).expect("serializes")
}

#[test]
fn the_schema_and_built_documents_agree() {
    let schema = custom::schema();
    assert!(
        jsonschema::meta::is_valid(&schema),
        "not a valid JSON Schema"
    );
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for paths in [
        &["fixtures/demo"][..],
        &["fixtures/terraform/plan-widens-access.json"],
        &["fixtures/terraform/state-applied.json"],
        &["fixtures/access_groups"],
    ] {
        let document = document_of(paths);
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{paths:?}: {errors:#?}");
        assert_eq!(document["version"], custom::INPUT_VERSION);
    }
}

#[test]
fn the_document_goes_to_regorus_as_the_value_its_json_would_make() {
    for path in [
        "fixtures/demo",
        "fixtures/terraform/plan-widens-access.json",
    ] {
        let loaded = sources::load(&[PathBuf::from(path)], &LoadOptions::default()).expect("loads");
        let document = custom::build(&loaded.inventory);
        let direct = custom::document::to_value(&document);
        assert!(direct != regorus::Value::Undefined, "{path}");
        assert_eq!(
            direct,
            custom::document::to_value_through_json(&document),
            "{path}"
        );
    }
}

#[test]
fn the_schema_requires_every_member_so_rules_can_rely_on_them() {
    let schema = custom::schema();
    let required = schema["required"].as_array().expect("required");
    for member in [
        "version",
        "service_ids",
        "resource_keys",
        "policies",
        "access_groups",
        "users",
        "accounts",
        "identity_settings",
        "access_group_settings",
        "custom_roles",
        "activity_tracker_routes",
        "activity_tracker_targets",
    ] {
        assert!(required.iter().any(|name| name == member), "{member}");
    }
}

#[test]
fn the_document_carries_refs_joins_and_terraform_addresses() {
    let demo = document_of(&["fixtures/demo"]);
    let key = demo["resource_keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|key| key["service_id"].is_string() && key["instance"].is_string())
        .expect("a key joined to its service ID and instance");
    assert!(
        key["ref"]
            .as_str()
            .expect("ref")
            .starts_with("resource_key:"),
        "{key:#}"
    );
    let service_id_ref = key["service_id"].as_str().expect("service ID ref");
    let service_id = demo["service_ids"]
        .as_array()
        .expect("service IDs")
        .iter()
        .find(|service_id| service_id["ref"] == service_id_ref)
        .expect("the key's service ID is listed");
    assert!(
        service_id["keys"]
            .as_array()
            .expect("keys")
            .contains(&key["ref"])
    );
    let profiles = demo["trusted_profiles"].as_array().expect("profiles");
    assert!(
        profiles
            .iter()
            .any(|profile| !profile["policies"].as_array().expect("policies").is_empty()),
        "a trusted profile joined to its policies: {profiles:#?}"
    );
    let plan = document_of(&["fixtures/terraform/plan-widens-access.json"]);
    let declared = plan["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .chain(plan["service_ids"].as_array().expect("service IDs"))
        .filter(|entity| entity["terraform"]["address"].is_string())
        .count();
    assert!(declared > 0, "plan entities carry their Terraform address");
}

fn check_examples(args: &[&str]) -> Run {
    let mut all = vec!["check", "--no-config", "--rules", EXAMPLES];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn custom_findings_point_into_the_users_file_in_json() {
    let out = check_examples(&[
        "--select",
        "org/serviceid-naming",
        "--format",
        "json",
        "fixtures/demo/service_ids.json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let findings = json["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for finding in findings {
        assert_eq!(finding["rule"], "org/serviceid-naming");
        assert_eq!(
            finding["location"]["file"],
            "fixtures/demo/service_ids.json"
        );
        assert!(
            finding["location"]["line"]
                .as_u64()
                .is_some_and(|line| line > 1)
        );
    }
}

#[test]
fn custom_findings_in_human_and_sarif() {
    let args = |format| {
        check_examples(&[
            "--select",
            "org/prod-keys-terraform,org/serviceid-naming",
            "--format",
            format,
            "fixtures/custom/prod-account.yaml",
        ])
    };
    let human = args("human");
    assert_eq!(human.code, 1, "{}", human.stderr);
    insta::assert_snapshot!("custom_human", human.stdout);
    let sarif = args("sarif");
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    insta::assert_json_snapshot!("custom_sarif_results", sarif["runs"][0]["results"]);
    let rules = &sarif["runs"][0]["tool"]["driver"]["rules"];
    assert!(
        rules
            .as_array()
            .expect("rules")
            .iter()
            .any(|rule| rule["id"] == "org/prod-keys-terraform"),
        "{rules:#}"
    );
}

#[test]
fn waivers_baselines_and_fail_on_treat_custom_findings_like_built_in_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("iamlint.yaml");
    std::fs::write(
        &config,
        format!(
            "rules:\n  paths: [{}]\n  org/serviceid-naming:\n    severity: medium\n\
             waivers:\n  - rule: org/prod-keys-terraform\n    resource: '*'\n    reason: legacy keys, migrating\n",
            common::absolute(EXAMPLES)
        ),
    )
    .expect("config written");
    let config = config.display().to_string();
    let input = "fixtures/custom/prod-account.yaml";
    let out = run(&["check", "--config", &config, "--format", "json", input]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let findings = json["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .all(|finding| finding["rule"] != "org/prod-keys-terraform")
    );
    assert!(
        findings
            .iter()
            .filter(|finding| finding["rule"] == "org/serviceid-naming")
            .all(|finding| finding["severity"] == "medium")
    );
    // The config severity is below --fail-on high for the custom findings.
    let gated = run(&[
        "check",
        "--config",
        &config,
        "--select",
        "org/serviceid-naming",
        "--fail-on",
        "high",
        input,
    ]);
    assert_eq!(gated.code, 0, "{}{}", gated.stdout, gated.stderr);
    let baseline = dir.path().join("baseline.json").display().to_string();
    let wrote = run(&["baseline", "write", "--config", &config, &baseline, input]);
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    let after = run(&["check", "--config", &config, "--baseline", &baseline, input]);
    assert_eq!(after.code, 0, "{}{}", after.stdout, after.stderr);
}

#[test]
fn explain_shows_a_custom_rule() {
    let out = run(&["explain", "--rules", EXAMPLES, "org/cos-writers"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("org/cos-writers: Service ID outside the platform team"),
        "{}",
        out.stdout
    );
    // Without the directory, the id is unknown.
    assert_eq!(run(&["explain", "org/cos-writers"]).code, 2);
}

#[test]
fn in_process_runs_see_custom_rules_through_the_request() {
    let rules = custom::load(&[PathBuf::from(EXAMPLES)]);
    let settings = Settings {
        now: common::NOW.parse().ok(),
        ..Settings::only(&["org/cos-writers"])
    };
    let paths = [PathBuf::from("fixtures/demo")];
    let options = LoadOptions::default();
    let checked = pipeline::run(&Request {
        custom: Some(&rules),
        ..Request::new(&paths, &options, &settings)
    })
    .expect("valid options");
    assert!(checked.loaded.errors.is_empty());
    assert!(!checked.findings.is_empty());
    assert!(
        checked
            .findings
            .iter()
            .all(|finding| finding.rule == "org/cos-writers")
    );
}

#[test]
fn iamlint_test_passes_on_the_examples() {
    let out = run(&["test", EXAMPLES]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.ends_with(" passed, 0 failed\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("  ok    case "), "{}", out.stdout);
}

#[test]
fn iamlint_test_fails_with_a_diff() {
    let out = run(&["test", "fixtures/custom/failing"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    insta::assert_snapshot!("custom_test_failing", out.stdout);
}

#[test]
fn bad_rules_are_located_errors_and_built_in_findings_still_report() {
    let out = run(&[
        "check",
        "--no-config",
        "--rules",
        "fixtures/custom/broken",
        "--format",
        "concise",
        "fixtures/custom/prod-account.yaml",
    ]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    insta::assert_snapshot!(
        "custom_broken",
        format!("{}\n---\n{}", out.stdout, out.stderr)
    );
}

#[test]
fn the_config_file_names_rule_paths_and_custom_rules() {
    let text = "rules:\n  paths: [rules, more]\n  org/x:\n    enabled: false\n  key-role-excessive:\n    severity: low\n";
    let config = iamlint::config::parse_text(
        "dir/iamlint.yaml",
        std::path::Path::new("dir/iamlint.yaml"),
        text,
    )
    .expect("valid");
    assert_eq!(
        config.rule_paths,
        [PathBuf::from("dir/rules"), PathBuf::from("dir/more")]
    );
    assert_eq!(config.rules["org/x"].enabled, Some(false));
    let schema = iamlint::config::schema::config_schema();
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    let value = serde_json::json!({"rules": {"paths": ["rules"], "org/x": {"enabled": false}}});
    assert!(validator.is_valid(&value));
    let wrong = iamlint::config::parse_text(
        "iamlint.yaml",
        std::path::Path::new("iamlint.yaml"),
        "rules:\n  paths: rules\n",
    );
    assert!(wrong.is_err());
}

#[test]
fn a_rule_running_past_its_limit_is_a_located_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ns = dir.path().join("acme");
    std::fs::create_dir_all(&ns).expect("dir");
    // Rows of 1 000 x 1 000 x 1 000 comparisons: far past a 1 ms limit.
    std::fs::write(
        ns.join("slow.rego"),
        "package iamlint.rules.acme.slow\n\nimport rego.v1\n\nn := numbers.range(1, 1000)\n\n\
         deny contains {\"ref\": \"x\", \"message\": \"m\"} if {\n\tsome a in n\n\tsome b in n\n\tsome c in n\n\ta + b + c < 0\n}\n",
    )
    .expect("rego");
    std::fs::write(
        ns.join("slow.yaml"),
        "id: acme/slow\ntitle: Slow\nseverity: low\ncategory: test\nsummary: s\nrationale: r\n\
         remediation: r\nfix: none\nreferences: []\n",
    )
    .expect("yaml");
    let loaded = custom::load(&[dir.path().to_path_buf()]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let error = custom::evaluate_one(
        &loaded.rules[0],
        &iamlint::model::Inventory::default(),
        std::time::Duration::from_millis(1),
    )
    .expect_err("stopped");
    assert_eq!(error.rule.as_deref(), Some("acme/slow"));
    assert!(error.at.is_some());
    assert!(error.message.contains("limit"), "{}", error.message);
}

#[test]
fn the_compliance_report_lists_custom_rules_under_their_cis_controls() {
    let out = run(&[
        "report",
        "--format",
        "markdown",
        "--no-config",
        "--rules",
        "fixtures/custom/cis",
        "fixtures/demo",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let row = out
        .stdout
        .lines()
        .find(|line| line.starts_with("| 1.15 |"))
        .expect("the 1.15 row");
    assert!(row.contains("`acme/admin-serviceids`"), "{row}");
    assert!(
        out.stdout.contains("### acme/admin-serviceids"),
        "a section of its own"
    );
}

#[test]
fn a_pointer_names_a_part_of_the_entity_whatever_the_inputs_shape() {
    // `cos-writers` points at `/roles`: `control.grant.roles` in a v2 export.
    let out = check_examples(&[
        "--select",
        "org/cos-writers",
        "--format",
        "json",
        "fixtures/demo/policies_tenant_buckets.json",
        "fixtures/demo/service_ids_ci_builds.json",
        "fixtures/demo/service_ids.json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let text = std::fs::read_to_string("fixtures/demo/policies_tenant_buckets.json").expect("text");
    let lines: Vec<&str> = text.lines().collect();
    let first = &json["findings"][0]["location"];
    let line = first["line"].as_u64().expect("a line") as usize;
    assert!(lines[line - 1].contains("\"roles\""), "{}", lines[line - 1]);
}

#[test]
fn iamlint_test_without_rules_is_an_error() {
    let out = run(&["test", "fixtures/demo"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.contains("no custom rule found"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_document_carries_people_settings_roles_and_routing_with_their_joins() {
    let demo = document_of(&["fixtures/demo"]);
    let account = &demo["accounts"][0];
    let owner_ref = account["owner"]
        .as_str()
        .expect("the owner is a listed user");
    let owner = demo["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|user| user["ref"] == owner_ref)
        .expect("the owner's user entity");
    assert_eq!(owner["owner"], true);
    assert_eq!(owner["mfa"]["none"], true, "{owner:#}");
    assert_eq!(account["owner_api_keys"], owner["api_keys"]);
    assert!(!owner["api_keys"].as_array().expect("keys").is_empty());
    assert_eq!(
        account["identity_settings"],
        demo["identity_settings"][0]["ref"]
    );
    assert_eq!(demo["identity_settings"][0]["mfa"], "NONE");
    assert_eq!(
        demo["access_group_settings"][0]["public_access_enabled"],
        true
    );
    let role = &demo["custom_roles"][0];
    assert!(
        !role["policies"].as_array().expect("policies").is_empty(),
        "{role:#}"
    );
    let route = &demo["activity_tracker_routes"][0];
    assert_eq!(
        route["rules"][0]["targets"][0],
        demo["activity_tracker_targets"][0]["ref"]
    );
    assert_eq!(
        demo["activity_tracker_targets"][0]["routes"][0],
        route["ref"]
    );
    assert!(
        demo["api_keys"]
            .as_array()
            .expect("API keys")
            .iter()
            .any(|key| key["activity"]["source"] == "report"),
        "API keys carry the activity report's items"
    );
    let profiles = demo["trusted_profiles"].as_array().expect("profiles");
    assert!(profiles.iter().any(|p| p["links"][0]["cr_type"] == "VSI"));
    assert!(
        profiles
            .iter()
            .any(|p| p["claim_rules"][0]["type"] == "Profile-SAML")
    );
    for collection in [
        "users",
        "mfa_reports",
        "identity_settings",
        "activity_tracker_routes",
    ] {
        assert_eq!(demo["collections"][collection], true, "{collection}");
    }
}

#[test]
fn findings_on_settings_and_users_point_at_the_setting_and_the_report_entry() {
    let run = run(&[
        "check",
        "--rules",
        EXAMPLES,
        "--select",
        "org/mfa-for-all",
        "--format",
        "json",
        "fixtures/demo",
    ]);
    let output: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let findings = output["findings"].as_array().expect("findings");
    let at = |file: &str| {
        findings
            .iter()
            .find(|finding| {
                finding["location"]["file"]
                    .as_str()
                    .is_some_and(|path| path.ends_with(file))
            })
            .unwrap_or_else(|| panic!("a finding in {file}: {findings:#?}"))
    };
    let settings = at("account_settings.json");
    assert_eq!(settings["resource"]["kind"], "account");
    assert_eq!(
        settings["location"]["line"], 7,
        "the `mfa` line: {settings:#}"
    );
    let user = at("mfa_report.json");
    assert_eq!(user["resource"]["kind"], "user");
    assert_eq!(user["resource"]["id"], "IBMid-270001AB2C");
    assert_eq!(findings.len(), 2, "{findings:#?}");
}

/// OLD (strong MFA settings) and NEW (weak settings, an exempted user) for `org/mfa-for-all`,
/// without the cases' `expected.json`.
fn mfa_snapshots(dir: &std::path::Path) -> (String, String) {
    let cases = "examples/rules/org/mfa-for-all/tests";
    let (old, new) = (dir.join("old"), dir.join("new"));
    for (side, case, files) in [
        (&old, "strong-settings", &["account_settings.yaml"][..]),
        (
            &new,
            "weak-settings",
            &["account_settings.json", "mfa_report.json"],
        ),
    ] {
        std::fs::create_dir_all(side).expect("dir");
        for file in files {
            std::fs::copy(format!("{cases}/{case}/{file}"), side.join(file)).expect("copied");
        }
    }
    (old.display().to_string(), new.display().to_string())
}

#[test]
fn every_command_that_runs_rules_takes_rules_dirs_and_the_configs_rule_paths() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (old, new) = mfa_snapshots(dir.path());
    let config = dir.path().join("iamlint.yaml");
    std::fs::write(
        &config,
        format!("rules:\n  paths: [{}]\n", common::absolute(EXAMPLES)),
    )
    .expect("config written");
    let config = config.display().to_string();
    let by_flag: [&str; 3] = ["--no-config", "--rules", EXAMPLES];
    let by_config: [&str; 2] = ["--config", &config];
    for (how, rules) in [("--rules", &by_flag[..]), ("rules.paths", &by_config[..])] {
        let with = |command: &[&str], tail: &[&str]| {
            let mut args = command.to_vec();
            args.extend_from_slice(rules);
            args.extend_from_slice(tail);
            run(&args)
        };
        let check = with(&["check"], &["--format", "json", &new]);
        assert!(check.stdout.contains("\"org/mfa-for-all\""), "check, {how}");
        let report = with(&["report"], &["--format", "markdown", &new]);
        assert!(report.stdout.contains("org/mfa-for-all"), "report, {how}");
        let baseline = dir.path().join("baseline.json");
        let written = with(
            &["baseline", "write"],
            &[&baseline.display().to_string(), &new],
        );
        assert_eq!(written.code, 0, "baseline write, {how}: {}", written.stderr);
        let recorded = std::fs::read_to_string(&baseline).expect("baseline");
        assert!(recorded.contains("org/mfa-for-all"), "baseline, {how}");
        let diff = with(&["diff"], &["--format", "json", &old, &new]);
        assert_eq!(diff.code, 1, "diff, {how}: {}", diff.stderr);
        let json: serde_json::Value = serde_json::from_str(&diff.stdout).expect("JSON");
        let custom = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|finding| finding["rule"] == "org/mfa-for-all")
            .count();
        assert_eq!(
            custom, 2,
            "diff, {how}: the settings and the exempted user are new"
        );
    }
}

#[test]
fn diff_reports_a_broken_custom_rule_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (old, new) = mfa_snapshots(dir.path());
    let out = run(&[
        "diff",
        "--no-config",
        "--rules",
        "fixtures/custom/broken",
        "--format",
        "json",
        &old,
        &new,
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let errors: Vec<String> = json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| format!("{}:{}", error["file"], error["message"]))
        .collect();
    let mut unique = errors.clone();
    unique.sort();
    unique.dedup();
    assert!(!errors.is_empty());
    assert_eq!(errors.len(), unique.len(), "{errors:#?}");
}

#[test]
fn summaries_count_custom_rule_errors_apart_from_input_files() {
    let broken = [
        "--no-config",
        "--rules",
        "fixtures/custom/broken/acme",
        "fixtures/invalid/empty.json",
        "fixtures/custom/prod-account.yaml",
    ];
    let with = |command: &[&str], tail: &[&str]| {
        let mut args = command.to_vec();
        args.extend_from_slice(tail);
        args.extend_from_slice(&broken);
        run(&args)
    };
    for format in ["human", "concise"] {
        let out = with(&["check", "--format", format, "--color", "never"], &[]);
        assert_eq!(out.code, 2);
        let lines: Vec<&str> = out.stdout.lines().rev().take(3).collect();
        assert_eq!(
            lines[0],
            "exit 2: 1 file could not be loaded and 5 custom rules could not be loaded or run",
            "{format}"
        );
        assert!(
            lines[2].contains("(1 load error, 5 custom rule errors)"),
            "{format}: {lines:#?}"
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let baseline = dir.path().join("baseline.json").display().to_string();
    let out = with(&["baseline", "write", &baseline], &[]);
    assert!(
        out.stderr.ends_with(
            "not written: 1 input could not be loaded and 5 custom rules could not be loaded or run\n"
        ),
        "{}",
        out.stderr
    );
    let out = with(&["report", "--format", "markdown"], &[]);
    assert!(
        out.stderr.contains(
            "error: 1 input could not be loaded and 5 custom rules could not be loaded or run; the report lists them\n"
        ),
        "{}",
        out.stderr
    );
}

/// A run converts only the members its rules read: each member name `Needs` knows is the
/// document's own key, and a document built for one member equals the whole one there.
#[test]
fn a_run_builds_only_the_members_its_rules_read() {
    use iamlint::custom::needs::Needs;
    let loaded = sources::load(&[PathBuf::from("fixtures/demo")], &LoadOptions::default()).unwrap();
    let whole = serde_json::to_value(custom::build(&loaded.inventory)).unwrap();
    let members = whole.as_object().unwrap();
    for (member, value) in members {
        let Some(items) = value.as_array() else {
            continue;
        };
        let rule = format!("deny contains d if {{ some x in input.{member}; d := x }}");
        let needs = Needs::of_rules([rule.as_str()]);
        let part = serde_json::to_value(custom::build_for(&loaded.inventory, &needs)).unwrap();
        assert_eq!(&part[member], value, "{member}");
        assert_eq!(part["collections"], whole["collections"]);
        for (other, other_value) in members {
            if other != member && other_value.is_array() {
                assert_eq!(
                    part[other],
                    serde_json::json!([]),
                    "{member} builds {other}"
                );
            }
        }
        assert!(!items.is_empty() || member != "policies");
    }
    // A rule that reads `input` as a whole gets every member.
    let needs = Needs::of_rules(["some k; input[k]"]);
    let part = serde_json::to_value(custom::build_for(&loaded.inventory, &needs)).unwrap();
    assert_eq!(part, whole);
}
