//! Turns a parsed journal into complete books: fills in each elided amount with what
//! balances its transaction. The only step that changes parsed data.

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::diag::{Code, Diagnostic};
use crate::model::{Amount, Journal};
use crate::precision::Precisions;
use crate::render::amount::format_amounts;
use crate::source::Location;

/// Infers every elided amount; reports transactions where that is impossible.
pub fn infer_elided_amounts(journal: &mut Journal, precisions: &Precisions) -> Vec<Diagnostic> {
    const BLOCK: usize = 4096;
    type Found = (Vec<(usize, Amount)>, Vec<Diagnostic>, Vec<u32>);
    let results: Vec<Found> = journal
        .transactions
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(block, transactions)| {
            let mut inferred = Vec::new();
            let mut diags = Vec::new();
            let mut failed = Vec::new();
            let mut sums: Vec<Amount> = Vec::new();
            for (k, t) in transactions.iter().enumerate() {
                let index = (block * BLOCK + k) as u32;
                let postings = journal.postings_of(t);
                let mut elided = postings.iter().enumerate().filter(|(_, p)| p.elided);
                let Some((first, _)) = elided.next() else { continue };
                if let Some((second, _)) = elided.next() {
                    let p = &postings[second];
                    diags.push(
                        Diagnostic::error(
                            Code::Infer,
                            Location::Text(journal.posting_pos(t, p)),
                            "more than one posting without an amount",
                        )
                        .with_help("only one posting per transaction may leave its amount out"),
                    );
                    failed.push(index);
                    continue;
                }
                sums.clear();
                let mut rounded = None;
                for p in postings.iter().filter(|p| !p.elided) {
                    let Some(w) = journal.weight(p, |c| precisions.of(c)) else {
                        continue;
                    };
                    // A unit cost's weight is rounded to the cost commodity's precision
                    // (whole francs); hledger and ledger keep the fraction.
                    if p.extra.is_some()
                        && let Some(exact) = journal.weight(p, |_| None)
                        && exact.quantity != w.quantity
                    {
                        rounded.get_or_insert(exact);
                    }
                    add(&mut sums, w);
                }
                sums.retain(|a| !a.quantity.is_zero());
                let p = &postings[first];
                if let (Some(exact), [one]) = (rounded, sums.as_slice()) {
                    diags.push(
                        Diagnostic::warning(
                            Code::Compat,
                            Location::Text(journal.posting_pos(t, p)),
                            format!(
                                "this amount is inferred as {} from a cost worth {} {} rounded to the commodity's precision; hledger and ledger keep the fraction, so their totals would differ",
                                format_amounts(journal, precisions, &[Amount { quantity: -one.quantity, commodity: one.commodity }]),
                                exact.quantity.normalize(),
                                journal.commodity_name(exact.commodity),
                            ),
                        )
                        .with_help("write this posting's amount explicitly (or a total cost with `@@`)"),
                    );
                }
                match sums.as_slice() {
                    [] => {
                        let commodity = postings
                            .iter()
                            .find(|q| !q.elided)
                            .map_or(p.amount.commodity, |q| q.amount.commodity);
                        inferred.push((t.first_posting as usize + first, Amount { quantity: Decimal::ZERO, commodity }));
                    }
                    [one] => inferred.push((
                        t.first_posting as usize + first,
                        Amount {
                            quantity: -one.quantity,
                            commodity: one.commodity,
                        },
                    )),
                    many => {
                        failed.push(index);
                        diags.push(
                        Diagnostic::error(
                            Code::Infer,
                            Location::Text(journal.posting_pos(t, p)),
                            format!(
                                "cannot infer this amount: the other postings sum to {} in several commodities",
                                format_amounts(journal, precisions, many)
                            ),
                        )
                        .with_help("write this posting's amount, with a cost (`@`) where commodities differ"),
                        );
                    }
                }
            }
            (inferred, diags, failed)
        })
        .collect();
    let mut diagnostics = Vec::new();
    journal.uninferred.clear();
    for (inferred, diags, failed) in results {
        journal.uninferred.extend(failed);
        for (i, amount) in inferred {
            journal.postings[i].amount = amount;
        }
        diagnostics.extend(diags);
    }
    diagnostics
}

/// Adds `amount` into per-commodity `sums`.
pub fn add(sums: &mut Vec<Amount>, amount: Amount) {
    match sums.iter_mut().find(|s| s.commodity == amount.commodity) {
        Some(s) => s.quantity += amount.quantity,
        None => sums.push(amount),
    }
}
