//! The input document of custom rules (`input` in Rego): the normalized inventory as JSON,
//! versioned, with the joins precomputed and every entity named by a stable `ref`.
//! Built once per run, and only when custom rules are enabled (`custom::evaluate`).

use schemars::JsonSchema;
use serde::Serialize;

use super::entities::{
    self, AccessGroupEntity, ApiKeyEntity, InstanceEntity, KeyEntity, PolicyEntity, ProfileEntity,
    ServiceIdEntity,
};
use super::joins::Joins;
use super::needs::{Fields, Needs};
use super::people::{self, AccountEntity, ActivityReportDto, UserEntity};
use super::posture::{
    self, AccessGroupSettingsEntity, CustomRoleEntity, IdentitySettingsEntity, RouteEntity,
    TargetEntity,
};
use crate::model::Inventory;

/// The version of the document's shape. It changes when a member is renamed or removed or
/// changes meaning; added members and entity kinds keep it.
pub const INPUT_VERSION: u32 = 1;

/// `input` of iamlint's custom Rego rules: the account as iamlint's model sees it.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "iamlint custom rule input (iamlint schema model)")]
pub struct InputDocument<'a> {
    /// The version of this shape (see `INPUT_VERSION`).
    pub version: u32,
    /// Which collections the inputs held at all (an empty list counts), to tell "none exists" from "not exported".
    pub collections: CollectionsDto,
    /// Service instances (Resource Controller).
    pub resource_instances: Vec<InstanceEntity<'a>>,
    /// Resource keys (service credentials).
    pub resource_keys: Vec<KeyEntity<'a>>,
    pub service_ids: Vec<ServiceIdEntity<'a>>,
    pub api_keys: Vec<ApiKeyEntity<'a>>,
    /// Access policies, v1 and v2 in one shape.
    pub policies: Vec<PolicyEntity<'a>>,
    pub access_groups: Vec<AccessGroupEntity<'a>>,
    /// Trusted profiles, with their links and claim rules.
    pub trusted_profiles: Vec<ProfileEntity<'a>>,
    /// Users (User Management), and the users only the MFA report names.
    pub users: Vec<UserEntity<'a>>,
    /// The accounts whose owner or settings the inputs hold.
    pub accounts: Vec<AccountEntity<'a>>,
    /// IAM Identity account settings, one per account.
    pub identity_settings: Vec<IdentitySettingsEntity<'a>>,
    /// IAM Access Groups account settings, one per account.
    pub access_group_settings: Vec<AccessGroupSettingsEntity<'a>>,
    /// The accounts' custom roles.
    pub custom_roles: Vec<CustomRoleEntity<'a>>,
    /// Activity Tracker Event Routing routes.
    pub activity_tracker_routes: Vec<RouteEntity<'a>>,
    /// Activity Tracker Event Routing targets.
    pub activity_tracker_targets: Vec<TargetEntity<'a>>,
    /// The activity reports loaded (the windows that users' and keys' `activity` covers).
    pub activity_reports: Vec<ActivityReportDto<'a>>,
}

/// Which collections the inputs held.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CollectionsDto {
    pub resource_instances: bool,
    pub resource_keys: bool,
    pub service_ids: bool,
    pub api_keys: bool,
    pub policies: bool,
    pub access_groups: bool,
    pub access_group_members: bool,
    pub trusted_profiles: bool,
    /// A users list (User Management).
    pub users: bool,
    /// An account document naming an owner.
    pub account_owners: bool,
    /// An MFA enrollment report.
    pub mfa_reports: bool,
    /// An activity report.
    pub activity_reports: bool,
    pub identity_settings: bool,
    pub access_group_settings: bool,
    pub custom_roles: bool,
    pub activity_tracker_routes: bool,
    pub activity_tracker_targets: bool,
}

/// The whole document of `inventory`.
pub fn build(inventory: &Inventory) -> InputDocument<'_> {
    build_for(inventory, &Needs::whole())
}

