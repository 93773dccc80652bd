//! Vouchers already in the books.
//!
//! A new row (its import key is not in the journal) with the voucher and date of a
//! booked transaction is most often that payment re-exported after a correction — another
//! amount or budget line — and importing it would charge the payment twice. It may also
//! be one more line of a voucher with several; so the import goes on, with a warning at
//! the row's voucher cell that names the booked transaction.

use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHasher};

use crate::model::Journal;
use crate::report::trail::Trail;

/// The journal's transactions by (date, voucher).
pub struct Booked<'j> {
    journal: &'j Journal,
    trail: Trail<'j>,
    /// (date, hash of the voucher) → index of the first such transaction.
    by_voucher: FxHashMap<(NaiveDate, u64), u32>,
}

fn voucher_hash(voucher: &str) -> u64 {
    let mut h = FxHasher::default();
    voucher.hash(&mut h);
    h.finish()
}

impl<'j> Booked<'j> {
    /// Indexes every transaction of `journal` that has a voucher (a code).
    pub fn new(journal: &'j Journal) -> Booked<'j> {
        let mut by_voucher = FxHashMap::default();
        for (i, t) in journal.transactions.iter().enumerate() {
            let code = journal.str(t.code);
            if !code.is_empty() {
                let index = u32::try_from(i).unwrap_or(u32::MAX);
                by_voucher
                    .entry((t.date, voucher_hash(code)))
                    .or_insert(index);
            }
        }
        Booked {
            journal,
            trail: Trail::new(journal),
            by_voucher,
        }
    }

    /// Where the transaction with this voucher and date is booked (`books.journal:120`,
    /// and the cell it was imported from, if any).
    pub fn find(&self, date: NaiveDate, voucher: &str) -> Option<String> {
        if voucher.is_empty() {
            return None;
        }
        let i = *self.by_voucher.get(&(date, voucher_hash(voucher)))?;
        let t = self.journal.transactions.get(i as usize)?;
        if self.journal.str(t.code) != voucher {
            return None; // a hash collision: another voucher
        }
        Some(match self.trail.transaction_source(t) {
            Some(source) => format!("{}, imported from {source}", self.trail.place(t)),
            None => self.trail.place(t),
        })
    }
}
