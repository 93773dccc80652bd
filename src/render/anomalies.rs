//! The anomaly report of `check --audit` as a terminal table, JSON, or an XLSX
//! workbook (the findings, and a summary counting them per kind with formulas).

use std::io::{self, Write};

use rust_xlsxwriter::{DocProperties, Workbook, XlsxError};
use serde_json::json;

use super::amount::{group, plain};
use super::sheet::{Heading, Styles, excel_date, formula, headers, heading, l, print_setup, text};
use super::table::{Align, Table};
use super::{Lang, labels};
use crate::audit::anomalies::{AuditReport, Kind};
use crate::cli::CheckFormat;

/// One line saying how many findings of each kind, or that there are none.
pub fn summary(r: &AuditReport, lang: Lang) -> String {
    if r.anomalies.is_empty() {
        return l(lang, "aucune anomalie", "no anomaly").to_string();
    }
    let counts = r.counts();
    let parts: Vec<String> = counts
        .iter()
        .map(|(k, n)| format!("{} {n}", k.code()))
        .collect();
    match lang {
        Lang::Fr => format!("{} anomalie(s) : {}", r.findings, parts.join(", ")),
        Lang::En => format!(
            "{} anomal{}: {}",
            r.findings,
            if r.findings == 1 { "y" } else { "ies" },
            parts.join(", ")
        ),
    }
}

