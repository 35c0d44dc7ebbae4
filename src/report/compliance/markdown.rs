//! `iamlint report --format markdown`: the compliance report as one Markdown document (for
//! wikis, tickets and repositories), from the askama template `templates/report.md`.
//!
//! Every interpolated value goes through [`Markdown`], the escaper `askama.toml` assigns
//! to `.md` templates, so names from the audited account cannot break a table or inject
//! markup; `|safe` is used only inside code blocks and for link targets.

use std::fmt;

use askama::Template;

use super::Compliance;

/// askama's escaper for Markdown templates: [`crate::report::safe::markdown_cell`] on every value.
#[derive(Debug, Clone, Copy)]
pub struct Markdown;

impl askama::filters::Escaper for Markdown {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&crate::report::safe::markdown_cell(string))
    }
}

#[derive(Template)]
#[template(path = "report.md")]
struct Page<'a> {
    c: &'a Compliance,
}

impl Page<'_> {
    /// A finding's fix under its list item: one step as a code span, several as a fenced
    /// `sh` block indented into the item, one step per line (a `# ...` line joined to the
    /// next step would comment it out). The fence is longer than any run of backticks in
    /// the text, so nothing in it can close the block; the page's escaping still applies.
    fn steps(&self, text: &str) -> String {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect();
        if lines.len() < 2 {
            return crate::report::safe::markdown_cell(&self.code(lines.concat()));
        }
        let longest = text.split(|ch| ch != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat((longest + 1).max(3));
        let mut out = format!("\n\n    {fence}sh\n");
        for line in lines {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(&fence);
        out
    }

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
        Ok(text) => crate::report::safe::escape_page(text),
        Err(error) => format!("iamlint could not render the report: {error}\n"),
    }
}
