//! `iamlint check`: args -> the pipeline -> the chosen renderer -> the outcome, and
//! `finish`, the rendering and exit code it shares with `diff`.

use std::path::PathBuf;

use super::args::{CheckArgs, ColorChoice, OutputFormat, OutputOptions};
use super::{
    Outcome, RunSettings, Stream, Terminal, clocked, exit, facts, live, outputs, settings_for,
    usage_error, verdict,
};
use crate::pipeline::{self, Checked, Request, Triaging};
use crate::report::{self, RunReport, human};
use crate::rules::{self, Settings, Severity};

pub(super) fn check(args: &CheckArgs, terminal: Terminal) -> Outcome {
    let color = args.color.resolve(terminal);
    let style = human::Style {
        color,
        width: terminal.width,
        verbose: args.verbose,
    };
    let RunSettings {
        settings,
        config,
        note: config_note,
        custom,
    } = match settings_for(
        &args.config.rule_choice(Some(&args.selection), args.verbose),
        style,
    ) {
        Ok(resolved) => resolved,
        Err(outcome) => return outcome,
    };
    let settings = Settings {
        // Only JUnit (--show-passed) and the HTML report show what passed.
        skip_evaluated: !matches!(args.format, OutputFormat::Junit | OutputFormat::Html),
        ..clocked(settings)
    };
    let baseline = match &args.baseline {
        Some(path) => match pipeline::triage::read_baseline(path) {
            Ok(baseline) => Some((path.display().to_string(), baseline)),
            Err(message) => return usage_error(&message),
        },
        None => None,
    };
    let triaging = Triaging {
        config: &config,
        waivers: !args.no_waivers,
        baseline: baseline
            .as_ref()
            .map(|(file, baseline)| (file.as_str(), baseline)),
    };
    let options = args.inputs.load_options();
    let mut paths = args.paths.clone();
    let mut notes = String::new();
    if args.live {
        match live::collect_live(args) {
            Ok(collected) => {
                notes = format!(
                    "collected account {} into {}\n",
                    collected.account_id,
                    collected.dir.display()
                );
                paths.push(collected.dir);
            }
            Err(outcome) => return outcome,
        }
    } else if let Some(misplaced) = args.api.live_only_option() {
        return usage_error(&format!("{misplaced} needs --live"));
    }
    let checked = pipeline::run(&Request {
        triage: Some(triaging),
        new_only: args.new_only,
        custom: custom.as_deref(),
        ..Request::new(&paths, &options, &settings)
    });
    let checked = match checked {
        Ok(checked) => checked,
        Err(usage) => return usage_error(&usage),
    };
    let plans = checked.loaded.terraform_plans;
    let mut outcome = finish(
        checked,
        &Output {
            format: args.format,
            fail_on: args.fail_on,
            color: args.color.choice,
            verbose: args.verbose,
            paths: &paths,
            options: &args.output,
        },
        terminal,
    );
    if args.new_only && plans == 0 {
        outcome.stderr.push_str(
            "warning: --new-only compares Terraform plans with their prior state, and no plan \
             was among the inputs: no finding is new\n",
        );
    }
    outcome.stderr.insert_str(0, &config_note);
    if !args.api.quiet {
        outcome.stderr.insert_str(0, &notes);
    }
    outcome
}

/// How to print a run and when it fails (`check` and `diff`).
pub(super) struct Output<'a> {
    pub(super) format: OutputFormat,
    pub(super) fail_on: Severity,
    pub(super) color: ColorChoice,
    pub(super) verbose: bool,
    /// The paths checked (the HTML report names them).
    pub(super) paths: &'a [PathBuf],
    pub(super) options: &'a OutputOptions,
}

