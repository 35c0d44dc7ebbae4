//! User Management v2: the account's users, `GET /v2/accounts/{account_id}/users` on
//! `user-management.cloud.ibm.com`, paged by a `next_url` that carries `_start`. Written as
//! `users.json` in the API's `UserList` shape (`total_results`, `limit`, `resources[]` of
//! `UserProfile`: `iam_id`, `user_id`, `state`, `email`, `added_on`, ...), every page merged.

use serde_json::json;

use super::page::{self, Paging};
use super::{ApiError, Ctx, Gathered};

pub(crate) fn users(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.user_management(&["v2", "accounts", &account, "users"], &[("limit", "100")])?;
    let listed = page::list(
        ctx.client,
        url,
        Paging::UnderscoreStart,
        "resources",
        0,
        ctx.observer,
    )?;
    let count = listed.items.len();
    let document = json!({
        "total_results": count,
        "limit": count,
        "resources": listed.items,
    });
    Ok(Gathered::file("users.json", document, count))
}
