//! `key-role-excessive`: a resource key whose role (`credentials.iam_role_crn`) is Manager
//! or Administrator on a service outside `allowed_services`.
//!
//! Every resource key holds an API key with its role on the instance, and keys are copied
//! into applications and CI. By default only the auditing service (`logdnaat`) is allowed:
//! its keys need Manager to work and are restricted to Administrator+Manager by policy.

use serde::Deserialize;

use super::roles::{EXPORT_ROLES, Holds, Power, role_holds};
use super::{Finding, RuleContext, Severity};
use crate::model::{Credentials, EntityRef, Role, RoleKind};

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
        // A key without an IAM role (a service that is not IAM-enabled) grants no role.
        let Some(role_crn) = visible.iam_role_crn.as_deref() else {
            continue;
        };
        let role = Role::parse(role_crn);
        if role.kind == RoleKind::Custom {
            // A custom role is excessive when its actions change access, as Administrator's
            // do; without its definition that is unknown.
            match role_holds(context.inventory, &role, Power::Administrator) {
                Holds::Yes => {}
                Holds::No => continue,
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
