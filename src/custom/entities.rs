//! The entities of the custom rules' input document, one DTO and one function per kind.
//!
//! Adding a kind of entity to the document is additive: a DTO here, a `<kind>` function that
//! turns the model's entity into it (with its `ref` and its joins), one field on
//! `document::Entities` and one line in `document::build`. The DTOs derive both `Serialize`
//! (the document) and `JsonSchema` (`iamlint schema model`), so the two cannot drift.
//!
//! Absent values are `null`, never left out: a Rego rule can test `x.name == null`, and a
//! missing member would make its whole expression undefined instead.
//!
//! Over 400 lines: every kind's DTO and builder stay side by side, so that adding a kind is
//! one place and the schema of every entity reads in one file.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::Serialize;

use super::joins::{AuthnKind, Joins};
use super::people::{self, ActivityDto};
use super::refs::{self, Ref};
use crate::model::{
    AccessGroup, ApiKey, AttributeValue, Change, Credentials, Declaration, Operator, Policy,
    PolicyVersion, ResourceAttribute, ResourceInstance, ResourceKey, ResourceTag, Role, RoleKind,
    Scope, ServiceId, Subject, Target, TrustedProfile,
};

// NOTE: the `///` docs of these types become the schema's descriptions.

/// A service instance (Resource Controller).
#[derive(Debug, Serialize, JsonSchema)]
pub struct InstanceEntity<'a> {
    /// `resource_instance:<CRN>`: what a finding's `ref` names.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub crn: &'a str,
    pub guid: &'a str,
    pub name: Option<&'a str>,
    /// The catalog service name from the CRN (`cloud-object-storage`).
    pub service: Option<&'a str>,
    pub account: Option<&'a str>,
    pub resource_group_id: Option<&'a str>,
    pub state: Option<&'a str>,
    pub terraform: Option<TerraformDto<'a>>,
    /// The `ref`s of the instance's resource keys.
    pub keys: Vec<Ref<'a>>,
}

/// A resource key (service credential) of an instance.
#[derive(Debug, Serialize, JsonSchema)]
pub struct KeyEntity<'a> {
    /// `resource_key:<CRN>`.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub crn: &'a str,
    pub name: Option<&'a str>,
    /// The catalog service of the key's instance.
    pub service: Option<&'a str>,
    pub state: Option<&'a str>,
    pub created_at: Option<&'a str>,
    pub created_by: Option<&'a str>,
    pub account: Option<&'a str>,
    /// What the input shows of the key's credentials (the secrets themselves never).
    pub credentials: CredentialsDto,
    /// The role the key's credentials carry (`crn:...:serviceRole:Writer`).
    pub role: Option<RoleDto<'a>>,
    /// The `ref` of the key's instance, when it was loaded.
    pub instance: Option<Ref<'a>>,
    /// The instance CRN the key names (`source_crn`), loaded or not.
    pub instance_crn: Option<&'a str>,
    /// The `ref` of the service ID behind the key's credentials, when it was loaded.
    pub service_id: Option<Ref<'a>>,
    pub terraform: Option<TerraformDto<'a>>,
}

/// What the input shows of a key's `credentials`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialsDto {
    /// No `credentials` member.
    Absent,
    /// `{"REDACTED": "REDACTED"}`.
    Redacted,
    Visible,
    /// Computed by a Terraform plan at apply time.
    Unresolved,
}

/// A service ID (IAM Identity).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ServiceIdEntity<'a> {
    /// `service_id:ServiceId-<uuid>`.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub id: &'a str,
    /// `iam-ServiceId-<uuid>`, as policies name it.
    pub iam_id: Cow<'a, str>,
    pub crn: Option<Cow<'a, str>>,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub locked: Option<bool>,
    pub created_at: Option<&'a str>,
    pub group_id: Option<&'a str>,
    pub account: Option<&'a str>,
    pub terraform: Option<TerraformDto<'a>>,
    /// The `ref`s of the policies whose subject is this service ID.
    pub policies: Vec<Ref<'a>>,
    /// The `ref`s of the resource keys whose credentials are this service ID's.
    pub keys: Vec<Ref<'a>>,
    /// The `ref`s of the API keys this service ID owns.
    pub api_keys: Vec<Ref<'a>>,
    /// The `ref`s of the access groups it is a listed member of.
    pub access_groups: Vec<Ref<'a>>,
    /// Its last authentication (see `activity_reports`).
    pub activity: Option<ActivityDto<'a>>,
}

