//! `--format human`: one miette diagnostic per finding and per load error, then a summary.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::safe::{escape, escape_lines};
use super::snippet::{Snippet, named};
use super::{Comparison, RunReport};
use crate::model::{CollectionStatus, EntityKind, Origin, SnapshotInfo};
use crate::rules::{Finding, Severity, Status};
use crate::sources::{Documents, LoadError, LoadErrorKind, Loaded, span::offset_of};

/// How to draw diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Terminal width in columns.
    pub width: usize,
    /// Name skipped files in the summary.
    pub verbose: bool,
}

impl Style {
    /// The miette handler every human diagnostic (findings, load and config errors,
    /// waiver warnings) is drawn with.
    pub(crate) fn handler(&self) -> GraphicalReportHandler {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        GraphicalReportHandler::new_themed(theme)
            .with_width(self.width)
            .with_links(false)
            // A command line of a help text is one word, never broken (see `help_text`).
            .with_word_separator(textwrap::WordSeparator::Custom(command_as_one_word))
            .with_word_splitter(textwrap::WordSplitter::Custom(hyphens_outside_commands))
            .with_break_words(false)
    }
}

/// Words to wrap `line` at: the whole line when it is a command (see [`help_text`]), so that
/// it is printed whole on its own line, never broken mid-ID.
fn command_as_one_word(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    if is_command(line) || is_shell_comment(line) {
        Box::new(std::iter::once(textwrap::core::Word::from(line)))
    } else {
        textwrap::WordSeparator::new().find_words(line)
    }
}

/// Where a word may be split: at hyphens (textwrap's default), except in a command.
fn hyphens_outside_commands(word: &str) -> Vec<usize> {
    if word.contains(' ') {
        Vec::new()
    } else {
        textwrap::WordSplitter::HyphenSplitter.split_points(word)
    }
}

/// Programs a remediation's commands start with.
const COMMANDS: [&str; 5] = ["ibmcloud ", "curl ", "terraform ", "git ", "jq "];

fn is_command(line: &str) -> bool {
    COMMANDS.iter().any(|command| line.starts_with(command))
}

/// A `# ...` line between the steps of a remediation: a shell comment, kept whole like a
/// command, since its wrapped tail would reach the shell as a command when the block is
/// copied.
fn is_shell_comment(line: &str) -> bool {
    line.starts_with('#')
}

/// A remediation as help text: every command (a part starting with [`COMMANDS`], after a
/// line break, `; ` or `: `, up to the next `; `) on a line of its own, printed whole, so
/// that it can be copied; the prose between them wrapped. Escaped: remediations quote names and ids from inputs.
fn help_text(remediation: &str) -> String {
    let remediation = escape_lines(remediation);
    let mut lines: Vec<String> = Vec::new();
    for line in remediation.lines() {
        let mut rest = line.trim();
        if is_shell_comment(rest) {
            lines.push(rest.to_owned());
            continue;
        }
        let mut prose = String::new();
        while !rest.is_empty() {
            if is_command(rest) {
                // A command runs to the next `; ` (a shell would end it there too), or the end.
                let (command, next) = match rest.find("; ") {
                    Some(at) => (&rest[..at], &rest[at + 2..]),
                    None => (rest, ""),
                };
                if !prose.trim().is_empty() {
                    lines.push(prose.trim().to_owned());
                }
                prose.clear();
                lines.push(command.trim_end_matches(';').to_owned());
                rest = next.trim_start();
                continue;
            }
            // Prose up to the next command after `; ` or `: `, or the end.
            let split = ["; ", ": "]
                .iter()
                .flat_map(|separator| rest.match_indices(separator))
                .filter(|(at, separator)| is_command(&rest[at + separator.len()..]))
                .min_by_key(|(at, _)| *at);
            match split {
                Some((at, separator)) => {
                    let keep = if separator == ": " { ":" } else { "" };
                    prose.push_str(&rest[..at]);
                    prose.push_str(keep);
                    rest = &rest[at + separator.len()..];
                }
                None => {
                    prose.push_str(rest);
                    rest = "";
                }
            }
        }
        if !prose.trim().is_empty() {
            lines.push(prose.trim().to_owned());
        }
    }
    lines.join("\n")
}

