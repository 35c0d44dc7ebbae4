//! Any bytes as a `.yaml` input (YAML, or JSON in a YAML file).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iamlint_fuzz::check_file(data, "yaml");
});
