//! The one integration test binary (one link, shared helpers).

mod access_groups;
mod catalog;
mod cli;
mod common;
mod config;
mod demo;
mod fuzz_regressions;
mod hardening;
mod malformed;
mod registry;
mod rules;
mod scale;
mod secrets;
mod spans;
