//! IAM Identity trusted profiles (`GET /v1/profiles?account_id=`, `ibmcloud iam
//! trusted-profiles --output json`), their links (`GET /v1/profiles/{id}/links`) and claim
//! rules (`GET /v1/profiles/{id}/rules`). Shapes: IBM/platform-services-go-sdk
//! `iamidentityv1` `TrustedProfile`, `ProfileLink`, `ProfileClaimRule`.
//!
//! Neither a link nor a claim rule names its profile; a claim rule list's `context.url`, or
//! the file's path (see `profile_in_path`), does.

use serde::Deserialize;
use serde_json::Value;

use super::{ItemResult, Sink, present, typed};
use crate::model::{Pointer, ProfileClaimRule, ProfileLink, TrustedProfile};

#[derive(Deserialize)]
struct ProfileDto {
    id: Option<String>,
    iam_id: Option<String>,
    name: Option<String>,
    crn: Option<String>,
    description: Option<String>,
    account_id: Option<String>,
}

pub(super) fn profile(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    let dto: ProfileDto = typed(item, pointer)?;
    let iam_id = present(dto.iam_id);
    let id = present(dto.id)
        .or_else(|| {
            iam_id
                .as_deref()
                .map(|iam_id| profile_core(iam_id).to_owned())
        })
        .ok_or_else(|| {
            (
                pointer.key("id"),
                "expected a trusted profile `id` of the form `Profile-<uuid>`".to_owned(),
            )
        })?;
    let origin = sink.origin(pointer);
    sink.builder.add_profile(TrustedProfile {
        iam_id: iam_id.unwrap_or_else(|| format!("iam-{}", profile_core(&id))),
        id,
        name: present(dto.name),
        crn: present(dto.crn),
        description: present(dto.description),
        account: present(dto.account_id)
            .as_deref()
            .map(crate::model::intern_cached),
        origin,
        declaration: None,
    });
    Ok(())
}

fn profile_core(spelling: &str) -> &str {
    crate::model::profile_core(spelling)
}

#[derive(Deserialize)]
struct LinkDto {
    id: Option<String>,
    name: Option<String>,
    cr_type: Option<String>,
    link: Option<LinkTargetDto>,
}

#[derive(Deserialize)]
struct LinkTargetDto {
    crn: Option<String>,
    namespace: Option<String>,
}

pub(super) fn link(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    let dto: LinkDto = typed(item, pointer)?;
    let (crn, namespace) = match dto.link {
        Some(link) => (present(link.crn), present(link.namespace)),
        None => (None, None),
    };
    let origin = sink.origin(pointer);
    sink.builder.add_profile_link(ProfileLink {
        profile_id: None,
        id: present(dto.id),
        name: present(dto.name),
        cr_type: present(dto.cr_type),
        crn,
        namespace,
        account: None,
        origin,
        declaration: None,
    });
    Ok(())
}

#[derive(Deserialize)]
struct ClaimRuleDto {
    id: Option<String>,
    name: Option<String>,
    #[serde(rename = "type")]
    rule_type: Option<String>,
    realm_name: Option<String>,
    #[serde(default)]
    conditions: Vec<Value>,
}

/// A claim rule; `profile_id` is what the list's `context.url` names, if anything.
pub(super) fn claim_rule(
    item: &Value,
    pointer: &Pointer,
    profile_id: Option<&str>,
    sink: &mut Sink<'_>,
) -> ItemResult {
    let dto: ClaimRuleDto = typed(item, pointer)?;
    let origin = sink.origin(pointer);
    sink.builder.add_profile_claim_rule(ProfileClaimRule {
        profile_id: profile_id.map(str::to_owned),
        id: present(dto.id),
        name: present(dto.name),
        rule_type: present(dto.rule_type),
        realm_name: present(dto.realm_name),
        conditions: dto.conditions.len(),
        account: None,
        origin,
        declaration: None,
    });
    Ok(())
}

/// The items of a document of one kind: its `member` list, a CLI array, or one object.
pub(super) fn items<'a>(value: &'a Value, member: &str) -> Vec<(Pointer, &'a Value)> {
    let root = Pointer::root();
    if let Some(Value::Array(items)) = value.get(member) {
        let list = root.key(member);
        return items
            .iter()
            .enumerate()
            .map(|(at, item)| (list.index(at), item))
            .collect();
    }
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(at, item)| (root.index(at), item))
            .collect(),
        _ => vec![(root, value)],
    }
}

/// Loads one item; the `Option<&str>` is the profile a claim rule list names.
type ItemLoader = fn(&Value, &Pointer, Option<&str>, &mut Sink<'_>) -> ItemResult;

/// Loads a document of profiles, links or claim rules.
pub(super) fn ingest(
    kind: super::catalogue::DocumentKind,
    value: &Value,
    sink: &mut Sink<'_>,
) -> bool {
    use super::catalogue::DocumentKind as K;
    let (member, load): (&str, ItemLoader) = match kind {
        K::TrustedProfiles => ("profiles", |item, at, _, sink| profile(item, at, sink)),
        K::ProfileLinks => ("links", |item, at, _, sink| link(item, at, sink)),
        K::ProfileClaimRules => ("rules", claim_rule),
        _ => return false,
    };
    // The list response or the CLI's array is the account's whole list.
    if kind == K::TrustedProfiles
        && (value.get(member).is_some_and(Value::is_array) || value.is_array())
    {
        sink.builder.collections().profiles = true;
    }
    let listed_profile = value
        .get("context")
        .and_then(|context| context.get("url"))
        .and_then(Value::as_str)
        .and_then(profile_in_path)
        .map(str::to_owned);
    for (pointer, item) in items(value, member) {
        if let Err(problem) = load(item, &pointer, listed_profile.as_deref(), sink) {
            sink.errors.push(problem);
        }
    }
    true
}

/// The `Profile-<id>` in a path or URL (`profiles/Profile-1a2b/links.json`,
/// `/v1/profiles/Profile-1a2b/rules`), when it names exactly one.
pub fn profile_in_path(path: &str) -> Option<&str> {
    let mut found = path.match_indices("Profile-").map(|(at, _)| {
        let rest = &path[at..];
        let end = rest
            .char_indices()
            .skip("Profile-".len())
            .find(|(_, ch)| !(ch.is_ascii_alphanumeric() || *ch == '-'))
            .map_or(rest.len(), |(end, _)| end);
        &rest[..end]
    });
    let first = found.next().filter(|id| id.len() > "Profile-".len())?;
    found.all(|other| other == first).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::profile_in_path;

    #[test]
    fn reads_the_profile_from_a_path_or_url() {
        assert_eq!(
            profile_in_path("exports/profiles/Profile-1a2b-3c/links.json"),
            Some("Profile-1a2b-3c")
        );
        assert_eq!(
            profile_in_path("https://iam.cloud.ibm.com/v1/profiles/Profile-9/rules"),
            Some("Profile-9")
        );
        assert_eq!(profile_in_path("links.json"), None);
        assert_eq!(profile_in_path("Profile-1/Profile-2/rules.json"), None);
        assert_eq!(profile_in_path("Profile-.json"), None);
    }
}