/// An API key (IAM Identity); the secret is never in the model.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ApiKeyEntity<'a> {
    /// `api_key:ApiKey-<uuid>`.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    /// The owner's IAM id (`IBMid-...`, `iam-ServiceId-...`).
    pub iam_id: Option<&'a str>,
    pub crn: Option<Cow<'a, str>>,
    pub created_at: Option<&'a str>,
    pub expires_at: Option<&'a str>,
    pub action_when_leaked: Option<&'a str>,
    pub locked: Option<bool>,
    pub disabled: Option<bool>,
    pub account: Option<&'a str>,
    /// The `ref` of the owning service ID, when a loaded service ID owns it.
    pub service_id: Option<Ref<'a>>,
    /// The `ref` of the owning user, when `users` lists them.
    pub user: Option<Ref<'a>>,
    pub terraform: Option<TerraformDto<'a>>,
    /// Its last authentication (see `activity_reports`).
    pub activity: Option<ActivityDto<'a>>,
}

/// An access policy, v1 and v2 in one shape.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PolicyEntity<'a> {
    /// `policy:<id>`.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub id: &'a str,
    /// `v1` or `v2`: which API the policy came from.
    pub version: &'a str,
    /// The policy type (`access`, `authorization`).
    #[serde(rename = "type")]
    pub policy_type: Option<&'a str>,
    pub state: Option<&'a str>,
    /// Whether the policy grants access now: an access policy that is not deleted.
    pub active: bool,
    pub account: Option<&'a str>,
    pub subject: SubjectDto<'a>,
    pub roles: Listed<'a, Role, RoleDto<'a>>,
    /// The resource attributes as written.
    pub resource: Listed<'a, ResourceAttribute, AttributeDto<'a>>,
    /// Access management tags: only resources carrying them are covered.
    pub tags: Listed<'a, ResourceTag, TagDto<'a>>,
    /// What the policy covers, computed from its attributes, tags and conditions.
    pub scope: ScopeDto<'a>,
    pub terraform: Option<TerraformDto<'a>>,
}

/// A policy's subject.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SubjectDto<'a> {
    /// `service_id`, `user`, `profile`, `access_group`, `other`, `missing` or `unresolved`.
    pub kind: &'a str,
    /// The subject's id (service IDs as `ServiceId-<uuid>`), `null` when missing or unresolved.
    pub id: Option<&'a str>,
    /// The `ref` of the subject entity when it was loaded (service IDs and access groups).
    #[serde(rename = "ref")]
    pub reference: Option<Ref<'a>>,
}

/// A role a policy or key grants.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RoleDto<'a> {
    pub crn: Cow<'a, str>,
    /// `platform`, `service`, `custom` or `other`.
    pub kind: &'a str,
    /// The role's name (`Writer`, `Administrator`).
    pub name: Cow<'a, str>,
    /// The service the role belongs to (`iam` for the common roles).
    pub service: Cow<'a, str>,
}

/// One resource attribute of a policy.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AttributeDto<'a> {
    pub name: &'a str,
    /// `stringEquals`, `stringMatch`, `stringExists`, `stringEqualsAnyOf`, `stringMatchAnyOf`, or as written.
    pub operator: &'a str,
    /// A string, a boolean, a list of strings, or `null` when a plan computes it at apply time.
    pub value: AttributeValueDto<'a>,
}

/// One access management tag of a policy.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TagDto<'a> {
    pub name: &'a str,
    pub value: &'a str,
    pub operator: &'a str,
}

/// What a policy covers.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ScopeDto<'a> {
    /// `account`, `all_services`, `account_management`, `service_type`, `service_group`, `resource_group`, `service`, `instance` or `unknown`.
    pub target: &'a str,
    /// The service, for `service` and `instance` targets.
    pub service: Option<&'a str>,
    /// The instance GUID or CRN, for an `instance` target.
    pub instance: Option<&'a str>,
    /// The service type, service group or resource group id, for those targets.
    pub value: Option<&'a str>,
    /// Whether other attributes, tags or conditions narrow the target.
    pub narrowed: bool,
    /// The scope in words, as built-in findings say it.
    pub words: Words<'a>,
}

