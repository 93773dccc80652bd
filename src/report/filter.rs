//! Which postings a report looks at: a date range, a fund, account patterns.

use chrono::NaiveDate;

use crate::model::{Journal, Posting, Symbol, Transaction};

/// A posting filter, resolved against one journal so matching is integer compares.
#[derive(Debug, Clone)]
pub struct Filter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `None` inside means the donor never occurs: nothing matches.
    donor: Option<Option<Symbol>>,
    /// Per account index: matches the account patterns.
    accounts: Option<Vec<bool>>,
}

/// What the user asked to see.
#[derive(Debug, Clone, Default)]
pub struct FilterSpec {
    /// First date included.
    pub from: Option<NaiveDate>,
    /// Last date included.
    pub to: Option<NaiveDate>,
    /// Only this fund's postings.
    pub donor: Option<String>,
    /// Only accounts whose name contains one of these (case-insensitive).
    pub accounts: Vec<String>,
}

impl Filter {
    /// Resolves `spec` against `journal`.
    pub fn new(spec: &FilterSpec, journal: &Journal) -> Filter {
        let accounts = (!spec.accounts.is_empty()).then(|| {
            let patterns: Vec<String> = spec.accounts.iter().map(|p| p.to_lowercase()).collect();
            journal
                .accounts
                .iter()
                .map(|(_, name)| {
                    let name = name.to_lowercase();
                    patterns.iter().any(|p| name.contains(p.as_str()))
                })
                .collect()
        });
        Filter {
            from: spec.from,
            to: spec.to,
            donor: spec.donor.as_ref().map(|d| journal.symbols.get(d)),
            accounts,
        }
    }

    /// True when the transaction's date is in range.
    pub fn date(&self, t: &Transaction) -> bool {
        self.from.is_none_or(|f| t.date >= f) && self.to.is_none_or(|to| t.date <= to)
    }

    /// True when the posting passes the fund and account filters.
    pub fn posting(&self, p: &Posting) -> bool {
        let donor_ok = match self.donor {
            None => true,
            Some(None) => false,
            Some(Some(d)) => p.dims.donor == Some(d),
        };
        donor_ok && self.accounts.as_ref().is_none_or(|a| a[p.account.index()])
    }
}
