//! The `waivers` of a config file, checked: each names a registered rule, a resource
//! (exactly, or as a glob that parses), a reason that is not blank, and an expiry that is a
//! calendar date. Every mistake is collected, with the pointer of the offending member.
//!
//! Whether a waiver has expired, and which findings it waives, is decided after the rules
//! run (`triage`), where the clock and the findings are.

use std::fmt;

use jiff::civil::Date;

use super::error::{ConfigError, Target};
use super::file::WaiverConfig;
use crate::model::Pointer;
use crate::rules::lookup;

/// A checked waiver from the config file.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    pub resource: ResourcePattern,
    pub reason: String,
    /// The day the waiver stops applying (UTC), if any.
    pub expires: Option<Date>,
    /// `/waivers/<n>`, for warnings that point at the entry.
    pub pointer: Pointer,
}

/// A waiver's `resource`: matched exactly against a finding's resource id (CRN) or Terraform
/// address, and, when it holds `*`, `?` or `{`, as a glob over the whole text. `*` matches
/// any run of characters, `/` and `:` included, since CRNs and addresses hold both; `?` one
/// character; `{a,b}` either. Brackets are literal, because Terraform addresses use them:
/// `ibm_resource_key.reader[*]` matches every instance of `ibm_resource_key.reader`.
#[derive(Clone)]
pub struct ResourcePattern {
    text: String,
    glob: Option<globset::GlobMatcher>,
}

impl ResourcePattern {
    /// `Err` says why the glob does not parse.
    pub fn parse(text: &str) -> Result<Self, String> {
        let glob = if text.contains(['*', '?', '{']) {
            let literal_brackets = text.replace('[', "\\[").replace(']', "\\]");
            let glob = globset::GlobBuilder::new(&literal_brackets)
                .literal_separator(false)
                .backslash_escape(true)
                .build()
                .map_err(|error| error.kind().to_string())?;
            Some(glob.compile_matcher())
        } else {
            None
        };
        Ok(Self {
            text: text.to_owned(),
            glob,
        })
    }

    /// Whether `candidate` (an id, a CRN or an address) is this resource.
    pub fn matches(&self, candidate: &str) -> bool {
        candidate == self.text
            || self
                .glob
                .as_ref()
                .is_some_and(|glob| glob.is_match(candidate))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_glob(&self) -> bool {
        self.glob.is_some()
    }
}

impl fmt::Debug for ResourcePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.is_glob() { "glob" } else { "exact" };
        write!(f, "{kind} {:?}", self.text)
    }
}

/// A date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(at, byte)| match at {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    shaped.then(|| text.parse().ok()).flatten()
}