/// A list of the model's `items`, each serialized as `dto` makes it when the list is
/// serialized: a rule that does not read the list (most read a policy's scope, not its
/// attributes) costs no `Vec` of DTOs per entity. Its schema is `Vec<D>`'s.
pub struct Listed<'a, S, D> {
    items: &'a [S],
    dto: fn(&'a S) -> D,
}

impl<'a, S, D> Listed<'a, S, D> {
    fn new(items: &'a [S], dto: fn(&'a S) -> D) -> Self {
        Self { items, dto }
    }
}

impl<S, D: Serialize> Serialize for Listed<'_, S, D> {
    fn serialize<Z: serde::Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        serializer.collect_seq(self.items.iter().map(self.dto))
    }
}

impl<S, D: JsonSchema> JsonSchema for Listed<'_, S, D> {
    fn inline_schema() -> bool {
        <Vec<D>>::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        <Vec<D>>::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        <Vec<D>>::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<D>>::json_schema(generator)
    }
}

impl<S, D> std::fmt::Debug for Listed<'_, S, D> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "Listed({} items)", self.items.len())
    }
}

/// A scope's words, written when serialized (`Scope::words`): most rules never read them.
/// Its schema is `String`'s.
#[derive(Debug)]
pub struct Words<'a>(Scope<'a>);

impl Serialize for Words<'_> {
    fn serialize<Z: serde::Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        serializer.serialize_str(&self.0.words())
    }
}

impl JsonSchema for Words<'_> {
    fn inline_schema() -> bool {
        String::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        String::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// A trusted profile (IAM Identity): an identity that federated users and compute resources
/// assume.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfileEntity<'a> {
    /// `trusted_profile:Profile-<uuid>`.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub id: &'a str,
    /// `iam-Profile-<uuid>`, as policies name it.
    pub iam_id: &'a str,
    pub crn: Option<&'a str>,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub account: Option<&'a str>,
    pub terraform: Option<TerraformDto<'a>>,
    /// The `ref`s of the policies whose subject is this profile.
    pub policies: Vec<Ref<'a>>,
    /// The `ref`s of the access groups it is a listed member of.
    pub access_groups: Vec<Ref<'a>>,
    /// The compute resources linked to it (they may assume it); `pointer` `/links/<n>` points at the n-th.
    pub links: Vec<ProfileLinkDto<'a>>,
    /// Its claim rules (who may assume it by their claims); `pointer` `/claim_rules/<n>` points at the n-th.
    pub claim_rules: Vec<ClaimRuleDto<'a>>,
    /// Its last authentication (see `activity_reports`).
    pub activity: Option<ActivityDto<'a>>,
}

/// A compute resource linked to a trusted profile.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfileLinkDto<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
    /// `VSI`, `PVS`, `BMS`, `IKS_SA`, `ROKS_SA` or `CE`.
    pub cr_type: Option<&'a str>,
    /// The compute resource's CRN.
    pub crn: Option<&'a str>,
    /// The Kubernetes namespace of a service account.
    pub namespace: Option<&'a str>,
    pub terraform: Option<TerraformDto<'a>>,
}

/// A claim rule of a trusted profile.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ClaimRuleDto<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
    /// `Profile-SAML` (federated users) or `Profile-CR` (compute resources).
    #[serde(rename = "type")]
    pub rule_type: Option<&'a str>,
    /// The identity provider's realm (`Profile-SAML`).
    pub realm_name: Option<&'a str>,
    /// How many conditions (claim, operator, value) the rule tests.
    pub conditions: usize,
    pub terraform: Option<TerraformDto<'a>>,
}

/// An access group, with its listed members.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AccessGroupEntity<'a> {
    /// `access_group:AccessGroupId-<uuid>`.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub account: Option<&'a str>,
    /// Whether the group's member list was loaded (else `members` is not the whole truth).
    pub members_known: bool,
    pub members: Vec<MemberDto<'a>>,
    /// The `ref`s of the policies whose subject is this group.
    pub policies: Vec<Ref<'a>>,
}

