//! The one integration test binary (one link, shared helpers).

mod access_groups;
mod accounts;
mod baseline;
mod catalog;
mod cli;
mod common;
mod config;
mod demo;
mod evaluated;
mod fast_path;
mod fingerprint;
mod formats;
mod fuzz_regressions;
mod gating;
mod hardening;
mod live;
mod malformed;
mod realworld;
mod registry;
mod safe_text;
mod sarif;
mod scale;
mod secrets;
mod spans;
mod terraform;
mod waivers;
