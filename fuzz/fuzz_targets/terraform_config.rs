//! Terraform configuration (`.tf`): parsed with spans, evaluated (variables, locals,
//! references, `count`/`for_each`, functions) and turned into a plan, after apply and
//! before it.
#![no_main]

use iamlint::sources::{LoadOptions, TerraformView};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for terraform in [TerraformView::Planned, TerraformView::Prior] {
        let options = LoadOptions {
            terraform,
            ..LoadOptions::default()
        };
        iamlint_fuzz::check_file_with(data, "tf", &options);
    }
});
