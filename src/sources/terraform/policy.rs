//! IBM provider policy resources -> `Policy`: `ibm_iam_service_policy`,
//! `ibm_iam_user_policy`, `ibm_iam_access_group_policy`, `ibm_iam_trusted_profile_policy`.
//!
//! The provider writes roles as display names, and scopes a policy with one of: a
//! `resources` block, `resource_attributes` blocks, `account_management = true` (all account
//! management services), or nothing at all (all IAM-enabled services). It creates a v2
//! policy only when `rule_conditions` or `pattern` is set.

use serde_json::Value;

use super::entities::declaration;
use super::identity::{Link, Linker, Want, placeholder};
use crate::model::{
    AttributeValue, Condition, Operator, PartOrigins, Pointer, Policy, PolicyVersion,
    ResourceAttribute, ResourceTag, Role, Subject, intern,
};
use crate::sources::exports::Sink;

/// The `resources` block's arguments and the API attribute each one becomes.
const RESOURCES_BLOCK: &[(&str, &str, Want)] = &[
    ("service", "serviceName", Want::Text),
    (
        "resource_instance_id",
        "serviceInstance",
        Want::InstanceGuid,
    ),
    ("region", "region", Want::Text),
    ("resource_type", "resourceType", Want::Text),
    ("resource", "resource", Want::Text),
    ("resource_group_id", "resourceGroupId", Want::Text),
    ("service_type", "serviceType", Want::Text),
    ("service_group_id", "service_group_id", Want::Text),
];

pub(super) fn policy(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    // The provider's id is `<subject>/<policy id>`; the API knows the policy id alone.
    let id = resource
        .text(&["id"])
        .map(|id| id.rsplit('/').next().unwrap_or(&id).to_owned())
        .unwrap_or_else(|| placeholder(&resource.id_address, "id"));
    let (subject, subject_pointer) = subject(linker, at);
    let roles = resource
        .value(&["roles"])
        .and_then(Value::as_array)
        .map(|roles| {
            roles
                .iter()
                .filter_map(Value::as_str)
                .map(Role::parse)
                .collect()
        })
        .unwrap_or_default();
    // Roles a plan computes (`roles = var.roles` without a value, a function iamlint does
    // not evaluate) are unknown, never "no roles": the rules that judge roles say so.
    let roles_unresolved = linker.unresolved_list(at, &["roles"]).map(Box::new);
    let roles_written = resource.value(&["roles"]).is_some() || roles_unresolved.is_some();
    let (attributes, resource_pointer) = scope(linker, at);
    let rule = rule(
        resource.value(&["rule_conditions"]),
        resource.text(&["rule_operator"]),
    );
    let has_conditions = rule.is_some() || resource.text(&["pattern"]).is_some();
    let tags = resource
        .value(&["resource_tags"])
        .and_then(Value::as_array)
        .map(|tags| tags.iter().filter_map(tag).collect())
        .unwrap_or_default();
    let origin = sink.origin(&resource.pointer);
    sink.builder.add_policy(Policy {
        account: None,
        id,
        version: if has_conditions {
            PolicyVersion::V2
        } else {
            PolicyVersion::V1
        },
        kind: Some("access".into()),
        subject,
        roles,
        roles_unresolved,
        resource: attributes.into(),
        tags,
        rule: rule.map(Box::new),
        state: None,
        parts: PartOrigins::Placed(Box::new([
            subject_pointer.map(|pointer| sink.origin(&pointer)),
            roles_written.then(|| sink.origin(&resource.value_pointer(&["roles"]))),
            resource_pointer.map(|pointer| sink.origin(&pointer)),
        ])),
        origin,
        declaration: declaration(resource),
    });
}

