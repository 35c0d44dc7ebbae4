//! The generated account the criterion benches measure (`phases`, `custom`): made once per
//! scale by the generator of `examples/gen` and kept in the temp dir, so that every bench
//! reads the same files.

use std::path::PathBuf;

use super::account;

/// The generated account of `scale` (seed 1).
pub(crate) fn account_dir(scale: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamlint-bench-scale-{scale}"));
    if !dir.join("expected.json").is_file() {
        let options = account::Options { scale, seed: 1 };
        account::generate(options, &dir).expect("the generator writes");
    }
    dir
}
