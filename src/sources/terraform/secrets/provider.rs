//! What the IBM provider holds secret: the attributes its schema marks `Sensitive: true`, per
//! resource (and data source) type, and its own credential arguments. The one list of them:
//! the plan and state scan reads it here, and so will a `.tf` loader.
//!
//! Source: IBM-Cloud/terraform-provider-ibm at 9f9b7ecfc (`ibm/service/iamidentity`,
//! `resourcecontroller`, `secretsmanager`, `cdtoolchain`, `atracker`, `database`,
//! `enterprise`, `appconfiguration`, `ibm/provider/provider.go`): every `Sensitive: true`
//! of those resources. Data sources of the same type have the same attributes, so one entry
//! serves both.

/// `(resource type, attribute path)`: a path names nested attributes and blocks with dots,
/// without list indexes, and covers everything below it (a whole `credentials` map).
pub(crate) const SENSITIVE_ATTRIBUTES: &[(&str, &str)] = &[
    ("ibm_resource_key", "credentials"),
    ("ibm_resource_key", "credentials_json"),
    ("ibm_iam_api_key", "apikey"),
    ("ibm_iam_service_api_key", "apikey"),
    ("ibm_iam_idp", "secrets"),
    ("ibm_sm_arbitrary_secret", "payload"),
    ("ibm_sm_custom_credentials_secret", "credentials_content"),
    ("ibm_sm_iam_credentials_configuration", "api_key"),
    ("ibm_sm_iam_credentials_secret", "api_key"),
    ("ibm_sm_kv_secret", "data"),
    ("ibm_sm_service_credentials_secret", "credentials"),
    ("ibm_sm_username_password_secret", "password"),
    ("ibm_sm_imported_certificate", "certificate"),
    ("ibm_sm_imported_certificate", "intermediate"),
    ("ibm_sm_imported_certificate", "private_key"),
    ("ibm_sm_private_certificate", "certificate"),
    ("ibm_sm_private_certificate", "private_key"),
    ("ibm_sm_private_certificate", "issuing_ca"),
    ("ibm_sm_private_certificate", "ca_chain"),
    ("ibm_sm_public_certificate", "certificate"),
    ("ibm_sm_public_certificate", "intermediate"),
    ("ibm_sm_public_certificate", "private_key"),
    ("ibm_sm_public_certificate", "akamai.config.host"),
    ("ibm_sm_public_certificate", "akamai.config.client_secret"),
    ("ibm_sm_public_certificate", "akamai.config.access_token"),
    ("ibm_sm_public_certificate", "akamai.config.client_token"),
    (
        "ibm_sm_public_certificate_configuration_ca_lets_encrypt",
        "lets_encrypt_private_key",
    ),
    ("ibm_sm_private_certificate_configuration_root_ca", "data"),
    (
        "ibm_sm_private_certificate_configuration_intermediate_ca",
        "data",
    ),
    (
        "ibm_sm_private_certificate_configuration_action_sign_csr",
        "data",
    ),
    (
        "ibm_sm_private_certificate_configuration_action_sign_csr",
        "csr",
    ),
    (
        "ibm_sm_private_certificate_configuration_action_set_signed",
        "certificate",
    ),
    ("ibm_atracker_target", "cos_endpoint.api_key"),
    ("ibm_atracker_target", "eventstreams_endpoint.api_key"),
    ("ibm_enterprise_account", "iam_apikey"),
    ("ibm_database", "adminpassword"),
    ("ibm_database", "users.password"),
    ("ibm_app_config_snapshot", "git_token"),
    ("ibm_cd_toolchain_tool_artifactory", "parameters.token"),
    ("ibm_cd_toolchain_tool_cos", "parameters.cos_api_key"),
    ("ibm_cd_toolchain_tool_cos", "parameters.hmac_access_key_id"),
    (
        "ibm_cd_toolchain_tool_cos",
        "parameters.hmac_secret_access_key",
    ),
    (
        "ibm_cd_toolchain_tool_githubconsolidated",
        "parameters.api_token",
    ),
    ("ibm_cd_toolchain_tool_gitlab", "parameters.api_token"),
    (
        "ibm_cd_toolchain_tool_hashicorpvault",
        "parameters.password",
    ),
    ("ibm_cd_toolchain_tool_hashicorpvault", "parameters.role_id"),
    (
        "ibm_cd_toolchain_tool_hashicorpvault",
        "parameters.secret_id",
    ),
    ("ibm_cd_toolchain_tool_hashicorpvault", "parameters.token"),
    ("ibm_cd_toolchain_tool_hostedgit", "parameters.api_token"),
    ("ibm_cd_toolchain_tool_jenkins", "parameters.api_token"),
    ("ibm_cd_toolchain_tool_jenkins", "parameters.webhook_url"),
    ("ibm_cd_toolchain_tool_jira", "parameters.api_token"),
    ("ibm_cd_toolchain_tool_nexus", "parameters.token"),
    ("ibm_cd_toolchain_tool_pagerduty", "parameters.service_key"),
    (
        "ibm_cd_toolchain_tool_privateworker",
        "parameters.worker_queue_credentials",
    ),
    ("ibm_cd_toolchain_tool_saucelabs", "parameters.access_key"),
    (
        "ibm_cd_toolchain_tool_securitycompliance",
        "parameters.scc_api_key",
    ),
    ("ibm_cd_toolchain_tool_slack", "parameters.webhook"),
    (
        "ibm_cd_toolchain_tool_sonarqube",
        "parameters.user_password",
    ),
];