/// The policy's subject, from the argument its resource type uses.
fn subject(linker: &Linker<'_, '_>, at: usize) -> (Subject, Option<Pointer>) {
    let kind = linker.resources()[at].parsed.kind.as_str();
    let arguments: &[(&str, Want)] = match kind {
        // Here `iam_service_id` is the service ID's id; `iam_id` its IAM ID (cross-account).
        "ibm_iam_service_policy" => &[
            ("iam_service_id", Want::ServiceId),
            ("iam_id", Want::ServiceId),
        ],
        "ibm_iam_user_policy" => &[("ibm_id", Want::Text)],
        "ibm_iam_access_group_policy" => &[("access_group_id", Want::AccessGroup)],
        // `iam_id` is the profile's IAM ID: a reference to a profile the plan declares
        // (`ibm_iam_trusted_profile.x.iam_id`) is that profile, as `profile_id` is; a
        // literal `iam-Profile-...` is read by its spelling.
        "ibm_iam_trusted_profile_policy" => {
            &[("profile_id", Want::Profile), ("iam_id", Want::Profile)]
        }
        _ => &[],
    };
    let mut unresolved = None;
    for (argument, want) in arguments {
        match linker.link(at, &[argument], *want) {
            Link::Value { text, pointer } => {
                let subject = match (kind, *argument) {
                    ("ibm_iam_user_policy", _) => Subject::User(text),
                    ("ibm_iam_access_group_policy", _) => Subject::AccessGroup(text),
                    ("ibm_iam_trusted_profile_policy", "profile_id") => Subject::Profile(text),
                    _ => Subject::from_iam_id(&text),
                };
                return (subject, Some(pointer));
            }
            // A user policy is a direct user policy whoever the user is: the subject is a
            // user known only after apply, not an unknown kind of identity.
            Link::Unresolved(_) if kind == "ibm_iam_user_policy" => {
                let resource = &linker.resources()[at];
                return (
                    Subject::User(placeholder(&resource.address, argument)),
                    Some(resource.value_pointer(&[argument])),
                );
            }
            Link::Unresolved(found) => {
                unresolved.get_or_insert(found);
            }
            Link::Absent => {}
        }
    }
    match unresolved {
        Some(found) => (Subject::Unresolved(Box::new(found)), None),
        None => (Subject::Missing, None),
    }
}

/// A `resource_tags` block: `{name, value, operator}`.
fn tag(block: &Value) -> Option<ResourceTag> {
    Some(ResourceTag {
        name: block.get("name")?.as_str()?.to_owned(),
        value: block.get("value")?.as_str()?.to_owned(),
        operator: Operator::parse(block.get("operator").and_then(Value::as_str)),
    })
}

/// The `rule_conditions` blocks joined by `rule_operator` (default `and`); a block with
/// nested `conditions` is a group joined by its own `operator`.
fn rule(conditions: Option<&Value>, operator: Option<String>) -> Option<Condition> {
    let conditions: Vec<Condition> = conditions
        .and_then(Value::as_array)?
        .iter()
        .map(condition)
        .collect();
    if conditions.is_empty() {
        return None;
    }
    Some(Condition::group(operator.as_deref(), conditions))
}

fn condition(block: &Value) -> Condition {
    let text = |name: &str| block.get(name).and_then(Value::as_str);
    if let Some(nested) = block
        .get("conditions")
        .and_then(Value::as_array)
        .filter(|nested| !nested.is_empty())
    {
        return Condition::group(text("operator"), nested.iter().map(condition).collect());
    }
    let (Some(key), Some(operator)) = (text("key"), text("operator")) else {
        return Condition::Unknown;
    };
    // The provider writes every value as a list; one value is the API's plain string.
    let values: Vec<String> = match block.get("value") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(text)) => vec![text.clone()],
        _ => Vec::new(),
    };
    let value = match values.as_slice() {
        [one] if !operator.ends_with("AnyOf") => {
            AttributeValue::String(crate::model::intern_cached(one))
        }
        _ => AttributeValue::List(values.into()),
    };
    Condition::Attribute {
        key: key.to_owned(),
        operator: operator.to_owned(),
        value,
    }
}

fn attribute(name: &str, value: AttributeValue) -> ResourceAttribute {
    ResourceAttribute {
        name: intern(name),
        operator: Operator::StringEquals,
        value,
    }
}

