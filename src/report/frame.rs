//! Expenditure as a polars DataFrame: one row per expense posting (donor, line,
//! activity, date, amount in the functional currency as an exact 128-bit Decimal),
//! summed with a lazy `group_by`. This is the only module that uses polars: reports
//! aggregate millions of postings here and work on the small result in plain Rust.

use chrono::NaiveDate;
use polars::prelude::{Column, DataFrame, Int128Chunked, IntoColumn, IntoLazy, PolarsResult, col};
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::model::{AccountType, CommodityId, Journal, Symbol};
use crate::precision::Precisions;

/// Spending of one (donor, line, activity) on one date, in the functional currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spending {
    pub donor: Option<Symbol>,
    pub line: Option<Symbol>,
    pub activity: Option<Symbol>,
    pub date: NaiveDate,
    pub amount: Decimal,
}

/// The expense postings (of `only_donor`, when given) summed per (donor, line,
/// activity, date), and the number of expense postings that could not be counted
/// because their value is not in the functional currency.
///
/// # Errors
/// A polars failure (out of memory, or an amount beyond 38 digits).
pub fn spending(
    journal: &Journal,
    functional: CommodityId,
    precisions: &Precisions,
    only_donor: Option<Symbol>,
) -> PolarsResult<(Vec<Spending>, usize)> {
    let scale = precisions.of(functional).unwrap_or(0);
    let types = journal.account_types();
    let sym = |s: Option<Symbol>| s.map_or(0u32, |s| s.index() as u32 + 1);
    // Columns built on both cores, block by block, then joined in order.
    let blocks: Vec<Columns> = journal
        .transactions
        .par_chunks(16_384)
        .map(|ts| {
            let mut c = Columns::default();
            for tr in ts {
                for p in journal.postings_of(tr) {
                    if types[p.account.index()] != Some(AccountType::Expense)
                        || only_donor.is_some_and(|d| p.dims.donor != Some(d))
                    {
                        continue;
                    }
                    let Some(w) = journal.weight(p, |c| precisions.of(c)) else {
                        continue;
                    };
                    if w.commodity != functional {
                        c.foreign += 1;
                        continue;
                    }
                    let mut q = w.quantity;
                    q.rescale(scale);
                    c.donors.push(sym(p.dims.donor));
                    c.lines.push(sym(p.dims.line));
                    c.activities.push(sym(p.dims.activity));
                    c.dates.push(date_key(tr.date));
                    c.amounts.push(q.mantissa());
                }
            }
            c
        })
        .collect();
    let mut all = Columns::with_capacity(blocks.iter().map(|b| b.donors.len()).sum());
    for b in blocks {
        all.append(b);
    }
    let Columns {
        donors,
        lines,
        activities,
        dates,
        amounts,
        foreign,
    } = all;
    let df = DataFrame::new_infer_height(vec![
        Column::new("donor".into(), donors),
        Column::new("line".into(), lines),
        Column::new("activity".into(), activities),
        Column::new("date".into(), dates),
        Int128Chunked::from_vec("amount".into(), amounts)
            .into_decimal(38, scale as usize)?
            .into_column(),
    ])?;
    let sums = df
        .lazy()
        .group_by([col("donor"), col("line"), col("activity"), col("date")])
        .agg([col("amount").sum()])
        .collect()?;
    let all: Vec<Symbol> = journal.symbols.iter().map(|(s, _)| s).collect();
    let to_symbol = |i: Option<u32>| {
        i.filter(|i| *i > 0)
            .and_then(|i| all.get(i as usize - 1).copied())
    };
    let d = sums.column("donor")?.u32()?;
    let l = sums.column("line")?.u32()?;
    let a = sums.column("activity")?.u32()?;
    let t = sums.column("date")?.i32()?;
    let m = sums.column("amount")?.decimal()?.physical();
    let mut out = Vec::with_capacity(sums.height());
    for ((((d, l), a), t), m) in d
        .iter()
        .zip(l.iter())
        .zip(a.iter())
        .zip(t.iter())
        .zip(m.iter())
    {
        let (Some(t), Some(m)) = (t, m) else { continue };
        out.push(Spending {
            donor: to_symbol(d),
            line: to_symbol(l),
            activity: to_symbol(a),
            date: from_date_key(t),
            amount: Decimal::from_i128_with_scale(m, scale),
        });
    }
    out.sort_by_key(|s| s.date);
    Ok((out, foreign))
}

/// The columns of the expense table, in posting order.
#[derive(Default)]
struct Columns {
    donors: Vec<u32>,
    lines: Vec<u32>,
    activities: Vec<u32>,
    dates: Vec<i32>,
    amounts: Vec<i128>,
    /// Expense postings whose value is not in the functional currency.
    foreign: usize,
}

impl Columns {
    fn with_capacity(n: usize) -> Columns {
        Columns {
            donors: Vec::with_capacity(n),
            lines: Vec::with_capacity(n),
            activities: Vec::with_capacity(n),
            dates: Vec::with_capacity(n),
            amounts: Vec::with_capacity(n),
            foreign: 0,
        }
    }

    fn append(&mut self, other: Columns) {
        self.donors.extend(other.donors);
        self.lines.extend(other.lines);
        self.activities.extend(other.activities);
        self.dates.extend(other.dates);
        self.amounts.extend(other.amounts);
        self.foreign += other.foreign;
    }
}

fn date_key(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce()
}

fn from_date_key(k: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(k).unwrap_or_default()
}
