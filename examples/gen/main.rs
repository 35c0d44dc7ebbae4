//! `cargo run --release --example gen -- --scale N --out DIR [--seed S]`: writes a
//! synthetic IBM Cloud account in the real API shapes, with planted violations of every
//! rule and their counts in `DIR/expected.json`. Same scale and seed, same bytes.

mod account;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Generate a synthetic account export for benchmarks and the scale test.
#[derive(Parser)]
struct Args {
    /// Size: about 1,000 resource keys and 2,500 policies per unit.
    #[arg(long, default_value_t = 1)]
    scale: usize,
    /// The directory to write (created if missing; existing export files are overwritten).
    #[arg(long)]
    out: PathBuf,
    /// The seed of every random id, secret and date.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> ExitCode {
    let args = Args::parse();
    let options = account::Options {
        scale: args.scale,
        seed: args.seed,
    };
    match account::generate(options, &args.out) {
        Ok(summary) => {
            let findings: usize = summary
                .findings
                .values()
                .map(|count| count.fail + count.unknown)
                .sum();
            println!(
                "wrote {} files, {:.1} MB, to {}; {findings} findings expected ({})",
                summary.files,
                summary.bytes as f64 / 1e6,
                args.out.display(),
                summary.expected_path.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot write {}: {error}", args.out.display());
            ExitCode::FAILURE
        }
    }
}
