//! Account Management v4: `GET /v4/accounts/{account_id}` on `accounts.cloud.ibm.com`,
//! written as `account.json` in the API's `AccountResponse` shape (`id`, `name`, `owner`,
//! `owner_userid`, `owner_iamid`, `type`, `status`, `linked_softlayer_account`,
//! `team_directory_enabled`, `traits`). It is where the account owner's IAM ID comes from.

use super::{ApiError, Ctx, Gathered, single};

pub(crate) fn account(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.account_management(&["v4", "accounts", &account])?;
    let document = single(ctx, &url, "owner_iamid")?;
    Ok(Gathered::file("account.json", document, 1))
}
