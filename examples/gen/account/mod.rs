//! A synthetic IBM Cloud account in the real API shapes, for benchmarks and the scale test.
//!
//! Scale N is N "cells" of about 1,000 resource keys each (with their instances, service
//! IDs, API keys and about 2,500 v1/v2 policies), plus a fixed account-wide part. Each cell
//! also carries planted violations of every rule, so that the findings grow with N, and
//! the generator tallies what it planted into `expected.json`.
//!
//! Used by `examples/gen/main.rs`, by the integration test (`tests/integration/scale.rs`)
//! and by the benchmarks, all through `#[path]`, so the three share one generator.

mod cell;
pub(crate) mod expected;
pub(crate) mod ids;
mod plant;
pub(crate) mod shapes;
mod writer;

use std::io;
use std::path::{Path, PathBuf};

use serde_json::json;

use expected::{AuditingInstance, Count, Tally};
use ids::Ids;
use shapes::{ApiKeySpec, Credentials, Instance, ServiceId, Subject};
use writer::{Collection, Envelope};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub(crate) scale: usize,
    pub(crate) seed: u64,
}

/// What was generated.
#[derive(Debug)]
pub(crate) struct Summary {
    pub(crate) files: usize,
    pub(crate) bytes: u64,
    pub(crate) findings: std::collections::BTreeMap<&'static str, Count>,
    pub(crate) expected_path: PathBuf,
}

/// The output files of the account, and the tally of what they hold.
pub(crate) struct Generator {
    ids: Ids,
    account: String,
    out: PathBuf,
    instances: Collection,
    keys: Collection,
    service_ids: Collection,
    api_keys: Collection,
    policies_v1: Collection,
    policies_v2: Collection,
    groups: Collection,
    member_files: usize,
    member_bytes: u64,
    tally: Tally,
}

/// How one resource key is generated, with the service ID and API key behind it.
pub(crate) struct KeySpec<'a> {
    pub(crate) instance: &'a Instance,
    pub(crate) name: String,
    /// The key's role (`credentials.iam_role_crn`).
    pub(crate) role: &'static str,
    /// Roles of the policy that scopes the service ID to the instance; `None`: no policy.
    pub(crate) policy_roles: Option<&'a [&'static str]>,
    /// The auditing key in `credentials.service_key` (auditing instances only).
    pub(crate) service_key: Option<String>,
    pub(crate) redacted: bool,
    /// Whether the service ID (and its API key) are in the export.
    pub(crate) export_service_id: bool,
    pub(crate) locked: Option<bool>,
}

impl<'a> KeySpec<'a> {
    pub(crate) fn new(instance: &'a Instance, name: String, role: &'static str) -> Self {
        Self {
            instance,
            name,
            role,
            policy_roles: None,
            service_key: None,
            redacted: false,
            export_service_id: true,
            locked: Some(true),
        }
    }
}

/// Writes the account of `options` into `out` (created if needed), with `expected.json`.
pub(crate) fn generate(options: Options, out: &Path) -> io::Result<Summary> {
    std::fs::create_dir_all(out)?;
    let mut ids = Ids::new(options.seed);
    let account = ids.hex(32);
    let collection = |stem, envelope| Collection::new(out, stem, envelope, &account);
    let mut generator = Generator {
        instances: collection(
            "resource_instances",
            Envelope::ResourceController("resource_instances"),
        ),
        keys: collection(
            "resource_keys",
            Envelope::ResourceController("resource_keys"),
        ),
        service_ids: collection(
            "service_ids",
            Envelope::Identity("serviceids/", "serviceids"),
        ),
        api_keys: collection("api_keys", Envelope::Identity("apikeys", "apikeys")),
        policies_v1: collection("policies_v1", Envelope::PoliciesV1),
        policies_v2: collection("policies_v2", Envelope::PoliciesV2),
        groups: collection("access_groups", Envelope::AccessGroups),
        ids,
        account: account.clone(),
        out: out.to_path_buf(),
        member_files: 0,
        member_bytes: 0,
        tally: Tally::default(),
    };
    plant::account_wide(&mut generator)?;
    for cell in 0..options.scale {
        let baseline = cell::baseline(&mut generator, cell)?;
        plant::cell(&mut generator, cell, &baseline)?;
    }
    generator.finish(options)
}

