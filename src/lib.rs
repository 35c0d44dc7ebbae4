//! iamlint: a static analyzer for IBM Cloud IAM service keys, service IDs and access
//! policies.
//!
//! Data flows `sources` -> `model` -> `rules` -> `report`, driven by `cli`; `config` turns
//! `iamlint.yaml` into the rules' settings. See ARCHITECTURE.md for the map and the
//! invariants.

pub mod cli;
pub mod config;
pub mod model;
pub mod report;
pub mod rules;
pub mod sources;
