//! The CI and audit outputs of `check --format ...` and the `report` command: choosing the
//! renderer, gathering the facts it needs, and delivering the text (stdout, `--output`,
//! the GitHub job summary).

use std::path::{Path, PathBuf};

use super::{
    ColorChoice, Outcome, OutputFormat, OutputOptions, ReportArgs, ReportFormat, RunSettings,
    Terminal, exit, facts, settings_for, usage_error, write,
};
use crate::pipeline::{self, Checked, Request, Triaging};
use crate::report::compliance::{self, Facts};
use crate::report::{
    RunReport, compliance_markdown, csv, github, gitlab, html, human, junit, markdown,
    place::FileNames, sarif, warnings,
};
use crate::rules::Evaluated;

/// A rendered output: the main text and, for `github`, the job summary.
pub(super) struct Output {
    main: String,
    summary: Option<String>,
}

impl Output {
    pub(super) fn text(main: String) -> Self {
        Self {
            main,
            summary: None,
        }
    }
}

/// Renders the formats beyond `human` and `json`. `Err` is a usage error.
pub(super) fn render_check(
    format: OutputFormat,
    paths: &[PathBuf],
    options: &OutputOptions,
    report: &RunReport<'_>,
    evaluated: &mut Vec<Evaluated>,
) -> Result<Output, String> {
    let names = facts::names_relative_to(&report.loaded.documents, &options.repo_root)?;
    let link_base = facts::link_base(options.link_base.as_deref());
    let rendered = match format {
        OutputFormat::Human | OutputFormat::Concise | OutputFormat::Json => {
            return Err("internal: human, concise and json are rendered by check".to_owned());
        }
        OutputFormat::Sarif => Output::text(sarif::render(report, &sarif::Style { names })),
        OutputFormat::Github => {
            let github::Rendered {
                annotations,
                summary,
            } = github::render(report, &github::Style { names, link_base });
            Output {
                main: annotations,
                summary: Some(summary),
            }
        }
        OutputFormat::Gitlab => Output::text(gitlab::render(report, &gitlab::Style { names })),
        OutputFormat::Junit => Output::text(junit::render(
            report,
            evaluated,
            &junit::Style {
                names,
                show_passed: options.show_passed,
            },
        )),
        OutputFormat::Markdown => Output::text(markdown::render(
            report,
            &markdown::Style {
                names,
                link_base,
                limit: markdown::DEFAULT_LIMIT,
            },
        )),
        OutputFormat::Csv => Output::text(csv::render(report, &csv::Style { names })),
        OutputFormat::Html => {
            let facts = audit_facts(report, paths, FileNames::default());
            let compliance = compliance::build(report, evaluated, &facts);
            free_passes(evaluated);
            Output::text(html::render(&compliance))
        }
    };
    Ok(rendered)
}

/// Frees the passes once the compliance report's content holds what it shows of them: the
/// page is rendered next, and its text (5 MB at benchmark scale 10, growing by doubling)
/// reuses their memory instead of adding to it (128,000 passes, 4 MB, at that scale).
fn free_passes(evaluated: &mut Vec<Evaluated>) {
    drop(std::mem::take(evaluated));
}

fn audit_facts(report: &RunReport<'_>, paths: &[std::path::PathBuf], names: FileNames) -> Facts {
    Facts {
        generated: facts::generated(),
        modified: facts::modified(&report.loaded.documents),
        snapshot: facts::snapshot(paths),
        names,
    }
}

/// Puts the output where it belongs: `--output` (atomically) or stdout, and the job
/// summary appended to its file. A file that cannot be written is an error (exit 2); a
/// job summary that cannot be appended only warns, since the annotations went out.
pub(super) fn deliver(
    rendered: Output,
    output: Option<&Path>,
    summary_file: Option<&Path>,
    outcome: &mut Outcome,
) {
    match output {
        Some(path) => {
            if let Err(error) = write::atomic(path, &rendered.main) {
                outcome.stderr.push_str(&format!("error: {error}\n"));
                outcome.code = exit::ERROR;
            }
        }
        None => outcome.stdout = rendered.main,
    }
    if let (Some(summary), Some(path)) = (rendered.summary, summary_file)
        && let Err(error) = write::append(path, &summary)
    {
        outcome
            .stderr
            .push_str(&format!("warning: job summary: {error}\n"));
    }
}

/// `iamlint report`: the compliance report. Findings never fail it (use `check` to gate);
/// load errors exit 2 and no input exits 3, after the report is written. The config file
/// applies as for `check`: its rule settings, and its waivers (listed in the report's
/// "Waived findings" section), unless `--no-waivers`.
pub(super) fn report(args: &ReportArgs, terminal: Terminal) -> Outcome {
    let options = args.inputs.load_options();
    let style = human::Style {
        color: ColorChoice::Auto.resolve(terminal),
        width: terminal.width,
        verbose: false,
    };
    let choice = args.config.rule_choice(None, false);
    let RunSettings {
        settings,
        config,
        custom,
        ..
    } = match settings_for(&choice, style) {
        Ok(resolved) => resolved,
        Err(outcome) => return outcome,
    };
    let settings = super::clocked(settings);
    let request = Request {
        triage: Some(Triaging::waivers(&config, !args.no_waivers)),
        custom: custom.as_deref(),
        ..Request::new(&args.paths, &options, &settings)
    };
    let Checked {
        loaded,
        findings,
        evaluated,
        triage,
        ..
    } = match pipeline::run(&request) {
        Ok(checked) => checked,
        Err(usage) => return usage_error(&usage),
    };
    let evaluated = pipeline::triage::evaluated_without(
        evaluated,
        pipeline::triage::set_aside(&triage),
        &findings,
        &loaded.inventory,
    );
    let report = RunReport::new(&loaded, &findings).with_triage(&triage);
    let facts = audit_facts(&report, &args.paths, FileNames::default());
    let compliance = compliance::build(&report, &evaluated, &facts);
    let mut evaluated = evaluated;
    free_passes(&mut evaluated);
    let text = match args.format {
        ReportFormat::Html => html::render(&compliance),
        ReportFormat::Markdown => compliance_markdown::render(&compliance),
    };
    let mut outcome = Outcome {
        // Findings never fail a report.
        code: pipeline::exit_code(&loaded, false),
        ..Outcome::default()
    };
    if !loaded.errors.is_empty() {
        outcome.stderr.push_str(&format!(
            "error: {}; the report lists them\n",
            super::verdict::not_loaded(&loaded.errors, super::verdict::Counted::Inputs)
        ));
    }
    if outcome.code == exit::NO_INPUT {
        outcome
            .stderr
            .push_str(&format!("error: {}\n", loaded.no_input_reason()));
    }
    outcome
        .stderr
        .push_str(&warnings::render(&triage, &loaded.documents, style));
    deliver(
        Output::text(text),
        args.output.as_deref(),
        None,
        &mut outcome,
    );
    outcome
}