/// One listed member of an access group.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MemberDto<'a> {
    pub iam_id: &'a str,
    /// `user`, `service` or `profile`.
    #[serde(rename = "type")]
    pub member_type: Option<&'a str>,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    /// The `ref` of the member entity when it was loaded (service IDs, trusted profiles, users).
    #[serde(rename = "ref")]
    pub reference: Option<Ref<'a>>,
}

/// The Terraform resource that declares an entity (plans and states).
#[derive(Debug, Serialize, JsonSchema)]
pub struct TerraformDto<'a> {
    /// The resource address (`module.app.ibm_resource_key.writer[0]`).
    pub address: &'a str,
    /// What the plan does: `create`, `update`, `replace`, `no-op`, or `null` in a state.
    pub change: Option<&'a str>,
}

/// A resource attribute's value, borrowed from the model: serialized as the JSON value it
/// is (a string, a boolean, a list of strings, `null`).
#[derive(Debug)]
pub enum AttributeValueDto<'a> {
    String(&'a str),
    Bool(bool),
    List(&'a [String]),
    Null,
}

impl Serialize for AttributeValueDto<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::String(text) => serializer.serialize_str(text),
            Self::Bool(flag) => serializer.serialize_bool(*flag),
            Self::List(items) => items.serialize(serializer),
            Self::Null => serializer.serialize_unit(),
        }
    }
}

/// Any JSON value in the schema, as `serde_json::Value` is.
impl JsonSchema for AttributeValueDto<'_> {
    fn inline_schema() -> bool {
        serde_json::Value::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        serde_json::Value::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        serde_json::Value::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        serde_json::Value::json_schema(generator)
    }
}

pub(super) fn terraform(declaration: Option<&Declaration>) -> Option<TerraformDto<'_>> {
    declaration.map(|declaration| TerraformDto {
        address: &declaration.address,
        change: declaration.change.map(|change| match change {
            Change::Create => "create",
            Change::Update => "update",
            Change::Replace => "replace",
            Change::NoOp => "no-op",
        }),
    })
}

fn role_kind(kind: RoleKind) -> &'static str {
    match kind {
        RoleKind::Platform => "platform",
        RoleKind::Service => "service",
        RoleKind::Custom => "custom",
        RoleKind::Other => "other",
    }
}

fn role(role: &Role) -> RoleDto<'_> {
    RoleDto {
        crn: Cow::Borrowed(&role.crn),
        kind: role_kind(role.kind),
        name: Cow::Borrowed(&role.name),
        service: Cow::Borrowed(&role.service),
    }
}

/// The role a key's credentials name, parsed from its CRN here (the model keeps the CRN).
fn owned_role(role: Role) -> RoleDto<'static> {
    RoleDto {
        kind: role_kind(role.kind),
        crn: Cow::Owned(role.crn.to_string()),
        name: Cow::Owned(role.name.to_string()),
        service: Cow::Owned(role.service.to_string()),
    }
}

fn operator(operator: &Operator) -> &str {
    match operator {
        Operator::StringEquals => "stringEquals",
        Operator::StringMatch => "stringMatch",
        Operator::StringExists => "stringExists",
        Operator::StringEqualsAnyOf => "stringEqualsAnyOf",
        Operator::StringMatchAnyOf => "stringMatchAnyOf",
        Operator::Other(other) => other.text(),
    }
}

pub(super) fn instance<'a>(
    instance: &'a ResourceInstance,
    joins: &Joins<'a>,
) -> InstanceEntity<'a> {
    InstanceEntity {
        reference: refs::of::instance(instance),
        crn: &instance.crn,
        guid: &instance.guid,
        name: instance.name.as_deref(),
        service: instance.service_name(),
        account: instance.account.as_deref(),
        resource_group_id: instance.resource_group_id.as_deref(),
        state: instance.state.as_deref(),
        terraform: terraform(instance.declaration.as_deref()),
        keys: joins.keys_of_instance(&instance.guid),
    }
}

