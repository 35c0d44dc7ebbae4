//! An emulator of the IBM Cloud APIs iamlint collects from, on 127.0.0.1: the IAM token
//! endpoint, Resource Controller, IAM Identity (service ID groups, service IDs, API keys,
//! identity limits), IAM Policy Management and IAM Access Groups, in their real response
//! shapes and pagination styles, with faults injected on request; and the posture APIs
//! (`posture`).

mod posture;

pub(crate) use posture::{ACCOUNTS, ATRACKER, USER_MANAGEMENT, reference_of};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use iamlint::live::{ClientOptions, CollectOptions, Endpoints, Polling};
use serde_json::{Value, json};

use super::account::{ACCOUNT, Account, DEFAULT_GROUP};
use super::server::{Reply, Request, Server};

/// The API key the emulator accepts. It holds the canary, so any leak shows.
pub(crate) const API_KEY: &str = "CANARY-APIKEY-0f9e8d7c6b5a4938";

/// What a fault does when it fires.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    /// Answers with this status (and `Retry-After`, if given) in the service's error shape.
    Status(u16, Option<String>),
    /// Holds the normal answer for this long.
    Slow(Duration),
    /// Sends half of the normal answer's body.
    Truncate,
    /// Revokes every token issued so far: the request gets a 401.
    ExpireTokens,
    /// Pages after the first point back to their own page token.
    RepeatPageToken,
}

/// Random faults for the soak test: each request gets one with probability `rate`, drawn
/// from a seeded generator so a failing seed can be replayed.
#[derive(Debug)]
pub(crate) struct RandomFaults {
    pub(crate) rng: fastrand::Rng,
    pub(crate) rate: f64,
    /// How long a `Slow` fault holds the answer (past the client's timeout).
    pub(crate) slow: Duration,
    pub(crate) fired: usize,
}

impl RandomFaults {
    pub(crate) fn new(seed: u64, rate: f64, slow: Duration) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
            rate,
            slow,
            fired: 0,
        }
    }

    fn draw(&mut self) -> Option<Action> {
        if self.rng.f64() >= self.rate {
            return None;
        }
        self.fired += 1;
        Some(match self.rng.usize(0..6) {
            0 => Action::Status(429, Some("0".to_owned())),
            1 => Action::Status(500, None),
            2 => Action::Status(502, None),
            3 => Action::Status(503, None),
            4 => Action::Slow(self.slow),
            _ => Action::Truncate,
        })
    }
}

#[derive(Debug, Clone)]
struct Fault {
    path: String,
    after: usize,
    times: usize,
    action: Action,
    hits: usize,
    fired: usize,
}

/// One request as the emulator answered it.
#[derive(Debug, Clone)]
pub(crate) struct Logged {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) status: u16,
}

pub(crate) struct State {
    pub(crate) account: Account,
    /// Items per page, whatever the client asks for: small, so every list has pages.
    pub(crate) page_size: usize,
    pub(crate) expires_in: u64,
    /// Error messages quote the API key they were sent (as a careless server might).
    pub(crate) echo_key: bool,
    faults: Vec<Fault>,
    /// Soak mode: every request (but the token's) may get a random fault.
    pub(crate) random_faults: Option<RandomFaults>,
    valid_tokens: Vec<String>,
    pub(crate) tokens_issued: usize,
    pub(crate) log: Vec<Logged>,
    traces: usize,
    /// How many checks of a new report answer 204 (not ready) before it is ready.
    pub(crate) report_pending: usize,
    /// Checks of the latest requested report, per kind (`activity`, `mfa`).
    report_checks: BTreeMap<String, usize>,
    /// The kinds with an earlier report (`reference` `latest` answers).
    pub(crate) earlier_reports: BTreeSet<String>,
}

pub(crate) struct Emulator {
    server: Server,
    state: Arc<Mutex<State>>,
}

