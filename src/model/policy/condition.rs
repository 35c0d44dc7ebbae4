//! The `rule` of a v2 policy: time-based conditions (a date window, weekly days and hours)
//! and resource attribute conditions, judged against the run's clock and said in words.
//!
//! A date-time bound is judged exactly against `now`. Weekly days and hours are not: a
//! policy active on weekdays 09:00-17:00 is a standing grant that comes back every week,
//! so it counts as active whatever the hour of the run. Resource conditions narrow the
//! policy's scope (see `Scope`), they do not switch it off.
//!
//! About 420 lines before its tests: judging a condition and saying it in words walk the
//! same tree of leaves, so they stay together.

use super::AttributeValue;
use crate::model::time::{Timestamp, parse_timestamp};

/// A v2 policy `rule`, or one condition in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `{key, operator, value}`.
    Attribute {
        key: String,
        operator: String,
        value: AttributeValue,
    },
    /// `{operator: "and", conditions: [...]}`.
    All(Vec<Condition>),
    /// `{operator: "or", conditions: [...]}`.
    Any(Vec<Condition>),
    /// A shape that is not one of the above: it may or may not hold.
    Unknown,
}

/// Whether a policy grants anything at the run's time, by its time-based conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// No date window has closed it: it grants now, or again every week (recurring days
    /// and hours), or the run has no clock to judge it by.
    Active,
    /// Its date window ended at this instant: it grants nothing any more.
    Expired(Timestamp),
    /// Its date window starts at this instant: it grants nothing yet.
    NotYet(Timestamp),
}

/// Three-valued truth: a condition that depends on the resource or the weekday may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Maybe,
}

/// What one `{key, operator, value}` condition says, as far as time and scope go.
enum Leaf {
    /// From this instant on (`dateTimeGreaterThan[OrEquals]`, `dateGreaterThan[OrEquals]`).
    From(Timestamp),
    /// Up to this instant (`dateTimeLessThan[OrEquals]`, `dateLessThan[OrEquals]`).
    Until(Timestamp),
    /// `dayOfWeekAnyOf` / `dayOfWeekEquals`: ISO days (1 Monday .. 7 Sunday) and the offset.
    Days(Vec<u8>, String),
    /// `timeGreaterThan[OrEquals]`: `HH:MM` and the offset.
    TimeFrom(String, String),
    /// `timeLessThan[OrEquals]`.
    TimeUntil(String, String),
    /// A condition on a resource attribute (`{{resource.attributes.<name>}}`).
    Resource,
    /// Anything else (another environment attribute, a value that does not parse).
    Other,
}

const RESOURCE_KEY: &str = "{{resource.attributes.";

impl Condition {
    /// Conditions joined by a v2 rule's `operator` (Terraform's `rule_operator`): `or`, or
    /// `and`, which is also what a missing operator means; any other word is not understood.
    pub fn group(operator: Option<&str>, conditions: Vec<Condition>) -> Self {
        match operator {
            Some("or") => Self::Any(conditions),
            Some("and") | None => Self::All(conditions),
            Some(_) => Self::Unknown,
        }
    }

    fn leaf(key: &str, operator: &str, value: &AttributeValue) -> Leaf {
        let text = match value {
            AttributeValue::String(text) => Some(&**text),
            _ => None,
        };
        if key.starts_with(RESOURCE_KEY) {
            return Leaf::Resource;
        }
        let instant = || text.and_then(parse_instant);
        match operator {
            "dateTimeGreaterThan"
            | "dateTimeGreaterThanOrEquals"
            | "dateGreaterThan"
            | "dateGreaterThanOrEquals" => instant().map(Leaf::From),
            "dateTimeLessThan"
            | "dateTimeLessThanOrEquals"
            | "dateLessThan"
            | "dateLessThanOrEquals" => instant().map(Leaf::Until),
            "dayOfWeekAnyOf" | "dayOfWeekEquals" => {
                let values: Vec<&str> = match value {
                    AttributeValue::List(items) => items.iter().map(String::as_str).collect(),
                    AttributeValue::String(text) => vec![&**text],
                    _ => Vec::new(),
                };
                let mut offset = String::new();
                let mut days = Vec::new();
                for value in values {
                    let (day, zone) = split_offset(value);
                    match day.parse::<u8>() {
                        Ok(day @ 1..=7) => days.push(day),
                        _ => return Leaf::Other,
                    }
                    offset = zone.to_owned();
                }
                days.sort_unstable();
                days.dedup();
                Some(Leaf::Days(days, offset))
            }
            "timeGreaterThan" | "timeGreaterThanOrEquals" => text
                .map(split_offset)
                .map(|(time, zone)| Leaf::TimeFrom(hours_minutes(time), zone.to_owned())),
            "timeLessThan" | "timeLessThanOrEquals" => text
                .map(split_offset)
                .map(|(time, zone)| Leaf::TimeUntil(hours_minutes(time), zone.to_owned())),
            _ => None,
        }
        .unwrap_or(Leaf::Other)
    }

