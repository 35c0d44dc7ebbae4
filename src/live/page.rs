//! Pagination in the styles of the IBM APIs (ibm-formats.md sections 1-3), with loop and
//! page-bound detection.
//!
//! The next page is always requested from the endpoint the user chose: only the page token
//! is taken from a `next` link, never its host, so a link cannot send the bearer token
//! elsewhere and private endpoints stay private.

use std::collections::HashSet;

use reqwest::Url;
use serde_json::Value;

use super::Observer;
use super::client::Client;
use super::error::{ApiError, ApiErrorKind};

/// How a list API says where the next page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paging {
    /// Resource Controller: a relative `next_url` (`/v2/...?start=<token>`), `null` at the end.
    NextUrl,
    /// IAM Identity: `next` as a URL string or `{href}` carrying `pagetoken`, absent at the end.
    PageToken,
    /// IAM Policy Management: `next: {href, start}`.
    Start,
    /// IAM Access Groups: `next: {href}` carrying `offset`.
    Offset,
    /// User Management: a `next_url` carrying `_start`, absent at the end.
    UnderscoreStart,
}

/// Every item of every page, and the first page itself (its list emptied).
pub(crate) struct Listed {
    pub items: Vec<Value>,
    pub first_page: Value,
}

/// Fetches `first` and every following page, collecting the `member` array of each.
/// `already` is what the collection gathered before this list, for the progress count.
pub(crate) fn list(
    client: &mut Client,
    first: Url,
    paging: Paging,
    member: &str,
    already: usize,
    observer: &mut dyn Observer,
) -> Result<Listed, ApiError> {
    let max_pages = client.options().max_pages;
    let mut url = first;
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    let mut first_page = None;
    let mut pages = 0;
    loop {
        pages += 1;
        if pages > max_pages {
            return Err(ApiError::new(
                ApiErrorKind::Pagination,
                format!("GET {url}: stopped after {max_pages} pages: the list does not end"),
            ));
        }
        let mut page = client.get_json(&url, observer)?;
        let Some(Value::Array(batch)) = page.get_mut(member).map(Value::take) else {
            return Err(ApiError::new(
                ApiErrorKind::Decode,
                format!("GET {url}: expected a `{member}` array in the response"),
            ));
        };
        items.extend(batch);
        observer.items(already + items.len());
        let next = next_page(&page, paging, &url).map_err(|message| {
            ApiError::new(ApiErrorKind::Pagination, format!("GET {url}: {message}"))
        })?;
        if first_page.is_none() {
            first_page = Some(page);
        }
        let Some((token, next)) = next else {
            break;
        };
        if !seen.insert(token.clone()) {
            return Err(ApiError::new(
                ApiErrorKind::Pagination,
                format!(
                    "GET {url}: the server returned the page token `{}` a second time; \
                     stopped to avoid a pagination loop",
                    super::error::one_line(&token, 60)
                ),
            ));
        }
        url = next;
    }
    Ok(Listed {
        items,
        first_page: first_page.unwrap_or(Value::Null),
    })
}

/// The token and URL of the next page, `None` on the last page.
fn next_page(page: &Value, paging: Paging, current: &Url) -> Result<Option<(String, Url)>, String> {
    let link = |value: Option<&Value>| -> Option<String> {
        match value? {
            Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
            Value::Object(object) => object
                .get("href")
                .and_then(Value::as_str)
                .filter(|href| !href.trim().is_empty())
                .map(str::to_owned),
            _ => None,
        }
    };
    match paging {
        Paging::NextUrl => {
            let Some(next) = link(page.get("next_url")) else {
                return Ok(None);
            };
            // The SDK pager reads `start` from the link; older links used other parameters,
            // so without `start` the link's path and query are used on our endpoint.
            match query_value(current, &next, "start") {
                Some(start) => Ok(Some((start.clone(), with_query(current, "start", &start)))),
                None => Ok(Some((next.clone(), same_origin(current, &next)?))),
            }
        }
        Paging::PageToken => {
            let Some(next) = link(page.get("next")) else {
                return Ok(None);
            };
            let token = query_value(current, &next, "pagetoken")
                .ok_or_else(|| "the `next` link has no `pagetoken`".to_owned())?;
            Ok(Some((
                token.clone(),
                with_query(current, "pagetoken", &token),
            )))
        }
        Paging::Start => {
            let Some(next) = page.get("next").filter(|next| !next.is_null()) else {
                return Ok(None);
            };
            let start = next
                .get("start")
                .and_then(Value::as_str)
                .filter(|start| !start.is_empty())
                .map(str::to_owned)
                .or_else(|| link(Some(next)).and_then(|href| query_value(current, &href, "start")));
            match start {
                Some(start) => Ok(Some((start.clone(), with_query(current, "start", &start)))),
                None => Err("the `next` link has no `start` token".to_owned()),
            }
        }
        Paging::UnderscoreStart => {
            let Some(next) = link(page.get("next_url")) else {
                return Ok(None);
            };
            let start = query_value(current, &next, "_start")
                .ok_or_else(|| "the `next_url` link has no `_start`".to_owned())?;
            Ok(Some((start.clone(), with_query(current, "_start", &start))))
        }
        Paging::Offset => {
            let Some(next) = link(page.get("next")) else {
                return Ok(None);
            };
            match query_value(current, &next, "offset") {
                Some(offset) => Ok(Some((
                    offset.clone(),
                    with_query(current, "offset", &offset),
                ))),
                None => Ok(Some((next.clone(), same_origin(current, &next)?))),
            }
        }
    }
}

