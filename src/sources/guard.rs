//! Checks on an input before it is read whole, so that no input can hang the run or take
//! unbounded memory: only regular files are read (a FIFO would block, a device never
//! end), a file above [`MAX_INPUT`] is refused, and a large file is probed in fixed-size
//! chunks up to its first significant byte, so that a gigabyte of whitespace (or a sparse
//! file of NUL bytes) is reported without being loaded. Text that is UTF-16 or UTF-32, or
//! that starts with binary data, is reported here too, with a message that says so.
//!
//! Also the wording of I/O errors, shared with discovery: what went wrong, and what was
//! expected.

use std::fs::{File, Metadata};
use std::io::{self, ErrorKind, Read};
use std::path::Path;

use super::error::{LoadError, LoadErrorKind};
use super::text::LineColumn;

/// The largest input iamlint reads: far above any IAM export (the largest accounts export
/// a few hundred MB), far below what would exhaust memory once parsed.
pub(super) const MAX_INPUT: u64 = 4 << 30;

/// Files from this size on are probed chunk by chunk before they are read whole.
const PROBE_FROM: u64 = 1 << 20;

const CHUNK: usize = 1 << 12;

/// How far a small file is probed (the parser reports anything beyond).
const SMALL_PROBE: u64 = 1 << 16;

/// Checks the input at `path` (named `name` in messages) before it is read.
pub(super) fn check(path: &Path, name: &str) -> Result<(), Box<LoadError>> {
    let metadata =
        std::fs::metadata(path).map_err(|error| Box::new(io_error(path, name, &error)))?;
    if !metadata.is_file() {
        return Err(Box::new(LoadError::new(
            LoadErrorKind::Io,
            name,
            format!(
                "not a regular file ({}): expected a JSON or YAML file",
                file_kind(&metadata)
            ),
        )));
    }
    if metadata.len() > MAX_INPUT {
        return Err(Box::new(
            LoadError::new(
                LoadErrorKind::Io,
                name,
                format!(
                    "file is {:.1} GiB: expected at most {} GiB per input file",
                    metadata.len() as f64 / f64::from(1u32 << 30),
                    MAX_INPUT >> 30
                ),
            )
            .help("split the export into pages, one file per API response"),
        ));
    }
    let mut file = File::open(path).map_err(|error| Box::new(io_error(path, name, &error)))?;
    let limit = if metadata.len() >= PROBE_FROM {
        u64::MAX
    } else {
        // A small file: its first bytes are enough (the parser reports the rest).
        SMALL_PROBE
    };
    probe(&mut file, limit, name).map_err(|error| match error {
        Probe::Io(error) => Box::new(io_error(path, name, &error)),
        Probe::Problem(problem) => problem,
    })
}

enum Probe {
    Io(io::Error),
    Problem(Box<LoadError>),
}

/// Reads up to the first significant byte (at most `limit` bytes), in fixed-size chunks.
fn probe(file: &mut File, limit: u64, name: &str) -> Result<(), Probe> {
    // Small: a document's first significant byte is almost always in its first few bytes,
    // and every input of a run of thousands of files comes through here.
    let mut buffer = [0u8; CHUNK];
    let mut read_total: u64 = 0;
    let mut line = 1usize;
    let mut column = 1usize;
    loop {
        let count = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => count,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(Probe::Io(error)),
        };
        let mut chunk = &buffer[..count];
        if read_total == 0 {
            if let Some(problem) = wide_encoding(chunk, name) {
                return Err(Probe::Problem(Box::new(problem)));
            }
            chunk = chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk);
        }
        read_total += count as u64;
        for &byte in chunk {
            match byte {
                b'\n' => {
                    line += 1;
                    column = 1;
                }
                b' ' | b'\t' | b'\r' => column += 1,
                byte if byte < 0x20 || byte == 0x7F => {
                    let at = LineColumn { line, column };
                    let problem = LoadError::new(
                        LoadErrorKind::Encoding,
                        name,
                        format!(
                            "binary data (byte 0x{byte:02X}) where the document should start: \
                             expected a UTF-8 JSON or YAML text"
                        ),
                    )
                    .at(at);
                    return Err(Probe::Problem(Box::new(problem)));
                }
                _ => return Ok(()),
            }
        }
        if read_total >= limit {
            return Ok(());
        }
    }
    if read_total >= PROBE_FROM {
        // Only whitespace, and too much of it to read whole for nothing.
        return Err(Probe::Problem(Box::new(
            LoadError::new(
                LoadErrorKind::Empty,
                name,
                format!(
                    "file holds only whitespace ({read_total} bytes): expected a JSON or YAML \
                     document"
                ),
            )
            .at(LineColumn { line: 1, column: 1 }),
        )));
    }
    // A small empty file: the loader says so, as it always has.
    Ok(())
}

