//! The trial balance (balance générale) and the general ledger (grand livre), in the
//! functional currency: each posting counts at its weight (its cost where it has one,
//! as hledger's `-B`), so every transaction's debits equal its credits and so do the
//! report's totals. With `by_donor` both are broken down by fund; since the books are
//! fund-balanced, every fund's trial balance nets to zero too.
//!
//! Periods: the opening balance is everything dated before `from`; the period runs
//! from `from` to `to` inclusive; postings after `to` are left out.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::filter::{Filter, FilterSpec};
use super::trail::Trail;
use crate::model::{AccountId, CommodityId, Journal, Posting, Symbol, Transaction};
use crate::precision::Precisions;

/// What the two reports cover.
#[derive(Debug, Clone, Default)]
pub struct LedgerSpec {
    /// Dates, fund and account patterns.
    pub filter: FilterSpec,
    /// One block per fund (`--by donor`).
    pub by_donor: bool,
    /// Donor ids in the order to show them (the project's); others follow by name.
    pub donor_order: Vec<String>,
}

/// Opening balance, period debits and credits, closing balance, each balance split
/// into its debit and credit side as the six-column French layout shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sums {
    pub opening_debit: Decimal,
    pub opening_credit: Decimal,
    pub debit: Decimal,
    pub credit: Decimal,
    pub closing_debit: Decimal,
    pub closing_credit: Decimal,
}

impl Sums {
    /// The sums of one account: a signed opening balance and the period's movements.
    pub fn of(opening: Decimal, debit: Decimal, credit: Decimal) -> Sums {
        let closing = opening + debit - credit;
        let (opening_debit, opening_credit) = split(opening);
        let (closing_debit, closing_credit) = split(closing);
        Sums {
            opening_debit,
            opening_credit,
            debit,
            credit,
            closing_debit,
            closing_credit,
        }
    }

    /// The signed opening balance (debit positive).
    pub fn opening(&self) -> Decimal {
        self.opening_debit - self.opening_credit
    }

    /// The signed closing balance (debit positive).
    pub fn closing(&self) -> Decimal {
        self.closing_debit - self.closing_credit
    }

    fn add(&mut self, o: &Sums) {
        self.opening_debit += o.opening_debit;
        self.opening_credit += o.opening_credit;
        self.debit += o.debit;
        self.credit += o.credit;
        self.closing_debit += o.closing_debit;
        self.closing_credit += o.closing_credit;
    }
}

fn split(balance: Decimal) -> (Decimal, Decimal) {
    if balance.is_sign_negative() && !balance.is_zero() {
        (Decimal::ZERO, -balance)
    } else {
        (balance, Decimal::ZERO)
    }
}

/// A fund of a `--by donor` report: `None` for postings without a `donor:` tag.
pub type Fund = Option<String>;

/// One account of the trial balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialRow {
    /// The fund (by donor only).
    pub fund: Option<Fund>,
    pub account: String,
    /// The commodity of the weights (the functional currency, unless a posting has no
    /// value in it).
    pub commodity: String,
    pub sums: Sums,
}

/// Column totals of a block (a fund) or of the whole report, per commodity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialTotal {
    /// The fund whose block this totals; `None` for the grand total.
    pub fund: Option<Fund>,
    pub commodity: String,
    pub sums: Sums,
}

impl TrialTotal {
    /// True when debits equal credits in each pair of columns: what a trial balance
    /// must show (and each fund's, in fund-balanced books).
    pub fn balances(&self) -> bool {
        let s = &self.sums;
        s.opening_debit == s.opening_credit
            && s.debit == s.credit
            && s.closing_debit == s.closing_credit
    }
}

/// The trial balance.
#[derive(Debug, Clone)]
pub struct TrialBalance {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub by_donor: bool,
    /// Accounts by name (within each fund when by donor).
    pub rows: Vec<TrialRow>,
    /// Per fund (by donor only), in row order.
    pub fund_totals: Vec<TrialTotal>,
    /// The whole report.
    pub totals: Vec<TrialTotal>,
}

/// Where a posting falls relative to the period.
#[derive(Clone, Copy, PartialEq, Eq)]
enum When {
    Before,
    During,
    After,
}