    /// Whether the condition holds at `at`, as far as time can tell.
    fn truth(&self, at: Timestamp) -> Truth {
        match self {
            Self::Attribute {
                key,
                operator,
                value,
            } => match Self::leaf(key, operator, value) {
                Leaf::From(from) => truth(at >= from),
                Leaf::Until(until) => truth(at <= until),
                _ => Truth::Maybe,
            },
            Self::All(conditions) => conditions.iter().fold(Truth::True, |all, condition| {
                match (all, condition.truth(at)) {
                    (Truth::False, _) | (_, Truth::False) => Truth::False,
                    (Truth::True, Truth::True) => Truth::True,
                    _ => Truth::Maybe,
                }
            }),
            Self::Any(conditions) => {
                conditions.iter().fold(Truth::False, |any, condition| {
                    match (any, condition.truth(at)) {
                        (Truth::True, _) | (_, Truth::True) => Truth::True,
                        (Truth::False, Truth::False) => Truth::False,
                        _ => Truth::Maybe,
                    }
                })
            }
            Self::Unknown => Truth::Maybe,
        }
    }

    fn visit<'a>(&'a self, each: &mut impl FnMut(&'a str, &'a str, &'a AttributeValue)) {
        match self {
            Self::Attribute {
                key,
                operator,
                value,
            } => each(key, operator, value),
            Self::All(conditions) | Self::Any(conditions) => {
                for condition in conditions {
                    condition.visit(each);
                }
            }
            Self::Unknown => {}
        }
    }

    /// Every date-time bound in the rule: `(instant, is_start)`.
    fn bounds(&self) -> Vec<(Timestamp, bool)> {
        let mut bounds = Vec::new();
        self.visit(
            &mut |key, operator, value| match Self::leaf(key, operator, value) {
                Leaf::From(at) => bounds.push((at, true)),
                Leaf::Until(at) => bounds.push((at, false)),
                _ => {}
            },
        );
        bounds
    }

    /// Whether the rule grants anything at `now`; without a clock every rule is active.
    pub fn activity(&self, now: Option<Timestamp>) -> Activity {
        let Some(now) = now else {
            return Activity::Active;
        };
        if self.truth(now) != Truth::False {
            return Activity::Active;
        }
        let bounds = self.bounds();
        // Closed now: it opens again at one of its later start bounds, or never.
        let mut starts: Vec<Timestamp> = bounds
            .iter()
            .filter(|(at, start)| *start && *at > now)
            .map(|(at, _)| *at)
            .collect();
        starts.sort();
        if let Some(start) = starts
            .into_iter()
            .find(|start| self.truth(*start) != Truth::False)
        {
            return Activity::NotYet(start);
        }
        let ended = bounds
            .iter()
            .filter(|(at, start)| !*start && *at < now)
            .map(|(at, _)| *at)
            .max();
        Activity::Expired(ended.unwrap_or(now))
    }

    /// The resource attributes the rule's conditions test (`{{resource.attributes.X}}`).
    pub fn resource_keys(&self) -> Vec<&str> {
        let mut keys = Vec::new();
        self.visit(&mut |key, _, _| {
            if let Some(name) = key.strip_prefix(RESOURCE_KEY) {
                let name = name.trim_end_matches('}');
                if !keys.contains(&name) {
                    keys.push(name);
                }
            }
        });
        keys
    }

    /// Whether the rule has any time-based condition.
    pub fn is_time_based(&self) -> bool {
        let mut found = false;
        self.visit(&mut |key, _, _| found |= key.starts_with("{{environment.attributes."));
        found
    }

    /// When the rule lets the policy grant, in words: `active only between 2025-06-01 and
    /// 2025-12-31`, `active on weekdays 09:00-17:00 (UTC)`; `None` without a time condition.
    pub fn time_words(&self) -> Option<String> {
        if !self.is_time_based() {
            return None;
        }
        let words = self.when();
        if words.is_empty() {
            return None;
        }
        Some(match self.activity_window_only() {
            true => format!("active only {words}"),
            false => format!("active {words}"),
        })
    }

    /// Whether the words start with a date window (`only between ...`).
    fn activity_window_only(&self) -> bool {
        let mut window = false;
        self.visit(&mut |key, operator, value| {
            window |= matches!(
                Self::leaf(key, operator, value),
                Leaf::From(_) | Leaf::Until(_)
            );
        });
        window
    }

