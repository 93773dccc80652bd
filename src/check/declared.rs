//! `accounts` and `commodities`: every account used has an `account` directive, and
//! every commodity is declared in project.toml or by a `commodity` directive. Always on
//! for a ledger with a project file; on for a bare journal with `--strict`.
//! Each undeclared name is reported once, where it is first used.

use super::Context;
use crate::diag::{Code, Diagnostic};
use crate::source::Location;

pub(super) fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    if cx.project.is_none() && !cx.strict {
        return Vec::new();
    }
    let j = cx.journal;
    let mut account_ok = vec![false; j.accounts.len()];
    for d in &j.directives.accounts {
        account_ok[d.account.index()] = true;
    }
    let mut commodity_ok = vec![false; j.commodities.len()];
    for d in &j.directives.commodities {
        commodity_ok[d.commodity.index()] = true;
    }
    if let Some(p) = cx.project {
        for c in &p.commodities {
            if let Some(id) = j.commodities.get(&c.code) {
                commodity_ok[id.index()] = true;
            }
        }
    }
    let mut out = Vec::new();
    for t in &j.transactions {
        for p in j.postings_of(t) {
            let a = p.account.index();
            if !account_ok[a] {
                account_ok[a] = true;
                out.push(
                    Diagnostic::error(
                        Code::Accounts,
                        Location::Text(j.posting_pos(t, p)),
                        format!("account {} is not declared", j.account_name(p.account)),
                    )
                    .with_help(format!(
                        "add `account {}` to the journal's declarations, or correct the name",
                        j.account_name(p.account)
                    )),
                );
            }
            let extra = j.extra(p);
            let used = [
                Some(p.amount.commodity),
                extra.cost.map(|c| c.amount.commodity),
                extra.assertion.map(|a| a.commodity),
            ];
            for c in used.into_iter().flatten() {
                if !commodity_ok[c.index()] {
                    commodity_ok[c.index()] = true;
                    let name = j.commodity_name(c);
                    out.push(
                        Diagnostic::error(
                            Code::Commodities,
                            Location::Text(j.posting_pos(t, p)),
                            if name.is_empty() {
                                "amount without a commodity".to_string()
                            } else {
                                format!("commodity {name} is not declared")
                            },
                        )
                        .with_help(if name.is_empty() {
                            "write the currency after the number, e.g. 1,250 XOF".to_string()
                        } else {
                            format!("declare it under [commodities.{name}] in project.toml, or with `commodity {name}`")
                        }),
                    );
                }
            }
        }
    }
    out
}
