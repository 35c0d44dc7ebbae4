//! Resource Controller entities: service instances and their resource keys.

use super::crn::{Crn, CrnCache};
use super::declaration::{Declaration, Unresolved};
use super::origin::Origin;

/// A service instance (`/v2/resource_instances`).
#[derive(Debug, Clone)]
pub struct ResourceInstance {
    /// The instance CRN (the API's `id` and `crn` are the same CRN).
    pub crn: String,
    pub guid: String,
    pub name: Option<Box<str>>,
    pub account_id: Option<String>,
    /// The account the entity belongs to: what its own data names (`account_id`, the `a/<account>`
    /// scope of its CRN), else its document's account; resolved by `InventoryBuilder::finish`.
    pub account: Option<std::sync::Arc<str>>,
    pub resource_group_id: Option<String>,
    pub state: Option<std::sync::Arc<str>>,
    pub origin: Origin,
    /// The infrastructure-code resource that declares it (a Terraform plan or state).
    pub declaration: Option<Box<Declaration>>,
    /// The fields of `crn`, once read (see [`ResourceInstance::parsed_crn`]).
    pub crn_fields: CrnCache,
}

impl ResourceInstance {
    /// The instance CRN parsed, when it is a CRN.
    pub fn parsed_crn(&self) -> Option<Crn<'_>> {
        self.crn_fields.get(&self.crn)
    }

    /// The catalog service name, read from the CRN (`logdnaat`, `cloud-object-storage`).
    pub fn service_name(&self) -> Option<&str> {
        self.parsed_crn().map(|crn| crn.service_name)
    }
}

/// A fingerprint of a secret value, so rules can compare secrets without holding them.
///
/// NOTE: secrets never enter the model; only this digest does.
/// Where a key's credentials, their service ID link and its instance's CRN sit. An API
/// export or CLI listing holds them under the key's own item, so only which of them the item
/// has is stored and each place is computed when a finding needs it: three pointers per key
/// were 21 MB of a scale-100 account. Terraform keeps them elsewhere: stored as found.
#[derive(Debug, Clone)]
pub enum KeyParts {
    /// At `credentials`, `credentials/iam_serviceid_crn` and `source_crn` below the key's
    /// origin, for each that the item holds.
    Members {
        credentials: bool,
        serviceid: bool,
        source: bool,
    },
    /// The places of the credentials, the service ID link and the instance's CRN.
    Placed(Box<[Option<Origin>; 3]>),
}

impl KeyParts {
    /// Places found one by one (none found: nothing stored).
    pub fn placed(
        credentials: Option<Origin>,
        serviceid: Option<Origin>,
        source: Option<Origin>,
    ) -> Self {
        if credentials.is_none() && serviceid.is_none() && source.is_none() {
            return Self::default();
        }
        Self::Placed(Box::new([credentials, serviceid, source]))
    }
}

