//! hledger and ledger export: the canonical journal of `fundledger print` (includes
//! flattened, read alike by both tools), limited to a [`Selection`].
//!
//! Whole transactions are kept (see [`Selection`]), so the file balances. Balance
//! assertions are kept only when they still hold on what is exported — no `--from` and
//! no `--donor`, since both drop earlier or other funds' movements of the asserted
//! accounts; otherwise the asserted amounts are dropped and the postings kept.

use std::io::{self, Write};

use super::Selection;
use crate::model::Journal;
use crate::render::journal::write_journal;

/// Writes the selected part of `journal` canonically.
///
/// # Errors
/// When `out` fails.
pub fn write(journal: &Journal, selection: &Selection, out: &mut dyn Write) -> io::Result<()> {
    if selection.is_everything() {
        return write_journal(journal, out);
    }
    write_journal(&selected(journal, selection), out)
}

/// A copy of `journal` with only the selected transactions (and, when they no longer
/// hold, without balance assertions). Directives and prices are kept whole.
pub fn selected(journal: &Journal, selection: &Selection) -> Journal {
    let keep = selection.transactions(journal);
    let mut j = journal.clone();
    j.transactions = keep.iter().map(|&i| journal.transactions[i]).collect();
    j.uninferred.clear();
    if !selection.keeps_assertions() {
        for extra in &mut j.posting_extras {
            extra.assertion = None;
        }
    }
    j
}