/// The document of `inventory` with only the entity members `needs` names built (the others
/// empty: no rule of the run reads them; see `needs`). `version` and `collections` are
/// always there.
pub fn build_for<'a>(inventory: &'a Inventory, needs: &Needs) -> InputDocument<'a> {
    let joins = Joins::of(inventory);
    let held = &inventory.people;
    InputDocument {
        version: INPUT_VERSION,
        collections: collections(inventory),
        resource_instances: needs.build("resource_instances", || {
            each(&inventory.instances, |instance| {
                entities::instance(instance, &joins)
            })
        }),
        resource_keys: needs.build("resource_keys", || {
            each(&inventory.keys, |key| entities::key(key, &joins))
        }),
        service_ids: needs.build("service_ids", || {
            each(&inventory.service_ids, |service_id| {
                entities::service_id(service_id, &joins)
            })
        }),
        api_keys: needs.build("api_keys", || {
            each(&inventory.api_keys, |api_key| {
                entities::api_key(api_key, &joins)
            })
        }),
        policies: needs.build("policies", || {
            each(&inventory.policies, |policy| {
                entities::policy(policy, &joins)
            })
        }),
        access_groups: needs.build("access_groups", || {
            each(&inventory.access_groups, |group| {
                entities::access_group(group, &joins)
            })
        }),
        trusted_profiles: needs.build("trusted_profiles", || {
            each(&inventory.profiles, |profile| {
                entities::profile(profile, &joins)
            })
        }),
        users: needs.build("users", || people::users(inventory, &joins)),
        accounts: needs.build("accounts", || {
            super::accounts::accounts(inventory)
                .iter()
                .map(|view| people::account(view, &joins))
                .collect()
        }),
        identity_settings: needs.build("identity_settings", || {
            inventory
                .identity_settings
                .iter()
                .map(posture::identity_settings)
                .collect()
        }),
        access_group_settings: needs.build("access_group_settings", || {
            inventory
                .access_group_settings
                .iter()
                .map(posture::access_group_settings)
                .collect()
        }),
        custom_roles: needs.build("custom_roles", || {
            inventory
                .custom_roles
                .iter()
                .map(|role| posture::custom_role(role, &joins))
                .collect()
        }),
        activity_tracker_routes: needs.build("activity_tracker_routes", || {
            inventory
                .routes
                .iter()
                .map(|route| posture::route(route, &joins))
                .collect()
        }),
        activity_tracker_targets: needs.build("activity_tracker_targets", || {
            inventory
                .routing_targets
                .iter()
                .map(|target| posture::target(target, &joins))
                .collect()
        }),
        activity_reports: needs.build("activity_reports", || {
            held.activity_reports
                .iter()
                .map(people::activity_report)
                .collect()
        }),
    }
}

/// Which collections the inputs of `inventory` held.
fn collections(inventory: &Inventory) -> CollectionsDto {
    let collections = inventory.collections;
    let held = &inventory.people;
    CollectionsDto {
        resource_instances: collections.instances,
        resource_keys: collections.keys,
        service_ids: collections.service_ids,
        api_keys: collections.api_keys,
        policies: collections.policies,
        access_groups: collections.access_groups,
        access_group_members: collections.access_group_members,
        trusted_profiles: collections.profiles,
        users: !held.user_lists.is_empty(),
        account_owners: !held.owners.is_empty(),
        mfa_reports: !held.mfa_reports.is_empty(),
        activity_reports: !held.activity_reports.is_empty(),
        identity_settings: collections.posture.identity_settings,
        access_group_settings: collections.posture.access_group_settings,
        custom_roles: collections.custom_roles,
        activity_tracker_routes: collections.posture.routes,
        activity_tracker_targets: collections.posture.routing_targets,
    }
}

/// `build` of each of `items`, in order: on rayon's pool when they are many.
fn each<'a, E: Sync, T: Send>(items: &'a [E], build: impl Fn(&'a E) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    if items.len() <= CHUNK {
        return items.iter().map(build).collect();
    }
    items
        .par_iter()
        .with_min_len(CHUNK / 4)
        .map(build)
        .collect()
}

/// The JSON Schema of the document (`iamlint schema model`).
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(InputDocument);
    schema.insert(
        "$comment".to_owned(),
        serde_json::Value::from(format!(
            "Generated by iamlint {} (`iamlint schema model`); input version {INPUT_VERSION}.",
            env!("CARGO_PKG_VERSION")
        )),
    );
    schema.to_value()
}

/// The document as regorus holds it: serialized straight into regorus' value (see
/// `to_rego`), without JSON text and without a `serde_json::Value` in between. Long
/// members are converted in parallel chunks (rayon; each chunk shares its own repeated
/// values), the rest in one piece.
pub fn to_value(document: &InputDocument<'_>) -> regorus::Value {
    to_value_for(document, &Needs::whole())
}

