//! Shared reasoning about what a subject is granted on a resource scope: which scope a
//! policy names, whether one policy's scope covers another's, and which policies reach a
//! subject directly or through the access groups it belongs to.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use super::roles::{Holds, Power, policy_holds};
use crate::model::{
    Activity, AttributeValue, Condition, Inventory, Operator, PUBLIC_ACCESS_GROUP, Policy,
    ResourceAttribute, ResourceTag, Subject, Timestamp, tag_words,
};

/// The resource a policy applies to: its attributes other than `accountId`, sorted, its
/// access management tags, sorted, and the resource attributes its rule's conditions test,
/// so that two policies on the same resource have equal scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GrantScope<'a> {
    pub attributes: Vec<&'a ResourceAttribute>,
    pub tags: Vec<&'a ResourceTag>,
    /// Resource attributes tested by the rule's conditions: they narrow the scope too.
    pub conditions: Vec<&'a str>,
    /// The rule itself when it has resource conditions: two scopes with such conditions
    /// are comparable only when their rules are equal.
    pub rule: Option<&'a Condition>,
}

impl<'a> GrantScope<'a> {
    pub(super) fn of(policy: &'a Policy) -> Self {
        let mut attributes: Vec<&ResourceAttribute> = policy
            .resource
            .iter()
            .filter(|attribute| *attribute.name != *"accountId")
            .collect();
        attributes.sort_by(|a, b| a.name.cmp(&b.name));
        let mut tags: Vec<&ResourceTag> = policy.tags.iter().collect();
        tags.sort_by(|a, b| (&a.name, &a.value).cmp(&(&b.name, &b.value)));
        let mut conditions = policy
            .rule
            .as_ref()
            .map(|rule| rule.resource_keys())
            .unwrap_or_default();
        conditions.sort_unstable();
        let rule = policy.rule.as_deref().filter(|_| !conditions.is_empty());
        Self {
            attributes,
            tags,
            conditions,
            rule,
        }
    }

    /// Whether tags or resource conditions narrow the scope: the `*-policy-create` flags
    /// cannot say either.
    pub(super) fn needs_file(&self) -> bool {
        !self.tags.is_empty() || !self.conditions.is_empty()
    }

    /// The `stringEquals` value of attribute `name`.
    pub(super) fn equals(&self, name: &str) -> Option<&'a str> {
        self.attributes
            .iter()
            .find_map(|attribute| attribute.string_equals(name))
    }

    /// `all logdnaat instances`, `logdnaat instance `audit-eu-de` (<guid>)`, plus any further
    /// constraint of the policy.
    pub(super) fn label(&self, inventory: &Inventory, service: &str) -> String {
        let mut label = match self.equals("serviceInstance") {
            Some(guid) => match inventory
                .instance_by_guid(guid)
                .and_then(|instance| instance.name.as_deref())
            {
                Some(name) => format!("{service} instance `{name}` ({guid})"),
                None => format!("{service} instance `{guid}`"),
            },
            None => format!("all {service} instances"),
        };
        let further: Vec<String> = self
            .attributes
            .iter()
            .filter(|attribute| {
                !matches!(attribute.name.as_ref(), "serviceName" | "serviceInstance")
            })
            .map(|attribute| match self.equals(&attribute.name) {
                Some(value) => format!("{}={value}", attribute.name),
                None => format!("{} (condition)", attribute.name),
            })
            .collect();
        if !further.is_empty() {
            label.push_str(&format!(" with {}", further.join(", ")));
        }
        if !self.tags.is_empty() {
            let tags: Vec<ResourceTag> = self.tags.iter().map(|tag| (*tag).clone()).collect();
            label.push_str(&format!(" tagged {}", tag_words(&tags)));
        }
        if !self.conditions.is_empty() {
            label.push_str(&format!(
                " matching conditions on {}",
                self.conditions.join(", ")
            ));
        }
        label
    }

    /// Whether every constraint of `self` is also a constraint of `other`: then `self`
    /// covers at least what `other` covers.
    pub(super) fn is_within(&self, other: &Self) -> bool {
        self.attributes
            .iter()
            .all(|attribute| other.attributes.contains(attribute))
            && self.tags.iter().all(|tag| other.tags.contains(tag))
            // Resource conditions are not compared piece by piece: equal rules only.
            && (self.rule.is_none() || self.rule == other.rule)
    }
}

