//! The catalogue of real document kinds (`fixtures/realworld/`, one document per kind in the
//! shapes of IBM's platform-services SDK models, invented values, pretty and compact): each
//! is recognised as what it is, loaded or skipped with its reason, and never read as
//! another kind.

use std::path::PathBuf;

use iamlint::sources::exports::catalogue::DocumentKind;
use iamlint::sources::{LoadOptions, Loaded, load};
use serde_json::Value;

use crate::common;

/// What a fixture must give: the entities loaded, or the kind it is skipped as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Counts {
    instances: usize,
    keys: usize,
    service_ids: usize,
    api_keys: usize,
    policies: usize,
    access_groups: usize,
    memberships: usize,
    profiles: usize,
    profile_links: usize,
    profile_claim_rules: usize,
    custom_roles: usize,
}

enum Expect {
    Loaded(Counts),
    Skipped(DocumentKind),
}

const fn counts(instances: usize, keys: usize, service_ids: usize, api_keys: usize) -> Counts {
    Counts {
        instances,
        keys,
        service_ids,
        api_keys,
        policies: 0,
        access_groups: 0,
        memberships: 0,
        profiles: 0,
        profile_links: 0,
        profile_claim_rules: 0,
        custom_roles: 0,
    }
}

const NONE: Counts = counts(0, 0, 0, 0);

fn catalogue() -> Vec<(&'static str, Expect)> {
    use DocumentKind as K;
    use Expect::{Loaded, Skipped};
    vec![
        ("resource_instances", Loaded(counts(1, 0, 0, 0))),
        ("resource_keys", Loaded(counts(0, 1, 0, 0))),
        // An instance, an alias, a key and a binding in one list: only the instance and the
        // key are entities of the model (wrong answer 5 of issue 12).
        ("resources_mixed", Loaded(counts(1, 1, 0, 0))),
        ("cli_service_instances", Loaded(counts(1, 0, 0, 0))),
        ("cli_service_keys", Loaded(counts(0, 1, 0, 0))),
        ("cli_service_ids", Loaded(counts(0, 0, 1, 0))),
        ("cli_api_keys", Loaded(counts(0, 0, 0, 2))),
        (
            "cli_trusted_profiles",
            Loaded(Counts {
                profiles: 1,
                ..NONE
            }),
        ),
        ("cli_access_group_rules", Skipped(K::AccessGroupRules)),
        ("resource_bindings", Skipped(K::ResourceBindings)),
        ("cli_service_bindings", Skipped(K::ResourceBindings)),
        ("resource_aliases", Skipped(K::ResourceAliases)),
        ("reclamations", Skipped(K::Reclamations)),
        ("service_ids", Loaded(counts(0, 0, 1, 0))),
        ("api_keys", Loaded(counts(0, 0, 0, 2))),
        ("serviceid_groups", Skipped(K::ServiceIdGroups)),
        (
            "trusted_profiles",
            Loaded(Counts {
                profiles: 1,
                ..NONE
            }),
        ),
        (
            "profile_links_Profile-5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a",
            Loaded(Counts {
                profile_links: 1,
                ..NONE
            }),
        ),
        (
            "profile_rules_Profile-5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a",
            Loaded(Counts {
                profile_claim_rules: 1,
                ..NONE
            }),
        ),
        // The same lists saved under names that do not say their profile: set aside, with
        // the reason, rather than loaded as links of no profile.
        ("trusted_profile_links", Skipped(K::UnnamedProfileLists)),
        (
            "trusted_profile_claim_rules",
            Skipped(K::UnnamedProfileLists),
        ),
        // Account-level documents load into the model's settings, routes and targets (their
        // counts are checked in `account_level_documents_load_with_their_members`).
        ("account_settings", Loaded(NONE)),
        ("account_settings_effective", Loaded(NONE)),
        ("access_group_settings", Loaded(NONE)),
        ("atracker_routes", Loaded(NONE)),
        ("atracker_targets", Loaded(NONE)),
        ("activity_report", Loaded(NONE)),
        ("mfa_report", Loaded(NONE)),
        ("users", Loaded(NONE)),
        ("account", Loaded(NONE)),
        ("enterprise_accounts", Loaded(NONE)),
        ("report_reference", Skipped(K::ReportReference)),
        ("identity_limits", Loaded(NONE)),
        (
            "policies_v1",
            Loaded(Counts {
                policies: 1,
                ..NONE
            }),
        ),
        (
            "policies_v2",
            Loaded(Counts {
                policies: 1,
                ..NONE
            }),
        ),
        ("policy_templates", Skipped(K::PolicyTemplates)),
        ("policy_assignments", Skipped(K::PolicyAssignments)),
        (
            "roles",
            Loaded(Counts {
                custom_roles: 1,
                ..NONE
            }),
        ),
        (
            "custom_roles",
            Loaded(Counts {
                custom_roles: 1,
                ..NONE
            }),
        ),
        (
            "custom_role",
            Loaded(Counts {
                custom_roles: 1,
                ..NONE
            }),
        ),
        (
            "access_groups",
            Loaded(Counts {
                access_groups: 1,
                ..NONE
            }),
        ),
        // What `iamlint collect` writes for an account without access groups, and the bare
        // and linked forms of an empty list.
        ("access_groups_empty_collect", Loaded(NONE)),
        ("access_groups_empty_bare", Loaded(NONE)),
        ("access_groups_empty_links", Loaded(NONE)),
        (
            "access_group_members",
            Loaded(Counts {
                memberships: 1,
                ..NONE
            }),
        ),
        ("access_group_rules", Skipped(K::AccessGroupRules)),
        ("rules_empty", Skipped(K::ClaimRules)),
        ("terraform_tfstate", Skipped(K::TerraformState)),
        ("service_credentials", Skipped(K::ServiceCredentials)),
        // The services beside IAM that people export with it: named, never misread (a
        // Metrics or Logs Routing target has `id`, `name`, `target_type` like Activity
        // Tracker's).
        ("resource_groups", Skipped(K::ResourceGroups)),
        ("cbr_rules", Skipped(K::CbrRules)),
        ("cbr_zones", Skipped(K::CbrZones)),
        ("atracker_settings", Skipped(K::AtrackerSettings)),
        ("metrics_targets", Skipped(K::MetricsRouting)),
        ("metrics_routes", Skipped(K::MetricsRouting)),
        ("logs_targets", Skipped(K::LogsRouting)),
        ("logs_tenants", Skipped(K::LogsRouting)),
        ("profile_identities", Skipped(K::ProfileIdentities)),
        ("profile_templates", Skipped(K::IdentityTemplates)),
        ("account_settings_templates", Skipped(K::IdentityTemplates)),
        ("profile_assignments", Skipped(K::IdentityAssignments)),
        ("group_templates", Skipped(K::AccessGroupTemplates)),
        ("group_assignments", Skipped(K::AccessGroupAssignments)),
        ("secrets", Skipped(K::Secrets)),
    ]
}