    /// The time phrases of this condition, joined for `all` and `any`.
    fn when(&self) -> String {
        match self {
            Self::Any(conditions) => conditions
                .iter()
                .map(Self::when)
                .filter(|words| !words.is_empty())
                .collect::<Vec<_>>()
                .join(", or "),
            Self::All(conditions) => {
                let leaves: Vec<&Self> = conditions
                    .iter()
                    .filter(|condition| matches!(condition, Self::Attribute { .. }))
                    .collect();
                let mut parts = vec![phrase(&leaves)];
                parts.extend(
                    conditions
                        .iter()
                        .filter(|condition| !matches!(condition, Self::Attribute { .. }))
                        .map(|nested| format!("({})", nested.when())),
                );
                parts.retain(|part| !part.is_empty() && part != "()");
                parts.join(" and ")
            }
            Self::Attribute { .. } => phrase(&[self]),
            Self::Unknown => String::new(),
        }
    }
}

fn truth(holds: bool) -> Truth {
    if holds { Truth::True } else { Truth::False }
}

/// The words of the time conditions that hold together (one `and`).
fn phrase(leaves: &[&Condition]) -> String {
    let mut from: Option<Timestamp> = None;
    let mut until: Option<Timestamp> = None;
    let mut days: Option<(Vec<u8>, String)> = None;
    let mut time_from: Option<(String, String)> = None;
    let mut time_until: Option<(String, String)> = None;
    for leaf in leaves {
        let Condition::Attribute {
            key,
            operator,
            value,
        } = leaf
        else {
            continue;
        };
        match Condition::leaf(key, operator, value) {
            Leaf::From(at) => from = Some(from.map_or(at, |known| known.max(at))),
            Leaf::Until(at) => until = Some(until.map_or(at, |known| known.min(at))),
            Leaf::Days(list, zone) => days = Some((list, zone)),
            Leaf::TimeFrom(time, zone) => time_from = Some((time, zone)),
            Leaf::TimeUntil(time, zone) => time_until = Some((time, zone)),
            Leaf::Resource | Leaf::Other => {}
        }
    }
    let mut words = Vec::new();
    match (from, until) {
        (Some(from), Some(until)) => words.push(format!(
            "between {} and {}",
            instant_words(from),
            instant_words(until)
        )),
        (Some(from), None) => words.push(format!("from {}", instant_words(from))),
        (None, Some(until)) => words.push(format!("until {}", instant_words(until))),
        (None, None) => {}
    }
    let zone = [&time_from, &time_until]
        .into_iter()
        .flatten()
        .map(|(_, zone)| zone.as_str())
        .chain(days.iter().map(|(_, zone)| zone.as_str()))
        .next()
        .map(zone_words);
    let hours = match (&time_from, &time_until) {
        (Some((from, _)), Some((until, _))) => Some(format!("{from}-{until}")),
        (Some((from, _)), None) => Some(format!("from {from}")),
        (None, Some((until, _))) => Some(format!("until {until}")),
        (None, None) => None,
    };
    let recurring = match (days, hours) {
        (Some((days, _)), Some(hours)) => Some(format!("on {} {hours}", days_words(&days))),
        (Some((days, _)), None) => Some(format!("on {}", days_words(&days))),
        (None, Some(hours)) => Some(format!("every day {hours}")),
        (None, None) => None,
    };
    if let Some(recurring) = recurring {
        match zone {
            Some(zone) => words.push(format!("{recurring} ({zone})")),
            None => words.push(recurring),
        }
    }
    words.join(", ")
}

/// `2025-06-01`, or `2025-06-01 09:30 UTC` when the instant is not a UTC midnight.
pub fn instant_words(at: Timestamp) -> String {
    let time = at.strftime("%H:%M:%S").to_string();
    if time == "00:00:00" {
        at.strftime("%Y-%m-%d").to_string()
    } else {
        at.strftime("%Y-%m-%d %H:%M UTC").to_string()
    }
}

/// A date-time rule value (`2025-06-01T00:00:00+00:00`), or a date (`2025-06-01`, taken as
/// the start of that day in UTC, as the console writes dates).
fn parse_instant(text: &str) -> Option<Timestamp> {
    parse_timestamp(text).or_else(|| {
        let (date, zone) = split_offset(text);
        let zone = if zone.is_empty() { "+00:00" } else { zone };
        parse_timestamp(&format!("{date}T00:00:00{zone}"))
    })
}

/// `09:00:00+00:00` -> (`09:00:00`, `+00:00`); `1+00:00` -> (`1`, `+00:00`).
fn split_offset(text: &str) -> (&str, &str) {
    match text.rfind(['+', '-']) {
        // A date's own dashes are not an offset: an offset has a colon after its sign.
        Some(at) if text[at..].contains(':') => (&text[..at], &text[at..]),
        _ => (text, ""),
    }
}

