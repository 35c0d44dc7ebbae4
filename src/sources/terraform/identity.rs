//! The identity of every resource instance of a plan (its ids when known, placeholders for
//! the ids computed at apply time), and the links between resources: a value of the plan,
//! or, when the plan computes it, what its references lead to.
//!
//! Placeholders are written in angle brackets, the way the fix commands write what the user
//! fills in: an instance GUID is `<ibm_resource_instance.at.guid>`, a service ID created in
//! the plan `ServiceId-<ibm_iam_service_id.sid>` (the prefix keeps it a service ID), the one
//! Resource Controller creates for a new key `ServiceId-<created for ibm_resource_key.k>`.
//! They contain no `:`, so a CRN built around them still parses.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::address::Mode;
use super::references::{Resolver, Target};
use super::walk::TfResource;
use crate::model::{Crn, Pointer, Unresolved, service_id_core};

/// The stand-in for attribute `attribute` of `address`, computed at apply time.
pub(super) fn placeholder(address: &str, attribute: &str) -> String {
    format!("<{}.{attribute}>", address.replace(':', "%3A"))
}

/// The stand-in for the id of the entity `address` creates, spelled with the id's prefix.
pub(super) fn placeholder_id(prefix: &str, address: &str) -> String {
    format!("{prefix}<{}>", address.replace(':', "%3A"))
}

/// What kind of value an argument expects, so that a reference to the wrong kind of
/// resource is not taken for a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    /// Any spelling of a service ID (id, IAM ID or CRN).
    ServiceId,
    InstanceCrn,
    InstanceGuid,
    AccessGroup,
    Profile,
    /// Any text (a service name, a resource group id).
    Text,
}

/// The identity of one resource instance.
#[derive(Debug, Clone)]
pub(super) enum Identity {
    Instance { crn: String, guid: String },
    ServiceId { core: String },
    AccessGroup { id: String },
    Profile { id: String },
    Other,
}

/// The service ID behind a resource key.
#[derive(Debug, Clone)]
pub(super) enum KeyServiceId {
    /// From the key's credentials or its `parameters.serviceid_crn`.
    Known {
        spelling: String,
        pointer: Pointer,
    },
    /// The key is created without `parameters.serviceid_crn`: Resource Controller creates a
    /// new service ID for it at apply time.
    AutoCreated {
        core: String,
    },
    Unresolved(Unresolved),
}

/// A link from one resource's argument to a value.
#[derive(Debug, Clone)]
pub(super) enum Link {
    /// The value, and where it is written (the value, or the expression it comes from).
    Value {
        text: String,
        pointer: Pointer,
    },
    Unresolved(Unresolved),
    Absent,
}

/// Identities and links of one view of a plan or state.
pub(super) struct Linker<'a, 'r> {
    resolver: Resolver<'a, 'r>,
    resources: &'r [TfResource<'a>],
    identities: Vec<Identity>,
    key_service_ids: HashMap<usize, KeyServiceId>,
    /// Values missing from a plan's `values` are computed at apply time; in a state they
    /// are simply absent.
    plan: bool,
}

