//! IAM Identity entities: service IDs and API keys.

use std::borrow::Cow;
use std::sync::Arc;

use super::crn::{Crn, service_id_core};
use super::declaration::Declaration;
use super::origin::Origin;

/// The CRN of a service ID or an API key. Nearly every one is the CRN IAM Identity gives
/// the entity's id in its account (`crn:v1:bluemix:public:iam-identity::a/<account>::serviceid:<id>`,
/// `...::apikey:<id>`): 130-odd bytes for each of tens of thousands of entities, the largest
/// string they hold. Such a CRN is kept as its account (shared by every entity of the
/// account) and spelled again from the entity's id when read; any other is kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityCrn {
    /// `crn:v1:bluemix:public:iam-identity::a/<account>::<kind>:<id>`.
    Account(Arc<str>),
    Written(Box<str>),
}

const IDENTITY_CRN_PREFIX: &str = "crn:v1:bluemix:public:iam-identity::a/";

/// The CRN IAM Identity gives the entity `id` of `kind` in `account`.
fn spelled(account: &str, kind: &str, id: &str) -> String {
    format!("{IDENTITY_CRN_PREFIX}{account}::{kind}:{id}")
}

impl IdentityCrn {
    /// `crn` as written for the entity `id` of `kind` (`serviceid`, `apikey`).
    pub fn new(crn: String, kind: &str, id: &str) -> Self {
        match Self::account_of(&crn, kind, id) {
            Some(account) => Self::Account(super::intern_cached(account)),
            None => Self::Written(crn.into_boxed_str()),
        }
    }

    /// The account of `crn` when `crn` is exactly the CRN [`Self::text`] spells for `id`.
    fn account_of<'c>(crn: &'c str, kind: &str, id: &str) -> Option<&'c str> {
        let rest = crn.strip_prefix(IDENTITY_CRN_PREFIX)?;
        let (account, rest) = rest.split_once("::")?;
        let rest = rest.strip_prefix(kind)?.strip_prefix(':')?;
        // Account ids are hex digits; anything else is kept as written, so that what the
        // CRN parser reads from the spelled CRN is the account kept.
        let plain = !account.is_empty() && account.bytes().all(|b| b.is_ascii_alphanumeric());
        (plain && rest == id).then_some(account)
    }

    /// The CRN of the entity `id` of `kind`.
    pub fn text(&self, kind: &str, id: &str) -> Cow<'_, str> {
        match self {
            Self::Account(account) => Cow::Owned(spelled(account, kind, id)),
            Self::Written(crn) => Cow::Borrowed(crn),
        }
    }

    /// The account the CRN names (its `a/<account>` scope), as written.
    pub fn account(&self) -> Option<&str> {
        match self {
            Self::Account(account) => Some(account),
            Self::Written(crn) => Crn::parse(crn)?.account,
        }
    }
}

/// The service ID a resource key's credentials name (`credentials.iam_serviceid_crn`). An
/// account has a key for each of thousands of service IDs, and each key spells its service
/// ID's whole CRN (136 bytes, 144 with the allocator's rounding); one of IAM Identity's own
/// spelling is kept as its account (shared) and the `ServiceId-<uuid>` core, and spelled
/// again when read. Any other spelling (a bare core from a plan, another CRN) is kept as
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceIdLink {
    /// `crn:v1:bluemix:public:iam-identity::a/<account>::serviceid:<core>`.
    Account {
        account: Arc<str>,
        core: Box<str>,
    },
    Written(Box<str>),
}

impl ServiceIdLink {
    pub fn new(spelling: String) -> Self {
        if let Some((_, core)) = spelling.rsplit_once("::serviceid:")
            && service_id_core(core) == Some(core)
            && let Some(account) = IdentityCrn::account_of(&spelling, SERVICE_ID_KIND, core)
        {
            return Self::Account {
                account: super::intern_cached(account),
                core: core.into(),
            };
        }
        Self::Written(spelling.into_boxed_str())
    }

    /// The spelling as written.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Self::Account { account, core } => Cow::Owned(spelled(account, SERVICE_ID_KIND, core)),
            Self::Written(text) => Cow::Borrowed(text),
        }
    }

    /// The `ServiceId-<uuid>` core it names, as [`service_id_core`] reads it from the text.
    pub fn core(&self) -> Option<&str> {
        match self {
            Self::Account { core, .. } => Some(core),
            Self::Written(text) => service_id_core(text),
        }
    }
}

/// A service ID (`/v1/serviceids/`).
#[derive(Debug, Clone)]
pub struct ServiceId {
    /// `ServiceId-<uuid>`.
    pub id: String,
    /// Read through [`ServiceId::iam_id`]: `None` when it is `iam-<id>`, as IAM writes it
    /// for every service ID (a 50-byte string for each of thousands of service IDs).
    pub iam_id: Option<Box<str>>,
    /// Read through [`ServiceId::crn`].
    pub crn: Option<IdentityCrn>,
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

