//! Showing consolidated totals: a terminal table (French or English labels), CSV,
//! JSON, or an XLSX workbook (the totals, then the inputs they come from). Presentation
//! only; the totals are computed in [`super::consolidate`].

use std::io::{self, Write};

use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

use super::consolidate::{By, Total};
use crate::model::money::iso_precision;
use crate::render::amount::{group, plain};
use crate::render::table::{Align, Table};
use crate::render::{Format as OutFormat, Lang, l, spreadsheet_safe};

/// The heading of the key column.
pub fn key_label(by: &By, lang: Lang) -> String {
    match by {
        By::Donor => l(lang, "Bailleur", "Donor").to_string(),
        By::Country => l(lang, "Pays", "Country").to_string(),
        By::Category(s) => format!("{} ({s})", l(lang, "Catégorie", "Category")),
    }
}

/// The machine name of the key column in CSV and JSON.
fn key_name(by: &By) -> &'static str {
    match by {
        By::Donor => "donor",
        By::Country => "country",
        By::Category(_) => "category",
    }
}

/// An account class as people read it.
pub fn class_label(class: Option<&str>, lang: Lang) -> &'static str {
    match class {
        Some("asset") => l(lang, "Actif", "Assets"),
        Some("liability") => l(lang, "Passif", "Liabilities"),
        Some("equity") => l(lang, "Fonds propres", "Equity"),
        Some("income") => l(lang, "Produits", "Income"),
        Some("expense") => l(lang, "Charges", "Expenses"),
        _ => l(lang, "(non classé)", "(unclassified)"),
    }
}

fn none(lang: Lang) -> &'static str {
    l(lang, "(aucun)", "(none)")
}

/// Writes the totals as a table, CSV or JSON.
///
/// # Errors
/// When `out` fails.
pub fn totals(
    rows: &[Total],
    by: &By,
    projects: usize,
    format: OutFormat,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutFormat::Table => {
            let mut t = Table::new(&[
                (&key_label(by, lang), Align::Left),
                (l(lang, "Classe", "Class"), Align::Left),
                (l(lang, "Montant", "Amount"), Align::Right),
                (l(lang, "Écritures", "Postings"), Align::Right),
                (l(lang, "Projets", "Projects"), Align::Right),
            ]);
            let mut previous: Option<&Option<String>> = None;
            for r in rows {
                let same = previous == Some(&r.key);
                t.push(vec![
                    if same {
                        String::new()
                    } else {
                        r.key.clone().unwrap_or_else(|| none(lang).to_string())
                    },
                    class_label(r.account_type.as_deref(), lang).to_string(),
                    format!(
                        "{} {}",
                        group(r.amount, iso_precision(&r.commodity)),
                        r.commodity
                    ),
                    r.postings.to_string(),
                    r.projects.to_string(),
                ]);
                previous = Some(&r.key);
            }
            out.write_all(t.to_text().as_bytes())?;
            writeln!(
                out,
                "{} {projects}",
                l(lang, "Projets consolidés :", "Projects consolidated:")
            )
        }
        OutFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                key_name(by),
                "account_type",
                "commodity",
                "amount",
                "postings",
                "projects",
            ])?;
            for r in rows {
                w.write_record([
                    spreadsheet_safe(r.key.as_deref().unwrap_or("")).into_owned(),
                    r.account_type.clone().unwrap_or_default(),
                    spreadsheet_safe(&r.commodity).into_owned(),
                    amount_text(r),
                    r.postings.to_string(),
                    r.projects.to_string(),
                ])?;
            }
            w.flush()
        }
        OutFormat::Json => {
            let rows: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut m = serde_json::Map::new();
                    m.insert(
                        key_name(by).to_string(),
                        r.key
                            .as_deref()
                            .map(|k| spreadsheet_safe(k).into_owned())
                            .into(),
                    );
                    m.insert("account_type".into(), r.account_type.clone().into());
                    m.insert(
                        "commodity".into(),
                        spreadsheet_safe(&r.commodity).into_owned().into(),
                    );
                    m.insert("amount".into(), amount_text(r).into());
                    m.insert("postings".into(), r.postings.into());
                    m.insert("projects".into(), r.projects.into());
                    serde_json::Value::Object(m)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
    }
}

