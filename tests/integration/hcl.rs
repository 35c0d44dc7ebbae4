//! Terraform configuration (`.tf`, `.tfvars`) as an input: the diagnostics on each fixture
//! under `fixtures/terraform/hcl/`, places in the `.tf` files, located errors for broken
//! configurations, variables, and agreement with a plan of the same configuration.

use std::collections::BTreeSet;
use std::path::PathBuf;

use iamlint::pipeline::{self, Checked, Request};
use iamlint::rules::{Settings, Status};
use iamlint::sources::LoadOptions;
use iamlint::sources::terraform::hcl::VariableOptions;

use crate::common;

/// The configurations that load without errors, each a root module directory.
const CONFIGURATIONS: &[&str] = &[
    "modules",
    "registry",
    "root",
    "root-json",
    "secret",
    "variables",
];

fn check_with(paths: &[&str], options: &LoadOptions) -> Checked {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let settings = Settings {
        now: common::NOW.parse().ok(),
        ..Settings::default()
    };
    pipeline::run(&Request::new(&paths, options, &settings)).expect("valid options")
}

#[test]
fn configuration_fixtures() {
    for name in CONFIGURATIONS {
        let dir = format!("fixtures/terraform/hcl/{name}");
        let checked = common::check(&[&dir], &Settings::default());
        assert!(
            checked.loaded.errors.is_empty(),
            "{dir}: {:?}",
            checked.loaded.errors
        );
        for finding in &checked.findings {
            assert!(
                finding.subject.address.is_some(),
                "{dir}: {} names no address",
                finding.rule
            );
        }
        insta::assert_snapshot!(format!("hcl_{name}"), common::human(&checked));
    }
}

