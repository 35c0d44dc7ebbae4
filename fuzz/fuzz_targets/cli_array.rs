//! `ibmcloud ... --output json` arrays: the input is wrapped in `[...]` unless it already
//! is an array, so every mutation exercises the CLI-array loader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let trimmed = data.trim_ascii_start();
    if trimmed.first() == Some(&b'[') {
        iamlint_fuzz::check_file(data, "json");
    } else {
        let mut wrapped = Vec::with_capacity(data.len() + 2);
        wrapped.push(b'[');
        wrapped.extend_from_slice(data);
        wrapped.push(b']');
        iamlint_fuzz::check_file(&wrapped, "json");
    }
});
