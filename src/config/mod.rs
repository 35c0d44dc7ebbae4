//! The config file `iamlint.yaml`: where it is found, how it is read and checked, and how it
//! and the command line's `--select`/`--ignore` become the engine's `rules::Settings`.
//!
//! Reading goes text -> `serde_json::Value` (the inputs' parser, `sources::parse`) ->
//! `structural` (serde, entry by entry: unknown fields, wrong types; every one reported) ->
//! `file::ConfigFile` -> `validate` (mistakes only the registry
//! can tell; `waivers.rs` for the `waivers` list). Every mistake keeps a pointer into the
//! file, and the file is kept as a `sources::Document`, so `report::config` labels the
//! exact line with the same pointer -> span machinery as findings; a checked config keeps
//! it too, for the warnings about its waivers (expired, matched nothing).

mod error;
mod field_schema;
mod file;
pub mod schema;
mod structural;
mod validate;
mod waivers;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{ConfigError, ConfigErrors, Target};
pub use file::{ConfigFile, RuleConfig, SeverityName, WaiverConfig};
pub use waivers::{ResourcePattern, Waiver, parse_date};

use crate::rules::{Settings, Severity, lookup};
use crate::sources::{Document, LineColumn, parse};

/// The config file's name, looked for in the current directory and every one above it.
pub const FILE_NAME: &str = "iamlint.yaml";

/// A config file that was read and checked against the registry.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Settings per rule id; every id is a registered rule.
    pub rules: BTreeMap<String, RuleSettings>,
    /// The waivers, in the file's order.
    pub waivers: Vec<Waiver>,
    /// The file the config was read from (none for the default config).
    pub source: Option<ConfigSource>,
    /// `rules.paths`: directories of custom rules, resolved against the config file's
    /// directory.
    pub rule_paths: Vec<PathBuf>,
}

/// A config file as read, for diagnostics that point into it.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    /// The path as given (or as found).
    pub name: String,
    pub document: Arc<Document>,
}

/// The checked settings of one rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSettings {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    /// Declared parameters only, each of its declared type.
    pub params: BTreeMap<String, serde_json::Value>,
}

/// The rules picked on the command line; they override the config file.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// When not empty, only these rules run (even those the file turns off).
    pub select: Vec<String>,
    /// These rules never run.
    pub ignore: Vec<String>,
}

/// The nearest `iamlint.yaml` in `start` or a directory above it, up to the filesystem root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|directory| directory.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads and checks the config file at `path`; `name` is how messages call it.
pub fn load(path: &Path, name: &str) -> Result<Config, ConfigErrors> {
    let fail = |message: String| ConfigErrors {
        file: name.to_owned(),
        document: None,
        errors: vec![ConfigError::whole_file(message)],
    };
    let bytes = std::fs::read(path)
        .map_err(|error| fail(format!("cannot read config file {name}: {error}")))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| {
        fail(format!(
            "config file {name} is not UTF-8 (invalid byte at {})",
            error.valid_up_to()
        ))
    })?;
    parse_text(name, path, text)
}

/// Reads and checks config text (`name` and `path` are for messages and snippets).
pub fn parse_text(name: &str, path: &Path, text: &str) -> Result<Config, ConfigErrors> {
    let text: Arc<str> = Arc::from(text);
    let (value, format) = match parse::parse(&text, true) {
        Ok(parsed) => parsed,
        Err(syntax) => {
            let document =
                Document::new(name.to_owned(), path.to_owned(), syntax.format, text, false);
            let mut error = ConfigError::whole_file(syntax.message);
            error.at = Some(LineColumn {
                line: syntax.line,
                column: syntax.column,
            });
            error.label = "here".to_owned();
            return Err(ConfigErrors {
                file: name.to_owned(),
                document: Some(Box::new(document)),
                errors: vec![error],
            });
        }
    };
    let document = Document::new(name.to_owned(), path.to_owned(), format, text, true);
    let fail = |errors: Vec<ConfigError>, document: Document| ConfigErrors {
        file: name.to_owned(),
        document: Some(Box::new(document)),
        errors,
    };
    // An empty file (or one with only comments) is an empty config.
    if value.is_null() {
        return Ok(Config::default());
    }
    // Every mistake at once: those of the structure, then those only the registry can
    // tell, in the entries that could be read.
    let structural::Read {
        file,
        waivers,
        mut errors,
    } = structural::read(&value);
    let (rules, rule_errors) = validate::validate(&file);
    errors.extend(rule_errors);
    let (waivers, waiver_errors) = waivers::validate(&waivers);
    errors.extend(waiver_errors);
    if errors.is_empty() {
        let base = path.parent().unwrap_or(Path::new(""));
        Ok(Config {
            rule_paths: file
                .rule_paths
                .iter()
                .map(|relative| base.join(relative))
                .collect(),
            rules,
            waivers,
            source: Some(ConfigSource {
                name: name.to_owned(),
                document: Arc::new(document),
            }),
        })
    } else {
        Err(fail(errors, document))
    }
}

impl Config {
    /// The engine settings: the file's, then the command line's selection over them.
    /// `Err` lists the unknown rule ids given to `--select`/`--ignore`.
    pub fn settings(&self, selection: &Selection) -> Result<Settings, Vec<String>> {
        let mut unknown = Vec::new();
        for (flag, ids) in [
            ("--select", &selection.select),
            ("--ignore", &selection.ignore),
        ] {
            for id in ids {
                if !lookup::exists(id) {
                    unknown.push(format!(
                        "unknown rule `{id}` given to {flag}{}",
                        lookup::did_you_mean(lookup::suggest_rule(id))
                    ));
                }
            }
        }
        if !unknown.is_empty() {
            return Err(unknown);
        }
        let mut settings = Settings::default();
        for (id, rule) in &self.rules {
            if rule.enabled == Some(false) {
                settings.disabled.insert(id.clone());
            }
            if let Some(severity) = rule.severity {
                settings.severity.insert(id.clone(), severity);
            }
            if !rule.params.is_empty() {
                settings.params.insert(id.clone(), rule.params.clone());
            }
        }
        if !selection.select.is_empty() {
            // The command line wins: a selected rule runs even if the file turns it off.
            settings.only = Some(selection.select.clone());
            settings.disabled.clear();
        }
        settings.disabled.extend(selection.ignore.iter().cloned());
        Ok(settings)
    }
}