/// Findings point at the `.tf` line: the block header of a key, the argument of a secret.
#[test]
fn findings_point_at_lines_of_the_configuration() {
    let checked = common::check(&["fixtures/terraform/hcl/root"], &Settings::default());
    let json: serde_json::Value = serde_json::from_str(&common::json(&checked)).unwrap();
    let places: BTreeSet<(String, String, u64, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["location"]["file"].as_str().unwrap().to_owned(),
                finding["location"]["line"].as_u64().unwrap(),
                finding["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let main = "fixtures/terraform/hcl/root/main.tf".to_owned();
    assert!(places.contains(&("key-restriction-missing".to_owned(), main.clone(), 39, 1)));
    assert!(places.contains(&("at-service-deprecated".to_owned(), main, 4, 1)));
    let secret = common::check(&["fixtures/terraform/hcl/secret"], &Settings::default());
    let json: serde_json::Value = serde_json::from_str(&common::json(&secret)).unwrap();
    let exposed: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == "credentials-exposed")
        .map(|finding| {
            (
                finding["location"]["file"].as_str().unwrap().to_owned(),
                finding["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        exposed,
        vec![
            ("fixtures/terraform/hcl/secret/main.tf".to_owned(), 4),
            (
                "fixtures/terraform/hcl/secret/terraform.tfvars".to_owned(),
                1
            ),
        ]
    );
}

/// A syntax error, a missing module directory and a module cycle are located load errors
/// (exit 2); the other files are still checked.
#[test]
fn broken_configurations_are_located_errors() {
    let run = common::run(&[
        "check",
        "--no-config",
        "--format",
        "concise",
        "fixtures/terraform/hcl/invalid",
        "fixtures/terraform/hcl/root",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    insta::assert_snapshot!("hcl_invalid", run.stdout);
    assert!(
        run.stdout.contains("invalid/syntax/main.tf:3:17"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("key-restriction-missing"),
        "{}",
        run.stdout
    );
}

/// `--var-file` values win over `terraform.tfvars`; `TF_VAR_*` is read only when asked for.
#[test]
fn variables_come_from_var_files_and_the_environment_only_when_asked() {
    let unknown = |checked: &Checked| {
        checked
            .findings
            .iter()
            .filter(|finding| {
                finding.status == Status::Unknown && finding.rule == "key-cannot-evaluate"
            })
            .count()
    };
    let dir = "fixtures/terraform/hcl/variables";
    let without = check_with(&[dir], &LoadOptions::default());
    assert_eq!(unknown(&without), 1);
    let message = &without
        .findings
        .iter()
        .find(|finding| finding.rule == "key-cannot-evaluate")
        .unwrap()
        .message;
    assert!(
        message.contains("serviceid_crn") && message.contains("--var-file"),
        "{message}"
    );
    let with_file = check_with(
        &[dir],
        &LoadOptions {
            variables: VariableOptions {
                var_files: vec![PathBuf::from(
                    "fixtures/terraform/hcl/variables/prod.tfvars",
                )],
                environment: false,
            },
            ..LoadOptions::default()
        },
    );
    let message = &with_file
        .findings
        .iter()
        .find(|finding| finding.rule == "key-cannot-evaluate")
        .unwrap()
        .message;
    assert!(message.contains("ServiceId-7a9d2c4e"), "{message}");
    // The environment is read only with --tf-var-env.
    let crn = "crn:v1:bluemix:public:iam-identity::a/a1b2c3d4e5f60718293a4b5c6d7e8f90::serviceid:ServiceId-0b1c2d3e-4f50-4a6b-9c7d-8e9fa0b1c2d3";
    let ignored = common::run_with_env(
        &["check", "--no-config", "--format", "concise", dir],
        &[("TF_VAR_serviceid_crn", crn)],
    );
    assert!(
        !ignored.stdout.contains("ServiceId-0b1c2d3e"),
        "{}",
        ignored.stdout
    );
    let read = common::run_with_env(
        &[
            "check",
            "--no-config",
            "--format",
            "concise",
            "--tf-var-env",
            dir,
        ],
        &[("TF_VAR_serviceid_crn", crn)],
    );
    assert!(
        read.stdout.contains("ServiceId-0b1c2d3e"),
        "{}",
        read.stdout
    );
}

/// The configuration and a `terraform show -json` plan of it give the same findings.
#[test]
fn a_configuration_and_its_plan_agree() {
    for (config, plan) in [
        (
            "fixtures/terraform/hcl/root",
            "fixtures/terraform/hcl/agreement/root.plan.json",
        ),
        // The same configuration in Terraform's JSON syntax.
        (
            "fixtures/terraform/hcl/root-json",
            "fixtures/terraform/hcl/agreement/root.plan.json",
        ),
    ] {
        let findings = |path: &str| -> BTreeSet<(String, String, String)> {
            common::check(&[path], &Settings::default())
                .findings
                .iter()
                .map(|finding| {
                    (
                        finding.rule.to_owned(),
                        finding.subject.address.clone().unwrap_or_default(),
                        format!("{:?}", finding.status),
                    )
                })
                .collect()
        };
        let from_config = findings(config);
        assert!(!from_config.is_empty());
        assert_eq!(from_config, findings(plan), "{config} and {plan} disagree");
    }
}

/// `# iamlint: ignore[...]` comments on a block or an argument waive the findings on the
/// line below, as in YAML; a comment that matches nothing is reported.
#[test]
fn inline_waivers_in_terraform_files() {
    let run = common::run(&[
        "check",
        "--no-config",
        "--format",
        "concise",
        "fixtures/terraform/hcl/waived",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("2 findings waived"), "{}", run.stdout);
    insta::assert_snapshot!(
        "hcl_waived",
        format!("{}\n--- stderr ---\n{}", run.stdout, run.stderr)
    );
}

/// A comment above a block (or on its header line) waives what is found anywhere in it (a
/// key's finding points at its `parameters`, a user policy's at its `ibm_id`); a comment on
/// an argument waives what the block carries as a whole (a policy's finding points at its
/// header).
#[test]
fn inline_waivers_cover_their_block() {
    let run = common::run(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "fixtures/terraform/hcl/waived-blocks",
    ]);
    let output: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let waived: Vec<&str> = output["waived"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        waived,
        [
            "key-restriction-missing",
            "serviceid-unrestricted",
            "user-policy-direct"
        ],
        "{}",
        run.stdout
    );
    assert!(
        output["warnings"].as_array().unwrap().is_empty(),
        "{}",
        run.stdout
    );
}

/// `diff` between two checkouts of a configuration lists what the head adds.
#[test]
fn diff_between_two_checkouts_of_a_configuration() {
    let dir = common::TempDir::new("hcl-diff");
    let base = dir.0.join("base");
    let head = dir.0.join("head");
    for side in [&base, &head] {
        std::fs::create_dir_all(side).unwrap();
    }
    let main = std::fs::read_to_string("fixtures/terraform/hcl/root/main.tf").unwrap();
    let variables = std::fs::read_to_string("fixtures/terraform/hcl/root/variables.tf").unwrap();
    let tfvars = std::fs::read_to_string("fixtures/terraform/hcl/root/terraform.tfvars").unwrap();
    let reader = main.find("# A key without").unwrap();
    for (side, text) in [(&base, &main[..reader]), (&head, main.as_str())] {
        std::fs::write(side.join("main.tf"), text).unwrap();
        std::fs::write(side.join("variables.tf"), &variables).unwrap();
        std::fs::write(side.join("terraform.tfvars"), &tfvars).unwrap();
    }
    let run = common::run(&[
        "diff",
        "--format",
        "concise",
        base.to_str().unwrap(),
        head.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let new_lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.contains("main.tf:"))
        .collect();
    assert!(!new_lines.is_empty(), "{}", run.stdout);
    assert!(
        new_lines
            .iter()
            .all(|line| line.contains("ibm_resource_key.reader")),
        "{}",
        run.stdout
    );
}

/// Configurations built to make an evaluator loop or blow up end quickly, without a panic:
/// a local that refers to itself, resources that refer to each other, templates that
/// double at every step, a huge `count`, deep nesting.
#[test]
fn hostile_configurations_end_quickly() {
    let dir = common::TempDir::new("hcl-hostile");
    let mut doubling = String::from("locals {\n  l0 = \"x\"\n");
    for at in 1..60 {
        doubling.push_str(&format!(
            "  l{at} = \"${{local.l{}}}${{local.l{}}}\"\n",
            at - 1,
            at - 1
        ));
    }
    doubling.push_str("}\nresource \"ibm_iam_service_id\" \"d\" {\n  name = local.l59\n}\n");
    let mut chain = String::new();
    for at in 0..60 {
        chain.push_str(&format!(
            "resource \"ibm_iam_service_id\" \"s{at}\" {{\n  name = \"${{ibm_iam_service_id.s{}.name}}${{ibm_iam_service_id.s{}.name}}\"\n}}\n",
            (at + 1) % 60,
            (at + 1) % 60
        ));
    }
    let nested = format!(
        "locals {{\n  deep = {}1{}\n}}\n",
        "[".repeat(500),
        "]".repeat(500)
    );
    let files = [
        ("cycle.tf", "locals {\n  a = local.b\n  b = local.a\n}\nresource \"ibm_iam_service_id\" \"c\" {\n  name = local.a\n}\n".to_owned()),
        ("doubling.tf", doubling),
        ("chain.tf", chain),
        ("count.tf", "resource \"ibm_iam_service_id\" \"many\" {\n  count = 1e12\n  name = \"x-${count.index}\"\n}\n".to_owned()),
        ("nested.tf", nested),
    ];
    for (name, text) in &files {
        std::fs::write(dir.0.join(name), text).unwrap();
    }
    let started = std::time::Instant::now();
    let checked = common::check(&[dir.0.to_str().unwrap()], &Settings::default());
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert!(checked.loaded.inventory.service_ids.len() > 60);
}

/// A repository with `.tf` modules and exported JSON in other folders is walked once: each
/// module directory is one module (a called module is not checked again as a root), and
/// `.terraform/` (downloaded modules) is never read.
#[test]
fn mixed_repositories_are_walked_once() {
    let dir = common::TempDir::new("hcl-mixed");
    let infra = dir.0.join("infra");
    let downloaded = infra.join(".terraform").join("modules").join("x");
    std::fs::create_dir_all(&downloaded).unwrap();
    std::fs::write(
        downloaded.join("main.tf"),
        "resource \"ibm_iam_service_id\" \"downloaded\" {\n  name = \"not-read\"\n}\n",
    )
    .unwrap();
    let copy = |from: &str, to: &std::path::Path| {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
            }
        }
    };
    copy("fixtures/terraform/hcl/modules", &infra);
    copy(
        "fixtures/terraform/hcl/modules/modules/reader",
        &infra.join("modules").join("reader"),
    );
    let exports = dir.0.join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    std::fs::copy(
        "fixtures/terraform/hcl/agreement/root.plan.json",
        exports.join("tfplan.json"),
    )
    .unwrap();
    let checked = common::check(&[dir.0.to_str().unwrap()], &Settings::default());
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let names: BTreeSet<String> = checked
        .loaded
        .inventory
        .service_ids
        .iter()
        .filter_map(|service_id| service_id.name.as_deref().map(str::to_owned))
        .collect();
    assert!(!names.contains("not-read"), "{names:?}");
    // The module's three instances, once each (not again as a root module), and the plan's.
    let declared: Vec<String> = checked
        .loaded
        .inventory
        .service_ids
        .iter()
        .filter_map(|service_id| service_id.declaration.as_ref().map(|d| d.address.clone()))
        .collect();
    let module_ids = declared
        .iter()
        .filter(|address| address.ends_with("ibm_iam_service_id.reader"))
        .count();
    assert_eq!(module_ids, 3, "{declared:?}");
    assert!(
        declared
            .iter()
            .any(|address| address == "ibm_iam_service_id.exporter")
    );
}

/// `report` and `baseline write` read `.tf` inputs with the same Terraform variable options
/// as `check` (one shared argument group).
#[test]
fn report_and_baseline_take_the_terraform_variable_options() {
    let dir = "fixtures/terraform/hcl/variables";
    let var_file = "fixtures/terraform/hcl/variables/prod.tfvars";
    let without = common::run(&["report", "--no-config", "--format", "markdown", dir]);
    assert!(!without.stdout.contains("ServiceId-7a9d2c4e"));
    let report = common::run(&[
        "report",
        "--no-config",
        "--format",
        "markdown",
        "--var-file",
        var_file,
        dir,
    ]);
    assert!(
        report.stdout.contains("ServiceId-7a9d2c4e"),
        "{}",
        report.stdout
    );
    let scratch = tempfile::tempdir().unwrap();
    let baseline = scratch.path().join("baseline.json");
    let written = common::run(&[
        "baseline",
        "write",
        "--no-config",
        "--var-file",
        var_file,
        baseline.to_str().unwrap(),
        dir,
    ]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(text.contains("key-cannot-evaluate"), "{text}");
}

/// `--new-only` compares a configuration with an empty prior state: every finding is new,
/// the secrets written in it too (they were once counted as already present).
#[test]
fn new_only_on_a_configuration_reports_everything_as_new() {
    let dir = "fixtures/terraform/hcl/secret";
    let all = common::check(&[dir], &Settings::default());
    let paths = [PathBuf::from(dir)];
    let settings = Settings::default();
    let new = pipeline::check_new_only(&paths, &LoadOptions::default(), &settings)
        .expect("valid options");
    let rules = |checked: &Checked| -> Vec<&'static str> {
        checked
            .findings
            .iter()
            .map(|finding| finding.rule)
            .collect()
    };
    assert!(rules(&all).contains(&"credentials-exposed"));
    assert_eq!(rules(&new), rules(&all));
    let comparison = new.comparison.as_ref().expect("a comparison");
    assert_eq!(comparison.unchanged, 0);
}

/// A `for_each` over a collection with known keys and some apply-time values makes one
/// instance per key, each keeping its unknown parts; a collection whose keys are unknown is
/// one instance whose `each.*` is unknown with the reason.
#[test]
fn for_each_with_known_keys_and_computed_values_makes_every_instance() {
    let checked = common::check(
        &["fixtures/terraform/hcl/foreach-partial"],
        &Settings::default(),
    );
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let findings: BTreeSet<(String, String, String)> = checked
        .findings
        .iter()
        .map(|finding| {
            (
                finding.rule.to_owned(),
                finding.subject.address.clone().unwrap_or_default(),
                format!("{:?}", finding.status),
            )
        })
        .collect();
    let expected = |rule: &str, address: &str, status: &str| {
        (rule.to_owned(), address.to_owned(), status.to_owned())
    };
    assert!(
        findings.contains(&expected(
            "key-role-excessive",
            r#"ibm_resource_key.k["a"]"#,
            "Fail"
        )),
        "{findings:?}"
    );
    assert!(
        findings.contains(&expected(
            "key-role-excessive",
            r#"module.cos.ibm_resource_key.resource_keys["manager"]"#,
            "Fail"
        )),
        "{findings:?}"
    );
    // The route's locations are known although its target id is computed.
    assert!(
        !findings
            .iter()
            .any(|(rule, _, _)| rule == "audit-global-events-unrouted"),
        "{findings:?}"
    );
    let unknown = checked
        .findings
        .iter()
        .find(|finding| finding.subject.address.as_deref() == Some("ibm_resource_key.unknown_keys"))
        .expect("a finding on the key whose instances are unknown");
    assert_eq!(unknown.status, Status::Unknown);
    assert!(
        unknown
            .message
            .contains("'for_each' makes is not known before apply")
            && unknown.message.contains("variable 'names'")
            && !unknown.message.contains("outside a block"),
        "{}",
        unknown.message
    );
    let human = common::human(&checked);
    assert!(human.contains("5 resource keys"), "{human}");
}

/// A route whose locations are known only at apply time (its `for_each` keys are unknown)
/// makes `audit-global-events-unrouted` unknown, not a failure.
#[test]
fn a_route_with_computed_locations_is_unknown_not_unrouted() {
    let checked = common::check(
        &["fixtures/terraform/hcl/foreach-unknown-route"],
        &Settings::default(),
    );
    let audit: Vec<_> = checked
        .findings
        .iter()
        .filter(|finding| finding.rule == "audit-global-events-unrouted")
        .collect();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].status, Status::Unknown, "{}", audit[0].message);
    assert!(audit[0].message.contains("known only after apply"));
}

/// Several root modules in one run stay distinct even where their addresses are the same;
/// the same root named twice is read once.
#[test]
fn root_modules_with_the_same_addresses_stay_distinct() {
    let key_role = |checked: &Checked| -> Vec<(String, String)> {
        checked
            .findings
            .iter()
            .filter(|finding| finding.rule == "key-role-excessive")
            .map(|finding| {
                (
                    finding.subject.address.clone().unwrap_or_default(),
                    finding.message.clone(),
                )
            })
            .collect()
    };
    let dir = "fixtures/terraform/hcl/multiroot";
    for paths in [
        vec![dir],
        vec![
            "fixtures/terraform/hcl/multiroot/envA",
            "fixtures/terraform/hcl/multiroot/envB",
        ],
        vec![
            "fixtures/terraform/hcl/multiroot/envB",
            "fixtures/terraform/hcl/multiroot/envA",
        ],
    ] {
        let checked = common::check(&paths, &Settings::default());
        let found = key_role(&checked);
        assert_eq!(found.len(), 1, "{paths:?}: {found:?}");
        assert_eq!(found[0].0, "ibm_resource_key.k");
        assert!(found[0].1.contains("`k-B`"), "{}", found[0].1);
        assert_eq!(checked.loaded.inventory.keys.len(), 2, "{paths:?}");
    }
    let envb = "fixtures/terraform/hcl/multiroot/envB";
    let twice = common::check(&[envb, envb], &Settings::default());
    assert_eq!(twice.loaded.inventory.keys.len(), 1);
    assert_eq!(key_role(&twice).len(), 1);
}

/// A trusted profile policy's `iam_id` (a reference to the profile's `iam_id`, or a literal
/// `iam-Profile-...`) attributes the policy to that profile.
#[test]
fn trusted_profile_policies_by_iam_id_belong_to_the_profile() {
    let checked = common::check(
        &["fixtures/terraform/hcl/profile-iam-id"],
        &Settings::default(),
    );
    let mut found: Vec<(String, String)> = checked
        .findings
        .iter()
        .filter(|finding| finding.rule == "profile-unrestricted")
        .map(|finding| {
            assert_eq!(finding.status, Status::Fail, "{}", finding.message);
            (finding.subject.id.clone(), finding.message.clone())
        })
        .collect();
    found.sort();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "Profile-9b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d");
    assert_eq!(found[1].0, "Profile-<ibm_iam_trusted_profile.ci>");
    assert!(found[1].1.contains("`ci`"), "{}", found[1].1);
}

/// `.tf.json` with a block type's value written as an array of objects
/// (`"resource": [{...}, {...}]`) is read as Terraform reads it.
#[test]
fn json_configuration_in_the_array_form() {
    let checked = common::check(&["fixtures/terraform/hcl/json-array"], &Settings::default());
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let finding = checked
        .findings
        .iter()
        .find(|finding| finding.rule == "serviceid-unrestricted")
        .expect("the policy of the array form is read");
    assert_eq!(finding.status, Status::Fail);
    assert_eq!(
        finding.subject.address.as_deref(),
        Some("ibm_iam_service_id.sid")
    );
    assert_eq!(checked.loaded.inventory.policies.len(), 1);
}

/// A module called from an example below it (`source = "../../"`) and checked from inside
/// the example: its file is named as the user would reach it from there (`../../main.tf`),
/// in every format, and with `--repo-root` at the module it is repository-relative
/// (`main.tf`), as GitHub code scanning needs. Never the absolute path iamlint resolved.
#[test]
fn a_parent_module_is_named_relative_to_where_iamlint_runs() {
    let example = std::path::Path::new("fixtures/terraform/hcl/parent-module/examples/basic");
    let absolute = std::fs::canonicalize("fixtures/terraform/hcl/parent-module")
        .expect("fixture exists")
        .display()
        .to_string();
    let expected = [
        ("concise", "../../main.tf:15:1: medium key-role-excessive"),
        ("sarif", "\"uri\": \"../../main.tf\""),
        ("github", "::warning file=../../main.tf,line=15,"),
    ];
    for (format, expected) in expected {
        let run = common::run_in(example, &["check", "--no-config", "--format", format, "."]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(run.stdout.contains(expected), "{format}: {}", run.stdout);
        assert!(!run.stdout.contains(&absolute), "{format}: {}", run.stdout);
        assert!(!run.stdout.contains("file://"), "{format}: {}", run.stdout);
    }
    let rooted = common::run_in(
        example,
        &[
            "check",
            "--no-config",
            "--format",
            "sarif",
            "--repo-root",
            "../..",
            ".",
        ],
    );
    assert!(
        rooted.stdout.contains("\"uri\": \"main.tf\""),
        "{}",
        rooted.stdout
    );
    // From the module's own directory the example is named below it, the module's file
    // plainly.
    let above = common::run(&[
        "check",
        "--no-config",
        "--format",
        "concise",
        "fixtures/terraform/hcl/parent-module/examples/basic",
    ]);
    assert!(
        above
            .stdout
            .starts_with("fixtures/terraform/hcl/parent-module/main.tf:15:1: medium"),
        "{}",
        above.stdout
    );
}

/// A literal secret kept in `locals` is reported where the literal is written, not where
/// the local is used: a resource's sensitive argument (`apikey = local.k`) and a module's
/// sensitive variable set through a chain of locals.
#[test]
fn a_secret_kept_in_a_local_is_reported_at_the_literal() {
    let checked = common::check(
        &["fixtures/terraform/hcl/secret-local"],
        &Settings::default(),
    );
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let json: serde_json::Value = serde_json::from_str(&common::json(&checked)).unwrap();
    let places: BTreeSet<(String, String, u64)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["rule"] == "credentials-exposed")
        .map(|finding| {
            (
                finding["resource"]["address"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
                finding["location"]["file"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
                finding["location"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let locals = "fixtures/terraform/hcl/secret-local/locals.tf".to_owned();
    assert_eq!(
        places,
        BTreeSet::from([
            (
                "ibm_iam_service_api_key.exporter".to_owned(),
                locals.clone(),
                2
            ),
            ("module.db".to_owned(), locals, 4),
        ])
    );
}