fn load_one(path: &str) -> Loaded {
    load(&[PathBuf::from(path)], &LoadOptions::default()).expect("valid options")
}

fn counts_of(loaded: &Loaded) -> Counts {
    let inventory = &loaded.inventory;
    Counts {
        instances: inventory.instances.len(),
        keys: inventory.keys.len(),
        service_ids: inventory.service_ids.len(),
        api_keys: inventory.api_keys.len(),
        policies: inventory.policies.len(),
        access_groups: inventory.access_groups.len(),
        memberships: inventory.memberships.len(),
        profiles: inventory.profiles.len(),
        profile_links: inventory.profile_links.len(),
        profile_claim_rules: inventory.profile_claim_rules.len(),
        custom_roles: inventory.custom_roles.len(),
    }
}

#[test]
fn every_kind_of_the_catalogue_is_recognised_as_itself_pretty_and_compact() {
    let mut checked = 0;
    for (stem, expect) in catalogue() {
        for form in ["json", "min.json"] {
            let path = format!("fixtures/realworld/{stem}.{form}");
            let loaded = load_one(&path);
            assert!(loaded.errors.is_empty(), "{path}: {:?}", loaded.errors);
            assert_eq!(loaded.files, 1, "{path}");
            match expect {
                Expect::Loaded(counts) => {
                    assert!(loaded.skipped.is_empty(), "{path} was skipped");
                    assert_eq!(counts_of(&loaded), counts, "{path}");
                }
                Expect::Skipped(kind) => {
                    assert_eq!(loaded.skipped, std::slice::from_ref(&path), "{path}");
                    assert_eq!(loaded.skipped_kinds, [(path.clone(), kind)], "{path}");
                    assert_eq!(counts_of(&loaded), NONE, "{path} loaded entities");
                    assert!(kind.skip_reason().is_some(), "{kind:?} is a loaded kind");
                }
            }
            checked += 1;
        }
    }
    // Every file of the set is in the table.
    let files = std::fs::read_dir("fixtures/realworld")
        .unwrap()
        .filter(|entry| entry.as_ref().unwrap().path().is_file())
        .count();
    assert_eq!(checked, files);
}

