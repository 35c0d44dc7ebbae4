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

use schemars::JsonSchema;
use serde::Serialize;

use super::joins::{AuthnKind, Joins};
use super::people::{self, ActivityDto};
use super::refs;
use crate::model::{
    AccessGroup, ApiKey, AttributeValue, Change, Credentials, Declaration, Operator, Policy,
    PolicyVersion, ResourceInstance, ResourceKey, Role, RoleKind, ServiceId, Subject, Target,
    TrustedProfile,
};

// NOTE: the `///` docs of these types become the schema's descriptions.

/// A service instance (Resource Controller).
#[derive(Debug, Serialize, JsonSchema)]
pub struct InstanceEntity {
    /// `resource_instance:<CRN>`: what a finding's `ref` names.
    #[serde(rename = "ref")]
    pub reference: String,
    pub crn: String,
    pub guid: String,
    pub name: Option<String>,
    /// The catalog service name from the CRN (`cloud-object-storage`).
    pub service: Option<String>,
    pub account: Option<String>,
    pub resource_group_id: Option<String>,
    pub state: Option<String>,
    pub terraform: Option<TerraformDto>,
    /// The `ref`s of the instance's resource keys.
    pub keys: Vec<String>,
}

/// A resource key (service credential) of an instance.
#[derive(Debug, Serialize, JsonSchema)]
pub struct KeyEntity {
    /// `resource_key:<CRN>`.
    #[serde(rename = "ref")]
    pub reference: String,
    pub crn: String,
    pub name: Option<String>,
    /// The catalog service of the key's instance.
    pub service: Option<String>,
    pub state: Option<String>,
    pub created_at: Option<String>,
    pub created_by: Option<String>,
    pub account: Option<String>,
    /// What the input shows of the key's credentials (the secrets themselves never).
    pub credentials: CredentialsDto,
    /// The role the key's credentials carry (`crn:...:serviceRole:Writer`).
    pub role: Option<RoleDto>,
    /// The `ref` of the key's instance, when it was loaded.
    pub instance: Option<String>,
    /// The instance CRN the key names (`source_crn`), loaded or not.
    pub instance_crn: Option<String>,
    /// The `ref` of the service ID behind the key's credentials, when it was loaded.
    pub service_id: Option<String>,
    pub terraform: Option<TerraformDto>,
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
pub struct ServiceIdEntity {
    /// `service_id:ServiceId-<uuid>`.
    #[serde(rename = "ref")]
    pub reference: String,
    pub id: String,
    /// `iam-ServiceId-<uuid>`, as policies name it.
    pub iam_id: String,
    pub crn: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub locked: Option<bool>,
    pub created_at: Option<String>,
    pub group_id: Option<String>,
    pub account: Option<String>,
    pub terraform: Option<TerraformDto>,
    /// The `ref`s of the policies whose subject is this service ID.
    pub policies: Vec<String>,
    /// The `ref`s of the resource keys whose credentials are this service ID's.
    pub keys: Vec<String>,
    /// The `ref`s of the API keys this service ID owns.
    pub api_keys: Vec<String>,
    /// The `ref`s of the access groups it is a listed member of.
    pub access_groups: Vec<String>,
    /// Its last authentication (see `activity_reports`).
    pub activity: Option<ActivityDto>,
}

/// An API key (IAM Identity); the secret is never in the model.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ApiKeyEntity {
    /// `api_key:ApiKey-<uuid>`.
    #[serde(rename = "ref")]
    pub reference: String,
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The owner's IAM id (`IBMid-...`, `iam-ServiceId-...`).
    pub iam_id: Option<String>,
    pub crn: Option<String>,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
    pub action_when_leaked: Option<String>,
    pub locked: Option<bool>,
    pub disabled: Option<bool>,
    pub account: Option<String>,
    /// The `ref` of the owning service ID, when a loaded service ID owns it.
    pub service_id: Option<String>,
    /// The `ref` of the owning user, when `users` lists them.
    pub user: Option<String>,
    pub terraform: Option<TerraformDto>,
    /// Its last authentication (see `activity_reports`).
    pub activity: Option<ActivityDto>,
}

