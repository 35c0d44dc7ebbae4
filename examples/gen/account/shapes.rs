//! The JSON of each entity as the IBM APIs return it (every field the API sends, used or
//! not, so that parsing costs what a real export costs).

use serde_json::{Value, json};

use super::ids::Ids;

/// A resource instance, as the generator keeps it to hang keys and policies on.
#[derive(Clone)]
pub(crate) struct Instance {
    pub(crate) guid: String,
    pub(crate) crn: String,
    pub(crate) service: &'static str,
    pub(crate) region: &'static str,
    pub(crate) resource_group: String,
}

/// A service ID.
#[derive(Clone)]
pub(crate) struct ServiceId {
    pub(crate) core: String,
}

impl ServiceId {
    pub(crate) fn iam_id(&self) -> String {
        format!("iam-{}", self.core)
    }
}

/// Who a policy is for.
pub(crate) enum Subject<'a> {
    ServiceId(&'a str),
    User(&'a str),
    AccessGroup(&'a str),
}

/// A role CRN: `role:` for platform roles, `serviceRole:` for service roles.
pub(crate) fn role_crn(name: &str) -> String {
    let kind = match name {
        "Manager" | "Writer" | "Reader" => "serviceRole",
        _ => "role",
    };
    format!("crn:v1:bluemix:public:iam::::{kind}:{name}")
}

pub(crate) fn instance_crn(account: &str, service: &str, region: &str, guid: &str) -> String {
    format!("crn:v1:bluemix:public:{service}:{region}:a/{account}:{guid}::")
}

pub(crate) fn service_id_crn(account: &str, core: &str) -> String {
    format!("crn:v1:bluemix:public:iam-identity::a/{account}::serviceid:{core}")
}

pub(crate) fn instance(ids: &mut Ids, account: &str, instance: &Instance, name: &str) -> Value {
    let guid = &instance.guid;
    json!({
        "id": instance.crn,
        "guid": guid,
        "url": format!("/v2/resource_instances/{guid}"),
        "created_at": ids.rc_time(-900..-200),
        "updated_at": ids.rc_time(-200..-1),
        "deleted_at": null,
        "created_by": ids.ibmid(),
        "updated_by": "",
        "deleted_by": "",
        "scheduled_reclaim_at": null,
        "restored_at": null,
        "name": name,
        "region_id": instance.region,
        "account_id": account,
        "resource_plan_id": ids.uuid(),
        "resource_group_id": instance.resource_group,
        "resource_group_crn": format!(
            "crn:v1:bluemix:public:resource-controller::a/{account}::resource-group:{}",
            instance.resource_group
        ),
        "target_crn": format!(
            "crn:v1:bluemix:public:globalcatalog::::deployment:{}",
            ids.uuid()
        ),
        "onetime_credentials": false,
        "parameters": {},
        "allow_cleanup": false,
        "crn": instance.crn,
        "state": "active",
        "type": "service_instance",
        "sub_type": null,
        "resource_id": ids.uuid(),
        "dashboard_url": null,
        "last_operation": {
            "type": "create",
            "state": "succeeded",
            "async": false,
            "description": "Completed create instance operation",
        },
        "resource_keys_url": format!("/v2/resource_instances/{guid}/resource_keys"),
        "plan_history": [{"resource_plan_id": ids.uuid(), "start_date": ids.rc_time(-900..-200)}],
        "migrated": false,
        "controlled_by": "",
        "locked": false,
    })
}

/// What a key's `credentials` show.
pub(crate) enum Credentials<'a> {
    /// The IAM members, with the key's role and service ID, and an auditing `service_key`.
    Visible {
        role: &'a str,
        service_id: &'a str,
        service_key: Option<&'a str>,
    },
    /// `{"REDACTED": "REDACTED"}`: the exporter could not see the secret.
    Redacted,
}

/// The description a resource key's API key carries, in the key and in `/v1/apikeys`.
pub(crate) fn key_apikey_description(key_guid: &str) -> String {
    format!("Auto-generated for key {key_guid}")
}

pub(crate) fn key(
    ids: &mut Ids,
    account: &str,
    instance: &Instance,
    guid: &str,
    name: &str,
    credentials: &Credentials<'_>,
) -> Value {
    let crn = format!(
        "crn:v1:bluemix:public:{}:{}:a/{account}:{}:resource-key:{guid}",
        instance.service, instance.region, instance.guid
    );
    let credentials = match credentials {
        Credentials::Redacted => json!({"REDACTED": "REDACTED"}),
        Credentials::Visible {
            role,
            service_id,
            service_key,
        } => {
            let mut members = json!({
                "apikey": ids.secret(44),
                "iam_apikey_description": key_apikey_description(guid),
                "iam_apikey_id": format!("ApiKey-{}", ids.uuid()),
                "iam_apikey_name": name,
                "iam_role_crn": role_crn(role),
                "iam_serviceid_crn": service_id_crn(account, service_id),
                "resource_instance_id": instance.crn,
            });
            if let Some(service_key) = service_key {
                members["service_key"] = json!(service_key);
            } else {
                members["endpoints"] = json!(format!(
                    "https://{}.{}.cloud.ibm.com",
                    instance.service, instance.region
                ));
            }
            members
        }
    };
    json!({
        "id": crn,
        "guid": guid,
        "url": format!("/v2/resource_keys/{guid}"),
        "created_at": ids.rc_time(-60..-1),
        "updated_at": ids.rc_time(-1..0),
        "deleted_at": null,
        "created_by": ids.ibmid(),
        "updated_by": "",
        "deleted_by": "",
        "source_crn": instance.crn,
        "name": name,
        "crn": crn,
        "state": "active",
        "account_id": account,
        "resource_group_id": instance.resource_group,
        "resource_id": ids.uuid(),
        "onetime_credentials": false,
        "credentials": credentials,
        "iam_compatible": true,
        "migrated": false,
        "resource_instance_url": format!("/v2/resource_instances/{}", instance.guid),
        "resource_alias_url": null,
    })
}

/// A service ID; `locked: None` leaves the member out.
pub(crate) fn service_id(
    ids: &mut Ids,
    account: &str,
    core: &str,
    name: &str,
    description: Option<&str>,
    locked: Option<bool>,
    instance_crns: &[&str],
) -> Value {
    let mut value = json!({
        "id": core,
        "iam_id": format!("iam-{core}"),
        "entity_tag": format!("1-{}", ids.hex(32)),
        "crn": service_id_crn(account, core),
        "created_at": ids.identity_time(-400..-60),
        "modified_at": ids.identity_time(-60..-1),
        "account_id": account,
        "name": name,
        "unique_instance_crns": instance_crns,
    });
    if let Some(locked) = locked {
        value["locked"] = json!(locked);
    }
    if let Some(description) = description {
        value["description"] = json!(description);
    }
    value
}

/// How an API key is generated; the defaults are a clean key.
pub(crate) struct ApiKeySpec<'a> {
    pub(crate) owner: &'a str,
    pub(crate) name: &'a str,
    pub(crate) description: &'a str,
    /// Days from the export to `created_at`; `None` leaves the member out.
    pub(crate) created_days: Option<std::ops::Range<i64>>,
    pub(crate) expires: bool,
    pub(crate) leak_action: Option<&'static str>,
}

