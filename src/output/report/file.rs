//! Writing a report to a file: checked before any work, written atomically after it.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Checks, before any work, that a report can be written to `path`: a file name (not an
/// existing directory) in an existing directory. [`write_atomic`] still reports what fails later.
pub fn check_output(path: &Path) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if path.file_name().is_none() || path.is_dir() {
        return Err(Error::usage(
            "--output",
            path.display(),
            "a file path, not a directory",
        ));
    }
    if !dir.is_dir() {
        return Err(Error::usage(
            "--output",
            path.display(),
            format!(
                "a file in an existing directory ({} does not exist)",
                dir.display()
            ),
        ));
    }
    Ok(())
}

/// [`check_output`] for a file named by another option (`--plot`, `--replicates`): the same
/// checks, the error naming `option`.
pub fn check_output_as(option: &str, path: &Path) -> Result<()> {
    check_output(path).map_err(|e| match e {
        Error::Usage { value, allowed, .. } => Error::Usage {
            option: option.into(),
            value,
            allowed,
        },
        other => other,
    })
}

/// Writes `contents` to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed over the target. On failure the target is untouched and the temporary removed.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    write_atomic_with(path, |f| f.write_all(contents.as_bytes()))
}

/// Streams what `write` writes to `path` atomically, as [`write_atomic`] does, through a
/// buffer: the file is never held in memory whole.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| Error::usage("--output", path.display(), "a file path"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut buffered)?;
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}
