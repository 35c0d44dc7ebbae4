//! Streams entities into export files: API list pages of 100 items (the page size IBM's
//! list APIs allow), or one file for `/v1/policies`, which does not page. Items are written
//! as they come, pretty-printed like `jq .` would save them, so memory stays flat at any
//! scale.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Items per page, as the list APIs return them.
pub(crate) const PAGE: usize = 100;

/// The list envelope of one API.
#[derive(Clone, Copy)]
pub(crate) enum Envelope {
    /// Resource Controller `{rows_count, next_url, resources}`; holds the endpoint.
    ResourceController(&'static str),
    /// IAM Identity `{offset, limit, first, next, <member>}`; holds endpoint and member.
    Identity(&'static str, &'static str),
    /// IAM Policy Management v2 `{limit, first, next: {href, start}, policies}`.
    PoliciesV2,
    /// IAM Access Groups `{limit, offset, first, next, groups}`.
    AccessGroups,
    /// `/v1/policies`: one unpaged `{policies}` document.
    PoliciesV1,
}

/// One collection, written as numbered page files (or one file for `PoliciesV1`).
pub(crate) struct Collection {
    dir: PathBuf,
    stem: &'static str,
    envelope: Envelope,
    account: String,
    buffer: Vec<Value>,
    pages: usize,
    offset: usize,
    /// The open file of an unpaged collection, and whether an item was written to it.
    unpaged: Option<(BufWriter<File>, bool)>,
    /// Bytes written, for the summary.
    pub(crate) bytes: u64,
    pub(crate) items: usize,
}

impl Collection {
    pub(crate) fn new(dir: &Path, stem: &'static str, envelope: Envelope, account: &str) -> Self {
        Self {
            dir: dir.to_path_buf(),
            stem,
            envelope,
            account: account.to_owned(),
            buffer: Vec::new(),
            pages: 0,
            offset: 0,
            unpaged: None,
            bytes: 0,
            items: 0,
        }
    }

    pub(crate) fn push(&mut self, item: Value) -> io::Result<()> {
        self.items += 1;
        if let Envelope::PoliciesV1 = self.envelope {
            return self.write_unpaged(&item);
        }
        if self.buffer.len() == PAGE {
            self.flush_page(true)?;
        }
        self.buffer.push(item);
        Ok(())
    }

    /// Writes what is left; a collection without items still gets one empty page, so the
    /// export says "there are none" rather than "not exported".
    /// Returns the bytes and files written.
    pub(crate) fn finish(mut self) -> io::Result<(u64, usize)> {
        if let Envelope::PoliciesV1 = self.envelope {
            let (mut file, _) = match self.unpaged.take() {
                Some(open) => open,
                None => (self.open_unpaged()?, false),
            };
            file.write_all(b"\n  ]\n}\n")?;
            file.flush()?;
            self.bytes += 8;
            return Ok((self.bytes, 1));
        }
        if !self.buffer.is_empty() || self.pages == 0 {
            self.flush_page(false)?;
        }
        Ok((self.bytes, self.pages))
    }

    fn open_unpaged(&mut self) -> io::Result<BufWriter<File>> {
        let path = self.dir.join(format!("{}.json", self.stem));
        let mut file = BufWriter::with_capacity(1 << 20, File::create(path)?);
        file.write_all(b"{\n  \"policies\": [\n")?;
        self.bytes += 18;
        Ok(file)
    }

    fn write_unpaged(&mut self, item: &Value) -> io::Result<()> {
        if self.unpaged.is_none() {
            let file = self.open_unpaged()?;
            self.unpaged = Some((file, false));
        }
        let text = indented(item, 4)?;
        if let Some((file, started)) = &mut self.unpaged {
            if *started {
                file.write_all(b",\n")?;
            }
            file.write_all(text.as_bytes())?;
            *started = true;
        }
        self.bytes += text.len() as u64 + 2;
        Ok(())
    }

    fn flush_page(&mut self, more: bool) -> io::Result<()> {
        self.pages += 1;
        let token = format!("g1AAAA{:08x}{:04}", self.offset, self.pages);
        let account = &self.account;
        let count = self.buffer.len();
        let (header, member) = match self.envelope {
            Envelope::ResourceController(endpoint) => {
                let next = if more {
                    format!("\"/v2/{endpoint}?start={token}&limit={PAGE}\"")
                } else {
                    "null".to_owned()
                };
                (
                    format!("  \"rows_count\": {count},\n  \"next_url\": {next},\n"),
                    "resources",
                )
            }
            Envelope::Identity(endpoint, member) => {
                let base = format!(
                    "https://iam.cloud.ibm.com/v1/{endpoint}?account_id={account}&pagesize={PAGE}"
                );
                let mut header = format!(
                    "  \"offset\": {},\n  \"limit\": {PAGE},\n  \"first\": \"{base}\",\n",
                    self.offset
                );
                if more {
                    header.push_str(&format!("  \"next\": \"{base}&pagetoken={token}\",\n"));
                }
                (header, member)
            }
            Envelope::PoliciesV2 => {
                let base = format!(
                    "https://iam.cloud.ibm.com/v2/policies?account_id={account}&limit={PAGE}"
                );
                let mut header = format!(
                    "  \"limit\": {PAGE},\n  \"first\": {{\n    \"href\": \"{base}\"\n  }},\n"
                );
                if more {
                    header.push_str(&format!(
                        "  \"next\": {{\n    \"href\": \"{base}&start={token}\",\n    \"start\": \"{token}\"\n  }},\n"
                    ));
                }
                (header, "policies")
            }
            Envelope::AccessGroups => {
                let base = format!(
                    "https://iam.cloud.ibm.com/v2/groups?account_id={account}&limit={PAGE}"
                );
                let mut header = format!(
                    "  \"limit\": {PAGE},\n  \"offset\": {},\n  \"first\": {{\n    \"href\": \"{base}\"\n  }},\n",
                    self.offset
                );
                if more {
                    header.push_str(&format!(
                        "  \"next\": {{\n    \"href\": \"{base}&offset={}\"\n  }},\n",
                        self.offset + count
                    ));
                }
                (header, "groups")
            }
            Envelope::PoliciesV1 => unreachable_envelope(),
        };
        let path = self
            .dir
            .join(format!("{}_p{:04}.json", self.stem, self.pages));
        let mut text = format!("{{\n{header}  \"{member}\": [");
        for (at, item) in self.buffer.drain(..).enumerate() {
            text.push_str(if at == 0 { "\n" } else { ",\n" });
            text.push_str(&indented(&item, 4)?);
        }
        text.push_str(if count == 0 { "]\n}\n" } else { "\n  ]\n}\n" });
        std::fs::write(path, &text)?;
        self.bytes += text.len() as u64;
        self.offset += count;
        Ok(())
    }
}

/// `PoliciesV1` never reaches the page writer.
fn unreachable_envelope() -> (String, &'static str) {
    (String::new(), "policies")
}

/// `value` pretty-printed, every line indented by `by` spaces.
pub(crate) fn indented(value: &Value, by: usize) -> io::Result<String> {
    let pretty = serde_json::to_string_pretty(value)?;
    let pad = " ".repeat(by);
    let mut out = String::with_capacity(pretty.len() + pretty.len() / 8);
    for (at, line) in pretty.lines().enumerate() {
        if at > 0 {
            out.push('\n');
        }
        out.push_str(&pad);
        out.push_str(line);
    }
    Ok(out)
}

/// Writes one whole document (a member list of one access group).
pub(crate) fn document(path: &Path, value: &Value) -> io::Result<u64> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, &text)?;
    Ok(text.len() as u64)
}
