//! The catalogue of IBM Cloud document kinds iamlint knows: what each is, how it is
//! recognised, and whether it is loaded or skipped (and why). The README's "Inputs" section
//! is this table in prose; `catalogue_is_complete` keeps every kind in it.
//!
//! A kind is recognised by the members IBM's API reference and the platform-services SDK
//! models require of it, never by one common word: an activity report has `apikeys` too,
//! and must not stand in for the API key list.

/// A kind of document (or of the items of a CLI array) iamlint recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    ResourceInstances,
    ResourceKeys,
    ResourceBindings,
    ResourceAliases,
    Reclamations,
    ServiceIds,
    ApiKeys,
    ServiceIdGroups,
    TrustedProfiles,
    ProfileLinks,
    ProfileClaimRules,
    AccountSettings,
    ActivityReport,
    MfaReport,
    ReportReference,
    Users,
    Account,
    EnterpriseAccounts,
    IdentityLimits,
    Policies,
    PolicyTemplates,
    PolicyAssignments,
    Roles,
    CustomRoles,
    AccessGroups,
    AccessGroupMembers,
    AccessGroupRules,
    /// An empty `{"rules": []}`: access group rules and profile claim rules look alike.
    ClaimRules,
    AccessGroupSettings,
    AtrackerRoutes,
    AtrackerTargets,
    TerraformShow,
    TerraformState,
    ServiceCredentials,
    ResourceGroups,
    CbrRules,
    CbrZones,
    AtrackerSettings,
    MetricsRouting,
    LogsRouting,
    ProfileIdentities,
    IdentityTemplates,
    IdentityAssignments,
    AccessGroupTemplates,
    AccessGroupAssignments,
    Secrets,
    /// Links or claim rules whose profile neither the file's path nor the list names.
    UnnamedProfileLists,
    /// Last: `catalogue_is_complete` counts the kinds by it.
    Snapshot,
}

/// What iamlint does with a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// Read into the model.
    Loaded,
    /// Recognised and set aside; the text says why (shown with `-v`, counted in the summary).
    Skipped(&'static str),
}

/// One row of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    pub kind: DocumentKind,
    /// What a person calls it ("IAM Identity activity report").
    pub name: &'static str,
    /// The API call or command that produces it.
    pub source: &'static str,
    /// The members that make iamlint recognise it.
    pub recognised_by: &'static str,
    pub handling: Handling,
}

/// Why most skipped kinds are skipped.
const UNUSED: &str = "not used by any rule yet";

use DocumentKind as K;
use Handling::{Loaded, Skipped};

