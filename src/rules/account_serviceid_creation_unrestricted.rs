//! `account-serviceid-creation-unrestricted`: the account lets every member create service
//! IDs (IAM Identity setting `restrict_create_service_id` is not `RESTRICTED`; CIS 1.4).

use super::account_creation::{Restriction, check as judge};
use super::{Finding, RuleContext};

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let restriction = Restriction {
        member: "restrict_create_service_id",
        pick: |settings| settings.restrict_create_service_id.as_ref(),
        what: "service IDs (and their API keys)",
    };
    judge(context, out, &restriction);
}
