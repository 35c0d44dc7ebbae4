//! IAM Identity trusted profiles (`GET /v1/profiles`), the compute resources linked to them
//! (`GET /v1/profiles/{id}/links`) and the claim rules that let federated users or compute
//! resources assume them (`GET /v1/profiles/{id}/rules`).
//!
//! A profile is a policy subject like a service ID, without API keys of its own: whoever a
//! link or a claim rule lets in holds what the profile's policies grant.

use super::declaration::Declaration;
use super::origin::Origin;

/// A trusted profile.
#[derive(Debug, Clone)]
pub struct TrustedProfile {
    /// `Profile-<uuid>`.
    pub id: String,
    /// `iam-Profile-<uuid>`, the subject spelling used in policies and group members.
    pub iam_id: String,
    pub name: Option<String>,
    pub crn: Option<String>,
    pub description: Option<String>,
    /// The account the entity belongs to: `account_id`, else its CRN's scope, else its
    /// document's account; resolved by `InventoryBuilder::finish`.
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
    /// The infrastructure-code resource that declares it (a Terraform plan or state).
    pub declaration: Option<Box<Declaration>>,
}

impl TrustedProfile {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// The `Profile-<uuid>` all spellings of a profile share (`iam-Profile-...`, `Profile-...`).
pub fn profile_core(spelling: &str) -> &str {
    spelling.strip_prefix("iam-").unwrap_or(spelling)
}

/// A compute resource linked to a profile (`ProfileLink`): it may assume the profile.
#[derive(Debug, Clone)]
pub struct ProfileLink {
    /// The profile it belongs to (`Profile-<uuid>`): the list response does not say, so it
    /// is read from the file's name, or from the Terraform `profile_id`.
    pub profile_id: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
    /// `VSI`, `PVS`, `BMS`, `IKS_SA`, `ROKS_SA` or `CE`.
    pub cr_type: Option<String>,
    /// `link.crn`: the compute resource.
    pub crn: Option<String>,
    /// `link.namespace` and `link.name` of a Kubernetes service account.
    pub namespace: Option<String>,
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
    pub declaration: Option<Box<Declaration>>,
}

/// A claim rule of a profile (`ProfileClaimRule`): who may assume it by their claims.
#[derive(Debug, Clone)]
pub struct ProfileClaimRule {
    /// As for [`ProfileLink::profile_id`].
    pub profile_id: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
    /// `Profile-SAML` (federated users) or `Profile-CR` (compute resources).
    pub rule_type: Option<String>,
    /// The identity provider's realm (`Profile-SAML`).
    pub realm_name: Option<String>,
    /// How many conditions (claim, operator, value) the rule tests.
    pub conditions: usize,
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
    pub declaration: Option<Box<Declaration>>,
}
