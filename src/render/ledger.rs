//! The trial balance and the general ledger as a terminal table, CSV or JSON (the
//! XLSX workbooks are in `ledger_xlsx.rs`). Amounts are exact decimal strings in CSV
//! and JSON; text is spreadsheet-safe in CSV.

use std::io::{self, Write};

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::amount::{group, plain};
use super::labels;
use super::output::PrecisionOf;
use super::table::{Align, Table};
use super::{Format, Lang, l, spreadsheet_safe};
use crate::report::ledger::{Fund, GeneralLedger, Sums, TrialBalance, TrialTotal};

/// The name shown for a fund (`(aucun)` for postings without one).
pub fn fund_name(fund: &Fund, lang: Lang) -> String {
    fund.clone()
        .unwrap_or_else(|| labels::NONE.get(lang).to_string())
}

/// The six amount columns' labels.
pub fn sum_labels(lang: Lang) -> [&'static str; 6] {
    [
        l(lang, "Ouverture débit", "Opening debit"),
        l(lang, "Ouverture crédit", "Opening credit"),
        l(lang, "Mouvements débit", "Debit"),
        l(lang, "Mouvements crédit", "Credit"),
        l(lang, "Clôture débit", "Closing debit"),
        l(lang, "Clôture crédit", "Closing credit"),
    ]
}

/// The six amounts of `s`, in column order.
pub fn sum_values(s: &Sums) -> [Decimal; 6] {
    [
        s.opening_debit,
        s.opening_credit,
        s.debit,
        s.credit,
        s.closing_debit,
        s.closing_credit,
    ]
}

fn sums_json(s: &Sums, p: Option<u32>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("opening".into(), Value::String(plain(s.opening(), p)));
    m.insert("debit".into(), Value::String(plain(s.debit, p)));
    m.insert("credit".into(), Value::String(plain(s.credit, p)));
    m.insert("closing".into(), Value::String(plain(s.closing(), p)));
    for (k, v) in [
        ("opening_debit", s.opening_debit),
        ("opening_credit", s.opening_credit),
        ("closing_debit", s.closing_debit),
        ("closing_credit", s.closing_credit),
    ] {
        m.insert(k.into(), Value::String(plain(v, p)));
    }
    m
}

fn fund_json(fund: &Option<Fund>) -> Option<Value> {
    fund.as_ref()
        .map(|f| f.clone().map_or(Value::Null, Value::String))
}

