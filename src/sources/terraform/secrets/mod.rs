//! Where a `terraform show -json` document prints secrets in clear text: resource
//! attributes marked sensitive (`sensitive_values`, `before_sensitive`, `after_sensitive`) or
//! named like secrets (`credentials`, `credentials_json`, `apikey`), sensitive variables and
//! outputs, and secret-named constants in the configuration (a provider's
//! `ibmcloud_api_key`).
//!
//! Every place found is masked in snippets. The places of the view being checked become
//! `ExposedSecret`s: their pointer and member name only, never the value.

mod configuration;
mod values;

use serde_json::Value;

use super::TerraformView;
use crate::model::{EntityKind, EntityRef, ExposedSecret, Origin, Pointer};
use crate::sources::exports::Sink;
use crate::sources::secrets::{
    REDACTED, is_public_credential_member, is_secret_name, is_secret_pointer,
};

/// Who a secret belongs to.
#[derive(Clone)]
struct Owner {
    kind: EntityKind,
    address: String,
    id: Option<String>,
    name: Option<String>,
    pointer: Pointer,
}

/// One secret value.
struct Found {
    pointer: Pointer,
    member: String,
    owner: Owner,
    /// Also part of the state before the plan (prior state, and what the file holds whatever
    /// the view: variables, configuration).
    before: bool,
}

/// Finds every secret of the document, marks all for masking, and records those of the view.
pub(super) fn scan(document: &Value, plan: bool, view: TerraformView, sink: &mut Sink<'_>) {
    let mut found = Vec::new();
    let root = Pointer::root();
    let trees: &[(&[&str], bool)] = if plan {
        &[
            (&["planned_values"], false),
            (&["prior_state", "values"], true),
        ]
    } else {
        &[(&["values"], true)]
    };
    for (path, before) in trees {
        let mut pointer = root.clone();
        let mut node = Some(document);
        for token in *path {
            node = node.and_then(|node| node.get(*token));
            pointer = pointer.key(token);
        }
        if let Some(values) = node {
            values::module(
                values.get("root_module"),
                &pointer.key("root_module"),
                *before,
                &mut found,
            );
            values::outputs(
                values.get("outputs"),
                &pointer.key("outputs"),
                *before,
                &mut found,
            );
        }
    }
    values::resource_changes(document, &mut found);
    values::output_changes(document, &mut found);
    configuration::variables(document, &mut found);
    configuration::configuration(document, &mut found);
    let container = if plan {
        "Terraform plan"
    } else {
        "Terraform state"
    };
    for secret in found {
        sink.secret_pointers.push(secret.pointer.clone());
        let relevant = !plan || view == TerraformView::Planned || secret.before;
        if !relevant {
            continue;
        }
        let owner = secret.owner;
        sink.builder.add_exposed_secret(ExposedSecret {
            entity: EntityRef {
                account: None,
                kind: owner.kind,
                id: owner.id.unwrap_or_else(|| owner.address.clone()),
                name: owner.name,
                origin: Origin::new(sink.document, owner.pointer),
                address: Some(owner.address),
            },
            member: secret.member,
            container: container.to_owned(),
            origin: Origin::new(sink.document, secret.pointer),
        });
    }
}

/// The entity kind iamlint maps a resource type to.
fn kind_of(resource_type: &str) -> EntityKind {
    match resource_type {
        "ibm_resource_instance" => EntityKind::ResourceInstance,
        "ibm_resource_key" => EntityKind::ResourceKey,
        "ibm_iam_service_id" => EntityKind::ServiceId,
        "ibm_iam_service_api_key" => EntityKind::ApiKey,
        kind if kind.starts_with("ibm_iam_") && kind.ends_with("_policy") => EntityKind::Policy,
        _ => EntityKind::TerraformValue,
    }
}

fn resource_owner(
    address: &str,
    resource_type: &str,
    values: Option<&Value>,
    pointer: &Pointer,
) -> Owner {
    let text = |name: &str| {
        values
            .and_then(|values| values.get(name))
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    Owner {
        kind: kind_of(resource_type),
        address: address.to_owned(),
        id: text("crn").or_else(|| text("id")),
        name: text("name"),
        pointer: pointer.clone(),
    }
}

/// Records every leaf of `value`, a value that is secret as a whole (a sensitive variable or
/// output, a constant of a secret-named argument), as a secret of `owner`.
fn whole_value(
    value: &Value,
    pointer: &Pointer,
    member: &str,
    owner: &Owner,
    before: bool,
    found: &mut Vec<Found>,
) {
    let mut out = Vec::new();
    leaves(value, pointer, &mut Vec::new(), None, true, &mut out);
    found.extend(out.into_iter().map(|(secret, _)| Found {
        pointer: secret,
        member: member.to_owned(),
        owner: owner.clone(),
        before,
    }));
}

fn value_owner(address: String, pointer: &Pointer) -> Owner {
    Owner {
        kind: EntityKind::TerraformValue,
        address,
        id: None,
        name: None,
        pointer: pointer.clone(),
    }
}

/// Whether a sensitivity mask (`true`, or an object/array mirroring the value) marks `path`.
fn marked(mask: Option<&Value>, path: &[String]) -> bool {
    let mut current = match mask {
        Some(mask) => mask,
        None => return false,
    };
    for token in path {
        current = match current {
            Value::Bool(flag) => return *flag,
            Value::Object(members) => match members.get(token) {
                Some(next) => next,
                None => return false,
            },
            Value::Array(items) => match token.parse::<usize>().ok().and_then(|at| items.get(at)) {
                Some(next) => next,
                None => return false,
            },
            _ => return false,
        };
    }
    current == &Value::Bool(true)
}

/// Whether a leaf holds something worth hiding (not empty, not already redacted).
fn holds_secret(value: &Value) -> bool {
    match value {
        Value::String(text) => {
            let text = text.trim();
            !text.is_empty() && text != REDACTED && !text.starts_with("REDACTED")
        }
        Value::Number(_) => true,
        _ => false,
    }
}

/// Every secret leaf below `value`: marked by `mask`, named like a secret, or below a
/// secret-named member (`sensitive` marks the whole value).
fn leaves(
    value: &Value,
    pointer: &Pointer,
    path: &mut Vec<String>,
    mask: Option<&Value>,
    sensitive: bool,
    out: &mut Vec<(Pointer, String)>,
) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                path.push(name.clone());
                leaves(member, &pointer.key(name), path, mask, sensitive, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                path.push(at.to_string());
                leaves(item, &pointer.index(at), path, mask, sensitive, out);
                path.pop();
            }
        }
        leaf if holds_secret(leaf) => {
            // Terraform marks a key's whole `credentials` map sensitive; its IAM members
            // (the service ID and role) are not secrets and stay readable.
            let public = path
                .windows(2)
                .any(|pair| pair[0] == "credentials" && is_public_credential_member(&pair[1]));
            let secret = !public
                && (sensitive
                    || marked(mask, path)
                    || is_secret_pointer(pointer)
                    || path.iter().any(|token| is_secret_name(token)));
            if secret {
                out.push((pointer.clone(), path.join(".")));
            }
        }
        _ => {}
    }
}
