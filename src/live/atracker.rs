//! Activity Tracker Event Routing v2: the account's routes (`GET /api/v2/routes`:
//! `RouteList`, `{routes}`, each with `rules[]` of `{target_ids, locations}`) and targets
//! (`GET /api/v2/targets`: `TargetList`, `{targets}`), written as `atracker_routes.json` and
//! `atracker_targets.json`. Neither list is paginated.
//!
//! The endpoints are regional, but routes are global to the account and readable from any
//! regional endpoint, and the target list holds every target of the account: one region that
//! answers is enough. The regions are tried in order; a 403 is the account's answer and
//! stops the search, any other failure tries the next region.

use serde_json::Value;

use super::error::ApiErrorKind;
use super::{ApiError, Ctx, Gathered};

/// The regions tried when none is given: Dallas first (the SDK's default endpoint), then
/// Frankfurt and Washington.
pub const DEFAULT_ATRACKER_REGIONS: [&str; 3] = ["us-south", "eu-de", "us-east"];

pub(crate) fn routes(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    list(ctx, "routes", "atracker_routes.json")
}

pub(crate) fn targets(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    list(ctx, "targets", "atracker_targets.json")
}

fn list(ctx: &mut Ctx<'_>, member: &str, file: &str) -> Result<Gathered<()>, ApiError> {
    let regions: Vec<String> = if ctx.options.atracker_regions.is_empty() {
        DEFAULT_ATRACKER_REGIONS.map(str::to_owned).to_vec()
    } else {
        ctx.options.atracker_regions.clone()
    };
    let mut failures = Vec::new();
    let mut last = None;
    for region in &regions {
        match in_region(ctx, region, member) {
            Ok((document, count)) => {
                let note = (!failures.is_empty())
                    .then(|| format!("read in {region}; {}", failures.join("; ")));
                return Ok(Gathered {
                    files: vec![(file.to_owned(), document)],
                    count,
                    partial: None,
                    note,
                    public: false,
                    extra: (),
                });
            }
            Err(error) if error.is_forbidden() => return Err(error),
            Err(error) => {
                failures.push(format!("{region}: {}", error.message));
                last = Some(error);
            }
        }
    }
    Err(match last {
        // One region: its own error, so a 404 stays a 404.
        Some(error) if failures.len() == 1 => error,
        Some(error) => ApiError {
            message: format!("no region answered: {}", failures.join("; ")),
            ..error
        },
        None => ApiError::new(
            ApiErrorKind::Transport,
            "no Activity Tracker Event Routing region to ask",
        ),
    })
}

fn in_region(ctx: &mut Ctx<'_>, region: &str, member: &str) -> Result<(Value, usize), ApiError> {
    let url = ctx.atracker(region, &["api", "v2", member])?;
    let (document, count) = ctx.get_list(&url, member)?;
    ctx.observer.items(count);
    Ok((document, count))
}
