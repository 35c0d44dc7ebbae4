//! API errors, and the IBM error bodies (ibm-formats.md section 9) turned into one clear
//! line: HTTP status, IBM code, message, trace id.

use serde_json::Value;

/// What kind of failure, so the collector can tell "not permitted" from "broken".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// HTTP 403: the API key lacks the role for this collection.
    Forbidden,
    /// HTTP 401 even after a token refresh, or the token could not be obtained.
    Unauthorized,
    /// Any other HTTP error status (after retries where they apply).
    Status,
    /// No usable response: connection refused, timeout, truncated body.
    Transport,
    /// A response that is not the JSON the API documents.
    Decode,
    /// A page token that repeats, or more pages than the bound.
    Pagination,
    /// A requested report that was not ready within the polling bounds.
    NotReady,
}

/// One failed API call (or chain of calls): a message naming the request and what the
/// service said. It never holds the API key or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub kind: ApiErrorKind,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(kind: ApiErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            message: message.into(),
        }
    }

    pub fn is_forbidden(&self) -> bool {
        self.kind == ApiErrorKind::Forbidden
    }
}

/// The parts of an IBM error body, whichever of the services' shapes it has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IbmError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub trace: Option<String>,
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

impl IbmError {
    /// Reads the code, message and trace of any IBM error shape:
    /// the API Handbook container `{errors: [{code, message, message_code, details}], trace}`
    /// (IAM Identity, Policy Management, Access Groups), the token endpoint's
    /// `{errorCode, errorMessage, context: {requestId}}`, and Resource Controller's
    /// `{error_code, message, transaction_id}`. `details` may be a string or an object; only
    /// a string is shown (an object can be a whole conflicting policy).
    pub(crate) fn parse(body: &str) -> Self {
        let Ok(Value::Object(root)) = serde_json::from_str::<Value>(body) else {
            return Self::default();
        };
        let first = root
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|errors| errors.first())
            .and_then(Value::as_object);
        let from_first = |key: &str| first.and_then(|error| text(error.get(key)));
        let code = from_first("code")
            .or_else(|| text(root.get("code")))
            .or_else(|| text(root.get("error_code")))
            .or_else(|| text(root.get("errorCode")));
        // IAM Identity adds a message code such as BXNIM0908E next to the snake_case code.
        let code = match (code, from_first("message_code")) {
            (Some(code), Some(message_code)) if code != message_code => {
                Some(format!("{code} ({message_code})"))
            }
            (code, message_code) => code.or(message_code),
        };
        let message = from_first("message")
            .or_else(|| text(root.get("error")))
            .or_else(|| text(root.get("message")))
            .or_else(|| text(root.get("errorMessage")))
            .or_else(|| text(root.get("error_description")));
        let details = from_first("details").or_else(|| text(root.get("details")));
        let message = match (message, details) {
            (Some(message), Some(details)) if !message.contains(&details) => {
                Some(format!("{message}: {details}"))
            }
            (message, details) => message.or(details),
        };
        let trace = text(root.get("trace"))
            .or_else(|| text(root.get("transaction_id")))
            .or_else(|| {
                root.get("context")
                    .and_then(Value::as_object)
                    .and_then(|context| text(context.get("requestId")))
            });
        Self {
            code,
            message,
            trace,
        }
    }

    /// `code: message (trace: id)`, with whatever parts are known.
    pub(crate) fn describe(&self, fallback_trace: Option<&str>) -> String {
        let mut out = String::new();
        if let Some(code) = &self.code {
            out.push_str(code);
        }
        if let Some(message) = &self.message {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&one_line(message, 300));
        }
        if let Some(trace) = self.trace.as_deref().or(fallback_trace) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("(trace: {trace})"));
        }
        out
    }
}

/// A message on one line, cut to `limit` characters.
pub(crate) fn one_line(text: &str, limit: usize) -> String {
    let flat: String = text
        .chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect();
    let flat = flat.trim();
    if flat.chars().count() <= limit {
        return flat.to_owned();
    }
    let cut: String = flat.chars().take(limit).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_ibm_error_shape() {
        let handbook = r#"{"trace": "t-1", "errors": [{"code": "not_found", "message": "Group not found", "more_info": "https://x", "target": {"type": "field", "name": "id"}}], "status_code": 404}"#;
        assert_eq!(
            IbmError::parse(handbook).describe(None),
            "not_found: Group not found (trace: t-1)"
        );
        let identity = r#"{"errors":[{"code":"invalid_state","message_code":"BXNIM0908E","message":"Service ID is locked","details":"unlock it first"}],"status_code":422,"trace":"abc"}"#;
        assert_eq!(
            IbmError::parse(identity).describe(None),
            "invalid_state (BXNIM0908E): Service ID is locked: unlock it first (trace: abc)"
        );
        let policy = r#"{"errors":[{"code":"policy_conflict_error","message":"Failed to create policy.","details":{"conflicts_with":{"etag":"1-x","policy":{"id":"p"}}}}],"status_code":409,"trace":"f00"}"#;
        assert_eq!(
            IbmError::parse(policy).describe(None),
            "policy_conflict_error: Failed to create policy. (trace: f00)"
        );
        let token = r#"{"context":{"requestId":"req-9","requestType":"incoming.Identity_Token"},"errorCode":"BXNIM0415E","errorMessage":"Provided API key could not be found."}"#;
        assert_eq!(
            IbmError::parse(token).describe(None),
            "BXNIM0415E: Provided API key could not be found. (trace: req-9)"
        );
        let controller = r#"{"error_code":"RC-ServiceBrokerErrorResponse","message":"Broker failed","status_code":400,"transaction_id":"tx-7","details":"{\"reason\":\"x\"}"}"#;
        assert_eq!(
            IbmError::parse(controller).describe(None),
            "RC-ServiceBrokerErrorResponse: Broker failed: {\"reason\":\"x\"} (trace: tx-7)"
        );
        assert_eq!(
            IbmError::parse("<html>bad gateway</html>"),
            IbmError::default()
        );
        assert_eq!(
            IbmError::default().describe(Some("hdr-1")),
            "(trace: hdr-1)"
        );
    }
}
