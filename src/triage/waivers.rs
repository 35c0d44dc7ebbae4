//! Waivers from the config file and from inline comments, and the one place that decides
//! which findings a waiver waives ([`Waivers::split`]).
//!
//! A config waiver names a rule and a resource (its id or CRN, or its Terraform address,
//! exactly or as a glob). An inline waiver names rules and sits in an input, on the line a
//! finding points at or on the line just above it. Both carry a reason; a config waiver may
//! expire, after which it no longer applies.

use std::collections::HashMap;

use jiff::civil::Date;

use super::{Warning, WarningCode, WarningPlace};
use crate::config::{Config, ConfigSource, ResourcePattern, Target};
use crate::model::{DocId, Pointer};
use crate::rules::{Finding, Settings, lookup};
use crate::sources::{Documents, InlineWaiver, inline};

/// Where a waiver was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaiverSource {
    /// An entry of `waivers` in the config file.
    Config {
        file: String,
        line: Option<usize>,
        pointer: Pointer,
    },
    /// An `# iamlint: ignore[...]` comment in an input.
    Inline {
        document: DocId,
        file: String,
        line: usize,
    },
}

impl WaiverSource {
    /// `config` or `inline`, as the JSON output names them.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Config { .. } => "config",
            Self::Inline { .. } => "inline",
        }
    }

    pub fn file(&self) -> &str {
        match self {
            Self::Config { file, .. } | Self::Inline { file, .. } => file,
        }
    }

    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Config { line, .. } => *line,
            Self::Inline { line, .. } => Some(*line),
        }
    }

    /// `iamlint.yaml:7`, for people.
    pub fn place(&self) -> String {
        match self.line() {
            Some(line) => format!("{}:{line}", self.file()),
            None => self.file().to_owned(),
        }
    }
}

/// What outputs say about the waiver of a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverInfo {
    pub reason: String,
    pub expires: Option<Date>,
    pub source: WaiverSource,
}

/// A finding that a waiver accepted: not a failure, but counted and listed.
#[derive(Debug, Clone)]
pub struct Waived {
    pub finding: Finding,
    pub waiver: WaiverInfo,
}

/// What a waiver applies to, besides its rules.
#[derive(Debug)]
enum Scope {
    Resource(ResourcePattern),
    /// Findings located on this line of the document, or the next.
    Line {
        document: DocId,
        line: usize,
    },
}

#[derive(Debug)]
struct Entry {
    rules: Vec<String>,
    scope: Scope,
    info: WaiverInfo,
    /// Expired on or before today: it no longer applies.
    expired: bool,
}

/// Every waiver of a run, checked.
#[derive(Debug, Default)]
pub struct Waivers {
    entries: Vec<Entry>,
    /// Inline comments that waive nothing because they are malformed.
    invalid: Vec<Warning>,
    /// The config file, for the lines warnings point at.
    config: Option<ConfigSource>,
}

/// The findings kept (reported) and those waived, in their original order.
#[derive(Debug, Default)]
pub struct Split {
    pub kept: Vec<Finding>,
    pub waived: Vec<Waived>,
    /// How many findings each waiver matched, expired ones included.
    matched: Vec<usize>,
}

impl Waivers {
    /// The config file's waivers and the inputs' inline ones. `today` (UTC) decides which
    /// config waivers have expired; without it none has (library callers without a clock).
    pub fn new(
        config: &Config,
        inline: &[InlineWaiver],
        documents: &Documents,
        today: Option<Date>,
    ) -> Self {
        let mut waivers = Self {
            config: config.source.clone(),
            ..Self::default()
        };
        for waiver in &config.waivers {
            let (file, line) = match &config.source {
                Some(source) => (
                    source.name.clone(),
                    source.document.locate(&waiver.pointer).map(|at| at.line),
                ),
                None => ("iamlint.yaml".to_owned(), None),
            };
            waivers.entries.push(Entry {
                rules: vec![waiver.rule.clone()],
                scope: Scope::Resource(waiver.resource.clone()),
                info: WaiverInfo {
                    reason: waiver.reason.clone(),
                    expires: waiver.expires,
                    source: WaiverSource::Config {
                        file,
                        line,
                        pointer: waiver.pointer.clone(),
                    },
                },
                expired: matches!((waiver.expires, today), (Some(expires), Some(today)) if today >= expires),
            });
        }
        for comment in inline {
            waivers.add_inline(comment, documents);
        }
        waivers
    }

