//! `balanced`: every transaction's postings sum to zero in each commodity, after
//! converting priced postings at their cost (rounded half up to the cost commodity).

use rayon::prelude::*;

use super::Context;
use crate::diag::{Code, Diagnostic};
use crate::finalize::add;
use crate::model::Amount;
use crate::render::amount::{format_amount, format_amounts};
use crate::source::Location;

const BLOCK: usize = 8192;

pub(super) fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let j = cx.journal;
    j.transactions
        .par_chunks(BLOCK)
        .enumerate()
        .flat_map_iter(|(block, transactions)| {
            let mut sums: Vec<Amount> = Vec::new();
            let mut out = Vec::new();
            for (k, t) in transactions.iter().enumerate() {
                if j.is_uninferred(block * BLOCK + k) {
                    continue;
                }
                sums.clear();
                let mut overflow = false;
                for p in j.postings_of(t) {
                    match j.weight(p, |c| cx.precisions.of(c)) {
                        Some(w) => add(&mut sums, w),
                        None => overflow = true,
                    }
                }
                if overflow {
                    out.push(Diagnostic::error(
                        Code::BadAmount,
                        Location::Text(t.pos()),
                        "a posting's cost is larger than 10^18",
                    ));
                    continue;
                }
                sums.retain(|a| !a.quantity.is_zero());
                if !sums.is_empty() {
                    let negated: Vec<String> = sums
                        .iter()
                        .map(|a| {
                            format_amount(
                                j,
                                cx.precisions,
                                Amount {
                                    quantity: -a.quantity,
                                    ..*a
                                },
                            )
                        })
                        .collect();
                    out.push(
                        Diagnostic::error(
                            Code::Balanced,
                            Location::Text(t.pos()),
                            format!(
                                "transaction does not balance: its postings sum to {}",
                                format_amounts(j, cx.precisions, &sums)
                            ),
                        )
                        .with_help(format!(
                            "add a posting of {}, or correct one of the amounts",
                            negated.join(" and ")
                        )),
                    );
                }
            }
            out
        })
        .collect()
}