impl Default for Style {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
            verbose: false,
        }
    }
}

/// A diagnostic ready for miette: message, labels in one source, related diagnostics.
struct ReadyDiagnostic {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    source: Option<NamedSource<Snippet>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<ReadyDiagnostic>,
}

impl fmt::Debug for ReadyDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for ReadyDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadyDiagnostic {}

impl Diagnostic for ReadyDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|code| Box::new(code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|source| source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related
                    .iter()
                    .map(|related| related as &dyn Diagnostic),
            ))
        }
    }
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium | Severity::Low => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The snippet of `labels` (text, is primary) at the `origins` of one document, with the
/// labels as spans in it.
fn snippet_of(
    documents: &Documents,
    labels: Vec<(&Origin, String, bool)>,
) -> Option<(NamedSource<Snippet>, Vec<LabeledSpan>)> {
    let document = documents.get(labels.first()?.0.document)?;
    let display = document.display();
    let mut ranges = Vec::new();
    let mut texts = Vec::new();
    for (origin, text, primary) in labels {
        if let Some(range) = document.display_span(&origin.pointer) {
            ranges.push(range);
            texts.push((text, primary));
        }
    }
    if ranges.is_empty() {
        return None;
    }
    let (snippet, spans) = Snippet::new(display, &ranges);
    let labels = spans
        .into_iter()
        .zip(texts)
        .map(|(span, (text, primary))| {
            let text = Some(escape(&text).into_owned());
            if primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })
        .collect();
    Some((named(document, snippet), labels))
}

/// `account` is the finding's account, shown in a run over several accounts.
fn finding_diagnostic(
    documents: &Documents,
    finding: &Finding,
    account: Option<&str>,
) -> ReadyDiagnostic {
    let primary = &finding.primary.origin;
    let mut labels = vec![(primary, finding.primary.text.clone(), true)];
    let mut related = Vec::new();
    for item in &finding.related {
        let origin = &item.label.origin;
        // The address is shown unless the label already sits on the resource (its `address`
        // line) or the finding is about the same resource.
        let text = match &item.entity.address {
            Some(address)
                if Some(address) != finding.subject.address.as_ref()
                    && *origin != item.entity.origin =>
            {
                format!("{} ({address})", item.label.text)
            }
            _ => item.label.text.clone(),
        };
        if origin.document == primary.document {
            labels.push((origin, text, false));
        } else {
            let Some((source, labels)) = snippet_of(documents, vec![(origin, text, true)]) else {
                continue;
            };
            let name = item.entity.name.as_deref().unwrap_or(&item.entity.id);
            related.push(ReadyDiagnostic {
                message: format!("related {} `{}`", item.entity.kind.label(), escape(name)),
                code: None,
                severity: miette::Severity::Advice,
                source: Some(source),
                labels,
                help: None,
                related: Vec::new(),
            });
        }
    }
    let (source, labels) = snippet_of(documents, labels).unzip();
    let status = match finding.status {
        Status::Fail => "",
        Status::Unknown => ", unknown",
    };
    // In a run over several accounts, the account comes first: `[high] account <id>: ...`.
    let account = account
        .map(|account| format!(" account {account}:"))
        .unwrap_or_default();
    let message = match finding_address(finding) {
        Some(address) => format!(
            "[{}{status}]{account} {address}: {}",
            finding.severity, finding.message
        ),
        None => format!(
            "[{}{status}]{account} {}",
            finding.severity, finding.message
        ),
    };
    ReadyDiagnostic {
        message: escape(&message).into_owned(),
        code: Some(finding.rule.to_owned()),
        severity: miette_severity(finding.severity),
        source,
        labels: labels.unwrap_or_default(),
        help: finding.remediation.as_deref().map(help_text),
        related,
    }
}

