//! Planted violations: in every cell, a known number for each rule (so findings grow with
//! the scale), plus an account-wide part (the service ID limit, one policy-crowded subject).
//! Each planted entity is built to trip exactly the rule it is tallied for.

use std::io;

use super::cell::{AUDITING_INSTANCES, Baseline};
use super::shapes::{ApiKeySpec, Subject};
use super::{Generator, KeySpec};

/// Service IDs made by CI pipelines: with a cell's, they bring a scale-1 account to 90% of
/// the 2000 service IDs IAM allows (`serviceid-limit`; above the limit from scale 2).
const CI_SERVICE_IDS: usize = 800;
/// Policies of one service ID: 90% of the 1000 a subject may have (`policy-limit`).
const CROWDED_POLICIES: usize = 900;

pub(crate) fn account_wide(generator: &mut Generator) -> io::Result<()> {
    for at in 0..CI_SERVICE_IDS {
        generator.add_service_id(&format!("ci-build-{at:04}"), None, Some(true), &[])?;
    }
    let group = generator.ids().hex(32);
    let buckets = generator.add_instance("cloud-object-storage", "us-south", &group, "buckets")?;
    let reader = generator.add_service_id(
        "bucket-reader",
        Some("reads tenant buckets"),
        Some(true),
        &[],
    )?;
    generator.add_api_key(&ApiKeySpec::clean(
        &reader.iam_id(),
        "bucket-reader",
        "tenant reader",
    ))?;
    for at in 0..CROWDED_POLICIES {
        let bucket = format!("tenant-{at:04}");
        generator.add_policy(
            &Subject::ServiceId(&reader.core),
            &["Reader"],
            &[
                ("serviceName", "cloud-object-storage"),
                ("serviceInstance", &buckets.guid),
                ("resourceType", "bucket"),
                ("resource", &bucket),
            ],
        )?;
    }
    // The generator writes no account settings or audit routes: each account-level rule
    // says `unknown` once (it never passes without the document it needs).
    for rule in [
        "account-serviceid-creation-unrestricted",
        "account-apikey-creation-unrestricted",
        "account-mfa-disabled",
        "access-public-enabled",
        "audit-global-events-unrouted",
    ] {
        generator.tally().unknown(rule, 1);
    }
    Ok(())
}

pub(crate) fn cell(generator: &mut Generator, cell: usize, base: &Baseline) -> io::Result<()> {
    auditing_keys(generator, cell, base)?;
    grants(generator, cell, base)?;
    identities(generator, cell, base)?;
    api_keys(generator, cell, base)?;
    Ok(())
}

/// Rules about keys on auditing instances.
fn auditing_keys(generator: &mut Generator, cell: usize, base: &Baseline) -> io::Result<()> {
    const RESTRICTED: &[&str] = &["Administrator", "Manager"];
    // at-key-limit: an instance with 19 auditing keys (medium) and one with 21 (high).
    for count in [19, 21] {
        let region = super::cell::REGIONS[count % 4];
        let name = format!("audit-full-c{cell:03}-{count}");
        let instance =
            generator.add_instance("logdnaat", region, &base.resource_groups[0], &name)?;
        for number in 0..count {
            let mut key = KeySpec::new(&instance, format!("{name}-key-{number}"), "Manager");
            key.policy_roles = Some(RESTRICTED);
            key.service_key = Some(generator.ids().secret(32));
            generator.add_key(&key)?;
        }
    }
    let auditing = &base.auditing;
    let at_key = |generator: &mut Generator, at: usize, label: &str| {
        let mut key = KeySpec::new(&auditing[at], format!("{label}-c{cell:03}-{at}"), "Manager");
        key.service_key = Some(generator.ids().secret(32));
        key
    };
    // key-restriction-missing: the service ID has no policy at all.
    for at in 0..3 {
        let key = at_key(generator, at, "unrestricted");
        generator.add_key(&key)?;
        generator.tally().fail("key-restriction-missing", 1);
    }
    // key-restriction-incomplete: scoped to the instance, but Reader instead of Manager.
    for at in 3..6 {
        let mut key = at_key(generator, at, "half-restricted");
        key.policy_roles = Some(&["Administrator", "Reader"]);
        generator.add_key(&key)?;
        generator.tally().fail("key-restriction-incomplete", 1);
    }
    // key-cannot-evaluate: REDACTED credentials (twice), a service ID not exported, and two
    // v2 placeholders whose v2 policy is missing.
    for at in 6..8 {
        let mut key = at_key(generator, at, "redacted");
        key.redacted = true;
        key.policy_roles = Some(RESTRICTED);
        generator.add_key(&key)?;
    }
    let mut key = at_key(generator, 8, "lost-serviceid");
    key.export_service_id = false;
    generator.add_key(&key)?;
    for _ in 0..2 {
        let group = format!("AccessGroupId-{}", generator.ids().uuid());
        generator.add_policy_v2(&Subject::AccessGroup(&group), &["Viewer"], &[], false)?;
    }
    generator.tally().unknown("key-cannot-evaluate", 5);
    // key-duplicate-service-key: two pairs of keys that got the same auditing key back.
    for at in 11..13 {
        let shared = generator.ids().secret(32);
        for copy in 0..2 {
            let mut key = at_key(generator, at, &format!("again-{copy}"));
            key.policy_roles = Some(RESTRICTED);
            key.service_key = Some(shared.clone());
            generator.add_key(&key)?;
        }
        generator.tally().fail("key-duplicate-service-key", 1);
    }
    // serviceid-unlocked: two service IDs unlocked, one whose lock state is not exported.
    for (at, locked) in [(13, Some(false)), (14, Some(false)), (15, None)] {
        let mut key = at_key(generator, at, "unlocked");
        key.policy_roles = Some(RESTRICTED);
        key.locked = locked;
        generator.add_key(&key)?;
        match locked {
            Some(_) => generator.tally().fail("serviceid-unlocked", 1),
            None => generator.tally().unknown("serviceid-unlocked", 1),
        }
    }
    const { assert!(AUDITING_INSTANCES > 15) };
    Ok(())
}

