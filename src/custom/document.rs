//! The input document of custom rules (`input` in Rego): the normalized inventory as JSON,
//! versioned, with the joins precomputed and every entity named by a stable `ref`.
//! Built once per run, and only when custom rules are enabled (`custom::evaluate`).

use schemars::JsonSchema;
use serde::Serialize;

use super::entities::{
    self, AccessGroupEntity, ApiKeyEntity, InstanceEntity, KeyEntity, PolicyEntity, ProfileEntity,
    ServiceIdEntity,
};
use super::joins::Joins;
use super::needs::Needs;
use super::people::{self, AccountEntity, ActivityReportDto, UserEntity};
use super::posture::{
    self, AccessGroupSettingsEntity, CustomRoleEntity, IdentitySettingsEntity, RouteEntity,
    TargetEntity,
};
use crate::model::Inventory;

/// The version of the document's shape. It changes when a member is renamed or removed or
/// changes meaning; added members and entity kinds keep it.
pub const INPUT_VERSION: u32 = 1;

/// `input` of iamlint's custom Rego rules: the account as iamlint's model sees it.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "iamlint custom rule input (iamlint schema model)")]
pub struct InputDocument<'a> {
    /// The version of this shape (see `INPUT_VERSION`).
    pub version: u32,
    /// Which collections the inputs held at all (an empty list counts), to tell "none exists" from "not exported".
    pub collections: CollectionsDto,
    /// Service instances (Resource Controller).
    pub resource_instances: Vec<InstanceEntity<'a>>,
    /// Resource keys (service credentials).
    pub resource_keys: Vec<KeyEntity<'a>>,
    pub service_ids: Vec<ServiceIdEntity<'a>>,
    pub api_keys: Vec<ApiKeyEntity<'a>>,
    /// Access policies, v1 and v2 in one shape.
    pub policies: Vec<PolicyEntity<'a>>,
    pub access_groups: Vec<AccessGroupEntity<'a>>,
    /// Trusted profiles, with their links and claim rules.
    pub trusted_profiles: Vec<ProfileEntity<'a>>,
    /// Users (User Management), and the users only the MFA report names.
    pub users: Vec<UserEntity<'a>>,
    /// The accounts whose owner or settings the inputs hold.
    pub accounts: Vec<AccountEntity<'a>>,
    /// IAM Identity account settings, one per account.
    pub identity_settings: Vec<IdentitySettingsEntity<'a>>,
    /// IAM Access Groups account settings, one per account.
    pub access_group_settings: Vec<AccessGroupSettingsEntity<'a>>,
    /// The accounts' custom roles.
    pub custom_roles: Vec<CustomRoleEntity<'a>>,
    /// Activity Tracker Event Routing routes.
    pub activity_tracker_routes: Vec<RouteEntity<'a>>,
    /// Activity Tracker Event Routing targets.
    pub activity_tracker_targets: Vec<TargetEntity<'a>>,
    /// The activity reports loaded (the windows that users' and keys' `activity` covers).
    pub activity_reports: Vec<ActivityReportDto<'a>>,
}

/// Which collections the inputs held.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CollectionsDto {
    pub resource_instances: bool,
    pub resource_keys: bool,
    pub service_ids: bool,
    pub api_keys: bool,
    pub policies: bool,
    pub access_groups: bool,
    pub access_group_members: bool,
    pub trusted_profiles: bool,
    /// A users list (User Management).
    pub users: bool,
    /// An account document naming an owner.
    pub account_owners: bool,
    /// An MFA enrollment report.
    pub mfa_reports: bool,
    /// An activity report.
    pub activity_reports: bool,
    pub identity_settings: bool,
    pub access_group_settings: bool,
    pub custom_roles: bool,
    pub activity_tracker_routes: bool,
    pub activity_tracker_targets: bool,
}

/// The whole document of `inventory`.
pub fn build(inventory: &Inventory) -> InputDocument<'_> {
    build_for(inventory, &Needs::whole())
}

