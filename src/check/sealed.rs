//! `sealed`: no transaction of a sealed period was added, removed or changed since it
//! was sealed (`fundledger seal`). Each difference is named, at the transaction's place.

use super::Context;
use crate::audit::seal::{compare, entries};
use crate::diag::{Code, Diagnostic};
use crate::source::Location;

pub(super) fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let Some(seals) = cx.seals else {
        return Vec::new();
    };
    let Some(latest) = seals.sealed_through() else {
        return Vec::new();
    };
    let j = cx.journal;
    let all = entries(j, latest);
    let mut out = Vec::new();
    for (seal, list) in seals.active() {
        let sealed = match list {
            Ok(l) => l,
            Err(e) => {
                out.push(
                    Diagnostic::error(
                        Code::Sealed,
                        Location::None,
                        format!("the seal through {} cannot be verified: {e}", seal.through),
                    )
                    .with_help(
                        "restore seals/ from the committed books, or reopen the period explicitly",
                    ),
                );
                continue;
            }
        };
        let current: Vec<_> = all
            .iter()
            .filter(|e| e.date <= seal.through)
            .cloned()
            .collect();
        let d = compare(&current, sealed);
        let at = |index: Option<usize>| {
            index.map_or(Location::None, |i| Location::Text(j.transactions[i].pos()))
        };
        for e in &d.added {
            out.push(
                Diagnostic::error(
                    Code::Sealed,
                    at(e.index),
                    format!("transaction {} of {} is in the period sealed through {}: it was not there when sealed", voucher(&e.code), e.date, seal.through),
                )
                .with_help("date it after the sealed period, or reopen the period (`fundledger seal --reopen`)"),
            );
        }
        for (now, before) in &d.changed {
            out.push(
                Diagnostic::error(
                    Code::Sealed,
                    at(now.index),
                    format!(
                        "transaction {} of {} was changed after the period was sealed through {} (sealed at {})",
                        voucher(&now.code),
                        now.date,
                        seal.through,
                        before.place
                    ),
                )
                .with_help("restore the sealed transaction and book a correcting entry in an open period"),
            );
        }
        for e in &d.removed {
            out.push(Diagnostic::error(
                Code::Sealed,
                Location::None,
                format!(
                    "transaction {} of {} (sealed at {}) was removed from the period sealed through {}",
                    voucher(&e.code),
                    e.date,
                    e.place,
                    seal.through
                ),
            ));
        }
    }
    out
}

fn voucher(code: &str) -> String {
    if code.is_empty() {
        "(no voucher)".to_string()
    } else {
        format!("({code})")
    }
}