/// An access policy, v1 and v2 in one shape.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PolicyEntity {
    /// `policy:<id>`.
    #[serde(rename = "ref")]
    pub reference: String,
    pub id: String,
    /// `v1` or `v2`: which API the policy came from.
    pub version: String,
    /// The policy type (`access`, `authorization`).
    #[serde(rename = "type")]
    pub policy_type: Option<String>,
    pub state: Option<String>,
    /// Whether the policy grants access now: an access policy that is not deleted.
    pub active: bool,
    pub account: Option<String>,
    pub subject: SubjectDto,
    pub roles: Vec<RoleDto>,
    /// The resource attributes as written.
    pub resource: Vec<AttributeDto>,
    /// Access management tags: only resources carrying them are covered.
    pub tags: Vec<TagDto>,
    /// What the policy covers, computed from its attributes, tags and conditions.
    pub scope: ScopeDto,
    pub terraform: Option<TerraformDto>,
}

/// A policy's subject.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SubjectDto {
    /// `service_id`, `user`, `profile`, `access_group`, `other`, `missing` or `unresolved`.
    pub kind: String,
    /// The subject's id (service IDs as `ServiceId-<uuid>`), `null` when missing or unresolved.
    pub id: Option<String>,
    /// The `ref` of the subject entity when it was loaded (service IDs and access groups).
    #[serde(rename = "ref")]
    pub reference: Option<String>,
}

/// A role a policy or key grants.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RoleDto {
    pub crn: String,
    /// `platform`, `service`, `custom` or `other`.
    pub kind: String,
    /// The role's name (`Writer`, `Administrator`).
    pub name: String,
    /// The service the role belongs to (`iam` for the common roles).
    pub service: String,
}

/// One resource attribute of a policy.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AttributeDto {
    pub name: String,
    /// `stringEquals`, `stringMatch`, `stringExists`, `stringEqualsAnyOf`, `stringMatchAnyOf`, or as written.
    pub operator: String,
    /// A string, a boolean, a list of strings, or `null` when a plan computes it at apply time.
    pub value: serde_json::Value,
}

/// One access management tag of a policy.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TagDto {
    pub name: String,
    pub value: String,
    pub operator: String,
}

/// What a policy covers.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ScopeDto {
    /// `account`, `all_services`, `account_management`, `service_type`, `service_group`, `resource_group`, `service`, `instance` or `unknown`.
    pub target: String,
    /// The service, for `service` and `instance` targets.
    pub service: Option<String>,
    /// The instance GUID or CRN, for an `instance` target.
    pub instance: Option<String>,
    /// The service type, service group or resource group id, for those targets.
    pub value: Option<String>,
    /// Whether other attributes, tags or conditions narrow the target.
    pub narrowed: bool,
    /// The scope in words, as built-in findings say it.
    pub words: String,
}

/// A trusted profile (IAM Identity): an identity that federated users and compute resources
/// assume.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfileEntity {
    /// `trusted_profile:Profile-<uuid>`.
    #[serde(rename = "ref")]
    pub reference: String,
    pub id: String,
    /// `iam-Profile-<uuid>`, as policies name it.
    pub iam_id: String,
    pub crn: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub account: Option<String>,
    pub terraform: Option<TerraformDto>,
    /// The `ref`s of the policies whose subject is this profile.
    pub policies: Vec<String>,
    /// The `ref`s of the access groups it is a listed member of.
    pub access_groups: Vec<String>,
    /// The compute resources linked to it (they may assume it); `pointer` `/links/<n>` points at the n-th.
    pub links: Vec<ProfileLinkDto>,
    /// Its claim rules (who may assume it by their claims); `pointer` `/claim_rules/<n>` points at the n-th.
    pub claim_rules: Vec<ClaimRuleDto>,
    /// Its last authentication (see `activity_reports`).
    pub activity: Option<ActivityDto>,
}

