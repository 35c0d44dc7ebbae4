//! Compiles the example inputs that `rules/<id>.yaml` names (`examples.bad`, `examples.good`)
//! into the binary, so that `iamlint explain` shows them from an installed binary with no
//! repository files at hand.
//!
//! The YAML is read with the same library the binary uses. A rule file that does not parse,
//! or an example that is missing, is skipped here with a cargo warning rather than failing
//! the build: the registry test (`tests/integration/registry.rs`) fails on it with a clear
//! message, and documentation mistakes never stop a build.

use std::fmt::Write as _;
use std::path::{Component, Path};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR")?;
    let out_dir = std::env::var("OUT_DIR")?;
    let root = Path::new(&manifest_dir);
    // A directory makes cargo rerun the script when any file below it changes.
    println!("cargo::rerun-if-changed=rules");

    let mut rule_files: Vec<_> = std::fs::read_dir(root.join("rules"))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "yaml")
        })
        .collect();
    rule_files.sort();

    let mut examples: Vec<String> = Vec::new();
    for rule_file in &rule_files {
        let Ok(text) = std::fs::read_to_string(rule_file) else {
            continue;
        };
        let Ok(yaml) = serde_yaml::from_str::<serde_yaml::Value>(&text) else {
            println!("cargo::warning={} does not parse", rule_file.display());
            continue;
        };
        for label in ["bad", "good"] {
            let Some(path) = yaml
                .get("examples")
                .and_then(|examples| examples.get(label))
                .and_then(serde_yaml::Value::as_str)
            else {
                continue;
            };
            if !is_inside_package(path) || !root.join(path).is_file() {
                println!(
                    "cargo::warning={}: examples.{label} `{path}` is not a file of this package",
                    rule_file.display()
                );
                continue;
            }
            examples.push(path.to_owned());
        }
    }
    examples.sort();
    examples.dedup();

    let mut code = String::from(
        "/// (path as written in `rules/<id>.yaml`, file text), sorted by path.\n\
         static EXAMPLE_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &examples {
        let absolute = root.join(path);
        writeln!(
            code,
            "    ({path:?}, include_str!({:?})),",
            absolute.display().to_string()
        )?;
    }
    code.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("examples.rs"), code)?;
    Ok(())
}

/// A relative path that stays inside the package (no `..`, no root).
fn is_inside_package(path: &str) -> bool {
    Path::new(path)
        .components()
        .all(|component| matches!(component, Component::Normal(_) | Component::CurDir))
}
