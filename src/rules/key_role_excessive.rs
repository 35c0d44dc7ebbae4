//! `key-role-excessive`: a resource key whose role (`credentials.iam_role_crn`) is Manager
//! or Administrator on a service outside `allowed_services`.
//!
//! Every resource key holds an API key with its role on the instance, and keys are copied
//! into applications and CI. By default only the auditing service (`logdnaat`) is allowed:
//! its keys need Manager to work and are restricted to Administrator+Manager by policy.

use serde::Deserialize;

use super::roles::{EXPORT_ROLES, Holds, Power, role_holds};
use super::{Finding, RuleContext, Severity};
use crate::model::{Credentials, EntityRef, ResourceKey, Role, RoleKind};

/// Roles that let the holder manage the instance and its access, not only use it.
const EXCESSIVE_ROLES: [&str; 2] = ["Manager", "Administrator"];

/// `rules/key-role-excessive.yaml` gives the default.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    /// An empty list allows no service at all.
    allowed_services: Vec<String>,
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let allowed = &params.allowed_services;
    for key in &context.inventory.keys {
        let Some(service) = key.service_name() else {
            unknown_service(context, key, out);
            continue;
        };
        if allowed.iter().any(|name| name == service) {
            continue;
        }
        let visible = match &key.credentials {
            Credentials::Visible(visible) => visible,
            Credentials::Redacted | Credentials::Absent | Credentials::Unresolved(_) => {
                let why = match &key.credentials {
                    Credentials::Redacted => "its credentials are REDACTED".to_owned(),
                    Credentials::Unresolved(unresolved) => unresolved.describe(),
                    _ => "the export has no `credentials` for it".to_owned(),
                };
                context
                    .finding(
                        EntityRef::key(key),
                        key.credentials_origin_or_own(),
                        "role not visible",
                    )
                    .severity(Severity::Info)
                    .unknown()
                    .message(format!(
                        "cannot tell the role of resource key `{}` on `{service}`: {why}",
                        key.display_name()
                    ))
                    .remediation(
                        "export the keys as an identity with the Manager service role on the \
                         instance (`ibmcloud resource service-keys --output json`)",
                    )
                    .push(out);
                continue;
            }
        };
        // The role is visible: the key is judged (a key without one passes).
        context.evaluated_entity(key);
        // A key without an IAM role (a service that is not IAM-enabled) grants no role; one
        // whose role a plan leaves unresolved may hold any.
        let Some(role_crn) = visible.iam_role_crn.as_deref() else {
            if let Some(unresolved) = &key.role_unresolved {
                context
                    .finding(EntityRef::key(key), key.origin.clone(), "role unknown")
                    .severity(Severity::Info)
                    .unknown()
                    .message(format!(
                        "cannot tell the role of resource key `{}` on `{service}`: {}",
                        key.display_name(),
                        unresolved.describe()
                    ))
                    .remediation(super::roles::AFTER_APPLY)
                    .push(out);
            }
            continue;
        };
        let role = Role::parse(role_crn);
        if role.kind == RoleKind::Custom {
            // A custom role is excessive when its actions change access, as Administrator's
            // do; without its definition that is unknown.
            match role_holds(context.inventory, &role, Power::Administrator) {
                Holds::Yes => {}
                // One role is never unresolved: only a policy's list of roles can be.
                Holds::No | Holds::Unresolved(_) => continue,
                Holds::Unknown(name) => {
                    context
                        .finding(
                            EntityRef::key(key),
                            key.credentials_origin_or_own(),
                            "custom role not defined",
                        )
                        .severity(Severity::Info)
                        .unknown()
                        .message(format!(
                            "resource key `{}` on `{service}` holds custom role `{name}`, whose \
                             actions were not exported: whether it changes access is unknown",
                            key.display_name()
                        ))
                        .remediation(
                            EXPORT_ROLES.replace(
                                "<ACCOUNT_ID>",
                                &super::roles::account_of(context.inventory),
                            ),
                        )
                        .push(out);
                    continue;
                }
            }
        } else if !EXCESSIVE_ROLES.contains(&role.name.as_ref()) {
            continue;
        }
        let origin = key
            .credentials_origin()
            .unwrap_or_else(|| key.origin.key("credentials"))
            .key("iam_role_crn");
        context
            .finding(EntityRef::key(key), origin, format!("role {}", role.name))
            .message(format!(
                "resource key `{}` on `{service}` holds the {} role; only keys of {} may",
                key.display_name(),
                role.name,
                if allowed.is_empty() {
                    "no service".to_owned()
                } else {
                    allowed
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
            .remediation(context.meta.fix_with(&[
                (
                    "INSTANCE_ID",
                    key.source_crn.as_deref().unwrap_or("<INSTANCE_ID>"),
                ),
                ("KEY_ID", &key.crn),
            ]))
            .push(out);
    }
}

/// A key whose instance a plan leaves unresolved: its service, and so whether its role is
/// allowed, is unknown. Said when the role could be excessive (Manager, Administrator, a
/// custom role, or a role itself unknown); a key with a lesser role passes on any service.
fn unknown_service(context: &RuleContext<'_>, key: &ResourceKey, out: &mut Vec<Finding>) {
    let Some(unresolved) = &key.source_unresolved else {
        return;
    };
    let role = match &key.credentials {
        Credentials::Visible(visible) => visible.iam_role_crn.as_deref().map(Role::parse),
        _ => None,
    };
    let role_words = match (&role, &key.role_unresolved) {
        (Some(role), _)
            if role.kind == RoleKind::Custom || EXCESSIVE_ROLES.contains(&role.name.as_ref()) =>
        {
            format!("the {} role", role.name)
        }
        (None, Some(_)) => "a role known only after apply".to_owned(),
        _ => return,
    };
    context
        .finding(EntityRef::key(key), key.origin.clone(), "service unknown")
        .severity(Severity::Info)
        .unknown()
        .message(format!(
            "resource key `{}` holds {role_words}; whether its service allows that is \
             unknown: {}",
            key.display_name(),
            unresolved.describe()
        ))
        .remediation(super::roles::AFTER_APPLY)
        .push(out);
}