/// The value of query parameter `name` in `link` (absolute, or relative to `current`).
fn query_value(current: &Url, link: &str, name: &str) -> Option<String> {
    let url = current.join(link).ok()?;
    url.query_pairs()
        .find(|(key, value)| key == name && !value.is_empty())
        .map(|(_, value)| value.into_owned())
}

/// `current` with query parameter `name` set to `value` (replacing any earlier value).
fn with_query(current: &Url, name: &str, value: &str) -> Url {
    let pairs: Vec<(String, String)> = current
        .query_pairs()
        .filter(|(key, _)| key != name)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let mut url = current.clone();
    {
        let mut query = url.query_pairs_mut();
        query.clear();
        for (key, value) in &pairs {
            query.append_pair(key, value);
        }
        query.append_pair(name, value);
    }
    url
}

/// The path and query of `link` on the scheme, host and port of `current`.
fn same_origin(current: &Url, link: &str) -> Result<Url, String> {
    let joined = current
        .join(link)
        .map_err(|error| format!("the next-page link is not a URL: {error}"))?;
    let mut url = current.clone();
    url.set_path(joined.path());
    url.set_query(joined.query());
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn next(page: Value, paging: Paging) -> Option<String> {
        let current =
            Url::parse("https://iam.example/v1/serviceids/?account_id=a&pagesize=100").unwrap();
        next_page(&page, paging, &current)
            .unwrap()
            .map(|(token, url)| format!("{token} {url}"))
    }

    #[test]
    fn follows_each_style_on_our_own_endpoint() {
        assert_eq!(
            next(
                json!({"next": "https://elsewhere.example/v1/serviceids/?pagetoken=T2"}),
                Paging::PageToken
            )
            .unwrap(),
            "T2 https://iam.example/v1/serviceids/?account_id=a&pagesize=100&pagetoken=T2"
        );
        assert_eq!(
            next(
                json!({"next": {"href": "/v1/serviceids/?pagetoken=T3"}}),
                Paging::PageToken
            )
            .unwrap(),
            "T3 https://iam.example/v1/serviceids/?account_id=a&pagesize=100&pagetoken=T3"
        );
        assert_eq!(next(json!({"serviceids": []}), Paging::PageToken), None);
        assert_eq!(
            next(
                json!({"next": {"href": "https://x/v1/policies?start=S", "start": "S"}}),
                Paging::Start
            )
            .unwrap(),
            "S https://iam.example/v1/serviceids/?account_id=a&pagesize=100&start=S"
        );
        assert_eq!(
            next(
                json!({"next_url": "/v2/resource_keys?start=R&limit=100"}),
                Paging::NextUrl
            )
            .unwrap(),
            "R https://iam.example/v1/serviceids/?account_id=a&pagesize=100&start=R"
        );
        assert_eq!(
            next(
                json!({"next_url": "/v2/resource_keys?next_docid=D"}),
                Paging::NextUrl
            )
            .unwrap(),
            "/v2/resource_keys?next_docid=D https://iam.example/v2/resource_keys?next_docid=D"
        );
        assert_eq!(next(json!({"next_url": null}), Paging::NextUrl), None);
        assert_eq!(
            next(
                json!({"next_url": "/v2/accounts/a/users?limit=100&_start=U2"}),
                Paging::UnderscoreStart
            )
            .unwrap(),
            "U2 https://iam.example/v1/serviceids/?account_id=a&pagesize=100&_start=U2"
        );
        assert_eq!(
            next(json!({"resources": []}), Paging::UnderscoreStart),
            None
        );
        assert_eq!(
            next(
                json!({"next": {"href": "https://x/v2/groups?offset=100&limit=100"}}),
                Paging::Offset
            )
            .unwrap(),
            "100 https://iam.example/v1/serviceids/?account_id=a&pagesize=100&offset=100"
        );
        let current = Url::parse("https://iam.example/v1/serviceids/").unwrap();
        assert!(
            next_page(
                &json!({"next": "https://x/no-token"}),
                Paging::PageToken,
                &current
            )
            .is_err()
        );
    }
}
