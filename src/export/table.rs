//! The posting table as CSV (a header row, RFC 4180 quoting) or JSON (an array of
//! objects with the columns in order). Streamed: rows are written as they are made.
//!
//! Both are spreadsheet-safe: text starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return gets a leading `'` ([`spreadsheet_safe`]); amounts are exact decimal strings
//! (numbers, never prefixed). Missing values are empty cells in CSV and `null` in JSON.

use std::io::{self, Write};

use super::rows::{PostingTable, Row, type_name};
use crate::render::spreadsheet_safe;

/// The row's cells as text, in column order (`None` for a missing value), made safe
/// for spreadsheets.
fn cells(table: &PostingTable<'_>, r: &Row<'_>) -> Vec<Option<String>> {
    let safe = |s: &str| Some(spreadsheet_safe(s).into_owned());
    let opt = |s: Option<&str>| s.and_then(safe);
    let mut c = vec![
        opt(table.project.as_deref()),
        opt(table.country.as_deref()),
        Some(r.date.to_string()),
        Some(r.txn.to_string()),
        Some(r.posting.to_string()),
        safe(r.voucher),
        safe(r.description),
        safe(r.account),
        r.account_type.map(|t| type_name(t).to_string()),
        safe(r.commodity),
        Some(table.amount_text(r)),
        table.value_text(r),
        opt(table.value_currency(r)),
        opt(r.donor),
        opt(r.line),
        opt(r.activity),
        safe(&r.source),
    ];
    c.extend(r.categories.iter().map(|x| opt(x.as_deref())));
    c
}

/// Writes the table as CSV.
///
/// # Errors
/// When `out` fails.
pub fn write_csv(table: &PostingTable<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(table.columns())?;
    for r in table.rows() {
        w.write_record(cells(table, &r).iter().map(|c| c.as_deref().unwrap_or("")))?;
    }
    w.flush()
}

/// Writes the table as a JSON array of objects, one per line.
///
/// # Errors
/// When `out` fails.
pub fn write_json(table: &PostingTable<'_>, out: &mut dyn Write) -> io::Result<()> {
    let columns = table.columns();
    out.write_all(b"[")?;
    let mut first = true;
    for r in table.rows() {
        out.write_all(if first { b"\n  {" } else { b",\n  {" })?;
        first = false;
        for (i, (name, value)) in columns.iter().zip(cells(table, &r)).enumerate() {
            if i > 0 {
                out.write_all(b", ")?;
            }
            serde_json::to_writer(&mut *out, name)?;
            out.write_all(b": ")?;
            match (name.as_str(), value) {
                (_, None) => out.write_all(b"null")?,
                // Row numbers are numbers; amounts stay exact decimal strings.
                ("txn" | "posting", Some(v)) => out.write_all(v.as_bytes())?,
                (_, Some(v)) => serde_json::to_writer(&mut *out, &v)?,
            }
        }
        out.write_all(b"}")?;
    }
    out.write_all(if first { b"]\n" } else { b"\n]\n" })
}
