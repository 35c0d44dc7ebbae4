//! What a policy really covers: the target its attributes name (the account, a group of
//! services, a resource group, a service, an instance) and everything that narrows it
//! further (other attributes, access management tags, resource conditions in its rule).
//!
//! A policy with `serviceType=service` and the tag `env:prod` is not "every resource in the
//! account": IAM grants it only on resources that carry the tag. Rules that judge breadth
//! ask [`Scope::is_narrowed`] and say the scope with [`Scope::words`].

use super::{AttributeValue, Operator, Policy, ResourceAttribute, ResourceTag};

/// The widest thing a policy's resource attributes name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// No `serviceName`, `serviceType`, `service_group_id` or `resourceGroupId`: every
    /// resource in the account.
    Account,
    /// `serviceType=service`: all IAM-enabled services.
    AllServices,
    /// `serviceType=platform_service`: all account management services.
    AccountManagement,
    /// Another `serviceType` value.
    ServiceType(&'a str),
    /// A `service_group_id` (for example `IAM`) without a service name.
    ServiceGroup(&'a str),
    /// Every resource in one resource group.
    ResourceGroup(&'a str),
    /// One service, all its instances.
    Service(&'a str),
    /// One instance of one service.
    Instance { service: &'a str, instance: &'a str },
    /// A target attribute compared with something other than one exact value (a wildcard,
    /// a list), or a value a plan computes at apply time: never guessed.
    Unknown,
}

/// A policy's target and what narrows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope<'a> {
    pub target: Target<'a>,
    /// Resource attributes besides `accountId` and those that name the target: `region`,
    /// `resourceType`, `resource`, a resource group within a service, custom attributes.
    pub attributes: Vec<&'a ResourceAttribute>,
    /// Access management tags: only resources that carry them are covered.
    pub tags: &'a [ResourceTag],
    /// Resource attributes tested by conditions of the v2 `rule`.
    pub conditions: Vec<&'a str>,
}

impl<'a> Scope<'a> {
    pub fn of(policy: &'a Policy) -> Self {
        let target = target(policy);
        // The attributes the target consumed, so the rest narrow it.
        let consumed: &[&str] = match target {
            Target::Account | Target::Unknown => &[],
            Target::AllServices | Target::AccountManagement | Target::ServiceType(_) => {
                &["serviceType"]
            }
            Target::ServiceGroup(_) => &["service_group_id"],
            Target::ResourceGroup(_) => &["resourceGroupId"],
            Target::Service(_) => &["serviceName", "serviceType"],
            Target::Instance { .. } => &["serviceName", "serviceInstance", "serviceType"],
        };
        let attributes = policy
            .resource
            .iter()
            .filter(|attribute| *attribute.name != *"accountId")
            .filter(|attribute| {
                target == Target::Unknown || !consumed.contains(&attribute.name.as_ref())
            })
            .collect();
        Self {
            target,
            attributes,
            tags: &policy.tags,
            conditions: policy
                .rule
                .as_ref()
                .map(|rule| rule.resource_keys())
                .unwrap_or_default(),
        }
    }

    /// Whether anything narrows the target: then it covers less than the target's words.
    pub fn is_narrowed(&self) -> bool {
        !self.attributes.is_empty() || !self.tags.is_empty() || !self.conditions.is_empty()
    }

    /// The scope in words: `every resource in the account`, `resources tagged env:prod in
    /// service cloud-object-storage`, `every resource in resource group 1a2b...`.
    pub fn words(&self) -> String {
        let base = match self.target {
            Target::Account => "every resource in the account".to_owned(),
            Target::AllServices => "all IAM-enabled services".to_owned(),
            Target::AccountManagement => "all account management services".to_owned(),
            Target::ServiceType(kind) => format!("all services of type `{kind}`"),
            Target::ServiceGroup(group) => format!("every service of service group `{group}`"),
            Target::ResourceGroup(group) => format!("every resource in resource group `{group}`"),
            Target::Service(service) => format!("service {service}"),
            Target::Instance { service, instance } => {
                format!("{service} instance `{instance}`")
            }
            Target::Unknown => "resources".to_owned(),
        };
        if !self.is_narrowed() {
            return match self.target {
                Target::Service(service) => format!("all {service} resources"),
                _ => base,
            };
        }
        let mut narrowing = Vec::new();
        if !self.tags.is_empty() {
            narrowing.push(format!("tagged {}", tag_words(self.tags)));
        }
        for attribute in &self.attributes {
            narrowing.push(attribute_words(attribute));
        }
        if !self.conditions.is_empty() {
            narrowing.push(format!(
                "matching conditions on {}",
                self.conditions.join(", ")
            ));
        }
        let narrowing = narrowing.join(", ");
        match self.target {
            Target::Account => format!("resources {narrowing} in the account"),
            Target::Unknown => format!("resources {narrowing}"),
            Target::Service(_) | Target::Instance { .. } => {
                format!("resources {narrowing} in {base}")
            }
            _ => format!("resources {narrowing} of {base}"),
        }
    }
}

fn target(policy: &Policy) -> Target<'_> {
    // An attribute known only after apply could narrow or widen the scope: never guess.
    if policy
        .resource
        .iter()
        .any(|attribute| matches!(attribute.value, AttributeValue::Unresolved(_)))
    {
        return Target::Unknown;
    }
    let present = |name: &str| policy.has_resource_attribute(name);
    let exact = |name: &str| policy.resource_equals(name);
    if present("serviceName") {
        let Some(service) = exact("serviceName") else {
            return Target::Unknown;
        };
        if !present("serviceInstance") {
            return Target::Service(service);
        }
        return match exact("serviceInstance") {
            Some(instance) => Target::Instance { service, instance },
            None => Target::Service(service),
        };
    }
    if present("serviceType") {
        return match exact("serviceType") {
            Some("service") => Target::AllServices,
            Some("platform_service") => Target::AccountManagement,
            Some(kind) => Target::ServiceType(kind),
            None => Target::Unknown,
        };
    }
    if present("service_group_id") {
        return exact("service_group_id").map_or(Target::Unknown, Target::ServiceGroup);
    }
    if present("resourceGroupId") {
        return exact("resourceGroupId").map_or(Target::Unknown, Target::ResourceGroup);
    }
    Target::Account
}

/// `env:prod and team:audit`; a tag compared by wildcard says so.
pub fn tag_words(tags: &[ResourceTag]) -> String {
    tags.iter()
        .map(|tag| match tag.operator {
            Operator::StringMatch => format!("{}:{} (wildcard)", tag.name, tag.value),
            _ => format!("{}:{}", tag.name, tag.value),
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

fn attribute_words(attribute: &ResourceAttribute) -> String {
    let value = match &attribute.value {
        AttributeValue::String(text) => text.to_string(),
        AttributeValue::Bool(flag) => flag.to_string(),
        AttributeValue::List(items) => format!("[{}]", items.join(", ")),
        AttributeValue::Unresolved(unresolved) => format!("<{}>", unresolved.refers_to),
    };
    match (attribute.name.as_ref(), &attribute.operator) {
        ("region", Operator::StringEquals) => format!("in region {value}"),
        ("resourceGroupId", Operator::StringEquals) => format!("in resource group `{value}`"),
        ("resourceType", Operator::StringEquals) => format!("of resource type {value}"),
        ("serviceInstance", Operator::StringEquals) => format!("of instance `{value}`"),
        (name, Operator::StringEquals) => format!("with {name}={value}"),
        (name, Operator::StringExists) => format!("with {name} present"),
        (name, _) => format!("with {name} matching {value}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, Origin, Pointer, PolicyVersion, Subject};

    fn policy(attributes: &[(&str, &str)], tags: &[(&str, &str)]) -> Policy {
        Policy {
            id: "p".to_owned(),
            version: PolicyVersion::V2,
            kind: Some("access".into()),
            subject: Subject::Missing,
            roles: Box::default(),
            roles_unresolved: None,
            resource: std::iter::once(&("accountId", "acct"))
                .chain(attributes)
                .map(|(name, value)| ResourceAttribute {
                    name: (*name).into(),
                    operator: Operator::StringEquals,
                    value: AttributeValue::String((*value).into()),
                })
                .collect(),
            tags: tags
                .iter()
                .map(|(name, value)| ResourceTag {
                    name: (*name).to_owned(),
                    value: (*value).to_owned(),
                    operator: Operator::StringEquals,
                })
                .collect(),
            rule: None,
            state: None,
            account: None,
            origin: Origin::new(DocId(0), Pointer::root()),
            parts: crate::model::PartOrigins::Own,
            declaration: None,
        }
    }

    #[test]
    fn targets_and_narrowing() {
        let account = policy(&[], &[]);
        assert_eq!(Scope::of(&account).target, Target::Account);
        assert!(!Scope::of(&account).is_narrowed());
        assert_eq!(Scope::of(&account).words(), "every resource in the account");

        let tagged = policy(
            &[("serviceName", "cloud-object-storage")],
            &[("env", "prod")],
        );
        let scope = Scope::of(&tagged);
        assert_eq!(scope.target, Target::Service("cloud-object-storage"));
        assert!(scope.is_narrowed());
        assert_eq!(
            scope.words(),
            "resources tagged env:prod in service cloud-object-storage"
        );

        let regional = policy(&[("serviceType", "service"), ("region", "us-south")], &[]);
        assert_eq!(
            Scope::of(&regional).words(),
            "resources in region us-south of all IAM-enabled services"
        );

        let group = policy(&[("resourceGroupId", "1a2b")], &[]);
        assert_eq!(Scope::of(&group).target, Target::ResourceGroup("1a2b"));
        assert_eq!(
            Scope::of(&group).words(),
            "every resource in resource group `1a2b`"
        );

        let typed = policy(
            &[("resourceType", "resource-group"), ("resource", "1a2b")],
            &[],
        );
        assert_eq!(Scope::of(&typed).target, Target::Account);
        assert!(Scope::of(&typed).is_narrowed());

        let instance = policy(
            &[("serviceName", "logdnaat"), ("serviceInstance", "g")],
            &[],
        );
        assert_eq!(
            Scope::of(&instance).target,
            Target::Instance {
                service: "logdnaat",
                instance: "g"
            }
        );
        assert!(!Scope::of(&instance).is_narrowed());
    }
}