    fn add_inline(&mut self, comment: &InlineWaiver, documents: &Documents) {
        let file = documents.name(comment.document).to_owned();
        let warn = |message: String, help: String| Warning {
            code: WarningCode::InlineWaiverInvalid,
            message,
            help: Some(help),
            file: file.clone(),
            line: Some(comment.line),
            place: WarningPlace::Input {
                document: comment.document,
                line: comment.line,
            },
        };
        let syntax = format!("write `{}`", inline::SYNTAX);
        if let Some(problem) = &comment.problem {
            self.invalid
                .push(warn(format!("inline waiver ignored: {problem}"), syntax));
            return;
        }
        let mut rules = Vec::new();
        for rule in &comment.rules {
            if lookup::exists(rule) {
                rules.push(rule.clone());
            } else {
                self.invalid.push(warn(
                    format!(
                        "inline waiver names unknown rule `{rule}`{}",
                        lookup::did_you_mean(lookup::suggest_rule(rule))
                    ),
                    "`iamlint rules` lists every rule id".to_owned(),
                ));
            }
        }
        let Some(reason) = &comment.reason else {
            self.invalid.push(warn(
                format!(
                    "inline waiver of {} has no reason and is ignored",
                    rules_text(&comment.rules)
                ),
                format!(
                    "say why the finding is accepted, after the brackets: `{}`",
                    inline::SYNTAX
                ),
            ));
            return;
        };
        if rules.is_empty() {
            return;
        }
        self.entries.push(Entry {
            rules,
            scope: Scope::Line {
                document: comment.document,
                line: comment.line,
            },
            info: WaiverInfo {
                reason: reason.clone(),
                expires: None,
                source: WaiverSource::Inline {
                    document: comment.document,
                    file,
                    line: comment.line,
                },
            },
            expired: false,
        });
    }

