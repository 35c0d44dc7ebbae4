//! Documents of the services beside IAM that people export with it (resource groups,
//! context-based restrictions, the Metrics and Logs Routing services, Activity Tracker
//! settings, Secrets Manager, IAM Identity and Access Groups templates and their
//! assignments, trusted profile identities): recognised for what they are and skipped with
//! their name, never read as a kind they resemble (a Metrics Routing target has `id`,
//! `name` and `target_type` like an Activity Tracker target).
//!
//! Shapes: IBM/platform-services-go-sdk `resourcemanagerv2` (`ResourceGroupList`),
//! `contextbasedrestrictionsv1` (`RuleList`, `ZoneList`), `metricsrouterv3` and
//! `logsrouterv3` (`TargetCollection`, `RouteCollection`, `Setting`), `atrackerv2`
//! (`Settings`), `iamidentityv1` (`ProfileIdentitiesResponse`, `TrustedProfileTemplateList`,
//! `AccountSettingsTemplateList`, `TemplateAssignmentListResponse`), `iamaccessgroupsv2`
//! (`ListTemplatesResponse`, `ListTemplateAssignmentResponse`); IBM/secrets-manager-go-sdk
//! `secretsmanagerv2` (`SecretMetadataPaginatedCollection`).

use serde_json::{Map, Value};

use super::catalogue::DocumentKind;
use super::shape::{classify, skipped_items};

/// List members whose items carry CRNs that name their service (see `shape::classify_by`).
const CRN_LISTS: [&str; 8] = [
    "resources",
    "rules",
    "zones",
    "routes",
    "targets",
    "secrets",
    "tenants",
    "profile_templates",
];

/// Which of these documents `object` is, if any.
pub(super) fn detect(object: &Map<String, Value>) -> Option<DocumentKind> {
    let items = |member: &str| object.get(member).and_then(Value::as_array);
    for member in CRN_LISTS {
        if let Some(list) = items(member).filter(|list| !list.is_empty())
            && let Some(kind) =
                skipped_items(list.iter().map(|item| item.as_object().and_then(classify)))
            && is_other(kind)
        {
            return Some(kind);
        }
    }
    let every = |member: &str, wanted: &dyn Fn(&Map<String, Value>) -> bool| {
        items(member).is_some_and(|list| {
            !list.is_empty() && list.iter().all(|item| item.as_object().is_some_and(wanted))
        })
    };
    let has_all = |item: &Map<String, Value>, members: &[&str]| {
        members.iter().all(|member| item.contains_key(*member))
    };
    // Trusted profile identities: every member optional, the items' required ones.
    if every("identities", &|item| {
        has_all(item, &["iam_id", "identifier", "type"])
    }) || (items("identities").is_some_and(Vec::is_empty)
        && object
            .keys()
            .all(|name| name == "identities" || name == "entity_tag"))
    {
        return Some(DocumentKind::ProfileIdentities);
    }
    if every("account_settings_templates", &|item| {
        item.contains_key("id")
    }) || every("profile_templates", &|item| item.contains_key("id"))
    {
        return Some(DocumentKind::IdentityTemplates);
    }
    if every("group_templates", &|item| item.contains_key("id")) {
        return Some(DocumentKind::AccessGroupTemplates);
    }
    if every("secrets", &|item| item.contains_key("secret_type")) {
        return Some(DocumentKind::Secrets);
    }
    if let Some(kind) = assignments(object) {
        return Some(kind);
    }
    routing_settings(object)
}

/// Whether `kind` is one this module names (the lists of [`CRN_LISTS`] hold IAM kinds too).
fn is_other(kind: DocumentKind) -> bool {
    matches!(
        kind,
        DocumentKind::ResourceGroups
            | DocumentKind::CbrRules
            | DocumentKind::CbrZones
            | DocumentKind::MetricsRouting
            | DocumentKind::LogsRouting
            | DocumentKind::Secrets
            | DocumentKind::IdentityTemplates
    )
}

