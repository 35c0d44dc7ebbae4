//! Resource Controller v2 instances and keys (API lists, CLI arrays, single objects).

use serde::Deserialize;
use serde_json::Value;

use super::{ItemResult, Sink, present, present_ref, typed};
use crate::model::{
    Credentials, KeyParts, Pointer, ResourceInstance, ResourceKey, SecretDigest, VisibleCredentials,
};

#[derive(Deserialize)]
pub(super) struct InstanceDto {
    id: Option<String>,
    crn: Option<String>,
    guid: Option<String>,
    name: Option<String>,
    account_id: Option<String>,
    resource_group_id: Option<String>,
    state: Option<String>,
}

pub(super) fn instance(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    instance_from(typed(item, pointer)?, pointer, sink)
}

pub(super) fn instance_from(
    dto: InstanceDto,
    pointer: &Pointer,
    sink: &mut Sink<'_>,
) -> ItemResult {
    let crn = present(dto.crn)
        .or_else(|| present(dto.id.clone()))
        .ok_or_else(|| {
            (
                pointer.clone(),
                "expected a resource instance with `crn` or `id`".to_owned(),
            )
        })?;
    let guid = present(dto.guid)
        .or_else(|| crate::model::Crn::parse(&crn).map(|parsed| parsed.service_instance.to_owned()))
        .filter(|guid| !guid.is_empty())
        .ok_or_else(|| {
            (
                pointer.clone(),
                "expected a resource instance with a `guid` or an instance CRN".to_owned(),
            )
        })?;
    let origin = sink.origin(pointer);
    sink.builder.add_instance(ResourceInstance {
        crn,
        guid,
        name: present(dto.name).map(String::into_boxed_str),
        account_id: present(dto.account_id),
        resource_group_id: present(dto.resource_group_id),
        state: present(dto.state)
            .as_deref()
            .map(crate::model::intern_cached),
        account: None,
        origin,
        declaration: None,
        crn_fields: Default::default(),
    });
    Ok(())
}

#[derive(Deserialize)]
pub(super) struct KeyDto {
    id: Option<String>,
    crn: Option<String>,
    guid: Option<String>,
    name: Option<String>,
    source_crn: Option<String>,
    state: Option<String>,
    created_at: Option<String>,
    created_by: Option<String>,
    credentials: Option<Value>,
    account_id: Option<String>,
}

/// What a `credentials` object shows: REDACTED, or its IAM members and a digest of the
/// auditing `service_key` (secrets never leave this function). Terraform's `credentials_json`
/// and flattened `credentials` map are read the same way.
pub(crate) fn credentials_of(members: &serde_json::Map<String, Value>) -> Credentials {
    if members.contains_key("REDACTED") {
        return Credentials::Redacted;
    }
    let text = |name: &str| {
        members
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .filter(|value| !value.is_empty())
    };
    Credentials::Visible(VisibleCredentials {
        iam_serviceid_crn: text("iam_serviceid_crn").map(crate::model::ServiceIdLink::new),
        iam_role_crn: text("iam_role_crn")
            .as_deref()
            .map(crate::model::intern_cached),
        iam_apikey_name: text("iam_apikey_name").map(String::into_boxed_str),
        iam_apikey_description: text("iam_apikey_description").map(String::into_boxed_str),
        description_names_key: false,
        name_is_key_name: false,
        // A bare `<redacted>` (another tool's masking) hides which keys share a secret;
        // `<redacted:FINGERPRINT>` (iamlint collect) still tells them apart.
        service_key: members
            .get("service_key")
            .and_then(Value::as_str)
            .filter(|secret| *secret != crate::sources::secrets::REDACTED)
            .map(SecretDigest::of),
        has_apikey: members.contains_key("apikey"),
    })
}

pub(super) fn key(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    key_from(typed(item, pointer)?, pointer, sink)
}

pub(super) fn key_from(dto: KeyDto, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    let crn = present(dto.crn)
        .or_else(|| present(dto.id))
        .or_else(|| present(dto.guid.clone()))
        .ok_or_else(|| {
            (
                pointer.clone(),
                "expected a resource key with `crn`, `id` or `guid`".to_owned(),
            )
        })?;
    let credentials_pointer = pointer.key("credentials");
    let mut credentials = match &dto.credentials {
        None | Some(Value::Null) => Credentials::Absent,
        Some(Value::Object(members)) => credentials_of(members),
        Some(_) => {
            return Err((
                credentials_pointer,
                "expected `credentials` to be an object".to_owned(),
            ));
        }
    };
    // The API key's name and description are not kept when they repeat the key's.
    if let Credentials::Visible(visible) = &mut credentials {
        if let Some(name) = present_ref(&dto.name) {
            visible.keep_name_of(name);
        }
        if let Some(guid) = present_ref(&dto.guid) {
            visible.keep_description_of(guid);
        }
    }
    let has_serviceid = matches!(&credentials, Credentials::Visible(visible) if visible.iam_serviceid_crn.is_some());
    let source_crn = present(dto.source_crn);
    let origin = sink.origin(pointer);
    let parts = KeyParts::Members {
        credentials: dto.credentials.is_some(),
        serviceid: has_serviceid,
        source: source_crn.is_some(),
    };
    sink.builder.add_key(ResourceKey {
        crn,
        guid: present(dto.guid).map(String::into_boxed_str),
        name: present(dto.name).map(String::into_boxed_str),
        source_crn: source_crn.as_deref().map(crate::model::intern_cached),
        state: present(dto.state)
            .as_deref()
            .map(crate::model::intern_cached),
        created_at: present(dto.created_at).map(String::into_boxed_str),
        created_by: present(dto.created_by)
            .as_deref()
            .map(crate::model::intern_cached),
        parts,
        credentials,
        account: present(dto.account_id)
            .as_deref()
            .map(crate::model::intern_cached),
        origin,
        declaration: None,
        source_unresolved: None,
        role_unresolved: None,
        source_fields: Default::default(),
    });
    Ok(())
}