/// UTF-16 or UTF-32 text, told by its byte-order mark or by the NUL bytes that ASCII
/// characters get in it.
fn wide_encoding(start: &[u8], name: &str) -> Option<LoadError> {
    let encoding = match start {
        [0xFF, 0xFE, 0, 0, ..] => "UTF-32LE",
        [0, 0, 0xFE, 0xFF, ..] => "UTF-32BE",
        [0xFF, 0xFE, ..] => "UTF-16LE",
        [0xFE, 0xFF, ..] => "UTF-16BE",
        [a, 0, 0, 0, ..] if *a != 0 => "UTF-32LE",
        [0, 0, 0, b, ..] if *b != 0 => "UTF-32BE",
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => "UTF-16LE",
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => "UTF-16BE",
        _ => return None,
    };
    Some(
        LoadError::new(
            LoadErrorKind::Encoding,
            name,
            format!("the file is {encoding} text: expected UTF-8"),
        )
        .at(LineColumn { line: 1, column: 1 })
        .help(format!(
            "convert it, for example with `iconv -f {encoding} -t UTF-8 {name} > converted.json`"
        )),
    )
}

#[cfg(not(unix))]
fn file_kind(metadata: &Metadata) -> &'static str {
    if metadata.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

#[cfg(unix)]
fn file_kind(metadata: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// An I/O error as a load error: what failed, and what was expected instead.
pub(super) fn io_error(path: &Path, name: &str, error: &io::Error) -> LoadError {
    let dangling = error.kind() == ErrorKind::NotFound
        && std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
    let (message, help) = if dangling {
        (
            "cannot read file: it is a symbolic link to a path that does not exist: expected a \
             link to a readable file"
                .to_owned(),
            std::fs::read_link(path)
                .ok()
                .map(|target| format!("the link points to {}", target.display())),
        )
    } else if cfg!(target_os = "linux") && error.raw_os_error() == Some(40) {
        // ELOOP: std has no ErrorKind for it on stable.
        (
            "cannot read file: too many levels of symbolic links (a link loop): expected a link \
             to a readable file"
                .to_owned(),
            None,
        )
    } else {
        let expected = match error.kind() {
            ErrorKind::NotFound => "expected an existing file or directory",
            ErrorKind::PermissionDenied => "expected a file this user may read",
            _ => "expected a readable JSON or YAML file",
        };
        (format!("cannot read file: {error}: {expected}"), None)
    };
    let mut load_error = LoadError::new(LoadErrorKind::Io, name, message);
    if let Some(help) = help {
        load_error = load_error.help(help);
    }
    load_error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_wide_encodings_apart() {
        let encoding = |bytes: &[u8]| {
            wide_encoding(bytes, "x")
                .map(|error| error.message)
                .unwrap_or_default()
        };
        assert!(encoding(b"\xFF\xFE{\0").contains("UTF-16LE"));
        assert!(encoding(b"\xFE\xFF\0{").contains("UTF-16BE"));
        assert!(encoding(b"{\0\"\0").contains("UTF-16LE"));
        assert!(encoding(b"\xFF\xFE\0\0{\0\0\0").contains("UTF-32LE"));
        assert!(encoding(b"{\"a\": 1}").is_empty());
        assert!(encoding(b"\xEF\xBB\xBF{}").is_empty());
    }
}
