//! The one HTTP client of live mode: timeouts, bounded retries with exponential backoff and
//! jitter, `Retry-After`, bearer tokens refreshed before they expire and once on a 401, and
//! error bodies turned into clear messages. Every message is scrubbed of the API key and
//! the tokens before it leaves this module.
//!
//! Over 400 lines on purpose: retries, token refresh and error scrubbing wrap the same request
//! loop, and splitting them would spread the one place where the API key may appear.

use std::time::{Duration, SystemTime};

use reqwest::Url;
use reqwest::blocking::{RequestBuilder, Response};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

use super::Observer;
use super::error::{ApiError, ApiErrorKind, IbmError, one_line};
use super::secret::{Secret, scrub};
use super::token::{self, Token};

/// The public IBM Cloud endpoint of IAM (token, IAM Identity, IAM Policy Management, IAM
/// Access Groups).
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.cloud.ibm.com";
/// The public IBM Cloud endpoint of the Resource Controller.
pub const DEFAULT_RESOURCE_CONTROLLER_ENDPOINT: &str = "https://resource-controller.cloud.ibm.com";
/// User Management (the account's users).
pub const DEFAULT_USER_MANAGEMENT_ENDPOINT: &str = "https://user-management.cloud.ibm.com";
/// Account Management (the account and its owner).
pub const DEFAULT_ACCOUNT_MANAGEMENT_ENDPOINT: &str = "https://accounts.cloud.ibm.com";
/// Activity Tracker Event Routing, one endpoint per region: `{region}` is replaced.
pub const DEFAULT_ATRACKER_ENDPOINT: &str = "https://{region}.atracker.cloud.ibm.com";
/// The placeholder of the region in the Activity Tracker Event Routing endpoint.
const REGION_PLACEHOLDER: &str = "{region}";

/// Where the APIs live (private endpoints and tests override them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub iam: Url,
    pub resource_controller: Url,
    pub user_management: Url,
    pub account_management: Url,
    /// A base URL with `{region}` in it (checked with a region put in).
    pub atracker: String,
}

impl Endpoints {
    /// Parses both base URLs; the posture services get their public endpoints (see
    /// [`Endpoints::with_posture`]). Plain `http` is accepted only for loopback hosts, so an
    /// API key is never sent in clear text over a network.
    pub fn parse(iam: &str, resource_controller: &str) -> Result<Self, String> {
        Ok(Self {
            iam: base_url(iam, "--iam-endpoint")?,
            resource_controller: base_url(resource_controller, "--resource-controller-endpoint")?,
            user_management: base_url(DEFAULT_USER_MANAGEMENT_ENDPOINT, "user management")?,
            account_management: base_url(DEFAULT_ACCOUNT_MANAGEMENT_ENDPOINT, "account")?,
            atracker: DEFAULT_ATRACKER_ENDPOINT.to_owned(),
        })
    }

    /// The endpoints of User Management, Account Management and Activity Tracker Event
    /// Routing (whose URL holds `{region}`).
    pub fn with_posture(
        mut self,
        user_management: &str,
        account_management: &str,
        atracker: &str,
    ) -> Result<Self, String> {
        self.user_management = base_url(user_management, "--user-management-endpoint")?;
        self.account_management = base_url(account_management, "--account-endpoint")?;
        let atracker = atracker.trim();
        if !atracker.contains(REGION_PLACEHOLDER) {
            return Err(format!(
                "invalid --atracker-endpoint URL `{atracker}`: it must hold {REGION_PLACEHOLDER}, \
                 such as https://{{region}}.atracker.cloud.ibm.com"
            ));
        }
        base_url(
            &atracker.replace(REGION_PLACEHOLDER, "us-south"),
            "--atracker-endpoint",
        )?;
        self.atracker = atracker.to_owned();
        Ok(self)
    }

    /// The Activity Tracker Event Routing endpoint of `region` (letters, digits, `-` and
    /// `.` only, so a region cannot change the host).
    pub(crate) fn atracker_in(&self, region: &str) -> Result<Url, String> {
        if region.is_empty()
            || !region
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '.')
        {
            return Err(format!("invalid Activity Tracker region `{region}`"));
        }
        base_url(
            &self.atracker.replace(REGION_PLACEHOLDER, region),
            "--atracker-endpoint",
        )
    }
}

