//! Balance and register reports rendered as a terminal table, CSV or JSON.

use std::io::{self, Write};

use serde_json::{Map, Value};

use super::amount::{group, plain};
use super::labels::{self, dimension};
use super::table::{Align, Table};
use super::{Format, Lang, spreadsheet_safe};
use crate::report::balance::BalanceReport;
use crate::report::register::RegisterRow;

/// Decimals to show for a commodity symbol.
pub type PrecisionOf<'a> = &'a dyn Fn(&str) -> Option<u32>;

fn with_commodity(number: String, commodity: &str) -> String {
    if commodity.is_empty() {
        number
    } else {
        format!("{number} {commodity}")
    }
}

/// Writes a balance report.
///
/// # Errors
/// When `out` fails.
pub fn balance(
    report: &BalanceReport,
    flat: bool,
    format: Format,
    lang: Lang,
    precision: PrecisionOf<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let dim_names: Vec<&str> = report.by.iter().map(|d| d.tag()).collect();
    match format {
        Format::Table => {
            let mut columns: Vec<(&str, Align)> = report
                .by
                .iter()
                .map(|d| (dimension(*d).get(lang), Align::Left))
                .collect();
            columns.push((labels::ACCOUNT.get(lang), Align::Left));
            columns.push((labels::AMOUNT.get(lang), Align::Right));
            let mut table = Table::new(&columns);
            let mut previous: Option<(&[Option<String>], &str)> = None;
            for row in &report.rows {
                let same_group = previous.is_some_and(|(d, _)| d == row.dims.as_slice());
                let same_account = same_group && previous.is_some_and(|(_, a)| a == row.account);
                let mut cells: Vec<String> = row
                    .dims
                    .iter()
                    .map(|d| {
                        if same_group {
                            String::new()
                        } else {
                            d.clone()
                                .unwrap_or_else(|| labels::NONE.get(lang).to_string())
                        }
                    })
                    .collect();
                let account = if same_account {
                    String::new()
                } else if flat {
                    row.account.clone()
                } else {
                    let leaf = row.account.rsplit(':').next().unwrap_or(&row.account);
                    format!("{}{}", "  ".repeat(row.depth), leaf)
                };
                cells.push(account);
                cells.push(with_commodity(
                    group(row.amount, precision(&row.commodity)),
                    &row.commodity,
                ));
                table.push(cells);
                previous = Some((&row.dims, &row.account));
            }
            let blank = vec![String::new(); report.by.len()];
            let nonzero: Vec<_> = report.totals.iter().filter(|(_, a)| !a.is_zero()).collect();
            if nonzero.is_empty() {
                let mut cells = blank.clone();
                cells.push(labels::TOTAL.get(lang).to_string());
                cells.push("0".to_string());
                table.push(cells);
            }
            for (i, (commodity, amount)) in nonzero.iter().enumerate() {
                let mut cells = blank.clone();
                cells.push(if i == 0 {
                    labels::TOTAL.get(lang).to_string()
                } else {
                    String::new()
                });
                cells.push(with_commodity(
                    group(*amount, precision(commodity)),
                    commodity,
                ));
                table.push(cells);
            }
            out.write_all(table.to_text().as_bytes())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header: Vec<&str> = dim_names.clone();
            header.extend(["account", "commodity", "amount"]);
            w.write_record(&header)?;
            for row in &report.rows {
                let mut rec: Vec<String> = row
                    .dims
                    .iter()
                    .map(|d| spreadsheet_safe(d.as_deref().unwrap_or("")).into_owned())
                    .collect();
                rec.push(spreadsheet_safe(&row.account).into_owned());
                rec.push(spreadsheet_safe(&row.commodity).into_owned());
                rec.push(plain(row.amount, precision(&row.commodity)));
                w.write_record(&rec)?;
            }
            w.flush()
        }
        Format::Json => {
            let rows: Vec<Value> = report
                .rows
                .iter()
                .map(|row| {
                    let mut m = Map::new();
                    for (name, value) in dim_names.iter().zip(&row.dims) {
                        m.insert(
                            (*name).to_string(),
                            value.clone().map_or(Value::Null, Value::String),
                        );
                    }
                    m.insert("account".into(), Value::String(row.account.clone()));
                    m.insert("commodity".into(), Value::String(row.commodity.clone()));
                    m.insert(
                        "amount".into(),
                        Value::String(plain(row.amount, precision(&row.commodity))),
                    );
                    Value::Object(m)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
    }
}

/// Writes a register; with `source`, a column (field) `source` too.
///
/// # Errors
/// When `out` fails.
pub fn register(
    rows: &[RegisterRow],
    source: bool,
    format: Format,
    lang: Lang,
    precision: PrecisionOf<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => {
            let mut columns = vec![
                (labels::DATE.get(lang), Align::Left),
                (labels::VOUCHER.get(lang), Align::Left),
                (labels::DESCRIPTION.get(lang), Align::Left),
                (labels::ACCOUNT.get(lang), Align::Left),
                (labels::AMOUNT.get(lang), Align::Right),
                (labels::RUNNING.get(lang), Align::Right),
            ];
            if source {
                columns.push((labels::SOURCE.get(lang), Align::Left));
            }
            let mut table = Table::new(&columns);
            let mut previous: Option<usize> = None;
            for r in rows {
                // A transaction's date, voucher and description head its first posting
                // only; identical transactions stay visibly separate.
                let same = previous == Some(r.transaction);
                let p = precision(&r.commodity);
                let mut cells = vec![
                    if same {
                        String::new()
                    } else {
                        r.date.to_string()
                    },
                    if same { String::new() } else { r.code.clone() },
                    if same {
                        String::new()
                    } else {
                        truncate(&r.description, 40)
                    },
                    r.account.clone(),
                    with_commodity(group(r.amount, p), &r.commodity),
                    with_commodity(group(r.total, p), &r.commodity),
                ];
                if source {
                    cells.push(r.source.clone().unwrap_or_default());
                }
                table.push(cells);
                previous = Some(r.transaction);
            }
            out.write_all(table.to_text().as_bytes())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header = vec![
                "date",
                "code",
                "description",
                "account",
                "commodity",
                "amount",
                "total",
                "donor",
                "line",
                "activity",
            ];
            if source {
                header.push("source");
            }
            w.write_record(&header)?;
            for r in rows {
                let p = precision(&r.commodity);
                let mut rec = vec![
                    r.date.to_string(),
                    spreadsheet_safe(&r.code).into_owned(),
                    spreadsheet_safe(&r.description).into_owned(),
                    spreadsheet_safe(&r.account).into_owned(),
                    spreadsheet_safe(&r.commodity).into_owned(),
                    plain(r.amount, p),
                    plain(r.total, p),
                    spreadsheet_safe(r.donor.as_deref().unwrap_or("")).into_owned(),
                    spreadsheet_safe(r.line.as_deref().unwrap_or("")).into_owned(),
                    spreadsheet_safe(r.activity.as_deref().unwrap_or("")).into_owned(),
                ];
                if source {
                    rec.push(spreadsheet_safe(r.source.as_deref().unwrap_or("")).into_owned());
                }
                w.write_record(&rec)?;
            }
            w.flush()
        }
        Format::Json => {
            let rows: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let p = precision(&r.commodity);
                    let mut v = serde_json::json!({
                        "date": r.date.to_string(),
                        "code": r.code,
                        "description": r.description,
                        "account": r.account,
                        "commodity": r.commodity,
                        "amount": plain(r.amount, p),
                        "total": plain(r.total, p),
                        "donor": r.donor,
                        "line": r.line,
                        "activity": r.activity,
                    });
                    if source && let Value::Object(m) = &mut v {
                        m.insert(
                            "source".into(),
                            r.source.clone().map_or(Value::Null, Value::String),
                        );
                    }
                    v
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