/// Rules about who holds what: Manager without a platform role, account-wide service IDs,
/// IAM administrators, direct user policies, dangling references.
fn grants(generator: &mut Generator, cell: usize, base: &Baseline) -> io::Result<()> {
    // key-manager-incomplete-grant: two access groups with Manager on an auditing instance
    // and no platform role.
    for at in 0..2 {
        let members = [base.users[2 * at].as_str(), base.users[2 * at + 1].as_str()];
        let group =
            generator.add_access_group(&format!("at-managers-c{cell:03}-{at}"), &members, true)?;
        let instance = &base.auditing[9 + at];
        generator.add_policy(
            &Subject::AccessGroup(&group),
            &["Manager"],
            &[
                ("serviceName", "logdnaat"),
                ("serviceInstance", &instance.guid),
            ],
        )?;
        generator.tally().fail("key-manager-incomplete-grant", 1);
    }
    // ... and a service ID with Manager on every auditing instance, whose platform role
    // depends on an access group whose members were not exported: unknown.
    let tooling =
        generator.add_service_id(&format!("at-tooling-c{cell:03}"), None, Some(true), &[])?;
    generator.add_api_key(&ApiKeySpec::clean(
        &tooling.iam_id(),
        "at-tooling",
        "tooling",
    ))?;
    generator.add_policy(
        &Subject::ServiceId(&tooling.core),
        &["Manager"],
        &[("serviceName", "logdnaat")],
    )?;
    let operators = generator.add_access_group(&format!("at-operators-c{cell:03}"), &[], false)?;
    generator.add_policy(
        &Subject::AccessGroup(&operators),
        &["Operator"],
        &[("serviceName", "logdnaat")],
    )?;
    generator.tally().unknown("key-manager-incomplete-grant", 1);
    // serviceid-unrestricted: account-wide, all IAM-enabled services, a resource group, a
    // service group.
    let group = base.resource_groups[1].clone();
    type Scope<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
    let scopes: [Scope<'_>; 4] = [
        (&["Editor"], &[]),
        (&["Viewer"], &[("serviceType", "service")]),
        (&["Writer"], &[("resourceGroupId", &group)]),
        (&["Viewer"], &[("service_group_id", "IAM")]),
    ];
    for (at, (roles, resource)) in scopes.iter().enumerate() {
        let wide =
            generator.add_service_id(&format!("wide-c{cell:03}-{at}"), None, Some(true), &[])?;
        generator.add_api_key(&ApiKeySpec::clean(
            &wide.iam_id(),
            "wide",
            "broad automation",
        ))?;
        generator.add_policy(&Subject::ServiceId(&wide.core), roles, resource)?;
        generator.tally().fail("serviceid-unrestricted", 1);
    }
    // serviceid-admin-count: Administrator on IAM Identity (counted account-wide).
    for at in 0..4 {
        let admin = generator.add_service_id(
            &format!("iam-admin-c{cell:03}-{at}"),
            None,
            Some(true),
            &[],
        )?;
        generator.add_api_key(&ApiKeySpec::clean(
            &admin.iam_id(),
            "iam-admin",
            "IAM automation",
        ))?;
        generator.add_policy(
            &Subject::ServiceId(&admin.core),
            &["Administrator"],
            &[("serviceName", "iam-identity")],
        )?;
        generator.tally().admin_service_ids += 1;
    }
    // user-policy-direct: five users with a policy of their own.
    for user in &base.users[..5] {
        let instance = &base.other[generator.ids().below(base.other.len())];
        generator.add_policy(
            &Subject::User(user),
            &["Viewer"],
            &[
                ("serviceName", instance.service),
                ("serviceInstance", &instance.guid),
            ],
        )?;
        generator.tally().fail("user-policy-direct", 1);
    }
    // reference-dangling: two policies of deleted service IDs, a policy on a deleted
    // instance, and a key of another deleted instance.
    for _ in 0..2 {
        let deleted = format!("ServiceId-{}", generator.ids().uuid());
        let instance = &base.other[generator.ids().below(base.other.len())];
        generator.add_policy(
            &Subject::ServiceId(&deleted),
            &["Reader"],
            &[
                ("serviceName", instance.service),
                ("serviceInstance", &instance.guid),
            ],
        )?;
    }
    let gone = generator.missing_instance("cloud-object-storage", &base.resource_groups[2]);
    generator.add_policy(
        &Subject::ServiceId(&base.apps[10].core),
        &["Reader"],
        &[
            ("serviceName", gone.service),
            ("serviceInstance", &gone.guid),
        ],
    )?;
    let gone = generator.missing_instance("cloud-object-storage", &base.resource_groups[2]);
    generator.add_key(&KeySpec::new(
        &gone,
        format!("left-behind-c{cell:03}"),
        "Writer",
    ))?;
    generator.tally().fail("reference-dangling", 4);
    Ok(())
}

