//! `fundledger init DIR`: a new ledger directory from a template — a commented
//! project.toml to fill in and an empty journal with the declarations both hledger and
//! ledger need. Written all or nothing; an existing ledger is never overwritten.

use std::io::{self, Write};
use std::path::Path;

use super::{Outcome, UsageError};
use crate::cli::{Cli, InitArgs};
use crate::fsio::{LedgerLock, write_atomically};

const PROJECT: &str = include_str!("../../templates/ledger/project.toml");
const JOURNAL: &str = include_str!("../../templates/ledger/books.journal");

/// Creates the ledger.
///
/// # Errors
/// The directory already holds a ledger, or cannot be written.
pub fn run(_cli: &Cli, args: &InitArgs) -> anyhow::Result<Outcome> {
    let dir = &args.dir;
    let journal_path = dir.join("books.journal");
    let ours = std::fs::read_to_string(&journal_path)
        .is_ok_and(|t| t == JOURNAL.replace("{CURRENCY}", &args.currency));
    // A journal that is not the template (someone's books) is never overwritten; the
    // template's own journal (left by an interrupted init) is.
    if dir.join("project.toml").exists() || (journal_path.exists() && !ours) {
        return Err(UsageError(format!(
            "{} already holds a ledger (project.toml or books.journal); nothing was written",
            dir.display()
        ))
        .into());
    }
    std::fs::create_dir_all(dir)?;
    let _lock = LedgerLock::acquire(dir)?;
    let code = args.code.clone().unwrap_or_else(|| default_code(dir));
    let project = PROJECT
        .replace("{CODE}", &code)
        .replace("{CURRENCY}", &args.currency);
    let journal = JOURNAL.replace("{CURRENCY}", &args.currency);
    // The journal first: a crash in between leaves no project.toml, so init can simply be re-run.
    write_atomically(&dir.join("books.journal"), journal.as_bytes())?;
    write_atomically(&dir.join("project.toml"), project.as_bytes())?;
    writeln!(
        io::stderr().lock(),
        "init: new ledger {code} in {} — fill in project.toml (donors, budget lines, agreements), then `fundledger -L {} check`",
        dir.display(),
        dir.display()
    )?;
    Ok(Outcome::Clean)
}

fn default_code(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().to_uppercase())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "PROJET".to_string())
}