#[test]
fn the_compact_and_pretty_forms_load_the_same_entities() {
    for (stem, _) in catalogue() {
        let pretty = load_one(&format!("fixtures/realworld/{stem}.json"));
        let compact = load_one(&format!("fixtures/realworld/{stem}.min.json"));
        assert_eq!(counts_of(&pretty), counts_of(&compact), "{stem}");
        assert_eq!(
            format!("{:?}", pretty.inventory.collections),
            format!("{:?}", compact.inventory.collections),
            "{stem}"
        );
    }
}

#[test]
fn resource_controller_items_are_classified_by_the_resource_type_of_their_crn() {
    let loaded = load_one("fixtures/realworld/resources_mixed.json");
    let inventory = &loaded.inventory;
    assert_eq!(
        inventory.instances[0].guid,
        "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
    );
    assert!(inventory.keys[0].crn.contains(":resource-key:"));
    assert!(inventory.collections.instances && inventory.collections.keys);
    // The binding (its `source_crn` names the alias) is no key of the instance.
    let keys: Vec<&str> = inventory
        .keys_of_instance("2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d")
        .map(|key| key.crn.as_str())
        .collect();
    assert_eq!(keys.len(), 1);
    // A list of bindings marks no collection: it says nothing about the account's keys.
    let bindings = load_one("fixtures/realworld/resource_bindings.json");
    assert!(!bindings.inventory.collections.keys);
}

#[test]
fn an_empty_access_group_list_says_the_account_has_none() {
    for stem in [
        "access_groups_empty_collect",
        "access_groups_empty_bare",
        "access_groups_empty_links",
    ] {
        let loaded = load_one(&format!("fixtures/realworld/{stem}.json"));
        assert!(loaded.inventory.collections.access_groups, "{stem}");
    }
}

/// The statuses of the API key findings, by rule and key id, sorted.
fn api_key_statuses(stdout: &str) -> Vec<(String, String, String)> {
    let report: Value = serde_json::from_str(stdout).expect("JSON output");
    let mut statuses: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .filter(|finding| finding["resource"]["kind"] == "api_key")
        .map(|finding| {
            (
                finding["rule"].as_str().expect("a rule id").to_owned(),
                finding["resource"]["id"]
                    .as_str()
                    .expect("a resource id")
                    .to_owned(),
                finding["status"].as_str().expect("a status").to_owned(),
            )
        })
        .collect();
    statuses.sort();
    statuses
}

#[test]
fn an_activity_report_next_to_the_api_keys_leaves_their_failures_failing_in_both_orders() {
    let mut outcomes = Vec::new();
    for order in ["report-first", "report-last"] {
        let dir = format!("fixtures/realworld/activity-next-to-keys/{order}");
        let run = common::run(&["check", "--format", "json", &dir]);
        assert_eq!(run.code, 1, "{order}: {}", run.stderr);
        let statuses = api_key_statuses(&run.stdout);
        for (rule, key) in [
            (
                "apikey-rotation",
                "ApiKey-6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
            ),
            (
                "apikey-rotation",
                "ApiKey-1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a",
            ),
            (
                "apikey-no-expiry",
                "ApiKey-6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
            ),
        ] {
            assert!(
                statuses.contains(&(rule.to_owned(), key.to_owned(), "fail".to_owned())),
                "{order}: {rule} on {key} is not failing: {statuses:?}"
            );
        }
        outcomes.push(statuses);
        // The report is loaded (its usage feeds `apikey-unused`), never skipped.
        let verbose = common::run(&["check", "-v", &dir]);
        assert!(
            !verbose
                .stdout
                .contains("activity_report.json: IAM Identity activity report"),
            "{}",
            verbose.stdout
        );
    }
    assert_eq!(
        outcomes[0], outcomes[1],
        "the file order changes the findings"
    );
}