impl Generator {
    fn finish(self, options: Options) -> io::Result<Summary> {
        let mut bytes = self.member_bytes;
        let mut files = self.member_files;
        for collection in [
            self.instances,
            self.keys,
            self.service_ids,
            self.api_keys,
            self.policies_v1,
            self.policies_v2,
            self.groups,
        ] {
            let (written, pages) = collection.finish()?;
            bytes += written;
            files += pages;
        }
        let (findings, tally) = self.tally.finish();
        let document = expected::document(
            options.scale,
            options.seed,
            ids::EXPORTED_AT,
            &findings,
            &tally,
            files,
            bytes,
        );
        let expected_path = self.out.join("expected.json");
        writer::document(&expected_path, &document)?;
        Ok(Summary {
            files,
            bytes,
            findings,
            expected_path,
        })
    }

    fn instance_at(
        &mut self,
        service: &'static str,
        region: &'static str,
        group: &str,
    ) -> Instance {
        let guid = self.ids.uuid();
        Instance {
            crn: shapes::instance_crn(&self.account, service, region, &guid),
            guid,
            service,
            region,
            resource_group: group.to_owned(),
        }
    }

    /// Writes a new instance; auditing (`logdnaat`) ones are tallied for `at-key-limit`
    /// and `at-service-deprecated`.
    pub(crate) fn add_instance(
        &mut self,
        service: &'static str,
        region: &'static str,
        group: &str,
        name: &str,
    ) -> io::Result<Instance> {
        let instance = self.instance_at(service, region, group);
        let value = shapes::instance(&mut self.ids, &self.account, &instance, name);
        self.instances.push(value)?;
        self.tally.instances += 1;
        if service == "logdnaat" {
            self.tally.fail("at-service-deprecated", 1);
            self.tally
                .auditing_instances
                .insert(instance.guid.clone(), AuditingInstance::default());
        }
        Ok(instance)
    }

    /// An instance that no export holds (deleted), for dangling references.
    pub(crate) fn missing_instance(&mut self, service: &'static str, group: &str) -> Instance {
        self.instance_at(service, "us-south", group)
    }

    pub(crate) fn add_service_id(
        &mut self,
        name: &str,
        description: Option<&str>,
        locked: Option<bool>,
        instance_crns: &[&str],
    ) -> io::Result<ServiceId> {
        let core = format!("ServiceId-{}", self.ids.uuid());
        let value = shapes::service_id(
            &mut self.ids,
            &self.account,
            &core,
            name,
            description,
            locked,
            instance_crns,
        );
        self.service_ids.push(value)?;
        self.tally.service_ids += 1;
        Ok(ServiceId { core })
    }

    pub(crate) fn add_api_key(&mut self, spec: &ApiKeySpec<'_>) -> io::Result<()> {
        let value = shapes::api_key(&mut self.ids, &self.account, spec);
        self.api_keys.push(value)?;
        self.tally.api_keys += 1;
        let owner = spec.owner.strip_prefix("iam-").unwrap_or(spec.owner);
        *self
            .tally
            .api_keys_per_identity
            .entry(owner.to_owned())
            .or_default() += 1;
        Ok(())
    }

    fn subject_key(subject: &Subject<'_>) -> String {
        match subject {
            Subject::ServiceId(core) => (*core).to_owned(),
            Subject::User(user) | Subject::AccessGroup(user) => (*user).to_owned(),
        }
    }

    pub(crate) fn add_policy(
        &mut self,
        subject: &Subject<'_>,
        roles: &[&str],
        resource: &[(&str, &str)],
    ) -> io::Result<()> {
        let value = shapes::policy_v1(&mut self.ids, &self.account, subject, roles, resource);
        self.policies_v1.push(value)?;
        self.tally.policies += 1;
        *self
            .tally
            .policies_per_subject
            .entry(Self::subject_key(subject))
            .or_default() += 1;
        Ok(())
    }

