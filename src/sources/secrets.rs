//! Which values are secrets, and the masked text shown instead of a document that holds them.
//!
//! Secrets never enter the model (keys keep only a digest of `service_key`), so the only way
//! one could reach an output is a source snippet. Every snippet is cut from the masked text
//! built here.

use super::span::SpanIndex;
use crate::model::Pointer;

/// What every secret is replaced with.
pub const REDACTED: &str = "<redacted>";

/// Members of resource-key `credentials` that are not secret (they name the IAM link). Not
/// `REDACTED`: IBM writes `{"REDACTED": "REDACTED"}` when the caller may not see the
/// credentials, but any other value under that name is masked like every credential member
/// (the marker itself is left as it is, see [`is_redaction_marker`]).
const PUBLIC_CREDENTIAL_MEMBERS: &[&str] = &[
    "iam_apikey_description",
    "iam_apikey_name",
    "iam_role_crn",
    "iam_serviceid_crn",
    "iam_apikey_id",
];

/// Whether a value (its text, or its JSON/YAML source text) is nothing but a redaction
/// marker, which is left readable: it holds no secret.
pub fn is_redaction_marker(text: &str) -> bool {
    let text = text.trim().trim_matches(['"', '\'']);
    text == "REDACTED" || text == REDACTED
}

/// Whether `name` is one of the non-secret IAM members of a key's `credentials` (they name
/// the service ID and role, and are shown even where the whole map is marked sensitive).
pub fn is_public_credential_member(name: &str) -> bool {
    PUBLIC_CREDENTIAL_MEMBERS.contains(&name)
}

/// IAM Identity account settings whose names mention an API key or a token but whose values
/// are settings (`RESTRICTED`, a number of seconds): shown, so that a finding on one shows it.
const SETTING_MEMBERS: &[&str] = &[
    "restrict_create_platform_apikey",
    "system_access_token_expiration_in_seconds",
    "system_refresh_token_expiration_in_seconds",
];

/// Whether a member name holds a secret wherever it appears.
pub fn is_secret_name(name: &str) -> bool {
    if PUBLIC_CREDENTIAL_MEMBERS.contains(&name) || SETTING_MEMBERS.contains(&name) {
        return false;
    }
    let name = match name.bytes().any(|byte| byte.is_ascii_uppercase()) {
        true => std::borrow::Cow::Owned(name.to_ascii_lowercase()),
        false => std::borrow::Cow::Borrowed(name),
    };
    const EXACT: &[&str] = &[
        // A `credentials` that is a string (not the usual object) is the secret itself.
        "credentials",
        "service_key",
        "ingestion_key",
        "credentials_json",
        "access_key_id",
        "authorization",
        "passwd",
    ];
    const PARTS: &[&str] = &[
        "apikey",
        "api_key",
        "password",
        "secret",
        "token",
        "private_key",
    ];
    EXACT.contains(&&*name) || PARTS.iter().any(|part| name.contains(part))
}

/// Whether the value at `pointer` is a secret: a secret name anywhere, or any member of a
/// `credentials` object other than the public IAM members.
pub fn is_secret_pointer(pointer: &Pointer) -> bool {
    // One pass over the tokens, none copied (a snippet masks every leaf of its item).
    let mut last = None;
    let mut credentials_before_last = false;
    let mut credentials_member = None;
    for token in pointer.tokens() {
        if last.as_deref() == Some("credentials") {
            credentials_before_last = true;
            credentials_member.get_or_insert_with(|| token.clone());
        }
        last = Some(token);
    }
    let Some(last) = last else {
        return false;
    };
    if is_secret_name(&last) {
        return true;
    }
    credentials_before_last
        && !credentials_member.is_some_and(|member| PUBLIC_CREDENTIAL_MEMBERS.contains(&&*member))
}

/// The text with every secret leaf value replaced by `"<redacted>"`, keeping line breaks so
/// that line numbers stay those of the user's file.
pub fn mask_parsed(text: &str, index: &SpanIndex) -> String {
    mask_parsed_with(text, index, &std::collections::HashSet::new())
}

/// Whether `pointer` or one of its ancestors is among `extra`.
fn marked(pointer: &Pointer, extra: &std::collections::HashSet<Pointer>) -> bool {
    if extra.is_empty() {
        return false;
    }
    let mut current = Some(pointer.clone());
    while let Some(pointer) = current {
        if extra.contains(&pointer) {
            return true;
        }
        current = pointer.parent();
    }
    false
}

