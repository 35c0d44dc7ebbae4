//! IAM Identity trusted profiles: `GET /v1/profiles?account_id=...` (paged by `pagetoken`,
//! like service IDs) written as `trusted_profiles.json` (`{profiles}`, every page merged),
//! then for every profile its links (`GET /v1/profiles/{id}/links`: `ProfileLinkList`,
//! `{links}`) and claim rules (`GET /v1/profiles/{id}/rules`: `ProfileClaimRuleList`,
//! `{rules}`), one `profile_links_<ProfileId>.json` and `profile_rules_<ProfileId>.json` per
//! profile. Neither answer names its profile, so the file name does.

use serde_json::{Value, json};

use super::error::ApiErrorKind;
use super::page::{self, Paging};
use super::{ApiError, Ctx, Gathered, safe_file, strings_of};

/// The profiles; their ids for the links and rules steps.
pub(crate) fn profiles(ctx: &mut Ctx<'_>) -> Result<Gathered<Vec<String>>, ApiError> {
    let account = ctx.account.to_owned();
    let url = ctx.iam(
        &["v1", "profiles"],
        &[("account_id", &account), ("pagesize", "100")],
    )?;
    let listed = page::list(
        ctx.client,
        url,
        Paging::PageToken,
        "profiles",
        0,
        ctx.observer,
    )?;
    let ids = strings_of(&listed.items, "id");
    let count = listed.items.len();
    Ok(Gathered {
        files: vec![(
            "trusted_profiles.json".to_owned(),
            json!({"profiles": listed.items}),
        )],
        count,
        partial: None,
        note: None,
        public: false,
        extra: ids,
    })
}

/// What one per-profile list is called in the API and in the snapshot.
pub(crate) struct PerProfile {
    /// The path segment after the profile id, and the array member of the answer.
    pub member: &'static str,
    /// The file name prefix.
    pub prefix: &'static str,
}

pub(crate) const LINKS: PerProfile = PerProfile {
    member: "links",
    prefix: "profile_links",
};
pub(crate) const RULES: PerProfile = PerProfile {
    member: "rules",
    prefix: "profile_rules",
};

/// The links or claim rules of every profile. A profile whose list cannot be read leaves
/// the collection partial (the others are still written); when none can be read, the first
/// error is the collection's (so a 403 makes it forbidden).
pub(crate) fn per_profile(
    ctx: &mut Ctx<'_>,
    ids: &[String],
    what: &PerProfile,
) -> Result<Gathered<()>, ApiError> {
    let mut files = Vec::new();
    let mut count = 0;
    let mut problems = Vec::new();
    let mut first_error = None;
    for id in ids {
        match one_profile(ctx, id, what.member) {
            Ok((document, items)) => {
                count += items;
                ctx.observer.items(count);
                files.push((safe_file(what.prefix, id), document));
            }
            Err(error) => {
                problems.push(format!("profile {id}: {}", error.message));
                first_error.get_or_insert(error);
            }
        }
    }
    if files.is_empty()
        && let Some(error) = first_error
    {
        return Err(error);
    }
    let partial = (!problems.is_empty()).then(|| {
        format!(
            "the {} of {} of {} profiles could not be read: {}",
            what.member,
            problems.len(),
            ids.len(),
            problems.join("; ")
        )
    });
    Ok(Gathered {
        files,
        count,
        partial,
        note: None,
        public: false,
        extra: (),
    })
}

fn one_profile(ctx: &mut Ctx<'_>, id: &str, member: &str) -> Result<(Value, usize), ApiError> {
    let url = ctx.iam(&["v1", "profiles", id, member], &[])?;
    let document = ctx.client.get_json(&url, ctx.observer)?;
    let Some(items) = document.get(member).and_then(Value::as_array) else {
        return Err(ApiError::new(
            ApiErrorKind::Decode,
            format!("GET {url}: expected a `{member}` array in the response"),
        ));
    };
    let count = items.len();
    Ok((document, count))
}
