//! One cell of clean account: about 1,000 resource keys on 200 instances, a service ID,
//! API key and scoping policy per key, application service IDs, users in access groups,
//! and v2 policies with their v1 placeholders. Nothing here violates a rule.

use std::io;

use super::shapes::{ApiKeySpec, Instance, ServiceId, Subject};
use super::{Generator, KeySpec};

pub(crate) const AUDITING_INSTANCES: usize = 20;
const KEYS_PER_AUDITING_INSTANCE: usize = 8;
const OTHER_INSTANCES: usize = 180;
const APP_SERVICE_IDS: usize = 40;
const APP_POLICIES: usize = 5;
const USERS: usize = 50;
const GROUPS: usize = 10;
const USERS_PER_GROUP: usize = 5;
const POLICIES_PER_GROUP: usize = 120;
const V2_POLICIES: usize = 50;

const SERVICES: [&str; 6] = [
    "cloud-object-storage",
    "databases-for-postgresql",
    "kms",
    "secrets-manager",
    "messagehub",
    "cloudantnosqldb",
];
pub(crate) const REGIONS: [&str; 4] = ["us-south", "eu-de", "jp-tok", "eu-gb"];
/// Roles of keys and policies that violate nothing.
const READ_WRITE: [&str; 2] = ["Writer", "Reader"];
const PLAIN_ROLES: [&[&str]; 4] = [
    &["Viewer"],
    &["Reader"],
    &["Editor", "Writer"],
    &["Viewer", "Reader"],
];

/// What the planted violations of a cell hang on.
pub(crate) struct Baseline {
    pub(crate) resource_groups: Vec<String>,
    pub(crate) auditing: Vec<Instance>,
    pub(crate) other: Vec<Instance>,
    pub(crate) apps: Vec<ServiceId>,
    pub(crate) users: Vec<String>,
}

pub(crate) fn baseline(generator: &mut Generator, cell: usize) -> io::Result<Baseline> {
    let resource_groups: Vec<String> = (0..5).map(|_| generator.ids().hex(32)).collect();
    let mut auditing = Vec::new();
    for at in 0..AUDITING_INSTANCES {
        let group = resource_groups[at % resource_groups.len()].clone();
        let region = REGIONS[at % REGIONS.len()];
        let name = format!("audit-{region}-c{cell:03}-{at:02}");
        let instance = generator.add_instance("logdnaat", region, &group, &name)?;
        for number in 0..KEYS_PER_AUDITING_INSTANCE {
            let service_key = generator.ids().secret(32);
            let mut key = KeySpec::new(&instance, format!("{name}-key-{number}"), "Manager");
            key.policy_roles = Some(&["Administrator", "Manager"]);
            key.service_key = Some(service_key);
            generator.add_key(&key)?;
        }
        auditing.push(instance);
    }
    let mut other = Vec::new();
    for at in 0..OTHER_INSTANCES {
        let service = SERVICES[at % SERVICES.len()];
        let region = REGIONS[(at / SERVICES.len()) % REGIONS.len()];
        let group = resource_groups[at % resource_groups.len()].clone();
        let name = format!("{service}-c{cell:03}-{at:03}");
        let instance = generator.add_instance(service, region, &group, &name)?;
        let keys = if at < 120 { 5 } else { 4 };
        for number in 0..keys {
            let role = READ_WRITE[(at + number) % 2];
            let mut key = KeySpec::new(
                &instance,
                format!("{name}-{}-{number}", role.to_lowercase()),
                role,
            );
            key.policy_roles = Some(if role == "Writer" {
                &["Writer"]
            } else {
                &["Reader"]
            });
            generator.add_key(&key)?;
        }
        other.push(instance);
    }
    let mut apps = Vec::new();
    for at in 0..APP_SERVICE_IDS {
        let name = format!("app-c{cell:03}-{at:02}");
        let app = generator.add_service_id(&name, Some("Application identity"), Some(true), &[])?;
        let key_name = format!("{name}-deploy");
        generator.add_api_key(&ApiKeySpec::clean(
            &app.iam_id(),
            &key_name,
            "deploys the app",
        ))?;
        for policy in 0..APP_POLICIES {
            let instance = &other[generator.ids().below(other.len())];
            let roles = PLAIN_ROLES[(at + policy) % PLAIN_ROLES.len()];
            generator.add_policy(
                &Subject::ServiceId(&app.core),
                roles,
                &[
                    ("serviceName", instance.service),
                    ("serviceInstance", &instance.guid),
                ],
            )?;
        }
        apps.push(app);
    }
    let users: Vec<String> = (0..USERS).map(|_| generator.ids().ibmid()).collect();
    for user in &users {
        let spec = ApiKeySpec {
            expires: false,
            ..ApiKeySpec::clean(user, "my-cli-key", "personal key for the CLI")
        };
        generator.add_api_key(&spec)?;
    }
    let mut groups = Vec::new();
    for at in 0..GROUPS {
        let members: Vec<&str> = users[at * USERS_PER_GROUP..(at + 1) * USERS_PER_GROUP]
            .iter()
            .map(String::as_str)
            .collect();
        let group =
            generator.add_access_group(&format!("team-c{cell:03}-{at:02}"), &members, true)?;
        // Auditors: Operator and Manager on one auditing instance, in one policy.
        let audited = &auditing[(at * 2) % auditing.len()];
        generator.add_policy(
            &Subject::AccessGroup(&group),
            &["Operator", "Manager"],
            &[
                ("serviceName", "logdnaat"),
                ("serviceInstance", &audited.guid),
            ],
        )?;
        for policy in 1..POLICIES_PER_GROUP {
            let instance = &other[generator.ids().below(other.len())];
            let roles = PLAIN_ROLES[policy % PLAIN_ROLES.len()];
            if policy % 3 == 0 && instance.service == "cloud-object-storage" {
                let bucket = format!("bucket-{}", generator.ids().hex(8));
                generator.add_policy(
                    &Subject::AccessGroup(&group),
                    roles,
                    &[
                        ("serviceName", instance.service),
                        ("serviceInstance", &instance.guid),
                        ("resourceType", "bucket"),
                        ("resource", &bucket),
                    ],
                )?;
            } else {
                generator.add_policy(
                    &Subject::AccessGroup(&group),
                    roles,
                    &[
                        ("serviceName", instance.service),
                        ("serviceInstance", &instance.guid),
                    ],
                )?;
            }
        }
        groups.push(group);
    }
    for at in 0..V2_POLICIES {
        let group = &groups[at % groups.len()];
        let instance = &other[generator.ids().below(other.len())];
        generator.add_policy_v2(
            &Subject::AccessGroup(group),
            &["Viewer", "Reader"],
            &[
                ("serviceName", instance.service),
                ("serviceInstance", &instance.guid),
            ],
            true,
        )?;
    }
    Ok(Baseline {
        resource_groups,
        auditing,
        other,
        apps,
        users,
    })
}
