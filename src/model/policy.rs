//! IAM access policies, v1 and v2 in one type.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;

use super::crn::service_id_core;
use super::declaration::{Declaration, Unresolved};
use super::intern::intern;
use super::origin::Origin;
use super::time::Timestamp;

mod condition;
mod scope;

pub use condition::{Activity, Condition, instant_words};
pub use scope::{Scope, Target, tag_words};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyVersion {
    V1,
    V2,
}

/// Who a policy grants access to, from its subject attributes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A service ID; holds the `ServiceId-<uuid>` core.
    ServiceId(String),
    /// A user (`IBMid-...`).
    User(String),
    /// A trusted profile (`iam-Profile-...`).
    Profile(String),
    /// An access group (`AccessGroupId-...`).
    AccessGroup(String),
    /// A service-to-service authorization source or anything else.
    Other(String),
    /// No subject attributes at all.
    Missing,
    /// A plan computes the subject at apply time and its references could not be followed:
    /// it may be any identity.
    Unresolved(Box<Unresolved>),
}

impl Subject {
    /// Classifies an `iam_id` value.
    pub fn from_iam_id(iam_id: &str) -> Self {
        if let Some(core) = service_id_core(iam_id) {
            Self::ServiceId(core.to_owned())
        } else if iam_id.starts_with("IBMid-") {
            Self::User(iam_id.to_owned())
        } else if iam_id.starts_with("iam-Profile-") || iam_id.starts_with("Profile-") {
            Self::Profile(iam_id.to_owned())
        } else {
            Self::Other(iam_id.to_owned())
        }
    }

    pub fn service_id(&self) -> Option<&str> {
        match self {
            Self::ServiceId(core) => Some(core),
            _ => None,
        }
    }
}

/// Whether a role is a platform role, a service role, or a custom role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleKind {
    Platform,
    Service,
    Custom,
    Other,
}

/// A role, parsed from its CRN (`crn:v1:bluemix:public:iam::::serviceRole:Manager`): a
/// shared handle on its [`RoleData`], which it dereferences to. An account names a few dozen
/// roles in hundreds of thousands of policies; a handle is one pointer where the data was
/// 56 bytes per role of each policy.
#[derive(Clone, PartialEq, Eq)]
pub struct Role(Arc<RoleData>);

/// What a role is: its CRN, kind, service and name.
#[derive(Debug, PartialEq, Eq)]
pub struct RoleData {
    pub crn: Arc<str>,
    pub kind: RoleKind,
    /// The CRN's service segment: `iam` for the shared roles, else the service's own name.
    pub service: Arc<str>,
    pub name: Arc<str>,
}

impl std::ops::Deref for Role {
    type Target = RoleData;

    fn deref(&self) -> &RoleData {
        &self.0
    }
}

impl fmt::Debug for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Role")
            .field("crn", &self.crn)
            .field("kind", &self.kind)
            .field("service", &self.service)
            .field("name", &self.name)
            .finish()
    }
}

impl Role {
    pub fn new(crn: Arc<str>, kind: RoleKind, service: Arc<str>, name: Arc<str>) -> Self {
        Self(Arc::new(RoleData {
            crn,
            kind,
            service,
            name,
        }))
    }

    /// Parses a role CRN; a bare display name (`Manager`) is mapped to the shared role CRN.
    /// An account names a few dozen roles in hundreds of thousands of policies: each text
    /// is parsed once, and its role shared (see [`super::intern`]).
    pub fn parse(text: &str) -> Self {
        // Each thread keeps the roles it met, so that the cores do not wait on the lock
        // of the process's table below for every role of every policy.
        thread_local! {
            static MET: std::cell::RefCell<FxHashMap<Arc<str>, Role>> =
                std::cell::RefCell::new(FxHashMap::default());
        }
        if let Some(role) = MET.with(|met| met.borrow().get(text).cloned()) {
            return role;
        }
        let role = Self::parse_shared(text);
        MET.with(|met| {
            let mut met = met.borrow_mut();
            // A bound for inputs that name endless distinct roles.
            if met.len() >= 4096 {
                met.clear();
            }
            met.insert(Arc::from(text), role.clone());
        });
        role
    }

