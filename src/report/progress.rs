//! The progress display of a collect, on stderr: a spinner with the running collection and
//! its item count, and one line per finished collection. indicatif draws nothing when
//! stderr is not a terminal; `--quiet` hides it too.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::live::{CollectionReport, Observer};
use crate::model::CollectionStatus;

/// Shows a collect as it runs.
pub struct Progress {
    bar: ProgressBar,
    collection: String,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        };
        Self {
            bar,
            collection: String::new(),
        }
    }
}

impl Observer for Progress {
    fn collection(&mut self, name: &str) {
        name.clone_into(&mut self.collection);
        self.bar.set_message(format!("{name}: listing"));
    }

    fn items(&mut self, count: usize) {
        self.bar
            .set_message(format!("{}: {count} so far", self.collection));
    }

    fn retry(&mut self, wait: Duration, reason: &str) {
        let reason: String = reason.chars().take(120).collect();
        self.bar.set_message(format!(
            "{}: retrying in {:.1}s ({reason})",
            self.collection,
            wait.as_secs_f64()
        ));
    }

    fn finished(&mut self, report: &CollectionReport) {
        let mark = match report.status {
            CollectionStatus::Complete => "ok",
            CollectionStatus::Forbidden | CollectionStatus::Skipped => "--",
            CollectionStatus::Partial | CollectionStatus::Failed => "!!",
        };
        self.bar.println(format!(
            "{mark} {:<22} {:>6}  {}",
            report.name,
            report.count,
            report.status.as_str()
        ));
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
