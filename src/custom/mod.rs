//! Custom rules: an organisation's own rules in Rego, evaluated in-process by regorus over
//! iamlint's model.
//!
//! `document` builds the input document (`entities`, `people` and `posture`, one function
//! per entity kind, with the `joins` precomputed and every entity named by its `refs` ref)
//! and its JSON Schema;
//! `load` finds `<id>.rego` + `<id>.yaml` pairs and registers their metadata; `engine`
//! wraps regorus; `eval` turns denials into findings; `errors` locates mistakes in rules;
//! `testing` runs `iamlint test`; `to_rego` serializes the document straight into regorus'
//! value.

mod accounts;
pub mod document;
mod engine;
mod entities;
pub mod errors;
mod eval;
mod joins;
pub mod load;
pub mod needs;
mod people;
mod posture;
pub mod refs;
mod struct_shapes;
pub mod testing;
mod to_rego;
mod value_table;

pub use document::{INPUT_VERSION, InputDocument, build, build_for, schema};
pub use engine::TIME_LIMIT;
pub use errors::RuleError;
pub use eval::{Evaluation, Input, Ready, evaluate, evaluate_one, ready};
pub use load::{CustomRule, CustomRules, load, package_of};
pub use refs::{Refs, entity_ref};
