//! `iamlint rules`: the rule catalog, as an aligned table or a JSON array.
//!
//! The JSON is a stable contract like the check report: fields may be added, never renamed.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::{REGISTRY, RuleMeta, metadata};

/// One rule in `iamlint rules --format json`.
#[derive(Serialize)]
struct RuleDto<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'a str,
    category: &'a str,
    summary: &'a str,
    /// Parameter defaults by name.
    params: BTreeMap<&'a str, &'a serde_json::Value>,
}

impl<'a> RuleDto<'a> {
    fn new(meta: &'a RuleMeta) -> Self {
        Self {
            id: &meta.id,
            title: meta.title.trim(),
            severity: meta.severity.as_str(),
            category: &meta.category,
            summary: meta.summary.trim(),
            params: meta
                .params
                .iter()
                .map(|(name, spec)| (name.as_str(), &spec.default))
                .collect(),
        }
    }
}

/// Every rule with metadata that parses, in registry order.
fn rules() -> impl Iterator<Item = &'static RuleMeta> {
    metadata().iter().filter_map(|meta| meta.as_ref().ok())
}

/// The JSON array of every rule, in registry order.
pub fn render_json() -> String {
    let rules: Vec<RuleDto<'_>> = rules().map(RuleDto::new).collect();
    let mut text = serde_json::to_string_pretty(&rules).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

/// The aligned table: id, severity, category, title.
pub fn render_table() -> String {
    const HEADER: [&str; 4] = ["ID", "SEVERITY", "CATEGORY", "TITLE"];
    let rows: Vec<[&str; 4]> = REGISTRY
        .iter()
        .zip(metadata())
        .map(|(entry, meta)| match meta {
            Ok(meta) => [
                entry.id,
                meta.severity.as_str(),
                meta.category.as_str(),
                meta.title.trim(),
            ],
            Err(_) => [entry.id, "?", "?", "(its rules/<id>.yaml does not parse)"],
        })
        .collect();
    let mut widths = HEADER.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&HEADER).chain(&rows) {
        let mut line = String::new();
        for (at, cell) in row.iter().enumerate() {
            if at + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[at] - cell.chars().count() + 2;
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "\n{} rules; `iamlint explain <ID>` prints one in full\n",
        rows.len()
    ));
    out
}
