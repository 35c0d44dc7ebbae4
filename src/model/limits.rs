//! The account's identity limits and their usage, as IAM Identity reports them
//! (`/v1/accounts/{id}/limits/identity`), so rules can use the account's real limits
//! instead of the documented defaults (which IBM raises per account).

use super::crn::service_id_core;
use super::origin::Origin;

/// A limit and the current count of one account-wide resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitCount {
    pub limit: Option<u64>,
    pub count: Option<u64>,
    pub origin: Origin,
}

/// How many of something one entity (a service ID group, an identity) has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityUsage {
    /// The group id, or the identity's `iam_id`.
    pub id: String,
    pub count: u64,
    pub origin: Origin,
}

/// A per-entity limit (service IDs per group, API keys per identity) and each entity's count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerEntityLimit {
    pub limit: Option<u64>,
    pub usage: Vec<EntityUsage>,
    /// Where the limit is (the object holding `limit`).
    pub origin: Origin,
}

/// The identity limits of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityLimits {
    /// Service ID groups per account.
    pub serviceid_groups: Option<LimitCount>,
    /// Service IDs per service ID group (the service ID limit), with each group's count.
    pub service_ids_per_group: Option<PerEntityLimit>,
    /// API keys per identity (user or service ID), with each identity's count.
    pub api_keys_per_identity: Option<PerEntityLimit>,
    pub origin: Origin,
    /// The account the limits are of: its snapshot's, or the run's only account.
    pub account: Option<std::sync::Arc<str>>,
}

impl IdentityLimits {
    /// The most service IDs a group may hold.
    pub fn service_id_limit(&self) -> Option<u64> {
        self.service_ids_per_group.as_ref()?.limit
    }

    /// Service IDs counted over every reported group; `None` when no group was reported.
    pub fn service_id_count(&self) -> Option<u64> {
        let groups = &self.service_ids_per_group.as_ref()?.usage;
        (!groups.is_empty()).then(|| groups.iter().map(|group| group.count).sum())
    }

    /// The most API keys one identity may hold.
    pub fn api_key_limit(&self) -> Option<u64> {
        self.api_keys_per_identity.as_ref()?.limit
    }

    /// The API key count the account reports for an identity. Service IDs match by any
    /// spelling (`ServiceId-...`, `iam-ServiceId-...`, CRN); other identities by `iam_id`.
    pub fn api_keys_of(&self, iam_id: &str) -> Option<&EntityUsage> {
        let usage = &self.api_keys_per_identity.as_ref()?.usage;
        match service_id_core(iam_id) {
            Some(core) => usage
                .iter()
                .find(|entry| service_id_core(&entry.id) == Some(core)),
            None => usage.iter().find(|entry| entry.id == iam_id),
        }
    }
}
