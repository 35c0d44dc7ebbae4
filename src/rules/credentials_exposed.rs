//! `credentials-exposed`: a Terraform plan or state among the inputs holds secrets in clear
//! text. One finding per resource (or variable, output) and file, at its first secret; the
//! other secret members are related locations. The values are never read here: the loader
//! recorded only where they are.

use std::collections::HashMap;

use super::{Finding, RuleContext};
use crate::model::{DocId, EntityKind, ExposedSecret};

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    // Groups in order of first appearance, found by (file, resource).
    let mut groups: Vec<Vec<&ExposedSecret>> = Vec::new();
    let mut index: HashMap<(DocId, String), usize> = HashMap::new();
    for secret in &context.inventory.exposed_secrets {
        let key = (secret.origin.document, secret.entity.identity());
        let at = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        if let Some(group) = groups.get_mut(at) {
            group.push(secret);
        }
    }
    for secrets in groups {
        let Some(first) = secrets.first() else {
            continue;
        };
        // Each member once, at its first place; the count says how often it repeats.
        let mut members: Vec<&ExposedSecret> = Vec::new();
        for secret in &secrets {
            if !members.iter().any(|shown| shown.member == secret.member) {
                members.push(secret);
            }
        }
        let entity = &first.entity;
        let address = entity.address.as_deref().unwrap_or(entity.id.as_str());
        let named = match &entity.name {
            Some(name) => format!("{} `{name}`", entity.kind.label()),
            None => format!("{} `{address}`", entity.kind.label()),
        };
        let listed: Vec<String> = members
            .iter()
            .map(|secret| format!("`{}`", secret.member))
            .collect();
        let places = if secrets.len() == 1 {
            "1 place".to_owned()
        } else {
            format!("{} places", secrets.len())
        };
        let mut finding = context
            .finding(
                entity.clone(),
                first.origin.clone(),
                format!("`{}` in clear text (masked here)", first.member),
            )
            .message(format!(
                "this {} holds secrets of {named} in clear text: {} ({places}); anyone who can \
                 read the file can use them",
                first.container,
                listed.join(", "),
            ))
            .detail(first.container.clone())
            .remediation(remediation(context, entity.kind, address));
        for secret in members.iter().skip(1) {
            finding = finding.related(
                secret.entity.clone(),
                secret.origin.clone(),
                format!("`{}` in clear text", secret.member),
            );
        }
        finding.push(out);
    }
}

/// The fix: re-create a resource with new secrets; a variable or output only carries a
/// secret made elsewhere, which is rotated where it is made.
fn remediation(context: &RuleContext<'_>, kind: EntityKind, address: &str) -> String {
    match kind {
        EntityKind::TerraformValue => format!(
            "git rm --cached <FILE>; rotate the secret `{address}` carries where it is created, \
             and pass it through the environment (TF_VAR_<NAME>, IC_API_KEY) rather than a file"
        ),
        _ => context.meta.fix_with(&[("ADDRESS", address)]),
    }
}