/// Every kind, in the order of the README's table.
pub const CATALOGUE: &[KindInfo] = &[
    KindInfo {
        kind: K::ResourceInstances,
        name: "Resource Controller instances",
        source: "GET /v2/resource_instances; ibmcloud resource service-instances --output json",
        recognised_by: "`resources[]` (with `rows_count`/`next_url`) whose items have an instance CRN (no resource type) and `guid`, `resource_plan_id` or `type: service_instance`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::ResourceKeys,
        name: "Resource Controller keys",
        source: "GET /v2/resource_keys; ibmcloud resource service-keys --output json",
        recognised_by: "`resources[]` items whose CRN has resource type `resource-key`, or with `source_crn` and no `target_crn`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::ResourceBindings,
        name: "Resource Controller bindings",
        source: "GET /v2/resource_bindings; ibmcloud resource service-bindings --output json",
        recognised_by: "items whose CRN has resource type `resource-binding`, or with both `source_crn` and `target_crn`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::ResourceAliases,
        name: "Resource Controller aliases",
        source: "GET /v2/resource_aliases; ibmcloud resource service-aliases --output json",
        recognised_by: "items whose CRN has resource type `resource-alias`, or with `resource_instance_id` and `target_crn`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::Reclamations,
        name: "Resource Controller reclamations",
        source: "GET /v1/reclamations; ibmcloud resource reclamations --output json",
        recognised_by: "items with `entity_crn` and `entity_type_id`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::ServiceIds,
        name: "IAM Identity service IDs",
        source: "GET /v1/serviceids/; ibmcloud iam service-ids --output json",
        recognised_by: "`serviceids[]`; items with an `id` `ServiceId-...` or `unique_instance_crns`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::ApiKeys,
        name: "IAM Identity API keys",
        source: "GET /v1/apikeys; ibmcloud iam api-keys / service-api-keys --output json",
        recognised_by: "`apikeys[]` (not in a report); items with an `id` `ApiKey-...` or `action_when_leaked`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::ServiceIdGroups,
        name: "IAM Identity service ID groups",
        source: "GET /v1/serviceid_groups",
        recognised_by: "`serviceid_groups[]` (an array; the limits document has an object there)",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::TrustedProfiles,
        name: "IAM Identity trusted profiles",
        source: "GET /v1/profiles?account_id=; ibmcloud iam trusted-profiles --output json (platform-services-go-sdk iamidentityv1 `TrustedProfilesList`)",
        recognised_by: "`profiles[]` (not in a report) or items with an `iam_id` `iam-Profile-...`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::ProfileLinks,
        name: "IAM Identity trusted profile links",
        source: "GET /v1/profiles/{id}/links (iamidentityv1 `ProfileLinkList`; it does not name its profile: put `Profile-<id>` in the file's path)",
        recognised_by: "`links[]` or items with `cr_type` and `link`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::ProfileClaimRules,
        name: "IAM Identity trusted profile claim rules",
        source: "GET /v1/profiles/{id}/rules (iamidentityv1 `ProfileClaimRuleList`; the profile from `context.url` or the file's path)",
        recognised_by: "`rules[]` or items with `type`, `expiration` and `conditions`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::AccountSettings,
        name: "IAM Identity account settings",
        source: "GET /v1/accounts/{id}/settings/identity; GET /v1/accounts/{id}/effective_settings/identity; ibmcloud iam account-settings --output json",
        recognised_by: "`account_id`, `restrict_create_service_id`, `restrict_create_platform_apikey` and `mfa` (`AccountSettingsResponse` of IBM/platform-services-go-sdk `iamidentityv1`); or `account_id` with an `effective` section holding them (`EffectiveAccountSettingsResponse`: the section is read)",
        handling: Loaded,
    },
    KindInfo {
        kind: K::ActivityReport,
        name: "IAM Identity activity report",
        source: "POST then GET /v1/activity/accounts/{id}/report/{reference} (IBM/platform-services-go-sdk iamidentityv1 `Report`: `UserActivity`, `ApikeyActivity`, `EntityActivity`)",
        recognised_by: "`reference` and `report_duration`, `report_start_time` or `report_end_time`; or `apikeys[]`, `serviceids[]`, `profiles[]` or `users[]` whose items have `last_authn` (they hold usage, not the entities)",
        handling: Loaded,
    },
    KindInfo {
        kind: K::MfaReport,
        name: "IAM Identity MFA enrollment report",
        source: "POST then GET /v1/mfa/accounts/{id}/report/{reference} (iamidentityv1 `ReportMfaEnrollmentStatus`, `UserReportMfaEnrollmentStatus`; before 2026 each user's MFA was under `enrollments`)",
        recognised_by: "`reference` and `report_time`; or `users[]` whose items have `effective_mfa_type`, `id_based_mfa` or `enrollments`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::ReportReference,
        name: "IAM Identity report reference",
        source: "POST /v1/activity/accounts/{id}/report; POST /v1/mfa/accounts/{id}/report",
        recognised_by: "an object with `reference` only",
        handling: Skipped("the reference of a report being made, not the report"),
    },
    KindInfo {
        kind: K::Users,
        name: "User Management users",
        source: "GET /v2/accounts/{account_id}/users (IBM/platform-services-go-sdk usermanagementv1 `UserList`, `UserProfile`)",
        recognised_by: "`resources[]` whose items have `iam_id` and `user_id`, `realm` or `state` and no CRN; an empty `resources[]` with `total_results`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::Account,
        name: "Account Management account",
        source: "GET /v4/accounts/{account_id} (accountmanagementv4 `AccountResponse`)",
        recognised_by: "`owner_iamid` and `id`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::EnterpriseAccounts,
        name: "Enterprise Management accounts",
        source: "GET /accounts/{account_id}; GET /accounts (enterprisemanagementv1 `Account`, `ListAccountsResponse`)",
        recognised_by: "`owner_iam_id` and `id`; or `resources[]` whose items have `owner_iam_id`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::IdentityLimits,
        name: "IAM Identity limits",
        source: "GET /v1/accounts/{id}/limits/identity",
        recognised_by: "`serviceid_groups`, `serviceids_per_group` or `apikeys_per_identity` objects",
        handling: Loaded,
    },
    KindInfo {
        kind: K::Policies,
        name: "IAM Policy Management v1 and v2 policies",
        source: "GET /v1/policies; GET /v2/policies; ibmcloud iam access-policies --output json",
        recognised_by: "`policies[]`; v1 items with `subjects` and `roles`, v2 items with `control` or `subject` and `resource`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::PolicyTemplates,
        name: "IAM Policy Management policy templates",
        source: "GET /v1/policy_templates",
        recognised_by: "`policy_templates[]` or items with `name`, `account_id`, `version`, `policy` and `state`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::PolicyAssignments,
        name: "IAM Policy Management policy assignments",
        source: "GET /v1/policy_assignments",
        recognised_by: "`assignments[]` whose items have `template` and `target`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::Roles,
        name: "IAM Policy Management roles",
        source: "GET /v2/roles?account_id= (iampolicymanagementv1 `RoleCollection`; its `custom_roles` are kept)",
        recognised_by: "`custom_roles[]`, `service_roles[]` and `system_roles[]`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::CustomRoles,
        name: "IAM Policy Management custom roles",
        source: "GET /v2/roles/{id}; ibmcloud iam roles --output json (iampolicymanagementv1 `CustomRole`)",
        recognised_by: "`custom_roles[]` alone, or items with `name`, `display_name`, `actions`, `service_name` and `account_id`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::AccessGroups,
        name: "IAM Access Groups groups",
        source: "GET /v2/groups; ibmcloud iam access-groups --output json; iamlint collect",
        recognised_by: "`groups[]` of `AccessGroupId-...` items; an empty `groups[]` alone or with the list's `limit`/`offset`/`total_count` and links",
        handling: Loaded,
    },
    KindInfo {
        kind: K::AccessGroupMembers,
        name: "IAM Access Groups members",
        source: "GET /v2/groups/{id}/members; iamlint collect",
        recognised_by: "`members[]` of items with `iam_id`, its `first` link naming the group",
        handling: Loaded,
    },
    KindInfo {
        kind: K::AccessGroupRules,
        name: "IAM Access Groups dynamic rules",
        source: "GET /v2/groups/{id}/rules; ibmcloud iam access-group-rules --output json",
        recognised_by: "`rules[]` or items with `access_group_id` and `conditions`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::ClaimRules,
        name: "empty rule list (access group rules or profile claim rules)",
        source: "GET /v2/groups/{id}/rules; GET /v1/profiles/{id}/rules",
        recognised_by: "an empty `rules[]`",
        handling: Skipped("no rules in it"),
    },
    KindInfo {
        kind: K::AccessGroupSettings,
        name: "IAM Access Groups account settings",
        source: "GET /v2/groups/settings?account_id={id}",
        recognised_by: "a boolean `public_access_enabled` beside only `account_id`, `last_modified_at`, `last_modified_by_id` (`AccountSettings` of IBM/platform-services-go-sdk `iamaccessgroupsv2`)",
        handling: Loaded,
    },
    KindInfo {
        kind: K::AtrackerRoutes,
        name: "Activity Tracker Event Routing routes",
        source: "GET /api/v2/routes; GET /api/v2/routes/{id} (any regional atracker endpoint)",
        recognised_by: "`routes[]` (alone when empty) or an object, with `id`, `name` and `rules[]` of `target_ids`/`locations` (`RouteList`, `Route` of IBM/platform-services-go-sdk `atrackerv2`)",
        handling: Loaded,
    },
    KindInfo {
        kind: K::AtrackerTargets,
        name: "Activity Tracker Event Routing targets",
        source: "GET /api/v2/targets; GET /api/v2/targets/{id} (any regional atracker endpoint)",
        recognised_by: "`targets[]` (alone when empty) or an object, with `id`, `name` and `target_type` (`TargetList`, `Target` of IBM/platform-services-go-sdk `atrackerv2`)",
        handling: Loaded,
    },
    KindInfo {
        kind: K::TerraformShow,
        name: "Terraform plan or state (terraform show -json)",
        source: "terraform show -json [plan file]",
        recognised_by: "`format_version` with `planned_values`, `values`, `resource_changes`, `prior_state` or `configuration`",
        handling: Loaded,
    },
    KindInfo {
        kind: K::TerraformState,
        name: "raw Terraform state",
        source: "terraform.tfstate",
        recognised_by: "`version`, `terraform_version`, `serial`, `lineage` and `resources[]`",
        handling: Skipped(
            "iamlint reads `terraform show -json` output: run `terraform show -json terraform.tfstate > state.json` and check state.json",
        ),
    },
    KindInfo {
        kind: K::ServiceCredentials,
        name: "service credentials",
        source: "the console's service credentials JSON; a resource key's `credentials`",
        recognised_by: "`apikey` with `iam_apikey_name`, `iam_apikey_description`, `iam_role_crn` or `iam_serviceid_crn`",
        handling: Skipped(
            "a secret file: not read, never printed; keep it in a secrets manager, not with the exports",
        ),
    },
    KindInfo {
        kind: K::ResourceGroups,
        name: "Resource Manager resource groups",
        source: "GET /v2/resource_groups; GET /v2/resource_groups/{id}; ibmcloud resource groups --output json (resourcemanagerv2 `ResourceGroupList`)",
        recognised_by: "items whose CRN has resource type `resource-group` (`crn:v1:...:resource-controller::a/<account>::resource-group:<id>`), in `resources[]`, an array or alone",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::CbrRules,
        name: "context-based restrictions rules",
        source: "GET https://cbr.cloud.ibm.com/v1/rules (contextbasedrestrictionsv1 `RuleList`)",
        recognised_by: "`rules[]` or an object whose CRN is of service `context-based-restrictions`, resource type `rule`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::CbrZones,
        name: "context-based restrictions network zones",
        source: "GET https://cbr.cloud.ibm.com/v1/zones (contextbasedrestrictionsv1 `ZoneList`)",
        recognised_by: "`zones[]` or an object whose CRN is of service `context-based-restrictions`, resource type `zone`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::AtrackerSettings,
        name: "Activity Tracker Event Routing settings",
        source: "GET /api/v2/settings (atrackerv2 `Settings`)",
        recognised_by: "`permitted_target_regions` with `metadata_region_primary`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::MetricsRouting,
        name: "Metrics Routing routes, targets or settings",
        source: "GET /api/v3/routes, /api/v3/targets, /api/v3/settings (metricsrouterv3)",
        recognised_by: "items whose CRN is of service `metrics-router` (in `routes[]`, `targets[]` or alone); settings with `permitted_target_regions` and `primary_metadata_region`, no `api_version`",
        handling: Skipped(
            "Metrics Routing routes monitoring metrics, not the audit events of CIS 1.18 (those are Activity Tracker Event Routing's)",
        ),
    },
    KindInfo {
        kind: K::LogsRouting,
        name: "Logs Routing routes, targets, tenants or settings",
        source: "GET /v3/routes, /v3/targets, /v3/settings (logsrouterv3); GET /v1/tenants (the older tenants API)",
        recognised_by: "items whose CRN is of service `logs-router` (in `routes[]`, `targets[]`, `tenants[]` or alone); settings with `permitted_target_regions`, `primary_metadata_region` and `api_version`",
        handling: Skipped(
            "Logs Routing routes platform logs, not the audit events of CIS 1.18 (those are Activity Tracker Event Routing's)",
        ),
    },
    KindInfo {
        kind: K::ProfileIdentities,
        name: "IAM Identity trusted profile identities",
        source: "GET /v1/profiles/{id}/identities (iamidentityv1 `ProfileIdentitiesResponse`)",
        recognised_by: "`identities[]` whose items have `iam_id`, `identifier` and `type`; an empty `identities[]` beside only `entity_tag`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::IdentityTemplates,
        name: "IAM Identity templates",
        source: "GET /v1/profile_templates; GET /v1/account_settings_templates (iamidentityv1 `TrustedProfileTemplateList`, `AccountSettingsTemplateList`)",
        recognised_by: "`profile_templates[]` or `account_settings_templates[]`; items whose CRN has service `iam-identity`, resource type `template`",
        handling: Skipped(
            "templates are applied to accounts as the effective settings and profiles: export those (`effective_settings/identity`, `/v1/profiles`) instead",
        ),
    },
    KindInfo {
        kind: K::IdentityAssignments,
        name: "IAM Identity template assignments",
        source: "GET /v1/profile_assignments/; GET /v1/account_settings_assignments/ (iamidentityv1 `TemplateAssignmentListResponse`)",
        recognised_by: "`assignments[]` whose items' `template_id` is `ProfileTemplate-...` or `AccountSettingsTemplate-...`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::AccessGroupTemplates,
        name: "IAM Access Groups templates",
        source: "GET /v1/group_templates (iamaccessgroupsv2 `ListTemplatesResponse`)",
        recognised_by: "`group_templates[]`",
        handling: Skipped(
            "templates are applied to accounts as access groups: export the account's groups and members instead",
        ),
    },
    KindInfo {
        kind: K::AccessGroupAssignments,
        name: "IAM Access Groups template assignments",
        source: "GET /v1/group_assignments (iamaccessgroupsv2 `ListTemplateAssignmentResponse`)",
        recognised_by: "`assignments[]` whose items' `template_id` is `AccessGroupTemplateId-...`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::Secrets,
        name: "Secrets Manager secrets",
        source: "GET /api/v2/secrets of a Secrets Manager instance (secretsmanagerv2 `SecretMetadataPaginatedCollection`)",
        recognised_by: "`secrets[]` whose items have `secret_type`; items whose CRN is of service `secrets-manager`, resource type `secret`",
        handling: Skipped(UNUSED),
    },
    KindInfo {
        kind: K::UnnamedProfileLists,
        name: "trusted profile links or claim rules of no named profile",
        source: "GET /v1/profiles/{id}/links or /rules saved under a name without the profile's id",
        recognised_by: "`links[]` or `rules[]` of profile items, with no `Profile-<id>` in the file's path and no `context.url`",
        handling: Skipped(
            "the list does not name its trusted profile: save it as `profile_links_<Profile-id>.json` (or `profile_rules_<Profile-id>.json`), or in a directory named for the profile",
        ),
    },
    KindInfo {
        kind: K::Snapshot,
        name: "iamlint live snapshot",
        source: "iamlint collect (snapshot.json)",
        recognised_by: "`iamlint_snapshot`",
        handling: Loaded,
    },
];

