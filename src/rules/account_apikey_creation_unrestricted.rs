//! `account-apikey-creation-unrestricted`: the account lets every member create user API
//! keys (IAM Identity setting `restrict_create_platform_apikey` is not `RESTRICTED`; CIS
//! 1.4).

use super::account_creation::{Restriction, check as judge};
use super::{Finding, RuleContext};

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let restriction = Restriction {
        member: "restrict_create_platform_apikey",
        pick: |settings| settings.restrict_create_platform_apikey.as_ref(),
        what: "user API keys",
    };
    judge(context, out, &restriction);
}
