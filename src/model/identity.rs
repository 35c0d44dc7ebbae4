//! IAM Identity entities: service IDs and API keys.

use super::crn::service_id_core;
use super::declaration::Declaration;
use super::origin::Origin;

/// A service ID (`/v1/serviceids/`).
#[derive(Debug, Clone)]
pub struct ServiceId {
    /// `ServiceId-<uuid>`.
    pub id: String,
    /// `iam-ServiceId-<uuid>`, the subject spelling used in policies.
    pub iam_id: String,
    pub crn: Option<Box<str>>,
    pub name: Option<Box<str>>,
    pub description: Option<Box<str>>,
    pub locked: Option<bool>,
    pub created_at: Option<Box<str>>,
    pub unique_instance_crns: Vec<String>,
    /// The service ID group it belongs to (`group_id`, listed with `show_group_id=true`).
    pub group_id: Option<Box<str>>,
    /// The account the entity belongs to: what its own data names (`account_id`, the `a/<account>`
    /// scope of its CRN), else its document's account; resolved by `InventoryBuilder::finish`.
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
    /// The infrastructure-code resource that declares it (a Terraform plan or state).
    pub declaration: Option<Box<Declaration>>,
}

impl ServiceId {
    /// The `ServiceId-<uuid>` core all spellings share.
    pub fn core(&self) -> &str {
        service_id_core(&self.id).unwrap_or(&self.id)
    }

    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// An API key (`/v1/apikeys`). The secret itself is never kept.
#[derive(Debug, Clone)]
pub struct ApiKey {
    /// `ApiKey-<uuid>`.
    pub id: String,
    pub name: Option<Box<str>>,
    /// Resource keys' API keys say `Auto-generated for key <key GUID>` here.
    pub description: Option<Box<str>>,
    /// The identity that owns the key (`IBMid-...` or `iam-ServiceId-...`).
    pub iam_id: Option<Box<str>>,
    pub crn: Option<Box<str>>,
    pub created_at: Option<Box<str>>,
    pub expires_at: Option<Box<str>>,
    pub action_when_leaked: Option<std::sync::Arc<str>>,
    pub locked: Option<bool>,
    pub disabled: Option<bool>,
    /// The account the entity belongs to: what its own data names (`account_id`, the `a/<account>`
    /// scope of its CRN), else its document's account; resolved by `InventoryBuilder::finish`.
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
    /// The infrastructure-code resource that declares it (a Terraform plan or state).
    pub declaration: Option<Box<Declaration>>,
}

impl ApiKey {
    /// The `ServiceId-<uuid>` core of the owner, when a service ID owns the key.
    pub fn service_id(&self) -> Option<&str> {
        self.iam_id.as_deref().and_then(service_id_core)
    }

    /// The display name: the key name, else its id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}
