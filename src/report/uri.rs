//! File names as URI references (SARIF `artifactLocation.uri`, Markdown links).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters and `/` is escaped.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A `/`-separated file name as a URI reference: relative names stay relative, absolute
/// ones (outside the repository root) become `file://` URIs.
pub(super) fn encode_path(path: &str) -> String {
    let encoded = utf8_percent_encode(path, PATH).to_string();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn escapes_what_a_uri_path_cannot_hold() {
        assert_eq!(encode_path("fixtures/demo/a.json"), "fixtures/demo/a.json");
        assert_eq!(
            encode_path("my exports/ä#1.yaml"),
            "my%20exports/%C3%A4%231.yaml"
        );
        assert_eq!(encode_path("/tmp/a b.json"), "file:///tmp/a%20b.json");
    }
}
