//! Canary tests: secret values in the inputs, and in live mode the API key, the IAM tokens
//! and credential secrets, never appear in any output (every `check --format`, with waived
//! and baselined findings too, the GitHub job summary, both `report` formats, a baseline
//! file), error message or snapshot file.

use std::path::Path;

use crate::common;
use crate::live::account::Account;
use crate::live::emulator::{API_KEY, Action, Emulator};
use crate::live::live_env;

const CANARY: &str = "CANARY";

const FORMATS: [&str; 10] = [
    "human", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown", "csv", "html",
];

#[test]
fn secrets_never_reach_any_output() {
    let summary = std::env::temp_dir().join(format!("iamlint-canary-{}.md", std::process::id()));
    let summary_path = summary.to_str().unwrap();
    let mut runs = Vec::new();
    for format in FORMATS {
        for extra in [&[][..], &["--show-passed"][..]] {
            let mut args = vec!["check", "--format", format];
            args.extend_from_slice(extra);
            args.push("fixtures/secrets");
            runs.push((
                format,
                common::run_with(&args, &[("GITHUB_STEP_SUMMARY", summary_path)]),
            ));
        }
        runs.push((
            format,
            common::run(&[
                "check",
                "--format",
                format,
                "-v",
                "fixtures/secrets/broken-key.json",
            ]),
        ));
    }
    // Terraform plans and states print sensitive values in clear: none may come through, in
    // any mode and any format.
    for format in FORMATS {
        for args in [
            &["check", "fixtures/terraform"][..],
            &["check", "--new-only", "fixtures/terraform"],
            &["check", "-v", "fixtures/rules/credentials-exposed"],
            &[
                "check",
                "--new-only",
                "--show-passed",
                "fixtures/rules/credentials-exposed",
            ],
            &["check", "fixtures/rules/key-api-created-duplicate"],
            &[
                "diff",
                "fixtures/terraform/merge/exports",
                "fixtures/terraform/merge",
            ],
        ] {
            let mut args = args.to_vec();
            args.splice(1..1, ["--format", format]);
            runs.push((format, common::run(&args)));
        }
    }
    for format in ["html", "markdown"] {
        runs.push((
            format,
            common::run(&["report", "--format", format, "fixtures/secrets"]),
        ));
    }
    // Waived findings (every finding, waived by a glob) and a baseline (written from the
    // Terraform fixtures, so that checking the secrets fixtures against it lists every entry
    // as fixed) are shown in every format too; the baseline file itself is an output.
    let dir = common::TempDir::new("canary-triage");
    let config = dir.0.join("iamlint.yaml");
    let waivers: String = iamlint::rules::REGISTRY
        .iter()
        .map(|entry| {
            format!(
                "  - rule: {}\n    resource: \"*\"\n    reason: canary test\n",
                entry.id
            )
        })
        .collect();
    std::fs::write(&config, format!("waivers:\n{waivers}")).unwrap();
    let config = config.to_str().unwrap();
    let baseline = dir.0.join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    for inputs in ["fixtures/terraform", "fixtures/secrets"] {
        let written = common::run(&[
            "baseline",
            "write",
            "--no-config",
            "--exclude",
            "*broken-key.json",
            "--exclude",
            "invalid",
            baseline,
            inputs,
        ]);
        assert_eq!(written.code, 0, "{}", written.stderr);
        let file = std::fs::read_to_string(baseline).unwrap();
        assert!(
            !file.is_empty() && !file.contains(CANARY),
            "the baseline leaks a secret"
        );
        runs.push(("baseline write", written));
    }
    let rewritten = common::run(&[
        "baseline",
        "write",
        "--no-config",
        "--exclude",
        "invalid",
        baseline,
        "fixtures/terraform",
    ]);
    assert_eq!(rewritten.code, 0, "{}", rewritten.stderr);
    for format in FORMATS {
        for inputs in ["fixtures/secrets", "fixtures/terraform"] {
            runs.push((
                format,
                common::run(&["check", "--format", format, "--config", config, inputs]),
            ));
        }
        runs.push((
            format,
            common::run(&[
                "check",
                "--format",
                format,
                "--no-config",
                "--baseline",
                baseline,
                "fixtures/secrets",
            ]),
        ));
    }
    for format in ["html", "markdown"] {
        runs.push((
            format,
            common::run(&[
                "report",
                "--format",
                format,
                "--config",
                config,
                "fixtures/terraform",
            ]),
        ));
    }
    for (format, run) in &runs {
        assert!(!run.stdout.is_empty(), "{format} printed nothing");
        assert!(
            !run.stdout.contains(CANARY),
            "{format}: stdout leaks a secret:\n{}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(CANARY),
            "{format}: stderr leaks a secret:\n{}",
            run.stderr
        );
    }
    let written = std::fs::read_to_string(&summary).unwrap_or_default();
    let _ = std::fs::remove_file(&summary);
    assert!(
        !written.is_empty(),
        "the github format wrote no job summary"
    );
    assert!(!written.contains(CANARY), "the job summary leaks a secret");
    // The snippets did render around the secrets, masked.
    assert!(
        runs[0].1.stdout.contains("<redacted>"),
        "{}",
        runs[0].1.stdout
    );
    let sarif = &runs
        .iter()
        .find(|(format, _)| *format == "sarif")
        .unwrap()
        .1;
    assert!(
        sarif.stdout.contains("snippet"),
        "SARIF snippets are cut from the masked text and must be checked here too"
    );
}