impl Default for KeyParts {
    fn default() -> Self {
        Self::Members {
            credentials: false,
            serviceid: false,
            source: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretDigest(pub u64);

impl SecretDigest {
    pub fn of(secret: &str) -> Self {
        use std::hash::{Hash, Hasher};
        // DefaultHasher::new() uses fixed keys: equal secrets give equal digests in one run.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        secret.hash(&mut hasher);
        Self(hasher.finish())
    }
}

/// What the export shows of a key's `credentials`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// The key object has no `credentials` member at all.
    Absent,
    /// `{"REDACTED": "REDACTED"}`: the exporter could not see the secret, so the service ID
    /// link is invisible too.
    Redacted,
    Visible(VisibleCredentials),
    /// A plan computes the credentials at apply time and the service ID behind them could not
    /// be worked out from the plan's references.
    Unresolved(Unresolved),
}

/// The non-secret IAM members of visible credentials, plus digests of the secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisibleCredentials {
    pub iam_serviceid_crn: Option<super::identity::ServiceIdLink>,
    /// One of a few roles' CRNs, shared (interned).
    pub iam_role_crn: Option<std::sync::Arc<str>>,
    /// Read through [`ResourceKey::apikey_name`]: `None` also when it is the key's own
    /// name, as IAM names the API key it makes for a key (`name_is_key_name` below).
    pub iam_apikey_name: Option<Box<str>>,
    /// The API key's name is the key's name: not kept twice.
    pub name_is_key_name: bool,
    /// Read through [`ResourceKey::apikey_description`]: `None` also when the description
    /// is the one IAM writes for the key (`description_names_key` below).
    pub iam_apikey_description: Option<Box<str>>,
    /// The description is `Auto-generated for key <GUID>` with the key's own GUID, as IAM
    /// writes it for nearly every key: not kept, but spelled again when read (a string
    /// for each of tens of thousands of keys).
    pub description_names_key: bool,
    pub service_key: Option<SecretDigest>,
    pub has_apikey: bool,
}

/// How IAM describes the API key it makes for a resource key, before the key's GUID.
const AUTO_GENERATED_FOR_KEY: &str = "Auto-generated for key ";

/// The description IAM writes for the API key of the resource key with this GUID.
fn auto_generated_for(guid: &str) -> String {
    format!("{AUTO_GENERATED_FOR_KEY}{guid}")
}

/// Whether `description` is the one IAM writes for the resource key with this GUID.
fn names_key(description: &str, guid: &str) -> bool {
    description.strip_prefix(AUTO_GENERATED_FOR_KEY) == Some(guid)
}

impl VisibleCredentials {
    /// Writes the name and description out again, for credentials moved to another copy
    /// of the key (`name` and `guid` are those of the copy they come from).
    pub fn spell_out(&mut self, name: Option<&str>, guid: Option<&str>) {
        if std::mem::take(&mut self.name_is_key_name) {
            self.iam_apikey_name = name.map(Box::from);
        }
        if std::mem::take(&mut self.description_names_key) {
            self.iam_apikey_description =
                guid.map(|guid| auto_generated_for(guid).into_boxed_str());
        }
    }

    /// Drops the API key's name when it is the key's own `name` (see
    /// [`VisibleCredentials::name_is_key_name`]).
    pub fn keep_name_of(&mut self, name: &str) {
        if self.iam_apikey_name.as_deref() == Some(name) {
            self.iam_apikey_name = None;
            self.name_is_key_name = true;
        }
    }

    /// Drops the description when it is the one IAM writes for the key with this GUID
    /// (see [`VisibleCredentials::description_names_key`]).
    pub fn keep_description_of(&mut self, guid: &str) {
        let names_key = !guid.is_empty()
            && self
                .iam_apikey_description
                .as_deref()
                .is_some_and(|text| names_key(text, guid));
        if names_key {
            self.iam_apikey_description = None;
            self.description_names_key = true;
        }
    }
}

/// A resource key (service key, service credential) of an instance.
#[derive(Debug, Clone)]
pub struct ResourceKey {
    /// The key CRN, or its `id`/`guid` when the export has no CRN.
    pub crn: String,
    pub guid: Option<Box<str>>,
    pub name: Option<Box<str>>,
    /// The CRN of the instance the key belongs to, shared by the keys of one instance
    /// (interned: an instance has several keys, and the CRN is over 100 bytes).
    pub source_crn: Option<std::sync::Arc<str>>,
    pub state: Option<std::sync::Arc<str>>,
    pub created_at: Option<Box<str>>,
    pub created_by: Option<std::sync::Arc<str>>,
    pub credentials: Credentials,
    /// The account the entity belongs to: what its own data names (`account_id`, the `a/<account>`
    /// scope of its CRN), else its document's account; resolved by `InventoryBuilder::finish`.
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
    /// Where its credentials, their service ID and its instance's CRN sit (see the
    /// methods of the same names).
    pub parts: KeyParts,
    /// The infrastructure-code resource that declares it (a Terraform plan or state).
    pub declaration: Option<Box<Declaration>>,
    /// The instance the key belongs to is computed at apply time and could not be worked
    /// out (then `source_crn` is `None`, and whether it is an auditing key is unknown).
    pub source_unresolved: Option<Box<Unresolved>>,
    /// The role the key is created with is computed at apply time and could not be worked
    /// out (then the credentials name no role, and the key's role is unknown, not "none").
    pub role_unresolved: Option<Box<Unresolved>>,
    /// The fields of `source_crn`, once read (see [`ResourceKey::source`]).
    pub source_fields: CrnCache,
}

impl ResourceKey {
    /// The instance CRN parsed, when `source_crn` is a CRN.
    pub fn source(&self) -> Option<Crn<'_>> {
        let source = self.source_crn.as_deref()?;
        self.source_fields.get(source)
    }

