//! The posting table as Parquet, through polars: `date` a Date, `txn`/`posting`
//! 64-bit integers, text as UTF-8 strings, and `amount`/`value` as **Decimal(38, s)**
//! columns, exact (never floating point). `s` is the most decimals any row needs, at
//! least 2 for `amount` (so XOF-only and EUR/USD books share one type) and the books'
//! currency's for `value` (0 in XOF books).
//!
//! One file (`-o FILE.parquet`), or a Hive-partitioned directory (`-o DIR/`):
//! `DIR/project=CODE/year=YYYY/postings.parquet`, the layout DuckDB, Spark, polars and
//! Arrow read as one table with `project` and `year` taken from the paths (so, by the
//! Hive convention, those files do not repeat the `project` column).

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use polars::prelude::{
    BooleanChunked, Column, DataFrame, Int128Chunked, IntoColumn, ParquetWriter, PolarsResult,
};
use rust_decimal::Decimal;

use super::ExportError;
use super::rows::{PostingTable, type_name};
use crate::fsio::write_atomically;

/// The file written in each partition directory.
pub const PARTITION_FILE: &str = "postings.parquet";

/// The table as a polars DataFrame, plus each row's year (for partitioning).
///
/// # Errors
/// A polars failure, or an amount that does not fit a Decimal(38) column.
pub fn frame(table: &PostingTable<'_>) -> Result<(DataFrame, Vec<i32>), ExportError> {
    let rows: Vec<_> = table.rows().collect();
    let n = rows.len();
    // At least 2 decimals, so the books of XOF, EUR and USD (0 or 2) all give the same
    // column type and engines reading many projects' files see one schema.
    let amount_scale = rows
        .iter()
        .map(|r| table.amount_scale(r))
        .max()
        .unwrap_or(0)
        .max(2);
    let value_scale = rows
        .iter()
        .filter_map(|r| r.value.map(|v| v.normalize().scale()))
        .max()
        .unwrap_or(0)
        .max(table.value_precision());
    let text = |f: &dyn Fn(&super::rows::Row<'_>) -> Option<String>| -> Vec<Option<String>> {
        rows.iter().map(f).collect()
    };
    let mut columns = vec![
        Column::new("project".into(), vec![table.project.as_deref(); n]),
        Column::new("country".into(), vec![table.country.as_deref(); n]),
        Column::new(
            "date".into(),
            rows.iter().map(|r| r.date).collect::<Vec<NaiveDate>>(),
        ),
        Column::new(
            "txn".into(),
            rows.iter().map(|r| r.txn as i64).collect::<Vec<i64>>(),
        ),
        Column::new(
            "posting".into(),
            rows.iter()
                .map(|r| i64::from(r.posting))
                .collect::<Vec<i64>>(),
        ),
        str_column("voucher", text(&|r| Some(r.voucher.to_string()))),
        str_column("description", text(&|r| Some(r.description.to_string()))),
        str_column("account", text(&|r| Some(r.account.to_string()))),
        str_column(
            "account_type",
            text(&|r| r.account_type.map(|t| type_name(t).to_string())),
        ),
        str_column("commodity", text(&|r| Some(r.commodity.to_string()))),
        decimal_column("amount", rows.iter().map(|r| Some(r.amount)), amount_scale)?,
        decimal_column("value", rows.iter().map(|r| r.value), value_scale)?,
        str_column(
            "value_currency",
            text(&|r| table.value_currency(r).map(str::to_string)),
        ),
        str_column("donor", text(&|r| r.donor.map(str::to_string))),
        str_column("line", text(&|r| r.line.map(str::to_string))),
        str_column("activity", text(&|r| r.activity.map(str::to_string))),
        str_column("source", text(&|r| Some(r.source.to_string()))),
    ];
    for (i, scheme) in table.schemes.iter().enumerate() {
        columns.push(str_column(
            &super::rows::category_column(scheme),
            text(&|r| r.categories[i].clone()),
        ));
    }
    let years = rows.iter().map(|r| r.date.year()).collect();
    Ok((DataFrame::new(n, columns)?, years))
}

fn str_column(name: &str, values: Vec<Option<String>>) -> Column {
    Column::new(name.into(), values)
}

/// A Decimal(38, `scale`) column of exact values.
fn decimal_column(
    name: &str,
    values: impl Iterator<Item = Option<Decimal>>,
    scale: u32,
) -> Result<Column, ExportError> {
    let mut mantissas = Vec::new();
    for v in values {
        mantissas.push(match v {
            None => None,
            Some(mut d) => {
                d.rescale(scale);
                if d.scale() != scale {
                    return Err(ExportError::TooLarge(format!(
                        "{name}: {d} cannot be held with {scale} decimals"
                    )));
                }
                Some(d.mantissa())
            }
        });
    }
    let ca: Int128Chunked = mantissas.into_iter().collect();
    Ok(ca
        .with_name(name.into())
        .into_decimal(38, scale as usize)?
        .into_column())
}

/// Parquet bytes of `df`.
///
/// # Errors
/// A polars failure.
pub fn to_bytes(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(df)?;
    Ok(buf)
}

/// Writes the table to one Parquet file at `path`, atomically.
///
/// # Errors
/// A polars or file-system failure.
pub fn write_file(table: &PostingTable<'_>, path: &Path) -> Result<usize, ExportError> {
    let (mut df, _) = frame(table)?;
    let bytes = to_bytes(&mut df)?;
    write_atomically(path, &bytes)?;
    Ok(df.height())
}

/// Writes the table under `dir` partitioned by project and year
/// (`project=CODE/year=YYYY/postings.parquet`), each file atomically; a year's file
/// left from an earlier export of the same project and no longer in the books is
/// removed. Returns the files written.
///
/// # Errors
/// A polars or file-system failure.
pub fn write_partitioned(
    table: &PostingTable<'_>,
    dir: &Path,
) -> Result<Vec<PathBuf>, ExportError> {
    let (df, years) = frame(table)?;
    let df = df.drop("project")?;
    let project = table.project.as_deref().unwrap_or("journal");
    let project_dir = dir.join(format!("project={}", hive_escape(project)));
    let mut distinct: Vec<i32> = years.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let mut written = Vec::new();
    for year in &distinct {
        let mask: BooleanChunked = years.iter().map(|y| y == year).collect();
        let mut part = df.filter(&mask)?;
        let part_dir = project_dir.join(format!("year={year}"));
        std::fs::create_dir_all(&part_dir)?;
        let path = part_dir.join(PARTITION_FILE);
        write_atomically(&path, &to_bytes(&mut part)?)?;
        written.push(path);
    }
    if let Ok(entries) = std::fs::read_dir(&project_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let stale = name
                .strip_prefix("year=")
                .and_then(|y| y.parse::<i32>().ok())
                .is_some_and(|y| !distinct.contains(&y));
            if stale {
                let old = e.path().join(PARTITION_FILE);
                if old.is_file() {
                    std::fs::remove_file(&old)?;
                }
            }
        }
    }
    Ok(written)
}

/// A Hive partition value: characters other than letters, digits, `-`, `_` and `.`
/// written `%XX` (as Hive, Spark and DuckDB expect).
pub fn hive_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`hive_escape`].
pub fn hive_unescape(value: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_values_round_trip() {
        for v in ["MLI-CTIP-2017", "a b/c=d", "é", "100%"] {
            assert_eq!(hive_unescape(&hive_escape(v)), v);
        }
        assert_eq!(hive_escape("a b"), "a%20b");
    }
}