    /// Its CRN, when known.
    pub fn crn(&self) -> Option<Cow<'_, str>> {
        Some(self.crn.as_ref()?.text(SERVICE_ID_KIND, &self.id))
    }

    /// `iam-ServiceId-<uuid>`, the subject spelling used in policies.
    pub fn iam_id(&self) -> Cow<'_, str> {
        match &self.iam_id {
            Some(written) => Cow::Borrowed(written),
            None => Cow::Owned(format!("iam-{}", self.id)),
        }
    }

    /// What to keep of the `iam_id` written for the service ID `id`: nothing when it is
    /// `iam-<id>`, which [`ServiceId::iam_id`] spells again.
    pub fn written_iam_id(iam_id: String, id: &str) -> Option<Box<str>> {
        let derived = iam_id.strip_prefix("iam-") == Some(id);
        (!derived).then(|| iam_id.into_boxed_str())
    }
}

/// The resource type of a service ID's CRN.
pub const SERVICE_ID_KIND: &str = "serviceid";
/// The resource type of an API key's CRN.
pub const API_KEY_KIND: &str = "apikey";

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
    /// Read through [`ApiKey::crn`].
    pub crn: Option<IdentityCrn>,
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

    /// Its CRN, when known.
    pub fn crn(&self) -> Option<Cow<'_, str>> {
        Some(self.crn.as_ref()?.text(API_KEY_KIND, &self.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "baf424e6c74b68c5dd5d7937d3f835b3";

    fn canonical(kind: &str, id: &str) -> String {
        format!("crn:v1:bluemix:public:iam-identity::a/{ACCOUNT}::{kind}:{id}")
    }

    #[test]
    fn an_identity_crn_reads_back_as_written() {
        let id = "ServiceId-acaf6269-2161-41a0-aae1-cd7208446465";
        let crn = IdentityCrn::new(canonical(SERVICE_ID_KIND, id), SERVICE_ID_KIND, id);
        assert!(matches!(crn, IdentityCrn::Account(_)), "{crn:?}");
        assert_eq!(
            crn.text(SERVICE_ID_KIND, id),
            canonical(SERVICE_ID_KIND, id)
        );
        assert_eq!(crn.account(), Some(ACCOUNT));
        let key = "ApiKey-2f32a63e-801f-4be5-9275-f6c34fc9471a";
        let crn = IdentityCrn::new(canonical(API_KEY_KIND, key), API_KEY_KIND, key);
        assert!(matches!(crn, IdentityCrn::Account(_)), "{crn:?}");
        assert_eq!(crn.text(API_KEY_KIND, key), canonical(API_KEY_KIND, key));
    }

    #[test]
    fn a_service_id_iam_id_is_kept_only_when_it_is_not_the_usual_one() {
        let id = "ServiceId-acaf6269-2161-41a0-aae1-cd7208446465";
        assert_eq!(ServiceId::written_iam_id(format!("iam-{id}"), id), None);
        for other in [id.to_owned(), format!("iam-{id}x"), format!("IAM-{id}")] {
            assert_eq!(
                ServiceId::written_iam_id(other.clone(), id).as_deref(),
                Some(other.as_str())
            );
        }
    }

    #[test]
    fn a_service_id_link_reads_back_as_written() {
        let core = "ServiceId-acaf6269-2161-41a0-aae1-cd7208446465";
        let spelled = canonical(SERVICE_ID_KIND, core);
        let link = ServiceIdLink::new(spelled.clone());
        assert!(matches!(link, ServiceIdLink::Account { .. }), "{link:?}");
        assert_eq!(link.text(), spelled);
        assert_eq!(link.core(), service_id_core(&spelled));
        for other in [
            core.to_owned(),
            format!("iam-{core}"),
            format!("crn:v1:staging:public:iam-identity::a/{ACCOUNT}::serviceid:{core}"),
            format!("crn:v1:bluemix:public:iam-identity::a/{ACCOUNT}::serviceid:x:{core}"),
            format!("crn:v1:bluemix:public:iam-identity::a/{ACCOUNT}::apikey:{core}"),
            format!("crn:v1:bluemix:public:iam-identity::a/a-b::serviceid:{core}"),
            "crn:v1:bluemix:public:iam-identity::a/acct::serviceid:Other-1".to_owned(),
            String::new(),
        ] {
            let link = ServiceIdLink::new(other.clone());
            assert!(
                matches!(link, ServiceIdLink::Written(_)),
                "{other}: {link:?}"
            );
            assert_eq!(link.text(), other);
            assert_eq!(link.core(), service_id_core(&other), "{other}");
        }
    }

    #[test]
    fn any_other_identity_crn_is_kept_as_written() {
        let id = "ServiceId-1";
        let written = [
            // Another entity's CRN, another kind, another cloud, another account spelling.
            canonical(SERVICE_ID_KIND, "ServiceId-2"),
            canonical(API_KEY_KIND, id),
            format!("crn:v1:staging:public:iam-identity::a/{ACCOUNT}::serviceid:{id}"),
            format!("crn:v1:bluemix:public:iam-identity::a/acc-ount::serviceid:{id}"),
            format!("crn:v1:bluemix:public:iam-identity::a/::serviceid:{id}"),
            format!("crn:v1:bluemix:public:iam-identity::a/{ACCOUNT}::serviceid:{id}:"),
            "<crn known after apply>".to_owned(),
        ];
        for crn in written {
            let kept = IdentityCrn::new(crn.clone(), SERVICE_ID_KIND, id);
            assert_eq!(kept, IdentityCrn::Written(crn.clone().into_boxed_str()));
            assert_eq!(kept.text(SERVICE_ID_KIND, id), crn);
            assert_eq!(kept.account(), Crn::parse(&crn).and_then(|crn| crn.account));
        }
    }
}
