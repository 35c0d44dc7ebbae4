//! IBM provider resources -> the model: `ibm_resource_instance`, `ibm_resource_key`,
//! `ibm_iam_service_id`, `ibm_iam_service_api_key` (policies are in `policy.rs`).

use super::identity::{Identity, KeyServiceId, Link, Linker, Want, credentials, placeholder};
use super::walk::TfResource;
use crate::model::{
    API_KEY_KIND, ApiKey, Credentials, Crn, Declaration, IdentityCrn, KeyParts, ResourceInstance,
    ResourceKey, Role, SERVICE_ID_KIND, ServiceId, Unresolved, VisibleCredentials, service_id_core,
};
use crate::sources::exports::{Sink, credentials_of};

/// Boxed: only Terraform entities have one, and an inline slot in each of hundreds of
/// thousands of exported entities cost 24 bytes apiece.
pub(super) fn declaration(resource: &TfResource<'_>) -> Option<Box<Declaration>> {
    Some(Box::new(Declaration {
        address: resource.address.clone(),
        change: resource.change,
    }))
}

pub(super) fn instance(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    let Identity::Instance { crn, guid } = linker.identity(at).clone() else {
        return;
    };
    let origin = sink.origin(&resource.pointer);
    sink.builder.add_instance(ResourceInstance {
        account: None,
        crn,
        guid,
        name: resource.text(&["name"]).map(String::into_boxed_str),
        account_id: resource.text(&["account_id"]),
        resource_group_id: resource.text(&["resource_group_id"]),
        state: resource
            .text(&["state"])
            .or_else(|| resource.text(&["status"]))
            .as_deref()
            .map(crate::model::intern_cached),
        origin,
        declaration: declaration(resource),
        crn_fields: Default::default(),
    });
}

pub(super) fn service_id(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    let Identity::ServiceId { core } = linker.identity(at).clone() else {
        return;
    };
    let origin = sink.origin(&resource.pointer);
    sink.builder.add_service_id(ServiceId {
        group_id: None,
        account: None,
        iam_id: resource
            .text(&["iam_id"])
            .and_then(|written| ServiceId::written_iam_id(written, &core)),
        crn: resource
            .text(&["crn"])
            .map(|crn| IdentityCrn::new(crn, SERVICE_ID_KIND, &core)),
        id: core,
        name: resource.text(&["name"]).map(String::into_boxed_str),
        description: resource.text(&["description"]).map(String::into_boxed_str),
        // `locked` is computed: a service ID the plan creates starts unlocked.
        locked: resource
            .value(&["locked"])
            .and_then(serde_json::Value::as_bool)
            .or(Some(false)),
        created_at: resource.text(&["created_at"]).map(String::into_boxed_str),
        unique_instance_crns: Vec::new(),
        origin,
        declaration: declaration(resource),
    });
}

pub(super) fn key(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    let origin = sink.origin(&resource.pointer);
    let crn = resource
        .text(&["crn"])
        .or_else(|| resource.text(&["id"]))
        .unwrap_or_else(|| placeholder(&resource.id_address, "crn"));
    let (source_crn, source_origin, source_unresolved) = match resource.text(&["source_crn"]) {
        Some(source) => (
            Some(source),
            Some(sink.origin(&resource.value_pointer(&["source_crn"]))),
            None,
        ),
        None => match linker.link(at, &["resource_instance_id"], Want::InstanceCrn) {
            // An instance read at apply time (a deferred data source) has no known service:
            // whether the key is an auditing key is then unknown, not "no".
            Link::Value { text, .. } if unknown_service(&text).is_some() => (
                None,
                None,
                Some(Unresolved {
                    address: resource.address.clone(),
                    argument: "resource_instance_id".to_owned(),
                    refers_to: format!(
                        "`{}`, an instance whose service is read only at apply time",
                        unknown_service(&text).unwrap_or_default()
                    ),
                }),
            ),
            Link::Value { text, pointer } => (
                instance_crn(linker, &text),
                Some(sink.origin(&pointer)),
                None,
            ),
            Link::Unresolved(unresolved) => (None, None, Some(unresolved)),
            Link::Absent => (None, None, None),
        },
    };
    // The role as written, or reached through the plan's references (a module input); a
    // role the plan computes and the references do not give is unknown, never "no role".
    let (role, role_unresolved) = match linker.link(at, &["role"], Want::Text) {
        // Another resource's attribute computed at apply time (`<ADDRESS.attribute>`).
        Link::Value { text, .. } if text.starts_with('<') => (
            None,
            Some(Box::new(Unresolved {
                address: resource.address.clone(),
                argument: "role".to_owned(),
                refers_to: format!("`{text}`"),
            })),
        ),
        Link::Value { text, .. } => (Some(text), None),
        Link::Unresolved(unresolved) => (None, Some(Box::new(unresolved))),
        Link::Absent => (None, None),
    };
    let key_service = linker.key_service(at);
    let serviceid_origin = match key_service {
        Some(KeyServiceId::Known { pointer, .. }) => Some(sink.origin(pointer)),
        Some(KeyServiceId::AutoCreated { .. }) => Some(origin.clone()),
        _ => None,
    };
    let (credentials, credentials_origin) = match credentials(resource) {
        Some(members) => {
            let member = if resource.text(&["credentials_json"]).is_some() {
                "credentials_json"
            } else {
                "credentials"
            };
            (
                credentials_of(&members),
                Some(sink.origin(&resource.value_pointer(&[member]))),
            )
        }
        None => (predicted_credentials(role.as_deref(), key_service), None),
    };
    sink.builder.add_key(ResourceKey {
        account: None,
        crn,
        guid: resource.text(&["guid"]).map(String::into_boxed_str),
        name: resource.text(&["name"]).map(String::into_boxed_str),
        source_crn: source_crn.as_deref().map(crate::model::intern_cached),
        state: resource
            .text(&["state"])
            .or_else(|| resource.text(&["status"]))
            .as_deref()
            .map(crate::model::intern_cached),
        created_at: resource.text(&["created_at"]).map(String::into_boxed_str),
        created_by: resource
            .text(&["created_by"])
            .as_deref()
            .map(crate::model::intern_cached),
        credentials,
        origin,
        parts: KeyParts::placed(credentials_origin, serviceid_origin, source_origin),
        declaration: declaration(resource),
        source_unresolved: source_unresolved.map(Box::new),
        role_unresolved,
        source_fields: Default::default(),
    });
}