fn base_url(text: &str, option: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim())
        .map_err(|error| format!("invalid {option} URL `{text}`: {error}"))?;
    let loopback = matches!(
        url.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
    );
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(format!(
                "invalid {option} URL `{text}`: use https (plain http is accepted only for \
                 localhost, so that the API key never crosses a network in clear text)"
            ));
        }
        other => {
            return Err(format!(
                "invalid {option} URL `{text}`: unsupported scheme `{other}`"
            ));
        }
    }
    if url.query().is_some() || url.cannot_be_a_base() {
        return Err(format!(
            "invalid {option} URL `{text}`: expected a base URL such as https://iam.cloud.ibm.com"
        ));
    }
    // A base with a path (a proxy prefix) keeps it when API paths are joined to it.
    let mut url = url;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Timeouts, retries and bounds. The defaults suit the real APIs; tests shrink the delays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Limit for one whole request: connecting, sending and reading the response.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Attempts per request, the first included (on 429, 5xx except 501, and transport
    /// failures).
    pub max_attempts: u32,
    /// The first backoff delay; it doubles per attempt, with jitter.
    pub backoff_base: Duration,
    /// The longest backoff delay.
    pub backoff_max: Duration,
    /// The longest `Retry-After` honoured; a server asking for more ends the retries.
    pub retry_after_max: Duration,
    /// Pages per list before pagination stops with an error.
    pub max_pages: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_attempts: 5,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            retry_after_max: Duration::from_secs(120),
            max_pages: 10_000,
        }
    }
}

/// The authenticated client. Single-threaded: requests are sequential, which also keeps
/// the load on IBM's rate limits low.
pub(crate) struct Client {
    http: reqwest::blocking::Client,
    options: ClientOptions,
    token_url: Url,
    apikey: Secret,
    token: Option<Token>,
    /// Every token obtained in this run, so messages can be scrubbed of all of them.
    issued: Vec<Secret>,
    /// HTTP requests sent (attempts included).
    pub(crate) requests: usize,
}

/// Why an attempt failed, and whether another attempt may help.
struct Failure {
    error: ApiError,
    retry: bool,
    retry_after: Option<Duration>,
}