/// The document as regorus holds it (as `to_value`), each entity with only the fields
/// `needs` says the rules read of it.
pub fn to_value_for(document: &InputDocument<'_>, needs: &Needs) -> regorus::Value {
    // Every field, by name: a member added to the document and not here fails to compile,
    // and a name spelled otherwise than serde spells it fails the test that this value
    // equals the one through JSON.
    let InputDocument {
        version,
        collections,
        resource_instances,
        resource_keys,
        service_ids,
        api_keys,
        policies,
        access_groups,
        trusted_profiles,
        users,
        accounts,
        identity_settings,
        access_group_settings,
        custom_roles,
        activity_tracker_routes,
        activity_tracker_targets,
        activity_reports,
    } = document;
    let members = [
        ("version", one(version)),
        ("collections", one(collections)),
        (
            "resource_instances",
            list(resource_instances, needs.fields("resource_instances")),
        ),
        (
            "resource_keys",
            list(resource_keys, needs.fields("resource_keys")),
        ),
        (
            "service_ids",
            list(service_ids, needs.fields("service_ids")),
        ),
        ("api_keys", list(api_keys, needs.fields("api_keys"))),
        ("policies", list(policies, needs.fields("policies"))),
        (
            "access_groups",
            list(access_groups, needs.fields("access_groups")),
        ),
        (
            "trusted_profiles",
            list(trusted_profiles, needs.fields("trusted_profiles")),
        ),
        ("users", list(users, needs.fields("users"))),
        ("accounts", list(accounts, needs.fields("accounts"))),
        (
            "identity_settings",
            list(identity_settings, needs.fields("identity_settings")),
        ),
        (
            "access_group_settings",
            list(access_group_settings, needs.fields("access_group_settings")),
        ),
        (
            "custom_roles",
            list(custom_roles, needs.fields("custom_roles")),
        ),
        (
            "activity_tracker_routes",
            list(
                activity_tracker_routes,
                needs.fields("activity_tracker_routes"),
            ),
        ),
        (
            "activity_tracker_targets",
            list(
                activity_tracker_targets,
                needs.fields("activity_tracker_targets"),
            ),
        ),
        (
            "activity_reports",
            list(activity_reports, needs.fields("activity_reports")),
        ),
    ];
    let mut object = regorus::value::Object::new();
    for (name, value) in members {
        object.insert(regorus::Value::from(name), value);
    }
    regorus::Value::from(object)
}

/// How many entities one task of a long member converts.
const CHUNK: usize = 2_048;

fn one<T: Serialize + ?Sized>(value: &T) -> regorus::Value {
    super::to_rego::to_value(value).unwrap_or(regorus::Value::Undefined)
}

/// A member's array: in chunks on rayon's pool when it is long.
fn list<T: Serialize + Sync>(items: &[T], fields: &Fields) -> regorus::Value {
    use rayon::prelude::*;
    if items.len() <= CHUNK {
        return regorus::Value::from(super::to_rego::to_values(items, fields));
    }
    let chunks: Vec<Vec<regorus::Value>> = items
        .par_chunks(CHUNK)
        .map(|chunk| super::to_rego::to_values(chunk, fields))
        .collect();
    regorus::Value::from(chunks.into_iter().flatten().collect::<Vec<_>>())
}

/// The document of `inventory` as regorus holds it, with what `needs` names (the value
/// `to_value_for(&build_for(inventory, needs), needs)` is; tested), without the whole
/// document of entities in between: each chunk of a long member's entities is built and
/// converted on one of rayon's threads, and freed there, while it is in the cache (the
/// entities of every member, built first and freed after, were about a sixth of the
/// conversion's time and as much memory as the value).
pub fn value_of(inventory: &Inventory, needs: &Needs) -> regorus::Value {
    let joins = Joins::of(inventory);
    let joins = &joins;
    let held = &inventory.people;
    let members = [
        ("version", one(&INPUT_VERSION)),
        ("collections", one(&collections(inventory))),
        (
            "resource_instances",
            built(
                needs,
                "resource_instances",
                &inventory.instances,
                |instance| entities::instance(instance, joins),
            ),
        ),
        (
            "resource_keys",
            built(needs, "resource_keys", &inventory.keys, |key| {
                entities::key(key, joins)
            }),
        ),
        (
            "service_ids",
            built(needs, "service_ids", &inventory.service_ids, |service_id| {
                entities::service_id(service_id, joins)
            }),
        ),
        (
            "api_keys",
            built(needs, "api_keys", &inventory.api_keys, |api_key| {
                entities::api_key(api_key, joins)
            }),
        ),
        (
            "policies",
            built(needs, "policies", &inventory.policies, |policy| {
                entities::policy(policy, joins)
            }),
        ),
        (
            "access_groups",
            built(needs, "access_groups", &inventory.access_groups, |group| {
                entities::access_group(group, joins)
            }),
        ),
        (
            "trusted_profiles",
            built(needs, "trusted_profiles", &inventory.profiles, |profile| {
                entities::profile(profile, joins)
            }),
        ),
        (
            "users",
            listed(needs, "users", || people::users(inventory, joins)),
        ),
        (
            "accounts",
            listed(needs, "accounts", || {
                super::accounts::accounts(inventory)
                    .iter()
                    .map(|view| people::account(view, joins))
                    .collect()
            }),
        ),
        (
            "identity_settings",
            listed(needs, "identity_settings", || {
                inventory
                    .identity_settings
                    .iter()
                    .map(posture::identity_settings)
                    .collect()
            }),
        ),
        (
            "access_group_settings",
            listed(needs, "access_group_settings", || {
                inventory
                    .access_group_settings
                    .iter()
                    .map(posture::access_group_settings)
                    .collect()
            }),
        ),
        (
            "custom_roles",
            listed(needs, "custom_roles", || {
                inventory
                    .custom_roles
                    .iter()
                    .map(|role| posture::custom_role(role, joins))
                    .collect()
            }),
        ),
        (
            "activity_tracker_routes",
            listed(needs, "activity_tracker_routes", || {
                inventory
                    .routes
                    .iter()
                    .map(|route| posture::route(route, joins))
                    .collect()
            }),
        ),
        (
            "activity_tracker_targets",
            listed(needs, "activity_tracker_targets", || {
                inventory
                    .routing_targets
                    .iter()
                    .map(|target| posture::target(target, joins))
                    .collect()
            }),
        ),
        (
            "activity_reports",
            listed(needs, "activity_reports", || {
                held.activity_reports
                    .iter()
                    .map(people::activity_report)
                    .collect()
            }),
        ),
    ];
    let mut object = regorus::value::Object::new();
    for (name, value) in members {
        object.insert(regorus::Value::from(name), value);
    }
    regorus::Value::from(object)
}

