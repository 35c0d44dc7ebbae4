//! A string that must never be shown: the API key and the IAM tokens.
//!
//! `Debug` and `Display` print `<redacted>`, so a secret cannot leak through a log line, an
//! error message or a `{:?}` by accident; the value is read only where it is sent.

use std::fmt;

use crate::sources::secrets::REDACTED;

/// A secret value. Reading it takes an explicit [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Replaces every occurrence of the given secrets in `text` (an error body, a transport
/// message) by `<redacted>`: defence in depth for servers that echo what they were sent.
pub(crate) fn scrub(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        let value = secret.expose();
        // Very short values would blank out ordinary words; real keys and tokens are long.
        if value.len() >= 8 && out.contains(value) {
            out = out.replace(value, REDACTED);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let secret = Secret::new("CANARY-KEY-123456");
        assert_eq!(format!("{secret} {secret:?}"), "<redacted> <redacted>");
        assert_eq!(
            scrub("key CANARY-KEY-123456 was refused", &[&secret]),
            "key <redacted> was refused"
        );
    }
}
