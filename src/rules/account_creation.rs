//! The two creation restrictions of CIS 1.4, judged alike: `account-serviceid-creation-
//! unrestricted` and `account-apikey-creation-unrestricted` (one module each) read one IAM
//! Identity setting that must be `RESTRICTED`; `NOT_RESTRICTED` and `NOT_SET` (IBM's
//! default) let every member of the account create them.

use super::posture::identity_settings;
use super::{Finding, RuleContext};
use crate::model::{IdentitySettings, Setting};

/// What one restriction is about.
pub(super) struct Restriction {
    pub member: &'static str,
    pub pick: fn(&IdentitySettings) -> Option<&Setting<String>>,
    /// "service IDs", "user API keys".
    pub what: &'static str,
}

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>, restriction: &Restriction) {
    let member = restriction.member;
    for judged in identity_settings(context, out, restriction.pick, member) {
        let value = judged.setting.value.as_str();
        if value == "RESTRICTED" {
            context.evaluated(judged.subject);
            continue;
        }
        let meaning = if value == "NOT_SET" {
            "`NOT_SET`, which IBM treats as not restricted".to_owned()
        } else {
            format!("`{value}`, not `RESTRICTED`")
        };
        context
            .finding(
                judged.subject,
                judged.setting.origin.clone(),
                format!("`{member}` is {value}"),
            )
            .message(format!(
                "account `{}` lets every member create {}: `{member}` is {meaning}",
                judged.account, restriction.what
            ))
            .remediation(context.meta.fix_with(&[("ACCOUNT_ID", &judged.account)]))
            .push(out);
    }
}