/// Renders a run and decides the exit code (from the reported findings only: waived and
/// baselined ones never fail a run). The loaded inputs and the findings go to the
/// outcome's leftovers instead of being dropped.
pub(super) fn finish(checked: Checked, output: &Output<'_>, terminal: Terminal) -> Outcome {
    let Checked {
        loaded,
        findings,
        evaluated,
        triage: triaged,
        comparison: compared,
        custom_input,
    } = checked;
    let (triage, comparison) = (&triaged, compared.as_ref());
    let options = output.options;
    // --fail-on sees every finding; --min-severity only decides what is shown.
    let failing = findings
        .iter()
        .any(|finding| pipeline::fails(finding, output.fail_on));
    let code = pipeline::exit_code(&loaded, failing && !options.no_exit_codes);
    // Said before --min-severity takes the hidden findings away.
    let verdict = verdict::Verdict {
        code,
        fail_on: output.fail_on,
        min_severity: options.min_severity,
        no_exit_codes: options.no_exit_codes,
        compared: comparison.is_some(),
        findings: &findings,
        loaded: &loaded,
    }
    .line();
    let (shown, hidden): (Vec<rules::Finding>, Vec<rules::Finding>) = findings
        .into_iter()
        .partition(|finding| finding.severity >= options.min_severity);
    // A subject whose findings are hidden, waived or baselined is neither shown failing nor
    // listed as a pass.
    let mut evaluated = pipeline::triage::evaluated_without(
        evaluated,
        hidden.iter().chain(pipeline::triage::set_aside(triage)),
        &shown,
        &loaded.inventory,
    );
    // JSON and SARIF to standard output are written as they are rendered, after the rest
    // of the run is decided (the reports are tens of megabytes on a large account).
    let streamed = options.output.is_none()
        && matches!(output.format, OutputFormat::Json | OutputFormat::Sarif);
    let sarif_names = match output.format {
        OutputFormat::Sarif if streamed => {
            match facts::names_relative_to(&loaded.documents, &options.repo_root) {
                Ok(names) => Some(names),
                Err(usage) => return usage_error(&usage),
            }
        }
        _ => None,
    };
    let report = RunReport::new(&loaded, &shown).with_triage(triage);
    let style = |color| human::Style {
        color,
        width: terminal.width,
        verbose: output.verbose,
    };
    let rendered = match output.format {
        OutputFormat::Human => {
            // Output written to a file (--output) is not the terminal.
            let color = output.color.resolve(Terminal {
                stdout_is_tty: terminal.stdout_is_tty && options.output.is_none(),
                ..terminal
            });
            outputs::Output::text(
                human::render_compared(&report, style(color), comparison) + &verdict,
            )
        }
        OutputFormat::Concise => outputs::Output::text(
            report::concise::render(&report, style(false), comparison) + &verdict,
        ),
        // To standard output, JSON and SARIF are rendered as they are written (see
        // `Stream`), below.
        OutputFormat::Json | OutputFormat::Sarif if streamed => {
            outputs::Output::text(String::new())
        }
        OutputFormat::Json => {
            outputs::Output::text(report::json::render_compared(&report, comparison))
        }
        format => {
            match outputs::render_check(format, output.paths, options, &report, &mut evaluated) {
                Ok(rendered) => rendered,
                Err(usage) => return usage_error(&usage),
            }
        }
    };
    let mut stderr = if code == exit::NO_INPUT {
        format!("error: {}\n", loaded.no_input_reason())
    } else {
        String::new()
    };
    stderr.push_str(&report::warnings::render(
        triage,
        &loaded.documents,
        human::Style {
            color: output.color.resolve(terminal),
            width: terminal.width,
            verbose: output.verbose,
        },
    ));
    if !hidden.is_empty() {
        stderr.push_str(&format!(
            "note: {} finding{} below --min-severity {} not shown\n",
            hidden.len(),
            if hidden.len() == 1 { "" } else { "s" },
            options.min_severity
        ));
    }
    let mut outcome = Outcome {
        stderr,
        code,
        ..Outcome::default()
    };
    outputs::deliver(
        rendered,
        options.output.as_deref(),
        options.github_step_summary.as_deref(),
        &mut outcome,
    );
    outcome.leftovers.keep(hidden);
    outcome.leftovers.keep(evaluated);
    outcome.leftovers.keep(custom_input);
    if streamed {
        outcome.stream = Some(if let Some(names) = sarif_names {
            let style = report::sarif::Style { names };
            Stream::new(move |out| {
                let report = RunReport::new(&loaded, &shown).with_triage(&triaged);
                report::sarif::write(&report, &style, out)
            })
        } else {
            Stream::new(move |out| {
                let report = RunReport::new(&loaded, &shown).with_triage(&triaged);
                report::json::write_compared(&report, compared.as_ref(), out)
            })
        });
    } else {
        outcome.leftovers.keep(loaded);
        outcome.leftovers.keep(shown);
    }
    outcome
}
