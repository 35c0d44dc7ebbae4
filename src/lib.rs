//! iamlint: a static analyzer for IBM Cloud IAM service keys, service IDs and access
//! policies.
//!
//! Data flows `sources` -> `model` -> `rules` -> `triage` -> `report`, driven by `cli`;
//! `live` (`iamlint collect`) reads the IBM APIs into a snapshot directory that `sources` reads;
//! `config` turns `iamlint.yaml` into the rules' settings and waivers, and `triage` sets
//! waived and baselined findings apart. See ARCHITECTURE.md for the map and the invariants.

pub mod cli;
pub mod config;
pub mod custom;
pub mod live;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod sources;
pub mod triage;
