//! What a value must look like to count as a secret. Two bars: any real text, for a value
//! Terraform or the provider marks sensitive itself; and a shape like a secret, for the name
//! fallback and for the members of a sensitive map (whose URLs and CRNs are not secrets).

use serde_json::Value;

/// Markers exporters and tools write instead of a secret, and Terraform's placeholders for a
/// value not known yet (`74D93920-...` is the unknown value of Terraform 0.11).
const PLACEHOLDERS: &[&str] = &[
    "<redacted>",
    "redacted",
    "[redacted]",
    "(redacted)",
    "<computed>",
    "(known after apply)",
    "(sensitive value)",
    "(sensitive)",
    "<sensitive>",
    // Defaults that stand in for a value given later: the word, not a secret (a sensitive
    // variable's `default = "null"` meant Terraform's null).
    "null",
    "none",
    "placeholder",
    "74d93920-ed26-11e3-ac10-0800200c9a66",
];

/// Prefixes of IBM identifiers (service IDs, IAM IDs, API key ids, IBMids, access groups,
/// trusted profiles): names of things, not secrets.
const ID_PREFIXES: &[&str] = &[
    "crn:",
    "serviceid-",
    "iam-",
    "ibmid-",
    "apikey-",
    "accessgroupid-",
    "profile-",
];

/// References to other values, as a plan or a hand-written file may spell them.
const REFERENCE_PREFIXES: &[&str] = &[
    "var.", "local.", "module.", "data.", "each.", "count.", "path.", "self.",
];

/// Extensions of files that hold (or name) a key, for `file` and path values.
const FILE_EXTENSIONS: &[&str] = &[
    ".json", ".pem", ".key", ".txt", ".yaml", ".yml", ".tfvars", ".env", ".p12", ".crt",
];

/// Whether `value` holds real text: a non-empty string that is not a redaction marker, an
/// unknown-value placeholder, a placeholder to fill in (`<api_token>`, `xxxxxxxx`), public certificate material (a PEM certificate, certificate
/// request or public key), a CRN, or a secret reference (`{vault::integration.secret}`, the
/// by-name reference of Continuous Delivery toolchains; by CRN it is a CRN). Numbers,
/// booleans and `null` hold no secret.
pub(crate) fn holds_text(value: &Value) -> bool {
    let Value::String(text) = value else {
        return false;
    };
    let text = text.trim();
    let not_secret = text.is_empty()
        || is_placeholder(text)
        || is_public_pem(text)
        || starts_with_ignoring_case(text, "crn:")
        || (starts_with_ignoring_case(text, "{vault::") && text.ends_with('}'));
    !not_secret
}

fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Markers and placeholders: `<redacted>`, `(known after apply)`, `<api_token>` (a value to
/// fill in), `********` or `xxxxxxxx` (one character repeated stands in for a value).
fn is_placeholder(text: &str) -> bool {
    let first = text.chars().next();
    text.chars().all(|ch| Some(ch) == first)
        || (text.starts_with('<') && text.ends_with('>'))
        || PLACEHOLDERS
            .iter()
            .any(|placeholder| placeholder.eq_ignore_ascii_case(text))
}

/// Whether `value` has the shape of a secret: real text of at least 8 characters without
/// spaces (a PEM private key, an `Authorization` value and a JSON object excepted) that is none of: an enum word
/// (`RESTRICTED`, `NOT_RESTRICTED`), a boolean or a number written as text, a CRN or IBM
/// id (`ServiceId-...`, `iam-...`), a UUID, a reference (`var.x`, `${...}`, a resource
/// address), a URL without a password, an e-mail address, a file path, a resource name
/// (`cd-pipeline-secrets`).
pub(crate) fn looks_like_secret(value: &Value) -> bool {
    if !holds_text(value) {
        return false;
    }
    let Some(text) = value.as_str().map(str::trim) else {
        return false;
    };
    let lower = text.to_ascii_lowercase();
    let spaced = text.chars().any(char::is_whitespace);
    if spaced
        && !(is_private_pem(text)
            || is_authorization(text)
            || (text.starts_with('{') && text.ends_with('}')))
    {
        return false;
    }
    text.chars().count() >= 8
        && !is_enum_word(text)
        && !matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "null" | "none"
        )
        && text.parse::<f64>().is_err()
        && !ID_PREFIXES.iter().any(|prefix| lower.starts_with(prefix))
        && !is_uuid(text)
        && !is_reference(text)
        && !is_plain_url(text)
        && !is_email(text)
        && !is_path(&lower)
        && !is_resource_name(text)
}

/// `cd-pipeline-secrets`, `registry_pull_secret`: lower-case words joined by `-`, `_` or
/// `.`, the way resources (a Code Engine secret, a secret group) are named. Generated
/// secrets mix cases or have no separators (hex).
fn is_resource_name(text: &str) -> bool {
    let separated = text.contains(['-', '_', '.']);
    separated
        && text.split(['-', '_', '.']).all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
        })
        && text
            .split(['-', '_', '.'])
            .any(|word| word.chars().filter(char::is_ascii_alphabetic).count() >= 3)
}

/// `RESTRICTED`, `NOT_SET`: upper-case letters and underscores only.
fn is_enum_word(text: &str) -> bool {
    text.chars().any(|ch| ch.is_ascii_uppercase())
        && text.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_')
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, len)| {
            group.len() == len && group.chars().all(|ch| ch.is_ascii_hexdigit())
        })
}

