//! IAM Identity trusted profiles: `GET /v1/profiles?account_id=...` (paged by `pagetoken`,
//! like service IDs) written as `trusted_profiles.json` (`{profiles}`, every page merged),
//! then for every profile its links (`GET /v1/profiles/{id}/links`: `ProfileLinkList`,
//! `{links}`) and claim rules (`GET /v1/profiles/{id}/rules`: `ProfileClaimRuleList`,
//! `{rules}`), one `profile_links_<ProfileId>.json` and `profile_rules_<ProfileId>.json` per
//! profile. Neither answer names its profile, so the file name does.

use serde_json::json;

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
    let documents = format!("the {}", what.member);
    super::per_parent(
        ctx,
        ids,
        (&documents, "profile", "profiles"),
        |ctx, id, _| {
            let url = ctx.iam(&["v1", "profiles", id, what.member], &[])?;
            let (document, items) = ctx.get_list(&url, what.member)?;
            Ok((safe_file(what.prefix, id), document, items))
        },
    )
}