    fn parse_shared(text: &str) -> Self {
        static PARSED: OnceLock<Mutex<FxHashMap<Arc<str>, Role>>> = OnceLock::new();
        let parsed = PARSED.get_or_init(Default::default);
        // A panic elsewhere while the lock was held leaves the table as it was: still valid.
        let mut parsed = parsed.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(role) = parsed.get(text) {
            return role.clone();
        }
        let role = Self::parse_text(text);
        // A CRN keys by the role's own (interned) copy; a display name by itself.
        let key = if *role.crn == *text {
            Arc::clone(&role.crn)
        } else {
            Arc::from(text)
        };
        parsed.insert(key, role.clone());
        role
    }

    fn parse_text(text: &str) -> Self {
        let parts: Vec<&str> = text.split(':').collect();
        if parts.len() >= 10 && parts[0] == "crn" {
            let kind = match parts[8] {
                "role" => RoleKind::Platform,
                "serviceRole" => RoleKind::Service,
                "customRole" => RoleKind::Custom,
                _ => RoleKind::Other,
            };
            return Self::new(
                intern(text),
                kind,
                intern(parts[4]),
                intern(&parts[9..].join(":")),
            );
        }
        Self::from_display_name(text)
    }

    /// Maps a display name as Terraform and the CLI write it to the shared role CRN.
    pub fn from_display_name(name: &str) -> Self {
        let (kind, segment) = match name {
            "Administrator" | "Editor" | "Operator" | "Viewer" => (RoleKind::Platform, "role"),
            "Manager" | "Writer" | "Reader" => (RoleKind::Service, "serviceRole"),
            _ => (RoleKind::Other, "role"),
        };
        Self::new(
            intern(&format!("crn:v1:bluemix:public:iam::::{segment}:{name}")),
            kind,
            intern("iam"),
            intern(name),
        )
    }

    pub fn is(&self, kind: RoleKind, name: &str) -> bool {
        self.kind == kind && *self.name == *name
    }
}

/// How an attribute's value is compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operator {
    StringEquals,
    StringMatch,
    StringExists,
    StringEqualsAnyOf,
    StringMatchAnyOf,
    Other(OtherOperator),
}

/// An operator iamlint does not know, kept as its place in the process's table of such
/// texts: one word instead of a string, so that a policy's resource attribute is 48 bytes,
/// not 64 (three of them, as most policies have, fit a 160-byte allocation instead of 192).
/// The texts are few; each is kept once, for the rest of the process.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct OtherOperator(u32);

static OTHER_OPERATORS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

impl OtherOperator {
    fn new(text: &str) -> Self {
        // A panic elsewhere while the lock was held leaves the table as it was: still valid.
        let mut table = OTHER_OPERATORS
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let at = match table.iter().position(|known| *known == text) {
            Some(at) => at,
            None => {
                table.push(Box::leak(Box::from(text)));
                table.len() - 1
            }
        };
        Self(u32::try_from(at).unwrap_or(u32::MAX))
    }

    /// The operator as written.
    pub fn text(self) -> &'static str {
        let table = OTHER_OPERATORS
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        usize::try_from(self.0)
            .ok()
            .and_then(|at| table.get(at).copied())
            .unwrap_or_default()
    }
}

impl fmt::Debug for OtherOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.text(), f)
    }
}

impl Operator {
    /// A missing v1 operator means `stringEquals`.
    pub fn parse(text: Option<&str>) -> Self {
        match text.unwrap_or("stringEquals") {
            "stringEquals" => Self::StringEquals,
            "stringMatch" => Self::StringMatch,
            "stringExists" => Self::StringExists,
            "stringEqualsAnyOf" => Self::StringEqualsAnyOf,
            "stringMatchAnyOf" => Self::StringMatchAnyOf,
            other => Self::Other(OtherOperator::new(other)),
        }
    }
}

/// A v2 attribute value: a string, a boolean (with `stringExists`) or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    /// Shared: a quarter of a million policies name the same accounts, services, instances
    /// and resource types (see [`crate::model::intern_cached`]).
    String(Arc<str>),
    Bool(bool),
    List(Box<[String]>),
    /// A plan computes the value at apply time and its references could not be followed.
    Unresolved(Box<Unresolved>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceAttribute {
    pub name: Arc<str>,
    pub operator: Operator,
    pub value: AttributeValue,
}

impl ResourceAttribute {
    /// The value, when this is attribute `name` compared with `stringEquals` to a string.
    pub fn string_equals(&self, name: &str) -> Option<&str> {
        match (&self.operator, &self.value) {
            (Operator::StringEquals, AttributeValue::String(value)) if *self.name == *name => {
                Some(&**value)
            }
            _ => None,
        }
    }
}

/// An access management tag on a policy's resource (v1 `resources[].tags[]` with `name`,
/// v2 `resource.tags[]` with `key`): the policy covers only resources that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceTag {
    pub name: String,
    pub value: String,
    pub operator: Operator,
}

