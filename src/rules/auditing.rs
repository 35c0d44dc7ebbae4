//! Shared reasoning about auditing keys: which keys sit on an auditing instance, whether
//! their service ID can be followed, and which policies scope it to the instance.

use crate::model::{
    Activity, AttributeValue, Credentials, EntityRef, Inventory, Operator, Origin, Policy,
    ResourceInstance, ResourceKey, RoleKind, ServiceId, Subject, Target, Timestamp, instant_words,
};

use serde::Deserialize;

/// The parameters of a rule about auditing keys: the services whose instances are
/// auditing instances (`logdnaat` by default, in each rule's YAML).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Audited {
    #[serde(deserialize_with = "super::params::non_empty")]
    pub services: Vec<String>,
}

/// A resource key on an auditing instance.
pub(super) struct AuditingKey<'a> {
    pub key: &'a ResourceKey,
    pub service: &'a str,
    pub instance_guid: &'a str,
    pub instance: Option<&'a ResourceInstance>,
}

impl AuditingKey<'_> {
    /// The instance's name and GUID when exported, else its GUID.
    pub(super) fn instance_label(&self) -> String {
        match self.instance.and_then(|instance| instance.name.as_deref()) {
            Some(name) => format!("`{name}` ({})", self.instance_guid),
            None => format!("`{}`", self.instance_guid),
        }
    }

    /// The instance as a related entity, when it is in the inventory.
    pub(super) fn instance_ref(&self) -> Option<(EntityRef, Origin)> {
        self.instance
            .map(|instance| (EntityRef::instance(instance), instance.origin.clone()))
    }
}

/// Every key whose `source_crn` names an instance of an auditing service, in load order.
pub(super) fn auditing_keys<'a>(
    inventory: &'a Inventory,
    services: &[String],
) -> Vec<AuditingKey<'a>> {
    inventory
        .keys
        .iter()
        .filter_map(|key| {
            let service = key.service_name()?;
            let instance_guid = key.instance_guid()?;
            services
                .iter()
                .any(|name| name == service)
                .then(|| AuditingKey {
                    key,
                    service,
                    instance_guid,
                    instance: inventory.instance_by_guid(instance_guid),
                })
        })
        .collect()
}

/// Whether a key's service ID and its policies can be evaluated.
pub(super) enum KeyLink<'a> {
    Linked(&'a ServiceId),
    /// What is missing, and how to export it.
    Unknown {
        missing: String,
        export: String,
    },
}

/// Follows key -> service ID, and checks that policies were exported at all.
pub(super) fn link<'a>(inventory: &'a Inventory, key: &ResourceKey) -> KeyLink<'a> {
    let unknown = |missing: String, export: &str| KeyLink::Unknown {
        missing,
        export: export.to_owned(),
    };
    let serviceid_crn = match &key.credentials {
        Credentials::Redacted => {
            return unknown(
                "its credentials are REDACTED, so the service ID behind it is not visible"
                    .to_owned(),
                "export the keys as an identity with the Manager service role on the instance \
                 (`ibmcloud resource service-keys --output json`)",
            );
        }
        Credentials::Absent => {
            return unknown(
                "the export has no `credentials` for it, so the service ID behind it is not visible"
                    .to_owned(),
                "export the keys with their credentials (`ibmcloud resource service-keys --output json`)",
            );
        }
        Credentials::Unresolved(unresolved) => {
            return unknown(
                format!(
                    "the service ID behind it is not known: {}",
                    unresolved.describe()
                ),
                AFTER_APPLY_EXPORT,
            );
        }
        Credentials::Visible(visible) => match &visible.iam_serviceid_crn {
            Some(crn) => crn,
            None => {
                return unknown(
                    "its credentials have no `iam_serviceid_crn`, so the service ID behind it is \
                     not visible"
                        .to_owned(),
                    "export the keys with their IAM credentials (`ibmcloud resource service-keys \
                     --output json`)",
                );
            }
        },
    };
    let Some(service_id) = serviceid_crn
        .core()
        .and_then(|core| inventory.service_id(core))
    else {
        let text = serviceid_crn.text();
        let core = serviceid_crn.core().unwrap_or(&text);
        return unknown(
            format!("its service ID `{core}` is not in the inventory"),
            "export the service IDs (`ibmcloud iam service-ids --output json` or \
             GET /v1/serviceids/?account_id=<ACCOUNT_ID>)",
        );
    };
    // A service ID declared in a Terraform plan or state is governed there: its policies are
    // those declared with it (and nothing outside a plan can name one the plan creates).
    let declared = service_id.declaration.is_some();
    if !declared && !inventory.collections.policies {
        return unknown(
            "no access policies were loaded, so the policies of its service ID are unknown"
                .to_owned(),
            "export the policies (GET /v1/policies?account_id=<ACCOUNT_ID> and /v2/policies, or \
             `ibmcloud iam service-policies <SERVICE_ID> --output json`)",
        );
    }
    if let Some((policy, unresolved)) = undetermined_restriction(inventory, key, service_id) {
        let name = policy
            .declaration
            .as_ref()
            .map_or(policy.id.as_str(), |declaration| {
                declaration.address.as_str()
            });
        return unknown(
            format!(
                "policy `{name}` may restrict its service ID `{}` to the instance, but {}",
                service_id.core(),
                unresolved.describe()
            ),
            AFTER_APPLY_EXPORT,
        );
    }
    KeyLink::Linked(service_id)
}