/// Whether `policy` grants one of the key platform roles on all of `scope` (a scope that
/// names a service): an account-wide policy, one on all IAM-enabled services, one whose
/// constraints are a subset of the scope's, or one on the resource group of the scope's
/// exported instance. A custom role counts by its actions.
pub(super) fn grants_platform_role_on(
    inventory: &Inventory,
    policy: &Policy,
    scope: &GrantScope<'_>,
    now: Option<Timestamp>,
) -> bool {
    platform_grant_on(inventory, policy, scope, now) == Holds::Yes
}

/// [`grants_platform_role_on`], unknown when the only role that could grant it is a custom
/// role whose definition was not loaded.
pub(super) fn platform_grant_on(
    inventory: &Inventory,
    policy: &Policy,
    scope: &GrantScope<'_>,
    now: Option<Timestamp>,
) -> Holds {
    if !policy.is_active_access() || policy.activity(now) != Activity::Active {
        return Holds::No;
    }
    let holds = policy_holds(inventory, policy, Power::KeyAccess);
    if holds == Holds::No || !covers_scope(inventory, policy, scope) {
        return Holds::No;
    }
    holds
}

/// Whether what `policy` covers includes all of `scope`.
fn covers_scope(inventory: &Inventory, policy: &Policy, scope: &GrantScope<'_>) -> bool {
    let granted = GrantScope::of(policy);
    if granted.is_within(scope) {
        return true;
    }
    // The wider scopes below cover the instance only when nothing else narrows them.
    if granted.needs_file() {
        return false;
    }
    let [only] = granted.attributes.as_slice() else {
        return false;
    };
    let value = match (&only.operator, &only.value) {
        (Operator::StringEquals, AttributeValue::String(value)) => &**value,
        _ => return false,
    };
    match only.name.as_ref() {
        "serviceType" => value == "service",
        "resourceGroupId" => {
            scope
                .equals("serviceInstance")
                .and_then(|guid| inventory.instance_by_guid(guid))
                .and_then(|instance| instance.resource_group_id.as_deref())
                == Some(value)
        }
        _ => false,
    }
}

/// The subject's own policies that would grant a key platform role on `scope` but for a
/// time window that has closed or not opened: messages name them.
pub(super) fn inactive_platform_grants<'a>(
    inventory: &'a Inventory,
    subject: &Subject,
    scope: &GrantScope<'_>,
    now: Option<Timestamp>,
) -> Vec<(&'a Policy, Activity)> {
    inventory
        .policies_of(subject)
        .map(|policy| (policy, policy.activity(now)))
        .filter(|(_, activity)| *activity != Activity::Active)
        .filter(|(policy, _)| grants_platform_role_on(inventory, policy, scope, None))
        .collect()
}

/// The access groups whose policies reach `subject`: those it is listed in, and the public
/// access group. An access group itself belongs to no group.
pub(super) fn groups_of(inventory: &Inventory, subject: &Subject) -> BTreeSet<String> {
    if matches!(subject, Subject::AccessGroup(_)) {
        return BTreeSet::new();
    }
    inventory
        .memberships_of(subject)
        .map(|membership| membership.group_id.clone())
        .chain(std::iter::once(PUBLIC_ACCESS_GROUP.to_owned()))
        .collect()
}

/// How `subject` stands on a key platform role over `scope`.
pub(super) enum PlatformCoverage<'a> {
    /// A policy of the subject, or of a group it belongs to, grants one.
    Granted,
    /// None that is known; these groups grant one, but their members were not exported.
    Unknown(Vec<&'a str>),
    /// None that is known; this custom role, whose definition was not loaded, may grant one.
    UnknownRole(String),
    /// None that is known; a policy whose roles a plan leaves unresolved may grant one (why).
    UnresolvedRoles(String),
    Missing,
}

