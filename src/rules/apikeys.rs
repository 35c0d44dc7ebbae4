//! Shared reasoning about API keys: who owns one, which resource key it was made for, and
//! what to say when the inputs hold identities but no API key export.
//!
//! A resource key's credentials carry the API key of its service ID (`credentials.apikey`,
//! `iam_apikey_name`, `iam_apikey_description`), and the same API key is listed by
//! `GET /v1/apikeys` under that service ID. [`pair_resource_keys`] joins the two views so
//! that one key is never counted twice.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{FindingBuilder, RuleContext, Severity};
use crate::model::{ApiKey, Crn, EntityKind, EntityRef, Inventory, ResourceKey};

/// How to export API keys, for `unknown` findings.
pub(super) const EXPORT_API_KEYS: &str = "export the API keys of users and service IDs: \
curl -H \"Authorization: $(ibmcloud iam oauth-tokens --output json | jq -r .iam_token)\" \
'https://iam.cloud.ibm.com/v1/apikeys?account_id=<ACCOUNT_ID>&scope=account&pagesize=100' \
(every page), or `ibmcloud iam api-keys --output json` for your own keys";

/// `service ID `name` (ServiceId-...)`, `user `IBMid-...``, or the raw `iam_id`.
pub(super) fn owner_label(inventory: &Inventory, api_key: &ApiKey) -> String {
    match (api_key.service_id(), api_key.iam_id.as_deref()) {
        (Some(core), _) => match inventory
            .service_id(core)
            .and_then(|service_id| service_id.name.as_deref())
        {
            Some(name) => format!("service ID `{name}` ({core})"),
            None => format!("service ID `{core}`"),
        },
        (None, Some(iam_id)) if iam_id.starts_with("IBMid-") => format!("user `{iam_id}`"),
        (None, Some(iam_id)) => format!("`{iam_id}`"),
        (None, None) => "an unnamed identity".to_owned(),
    }
}

/// The account the inventory belongs to, read from any CRN or `account_id`; `<ACCOUNT_ID>`
/// when none says.
pub(super) fn account_id(inventory: &Inventory) -> String {
    let from_instances = inventory
        .instances
        .iter()
        .find_map(|instance| instance.account_id.clone());
    let from_crns = || {
        inventory
            .service_ids
            .iter()
            .filter_map(|service_id| service_id.crn.as_ref()?.account())
            .chain((inventory.keys.iter()).filter_map(|key| Crn::parse(&key.crn)?.account))
            .chain(
                (inventory.api_keys.iter()).filter_map(|api_key| api_key.crn.as_ref()?.account()),
            )
            .next()
            .map(str::to_owned)
    };
    from_instances
        .or_else(from_crns)
        .filter(|account| !account.is_empty())
        .unwrap_or_else(|| "<ACCOUNT_ID>".to_owned())
}

/// When no API key export was loaded but the inventory holds identities that own API keys
/// (service IDs, or resource keys whose credentials carry one), an `unknown` finding on the
/// first of them saying what to export; `what` names what could not be checked.
pub(super) fn missing_export(context: &RuleContext<'_>, what: &str) -> Option<FindingBuilder> {
    let inventory = context.inventory;
    if inventory.collections.api_keys || !inventory.collections.any() {
        return None;
    }
    let origin = match inventory.service_ids.first() {
        Some(service_id) => service_id.origin.clone(),
        None => {
            let key = inventory.keys.iter().find(|key| {
                key.visible_credentials().is_some_and(|visible| {
                    visible.has_apikey || visible.iam_serviceid_crn.is_some()
                })
            })?;
            key.origin.clone()
        }
    };
    let account = account_id(inventory);
    // The missing export is the account's, not the first identity's: naming the account
    // keeps the finding's fingerprint the same whichever identity happens to come first.
    let subject = EntityRef {
        account: None,
        kind: EntityKind::ApiKey,
        id: format!("API keys of account {account}"),
        name: None,
        origin: origin.clone(),
        address: None,
    };
    let export = EXPORT_API_KEYS.replace("<ACCOUNT_ID>", &account);
    Some(
        context
            .finding(subject, origin, "API keys not exported")
            .severity(Severity::Info)
            .unknown()
            .message(format!(
                "no API key export (`{{\"apikeys\": [...]}}`) was loaded, so {what} cannot be \
                 checked"
            ))
            .remediation(export),
    )
}

/// Resource keys joined with the listed API keys they were made for.
#[derive(Default)]
pub(super) struct KeyPairs<'a> {
    /// API key id -> the resource key it was made for.
    pub by_api_key: FxHashMap<&'a str, &'a ResourceKey>,
    /// Resource keys (with a visible service ID) whose API key the export does not list.
    pub unlisted: Vec<&'a ResourceKey>,
}

/// Joins resource keys to listed API keys of the same service ID, one to one. A pair is
/// first made on the description (`iam_apikey_description` equal to the API key's
/// `description`, or the description naming the key's GUID, as `Auto-generated for key
/// <GUID>` does), then, for what is left, on the name (`iam_apikey_name` = `name`).
pub(super) fn pair_resource_keys(inventory: &Inventory) -> KeyPairs<'_> {
    let mut listed: FxHashMap<&str, Vec<&ApiKey>> = FxHashMap::default();
    for api_key in &inventory.api_keys {
        if let Some(core) = api_key.service_id() {
            listed.entry(core).or_default().push(api_key);
        }
    }
    let keys: Vec<(&ResourceKey, &str)> = inventory
        .keys
        .iter()
        .filter_map(|key| Some((key, key.service_id_core()?)))
        .collect();
    let mut pairs = KeyPairs::default();
    let mut claimed: FxHashSet<&str> = FxHashSet::default();
    let mut paired: FxHashSet<usize> = FxHashSet::default();
    let strong = |key: &ResourceKey, api_key: &ApiKey| {
        let Some(description) = api_key.description.as_deref() else {
            return false;
        };
        let same = key.apikey_description_is(description);
        let names_guid = key
            .guid
            .as_deref()
            .is_some_and(|guid| !guid.is_empty() && description.contains(guid));
        same || names_guid
    };
    let by_name = |key: &ResourceKey, api_key: &ApiKey| {
        let name = key.apikey_name();
        name.is_some() && name == api_key.name.as_deref()
    };
    for matches in [&strong as &dyn Fn(&ResourceKey, &ApiKey) -> bool, &by_name] {
        for (at, (key, core)) in keys.iter().enumerate() {
            if paired.contains(&at) {
                continue;
            }
            let candidate =
                listed.get(core).into_iter().flatten().find(|api_key| {
                    !claimed.contains(api_key.id.as_str()) && matches(key, api_key)
                });
            if let Some(api_key) = candidate {
                claimed.insert(&api_key.id);
                paired.insert(at);
                pairs.by_api_key.insert(&api_key.id, key);
            }
        }
    }
    pairs.unlisted = keys
        .iter()
        .enumerate()
        .filter(|(at, _)| !paired.contains(at))
        .map(|(_, (key, _))| *key)
        .collect();
    pairs
}