/// A compute resource linked to a trusted profile.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfileLinkDto {
    pub id: Option<String>,
    pub name: Option<String>,
    /// `VSI`, `PVS`, `BMS`, `IKS_SA`, `ROKS_SA` or `CE`.
    pub cr_type: Option<String>,
    /// The compute resource's CRN.
    pub crn: Option<String>,
    /// The Kubernetes namespace of a service account.
    pub namespace: Option<String>,
    pub terraform: Option<TerraformDto>,
}

/// A claim rule of a trusted profile.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ClaimRuleDto {
    pub id: Option<String>,
    pub name: Option<String>,
    /// `Profile-SAML` (federated users) or `Profile-CR` (compute resources).
    #[serde(rename = "type")]
    pub rule_type: Option<String>,
    /// The identity provider's realm (`Profile-SAML`).
    pub realm_name: Option<String>,
    /// How many conditions (claim, operator, value) the rule tests.
    pub conditions: usize,
    pub terraform: Option<TerraformDto>,
}

/// An access group, with its listed members.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AccessGroupEntity {
    /// `access_group:AccessGroupId-<uuid>`.
    #[serde(rename = "ref")]
    pub reference: String,
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub account: Option<String>,
    /// Whether the group's member list was loaded (else `members` is not the whole truth).
    pub members_known: bool,
    pub members: Vec<MemberDto>,
    /// The `ref`s of the policies whose subject is this group.
    pub policies: Vec<String>,
}

/// One listed member of an access group.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MemberDto {
    pub iam_id: String,
    /// `user`, `service` or `profile`.
    #[serde(rename = "type")]
    pub member_type: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// The `ref` of the member entity when it was loaded (service IDs, trusted profiles, users).
    #[serde(rename = "ref")]
    pub reference: Option<String>,
}

/// The Terraform resource that declares an entity (plans and states).
#[derive(Debug, Serialize, JsonSchema)]
pub struct TerraformDto {
    /// The resource address (`module.app.ibm_resource_key.writer[0]`).
    pub address: String,
    /// What the plan does: `create`, `update`, `replace`, `no-op`, or `null` in a state.
    pub change: Option<String>,
}

pub(super) fn terraform(declaration: Option<&Declaration>) -> Option<TerraformDto> {
    declaration.map(|declaration| TerraformDto {
        address: declaration.address.clone(),
        change: declaration.change.map(|change| {
            match change {
                Change::Create => "create",
                Change::Update => "update",
                Change::Replace => "replace",
                Change::NoOp => "no-op",
            }
            .to_owned()
        }),
    })
}

fn role(role: &Role) -> RoleDto {
    RoleDto {
        crn: role.crn.to_string(),
        kind: match role.kind {
            RoleKind::Platform => "platform",
            RoleKind::Service => "service",
            RoleKind::Custom => "custom",
            RoleKind::Other => "other",
        }
        .to_owned(),
        name: role.name.to_string(),
        service: role.service.to_string(),
    }
}

fn operator(operator: &Operator) -> String {
    match operator {
        Operator::StringEquals => "stringEquals",
        Operator::StringMatch => "stringMatch",
        Operator::StringExists => "stringExists",
        Operator::StringEqualsAnyOf => "stringEqualsAnyOf",
        Operator::StringMatchAnyOf => "stringMatchAnyOf",
        Operator::Other(other) => other,
    }
    .to_owned()
}