/// The Terraform address a finding is about: its subject's, else that of the declared
/// resource its location points into (a policy that grants a service ID, say).
fn finding_address(finding: &Finding) -> Option<&str> {
    if let Some(address) = &finding.subject.address {
        return Some(address);
    }
    let primary = &finding.primary.origin;
    finding.related.iter().find_map(|related| {
        let entity = &related.entity;
        let inside = entity.origin.document == primary.document
            && primary
                .pointer
                .as_str()
                .strip_prefix(entity.origin.pointer.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        entity.address.as_deref().filter(|_| inside)
    })
}

fn error_diagnostic(documents: &Documents, error: &LoadError) -> ReadyDiagnostic {
    let document = error.document.and_then(|id| documents.get(id));
    let mut labels = Vec::new();
    let mut source = None;
    if let Some(document) = document {
        let display = document.display();
        let range = match (&error.pointer, error.at) {
            (Some(pointer), _) => document.display_span(pointer),
            (None, Some(at)) => {
                let offset = offset_of(&display.text, at.line, at.column);
                Some(offset..offset)
            }
            (None, None) => None,
        };
        if let Some(range) = range {
            let (mut snippet, spans) = Snippet::new(display, &[range]);
            if let Some(&span) = spans.first() {
                // The header names the place in the file, which masking may have moved.
                if let (None, Some(at)) = (&error.pointer, error.at) {
                    snippet = snippet.with_place(span, at);
                }
                labels.push(LabeledSpan::new_primary_with_span(
                    Some("here".to_owned()),
                    span,
                ));
                source = Some(named(document, snippet));
            }
        }
    }
    // With a snippet, miette's header shows the place; without one, the message must.
    let place = match (error.at, source.is_some()) {
        (Some(at), false) => format!("{}:{}:{}", error.file, at.line, at.column),
        _ => error.file.clone(),
    };
    ReadyDiagnostic {
        message: escape_lines(&format!("cannot load {place}: {}", error.message)).into_owned(),
        code: Some("load-error".to_owned()),
        severity: miette::Severity::Error,
        source,
        labels,
        help: error.help.as_deref().map(help_text),
        related: Vec::new(),
    }
}

/// Renders only the load errors of a run (for commands that print no findings).
pub fn render_load_errors(loaded: &Loaded, style: Style) -> String {
    let mut out = String::new();
    render_errors(&style.handler(), &mut out, loaded, style);
    out
}

/// The load errors of [`listed_errors`], each a diagnostic.
fn render_errors(
    handler: &GraphicalReportHandler,
    out: &mut String,
    loaded: &Loaded,
    style: Style,
) {
    for listed in listed_errors(loaded, style) {
        match listed {
            Listed::Error(error) => {
                render_diagnostic(handler, out, &error_diagnostic(&loaded.documents, error));
            }
            Listed::More(line) => {
                out.push_str(&line);
                out.push_str("\n\n");
            }
        }
    }
}

/// Renders the whole run: findings, then load errors, then the summary.
pub fn render(report: &RunReport<'_>, style: Style) -> String {
    render_compared(report, style, None)
}

/// [`render`] for a run that reports only new findings, with what was compared in the
/// summary.
pub fn render_compared(
    report: &RunReport<'_>,
    style: Style,
    comparison: Option<&Comparison>,
) -> String {
    let handler = style.handler();
    let documents = &report.loaded.documents;
    let mut out = String::new();
    // Most severe first: a person triages from the top.
    for finding in super::severity_first(report.findings) {
        render_diagnostic(
            &handler,
            &mut out,
            &finding_diagnostic(documents, finding, report.account_of(finding)),
        );
    }
    render_errors(&handler, &mut out, report.loaded, style);
    out.push_str(&summary_text(report, style, comparison));
    out
}

fn render_diagnostic(
    handler: &GraphicalReportHandler,
    out: &mut String,
    diagnostic: &ReadyDiagnostic,
) {
    if handler.render_report(out, diagnostic).is_err() {
        out.push_str(&diagnostic.message);
        out.push('\n');
    }
    out.push('\n');
}

/// How many item errors of one file are listed without `--verbose`.
const ITEM_ERRORS_LISTED: usize = 20;

/// A load error to show, or the line that stands for the item errors of a file past
/// [`ITEM_ERRORS_LISTED`].
pub(crate) enum Listed<'a> {
    Error(&'a LoadError),
    More(String),
}

/// The load errors to show, in order: every error, but at most [`ITEM_ERRORS_LISTED`]
/// item errors per file (all of them with `--verbose`), then how many more there are.
pub(crate) fn listed_errors(loaded: &Loaded, style: Style) -> Vec<Listed<'_>> {
    let mut listed = Vec::new();
    // Item errors of the file being listed: (file, shown, left out).
    let mut run: Option<(&str, usize, usize)> = None;
    let close = |run: Option<(&str, usize, usize)>, listed: &mut Vec<Listed<'_>>| {
        if let Some((file, _, left_out)) = run
            && left_out > 0
        {
            listed.push(Listed::More(format!(
                "... and {left_out} more item error{} in {file} (-v lists them all)",
                if left_out == 1 { "" } else { "s" }
            )));
        }
    };
    for error in &loaded.errors {
        if error.kind != LoadErrorKind::Item {
            close(run.take(), &mut listed);
            listed.push(Listed::Error(error));
            continue;
        }
        match &mut run {
            Some((file, shown, left_out)) if *file == error.file => {
                if style.verbose || *shown < ITEM_ERRORS_LISTED {
                    *shown += 1;
                    listed.push(Listed::Error(error));
                } else {
                    *left_out += 1;
                }
            }
            _ => {
                close(run.take(), &mut listed);
                run = Some((&error.file, 1, 0));
                listed.push(Listed::Error(error));
            }
        }
    }
    close(run, &mut listed);
    listed
}