/// What the credentials of a key will show after apply, when the plan computes them: the
/// service ID the key is created with, and the role it is created with.
fn predicted_credentials(role: Option<&str>, service: Option<&KeyServiceId>) -> Credentials {
    let spelling = match service {
        Some(KeyServiceId::Known { spelling, .. }) => spelling.clone(),
        Some(KeyServiceId::AutoCreated { core }) => core.clone(),
        Some(KeyServiceId::Unresolved(unresolved)) => {
            return Credentials::Unresolved(unresolved.clone());
        }
        None => return Credentials::Absent,
    };
    Credentials::Visible(VisibleCredentials {
        iam_serviceid_crn: Some(crate::model::ServiceIdLink::new(spelling)),
        iam_role_crn: role.map(|role| crate::model::intern_cached(&Role::parse(role).crn)),
        ..VisibleCredentials::default()
    })
}

/// When an instance CRN names its service only by a placeholder (`<ADDRESS.service>`), the
/// address of that instance.
fn unknown_service(crn: &str) -> Option<String> {
    let service = Crn::parse(crn)?.service_name;
    let address = service.strip_prefix('<')?.strip_suffix(".service>")?;
    Some(address.replace("%3A", ":"))
}

/// A key's `resource_instance_id` is the instance CRN; a GUID is looked up among the plan's
/// instances.
fn instance_crn(linker: &Linker<'_, '_>, text: &str) -> Option<String> {
    if Crn::parse(text).is_some() {
        return Some(text.to_owned());
    }
    (0..linker.resources().len()).find_map(|at| match linker.identity(at) {
        Identity::Instance { crn, guid } if guid == text => Some(crn.clone()),
        _ => None,
    })
}

/// The service ID Resource Controller creates for a new key without
/// `parameters.serviceid_crn`: it exists only after apply, declared by the key.
pub(super) fn auto_service_id(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    let Some(KeyServiceId::AutoCreated { core }) = linker.key_service(at) else {
        return;
    };
    let key_name = resource
        .text(&["name"])
        .unwrap_or_else(|| resource.address.clone());
    let origin = sink.origin(&resource.pointer);
    sink.builder.add_service_id(ServiceId {
        group_id: None,
        account: None,
        id: core.clone(),
        iam_id: None,
        crn: None,
        name: None,
        description: Some(
            format!("created by Resource Controller with resource key `{key_name}`").into(),
        ),
        // Resource Controller creates the key's service ID unlocked.
        locked: Some(false),
        created_at: None,
        unique_instance_crns: Vec::new(),
        origin,
        declaration: declaration(resource),
    });
}

pub(super) fn api_key(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    // `iam_service_id` of an API key is the service ID's IAM ID (in a policy, its id).
    let iam_id = match linker.link(at, &["iam_service_id"], Want::ServiceId) {
        Link::Value { text, .. } => service_id_core(&text).map(|core| format!("iam-{core}")),
        _ => None,
    };
    let origin = sink.origin(&resource.pointer);
    let id = resource
        .text(&["id"])
        .unwrap_or_else(|| placeholder(&resource.id_address, "id"));
    sink.builder.add_api_key(ApiKey {
        account: None,
        crn: resource
            .text(&["crn"])
            .map(|crn| IdentityCrn::new(crn, API_KEY_KIND, &id)),
        id,
        name: resource.text(&["name"]).map(String::into_boxed_str),
        description: resource.text(&["description"]).map(String::into_boxed_str),
        iam_id: iam_id.map(String::into_boxed_str),
        created_at: resource.text(&["created_at"]).map(String::into_boxed_str),
        expires_at: resource.text(&["expires_at"]).map(String::into_boxed_str),
        action_when_leaked: resource
            .text(&["action_when_leaked"])
            .as_deref()
            .map(crate::model::intern_cached),
        locked: resource
            .value(&["locked"])
            .and_then(serde_json::Value::as_bool),
        disabled: None,
        origin,
        declaration: declaration(resource),
    });
}
