//! Expenditure as a polars DataFrame: one row per expense posting (donor, line,
//! activity, date, amount in the functional currency as an exact 128-bit Decimal, and
//! the posting converted into its donor's currencies), summed with a lazy `group_by`.
//! This is the only module that uses polars: reports aggregate millions of postings
//! here and work on the small result in plain Rust.

use chrono::NaiveDate;
use polars::prelude::{
    Column, DataFrame, Expr, Int128Chunked, IntoColumn, IntoLazy, PolarsError, col,
};
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::rates::{PostingConversion, RateError};
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

/// Each donor's conversions of its spending, made posting by posting in the pass that
/// reads the postings: for the donor's `k`-th conversion, every posting is converted on
/// its own and the converted postings are summed (see [`PostingConversion`]).
pub type Conversions<'a> = [(Symbol, Vec<PostingConversion<'a>>)];

/// Expenditure summed per (donor, line, activity, date), in no particular order.
#[derive(Debug, Clone, Default)]
pub struct Expenditure {
    rows: Vec<Spending>,
    /// Expense postings left out because their value is not in the functional currency.
    pub foreign: usize,
    /// Per row, `slots` sums: row `i`'s postings converted by its donor's conversions.
    converted: Vec<Decimal>,
    slots: usize,
}

impl Expenditure {
    /// The rows, each with the sums of its postings converted by its donor's
    /// conversions, in the order they were given (zero past the donor's last one).
    pub fn iter(&self) -> impl Iterator<Item = (&Spending, &[Decimal])> {
        self.rows.iter().enumerate().map(|(i, s)| {
            let k = self.slots;
            (s, &self.converted[i * k..(i + 1) * k])
        })
    }
}