    /// The service the key belongs to, from `source_crn`, falling back to the key's own CRN.
    pub fn service_name(&self) -> Option<&str> {
        self.source()
            .or_else(|| Crn::parse(&self.crn))
            .map(|crn| crn.service_name)
            .filter(|name| !name.is_empty())
    }

    /// The GUID of the instance the key belongs to.
    pub fn instance_guid(&self) -> Option<&str> {
        self.source()
            .map(|crn| crn.service_instance)
            .filter(|guid| !guid.is_empty())
    }

    /// The `ServiceId-<uuid>` core of the service ID its credentials name
    /// (`credentials.iam_serviceid_crn`).
    pub fn service_id_core(&self) -> Option<&str> {
        self.visible_credentials()?
            .iam_serviceid_crn
            .as_ref()?
            .core()
    }

    /// Its credentials' `iam_apikey_name`, as written.
    pub fn apikey_name(&self) -> Option<&str> {
        let visible = self.visible_credentials()?;
        if visible.name_is_key_name {
            return self.name.as_deref();
        }
        visible.iam_apikey_name.as_deref()
    }

    /// Its credentials' `iam_apikey_description`, as written.
    pub fn apikey_description(&self) -> Option<std::borrow::Cow<'_, str>> {
        let visible = self.visible_credentials()?;
        if visible.description_names_key {
            let guid = self.guid.as_deref()?;
            return Some(std::borrow::Cow::Owned(auto_generated_for(guid)));
        }
        visible
            .iam_apikey_description
            .as_deref()
            .map(std::borrow::Cow::Borrowed)
    }

    /// Whether its credentials' `iam_apikey_description` is `text` (without spelling it).
    pub fn apikey_description_is(&self, text: &str) -> bool {
        let Some(visible) = self.visible_credentials() else {
            return false;
        };
        if visible.description_names_key {
            return self
                .guid
                .as_deref()
                .is_some_and(|guid| names_key(text, guid));
        }
        visible.iam_apikey_description.as_deref() == Some(text)
    }

    pub fn visible_credentials(&self) -> Option<&VisibleCredentials> {
        match &self.credentials {
            Credentials::Visible(visible) => Some(visible),
            _ => None,
        }
    }

    /// The display name: the key name, else its CRN.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.crn)
    }

    /// Where the key names its service ID (`credentials.iam_serviceid_crn`), else the key.
    /// Where `credentials` sits, when the loader knows.
    pub fn credentials_origin(&self) -> Option<Origin> {
        match &self.parts {
            KeyParts::Members { credentials, .. } => {
                credentials.then(|| self.origin.key("credentials"))
            }
            KeyParts::Placed(parts) => parts[0].clone(),
        }
    }

    /// Where `credentials.iam_serviceid_crn` (the link to the service ID) sits.
    pub fn serviceid_origin(&self) -> Option<Origin> {
        match &self.parts {
            KeyParts::Members { serviceid, .. } => {
                serviceid.then(|| self.origin.key("credentials").key("iam_serviceid_crn"))
            }
            KeyParts::Placed(parts) => parts[1].clone(),
        }
    }

    /// Where `source_crn` (the key's instance) sits.
    pub fn source_origin(&self) -> Option<Origin> {
        match &self.parts {
            KeyParts::Members { source, .. } => source.then(|| self.origin.key("source_crn")),
            KeyParts::Placed(parts) => parts[2].clone(),
        }
    }

    pub fn serviceid_origin_or_own(&self) -> Origin {
        Origin::part_or_entity(self.serviceid_origin().as_ref(), &self.origin)
    }

    /// Where the key names its instance (`source_crn`), else the key.
    pub fn source_origin_or_own(&self) -> Origin {
        Origin::part_or_entity(self.source_origin().as_ref(), &self.origin)
    }

    /// Where the key's `credentials` sit, else the key.
    pub fn credentials_origin_or_own(&self) -> Origin {
        Origin::part_or_entity(self.credentials_origin().as_ref(), &self.origin)
    }
}