/// Every byte under `dir`.
fn all_files(dir: &Path) -> String {
    let mut text = String::new();
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            text.push_str(&String::from_utf8_lossy(
                &std::fs::read(entry.path()).expect("a snapshot file reads"),
            ));
        }
    }
    text
}

#[test]
fn the_api_key_tokens_and_credential_secrets_never_leak() {
    let emulator = Emulator::start(Account::demo().with_canary_secrets());
    emulator.set(|state| state.echo_key = true);
    // A 401 mid-run makes a second token, and a failure puts a URL in a message.
    emulator.fault("/v2/policies", 1, 1, Action::ExpireTokens);
    emulator.fault("/v1/accounts/", 0, usize::MAX, Action::Status(500, None));
    let url = emulator.url();
    let dir = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for (at, format) in ["human", "json"].iter().enumerate() {
        let out = dir.path().join(format!("check-{at}"));
        runs.push(common::run_with_env(
            &[
                "check",
                "--live",
                "--out",
                out.to_str().unwrap(),
                "--format",
                format,
                "-v",
            ],
            &live_env(&url, API_KEY),
        ));
    }
    let out = dir.path().join("collect");
    runs.push(common::run_with_env(
        &["collect", "--out", out.to_str().unwrap()],
        &live_env(&url, API_KEY),
    ));
    // A wrong key that the server quotes back in its error message.
    runs.push(common::run_with_env(
        &[
            "collect",
            "--out",
            dir.path().join("wrong").to_str().unwrap(),
        ],
        &live_env(&url, "CANARY-WRONG-KEY-99887766"),
    ));
    assert!(emulator.tokens_issued() >= 4);
    for run in &runs {
        assert!(!run.stdout.is_empty() || !run.stderr.is_empty());
        assert!(
            !run.stdout.contains("CANARY"),
            "stdout leaks a secret:\n{}",
            run.stdout
        );
        assert!(
            !run.stderr.contains("CANARY"),
            "stderr leaks a secret:\n{}",
            run.stderr
        );
    }
    assert!(
        runs[3]
            .stderr
            .contains("BXNIM0415E: Provided API key <redacted> could not be found")
    );
    let files = all_files(dir.path());
    assert!(
        files.contains("resource_keys"),
        "the snapshots were written"
    );
    assert!(!files.contains("CANARY"), "a snapshot file leaks a secret");
}

