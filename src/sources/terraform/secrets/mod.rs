//! Where a `terraform show -json` document prints secrets in clear text, and what says so.
//!
//! Secrecy is decided from the strongest evidence there is (`SecretEvidence`):
//! 1. Terraform: `sensitive_values`, `before_sensitive`/`after_sensitive`, and
//!    `sensitive = true` on variables (root module and module calls) and outputs;
//! 2. the IBM provider: its sensitive attributes per resource type and its credential
//!    arguments (`provider`), and the variables that feed them;
//! 3. only then a name: a credential name judged on whole words (`names`) whose value has the
//!    shape of a secret (`forms`).
//!
//! A value marked by 1 or 2 itself counts when it holds real text; a member of a marked map
//! (a key's `credentials`) counts when it looks like a secret or is named like one, so its
//! URLs and CRNs are not reported. Masking is wider than reporting: every marked leaf, and
//! every leaf under a name the masking rules know (`sources::secrets`), is masked in snippets
//! whatever its value. The places of the view being checked become `ExposedSecret`s: their
//! pointer, member name and evidence, never the value.

mod configuration;
mod forms;
mod names;
pub(crate) mod provider;
mod values;

use serde_json::Value;

use super::TerraformView;
use crate::model::{EntityKind, EntityRef, ExposedSecret, Pointer, SecretEvidence};
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

