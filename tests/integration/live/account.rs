//! The emulated account: the demo account of `fixtures/demo` (instances, keys with visible
//! and REDACTED credentials, service IDs, v1 policies with v2 placeholders, v2 policies),
//! plus what only the live APIs show: service ID groups, API keys, access groups and their
//! members, and identity limits.

use std::collections::BTreeMap;

use serde_json::{Value, json};

pub(crate) const ACCOUNT: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
pub(crate) const DEFAULT_GROUP: &str = "ServiceIdGroup-default-0a1b";
pub(crate) const OPS_GROUP: &str = "ServiceIdGroup-ops-7c8d";
/// The service ID that lives outside the default group.
pub(crate) const OPS_SERVICE_ID: &str = "ServiceId-99999999-9999-4999-8999-999999999999";

#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) instances: Vec<Value>,
    pub(crate) keys: Vec<Value>,
    pub(crate) serviceid_groups: Vec<Value>,
    /// Each with its `group_id`.
    pub(crate) service_ids: Vec<Value>,
    pub(crate) api_keys: Vec<Value>,
    pub(crate) policies_v1: Vec<Value>,
    pub(crate) policies_v2: Vec<Value>,
    pub(crate) groups: Vec<Value>,
    pub(crate) members: BTreeMap<String, Vec<Value>>,
    pub(crate) service_id_limit: u64,
    pub(crate) api_key_limit: u64,
    /// The API answers of the account's posture (`fixtures/live/posture`), by file name.
    pub(crate) posture: BTreeMap<String, Value>,
}

/// The emulated posture answers: each file is one API's answer, named as `collect` names
/// the file it writes from it.
pub(crate) const POSTURE_DIR: &str = "fixtures/live/posture";