pub(super) fn instance(instance: &ResourceInstance, joins: &Joins) -> InstanceEntity {
    InstanceEntity {
        reference: refs::of::instance(instance),
        crn: instance.crn.clone(),
        guid: instance.guid.clone(),
        name: instance.name.clone(),
        service: instance.service_name().map(str::to_owned),
        account: instance.account.clone(),
        resource_group_id: instance.resource_group_id.clone(),
        state: instance.state.clone(),
        terraform: terraform(instance.declaration.as_ref()),
        keys: joins.keys_of_instance(&instance.guid),
    }
}

pub(super) fn key(key: &ResourceKey, joins: &Joins) -> KeyEntity {
    let visible = key.visible_credentials();
    KeyEntity {
        reference: refs::of::key(key),
        crn: key.crn.clone(),
        name: key.name.clone(),
        service: key.service_name().map(str::to_owned),
        state: key.state.clone(),
        created_at: key.created_at.clone(),
        created_by: key.created_by.clone(),
        account: key.account.clone(),
        credentials: match key.credentials {
            Credentials::Absent => CredentialsDto::Absent,
            Credentials::Redacted => CredentialsDto::Redacted,
            Credentials::Visible(_) => CredentialsDto::Visible,
            Credentials::Unresolved(_) => CredentialsDto::Unresolved,
        },
        role: visible
            .and_then(|visible| visible.iam_role_crn.as_deref())
            .map(|crn| role(&Role::parse(crn))),
        instance: joins.instance_of(key),
        instance_crn: key.source_crn.clone(),
        service_id: joins.service_id_of(key),
        terraform: terraform(key.declaration.as_ref()),
    }
}

pub(super) fn service_id(service_id: &ServiceId, joins: &Joins) -> ServiceIdEntity {
    ServiceIdEntity {
        reference: refs::of::service_id(service_id),
        id: service_id.id.clone(),
        iam_id: service_id.iam_id.clone(),
        crn: service_id.crn.clone(),
        name: service_id.name.clone(),
        description: service_id.description.clone(),
        locked: service_id.locked,
        created_at: service_id.created_at.clone(),
        group_id: service_id.group_id.clone(),
        account: service_id.account.clone(),
        terraform: terraform(service_id.declaration.as_ref()),
        policies: joins.policies_of(&Subject::ServiceId(service_id.core().to_owned())),
        keys: joins.keys_of_service_id(service_id.core()),
        api_keys: joins.api_keys_of_service_id(service_id.core()),
        access_groups: joins.groups_of(&Subject::ServiceId(service_id.core().to_owned())),
        activity: people::activity(joins.activity_of(AuthnKind::ServiceId, service_id.core())),
    }
}

pub(super) fn api_key(api_key: &ApiKey, joins: &Joins) -> ApiKeyEntity {
    ApiKeyEntity {
        reference: refs::of::api_key(api_key),
        id: api_key.id.clone(),
        name: api_key.name.clone(),
        description: api_key.description.clone(),
        iam_id: api_key.iam_id.clone(),
        crn: api_key.crn.clone(),
        created_at: api_key.created_at.clone(),
        expires_at: api_key.expires_at.clone(),
        action_when_leaked: api_key.action_when_leaked.clone(),
        locked: api_key.locked,
        disabled: api_key.disabled,
        account: api_key.account.clone(),
        service_id: api_key
            .service_id()
            .and_then(|core| joins.service_id_ref(core)),
        user: api_key
            .iam_id
            .as_deref()
            .filter(|iam_id| iam_id.starts_with("IBMid-"))
            .and_then(|iam_id| joins.subject_ref(&Subject::User(iam_id.to_owned()))),
        terraform: terraform(api_key.declaration.as_ref()),
        activity: people::activity(joins.activity_of(AuthnKind::ApiKey, &api_key.id)),
    }
}