impl Client {
    pub(crate) fn new(
        endpoints: &Endpoints,
        apikey: Secret,
        options: ClientOptions,
    ) -> Result<Self, ApiError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("iamlint/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| {
                ApiError::new(
                    ApiErrorKind::Transport,
                    format!("cannot set up the HTTP client: {error}"),
                )
            })?;
        let token_url = endpoints.iam.join("identity/token").map_err(|error| {
            ApiError::new(
                ApiErrorKind::Transport,
                format!("invalid IAM endpoint: {error}"),
            )
        })?;
        Ok(Self {
            http,
            options,
            token_url,
            apikey,
            token: None,
            issued: Vec::new(),
            requests: 0,
        })
    }

    pub(crate) fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The account the token was issued for (its `account.bss` claim), getting a token
    /// first if needed.
    pub(crate) fn token_account(
        &mut self,
        observer: &mut dyn Observer,
    ) -> Result<Option<String>, ApiError> {
        self.ensure_token(observer)?;
        Ok(self.token.as_ref().and_then(Token::account_id))
    }

    /// `GET url` with the bearer token; the parsed JSON body.
    pub(crate) fn get_json(
        &mut self,
        url: &Url,
        observer: &mut dyn Observer,
    ) -> Result<Value, ApiError> {
        let label = format!("GET {url}");
        let target = url.clone();
        self.execute(&label, true, observer, move |http| http.get(target.clone()))
    }

    /// `POST url` without a body, with the bearer token; the parsed JSON body. Only for
    /// requests that create nothing lasting (the identity reports), since a retry repeats it.
    pub(crate) fn post_json(
        &mut self,
        url: &Url,
        observer: &mut dyn Observer,
    ) -> Result<Value, ApiError> {
        let label = format!("POST {url}");
        let target = url.clone();
        self.execute(&label, true, observer, move |http| {
            http.post(target.clone())
                .header(reqwest::header::ACCEPT, "application/json")
        })
    }

    fn ensure_token(&mut self, observer: &mut dyn Observer) -> Result<(), ApiError> {
        if self
            .token
            .as_ref()
            .is_some_and(|token| !token.needs_refresh())
        {
            return Ok(());
        }
        self.token = None;
        let url = self.token_url.clone();
        let form = [
            (
                "grant_type",
                "urn:ibm:params:oauth:grant-type:apikey".to_owned(),
            ),
            ("apikey", self.apikey.expose().to_owned()),
            ("response_type", "cloud_iam".to_owned()),
        ];
        let body = self
            .execute(&format!("POST {url}"), false, observer, move |http| {
                http.post(url.clone())
                    .header(reqwest::header::ACCEPT, "application/json")
                    .form(&form)
            })
            .map_err(|error| ApiError {
                kind: match error.kind {
                    ApiErrorKind::Status | ApiErrorKind::Forbidden => ApiErrorKind::Unauthorized,
                    other => other,
                },
                status: error.status,
                message: format!("cannot get an IAM token for the API key: {}", error.message),
            })?;
        let token = token::from_response(&body)?;
        self.issued.push(token.access().clone());
        self.token = Some(token);
        Ok(())
    }

    /// Sends the request built by `make` until it succeeds, fails for good, or runs out of
    /// attempts.
    fn execute(
        &mut self,
        label: &str,
        authorized: bool,
        observer: &mut dyn Observer,
        make: impl Fn(&reqwest::blocking::Client) -> RequestBuilder,
    ) -> Result<Value, ApiError> {
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            let mut request = make(&self.http);
            if authorized {
                self.ensure_token(observer)?;
                if let Some(token) = &self.token {
                    request = request.bearer_auth(token.access().expose());
                }
            }
            self.requests += 1;
            let failure = match request.send() {
                Ok(response) => match self.read(response) {
                    Ok(value) => return Ok(value),
                    Err(failure) => failure,
                },
                Err(error) => Failure {
                    error: ApiError::new(ApiErrorKind::Transport, transport_message(&error)),
                    retry: true,
                    retry_after: None,
                },
            };
            // A 401 means the token expired or was revoked early: get a new one, once.
            if authorized && failure.error.status == Some(401) && !refreshed {
                refreshed = true;
                self.token = None;
                attempt -= 1;
                continue;
            }
            let error = failure.error;
            let message = if failure.retry && attempt >= self.options.max_attempts && attempt > 1 {
                format!(
                    "{label}: {} (gave up after {attempt} attempts)",
                    error.message
                )
            } else if authorized && error.status == Some(401) {
                format!(
                    "{label}: {} (refused again after a token refresh)",
                    error.message
                )
            } else {
                format!("{label}: {}", error.message)
            };
            let error = ApiError {
                message: self.scrub(&message),
                ..error
            };
            if !failure.retry || attempt >= self.options.max_attempts {
                return Err(error);
            }
            let Some(wait) = retry_delay(attempt, failure.retry_after, &self.options) else {
                return Err(ApiError {
                    message: format!(
                        "{} (the server asked to wait longer than {}s)",
                        error.message,
                        self.options.retry_after_max.as_secs()
                    ),
                    ..error
                });
            };
            observer.retry(wait, &error.message);
            std::thread::sleep(wait);
        }
    }

    /// Reads one response: the JSON of a success, or a classified failure.
    fn read(&self, response: Response) -> Result<Value, Failure> {
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers(), SystemTime::now());
        let trace_header = trace_header(response.headers());
        let body = match response.text() {
            Ok(body) => body,
            Err(error) => {
                return Err(Failure {
                    error: ApiError {
                        kind: ApiErrorKind::Transport,
                        status: Some(status),
                        message: format!(
                            "HTTP {status}: the response body could not be read completely ({})",
                            transport_message(&error)
                        ),
                    },
                    retry: true,
                    retry_after: None,
                });
            }
        };
        // 204 No Content: an identity report that is not ready yet.
        if status == 204 {
            return Ok(Value::Null);
        }
        if (200..300).contains(&status) {
            return serde_json::from_str::<Value>(&body).map_err(|error| Failure {
                // A body cut short without a length header ends in the middle of the JSON.
                retry: error.is_eof(),
                error: ApiError {
                    kind: if error.is_eof() {
                        ApiErrorKind::Transport
                    } else {
                        ApiErrorKind::Decode
                    },
                    status: Some(status),
                    message: if error.is_eof() {
                        format!("HTTP {status}: the response body ends before its JSON does")
                    } else {
                        format!("HTTP {status}: the response is not valid JSON ({error})")
                    },
                },
                retry_after: None,
            });
        }
        let ibm = IbmError::parse(&body);
        let mut detail = ibm.describe(trace_header.as_deref());
        if detail.is_empty() && !body.trim().is_empty() {
            detail = one_line(&body, 200);
        }
        let kind = match status {
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            _ => ApiErrorKind::Status,
        };
        let message = if detail.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status} {detail}")
        };
        Err(Failure {
            error: ApiError {
                kind,
                status: Some(status),
                message,
            },
            retry: status == 429 || (500..600).contains(&status) && status != 501,
            retry_after,
        })
    }

    fn scrub(&self, text: &str) -> String {
        let mut secrets: Vec<&Secret> = self.issued.iter().collect();
        secrets.push(&self.apikey);
        scrub(text, &secrets)
    }
}

