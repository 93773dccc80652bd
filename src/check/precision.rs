//! `precision`: no amount has more decimals than its commodity allows — in particular
//! every XOF amount is a whole number of francs. Cost rates (`@ 655.957`) are rates,
//! not amounts, and may have any precision.

use rayon::prelude::*;

use super::Context;
use crate::diag::{Code, Diagnostic};
use crate::model::money::fits_precision;
use crate::model::{Amount, CostKind, Journal, Transaction};
use crate::source::{Location, TextPos};

pub(super) fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let j = cx.journal;
    j.transactions
        .par_chunks(8192)
        .flat_map_iter(|transactions| {
            let mut out = Vec::new();
            for t in transactions {
                for p in j.postings_of(t) {
                    verify(cx, t, p.line, p.amount, 4, &mut out);
                    if p.extra.is_some() {
                        let extra = j.extra(p);
                        if let Some(a) = extra.assertion {
                            verify(cx, t, p.line, a, extra.assertion_col, &mut out);
                        }
                        if let Some(c) = extra.cost
                            && c.kind == CostKind::Total
                        {
                            verify(cx, t, p.line, c.amount, 4, &mut out);
                        }
                    }
                }
            }
            out
        })
        .collect()
}

fn verify(
    cx: &Context<'_>,
    t: &Transaction,
    line: u32,
    a: Amount,
    col: u32,
    out: &mut Vec<Diagnostic>,
) {
    let Some(decimals) = cx.precisions.declared(a.commodity) else {
        return;
    };
    if fits_precision(a.quantity, decimals) {
        return;
    }
    let j: &Journal = cx.journal;
    let name = j.commodity_name(a.commodity);
    out.push(
        Diagnostic::error(
            Code::Precision,
            Location::Text(TextPos {
                file: t.file,
                line,
                col,
                len: 1,
            }),
            format!("{} {name} has more decimals than {name} allows ({decimals})", a.quantity),
        )
        .with_help(if decimals == 0 {
            "this currency has no minor unit: book whole amounts (round half up, and split shares by largest remainder)"
        } else {
            "round the amount to the currency's precision"
        }),
    );
}