#[test]
fn terraform_fixtures_hold_canaries_and_snapshots_do_not() {
    // The canaries are really there to be leaked...
    for file in [
        "fixtures/terraform/state-applied.json",
        "fixtures/terraform/plan-fixes-prior.json",
        "fixtures/rules/credentials-exposed/bad-plan-api-key.yaml",
        "fixtures/rules/credentials-exposed/bad-plan-provider-key-variable.json",
        "fixtures/rules/credentials-exposed/bad-plan-provider-key-variable.min.json",
        "fixtures/rules/credentials-exposed/bad-plan-sensitive-output.json",
        "fixtures/rules/credentials-exposed/bad-state-sensitive-output.json",
        "fixtures/rules/credentials-exposed/bad-plan-sensitive-map-member.json",
        "fixtures/rules/credentials-exposed/bad-state-sensitive-map-member.json",
        "fixtures/rules/credentials-exposed/bad-state-service-api-key.json",
        "fixtures/rules/credentials-exposed/bad-plan-module-call.json",
        "fixtures/secrets/keys-redacted-member.json",
    ] {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains(CANARY), "{file} has no canary");
    }
    // ...and no committed snapshot shows one.
    for entry in std::fs::read_dir("tests/integration/snapshots").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(CANARY), "{} leaks a secret", path.display());
    }
}

/// The `credentials-exposed` findings of one fixture: (subject address or id, message).
fn exposures(file: &str) -> Vec<(String, String)> {
    let checked = common::check(
        &[&format!("fixtures/rules/credentials-exposed/{file}")],
        &iamlint::rules::Settings::only(&["credentials-exposed"]),
    );
    assert!(checked.loaded.errors.is_empty(), "{file} does not load");
    checked
        .findings
        .iter()
        .map(|finding| {
            let subject = &finding.subject;
            let address = subject
                .address
                .clone()
                .unwrap_or_else(|| subject.id.clone());
            (address, finding.message.clone())
        })
        .collect()
}

#[test]
fn settings_and_names_that_mention_secrets_are_not_secrets() {
    // `restrict_create_platform_apikey = RESTRICTED` and the variable `apikey_creation`
    // feeding it; `pipeline_secret_group`, `secrets_instance` (a CRN) and `api_key_expiry`;
    // plan and state; and the provider documentation's examples of the IAM, resource key
    // and Secrets Manager resources.
    for file in [
        "good-plan-account-settings.json",
        "good-state-account-settings.json",
        "good-plan-secret-names.json",
        "good-state-secret-names.json",
        "good-plan-provider-doc-examples.json",
    ] {
        assert_eq!(exposures(file), [], "{file}");
    }
}

#[test]
fn each_finding_names_its_evidence() {
    const TERRAFORM: &str = "marked sensitive by Terraform";
    const PROVIDER: &str = "sensitive attribute of the IBM provider";
    let cases: [(&str, &[(&str, &str)]); 8] = [
        // Not declared sensitive, but it feeds the provider's `ibmcloud_api_key`.
        (
            "bad-plan-provider-key-variable.json",
            &[("var.ibmcloud_api_key", PROVIDER)],
        ),
        (
            "bad-plan-provider-key-variable.min.json",
            &[("var.ibmcloud_api_key", PROVIDER)],
        ),
        (
            "bad-plan-sensitive-output.json",
            &[
                ("output.cos_writer_hmac", TERRAFORM),
                ("ibm_resource_key.cos_writer", TERRAFORM),
            ],
        ),
        (
            "bad-state-sensitive-output.json",
            &[
                ("output.cos_writer_hmac", TERRAFORM),
                ("ibm_resource_key.cos_writer", TERRAFORM),
            ],
        ),
        // `admin_pw` is no credential name: only Terraform's mark on the map member says so.
        (
            "bad-plan-sensitive-map-member.json",
            &[
                ("var.db_admin_pw", TERRAFORM),
                ("ibm_resource_instance.orders_db", TERRAFORM),
            ],
        ),
        (
            "bad-state-sensitive-map-member.json",
            &[("ibm_resource_instance.orders_db", TERRAFORM)],
        ),
        (
            "bad-state-service-api-key.json",
            &[("ibm_iam_service_api_key.deploy", TERRAFORM)],
        ),
        // Arguments of a module call: a sensitive variable of the module, one that feeds a
        // provider-sensitive `apikey` in it, and a credential name; not `apikey_creation`,
        // `pipeline_secret_group`, `secrets_instance` or `api_key_expiry`.
        (
            "bad-plan-module-call.json",
            &[
                ("module.ci", TERRAFORM),
                ("module.ci", PROVIDER),
                ("module.ci", "named like a secret with a secret-like value"),
            ],
        ),
    ];
    for (file, expected) in cases {
        let found = exposures(file);
        let subjects: std::collections::BTreeSet<&str> =
            expected.iter().map(|(address, _)| *address).collect();
        assert_eq!(found.len(), subjects.len(), "{file}: {found:?}");
        for (address, evidence) in expected {
            assert!(
                found
                    .iter()
                    .any(|(subject, message)| subject == address && message.contains(evidence)),
                "{file}: no finding on {address} with {evidence:?}: {found:?}"
            );
        }
    }
    let module = exposures("bad-plan-module-call.json");
    assert!(
        module.iter().all(|(_, message)| {
            ![
                "apikey_creation",
                "pipeline_secret_group",
                "secrets_instance",
                "api_key_expiry",
            ]
            .iter()
            .any(|name| message.contains(name))
        }),
        "{module:?}"
    );
    let sensitive_map = exposures("bad-plan-sensitive-map-member.json");
    assert!(
        sensitive_map
            .iter()
            .any(|(_, message)| message.contains("`parameters.admin_pw`")),
        "{sensitive_map:?}"
    );
}