impl<'a, 'r> Linker<'a, 'r> {
    pub(super) fn new(
        resolver: Resolver<'a, 'r>,
        resources: &'r [TfResource<'a>],
        plan: bool,
    ) -> Self {
        let identities = resources.iter().map(identity).collect();
        let mut linker = Self {
            resolver,
            resources,
            identities,
            key_service_ids: HashMap::new(),
            plan,
        };
        for (at, resource) in resources.iter().enumerate() {
            if resource.parsed.mode == Mode::Managed
                && resource.parsed.kind == "ibm_resource_key"
                && let Some(found) = linker.key_service_id(at)
            {
                linker.key_service_ids.insert(at, found);
            }
        }
        linker
    }

    pub(super) fn resources(&self) -> &'r [TfResource<'a>] {
        self.resources
    }

    pub(super) fn identity(&self, at: usize) -> &Identity {
        &self.identities[at]
    }

    pub(super) fn key_service(&self, at: usize) -> Option<&KeyServiceId> {
        self.key_service_ids.get(&at)
    }

    /// The value of argument `path` of resource `at`: written in the plan, or reached through
    /// the references of its expression when the plan computes it.
    pub(super) fn link(&self, at: usize, path: &[&str], want: Want) -> Link {
        let resource = &self.resources[at];
        let written = resource.value(path);
        match written {
            Some(Value::String(text)) if !text.trim().is_empty() => {
                return Link::Value {
                    text: text.trim().to_owned(),
                    pointer: resource.value_pointer(path),
                };
            }
            Some(Value::Null | Value::String(_)) | None => {}
            Some(_) => return Link::Absent,
        }
        if !self.plan {
            return Link::Absent;
        }
        // A member of a map the plan knows the keys of (`parameters = { service-endpoints =
        // var.ep }`), when it is not among them and not unknown, is not there: the map's
        // own references are not this member's.
        if let [parent @ .., _] = path
            && !parent.is_empty()
            && written.is_none()
            && resource.value(parent).is_some_and(Value::is_object)
            && !resource.is_unknown(path)
        {
            return Link::Absent;
        }
        let expression = self.resolver.config().expression(&resource.parsed, path);
        let computed = resource.is_unknown(path)
            || (written.is_none()
                && expression
                    .as_ref()
                    .is_some_and(|expression| !expression.references.is_empty()));
        if !computed {
            return Link::Absent;
        }
        let unresolved = |refers_to: String| {
            Link::Unresolved(Unresolved {
                address: resource.address.clone(),
                argument: argument_name(path),
                refers_to,
            })
        };
        let Some(expression) = expression else {
            return unresolved("a value computed at apply time".to_owned());
        };
        if let Some(text) = expression.constant.and_then(Value::as_str) {
            return Link::Value {
                text: text.to_owned(),
                pointer: expression.pointer,
            };
        }
        let targets = self.resolver.targets(
            &expression.references,
            &resource.parsed.module,
            resource.parsed.index.as_ref(),
        );
        let mut texts: Vec<String> = targets
            .iter()
            .filter_map(|target| self.fit(target, want))
            .collect();
        texts.dedup();
        match <[String; 1]>::try_from(texts) {
            Ok([text]) => Link::Value {
                text,
                pointer: expression.pointer,
            },
            Err(_) => unresolved(written_references(&expression.references)),
        }
    }

    /// Why the list argument `path` of resource `at` is (partly) computed at apply time,
    /// when a plan leaves it so: the whole list, or one of its elements, is unknown (a
    /// variable without a value, a function iamlint does not evaluate). `None` when the
    /// list is known, or absent from a plan whose configuration does not refer to anything.
    pub(super) fn unresolved_list(&self, at: usize, path: &[&str]) -> Option<Unresolved> {
        let resource = &self.resources[at];
        let written = resource.value(path);
        if let Some(Value::Array(items)) = written
            && items.iter().all(Value::is_string)
        {
            return None;
        }
        if !self.plan {
            return None;
        }
        let element_unknown = match written {
            Some(Value::Array(items)) => (0..items.len()).any(|index| {
                let index = index.to_string();
                let mut element = path.to_vec();
                element.push(&index);
                resource.is_unknown(&element)
            }),
            _ => false,
        };
        let expression = self.resolver.config().expression(&resource.parsed, path);
        let referred = expression
            .as_ref()
            .is_some_and(|expression| !expression.references.is_empty());
        let unknown = resource.is_unknown(path)
            || element_unknown
            || (matches!(written, None | Some(Value::Null)) && referred);
        unknown.then(|| Unresolved {
            address: resource.address.clone(),
            argument: argument_name(path),
            refers_to: expression.map_or_else(
                || "a value computed at apply time".to_owned(),
                |expression| written_references(&expression.references),
            ),
        })
    }

    /// The text a target gives for the wanted kind of value, if it is that kind.
    fn fit(&self, target: &Target<'a>, want: Want) -> Option<String> {
        let (at, attribute) = match target {
            Target::Value(value) => return fits(value.as_str()?, want),
            Target::Resource { at, attribute } => (*at, attribute.as_deref()),
        };
        match (&self.identities[at], want) {
            (Identity::ServiceId { core }, Want::ServiceId) => return Some(core.clone()),
            (Identity::Instance { crn, .. }, Want::InstanceCrn) => return Some(crn.clone()),
            (Identity::Instance { guid, .. }, Want::InstanceGuid) => return Some(guid.clone()),
            (Identity::AccessGroup { id }, Want::AccessGroup) => return Some(id.clone()),
            (Identity::Profile { id }, Want::Profile) => return Some(id.clone()),
            _ => {}
        }
        let resource = &self.resources[at];
        if want == Want::ServiceId && attribute == Some("credentials") {
            return match self.key_service_ids.get(&at)? {
                KeyServiceId::Known { spelling, .. } => Some(spelling.clone()),
                KeyServiceId::AutoCreated { core } => Some(core.clone()),
                KeyServiceId::Unresolved(_) => None,
            };
        }
        let attribute = attribute?;
        if let Some(text) = resource.text(&[attribute]) {
            return fits(&text, want);
        }
        // Another attribute computed at apply time (a new resource group's id, say), or read
        // by a data source (an existing group's id): it is still known to be that resource's
        // attribute, never null.
        (want == Want::Text && self.plan).then(|| placeholder(&resource.id_address, attribute))
    }

    /// The service ID behind key `at`: from its credentials, its `parameters.serviceid_crn`,
    /// or the one Resource Controller creates for a new key without it.
    fn key_service_id(&self, at: usize) -> Option<KeyServiceId> {
        let resource = &self.resources[at];
        if let Some(members) = credentials(resource) {
            let spelling = members.get("iam_serviceid_crn")?.as_str()?.to_owned();
            let pointer = if resource
                .value(&["credentials", "iam_serviceid_crn"])
                .is_some()
            {
                resource.value_pointer(&["credentials", "iam_serviceid_crn"])
            } else {
                resource.value_pointer(&["credentials_json"])
            };
            return Some(KeyServiceId::Known { spelling, pointer });
        }
        if !self.plan {
            return None;
        }
        Some(
            match self.link(at, &["parameters", "serviceid_crn"], Want::ServiceId) {
                Link::Value { text, pointer } => KeyServiceId::Known {
                    spelling: text,
                    pointer,
                },
                Link::Unresolved(unresolved) => KeyServiceId::Unresolved(unresolved),
                Link::Absent if resource.change.is_some_and(crate::model::Change::creates) => {
                    KeyServiceId::AutoCreated {
                        core: placeholder_id(
                            "ServiceId-",
                            &format!("created for {}", resource.id_address),
                        ),
                    }
                }
                Link::Absent => KeyServiceId::Unresolved(Unresolved {
                    address: resource.address.clone(),
                    argument: "credentials".to_owned(),
                    refers_to: "credentials the plan computes at apply time".to_owned(),
                }),
            },
        )
    }
}