/// Writes the trial balance.
///
/// # Errors
/// When `out` fails.
pub fn trial_balance(
    tb: &TrialBalance,
    format: Format,
    lang: Lang,
    precision: PrecisionOf<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let several = tb
        .rows
        .iter()
        .any(|r| tb.rows.first().is_some_and(|f| f.commodity != r.commodity));
    match format {
        Format::Table => {
            let mut columns: Vec<(&str, Align)> = Vec::new();
            if tb.by_donor {
                columns.push((labels::DONOR.get(lang), Align::Left));
            }
            columns.push((labels::ACCOUNT.get(lang), Align::Left));
            if several {
                columns.push((l(lang, "Devise", "Commodity"), Align::Left));
            }
            for h in sum_labels(lang) {
                columns.push((h, Align::Right));
            }
            let mut table = Table::new(&columns);
            let amounts = |s: &Sums, commodity: &str| -> Vec<String> {
                sum_values(s)
                    .iter()
                    .map(|v| {
                        if v.is_zero() {
                            String::new()
                        } else {
                            group(*v, precision(commodity))
                        }
                    })
                    .collect()
            };
            let total_row = |t: &TrialTotal, label: String| -> Vec<String> {
                let mut cells = Vec::new();
                if tb.by_donor {
                    cells.push(String::new());
                }
                cells.push(label);
                if several {
                    cells.push(t.commodity.clone());
                }
                cells.extend(
                    sum_values(&t.sums)
                        .iter()
                        .map(|v| group(*v, precision(&t.commodity))),
                );
                cells
            };
            let mut previous: Option<&Option<Fund>> = None;
            for (i, r) in tb.rows.iter().enumerate() {
                let mut cells = Vec::new();
                if tb.by_donor {
                    cells.push(if previous == Some(&r.fund) {
                        String::new()
                    } else {
                        r.fund
                            .as_ref()
                            .map_or_else(String::new, |f| fund_name(f, lang))
                    });
                }
                cells.push(r.account.clone());
                if several {
                    cells.push(r.commodity.clone());
                }
                cells.extend(amounts(&r.sums, &r.commodity));
                table.push(cells);
                previous = Some(&r.fund);
                let last_of_fund = tb.rows.get(i + 1).is_none_or(|n| n.fund != r.fund);
                if tb.by_donor && last_of_fund {
                    for t in tb.fund_totals.iter().filter(|t| t.fund == r.fund) {
                        let name = t
                            .fund
                            .as_ref()
                            .map_or_else(String::new, |f| fund_name(f, lang));
                        table.push(total_row(t, format!("{} {name}", labels::TOTAL.get(lang))));
                    }
                }
            }
            for t in &tb.totals {
                table.push(total_row(t, labels::TOTAL.get(lang).to_string()));
            }
            out.write_all(table.to_text().as_bytes())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header: Vec<&str> = Vec::new();
            if tb.by_donor {
                header.push("donor");
            }
            header.extend([
                "account",
                "commodity",
                "opening_debit",
                "opening_credit",
                "debit",
                "credit",
                "closing_debit",
                "closing_credit",
            ]);
            w.write_record(&header)?;
            for r in &tb.rows {
                let p = precision(&r.commodity);
                let mut rec: Vec<String> = Vec::new();
                if let Some(f) = &r.fund {
                    rec.push(spreadsheet_safe(f.as_deref().unwrap_or("")).into_owned());
                }
                rec.push(spreadsheet_safe(&r.account).into_owned());
                rec.push(spreadsheet_safe(&r.commodity).into_owned());
                rec.extend(sum_values(&r.sums).iter().map(|v| plain(*v, p)));
                w.write_record(&rec)?;
            }
            w.flush()
        }
        Format::Json => {
            let row = |fund: &Option<Fund>, account: Option<&str>, commodity: &str, s: &Sums| {
                let mut m = Map::new();
                if let Some(f) = fund_json(fund) {
                    m.insert("donor".into(), f);
                }
                if let Some(a) = account {
                    m.insert("account".into(), Value::String(a.to_string()));
                }
                m.insert("commodity".into(), Value::String(commodity.to_string()));
                m.extend(sums_json(s, precision(commodity)));
                Value::Object(m)
            };
            let doc = json!({
                "from": tb.from.map(|d| d.to_string()),
                "to": tb.to.map(|d| d.to_string()),
                "rows": tb.rows.iter().map(|r| row(&r.fund, Some(&r.account), &r.commodity, &r.sums)).collect::<Vec<_>>(),
                "fund_totals": tb.fund_totals.iter().map(|t| row(&t.fund, None, &t.commodity, &t.sums)).collect::<Vec<_>>(),
                "totals": tb.totals.iter().map(|t| row(&None, None, &t.commodity, &t.sums)).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    }
}

fn opt(s: Option<&str>) -> String {
    s.unwrap_or("").to_string()
}

/// The title of an account's block: `account` or `account — DONOR`.
pub fn account_title(account: &str, fund: &Option<Fund>, lang: Lang) -> String {
    match fund {
        Some(f) => format!("{account} — {}", fund_name(f, lang)),
        None => account.to_string(),
    }
}

/// Writes the general ledger.
///
/// # Errors
/// When `out` fails.
pub fn general_ledger(
    gl: &GeneralLedger<'_>,
    format: Format,
    lang: Lang,
    precision: PrecisionOf<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => {
            let mut table = Table::new(&[
                (labels::DATE.get(lang), Align::Left),
                (labels::VOUCHER.get(lang), Align::Left),
                (labels::DESCRIPTION.get(lang), Align::Left),
                (l(lang, "Débit", "Debit"), Align::Right),
                (l(lang, "Crédit", "Credit"), Align::Right),
                (l(lang, "Solde", "Balance"), Align::Right),
                (labels::DONOR.get(lang), Align::Left),
                (l(lang, "Ligne", "Line"), Align::Left),
                (labels::ACTIVITY.get(lang), Align::Left),
                (l(lang, "Source", "Source"), Align::Left),
            ]);
            let blank = || vec![String::new(); 10];
            for (i, a) in gl.accounts.iter().enumerate() {
                let p = precision(&a.commodity);
                let money = |v: Decimal| {
                    if v.is_zero() {
                        String::new()
                    } else {
                        group(v, p)
                    }
                };
                if i > 0 {
                    table.push(blank());
                }
                let mut head = blank();
                head[2] = format!(
                    "{} ({})",
                    account_title(&a.account, &a.fund, lang),
                    a.commodity
                );
                table.push(head);
                let mut opening = blank();
                opening[2] = l(lang, "Solde d'ouverture", "Opening balance").to_string();
                opening[5] = group(a.opening, p);
                table.push(opening);
                for e in &a.entries {
                    table.push(vec![
                        e.date.to_string(),
                        e.voucher.to_string(),
                        truncate(e.description, 44),
                        money(e.debit),
                        money(e.credit),
                        group(e.balance, p),
                        opt(e.donor),
                        opt(e.line),
                        opt(e.activity),
                        e.source.clone(),
                    ]);
                }
                let mut closing = blank();
                closing[2] = l(
                    lang,
                    "Total et solde de clôture",
                    "Totals and closing balance",
                )
                .to_string();
                closing[3] = group(a.debit, p);
                closing[4] = group(a.credit, p);
                closing[5] = group(a.closing, p);
                table.push(closing);
            }
            out.write_all(table.to_text().as_bytes())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header: Vec<&str> = Vec::new();
            if gl.by_donor {
                header.push("fund");
            }
            header.extend([
                "account",
                "commodity",
                "row",
                "date",
                "voucher",
                "description",
                "debit",
                "credit",
                "balance",
                "donor",
                "line",
                "activity",
                "source",
            ]);
            w.write_record(&header)?;
            for a in &gl.accounts {
                let p = precision(&a.commodity);
                let start = |kind: &str| -> Vec<String> {
                    let mut rec = Vec::new();
                    if let Some(f) = &a.fund {
                        rec.push(spreadsheet_safe(f.as_deref().unwrap_or("")).into_owned());
                    }
                    rec.push(spreadsheet_safe(&a.account).into_owned());
                    rec.push(spreadsheet_safe(&a.commodity).into_owned());
                    rec.push(kind.to_string());
                    rec
                };
                let mut rec = start("opening");
                rec.extend([
                    gl.from.map(|d| d.to_string()).unwrap_or_default(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    plain(a.opening, p),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                w.write_record(&rec)?;
                for e in &a.entries {
                    let mut rec = start("posting");
                    rec.extend([
                        e.date.to_string(),
                        spreadsheet_safe(e.voucher).into_owned(),
                        spreadsheet_safe(e.description).into_owned(),
                        plain(e.debit, p),
                        plain(e.credit, p),
                        plain(e.balance, p),
                        spreadsheet_safe(e.donor.unwrap_or("")).into_owned(),
                        spreadsheet_safe(e.line.unwrap_or("")).into_owned(),
                        spreadsheet_safe(e.activity.unwrap_or("")).into_owned(),
                        spreadsheet_safe(&e.source).into_owned(),
                    ]);
                    w.write_record(&rec)?;
                }
                let mut rec = start("closing");
                rec.extend([
                    gl.to.map(|d| d.to_string()).unwrap_or_default(),
                    String::new(),
                    String::new(),
                    plain(a.debit, p),
                    plain(a.credit, p),
                    plain(a.closing, p),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                w.write_record(&rec)?;
            }
            w.flush()
        }
        Format::Json => {
            let accounts: Vec<Value> = gl
                .accounts
                .iter()
                .map(|a| {
                    let p = precision(&a.commodity);
                    let mut m = Map::new();
                    if let Some(f) = fund_json(&a.fund) {
                        m.insert("donor".into(), f);
                    }
                    m.insert("account".into(), Value::String(a.account.clone()));
                    m.insert("commodity".into(), Value::String(a.commodity.clone()));
                    m.insert("opening".into(), Value::String(plain(a.opening, p)));
                    m.insert("debit".into(), Value::String(plain(a.debit, p)));
                    m.insert("credit".into(), Value::String(plain(a.credit, p)));
                    m.insert("closing".into(), Value::String(plain(a.closing, p)));
                    let entries: Vec<Value> = a
                        .entries
                        .iter()
                        .map(|e| {
                            json!({
                                "date": e.date.to_string(),
                                "voucher": e.voucher,
                                "description": e.description,
                                "debit": plain(e.debit, p),
                                "credit": plain(e.credit, p),
                                "balance": plain(e.balance, p),
                                "donor": e.donor,
                                "line": e.line,
                                "activity": e.activity,
                                "source": e.source,
                            })
                        })
                        .collect();
                    m.insert("entries".into(), Value::Array(entries));
                    Value::Object(m)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &accounts)?;
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
