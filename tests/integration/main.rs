//! The one integration test binary (one link, shared helpers).

mod cli;
mod common;
mod demo;
mod fingerprint;
mod formats;
mod gating;
mod malformed;
mod registry;
mod rules;
mod sarif;
mod secrets;
mod spans;
