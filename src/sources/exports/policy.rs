//! IAM Policy Management v1 and v2 policies, mapped into one `Policy` type.

use serde::Deserialize;
use serde_json::Value;

use super::{ItemResult, Sink, present, typed};
use crate::model::{
    AttributeValue, Condition, Operator, PartOrigins, Pointer, Policy, PolicyPlaceholder,
    PolicyVersion, ResourceAttribute, ResourceTag, Role, Subject, intern,
};

#[derive(Deserialize)]
struct RoleRef {
    role_id: String,
}

#[derive(Deserialize)]
struct V1Attribute {
    name: String,
    operator: Option<String>,
    #[serde(default)]
    value: Value,
}

/// An attribute of a subject or resource block, either version: v1 names it with `name`,
/// v2 with `key`; the rest of the mapping is the same.
struct Attribute {
    name: String,
    operator: Option<String>,
    value: Value,
}

impl From<V1Attribute> for Attribute {
    fn from(attribute: V1Attribute) -> Self {
        Self {
            name: attribute.name,
            operator: attribute.operator,
            value: attribute.value,
        }
    }
}

impl From<V2Attribute> for Attribute {
    fn from(attribute: V2Attribute) -> Self {
        Self {
            name: attribute.key,
            operator: attribute.operator,
            value: attribute.value,
        }
    }
}

#[derive(Deserialize)]
struct V1Block {
    attributes: Option<Vec<V1Attribute>>,
    tags: Option<Vec<V1Attribute>>,
}

#[derive(Deserialize)]
pub(super) struct V1Dto {
    id: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    subjects: Option<Vec<V1Block>>,
    roles: Option<Vec<RoleRef>>,
    resources: Option<Vec<V1Block>>,
    href: Option<String>,
    state: Option<String>,
}

#[derive(Deserialize)]
struct V2Attribute {
    key: String,
    operator: Option<String>,
    #[serde(default)]
    value: Value,
}

#[derive(Deserialize)]
struct V2Block {
    attributes: Option<Vec<V2Attribute>>,
    tags: Option<Vec<V2Attribute>>,
}

#[derive(Deserialize)]
struct V2Grant {
    roles: Option<Vec<RoleRef>>,
}

#[derive(Deserialize)]
struct V2Control {
    grant: Option<V2Grant>,
}

#[derive(Deserialize)]
pub(super) struct V2Dto {
    id: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    subject: Option<V2Block>,
    resource: Option<V2Block>,
    control: Option<V2Control>,
    rule: Option<Value>,
    state: Option<String>,
}

const PLACEHOLDER_ROLE: &str = ":role:UnsupportedVersion";

pub(super) fn v1(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    v1_from(typed(item, pointer)?, pointer, sink)
}

pub(super) fn v1_from(dto: V1Dto, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    let roles: Vec<RoleRef> = dto.roles.unwrap_or_default();
    let origin = sink.origin(pointer);
    // `/v1/policies` lists a placeholder for every v2 policy; its subject and role are fake.
    let placeholder = roles
        .iter()
        .any(|role| role.role_id.ends_with(PLACEHOLDER_ROLE))
        || dto
            .href
            .as_deref()
            .is_some_and(|href| href.contains("/v2/policies/"));
    if placeholder {
        sink.builder.add_placeholder(PolicyPlaceholder {
            id: dto.id,
            href: present(dto.href),
            origin,
        });
        return Ok(());
    }
    let subject_attributes = dto
        .subjects
        .unwrap_or_default()
        .into_iter()
        .flat_map(|block| block.attributes.unwrap_or_default());
    // "Only one resource is allowed in a policy": the first is the policy's resource.
    let block = dto.resources.unwrap_or_default().into_iter().next();
    let (attributes, tags) = block.map_or((None, None), |block| (block.attributes, block.tags));
    let (resource, tags) = resource_of(attributes, tags);
    sink.builder.add_policy(Policy {
        account: None,
        id: dto.id,
        version: PolicyVersion::V1,
        kind: present(dto.kind)
            .as_deref()
            .map(crate::model::intern_cached),
        subject: subject_of(subject_attributes),
        roles: roles_of(&roles).into(),
        roles_unresolved: None,
        resource: resource.into(),
        tags: tags.into(),
        rule: None,
        state: present(dto.state)
            .as_deref()
            .map(crate::model::intern_cached),
        parts: PartOrigins::Members,
        origin,
        declaration: None,
    });
    Ok(())
}

pub(super) fn v2(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    v2_from(typed(item, pointer)?, pointer, sink)
}