/// The document of `inventory` with only the entity members `needs` names built (the others
/// empty: no rule of the run reads them; see `needs`). `version` and `collections` are
/// always there.
pub fn build_for<'a>(inventory: &'a Inventory, needs: &Needs) -> InputDocument<'a> {
    let joins = Joins::of(inventory);
    let collections = inventory.collections;
    let held = &inventory.people;
    InputDocument {
        version: INPUT_VERSION,
        collections: CollectionsDto {
            resource_instances: collections.instances,
            resource_keys: collections.keys,
            service_ids: collections.service_ids,
            api_keys: collections.api_keys,
            policies: collections.policies,
            access_groups: collections.access_groups,
            access_group_members: collections.access_group_members,
            trusted_profiles: collections.profiles,
            users: !held.user_lists.is_empty(),
            account_owners: !held.owners.is_empty(),
            mfa_reports: !held.mfa_reports.is_empty(),
            activity_reports: !held.activity_reports.is_empty(),
            identity_settings: collections.posture.identity_settings,
            access_group_settings: collections.posture.access_group_settings,
            custom_roles: collections.custom_roles,
            activity_tracker_routes: collections.posture.routes,
            activity_tracker_targets: collections.posture.routing_targets,
        },
        resource_instances: needs.build("resource_instances", || {
            inventory
                .instances
                .iter()
                .map(|instance| entities::instance(instance, &joins))
                .collect()
        }),
        resource_keys: needs.build("resource_keys", || {
            inventory
                .keys
                .iter()
                .map(|key| entities::key(key, &joins))
                .collect()
        }),
        service_ids: needs.build("service_ids", || {
            inventory
                .service_ids
                .iter()
                .map(|service_id| entities::service_id(service_id, &joins))
                .collect()
        }),
        api_keys: needs.build("api_keys", || {
            inventory
                .api_keys
                .iter()
                .map(|api_key| entities::api_key(api_key, &joins))
                .collect()
        }),
        policies: needs.build("policies", || {
            inventory
                .policies
                .iter()
                .map(|policy| entities::policy(policy, &joins))
                .collect()
        }),
        access_groups: needs.build("access_groups", || {
            inventory
                .access_groups
                .iter()
                .map(|group| entities::access_group(group, &joins))
                .collect()
        }),
        trusted_profiles: needs.build("trusted_profiles", || {
            inventory
                .profiles
                .iter()
                .map(|profile| entities::profile(profile, &joins))
                .collect()
        }),
        users: needs.build("users", || people::users(inventory, &joins)),
        accounts: needs.build("accounts", || {
            super::accounts::accounts(inventory)
                .iter()
                .map(|view| people::account(view, &joins))
                .collect()
        }),
        identity_settings: needs.build("identity_settings", || {
            inventory
                .identity_settings
                .iter()
                .map(posture::identity_settings)
                .collect()
        }),
        access_group_settings: needs.build("access_group_settings", || {
            inventory
                .access_group_settings
                .iter()
                .map(posture::access_group_settings)
                .collect()
        }),
        custom_roles: needs.build("custom_roles", || {
            inventory
                .custom_roles
                .iter()
                .map(|role| posture::custom_role(role, &joins))
                .collect()
        }),
        activity_tracker_routes: needs.build("activity_tracker_routes", || {
            inventory
                .routes
                .iter()
                .map(|route| posture::route(route, &joins))
                .collect()
        }),
        activity_tracker_targets: needs.build("activity_tracker_targets", || {
            inventory
                .routing_targets
                .iter()
                .map(|target| posture::target(target, &joins))
                .collect()
        }),
        activity_reports: needs.build("activity_reports", || {
            held.activity_reports
                .iter()
                .map(people::activity_report)
                .collect()
        }),
    }
}

/// The JSON Schema of the document (`iamlint schema model`).
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(InputDocument);
    schema.insert(
        "$comment".to_owned(),
        serde_json::Value::from(format!(
            "Generated by iamlint {} (`iamlint schema model`); input version {INPUT_VERSION}.",
            env!("CARGO_PKG_VERSION")
        )),
    );
    schema.to_value()
}

/// The document as regorus holds it: serialized straight into regorus' value (see
/// `to_rego`), without JSON text and without a `serde_json::Value` in between.
pub fn to_value(document: &InputDocument) -> regorus::Value {
    super::to_rego::to_value(document).unwrap_or(regorus::Value::Undefined)
}

/// The same value through a `serde_json::Value` (the way before `to_rego`), for the
/// benchmark that compares the two and the test that they agree.
#[doc(hidden)]
pub fn to_value_through_json(document: &InputDocument) -> regorus::Value {
    serde_json::to_value(document)
        .ok()
        .and_then(|json| serde_json::from_value(json).ok())
        .unwrap_or(regorus::Value::Undefined)
}
