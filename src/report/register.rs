//! The register: every matching posting in date order, with a running total.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::filter::{Filter, FilterSpec};
use crate::model::{CommodityId, Journal};

/// One posting of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    /// The transaction's index in the journal: postings of one transaction share it
    /// (two identical transactions do not).
    pub transaction: usize,
    pub date: NaiveDate,
    pub code: String,
    pub description: String,
    pub account: String,
    pub commodity: String,
    pub amount: Decimal,
    /// Running total of this commodity over the rows so far.
    pub total: Decimal,
    pub donor: Option<String>,
    pub line: Option<String>,
    pub activity: Option<String>,
    /// Where the posting came from (`register --source`): its `source:` tag (an imported
    /// row's cell), else its `file:line`.
    pub source: Option<String>,
}

/// The postings that pass `spec`, with running totals per commodity.
pub fn register(journal: &Journal, spec: &FilterSpec) -> Vec<RegisterRow> {
    register_with(journal, spec, false)
}

/// [`register`], with each posting's source when `sources` is true.
pub fn register_with(journal: &Journal, spec: &FilterSpec, sources: bool) -> Vec<RegisterRow> {
    let filter = Filter::new(spec, journal);
    let trail = sources.then(|| super::trail::Trail::new(journal));
    let mut totals: FxHashMap<CommodityId, Decimal> = FxHashMap::default();
    let mut rows = Vec::new();
    let sym = |s: Option<crate::model::Symbol>| s.map(|s| journal.symbol(s).to_string());
    for i in journal.date_order() {
        let t = &journal.transactions[i as usize];
        if !filter.date(t) {
            continue;
        }
        for p in journal.postings_of(t) {
            if !filter.posting(p) {
                continue;
            }
            let total = totals.entry(p.amount.commodity).or_default();
            *total += p.amount.quantity;
            rows.push(RegisterRow {
                transaction: i as usize,
                date: t.date,
                code: journal.str(t.code).to_string(),
                description: journal.str(t.description).to_string(),
                account: journal.account_name(p.account).to_string(),
                commodity: journal.commodity_name(p.amount.commodity).to_string(),
                amount: p.amount.quantity,
                total: *total,
                donor: sym(p.dims.donor),
                line: sym(p.dims.line),
                activity: sym(p.dims.activity),
                source: trail.as_ref().map(|tr| tr.reference(t, p)),
            });
        }
    }
    rows
}