/// One value to mask, and to report when it has evidence.
struct Found {
    pointer: Pointer,
    member: String,
    owner: Owner,
    /// Also part of the state before the plan (prior state, and what the file holds whatever
    /// the view: variables, configuration).
    before: bool,
    /// What says it is a secret; `None`: masked only (named like a secret, but its value is
    /// not shaped like one, or a map member Terraform marks that is a URL or CRN).
    evidence: Option<SecretEvidence>,
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
                document,
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
        let Some(evidence) = secret.evidence.filter(|_| relevant) else {
            continue;
        };
        let owner = secret.owner;
        sink.builder.add_exposed_secret(ExposedSecret {
            entity: EntityRef {
                account: None,
                kind: owner.kind,
                id: owner.id.unwrap_or_else(|| owner.address.clone()),
                name: owner.name,
                origin: sink.origin(&owner.pointer),
                address: Some(owner.address),
            },
            member: secret.member,
            container: container.to_owned(),
            origin: sink.origin(&secret.pointer),
            evidence,
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

/// How a value being walked is known to be secret, and what names it.
#[derive(Clone, Copy, Default)]
struct Marks<'a> {
    /// Terraform's sensitivity mask of the value (`true`, or an object/array mirroring it).
    mask: Option<&'a Value>,
    /// The resource type, for the provider's sensitive attributes.
    resource_type: Option<&'a str>,
    /// Evidence that covers the whole value (a sensitive variable or output, an argument the
    /// provider holds secret, a variable that feeds one).
    whole: Option<SecretEvidence>,
    /// The name of the whole value (variable, output, argument), for leaves without a member
    /// name of their own.
    name: &'a str,
}

/// Every leaf below `value` to mask, with its evidence when it is reported.
fn walk(
    value: &Value,
    pointer: &Pointer,
    marks: Marks<'_>,
) -> Vec<(Pointer, String, Option<SecretEvidence>)> {
    let mut out = Vec::new();
    leaves(value, pointer, &mut Vec::new(), marks, &mut out);
    out
}

/// Records the leaves of `value` (see [`walk`]) as belonging to `owner`; a leaf without a
/// member name of its own is labelled `member`.
fn record(
    value: &Value,
    pointer: &Pointer,
    member: &str,
    marks: Marks<'_>,
    owner: &Owner,
    before: bool,
    found: &mut Vec<Found>,
) {
    found.extend(
        walk(value, pointer, marks)
            .into_iter()
            .map(|(secret, path, evidence)| Found {
                pointer: secret,
                member: if path.is_empty() {
                    member.to_owned()
                } else {
                    path
                },
                owner: owner.clone(),
                before,
                evidence,
            }),
    );
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

/// How many tokens of `path` a sensitivity mask consumes before it says `true` (so
/// `Some(path.len())` marks the value itself, less a container it is in), or `None`.
fn mark_depth(mask: Option<&Value>, path: &[String]) -> Option<usize> {
    let mut current = mask?;
    for (depth, token) in path.iter().enumerate() {
        current = match current {
            Value::Bool(true) => return Some(depth),
            Value::Object(members) => members.get(token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    (current == &Value::Bool(true)).then_some(path.len())
}

/// Whether a leaf is worth masking (text that is not already a redaction marker, or a
/// number); `null` and booleans hold nothing.
fn maskable(value: &Value) -> bool {
    match value {
        Value::String(text) => {
            let text = text.trim();
            !text.is_empty() && text != REDACTED && text != "REDACTED"
        }
        Value::Number(_) => true,
        _ => false,
    }
}

fn leaves(
    value: &Value,
    pointer: &Pointer,
    path: &mut Vec<String>,
    marks: Marks<'_>,
    out: &mut Vec<(Pointer, String, Option<SecretEvidence>)>,
) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                path.push(name.clone());
                leaves(member, &pointer.key(name), path, marks, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                path.push(at.to_string());
                leaves(item, &pointer.index(at), path, marks, out);
                path.pop();
            }
        }
        leaf if maskable(leaf) => {
            // Terraform marks a key's whole `credentials` map sensitive; its IAM members
            // (the service ID and role) are not secrets and stay readable. A `REDACTED`
            // member is public only while it holds the marker (`maskable` is false then).
            let public = path
                .windows(2)
                .any(|pair| pair[0] == "credentials" && is_public_credential_member(&pair[1]));
            if public {
                return;
            }
            let (evidence, marked) = judge(leaf, path, marks);
            let named = marked
                || is_secret_pointer(pointer)
                || is_secret_name(marks.name)
                || path.iter().any(|token| is_secret_name(token));
            if named {
                out.push((pointer.clone(), path.join("."), evidence));
            }
        }
        _ => {}
    }
}

/// The strongest evidence that `leaf`, at `path` below the walked value, is a secret, and
/// whether Terraform or the provider marks it at all (then it is masked whatever it holds).
fn judge(leaf: &Value, path: &[String], marks: Marks<'_>) -> (Option<SecretEvidence>, bool) {
    let is_name = |token: &&String| token.parse::<usize>().is_err();
    let name = path
        .iter()
        .rev()
        .find(is_name)
        .map_or(marks.name, String::as_str);
    let credential = forms::holds_text(leaf) && names::is_credential_name(name);
    // A value marked itself needs real text; a member of a marked map must also look like
    // a secret or be named like one.
    let counts = |depth: usize, len: usize| {
        if depth >= len {
            forms::holds_text(leaf)
        } else {
            forms::looks_like_secret(leaf) || (credential && forms::holds_text(leaf))
        }
    };
    let whole = |evidence| (marks.whole == Some(evidence)).then_some(0);
    let terraform = whole(SecretEvidence::Terraform).or_else(|| mark_depth(marks.mask, path));
    // Attribute names without list indexes, for the provider's table (resources only).
    let attributes: Vec<&str> = match marks.resource_type {
        Some(_) => path.iter().filter(is_name).map(String::as_str).collect(),
        None => Vec::new(),
    };
    let provider = whole(SecretEvidence::Provider).or_else(|| {
        marks
            .resource_type
            .and_then(|kind| provider::sensitive_depth(kind, &attributes))
    });
    let marked = terraform.is_some() || provider.is_some();
    let named = path.iter().filter(is_name).count();
    // A value that repeats its own name (`"authorization" = "authorization"`) is a
    // stand-in, never a secret; it is still masked when something marks it.
    let echo = leaf
        .as_str()
        .is_some_and(|text| text.trim().eq_ignore_ascii_case(name));
    let evidence = if echo {
        None
    } else if terraform.is_some_and(|depth| counts(depth, path.len())) {
        Some(SecretEvidence::Terraform)
    } else if provider.is_some_and(|depth| counts(depth, named)) {
        Some(SecretEvidence::Provider)
    } else {
        (credential && forms::looks_like_secret(leaf)).then_some(SecretEvidence::Name)
    };
    (evidence, marked)
}
