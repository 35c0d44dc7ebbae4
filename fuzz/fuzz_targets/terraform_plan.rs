//! `terraform show -json` plans and states (seeded with fixtures/terraform), read both
//! after apply and before it (`--new-only`'s prior state).
#![no_main]

use iamlint::sources::{LoadOptions, TerraformView};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for terraform in [TerraformView::Planned, TerraformView::Prior] {
        let options = LoadOptions {
            terraform,
            ..LoadOptions::default()
        };
        iamlint_fuzz::check_file_with(data, "json", &options);
    }
});
