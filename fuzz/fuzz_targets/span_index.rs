//! The span index (JSON and YAML), masking and line/column conversion on any UTF-8 text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        iamlint_fuzz::span_invariants(text);
    }
});
