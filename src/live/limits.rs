//! The account's identity limits and usage (ibm-formats.md section 2.3):
//! `GET /v1/accounts/{account_id}/limits/identity`, written as `identity_limits.json` in the
//! API's `IdentityLimitsUsageResponse` shape.
//!
//! The API reports per-entity usage only for the ids it is asked about
//! (`serviceids_per_group=<group ids>`, `apikeys_per_identity=<iam ids>`), so this step runs
//! after the service IDs and API keys. Long id lists are sent in batches, and the per-entity
//! arrays of the answers merged.

use serde_json::Value;

use super::{ApiError, Ctx, Gathered};

/// Ids per request: keeps URLs well below the length proxies accept.
const BATCH: usize = 50;

pub(crate) fn identity_limits(
    ctx: &mut Ctx<'_>,
    group_ids: &[String],
    iam_ids: &[String],
) -> Result<Gathered<()>, ApiError> {
    let account = ctx.account.to_owned();
    let group_batches: Vec<&[String]> = group_ids.chunks(BATCH).collect();
    let identity_batches: Vec<&[String]> = iam_ids.chunks(BATCH).collect();
    let requests = group_batches.len().max(identity_batches.len()).max(1);
    let mut merged: Option<Value> = None;
    for at in 0..requests {
        let groups = group_batches.get(at).map(|batch| batch.join(","));
        let identities = identity_batches.get(at).map(|batch| batch.join(","));
        let mut query = vec![("serviceid_groups", "true")];
        if let Some(groups) = &groups {
            query.push(("serviceids_per_group", groups.as_str()));
        }
        if let Some(identities) = &identities {
            query.push(("apikeys_per_identity", identities.as_str()));
        }
        let url = ctx.iam(&["v1", "accounts", &account, "limits", "identity"], &query)?;
        let answer = ctx.client.get_json(&url, ctx.observer)?;
        match &mut merged {
            None => merged = Some(answer),
            Some(merged) => {
                extend(merged, &answer, "/serviceids_per_group", "serviceid_groups");
                extend(merged, &answer, "/apikeys_per_identity", "identities");
            }
        }
        ctx.observer.items(counted(merged.as_ref()));
    }
    let document = merged.unwrap_or(Value::Null);
    let count = counted(Some(&document));
    Ok(Gathered::file("identity_limits.json", document, count))
}

/// Appends the `member` array under `pointer` of `answer` to the one of `merged`.
fn extend(merged: &mut Value, answer: &Value, pointer: &str, member: &str) {
    let Some(more) = answer
        .pointer(pointer)
        .and_then(|parent| parent.get(member))
        .and_then(Value::as_array)
    else {
        return;
    };
    match merged.pointer_mut(pointer) {
        Some(Value::Object(parent)) => match parent.get_mut(member) {
            Some(Value::Array(items)) => items.extend(more.iter().cloned()),
            _ => {
                parent.insert(member.to_owned(), Value::Array(more.clone()));
            }
        },
        _ => {
            if let (Some(object), Some(parent)) = (merged.as_object_mut(), answer.pointer(pointer))
            {
                object.insert(pointer.trim_start_matches('/').to_owned(), parent.clone());
            }
        }
    }
}

/// Entities with a usage count: service ID groups plus identities.
fn counted(document: Option<&Value>) -> usize {
    let length = |pointer: &str| {
        document
            .and_then(|document| document.pointer(pointer))
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    length("/serviceids_per_group/serviceid_groups") + length("/apikeys_per_identity/identities")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_batched_answers() {
        let mut merged = json!({"serviceid_groups": {"limit": 5, "count": 2},
            "apikeys_per_identity": {"limit": 20, "identities": [{"iam_id": "a", "count": 1}]}});
        let answer = json!({"serviceids_per_group": {"limit": 2000, "serviceid_groups": [{"group_id": "g", "count": 3}]},
            "apikeys_per_identity": {"limit": 20, "identities": [{"iam_id": "b", "count": 2}]}});
        extend(
            &mut merged,
            &answer,
            "/serviceids_per_group",
            "serviceid_groups",
        );
        extend(&mut merged, &answer, "/apikeys_per_identity", "identities");
        assert_eq!(
            merged["apikeys_per_identity"]["identities"][1]["iam_id"],
            "b"
        );
        assert_eq!(
            merged["serviceids_per_group"]["serviceid_groups"][0]["count"],
            3
        );
        assert_eq!(counted(Some(&merged)), 3);
    }
}