/// The summary lines of a run (what `human` and `concise` end with).
pub(crate) fn summary_text(
    report: &RunReport<'_>,
    style: Style,
    comparison: Option<&Comparison>,
) -> String {
    // The summary names files, waiver reasons and accounts from inputs.
    let mut out = escape_lines(&summary(report, style)).into_owned();
    if let Some(comparison) = comparison {
        out.push_str(&format!(
            "only new findings shown (compared with {}): {} already present, {} fixed\n",
            comparison.against,
            plural(comparison.unchanged, "finding"),
            comparison.fixed
        ));
    }
    out
}

fn summary(report: &RunReport<'_>, style: Style) -> String {
    let loaded = report.loaded;
    let mut files = plural(loaded.files, "file");
    if report.several_accounts() {
        files.push_str(&format!(
            " of {}",
            plural(loaded.inventory.accounts.known(), "account")
        ));
    }
    let mut notes = Vec::new();
    if !loaded.skipped.is_empty() {
        let counts = loaded.skip_counts();
        let reasons: Vec<String> = counts
            .iter()
            .map(|(reason, count)| match counts.len() {
                1 => (*reason).to_owned(),
                _ => format!("{count} {reason}"),
            })
            .collect();
        notes.push(format!(
            "{} skipped: {}",
            loaded.skipped.len(),
            reasons.join(", ")
        ));
    }
    if !loaded.errors.is_empty() {
        notes.push(plural(loaded.errors.len(), "load error"));
    }
    if !notes.is_empty() {
        files.push_str(&format!(" ({})", notes.join(", ")));
    }
    let collections = loaded.inventory.collections;
    let resources: Vec<String> = report
        .resources()
        .into_iter()
        // Access groups are an optional export: named only when one was loaded.
        .filter(|(kind, _)| {
            *kind != EntityKind::AccessGroup
                || collections.access_groups
                || collections.access_group_members
        })
        .map(|(kind, count)| kind.count(count))
        .collect();
    let counts: Vec<String> = report
        .counts()
        .into_iter()
        .map(|(severity, count)| format!("{count} {severity}"))
        .collect();
    let total = report.findings.len();
    // A file partly loaded says how much of it the findings are about.
    let partial: String = loaded
        .partial
        .iter()
        .map(|partial| format!("  {}: {}\n", partial.file, partial.summary()))
        .collect();
    let mut text = format!(
        "checked {files}: {}\n{partial}{}: {}",
        resources.join(", "),
        plural(total, "finding"),
        counts.join(", ")
    );
    let unknown = report.unknown_count();
    if unknown > 0 {
        text.push_str(&format!(" ({unknown} could not be evaluated)"));
    }
    text.push('\n');
    text.push_str(&triage_summary(report, style));
    for snapshot in &report.loaded.inventory.snapshots {
        text.push_str(&snapshot_summary(snapshot));
    }
    if style.verbose {
        for skipped in &loaded.skipped {
            text.push_str(&format!(
                "skipped {skipped}: {}\n",
                loaded.skip_reason(skipped)
            ));
        }
    }
    text
}

