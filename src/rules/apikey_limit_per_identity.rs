//! `apikey-limit-per-identity`: a user or service ID with more API keys than IAM allows
//! (20 by default).
//!
//! A service ID's keys are the API keys the `/v1/apikeys` export lists for it, plus one for
//! each resource key bound to it (`credentials.iam_serviceid_crn`, as a key created with
//! `serviceid_crn` is) whose API key that export does not list. The two are joined by
//! [`pair_resource_keys`], so a key seen both ways counts once.

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::apikeys;
use super::{Finding, RuleContext, Severity};
use crate::model::{ApiKey, EntityRef, ResourceKey};

/// The keys found for one identity.
#[derive(Default)]
struct Tally<'a> {
    listed: Vec<&'a ApiKey>,
    unlisted: Vec<&'a ResourceKey>,
}

/// `rules/apikey-limit-per-identity.yaml` gives the defaults.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    max_keys: u64,
    warn_at: u64,
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    // The account's own limit (live mode's `identity_limits.json`) beats the documented
    // default; a limit the user configured beats both. A reported limit moves the default
    // warning point with it (90%).
    let reported = inventory.identity_limits.as_ref();
    let reported_limit = reported
        .and_then(|limits| limits.api_key_limit())
        .filter(|_| !context.param_is_set("max_keys"));
    let max_keys = reported_limit.unwrap_or(params.max_keys);
    let warn_at = match reported_limit {
        Some(limit) if !context.param_is_set("warn_at") => (limit * 9).div_ceil(10),
        _ => params.warn_at,
    };
    let pairs = context.key_pairs();
    // Grouped by hash, then judged in identity order (a B-tree of 100,000 identities
    // compared strings at every insert).
    let mut grouped: FxHashMap<&str, Tally<'_>> = FxHashMap::default();
    for api_key in &inventory.api_keys {
        if let Some(identity) = api_key.service_id().or(api_key.iam_id.as_deref()) {
            grouped.entry(identity).or_default().listed.push(api_key);
        }
    }
    for key in &pairs.unlisted {
        if let Some(core) = key.service_id_core() {
            grouped.entry(core).or_default().unlisted.push(key);
        }
    }
    let mut tallies: Vec<(&str, Tally<'_>)> = grouped.into_iter().collect();
    tallies.sort_unstable_by_key(|(identity, _)| *identity);
    for (identity, tally) in tallies {
        // The account's own count may include keys the export does not show.
        let reported_usage = reported.and_then(|limits| limits.api_keys_of(identity));
        let reported_count = reported_usage.map_or(0, |usage| usage.count);
        let count = ((tally.listed.len() + tally.unlisted.len()) as u64).max(reported_count);
        let verdict = if count > max_keys {
            Some((Severity::High, format!("more than the limit of {max_keys}")))
        } else if count >= warn_at {
            Some((
                Severity::Medium,
                format!("close to the limit of {max_keys}"),
            ))
        } else {
            None
        };
        let service_id = inventory.service_id(identity);
        // Built only for a finding or a kept pass (most identities pass, unrecorded).
        let subject = || match (service_id, tally.listed.first(), tally.unlisted.first()) {
            (Some(service_id), _, _) => Some(EntityRef::service_id(service_id)),
            (None, Some(api_key), _) => Some(EntityRef::api_key(api_key)),
            (None, None, Some(key)) => Some(EntityRef::key(key)),
            (None, None, None) => None,
        };
        let Some((severity, verdict)) = verdict else {
            // Below the warning point is a pass only when the count is complete: the API key
            // export lists every key, or the account reported this identity's count.
            if inventory.collections.api_keys || reported_usage.is_some() {
                // The same subject as `subject()`, recorded by handle.
                match (service_id, tally.listed.first(), tally.unlisted.first()) {
                    (Some(service_id), _, _) => context.evaluated_entity(service_id),
                    (None, Some(api_key), _) => context.evaluated_entity(*api_key),
                    (None, None, Some(key)) => context.evaluated_entity(*key),
                    (None, None, None) => {}
                }
            }
            continue;
        };
        let Some(subject) = subject() else {
            continue;
        };
        // Only a finding needs its place and owner text (most identities pass).
        let (origin, owner) = match (service_id, tally.listed.first(), tally.unlisted.first()) {
            (Some(service_id), _, _) => (
                service_id.origin.clone(),
                match service_id.name.as_deref() {
                    Some(name) => format!("service ID `{name}` ({identity})"),
                    None => format!("service ID `{identity}`"),
                },
            ),
            (None, Some(api_key), _) => (
                api_key.origin.key("iam_id"),
                apikeys::owner_label(inventory, api_key),
            ),
            (None, None, Some(key)) => (
                key.serviceid_origin_or_own(),
                format!("service ID `{identity}`"),
            ),
            (None, None, None) => continue,
        };
        let seen = (tally.listed.len() + tally.unlisted.len()) as u64;
        let breakdown = match (tally.listed.len(), tally.unlisted.len()) {
            _ if reported_count > seen => {
                format!("as the account's identity limits report; the export shows {seen}")
            }
            (_, 0) => "as listed by the API key export".to_owned(),
            (0, _) => "counted from the resource keys bound to it".to_owned(),
            (listed, unlisted) => format!(
                "{listed} listed by the API key export and {unlisted} more through resource keys"
            ),
        };
        let mut remediation = if identity.starts_with("ServiceId-") {
            context.meta.fix_with(&[("SERVICE_ID", identity)])
        } else {
            "ibmcloud iam api-keys --output json\n\
             # for each API key no longer used:\n\
             ibmcloud iam api-key-delete <APIKEY_NAME_OR_ID>"
                .to_owned()
        };
        if !tally.unlisted.is_empty() {
            remediation.push_str(
                "\n# for each resource key no longer used:\n\
                 ibmcloud resource service-key-delete <KEY_NAME_OR_ID>",
            );
        }
        context
            .finding(subject, origin, format!("{count} API keys"))
            .severity(severity)
            .message(format!(
                "{owner} has {count} API keys ({breakdown}), {verdict} per identity"
            ))
            .remediation(remediation)
            .push(out);
    }
    if let Some(missing) = apikeys::missing_export(
        context,
        "the API keys of users, and those of service IDs not made for a resource key,",
    ) {
        missing.push(out);
    }
}
