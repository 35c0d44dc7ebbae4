//! What a live snapshot (`iamlint collect`) says about itself: the account, when it was
//! collected, and which collections are complete, forbidden or missing, so reports can say
//! what the findings rest on.

use super::origin::Origin;

/// How one collection of a snapshot ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionStatus {
    Complete,
    /// Written, but a part could not be read.
    Partial,
    /// The API key lacks the role to read it (HTTP 403).
    Forbidden,
    /// An error stopped it; nothing was written.
    Failed,
    /// Not attempted: what it needs was not collected.
    Skipped,
}

impl CollectionStatus {
    pub const ALL: [Self; 5] = [
        Self::Complete,
        Self::Partial,
        Self::Forbidden,
        Self::Failed,
        Self::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Partial => "partial",
            Self::Forbidden => "forbidden",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Whether data is missing that the snapshot meant to have (an error, not a role).
    pub fn is_incomplete(self) -> bool {
        matches!(self, Self::Partial | Self::Failed)
    }
}

/// One collection as `snapshot.json` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotCollection {
    pub name: String,
    pub status: CollectionStatus,
    pub count: u64,
    pub reason: Option<String>,
    pub origin: Origin,
}

/// A loaded `snapshot.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub account_id: Option<String>,
    /// RFC 3339.
    pub collected_at: Option<String>,
    pub tool_version: Option<String>,
    pub collections: Vec<SnapshotCollection>,
    pub origin: Origin,
}

impl SnapshotInfo {
    /// The collections with this status, in snapshot order.
    pub fn with_status(
        &self,
        status: CollectionStatus,
    ) -> impl Iterator<Item = &SnapshotCollection> {
        self.collections
            .iter()
            .filter(move |collection| collection.status == status)
    }
}