/// Arguments of the `ibm` provider block that are credentials (the schema does not mark them
/// sensitive, but each is an API key or a token): a constant there, or a variable feeding
/// one, is a secret.
pub(crate) const PROVIDER_CREDENTIALS: &[&str] = &[
    "ibmcloud_api_key",
    "iaas_classic_api_key",
    "bluemix_api_key",
    "softlayer_api_key",
    "iam_token",
    "iam_refresh_token",
];

/// How far a provider-sensitive attribute reaches along `path` (attribute names, list indexes
/// already left out) of a `resource_type`: `Some(len)` when the first `len` names are a
/// sensitive attribute (so `len == path.len()` marks the value itself, and a shorter `len` a
/// container it is in), `None` when the provider holds nothing along it secret.
pub(crate) fn sensitive_depth(resource_type: &str, path: &[&str]) -> Option<usize> {
    SENSITIVE_ATTRIBUTES
        .iter()
        .filter(|(kind, _)| *kind == resource_type)
        .filter_map(|(_, attribute)| {
            let names: Vec<&str> = attribute.split('.').collect();
            (names.len() <= path.len() && names[..] == path[..names.len()]).then_some(names.len())
        })
        .min()
}

/// Whether `argument` of the provider block `provider` (its `name` in `provider_config`) is
/// one of the IBM provider's credentials.
pub(crate) fn is_provider_credential(provider: &str, argument: &str) -> bool {
    provider == "ibm" && PROVIDER_CREDENTIALS.contains(&argument)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_attributes_and_what_lies_below_them() {
        assert_eq!(
            sensitive_depth("ibm_resource_key", &["credentials", "apikey"]),
            Some(1)
        );
        assert_eq!(
            sensitive_depth("ibm_iam_service_api_key", &["apikey"]),
            Some(1)
        );
        assert_eq!(
            sensitive_depth(
                "ibm_sm_public_certificate",
                &["akamai", "config", "client_secret"]
            ),
            Some(3)
        );
        assert_eq!(
            sensitive_depth("ibm_sm_public_certificate", &["akamai"]),
            None
        );
        assert_eq!(sensitive_depth("ibm_iam_service_api_key", &["name"]), None);
        assert_eq!(
            sensitive_depth(
                "ibm_iam_account_settings",
                &["restrict_create_platform_apikey"]
            ),
            None
        );
        assert!(is_provider_credential("ibm", "ibmcloud_api_key"));
        assert!(!is_provider_credential("ibm", "region"));
        assert!(!is_provider_credential("aws", "ibmcloud_api_key"));
    }
}
