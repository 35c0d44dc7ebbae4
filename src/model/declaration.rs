//! Entities declared in infrastructure code: the address of the declaring resource, what a
//! plan does with it, the links a plan gives only as expressions that cannot be followed,
//! and the places where an input prints a secret in clear text.
//!
//! The model still knows no file format: an address is an opaque name (Terraform writes
//! `module.audit.ibm_resource_key.reader[0]`), and the loaders decide how to fill these.

use super::EntityRef;
use super::origin::Origin;

/// What a plan does to the resource that declares an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    Create,
    Update,
    /// Destroyed and created again (`["delete","create"]` or `["create","delete"]`).
    Replace,
    NoOp,
}

impl Change {
    /// The entity does not exist before apply, so its computed ids are placeholders and
    /// nothing outside the plan can refer to it yet.
    pub fn creates(self) -> bool {
        matches!(self, Self::Create | Self::Replace)
    }
}

/// The infrastructure-code resource that declares an entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Declaration {
    /// The resource address, for example `module.audit.ibm_resource_key.reader[0]`.
    pub address: String,
    /// What the plan does with it; `None` when read from a state (already applied).
    pub change: Option<Change>,
}

impl Declaration {
    /// Whether a plan creates the entity (see [`Change::creates`]).
    pub fn is_created(declaration: Option<&Self>) -> bool {
        declaration
            .and_then(|declaration| declaration.change)
            .is_some_and(Change::creates)
    }
}

/// A link the inputs give only as an expression the loader could not follow (a value
/// computed at apply time whose references lead nowhere known). Rules neither pass nor fail
/// what depends on it: they report `status: unknown` naming the address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unresolved {
    /// The address of the resource whose argument could not be resolved.
    pub address: String,
    /// The argument, for example `iam_service_id` or `resources.resource_instance_id`.
    pub argument: String,
    /// What the argument refers to, as written (`local.sid`), or why it is unknown.
    pub refers_to: String,
}

impl Unresolved {
    /// One sentence for messages: which argument, of what, and what it refers to.
    pub fn describe(&self) -> String {
        format!(
            "`{}` of `{}` is known only after apply and comes from {}, which the inputs do not \
             resolve",
            self.argument, self.address, self.refers_to
        )
    }
}

/// A place where an input holds a secret value in clear text (Terraform prints sensitive
/// values in plans and states). Only where it is and the member's name are kept, never the
/// value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposedSecret {
    /// The entity (or declared value, such as a variable) the secret belongs to.
    pub entity: EntityRef,
    /// The member holding it, for example `credentials.apikey` or `credentials_json`.
    pub member: String,
    /// What kind of file holds it, for messages: `Terraform plan`, `Terraform state`.
    pub container: String,
    /// The secret value itself (rendered masked).
    pub origin: Origin,
    /// What says the value is a secret.
    pub evidence: SecretEvidence,
}

/// Why a value counts as a secret, strongest first: Terraform's own marking, the provider's
/// schema, or (as a fallback) a credential name with a value shaped like a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretEvidence {
    /// `sensitive_values`, `before_sensitive`/`after_sensitive`, or `sensitive = true` on a
    /// variable or output.
    Terraform,
    /// An attribute (or provider argument) the IBM provider's schema holds secret, or a
    /// variable that feeds one.
    Provider,
    /// A credential name (`apikey`, `password`, ...) with a value that looks like a secret.
    Name,
}

impl SecretEvidence {
    /// The words messages use.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Terraform => "marked sensitive by Terraform",
            Self::Provider => "sensitive attribute of the IBM provider",
            Self::Name => "named like a secret with a secret-like value",
        }
    }
}
