//! The account-level entities of the input document: IAM identity and access group
//! settings, custom roles, and Activity Tracker Event Routing routes and targets. Findings
//! on them are about the account (their `ref` tells them apart), and a denial's `pointer`
//! names the setting or route rule to point at (`/mfa`, `/rules/0`).

use schemars::JsonSchema;
use serde::Serialize;

use super::entities::{TerraformDto, terraform};
use super::joins::Joins;
use super::refs::{self, Ref};
use crate::model::{
    AccessGroupSettings, CustomRole, IdentitySettings, Route, RoutingTarget, Setting,
};

/// The IAM Identity account settings of an account (`GET /v1/accounts/{id}/settings/identity`, Terraform `ibm_iam_account_settings`). A member the input does not hold is `null`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IdentitySettingsEntity<'a> {
    /// `identity_settings:<account id>`; `pointer` `/mfa`, `/restrict_create_service_id` or `/restrict_create_platform_apikey` points at that setting.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub account: Option<&'a str>,
    /// `RESTRICTED`, `NOT_RESTRICTED` or `NOT_SET`.
    pub restrict_create_service_id: Option<&'a str>,
    /// `RESTRICTED`, `NOT_RESTRICTED` or `NOT_SET`.
    pub restrict_create_platform_apikey: Option<&'a str>,
    /// `NONE`, `NONE_NO_ROPC`, `TOTP`, `TOTP4ALL`, `LEVEL1`, `LEVEL2` or `LEVEL3`.
    pub mfa: Option<&'a str>,
    pub terraform: Option<TerraformDto<'a>>,
}

/// The IAM Access Groups account settings of an account (`GET /v2/groups/settings`, Terraform `ibm_iam_access_group_account_settings`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct AccessGroupSettingsEntity<'a> {
    /// `access_group_settings:<account id>`; `pointer` `/public_access_enabled` points at the setting.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub account: Option<&'a str>,
    /// Whether the Public Access group can grant access to anyone, authenticated or not.
    pub public_access_enabled: Option<bool>,
    pub terraform: Option<TerraformDto<'a>>,
}

/// A custom role of the account (IAM Policy Management, Terraform `ibm_iam_custom_role`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct CustomRoleEntity<'a> {
    /// `custom_role:<CRN>` (else its id, else its name).
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub id: Option<&'a str>,
    /// The name its CRN ends with (`customRole:<name>`), as `policies[].roles[].name` says it.
    pub name: &'a str,
    pub display_name: Option<&'a str>,
    /// The service whose actions it holds.
    pub service: Option<&'a str>,
    /// The action ids it grants (`kms.secrets.rotate`, `iam.policy.create`).
    pub actions: &'a [String],
    pub crn: Option<&'a str>,
    pub account: Option<&'a str>,
    pub terraform: Option<TerraformDto<'a>>,
    /// The `ref`s of the policies that grant it.
    pub policies: Vec<Ref<'a>>,
}

/// An Activity Tracker Event Routing route.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RouteEntity<'a> {
    /// `atracker_route:<id>`; `pointer` `/rules/<n>` points at its n-th rule.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub crn: Option<&'a str>,
    pub account: Option<&'a str>,
    pub rules: Vec<RouteRuleDto<'a>>,
    /// Whether a rule sends global events (IAM's, account management's: location `global` or `*`).
    pub global_events: bool,
    pub terraform: Option<TerraformDto<'a>>,
}

/// One rule of a route: where the events of its locations go.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RouteRuleDto<'a> {
    /// The target ids as written (a plan's computed id is a `<...>` placeholder).
    pub target_ids: &'a [String],
    /// Regions, `global`, or `*` for every location.
    pub locations: &'a [String],
    /// Whether the rule takes global events (`global` or `*`).
    pub global_events: bool,
    /// The `ref`s of the loaded targets it names.
    pub targets: Vec<Ref<'a>>,
}

/// An Activity Tracker Event Routing target: where routed events are written.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TargetEntity<'a> {
    /// `atracker_target:<id>`.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub crn: Option<&'a str>,
    /// `cloud_object_storage`, `event_streams`, `cloud_logs`, ...
    #[serde(rename = "type")]
    pub target_type: Option<&'a str>,
    /// `write_status.status`: `success` or `failed` when the service last wrote to it.
    pub write_status: Option<&'a str>,
    pub account: Option<&'a str>,
    pub terraform: Option<TerraformDto<'a>>,
    /// The `ref`s of the routes that send events to it.
    pub routes: Vec<Ref<'a>>,
}

fn value<T>(setting: &Option<Setting<T>>) -> Option<&T> {
    setting.as_ref().map(|setting| &setting.value)
}

pub(super) fn identity_settings(settings: &IdentitySettings) -> IdentitySettingsEntity<'_> {
    IdentitySettingsEntity {
        reference: refs::identity_settings_ref(settings),
        account: settings.account.as_deref(),
        restrict_create_service_id: value(&settings.restrict_create_service_id).map(String::as_str),
        restrict_create_platform_apikey: value(&settings.restrict_create_platform_apikey)
            .map(String::as_str),
        mfa: value(&settings.mfa).map(String::as_str),
        terraform: terraform(settings.declaration.as_deref()),
    }
}

pub(super) fn access_group_settings(
    settings: &AccessGroupSettings,
) -> AccessGroupSettingsEntity<'_> {
    AccessGroupSettingsEntity {
        reference: refs::access_group_settings_ref(settings),
        account: settings.account.as_deref(),
        public_access_enabled: value(&settings.public_access_enabled).copied(),
        terraform: terraform(settings.declaration.as_deref()),
    }
}

pub(super) fn custom_role<'a>(role: &'a CustomRole, joins: &Joins<'a>) -> CustomRoleEntity<'a> {
    CustomRoleEntity {
        reference: refs::custom_role_ref(role),
        id: role.id.as_deref(),
        name: &role.name,
        display_name: role.display_name.as_deref(),
        service: role.service_name.as_deref(),
        actions: &role.actions,
        crn: role.crn.as_deref(),
        account: role.account.as_deref(),
        terraform: terraform(role.declaration.as_deref()),
        policies: joins.policies_of_custom_role(&role.name),
    }
}

pub(super) fn route<'a>(route: &'a Route, joins: &Joins<'a>) -> RouteEntity<'a> {
    let rules: Vec<RouteRuleDto<'a>> = route
        .rules
        .iter()
        .map(|rule| RouteRuleDto {
            target_ids: &rule.target_ids,
            locations: &rule.locations,
            global_events: route.takes_global_events(rule),
            targets: rule
                .target_ids
                .iter()
                .filter_map(|id| joins.target_ref(id))
                .collect(),
        })
        .collect();
    RouteEntity {
        reference: refs::route_ref(route),
        id: &route.id,
        name: route.name.as_deref(),
        crn: route.crn.as_deref(),
        account: route.account.as_deref(),
        global_events: rules.iter().any(|rule| rule.global_events),
        rules,
        terraform: terraform(route.declaration.as_deref()),
    }
}

pub(super) fn target<'a>(target: &'a RoutingTarget, joins: &Joins<'a>) -> TargetEntity<'a> {
    TargetEntity {
        reference: refs::target_ref(target),
        id: &target.id,
        name: target.name.as_deref(),
        crn: target.crn.as_deref(),
        target_type: target.target_type.as_deref(),
        write_status: target.write_status.as_deref(),
        account: target.account.as_deref(),
        terraform: terraform(target.declaration.as_deref()),
        routes: joins.routes_of_target(&target.id),
    }
}
