//! Shared reasoning of the account-level rules (IAM settings, audit routing): whether the
//! run holds anything of the account at all, and the one `unknown` a rule says when the
//! document it needs was not loaded.

use super::apikeys::account_id;
use super::{Finding, RuleContext, Severity};
use crate::model::{EntityRef, IdentitySettings, Inventory, Origin, Setting};

/// Whether an export of the account was loaded (a list, a settings document, a route or
/// target list). A Terraform plan alone declares part of an account: it says nothing about
/// the settings it does not declare, and the account-level rules stay silent on it.
pub(super) fn account_exported(inventory: &Inventory) -> bool {
    let collections = &inventory.collections;
    let posture = &collections.posture;
    collections.any()
        || collections.access_groups
        || collections.access_group_members
        || posture.identity_settings
        || posture.access_group_settings
        || posture.routes
        || posture.routing_targets
}

/// The account's id for messages and commands: its settings' or routes' own, else what its
/// entities name, else `<ACCOUNT_ID>`.
pub(super) fn account_of(inventory: &Inventory) -> String {
    inventory
        .identity_settings
        .iter()
        .map(|settings| &settings.account)
        .chain(inventory.access_group_settings.iter().map(|s| &s.account))
        .chain(inventory.routes.iter().map(|route| &route.account))
        .chain(
            inventory
                .routing_targets
                .iter()
                .map(|target| &target.account),
        )
        .find_map(|account| account.as_deref().map(str::to_owned))
        .or_else(|| inventory.accounts.ids().flatten().next().map(str::to_owned))
        .unwrap_or_else(|| account_id(inventory))
}

/// The origin of the first of `items` (only of one no Terraform configuration or plan
/// declares, when `exported`).
pub(super) fn first<T>(
    items: &[T],
    exported: bool,
    declared: impl Fn(&T) -> bool,
    origin: impl Fn(&T) -> &Origin,
) -> Option<Origin> {
    items
        .iter()
        .find(|item| !exported || !declared(item))
        .map(|item| origin(item).clone())
}

/// The first place the account's inputs hold: where a finding about the account as a whole
/// points when no document of its own is there. An exported entity first: in a repository
/// of `.tf` modules and exports, an account-level `unknown` belongs with the exports, not on
/// an unrelated resource block.
pub(super) fn anchor(inventory: &Inventory) -> Option<Origin> {
    let pick = |exported: bool| {
        first(
            &inventory.identity_settings,
            exported,
            |s| s.declaration.is_some(),
            |s| &s.origin,
        )
        .or_else(|| {
            first(
                &inventory.access_group_settings,
                exported,
                |s| s.declaration.is_some(),
                |s| &s.origin,
            )
        })
        .or_else(|| inventory.route_lists.first().cloned())
        .or_else(|| {
            first(
                &inventory.routes,
                exported,
                |r| r.declaration.is_some(),
                |r| &r.origin,
            )
        })
        .or_else(|| {
            first(
                &inventory.routing_targets,
                exported,
                |t| t.declaration.is_some(),
                |t| &t.origin,
            )
        })
        .or_else(|| {
            first(
                &inventory.service_ids,
                exported,
                |i| i.declaration.is_some(),
                |i| &i.origin,
            )
        })
        .or_else(|| {
            first(
                &inventory.keys,
                exported,
                |k| k.declaration.is_some(),
                |k| &k.origin,
            )
        })
        .or_else(|| {
            first(
                &inventory.instances,
                exported,
                |i| i.declaration.is_some(),
                |i| &i.origin,
            )
        })
        .or_else(|| {
            first(
                &inventory.api_keys,
                exported,
                |k| k.declaration.is_some(),
                |k| &k.origin,
            )
        })
        .or_else(|| {
            first(
                &inventory.policies,
                exported,
                |p| p.declaration.is_some(),
                |p| &p.origin,
            )
        })
        .or_else(|| {
            inventory
                .access_groups
                .first()
                .map(|group| group.origin.clone())
        })
    };
    pick(true).or_else(|| pick(false))
}

/// The `unknown` of a rule whose document was not loaded: said once per account, at the
/// first place its inputs hold, naming what to export. Nothing when no export of the
/// account was loaded (a plan alone).
pub(super) fn not_loaded(
    context: &RuleContext<'_>,
    out: &mut Vec<Finding>,
    what: &str,
    export: &str,
) {
    let inventory = context.inventory;
    if !account_exported(inventory) {
        return;
    }
    let Some(origin) = anchor(inventory) else {
        return;
    };
    let account = account_of(inventory);
    let subject = EntityRef::account(Some(&account), what, &origin, None);
    context
        .finding(subject, origin, format!("{what} not exported"))
        .severity(Severity::Info)
        .unknown()
        .message(format!(
            "no {what} document was loaded, so `{}` cannot be judged",
            context.id
        ))
        .remediation(export.replace("<ACCOUNT_ID>", &account))
        .push(out);
}

/// How to export the IAM Identity account settings.
pub(super) const EXPORT_IDENTITY_SETTINGS: &str = "export the IAM account settings: curl -H \
     \"Authorization: $(ibmcloud iam oauth-tokens --output json | jq -r .iam_token)\" \
     https://iam.cloud.ibm.com/v1/accounts/<ACCOUNT_ID>/settings/identity > \
     account_settings.json (or `iamlint collect`)";

/// One account's IAM Identity setting, to be judged.
pub(super) struct Judged<'a> {
    pub account: String,
    pub subject: EntityRef,
    pub setting: &'a Setting<String>,
}

/// Each account's IAM Identity settings with the member `pick` reads, or the one `unknown`
/// when none was loaded; the caller judges each value.
pub(super) fn identity_settings<'a>(
    context: &RuleContext<'a>,
    out: &mut Vec<Finding>,
    pick: fn(&IdentitySettings) -> Option<&Setting<String>>,
    member: &str,
) -> Vec<Judged<'a>> {
    let inventory = context.inventory;
    if inventory.identity_settings.is_empty() {
        not_loaded(
            context,
            out,
            "IAM account settings",
            EXPORT_IDENTITY_SETTINGS,
        );
        return Vec::new();
    }
    let mut judged = Vec::new();
    for settings in &inventory.identity_settings {
        let account = settings
            .account
            .as_deref()
            .map_or_else(|| account_of(inventory), str::to_owned);
        let subject = EntityRef::account(
            Some(&account),
            "IAM account settings",
            &settings.origin,
            settings.declaration.as_deref(),
        );
        let Some(setting) = pick(settings) else {
            context
                .finding(
                    subject,
                    settings.origin.clone(),
                    format!("no `{member}` here"),
                )
                .severity(Severity::Info)
                .unknown()
                .message(format!(
                    "the IAM account settings of account `{account}` do not say \
                     `{member}`, so `{}` cannot be judged",
                    context.id
                ))
                .remediation(EXPORT_IDENTITY_SETTINGS.replace("<ACCOUNT_ID>", &account))
                .push(out);
            continue;
        };
        judged.push(Judged {
            account,
            subject,
            setting,
        });
    }
    judged
}
