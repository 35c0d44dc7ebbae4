//! `iamlint explain <id>`: a rule's whole documentation, from its `rules/<id>.yaml` and the
//! example inputs compiled into the binary (`rules::examples`), so it needs no repository.
//!
//! Examples are shown from their masked text, like every snippet: a secret in an example
//! prints as `<redacted>`.

use std::path::Path;
use std::sync::Arc;

use crate::rules::{RuleMeta, examples};
use crate::sources::{Document, Format, parse};

/// Examples longer than this are cut, with a note saying how much was left out.
pub const EXAMPLE_LINES: usize = 80;

/// How deep section bodies are indented.
const INDENT: &str = "  ";

/// Renders the documentation of one rule, wrapped to `width` columns.
pub fn render(meta: &RuleMeta, width: usize) -> String {
    let width = width.max(40);
    let mut out = format!("{}: {}\n", meta.id, meta.title.trim());
    out.push_str(&format!(
        "severity {} · category {}\n",
        meta.severity, meta.category
    ));
    section(&mut out, "Summary", &wrap(&meta.summary, width));
    section(&mut out, "Rationale", &wrap(&meta.rationale, width));
    section(&mut out, "Remediation", &wrap(&meta.remediation, width));
    // A command is copied, not read: never wrapped.
    let fix: String = meta
        .fix
        .trim()
        .lines()
        .map(|line| format!("{INDENT}{}\n", line.trim()))
        .collect();
    section(&mut out, "Fix", &fix);
    let mut references = String::new();
    for reference in &meta.references {
        let options = textwrap::Options::new(width)
            .initial_indent("  - ")
            .subsequent_indent("    ");
        references.push_str(&textwrap::fill(reference.title.trim(), options));
        references.push_str(&format!("\n{INDENT}  {}\n", reference.url));
    }
    section(&mut out, "References", &references);
    section(&mut out, "Parameters", &parameters(meta, width));
    for (heading, path) in [
        ("Bad example (reported by this rule)", &meta.examples.bad),
        ("Good example (passes)", &meta.examples.good),
    ] {
        let body = match path {
            Some(path) => example(path),
            None => format!("{INDENT}(none declared)\n"),
        };
        let heading = match path {
            Some(path) => format!("{heading}:\n{INDENT}{path}"),
            None => heading.to_owned(),
        };
        section(&mut out, &heading, &body);
    }
    section(
        &mut out,
        "Configure it in iamlint.yaml",
        &config_snippet(meta),
    );
    out
}

fn section(out: &mut String, heading: &str, body: &str) {
    out.push('\n');
    out.push_str(heading);
    out.push('\n');
    out.push_str(body);
}

/// Folded YAML prose, re-wrapped to the width and indented.
fn wrap(text: &str, width: usize) -> String {
    let options = textwrap::Options::new(width)
        .initial_indent(INDENT)
        .subsequent_indent(INDENT);
    let mut out = textwrap::fill(text.trim(), options);
    out.push('\n');
    out
}

fn parameters(meta: &RuleMeta, width: usize) -> String {
    if meta.params.is_empty() {
        return format!("{INDENT}(none)\n");
    }
    let mut out = String::new();
    for (name, spec) in &meta.params {
        let kind = spec
            .value_type()
            .map_or("any value", |value_type| value_type.name());
        out.push_str(&format!(
            "{INDENT}{name} ({kind}, default {})\n",
            spec.default
        ));
        let options = textwrap::Options::new(width)
            .initial_indent("    ")
            .subsequent_indent("    ");
        out.push_str(&textwrap::fill(spec.description.trim(), options));
        out.push('\n');
    }
    out
}

/// The compiled-in example at `path`, masked and indented, cut after `EXAMPLE_LINES`.
fn example(path: &str) -> String {
    let Some(text) = examples::text(path) else {
        return format!("{INDENT}(not compiled into this binary)\n");
    };
    let yaml_extension = Path::new(path)
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| matches!(extension, "yml" | "yaml"));
    // Masking needs the parsed text; an unparsable example is masked line by line.
    let (format, parsed) = match parse::parse(text, yaml_extension) {
        Ok((_, format)) => (format, true),
        Err(_) => (
            if yaml_extension {
                Format::Yaml
            } else {
                Format::Json
            },
            false,
        ),
    };
    let document = Document::new(
        path.to_owned(),
        path.into(),
        format,
        Arc::from(text),
        parsed,
    );
    let display = &document.display().text;
    let lines: Vec<&str> = display.lines().collect();
    let mut out = String::new();
    for line in lines.iter().take(EXAMPLE_LINES) {
        out.push_str(format!("    {line}").trim_end());
        out.push('\n');
    }
    if lines.len() > EXAMPLE_LINES {
        out.push_str(&format!(
            "    … {} more lines (the whole example is {path} in the iamlint repository)\n",
            lines.len() - EXAMPLE_LINES
        ));
    }
    out
}

/// The rule's settings with their defaults, ready to paste under `rules:`.
fn config_snippet(meta: &RuleMeta) -> String {
    let mut out = format!(
        "    rules:\n      {}:\n        enabled: true\n        severity: {}\n",
        meta.id, meta.severity
    );
    if !meta.params.is_empty() {
        out.push_str("        params:\n");
        for (name, spec) in &meta.params {
            // JSON is YAML: the default in JSON syntax pastes as is.
            out.push_str(&format!("          {name}: {}\n", spec.default));
        }
    }
    out
}