/// An argument path as Terraform writes it: `resources[0].resource_instance_id`.
fn argument_name(path: &[&str]) -> String {
    let mut out = String::new();
    for token in path {
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(token);
        }
    }
    out
}

/// The references of an expression as written, without the prefixes Terraform adds
/// (`x.y` next to `x.y.id`).
fn written_references(references: &[String]) -> String {
    if references.is_empty() {
        return "a value computed at apply time".to_owned();
    }
    let shown: Vec<String> = references
        .iter()
        .filter(|reference| {
            !references.iter().any(|other| {
                other.len() > reference.len()
                    && other.starts_with(reference.as_str())
                    && matches!(other.as_bytes()[reference.len()], b'.' | b'[')
            })
        })
        .map(|reference| format!("`{reference}`"))
        .collect();
    shown.join(", ")
}

/// Whether a known text is the wanted kind of value.
fn fits(text: &str, want: Want) -> Option<String> {
    let text = text.trim();
    let fits = match want {
        Want::ServiceId => service_id_core(text).is_some(),
        _ => !text.is_empty(),
    };
    fits.then(|| text.to_owned())
}

/// A key's credentials when the plan or state shows them: `credentials_json` parsed (the
/// provider's faithful copy), else the flattened `credentials` map. The secrets in them are
/// read here and dropped; only the IAM members and a digest go further.
pub(super) fn credentials(resource: &TfResource<'_>) -> Option<Map<String, Value>> {
    if let Some(Value::Object(members)) = resource
        .text(&["credentials_json"])
        .and_then(|json| serde_json::from_str::<Value>(&json).ok())
    {
        return Some(members);
    }
    match resource.value(&["credentials"]) {
        Some(Value::Object(members)) if !members.is_empty() => Some(members.clone()),
        _ => None,
    }
}

