//! The one integration test binary (one link, shared helpers).

mod cli;
mod common;
mod demo;
mod malformed;
mod registry;
mod rules;
mod secrets;
mod spans;
mod terraform;
