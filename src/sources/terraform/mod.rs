//! `terraform show -json` output (plans and states) for the IBM provider, mapped into the same
//! model the API exports produce.
//!
//! A plan is read as the account after apply (`planned_values`, with the changes of
//! `resource_changes`), or, for `--new-only`, as the account before it (`prior_state`).
//! Values a plan computes at apply time are followed through
//! `configuration...expressions.<arg>.references`; what cannot be followed becomes an
//! explicit `Unresolved` link. Entities keep their Terraform address and point into the plan.
//!
//! Format: `format_version` 1.x (and the older 0.x) is read and unknown members are ignored;
//! a major version of 2 or more is a load error.

mod address;
mod entities;
pub mod hcl;
mod identity;
mod policy;
mod posture;
mod profiles;
mod references;
mod secrets;
mod walk;

use serde_json::Value;

use crate::model::{Crn, EntityKind, Pointer, service_id_core};
use crate::sources::exports::{Recognition, Sink};
use identity::Linker;
use references::{Config, Resolver};

/// Which state of the account a plan describes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TerraformView {
    /// After apply: `planned_values` (the default).
    #[default]
    Planned,
    /// Before apply: the plan's `prior_state` (what `--new-only` compares with). A state file
    /// reads the same in both views.
    Prior,
}

pub use super::family::is_terraform_json as detect;

/// Whether `terraform show -json` output is a plan (else a state).
pub fn is_plan(value: &Value) -> bool {
    [
        "planned_values",
        "resource_changes",
        "prior_state",
        "configuration",
    ]
    .iter()
    .any(|member| value.get(member).is_some())
}

/// Checks `format_version`: the major version must be 0 or 1.
fn check_version(value: &Value) -> Result<(), String> {
    let Some(version) = value.get("format_version").and_then(Value::as_str) else {
        return Err("expected `format_version` to be a string such as \"1.2\"".to_owned());
    };
    let major = version
        .split('.')
        .next()
        .and_then(|major| major.trim().parse::<u64>().ok());
    match major {
        Some(0 | 1) => Ok(()),
        _ => Err(format!(
            "unsupported Terraform JSON format_version {version:?}: iamlint reads format 1.x \
             (`terraform show -json` of Terraform 0.12 and later)"
        )),
    }
}

/// Maps a Terraform plan or state into the sink's inventory.
pub fn ingest(value: &Value, sink: &mut Sink<'_>, view: TerraformView) -> Recognition {
    ingest_in(value, sink, view, None)
}

/// [`ingest`] of the plan of one root module among several checked together: `root` (its
/// directory) qualifies the placeholders of what it creates, so that the same address in
/// two roots is two entities.
pub(crate) fn ingest_in(
    value: &Value,
    sink: &mut Sink<'_>,
    view: TerraformView,
    root: Option<&str>,
) -> Recognition {
    if let Err(message) = check_version(value) {
        sink.errors
            .push((Pointer::root().key("format_version"), message));
        return Recognition::Recognised;
    }
    let plan = is_plan(value);
    let (tree, tree_pointer): (&[&str], Pointer) = match (plan, view) {
        (true, TerraformView::Planned) => (
            &["planned_values", "root_module"],
            Pointer::root().key("planned_values").key("root_module"),
        ),
        (true, TerraformView::Prior) => (
            &["prior_state", "values", "root_module"],
            Pointer::root()
                .key("prior_state")
                .key("values")
                .key("root_module"),
        ),
        (false, _) => (
            &["values", "root_module"],
            Pointer::root().key("values").key("root_module"),
        ),
    };
    let mut resources = Vec::new();
    let module = tree
        .iter()
        .try_fold(value, |node, member| node.get(*member));
    if let Some(module) = module {
        walk::resources(module, tree_pointer, &mut resources, &mut sink.errors);
    }
    if let Some(root) = root {
        for resource in &mut resources {
            resource.id_address = format!("{root}/{}", resource.address);
        }
    }
    let planned = plan && view == TerraformView::Planned;
    let changes = if planned {
        walk::changes(value)
    } else {
        Vec::new()
    };
    walk::attach_changes(&mut resources, &changes);
    let config = Config::new(value);
    let linker = Linker::new(Resolver::new(&config, &resources), &resources, planned);
    map_resources(&linker, sink);
    if planned {
        remove_destroyed(&changes, sink);
    }
    secrets::scan(value, plan, view, sink);
    Recognition::Recognised
}