/// `09:00:00` -> `09:00`.
fn hours_minutes(time: &str) -> String {
    time.get(..5).unwrap_or(time).to_owned()
}

fn zone_words(offset: &str) -> String {
    match offset {
        "" | "+00:00" | "-00:00" | "Z" => "UTC".to_owned(),
        other => format!("UTC{other}"),
    }
}

fn days_words(days: &[u8]) -> String {
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    match days {
        [1, 2, 3, 4, 5] => "weekdays".to_owned(),
        [6, 7] => "weekends".to_owned(),
        [1, 2, 3, 4, 5, 6, 7] => "every day".to_owned(),
        _ => days
            .iter()
            .filter_map(|day| NAMES.get(usize::from(*day).wrapping_sub(1)))
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        parse_timestamp(text).expect("timestamp")
    }

    fn leaf(key: &str, operator: &str, value: &str) -> Condition {
        Condition::Attribute {
            key: format!("{{{{environment.attributes.{key}}}}}"),
            operator: operator.to_owned(),
            value: AttributeValue::String(value.into()),
        }
    }

    fn window(from: &str, until: &str) -> Condition {
        Condition::All(vec![
            leaf("current_date_time", "dateTimeGreaterThanOrEquals", from),
            leaf("current_date_time", "dateTimeLessThanOrEquals", until),
        ])
    }

    #[test]
    fn a_date_window_is_judged_against_now() {
        let rule = window("2025-06-01T00:00:00+00:00", "2025-07-01T00:00:00+00:00");
        let now = |text| Some(at(text));
        assert_eq!(rule.activity(now("2025-06-30T12:00:00Z")), Activity::Active);
        assert_eq!(
            rule.activity(now("2025-07-02T00:00:00Z")),
            Activity::Expired(at("2025-07-01T00:00:00Z"))
        );
        assert_eq!(
            rule.activity(now("2025-01-01T00:00:00Z")),
            Activity::NotYet(at("2025-06-01T00:00:00Z"))
        );
        assert_eq!(rule.activity(None), Activity::Active);
        assert_eq!(
            rule.time_words().as_deref(),
            Some("active only between 2025-06-01 and 2025-07-01")
        );
    }

    #[test]
    fn an_or_of_windows_opens_at_the_next_one() {
        let rule = Condition::Any(vec![
            window("2025-01-01T00:00:00+00:00", "2025-01-31T00:00:00+00:00"),
            window("2025-09-01T00:00:00+00:00", "2025-09-30T00:00:00+00:00"),
        ]);
        assert_eq!(
            rule.activity(Some(at("2025-06-30T12:00:00Z"))),
            Activity::NotYet(at("2025-09-01T00:00:00Z"))
        );
        assert_eq!(
            rule.activity(Some(at("2025-10-30T12:00:00Z"))),
            Activity::Expired(at("2025-09-30T00:00:00Z"))
        );
    }

    #[test]
    fn recurring_hours_are_a_standing_grant() {
        let days = Condition::Attribute {
            key: "{{environment.attributes.day_of_week}}".to_owned(),
            operator: "dayOfWeekAnyOf".to_owned(),
            value: AttributeValue::List(
                ["1+00:00", "2+00:00", "3+00:00", "4+00:00", "5+00:00"]
                    .map(str::to_owned)
                    .into(),
            ),
        };
        let rule = Condition::All(vec![
            days,
            leaf("current_time", "timeGreaterThanOrEquals", "09:00:00+00:00"),
            leaf("current_time", "timeLessThanOrEquals", "17:00:00+00:00"),
        ]);
        // A Sunday night: outside the hours, yet it grants again on Monday.
        assert_eq!(
            rule.activity(Some(at("2025-06-29T23:00:00Z"))),
            Activity::Active
        );
        assert_eq!(
            rule.time_words().as_deref(),
            Some("active on weekdays 09:00-17:00 (UTC)")
        );
    }

    #[test]
    fn offsets_and_dates_are_read() {
        assert_eq!(split_offset("09:00:00-05:00"), ("09:00:00", "-05:00"));
        assert_eq!(split_offset("2025-06-01"), ("2025-06-01", ""));
        assert_eq!(
            parse_instant("2025-06-01"),
            Some(at("2025-06-01T00:00:00Z"))
        );
        assert_eq!(
            instant_words(at("2025-12-31T23:59:59Z")),
            "2025-12-31 23:59 UTC"
        );
        assert_eq!(days_words(&[6, 7]), "weekends");
        assert_eq!(days_words(&[1, 3]), "Mon, Wed");
    }
}
