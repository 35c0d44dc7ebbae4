//! IAM Identity (ibm-formats.md section 2): service IDs of every service ID group, and the
//! account's API keys, written as `{serviceids}` and `{apikeys}` with every page merged.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::error::ApiErrorKind;
use super::page::{self, Paging};
use super::{ApiError, Ctx, Gathered, strings_of};

/// What the limits step needs from the service IDs.
#[derive(Debug, Default)]
pub(crate) struct ServiceIds {
    /// The service ID groups of the account.
    pub group_ids: Vec<String>,
    /// The `iam_id` of every service ID.
    pub iam_ids: Vec<String>,
}

/// `GET /v1/serviceids/` once for the default group and once per service ID group: without
/// `group_id` the API lists only the default group.
pub(crate) fn service_ids(ctx: &mut Ctx<'_>) -> Result<Gathered<ServiceIds>, ApiError> {
    let account = ctx.account.to_owned();
    let groups_url = ctx.iam(&["v1", "serviceid_groups"], &[("account_id", &account)])?;
    let mut partial = None;
    let group_ids = match ctx.client.get_json(&groups_url, ctx.observer) {
        Ok(groups) => strings_of(
            groups
                .get("serviceid_groups")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice),
            "id",
        ),
        // An endpoint without service ID groups has only the default group.
        Err(error) if error.status == Some(404) => Vec::new(),
        Err(error) if error.kind == ApiErrorKind::Forbidden => {
            partial = Some(format!(
                "service ID groups could not be listed, so only the default group was \
                 collected: {}",
                error.message
            ));
            Vec::new()
        }
        Err(error) => return Err(error),
    };
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    let scopes = std::iter::once(None).chain(group_ids.iter().map(Some));
    for group in scopes {
        let mut query = vec![
            ("account_id", account.as_str()),
            ("pagesize", "100"),
            ("show_group_id", "true"),
        ];
        if let Some(group) = group {
            query.push(("group_id", group.as_str()));
        }
        // The trailing slash is the path the IBM SDKs use.
        let url = ctx.iam(&["v1", "serviceids", ""], &query)?;
        let listed = page::list(
            ctx.client,
            url,
            Paging::PageToken,
            "serviceids",
            items.len(),
            ctx.observer,
        )?;
        for item in listed.items {
            let id = item.get("id").and_then(Value::as_str).map(str::to_owned);
            // The default group may also be listed by its id: keep each service ID once.
            if id.is_none_or(|id| seen.insert(id)) {
                items.push(item);
            }
        }
    }
    let extra = ServiceIds {
        iam_ids: strings_of(&items, "iam_id"),
        group_ids,
    };
    let count = items.len();
    Ok(Gathered {
        files: vec![("service_ids.json".to_owned(), json!({"serviceids": items}))],
        count,
        partial,
        note: None,
        public: false,
        extra,
    })
}

/// `GET /v1/apikeys?scope=account`: the keys of every identity of the account (users and
/// service IDs). Returns the owners' `iam_id`s for the limits step.
pub(crate) fn api_keys(ctx: &mut Ctx<'_>) -> Result<Gathered<Vec<String>>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.iam(
        &["v1", "apikeys"],
        &[
            ("account_id", &account),
            ("scope", "account"),
            ("pagesize", "100"),
        ],
    )?;
    let listed = page::list(
        ctx.client,
        url,
        Paging::PageToken,
        "apikeys",
        0,
        ctx.observer,
    )?;
    let owners = strings_of(&listed.items, "iam_id");
    let count = listed.items.len();
    Ok(Gathered {
        files: vec![("api_keys.json".to_owned(), json!({"apikeys": listed.items}))],
        count,
        partial: None,
        note: None,
        public: false,
        extra: owners,
    })
}