/// The access group policies that grant a key platform role, indexed by the service they
/// name (`None`: no `stringEquals` serviceName), so that a subject's coverage is looked up
/// among the few that can apply instead of scanning every policy of the account.
pub(super) struct GroupPlatformGrants<'a> {
    by_service: FxHashMap<Option<&'a str>, Vec<(usize, &'a Policy)>>,
    /// The run's clock: a policy outside its time window grants nothing.
    now: Option<Timestamp>,
}

impl<'a> GroupPlatformGrants<'a> {
    pub(super) fn new(inventory: &'a Inventory, now: Option<Timestamp>) -> Self {
        let mut by_service: FxHashMap<Option<&'a str>, Vec<(usize, &'a Policy)>> =
            FxHashMap::default();
        for (at, policy) in inventory.policies.iter().enumerate() {
            // A custom role without its definition may grant it: kept, to say unknown.
            let grants_key_role = policy_holds(inventory, policy, Power::KeyAccess) != Holds::No;
            if !matches!(policy.subject, Subject::AccessGroup(_))
                || !policy.is_active_access()
                || !grants_key_role
            {
                continue;
            }
            let service = GrantScope::of(policy).equals("serviceName");
            by_service.entry(service).or_default().push((at, policy));
        }
        Self { by_service, now }
    }

    /// The policies that could cover `scope`, in load order: those naming its service, and
    /// those naming none.
    fn candidates(&self, scope: &GrantScope<'_>) -> Vec<&'a Policy> {
        let service = scope.equals("serviceName");
        let mut found: Vec<(usize, &'a Policy)> = self
            .by_service
            .get(&None)
            .into_iter()
            .flatten()
            .copied()
            .collect();
        if service.is_some() {
            found.extend(self.by_service.get(&service).into_iter().flatten().copied());
        }
        found.sort_by_key(|(at, _)| *at);
        found.into_iter().map(|(_, policy)| policy).collect()
    }
}

/// Whether `subject` holds a key platform role on `scope`, directly or through groups.
#[cfg(test)]
pub(super) fn platform_coverage<'a>(
    inventory: &'a Inventory,
    subject: &Subject,
    scope: &GrantScope<'_>,
) -> PlatformCoverage<'a> {
    platform_coverage_with(
        inventory,
        &GroupPlatformGrants::new(inventory, None),
        subject,
        scope,
    )
}

