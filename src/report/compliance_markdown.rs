//! `iamlint report --format markdown`: the compliance report as one Markdown document (for
//! wikis, tickets and repositories), from the askama template `templates/report.md`.
//!
//! Every interpolated value goes through [`Markdown`], the escaper `askama.toml` assigns
//! to `.md` templates, so names from the audited account cannot break a table or inject
//! markup; `|safe` is used only inside code blocks and for link targets.

use std::fmt;

use askama::Template;

use super::compliance::Compliance;

/// askama's escaper for Markdown templates: [`super::markdown::cell`] on every value.
#[derive(Debug, Clone, Copy)]
pub struct Markdown;

impl askama::filters::Escaper for Markdown {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&super::markdown::cell(string))
    }
}

#[derive(Template)]
#[template(path = "report.md")]
struct Page<'a> {
    c: &'a Compliance,
}

impl Page<'_> {
    /// `text` as a code span (the escaper leaves code spans alone), fenced with more
    /// backticks than `text` holds in a row.
    fn code(&self, text: impl fmt::Display) -> String {
        let text = text.to_string();
        let longest = text.split(|ch| ch != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest + 1);
        let pad = if text.starts_with('`') || text.ends_with('`') {
            " "
        } else {
            ""
        };
        format!("{fence}{pad}{text}{pad}{fence}")
    }
}

/// Renders the report.
pub fn render(compliance: &Compliance) -> String {
    match (Page { c: compliance }).render() {
        // The template writes no control but line breaks: what is left came from inputs.
        Ok(text) => format!("{}\n", super::safe::escape_lines(&text)),
        Err(error) => format!("iamlint could not render the report: {error}\n"),
    }
}
