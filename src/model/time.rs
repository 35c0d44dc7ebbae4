//! Points in time as IBM APIs write them, and the age arithmetic rules need.
//!
//! IBM uses three spellings of one instant, all understood by jiff's RFC 3339 / ISO 8601
//! parser, so no calendar code lives here:
//!
//! - Resource Controller: `2026-07-17T06:41:51.267012883Z` (nanoseconds, `Z`);
//! - IAM Policy Management: `2021-09-20T00:40:48.112Z` (milliseconds, `Z`);
//! - IAM Identity: `2024-10-04T14:05+0000` (minutes only, and an offset without a colon).
//!
//! A text without a UTC offset (a bare date, a local time) is not an instant and does not
//! parse: guessing its zone would move a key's age by up to a day.

pub use jiff::Timestamp;

/// Parses an IBM timestamp; `None` for an empty, malformed or offset-less text.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    text.trim().parse().ok()
}

/// Whole 24-hour days from `earlier` to `later`, rounded down; negative when `later` comes
/// first (a clock behind the export).
pub fn whole_days_between(earlier: Timestamp, later: Timestamp) -> i64 {
    later.duration_since(earlier).as_hours() / 24
}

/// The date part of a timestamp in UTC (`2024-10-04`), for messages.
pub fn utc_date(timestamp: Timestamp) -> String {
    timestamp.strftime("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_ibm_spellings() {
        let rc = parse_timestamp("2026-07-17T06:41:51.267012883Z").unwrap();
        assert_eq!(rc.subsec_nanosecond(), 267_012_883);
        let policy = parse_timestamp("2021-09-20T00:40:48.112Z").unwrap();
        assert_eq!(policy.subsec_millisecond(), 112);
        let identity = parse_timestamp("2024-10-04T14:05+0000").unwrap();
        assert_eq!(identity, parse_timestamp("2024-10-04T14:05:00Z").unwrap());
        // An offset is applied, with or without its colon.
        assert_eq!(
            parse_timestamp("2024-10-04T16:05+0200"),
            parse_timestamp("2024-10-04T14:05:00+00:00")
        );
    }

    #[test]
    fn rejects_what_is_not_an_instant() {
        for text in [
            "",
            "  ",
            "2024-10-04",
            "2024-10-04T14:05",
            "2024-02-30T00:00Z",
            "yesterday",
        ] {
            assert_eq!(parse_timestamp(text), None, "{text:?}");
        }
    }

    #[test]
    fn counts_whole_days() {
        let created = parse_timestamp("2024-10-04T14:05+0000").unwrap();
        let almost = parse_timestamp("2025-01-02T14:04:59Z").unwrap();
        let exactly = parse_timestamp("2025-01-02T14:05:00Z").unwrap();
        assert_eq!(whole_days_between(created, almost), 89);
        assert_eq!(whole_days_between(created, exactly), 90);
        assert_eq!(whole_days_between(exactly, created), -90);
        assert_eq!(utc_date(created), "2024-10-04");
    }
}
