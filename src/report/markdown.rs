//! `--format markdown`: a summary sized for a pull-request comment or a GitHub job summary,
//! leading as the compliance report does: a warning when an input could not be read (or
//! was read in part), counts by severity, the top risks with their access chains, then one
//! table row per finding (most severe first, then by rule) with a link to the file and
//! line. Past [`Style::limit`] characters the table is cut, with a note saying how many
//! findings were left out.

use super::compliance::overview::{chain_line, incomplete, pick_top};
use super::place::{FileNames, file_of, place};
use super::{RunReport, subject_label};
use crate::rules::{Finding, Severity, Status};

/// GitHub refuses comments over 65,536 characters; leave room for what wraps ours.
pub const DEFAULT_LIMIT: usize = 60_000;

/// How to render.
#[derive(Debug, Clone)]
pub struct Style {
    pub names: FileNames,
    /// Where `<file>#L<line>` links point, e.g.
    /// `https://github.com/<owner>/<repo>/blob/<sha>`; without it locations are plain text.
    pub link_base: Option<String>,
    /// The most characters to produce.
    pub limit: usize,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            names: FileNames::default(),
            link_base: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// Escapes text for one Markdown table cell (in `safe`, beside the other escapers, so
/// that the compliance report's Markdown template uses it without depending on this module).
pub use super::safe::markdown_cell as cell;

/// `file:line` as a link (when a base is known) or as code.
fn location(report: &RunReport<'_>, style: &Style, finding: &Finding) -> String {
    let documents = &report.loaded.documents;
    let origin = &finding.primary.origin;
    let (file, line) = match place(documents, &style.names, origin) {
        Some(place) => (place.file, Some(place.start.line)),
        None => (file_of(documents, &style.names, origin), None),
    };
    let shown = super::safe::escape(&file);
    let text = match line {
        Some(line) => format!("{shown}:{line}"),
        None => shown.into_owned(),
    };
    match (&style.link_base, file.starts_with('/')) {
        (Some(base), false) => {
            let anchor = line.map(|line| format!("#L{line}")).unwrap_or_default();
            format!(
                "[`{}`]({}/{}{anchor})",
                text.replace('`', "'").replace('|', "\\|"),
                base.trim_end_matches('/'),
                super::uri::encode_path(&file)
            )
        }
        _ => format!("`{}`", text.replace('`', "'").replace('|', "\\|")),
    }
}

fn row(report: &RunReport<'_>, style: &Style, finding: &Finding) -> String {
    let status = match finding.status {
        Status::Fail => "",
        Status::Unknown => " (unknown)",
    };
    let mut subject = subject_label(&finding.subject);
    if let Some(account) = report.account_of(finding) {
        subject.push_str(&format!(" (account {account})"));
    }
    format!(
        "| {}{status} | `{}` | {} | {} | {} |\n",
        finding.severity,
        finding.rule,
        cell(&subject),
        location(report, style, finding),
        cell(&finding.message),
    )
}

/// The headline: findings by severity, how many could not be evaluated, and how many were
/// waived or are in the baseline (and how many baseline entries are fixed).
pub fn headline(report: &RunReport<'_>) -> String {
    let total = report.findings.len();
    let counts: Vec<String> = report
        .counts()
        .into_iter()
        .map(|(severity, count)| format!("{count} {severity}"))
        .collect();
    let mut text = format!(
        "**{}:** {}",
        if total == 1 {
            "1 finding".to_owned()
        } else {
            format!("{total} findings")
        },
        counts.join(" · ")
    );
    let unknown = report.unknown_count();
    if unknown > 0 {
        text.push_str(&format!(" ({unknown} could not be evaluated)"));
    }
    let triage = report.triage;
    if !triage.waived.is_empty() {
        text.push_str(&format!(" · {} waived", triage.waived.len()));
    }
    if let Some(baseline) = &triage.baseline {
        text.push_str(&format!(
            " · {} in the baseline, {} fixed",
            baseline.baselined.len(),
            baseline.fixed.len()
        ));
    }
    text
}

/// How many findings the top risks name at most.
const TOP_RISKS: usize = 5;

/// The most severe failing findings (not info), the first of each rule first, each with
/// its access chain; empty when there are none.
fn top_risks(report: &RunReport<'_>, style: &Style, findings: &[&Finding]) -> String {
    let risks: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|finding| finding.status == Status::Fail && finding.severity > Severity::Info)
        .collect();
    let picked = pick_top(&risks, |finding| finding.rule, TOP_RISKS);
    if picked.is_empty() {
        return String::new();
    }
    let mut out = String::from("**Top risks**\n\n");
    for (number, at) in picked.into_iter().enumerate() {
        let finding = risks[at];
        out.push_str(&format!(
            "{}. **{}** `{}` {}: {}\n",
            number + 1,
            finding.severity,
            finding.rule,
            location(report, style, finding),
            cell(&finding.message)
        ));
        if let Some(chain) = chain_line(finding) {
            out.push_str(&format!("   access: {}\n", cell(&chain)));
        }
    }
    out.push('\n');
    out
}

