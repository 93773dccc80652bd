//! Glue, one file per command: arguments → library calls → rendering.

pub mod audit;
pub mod balance;
pub mod budget;
pub mod check;
pub mod consolidate;
pub mod export;
pub mod funds;
pub mod import;
pub mod init;
pub mod ledger;
pub mod print;
pub mod psc;
pub mod reconcile;
pub mod register;
pub mod report;
pub mod seal;

use std::io::{self, Write};
use std::path::PathBuf;

use crate::books::{Books, Source};
use crate::cli::{Cli, FilterArgs};
use crate::diag::{self, Diagnostic, Renderer};
use crate::read::journal::LoadOptions;
use crate::report::filter::FilterSpec;

/// How a command ended, as the process exit status: 0 clean, 1 problems found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Problems,
}

/// A usage error: the command cannot run as asked (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Where the books are, from -f, -L, $FUNDLEDGER_LEDGER or the current directory.
pub fn source(cli: &Cli) -> Source {
    if let Some(f) = &cli.file {
        return Source::Journal(f.clone());
    }
    let dir = cli
        .ledger
        .clone()
        .or_else(|| std::env::var_os("FUNDLEDGER_LEDGER").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    Source::Ledger(dir)
}

/// Opens the books for a report; `None` (after printing the errors) when they fail the
/// basic checks.
///
/// # Errors
/// When there is nothing to open.
pub fn open_for_report(cli: &Cli) -> anyhow::Result<Option<Books>> {
    let books = Books::open(&source(cli), &LoadOptions::from_env())?;
    if books.has_errors() {
        let mut errors: Vec<Diagnostic> = books
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        diag::sort(&mut errors);
        let mut err = io::stderr().lock();
        print_diagnostics(&books, &errors, 10, &mut err)?;
        writeln!(
            err,
            "fundledger: the books have {} error{}; no report until they are fixed (`fundledger check` lists every problem)",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        )?;
        return Ok(None);
    }
    Ok(Some(books))
}

/// Renders `diagnostics` (at most `max` in full; 0 means all).
///
/// # Errors
/// When `out` fails.
pub fn print_diagnostics(
    books: &Books,
    diagnostics: &[Diagnostic],
    max: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut renderer = Renderer::new(&books.journal.sources);
    let shown = if max == 0 {
        diagnostics.len()
    } else {
        max.min(diagnostics.len())
    };
    for d in &diagnostics[..shown] {
        renderer.render(d, out)?;
    }
    if shown < diagnostics.len() {
        writeln!(
            out,
            "… and {} more (use --max-errors 0 to see all)",
            diagnostics.len() - shown
        )?;
    }
    Ok(())
}

/// The report filter asked for, checked against the project's donors.
///
/// # Errors
/// An unknown donor id when the project declares its donors.
pub fn filter_spec(args: &FilterArgs, books: &Books) -> Result<FilterSpec, UsageError> {
    if let (Some(d), Some(p)) = (&args.donor, &books.project)
        && p.donor(d).is_none()
    {
        let known: Vec<&str> = p.donors.iter().map(|d| d.id.as_str()).collect();
        return Err(UsageError(format!(
            "unknown donor {d:?}; the project's donors are {}",
            known.join(", ")
        )));
    }
    if let (Some(d), None) = (&args.donor, &books.project) {
        let used = donors_in(&books.journal);
        if !used.iter().any(|u| u == d) {
            return Err(UsageError(format!(
                "no posting of the journal has donor {d:?}; its donors are {}",
                if used.is_empty() {
                    "none (no `donor:` tag)".to_string()
                } else {
                    used.join(", ")
                }
            )));
        }
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && to < from
    {
        return Err(UsageError(format!("--to {to} is before --from {from}")));
    }
    Ok(FilterSpec {
        from: args.from,
        to: args.to,
        donor: args.donor.clone(),
        accounts: args.accounts.clone(),
    })
}

/// The donors the journal's postings name, sorted (for a bare journal, which declares
/// none).
fn donors_in(journal: &crate::model::Journal) -> Vec<String> {
    let symbols: rustc_hash::FxHashSet<_> = journal
        .postings
        .iter()
        .filter_map(|p| p.dims.donor)
        .collect();
    let mut names: Vec<String> = symbols
        .into_iter()
        .map(|s| journal.symbol(s).to_string())
        .collect();
    names.sort();
    names
}

/// The project of a ledger directory; reports about budgets and donors need one.
///
/// # Errors
/// When the books are a bare journal (`-f`).
pub fn require_project(books: &Books) -> Result<&crate::model::Project, UsageError> {
    books.project.as_ref().ok_or_else(|| {
        UsageError(
            "this report needs a ledger directory with project.toml (use -L DIR, not -f)"
                .to_string(),
        )
    })
}

/// When a command runs: `FUNDLEDGER_NOW` (for reproducible files and tests) or the
/// clock, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now() -> String {
    if let Ok(v) = std::env::var("FUNDLEDGER_NOW") {
        return v;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Who runs the command, for records kept in the books (`$USER`).
pub fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".to_string())
}

/// Decimals to display per commodity symbol.
pub fn precision_of(books: &Books) -> impl Fn(&str) -> Option<u32> + '_ {
    move |name: &str| {
        books
            .journal
            .commodities
            .get(name)
            .and_then(|c| books.precisions.of(c))
    }
}