    /// A v2 policy, with its placeholder in the v1 list; `export` false leaves the v2 policy
    /// out, so only the placeholder remains.
    pub(crate) fn add_policy_v2(
        &mut self,
        subject: &Subject<'_>,
        roles: &[&str],
        resource: &[(&str, &str)],
        export: bool,
    ) -> io::Result<()> {
        let id = self.ids.uuid();
        self.policies_v1
            .push(shapes::placeholder_v1(&self.account, &id))?;
        if !export {
            self.tally.placeholders += 1;
            return Ok(());
        }
        let weekdays = self.ids.below(2) == 0;
        let value = shapes::policy_v2(
            &mut self.ids,
            &self.account,
            &id,
            subject,
            roles,
            resource,
            weekdays,
        );
        self.policies_v2.push(value)?;
        self.tally.policies += 1;
        *self
            .tally
            .policies_per_subject
            .entry(Self::subject_key(subject))
            .or_default() += 1;
        Ok(())
    }

    /// Writes a resource key with the service ID and API key resource controller made for
    /// it, and the policy scoping the service ID to the instance; returns the service ID.
    pub(crate) fn add_key(&mut self, spec: &KeySpec<'_>) -> io::Result<ServiceId> {
        let guid = self.ids.uuid();
        let instance = spec.instance;
        let service_id = if spec.export_service_id {
            let description = format!("Service ID for resource key {}", spec.name);
            self.add_service_id(
                &format!("{}-serviceid", spec.name),
                Some(&description),
                spec.locked,
                &[&instance.crn],
            )?
        } else {
            ServiceId {
                core: format!("ServiceId-{}", self.ids.uuid()),
            }
        };
        if spec.export_service_id {
            let name = format!("auto-generated-apikey-{guid}");
            let description = shapes::key_apikey_description(&guid);
            self.add_api_key(&ApiKeySpec::clean(
                &service_id.iam_id(),
                &name,
                &description,
            ))?;
        }
        if let Some(roles) = spec.policy_roles {
            self.add_policy(
                &Subject::ServiceId(&service_id.core),
                roles,
                &[
                    ("serviceName", instance.service),
                    ("serviceInstance", &instance.guid),
                ],
            )?;
        }
        let credentials = if spec.redacted {
            Credentials::Redacted
        } else {
            Credentials::Visible {
                role: spec.role,
                service_id: &service_id.core,
                service_key: spec.service_key.as_deref(),
            }
        };
        let value = shapes::key(
            &mut self.ids,
            &self.account,
            instance,
            &guid,
            &spec.name,
            &credentials,
        );
        self.keys.push(value)?;
        self.tally.keys += 1;
        if let Some(auditing) = self.tally.auditing_instances.get_mut(&instance.guid) {
            auditing.keys += 1;
            match (&spec.service_key, spec.redacted) {
                (Some(service_key), false) => {
                    auditing.service_keys.insert(service_key.clone());
                }
                _ => auditing.hidden = true,
            }
        }
        Ok(service_id)
    }

    /// Writes an access group, and its member list unless `export_members` is false.
    pub(crate) fn add_access_group(
        &mut self,
        name: &str,
        members: &[&str],
        export_members: bool,
    ) -> io::Result<String> {
        let id = format!("AccessGroupId-{}", self.ids.uuid());
        let value = shapes::access_group(&mut self.ids, &self.account, &id, name);
        self.groups.push(value)?;
        self.tally.access_groups += 1;
        if export_members {
            let items: Vec<_> = members
                .iter()
                .map(|user| shapes::member(&mut self.ids, &id, user))
                .collect();
            let href = format!("https://iam.cloud.ibm.com/v2/groups/{id}/members?limit=100");
            let document = json!({
                "limit": 100,
                "offset": 0,
                "total_count": items.len(),
                "first": {"href": href},
                "last": {"href": href},
                "members": items,
            });
            let path = self.out.join(format!("access_group_members_{id}.json"));
            self.member_bytes += writer::document(&path, &document)?;
            self.member_files += 1;
            self.tally.memberships += members.len();
        }
        Ok(id)
    }

    pub(crate) fn ids(&mut self) -> &mut Ids {
        &mut self.ids
    }

    pub(crate) fn tally(&mut self) -> &mut Tally {
        &mut self.tally
    }
}