impl Emulator {
    pub(crate) fn start(account: Account) -> Self {
        let state = Arc::new(Mutex::new(State {
            account,
            page_size: 2,
            expires_in: 3600,
            echo_key: false,
            faults: Vec::new(),
            random_faults: None,
            valid_tokens: Vec::new(),
            tokens_issued: 0,
            log: Vec::new(),
            traces: 0,
            report_pending: 1,
            report_checks: BTreeMap::new(),
            earlier_reports: BTreeSet::new(),
        }));
        let shared = Arc::clone(&state);
        let server = Server::start(move |request, base| {
            let mut state = shared.lock().unwrap();
            let reply = state.handle(request, base);
            let status = match &reply {
                Reply::Json { status, .. } => *status,
                Reply::Slow(_, inner) => match **inner {
                    Reply::Json { status, .. } => status,
                    _ => 200,
                },
                Reply::Truncated(_) => 200,
            };
            state.log.push(Logged {
                method: request.method.clone(),
                path: request.path.clone(),
                status,
            });
            reply
        });
        Self { server, state }
    }

    pub(crate) fn url(&self) -> String {
        self.server.url()
    }

    /// Fires `action` on requests whose path starts with `path`: skips the first `after`,
    /// then fires `times` times.
    pub(crate) fn fault(&self, path: &str, after: usize, times: usize, action: Action) {
        self.state.lock().unwrap().faults.push(Fault {
            path: path.to_owned(),
            after,
            times,
            action,
            hits: 0,
            fired: 0,
        });
    }

    pub(crate) fn set(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.state.lock().unwrap());
    }

    pub(crate) fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }

    pub(crate) fn tokens_issued(&self) -> usize {
        self.state.lock().unwrap().tokens_issued
    }

    /// IAM and Resource Controller at the root; the other hosts under their prefixes.
    pub(crate) fn endpoints(&self) -> Endpoints {
        let url = self.url();
        Endpoints::parse(&url, &url)
            .unwrap()
            .with_posture(
                &format!("{url}/{}", posture::USER_MANAGEMENT),
                &format!("{url}/{}", posture::ACCOUNTS),
                &format!("{url}/{}/{{region}}", posture::ATRACKER),
            )
            .unwrap()
    }

    /// Options for a collect into `out` with tiny retry delays.
    pub(crate) fn options(&self, out: &std::path::Path) -> CollectOptions {
        CollectOptions {
            out: out.to_path_buf(),
            account: None,
            endpoints: self.endpoints(),
            client: fast_client(),
            keep_secrets: false,
            now: Some(std::time::UNIX_EPOCH + Duration::from_secs(1_767_225_600)),
            atracker_regions: Vec::new(),
            polling: fast_polling(),
        }
    }
}

/// Reports checked every millisecond, 20 times at most, for 2 seconds at most.
pub(crate) fn fast_polling() -> Polling {
    Polling {
        interval: Duration::from_millis(1),
        max_checks: 20,
        max_wait: Duration::from_secs(2),
    }
}

/// Real timeouts, tiny backoff: retries cost milliseconds.
pub(crate) fn fast_client() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        max_attempts: 4,
        backoff_base: Duration::from_millis(1),
        backoff_max: Duration::from_millis(4),
        retry_after_max: Duration::from_secs(2),
        max_pages: 1000,
    }
}

/// The RC, IAM Identity/Policy/Groups and token error shapes of ibm-formats.md section 9.
fn error_body(path: &str, status: u16, code: &str, message: &str, trace: &str) -> Value {
    if path.starts_with("/v2/resource_") {
        json!({"error_code": format!("RC-{code}"), "message": message, "status_code": status,
            "transaction_id": trace})
    } else if path == "/identity/token" {
        json!({"context": {"requestId": trace, "requestType": "incoming.Identity_Token"},
            "errorCode": code, "errorMessage": message})
    } else if path.starts_with("/v1/serviceids") || path.starts_with("/v1/apikeys") {
        json!({"errors": [{"code": code, "message_code": "BXNIM0513E", "message": message,
            "details": "see the IAM Identity documentation"}], "status_code": status, "trace": trace})
    } else {
        json!({"trace": trace, "errors": [{"code": code, "message": message,
            "more_info": "https://cloud.ibm.com/apidocs"}], "status_code": status})
    }
}

