//! Keeping the imported file: a copy under the ledger's `sources/`, named by the first
//! 16 hex digits of its SHA-256 (`sources/3f2a9c0d1e2b4a5c.xlsx`), so every transaction's
//! `source:` tag resolves to the exact bytes it was read from, and `sha256sum` of the
//! copy starts with its name.

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::key::hex;
use crate::fsio::write_atomically;

/// The bytes of a spreadsheet and where they are kept in the ledger.
#[derive(Debug, Clone)]
pub struct Archive {
    pub bytes: Vec<u8>,
    /// Full SHA-256, 64 hex digits.
    pub digest: String,
    /// `sources/<16 hex digits>.<ext>`, relative to the ledger directory.
    pub relative: String,
}

/// Reads `path` and names its archived copy.
///
/// # Errors
/// When the file cannot be read.
pub fn prepare(path: &Path) -> io::Result<Archive> {
    let bytes = std::fs::read(path)?;
    let digest = hex(&Sha256::digest(&bytes));
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "bin".into());
    let relative = format!("sources/{}.{ext}", &digest[..16]);
    Ok(Archive {
        bytes,
        digest,
        relative,
    })
}

impl Archive {
    /// The copy's path in ledger `dir`.
    pub fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(&self.relative)
    }

    /// Writes the copy (atomically) unless an identical one is there; returns true when
    /// written.
    ///
    /// # Errors
    /// When the copy cannot be written, or a different file already has its name.
    pub fn keep(&self, dir: &Path) -> io::Result<bool> {
        let target = self.path_in(dir);
        match std::fs::read(&target) {
            Ok(existing) if existing == self.bytes => return Ok(false),
            Ok(_) => {
                return Err(io::Error::other(format!(
                    "{} already exists with different content (a digest collision?); move it away and import again",
                    target.display()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        write_atomically(&target, &self.bytes)?;
        Ok(true)
    }
}