/// [`platform_coverage`] with the group grants indexed once for many subjects.
pub(super) fn platform_coverage_with<'a>(
    inventory: &'a Inventory,
    group_grants: &GroupPlatformGrants<'a>,
    subject: &Subject,
    scope: &GrantScope<'_>,
) -> PlatformCoverage<'a> {
    let grant = |policy: &Policy| platform_grant_on(inventory, policy, scope, group_grants.now);
    // A custom role without its definition that would grant it: unknown, if nothing grants.
    let mut unknown_role: Option<String> = None;
    // Roles a plan leaves unresolved that may grant it: unknown too, said apart.
    let mut unresolved_roles: Option<String> = None;
    for policy in inventory.policies_of(subject) {
        match grant(policy) {
            Holds::Yes => return PlatformCoverage::Granted,
            Holds::Unknown(role) => {
                unknown_role.get_or_insert(role);
            }
            Holds::Unresolved(why) => {
                unresolved_roles.get_or_insert(why);
            }
            Holds::No => {}
        }
    }
    let groups = groups_of(inventory, subject);
    let mut unknown: Vec<&str> = Vec::new();
    for policy in group_grants.candidates(scope) {
        let holds = grant(policy);
        if holds == Holds::No {
            continue;
        }
        let Subject::AccessGroup(group) = &policy.subject else {
            continue;
        };
        if matches!(subject, Subject::AccessGroup(_)) {
            continue;
        }
        if groups.contains(group) {
            match holds {
                Holds::Yes => return PlatformCoverage::Granted,
                Holds::Unknown(role) => {
                    unknown_role.get_or_insert(role);
                }
                Holds::Unresolved(why) => {
                    unresolved_roles.get_or_insert(why);
                }
                Holds::No => {}
            }
            continue;
        }
        if holds == Holds::Yes
            && inventory.is_member(subject, group).is_none()
            && !unknown.contains(&group.as_str())
        {
            unknown.push(group);
        }
    }
    match (unknown.is_empty(), unknown_role, unresolved_roles) {
        (false, _, _) => PlatformCoverage::Unknown(unknown),
        (true, Some(role), _) => PlatformCoverage::UnknownRole(role),
        (true, None, Some(why)) => PlatformCoverage::UnresolvedRoles(why),
        (true, None, None) => PlatformCoverage::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        DocId, InventoryBuilder, Membership, Origin, Pointer, PolicyVersion, ResourceInstance, Role,
    };

    const GUID: &str = "5f1c2e3a-7b8d-4c9e-a0f1-23456789abcd";
    const GROUP: &str = "AccessGroupId-1";
    const USER: &str = "IBMid-1";

    fn origin() -> Origin {
        Origin::new(DocId(0), Pointer::root())
    }

    fn policy(subject: Subject, roles: &[&str], attributes: &[(&str, &str)]) -> Policy {
        Policy {
            account: None,
            id: format!("{subject:?}{roles:?}{attributes:?}"),
            version: PolicyVersion::V1,
            kind: Some("access".into()),
            subject,
            roles: roles
                .iter()
                .map(|role| Role::from_display_name(role))
                .collect(),
            roles_unresolved: None,
            resource: std::iter::once(("accountId", "acct"))
                .chain(attributes.iter().copied())
                .map(|(name, value)| ResourceAttribute {
                    name: (*name).into(),
                    operator: Operator::StringEquals,
                    value: AttributeValue::String(value.into()),
                })
                .collect(),
            tags: Box::default(),
            rule: None,
            state: None,
            origin: origin(),
            parts: crate::model::PartOrigins::Own,
            declaration: None,
        }
    }

    fn user() -> Subject {
        Subject::User(USER.to_owned())
    }

    /// Whether the user holds a key platform role on one instance, given these policies.
    fn covered(policies: Vec<Policy>, members_exported: bool) -> &'static str {
        let mut builder = InventoryBuilder::default();
        builder.collections().policies = true;
        builder.add_instance(ResourceInstance {
            account: None,
            crn: format!("crn:v1:bluemix:public:logdnaat:us-south:a/acct:{GUID}::"),
            guid: GUID.to_owned(),
            name: None,
            account_id: None,
            resource_group_id: Some("rg1".to_owned()),
            state: None,
            origin: origin(),
            declaration: None,
            crn_fields: Default::default(),
        });
        for policy in policies {
            builder.add_policy(policy);
        }
        if members_exported {
            builder.add_member_list(GROUP, Some(1));
            builder.add_membership(Membership {
                account: None,
                group_id: GROUP.to_owned(),
                iam_id: USER.to_owned(),
                member: user(),
                kind: Some("user".to_owned()),
                name: None,
                email: None,
                origin: origin(),
            });
        }
        let inventory = builder.finish();
        let manager = policy(
            user(),
            &["Manager"],
            &[("serviceName", "logdnaat"), ("serviceInstance", GUID)],
        );
        match platform_coverage(&inventory, &user(), &GrantScope::of(&manager)) {
            PlatformCoverage::Granted => "granted",
            PlatformCoverage::Unknown(_) | PlatformCoverage::UnknownRole(_) => "unknown",
            PlatformCoverage::UnresolvedRoles(_) => "unresolved",
            PlatformCoverage::Missing => "missing",
        }
    }

    #[test]
    fn roles_a_plan_leaves_unresolved_may_grant_the_platform_role() {
        // Account-wide, roles unknown: it may hold Operator there, so not "missing".
        let mut unknown_roles = policy(user(), &[], &[]);
        unknown_roles.roles_unresolved = Some(Box::new(crate::model::Unresolved {
            address: "ibm_iam_user_policy.p".to_owned(),
            argument: "roles".to_owned(),
            refers_to: "`var.roles`".to_owned(),
        }));
        assert_eq!(covered(vec![unknown_roles.clone()], true), "unresolved");
        // A known platform role decides, whatever the unknown ones are.
        unknown_roles.roles = vec![Role::from_display_name("Operator")].into();
        assert_eq!(covered(vec![unknown_roles], true), "granted");
    }

    #[test]
    fn wider_scopes_cover_one_instance() {
        let on = |attributes: &[(&str, &str)]| {
            covered(vec![policy(user(), &["Operator"], attributes)], false)
        };
        assert_eq!(on(&[("serviceName", "logdnaat")]), "granted");
        assert_eq!(
            on(&[("serviceName", "logdnaat"), ("serviceInstance", GUID)]),
            "granted"
        );
        assert_eq!(on(&[]), "granted", "account-wide");
        assert_eq!(on(&[("serviceType", "service")]), "granted");
        assert_eq!(on(&[("resourceGroupId", "rg1")]), "granted");
        assert_eq!(on(&[("resourceGroupId", "rg2")]), "missing");
        assert_eq!(on(&[("serviceType", "platform_service")]), "missing");
        assert_eq!(
            on(&[("serviceName", "logdnaat"), ("serviceInstance", "other")]),
            "missing"
        );
        assert_eq!(on(&[("serviceName", "logdna")]), "missing");
    }

    #[test]
    fn scopes_are_named_with_every_constraint() {
        let inventory = InventoryBuilder::default().finish();
        let manager = policy(
            user(),
            &["Manager"],
            &[("serviceName", "logdnaat"), ("region", "us-south")],
        );
        assert_eq!(
            GrantScope::of(&manager).label(&inventory, "logdnaat"),
            "all logdnaat instances with region=us-south"
        );
        let like = policy(
            user(),
            &["Manager"],
            &[
                ("logGroup", "audit"),
                ("serviceInstance", GUID),
                ("serviceName", "logdnaat"),
            ],
        );
        let command = crate::rules::policy_subject::policy_command(
            &inventory,
            &Subject::AccessGroup(GROUP.to_owned()),
            "Operator",
            &GrantScope::of(&like),
            &like,
        );
        assert_eq!(
            command,
            format!(
                "ibmcloud iam access-group-policy-create <ACCESS_GROUP_NAME> --roles Operator \
                 --service-name logdnaat --service-instance {GUID} --attributes logGroup=audit"
            )
        );
    }

    #[test]
    fn only_operator_editor_and_administrator_count() {
        let with = |role: &str| {
            covered(
                vec![policy(user(), &[role], &[("serviceName", "logdnaat")])],
                false,
            )
        };
        assert_eq!(with("Editor"), "granted");
        assert_eq!(with("Administrator"), "granted");
        assert_eq!(with("Viewer"), "missing");
        assert_eq!(with("Writer"), "missing");
    }

    #[test]
    fn group_grants_reach_members_and_unknown_memberships_say_so() {
        let group_operator = || {
            policy(
                Subject::AccessGroup(GROUP.to_owned()),
                &["Operator"],
                &[("serviceName", "logdnaat")],
            )
        };
        assert_eq!(covered(vec![group_operator()], true), "granted");
        assert_eq!(covered(vec![group_operator()], false), "unknown");
        let public = policy(
            Subject::AccessGroup(PUBLIC_ACCESS_GROUP.to_owned()),
            &["Operator"],
            &[("serviceName", "logdnaat")],
        );
        assert_eq!(covered(vec![public], false), "granted");
    }
}
