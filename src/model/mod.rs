//! The typed account model. It knows nothing about files, formats or HTTP: the same
//! `Policy` comes from an API export, a CLI array, YAML or a Terraform plan or state.
//! Infrastructure code shows only as data: an entity's `Declaration` (the declaring
//! resource's address, what the plan does) and `EntityKind::TerraformValue`.

mod access_group;
mod activity;
mod audit_routing;
mod crn;
mod declaration;
mod identity;
mod intern;
mod inventory;
mod limits;
mod merge;
mod origin;
mod people;
mod policy;
mod profile;
mod resource;
mod role;
mod settings;
mod snapshot;
mod time;
mod view;

pub use access_group::{AccessGroup, Membership, PUBLIC_ACCESS_GROUP};
pub use activity::{AuthnRecord, AuthnSource, AuthnSubject, Report};
pub use audit_routing::{ANY_LOCATION, GLOBAL_LOCATION, Route, RouteRule, RoutingTarget};
pub use crn::{Crn, CrnCache, service_id_core};
pub use declaration::{Change, Declaration, ExposedSecret, SecretEvidence, Unresolved};
pub use identity::{API_KEY_KIND, ApiKey, IdentityCrn, SERVICE_ID_KIND, ServiceId, ServiceIdLink};
pub use intern::{intern, intern_cached};
pub use inventory::Accounts;
pub use inventory::{Collections, Inventory, InventoryBuilder, PostureCollections};
pub use limits::{EntityUsage, IdentityLimits, LimitCount, PerEntityLimit};
pub use origin::{DocId, Origin, Pointer};
pub use people::{AccountOwner, MfaEnrollment, People, User, UserList};
pub use policy::{
    Activity, AttributeValue, Condition, Operator, PartOrigins, Policy, PolicyPlaceholder,
    PolicyVersion, ResourceAttribute, ResourceTag, Role, RoleData, RoleKind, Scope, Subject,
    Target, instant_words, tag_words,
};
pub use profile::{ProfileClaimRule, ProfileLink, TrustedProfile, profile_core};
pub use resource::{
    Credentials, KeyParts, ResourceInstance, ResourceKey, SecretDigest, VisibleCredentials,
};
pub use role::CustomRole;
pub use settings::{AccessGroupSettings, IdentitySettings, Setting, UserMfa};
pub use snapshot::{CollectionStatus, SnapshotCollection, SnapshotInfo};
pub use time::{Timestamp, parse_timestamp, utc_date, whole_days_between};
pub use view::{EntityHandle, EntityList, EntityView, Listed};

/// The kinds of entity a finding can be about; the names are part of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    ResourceInstance,
    ResourceKey,
    ServiceId,
    ApiKey,
    Policy,
    AccessGroup,
    /// A user of the account (User Management, or a report's item). Not counted in
    /// [`EntityKind::ALL`]: users are an optional export.
    User,
    /// The account itself, for findings on its settings (its id is the account id). Not
    /// counted in [`EntityKind::ALL`].
    Account,
    /// A trusted profile. Not counted in [`EntityKind::ALL`], whose counts the outputs
    /// list (their shape stays as it was).
    TrustedProfile,
    /// A value declared in infrastructure code that is not one of the entities above (a
    /// Terraform variable, output, provider argument or unmapped resource); findings about
    /// exposed secrets name it. Not counted in [`EntityKind::ALL`].
    TerraformValue,
}

impl EntityKind {
    pub const ALL: [Self; 6] = [
        Self::ResourceInstance,
        Self::ResourceKey,
        Self::ServiceId,
        Self::ApiKey,
        Self::Policy,
        Self::AccessGroup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResourceInstance => "resource_instance",
            Self::ResourceKey => "resource_key",
            Self::ServiceId => "service_id",
            Self::ApiKey => "api_key",
            Self::Policy => "policy",
            Self::AccessGroup => "access_group",
            Self::User => "user",
            Self::Account => "account",
            Self::TrustedProfile => "trusted_profile",
            Self::TerraformValue => "terraform_value",
        }
    }

    /// The name people use, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::ResourceInstance => "resource instance",
            Self::ResourceKey => "resource key",
            Self::ServiceId => "service ID",
            Self::ApiKey => "API key",
            Self::Policy => "policy",
            Self::AccessGroup => "access group",
            Self::User => "user",
            Self::Account => "account",
            Self::TrustedProfile => "trusted profile",
            Self::TerraformValue => "Terraform value",
        }
    }

    /// `"1 policy"`, `"3 policies"`.
    pub fn count(self, count: usize) -> String {
        let label = self.label();
        match (count, self) {
            (1, _) => format!("1 {label}"),
            (_, Self::Policy) => format!("{count} policies"),
            _ => format!("{count} {label}s"),
        }
    }
}

