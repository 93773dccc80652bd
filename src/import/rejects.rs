//! The rejects workbook (`--rejects OUT.xlsx`): the rows that could not be imported, as
//! they were (same sheet name, same header, same columns, dates as dates, numbers as
//! numbers), with two more columns saying why and where they came from (and a third,
//! `Occurrence`, when a rejected row has an identical row above it in the file: which
//! of them it is). Fixed and imported again with the same rules, exactly those rows go
//! in (rows already imported are recognised by their key).
//!
//! Text is always written as text, never as a formula (a description starting with `=`
//! gets Excel's quote prefix, so editing the cell cannot turn it into one).

use std::path::Path;

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::RejectedRow;
use super::header::Header;
use crate::fsio::write_atomically;
use crate::read::sheet::{Value, a1};

/// Header of the reason column.
pub const REASON: &str = "Motif du rejet";
/// Header of the column giving the row's place in the imported file.
pub const ORIGIN: &str = "Origine";
/// Header of the column giving the row's occurrence number among the rows of the
/// imported file with the same date, voucher, amount and line: imported again, the row
/// keeps the import key it has in that file (`import::key`), so that it is not taken
/// for an identical row already imported from it.
pub const OCCURRENCE: &str = "Occurrence";

/// Why the rejects file cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum RejectsError {
    #[error("cannot build the rejects workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Writes `rows` to `path` (atomically).
///
/// # Errors
/// When the workbook cannot be built or written.
pub fn write(
    path: &Path,
    sheet: &str,
    header: Option<&Header>,
    rows: &[RejectedRow],
) -> Result<(), RejectsError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    if ws.set_name(sheet).is_err() {
        ws.set_name("Rejets")?;
    }
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let quoted = Format::new().set_quote_prefix();
    let last_col = header
        .map(|h| h.names.iter().map(|(c, _)| *c).max().unwrap_or(0))
        .into_iter()
        .chain(rows.iter().flat_map(|r| r.row.cells.last().map(|c| c.col)))
        .max()
        .unwrap_or(0);
    let reason_col = u16::try_from(last_col + 1).unwrap_or(u16::MAX - 2);
    if let Some(h) = header {
        for (col, name) in &h.names {
            if let Ok(c) = u16::try_from(*col) {
                ws.write_string_with_format(0, c, name, &bold)?;
            }
        }
    }
    ws.write_string_with_format(0, reason_col, REASON, &bold)?;
    ws.write_string_with_format(0, reason_col + 1, ORIGIN, &bold)?;
    // Only needed when a rejected row has an identical row before it.
    let occurrences = rows.iter().any(|r| r.occurrence.is_some_and(|n| n > 1));
    if occurrences {
        ws.write_string_with_format(0, reason_col + 2, OCCURRENCE, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let out_row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for cell in &r.row.cells {
            let Ok(c) = u16::try_from(cell.col) else {
                continue;
            };
            if c >= reason_col {
                continue;
            }
            match &cell.value {
                Value::Text(t) => write_text(ws, out_row, c, t, &quoted)?,
                Value::Number(f) | Value::OtherTime(f) => {
                    ws.write_number(out_row, c, *f)?;
                }
                #[allow(clippy::cast_precision_loss)]
                Value::Int(n) => {
                    ws.write_number(out_row, c, *n as f64)?;
                }
                Value::Bool(b) => {
                    ws.write_boolean(out_row, c, *b)?;
                }
                Value::Date(d) => {
                    let year = u16::try_from(d.year()).unwrap_or(1900);
                    let month = u8::try_from(d.month()).unwrap_or(1);
                    let day = u8::try_from(d.day()).unwrap_or(1);
                    match ExcelDateTime::from_ymd(year, month, day) {
                        Ok(dt) => {
                            ws.write_datetime_with_format(out_row, c, &dt, &date)?;
                        }
                        Err(_) => write_text(ws, out_row, c, &d.to_string(), &quoted)?,
                    }
                }
                Value::Error(e) => write_text(ws, out_row, c, e, &quoted)?,
                Value::FormulaWithoutValue(f) => {
                    write_text(ws, out_row, c, &format!("={f}"), &quoted)?
                }
            }
        }
        write_text(ws, out_row, reason_col, &r.reasons.join(" ; "), &quoted)?;
        let origin = format!("{sheet}!{}", a1(r.row.index, 0));
        write_text(ws, out_row, reason_col + 1, &origin, &quoted)?;
        if let Some(n) = r.occurrence.filter(|_| occurrences) {
            ws.write_number(out_row, reason_col + 2, f64::from(n))?;
        }
    }
    ws.set_column_width(reason_col, 80)?;
    let bytes = wb.save_to_buffer()?;
    write_atomically(path, &bytes).map_err(|source| RejectsError::Io {
        path: path.display().to_string(),
        source,
    })
}

fn write_text(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    text: &str,
    quoted: &Format,
) -> Result<(), XlsxError> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        ws.write_string_with_format(row, col, text, quoted)?;
    } else {
        ws.write_string(row, col, text)?;
    }
    Ok(())
}