/// `${...}` interpolation, `var.x` and the like, or a resource address
/// (`ibm_iam_service_id.ci.iam_id`: lower-case words and dots, the type with an underscore).
fn is_reference(text: &str) -> bool {
    if text.contains("${")
        || REFERENCE_PREFIXES
            .iter()
            .any(|prefix| text.starts_with(prefix))
    {
        return true;
    }
    let mut parts = text.split('.');
    let resource_type = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    resource_type.contains('_')
        && !rest.is_empty()
        && std::iter::once(resource_type).chain(rest).all(|part| {
            !part.is_empty()
                && part.chars().all(|ch| {
                    ch.is_ascii_lowercase()
                        || ch.is_ascii_digit()
                        || matches!(ch, '_' | '-' | '[' | ']' | '"')
                })
        })
}

/// A URL whose authority holds no `user:password@`.
fn is_plain_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '+' | '.' | '-'))
        && !authority
            .split_once('@')
            .is_some_and(|(user, _)| user.contains(':'))
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let tld = domain.rsplit('.').next().unwrap_or("");
    !local.is_empty()
        && domain.contains('.')
        && tld.len() >= 2
        && tld.chars().all(|ch| ch.is_ascii_alphabetic())
        && local
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '%' | '+' | '-'))
        && domain
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-'))
}

fn is_path(lower: &str) -> bool {
    ["./", "../", "~/"]
        .iter()
        .any(|start| lower.starts_with(start))
        || FILE_EXTENSIONS
            .iter()
            .any(|extension| lower.ends_with(extension))
}

/// `Bearer eyJ...`, `Basic dXNlcjpwYXNz`: an `Authorization` header value, one scheme word
/// and its credentials.
fn is_authorization(text: &str) -> bool {
    text.split_once(' ').is_some_and(|(scheme, credentials)| {
        ["bearer", "basic"].contains(&scheme.to_ascii_lowercase().as_str())
            && !credentials.is_empty()
            && !credentials.contains(char::is_whitespace)
    })
}

fn is_private_pem(text: &str) -> bool {
    text.starts_with("-----BEGIN") && text.contains("PRIVATE KEY-----")
}

/// PEM blocks that are public by design: certificates, certificate requests, public keys.
fn is_public_pem(text: &str) -> bool {
    text.starts_with("-----BEGIN") && !text.contains("PRIVATE KEY")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_shaped_values() {
        for value in [
            "Zm9vYmFyYmF6cXV4LXRoaXMtaXMtbm90LWEta2V5XzEy",
            "CANARY-RULE-VARIABLE-0034",
            "s3cr3t-P@ss",
            "0123456789abcdef0123456789abcdef0123456789abcdef",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
            "postgres://admin:hunter2hunter2@db.example.com:5432/ibmclouddb",
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----",
            "{\"apikey\": \"abc\"}",
            "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
        ] {
            assert!(looks_like_secret(&json!(value)), "{value}");
        }
    }

    #[test]
    fn values_that_are_not_secrets() {
        for value in [
            json!("RESTRICTED"),
            json!("NOT_RESTRICTED"),
            json!("NOT_SET"),
            json!("true"),
            json!(true),
            json!(12345678),
            json!("12345678"),
            json!(""),
            json!("   "),
            json!(null),
            json!("short"),
            json!("<redacted>"),
            json!("REDACTED"),
            json!("(sensitive value)"),
            json!("<computed>"),
            json!("74D93920-ED26-11E3-AC10-0800200C9A66"),
            json!("<YOUR_IBMCLOUD_API_KEY>"),
            json!(
                "crn:v1:bluemix:public:secrets-manager:us-south:a/0123456789abcdef0123456789abcdef:11111111-2222-4333-8444-555555555555::"
            ),
            json!("ServiceId-11111111-2222-4333-8444-555555555555"),
            json!("iam-ServiceId-11111111-2222-4333-8444-555555555555"),
            json!("11111111-2222-4333-8444-555555555555"),
            json!("var.ibmcloud_api_key"),
            json!("${var.ibmcloud_api_key}"),
            json!("ibm_iam_service_id.ci.iam_id"),
            json!("https://iam.cloud.ibm.com/identity/token"),
            json!("ci-bot@example.com"),
            json!("./keys/apikey.json"),
            json!("apikey.json"),
            json!("API key for the CI pipeline"),
            json!("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
            json!("********"),
            json!("cd-pipeline-secrets"),
            json!("registry_pull_secret"),
            json!("{vault::sm-compliance.ibmcloud-api-key}"),
        ] {
            assert!(!looks_like_secret(&value), "{value}");
        }
    }

    #[test]
    fn real_text_under_a_sensitive_mark() {
        assert!(holds_text(&json!("abc")));
        assert!(!holds_text(&json!("REDACTED")));
        assert!(!holds_text(&json!("<api_token>")));
        assert!(!holds_text(&json!("xxxxxxxxxxxxxx")));
        assert!(!holds_text(&json!(443)));
        assert!(!holds_text(&json!("(known after apply)")));
        assert!(!holds_text(&json!("{vault::secrets-manager.git-token}")));
        assert!(!holds_text(&json!(
            "crn:v1:bluemix:public:secrets-manager:us-south:a/0123456789abcdef0123456789abcdef:11111111-2222-4333-8444-555555555555:secret:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
        )));
    }
}