/// Maps the IBM provider's resources into the model. A plan or state declares only part of
/// an account, so it never marks a collection as exported: rules that reason about a whole
/// collection ("not exported", "probably deleted") look at exports alone.
fn map_resources(linker: &Linker<'_, '_>, sink: &mut Sink<'_>) {
    for (at, resource) in linker.resources().iter().enumerate() {
        if resource.parsed.mode != address::Mode::Managed {
            continue;
        }
        match resource.parsed.kind.as_str() {
            // A database is a resource instance of its `service` (`databases-for-postgresql`)
            // that the provider creates through its own resource type.
            "ibm_resource_instance" | "ibm_database" => {
                entities::instance(linker, at, sink);
            }
            "ibm_resource_key" => {
                entities::key(linker, at, sink);
                entities::auto_service_id(linker, at, sink);
            }
            "ibm_iam_service_id" => {
                entities::service_id(linker, at, sink);
            }
            "ibm_iam_service_api_key" => {
                entities::api_key(linker, at, sink);
            }
            "ibm_iam_service_policy"
            | "ibm_iam_user_policy"
            | "ibm_iam_access_group_policy"
            | "ibm_iam_trusted_profile_policy" => {
                policy::policy(linker, at, sink);
            }
            "ibm_iam_account_settings" => posture::identity_settings(resource, sink),
            "ibm_iam_access_group_account_settings" => {
                posture::access_group_settings(resource, sink);
            }
            "ibm_atracker_target" => posture::target(resource, sink),
            "ibm_atracker_route" => posture::route(resource, sink),
            "ibm_iam_trusted_profile" => profiles::profile(linker, at, sink),
            "ibm_iam_trusted_profile_link" => profiles::link(linker, at, sink),
            "ibm_iam_trusted_profile_claim_rule" => profiles::claim_rule(linker, at, sink),
            "ibm_iam_custom_role" => profiles::custom_role(linker, at, sink),
            "ibm_iam_access_group_members" => profiles::access_group_members(linker, at, sink),
            // NOTE: `ibm_iam_access_group` waits for the access-group model; policies on
            // access groups are mapped above.
            _ => {}
        }
    }
}

/// What a plan destroys (deletes, and the old half of a replacement) leaves the merged
/// inventory, whichever input holds a copy of it.
fn remove_destroyed(changes: &[walk::ResourceChange<'_>], sink: &mut Sink<'_>) {
    for change in changes.iter().filter(|change| change.deletes()) {
        let Some(before) = change.before else {
            continue;
        };
        let text = |name: &str| {
            before
                .get(name)
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
        };
        let removed = match change.kind.as_str() {
            "ibm_resource_instance" | "ibm_database" => text("guid")
                .map(str::to_owned)
                .or_else(|| {
                    text("crn")
                        .or_else(|| text("id"))
                        .and_then(Crn::parse)
                        .map(|crn| crn.service_instance.to_owned())
                })
                .map(|guid| (EntityKind::ResourceInstance, guid)),
            "ibm_resource_key" => text("crn")
                .or_else(|| text("id"))
                .map(|crn| (EntityKind::ResourceKey, crn.to_owned())),
            "ibm_iam_service_id" => text("id")
                .and_then(service_id_core)
                .map(|core| (EntityKind::ServiceId, core.to_owned())),
            "ibm_iam_service_api_key" => text("id").map(|id| (EntityKind::ApiKey, id.to_owned())),
            kind if kind.starts_with("ibm_iam_") && kind.ends_with("_policy") => {
                text("id").map(|id| {
                    (
                        EntityKind::Policy,
                        id.rsplit('/').next().unwrap_or(id).to_owned(),
                    )
                })
            }
            _ => None,
        };
        if let Some((kind, identity)) = removed {
            sink.builder.remove(kind, identity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_format_1_and_0_and_rejects_2() {
        let version = |text: &str| check_version(&serde_json::json!({ "format_version": text }));
        assert!(version("1.2").is_ok());
        assert!(version("0.1").is_ok());
        assert!(version("2.0").unwrap_err().contains("\"2.0\""));
        assert!(check_version(&serde_json::json!({ "format_version": 1 })).is_err());
    }
}
