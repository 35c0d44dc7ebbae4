//! IAM Policy Management roles: `GET /v2/roles?account_id=...`, written as
//! `custom_roles.json` in the API's `RoleCollection` shape (`custom_roles[]`, each with its
//! `actions[]`, next to whatever `service_roles[]` and `system_roles[]` the API adds). The
//! list is not paginated.

use super::{ApiError, Ctx, Gathered};

pub(crate) fn custom_roles(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.iam(&["v2", "roles"], &[("account_id", &account)])?;
    let (document, count) = ctx.get_list(&url, "custom_roles")?;
    ctx.observer.items(count);
    Ok(Gathered::file("custom_roles.json", document, count))
}