/// Why expenditure could not be summed.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// Out of memory, or an amount beyond 38 digits.
    #[error("aggregating expenditure failed: {0}")]
    Polars(#[from] PolarsError),
    /// A posting could not be converted.
    #[error(transparent)]
    Rate(#[from] RateError),
}

/// The expense postings dated up to `until` (of `only_donor`, when given) summed per
/// (donor, line, activity, date), each also converted by its donor's `conversions`;
/// and the number of expense postings that could not be counted because their value
/// is not in the functional currency.
///
/// # Errors
/// A polars failure (out of memory, or an amount beyond 38 digits), or a posting with
/// no rate to convert it.
pub fn spending(
    journal: &Journal,
    functional: CommodityId,
    precisions: &Precisions,
    only_donor: Option<Symbol>,
    until: NaiveDate,
    conversions: &Conversions<'_>,
) -> Result<Expenditure, FrameError> {
    let scale = precisions.of(functional).unwrap_or(0);
    let slots = conversions.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    // The converted columns hold every currency at the finest precision among them.
    let converted_scale = conversions
        .iter()
        .flat_map(|(_, c)| c.iter().map(PostingConversion::precision))
        .max()
        .unwrap_or(0);
    let types = journal.account_types();
    let sym = |s: Option<Symbol>| s.map_or(0u32, |s| s.index() as u32 + 1);
    // Columns built on both cores, block by block, then joined in order.
    let blocks: Vec<Columns> = journal
        .transactions
        .par_chunks(16_384)
        .map(|ts| -> Result<Columns, RateError> {
            let mut c = Columns::new(slots);
            let mut conversions = conversions.to_vec();
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
                    if tr.date > until {
                        continue;
                    }
                    let mut q = w.quantity;
                    q.rescale(scale);
                    c.donors.push(sym(p.dims.donor));
                    c.lines.push(sym(p.dims.line));
                    c.activities.push(sym(p.dims.activity));
                    c.dates.push(date_key(tr.date));
                    c.amounts.push(q.mantissa());
                    let mine = conversions
                        .iter_mut()
                        .find(|(d, _)| p.dims.donor == Some(*d))
                        .map_or(&mut [][..], |(_, c)| &mut c[..]);
                    for (k, column) in c.converted.iter_mut().enumerate() {
                        let mut v = match mine.get_mut(k) {
                            Some(conversion) => conversion.convert(q, tr.date)?,
                            None => Decimal::ZERO,
                        };
                        v.rescale(converted_scale);
                        column.push(v.mantissa());
                    }
                }
            }
            Ok(c)
        })
        .collect::<Result<_, _>>()?;
    let mut all = Columns::with_capacity(slots, blocks.iter().map(|b| b.donors.len()).sum());
    for b in blocks {
        all.append(b);
    }
    let Columns {
        donors,
        lines,
        activities,
        dates,
        amounts,
        converted,
        foreign,
    } = all;
    let mut columns = vec![
        Column::new("donor".into(), donors),
        Column::new("line".into(), lines),
        Column::new("activity".into(), activities),
        Column::new("date".into(), dates),
        Int128Chunked::from_vec("amount".into(), amounts)
            .into_decimal(38, scale as usize)?
            .into_column(),
    ];
    let mut sums: Vec<Expr> = vec![col("amount").sum()];
    for (k, column) in converted.into_iter().enumerate() {
        let name = format!("converted{k}");
        sums.push(col(name.as_str()).sum());
        columns.push(
            Int128Chunked::from_vec(name.into(), column)
                .into_decimal(38, converted_scale as usize)?
                .into_column(),
        );
    }
    let sums = DataFrame::new_infer_height(columns)?
        .lazy()
        .group_by([col("donor"), col("line"), col("activity"), col("date")])
        .agg(sums)
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
    let converted_sums = (0..slots)
        .map(|k| {
            let column = sums.column(&format!("converted{k}"))?.decimal()?.physical();
            Ok(column.iter().collect::<Vec<Option<i128>>>())
        })
        .collect::<Result<Vec<_>, PolarsError>>()?;
    let mut rows = Vec::with_capacity(sums.height());
    let mut converted = Vec::with_capacity(sums.height() * slots);
    for (i, ((((d, l), a), t), m)) in d
        .iter()
        .zip(l.iter())
        .zip(a.iter())
        .zip(t.iter())
        .zip(m.iter())
        .enumerate()
    {
        let (Some(t), Some(m)) = (t, m) else { continue };
        let donor = to_symbol(d);
        let mine = conversions
            .iter()
            .find(|(d, _)| donor == Some(*d))
            .map_or(&[][..], |(_, c)| &c[..]);
        for (k, column) in converted_sums.iter().enumerate() {
            // Back to the precision of the conversion's currency.
            let mut v = Decimal::from_i128_with_scale(column[i].unwrap_or(0), converted_scale);
            v.rescale(mine.get(k).map_or(0, PostingConversion::precision));
            converted.push(v);
        }
        rows.push(Spending {
            donor,
            line: to_symbol(l),
            activity: to_symbol(a),
            date: from_date_key(t),
            amount: Decimal::from_i128_with_scale(m, scale),
        });
    }
    Ok(Expenditure {
        rows,
        foreign,
        converted,
        slots,
    })
}

/// The columns of the expense table, in posting order.
struct Columns {
    donors: Vec<u32>,
    lines: Vec<u32>,
    activities: Vec<u32>,
    dates: Vec<i32>,
    amounts: Vec<i128>,
    /// One column per conversion slot: the posting converted by its donor's conversion.
    converted: Vec<Vec<i128>>,
    /// Expense postings whose value is not in the functional currency.
    foreign: usize,
}

impl Columns {
    fn new(slots: usize) -> Columns {
        Columns::with_capacity(slots, 0)
    }

    fn with_capacity(slots: usize, n: usize) -> Columns {
        Columns {
            donors: Vec::with_capacity(n),
            lines: Vec::with_capacity(n),
            activities: Vec::with_capacity(n),
            dates: Vec::with_capacity(n),
            amounts: Vec::with_capacity(n),
            converted: (0..slots).map(|_| Vec::with_capacity(n)).collect(),
            foreign: 0,
        }
    }

    fn append(&mut self, other: Columns) {
        self.donors.extend(other.donors);
        self.lines.extend(other.lines);
        self.activities.extend(other.activities);
        self.dates.extend(other.dates);
        self.amounts.extend(other.amounts);
        for (mine, theirs) in self.converted.iter_mut().zip(other.converted) {
            mine.extend(theirs);
        }
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
