//! `fundledger psc`: programme support costs due, and with `--post` booked.

use std::io::{self, Write};

use super::{Outcome, open_for_report, print_diagnostics, require_project, source};
use crate::books::Books;
use crate::check;
use crate::cli::{Cli, PscArgs};
use crate::diag::Diagnostic;
use crate::fsio::{LedgerLock, append_to_journal};
use crate::precision::Precisions;
use crate::read::journal::append_text;
use crate::render::amount::group_exact;
use crate::render::finance;
use crate::report::psc::{PscComputation, compute, transaction_text};

/// Computes PSC through the date; with `--post`, appends what is due under the ledger
/// lock, all or nothing.
///
/// # Errors
/// No project, a journal that would not read back, or a failed write (the journal is
/// then unchanged).
pub fn run(cli: &Cli, args: &PscArgs) -> anyhow::Result<Outcome> {
    // Writers hold the lock from before reading the books until the rename.
    let lock = match (&source(cli), args.post) {
        (crate::books::Source::Ledger(dir), true) => Some(LedgerLock::acquire(dir)?),
        _ => None,
    };
    let Some(mut books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let project = require_project(&books)?;
    let rows = compute(&books.journal, project, &books.precisions, args.through);
    let mut out = io::BufWriter::new(io::stdout().lock());
    finance::psc(&rows, args.format, cli.lang, &mut out)?;
    out.flush()?;
    let over = over_posted(&rows, args.through, &mut io::stderr().lock())?;
    let outcome = if over {
        Outcome::Problems
    } else {
        Outcome::Clean
    };
    if !args.post {
        return Ok(outcome);
    }
    let text: String = rows
        .iter()
        .filter_map(transaction_text)
        .collect::<Vec<_>>()
        .join("\n");
    let mut err = io::stderr().lock();
    if text.is_empty() {
        if !over {
            writeln!(
                err,
                "psc: nothing to post through {} (already posted)",
                args.through
            )?;
        }
        return Ok(outcome);
    }
    if !passes_checks(&mut books, &text, &mut err)? {
        return Ok(Outcome::Problems);
    }
    let journal = journal_path(&books)?;
    append_to_journal(&journal, &text)?;
    drop(lock);
    let count = rows.iter().filter(|r| !r.to_post.is_zero()).count();
    writeln!(
        err,
        "psc: {count} transaction(s) appended to {}",
        journal.display()
    )?;
    Ok(outcome)
}

/// Says which agreements were charged more PSC than is due (the base shrank after PSC
/// was posted: refunds, reclassified costs, a lowered rate); `--post` never posts a
/// negative amount, so the officer books the reversal. True when there is one.
fn over_posted(
    rows: &[PscComputation],
    through: chrono::NaiveDate,
    err: &mut dyn Write,
) -> io::Result<bool> {
    let mut any = false;
    for r in rows.iter().filter(|r| r.posted > r.due) {
        any = true;
        writeln!(
            err,
            "psc: {} ({}): {} {cur} of PSC posted, {} {cur} due through {through}: {} {cur} too much — book a reversal to {}",
            r.agreement,
            r.donor,
            group_exact(r.posted),
            group_exact(r.due),
            group_exact(r.posted - r.due),
            r.account,
            cur = r.currency,
        )?;
    }
    Ok(any)
}

/// The books with the generated text appended pass every check they passed before:
/// the text reads back, its accounts are declared, it balances in each fund and it
/// falls in no sealed period. What `--post` appends is what was checked.
fn passes_checks(books: &mut Books, text: &str, err: &mut dyn Write) -> anyhow::Result<bool> {
    let errors_now = |books: &Books| -> Vec<Diagnostic> {
        check::run(check::FULL, &books.context(false))
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect()
    };
    let before = errors_now(books);
    let mut found = append_text(&mut books.journal, text, std::path::Path::new("<psc>"));
    books.precisions = Precisions::new(&books.journal, books.project.as_ref());
    found.extend(check::run(check::BASIC, &books.context(false)));
    found.extend(errors_now(books));
    let new: Vec<Diagnostic> = found
        .into_iter()
        .filter(|d| d.is_error() && !before.contains(d))
        .collect();
    if new.is_empty() {
        return Ok(true);
    }
    print_diagnostics(books, &new, 0, err)?;
    writeln!(
        err,
        "psc: the books would not pass their checks with the PSC transactions; nothing was written"
    )?;
    Ok(false)
}

fn journal_path(books: &Books) -> anyhow::Result<std::path::PathBuf> {
    let dir = books
        .dir
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("psc --post needs a ledger directory"))?;
    let name = books
        .project
        .as_ref()
        .map_or("books.journal", |p| p.journal.as_str());
    Ok(dir.join(name))
}
