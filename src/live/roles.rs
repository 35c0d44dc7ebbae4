//! IAM Policy Management roles: `GET /v2/roles?account_id=...`, written as
//! `custom_roles.json` in the API's `RoleCollection` shape (`custom_roles[]`, each with its
//! `actions[]`, next to whatever `service_roles[]` and `system_roles[]` the API adds). The
//! list is not paginated.

use serde_json::Value;

use super::error::ApiErrorKind;
use super::{ApiError, Ctx, Gathered};

pub(crate) fn custom_roles(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.iam(&["v2", "roles"], &[("account_id", &account)])?;
    let document = ctx.client.get_json(&url, ctx.observer)?;
    let Some(roles) = document.get("custom_roles").and_then(Value::as_array) else {
        return Err(ApiError::new(
            ApiErrorKind::Decode,
            format!("GET {url}: expected a `custom_roles` array in the response"),
        ));
    };
    let count = roles.len();
    ctx.observer.items(count);
    Ok(Gathered::file("custom_roles.json", document, count))
}