#[test]
fn a_redacted_member_with_a_value_never_shows_it() {
    let checked = common::check(
        &["fixtures/secrets/keys-redacted-member.json"],
        &iamlint::rules::Settings::default(),
    );
    let human = common::human(&checked);
    assert!(
        human.contains(r#""REDACTED": "<redacted>""#),
        "a finding shows the credentials, masked: {human}"
    );
    assert!(!human.contains(CANARY));
    assert!(!common::json(&checked).contains(CANARY));
}

/// A compact export on one line past column 65,535, with a secret in every item and a
/// hostile name (controls, bidi override) on the last one, valid and with a syntax error at
/// its end: snippet windows and escaping must not let a secret through in any format.
#[test]
fn secrets_in_one_long_line_never_reach_any_output() {
    let text = std::fs::read_to_string("fixtures/secrets/keys-minified.json").unwrap();
    let template: serde_json::Value = serde_json::from_str::<Vec<serde_json::Value>>(&text)
        .unwrap()
        .remove(0);
    let mut items = Vec::new();
    for at in 0..120 {
        let guid = format!("a7781738-3f1a-49b4-8905-{at:012x}");
        let item = serde_json::to_string(&template)
            .unwrap()
            .replace("a7781738-3f1a-49b4-8905-b3d7162a29c4", &guid)
            .replace("at-canary-min", &format!("at-canary-{at}"));
        items.push(item);
    }
    let hostile = "evil\\u001b[2J\\u001b]0;PWNED\\u0007name\u{202e}txt";
    let whole = format!("[{}]", items.join(",")).replace("at-canary-119", hostile);
    assert!(whole.len() > 70_000 && !whole.contains('\n'));
    let broken = format!("{},]", &whole[..whole.len() - 1]);
    let dir = common::TempDir::new("canary-long-line");
    for (name, text) in [("keys.json", &whole), ("broken.json", &broken)] {
        let path = dir.0.join(name);
        std::fs::write(&path, text).unwrap();
        for format in FORMATS {
            let run = common::run(&["check", "--format", format, path.to_str().unwrap()]);
            for (stream, output) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
                assert!(
                    !output.contains(CANARY),
                    "{name} {format} {stream} leaks a secret"
                );
                let raw: Vec<char> = output
                    .chars()
                    .filter(|&c| {
                        iamlint::report::safe::is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t')
                    })
                    .collect();
                assert!(raw.is_empty(), "{name} {format} {stream}: {raw:?}");
            }
        }
    }
}