/// The resource attributes and where they are written.
fn scope(linker: &Linker<'_, '_>, at: usize) -> (Vec<ResourceAttribute>, Option<Pointer>) {
    let resource = &linker.resources()[at];
    let mut attributes = Vec::new();
    if let Some(Value::Object(block)) = resource
        .value(&["resources"])
        .and_then(Value::as_array)
        .and_then(|blocks| blocks.first())
    {
        for (argument, name, want) in RESOURCES_BLOCK {
            match linker.link(at, &["resources", "0", argument], *want) {
                Link::Value { text, .. } => {
                    attributes.push(attribute(
                        name,
                        AttributeValue::String(crate::model::intern_cached(&text)),
                    ));
                }
                Link::Unresolved(unresolved) => {
                    attributes.push(attribute(
                        name,
                        AttributeValue::Unresolved(Box::new(unresolved)),
                    ));
                }
                Link::Absent => {}
            }
        }
        if let Some(Value::Object(extra)) = block.get("attributes") {
            for (name, value) in extra {
                if let Some(text) = value.as_str().filter(|text| !text.is_empty()) {
                    attributes.push(attribute(
                        name,
                        AttributeValue::String(crate::model::intern_cached(text)),
                    ));
                }
            }
        }
        if !attributes.is_empty() {
            return (attributes, Some(resource.value_pointer(&["resources"])));
        }
    }
    if let Some(items) = resource
        .value(&["resource_attributes"])
        .and_then(Value::as_array)
        .filter(|items| !items.is_empty())
    {
        for (index, item) in items.iter().enumerate() {
            let Some(name) = item.get("name").and_then(Value::as_str) else {
                continue;
            };
            let index = index.to_string();
            let value = match linker.link(at, &["resource_attributes", &index, "value"], Want::Text)
            {
                Link::Value { text, .. } => {
                    AttributeValue::String(crate::model::intern_cached(&text))
                }
                Link::Unresolved(unresolved) => AttributeValue::Unresolved(Box::new(unresolved)),
                Link::Absent => continue,
            };
            attributes.push(ResourceAttribute {
                name: intern(name),
                operator: Operator::parse(item.get("operator").and_then(Value::as_str)),
                value,
            });
        }
        return (
            attributes,
            Some(resource.value_pointer(&["resource_attributes"])),
        );
    }
    if resource.value(&["account_management"]) == Some(&Value::Bool(true)) {
        return (
            vec![attribute(
                "serviceType",
                AttributeValue::String("platform_service".into()),
            )],
            Some(resource.value_pointer(&["account_management"])),
        );
    }
    // Neither resources nor attributes: the provider grants all IAM-enabled services.
    (
        vec![attribute(
            "serviceType",
            AttributeValue::String("service".into()),
        )],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Activity;

    #[test]
    fn rule_conditions_and_resource_tags_are_read() {
        // The provider's shape: every value a list, nested groups with their own operator.
        let conditions = serde_json::json!([
            {
                "key": "{{environment.attributes.current_date_time}}",
                "operator": "dateTimeGreaterThanOrEquals",
                "value": ["2025-06-01T00:00:00+00:00"],
                "conditions": []
            },
            {
                "operator": "or",
                "conditions": [
                    {
                        "key": "{{environment.attributes.day_of_week}}",
                        "operator": "dayOfWeekAnyOf",
                        "value": ["6+00:00", "7+00:00"]
                    },
                    {
                        "key": "{{environment.attributes.current_date_time}}",
                        "operator": "dateTimeLessThanOrEquals",
                        "value": ["2025-06-30T00:00:00+00:00"]
                    }
                ]
            }
        ]);
        let parsed = rule(Some(&conditions), Some("and".to_owned())).expect("a rule");
        let at = |text: &str| text.parse().ok();
        assert_eq!(
            parsed.activity(at("2025-06-15T00:00:00Z")),
            Activity::Active
        );
        assert_eq!(
            parsed.activity(at("2025-05-01T00:00:00Z")),
            Activity::NotYet("2025-06-01T00:00:00Z".parse().expect("instant"))
        );
        assert_eq!(rule(Some(&serde_json::json!([])), None), None);

        let env = tag(&serde_json::json!({"name": "env", "value": "prod"})).expect("a tag");
        assert_eq!(
            (env.name.as_str(), env.value.as_str(), env.operator),
            ("env", "prod", Operator::StringEquals)
        );
        assert_eq!(tag(&serde_json::json!({"name": "env"})), None);
    }
}
