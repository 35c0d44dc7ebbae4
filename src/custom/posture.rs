//! The account-level entities of the input document: IAM identity and access group
//! settings, custom roles, and Activity Tracker Event Routing routes and targets. Findings
//! on them are about the account (their `ref` tells them apart), and a denial's `pointer`
//! names the setting or route rule to point at (`/mfa`, `/rules/0`).

use schemars::JsonSchema;
use serde::Serialize;

use super::entities::{TerraformDto, terraform};
use super::joins::Joins;
use super::refs;
use crate::model::{
    AccessGroupSettings, CustomRole, IdentitySettings, Route, RoutingTarget, Setting,
};

/// The IAM Identity account settings of an account (`GET /v1/accounts/{id}/settings/identity`, Terraform `ibm_iam_account_settings`). A member the input does not hold is `null`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IdentitySettingsEntity {
    /// `identity_settings:<account id>`; `pointer` `/mfa`, `/restrict_create_service_id` or `/restrict_create_platform_apikey` points at that setting.
    #[serde(rename = "ref")]
    pub reference: String,
    pub account: Option<String>,
    /// `RESTRICTED`, `NOT_RESTRICTED` or `NOT_SET`.
    pub restrict_create_service_id: Option<String>,
    /// `RESTRICTED`, `NOT_RESTRICTED` or `NOT_SET`.
    pub restrict_create_platform_apikey: Option<String>,
    /// `NONE`, `NONE_NO_ROPC`, `TOTP`, `TOTP4ALL`, `LEVEL1`, `LEVEL2` or `LEVEL3`.
    pub mfa: Option<String>,
    pub terraform: Option<TerraformDto>,
}

/// The IAM Access Groups account settings of an account (`GET /v2/groups/settings`, Terraform `ibm_iam_access_group_account_settings`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct AccessGroupSettingsEntity {
    /// `access_group_settings:<account id>`; `pointer` `/public_access_enabled` points at the setting.
    #[serde(rename = "ref")]
    pub reference: String,
    pub account: Option<String>,
    /// Whether the Public Access group can grant access to anyone, authenticated or not.
    pub public_access_enabled: Option<bool>,
    pub terraform: Option<TerraformDto>,
}

/// A custom role of the account (IAM Policy Management, Terraform `ibm_iam_custom_role`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct CustomRoleEntity {
    /// `custom_role:<CRN>` (else its id, else its name).
    #[serde(rename = "ref")]
    pub reference: String,
    pub id: Option<String>,
    /// The name its CRN ends with (`customRole:<name>`), as `policies[].roles[].name` says it.
    pub name: String,
    pub display_name: Option<String>,
    /// The service whose actions it holds.
    pub service: Option<String>,
    /// The action ids it grants (`kms.secrets.rotate`, `iam.policy.create`).
    pub actions: Vec<String>,
    pub crn: Option<String>,
    pub account: Option<String>,
    pub terraform: Option<TerraformDto>,
    /// The `ref`s of the policies that grant it.
    pub policies: Vec<String>,
}

/// An Activity Tracker Event Routing route.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RouteEntity {
    /// `atracker_route:<id>`; `pointer` `/rules/<n>` points at its n-th rule.
    #[serde(rename = "ref")]
    pub reference: String,
    pub id: String,
    pub name: Option<String>,
    pub crn: Option<String>,
    pub account: Option<String>,
    pub rules: Vec<RouteRuleDto>,
    /// Whether a rule sends global events (IAM's, account management's: location `global` or `*`).
    pub global_events: bool,
    pub terraform: Option<TerraformDto>,
}

/// One rule of a route: where the events of its locations go.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RouteRuleDto {
    /// The target ids as written (a plan's computed id is a `<...>` placeholder).
    pub target_ids: Vec<String>,
    /// Regions, `global`, or `*` for every location.
    pub locations: Vec<String>,
    /// Whether the rule takes global events (`global` or `*`).
    pub global_events: bool,
    /// The `ref`s of the loaded targets it names.
    pub targets: Vec<String>,
}

/// An Activity Tracker Event Routing target: where routed events are written.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TargetEntity {
    /// `atracker_target:<id>`.
    #[serde(rename = "ref")]
    pub reference: String,
    pub id: String,
    pub name: Option<String>,
    pub crn: Option<String>,
    /// `cloud_object_storage`, `event_streams`, `cloud_logs`, ...
    #[serde(rename = "type")]
    pub target_type: Option<String>,
    /// `write_status.status`: `success` or `failed` when the service last wrote to it.
    pub write_status: Option<String>,
    pub account: Option<String>,
    pub terraform: Option<TerraformDto>,
    /// The `ref`s of the routes that send events to it.
    pub routes: Vec<String>,
}

fn value<T: Clone>(setting: &Option<Setting<T>>) -> Option<T> {
    setting.as_ref().map(|setting| setting.value.clone())
}

pub(super) fn identity_settings(settings: &IdentitySettings) -> IdentitySettingsEntity {
    IdentitySettingsEntity {
        reference: refs::identity_settings_ref(settings),
        account: settings.account.clone(),
        restrict_create_service_id: value(&settings.restrict_create_service_id),
        restrict_create_platform_apikey: value(&settings.restrict_create_platform_apikey),
        mfa: value(&settings.mfa),
        terraform: terraform(settings.declaration.as_ref()),
    }
}

pub(super) fn access_group_settings(settings: &AccessGroupSettings) -> AccessGroupSettingsEntity {
    AccessGroupSettingsEntity {
        reference: refs::access_group_settings_ref(settings),
        account: settings.account.clone(),
        public_access_enabled: value(&settings.public_access_enabled),
        terraform: terraform(settings.declaration.as_ref()),
    }
}

pub(super) fn custom_role(role: &CustomRole, joins: &Joins) -> CustomRoleEntity {
    CustomRoleEntity {
        reference: refs::custom_role_ref(role),
        id: role.id.clone(),
        name: role.name.clone(),
        display_name: role.display_name.clone(),
        service: role.service_name.clone(),
        actions: role.actions.clone(),
        crn: role.crn.clone(),
        account: role.account.clone(),
        terraform: terraform(role.declaration.as_ref()),
        policies: joins.policies_of_custom_role(&role.name),
    }
}

pub(super) fn route(route: &Route, joins: &Joins) -> RouteEntity {
    let rules: Vec<RouteRuleDto> = route
        .rules
        .iter()
        .map(|rule| RouteRuleDto {
            target_ids: rule.target_ids.clone(),
            locations: rule.locations.clone(),
            global_events: rule.takes_global_events(),
            targets: rule
                .target_ids
                .iter()
                .filter_map(|id| joins.target_ref(id))
                .collect(),
        })
        .collect();
    RouteEntity {
        reference: refs::route_ref(route),
        id: route.id.clone(),
        name: route.name.clone(),
        crn: route.crn.clone(),
        account: route.account.clone(),
        global_events: rules.iter().any(|rule| rule.global_events),
        rules,
        terraform: terraform(route.declaration.as_ref()),
    }
}

pub(super) fn target(target: &RoutingTarget, joins: &Joins) -> TargetEntity {
    TargetEntity {
        reference: refs::target_ref(target),
        id: target.id.clone(),
        name: target.name.clone(),
        crn: target.crn.clone(),
        target_type: target.target_type.clone(),
        write_status: target.write_status.clone(),
        account: target.account.clone(),
        terraform: terraform(target.declaration.as_ref()),
        routes: joins.routes_of_target(&target.id),
    }
}