fn when(filter: &Filter, t: &Transaction) -> When {
    if filter.from.is_some_and(|f| t.date < f) {
        When::Before
    } else if filter.to.is_some_and(|to| t.date > to) {
        When::After
    } else {
        When::During
    }
}

/// A posting's weight, falling back to its amount when the cost is out of range (the
/// basic checks refuse such books before a report runs).
fn weight(journal: &Journal, p: &Posting, precisions: &Precisions) -> (CommodityId, Decimal) {
    let w = journal.weight(p, |c| precisions.of(c)).unwrap_or(p.amount);
    (w.commodity, w.quantity)
}

type Key = (Option<Option<Symbol>>, AccountId, CommodityId);

/// Orders funds: the project's donors in order, then others by name, then no fund.
fn fund_rank<'a>(
    order: &'a [String],
) -> impl Fn(&Option<Option<String>>) -> (usize, Option<String>) + 'a {
    move |f| match f {
        None => (0, None),
        Some(Some(d)) => order
            .iter()
            .position(|x| x == d)
            .map_or((order.len() + 1, Some(d.clone())), |i| (i + 1, None)),
        Some(None) => (usize::MAX, None),
    }
}

/// Builds the trial balance.
pub fn trial_balance(
    journal: &Journal,
    precisions: &Precisions,
    spec: &LedgerSpec,
) -> TrialBalance {
    let filter = Filter::new(&spec.filter, journal);
    // (opening, debit, credit) per key
    let mut sums: FxHashMap<Key, (Decimal, Decimal, Decimal)> = FxHashMap::default();
    for t in &journal.transactions {
        let w = when(&filter, t);
        if w == When::After {
            continue;
        }
        for p in journal.postings_of(t) {
            if !filter.posting(p) {
                continue;
            }
            let (commodity, q) = weight(journal, p, precisions);
            if q.is_zero() {
                continue;
            }
            let fund = spec.by_donor.then_some(p.dims.donor);
            let e = sums.entry((fund, p.account, commodity)).or_default();
            match w {
                When::Before => e.0 += q,
                When::During if q.is_sign_positive() => e.1 += q,
                When::During => e.2 -= q,
                When::After => {}
            }
        }
    }
    let mut rows: Vec<TrialRow> = sums
        .into_iter()
        .map(
            |((fund, account, commodity), (opening, debit, credit))| TrialRow {
                fund: fund.map(|f| f.map(|s| journal.symbol(s).to_string())),
                account: journal.account_name(account).to_string(),
                commodity: journal.commodity_name(commodity).to_string(),
                sums: Sums::of(opening, debit, credit),
            },
        )
        .collect();
    let rank = fund_rank(&spec.donor_order);
    rows.sort_by(|a, b| {
        rank(&a.fund)
            .cmp(&rank(&b.fund))
            .then_with(|| a.account.cmp(&b.account))
            .then_with(|| a.commodity.cmp(&b.commodity))
    });
    let mut fund_totals: Vec<TrialTotal> = Vec::new();
    let mut totals: BTreeMap<String, Sums> = BTreeMap::new();
    for r in &rows {
        if spec.by_donor {
            match fund_totals
                .iter_mut()
                .find(|t| t.fund == r.fund && t.commodity == r.commodity)
            {
                Some(t) => t.sums.add(&r.sums),
                None => fund_totals.push(TrialTotal {
                    fund: r.fund.clone(),
                    commodity: r.commodity.clone(),
                    sums: r.sums,
                }),
            }
        }
        totals.entry(r.commodity.clone()).or_default().add(&r.sums);
    }
    TrialBalance {
        from: spec.filter.from,
        to: spec.filter.to,
        by_donor: spec.by_donor,
        rows,
        fund_totals,
        totals: totals
            .into_iter()
            .map(|(commodity, sums)| TrialTotal {
                fund: None,
                commodity,
                sums,
            })
            .collect(),
    }
}

/// One posting of the general ledger, with the text it shows borrowed from the books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry<'j> {
    pub date: NaiveDate,
    pub voucher: &'j str,
    pub description: &'j str,
    pub debit: Decimal,
    pub credit: Decimal,
    /// The account's balance after this posting (debit positive).
    pub balance: Decimal,
    pub donor: Option<&'j str>,
    pub line: Option<&'j str>,
    pub activity: Option<&'j str>,
    /// The `source:` tag (an imported row's cell), else the posting's `file:line`.
    pub source: String,
}

