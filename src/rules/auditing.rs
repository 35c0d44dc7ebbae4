//! Shared reasoning about auditing keys: which keys sit on an auditing instance, whether
//! their service ID can be followed, and which policies scope it to the instance.

use crate::model::{
    Credentials, EntityRef, Inventory, Origin, Policy, ResourceInstance, ResourceKey, Scope,
    ServiceId,
};

use super::RuleContext;

/// The auditing services of a rule's `services` parameter (`logdnaat` by default).
pub(super) fn services(context: &RuleContext<'_>) -> Vec<String> {
    let services = context.param_strings("services");
    if services.is_empty() {
        vec!["logdnaat".to_owned()]
    } else {
        services
    }
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
    let Some(service_id) = inventory.service_id(serviceid_crn) else {
        let core = crate::model::service_id_core(serviceid_crn).unwrap_or(serviceid_crn);
        return unknown(
            format!("its service ID `{core}` is not in the inventory"),
            "export the service IDs (`ibmcloud iam service-ids --output json` or \
             GET /v1/serviceids/?account_id=<ACCOUNT_ID>)",
        );
    };
    if !inventory.collections.policies {
        return unknown(
            "no access policies were loaded, so the policies of its service ID are unknown"
                .to_owned(),
            "export the policies (GET /v1/policies?account_id=<ACCOUNT_ID> and /v2/policies, or \
             `ibmcloud iam service-policies <SERVICE_ID> --output json`)",
        );
    }
    KeyLink::Linked(service_id)
}

/// The active access policies of a service ID scoped to exactly one instance of a service.
pub(super) fn scoped_policies<'a>(
    inventory: &'a Inventory,
    service_id: &ServiceId,
    service: &str,
    instance_guid: &str,
) -> Vec<&'a Policy> {
    inventory
        .policies_of_service_id(service_id.core())
        .filter(|policy| policy.is_active_access())
        .filter(|policy| {
            policy.scope()
                == Scope::Service {
                    name: service,
                    instance: Some(instance_guid),
                }
        })
        .collect()
}
