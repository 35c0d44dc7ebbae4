//! What iamlint must find in the generated account: a tally kept while planting, plus the
//! account-wide counts (service IDs, policies, API keys per identity) that decide the limit
//! rules, turned into `expected.json`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Value, json};

/// Every rule on this branch. Each is planted; none is left out.
pub(crate) const RULES: [&str; 31] = [
    "at-key-limit",
    "key-restriction-missing",
    "key-restriction-incomplete",
    "serviceid-unrestricted",
    "key-cannot-evaluate",
    "key-manager-incomplete-grant",
    "serviceid-limit",
    "serviceid-orphaned",
    "key-duplicate-service-key",
    "reference-dangling",
    "at-service-deprecated",
    "apikey-rotation",
    "apikey-limit-per-identity",
    "apikey-leak-action",
    "apikey-no-expiry",
    "serviceid-admin-count",
    "user-policy-direct",
    "key-role-excessive",
    "policy-limit",
    "serviceid-unlocked",
    "apikey-unused",
    "account-owner-apikey",
    "user-mfa-missing",
    "account-owner-mfa-missing",
    "user-inactive",
    "account-serviceid-creation-unrestricted",
    "account-apikey-creation-unrestricted",
    "account-mfa-disabled",
    "access-public-enabled",
    "audit-global-events-unrouted",
    "support-access-group-missing",
];

/// Rules that need documents the generator does not write (users, the account document,
/// the activity and MFA reports): each says `unknown` once, naming what to export.
const UNKNOWN_WITHOUT_PEOPLE: [&str; 5] = [
    "apikey-unused",
    "account-owner-apikey",
    "user-mfa-missing",
    "account-owner-mfa-missing",
    "user-inactive",
];

/// Rules that an API export cannot trigger, with the reason: iamlint must report none of
/// their findings on the generated account.
pub(crate) const NOT_PLANTED: [(&str, &str); 4] = [
    (
        "key-api-created-duplicate",
        "it compares a Terraform plan's new keys with the exported ones; API exports hold no plan",
    ),
    (
        "user-admin-count",
        "the generated account grants Administrator to no user, directly or through a group",
    ),
    (
        "profile-unrestricted",
        "the generated account has no trusted profiles",
    ),
    (
        "credentials-exposed",
        "it reports secrets a Terraform plan or state prints in plain text; API exports hold none",
    ),
];

/// Findings per rule, split by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Count {
    pub(crate) fail: usize,
    pub(crate) unknown: usize,
}

/// What `at-key-limit` counts on one auditing instance.
#[derive(Default)]
pub(crate) struct AuditingInstance {
    /// Distinct `service_key` values of the keys with visible credentials.
    pub(crate) service_keys: HashSet<String>,
    /// Resource keys.
    pub(crate) keys: usize,
    /// Some key's credentials are not visible: then resource keys are counted.
    pub(crate) hidden: bool,
}

impl AuditingInstance {
    fn counted(&self) -> usize {
        if self.hidden {
            self.keys
        } else {
            self.service_keys.len()
        }
    }
}

/// The running tally of one generated account.
#[derive(Default)]
pub(crate) struct Tally {
    findings: BTreeMap<&'static str, Count>,
    pub(crate) instances: usize,
    pub(crate) keys: usize,
    pub(crate) service_ids: usize,
    pub(crate) api_keys: usize,
    /// Loaded policies (v1 and v2), placeholders that a loaded v2 policy replaces excluded.
    pub(crate) policies: usize,
    /// v1 placeholders whose v2 policy is not exported.
    pub(crate) placeholders: usize,
    pub(crate) access_groups: usize,
    pub(crate) memberships: usize,
    /// Policies per subject (`iam_id` or access group id), for `policy-limit`.
    pub(crate) policies_per_subject: HashMap<String, usize>,
    /// API keys per owner, listed or carried by a resource key (`apikey-limit-per-identity`).
    pub(crate) api_keys_per_identity: HashMap<String, usize>,
    /// The keys of each auditing instance (`at-key-limit`).
    pub(crate) auditing_instances: HashMap<String, AuditingInstance>,
    /// Service IDs with Administrator on an account-wide or IAM scope.
    pub(crate) admin_service_ids: usize,
}