/// What to do about a link a plan leaves unresolved.
const AFTER_APPLY_EXPORT: &str = "check the state after apply (`terraform show -json > state.json`), \
     or pass the value through an argument the plan can resolve (a resource attribute or a \
     module input, not a local)";

/// The partly unresolved policy that makes a key's verdict unknown, if that is why.
pub(super) fn undetermined_policy<'a>(
    inventory: &'a Inventory,
    key: &ResourceKey,
) -> Option<&'a Policy> {
    let service_id = inventory.service_id_of(key)?;
    undetermined_restriction(inventory, key, service_id).map(|(policy, _)| policy)
}

/// Keys whose instance a plan leaves unresolved: whether they are auditing keys is unknown.
pub(super) fn unclassified_keys(inventory: &Inventory) -> impl Iterator<Item = &ResourceKey> {
    inventory
        .keys
        .iter()
        .filter(|key| key.source_unresolved.is_some())
}

/// A policy that a plan leaves partly unresolved and that may restrict `service_id` to the
/// key's instance, when the resolved policies alone do not already grant Administrator and
/// Manager there (then it cannot change the verdict, and the key is judged).
fn undetermined_restriction<'a>(
    inventory: &'a Inventory,
    key: &ResourceKey,
    service_id: &ServiceId,
) -> Option<(&'a Policy, &'a crate::model::Unresolved)> {
    let service = key.service_name()?;
    let instance_guid = key.instance_guid()?;
    // Judged without the clock: a policy with a time window may still restrict the key.
    let scoped = scoped_policies(inventory, service_id, service, instance_guid, None);
    let complete = scoped
        .iter()
        .any(|policy| policy.grants(RoleKind::Platform, "Administrator"))
        && scoped
            .iter()
            .any(|policy| policy.grants(RoleKind::Service, "Manager"));
    if complete {
        return None;
    }
    // Only policies with unresolved parts can be undetermined: looked up, not scanned.
    inventory
        .unresolved_policies()
        .filter(|policy| policy.is_active_access())
        .filter(|policy| may_scope(policy, service_id.core(), service, instance_guid))
        .find_map(|policy| policy.unresolved().map(|unresolved| (policy, unresolved)))
}

/// Whether a policy, once its unresolved parts are known, could be scoped to exactly this
/// service ID, service and instance.
fn may_scope(policy: &Policy, core: &str, service: &str, instance_guid: &str) -> bool {
    let subject = match &policy.subject {
        Subject::ServiceId(subject) => subject == core,
        Subject::Unresolved(_) => true,
        _ => false,
    };
    let may_equal = |name: &str, expected: &str| {
        let mut attributes = policy
            .resource
            .iter()
            .filter(|attribute| *attribute.name == *name)
            .peekable();
        attributes.peek().is_some()
            && attributes.all(|attribute| match &attribute.value {
                AttributeValue::Unresolved(_) => true,
                AttributeValue::String(value) => {
                    attribute.operator == Operator::StringEquals && **value == *expected
                }
                _ => false,
            })
    };
    subject && may_equal("serviceName", service) && may_equal("serviceInstance", instance_guid)
}

/// The active access policies of a service ID scoped to exactly one instance of a service,
/// and in force at `now` (a time window that has closed or not opened grants nothing).
pub(super) fn scoped_policies<'a>(
    inventory: &'a Inventory,
    service_id: &ServiceId,
    service: &str,
    instance_guid: &str,
    now: Option<Timestamp>,
) -> Vec<&'a Policy> {
    instance_policies(inventory, service_id, service, instance_guid)
        .filter(|policy| policy.activity(now) == Activity::Active)
        .collect()
}

/// The policies of [`scoped_policies`] that a time condition keeps out of force at `now`,
/// with why: messages name them, so that an expired restriction is not a silent gap.
pub(super) fn inactive_scoped_policies<'a>(
    inventory: &'a Inventory,
    service_id: &ServiceId,
    service: &str,
    instance_guid: &str,
    now: Option<Timestamp>,
) -> Vec<(&'a Policy, Activity)> {
    instance_policies(inventory, service_id, service, instance_guid)
        .map(|policy| (policy, policy.activity(now)))
        .filter(|(_, activity)| *activity != Activity::Active)
        .collect()
}

/// `; policy `P` expired on 2025-01-31 and grants nothing now` for each inactive policy.
pub(super) fn inactive_note(inactive: &[(&Policy, Activity)]) -> String {
    inactive
        .iter()
        .map(|(policy, activity)| match activity {
            Activity::Expired(at) => format!(
                "; policy `{}` expired on {} and grants nothing now",
                policy.id,
                instant_words(*at)
            ),
            Activity::NotYet(at) => format!(
                "; policy `{}` starts only on {} and grants nothing yet",
                policy.id,
                instant_words(*at)
            ),
            Activity::Active => String::new(),
        })
        .collect()
}

fn instance_policies<'a>(
    inventory: &'a Inventory,
    service_id: &ServiceId,
    service: &str,
    instance_guid: &str,
) -> impl Iterator<Item = &'a Policy> {
    let (service, instance_guid) = (service.to_owned(), instance_guid.to_owned());
    inventory
        .policies_of_service_id(service_id.core())
        .filter(|policy| policy.is_active_access())
        .filter(move |policy| {
            policy.scope().target
                == Target::Instance {
                    service: &service,
                    instance: &instance_guid,
                }
        })
}
