//! Seeded identifiers, secrets and timestamps in the spellings IBM APIs use.
//!
//! Every value comes from one `fastrand::Rng` seeded by `--seed`, so a scale and a seed
//! always give byte-identical files.

use jiff::{Timestamp, ToSpan};

/// The instant the generated account is "exported" at. Key ages are measured against it:
/// `expected.json` records it, and the test checks with it as the current time.
pub(crate) const EXPORTED_AT: &str = "2026-11-01T00:00:00Z";

/// Random values of one generated account.
pub(crate) struct Ids {
    rng: fastrand::Rng,
    exported_at: Timestamp,
}

impl Ids {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
            exported_at: EXPORTED_AT.parse().unwrap_or(Timestamp::UNIX_EPOCH),
        }
    }

    pub(crate) fn below(&mut self, bound: usize) -> usize {
        self.rng.usize(..bound.max(1))
    }

    pub(crate) fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| self.rng.digit(16))
            .collect::<String>()
            .to_ascii_lowercase()
    }

    /// A version-4-looking UUID.
    pub(crate) fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            ["8", "9", "a", "b"][self.below(4)],
            self.hex(3),
            self.hex(12)
        )
    }

    /// A value shaped like an API key or service key (never a real one).
    pub(crate) fn secret(&mut self, len: usize) -> String {
        (0..len).map(|_| self.rng.alphanumeric()).collect()
    }

    /// An `IBMid-...` user id.
    pub(crate) fn ibmid(&mut self) -> String {
        format!(
            "IBMid-{}{}",
            self.rng.u32(100_000..999_999),
            self.hex(4).to_uppercase()
        )
    }

    fn shifted(&mut self, days: std::ops::Range<i64>) -> Timestamp {
        let days = self.rng.i64(days);
        let seconds = self.rng.i64(0..86_400);
        self.exported_at
            .checked_add((days * 24).hours().seconds(seconds))
            .unwrap_or(self.exported_at)
    }

    /// Resource Controller spelling (nanoseconds, `Z`), `days` from the export.
    pub(crate) fn rc_time(&mut self, days: std::ops::Range<i64>) -> String {
        let nanos = self.rng.u32(0..1_000_000_000);
        format!(
            "{}.{nanos:09}Z",
            self.shifted(days).strftime("%Y-%m-%dT%H:%M:%S")
        )
    }

    /// IAM Identity spelling (minutes, offset without a colon), `days` from the export.
    pub(crate) fn identity_time(&mut self, days: std::ops::Range<i64>) -> String {
        self.shifted(days)
            .strftime("%Y-%m-%dT%H:%M+0000")
            .to_string()
    }

    /// IAM Policy Management spelling (milliseconds, `Z`), `days` from the export.
    pub(crate) fn policy_time(&mut self, days: std::ops::Range<i64>) -> String {
        let millis = self.rng.u32(0..1000);
        format!(
            "{}.{millis:03}Z",
            self.shifted(days).strftime("%Y-%m-%dT%H:%M:%S")
        )
    }
}