/// One account (within a fund when by donor) of the general ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerAccount<'j> {
    /// The fund (by donor only).
    pub fund: Option<Fund>,
    pub account: String,
    pub commodity: String,
    pub opening: Decimal,
    pub entries: Vec<LedgerEntry<'j>>,
    pub debit: Decimal,
    pub credit: Decimal,
    pub closing: Decimal,
}

/// The general ledger: accounts in the order of the trial balance.
#[derive(Debug, Clone)]
pub struct GeneralLedger<'j> {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub by_donor: bool,
    pub accounts: Vec<LedgerAccount<'j>>,
}

impl GeneralLedger<'_> {
    /// Number of postings listed.
    pub fn entries(&self) -> usize {
        self.accounts.iter().map(|a| a.entries.len()).sum()
    }
}

/// Builds the general ledger: every posting of the period in date order (journal
/// order within a day), per account, with running balances.
pub fn general_ledger<'j>(
    journal: &'j Journal,
    precisions: &Precisions,
    spec: &LedgerSpec,
) -> GeneralLedger<'j> {
    let filter = Filter::new(&spec.filter, journal);
    let trail = Trail::new(journal);
    let mut accounts: FxHashMap<Key, LedgerAccount<'j>> = FxHashMap::default();
    let sym = |s: Option<Symbol>| s.map(|s| journal.symbol(s));
    for i in journal.date_order() {
        let t = &journal.transactions[i as usize];
        let w = when(&filter, t);
        if w == When::After {
            continue;
        }
        for p in journal.postings_of(t) {
            if !filter.posting(p) {
                continue;
            }
            let (commodity, q) = weight(journal, p, precisions);
            if q.is_zero() {
                continue;
            }
            let fund = spec.by_donor.then_some(p.dims.donor);
            let a = accounts
                .entry((fund, p.account, commodity))
                .or_insert_with(|| LedgerAccount {
                    fund: fund.map(|f| f.map(|s| journal.symbol(s).to_string())),
                    account: journal.account_name(p.account).to_string(),
                    commodity: journal.commodity_name(commodity).to_string(),
                    opening: Decimal::ZERO,
                    entries: Vec::new(),
                    debit: Decimal::ZERO,
                    credit: Decimal::ZERO,
                    closing: Decimal::ZERO,
                });
            a.closing += q;
            if w == When::Before {
                a.opening += q;
                continue;
            }
            let (debit, credit) = if q.is_sign_positive() {
                (q, Decimal::ZERO)
            } else {
                (Decimal::ZERO, -q)
            };
            a.debit += debit;
            a.credit += credit;
            a.entries.push(LedgerEntry {
                date: t.date,
                voucher: journal.str(t.code),
                description: journal.str(t.description),
                debit,
                credit,
                balance: a.closing,
                donor: sym(p.dims.donor),
                line: sym(p.dims.line),
                activity: sym(p.dims.activity),
                source: trail.reference(t, p),
            });
        }
    }
    let mut accounts: Vec<LedgerAccount<'j>> = accounts.into_values().collect();
    let rank = fund_rank(&spec.donor_order);
    accounts.sort_by(|a, b| {
        rank(&a.fund)
            .cmp(&rank(&b.fund))
            .then_with(|| a.account.cmp(&b.account))
            .then_with(|| a.commodity.cmp(&b.commodity))
    });
    GeneralLedger {
        from: spec.filter.from,
        to: spec.filter.to,
        by_donor: spec.by_donor,
        accounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn balances_split_into_debit_and_credit_sides() {
        let s = Sums::of(dec!(-100), dec!(30), dec!(10));
        assert_eq!(s.opening_credit, dec!(100));
        assert_eq!(s.opening_debit, dec!(0));
        assert_eq!(s.closing(), dec!(-80));
        assert_eq!(s.closing_credit, dec!(80));
        let s = Sums::of(dec!(0), dec!(5), dec!(0));
        assert_eq!((s.closing_debit, s.closing_credit), (dec!(5), dec!(0)));
    }
}
