//! IBM provider resources of trusted profiles, custom roles and access group members ->
//! the model: `ibm_iam_trusted_profile`, `ibm_iam_trusted_profile_link`,
//! `ibm_iam_trusted_profile_claim_rule`, `ibm_iam_custom_role`,
//! `ibm_iam_access_group_members` (arguments and attributes as the provider's
//! `website/docs/r/` pages give them).

use serde_json::Value;

use super::entities::declaration;
use super::identity::{Identity, Link, Linker, Want};
use crate::model::{
    CustomRole, Membership, ProfileClaimRule, ProfileLink, Subject, TrustedProfile,
};
use crate::sources::exports::Sink;

pub(super) fn profile(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    let Identity::Profile { id } = linker.identity(at).clone() else {
        return;
    };
    let origin = sink.origin(&resource.pointer);
    sink.builder.add_profile(TrustedProfile {
        iam_id: resource
            .text(&["iam_id"])
            .unwrap_or_else(|| format!("iam-{id}")),
        id,
        name: resource.text(&["name"]),
        crn: resource.text(&["crn"]),
        description: resource.text(&["description"]),
        account: resource
            .text(&["account_id"])
            .as_deref()
            .map(crate::model::intern_cached),
        origin,
        declaration: declaration(resource),
    });
}

/// The `profile_id` argument of a link or claim rule, followed to its profile.
fn profile_id(linker: &Linker<'_, '_>, at: usize) -> Option<String> {
    match linker.link(at, &["profile_id"], Want::Profile) {
        Link::Value { text, .. } => Some(text),
        Link::Unresolved(_) | Link::Absent => None,
    }
}

pub(super) fn link(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    let origin = sink.origin(&resource.pointer);
    sink.builder.add_profile_link(ProfileLink {
        profile_id: profile_id(linker, at),
        id: resource.text(&["link_id"]),
        name: resource.text(&["name"]),
        cr_type: resource.text(&["cr_type"]),
        crn: resource.text(&["link", "0", "crn"]),
        namespace: resource.text(&["link", "0", "namespace"]),
        account: None,
        origin,
        declaration: declaration(resource),
    });
}

pub(super) fn claim_rule(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    let origin = sink.origin(&resource.pointer);
    sink.builder.add_profile_claim_rule(ProfileClaimRule {
        profile_id: profile_id(linker, at),
        id: resource.text(&["rule_id"]),
        name: resource.text(&["name"]),
        rule_type: resource.text(&["type"]),
        realm_name: resource.text(&["realm_name"]),
        conditions: resource
            .value(&["conditions"])
            .and_then(Value::as_array)
            .map_or(0, Vec::len),
        account: None,
        origin,
        declaration: declaration(resource),
    });
}

pub(super) fn custom_role(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    let Some(name) = resource.text(&["name"]) else {
        return;
    };
    let origin = sink.origin(&resource.pointer);
    sink.builder.add_custom_role(CustomRole {
        id: resource.text(&["id"]),
        name,
        display_name: resource.text(&["display_name"]),
        service_name: resource.text(&["service"]),
        actions: resource
            .value(&["actions"])
            .and_then(Value::as_array)
            .map(|actions| {
                actions
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        crn: resource.text(&["crn"]),
        account: None,
        origin,
        declaration: declaration(resource),
    });
}

/// `ibm_iam_access_group_members`: the members it adds (`ibm_ids`, `iam_service_ids`,
/// `iam_profile_ids`), or, in a state, the `members` it read back. A plan declares part of
/// a group's members, so no member list is marked complete.
pub(super) fn access_group_members(linker: &Linker<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let resource = &linker.resources()[at];
    let Link::Value { text: group_id, .. } =
        linker.link(at, &["access_group_id"], Want::AccessGroup)
    else {
        return;
    };
    let texts = |name: &str| -> Vec<(usize, String)> {
        resource
            .value(&[name])
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(at, item)| Some((at, item.as_str()?.trim().to_owned())))
                    .filter(|(_, text)| !text.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut added = Vec::new();
    for (at, ibm_id) in texts("ibm_ids") {
        // An IBMid or the user's email: either way a user.
        added.push((Subject::User(ibm_id.clone()), ibm_id, "user", "ibm_ids", at));
    }
    for (at, id) in texts("iam_service_ids") {
        added.push((
            Subject::from_iam_id(&id),
            id,
            "service",
            "iam_service_ids",
            at,
        ));
    }
    for (at, id) in texts("iam_profile_ids") {
        added.push((
            Subject::Profile(id.clone()),
            id,
            "profile",
            "iam_profile_ids",
            at,
        ));
    }
    for (member, iam_id, kind, argument, index) in added {
        let pointer = resource.value_pointer(&[argument, &index.to_string()]);
        let origin = sink.origin(&pointer);
        sink.builder.add_membership(Membership {
            group_id: group_id.clone(),
            email: iam_id.contains('@').then(|| iam_id.clone()),
            iam_id,
            member,
            kind: Some(kind.to_owned()),
            name: None,
            account: None,
            origin,
        });
    }
}