/// Template assignments, by the template their first item assigns: IAM Identity
/// (`ProfileTemplate-...`, `AccountSettingsTemplate-...`), Access Groups
/// (`AccessGroupTemplateId-...`), or IAM Policy Management's older flat shape
/// (`policyTemplate-...`).
fn assignments(object: &Map<String, Value>) -> Option<DocumentKind> {
    let first = object.get("assignments")?.as_array()?.first()?;
    let template = first.get("template_id")?.as_str()?;
    if template.starts_with("ProfileTemplate-") || template.starts_with("AccountSettingsTemplate-")
    {
        Some(DocumentKind::IdentityAssignments)
    } else if template.starts_with("AccessGroupTemplateId-") {
        Some(DocumentKind::AccessGroupAssignments)
    } else if template.starts_with("policyTemplate-") {
        Some(DocumentKind::PolicyAssignments)
    } else {
        None
    }
}

/// The settings of Activity Tracker Event Routing (`metadata_region_primary`, target ids)
/// and of Metrics or Logs Routing (`primary_metadata_region`; Logs Routing's has
/// `api_version`).
fn routing_settings(object: &Map<String, Value>) -> Option<DocumentKind> {
    if !object.contains_key("permitted_target_regions") {
        return None;
    }
    if object.contains_key("metadata_region_primary") {
        Some(DocumentKind::AtrackerSettings)
    } else if object.contains_key("primary_metadata_region") {
        Some(if object.contains_key("api_version") {
            DocumentKind::LogsRouting
        } else {
            DocumentKind::MetricsRouting
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kind(value: Value) -> Option<DocumentKind> {
        detect(value.as_object()?)
    }

    const ACCOUNT: &str = "a/0be5ad401ae913d8ff665d92680664ed";

    #[test]
    fn other_services_lists_are_named_by_their_items_crns() {
        let group = json!({"resources": [{"id": "7cb9", "name": "Default", "crn":
            format!("crn:v1:bluemix:public:resource-controller::{ACCOUNT}::resource-group:7cb9")}]});
        assert_eq!(kind(group), Some(DocumentKind::ResourceGroups));
        let rules = json!({"count": 1, "rules": [{"id": "ca1c", "contexts": [], "resources": [],
            "crn": format!("crn:v1:bluemix:public:context-based-restrictions:global:{ACCOUNT}::rule:ca1c")}]});
        assert_eq!(kind(rules), Some(DocumentKind::CbrRules));
        let targets = json!({"targets": [{"id": "f7dc", "name": "t", "target_type": "sysdig_monitor",
            "crn": format!("crn:v1:bluemix:public:metrics-router:us-south:{ACCOUNT}::target:f7dc")}]});
        assert_eq!(kind(targets), Some(DocumentKind::MetricsRouting));
        let logs = json!({"routes": [{"id": "r", "name": "r", "rules": [],
            "crn": format!("crn:v1:bluemix:public:logs-router:global:{ACCOUNT}::route:r")}]});
        assert_eq!(kind(logs), Some(DocumentKind::LogsRouting));
    }

    #[test]
    fn iam_lists_of_the_same_member_names_are_not_claimed() {
        // A Resource Controller instance list and an access group rule list keep their kinds.
        let instances = json!({"resources": [{"guid": "g", "crn":
            format!("crn:v1:bluemix:public:cos:global:{ACCOUNT}:g::")}]});
        assert_eq!(kind(instances), None);
        let rules = json!({"rules": [{"access_group_id": "AccessGroupId-1", "conditions": []}]});
        assert_eq!(kind(rules), None);
    }

    #[test]
    fn templates_assignments_identities_secrets_and_settings_by_their_members() {
        assert_eq!(
            kind(json!({"entity_tag": "1-a", "identities": [
                {"iam_id": "IBMid-1", "identifier": "IBMid-1", "type": "user"}]})),
            Some(DocumentKind::ProfileIdentities)
        );
        assert_eq!(
            kind(json!({"group_templates": [{"id": "AccessGroupTemplateId-1"}]})),
            Some(DocumentKind::AccessGroupTemplates)
        );
        assert_eq!(
            kind(json!({"assignments": [{"template_id": "ProfileTemplate-1", "target": "a"}]})),
            Some(DocumentKind::IdentityAssignments)
        );
        assert_eq!(
            kind(json!({"secrets": [{"id": "s", "secret_type": "iam_credentials"}]})),
            Some(DocumentKind::Secrets)
        );
        assert_eq!(
            kind(
                json!({"default_targets": [], "permitted_target_regions": [],
                "metadata_region_primary": "us-south", "private_api_endpoint_only": false})
            ),
            Some(DocumentKind::AtrackerSettings)
        );
        assert_eq!(kind(json!({"identities": [{"iam_id": "x"}]})), None);
    }
}
