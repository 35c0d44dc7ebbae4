//! Shared wording about policies: their roles and resources as people read them.

use crate::model::{AttributeValue, Policy};

/// `Administrator, Manager`, or `no roles`; roles a plan leaves unresolved are said to be
/// known only after apply, never "no roles".
pub(super) fn roles(policy: &Policy) -> String {
    let known = policy
        .roles
        .iter()
        .map(|role| role.name.as_ref())
        .collect::<Vec<_>>()
        .join(", ");
    match (known.is_empty(), policy.roles_unresolved.is_some()) {
        (true, true) => "roles known only after apply".to_owned(),
        (false, true) => format!("{known} and roles known only after apply"),
        (true, false) => "no roles".to_owned(),
        (false, false) => known,
    }
}

/// The resource attributes other than `accountId` (`serviceName=cos, serviceInstance=...`),
/// or `every resource in the account` when there are none. A policy narrowed by access
/// management tags or resource conditions is said in words (`resources tagged env:prod in
/// service cloud-object-storage`): it covers far less than its attributes alone.
pub(super) fn resource(policy: &Policy) -> String {
    let scope = policy.scope();
    if !scope.tags.is_empty() || !scope.conditions.is_empty() {
        return scope.words();
    }
    let parts: Vec<String> = policy
        .resource
        .iter()
        .filter(|attribute| *attribute.name != *"accountId")
        .map(|attribute| {
            let value = match &attribute.value {
                AttributeValue::String(text) => text.to_string(),
                AttributeValue::Bool(flag) => flag.to_string(),
                AttributeValue::List(items) => format!("[{}]", items.join(", ")),
                AttributeValue::Unresolved(unresolved) => format!("<{}>", unresolved.refers_to),
            };
            format!("{}={value}", attribute.name)
        })
        .collect();
    if parts.is_empty() {
        "every resource in the account".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The `ibmcloud iam ...-policy-create` options that give the same resource scope, when
/// every attribute has one (`--service-name cos --service-instance <GUID>`).
pub(super) fn cli_scope_options(policy: &Policy) -> Option<String> {
    // No flag says a tag or a rule: dropping one would widen the copy.
    if !policy.tags.is_empty() || policy.rule.is_some() {
        return None;
    }
    let mut options = Vec::new();
    for attribute in &policy.resource {
        let AttributeValue::String(value) = &attribute.value else {
            return None;
        };
        let flag = match (attribute.name.as_ref(), value.as_ref()) {
            ("accountId", _) => continue,
            // No option means all IAM-enabled services.
            ("serviceType", "service") => continue,
            ("serviceType", "platform_service") => {
                options.push("--account-management".to_owned());
                continue;
            }
            ("serviceName", _) => "--service-name",
            ("serviceInstance", _) => "--service-instance",
            ("region", _) => "--region",
            ("resourceType", _) => "--resource-type",
            ("resource", _) => "--resource",
            ("resourceGroupId", _) => "--resource-group-id",
            _ => return None,
        };
        options.push(format!("{flag} {value}"));
    }
    Some(options.join(" "))
}
