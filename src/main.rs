//! The binary: parse the command line, run, print, exit. The only place besides `report`
//! that writes to the terminal.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use iamlint::cli::{self, Cli, Terminal};

/// jemalloc instead of the system allocator: loading builds millions of small strings on
/// every core, and glibc's per-thread arenas kept the freed file texts as holes between
/// them (peak RSS at scale 100: 1,050 MB with glibc, about 820 MB with jemalloc and the
/// decay settings of `.cargo/config.toml`); malloc and free also cost less. See
/// BENCHMARKS.md.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap renders usage errors (exit 2) and --help/--version (exit 0) itself.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(cli::exit::ERROR));
        }
    };
    let terminal = Terminal {
        stdout_is_tty: std::io::stdout().is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty()),
        width: std::env::var("COLUMNS")
            .ok()
            .and_then(|columns| columns.parse().ok())
            .unwrap_or(100),
    };
    let outcome = cli::run(cli, terminal);
    let printed = outcome.print(&mut std::io::stdout().lock());
    let (code, failure) = cli::printed(outcome.code, &printed);
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(outcome.stderr.as_bytes());
    if let Some(failure) = failure {
        let _ = stderr.write_all(failure.as_bytes());
    }
    // The process ends here: freeing the inventory, the documents and the output one
    // allocation at a time would only delay the exit; the operating system reclaims it all.
    std::mem::forget(outcome);
    ExitCode::from(code)
}