impl<'a> ApiKeySpec<'a> {
    pub(crate) fn clean(owner: &'a str, name: &'a str, description: &'a str) -> Self {
        Self {
            owner,
            name,
            description,
            created_days: Some(-60..-1),
            expires: true,
            leak_action: Some("disable"),
        }
    }
}

pub(crate) fn api_key(ids: &mut Ids, account: &str, spec: &ApiKeySpec<'_>) -> Value {
    let id = format!("ApiKey-{}", ids.uuid());
    let mut value = json!({
        "id": id,
        "entity_tag": format!("1-{}", ids.hex(32)),
        "crn": format!("crn:v1:bluemix:public:iam-identity::a/{account}::apikey:{id}"),
        "locked": false,
        "disabled": false,
        "created_by": spec.owner,
        "modified_at": ids.identity_time(-1..0),
        "name": spec.name,
        "support_sessions": false,
        "description": spec.description,
        "iam_id": spec.owner,
        "account_id": account,
    });
    if let Some(days) = &spec.created_days {
        value["created_at"] = json!(ids.identity_time(days.clone()));
    }
    if spec.expires {
        value["expires_at"] = json!(ids.identity_time(30..365));
    }
    if let Some(action) = spec.leak_action {
        value["action_when_leaked"] = json!(action);
    }
    value
}

fn subject_attribute(subject: &Subject<'_>) -> (&'static str, String) {
    match subject {
        Subject::ServiceId(core) => ("iam_id", format!("iam-{core}")),
        Subject::User(user) => ("iam_id", (*user).to_owned()),
        Subject::AccessGroup(group) => ("access_group_id", (*group).to_owned()),
    }
}

