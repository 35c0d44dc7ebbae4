//! The IAM token (ibm-formats.md section 5): the `POST /identity/token` response, when to
//! refresh it, and the account id written in its claims.

use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;

use super::error::{ApiError, ApiErrorKind};
use super::secret::Secret;

/// An access token and when it must be replaced.
pub(crate) struct Token {
    access: Secret,
    refresh_at: Instant,
    /// The `account.bss` claim, read once.
    account_id: Option<String>,
}

impl Token {
    pub(crate) fn access(&self) -> &Secret {
        &self.access
    }

    /// Whether the token is at or past 80 % of its lifetime (tokens live 60 minutes; a
    /// large account can take longer to collect).
    pub(crate) fn needs_refresh(&self) -> bool {
        Instant::now() >= self.refresh_at
    }

    pub(crate) fn account_id(&self) -> Option<String> {
        self.account_id.clone()
    }
}

/// Reads a token response `{access_token, expires_in, ...}`. The lifetime is counted from
/// now with `expires_in`, not from the `expiration` epoch, so a skewed local clock does
/// not matter.
pub(crate) fn from_response(body: &Value) -> Result<Token, ApiError> {
    let access = body
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|token| !token.trim().is_empty())
        .ok_or_else(|| {
            ApiError::new(
                ApiErrorKind::Unauthorized,
                "the IAM token response has no `access_token`",
            )
        })?;
    let lifetime = body
        .get("expires_in")
        .and_then(Value::as_u64)
        .map_or(Duration::from_secs(3600), Duration::from_secs);
    Ok(Token {
        account_id: account_claim(access),
        access: Secret::new(access),
        refresh_at: refresh_at(Instant::now(), lifetime),
    })
}

/// When a token obtained now must be replaced: at 80 % of its lifetime, as the IBM SDKs do.
pub(crate) fn refresh_at(obtained: Instant, lifetime: Duration) -> Instant {
    obtained + lifetime.mul_f64(0.8)
}

/// The `account.bss` claim of a JWT access token: the account the API key belongs to.
fn account_claim(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims
        .pointer("/account/bss")
        .and_then(Value::as_str)
        .filter(|account| !account.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_account_claim_and_the_lifetime() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"iam_id":"iam-ServiceId-1","account":{"valid":true,"bss":"acct-1"}}"#);
        let body = serde_json::json!({
            "access_token": format!("eyJhbGciOiJSUzI1NiJ9.{payload}.sig"),
            "refresh_token": "not_supported",
            "token_type": "Bearer",
            "expires_in": 3600
        });
        let token = from_response(&body).unwrap();
        assert_eq!(token.account_id().as_deref(), Some("acct-1"));
        assert!(!token.needs_refresh());
        let expired =
            from_response(&serde_json::json!({"access_token": "a.b.c", "expires_in": 0})).unwrap();
        assert!(expired.needs_refresh());
        assert_eq!(expired.account_id(), None);
        assert!(from_response(&serde_json::json!({"token_type": "Bearer"})).is_err());
    }
}
