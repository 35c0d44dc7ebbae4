//! IAM Access Groups v2: the account's access groups (`access_groups.json`, `{groups}`) and
//! one `access_group_members_<AccessGroupId>.json` per group in the
//! `GET /v2/groups/{id}/members` shape. The members file keeps `first.href`, which names the
//! group: the loader reads the group id from it. The account's access group settings
//! (`GET /v2/groups/settings?account_id=...`: `AccountSettings`, `account_id`,
//! `public_access_enabled`, `last_modified_at`, `last_modified_by_id`) go to
//! `access_group_settings.json`.

use serde_json::{Value, json};

use super::error::ApiErrorKind;
use super::page::{self, Paging};
use super::{ApiError, Ctx, Gathered, safe_file, strings_of};

/// `GET /v2/groups/settings?account_id=...`.
pub(crate) fn settings(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.iam(&["v2", "groups", "settings"], &[("account_id", &account)])?;
    let document = ctx.client.get_json(&url, ctx.observer)?;
    if !document.is_object() {
        return Err(ApiError::new(
            ApiErrorKind::Decode,
            format!("GET {url}: expected the access group settings object"),
        ));
    }
    ctx.observer.items(1);
    Ok(Gathered::file("access_group_settings.json", document, 1))
}

/// `GET /v2/groups?account_id=...`; the group ids for the members step.
pub(crate) fn groups(ctx: &mut Ctx<'_>) -> Result<Gathered<Vec<String>>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.iam(
        &["v2", "groups"],
        &[("account_id", &account), ("limit", "100")],
    )?;
    let listed = page::list(ctx.client, url, Paging::Offset, "groups", 0, ctx.observer)?;
    let ids = strings_of(&listed.items, "id");
    let count = listed.items.len();
    let document = json!({
        "limit": count,
        "offset": 0,
        "total_count": count,
        "groups": listed.items,
    });
    Ok(Gathered {
        files: vec![("access_groups.json".to_owned(), document)],
        count,
        partial: None,
        note: None,
        public: false,
        extra: ids,
    })
}

/// `GET /v2/groups/{id}/members` for every group. A group whose members cannot be read
/// leaves the collection partial (the others are still written); when no group can be
/// read, the first error is the collection's.
pub(crate) fn members(ctx: &mut Ctx<'_>, group_ids: &[String]) -> Result<Gathered<()>, ApiError> {
    super::per_parent(
        ctx,
        group_ids,
        ("the members", "group", "groups"),
        |ctx, group, already| {
            let (document, members) = group_members(ctx, group, already)?;
            Ok((members_file(group), document, members))
        },
    )
}

fn group_members(
    ctx: &mut Ctx<'_>,
    group: &str,
    already: usize,
) -> Result<(Value, usize), ApiError> {
    let url = ctx.iam(&["v2", "groups", group, "members"], &[("limit", "100")])?;
    let listed = page::list(
        ctx.client,
        url.clone(),
        Paging::Offset,
        "members",
        already,
        ctx.observer,
    )?;
    // Keep the server's own `first` link (it names the group); write ours when it has none.
    let first = listed
        .first_page
        .get("first")
        .filter(|first| first.get("href").and_then(Value::as_str).is_some())
        .cloned()
        .unwrap_or_else(|| json!({"href": url.as_str()}));
    let count = listed.items.len();
    let document = json!({
        "limit": count,
        "offset": 0,
        "total_count": count,
        "first": first,
        "members": listed.items,
    });
    Ok((document, count))
}

/// The file of one group's members (the id made safe for a file name).
pub(crate) fn members_file(group: &str) -> String {
    safe_file("access_group_members", group)
}

#[cfg(test)]
mod tests {
    #[test]
    fn member_files_stay_in_the_snapshot() {
        assert_eq!(
            super::members_file("AccessGroupId-1a2b"),
            "access_group_members_AccessGroupId-1a2b.json"
        );
        assert_eq!(
            super::members_file("../../etc/x"),
            "access_group_members_______etc_x.json"
        );
    }
}
