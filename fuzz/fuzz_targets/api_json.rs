//! Any bytes as a `.json` input: API list shapes, single objects, bundles, broken text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iamlint_fuzz::check_file(data, "json");
});