/// Writes the report.
///
/// # Errors
/// When `out` fails.
pub fn report(
    r: &AuditReport,
    format: CheckFormat,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let p = Some(r.precision);
    match format {
        CheckFormat::Text => {
            if !r.anomalies.is_empty() {
                let mut table = Table::new(&[
                    ("#", Align::Right),
                    (l(lang, "Anomalie", "Anomaly"), Align::Left),
                    (labels::DATE.get(lang), Align::Left),
                    (labels::VOUCHER.get(lang), Align::Left),
                    (labels::DONOR.get(lang), Align::Left),
                    (labels::AMOUNT.get(lang), Align::Right),
                    (l(lang, "Écriture", "Place"), Align::Left),
                    (labels::SOURCE.get(lang), Align::Left),
                    (l(lang, "Détail", "Detail"), Align::Left),
                ]);
                let mut previous = 0;
                for a in &r.anomalies {
                    let first = a.finding != previous;
                    previous = a.finding;
                    table.push(vec![
                        if first {
                            a.finding.to_string()
                        } else {
                            String::new()
                        },
                        if first {
                            a.kind.code().to_string()
                        } else {
                            String::new()
                        },
                        a.date.map(|d| d.to_string()).unwrap_or_default(),
                        a.voucher.clone(),
                        a.donors.clone(),
                        a.amount.map(|v| group(v, p)).unwrap_or_default(),
                        a.place.clone(),
                        a.source.clone().unwrap_or_default(),
                        if first {
                            a.detail(lang).to_string()
                        } else {
                            String::new()
                        },
                    ]);
                }
                out.write_all(table.to_text().as_bytes())?;
            }
            for (fr, en) in &r.skipped {
                writeln!(
                    out,
                    "· {}",
                    match lang {
                        Lang::Fr => fr,
                        Lang::En => en,
                    }
                )?;
            }
            writeln!(out, "check --audit: {}", summary(r, lang))
        }
        CheckFormat::Json => {
            let doc = json!({
                "findings": r.findings,
                "counts": r.counts().iter().map(|(k, n)| (k.code().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
                "skipped": r.skipped.iter().map(|(fr, en)| match lang { Lang::Fr => fr, Lang::En => en }).collect::<Vec<_>>(),
                "anomalies": r.anomalies.iter().map(|a| json!({
                    "finding": a.finding,
                    "kind": a.kind.code(),
                    "date": a.date.map(|d| d.to_string()),
                    "voucher": a.voucher,
                    "description": a.description,
                    "donors": a.donors,
                    "amount": a.amount.map(|v| plain(v, p)),
                    "place": a.place,
                    "source": a.source,
                    "detail": a.detail(lang),
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    }
}

/// The workbook: the findings (filterable), and a summary per kind whose counts are
/// formulas over the findings sheet.
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn workbook(r: &AuditReport, h: &Heading, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let s = Styles::new();
    let title = l(lang, "Anomalies relevées pour l'audit", "Audit anomalies");
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_subject(&h.books)
            .set_author("fundledger"),
    );
    let list = l(lang, "Anomalies", "Anomalies");
    let money = s.money(r.precision, false);
    let (first, last);
    {
        let ws = wb.add_worksheet();
        ws.set_name(list)?;
        let names: Vec<String> = [
            "#",
            l(lang, "Type", "Kind"),
            l(lang, "Anomalie", "Anomaly"),
            labels::DATE.get(lang),
            labels::VOUCHER.get(lang),
            labels::DESCRIPTION.get(lang),
            labels::DONOR.get(lang),
            labels::AMOUNT.get(lang),
            l(lang, "Écriture", "Place"),
            labels::SOURCE.get(lang),
            l(lang, "Détail", "Detail"),
        ]
        .iter()
        .map(|x| (*x).to_string())
        .collect();
        headers(
            ws,
            0,
            &names,
            &[
                5.0, 20.0, 34.0, 11.0, 16.0, 40.0, 12.0, 15.0, 20.0, 40.0, 70.0,
            ],
            &s,
        )?;
        let mut row = 1u32;
        for a in &r.anomalies {
            ws.write_number_with_format(row, 0, a.finding as f64, &s.text)?;
            text(ws, row, 1, a.kind.code(), &s)?;
            text(ws, row, 2, a.kind.label(lang), &s)?;
            match a.date {
                Some(d) => {
                    ws.write_datetime_with_format(row, 3, excel_date(d)?, &s.date)?;
                }
                None => text(ws, row, 3, "", &s)?,
            }
            text(ws, row, 4, &a.voucher, &s)?;
            text(ws, row, 5, &a.description, &s)?;
            text(ws, row, 6, &a.donors, &s)?;
            match a.amount {
                Some(v) => {
                    ws.write_with_format(row, 7, v, money)?;
                }
                None => text(ws, row, 7, "", &s)?,
            }
            text(ws, row, 8, &a.place, &s)?;
            text(ws, row, 9, a.source.as_deref().unwrap_or(""), &s)?;
            text(ws, row, 10, a.detail(lang), &s)?;
            row += 1;
        }
        first = 1;
        last = row.saturating_sub(1).max(1);
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, last, 10)?;
        print_setup(ws, 0, title)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(l(lang, "Synthèse", "Summary"))?;
        let mut row = heading(ws, title, h, lang, &s)?;
        let names: Vec<String> = [
            l(lang, "Type", "Kind"),
            l(lang, "Anomalie", "Anomaly"),
            l(lang, "Lignes", "Rows"),
        ]
        .iter()
        .map(|x| (*x).to_string())
        .collect();
        let head = row;
        headers(ws, head, &names, &[22.0, 50.0, 10.0], &s)?;
        row += 1;
        let counts_rows = Kind::ALL
            .iter()
            .map(|k| r.anomalies.iter().filter(|a| a.kind == *k).count());
        for (k, n) in Kind::ALL.iter().zip(counts_rows) {
            text(ws, row, 0, k.code(), &s)?;
            text(ws, row, 1, k.label(lang), &s)?;
            let expr = format!(
                "=COUNTIF('{list}'!$B${}:$B${},{})",
                first + 1,
                last + 1,
                super::sheet::cell(row, 0)
            );
            formula(ws, row, 2, &expr, rust_decimal::Decimal::from(n), &s.text)?;
            row += 1;
        }
        row += 1;
        for (fr, en) in &r.skipped {
            ws.write_string(
                row,
                0,
                match lang {
                    Lang::Fr => fr.as_str(),
                    Lang::En => en.as_str(),
                },
            )?;
            row += 1;
        }
        print_setup(ws, head, title)?;
    }
    wb.save_to_buffer()
}
