//! The values of a root module's variables, in Terraform's order of precedence (later
//! wins): `TF_VAR_<name>` environment variables (only when asked for), `terraform.tfvars`,
//! `*.auto.tfvars` in name order, then each `--var-file` in the order given (each also in
//! its JSON form, `.tfvars.json`).

use std::collections::HashMap;

use super::config::SourceFile;
use super::eval::{Scope, Tree};
use super::value::Val;
use crate::model::{DocId, Pointer};

/// Where a root variable's value was written.
pub(crate) type ValueOrigins = HashMap<String, (DocId, Pointer)>;

/// The values given to the root module's variables, and where each was written.
pub(crate) fn given(
    declared: impl Iterator<Item = String>,
    files: &[&SourceFile],
    environment: bool,
) -> (HashMap<String, Val>, ValueOrigins) {
    let mut values = HashMap::new();
    let mut origins = HashMap::new();
    if environment {
        for name in declared {
            if let Ok(text) = std::env::var(format!("TF_VAR_{name}")) {
                values.insert(name, environment_value(&text));
            }
        }
    }
    let tree = Tree::new(&[]);
    let scope = Scope::new(0);
    for file in files {
        let Some(body) = &file.body else { continue };
        for attribute in body.attributes() {
            let name = attribute.key.as_str().to_owned();
            values.insert(name.clone(), tree.eval(&scope, &attribute.value));
            origins.insert(name.clone(), (file.id, Pointer::root().key(&name)));
        }
    }
    (values, origins)
}

/// A `TF_VAR_` value: a list or map is written in HCL, anything else is the text itself.
fn environment_value(text: &str) -> Val {
    let trimmed = text.trim_start();
    if (trimmed.starts_with('[') || trimmed.starts_with('{'))
        && let Ok(expr) = hcl_edit::parser::parse_expr(text)
    {
        return Tree::new(&[]).eval(&Scope::new(0), &expr);
    }
    Val::text(text)
}

/// Whether a file name is one Terraform loads by itself for the root module.
pub(crate) fn is_auto_loaded(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix(".json").unwrap_or(&name);
    name == "terraform.tfvars" || name.ends_with(".auto.tfvars")
}
