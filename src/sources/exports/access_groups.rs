//! IAM Access Groups: groups (`GET /v2/groups`, `ibmcloud iam access-groups`) and their
//! members (`GET /v2/groups/{id}/members`).
//!
//! A member list does not name its group in a field: the group id is read from the
//! list's `first`/`last` links, or from each member's own `href`, which all contain
//! `/v2/groups/<AccessGroupId-...>/members`.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{ItemResult, Sink, present, typed};
use crate::model::{AccessGroup, Membership, Pointer, Subject};

#[derive(Deserialize)]
pub(super) struct GroupDto {
    id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    account_id: Option<String>,
}

pub(super) fn group(item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    group_from(typed(item, pointer)?, pointer, sink)
}

pub(super) fn group_from(dto: GroupDto, pointer: &Pointer, sink: &mut Sink<'_>) -> ItemResult {
    let id = present(dto.id).ok_or_else(|| {
        (
            pointer.key("id"),
            "expected an access group `id` of the form `AccessGroupId-<uuid>`".to_owned(),
        )
    })?;
    let origin = sink.origin(pointer);
    sink.builder.add_access_group(AccessGroup {
        id,
        name: present(dto.name),
        description: present(dto.description),
        origin,
        account: present(dto.account_id)
            .as_deref()
            .map(crate::model::intern_cached),
    });
    Ok(())
}

#[derive(Deserialize)]
struct MemberDto {
    iam_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    email: Option<String>,
    href: Option<String>,
}

/// Loads a member list; `document` is the list response around `items`.
pub(super) fn members(
    document: &Map<String, Value>,
    items: &[Value],
    pointer: &Pointer,
    sink: &mut Sink<'_>,
) {
    let listed_group = ["first", "last", "next", "previous"]
        .iter()
        .filter_map(|link| document.get(*link)?.get("href")?.as_str())
        .find_map(group_in_href);
    let total_count = document.get("total_count").and_then(Value::as_u64);
    if let Some(group_id) = listed_group {
        sink.builder.add_member_list(group_id, total_count);
    } else if !items.iter().any(|item| {
        item.get("href")
            .and_then(Value::as_str)
            .is_some_and(|href| group_in_href(href).is_some())
    }) {
        sink.errors.push((
            pointer.clone(),
            "cannot tell which access group these members belong to: expected a `first.href` or \
             `last.href` link, or member `href`s, containing /v2/groups/<AccessGroupId-...>/members"
                .to_owned(),
        ));
        return;
    }
    for (at, item) in items.iter().enumerate() {
        if let Err(problem) = member(item, &pointer.index(at), listed_group, sink) {
            sink.errors.push(problem);
        }
    }
}

fn member(
    item: &Value,
    pointer: &Pointer,
    listed_group: Option<&str>,
    sink: &mut Sink<'_>,
) -> ItemResult {
    let dto: MemberDto = typed(item, pointer)?;
    let iam_id = present(dto.iam_id).ok_or_else(|| {
        (
            pointer.key("iam_id"),
            "expected the member's `iam_id` (`IBMid-...`, `iam-ServiceId-...` or \
             `iam-Profile-...`)"
                .to_owned(),
        )
    })?;
    // A member's own link is the most specific; the list's links name the same group.
    let group_id = dto
        .href
        .as_deref()
        .and_then(group_in_href)
        .or(listed_group)
        .ok_or_else(|| {
            (
                pointer.clone(),
                "cannot tell which access group this member belongs to: expected an `href` \
                 containing /v2/groups/<AccessGroupId-...>/members"
                    .to_owned(),
            )
        })?
        .to_owned();
    if listed_group != Some(group_id.as_str()) {
        // A bundle lists members of several groups, each named by its own link.
        sink.builder.add_member_list(&group_id, None);
    }
    let origin = sink.origin(pointer);
    sink.builder.add_membership(Membership {
        account: None,
        member: Subject::from_iam_id(&iam_id),
        group_id,
        iam_id,
        kind: present(dto.kind),
        name: present(dto.name),
        email: present(dto.email),
        origin,
    });
    Ok(())
}

/// The `AccessGroupId-...` in `.../v2/groups/<id>/members...`.
fn group_in_href(href: &str) -> Option<&str> {
    let (_, rest) = href.split_once("/v2/groups/")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (id, after) = rest.split_at(end);
    (!id.is_empty() && after.starts_with("/members")).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::group_in_href;

    #[test]
    fn reads_the_group_from_member_links() {
        let group = Some("AccessGroupId-1");
        assert_eq!(
            group_in_href("https://iam.cloud.ibm.com/v2/groups/AccessGroupId-1/members?limit=50"),
            group
        );
        assert_eq!(
            group_in_href("https://iam.cloud.ibm.com/v2/groups/AccessGroupId-1/members/IBMid-2"),
            group
        );
        assert_eq!(
            group_in_href("https://iam.cloud.ibm.com/v2/groups?account_id=a"),
            None
        );
        assert_eq!(
            group_in_href("https://iam.cloud.ibm.com/v2/groups/AccessGroupId-1"),
            None
        );
    }
}