    /// Sets the waived findings apart. A finding is waived by the first waiver (config
    /// waivers in file order, then inline ones) that names its rule and its resource or
    /// line and has not expired; every waiver that matches it counts as used.
    pub fn split(&self, findings: Vec<Finding>, documents: &Documents) -> Split {
        let mut split = Split {
            matched: vec![0; self.entries.len()],
            ..Split::default()
        };
        if self.entries.is_empty() {
            split.kept = findings;
            return split;
        }
        // Inline waivers by (document, line), so each finding looks up two lines.
        let mut by_line: HashMap<(DocId, usize), Vec<usize>> = HashMap::new();
        for (at, entry) in self.entries.iter().enumerate() {
            if let Scope::Line { document, line } = entry.scope {
                by_line.entry((document, line)).or_default().push(at);
                by_line.entry((document, line + 1)).or_default().push(at);
            }
        }
        for finding in findings {
            let mut applied = None;
            let origin = &finding.primary.origin;
            let document = documents.get(origin.document);
            let line = document.and_then(|document| document.label_line(&origin.pointer));
            let on_line = line.and_then(|line| by_line.get(&(origin.document, line)));
            // In a `.tf` file a comment on a block (its header's line or the line above)
            // covers every finding in the block, and a comment on one of its arguments
            // covers the findings the block carries as a whole (located at its header).
            let on_block: Vec<usize> = match (
                document.and_then(|document| document.block_lines(&origin.pointer)),
                line,
            ) {
                (Some((header, last)), Some(line)) => self
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(_, entry)| match entry.scope {
                        Scope::Line {
                            document,
                            line: comment,
                        } => {
                            document == origin.document
                                && (comment == header
                                    || comment + 1 == header
                                    || (line == header && (header..=last).contains(&comment)))
                                && !(comment == line || comment + 1 == line)
                        }
                        Scope::Resource(_) => false,
                    })
                    .map(|(at, _)| at)
                    .collect(),
                _ => Vec::new(),
            };
            let config = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, entry)| matches!(entry.scope, Scope::Resource(_)))
                .map(|(at, _)| at);
            for at in config
                .chain(on_line.into_iter().flatten().copied())
                .chain(on_block)
            {
                let entry = &self.entries[at];
                if !entry.rules.iter().any(|rule| rule == finding.rule) {
                    continue;
                }
                if let Scope::Resource(pattern) = &entry.scope {
                    let subject = &finding.subject;
                    let named = pattern.matches(&subject.id)
                        || subject
                            .address
                            .as_deref()
                            .is_some_and(|address| pattern.matches(address));
                    if !named {
                        continue;
                    }
                }
                split.matched[at] += 1;
                if !entry.expired && applied.is_none() {
                    applied = Some(at);
                }
            }
            match applied {
                Some(at) => split.waived.push(Waived {
                    finding,
                    waiver: self.entries[at].info.clone(),
                }),
                None => split.kept.push(finding),
            }
        }
        split
    }

    /// The warnings about the waivers themselves: malformed inline comments, expired
    /// waivers, and waivers of a rule that ran that matched no finding.
    pub fn warnings(&self, split: &Split, settings: &Settings) -> Vec<Warning> {
        let mut warnings = self.invalid.clone();
        for (entry, &matched) in self.entries.iter().zip(&split.matched) {
            let place = match &entry.info.source {
                WaiverSource::Config { pointer, .. } => WarningPlace::Config {
                    pointer: pointer.clone(),
                    target: Target::Value,
                },
                WaiverSource::Inline { document, line, .. } => WarningPlace::Input {
                    document: *document,
                    line: *line,
                },
            };
            let what = match &entry.scope {
                Scope::Resource(pattern) => format!(
                    "waiver of {} for `{}`",
                    rules_text(&entry.rules),
                    pattern.as_str()
                ),
                Scope::Line { .. } => format!("inline waiver of {}", rules_text(&entry.rules)),
            };
            let warning = |code, message: String, help: &str, place: WarningPlace| {
                // The line of the member the warning points at (`expires`, `resource`).
                let line = match (&place, &self.config) {
                    (WarningPlace::Config { pointer, .. }, Some(source)) => source
                        .document
                        .locate(pointer)
                        .map(|at| at.line)
                        .or(entry.info.source.line()),
                    _ => entry.info.source.line(),
                };
                Warning {
                    code,
                    message,
                    help: Some(help.to_owned()),
                    file: entry.info.source.file().to_owned(),
                    line,
                    place,
                }
            };
            if entry.expired {
                let expires = entry
                    .info
                    .expires
                    .map(|date| date.to_string())
                    .unwrap_or_default();
                let effect = match matched {
                    0 => "it matches no finding any more".to_owned(),
                    1 => "the finding it matches is reported again".to_owned(),
                    more => format!("the {more} findings it matches are reported again"),
                };
                let place = match place {
                    WarningPlace::Config { pointer, .. } => WarningPlace::Config {
                        pointer: pointer.key("expires"),
                        target: Target::Value,
                    },
                    other => other,
                };
                warnings.push(warning(
                    WarningCode::WaiverExpired,
                    format!("{what} expired on {expires} and no longer applies: {effect}"),
                    "fix the finding and remove the waiver, or renew it with a later `expires`",
                    place,
                ));
            } else if matched == 0 && entry.rules.iter().any(|rule| settings.enabled(rule)) {
                let (help, place) = match place {
                    WarningPlace::Config { pointer, .. } => (
                        "remove it, or correct `rule` or `resource`: `--format json` shows each \
                         finding's `rule`, `resource.id` and `resource.address`",
                        WarningPlace::Config {
                            pointer: pointer.key("resource"),
                            target: Target::Value,
                        },
                    ),
                    other => (
                        "put it on the line the finding points at, or on the line just above \
                         it; or remove it",
                        other,
                    ),
                };
                warnings.push(warning(
                    WarningCode::WaiverUnused,
                    format!("{what} matched no finding"),
                    help,
                    place,
                ));
            }
        }
        warnings
    }
}

/// "`a`" or "`a`, `b`".
fn rules_text(rules: &[String]) -> String {
    rules
        .iter()
        .map(|rule| format!("`{rule}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
