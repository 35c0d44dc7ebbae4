//! `account-mfa-disabled`: the account requires no multi-factor authentication at login
//! (IAM Identity setting `mfa` is `NONE` or `NONE_NO_ROPC`; CIS 1.9).

use super::posture::identity_settings;
use super::{Finding, RuleContext};
use crate::model::{IdentitySettings, Setting};

/// The `mfa` values that require no second factor (`NONE_NO_ROPC` only forbids password
/// logins from the CLI).
const NO_MFA: [&str; 2] = ["NONE", "NONE_NO_ROPC"];

fn mfa(settings: &IdentitySettings) -> Option<&Setting<String>> {
    settings.mfa.as_ref()
}

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    for judged in identity_settings(context, out, mfa, "mfa") {
        let value = judged.setting.value.as_str();
        if !NO_MFA.contains(&value) {
            context.evaluated(judged.subject);
            continue;
        }
        context
            .finding(
                judged.subject,
                judged.setting.origin.clone(),
                format!("`mfa` is {value}"),
            )
            .message(format!(
                "account `{}` requires no multi-factor authentication at login (`mfa` is \
                 `{value}`): a stolen password is enough to sign in",
                judged.account
            ))
            .remediation(context.meta.fix_with(&[("ACCOUNT_ID", &judged.account)]))
            .push(out);
    }
}
