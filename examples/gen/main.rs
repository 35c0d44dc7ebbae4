//! `cargo run --release --example gen -- --scale N --out DIR [--seed S] [--compact]`: writes
//! a synthetic IBM Cloud account in the real API shapes, with planted violations of every
//! rule and their counts in `DIR/expected.json`. Same scale and seed, same bytes.
//! `--compact` writes every export on one line, as `curl` saves an API response.

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
    /// Write every export file compact (minified, one line) instead of pretty-printed.
    #[arg(long)]
    compact: bool,
}

/// Rewrites every JSON export under `dir` (not `expected.json`) on one line, streaming:
/// members keep their order, and memory stays flat whatever the file size.
fn compact(dir: &std::path::Path) -> std::io::Result<()> {
    use std::io::{BufReader, BufWriter, Write};
    for entry in walkdir::WalkDir::new(dir) {
        let path = entry.map_err(std::io::Error::other)?.into_path();
        let is_export = path.extension().is_some_and(|ext| ext == "json")
            && path.file_name().is_some_and(|name| name != "expected.json");
        if !is_export {
            continue;
        }
        let compacted = path.with_extension("json.compact");
        {
            let reader = BufReader::new(std::fs::File::open(&path)?);
            let mut writer = BufWriter::new(std::fs::File::create(&compacted)?);
            let mut deserializer = serde_json::Deserializer::from_reader(reader);
            let mut serializer = serde_json::Serializer::new(&mut writer);
            serde_transcode::transcode(&mut deserializer, &mut serializer)
                .map_err(std::io::Error::other)?;
            writer.flush()?;
        }
        std::fs::rename(&compacted, &path)?;
    }
    Ok(())
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> ExitCode {
    let args = Args::parse();
    let options = account::Options {
        scale: args.scale,
        seed: args.seed,
    };
    let generated = account::generate(options, &args.out).and_then(|summary| match args.compact {
        true => compact(&args.out).map(|()| summary),
        false => Ok(summary),
    });
    match generated {
        Ok(summary) => {
            let findings: usize = summary
                .findings
                .values()
                .map(|count| count.fail + count.unknown)
                .sum();
            println!(
                "wrote {} files, {:.1} MB{}, to {}; {findings} findings expected ({})",
                summary.files,
                summary.bytes as f64 / 1e6,
                if args.compact {
                    " before compacting"
                } else {
                    ""
                },
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