/// Whether [`mask_parsed_with`] may change a text that `index` indexes: some pointer of it
/// is a secret's ([`is_secret_pointer`]) or at or below `extra`. When not, the masked text
/// is the text itself, whatever its layout (the pointers are those of the value, not of
/// its text): a window indexes its item once instead of before and after masking.
pub fn may_mask(index: &SpanIndex, extra: &std::collections::HashSet<Pointer>) -> bool {
    index
        .iter()
        .any(|(pointer, _)| is_secret_pointer(pointer) || marked(pointer, extra))
}

/// [`mask_parsed`], also masking the values at (or below) `extra` pointers.
pub fn mask_parsed_with(
    text: &str,
    index: &SpanIndex,
    extra: &std::collections::HashSet<Pointer>,
) -> String {
    let named: Vec<_> = index
        .iter()
        .filter(|(pointer, _)| is_secret_pointer(pointer) || marked(pointer, extra))
        .collect();
    if named.is_empty() {
        return text.to_owned();
    }
    // The pointers with children, as slices of their children's pointers: a YAML block
    // mapping's text does not start with a bracket, so containers are told by their children.
    let parents: rustc_hash::FxHashSet<&str> = index
        .iter()
        .filter_map(|(pointer, _)| Some(&pointer.as_str()[..pointer.as_str().rfind('/')?]))
        .collect();
    let mut ranges: Vec<std::ops::Range<usize>> = named
        .into_iter()
        .filter(|(pointer, _)| !parents.contains(pointer.as_str()))
        .map(|(_, spot)| spot.value.clone())
        .filter(|range| {
            let value = &text[range.clone()];
            // Containers are masked leaf by leaf; `null`, booleans and a redaction marker
            // hold no secret.
            !(value.starts_with('{')
                || value.starts_with('[')
                || matches!(value, "null" | "true" | "false")
                || is_redaction_marker(value))
        })
        .collect();
    ranges.sort_by_key(|range| range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for range in ranges {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push('"');
        out.push_str(REDACTED);
        out.push('"');
        let breaks = text[range.clone()].matches('\n').count();
        out.extend(std::iter::repeat_n('\n', breaks));
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Replaces every secret leaf of a parsed document (any value [`is_secret_pointer`] names,
/// found by walking the value) with what `replacement` makes of it. Objects and arrays are
/// walked, never replaced whole, so the public IAM members of `credentials` stay.
pub fn redact_value(
    value: &mut serde_json::Value,
    replacement: &dyn Fn(&serde_json::Value) -> serde_json::Value,
) {
    redact_at(value, &Pointer::root(), replacement);
}

fn redact_at(
    value: &mut serde_json::Value,
    pointer: &Pointer,
    replacement: &dyn Fn(&serde_json::Value) -> serde_json::Value,
) {
    match value {
        serde_json::Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                redact_at(member, &pointer.key(name), replacement);
            }
        }
        serde_json::Value::Array(items) => {
            for (at, item) in items.iter_mut().enumerate() {
                redact_at(item, &pointer.index(at), replacement);
            }
        }
        serde_json::Value::Null => {}
        leaf => {
            let marker = leaf.as_str().is_some_and(is_redaction_marker);
            if is_secret_pointer(pointer) && !marker {
                *leaf = replacement(leaf);
            }
        }
    }
}

/// Line-based masking for a text that does not parse: any `name: value` whose name is a
/// secret name has its value replaced, up to the end of the line.
pub fn mask_unparsed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(&mask_line(line));
    }
    out
}

