//! IAM Identity service IDs and API keys.

use serde::Deserialize;
use serde_json::Value;

use super::people::{EntityActivityDto, entity_activity};
use super::{ItemResult, Sink, present, typed};
use crate::model::{
    API_KEY_KIND, ApiKey, AuthnSubject, IdentityCrn, Pointer, SERVICE_ID_KIND, ServiceId,
    service_id_core,
};

#[derive(Deserialize)]
pub(super) struct ServiceIdDto {
    id: Option<String>,
    iam_id: Option<String>,
    crn: Option<String>,
    name: Option<String>,
    description: Option<String>,
    locked: Option<bool>,
    created_at: Option<String>,
    unique_instance_crns: Option<Vec<String>>,
    account_id: Option<String>,
    group_id: Option<String>,
    /// Only with `include_activity=true`.
    activity: Option<EntityActivityDto>,
}

pub(super) fn service_id(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    service_id_from(typed(item, pointer)?, pointer, sink)
}

pub(super) fn service_id_from(
    dto: ServiceIdDto,
    pointer: &Pointer,
    sink: &mut Sink<'_>,
) -> ItemResult {
    // Any spelling gives the core; the others are derived from it.
    let core = [&dto.id, &dto.iam_id, &dto.crn]
        .into_iter()
        .flatten()
        .find_map(|spelling| service_id_core(spelling))
        .map(str::to_owned)
        .ok_or_else(|| {
            (
                pointer.key("id"),
                "expected a service ID `id` of the form `ServiceId-<uuid>`".to_owned(),
            )
        })?;
    if let Some(activity) = dto.activity {
        let name = present(dto.name.clone());
        entity_activity(
            activity,
            AuthnSubject::ServiceId,
            &core,
            name,
            pointer,
            sink,
        );
    }
    let origin = sink.origin(pointer);
    sink.builder.add_service_id(ServiceId {
        iam_id: present(dto.iam_id).and_then(|written| ServiceId::written_iam_id(written, &core)),
        crn: present(dto.crn).map(|crn| IdentityCrn::new(crn, SERVICE_ID_KIND, &core)),
        id: core,
        name: present(dto.name).map(String::into_boxed_str),
        description: present(dto.description).map(String::into_boxed_str),
        locked: dto.locked,
        created_at: present(dto.created_at).map(String::into_boxed_str),
        unique_instance_crns: dto.unique_instance_crns.unwrap_or_default(),
        group_id: present(dto.group_id).map(String::into_boxed_str),
        account: present(dto.account_id)
            .as_deref()
            .map(crate::model::intern_cached),
        origin,
        declaration: None,
    });
    Ok(())
}

#[derive(Deserialize)]
pub(super) struct ApiKeyDto {
    id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    iam_id: Option<String>,
    crn: Option<String>,
    created_at: Option<String>,
    expires_at: Option<String>,
    action_when_leaked: Option<String>,
    locked: Option<bool>,
    disabled: Option<bool>,
    account_id: Option<String>,
    /// Only with `include_activity=true`.
    activity: Option<EntityActivityDto>,
}

pub(super) fn api_key(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    api_key_from(typed(item, pointer)?, pointer, sink)
}

pub(super) fn api_key_from(dto: ApiKeyDto, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    let id = present(dto.id).ok_or_else(|| {
        (
            pointer.clone(),
            "expected an API key with an `id`".to_owned(),
        )
    })?;
    if let Some(activity) = dto.activity {
        let name = present(dto.name.clone());
        entity_activity(activity, AuthnSubject::ApiKey, &id, name, pointer, sink);
    }
    let origin = sink.origin(pointer);
    sink.builder.add_api_key(ApiKey {
        crn: present(dto.crn).map(|crn| IdentityCrn::new(crn, API_KEY_KIND, &id)),
        id,
        name: present(dto.name).map(String::into_boxed_str),
        description: present(dto.description).map(String::into_boxed_str),
        iam_id: present(dto.iam_id).map(String::into_boxed_str),
        created_at: present(dto.created_at).map(String::into_boxed_str),
        expires_at: present(dto.expires_at).map(String::into_boxed_str),
        action_when_leaked: present(dto.action_when_leaked)
            .as_deref()
            .map(crate::model::intern_cached),
        locked: dto.locked,
        disabled: dto.disabled,
        account: present(dto.account_id)
            .as_deref()
            .map(crate::model::intern_cached),
        origin,
        declaration: None,
    });
    Ok(())
}
