//! Shell completions (`iamlint completions <SHELL>`, clap_complete) and man pages
//! (`iamlint man`, clap_mangen), both generated from the clap definition so they never
//! drift from the real options.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Outcome, exit};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `iamlint.1` and one page per command (`iamlint-check.1`, ...) into this
    /// directory instead of printing `iamlint.1`.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

pub(super) fn completions(args: &CompletionsArgs) -> Outcome {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "iamlint", &mut script);
    Outcome {
        stdout: String::from_utf8_lossy(&script).into_owned(),
        ..Outcome::default()
    }
}

pub(super) fn man(args: &ManArgs) -> Outcome {
    let command = Cli::command();
    match &args.out_dir {
        Some(directory) => match clap_mangen::generate_to(command, directory) {
            Ok(()) => Outcome::default(),
            Err(error) => Outcome {
                stderr: format!(
                    "error: cannot write man pages to {}: {error}\n",
                    directory.display()
                ),
                code: exit::ERROR,
                ..Outcome::default()
            },
        },
        None => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(command).render(&mut page) {
                Ok(()) => Outcome {
                    stdout: String::from_utf8_lossy(&page).into_owned(),
                    ..Outcome::default()
                },
                Err(error) => Outcome {
                    stderr: format!("error: cannot render the man page: {error}\n"),
                    code: exit::ERROR,
                    ..Outcome::default()
                },
            }
        }
    }
}