/// Where a policy writes its subject, roles and resource, when they have places of their
/// own (a finding about a policy's roles points at its `roles`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartOrigins {
    /// None known: a finding about a part points at the policy.
    Own,
    /// An API export: the members of the policy's version below the policy's place (v1
    /// `subjects`, `roles`, `resources`; v2 `subject`, `control/grant/roles`, `resource`),
    /// computed when asked for instead of stored with each of 250,000 policies.
    Members,
    /// Each part's place (subject, roles, resource), where known: a Terraform resource.
    Placed(Box<[Option<Origin>; 3]>),
}

/// An access (or authorization) policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub id: String,
    pub version: PolicyVersion,
    /// `access` or `authorization`.
    pub kind: Option<std::sync::Arc<str>>,
    pub subject: Subject,
    pub roles: Box<[Role]>,
    /// A plan computes the roles (or some of them) at apply time and the loader could not
    /// follow them: `roles` holds only the known ones, and the policy may grant any role.
    pub roles_unresolved: Option<Box<Unresolved>>,
    pub resource: Box<[ResourceAttribute]>,
    /// Access management tags that narrow the resource.
    pub tags: Box<[ResourceTag]>,
    /// The v2 `rule`: time-based conditions, or conditions on resource attributes.
    pub rule: Option<Box<Condition>>,
    pub state: Option<std::sync::Arc<str>>,
    pub origin: Origin,
    /// The account the entity belongs to: what its own data names (`account_id`, the `a/<account>`
    /// scope of its CRN), else its document's account; resolved by `InventoryBuilder::finish`.
    pub account: Option<std::sync::Arc<str>>,
    /// Where the policy writes its subject, roles and resource.
    pub parts: PartOrigins,
    /// The infrastructure-code resource that declares it (a Terraform plan or state).
    pub declaration: Option<Box<Declaration>>,
}

impl Policy {
    /// The first part of the policy a plan leaves unresolved (its subject, its roles, then
    /// its resource attributes), if any: what the policy grants, and to whom, is then partly
    /// unknown.
    pub fn unresolved(&self) -> Option<&Unresolved> {
        if let Subject::Unresolved(unresolved) = &self.subject {
            return Some(&**unresolved);
        }
        if let Some(unresolved) = &self.roles_unresolved {
            return Some(&**unresolved);
        }
        self.resource
            .iter()
            .find_map(|attribute| match &attribute.value {
                AttributeValue::Unresolved(unresolved) => Some(&**unresolved),
                _ => None,
            })
    }

    /// Where the policy names its subject (`subjects`, `subject`), if known.
    pub fn subject_origin(&self) -> Option<Origin> {
        self.part(0, &["subjects"], &["subject"])
    }

    /// Where the policy lists its roles (`roles`, `control/grant/roles`), if known.
    pub fn roles_origin(&self) -> Option<Origin> {
        self.part(1, &["roles"], &["control", "grant", "roles"])
    }

    /// Where the policy names its resource (`resources`, `resource`), if known.
    pub fn resource_origin(&self) -> Option<Origin> {
        self.part(2, &["resources"], &["resource"])
    }

    /// Part `at` of [`PartOrigins::Placed`], or the member below the policy that holds it
    /// in a v1 or v2 export.
    fn part(&self, at: usize, v1: &[&str], v2: &[&str]) -> Option<Origin> {
        match &self.parts {
            PartOrigins::Own => None,
            PartOrigins::Members => {
                let members = match self.version {
                    PolicyVersion::V1 => v1,
                    PolicyVersion::V2 => v2,
                };
                Some(
                    members
                        .iter()
                        .fold(self.origin.clone(), |origin, member| origin.key(member)),
                )
            }
            PartOrigins::Placed(places) => places[at].clone(),
        }
    }

    /// Where the policy names its subject, else the policy.
    pub fn subject_origin_or_own(&self) -> Origin {
        self.subject_origin().unwrap_or_else(|| self.origin.clone())
    }

