//! Finding and loading custom rules: every `<id>.rego` below a rules directory, with its
//! `<id>.yaml` beside it.
//!
//! A rule's id is its path below the directory without the extension: `org/cos-writers`
//! for `DIR/org/cos-writers.rego`. Ids are namespaced (at least `<namespace>/<name>`), so
//! they can never clash with a built-in id, which has no `/`; each segment is lower-case
//! letters, digits and `-`. The Rego package is `iamlint.rules.` followed by the segments
//! joined by `.`, with `-` written `_` (Rego names cannot hold `-`):
//! `org/cos-writers` -> `package iamlint.rules.org.cos_writers`.
//!
//! Not rules: files ending in `_test.rego` (the rule's Rego unit tests, for `iamlint test`)
//! and everything below a `tests` directory (the rule's test cases).

use std::path::{Path, PathBuf};

use super::errors::{RuleError, located};
use crate::rules::{self, RuleMeta, registered};

/// The Rego files of one rule's unit tests end so.
pub const TEST_SUFFIX: &str = "_test.rego";

/// One loaded custom rule.
#[derive(Debug, Clone)]
pub struct CustomRule {
    /// `org/cos-writers`, registered (see `rules::registered`).
    pub id: &'static str,
    pub meta: &'static RuleMeta,
    /// The Rego package, `iamlint.rules.org.cos_writers`.
    pub package: String,
    /// The `.rego` file as found (for messages) and its text.
    pub rego_path: PathBuf,
    pub rego: String,
    /// `<id>_test.rego` beside the rule, when there is one.
    pub test_path: Option<PathBuf>,
    /// `<id>/tests/`, the rule's test cases, when there is such a directory.
    pub tests_dir: Option<PathBuf>,
}

/// The custom rules of a run, and the mistakes in the rule files (each a located error that
/// makes the run exit 2; the other rules still run).
#[derive(Debug, Default)]
pub struct CustomRules {
    pub rules: Vec<CustomRule>,
    pub errors: Vec<RuleError>,
}

impl CustomRules {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.errors.is_empty()
    }
}

/// The package of rule `id` (see the module documentation).
pub fn package_of(id: &str) -> String {
    let mut package = String::from("iamlint.rules");
    for segment in id.split('/') {
        package.push('.');
        package.push_str(&segment.replace('-', "_"));
    }
    package
}

/// Why `id` is not a valid custom rule id, if it is not.
fn id_problem(id: &str) -> Option<String> {
    let segments: Vec<&str> = id.split('/').collect();
    if segments.len() < 2 {
        return Some(format!(
            "custom rule id `{id}` has no namespace: put the rule in a directory named after \
             your organisation (`org/{id}`), so that it cannot clash with a built-in rule"
        ));
    }
    let valid = |segment: &&str| {
        !segment.is_empty()
            && segment.starts_with(|c: char| c.is_ascii_lowercase())
            && segment
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if !segments.iter().all(valid) {
        return Some(format!(
            "custom rule id `{id}`: each part of an id starts with a lower-case letter and \
             holds only lower-case letters, digits and `-`"
        ));
    }
    if rules::REGISTRY.iter().any(|entry| entry.id == id) {
        return Some(format!("custom rule id `{id}` is a built-in rule's id"));
    }
    None
}

/// Loads every rule below each of `dirs`, in the order given and path order within each.
/// A rule whose files have a mistake is left out with a located error.
pub fn load(dirs: &[PathBuf]) -> CustomRules {
    let mut loaded = CustomRules::default();
    for dir in dirs {
        if !dir.is_dir() {
            loaded.errors.push(RuleError::new(
                None,
                dir.display().to_string(),
                "rules directory not found".to_owned(),
            ));
            continue;
        }
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| !(entry.file_type().is_dir() && entry.file_name() == "tests"))
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "rego")
                    && !path.to_string_lossy().ends_with(TEST_SUFFIX)
            })
            .collect();
        files.sort();
        for rego_path in files {
            match load_rule(dir, &rego_path, &loaded.rules) {
                Ok(rule) => loaded.rules.push(rule),
                Err(error) => loaded.errors.push(error),
            }
        }
    }
    loaded
}

fn load_rule(
    dir: &Path,
    rego_path: &Path,
    earlier: &[CustomRule],
) -> Result<CustomRule, RuleError> {
    let shown = rego_path.display().to_string();
    let id: String = rego_path
        .strip_prefix(dir)
        .unwrap_or(rego_path)
        .with_extension("")
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if let Some(problem) = id_problem(&id) {
        return Err(RuleError::new(Some(&id), shown, problem).line(1));
    }
    if earlier.iter().any(|rule| rule.id == id) {
        return Err(RuleError::new(
            Some(&id),
            shown,
            format!("custom rule `{id}` is defined twice (the first one found is used)"),
        ));
    }
    let rego = std::fs::read_to_string(rego_path).map_err(|error| {
        RuleError::new(Some(&id), shown.clone(), format!("cannot read: {error}"))
    })?;
    let yaml_path = rego_path.with_extension("yaml");
    let yaml_shown = yaml_path.display().to_string();
    let yaml = std::fs::read_to_string(&yaml_path).map_err(|_| {
        RuleError::new(
            Some(&id),
            yaml_shown.clone(),
            format!(
                "the metadata of custom rule `{id}` is missing: write `{}` (the same fields as \
                 a built-in rule's YAML: `iamlint explain` shows them)",
                yaml_path.display()
            ),
        )
    })?;
    let meta = RuleMeta::parse(&yaml)
        .map_err(|message| located(Some(&id), &yaml_shown, &message, &yaml))?;
    if meta.id != id {
        let line = yaml
            .lines()
            .position(|line| line.trim_start().starts_with("id:"))
            .map_or(1, |at| at + 1);
        return Err(RuleError::new(
            Some(&id),
            yaml_shown,
            format!(
                "`id: {}` must be the rule's id, `{id}` (its path below the rules directory)",
                meta.id
            ),
        )
        .line(line));
    }
    let package = package_of(&id);
    super::engine::check_policy(&id, &shown, &rego, &package)?;
    let stem = rego_path.with_extension("");
    let test_path = PathBuf::from(format!("{}{TEST_SUFFIX}", stem.display()));
    let tests_dir = stem.join("tests");
    let meta = registered::register(meta);
    Ok(CustomRule {
        id: meta.id.as_str(),
        meta,
        package,
        rego_path: rego_path.to_path_buf(),
        rego,
        test_path: test_path.is_file().then_some(test_path),
        tests_dir: tests_dir.is_dir().then_some(tests_dir),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_map_to_packages() {
        assert_eq!(
            package_of("org/cos-writers"),
            "iamlint.rules.org.cos_writers"
        );
        assert_eq!(
            package_of("acme/iam/key-age"),
            "iamlint.rules.acme.iam.key_age"
        );
    }

    #[test]
    fn ids_need_a_namespace_and_plain_segments() {
        assert!(id_problem("org/cos-writers").is_none());
        assert!(id_problem("cos-writers").is_some());
        assert!(id_problem("Org/x").is_some());
        assert!(id_problem("org/x_y").is_some());
        assert!(id_problem("org//x").is_some());
    }
}
