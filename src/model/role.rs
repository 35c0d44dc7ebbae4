//! IAM Policy Management custom roles (`GET /v2/roles?account_id=` → `custom_roles[]`,
//! Terraform `ibm_iam_custom_role`): an account's own roles, each a set of one service's
//! actions. A policy names one by its CRN,
//! `crn:v1:bluemix:public:iam-access-management::a/<account>::customRole:<Name>`, so what it
//! grants is known only from its definition.

use super::declaration::Declaration;
use super::origin::Origin;

/// A custom role.
#[derive(Debug, Clone)]
pub struct CustomRole {
    /// The role's id (a UUID), when the export has it.
    pub id: Option<String>,
    /// The name used in its CRN (`customRole:<Name>`).
    pub name: String,
    pub display_name: Option<String>,
    /// The service whose actions it holds (`service_name`; Terraform `service`).
    pub service_name: Option<String>,
    /// The action ids it grants (`kms.secrets.rotate`, `iam.policy.create`, ...).
    pub actions: Vec<String>,
    pub crn: Option<String>,
    /// `account_id`, else its CRN's scope, else its document's account.
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
    pub declaration: Option<Box<Declaration>>,
}

impl CustomRole {
    pub fn display_name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.name)
    }
}
