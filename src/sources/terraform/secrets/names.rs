//! The fallback when neither Terraform nor the provider says a value is secret: a name that
//! means a credential, judged on whole words, never on a substring.
//!
//! The rule: split the name into lower-case words (at `_`, `-`, `.`, spaces, camelCase and
//! digits; numbers are dropped). The name is a credential name when
//! 1. its last words are a credential term ([`TERMS`]: `apikey`, `api key`, `password`,
//!    `token`, `private key`, `client secret`, `secret access key`, ...), optionally followed
//!    by `value`; a compound names its head last, so `apikey_creation`, `api_key_expiry` and
//!    `secret_group` are a creation, an expiry and a group, not keys; and
//! 2. no word of it is a qualifier ([`QUALIFIERS`]) that turns it into a setting, a limit or
//!    a name of something: `restrict_create_platform_apikey` (a setting), `max_tokens`,
//!    `secrets_instance_crn`, `iam_apikey_id`.

/// Credential terms, as word sequences; a credential name ends with one.
const TERMS: &[&[&str]] = &[
    &["apikey"],
    &["apikeys"],
    &["api", "key"],
    &["api", "keys"],
    &["apitoken"],
    &["password"],
    &["passwords"],
    &["passwd"],
    &["passphrase"],
    &["secret"],
    &["secrets"],
    &["token"],
    &["tokens"],
    &["private", "key"],
    &["privatekey"],
    &["secret", "key"],
    &["secret", "access", "key"],
    &["service", "key"],
    &["ingestion", "key"],
    &["credential"],
    &["credentials"],
    &["credentials", "json"],
    &["authorization"],
];

/// Every term holds one of these.
const STEMS: &[&str] = &[
    "key",
    "pass",
    "secret",
    "token",
    "credential",
    "authorization",
];

/// Credential words that are still recognised at the end of a longer word.
const GLUED: &[&str] = &["password", "passwd", "apikey"];

/// Words that make a name a setting, a limit, or the name, id or place of something, rather
/// than a credential.
const QUALIFIERS: &[&str] = &[
    // settings and actions
    "restrict",
    "restricted",
    "restriction",
    "create",
    "creation",
    "created",
    "allow",
    "allowed",
    "enable",
    "enabled",
    "disable",
    "disabled",
    "require",
    "required",
    "rotate",
    "rotation",
    "policy",
    "policies",
    "mode",
    "setting",
    "settings",
    "is",
    "has",
    "use",
    "reuse",
    "enforce",
    "onetime",
    "generate",
    "generation",
    // time and limits
    "expire",
    "expires",
    "expiry",
    "expiration",
    "expired",
    "ttl",
    "lifetime",
    "age",
    "length",
    "count",
    "max",
    "min",
    "maximum",
    "minimum",
    "num",
    "number",
    // what names or locates a secret rather than holding it
    "group",
    "groups",
    "instance",
    "instances",
    "name",
    "names",
    "id",
    "ids",
    "crn",
    "type",
    "format",
    "version",
    "description",
    "label",
    "labels",
    "path",
    "file",
    "url",
    "endpoint",
    "ref",
    "reference",
    "page",
    "next",
];

/// The words of `name`, lower case: split at every character that is not a letter or digit,
/// at camelCase (`apiKey`, `IBMCloudAPIKey`) and between letters and digits; numbers dropped.
pub(crate) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (at, &ch) in chars.iter().enumerate() {
        if !ch.is_alphanumeric() {
            words.push(std::mem::take(&mut current));
            continue;
        }
        if let Some(&previous) = at.checked_sub(1).and_then(|before| chars.get(before)) {
            let next_lower = chars.get(at + 1).is_some_and(|next| next.is_lowercase());
            let boundary = (ch.is_uppercase()
                && (previous.is_lowercase()
                    || previous.is_ascii_digit()
                    || (previous.is_uppercase() && next_lower)))
                || (ch.is_ascii_digit() != previous.is_ascii_digit() && previous.is_alphanumeric());
            if boundary {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(ch.to_lowercase());
    }
    words.push(current);
    words
        .into_iter()
        .filter(|word| !word.is_empty() && !word.chars().all(|ch| ch.is_ascii_digit()))
        .collect()
}

/// Whether `name` (an attribute, member, variable or output name) means a credential.
pub(crate) fn is_credential_name(name: &str) -> bool {
    // Most names hold no credential word at all: skip splitting them (every leaf of a plan
    // is asked).
    let holds = |stem: &str| {
        name.as_bytes()
            .windows(stem.len())
            .any(|window| window.eq_ignore_ascii_case(stem.as_bytes()))
    };
    if !STEMS.iter().any(|stem| holds(stem)) {
        return false;
    }
    let mut words = words(name);
    if words.iter().any(|word| QUALIFIERS.contains(&word.as_str())) {
        return false;
    }
    if words.len() > 1 && words.last().is_some_and(|word| word == "value") {
        words.pop();
    }
    // Words glued without a separator (`adminpassword`, `ibmcloudapikey`) end with the term.
    let glued = words.last().is_some_and(|word| {
        word.len() > "password".len() && GLUED.iter().any(|term| word.ends_with(term))
    });
    glued
        || TERMS.iter().any(|term| {
            words.len() >= term.len()
                && words[words.len() - term.len()..]
                    .iter()
                    .zip(term.iter())
                    .all(|(word, part)| word == part)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_separators_camel_case_and_digits() {
        assert_eq!(words("restrict_create_platform_apikey").len(), 4);
        assert_eq!(words("IBMCloudAPIKey"), ["ibm", "cloud", "api", "key"]);
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("s3-secret.2"), ["s", "secret"]);
        assert_eq!(
            words("cos_hmac_keys.secret_access_key"),
            ["cos", "hmac", "keys", "secret", "access", "key"]
        );
    }

    #[test]
    fn credential_names() {
        for name in [
            "apikey",
            "api_key",
            "ibmcloud_api_key",
            "iaas_classic_api_key",
            "IBMCLOUD_API_KEY",
            "ibmcloudApiKey",
            "password",
            "db_password",
            "admin-passwd",
            "token",
            "iam_refresh_token",
            "github_token",
            "private_key",
            "ssh_private_key",
            "client_secret",
            "webhook_secret",
            "secret",
            "cos_hmac_keys.secret_access_key",
            "service_key",
            "ingestion_key",
            "credentials",
            "service_credentials_json",
            "api_key_value",
            "Authorization",
            "adminpassword",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn names_that_merely_contain_a_credential_word() {
        for name in [
            "restrict_create_platform_apikey",
            "restrict_create_service_id",
            "apikey_creation",
            "api_key_expiry",
            "api_key_expires_at",
            "secret_group",
            "pipeline_secret_group",
            "secrets_instance",
            "secrets_manager_crn",
            "secret_id",
            "secret_type",
            "iam_apikey_id",
            "iam_apikey_name",
            "iam_apikey_description",
            "apikey_name",
            "password_length",
            "min_password_length",
            "max_tokens",
            "token_expiry",
            "private_key_type",
            "store_value",
            "enable_api_key",
            "api_key_file",
            "keys",
            "key",
            "access_key_id",
            "reuse_api_key",
            "enforce_token",
            "onetime_credentials",
            "password_generation_policy",
            "",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }
}
