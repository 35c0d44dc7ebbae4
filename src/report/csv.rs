//! `--format csv`: one row per finding, RFC 4180 (quoted where needed, CRLF line ends), for
//! spreadsheets and ticket imports.
//!
//! Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return) get a leading `'`: resource names come from the audited account,
//! and an audit file must not execute them.

use super::RunReport;
use super::place::{FileNames, file_of, place};
use crate::rules::Finding;

/// The header row; the column names are a contract (add columns at the end only).
///
/// `state` is `reported` for a finding the run reports, `waived` for one a waiver accepted
/// (`waiver_reason`, `waiver_expires`) and `baselined` for one in the `--baseline` file.
pub const COLUMNS: [&str; 16] = [
    "rule",
    "severity",
    "status",
    "file",
    "line",
    "column",
    "resource_kind",
    "resource_id",
    "resource_name",
    "message",
    "related",
    "remediation",
    "fingerprint",
    "state",
    "waiver_reason",
    "waiver_expires",
];

/// The column added at the end in a run over several accounts: the account of the finding
/// (a run of one account keeps the columns above, unchanged).
pub const ACCOUNT_COLUMN: &str = "account";

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Style {
    pub names: FileNames,
}

/// A cell as written: escaped (see [`super::safe`]), and defused.
fn defuse(cell: &str) -> String {
    defuse_escaped(super::safe::escape(cell))
}

/// The remediation cell: its line breaks are iamlint's own (one step per line, so that each
/// command can be copied), kept inside the quoted cell; everything else is escaped.
fn defuse_steps(cell: &str) -> String {
    defuse_escaped(super::safe::escape_lines(cell))
}

fn defuse_escaped(cell: std::borrow::Cow<'_, str>) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.into_owned(),
    }
}

fn record(report: &RunReport<'_>, style: &Style, finding: &Finding) -> Vec<String> {
    let documents = &report.loaded.documents;
    let origin = &finding.primary.origin;
    let (file, line, column) = match place(documents, &style.names, origin) {
        Some(place) => (
            place.file,
            place.start.line.to_string(),
            place.start.column.to_string(),
        ),
        None => (
            file_of(documents, &style.names, origin),
            String::new(),
            String::new(),
        ),
    };
    let related: Vec<String> = finding
        .related
        .iter()
        .map(|related| {
            format!(
                "{}: {} {}",
                related.label.text,
                related.entity.kind.as_str(),
                related.entity.id
            )
        })
        .collect();
    vec![
        finding.rule.to_owned(),
        finding.severity.as_str().to_owned(),
        finding.status.as_str().to_owned(),
        file,
        line,
        column,
        finding.subject.kind.as_str().to_owned(),
        finding.subject.id.clone(),
        finding.subject.name.clone().unwrap_or_default(),
        finding.message.clone(),
        related.join("; "),
        finding.remediation.clone().unwrap_or_default(),
        finding.fingerprint(),
    ]
}

/// Renders the header and one row per finding: the reported ones, then the waived ones,
/// then those in the baseline.
pub fn render(report: &RunReport<'_>, style: &Style) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let accounts = report.several_accounts();
    let mut header = COLUMNS.to_vec();
    if accounts {
        header.push(ACCOUNT_COLUMN);
    }
    let mut ok = writer.write_record(header).is_ok();
    let triage = report.triage;
    let rows = report
        .findings
        .iter()
        .map(|finding| (finding, "reported", None))
        .chain(
            triage
                .waived
                .iter()
                .map(|waived| (&waived.finding, "waived", Some(&waived.waiver))),
        )
        .chain(triage.baseline.iter().flat_map(|baseline| {
            baseline
                .baselined
                .iter()
                .map(|finding| (finding, "baselined", None))
        }));
    for (finding, state, waiver) in rows {
        let mut cells = record(report, style, finding);
        cells.push(state.to_owned());
        cells.push(
            waiver
                .map(|waiver| waiver.reason.clone())
                .unwrap_or_default(),
        );
        cells.push(
            waiver
                .and_then(|waiver| waiver.expires)
                .map(|date| date.to_string())
                .unwrap_or_default(),
        );
        if accounts {
            cells.push(report.account_of(finding).unwrap_or_default().to_owned());
        }
        let remediation = COLUMNS.iter().position(|column| *column == "remediation");
        let cells: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(at, cell)| match Some(at) == remediation {
                true => defuse_steps(cell),
                false => defuse(cell),
            })
            .collect();
        ok &= writer.write_record(&cells).is_ok();
    }
    // Writing into a Vec cannot fail; should it, say so rather than print half a file.
    match (ok, writer.into_inner()) {
        (true, Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => "error: the CSV output could not be written\r\n".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("-1"), "'-1");
        assert_eq!(defuse("at-siem-reader"), "at-siem-reader");
    }
}
