//! `audit-global-events-unrouted`: no Activity Tracker Event Routing route sends the
//! account's `global` events (IAM, account management) to a target that exists (CIS 1.18).
//!
//! A rule of a route takes global events when its `locations` name `global` or `*` (or, in
//! a route of the retired v1 API, when the route sets `receive_global_events`). Its
//! targets must be among the exported targets; a target id a Terraform plan computes (a
//! `<...>` placeholder) counts when the plan declares a target.

use super::posture::{account_of, not_loaded};
use super::{Finding, RuleContext, Severity};
use crate::model::{EntityRef, Inventory, Origin, Route, RouteRule};

const EXPORT_ROUTES: &str = "export the routes: curl -H \"Authorization: $(ibmcloud iam \
     oauth-tokens --output json | jq -r .iam_token)\" \
     https://us-south.atracker.cloud.ibm.com/api/v2/routes > atracker_routes.json (routes are \
     global, so any regional endpoint lists them all), or `iamlint collect`";

const EXPORT_TARGETS: &str = "export the targets too: curl -H \"Authorization: $(ibmcloud iam \
     oauth-tokens --output json | jq -r .iam_token)\" \
     https://us-south.atracker.cloud.ibm.com/api/v2/targets > atracker_targets.json";

/// Whether a target id names a target the inputs hold.
fn exists(inventory: &Inventory, id: &str) -> bool {
    let targets = &inventory.routing_targets;
    targets.iter().any(|target| target.id == id)
        || (id.starts_with('<') && targets.iter().any(|target| target.declaration.is_some()))
}

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if !inventory.collections.posture.routes && inventory.routes.is_empty() {
        not_loaded(
            context,
            out,
            "Activity Tracker Event Routing routes",
            EXPORT_ROUTES,
        );
        return;
    }
    let account = account_of(inventory);
    let Some(origin) = inventory
        .route_lists
        .first()
        .cloned()
        .or_else(|| inventory.routes.first().map(|route| route.origin.clone()))
    else {
        return;
    };
    let subject = EntityRef::account(
        Some(&account),
        "Activity Tracker Event Routing routes",
        &origin,
        None,
    );
    let global: Vec<(&Route, &RouteRule)> = inventory
        .routes
        .iter()
        .flat_map(|route| route.rules.iter().map(move |rule| (route, rule)))
        .filter(|(route, rule)| route.takes_global_events(rule))
        .collect();
    // A rule whose locations a plan computes may take global events: not a pass, not a
    // fail either.
    let computed = inventory.routes.iter().find_map(|route| {
        route
            .rules
            .iter()
            .find(|rule| rule.locations_unknown)
            .map(|rule| (route, rule))
    });
    if let (None, Some((route, rule))) = (global.first(), computed) {
        // A plan's route is named by its address: its name and id may both be computed.
        let named = match (&route.name, &route.declaration) {
            (Some(name), _) => name.clone(),
            (None, Some(declaration)) => declaration.address.clone(),
            (None, None) => route.id.clone(),
        };
        context
            .finding(subject, rule.origin.key("locations"), "locations unknown")
            .severity(Severity::Info)
            .unknown()
            .message(format!(
                "cannot tell whether account `{account}` routes its global events: the \
                 `locations` of route `{named}` are known only after apply, and no other \
                 rule names `global` (or `*`)"
            ))
            .remediation(context.meta.fix_with(&[("ACCOUNT_ID", &account)]))
            .push(out);
        return;
    }
    let Some(&(first_route, first_rule)) = global.first() else {
        let label = if inventory.routes.is_empty() {
            "no route"
        } else {
            "no rule takes `global` events"
        };
        context
            .finding(subject, origin, label)
            .message(if inventory.routes.is_empty() {
                format!(
                    "account `{account}` has no Activity Tracker Event Routing route, so its \
                     global events (IAM, account management) are dropped"
                )
            } else {
                format!(
                    "account `{account}` routes no global events: no rule of its Activity \
                     Tracker Event Routing {} names `global` (or `*`) in its `locations`{}, so \
                     IAM and account events are dropped",
                    match inventory.routes.len() {
                        1 => "route".to_owned(),
                        count => format!("routes ({count})"),
                    },
                    if inventory
                        .routes
                        .iter()
                        .any(|route| route.receive_global_events.is_some())
                    {
                        " and no v1 route sets `receive_global_events`"
                    } else {
                        ""
                    }
                )
            })
            .remediation(context.meta.fix_with(&[("ACCOUNT_ID", &account)]))
            .push(out);
        return;
    };
    if global
        .iter()
        .any(|(_, rule)| rule.target_ids.iter().any(|id| exists(inventory, id)))
    {
        context.evaluated(subject);
        return;
    }
    let targets_known =
        inventory.collections.posture.routing_targets || !inventory.routing_targets.is_empty();
    let pointed: Origin = first_rule.origin.key("target_ids");
    let named = |route: &Route| route.name.clone().unwrap_or_else(|| route.id.clone());
    let ids = first_rule.target_ids.join("`, `");
    if !targets_known && !first_rule.target_ids.is_empty() {
        context
            .finding(subject, pointed, "targets not exported")
            .severity(Severity::Info)
            .unknown()
            .message(format!(
                "route `{}` sends global events to `{ids}`, but no target list was loaded, so \
                 whether those targets exist is unknown",
                named(first_route)
            ))
            .remediation(EXPORT_TARGETS)
            .push(out);
        return;
    }
    let reason = if first_rule.target_ids.is_empty() {
        "to no target".to_owned()
    } else {
        format!("only to targets that do not exist (`{ids}`)")
    };
    context
        .finding(subject, pointed, "no existing target")
        .message(format!(
            "account `{account}` routes no global events: route `{}` sends them {reason}, so \
             IAM and account events are dropped",
            named(first_route)
        ))
        .remediation(context.meta.fix_with(&[("ACCOUNT_ID", &account)]))
        .push(out);
}