pub(super) fn key<'a>(key: &'a ResourceKey, joins: &Joins<'a>) -> KeyEntity<'a> {
    let visible = key.visible_credentials();
    KeyEntity {
        reference: refs::of::key(key),
        crn: &key.crn,
        name: key.name.as_deref(),
        service: key.service_name(),
        state: key.state.as_deref(),
        created_at: key.created_at.as_deref(),
        created_by: key.created_by.as_deref(),
        account: key.account.as_deref(),
        credentials: match key.credentials {
            Credentials::Absent => CredentialsDto::Absent,
            Credentials::Redacted => CredentialsDto::Redacted,
            Credentials::Visible(_) => CredentialsDto::Visible,
            Credentials::Unresolved(_) => CredentialsDto::Unresolved,
        },
        role: visible
            .and_then(|visible| visible.iam_role_crn.as_deref())
            .map(|crn| owned_role(Role::parse(crn))),
        instance: joins.instance_of(key),
        instance_crn: key.source_crn.as_deref(),
        service_id: joins.service_id_of(key),
        terraform: terraform(key.declaration.as_deref()),
    }
}

pub(super) fn service_id<'a>(service_id: &'a ServiceId, joins: &Joins<'a>) -> ServiceIdEntity<'a> {
    ServiceIdEntity {
        reference: refs::of::service_id(service_id),
        id: &service_id.id,
        iam_id: service_id.iam_id(),
        crn: service_id.crn(),
        name: service_id.name.as_deref(),
        description: service_id.description.as_deref(),
        locked: service_id.locked,
        created_at: service_id.created_at.as_deref(),
        group_id: service_id.group_id.as_deref(),
        account: service_id.account.as_deref(),
        terraform: terraform(service_id.declaration.as_deref()),
        policies: joins.policies_of(&Subject::ServiceId(service_id.core().to_owned())),
        keys: joins.keys_of_service_id(service_id.core()),
        api_keys: joins.api_keys_of_service_id(service_id.core()),
        access_groups: joins.groups_of(&Subject::ServiceId(service_id.core().to_owned())),
        activity: people::activity(joins.activity_of(AuthnKind::ServiceId, service_id.core())),
    }
}

pub(super) fn api_key<'a>(api_key: &'a ApiKey, joins: &Joins<'a>) -> ApiKeyEntity<'a> {
    ApiKeyEntity {
        reference: refs::of::api_key(api_key),
        id: &api_key.id,
        name: api_key.name.as_deref(),
        description: api_key.description.as_deref(),
        iam_id: api_key.iam_id.as_deref(),
        crn: api_key.crn(),
        created_at: api_key.created_at.as_deref(),
        expires_at: api_key.expires_at.as_deref(),
        action_when_leaked: api_key.action_when_leaked.as_deref(),
        locked: api_key.locked,
        disabled: api_key.disabled,
        account: api_key.account.as_deref(),
        service_id: api_key
            .service_id()
            .and_then(|core| joins.service_id_ref(core)),
        user: api_key
            .iam_id
            .as_deref()
            .filter(|iam_id| iam_id.starts_with("IBMid-"))
            .and_then(|iam_id| joins.user_ref(iam_id)),
        terraform: terraform(api_key.declaration.as_deref()),
        activity: people::activity(joins.activity_of(AuthnKind::ApiKey, &api_key.id)),
    }
}

pub(super) fn policy<'a>(policy: &'a Policy, joins: &Joins<'a>) -> PolicyEntity<'a> {
    let scope = policy.scope();
    let (target, service, instance, value) = match scope.target {
        Target::Account => ("account", None, None, None),
        Target::AllServices => ("all_services", None, None, None),
        Target::AccountManagement => ("account_management", None, None, None),
        Target::ServiceType(kind) => ("service_type", None, None, Some(kind)),
        Target::ServiceGroup(group) => ("service_group", None, None, Some(group)),
        Target::ResourceGroup(group) => ("resource_group", None, None, Some(group)),
        Target::Service(service) => ("service", Some(service), None, None),
        Target::Instance { service, instance } => ("instance", Some(service), Some(instance), None),
        Target::Unknown => ("unknown", None, None, None),
    };
    PolicyEntity {
        reference: refs::of::policy(policy),
        id: &policy.id,
        version: match policy.version {
            PolicyVersion::V1 => "v1",
            PolicyVersion::V2 => "v2",
        },
        policy_type: policy.kind.as_deref(),
        state: policy.state.as_deref(),
        active: policy.is_active_access(),
        account: policy.account.as_deref(),
        subject: subject(&policy.subject, joins),
        roles: Listed::new(&policy.roles, role),
        resource: Listed::new(&policy.resource, |attribute| AttributeDto {
            name: &attribute.name,
            operator: operator(&attribute.operator),
            value: match &attribute.value {
                AttributeValue::String(text) => AttributeValueDto::String(text),
                AttributeValue::Bool(flag) => AttributeValueDto::Bool(*flag),
                AttributeValue::List(items) => AttributeValueDto::List(items),
                AttributeValue::Unresolved(_) => AttributeValueDto::Null,
            },
        }),
        tags: Listed::new(&policy.tags, |tag| TagDto {
            name: &tag.name,
            value: &tag.value,
            operator: operator(&tag.operator),
        }),
        scope: ScopeDto {
            target,
            service,
            instance,
            value,
            narrowed: scope.is_narrowed(),
            words: Words(scope),
        },
        terraform: terraform(policy.declaration.as_deref()),
    }
}