/// A v1 access policy; `resource` is the attributes after `accountId`.
pub(crate) fn policy_v1(
    ids: &mut Ids,
    account: &str,
    subject: &Subject<'_>,
    roles: &[&str],
    resource: &[(&str, &str)],
) -> Value {
    let id = ids.uuid();
    let (name, value) = subject_attribute(subject);
    let mut attributes =
        vec![json!({"name": "accountId", "operator": "stringEquals", "value": account})];
    attributes.extend(
        resource
            .iter()
            .map(|(name, value)| json!({"name": name, "operator": "stringEquals", "value": value})),
    );
    let modified = ids.policy_time(-300..-1);
    let author = ids.ibmid();
    json!({
        "id": id,
        "type": "access",
        "subjects": [{"attributes": [{"name": name, "value": value}]}],
        "roles": roles.iter().map(|role| json!({
            "role_id": role_crn(role),
            "display_name": role,
            "description": format!("As a {}, you can do what the {role} role allows.", role.to_lowercase()),
        })).collect::<Vec<_>>(),
        "resources": [{"attributes": attributes}],
        "href": format!("https://iam.cloud.ibm.com/v1/policies/{id}"),
        "created_at": ids.policy_time(-700..-300),
        "created_by_id": author,
        "last_modified_at": modified,
        "last_modified_by_id": author,
        "state": "active",
    })
}

/// The placeholder `/v1/policies` lists for v2 policy `id`.
pub(crate) fn placeholder_v1(account: &str, id: &str) -> Value {
    let note = "**This is a unsupported policy version placeholder, to view the full content, \
                please call GET with provided href**";
    json!({
        "id": id,
        "type": "access",
        "description": note,
        "subjects": [{"attributes": [{"name": "iam_id", "value": "unsupported version"}]}],
        "roles": [{
            "role_id": "crn:v1:bluemix:public:iam::::role:UnsupportedVersion",
            "display_name": "Unsupported Version",
            "description": note,
        }],
        "resources": [{"attributes": [{"name": "accountId", "value": account}]}],
        "href": format!("https://iam.cloud.ibm.com/v2/policies/{id}"),
    })
}

/// A v2 access policy, optionally with a time-based rule.
pub(crate) fn policy_v2(
    ids: &mut Ids,
    account: &str,
    id: &str,
    subject: &Subject<'_>,
    roles: &[&str],
    resource: &[(&str, &str)],
    weekdays_only: bool,
) -> Value {
    let (key, value) = subject_attribute(subject);
    let mut attributes =
        vec![json!({"key": "accountId", "operator": "stringEquals", "value": account})];
    attributes.extend(
        resource
            .iter()
            .map(|(key, value)| json!({"key": key, "operator": "stringEquals", "value": value})),
    );
    let author = ids.ibmid();
    let mut policy = json!({
        "id": id,
        "type": "access",
        "subject": {"attributes": [{"key": key, "operator": "stringEquals", "value": value}]},
        "resource": {"attributes": attributes},
        "href": format!("https://iam.cloud.ibm.com/v2/policies/{id}"),
        "control": {"grant": {"roles": roles.iter().map(|role| json!({"role_id": role_crn(role)})).collect::<Vec<_>>()}},
        "created_at": ids.policy_time(-700..-300),
        "created_by_id": author,
        "last_modified_at": ids.policy_time(-300..-1),
        "last_modified_by_id": author,
        "state": "active",
        "last_permit_at": ids.policy_time(-30..-1),
        "last_permit_frequency": ids.below(1000),
    });
    if weekdays_only {
        policy["pattern"] = json!("time-based-conditions:weekly:custom-hours");
        policy["rule"] = json!({
            "operator": "and",
            "conditions": [
                {"key": "{{environment.attributes.day_of_week}}", "operator": "dayOfWeekAnyOf",
                 "value": ["1+00:00", "2+00:00", "3+00:00", "4+00:00", "5+00:00"]},
                {"key": "{{environment.attributes.current_time}}", "operator": "timeGreaterThanOrEquals",
                 "value": "08:00:00+00:00"},
                {"key": "{{environment.attributes.current_time}}", "operator": "timeLessThanOrEquals",
                 "value": "18:00:00+00:00"},
            ],
        });
    }
    policy
}

pub(crate) fn access_group(ids: &mut Ids, account: &str, id: &str, name: &str) -> Value {
    let author = ids.ibmid();
    json!({
        "id": id,
        "name": name,
        "description": format!("Members of {name}"),
        "account_id": account,
        "created_at": ids.policy_time(-700..-300),
        "created_by_id": author,
        "last_modified_at": ids.policy_time(-300..-1),
        "last_modified_by_id": author,
        "href": format!("https://iam.cloud.ibm.com/v2/groups/{id}"),
        "is_federated": false,
    })
}

pub(crate) fn member(ids: &mut Ids, group: &str, user: &str) -> Value {
    json!({
        "iam_id": user,
        "type": "user",
        "membership_type": "static",
        "name": format!("User {}", &user[user.len().saturating_sub(4)..]),
        "email": format!("{}@example.com", user.to_lowercase()),
        "description": "",
        "href": format!("https://iam.cloud.ibm.com/v2/groups/{group}/members/{user}"),
        "created_at": ids.policy_time(-300..-1),
        "created_by_id": ids.ibmid(),
    })
}