/// Rules about service IDs and keys of other services.
fn identities(generator: &mut Generator, cell: usize, base: &Baseline) -> io::Result<()> {
    // serviceid-orphaned: made for a key of an instance whose keys are all visible, and no
    // key uses it any more.
    for at in 0..3 {
        let instance = &base.other[100 + at];
        let name = format!("deleted-key-c{cell:03}-{at}");
        let description = format!("Service ID for resource key {name}");
        let orphan =
            generator.add_service_id(&name, Some(&description), Some(true), &[&instance.crn])?;
        generator.add_policy(
            &Subject::ServiceId(&orphan.core),
            &["Reader"],
            &[
                ("serviceName", instance.service),
                ("serviceInstance", &instance.guid),
            ],
        )?;
        generator.tally().fail("serviceid-orphaned", 1);
    }
    // key-role-excessive: Manager on three keys of other services, two REDACTED (unknown).
    for at in 0..3 {
        let instance = &base.other[140 + at];
        let mut key = KeySpec::new(instance, format!("too-strong-c{cell:03}-{at}"), "Manager");
        key.policy_roles = Some(&["Manager"]);
        generator.add_key(&key)?;
        generator.tally().fail("key-role-excessive", 1);
    }
    for at in 0..2 {
        let instance = &base.other[150 + at];
        let mut key = KeySpec::new(instance, format!("hidden-role-c{cell:03}-{at}"), "Writer");
        key.redacted = true;
        key.policy_roles = Some(&["Writer"]);
        generator.add_key(&key)?;
        generator.tally().unknown("key-role-excessive", 1);
    }
    Ok(())
}

/// Rules about API keys.
fn api_keys(generator: &mut Generator, cell: usize, base: &Baseline) -> io::Result<()> {
    let owner = |at: usize| base.apps[at].iam_id();
    // apikey-rotation: three keys over a year old; one without `created_at` (unknown).
    for at in 0..3 {
        let owner = owner(at);
        let spec = ApiKeySpec {
            created_days: Some(-800..-400),
            ..ApiKeySpec::clean(&owner, "old-deploy", "never rotated")
        };
        generator.add_api_key(&spec)?;
        generator.tally().fail("apikey-rotation", 1);
    }
    let user = &base.users[10];
    let spec = ApiKeySpec {
        created_days: None,
        expires: false,
        ..ApiKeySpec::clean(user, "undated", "exported without created_at")
    };
    generator.add_api_key(&spec)?;
    generator.tally().unknown("apikey-rotation", 1);
    // apikey-leak-action: three with `none`, one without the member (unknown).
    for at in 3..7 {
        let owner = owner(at);
        let action = if at < 6 { Some("none") } else { None };
        let spec = ApiKeySpec {
            leak_action: action,
            ..ApiKeySpec::clean(&owner, "leaky", "stays active when leaked")
        };
        generator.add_api_key(&spec)?;
        match action {
            Some(_) => generator.tally().fail("apikey-leak-action", 1),
            None => generator.tally().unknown("apikey-leak-action", 1),
        }
    }
    // apikey-no-expiry: three service ID keys without `expires_at`.
    for at in 7..10 {
        let owner = owner(at);
        let spec = ApiKeySpec {
            expires: false,
            ..ApiKeySpec::clean(&owner, "forever", "never expires")
        };
        generator.add_api_key(&spec)?;
        generator.tally().fail("apikey-no-expiry", 1);
    }
    // apikey-limit-per-identity: service IDs with 19 (medium) and 21 (high) API keys; the
    // tally counts them from the keys written.
    for count in [19, 21] {
        let deployer = generator.add_service_id(
            &format!("deployer-c{cell:03}-{count}"),
            None,
            Some(true),
            &[],
        )?;
        for number in 0..count {
            let name = format!("pipeline-{number}");
            generator.add_api_key(&ApiKeySpec::clean(
                &deployer.iam_id(),
                &name,
                "one per pipeline",
            ))?;
        }
    }
    Ok(())
}
