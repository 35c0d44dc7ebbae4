//! What rules record as evaluated (`RuleContext::evaluated`), beyond the registry's
//! "something on the good example": no pass where the data to judge is missing, and passes
//! named with the same identity the rule's findings use.

use iamlint::pipeline::Checked;
use iamlint::rules::Settings;

use crate::common;

/// `(kind, id)` of each subject `rule` recorded without a finding of it: its passes.
fn passes(checked: &Checked, rule: &str) -> Vec<(String, String)> {
    checked
        .evaluated
        .iter()
        .filter(|item| item.rule == rule)
        .filter_map(|item| item.subject.view(&checked.loaded.inventory))
        .filter(|subject| {
            !checked.findings.iter().any(|finding| {
                finding.rule == rule
                    && finding.subject.kind == subject.kind
                    && finding.subject.id == subject.id
            })
        })
        .map(|subject| (subject.kind.as_str().to_owned(), subject.id.to_owned()))
        .collect()
}

fn check(rule: &str, file: &str) -> Checked {
    check_path(rule, &format!("fixtures/rules/{rule}/{file}"))
}

fn check_path(rule: &str, path: &str) -> Checked {
    common::check(&[path], &Settings::only(&[rule]))
}

#[test]
fn no_pass_when_an_export_is_missing() {
    // Each input lacks the collection its rule counts or compares against.
    for (rule, path) in [
        (
            "apikey-limit-per-identity",
            "fixtures/rules/apikey-limit-per-identity/bad-resource-keys-only.json",
        ),
        // Resource keys of few service IDs, but no API key export: counts are lower bounds.
        (
            "apikey-limit-per-identity",
            "fixtures/rules/key-duplicate-service-key/good-distinct.yaml",
        ),
        (
            "apikey-rotation",
            "fixtures/rules/apikey-rotation/unknown-no-apikey-export.yaml",
        ),
        (
            "serviceid-limit",
            "fixtures/rules/serviceid-limit/unknown-not-exported.yaml",
        ),
        (
            "policy-limit",
            "fixtures/rules/policy-limit/unknown-not-exported.yaml",
        ),
        (
            "serviceid-orphaned",
            "fixtures/rules/serviceid-orphaned/unknown-keys-not-exported.yaml",
        ),
        // A plan alone creates a key on an instance it does not create: keys made outside
        // it are not in the inputs.
        ("key-api-created-duplicate", "fixtures/demo/tfplan.json"),
    ] {
        let checked = check_path(rule, path);
        assert_eq!(passes(&checked, rule), Vec::new(), "{rule} on {path}");
    }
}

#[test]
fn account_wide_counts_pass_on_the_subject_a_finding_would_name() {
    // Three administrators: the count passes, on the first service ID in sorted order.
    let checked = check("serviceid-admin-count", "good-three-admins.json");
    let recorded = passes(&checked, "serviceid-admin-count");
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let bad = check("serviceid-admin-count", "bad-four-admins.json");
    let failed = &bad.findings[0].subject;
    assert_eq!(recorded[0].0, failed.kind.as_str());
    assert!(recorded[0].1.starts_with("ServiceId-"));
}

#[test]
fn a_resolved_reference_is_named_like_a_dangling_one() {
    // Findings name a missing instance by its GUID and a service ID by its core: so do passes.
    let checked = check("reference-dangling", "good-all-present.yaml");
    let recorded = passes(&checked, "reference-dangling");
    assert!(!recorded.is_empty());
    for (kind, id) in &recorded {
        match kind.as_str() {
            "resource_instance" => assert!(!id.starts_with("crn:"), "{id}"),
            "service_id" => assert!(id.starts_with("ServiceId-"), "{id}"),
            other => panic!("unexpected subject kind {other}"),
        }
    }
}

#[test]
fn a_key_the_plan_creates_passes_only_when_no_other_key_can_exist() {
    // The plan creates the instance too: its one new key cannot be a second one.
    let checked = check("key-api-created-duplicate", "good-one-new-key.json");
    assert_eq!(
        passes(&checked, "key-api-created-duplicate"),
        vec![(
            "resource_key".to_owned(),
            "<ibm_resource_key.export.crn>".to_owned()
        )]
    );
}

#[test]
fn a_declared_key_without_exposed_secrets_passes_under_its_address() {
    // The plan computes the key's credentials (and its CRN): nothing exposed, and the pass is
    // named by the address, as an exposure of the same key would be.
    let checked = check("credentials-exposed", "good-plan-computed.json");
    assert_eq!(
        passes(&checked, "credentials-exposed"),
        vec![(
            "resource_key".to_owned(),
            "ibm_resource_key.export".to_owned()
        )]
    );
}
