//! IAM Policy Management (ibm-formats.md section 3): the v1 and v2 policy lists, each
//! written as `{policies}` with every page merged. The v1 list keeps its placeholders for
//! v2 policies; the loader replaces them with the v2 policies collected next to them.

use serde_json::json;

use super::page::{self, Paging};
use super::{ApiError, Ctx, Gathered};

/// `GET /v1/policies?account_id=...`.
pub(crate) fn v1(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    policies(ctx, "v1", "policies_v1.json")
}

/// `GET /v2/policies?account_id=...`.
pub(crate) fn v2(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    policies(ctx, "v2", "policies_v2.json")
}

fn policies(ctx: &mut Ctx<'_>, version: &str, file: &str) -> Result<Gathered<()>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.iam(
        &[version, "policies"],
        &[("account_id", &account), ("limit", "100")],
    )?;
    let listed = page::list(ctx.client, url, Paging::Start, "policies", 0, ctx.observer)?;
    let count = listed.items.len();
    Ok(Gathered::file(
        file,
        json!({"policies": listed.items}),
        count,
    ))
}
