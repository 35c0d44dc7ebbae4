//! Resource Controller v2 (ibm-formats.md section 1): resource instances and resource keys,
//! each written as one `{rows_count, next_url: null, resources}` list with every page merged.

use serde_json::json;

use super::page::{self, Paging};
use super::{ApiError, Ctx, Gathered};

/// `GET /v2/resource_instances`. Without a `state` filter the API lists the `active` and
/// `provisioning` instances, which is what the rules reason about.
pub(crate) fn instances(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    resources(ctx, "resource_instances", "resource_instances.json")
}

/// `GET /v2/resource_keys`: every key of the account, with its `credentials` as the
/// caller's roles reveal them (`{"REDACTED": ...}` otherwise).
pub(crate) fn keys(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    resources(ctx, "resource_keys", "resource_keys.json")
}

fn resources(ctx: &mut Ctx<'_>, list: &str, file: &str) -> Result<Gathered<()>, ApiError> {
    let url = ctx.resource_controller(&["v2", list], &[("limit", "100")])?;
    let listed = page::list(
        ctx.client,
        url,
        Paging::NextUrl,
        "resources",
        0,
        ctx.observer,
    )?;
    let count = listed.items.len();
    let document = json!({"rows_count": count, "next_url": null, "resources": listed.items});
    Ok(Gathered::file(file, document, count))
}