/// A thin copy of an API key (a CLI array with its id and name only) next to the full API
/// list: whichever file comes first, the key keeps every field of the full copy.
#[test]
fn copies_of_one_entity_merge_whatever_the_file_order() {
    let full = std::fs::read_to_string("fixtures/realworld/api_keys.json").unwrap();
    let thin = r#"[{"id": "ApiKey-1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a", "name": "laptop-cli",
        "description": "from the CLI", "expires_at": "2099-01-01T00:00+0000"}]"#;
    let mut inventories = Vec::new();
    for (first, second) in [("a_thin", "b_full"), ("a_full", "b_thin")] {
        let dir = common::TempDir::new(&format!("merge-{first}"));
        for stem in [first, second] {
            let text = if stem.ends_with("thin") { thin } else { &full };
            std::fs::write(dir.0.join(format!("{stem}.json")), text).unwrap();
        }
        let loaded = load(std::slice::from_ref(&dir.0), &LoadOptions::default()).unwrap();
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let key = loaded
            .inventory
            .api_keys
            .iter()
            .find(|key| key.id == "ApiKey-1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a")
            .unwrap();
        assert_eq!(loaded.inventory.api_keys.len(), 2, "{first}");
        // From the full copy (the base: it holds more)...
        assert_eq!(key.iam_id.as_deref(), Some("IBMid-6930001XYZ"), "{first}");
        assert_eq!(
            key.action_when_leaked.as_deref(),
            Some("disable"),
            "{first}"
        );
        assert_eq!(key.created_at.as_deref(), Some("2023-05-02T08:00+0000"));
        assert_eq!(
            key.description.as_deref(),
            Some("laptop-cli key"),
            "{first}"
        );
        // ...and what only the thin copy has.
        assert_eq!(key.expires_at.as_deref(), Some("2099-01-01T00:00+0000"));
        let name = loaded
            .documents
            .get(key.origin.document)
            .unwrap()
            .name
            .clone();
        assert!(
            name.ends_with("full.json"),
            "{first}: the key points at {name}"
        );
        inventories.push(format!("{:?}", (&key.name, &key.iam_id, &key.expires_at)));
    }
    assert_eq!(inventories[0], inventories[1]);
}