fn posture() -> BTreeMap<String, Value> {
    std::fs::read_dir(POSTURE_DIR)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .map(|name| {
            let text = std::fs::read_to_string(format!("{POSTURE_DIR}/{name}")).unwrap();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

fn list(path: &str, member: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let document: Value = if path.ends_with(".yaml") {
        serde_yaml::from_str(&text).unwrap()
    } else {
        serde_json::from_str(&text).unwrap()
    };
    match member {
        "" => document.as_array().unwrap().clone(),
        member => document[member].as_array().unwrap().clone(),
    }
}

/// The demo files that the emulated account leaves out (see [`Account::demo`]), the demo
/// file that is no export at all, and the demo's Terraform plan (not yet applied).
pub(crate) const DEMO_BULK: [&str; 4] = [
    "service_ids_ci_builds.json",
    "policies_tenant_buckets.json",
    "package.json",
    "tfplan.json",
];

/// Demo files the emulated account does not serve from the demo: its posture documents
/// (settings, routes, people, reports, profiles, roles: see [`is_posture_answer`]) and the
/// `account-admins` group with its members and policies. Left out of the exports compared
/// with a collect.
pub(crate) const DEMO_NOT_COLLECTED: [&str; 6] = [
    "profile_links_",
    "profile_rules_",
    "roles.json",
    "access_groups_admins.json",
    "access_group_members_AccessGroupId-2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a.json",
    "policies_profiles_admins.json",
];

/// Whether a demo file is one of the posture documents the emulator serves from its own
/// answers ([`POSTURE_DIR`]) rather than from the demo: the collected copies stand in for
/// them on both sides of the comparison.
pub(crate) fn is_posture_answer(name: &str) -> bool {
    std::path::Path::new(POSTURE_DIR).join(name).exists()
}

/// The demo export files that hold the same account as [`Account::demo`].
pub(crate) fn demo_exports() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir("fixtures/demo")
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| !DEMO_BULK.contains(&name.as_str()))
        .filter(|name| !is_posture_answer(name))
        .filter(|name| {
            !DEMO_NOT_COLLECTED
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
        .map(|name| format!("fixtures/demo/{name}"))
        .collect();
    files.sort();
    files
}

impl Account {
    /// One posture answer, by the name of the file `collect` writes from it.
    pub(crate) fn answer(&self, file: &str) -> Value {
        self.posture
            .get(file)
            .cloned()
            .unwrap_or_else(|| panic!("no {POSTURE_DIR}/{file}"))
    }

    /// The demo account of `fixtures/demo` as the APIs would serve it, less its two bulk
    /// files (in [`DEMO_BULK`]: 1,843 service IDs and 905 policies, which at the emulator's
    /// two items a page would cost thousands of requests per collect). A collected snapshot
    /// must give the same findings as the exports of [`demo_exports`]. Only the service ID
    /// groups (one service ID lives outside the default group) exist here alone, since
    /// exports do not show them.
    pub(crate) fn demo() -> Self {
        let mut keys = list("fixtures/demo/resource_keys.json", "resources");
        keys.extend(list("fixtures/demo/service_keys_cli.json", ""));
        let service_ids = list("fixtures/demo/service_ids.json", "serviceids")
            .into_iter()
            .map(|mut service_id| {
                let group = if service_id["id"] == OPS_SERVICE_ID {
                    OPS_GROUP
                } else {
                    DEFAULT_GROUP
                };
                service_id["group_id"] = json!(group);
                service_id
            })
            .collect();
        let group = |id: &str, name: &str| {
            json!({"id": id, "entity_tag": "1-aa", "account_id": ACCOUNT,
                "crn": format!("crn:v1:bluemix:public:iam-identity::a/{ACCOUNT}::serviceid-group:{id}"),
                "name": name, "created_at": "2025-08-01T10:00+0000", "created_by": "IBMid-270001AB2C"})
        };
        let policies_v2 = list("fixtures/demo/policies_v2.yaml", "policies");
        let groups = list("fixtures/demo/access_groups.json", "groups");
        let mut members = BTreeMap::new();
        for group in &groups {
            let id = group["id"].as_str().unwrap().to_owned();
            let path = format!("fixtures/demo/access_group_members_{id}.json");
            if std::path::Path::new(&path).exists() {
                members.insert(id, list(&path, "members"));
            }
        }
        Self {
            instances: list("fixtures/demo/instances.json", "resources"),
            keys,
            serviceid_groups: vec![group(DEFAULT_GROUP, "default"), group(OPS_GROUP, "ops")],
            service_ids,
            api_keys: list("fixtures/demo/api_keys.json", "apikeys"),
            policies_v1: list("fixtures/demo/policies_v1.json", "policies")
                .into_iter()
                .chain(list(
                    "fixtures/demo/policies_public_access.json",
                    "policies",
                ))
                .collect(),
            policies_v2,
            groups,
            members,
            service_id_limit: 2000,
            api_key_limit: 20,
            posture: posture(),
        }
    }

    /// Every secret in the account's credentials gets a canary value, equal secrets staying
    /// equal (several keys share one `service_key`).
    pub(crate) fn with_canary_secrets(mut self) -> Self {
        // A stored-value service ID key returns its secret on list: it must be redacted.
        self.api_keys.push(json!({"id": "ApiKey-33333333-0000-4000-8000-000000000003",
            "entity_tag": "1-bb", "name": "stored-value-key",
            "iam_id": "iam-ServiceId-99999999-9999-4999-8999-999999999999",
            "crn": format!("crn:v1:bluemix:public:iam-identity::a/{ACCOUNT}::apikey:ApiKey-33333333-0000-4000-8000-000000000003"),
            "locked": false, "disabled": false, "created_at": "2025-09-01T08:30+0000",
            "created_by": "IBMid-270001AB2C", "modified_at": "2025-09-01T08:30+0000",
            "account_id": ACCOUNT, "action_when_leaked": "disable", "support_sessions": false,
            "apikey": "CANARY-STORED-APIKEY-7a7a7a7a"}));
        for key in &mut self.keys {
            if let Some(credentials) = key["credentials"].as_object_mut() {
                for (name, value) in credentials.iter_mut() {
                    if matches!(name.as_str(), "apikey" | "service_key")
                        && let Some(text) = value.as_str()
                    {
                        *value = json!(format!("CANARY-{text}"));
                    }
                }
            }
        }
        self
    }
}
