//! The summary of `iamlint collect`: what each collection holds, and for each one that is
//! not complete, why.

use crate::live::Collected;
use crate::live::snapshot::SNAPSHOT_FILE;
use crate::model::CollectionStatus;

/// One line per collection, then where the snapshot is and whether it is complete.
pub fn render(collected: &Collected) -> String {
    let mut out = format!(
        "collected account {} into {} ({} requests)\n",
        collected.account_id,
        collected.dir.display(),
        collected.requests
    );
    for collection in &collected.collections {
        let count = match collection.status {
            CollectionStatus::Complete | CollectionStatus::Partial => collection.count.to_string(),
            _ => "-".to_owned(),
        };
        out.push_str(&format!(
            "  {:<22} {count:>6}  {}",
            collection.name,
            collection.status.as_str()
        ));
        if let Some(reason) = &collection.reason {
            out.push_str(&format!(": {reason}"));
        }
        out.push('\n');
    }
    let incomplete = collected
        .collections
        .iter()
        .filter(|collection| collection.status.is_incomplete())
        .count();
    let forbidden = collected
        .collections
        .iter()
        .filter(|collection| collection.status == CollectionStatus::Forbidden)
        .count();
    out.push_str(&format!(
        "wrote {}\n",
        collected.dir.join(SNAPSHOT_FILE).display()
    ));
    if incomplete > 0 {
        out.push_str(&format!(
            "the snapshot is incomplete: {incomplete} collection(s) failed or are partial (see \
             above); `iamlint check` reports them as load errors\n"
        ));
    }
    if forbidden > 0 {
        out.push_str(&format!(
            "{forbidden} collection(s) forbidden: the API key lacks the role to read them (see \
             README, \"Live mode\"); rules that need them report `status: unknown`\n"
        ));
    }
    // Reasons quote the API's error messages.
    super::safe::escape_lines(&out).into_owned()
}
