//! IAM Identity account settings: `GET /v1/accounts/{account_id}/settings/identity`, written
//! as `account_settings.json` in the API's `AccountSettingsResponse` shape
//! (`restrict_create_service_id`, `restrict_create_platform_apikey`, `mfa`, `user_mfa[]`,
//! `allowed_ip_addresses`, the session settings, `entity_tag`).

use super::{ApiError, Ctx, Gathered, single};

pub(crate) fn account_settings(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.iam(&["v1", "accounts", &account, "settings", "identity"], &[])?;
    let document = single(ctx, &url, "restrict_create_service_id")?;
    // Written as answered: `restrict_create_platform_apikey` and the token lifetimes are
    // settings, not secrets.
    Ok(Gathered::public("account_settings.json", document, 1))
}
