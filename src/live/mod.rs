//! Live mode: an IBM Cloud API client and the collector that writes a snapshot directory of
//! plain API-shaped JSON files, which `iamlint check DIR` then reads like any export.
//!
//! `client` (HTTP, retries, tokens) and `page` (pagination) are shared; one module per
//! service turns its lists into snapshot files: `resource_controller`, `identity` (service
//! IDs and API keys), `policy`, `access_groups`, `limits`, and the account's posture:
//! `identity_settings`, `profiles` (trusted profiles, their links and claim rules), `users`,
//! `account`, `roles` (custom roles), `atracker` (event routes and targets) and `reports`
//! (the activity and MFA reports, requested then polled). `collect` runs them in order and
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
mod account;
mod atracker;
mod client;
mod collect;
mod error;
mod identity;
mod identity_settings;
mod limits;
mod page;
mod policy;
mod profiles;
mod reports;
mod resource_controller;
mod roles;
mod secret;
pub mod snapshot;
mod token;
mod users;

use std::time::Duration;

use reqwest::Url;
use serde_json::Value;

pub use atracker::DEFAULT_ATRACKER_REGIONS;
pub use client::{
    ClientOptions, DEFAULT_ACCOUNT_MANAGEMENT_ENDPOINT, DEFAULT_ATRACKER_ENDPOINT,
    DEFAULT_IAM_ENDPOINT, DEFAULT_RESOURCE_CONTROLLER_ENDPOINT, DEFAULT_USER_MANAGEMENT_ENDPOINT,
    Endpoints,
};
pub use collect::{CollectError, CollectOptions, Collected, CollectionReport, collect};
pub use error::{ApiError, ApiErrorKind};
pub use reports::Polling;
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
    /// What a complete collection should say about itself (an older report taken, another
    /// region asked).
    pub note: Option<String>,
    /// The API documents no secret in these files: they are written unredacted, since some
    /// of their names only look like secrets (`restrict_create_platform_apikey`,
    /// `system_access_token_expiration_in_seconds`).
    pub public: bool,
    /// What later steps need (service ID groups, group ids, identities).
    pub extra: T,
}

impl Gathered<()> {
    pub(crate) fn file(name: &str, document: Value, count: usize) -> Self {
        Self {
            files: vec![(name.to_owned(), document)],
            count,
            partial: None,
            note: None,
            public: false,
            extra: (),
        }
    }

    /// A document without secrets (see [`Gathered::public`]).
    pub(crate) fn public(name: &str, document: Value, count: usize) -> Self {
        Self {
            public: true,
            ..Self::file(name, document, count)
        }
    }
}

/// What every collection step works with.
pub(crate) struct Ctx<'a> {
    pub client: &'a mut Client,
    pub endpoints: &'a Endpoints,
    pub account: &'a str,
    pub observer: &'a mut dyn Observer,
    pub options: &'a CollectOptions,
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

    pub(crate) fn user_management(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Url, ApiError> {
        build_url(&self.endpoints.user_management, segments, query)
    }

    pub(crate) fn account_management(&self, segments: &[&str]) -> Result<Url, ApiError> {
        build_url(&self.endpoints.account_management, segments, &[])
    }

    /// `GET url`, a document that must hold a `member` array (not paginated): the document
    /// as the API wrote it, and how many items the array holds.
    pub(crate) fn get_list(&mut self, url: &Url, member: &str) -> Result<(Value, usize), ApiError> {
        let document = self.client.get_json(url, self.observer)?;
        let Some(items) = document.get(member).and_then(Value::as_array) else {
            return Err(ApiError::new(
                Kind::Decode,
                format!("GET {url}: expected a `{member}` array in the response"),
            ));
        };
        let count = items.len();
        Ok((document, count))
    }

    /// An Activity Tracker Event Routing URL in `region`.
    pub(crate) fn atracker(&self, region: &str, segments: &[&str]) -> Result<Url, ApiError> {
        let base = self
            .endpoints
            .atracker_in(region)
            .map_err(|message| ApiError::new(Kind::Transport, message))?;
        build_url(&base, segments, &[])
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

/// `GET url`: one JSON object holding `member` (the API's own document, as it answered).
pub(crate) fn single(ctx: &mut Ctx<'_>, url: &Url, member: &str) -> Result<Value, ApiError> {
    let document = ctx.client.get_json(url, ctx.observer)?;
    if document.get(member).is_none() {
        return Err(ApiError::new(
            Kind::Decode,
            format!("GET {url}: expected an object with `{member}` in the response"),
        ));
    }
    ctx.observer.items(1);
    Ok(document)
}

/// `<prefix>_<id>.json` for an id that comes from the server: anything but letters, digits,
/// `-` and `_` becomes `_`, so no id can name a path outside the snapshot.
pub(crate) fn safe_file(prefix: &str, id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' {
                ch
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}_{safe}.json")
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

/// One document per parent (the members of each access group, the links of each trusted
/// profile), read by `read(ctx, parent id, items so far)` into `(file name, document, items)`.
/// A parent whose document cannot be read leaves the collection partial (the others are
/// still written); when none can be read, the first error is the collection's (so a 403
/// makes it forbidden). `what` names the documents and `parents` the parents, for the
/// partial message ("the members of 2 of 5 groups could not be read: ...").
pub(crate) fn per_parent(
    ctx: &mut Ctx<'_>,
    ids: &[String],
    (what, parent, parents): (&str, &str, &str),
    mut read: impl FnMut(&mut Ctx<'_>, &str, usize) -> Result<(String, Value, usize), ApiError>,
) -> Result<Gathered<()>, ApiError> {
    let mut files = Vec::new();
    let mut count = 0;
    let mut problems = Vec::new();
    let mut first_error = None;
    for id in ids {
        match read(ctx, id, count) {
            Ok((name, document, items)) => {
                count += items;
                ctx.observer.items(count);
                files.push((name, document));
            }
            Err(error) => {
                problems.push(format!("{parent} {id}: {}", error.message));
                first_error.get_or_insert(error);
            }
        }
    }
    if files.is_empty()
        && let Some(error) = first_error
    {
        return Err(error);
    }
    let partial = (!problems.is_empty()).then(|| {
        format!(
            "{what} of {} of {} {parents} could not be read: {}",
            problems.len(),
            ids.len(),
            problems.join("; ")
        )
    });
    Ok(Gathered {
        files,
        count,
        partial,
        note: None,
        public: false,
        extra: (),
    })
}