pub(super) fn v2_from(dto: V2Dto, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    let origin = sink.origin(pointer);
    let subject_attributes = dto
        .subject
        .and_then(|block| block.attributes)
        .unwrap_or_default();
    let (attributes, tags) = dto
        .resource
        .map_or((None, None), |block| (block.attributes, block.tags));
    let (resource, tags) = resource_of(attributes, tags);
    let roles = dto
        .control
        .and_then(|control| control.grant)
        .and_then(|grant| grant.roles)
        .unwrap_or_default();
    sink.builder.add_policy(Policy {
        account: None,
        id: dto.id,
        version: PolicyVersion::V2,
        kind: present(dto.kind)
            .as_deref()
            .map(crate::model::intern_cached),
        subject: subject_of(subject_attributes),
        roles: roles_of(&roles).into(),
        roles_unresolved: None,
        resource: resource.into(),
        tags: tags.into(),
        rule: dto
            .rule
            .as_ref()
            .filter(|rule| !rule.is_null())
            .map(|rule| Box::new(condition_of(rule))),
        state: present(dto.state)
            .as_deref()
            .map(crate::model::intern_cached),
        parts: PartOrigins::Members,
        origin,
        declaration: None,
    });
    Ok(())
}

fn roles_of(roles: &[RoleRef]) -> Vec<Role> {
    roles
        .iter()
        .map(|role| Role::parse(&role.role_id))
        .collect()
}

/// A resource block's attributes and its tags, in the model.
fn resource_of<A: Into<Attribute>>(
    attributes: Option<Vec<A>>,
    tags: Option<Vec<A>>,
) -> (Vec<ResourceAttribute>, Vec<ResourceTag>) {
    let attributes = attributes
        .unwrap_or_default()
        .into_iter()
        .map(|attribute| {
            let attribute = attribute.into();
            ResourceAttribute {
                name: intern(&attribute.name),
                operator: Operator::parse(attribute.operator.as_deref()),
                value: attribute_value(attribute.value),
            }
        })
        .collect();
    let tags = tags
        .unwrap_or_default()
        .into_iter()
        .map(|tag| tag_of(tag.into()))
        .collect();
    (attributes, tags)
}

fn subject_of<A: Into<Attribute>>(attributes: impl IntoIterator<Item = A>) -> Subject {
    let mut fallback = Subject::Missing;
    for attribute in attributes {
        let Attribute { name, value, .. } = attribute.into();
        let Some(value) = value.as_str() else {
            continue;
        };
        match name.as_str() {
            "iam_id" => return Subject::from_iam_id(value),
            "access_group_id" => return Subject::AccessGroup(value.to_owned()),
            _ => fallback = Subject::Other(format!("{name}={value}")),
        }
    }
    fallback
}

fn tag_of(tag: Attribute) -> ResourceTag {
    ResourceTag {
        name: tag.name,
        value: match tag.value {
            Value::String(text) => text,
            other => other.to_string(),
        },
        operator: Operator::parse(tag.operator.as_deref()),
    }
}

/// A v2 `rule` (or one of its conditions): `{key, operator, value}`, or
/// `{operator: and|or, conditions: [...]}`.
pub(crate) fn condition_of(value: &Value) -> Condition {
    let text = |name: &str| value.get(name).and_then(Value::as_str);
    if let Some(conditions) = value.get("conditions").and_then(Value::as_array) {
        let conditions = conditions.iter().map(condition_of).collect();
        return Condition::group(text("operator"), conditions);
    }
    match (text("key"), text("operator")) {
        (Some(key), Some(operator)) => Condition::Attribute {
            key: key.to_owned(),
            operator: operator.to_owned(),
            value: attribute_value(value.get("value").cloned().unwrap_or(Value::Null)),
        },
        _ => Condition::Unknown,
    }
}

fn attribute_value(value: Value) -> AttributeValue {
    match value {
        Value::String(text) => AttributeValue::String(crate::model::intern_cached(&text)),
        Value::Bool(flag) => AttributeValue::Bool(flag),
        Value::Array(items) => AttributeValue::List(
            items
                .into_iter()
                .map(|item| match item {
                    Value::String(text) => text,
                    other => other.to_string(),
                })
                .collect(),
        ),
        Value::Null => AttributeValue::String(crate::model::intern_cached("")),
        other => AttributeValue::String(crate::model::intern_cached(&other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_rules_become_condition_trees() {
        let rule = serde_json::json!({
            "operator": "and",
            "conditions": [
                {"key": "{{environment.attributes.current_date_time}}",
                 "operator": "dateTimeGreaterThanOrEquals", "value": "2025-06-01T00:00:00+00:00"},
                {"key": "{{resource.attributes.prefix}}", "operator": "stringMatch",
                 "value": "logs/*"}
            ]
        });
        let condition = condition_of(&rule);
        assert!(matches!(&condition, Condition::All(items) if items.len() == 2));
        assert_eq!(condition.resource_keys(), vec!["prefix"]);
        // A single condition without a group, and shapes that are neither.
        assert!(matches!(
            condition_of(
                &serde_json::json!({"key": "k", "operator": "stringEquals", "value": "v"})
            ),
            Condition::Attribute { .. }
        ));
        assert_eq!(
            condition_of(&serde_json::json!({"operator": "xor", "conditions": []})),
            Condition::Unknown
        );
        assert_eq!(condition_of(&serde_json::json!("text")), Condition::Unknown);
    }
}