    /// Where the policy lists its roles, else the policy.
    pub fn roles_origin_or_own(&self) -> Origin {
        self.roles_origin().unwrap_or_else(|| self.origin.clone())
    }

    /// Where the policy names its resource, else the policy.
    pub fn resource_origin_or_own(&self) -> Origin {
        self.resource_origin()
            .unwrap_or_else(|| self.origin.clone())
    }

    /// The string value of resource attribute `name` compared with `stringEquals`.
    pub fn resource_equals(&self, name: &str) -> Option<&str> {
        self.resource
            .iter()
            .find_map(|attribute| attribute.string_equals(name))
    }

    /// Whether any attribute named `name` is present, whatever its operator.
    pub fn has_resource_attribute(&self, name: &str) -> bool {
        self.resource
            .iter()
            .any(|attribute| *attribute.name == *name)
    }

    /// Deleted policies and authorization policies grant no access to the subject.
    pub fn is_active_access(&self) -> bool {
        self.state.as_deref() != Some("deleted")
            && self.kind.as_deref().is_none_or(|kind| kind == "access")
    }

    pub fn grants(&self, kind: RoleKind, name: &str) -> bool {
        self.roles.iter().any(|role| role.is(kind, name))
    }

    /// What the policy covers: its target and what narrows it.
    pub fn scope(&self) -> Scope<'_> {
        Scope::of(self)
    }

    /// Whether the policy grants anything at `now`, by the time conditions of its rule.
    pub fn activity(&self, now: Option<Timestamp>) -> Activity {
        self.rule
            .as_ref()
            .map_or(Activity::Active, |rule| rule.activity(now))
    }

    /// When the policy grants, in words (`active only between ... and ...`), if its rule
    /// has time conditions.
    pub fn time_words(&self) -> Option<String> {
        self.rule.as_deref().and_then(Condition::time_words)
    }
}

/// A v1 list entry that only stands in for a v2 policy (`role:UnsupportedVersion`).
#[derive(Debug, Clone)]
pub struct PolicyPlaceholder {
    pub id: String,
    pub href: Option<String>,
    pub origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_operators_read_back_as_written() {
        let first = Operator::parse(Some("stringLessThan"));
        let again = Operator::parse(Some("stringLessThan"));
        let other = Operator::parse(Some("dateTimeGreaterThan"));
        assert_eq!(first, again);
        assert_ne!(first, other);
        let (Operator::Other(first), Operator::Other(other)) = (first, other) else {
            panic!("unknown operators are kept as Other");
        };
        assert_eq!(first.text(), "stringLessThan");
        assert_eq!(other.text(), "dateTimeGreaterThan");
        assert_eq!(format!("{first:?}"), "\"stringLessThan\"");
        assert_eq!(Operator::parse(None), Operator::StringEquals);
        assert_eq!(std::mem::size_of::<ResourceAttribute>(), 48);
    }

    #[test]
    fn parses_role_crns() {
        let role = Role::parse("crn:v1:bluemix:public:iam::::serviceRole:Manager");
        assert!(role.is(RoleKind::Service, "Manager"));
        let custom =
            Role::parse("crn:v1:ibmcloud:public:iam-access-management::a/acct::customRole:Ops");
        assert_eq!(
            (custom.kind, custom.name.as_ref()),
            (RoleKind::Custom, "Ops")
        );
        assert!(Role::parse("Administrator").is(RoleKind::Platform, "Administrator"));
    }

    #[test]
    fn a_parsed_role_is_the_role_its_text_parses_to_every_time() {
        // A display name of no shared role maps to a CRN that, parsed itself, is a platform
        // role: the cache must key by the text given, not by the CRN it builds.
        let named = Role::parse("Weird");
        assert_eq!(named.kind, RoleKind::Other);
        let crn = Role::parse(&named.crn);
        assert_eq!(crn.kind, RoleKind::Platform);
        for _ in 0..2 {
            assert_eq!(Role::parse("Weird"), Role::parse_text("Weird"));
            assert_eq!(Role::parse(&named.crn), Role::parse_text(&named.crn));
        }
    }

    #[test]
    fn classifies_subjects() {
        assert_eq!(
            Subject::from_iam_id("iam-ServiceId-1").service_id(),
            Some("ServiceId-1")
        );
        assert_eq!(
            Subject::from_iam_id("IBMid-9"),
            Subject::User("IBMid-9".into())
        );
    }
}
