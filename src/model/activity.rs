//! Authentication activity: when users, API keys, service IDs and trusted profiles last
//! authenticated.
//!
//! Two sources say so. The IAM Identity activity report (`POST` then
//! `GET /v1/activity/accounts/{id}/report/{reference}`, type `inactive`) lists the identities
//! that have NOT authenticated within its duration (from `report_start_time` to
//! `report_end_time`), each with its `last_authn` when there was one: an identity it does
//! not list authenticated within that window. An API key or service ID read with
//! `include_activity=true` carries its own `activity {last_authn, authn_count}`.

use super::origin::Origin;
use super::time::{Timestamp, parse_timestamp};

/// A report's header: which report, and the time it covers.
#[derive(Debug, Clone)]
pub struct Report {
    pub reference: Option<String>,
    /// The IAM ID that asked for it (`created_by`).
    pub created_by: Option<String>,
    /// Activity report: `report_start_time`; MFA report: none.
    pub start: Option<String>,
    /// Activity report: `report_end_time`; MFA report: `report_time`.
    pub end: Option<String>,
    pub account: Option<std::sync::Arc<str>>,
    /// The document (its root), or the list a cut-out report was.
    pub origin: Origin,
}

impl Report {
    /// Since when the report saw every authentication: an identity it does not list
    /// authenticated after this instant.
    pub fn start_time(&self) -> Option<Timestamp> {
        self.start.as_deref().and_then(parse_timestamp)
    }
}

/// What kind of identity an activity record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthnSubject {
    User,
    ApiKey,
    ServiceId,
    Profile,
}

/// Where an activity record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthnSource {
    /// An item of the activity report: no authentication within the report's window.
    Report,
    /// The `activity` member of an entity read with `include_activity=true`.
    Entity,
}

/// One identity's last authentication.
#[derive(Debug, Clone)]
pub struct AuthnRecord {
    pub subject: AuthnSubject,
    /// The user's `iam_id`, or the API key's, service ID's or profile's `id`.
    pub id: String,
    pub name: Option<String>,
    /// For an API key: the IAM ID of the user or service ID that owns it, when the report
    /// says (`user.iam_id`, `serviceid.id`).
    pub owner: Option<String>,
    /// The owner's name in the report (`user.username`, `serviceid.name`).
    pub owner_name: Option<String>,
    /// `last_authn`: `None` when it never authenticated (as far as IAM recorded).
    pub last_authn: Option<String>,
    /// `authn_count`, from an entity's `activity`.
    pub authn_count: Option<u64>,
    pub source: AuthnSource,
    /// The instant the record holds at: the end of its activity report
    /// (`report_end_time`); `None` for an entity's own `activity`.
    pub as_of: Option<String>,
    pub account: Option<std::sync::Arc<str>>,
    /// The record (the report's item, or the entity's `activity` member).
    pub origin: Origin,
}

impl AuthnRecord {
    pub fn last_authn_time(&self) -> Option<Timestamp> {
        self.last_authn.as_deref().and_then(parse_timestamp)
    }

    /// [`AuthnRecord::as_of`], parsed.
    pub fn as_of_time(&self) -> Option<Timestamp> {
        self.as_of.as_deref().and_then(parse_timestamp)
    }
}
