//! The balance report: totals per account (as a tree with subtotals, or flat),
//! optionally broken down by fund, budget line and activity.

use rayon::prelude::*;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::filter::{Filter, FilterSpec};
use crate::model::{AccountId, CommodityId, Dimension, Journal, Symbol};

/// What to total and how.
#[derive(Debug, Clone, Default)]
pub struct BalanceSpec {
    pub filter: FilterSpec,
    /// Dimensions to break totals down by, in column order.
    pub by: Vec<Dimension>,
    /// Accounts deeper than this are folded into their ancestor at this depth.
    pub depth: Option<usize>,
    /// Every account with postings, its own balance only, no parent subtotals.
    pub flat: bool,
    /// Keep rows whose amount is zero.
    pub empty: bool,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceRow {
    /// Values of the `by` dimensions (None: postings without that tag).
    pub dims: Vec<Option<String>>,
    /// Full account name.
    pub account: String,
    /// 0-based depth of the account (for tree indentation).
    pub depth: usize,
    pub commodity: String,
    pub amount: Decimal,
}

/// The report: rows in display order, and the grand total per commodity.
#[derive(Debug, Clone, Default)]
pub struct BalanceReport {
    pub by: Vec<Dimension>,
    pub rows: Vec<BalanceRow>,
    pub totals: Vec<(String, Decimal)>,
}

type GroupKey = [Option<Symbol>; 3];

/// Totals the journal's postings according to `spec`.
pub fn balance(journal: &Journal, spec: &BalanceSpec) -> BalanceReport {
    let filter = Filter::new(&spec.filter, journal);
    let by = &spec.by;
    let key_of = |dims: crate::model::Dimensions| -> GroupKey {
        let mut k = [None; 3];
        for (i, d) in by.iter().enumerate().take(3) {
            k[i] = dims.get(*d);
        }
        k
    };
    // Sum per (group, account, commodity), in parallel over transaction blocks.
    let sums: FxHashMap<(GroupKey, AccountId, CommodityId), Decimal> = journal
        .transactions
        .par_chunks(16_384)
        .fold(
            FxHashMap::default,
            |mut acc: FxHashMap<(GroupKey, AccountId, CommodityId), Decimal>, ts| {
                for t in ts {
                    if !filter.date(t) {
                        continue;
                    }
                    for p in journal.postings_of(t) {
                        if !filter.posting(p) {
                            continue;
                        }
                        *acc.entry((key_of(p.dims), p.account, p.amount.commodity))
                            .or_default() += p.amount.quantity;
                    }
                }
                acc
            },
        )
        .reduce(FxHashMap::default, |mut a, b| {
            if a.len() < b.len() {
                return merge(b, a);
            }
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });

    // Fold into display accounts: clipped to depth, and with ancestors unless flat.
    let mut lines: FxHashMap<(GroupKey, String, CommodityId), Decimal> = FxHashMap::default();
    let mut totals: FxHashMap<CommodityId, Decimal> = FxHashMap::default();
    for ((group, account, commodity), amount) in &sums {
        let name = journal.accounts.name(*account);
        *totals.entry(*commodity).or_default() += *amount;
        let parts: Vec<&str> = name.split(':').collect();
        let depth = spec.depth.unwrap_or(usize::MAX).max(1).min(parts.len());
        if spec.flat {
            *lines
                .entry((*group, parts[..depth].join(":"), *commodity))
                .or_default() += *amount;
        } else {
            for d in 1..=depth {
                *lines
                    .entry((*group, parts[..d].join(":"), *commodity))
                    .or_default() += *amount;
            }
        }
    }
    let name_of = |s: Option<Symbol>| s.map(|s| journal.symbol(s).to_string());
    let mut rows: Vec<BalanceRow> = lines
        .into_iter()
        .filter(|(_, amount)| spec.empty || !amount.is_zero())
        .map(|((group, account, commodity), amount)| BalanceRow {
            dims: (0..by.len()).map(|i| name_of(group[i])).collect(),
            depth: account.matches(':').count(),
            account,
            commodity: journal.commodity_name(commodity).to_string(),
            amount,
        })
        .collect();
    rows.sort_by(|a, b| {
        dims_order(&a.dims, &b.dims)
            .then_with(|| tree_order(&a.account, &b.account))
            .then_with(|| a.commodity.cmp(&b.commodity))
    });
    let mut totals: Vec<(String, Decimal)> = totals
        .into_iter()
        .map(|(c, a)| (journal.commodity_name(c).to_string(), a))
        .collect();
    totals.sort();
    BalanceReport {
        by: by.clone(),
        rows,
        totals,
    }
}

fn merge<K: std::hash::Hash + Eq>(
    mut a: FxHashMap<K, Decimal>,
    b: FxHashMap<K, Decimal>,
) -> FxHashMap<K, Decimal> {
    for (k, v) in b {
        *a.entry(k).or_default() += v;
    }
    a
}

/// Untagged groups last; otherwise by value.
fn dims_order(a: &[Option<String>], b: &[Option<String>]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Some(x), Some(y)) => natural_cmp(x, y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        if o.is_ne() {
            return o;
        }
    }
    std::cmp::Ordering::Equal
}

/// Parents right before their children: compare component by component.
fn tree_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split(':').cmp(b.split(':'))
}

/// Orders `2.10` after `2.9` and `A10` after `A9`: digit runs compare as numbers.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let m = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (&x[..n], &y[..m]);
                let tx = dx.iter().skip_while(|c| **c == b'0').count();
                let ty = dy.iter().skip_while(|c| **c == b'0').count();
                let o = tx
                    .cmp(&ty)
                    .then_with(|| dx[n - tx..].cmp(&dy[m - ty..]))
                    .then_with(|| n.cmp(&m));
                if o.is_ne() {
                    return o;
                }
                x = &x[n..];
                y = &y[m..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_of_line_codes() {
        let mut v = vec!["2.10", "2.9", "10.1", "A10", "A9", "1.1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, vec!["1.1", "2.9", "2.10", "10.1", "A9", "A10"]);
    }

    #[test]
    fn tree_order_puts_parents_first() {
        let mut v = vec!["assets:bank", "assets", "assets-x", "assets:bank:eur"];
        v.sort_by(|a, b| tree_order(a, b));
        assert_eq!(
            v,
            vec!["assets", "assets:bank", "assets:bank:eur", "assets-x"]
        );
    }
}