/// Page tokens are opaque to the client; here they carry the offset.
fn token_of(offset: usize) -> String {
    format!("pg{offset:03}x")
}

fn offset_of(token: Option<&str>) -> Option<usize> {
    match token {
        None => Some(0),
        Some(token) => token.strip_prefix("pg")?.strip_suffix('x')?.parse().ok(),
    }
}

impl State {
    fn trace(&mut self) -> String {
        self.traces += 1;
        format!("trace-{:04}", self.traces)
    }

    fn error(&mut self, path: &str, status: u16, code: &str, message: &str) -> Reply {
        let trace = self.trace();
        Reply::json(status, &error_body(path, status, code, message, &trace))
    }

    /// The first fault that fires for this path (every matching fault counts the hit).
    fn fire(&mut self, path: &str) -> Option<Action> {
        let mut fired = None;
        for fault in &mut self.faults {
            if !path.starts_with(&fault.path) || matches!(fault.action, Action::RepeatPageToken) {
                continue;
            }
            fault.hits += 1;
            if fired.is_none() && fault.hits > fault.after && fault.fired < fault.times {
                fault.fired += 1;
                fired = Some(fault.action.clone());
            }
        }
        if fired.is_none() && path != "/identity/token" {
            fired = self.random_faults.as_mut().and_then(RandomFaults::draw);
        }
        fired
    }

    fn repeats_tokens(&self, path: &str) -> bool {
        self.faults.iter().any(|fault| {
            path.starts_with(&fault.path) && matches!(fault.action, Action::RepeatPageToken)
        })
    }

    fn handle(&mut self, request: &Request, base: &str) -> Reply {
        let path = request.path.clone();
        let fault = self.fire(&path);
        if matches!(fault, Some(Action::ExpireTokens)) {
            self.valid_tokens.clear();
        }
        if let Some(Action::Status(status, retry_after)) = &fault {
            let reply = self.error(&path, *status, "injected_fault", "injected by the test");
            return match retry_after {
                Some(value) => reply.with_header("Retry-After", value),
                None => reply,
            };
        }
        let reply = if path == "/identity/token" {
            self.token(request)
        } else if !self.authorized(request) {
            self.error(
                &path,
                401,
                "invalid_token",
                "The provided token is expired or revoked",
            )
        } else {
            self.route(request, base)
        };
        match fault {
            Some(Action::Slow(wait)) => Reply::Slow(wait, Box::new(reply)),
            Some(Action::Truncate) => match reply {
                Reply::Json { body, .. } => Reply::Truncated(body),
                other => other,
            },
            _ => reply,
        }
    }