fn subject<'a>(subject: &'a Subject, joins: &Joins<'a>) -> SubjectDto<'a> {
    let (kind, id) = match subject {
        Subject::ServiceId(id) => ("service_id", Some(id)),
        Subject::User(id) => ("user", Some(id)),
        Subject::Profile(id) => ("profile", Some(id)),
        Subject::AccessGroup(id) => ("access_group", Some(id)),
        Subject::Other(id) => ("other", Some(id)),
        Subject::Missing => ("missing", None),
        Subject::Unresolved(_) => ("unresolved", None),
    };
    SubjectDto {
        kind,
        id: id.map(String::as_str),
        reference: joins.subject_ref(subject),
    }
}

pub(super) fn access_group<'a>(group: &'a AccessGroup, joins: &Joins<'a>) -> AccessGroupEntity<'a> {
    AccessGroupEntity {
        reference: refs::of::access_group(group),
        id: &group.id,
        name: group.name.as_deref(),
        description: group.description.as_deref(),
        account: group.account.as_deref(),
        members_known: joins.inventory.members_known(&group.id),
        members: joins
            .inventory
            .members_of(&group.id)
            .map(|membership| MemberDto {
                iam_id: &membership.iam_id,
                member_type: membership.kind.as_deref(),
                name: membership.name.as_deref(),
                email: membership.email.as_deref(),
                reference: joins.subject_ref(&membership.member),
            })
            .collect(),
        policies: joins.policies_of(&Subject::AccessGroup(group.id.clone())),
    }
}

pub(super) fn profile<'a>(profile: &'a TrustedProfile, joins: &Joins<'a>) -> ProfileEntity<'a> {
    let subject = Subject::from_iam_id(&profile.iam_id);
    ProfileEntity {
        reference: refs::of::profile(profile),
        id: &profile.id,
        iam_id: &profile.iam_id,
        crn: profile.crn.as_deref(),
        name: profile.name.as_deref(),
        description: profile.description.as_deref(),
        account: profile.account.as_deref(),
        terraform: terraform(profile.declaration.as_deref()),
        policies: joins.policies_of(&subject),
        access_groups: joins.groups_of(&subject),
        links: joins
            .inventory
            .profile_links
            .iter()
            .filter(|link| refs::belongs_to(link.profile_id.as_deref(), profile))
            .map(|link| ProfileLinkDto {
                id: link.id.as_deref(),
                name: link.name.as_deref(),
                cr_type: link.cr_type.as_deref(),
                crn: link.crn.as_deref(),
                namespace: link.namespace.as_deref(),
                terraform: terraform(link.declaration.as_deref()),
            })
            .collect(),
        claim_rules: joins
            .inventory
            .profile_claim_rules
            .iter()
            .filter(|rule| refs::belongs_to(rule.profile_id.as_deref(), profile))
            .map(|rule| ClaimRuleDto {
                id: rule.id.as_deref(),
                name: rule.name.as_deref(),
                rule_type: rule.rule_type.as_deref(),
                realm_name: rule.realm_name.as_deref(),
                conditions: rule.conditions,
                terraform: terraform(rule.declaration.as_deref()),
            })
            .collect(),
        activity: people::activity(joins.activity_of(AuthnKind::Profile, &profile.id)),
    }
}
