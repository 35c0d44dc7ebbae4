//! `iamlint report --format html`: the compliance report as one self-contained HTML page
//! (inline CSS and SVG, no scripts, no external assets), readable offline and printable.
//!
//! The page is an askama template, `templates/report.html`: askama checks the template
//! against [`Compliance`] when iamlint is compiled and escapes every value for HTML, so a
//! resource name from the audited account cannot inject markup.

use askama::Template;

use super::compliance::Compliance;

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    c: &'a Compliance,
}

/// Renders the report.
pub fn render(compliance: &Compliance) -> String {
    match (Page { c: compliance }).render() {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        Err(error) => format!(
            "<!DOCTYPE html>\n<title>iamlint</title>\n<p>iamlint could not render the report: {}</p>\n",
            error.to_string().replace('&', "&amp;").replace('<', "&lt;")
        ),
    }
}
