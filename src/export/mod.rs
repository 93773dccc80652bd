//! Open data out: the books in the formats other tools read, and consolidation across
//! many ledgers.
//!
//! - [`journal`]: hledger / ledger journal (the canonical printer, filtered);
//! - [`beancount`]: a beancount v3 file (accounts renamed to beancount's rules);
//! - [`rows`]: the flat posting table (one row per posting, every dimension), written
//!   by [`table`] as CSV or JSON and by [`parquet`] as Parquet with Decimal columns;
//! - [`iati`]: an IATI Activity Standard 2.03 activity file;
//! - [`consolidate`]: totals across many ledgers' Parquet exports with polars' lazy
//!   scans, and [`render`] to show them.
//!
//! polars is used here (Parquet writing, lazy scans) and in `report/frame.rs` only: the
//! posting table is built in plain Rust, so the formats that do not need polars never
//! touch it. Every file is written through [`crate::fsio::write_atomically`].

pub mod beancount;
pub mod consolidate;
pub mod iati;
pub mod journal;
pub mod parquet;
pub mod render;
pub mod rows;
pub mod table;

use chrono::NaiveDate;

use crate::model::{Journal, Symbol, Transaction};

/// Why an export cannot be made (as opposed to problems found in the books).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("polars: {0}")]
    Polars(#[from] polars::prelude::PolarsError),
    /// The project lacks what the format needs (e.g. an `[iati]` table).
    #[error("{0}")]
    Missing(String),
    /// An amount or a total beyond what an exact Decimal column holds.
    #[error("{0}")]
    TooLarge(String),
    /// A file that should be one of our Parquet exports is not.
    #[error("{path}: {message}")]
    BadInput { path: String, message: String },
}

/// Which part of the books an export holds: a date range and one fund.
///
/// Journal formats (hledger, ledger, beancount) keep **whole transactions**: those dated
/// in the range and, with a donor, those with at least one posting of that donor, so
/// the file still balances and every tool reads it. Posting tables (CSV, JSON, Parquet)
/// keep the **postings** of that donor in the range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub donor: Option<String>,
}

impl Selection {
    /// True when nothing is filtered out.
    pub fn is_everything(&self) -> bool {
        self.from.is_none() && self.to.is_none() && self.donor.is_none()
    }

    /// True when balance assertions still hold on the selected transactions: every
    /// earlier transaction is kept (no `--from`) and all funds are (no `--donor`).
    pub fn keeps_assertions(&self) -> bool {
        self.from.is_none() && self.donor.is_none()
    }

    /// True when `t` is dated inside the range.
    pub fn date(&self, t: &Transaction) -> bool {
        self.from.is_none_or(|f| t.date >= f) && self.to.is_none_or(|to| t.date <= to)
    }

    /// The donor's symbol in `journal`: `None` for no donor filter, `Some(None)` when
    /// the donor never occurs (nothing is selected).
    pub fn donor_symbol(&self, journal: &Journal) -> Option<Option<Symbol>> {
        self.donor.as_ref().map(|d| journal.symbols.get(d))
    }

    /// Indices of the whole transactions a journal export keeps, in journal order.
    pub fn transactions(&self, journal: &Journal) -> Vec<usize> {
        let donor = self.donor_symbol(journal);
        journal
            .transactions
            .iter()
            .enumerate()
            .filter(|(_, t)| self.date(t))
            .filter(|(_, t)| match donor {
                None => true,
                Some(None) => false,
                Some(Some(d)) => journal
                    .postings_of(t)
                    .iter()
                    .any(|p| p.dims.donor == Some(d)),
            })
            .map(|(i, _)| i)
            .collect()
    }
}
