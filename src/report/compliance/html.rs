//! `iamlint report --format html`: the compliance report as one self-contained HTML page
//! (inline CSS and one small inline script that filters the findings table, which reads the
//! same without it; no external assets), readable offline and printable.
//!
//! The page is an askama template, `templates/report.html`: askama checks the template
//! against [`Compliance`] when iamlint is compiled and escapes every value for HTML, so a
//! resource name from the audited account cannot inject markup.

use askama::Template;

use super::Compliance;

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    c: &'a Compliance,
}

impl Page<'_> {
    /// The verdict class of a count: its colour when there is something to count, muted
    /// at zero (a red "0 failed" reads as a failure).
    fn tone(&self, count: impl std::borrow::Borrow<usize>, class: &'static str) -> &'static str {
        if *count.borrow() > 0 { class } else { "zero" }
    }

    /// Prose from rules and findings, escaped for HTML, with its `code` spans (Markdown
    /// backticks) as `<code>`. The template marks the result `|safe`.
    fn rich(&self, text: impl std::fmt::Display) -> String {
        let text = text.to_string();
        let parts: Vec<&str> = text.split('`').collect();
        let mut out = String::with_capacity(text.len() + 16);
        for (at, part) in parts.iter().enumerate() {
            let escaped = askama::filters::escape(part, askama::filters::Html)
                .map(|safe| safe.to_string())
                .unwrap_or_default();
            // Odd parts sit between backticks; an unpaired last backtick stays literal.
            match (at % 2 == 1, at + 1 < parts.len()) {
                (true, true) => out.push_str(&format!("<code>{escaped}</code>")),
                (true, false) => out.push_str(&format!("`{escaped}")),
                (false, _) => out.push_str(&escaped),
            }
        }
        out
    }
}

/// Renders the report.
pub fn render(compliance: &Compliance) -> String {
    match (Page { c: compliance }).render() {
        // The template writes no control but line breaks: what is left came from inputs.
        Ok(text) => crate::report::safe::escape_page(text),
        Err(error) => format!(
            "<!DOCTYPE html>\n<title>iamlint</title>\n<p>iamlint could not render the report: {}</p>\n",
            error.to_string().replace('&', "&amp;").replace('<', "&lt;")
        ),
    }
}
