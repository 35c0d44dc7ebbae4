//! `credentials-exposed`: a Terraform plan or state among the inputs holds secrets in clear
//! text. One finding per resource (or variable, output) and file, at its first secret; the
//! other secret members are related locations. The message says what evidence made each a
//! secret (Terraform, the provider, or name and value). The values are never read here: the
//! loader recorded only where they are and why.

use std::collections::{HashMap, HashSet};

use super::{Finding, RuleContext};
use crate::model::{DocId, EntityKind, EntityRef, ExposedSecret, SecretEvidence};

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    record_passes(context);
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
                "this {} holds secrets of {named} in clear text: {} ({places}), {}; anyone who \
                 can read the file can use them",
                first.container,
                listed.join(", "),
                evidence(&secrets, &members),
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

/// What made the members secrets: one kind of evidence for all, or each kind with its
/// members (a member counts with the strongest evidence of any of its places).
fn evidence(secrets: &[&ExposedSecret], members: &[&ExposedSecret]) -> String {
    let strongest = |member: &str| {
        secrets
            .iter()
            .filter(|secret| secret.member == member)
            .map(|secret| secret.evidence)
            .min()
            .unwrap_or(SecretEvidence::Name)
    };
    let mut kinds: Vec<(SecretEvidence, Vec<String>)> = Vec::new();
    for member in members {
        let kind = strongest(&member.member);
        let listed = format!("`{}`", member.member);
        match kinds.iter_mut().find(|(known, _)| *known == kind) {
            Some((_, names)) => names.push(listed),
            None => kinds.push((kind, vec![listed])),
        }
    }
    kinds.sort_by_key(|(kind, _)| *kind);
    match kinds.as_slice() {
        [(kind, _)] => kind.describe().to_owned(),
        _ => {
            let mut parts: Vec<String> = kinds
                .iter()
                .map(|(kind, names)| format!("{} ({})", kind.describe(), names.join(", ")))
                .collect();
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}

/// The resource keys and API keys a plan or state declares (the resources whose
/// `credentials` and `apikey` the loader looks for) that expose nothing: passes. Variables
/// and outputs are not in the inventory, so only their exposures are seen.
fn record_passes(context: &RuleContext<'_>) {
    let inventory = context.inventory;
    let exposed: HashSet<(EntityKind, &str)> = inventory
        .exposed_secrets
        .iter()
        .filter_map(|secret| Some((secret.entity.kind, secret.entity.address.as_deref()?)))
        .collect();
    let declared = inventory
        .keys
        .iter()
        .filter(|key| key.declaration.is_some())
        .map(|key| loader_identity(EntityRef::key(key), &[Some(&key.crn)]))
        .chain(
            inventory
                .api_keys
                .iter()
                .filter(|api_key| api_key.declaration.is_some())
                .map(|api_key| {
                    loader_identity(
                        EntityRef::api_key(api_key),
                        &[api_key.crn().as_deref(), Some(&api_key.id)],
                    )
                }),
        );
    for subject in declared {
        let Some(address) = subject.address.as_deref() else {
            continue;
        };
        if !exposed.contains(&(subject.kind, address)) {
            context.evaluated(subject);
        }
    }
}

/// `entity` with the id an exposure of it would carry (see `sources::terraform::secrets`):
/// the first of `ids` (its `crn`, then its `id`) known before apply, else its address.
fn loader_identity(entity: EntityRef, ids: &[Option<&str>]) -> EntityRef {
    let id = ids
        .iter()
        .flatten()
        .find(|id| !id.is_empty() && !id.contains('<'))
        .map(|id| (*id).to_owned())
        .or_else(|| entity.address.clone())
        .unwrap_or_else(|| entity.id.clone());
    EntityRef { id, ..entity }
}

/// The fix: re-create a resource key or API key with new secrets; a variable or output only
/// carries a secret made elsewhere, which is rotated where it is made; any other resource
/// (a database's admin password) is given a new secret in place, not re-created.
fn remediation(context: &RuleContext<'_>, kind: EntityKind, address: &str) -> String {
    match kind {
        EntityKind::ResourceKey | EntityKind::ApiKey => {
            context.meta.fix_with(&[("ADDRESS", address)])
        }
        EntityKind::TerraformValue => format!(
            "git rm --cached <FILE>; rotate the secret `{address}` carries where it is created, \
             and pass it through the environment (TF_VAR_<NAME>, IC_API_KEY) rather than a file"
        ),
        _ => format!(
            "git rm --cached <FILE>; change the secret `{address}` holds where it is set (and \
             apply), and pass it in through a sensitive variable or a secrets manager rather \
             than a file"
        ),
    }
}
