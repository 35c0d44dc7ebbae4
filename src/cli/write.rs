//! Writing files the user named: `--output` (replaced atomically, so a reader never sees half
//! a report) and the GitHub job summary (appended, as the runner expects).

use std::io::Write;
use std::path::Path;

/// Replaces `path` with `contents`: written to a temporary file in the same directory, then
/// renamed over it.
pub(super) fn atomic(path: &Path, contents: &str) -> Result<(), String> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let fail = |error: &dyn std::fmt::Display| format!("cannot write {}: {error}", path.display());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".iamlint-").suffix(".tmp");
    // A temporary file is private (0600) by default; a report is an ordinary file, so ask
    // for 0644 and let the umask narrow it, as for any file the user creates.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut file = builder
        .tempfile_in(directory)
        .map_err(|error| fail(&error))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|error| fail(&error))?;
    file.persist(path).map_err(|error| fail(&error.error))?;
    Ok(())
}

/// Appends `contents` to `path`, creating it when missing.
pub(super) fn append(path: &Path, contents: &str) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(contents.as_bytes()))
        .map_err(|error| format!("cannot append to {}: {error}", path.display()))
}
