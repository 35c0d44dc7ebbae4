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

impl Account {
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
        let api_key = |id: &str, name: &str, owner: &str| {
            json!({"id": id, "entity_tag": "1-bb", "name": name, "iam_id": owner,
                "crn": format!("crn:v1:bluemix:public:iam-identity::a/{ACCOUNT}::apikey:{id}"),
                "locked": false, "disabled": false, "created_at": "2025-09-01T08:30+0000",
                "created_by": "IBMid-270001AB2C", "modified_at": "2025-09-01T08:30+0000",
                "account_id": ACCOUNT, "action_when_leaked": "disable", "support_sessions": false})
        };
        let mut stored = api_key(
            "ApiKey-33333333-0000-4000-8000-000000000003",
            "stored-value-key",
            "iam-ServiceId-99999999-9999-4999-8999-999999999999",
        );
        // A stored-value service ID key returns its secret on list: it must be redacted.
        stored["apikey"] = json!("CANARY-STORED-APIKEY-7a7a7a7a");
        let api_keys = vec![
            api_key(
                "ApiKey-11111111-0000-4000-8000-000000000001",
                "ci-deploy",
                "iam-ServiceId-99999999-9999-4999-8999-999999999999",
            ),
            api_key(
                "ApiKey-22222222-0000-4000-8000-000000000002",
                "ci-deploy-old",
                "iam-ServiceId-99999999-9999-4999-8999-999999999999",
            ),
            stored,
            api_key(
                "ApiKey-44444444-0000-4000-8000-000000000004",
                "laptop",
                "IBMid-270001AB2C",
            ),
        ];
        let access_group = |id: &str, name: &str| {
            json!({"id": id, "name": name, "description": format!("{name} team"),
                "account_id": ACCOUNT, "created_at": "2024-01-10T09:00:00.000Z",
                "created_by_id": "IBMid-270001AB2C", "last_modified_at": "2024-01-10T09:00:00.000Z",
                "last_modified_by_id": "IBMid-270001AB2C",
                "href": format!("https://iam.cloud.ibm.com/v2/groups/{id}"), "is_federated": false})
        };
        let member = |iam_id: &str, kind: &str| {
            json!({"iam_id": iam_id, "type": kind, "membership_type": "static",
                "created_at": "2024-01-10T09:00:00.000Z", "created_by_id": "IBMid-270001AB2C"})
        };
        let auditors = "AccessGroupId-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";
        let operators = "AccessGroupId-9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
        let mut members = BTreeMap::new();
        members.insert(
            auditors.to_owned(),
            vec![
                member("IBMid-270001AB2C", "user"),
                member(
                    "iam-ServiceId-77777777-7777-4777-8777-777777777777",
                    "service",
                ),
                member(
                    "iam-ServiceId-88888888-8888-4888-8888-888888888888",
                    "service",
                ),
            ],
        );
        members.insert(
            operators.to_owned(),
            vec![member(
                "iam-ServiceId-99999999-9999-4999-8999-999999999999",
                "service",
            )],
        );
        Self {
            instances: list("fixtures/demo/instances.json", "resources"),
            keys,
            serviceid_groups: vec![group(DEFAULT_GROUP, "default"), group(OPS_GROUP, "ops")],
            service_ids,
            api_keys,
            policies_v1: list("fixtures/demo/policies_v1.json", "policies"),
            policies_v2: list("fixtures/demo/policies_v2.yaml", "policies"),
            groups: vec![
                access_group(auditors, "auditors"),
                access_group(operators, "operators"),
            ],
            members,
            service_id_limit: 2000,
            api_key_limit: 20,
        }
    }

    /// Every secret in the account's credentials gets a canary value, equal secrets staying
    /// equal (several keys share one `service_key`).
    pub(crate) fn with_canary_secrets(mut self) -> Self {
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