/// Renders the summary.
pub fn render(report: &RunReport<'_>, style: &Style) -> String {
    let loaded = report.loaded;
    let mut out = String::from("### iamlint\n\n");
    let missing = incomplete(report);
    if !missing.is_empty() {
        // Before the counts: they cover only what was read.
        out.push_str(&format!(
            "> **Incomplete:** {}. The findings cover only what was read.\n\n",
            cell(&missing.join("; "))
        ));
    }
    out.push_str(&headline(report));
    out.push_str("\n\n");
    let resources: Vec<String> = report
        .resources()
        .into_iter()
        .map(|(kind, count)| kind.count(count))
        .collect();
    let skipped = if loaded.skipped.is_empty() {
        String::new()
    } else if loaded.skipped_kinds.is_empty() {
        format!(" ({} skipped: not an IAM export)", loaded.skipped.len())
    } else {
        // Files of kinds iamlint recognises and does not read: say which.
        let reasons: Vec<String> = loaded
            .skip_counts()
            .into_iter()
            .map(|(reason, count)| format!("{count} {reason}"))
            .collect();
        format!(
            " ({} skipped: {})",
            loaded.skipped.len(),
            reasons.join(", ")
        )
    };
    let accounts = match loaded.inventory.accounts.known() {
        several if report.several_accounts() => format!(" of {several} accounts"),
        _ => String::new(),
    };
    out.push_str(&format!(
        "Checked {} file{}{accounts}{skipped}: {}.\n\n",
        loaded.files,
        if loaded.files == 1 { "" } else { "s" },
        resources.join(", ")
    ));
    let mut tail = String::new();
    if !loaded.errors.is_empty() {
        tail.push_str(&format!(
            "\n**{} input problem{}** (exit code 2):\n\n",
            loaded.errors.len(),
            if loaded.errors.len() == 1 { "" } else { "s" }
        ));
        // Many broken inputs must not crowd out the findings: list the first few.
        const LISTED: usize = 20;
        for error in loaded.errors.iter().take(LISTED) {
            let at = error
                .at
                .map(|at| format!(":{}:{}", at.line, at.column))
                .unwrap_or_default();
            tail.push_str(&format!(
                "- `{}{at}`: {}\n",
                super::safe::escape(&error.file).replace('`', "'"),
                cell(&error.message)
            ));
        }
        if loaded.errors.len() > LISTED {
            tail.push_str(&format!("- and {} more\n", loaded.errors.len() - LISTED));
        }
    }
    if report.findings.is_empty() {
        out.push_str("No findings.\n");
        out.push_str(&tail);
        return out;
    }
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    // Most severe first, then by rule; the sort is stable, so file order is kept within
    // one rule of one severity.
    findings.sort_by_key(|finding| (std::cmp::Reverse(finding.severity), finding.rule));
    // The top risks only when they leave at least half of the limit to the table.
    let risks = top_risks(report, style, &findings);
    if out.len() + risks.len() + tail.len() + 200 <= style.limit / 2 {
        out.push_str(&risks);
    }
    out.push_str("| Severity | Rule | Resource | Location | Finding |\n");
    out.push_str("|---|---|---|---|---|\n");
    // Room for the truncation note and the tail.
    let budget = style.limit.saturating_sub(out.len() + tail.len() + 200);
    let mut shown = 0;
    let mut table = String::new();
    for finding in &findings {
        let line = row(report, style, finding);
        if table.len() + line.len() > budget {
            break;
        }
        table.push_str(&line);
        shown += 1;
    }
    out.push_str(&table);
    let left_out = findings.len() - shown;
    if left_out > 0 {
        out.push_str(&format!(
            "\n> **{left_out} more finding{} not shown:** this summary is cut at {} characters. \
             The SARIF, JSON or CSV output has every finding.\n",
            if left_out == 1 { "" } else { "s" },
            style.limit
        ));
    }
    out.push_str(&tail);
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_escape_what_breaks_a_table() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
        assert_eq!(cell("key `a|b` <x>"), "key `a\\|b` &lt;x&gt;");
        assert_eq!(cell("`<redacted>` *x*"), "`<redacted>` \\*x\\*");
    }
}
