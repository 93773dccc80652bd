//! Writing files all-or-nothing, under a lock.
//!
//! A write goes to a temporary file in the target's directory, is flushed to disk, then
//! renamed over the target, so a reader sees the old file or the new one, never half of
//! one. Commands that change a ledger hold [`LedgerLock`] from the moment they read the
//! books to the moment the rename is done, so concurrent writers queue instead of losing
//! each other's changes.
//!
//! For the fault-injection tests, `FUNDLEDGER_FAULT=after-temp-write|before-fsync|before-rename`
//! stops the process at that step of every atomic write (exit status 99), as a crash
//! would; `STEP@N` stops only the N-th atomic write of the process (commands that write
//! several files).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The steps of an atomic write where a crash can be simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStep {
    AfterTempWrite,
    BeforeFsync,
    BeforeRename,
}

impl WriteStep {
    fn name(self) -> &'static str {
        match self {
            WriteStep::AfterTempWrite => "after-temp-write",
            WriteStep::BeforeFsync => "before-fsync",
            WriteStep::BeforeRename => "before-rename",
        }
    }
}

/// Atomic writes started by this process (for `STEP@N` faults).
static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Stops the process here when `FUNDLEDGER_FAULT` names this step (crash simulation).
fn fault_point(step: WriteStep) {
    let Ok(fault) = std::env::var("FUNDLEDGER_FAULT") else {
        return;
    };
    let (name, nth) = match fault.split_once('@') {
        Some((n, k)) => (n.to_string(), k.parse::<usize>().ok()),
        None => (fault.clone(), None),
    };
    let this = WRITES.load(std::sync::atomic::Ordering::SeqCst);
    if name == step.name() && nth.is_none_or(|k| k == this) {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("fundledger: simulated crash {}", step.name());
        }
        std::process::exit(99);
    }
}

/// Replaces (or creates) `path` with `bytes` atomically, keeping the permissions of the
/// file it replaces.
///
/// # Errors
/// When the directory is not writable, the disk is full, or the rename fails; the
/// target is then untouched.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    WRITES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let failed = |e: io::Error| cannot_write(path, dir, e);
    let mut tmp = tempfile::Builder::new()
        .prefix(".fundledger-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(failed)?;
    tmp.write_all(bytes).map_err(failed)?;
    match std::fs::metadata(path) {
        Ok(meta) => tmp
            .as_file()
            .set_permissions(meta.permissions())
            .map_err(failed)?,
        // A new file is readable by others, as files made by a text editor are
        // (temporary files are created private).
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(failed)?;
        }
    }
    fault_point(WriteStep::AfterTempWrite);
    fault_point(WriteStep::BeforeFsync);
    tmp.as_file().sync_all().map_err(failed)?;
    fault_point(WriteStep::BeforeRename);
    tmp.persist(path).map_err(|e| failed(e.error))?;
    // Make the rename itself durable.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The error of a failed write, naming the file the user asked for (not the temporary
/// file) and, for the usual causes, what to do about it.
fn cannot_write(path: &Path, dir: &Path, e: io::Error) -> io::Error {
    let why = match e.kind() {
        io::ErrorKind::NotFound if !dir.is_dir() => format!("no directory {}", dir.display()),
        io::ErrorKind::PermissionDenied => {
            format!("permission denied in {}", dir.display())
        }
        io::ErrorKind::StorageFull => "the disk is full".to_string(),
        _ => e.to_string(),
    };
    io::Error::new(e.kind(), format!("cannot write {}: {why}", path.display()))
}

/// An exclusive lock on a ledger directory (`DIR/.fundledger.lock`), released on drop.
#[derive(Debug)]
pub struct LedgerLock {
    _file: File,
    path: PathBuf,
}

impl LedgerLock {
    /// Waits until no other fundledger process writes the ledger in `dir`, then holds it.
    ///
    /// # Errors
    /// When the lock file cannot be created or locked.
    pub fn acquire(dir: &Path) -> io::Result<LedgerLock> {
        let path = dir.join(".fundledger.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        file.lock()?;
        Ok(LedgerLock { _file: file, path })
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Appends journal `text` to the file at `journal`, atomically (the whole file is
/// rewritten through [`write_atomically`]). Hold the ledger's [`LedgerLock`] from before
/// reading the books until this returns.
///
/// # Errors
/// When the journal cannot be read or the new one cannot be written; the journal is
/// then unchanged.
pub fn append_to_journal(journal: &Path, text: &str) -> io::Result<()> {
    let mut bytes = std::fs::read(journal)?;
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    if !bytes.is_empty() && !text.starts_with('\n') {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(text.as_bytes());
    if !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    write_atomically(journal, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.journal");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_write_into_a_missing_directory_names_the_file_and_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("report.xlsx");
        let e = write_atomically(&path, b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert_eq!(
            e.to_string(),
            format!(
                "cannot write {}: no directory {}",
                path.display(),
                dir.path().join("missing").display()
            )
        );
    }

    #[test]
    fn append_keeps_the_old_text_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.journal");
        std::fs::write(&path, "a\r\nb").unwrap();
        append_to_journal(&path, "2017-01-01 x\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "a\r\nb\n\n2017-01-01 x\n"
        );
    }

    #[test]
    fn the_lock_is_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let first = LedgerLock::acquire(dir.path()).unwrap();
        let other = File::options().write(true).open(first.path()).unwrap();
        assert!(other.try_lock().is_err(), "a second writer must wait");
        drop(first);
        assert!(other.try_lock().is_ok());
    }
}
