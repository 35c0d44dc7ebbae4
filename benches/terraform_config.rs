//! Criterion benchmark of a Terraform configuration of 1,000 resources (250 audit
//! instances, each with a service ID, a key bound to it and a policy restricting it),
//! checked as `iamlint check infra/` would: discovery, parsing with spans, evaluation, the
//! plan built from it, the model, every rule and the JSON report.
//!
//! `cargo bench --bench terraform_config`; the configuration is generated once into the
//! temp dir.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use iamlint::pipeline::{self, Request};
use iamlint::report::{RunReport, json};
use iamlint::rules::Settings;
use iamlint::sources::LoadOptions;

/// Instances in the configuration; four resources each.
const INSTANCES: usize = 250;

/// Writes the configuration (one file of 250 × 4 resources, one of variables) once.
fn configuration() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamlint-bench-tf-{INSTANCES}"));
    let main = dir.join("main.tf");
    if main.is_file() {
        return dir;
    }
    std::fs::create_dir_all(&dir).expect("the temp dir is writable");
    let mut text = String::new();
    for at in 0..INSTANCES {
        let _ = write!(
            text,
            r#"
resource "ibm_resource_instance" "at_{at}" {{
  name     = "audit-{at}-${{var.region}}"
  service  = "logdnaat"
  plan     = "7-day"
  location = var.region
}}

resource "ibm_iam_service_id" "exporter_{at}" {{
  name = "at-exporter-{at}"
}}

resource "ibm_resource_key" "exporter_{at}" {{
  name                 = "at-exporter-{at}"
  role                 = "Reader"
  resource_instance_id = ibm_resource_instance.at_{at}.id
  parameters = {{
    serviceid_crn = ibm_iam_service_id.exporter_{at}.crn
  }}
}}

resource "ibm_iam_service_policy" "exporter_{at}" {{
  iam_service_id = ibm_iam_service_id.exporter_{at}.id
  roles          = ["Reader"]

  resources {{
    service              = "logdnaat"
    resource_instance_id = ibm_resource_instance.at_{at}.guid
  }}
}}
"#
        );
    }
    std::fs::write(&main, text).expect("the configuration is written");
    std::fs::write(
        dir.join("variables.tf"),
        "variable \"region\" {\n  type    = string\n  default = \"us-south\"\n}\n",
    )
    .expect("the variables are written");
    dir
}

fn check(c: &mut Criterion) {
    let paths = vec![configuration()];
    let options = LoadOptions::default();
    let settings = Settings::default();
    let mut group = c.benchmark_group("terraform_config");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("check_1000_resources", |b| {
        b.iter(|| {
            let checked =
                pipeline::run(&Request::new(&paths, &options, &settings)).expect("valid options");
            let report = RunReport::new(&checked.loaded, &checked.findings);
            json::render(&report)
        });
    });
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