/// The checked waivers, and every mistake found in them.
/// `entries` are the waivers structurally read, each with its index in the file's list.
pub(super) fn validate(entries: &[(usize, WaiverConfig)]) -> (Vec<Waiver>, Vec<ConfigError>) {
    let mut waivers = Vec::new();
    let mut errors = Vec::new();
    for &(index, ref entry) in entries {
        let pointer = Pointer::root().key("waivers").index(index);
        let before = errors.len();
        let missing = |field: &str, why: &str| {
            ConfigError::at_pointer(
                pointer.clone(),
                Target::Value,
                format!("waiver {} has no `{field}`", index + 1),
                format!("`{field}` missing"),
            )
            .help(why.to_owned())
        };
        // Not trimmed: the schema lists the ids as they are.
        let rule = match entry.rule.as_deref() {
            None | Some("") => {
                errors.push(missing(
                    "rule",
                    "name the rule whose findings it waives (`iamlint rules` lists them)",
                ));
                None
            }
            Some(rule) if !lookup::exists(rule) && !lookup::is_custom_id(rule) => {
                errors.push(
                    ConfigError::at_pointer(
                        pointer.key("rule"),
                        Target::Value,
                        format!(
                            "unknown rule `{rule}` in waiver {}{}",
                            index + 1,
                            lookup::did_you_mean(lookup::suggest_rule(rule))
                        ),
                        "no rule has this id",
                    )
                    .help("`iamlint rules` lists every rule id"),
                );
                None
            }
            Some(rule) => Some(rule.to_owned()),
        };
        let resource = match entry.resource.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push(missing(
                    "resource",
                    "name the finding's resource: its id or CRN, or its Terraform address, \
                     exactly or as a glob (`--format json` shows them as `resource.id` and \
                     `resource.address`)",
                ));
                None
            }
            Some(text) => match ResourcePattern::parse(text) {
                Ok(pattern) => Some(pattern),
                Err(why) => {
                    errors.push(
                        ConfigError::at_pointer(
                            pointer.key("resource"),
                            Target::Value,
                            format!("`resource` of waiver {} is not a valid glob: {why}", index + 1),
                            "not a glob",
                        )
                        .help("`*` matches any text, `?` one character, `{a,b}` either; brackets are literal; write `\\*` for a literal `*`"),
                    );
                    None
                }
            },
        };
        let reason = match entry.reason.as_deref().map(str::trim) {
            Some(reason) if !reason.is_empty() => Some(reason.to_owned()),
            Some(_) => {
                errors.push(
                    ConfigError::at_pointer(
                        pointer.key("reason"),
                        Target::Value,
                        format!("the `reason` of waiver {} is empty", index + 1),
                        "empty reason",
                    )
                    .help("say why the finding is accepted: outputs show it with the finding"),
                );
                None
            }
            None => {
                errors.push(missing(
                    "reason",
                    "say why the finding is accepted: outputs show it with the finding",
                ));
                None
            }
        };
        let expires = match entry.expires.as_deref() {
            None => None,
            Some(text) => match parse_date(text.trim()) {
                Some(date) => Some(date),
                None => {
                    errors.push(
                        ConfigError::at_pointer(
                            pointer.key("expires"),
                            Target::Value,
                            format!(
                                "`expires` of waiver {} is not a date: expected YYYY-MM-DD",
                                index + 1
                            ),
                            "not a date",
                        )
                        .help("for example `expires: 2026-12-31`; the waiver stops applying on that day (UTC)"),
                    );
                    None
                }
            },
        };
        if errors.len() > before {
            continue;
        }
        if let (Some(rule), Some(resource), Some(reason)) = (rule, resource, reason) {
            waivers.push(Waiver {
                rule,
                resource,
                reason,
                expires,
                pointer,
            });
        }
    }
    (waivers, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_exactly_or_as_globs() {
        let exact = ResourcePattern::parse("ServiceId-1").unwrap();
        assert!(!exact.is_glob());
        assert!(exact.matches("ServiceId-1"));
        assert!(!exact.matches("ServiceId-12"));
        let glob =
            ResourcePattern::parse("crn:v1:bluemix:public:logdnaat:*:resource-key:*").unwrap();
        assert!(
            glob.matches(
                "crn:v1:bluemix:public:logdnaat:us-south:a/acct:guid:resource-key:key-guid"
            )
        );
        assert!(!glob.matches("crn:v1:bluemix:public:iam-identity::a/acct::serviceid:x"));
        // Brackets are literal: an address is exact, and `[*]` means every instance.
        let address = ResourcePattern::parse("ibm_resource_key.k[\"a\"]").unwrap();
        assert!(!address.is_glob());
        assert!(address.matches("ibm_resource_key.k[\"a\"]"));
        let instances = ResourcePattern::parse("module.audit.ibm_resource_key.reader[*]").unwrap();
        assert!(instances.matches("module.audit.ibm_resource_key.reader[1]"));
        assert!(instances.matches("module.audit.ibm_resource_key.reader[\"eu\"]"));
        assert!(!instances.matches("module.audit.ibm_resource_key.reader"));
        let keys = ResourcePattern::parse("module.audit.ibm_resource_key.*").unwrap();
        assert!(keys.matches("module.audit.ibm_resource_key.reader[1]"));
        let either = ResourcePattern::parse("ServiceId-{7777,8888}*").unwrap();
        assert!(either.matches("ServiceId-8888-x") && !either.matches("ServiceId-9999"));
        assert!(ResourcePattern::parse("a{b").is_err());
    }

    #[test]
    fn dates_are_calendar_days() {
        assert_eq!(
            parse_date("2026-06-30"),
            Some(jiff::civil::date(2026, 6, 30))
        );
        for text in [
            "2026-02-30",
            "2026-6-30",
            "2026-06-30T00:00:00Z",
            "tomorrow",
            "",
        ] {
            assert_eq!(parse_date(text), None, "{text:?}");
        }
    }
}
