//! Live mode: an IBM Cloud API client and the collector that writes a snapshot directory of
//! plain API-shaped JSON files, which `iamlint check DIR` then reads like any export.
//!
//! `client` (HTTP, retries, tokens) and `page` (pagination) are shared; one module per
//! service turns its lists into snapshot files: `resource_controller`, `identity` (service
//! IDs and API keys), `policy`, `access_groups`, `limits`. `collect` runs them in order and
//! `snapshot` writes the files atomically, `snapshot.json` last.
//!
//! It never builds the inventory: its output is a directory that `sources` reads like any
//! other input. It uses `sources` (what a secret is) and `model`; nothing in `sources`,
//! `model`, `rules`, `config` or `triage` imports it (the `snapshot.json` format is
//! defined by its reader, `sources::exports::snapshot`).
//!
//! NOTE: the API key and the tokens live only in [`Secret`]s; every error message is
//! scrubbed of them, and secrets in resource key credentials are redacted before a file is
//! written (unless `--keep-secrets`).

mod access_groups;
mod client;
mod collect;
mod error;
mod identity;
mod limits;
mod page;
mod policy;
mod resource_controller;
mod secret;
pub mod snapshot;
mod token;

use std::time::Duration;

use reqwest::Url;
use serde_json::Value;

pub use client::{
    ClientOptions, DEFAULT_IAM_ENDPOINT, DEFAULT_RESOURCE_CONTROLLER_ENDPOINT, Endpoints,
};
pub use collect::{CollectError, CollectOptions, Collected, CollectionReport, collect};
pub use error::{ApiError, ApiErrorKind};
pub use secret::Secret;

use client::Client;
use error::ApiErrorKind as Kind;

/// Follows a collect as it runs (the progress display implements it).
pub trait Observer {
    /// A collection starts.
    fn collection(&mut self, _name: &str) {}
    /// Items gathered so far in the current collection.
    fn items(&mut self, _count: usize) {}
    /// A request failed and will be tried again after `wait`.
    fn retry(&mut self, _wait: Duration, _reason: &str) {}
    /// A collection ended.
    fn finished(&mut self, _report: &CollectionReport) {}
}

/// An observer that ignores everything.
pub struct Quiet;

impl Observer for Quiet {}

/// What a collection step hands to the writer.
pub(crate) struct Gathered<T> {
    /// Snapshot files (name, document), in the API's own shape.
    pub files: Vec<(String, Value)>,
    /// Items collected.
    pub count: usize,
    /// Why the collection is only partial, when a part of it could not be read.
    pub partial: Option<String>,
    /// What later steps need (service ID groups, group ids, identities).
    pub extra: T,
}

impl Gathered<()> {
    pub(crate) fn file(name: &str, document: Value, count: usize) -> Self {
        Self {
            files: vec![(name.to_owned(), document)],
            count,
            partial: None,
            extra: (),
        }
    }
}

/// What every collection step works with.
pub(crate) struct Ctx<'a> {
    pub client: &'a mut Client,
    pub endpoints: &'a Endpoints,
    pub account: &'a str,
    pub observer: &'a mut dyn Observer,
}

impl Ctx<'_> {
    /// An IAM URL: the base, then path segments (each percent-encoded), then the query.
    pub(crate) fn iam(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url, ApiError> {
        build_url(&self.endpoints.iam, segments, query)
    }

    pub(crate) fn resource_controller(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Url, ApiError> {
        build_url(&self.endpoints.resource_controller, segments, query)
    }
}

fn build_url(base: &Url, segments: &[&str], query: &[(&str, &str)]) -> Result<Url, ApiError> {
    let mut url = base.clone();
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| ApiError::new(Kind::Transport, format!("`{base}` is not a base URL")))?;
        path.pop_if_empty();
        for segment in segments {
            path.push(segment);
        }
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// The string members `field` of every item, in order, without repeats.
pub(crate) fn strings_of(items: &[Value], field: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .iter()
        .filter_map(|item| item.get(field).and_then(Value::as_str))
        .filter(|text| !text.is_empty() && seen.insert(text.to_string()))
        .map(str::to_owned)
        .collect()
}
