//! `identity_limits.json`: the IAM Identity `IdentityLimitsUsageResponse` of
//! `/v1/accounts/{id}/limits/identity` (ibm-formats.md section 2.3), as `iamlint collect`
//! writes it.

use serde::Deserialize;
use serde_json::Value;

use super::{Sink, present, typed};
use crate::model::{EntityUsage, IdentityLimits, LimitCount, PerEntityLimit, Pointer};

#[derive(Deserialize)]
struct LimitCountDto {
    limit: Option<u64>,
    count: Option<u64>,
}

#[derive(Deserialize)]
struct UsageDto {
    group_id: Option<String>,
    iam_id: Option<String>,
    count: Option<u64>,
}

#[derive(Deserialize)]
struct PerEntityDto {
    limit: Option<u64>,
    serviceid_groups: Option<Vec<UsageDto>>,
    identities: Option<Vec<UsageDto>>,
}

#[derive(Deserialize)]
struct LimitsDto {
    serviceid_groups: Option<LimitCountDto>,
    serviceids_per_group: Option<PerEntityDto>,
    apikeys_per_identity: Option<PerEntityDto>,
}

/// A per-entity limit at `pointer`, its usage list in member `list`.
fn per_entity(
    limit: Option<u64>,
    items: Option<Vec<UsageDto>>,
    pointer: &Pointer,
    list: &str,
    sink: &Sink<'_>,
) -> PerEntityLimit {
    let usage = items
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(at, item)| {
            Some(EntityUsage {
                id: present(item.group_id.or(item.iam_id))?,
                count: item.count.unwrap_or(0),
                origin: sink.origin(&pointer.key(list).index(at)),
            })
        })
        .collect();
    PerEntityLimit {
        limit,
        usage,
        origin: sink.origin(pointer),
    }
}

/// Whether an object is this shape: its per-entity members are objects (a `serviceid_groups`
/// array is the service ID group list instead).
pub(super) fn detect(object: &serde_json::Map<String, Value>) -> bool {
    ["serviceids_per_group", "apikeys_per_identity"]
        .iter()
        .any(|member| object.get(*member).is_some_and(Value::is_object))
        || object
            .get("serviceid_groups")
            .is_some_and(|groups| groups.get("limit").is_some())
}

pub(super) fn ingest(value: &Value, sink: &mut Sink<'_>) {
    let root = Pointer::root();
    let dto: LimitsDto = match typed(value, &root) {
        Ok(dto) => dto,
        Err(problem) => {
            sink.errors.push(problem);
            return;
        }
    };
    let limits = IdentityLimits {
        serviceid_groups: dto.serviceid_groups.map(|groups| LimitCount {
            limit: groups.limit,
            count: groups.count,
            origin: sink.origin(&root.key("serviceid_groups")),
        }),
        service_ids_per_group: dto.serviceids_per_group.map(|per_group| {
            per_entity(
                per_group.limit,
                per_group.serviceid_groups,
                &root.key("serviceids_per_group"),
                "serviceid_groups",
                sink,
            )
        }),
        api_keys_per_identity: dto.apikeys_per_identity.map(|per_identity| {
            per_entity(
                per_identity.limit,
                per_identity.identities,
                &root.key("apikeys_per_identity"),
                "identities",
                sink,
            )
        }),
        origin: sink.origin(&root),
        account: None,
    };
    sink.builder.add_identity_limits(limits);
}