#[test]
fn a_directory_whose_every_file_is_skipped_says_so() {
    let dir = common::TempDir::new("all-skipped");
    for (from, to) in [
        ("fixtures/realworld/report_reference.json", "report.json"),
        (
            "fixtures/realworld/terraform_tfstate.json",
            "terraform.tfstate.json",
        ),
        ("fixtures/demo/package.json", "package.json"),
    ] {
        std::fs::copy(from, dir.0.join(to)).unwrap();
    }
    let path = dir.0.display().to_string();
    let run = common::run(&["check", &path]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: 3 files found, all skipped: 1 IAM Identity report reference, 1 raw Terraform \
             state, 1 unrecognised shape; nothing to check"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("no input files found"));
    // A raw state gets the hint to run `terraform show -json`.
    let run = common::run(&["check", "-v", "fixtures/realworld/terraform_tfstate.json"]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr
            .contains("1 file found, all skipped: 1 raw Terraform state")
    );
    // An empty directory is still "no input files found".
    let empty = common::TempDir::new("no-files");
    let run = common::run(&["check", &empty.0.display().to_string()]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.contains("no input files found"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_service_credentials_file_is_recognised_and_its_secret_never_printed() {
    for format in [
        "human", "concise", "json", "sarif", "github", "junit", "markdown", "csv", "html",
    ] {
        for path in [
            "fixtures/realworld/service_credentials.json",
            "fixtures/realworld/service_credentials.min.json",
            "fixtures/realworld",
        ] {
            let run = common::run(&["check", "-v", "--format", format, path]);
            assert!(!run.stdout.contains("CANARY"), "{format} {path}");
            assert!(!run.stderr.contains("CANARY"), "{format} {path}");
        }
    }
}

#[test]
fn skipped_kinds_are_counted_by_reason_and_named_with_verbose() {
    let run = common::run(&[
        "check",
        "-v",
        "fixtures/realworld/api_keys.json",
        "fixtures/realworld/report_reference.json",
        "fixtures/realworld/resource_bindings.min.json",
        "fixtures/realworld/service_credentials.json",
    ]);
    let summary: String = run
        .stdout
        .lines()
        .skip_while(|line| !line.starts_with("checked "))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(summary);

    // The JSON summary names each skipped file with its kind and reason.
    let run = common::run(&[
        "check",
        "--format",
        "json",
        "fixtures/realworld/api_keys.json",
        "fixtures/realworld/resource_bindings.json",
        "fixtures/realworld/service_credentials.json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let skipped = &json["summary"]["skipped_files"];
    assert_eq!(json["summary"]["skipped"], 2);
    assert_eq!(
        skipped[0]["file"],
        "fixtures/realworld/resource_bindings.json"
    );
    assert_eq!(skipped[0]["kind"], "Resource Controller bindings");
    assert_eq!(
        skipped[0]["reason"],
        "Resource Controller bindings: not used by any rule yet"
    );
    assert_eq!(skipped[1]["kind"], "service credentials");
}

#[test]
fn account_level_documents_load_with_their_members() {
    for suffix in ["json", "min.json"] {
        let file = |stem: &str| PathBuf::from(format!("fixtures/realworld/{stem}.{suffix}"));
        let loaded = load(
            &[
                file("account_settings"),
                file("access_group_settings"),
                file("atracker_routes"),
                file("atracker_targets"),
            ],
            &LoadOptions::default(),
        )
        .expect("valid options");
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let inventory = &loaded.inventory;
        let settings = &inventory.identity_settings[0];
        let value = |setting: &Option<iamlint::model::Setting<String>>| {
            setting.as_ref().map(|setting| setting.value.clone())
        };
        assert_eq!(
            value(&settings.restrict_create_service_id).as_deref(),
            Some("RESTRICTED")
        );
        assert_eq!(
            value(&settings.restrict_create_platform_apikey).as_deref(),
            Some("NOT_SET")
        );
        assert_eq!(value(&settings.mfa).as_deref(), Some("TOTP"));
        assert_eq!(
            settings
                .mfa
                .as_ref()
                .map(|mfa| mfa.origin.pointer.to_string())
                .as_deref(),
            Some("/mfa")
        );
        let groups = &inventory.access_group_settings[0];
        assert_eq!(
            groups.public_access_enabled.as_ref().map(|s| s.value),
            Some(false)
        );
        let route = &inventory.routes[0];
        assert_eq!(route.rules[0].locations, ["global", "us-south", "eu-de"]);
        assert!(route.rules[0].takes_global_events());
        assert_eq!(
            inventory.routing_targets[0].id,
            route.rules[0].target_ids[0]
        );
        assert_eq!(
            inventory.routing_targets[0].write_status.as_deref(),
            Some("success")
        );
        // All four are of the account their own data names.
        assert_eq!(inventory.accounts.known(), 1);
    }
}

#[test]
fn the_readme_lists_every_kind_of_the_catalogue() {
    use iamlint::sources::exports::catalogue::{CATALOGUE, Handling};
    let readme = std::fs::read_to_string("README.md").unwrap();
    for info in CATALOGUE {
        let handling = match info.handling {
            Handling::Loaded => "loaded".to_owned(),
            Handling::Skipped(reason) => format!("skipped: {reason}"),
        };
        assert!(
            readme
                .lines()
                .any(|line| line.starts_with(&format!("| {} |", info.name))
                    && line.ends_with(&format!("| {handling} |"))),
            "README's Inputs table lacks {:?} ({handling})",
            info.name
        );
    }
}

#[test]
fn link_and_claim_rule_lists_take_their_profile_from_the_file_name() {
    let loaded = load(
        &[
            PathBuf::from(
                "fixtures/demo/profile_links_Profile-5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a.json",
            ),
            PathBuf::from(
                "fixtures/demo/profile_rules_Profile-7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b.json",
            ),
            PathBuf::from("fixtures/demo/trusted_profiles.json"),
        ],
        &LoadOptions::default(),
    )
    .expect("valid options");
    let inventory = &loaded.inventory;
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(
        inventory.profile_links[0].profile_id.as_deref(),
        Some("Profile-5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a")
    );
    assert_eq!(
        inventory.profile_claim_rules[0].profile_id.as_deref(),
        Some("Profile-7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b")
    );
    assert!(inventory.collections.profiles);
    // Each belongs to its profile's account.
    assert_eq!(
        inventory.profile_links[0].account.as_deref(),
        Some("a1b2c3d4e5f60718293a4b5c6d7e8f90")
    );
    assert!(
        inventory
            .profile("iam-Profile-7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b")
            .is_some()
    );
}