impl DocumentKind {
    /// The kind's row of [`CATALOGUE`].
    pub fn info(self) -> &'static KindInfo {
        CATALOGUE
            .iter()
            .find(|info| info.kind == self)
            .unwrap_or(&CATALOGUE[0])
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Why the kind is skipped; `None` for a loaded kind.
    pub fn skip_reason(self) -> Option<&'static str> {
        match self.info().handling {
            Handling::Loaded => None,
            Handling::Skipped(reason) => Some(reason),
        }
    }

    /// "Resource Controller bindings: not used by any rule yet".
    pub fn skip_message(self) -> String {
        match self.skip_reason() {
            Some(reason) => format!("{}: {reason}", self.name()),
            None => self.name().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_complete() {
        // Every kind has exactly one row (a missing row would fall back to the first).
        let kinds: Vec<DocumentKind> = CATALOGUE.iter().map(|info| info.kind).collect();
        for (at, kind) in kinds.iter().enumerate() {
            assert!(!kinds[at + 1..].contains(kind), "{kind:?} twice");
            assert_eq!(kind.info().kind, *kind);
        }
        assert_eq!(kinds.len(), DocumentKind::Snapshot as usize + 1);
        assert_eq!(
            DocumentKind::ResourceBindings.skip_message(),
            "Resource Controller bindings: not used by any rule yet"
        );
    }
}