fn amount_text(r: &Total) -> String {
    plain(r.amount, iso_precision(&r.commodity))
}

/// What the workbook says about its run.
#[derive(Debug, Clone)]
pub struct WorkbookInfo {
    pub generated: String,
    pub command: String,
    /// Each input: the ledger directory or Parquet file, and its project when known.
    pub inputs: Vec<(String, String)>,
}

/// The totals as an XLSX workbook: sheet 1 the totals, sheet 2 the inputs. Amounts
/// are Excel numbers (rust_xlsxwriter writes a Decimal as a double: exact to 2^53,
/// far beyond any total in francs or cents); CSV and JSON carry the exact text.
///
/// # Errors
/// A workbook failure.
pub fn workbook(
    rows: &[Total],
    by: &By,
    info: &WorkbookInfo,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let cell = || Format::new().set_border(FormatBorder::Thin);
    let head = cell().set_bold().set_background_color("D9E1F2");
    let text = cell();
    let quoted = cell().set_quote_prefix();
    let int = cell().set_num_format("#,##0");
    let ws = wb.add_worksheet();
    ws.set_name(l(lang, "Consolidation", "Consolidation"))?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{} — {}",
            l(lang, "Consolidation des projets", "Consolidated projects"),
            key_label(by, lang)
        ),
        &title,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "{} {} · {} {}",
            l(lang, "Généré le", "Generated"),
            info.generated,
            info.inputs.len(),
            l(lang, "sources", "inputs")
        ),
    )?;
    let headers = [
        key_label(by, lang),
        l(lang, "Classe", "Class").to_string(),
        l(lang, "Devise", "Commodity").to_string(),
        l(lang, "Montant", "Amount").to_string(),
        l(lang, "Écritures", "Postings").to_string(),
        l(lang, "Projets", "Projects").to_string(),
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, h, &head)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 4 + i as u32;
        let money = cell().set_num_format(match iso_precision(&r.commodity) {
            Some(0) => "#,##0",
            _ => "#,##0.00",
        });
        let key = r.key.as_deref().unwrap_or(none(lang));
        let key_format = if spreadsheet_safe(key) == key {
            &text
        } else {
            &quoted
        };
        ws.write_string_with_format(row, 0, key, key_format)?;
        ws.write_string_with_format(row, 1, class_label(r.account_type.as_deref(), lang), &text)?;
        ws.write_string_with_format(row, 2, &r.commodity, &text)?;
        ws.write_with_format(row, 3, r.amount, &money)?;
        ws.write_number_with_format(row, 4, r.postings as f64, &int)?;
        ws.write_number_with_format(row, 5, r.projects as f64, &int)?;
    }
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 16)?;
    ws.set_column_width(3, 20)?;
    ws.set_column_width(4, 12)?;
    ws.set_column_width(5, 10)?;
    ws.set_freeze_panes(4, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(3, 3)?;
    ws.autofilter(3, 0, 3 + rows.len() as u32, 5)?;

    let ws = wb.add_worksheet();
    ws.set_name(l(lang, "Sources", "Inputs"))?;
    ws.write_string_with_format(0, 0, l(lang, "Source", "Input"), &head)?;
    ws.write_string_with_format(0, 1, l(lang, "Projet", "Project"), &head)?;
    for (i, (path, project)) in info.inputs.iter().enumerate() {
        ws.write_string_with_format(1 + i as u32, 0, path, &text)?;
        ws.write_string_with_format(1 + i as u32, 1, project, &text)?;
    }
    let n = info.inputs.len() as u32;
    ws.write_string(n + 2, 0, l(lang, "Commande :", "Command:"))?;
    ws.write_string(n + 2, 1, &info.command)?;
    ws.set_column_width(0, 60)?;
    ws.set_column_width(1, 24)?;
    wb.save_to_buffer()
}
