//! Totals of an import per donor and per budget line, for `import`'s summary and
//! `--dry-run`.
//!
//! polars does the grouping: the donor shares of an import are columns (donor index,
//! line index, amount as an exact 128-bit decimal at the commodity's precision) of up to
//! a few million rows, and a lazy `group_by` sums them exactly. The grand total is
//! checked against the importer's own `Decimal` sum, so the summary can never disagree
//! with what is written.

use polars::prelude::{Column, DataFrame, Int128Chunked, IntoColumn, IntoLazy, PolarsError, col};
use rust_decimal::Decimal;

/// Totals of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// (donor index, total), in index order.
    pub by_donor: Vec<(u32, Decimal)>,
    /// (line index, total), in index order.
    pub by_line: Vec<(u32, Decimal)>,
    pub total: Decimal,
}

/// Why the totals cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum TotalsError {
    #[error(transparent)]
    Polars(#[from] PolarsError),
    #[error("the totals ({0}) differ from the imported amounts ({1})")]
    Mismatch(Decimal, Decimal),
}

/// Sums `units` (amounts × 10^`scale`) per donor and per line; `expected` is their
/// exact sum.
///
/// # Errors
/// A polars failure, or totals that do not add up to `expected`.
pub fn totals(
    donor: &[u32],
    line: &[u32],
    units: &[i128],
    scale: u32,
    expected: Decimal,
) -> Result<Totals, TotalsError> {
    if units.is_empty() {
        return Ok(Totals::default());
    }
    let df = DataFrame::new_infer_height(vec![
        Column::new("donor".into(), donor),
        Column::new("line".into(), line),
        Int128Chunked::from_vec("amount".into(), units.to_vec())
            .into_decimal(38, scale as usize)?
            .into_column(),
    ])?;
    let by = |key: &str| -> Result<Vec<(u32, Decimal)>, PolarsError> {
        let sums = df
            .clone()
            .lazy()
            .group_by([col(key)])
            .agg([col("amount").sum()])
            .collect()?;
        let keys = sums.column(key)?.u32()?;
        let amounts = sums.column("amount")?.decimal()?.physical();
        let mut out: Vec<(u32, Decimal)> = keys
            .iter()
            .zip(amounts.iter())
            .filter_map(|(k, a)| Some((k?, Decimal::from_i128_with_scale(a?, scale))))
            .collect();
        out.sort_by_key(|(k, _)| *k);
        Ok(out)
    };
    let by_donor = by("donor")?;
    let by_line = by("line")?;
    let total: Decimal = by_donor.iter().map(|(_, a)| *a).sum();
    let line_total: Decimal = by_line.iter().map(|(_, a)| *a).sum();
    if total != expected || line_total != expected {
        return Err(TotalsError::Mismatch(total, expected));
    }
    Ok(Totals {
        by_donor,
        by_line,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_per_donor_and_line_exactly() {
        let t = totals(
            &[0, 1, 0],
            &[2, 2, 5],
            &[100, 250, 1],
            0,
            Decimal::from(351),
        )
        .unwrap();
        assert_eq!(
            t.by_donor,
            vec![(0, Decimal::from(101)), (1, Decimal::from(250))]
        );
        assert_eq!(
            t.by_line,
            vec![(2, Decimal::from(350)), (5, Decimal::from(1))]
        );
        assert_eq!(t.total, Decimal::from(351));
        assert!(totals(&[0], &[0], &[5], 0, Decimal::from(6)).is_err());
        assert_eq!(
            totals(&[], &[], &[], 0, Decimal::ZERO).unwrap(),
            Totals::default()
        );
    }
}
