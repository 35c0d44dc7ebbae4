//! The one integration test binary (one link, shared helpers).

mod access_groups;
mod cli;
mod common;
mod demo;
mod malformed;
mod registry;
mod rules;
mod secrets;
mod spans;
