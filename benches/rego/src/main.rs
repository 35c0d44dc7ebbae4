//! Evaluates `foundation.rego` (iamlint's three foundation rules as Rego) with regorus on
//! every input file below DIR, and prints the finding counts and the time of each step:
//! `iamlint-rego-bench DIR`. Measure its peak memory with `/usr/bin/time -v`.

use std::path::Path;
use std::time::Instant;

use regorus::{Engine, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: iamlint-rego-bench DIR")?;
    let policy = Path::new(env!("CARGO_MANIFEST_DIR")).join("foundation.rego");
    let start = Instant::now();
    let mut files = Vec::new();
    let mut bytes = 0usize;
    let mut paths: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path)?;
        bytes += text.len();
        files.push(Value::from_json_str(&text)?);
    }
    let parsed = start.elapsed();
    let mut engine = Engine::new();
    engine.add_policy_from_file(&policy)?;
    let input = std::collections::BTreeMap::from([(Value::from("files"), Value::from(files))]);
    engine.set_input(Value::from(input));
    let counts = engine.eval_rule("data.iamlint.counts".to_owned())?;
    let total = start.elapsed();
    println!("{}", counts.to_json_str()?);
    println!(
        "read and parsed {:.1} MB in {:.2} s; evaluated in {:.2} s; total {:.2} s",
        bytes as f64 / 1e6,
        parsed.as_secs_f64(),
        (total - parsed).as_secs_f64(),
        total.as_secs_f64()
    );
    Ok(())
}