fn mask_line(line: &str) -> String {
    let mut search_from = 0;
    while let Some(colon) = line[search_from..].find(':').map(|at| at + search_from) {
        let name = line[..colon]
            .trim_end()
            .trim_end_matches(['"', '\''])
            .rsplit(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '-'))
            .next()
            .unwrap_or("");
        // A `REDACTED` member holds the marker, unless someone put a value there.
        let redacted_member = name.eq_ignore_ascii_case("redacted")
            && !is_redaction_marker(line[colon + 1..].trim().trim_end_matches(','));
        if !name.is_empty() && (is_secret_name(name) || redacted_member) {
            let (body, ending) = match line.strip_suffix('\n') {
                Some(body) => (body, "\n"),
                None => (line, ""),
            };
            let (body, ending) = match body.strip_suffix('\r') {
                Some(body) => (body, "\r\n"),
                None => (body, ending),
            };
            let comma = if body.trim_end().ends_with(',') {
                ","
            } else {
                ""
            };
            return format!("{} \"{REDACTED}\"{comma}{ending}", &body[..colon + 1]);
        }
        search_from = colon + 1;
    }
    line.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::text::Format;
    use std::collections::HashSet;

    #[test]
    fn may_mask_exactly_when_masking_changes_the_text() {
        let none = HashSet::new();
        let plain = r#"{"id": "ServiceId-1", "roles": [{"role_id": "crn:role"}], "name": "n"}"#;
        let index = SpanIndex::build(plain, Format::Json);
        assert!(!may_mask(&index, &none));
        assert_eq!(mask_parsed(plain, &index), plain);
        // A named secret, and a pointer set apart as secret (`extra`) with all below it.
        let keyed = r#"{"id": "k", "credentials": {"apikey": "CANARY"}}"#;
        assert!(may_mask(&SpanIndex::build(keyed, Format::Json), &none));
        let extra: HashSet<Pointer> = [Pointer::root().key("roles")].into_iter().collect();
        assert!(may_mask(&index, &extra));
        assert!(!mask_parsed_with(plain, &index, &extra).contains("crn:role"));
    }

    #[test]
    fn masks_named_secrets_and_credential_members_only() {
        let text = r#"{"credentials": {"apikey": "CANARY1", "iam_role_crn": "crn:role", "port": 443, "uri": "CANARY2"}, "name": "k"}"#;
        let index = SpanIndex::build(text, Format::Json);
        let masked = mask_parsed(text, &index);
        assert!(!masked.contains("CANARY"), "{masked}");
        assert!(masked.contains("crn:role") && masked.contains("\"k\""));
        serde_json::from_str::<serde_json::Value>(&masked).unwrap();
    }

    #[test]
    fn redacts_secret_leaves_of_a_value() {
        let mut value = serde_json::json!({"resources": [{"name": "k", "credentials": {
            "apikey": "CANARY1", "iam_serviceid_crn": "crn:sid", "port": 443,
            "nested": {"password": "CANARY2"}, "REDACTED": "REDACTED"}}],
            "apikeys": [{"id": "ApiKey-1", "apikey": "CANARY3"}]});
        redact_value(&mut value, &|_| serde_json::Value::from(REDACTED));
        let text = value.to_string();
        assert!(!text.contains("CANARY"), "{text}");
        assert_eq!(
            value
                .pointer("/resources/0/credentials/iam_serviceid_crn")
                .unwrap(),
            "crn:sid"
        );
        assert_eq!(
            value.pointer("/resources/0/credentials/REDACTED").unwrap(),
            "REDACTED"
        );
        assert_eq!(
            value.pointer("/resources/0/credentials/port").unwrap(),
            REDACTED
        );
        assert_eq!(value.pointer("/apikeys/0/id").unwrap(), "ApiKey-1");
    }

    #[test]
    fn a_redacted_member_with_a_value_is_masked_and_the_marker_is_kept() {
        let text = r#"{"credentials": {"REDACTED": "CANARY-REDACTED-MEMBER"}, "other": {"credentials": {"REDACTED": "REDACTED"}}}"#;
        let index = SpanIndex::build(text, Format::Json);
        let masked = mask_parsed(text, &index);
        assert!(!masked.contains("CANARY"), "{masked}");
        assert!(masked.contains(r#""REDACTED": "REDACTED""#), "{masked}");
        let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
        redact_value(&mut value, &|_| serde_json::Value::from(REDACTED));
        assert!(!value.to_string().contains("CANARY"));
        assert_eq!(
            value.pointer("/other/credentials/REDACTED").unwrap(),
            "REDACTED"
        );
        let broken =
            mask_unparsed("{\n  \"REDACTED\": \"CANARY-BROKEN\",\n  \"REDACTED\": \"REDACTED\"\n");
        assert!(!broken.contains("CANARY"), "{broken}");
        assert!(broken.contains("\"REDACTED\": \"REDACTED\""), "{broken}");
    }

    #[test]
    fn masks_secret_lines_of_unparsable_text() {
        let masked = mask_unparsed("{\n  \"apikey\": \"CANARY\",\n  \"name\": \"x\n");
        assert!(!masked.contains("CANARY"));
        assert_eq!(masked.lines().count(), 3);
    }
}
