//! Finding rules by id, and "did you mean" suggestions for ids (and other names) that do
//! not exist. Used by `explain`, `--select`/`--ignore` and the config file.

use super::{REGISTRY, RuleMeta, meta, registered};

/// How alike two names must be (0 to 1) before one is suggested for the other.
const SIMILAR_ENOUGH: f64 = 0.8;

/// Whether `id` is a registered rule.
pub fn exists(id: &str) -> bool {
    REGISTRY.iter().any(|entry| entry.id == id) || registered::meta(id).is_some()
}

/// Whether `id` is spelled as a custom rule id (`<namespace>/<name>`: built-in ids have no
/// `/`). A config file names custom rules before they are loaded, so it accepts these.
pub fn is_custom_id(id: &str) -> bool {
    id.contains('/')
}

/// The metadata of a registered rule, or the closest registered id to suggest instead.
pub fn find(id: &str) -> Result<&'static RuleMeta, Option<&'static str>> {
    meta(id).ok_or_else(|| suggest_rule(id))
}

/// The registered rule id most like `unknown`, if one is close enough.
pub fn suggest_rule(unknown: &str) -> Option<&'static str> {
    suggest(
        unknown,
        REGISTRY
            .iter()
            .map(|entry| entry.id)
            .chain(registered::ids()),
    )
}

/// The candidate most like `unknown`, if one is close enough. Jaro-Winkler catches typos
/// early in a name less well than late ones, so the better of it and the normalised
/// Damerau-Levenshtein similarity counts; a candidate that contains the whole unknown text
/// (a missing prefix such as `key-`) also counts.
pub fn suggest<'a>(
    unknown: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let unknown_lower = unknown.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let mut score = strsim::jaro_winkler(&unknown_lower, candidate).max(
                strsim::normalized_damerau_levenshtein(&unknown_lower, candidate),
            );
            if unknown_lower.len() >= 4 && candidate.contains(unknown_lower.as_str()) {
                score = score.max(SIMILAR_ENOUGH);
            }
            (score, candidate)
        })
        .filter(|(score, _)| *score >= SIMILAR_ENOUGH)
        .max_by(|(a, _), (b, _)| a.total_cmp(b))
        .map(|(_, candidate)| candidate)
}

/// ", did you mean `x`?" or nothing, to end a message about an unknown name.
pub fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |name| format!("; did you mean `{name}`?"))
}

#[cfg(test)]
mod tests {
    use super::suggest;

    const IDS: &[&str] = &[
        "at-key-limit",
        "key-restriction-missing",
        "key-restriction-incomplete",
        "serviceid-unrestricted",
        "key-cannot-evaluate",
    ];

    #[test]
    fn suggests_close_ids_only() {
        let best = |unknown| suggest(unknown, IDS.iter().copied());
        assert_eq!(
            best("key-restriction-mising"),
            Some("key-restriction-missing")
        );
        assert_eq!(best("restriction-missing"), Some("key-restriction-missing"));
        assert_eq!(best("at-key-limits"), Some("at-key-limit"));
        assert_eq!(best("AT-KEY-LIMIT"), Some("at-key-limit"));
        assert_eq!(best("serviceid-unrestrict"), Some("serviceid-unrestricted"));
        assert_eq!(
            best("key-restriction-incomplet"),
            Some("key-restriction-incomplete")
        );
        assert_eq!(best("policy-limit"), None);
        assert_eq!(best("foo"), None);
        assert_eq!(best(""), None);
    }
}
