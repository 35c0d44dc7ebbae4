//! `apikey-no-expiry`: a service ID API key that never expires.
//!
//! Service ID keys live in pipelines and configuration files, where nobody notices them
//! being copied; an expiry bounds how long a copy works. User keys are left to
//! `apikey-rotation`, as they follow their owner.

use super::apikeys;
use super::{Finding, RuleContext};
use crate::model::EntityRef;

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if let Some(missing) = apikeys::missing_export(context, "the expiry of service ID API keys") {
        missing.push(out);
        return;
    }
    for api_key in &inventory.api_keys {
        // User keys are not this rule's business.
        if api_key.service_id().is_none() {
            continue;
        }
        if api_key.expires_at.is_some() {
            context.evaluated_entity(api_key);
            continue;
        }
        context
            .finding(
                EntityRef::api_key(api_key),
                api_key.origin.clone(),
                "no `expires_at`",
            )
            .message(format!(
                "API key `{}` of {} never expires (no `expires_at`)",
                api_key.display_name(),
                apikeys::owner_label(inventory, api_key)
            ))
            .remediation(context.meta.fix_with(&[("APIKEY_ID", &api_key.id)]))
            .push(out);
    }
}
