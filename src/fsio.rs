//! Writing files all-or-nothing: a temporary file in the same directory, flushed to
//! disk, then renamed over the target, so a reader sees the old file or the new one,
//! never half of one.

use std::io::{self, Write};
use std::path::Path;

/// Replaces (or creates) `path` with `bytes` atomically.
///
/// # Errors
/// When the directory is not writable, the disk is full, or the rename fails; the
/// target is then untouched.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".fundledger-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