fn identity(resource: &TfResource<'_>) -> Identity {
    let address = &resource.id_address;
    match resource.parsed.kind.as_str() {
        "ibm_resource_instance" | "ibm_database" => {
            let known_crn = resource
                .text(&["crn"])
                .or_else(|| resource.text(&["id"]))
                .filter(|crn| Crn::parse(crn).is_some());
            let guid = resource
                .text(&["guid"])
                .or_else(|| {
                    known_crn
                        .as_deref()
                        .and_then(Crn::parse)
                        .map(|crn| crn.service_instance.to_owned())
                        .filter(|guid| !guid.is_empty())
                })
                .unwrap_or_else(|| placeholder(address, "guid"));
            let crn = known_crn.unwrap_or_else(|| {
                let part = |name: &str| {
                    resource
                        .text(&[name])
                        .unwrap_or_else(|| placeholder(address, name))
                };
                let account = resource
                    .text(&["account_id"])
                    .unwrap_or_else(|| "<ACCOUNT_ID>".to_owned());
                format!(
                    "crn:v1:bluemix:public:{}:{}:a/{account}:{guid}::",
                    part("service"),
                    part("location"),
                )
            });
            Identity::Instance { crn, guid }
        }
        "ibm_iam_service_id" => Identity::ServiceId {
            core: ["id", "iam_id", "crn"]
                .into_iter()
                .filter_map(|name| resource.text(&[name]))
                .find_map(|text| service_id_core(&text).map(str::to_owned))
                .unwrap_or_else(|| placeholder_id("ServiceId-", address)),
        },
        "ibm_iam_access_group" => Identity::AccessGroup {
            id: resource
                .text(&["id"])
                .unwrap_or_else(|| placeholder_id("AccessGroupId-", address)),
        },
        "ibm_iam_trusted_profile" => Identity::Profile {
            id: resource
                .text(&["id"])
                .unwrap_or_else(|| placeholder_id("Profile-", address)),
        },
        _ => Identity::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_never_hold_a_colon() {
        assert_eq!(
            placeholder(r#"ibm_x.y["a:b"]"#, "guid"),
            r#"<ibm_x.y["a%3Ab"].guid>"#
        );
        assert_eq!(
            placeholder_id("ServiceId-", "module.m.ibm_iam_service_id.s"),
            "ServiceId-<module.m.ibm_iam_service_id.s>"
        );
    }

    #[test]
    fn argument_names_read_like_terraform() {
        assert_eq!(
            argument_name(&["resources", "0", "resource_instance_id"]),
            "resources[0].resource_instance_id"
        );
        assert_eq!(argument_name(&["iam_service_id"]), "iam_service_id");
    }

    #[test]
    fn written_references_drop_the_prefixes_terraform_adds() {
        let references = ["ibm_x.a.id", "ibm_x.a", "local.b"].map(str::to_owned);
        assert_eq!(written_references(&references), "`ibm_x.a.id`, `local.b`");
        assert_eq!(written_references(&[]), "a value computed at apply time");
    }
}
