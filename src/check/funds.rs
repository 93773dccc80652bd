//! `fund-balanced`: fund accounting's self-balancing rule. Within every transaction,
//! the postings of each fund (`donor:` tag) sum to zero per commodity after costs;
//! postings with no fund form a group of their own that must balance too.

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::Context;
use crate::diag::{Code, Diagnostic};
use crate::finalize::add;
use crate::model::{Amount, CommodityId, Symbol};
use crate::render::amount::format_amount;
use crate::source::Location;

const BLOCK: usize = 8192;

pub(super) fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let j = cx.journal;
    j.transactions
        .par_chunks(BLOCK)
        .enumerate()
        .flat_map_iter(|(block, transactions)| {
            let mut sums: Vec<(Option<Symbol>, CommodityId, Decimal)> = Vec::new();
            let mut totals: Vec<Amount> = Vec::new();
            let mut out = Vec::new();
            for (k, t) in transactions.iter().enumerate() {
                if j.is_uninferred(block * BLOCK + k) {
                    continue;
                }
                sums.clear();
                totals.clear();
                for p in j.postings_of(t) {
                    let Some(w) = j.weight(p, |c| cx.precisions.of(c)) else { continue };
                    add(&mut totals, w);
                    let key = (p.dims.donor, w.commodity);
                    match sums.iter_mut().find(|s| (s.0, s.1) == key) {
                        Some(s) => s.2 += w.quantity,
                        None => sums.push((key.0, key.1, w.quantity)),
                    }
                }
                // An unbalanced transaction is `balanced`'s to report, once.
                if totals.iter().any(|a| !a.quantity.is_zero()) {
                    continue;
                }
                for (donor, commodity, sum) in &sums {
                    if sum.is_zero() {
                        continue;
                    }
                    let amount = format_amount(j, cx.precisions, Amount { quantity: *sum, commodity: *commodity });
                    let (message, help) = match donor {
                        Some(d) => (
                            format!("fund {} does not balance in this transaction: its postings sum to {amount}", j.symbol(*d)),
                            format!("tag the bank or cash posting with `; donor: {}` too, splitting it per fund if several funds share the payment", j.symbol(*d)),
                        ),
                        None => (
                            format!("the postings without a fund do not balance: they sum to {amount}"),
                            "give each posting the `donor:` tag of the fund it belongs to".to_string(),
                        ),
                    };
                    out.push(Diagnostic::error(Code::FundBalanced, Location::Text(t.pos()), message).with_help(help));
                }
            }
            out
        })
        .collect()
}