    fn authorized(&self, request: &Request) -> bool {
        request
            .header("Authorization")
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|token| self.valid_tokens.iter().any(|valid| valid == token))
    }

    fn token(&mut self, request: &Request) -> Reply {
        let grant = request.form("grant_type");
        let key = request.form("apikey").unwrap_or_default();
        if request.method != "POST"
            || grant.as_deref() != Some("urn:ibm:params:oauth:grant-type:apikey")
        {
            return self.error(
                "/identity/token",
                400,
                "BXNIM0109E",
                "Property missing or empty",
            );
        }
        if key != API_KEY {
            let message = if self.echo_key {
                format!("Provided API key {key} could not be found.")
            } else {
                "Provided API key could not be found.".to_owned()
            };
            return self.error("/identity/token", 400, "BXNIM0415E", &message);
        }
        self.tokens_issued += 1;
        let claims = json!({"iam_id": "iam-ServiceId-auditor", "id": "iam-ServiceId-auditor",
            "realmid": "iam", "account": {"valid": true, "bss": ACCOUNT}, "exp": 1_767_229_200});
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let token = format!(
            "{}.{}.CANARY-TOKEN-SIGNATURE-{}",
            engine.encode(r#"{"kid":"20260101","alg":"RS256"}"#),
            engine.encode(claims.to_string()),
            self.tokens_issued
        );
        self.valid_tokens.push(token.clone());
        Reply::json(
            200,
            &json!({"access_token": token, "refresh_token": "not_supported", "token_type": "Bearer",
                "expires_in": self.expires_in, "expiration": 1_767_229_200, "scope": "ibm openid"}),
        )
    }

    fn route(&mut self, request: &Request, base: &str) -> Reply {
        let path = request.path.clone();
        if let Some(account) = request.query("account_id")
            && account != ACCOUNT
        {
            return self.error(
                &path,
                403,
                "access_denied",
                "You are not authorized to access this account",
            );
        }
        if let Some(reply) = self.posture(request, base) {
            return reply;
        }
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let account = self.account.clone();
        match segments.as_slice() {
            ["v2", "resource_instances"] => self.resource_list(request, &account.instances),
            ["v2", "resource_keys"] => self.resource_list(request, &account.keys),
            ["v1", "serviceid_groups"] => {
                Reply::json(200, &json!({"serviceid_groups": account.serviceid_groups}))
            }
            ["v1", "serviceids", ""] | ["v1", "serviceids"] => {
                let group = request.query("group_id").unwrap_or(DEFAULT_GROUP);
                let items: Vec<Value> = account
                    .service_ids
                    .iter()
                    .filter(|service_id| service_id["group_id"] == group)
                    .cloned()
                    .collect();
                self.identity_list(request, base, &items, "serviceids")
            }
            ["v1", "apikeys"] => self.identity_list(request, base, &account.api_keys, "apikeys"),
            [version @ ("v1" | "v2"), "policies"] => {
                let items = if *version == "v1" {
                    &account.policies_v1
                } else {
                    &account.policies_v2
                };
                self.policy_list(request, base, items)
            }
            ["v2", "groups"] => self.offset_list(request, base, &account.groups, "groups"),
            ["v2", "groups", group, "members"] => match account.members.get(*group) {
                Some(members) => self.offset_list(request, base, members, "members"),
                None => self.error(&path, 404, "not_found", "Access group not found"),
            },
            ["v1", "accounts", _, "limits", "identity"] => self.limits(request, &account),
            _ => self.error(&path, 404, "not_found", "No such API"),
        }
    }

    /// The items of one page, and the offset of the next page (if any).
    fn slice<'a>(
        &self,
        items: &'a [Value],
        offset: usize,
        asked: Option<&str>,
    ) -> (&'a [Value], Option<usize>) {
        let limit = asked
            .and_then(|limit| limit.parse::<usize>().ok())
            .unwrap_or(usize::MAX)
            .min(self.page_size)
            .max(1);
        let end = (offset + limit).min(items.len());
        let page = items.get(offset..end).unwrap_or(&[]);
        (page, (end < items.len()).then_some(end))
    }

    /// The offset of the page after the one at `offset`: its own offset again (even past
    /// the end) when the test asks for a loop.
    fn next_offset(&self, path: &str, offset: usize, next: Option<usize>) -> Option<usize> {
        if self.repeats_tokens(path) && offset > 0 {
            Some(offset)
        } else {
            next
        }
    }

    fn resource_list(&mut self, request: &Request, items: &[Value]) -> Reply {
        let Some(offset) = offset_of(request.query("start")) else {
            return self.error(&request.path, 400, "BadStart", "Invalid start token");
        };
        let (page, next) = self.slice(items, offset, request.query("limit"));
        let next_url = self.next_offset(&request.path, offset, next).map(|next| {
            format!(
                "{}?start={}&limit={}",
                request.path,
                token_of(next),
                self.page_size
            )
        });
        Reply::json(
            200,
            &json!({"rows_count": page.len(), "next_url": next_url, "resources": page}),
        )
    }

    fn identity_list(
        &mut self,
        request: &Request,
        base: &str,
        items: &[Value],
        member: &str,
    ) -> Reply {
        let Some(offset) = offset_of(request.query("pagetoken")) else {
            return self.error(
                &request.path,
                400,
                "invalid_pagetoken",
                "Invalid page token",
            );
        };
        let (page, next) = self.slice(items, offset, request.query("pagesize"));
        let mut body = json!({"offset": offset, "limit": self.page_size,
            "first": format!("{base}{}?account_id={ACCOUNT}", request.path), member: page});
        if let Some(next) = self.next_offset(&request.path, offset, next) {
            let href = format!(
                "{base}{}?account_id={ACCOUNT}&pagetoken={}",
                request.path,
                token_of(next)
            );
            // Both spellings IBM uses: a URL string (the SDK model) and `{href}` (a doc example).
            body["next"] = if (offset / self.page_size).is_multiple_of(2) {
                json!(href)
            } else {
                json!({"href": href})
            };
        }
        Reply::json(200, &body)
    }

    fn policy_list(&mut self, request: &Request, base: &str, items: &[Value]) -> Reply {
        let Some(offset) = offset_of(request.query("start")) else {
            return self.error(&request.path, 400, "invalid_start", "Invalid start");
        };
        let (page, next) = self.slice(items, offset, request.query("limit"));
        let link = |start: Option<String>| match start {
            Some(start) => {
                json!({"href": format!("{base}{}?account_id={ACCOUNT}&start={start}", request.path), "start": start})
            }
            None => json!({"href": format!("{base}{}?account_id={ACCOUNT}", request.path)}),
        };
        let mut body = json!({"limit": self.page_size, "first": link(None), "policies": page});
        if let Some(next) = self.next_offset(&request.path, offset, next) {
            body["next"] = link(Some(token_of(next)));
        }
        Reply::json(200, &body)
    }

    fn offset_list(
        &mut self,
        request: &Request,
        base: &str,
        items: &[Value],
        member: &str,
    ) -> Reply {
        let offset = request
            .query("offset")
            .and_then(|offset| offset.parse().ok())
            .unwrap_or(0);
        let (page, next) = self.slice(items, offset, request.query("limit"));
        let href = |offset: usize| {
            format!(
                "{base}{}?limit={}&offset={offset}",
                request.path, self.page_size
            )
        };
        let mut body = json!({"limit": self.page_size, "offset": offset, "total_count": items.len(),
            "first": {"href": format!("{base}{}?limit={}", request.path, self.page_size)},
            "last": {"href": href(items.len().saturating_sub(1) / self.page_size * self.page_size)},
            member: page});
        if let Some(next) = self.next_offset(&request.path, offset, next) {
            body["next"] = json!({"href": href(next)});
        }
        Reply::json(200, &body)
    }

    fn limits(&mut self, request: &Request, account: &Account) -> Reply {
        let ids = |name: &str| -> Vec<String> {
            request
                .query(name)
                .map(|list| list.split(',').map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let groups: Vec<Value> = ids("serviceids_per_group")
            .iter()
            .map(|group| {
                let count = account
                    .service_ids
                    .iter()
                    .filter(|service_id| service_id["group_id"] == group.as_str())
                    .count();
                json!({"group_id": group, "count": count})
            })
            .collect();
        let identities: Vec<Value> = ids("apikeys_per_identity")
            .iter()
            .map(|iam_id| {
                let count = account
                    .api_keys
                    .iter()
                    .filter(|key| key["iam_id"] == iam_id.as_str())
                    .count();
                json!({"iam_id": iam_id, "count": count})
            })
            .collect();
        Reply::json(
            200,
            &json!({
                "serviceid_groups": {"limit": 5, "count": account.serviceid_groups.len()},
                "serviceids_per_group": {"limit": account.service_id_limit, "serviceid_groups": groups},
                "profiles": {"limit": 2000, "count": 0},
                "apikeys_per_identity": {"limit": account.api_key_limit, "identities": identities},
                "idps": {"limit": 5, "count": 0}
            }),
        )
    }
}