/// Member `name` of the document (empty when `needs` does not want it): the entity `build`
/// makes of each of `items`, converted with the fields `needs` names; in chunks on rayon's
/// pool when they are many, each chunk's entities built, converted and freed together.
fn built<'a, E: Sync, T: Serialize>(
    needs: &Needs,
    name: &str,
    items: &'a [E],
    build: impl Fn(&'a E) -> T + Sync + Send,
) -> regorus::Value {
    use rayon::prelude::*;
    if !needs.wants(name) {
        return regorus::Value::from(Vec::<regorus::Value>::new());
    }
    let fields = needs.fields(name);
    let convert = |chunk: &'a [E]| {
        let entities: Vec<T> = chunk.iter().map(&build).collect();
        super::to_rego::to_values(&entities, fields)
    };
    if items.len() <= CHUNK {
        return regorus::Value::from(convert(items));
    }
    // One chunk per task: a core that finishes the built-in rules takes the chunks left.
    let chunks: Vec<Vec<regorus::Value>> = items
        .par_chunks(CHUNK)
        .with_max_len(1)
        .map(convert)
        .collect();
    regorus::Value::from(chunks.into_iter().flatten().collect::<Vec<_>>())
}

/// Member `name` of the document (empty when `needs` does not want it), of the entities
/// `build` makes, converted with the fields `needs` names.
fn listed<T: Serialize + Sync>(
    needs: &Needs,
    name: &str,
    build: impl FnOnce() -> Vec<T>,
) -> regorus::Value {
    list(&needs.build(name, build), needs.fields(name))
}

/// The same value through a `serde_json::Value` (the way before `to_rego`), for the
/// benchmark that compares the two and the test that they agree.
#[doc(hidden)]
pub fn to_value_through_json(document: &InputDocument) -> regorus::Value {
    serde_json::to_value(document)
        .ok()
        .and_then(|json| serde_json::from_value(json).ok())
        .unwrap_or(regorus::Value::Undefined)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::needs::WHOLE;
    use super::*;
    use crate::sources::{self, LoadOptions};

    /// The document built and converted chunk by chunk is the one built whole and then
    /// converted, for the whole document and for what the examples' and bench rules read.
    #[test]
    fn the_value_built_in_chunks_equals_the_built_document_converted() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = sources::load(&[root.join("fixtures/demo")], &LoadOptions::default())
            .expect("valid options");
        let inventory = &loaded.inventory;
        let rules = super::super::load::load(&[
            root.join("examples/rules"),
            root.join("benches/custom_rules"),
        ]);
        assert!(rules.rules.len() >= 5);
        let mut all_needs = vec![Needs::whole()];
        all_needs.extend(
            rules
                .rules
                .iter()
                .map(|rule| Needs::of_rules([rule.rego.as_str()])),
        );
        for needs in &all_needs {
            assert_eq!(
                value_of(inventory, needs),
                to_value_for(&build_for(inventory, needs), needs),
                "{needs:?}"
            );
        }
    }

    #[test]
    fn a_long_member_converted_in_chunks_equals_one_converted_whole() {
        let items: Vec<(String, u32)> = (0..CHUNK * 2 + 7)
            .map(|at| {
                (
                    format!("item-{}", at % 13),
                    u32::try_from(at % 5).unwrap_or(0),
                )
            })
            .collect();
        assert_eq!(list(&items, &WHOLE), one(&items));
        let built: Vec<String> = each(&items, |(name, _)| name.clone());
        assert_eq!(built.len(), items.len());
        assert!(
            built
                .iter()
                .zip(&items)
                .all(|(built, item)| *built == item.0)
        );
    }
}
