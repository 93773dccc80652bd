//! Programme support costs (indirect costs): each agreement's rate applied to its
//! eligible direct expenditure — never to the gross grant — through a date.
//!
//! The computation is cumulative: due = round_half_up(base × rate) through the date,
//! minus what PSC transactions for the agreement already posted. Posting only the
//! difference keeps the total exact to the franc and makes re-running a no-op.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::model::money::round_half_up;
use crate::model::project::Project;
use crate::model::{AccountType, Journal, Meta, Transaction};
use crate::precision::Precisions;
use crate::render::amount::group_exact;

/// The transaction tag naming the agreement a PSC transaction is for.
pub const PSC_TAG: &str = "psc";

/// One agreement's PSC computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PscComputation {
    pub agreement: String,
    pub donor: String,
    pub rate: Decimal,
    pub base_accounts: Vec<String>,
    /// Eligibility start, and the last date counted (the earlier of `through` and the end).
    pub from: NaiveDate,
    pub through: NaiveDate,
    /// Eligible direct expenditure in the functional currency.
    pub base: Decimal,
    /// round_half_up(base × rate / 100).
    pub due: Decimal,
    /// PSC already posted for this agreement.
    pub posted: Decimal,
    /// What `--post` adds (zero when nothing is due; never negative).
    pub to_post: Decimal,
    pub line: String,
    pub account: String,
    pub counter: String,
    pub currency: String,
}

/// True when `t` is a PSC transaction (tagged `psc:`), so it is not part of any base.
pub fn is_psc(journal: &Journal, t: &Transaction) -> Option<String> {
    journal.metas(t.meta).iter().find_map(|m| match m {
        Meta::Tag { name, value } if journal.symbol(*name) == PSC_TAG => {
            Some(journal.str(*value).to_string())
        }
        _ => None,
    })
}

fn under(account: &str, prefix: &str) -> bool {
    account == prefix
        || account
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(':'))
}

/// Computes PSC for every agreement with a PSC rule, through `through`.
pub fn compute(
    journal: &Journal,
    project: &Project,
    precisions: &Precisions,
    through: NaiveDate,
) -> Vec<PscComputation> {
    let functional = journal.commodities.get(&project.currency);
    let scale = functional.and_then(|c| precisions.of(c)).unwrap_or(0);
    let types = journal.account_types();
    let mut out = Vec::new();
    for a in &project.agreements {
        let Some(rule) = &a.psc else { continue };
        let last = through.min(a.end);
        let donor = journal.symbols.get(&a.donor);
        let psc_account = journal.accounts.get(&rule.account);
        let in_base: Vec<bool> = journal
            .accounts
            .iter()
            .map(|(id, name)| {
                types[id.index()] == Some(AccountType::Expense)
                    && rule.base.iter().any(|p| under(name, p))
            })
            .collect();
        let (mut base, mut posted) = (Decimal::ZERO, Decimal::ZERO);
        for t in &journal.transactions {
            let psc_of = is_psc(journal, t);
            for p in journal.postings_of(t) {
                if donor.is_none() || p.dims.donor != donor {
                    continue;
                }
                if let Some(reference) = &psc_of {
                    if *reference == a.reference && Some(p.account) == psc_account {
                        posted += p.amount.quantity;
                    }
                    continue;
                }
                if t.date < a.start || t.date > last || !in_base[p.account.index()] {
                    continue;
                }
                match journal.weight(p, |c| precisions.of(c)) {
                    Some(w) if Some(w.commodity) == functional => base += w.quantity,
                    _ => {}
                }
            }
        }
        let due = round_half_up(base * rule.rate / Decimal::ONE_HUNDRED, scale);
        out.push(PscComputation {
            agreement: a.reference.clone(),
            donor: a.donor.clone(),
            rate: rule.rate,
            base_accounts: rule.base.clone(),
            from: a.start,
            through: last,
            base,
            due,
            posted,
            to_post: (due - posted).max(Decimal::ZERO),
            line: rule.line.clone(),
            account: rule.account.clone(),
            counter: rule.counter.clone(),
            currency: project.currency.clone(),
        });
    }
    out
}

/// The journal text of the PSC transaction for `c` (nothing when nothing is to post).
pub fn transaction_text(c: &PscComputation) -> Option<String> {
    if c.to_post.is_zero() {
        return None;
    }
    let amount = group_exact(c.to_post);
    let code: String = c
        .agreement
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '-' || ch == '.' {
                ch
            } else {
                '-'
            }
        })
        .collect();
    let width = c
        .account
        .chars()
        .count()
        .max(c.counter.chars().count())
        .max(36)
        + 2;
    Some(format!(
        "{date} * (PSC-{code}-{date}) Coûts indirects (PSC {rate} %) {reference} jusqu'au {date}\n    ; {tag}: {reference}\n    ; psc-through: {date}\n    ; psc-base: {base}\n    {account:<width$}{plus:>16} {cur}\n    ; donor: {donor}\n    ; line: {line}\n    {counter:<width$}{minus:>16} {cur}\n    ; donor: {donor}\n",
        date = c.through,
        rate = c.rate.normalize(),
        reference = c.agreement,
        tag = PSC_TAG,
        base = c.base,
        account = c.account,
        counter = c.counter,
        plus = amount,
        minus = format!("-{amount}"),
        cur = c.currency,
        donor = c.donor,
        line = c.line,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_accounts_match_whole_components() {
        assert!(under("expenses:travel", "expenses"));
        assert!(under("expenses", "expenses"));
        assert!(!under("expenses-other:x", "expenses"));
    }
}