/// A reference to one entity, as findings name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EntityRef {
    pub kind: EntityKind,
    /// CRN where the entity has one, else its id.
    pub id: String,
    pub name: Option<String>,
    pub origin: Origin,
    /// The address of the infrastructure-code resource that declares the entity
    /// (`module.audit.ibm_resource_key.reader[0]`), when it comes from a Terraform plan or
    /// state.
    pub address: Option<String>,
    /// The account the entity belongs to, when known (see `Accounts`). Not part of
    /// [`EntityRef::identity`]: ids are unique across accounts.
    pub account: Option<std::sync::Arc<str>>,
}

fn address_of(declaration: Option<&Declaration>) -> Option<String> {
    declaration.map(|declaration| declaration.address.clone())
}

impl EntityRef {
    /// What identifies the entity across runs and snapshots: its address when it is
    /// declared in infrastructure code (a replaced resource keeps its address but not its
    /// CRN), else its CRN or id.
    pub fn identity(&self) -> String {
        match &self.address {
            Some(address) => format!("{}@{address}", self.kind.as_str()),
            None => format!("{}:{}", self.kind.as_str(), self.id),
        }
    }

    pub fn instance(instance: &ResourceInstance) -> Self {
        Self {
            kind: EntityKind::ResourceInstance,
            id: instance.crn.clone(),
            name: instance.name.as_deref().map(str::to_owned),
            origin: instance.origin.clone(),
            address: address_of(instance.declaration.as_deref()),
            account: instance.account.clone(),
        }
    }

    pub fn key(key: &ResourceKey) -> Self {
        Self {
            kind: EntityKind::ResourceKey,
            id: key.crn.clone(),
            name: key.name.as_deref().map(str::to_owned),
            origin: key.origin.clone(),
            address: address_of(key.declaration.as_deref()),
            account: key.account.clone(),
        }
    }

    pub fn service_id(service_id: &ServiceId) -> Self {
        Self {
            kind: EntityKind::ServiceId,
            id: service_id.id.clone(),
            name: service_id.name.as_deref().map(str::to_owned),
            origin: service_id.origin.clone(),
            address: address_of(service_id.declaration.as_deref()),
            account: service_id.account.clone(),
        }
    }

    pub fn api_key(api_key: &ApiKey) -> Self {
        Self {
            kind: EntityKind::ApiKey,
            id: api_key.id.clone(),
            name: api_key.name.as_deref().map(str::to_owned),
            origin: api_key.origin.clone(),
            address: address_of(api_key.declaration.as_deref()),
            account: api_key.account.clone(),
        }
    }

    pub fn policy(policy: &Policy) -> Self {
        Self {
            kind: EntityKind::Policy,
            id: policy.id.clone(),
            name: None,
            origin: policy.origin.clone(),
            address: address_of(policy.declaration.as_deref()),
            account: policy.account.clone(),
        }
    }

    pub fn access_group(group: &AccessGroup) -> Self {
        Self {
            kind: EntityKind::AccessGroup,
            id: group.id.clone(),
            name: group.name.clone(),
            origin: group.origin.clone(),
            address: None,
            account: group.account.clone(),
        }
    }

    pub fn profile(profile: &TrustedProfile) -> Self {
        Self {
            kind: EntityKind::TrustedProfile,
            id: profile.id.clone(),
            name: profile.name.clone(),
            origin: profile.origin.clone(),
            address: address_of(profile.declaration.as_deref()),
            account: profile.account.clone(),
        }
    }

    pub fn placeholder(placeholder: &PolicyPlaceholder) -> Self {
        Self {
            kind: EntityKind::Policy,
            id: placeholder.id.clone(),
            name: None,
            origin: placeholder.origin.clone(),
            address: None,
            account: None,
        }
    }
}

impl Inventory {
    /// How many entities of each kind the inventory holds.
    pub fn count(&self, kind: EntityKind) -> usize {
        match kind {
            EntityKind::ResourceInstance => self.instances.len(),
            EntityKind::ResourceKey => self.keys.len(),
            EntityKind::ServiceId => self.service_ids.len(),
            EntityKind::ApiKey => self.api_keys.len(),
            EntityKind::Policy => self.policies.len() + self.placeholders.len(),
            EntityKind::AccessGroup => self.access_groups.len(),
            EntityKind::User => self.people.users.len(),
            EntityKind::TrustedProfile => self.profiles.len(),
            EntityKind::Account | EntityKind::TerraformValue => 0,
        }
    }
}