impl Tally {
    pub(crate) fn fail(&mut self, rule: &'static str, count: usize) {
        self.findings.entry(rule).or_default().fail += count;
    }

    pub(crate) fn unknown(&mut self, rule: &'static str, count: usize) {
        self.findings.entry(rule).or_default().unknown += count;
    }

    /// Adds the findings that follow from account-wide counts, with the rules' default
    /// parameters, and returns every rule's count.
    pub(crate) fn finish(mut self) -> (BTreeMap<&'static str, Count>, Self) {
        // serviceid-limit: more than 2000 is high, 90% of it medium; one finding either way.
        if self.service_ids * 100 >= 2000 * 90 {
            self.fail("serviceid-limit", 1);
        }
        // policy-limit: 4020 per account, 1000 per subject, each warned from 90%.
        if self.policies + self.placeholders >= 3618 {
            self.fail("policy-limit", 1);
        }
        let crowded = self
            .policies_per_subject
            .values()
            .filter(|&&count| count >= 900)
            .count();
        self.fail("policy-limit", crowded);
        // apikey-limit-per-identity: from 18 keys on.
        let crowded = self
            .api_keys_per_identity
            .values()
            .filter(|&&count| count >= 18)
            .count();
        self.fail("apikey-limit-per-identity", crowded);
        // at-key-limit: from 18 auditing keys on.
        let crowded = self
            .auditing_instances
            .values()
            .filter(|instance| instance.counted() >= 18)
            .count();
        self.fail("at-key-limit", crowded);
        // serviceid-admin-count: one finding when more than 3.
        if self.admin_service_ids > 3 {
            self.fail("serviceid-admin-count", 1);
        }
        for rule in UNKNOWN_WITHOUT_PEOPLE {
            self.unknown(rule, 1);
        }
        // support-access-group-missing: no group holds a Support Center role; v2 policies
        // known only from their placeholders (or no group list) leave that unknown.
        if self.placeholders > 0 || self.access_groups == 0 {
            self.unknown("support-access-group-missing", 1);
        } else {
            self.fail("support-access-group-missing", 1);
        }
        let mut findings = BTreeMap::new();
        for rule in RULES {
            findings.insert(rule, self.findings.get(rule).copied().unwrap_or_default());
        }
        (findings, self)
    }
}

/// The `expected.json` document.
pub(crate) fn document(
    scale: usize,
    seed: u64,
    exported_at: &str,
    findings: &BTreeMap<&'static str, Count>,
    tally: &Tally,
    files: usize,
    bytes: u64,
) -> Value {
    let rules: serde_json::Map<String, Value> = findings
        .iter()
        .map(|(rule, count)| {
            (
                (*rule).to_owned(),
                json!({"fail": count.fail, "unknown": count.unknown}),
            )
        })
        .collect();
    let total: usize = findings
        .values()
        .map(|count| count.fail + count.unknown)
        .sum();
    json!({
        "generator": "cargo run --release --example gen",
        "scale": scale,
        "seed": seed,
        "now": exported_at,
        "note": "counts hold when API key ages are measured at `now` (the test does; `iamlint check` uses the current time) and with every rule's default parameters",
        "files": files,
        "bytes": bytes,
        "inventory": {
            "resource_instances": tally.instances,
            "resource_keys": tally.keys,
            "service_ids": tally.service_ids,
            "api_keys": tally.api_keys,
            "policies": tally.policies + tally.placeholders,
            "access_groups": tally.access_groups,
        },
        "findings_total": total,
        "findings": rules,
        "not_planted": NOT_PLANTED
            .iter()
            .map(|(rule, why)| ((*rule).to_owned(), json!(why)))
            .collect::<serde_json::Map<String, Value>>(),
    })
}
