//! `apikey-leak-action`: an API key that IBM leaves active when it finds the key leaked
//! (`action_when_leaked: none`).

use super::apikeys;
use super::{Finding, RuleContext, Severity};
use crate::model::EntityRef;

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if let Some(missing) = apikeys::missing_export(context, "what happens to a leaked API key") {
        missing.push(out);
        return;
    }
    for api_key in &inventory.api_keys {
        let owner = apikeys::owner_label(inventory, api_key);
        let name = api_key.display_name();
        match api_key.action_when_leaked.as_deref() {
            Some(action) if action.eq_ignore_ascii_case("none") => context
                .finding(
                    EntityRef::api_key(api_key),
                    api_key.origin.key("action_when_leaked"),
                    "a leaked key stays active",
                )
                .message(format!(
                    "API key `{name}` of {owner} stays active when IBM detects it leaked \
                     (`action_when_leaked: none`)"
                ))
                .remediation(context.meta.fix_with(&[("APIKEY_ID", &api_key.id)]))
                .push(out),
            // Any other action (`disable`, `delete`) acts on a leak: a pass.
            Some(_) => context.evaluated_entity(api_key),
            None => context
                .finding(
                    EntityRef::api_key(api_key),
                    api_key.origin.clone(),
                    "no `action_when_leaked`",
                )
                .severity(Severity::Info)
                .unknown()
                .message(format!(
                    "cannot tell what happens when API key `{name}` of {owner} leaks: the \
                     export has no `action_when_leaked` for it"
                ))
                .remediation(
                    apikeys::EXPORT_API_KEYS
                        .replace("<ACCOUNT_ID>", &apikeys::account_id(inventory)),
                )
                .push(out),
        }
    }
}