/// The message of a transport error, without reqwest's nested source noise.
fn transport_message(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "the connection closed mid-response"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(error);
    let mut innermost = None;
    while let Some(cause) = source {
        innermost = Some(cause.to_string());
        source = cause.source();
    }
    match innermost {
        Some(cause) => format!("{what}: {}", one_line(&cause, 200)),
        None => what.to_owned(),
    }
}

/// `Retry-After` as seconds or an HTTP date, relative to `now`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn trace_header(headers: &HeaderMap) -> Option<String> {
    [
        "transaction-id",
        "x-correlation-id",
        "x-request-id",
        "x-global-transaction-id",
    ]
    .iter()
    .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
}

/// The wait before attempt `attempt + 1`: the server's `Retry-After` when it sent one (up
/// to `retry_after_max`; `None` when it asks for more), else exponential backoff with
/// jitter, between half and all of `base * 2^(attempt-1)`, capped at `backoff_max`.
pub(crate) fn retry_delay(
    attempt: u32,
    retry_after: Option<Duration>,
    options: &ClientOptions,
) -> Option<Duration> {
    if let Some(wait) = retry_after {
        return (wait <= options.retry_after_max).then_some(wait);
    }
    let exponent = attempt.saturating_sub(1).min(20);
    let full = options
        .backoff_base
        .saturating_mul(1u32 << exponent)
        .min(options.backoff_max);
    let half = full / 2;
    let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    Some(half + Duration::from_nanos(fastrand::u64(0..=jitter_nanos)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(90)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after() {
        let options = ClientOptions {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(1000),
            retry_after_max: Duration::from_secs(10),
            ..ClientOptions::default()
        };
        for _ in 0..50 {
            let first = retry_delay(1, None, &options).unwrap();
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = retry_delay(3, None, &options).unwrap();
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let capped = retry_delay(30, None, &options).unwrap();
            assert!(capped >= Duration::from_millis(500) && capped <= Duration::from_millis(1000));
        }
        assert_eq!(
            retry_delay(1, Some(Duration::from_secs(3)), &options),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_delay(1, Some(Duration::from_secs(11)), &options),
            None
        );
    }

    #[test]
    fn endpoints_refuse_clear_text_off_loopback() {
        assert!(Endpoints::parse("http://127.0.0.1:8080", "https://rc.example").is_ok());
        assert!(Endpoints::parse("http://iam.example.com", "https://rc.example").is_err());
        assert!(Endpoints::parse("ftp://iam.example.com", "https://rc.example").is_err());
        assert!(Endpoints::parse("https://iam.example.com", "not a url").is_err());
        let endpoints =
            Endpoints::parse(DEFAULT_IAM_ENDPOINT, DEFAULT_RESOURCE_CONTROLLER_ENDPOINT).unwrap();
        assert_eq!(endpoints.iam.as_str(), "https://iam.cloud.ibm.com/");
        assert_eq!(
            endpoints.atracker_in("eu-de").unwrap().as_str(),
            "https://eu-de.atracker.cloud.ibm.com/"
        );
        assert!(endpoints.atracker_in("evil.example/x").is_err());
        assert!(endpoints.atracker_in("").is_err());
        let posture = |atracker: &str| {
            Endpoints::parse(DEFAULT_IAM_ENDPOINT, DEFAULT_RESOURCE_CONTROLLER_ENDPOINT)
                .unwrap()
                .with_posture(
                    DEFAULT_USER_MANAGEMENT_ENDPOINT,
                    DEFAULT_ACCOUNT_MANAGEMENT_ENDPOINT,
                    atracker,
                )
        };
        let private = posture("https://private.{region}.atracker.cloud.ibm.com").unwrap();
        assert_eq!(
            private.atracker_in("us-east").unwrap().as_str(),
            "https://private.us-east.atracker.cloud.ibm.com/"
        );
        let missing = posture("https://us-south.atracker.cloud.ibm.com").unwrap_err();
        assert!(missing.contains("must hold {region}"), "{missing}");
        assert!(posture("http://{region}.atracker.example.com").is_err());
        let prefixed = Endpoints::parse("https://proxy.example/iam", "https://rc.example").unwrap();
        assert_eq!(
            prefixed.iam.join("v1/policies").unwrap().as_str(),
            "https://proxy.example/iam/v1/policies"
        );
    }
}