/// How many fixed baseline entries are named without `--verbose`.
const FIXED_LISTED: usize = 20;

/// The waived findings (listed with `--verbose`) and the baseline: how many known findings
/// it kept out, and which of its entries are fixed.
fn triage_summary(report: &RunReport<'_>, style: Style) -> String {
    let triage = report.triage;
    let mut text = String::new();
    if triage.waivers_ignored {
        text.push_str("waivers not applied (--no-waivers)\n");
    }
    if !triage.waived.is_empty() {
        let inline = triage
            .waived
            .iter()
            .filter(|waived| waived.waiver.source.kind() == "inline")
            .count();
        let by = match (triage.waived.len() - inline, inline) {
            (_, 0) => "by the config file".to_owned(),
            (0, _) => "by inline comments".to_owned(),
            (config, inline) => format!("{config} by the config file, {inline} inline"),
        };
        text.push_str(&format!(
            "{} waived ({by}){}\n",
            plural(triage.waived.len(), "finding"),
            if style.verbose {
                ":"
            } else {
                "; -v lists them"
            }
        ));
        if style.verbose {
            for waived in &triage.waived {
                let finding = &waived.finding;
                let until = waived
                    .waiver
                    .expires
                    .map(|date| format!("until {date}, "))
                    .unwrap_or_default();
                text.push_str(&format!(
                    "  {} on {}: {} ({until}{})\n",
                    finding.rule,
                    super::subject_label(&finding.subject),
                    waived.waiver.reason,
                    waived.waiver.source.place()
                ));
            }
        }
    }
    if let Some(baseline) = &triage.baseline {
        text.push_str(&format!(
            "baseline {}: {} not shown, {} fixed\n",
            baseline.file,
            plural(baseline.baselined.len(), "known finding"),
            baseline.fixed.len()
        ));
        let listed = if style.verbose {
            baseline.fixed.len()
        } else {
            FIXED_LISTED
        };
        for entry in baseline.fixed.iter().take(listed) {
            text.push_str(&format!(
                "  fixed: {} on {} ({})\n",
                entry.rule,
                entry.resource_label(),
                entry.fingerprint
            ));
        }
        if baseline.fixed.len() > listed {
            text.push_str(&format!(
                "  and {} more fixed (-v lists them)\n",
                baseline.fixed.len() - listed
            ));
        }
        if !baseline.fixed.is_empty() {
            text.push_str(&format!(
                "  (`iamlint baseline write {} PATH...` prunes them)\n",
                baseline.file
            ));
        }
    }
    text
}

/// One line per live snapshot, then one per collection the snapshot lacks for want of
/// roles (failed and partial collections are load errors, shown above).
fn snapshot_summary(snapshot: &SnapshotInfo) -> String {
    let counts: Vec<String> = CollectionStatus::ALL
        .iter()
        .filter_map(|&status| {
            let count = snapshot.with_status(status).count();
            (count > 0).then(|| format!("{count} {}", status.as_str()))
        })
        .collect();
    let mut text = format!(
        "snapshot of account {} collected {}: {}\n",
        snapshot.account_id.as_deref().unwrap_or("<unknown>"),
        snapshot.collected_at.as_deref().unwrap_or("<unknown>"),
        counts.join(", ")
    );
    for status in [CollectionStatus::Forbidden, CollectionStatus::Skipped] {
        for collection in snapshot.with_status(status) {
            text.push_str(&format!(
                "  {} {}: {}\n",
                collection.name,
                status.as_str(),
                collection.reason.as_deref().unwrap_or("no reason recorded")
            ));
        }
    }
    text
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
