//! IAM Policy Management custom roles: `GET /v2/roles?account_id=` (`RoleCollection`:
//! `custom_roles[]`, `service_roles[]`, `system_roles[]`), `GET /v2/roles/{id}` (one
//! `CustomRole`), and `custom_roles[]` alone. Shapes: IBM/platform-services-go-sdk
//! `iampolicymanagementv1` `CustomRole`, `Role`, `RoleCollection`. Only the custom roles
//! are kept: the system and service roles are IBM's, known by name.

use serde::Deserialize;
use serde_json::Value;

use super::{ItemResult, Sink, present, typed};
use crate::model::{CustomRole, Pointer};

#[derive(Deserialize)]
struct CustomRoleDto {
    id: Option<String>,
    name: Option<String>,
    display_name: Option<String>,
    service_name: Option<String>,
    /// Action ids; with `format=display` each is an object with its `id`.
    #[serde(default)]
    actions: Vec<Value>,
    crn: Option<String>,
    account_id: Option<String>,
}

pub(super) fn custom_role(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    let dto: CustomRoleDto = typed(item, pointer)?;
    let crn = present(dto.crn);
    let name = present(dto.name)
        .or_else(|| crn.as_deref().and_then(name_in_crn).map(str::to_owned))
        .ok_or_else(|| {
            (
                pointer.key("name"),
                "expected the custom role's `name` (the `<Name>` of its CRN's `customRole:<Name>`)"
                    .to_owned(),
            )
        })?;
    let origin = sink.origin(pointer);
    sink.builder.add_custom_role(CustomRole {
        id: present(dto.id),
        name,
        display_name: present(dto.display_name),
        service_name: present(dto.service_name),
        actions: dto
            .actions
            .iter()
            .filter_map(|action| match action {
                Value::String(id) => Some(id.clone()),
                Value::Object(_) => action.get("id")?.as_str().map(str::to_owned),
                _ => None,
            })
            .collect(),
        crn,
        account: present(dto.account_id)
            .as_deref()
            .map(crate::model::intern_cached),
        origin,
        declaration: None,
    });
    Ok(())
}

/// `<Name>` in `crn:...::customRole:<Name>`.
pub(crate) fn name_in_crn(crn: &str) -> Option<&str> {
    crn.split_once("::customRole:")
        .map(|(_, name)| name)
        .filter(|name| !name.is_empty())
}

/// Loads a roles document: every custom role of a `custom_roles` list (which then stands for
/// the account's whole set), of a CLI array, or one role object.
pub(super) fn ingest(value: &Value, sink: &mut Sink<'_>) {
    if value.get("custom_roles").is_some_and(Value::is_array) {
        sink.builder.collections().custom_roles = true;
    }
    for (pointer, item) in super::profiles::items(value, "custom_roles") {
        if let Err(problem) = custom_role(item, &pointer, sink) {
            sink.errors.push(problem);
        }
    }
}
