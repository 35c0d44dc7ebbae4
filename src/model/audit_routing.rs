//! Activity Tracker Event Routing: the routes and targets of an account
//! (`GET /api/v2/routes`, `GET /api/v2/targets` of `atrackerv2`; Terraform
//! `ibm_atracker_route`, `ibm_atracker_target`). Routes are global to the account; a rule of
//! a route sends the events of its `locations` (regions, `global` for account-wide events
//! such as IAM's, `*` for every location) to its targets. A route of the retired v1 API
//! (`/api/v1/routes`) has no `locations`: `receive_global_events: true` sends the global
//! events through every rule of the route.

use super::declaration::Declaration;
use super::origin::Origin;

/// The location of the events that belong to no region (IAM, account management).
pub const GLOBAL_LOCATION: &str = "global";
/// The location that matches every location, `global` included.
pub const ANY_LOCATION: &str = "*";

/// One rule of a route.
#[derive(Debug, Clone)]
pub struct RouteRule {
    /// Target ids as written; a plan's computed id is a `<...>` placeholder.
    pub target_ids: Vec<String>,
    pub locations: Vec<String>,
    /// The locations are known only at apply time (a Terraform plan computes them), so
    /// whether the rule takes global events is unknown.
    pub locations_unknown: bool,
    pub origin: Origin,
}

impl RouteRule {
    /// Whether the rule takes global events (`global` or `*`).
    pub fn takes_global_events(&self) -> bool {
        self.locations
            .iter()
            .any(|location| location == GLOBAL_LOCATION || location == ANY_LOCATION)
    }
}

/// A route.
#[derive(Debug, Clone)]
pub struct Route {
    pub id: String,
    pub name: Option<String>,
    pub crn: Option<String>,
    pub rules: Vec<RouteRule>,
    /// `receive_global_events` of a v1 route (or an older provider's `ibm_atracker_route`);
    /// `None` for a v2 route, whose rules' `locations` say it.
    pub receive_global_events: Option<bool>,
    pub origin: Origin,
    pub declaration: Option<Box<Declaration>>,
    pub account: Option<std::sync::Arc<str>>,
}

impl Route {
    /// Whether `rule`, one of this route's, sends global events: by its `locations`, or
    /// because the (v1) route receives global events.
    pub fn takes_global_events(&self, rule: &RouteRule) -> bool {
        self.receive_global_events == Some(true) || rule.takes_global_events()
    }
}

/// A target: where routed events are written (Cloud Object Storage, Event Streams, Cloud
/// Logs, ...).
#[derive(Debug, Clone)]
pub struct RoutingTarget {
    /// The id routes name; a plan's computed id is a `<...>` placeholder.
    pub id: String,
    pub name: Option<String>,
    pub crn: Option<String>,
    pub target_type: Option<String>,
    /// `write_status.status`: `success` or `failed` when the service last wrote to it.
    pub write_status: Option<String>,
    pub origin: Origin,
    pub declaration: Option<Box<Declaration>>,
    pub account: Option<std::sync::Arc<str>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, Pointer};

    #[test]
    fn global_and_any_location_take_global_events_a_region_does_not() {
        let rule = |locations: &[&str]| RouteRule {
            target_ids: Vec::new(),
            locations: locations.iter().map(|l| (*l).to_owned()).collect(),
            locations_unknown: false,
            origin: Origin::new(DocId(0), Pointer::root()),
        };
        assert!(rule(&["us-south", "global"]).takes_global_events());
        assert!(rule(&["*"]).takes_global_events());
        assert!(!rule(&["us-south", "eu-de"]).takes_global_events());
        assert!(!rule(&["Global "]).takes_global_events());
    }

    #[test]
    fn a_v1_route_receiving_global_events_sends_them_through_every_rule() {
        let route = |receive_global_events| Route {
            id: "r".to_owned(),
            name: None,
            crn: None,
            rules: vec![RouteRule {
                target_ids: vec!["t".to_owned()],
                locations: Vec::new(),
                locations_unknown: false,
                origin: Origin::new(DocId(0), Pointer::root()),
            }],
            receive_global_events,
            origin: Origin::new(DocId(0), Pointer::root()),
            declaration: None,
            account: None,
        };
        for (receive, takes) in [(Some(true), true), (Some(false), false), (None, false)] {
            let route = route(receive);
            assert_eq!(route.takes_global_events(&route.rules[0]), takes);
        }
    }
}