pub(super) fn policy(policy: &Policy, joins: &Joins) -> PolicyEntity {
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
        id: policy.id.clone(),
        version: match policy.version {
            PolicyVersion::V1 => "v1",
            PolicyVersion::V2 => "v2",
        }
        .to_owned(),
        policy_type: policy.kind.clone(),
        state: policy.state.clone(),
        active: policy.is_active_access(),
        account: policy.account.clone(),
        subject: subject(&policy.subject, joins),
        roles: policy.roles.iter().map(role).collect(),
        resource: policy
            .resource
            .iter()
            .map(|attribute| AttributeDto {
                name: attribute.name.to_string(),
                operator: operator(&attribute.operator),
                value: match &attribute.value {
                    AttributeValue::String(text) => serde_json::Value::from(text.as_str()),
                    AttributeValue::Bool(flag) => serde_json::Value::from(*flag),
                    AttributeValue::List(items) => serde_json::Value::from(items.clone()),
                    AttributeValue::Unresolved(_) => serde_json::Value::Null,
                },
            })
            .collect(),
        tags: policy
            .tags
            .iter()
            .map(|tag| TagDto {
                name: tag.name.clone(),
                value: tag.value.clone(),
                operator: operator(&tag.operator),
            })
            .collect(),
        scope: ScopeDto {
            target: target.to_owned(),
            service: service.map(str::to_owned),
            instance: instance.map(str::to_owned),
            value: value.map(str::to_owned),
            narrowed: scope.is_narrowed(),
            words: scope.words(),
        },
        terraform: terraform(policy.declaration.as_ref()),
    }
}

fn subject(subject: &Subject, joins: &Joins) -> SubjectDto {
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
        kind: kind.to_owned(),
        id: id.cloned(),
        reference: joins.subject_ref(subject),
    }
}

pub(super) fn access_group(group: &AccessGroup, joins: &Joins) -> AccessGroupEntity {
    AccessGroupEntity {
        reference: refs::of::access_group(group),
        id: group.id.clone(),
        name: group.name.clone(),
        description: group.description.clone(),
        account: group.account.clone(),
        members_known: joins.inventory.members_known(&group.id),
        members: joins
            .inventory
            .members_of(&group.id)
            .map(|membership| MemberDto {
                iam_id: membership.iam_id.clone(),
                member_type: membership.kind.clone(),
                name: membership.name.clone(),
                email: membership.email.clone(),
                reference: joins.subject_ref(&membership.member),
            })
            .collect(),
        policies: joins.policies_of(&Subject::AccessGroup(group.id.clone())),
    }
}

pub(super) fn profile(profile: &TrustedProfile, joins: &Joins) -> ProfileEntity {
    let subject = Subject::from_iam_id(&profile.iam_id);
    ProfileEntity {
        reference: refs::of::profile(profile),
        id: profile.id.clone(),
        iam_id: profile.iam_id.clone(),
        crn: profile.crn.clone(),
        name: profile.name.clone(),
        description: profile.description.clone(),
        account: profile.account.clone(),
        terraform: terraform(profile.declaration.as_ref()),
        policies: joins.policies_of(&subject),
        access_groups: joins.groups_of(&subject),
        links: joins
            .inventory
            .profile_links
            .iter()
            .filter(|link| refs::belongs_to(link.profile_id.as_deref(), profile))
            .map(|link| ProfileLinkDto {
                id: link.id.clone(),
                name: link.name.clone(),
                cr_type: link.cr_type.clone(),
                crn: link.crn.clone(),
                namespace: link.namespace.clone(),
                terraform: terraform(link.declaration.as_ref()),
            })
            .collect(),
        claim_rules: joins
            .inventory
            .profile_claim_rules
            .iter()
            .filter(|rule| refs::belongs_to(rule.profile_id.as_deref(), profile))
            .map(|rule| ClaimRuleDto {
                id: rule.id.clone(),
                name: rule.name.clone(),
                rule_type: rule.rule_type.clone(),
                realm_name: rule.realm_name.clone(),
                conditions: rule.conditions,
                terraform: terraform(rule.declaration.as_ref()),
            })
            .collect(),
        activity: people::activity(joins.activity_of(AuthnKind::Profile, &profile.id)),
    }
}
