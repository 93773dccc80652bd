//! `assertions`: every `= AMOUNT` holds: after its posting, the account's own balance
//! (subaccounts excluded) in that commodity equals the amount. Postings are taken in
//! date order, and in file order within a date, as hledger does.

use rustc_hash::FxHashMap;

use super::Context;
use crate::diag::{Code, Diagnostic};
use crate::model::Amount;
use crate::render::amount::format_amount;
use crate::source::{Location, TextPos};

pub(super) fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let j = cx.journal;
    let mut asserted = vec![false; j.accounts.len()];
    let mut any = false;
    for e in &j.posting_extras {
        if e.assertion.is_some() {
            any = true;
        }
    }
    if !any {
        return Vec::new();
    }
    for t in &j.transactions {
        for p in j.postings_of(t) {
            if j.extra(p).assertion.is_some() {
                asserted[p.account.index()] = true;
            }
        }
    }
    let mut balances: FxHashMap<(u32, u32), rust_decimal::Decimal> = FxHashMap::default();
    let mut out = Vec::new();
    for i in j.date_order() {
        let t = &j.transactions[i as usize];
        for p in j.postings_of(t) {
            if !asserted[p.account.index()] {
                continue;
            }
            let key = (p.account.index() as u32, p.amount.commodity.index() as u32);
            let balance = balances.entry(key).or_default();
            *balance += p.amount.quantity;
            let Some(expected) = j.extra(p).assertion else {
                continue;
            };
            let key = (p.account.index() as u32, expected.commodity.index() as u32);
            let actual = balances.get(&key).copied().unwrap_or_default();
            if actual != expected.quantity {
                let diff = Amount {
                    quantity: actual - expected.quantity,
                    ..expected
                };
                let pos = TextPos {
                    file: t.file,
                    line: p.line,
                    col: j.extra(p).assertion_col,
                    len: 1,
                };
                out.push(
                    Diagnostic::error(
                        Code::Assertions,
                        Location::Text(pos),
                        format!(
                            "balance assertion failed: {} is {} here, not {} (difference {})",
                            j.account_name(p.account),
                            format_amount(j, cx.precisions, Amount { quantity: actual, ..expected }),
                            format_amount(j, cx.precisions, expected),
                            format_amount(j, cx.precisions, diff)
                        ),
                    )
                    .with_help("find the missing or mistyped posting before this date, or correct the asserted balance"),
                );
            }
        }
    }
    out
}
