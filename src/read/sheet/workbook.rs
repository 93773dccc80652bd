//! Workbooks through calamine: XLSX/XLSM and XLSB streamed cell by cell, XLS and ODS
//! read as a range (calamine has no streaming reader for them; both formats cap their
//! own size: XLS at 65,536 × 256 cells, ODS through calamine's row, column and cell
//! caps).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{
    Data, DataRef, Ods, OdsError, Reader, Sheet, SheetType, SheetVisible, Xls, XlsError, Xlsb,
    XlsbError, Xlsx, XlsxError, XlsxFormulaMetadata,
};

use super::date::{from_excel_serial, from_iso};
use super::guard::guarded;
use super::{Cell, FileKind, Limits, Region, Row, RowVisitor, SheetError, SheetSummary, Value};

type Buffered = BufReader<File>;

pub(super) fn read(
    path: &Path,
    kind: FileKind,
    sheet: Option<&str>,
    limits: &Limits,
    visitor: &mut dyn RowVisitor,
) -> Result<SheetSummary, SheetError> {
    guarded(|| read_kind(path, kind, sheet, limits, visitor)).unwrap_or_else(|why| {
        Err(SheetError::Damaged {
            path: path.display().to_string(),
            why: format!("the spreadsheet reader failed on it ({why})"),
        })
    })
}

fn read_kind(
    path: &Path,
    kind: FileKind,
    sheet: Option<&str>,
    limits: &Limits,
    visitor: &mut dyn RowVisitor,
) -> Result<SheetSummary, SheetError> {
    match kind {
        FileKind::Xlsx => read_xlsx(path, sheet, limits, visitor),
        FileKind::Xlsb => read_xlsb(path, sheet, limits, visitor),
        FileKind::Xls => {
            let mut wb: Xls<Buffered> =
                calamine::open_workbook(path).map_err(|e| xls_error(path, e))?;
            let name = choose_sheet(path, wb.sheets_metadata(), sheet)?;
            let is_1904 = wb.has_1904_epoch();
            let merged: Vec<Region> = wb
                .merge_cells_by_sheet_name(&name)
                .map_err(|e| xls_error(path, e))?
                .into_iter()
                .map(region)
                .collect();
            let range = wb.worksheet_range(&name).map_err(|e| xls_error(path, e))?;
            read_range(&name, &range, is_1904, &merged, limits, visitor)?;
            Ok(SheetSummary { name })
        }
        FileKind::Ods => {
            let mut wb: Ods<Buffered> =
                calamine::open_workbook(path).map_err(|e| ods_error(path, e))?;
            let name = choose_sheet(path, wb.sheets_metadata(), sheet)?;
            let range = wb.worksheet_range(&name).map_err(|e| ods_error(path, e))?;
            read_range(&name, &range, false, &[], limits, visitor)?;
            Ok(SheetSummary { name })
        }
        FileKind::Csv => Err(SheetError::UnsupportedType(path.display().to_string())),
    }
}

fn read_xlsx(
    path: &Path,
    sheet: Option<&str>,
    limits: &Limits,
    visitor: &mut dyn RowVisitor,
) -> Result<SheetSummary, SheetError> {
    let mut wb: Xlsx<Buffered> = calamine::open_workbook(path).map_err(|e| xlsx_error(path, e))?;
    let name = choose_sheet(path, wb.sheets_metadata(), sheet)?;
    let is_1904 = wb.has_1904_epoch();
    // Merged regions are listed after the cells in the sheet's XML: one more pass over
    // it, before the cells, so each row can be checked as it streams by. A byte scan
    // of the unpacked XML costs a third of calamine's parse of it.
    let scanned = {
        let _t = crate::timing::stage("merged cells");
        super::merged::scan_xlsx(path, &name)
    };
    let merged = match scanned {
        Some(found) => found,
        None => wb
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| xlsx_error(path, e))?
            .into_iter()
            .map(region)
            .collect(),
    };
    {
        let mut cells = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| xlsx_error(path, e))?;
        let dims = cells.dimensions();
        visitor.start(&name, claimed_rows(dims), is_1904, &merged);
        let mut rows = RowBuilder::new(limits, path);
        while let Some(record) = cells
            .next_cell_with_formula_metadata()
            .map_err(|e| xlsx_error(path, e))?
        {
            let (row, col) = record.pos;
            let value = match record.value {
                DataRef::Empty => record
                    .formula
                    .map(|f| Value::FormulaWithoutValue(formula_text(f))),
                v => from_data_ref(v, is_1904),
            };
            if !rows.push(row, col, value, visitor)? {
                break;
            }
        }
        rows.finish(visitor);
    }
    Ok(SheetSummary { name })
}

fn read_xlsb(
    path: &Path,
    sheet: Option<&str>,
    limits: &Limits,
    visitor: &mut dyn RowVisitor,
) -> Result<SheetSummary, SheetError> {
    let mut wb: Xlsb<Buffered> = calamine::open_workbook(path).map_err(|e| xlsb_error(path, e))?;
    let name = choose_sheet(path, wb.sheets_metadata(), sheet)?;
    let is_1904 = wb.has_1904_epoch();
    let mut cells = wb
        .worksheet_cells_reader(&name)
        .map_err(|e| xlsb_error(path, e))?;
    visitor.start(&name, claimed_rows(cells.dimensions()), is_1904, &[]);
    let mut rows = RowBuilder::new(limits, path);
    while let Some(cell) = cells.next_cell().map_err(|e| xlsb_error(path, e))? {
        let (row, col) = cell.get_position();
        let value = from_data_ref(cell.get_value().clone(), is_1904);
        if !rows.push(row, col, value, visitor)? {
            break;
        }
    }
    rows.finish(visitor);
    Ok(SheetSummary { name })
}

fn read_range(
    name: &str,
    range: &calamine::Range<Data>,
    is_1904: bool,
    merged: &[Region],
    limits: &Limits,
    visitor: &mut dyn RowVisitor,
) -> Result<(), SheetError> {
    let Some((top, left)) = range.start() else {
        visitor.start(name, Some(0), is_1904, merged);
        return Ok(());
    };
    visitor.start(
        name,
        range.end().map(|(r, _)| r.saturating_add(1)),
        is_1904,
        merged,
    );
    for (i, cells) in range.rows().enumerate() {
        let index = top.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        if index >= limits.max_rows {
            return Err(SheetError::TooLarge {
                path: name.to_string(),
                why: format!("more than {} rows", limits.max_rows),
            });
        }
        let mut row = Row {
            index,
            cells: Vec::new(),
        };
        for (j, data) in cells.iter().enumerate() {
            let col = left.saturating_add(u32::try_from(j).unwrap_or(u32::MAX));
            if col >= limits.max_columns {
                break;
            }
            if let Some(value) = from_data(data, is_1904) {
                row.cells.push(Cell { col, value });
            }
        }
        if !row.cells.is_empty() && !visitor.row(row) {
            break;
        }
    }
    Ok(())
}

/// Groups a stream of cells into rows.
struct RowBuilder<'p> {
    current: Row,
    max_rows: u32,
    max_columns: u32,
    path: &'p Path,
}

impl<'p> RowBuilder<'p> {
    fn new(limits: &Limits, path: &'p Path) -> Self {
        RowBuilder {
            current: Row::default(),
            max_rows: limits.max_rows,
            max_columns: limits.max_columns,
            path,
        }
    }

    /// Adds a cell; hands the previous row to `visitor` when this one starts a new row.
    /// Returns false when the visitor asked to stop.
    fn push(
        &mut self,
        row: u32,
        col: u32,
        value: Option<Value>,
        visitor: &mut dyn RowVisitor,
    ) -> Result<bool, SheetError> {
        if row >= self.max_rows {
            return Err(SheetError::TooLarge {
                path: self.path.display().to_string(),
                why: format!("a cell beyond row {}", self.max_rows),
            });
        }
        if row != self.current.index && !self.flush(visitor) {
            return Ok(false);
        }
        self.current.index = row;
        if col < self.max_columns
            && let Some(value) = value
            && !value.is_blank()
        {
            self.current.cells.push(Cell { col, value });
        }
        Ok(true)
    }

    fn flush(&mut self, visitor: &mut dyn RowVisitor) -> bool {
        if self.current.cells.is_empty() {
            return true;
        }
        let mut row = std::mem::take(&mut self.current);
        if !row.cells.windows(2).all(|w| w[0].col < w[1].col) {
            row.cells.sort_by_key(|c| c.col);
            row.cells.dedup_by_key(|c| c.col);
        }
        visitor.row(row)
    }

    fn finish(mut self, visitor: &mut dyn RowVisitor) {
        self.flush(visitor);
    }
}

fn from_data_ref(value: DataRef<'_>, is_1904: bool) -> Option<Value> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::Int(i) => Value::Int(i),
        DataRef::Float(f) => Value::Number(f),
        DataRef::String(s) => Value::Text(s),
        DataRef::SharedString(s) => Value::Text(s.to_string()),
        DataRef::Bool(b) => Value::Bool(b),
        DataRef::DateTime(dt) => date_value(dt.as_f64(), dt.is_datetime(), is_1904),
        DataRef::DateTimeIso(s) => from_iso(&s).map_or(Value::Text(s), Value::Date),
        DataRef::DurationIso(s) => Value::Text(s),
        DataRef::Error(e) => Value::Error(e.to_string()),
    })
}

fn from_data(value: &Data, is_1904: bool) -> Option<Value> {
    Some(match value {
        Data::Empty => return None,
        Data::Int(i) => Value::Int(*i),
        Data::Float(f) => Value::Number(*f),
        Data::String(s) => Value::Text(s.clone()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => date_value(dt.as_f64(), dt.is_datetime(), is_1904),
        Data::DateTimeIso(s) => from_iso(s).map_or_else(|| Value::Text(s.clone()), Value::Date),
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
    })
}

fn date_value(serial: f64, is_datetime: bool, is_1904: bool) -> Value {
    if !is_datetime {
        return Value::OtherTime(serial);
    }
    from_excel_serial(serial, is_1904).map_or(Value::OtherTime(serial), Value::Date)
}

fn formula_text(f: XlsxFormulaMetadata) -> String {
    match f {
        XlsxFormulaMetadata::Normal { formula } | XlsxFormulaMetadata::Shared { formula, .. } => {
            formula
        }
        _ => String::new(),
    }
}

fn claimed_rows(dims: calamine::Dimensions) -> Option<u32> {
    (dims.start.0 <= dims.end.0 && dims.end != (0, 0)).then(|| dims.end.0.saturating_add(1))
}

fn region(d: calamine::Dimensions) -> Region {
    Region {
        first_row: d.start.0,
        first_col: d.start.1,
        last_row: d.end.0,
        last_col: d.end.1,
    }
}

/// The sheet asked for, else the first visible worksheet.
fn choose_sheet(path: &Path, sheets: &[Sheet], wanted: Option<&str>) -> Result<String, SheetError> {
    if let Some(name) = wanted {
        if let Some(s) = sheets.iter().find(|s| s.name == name) {
            return Ok(s.name.clone());
        }
        let folded = super::fold::fold(name);
        let close: Vec<&Sheet> = sheets
            .iter()
            .filter(|s| super::fold::fold(&s.name) == folded)
            .collect();
        if let [one] = close.as_slice() {
            return Ok(one.name.clone());
        }
        return Err(SheetError::NoSuchSheet {
            path: path.display().to_string(),
            name: name.to_string(),
            available: sheets
                .iter()
                .map(|s| format!("{:?}", s.name))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    sheets
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .or_else(|| sheets.iter().find(|s| s.typ == SheetType::WorkSheet))
        .map(|s| s.name.clone())
        .ok_or_else(|| SheetError::NoSheet(path.display().to_string()))
}

/// An I/O error while calamine reads an archive the preflight already opened: a part that
/// ends too early or holds invalid bytes means the file is damaged, not unreadable.
fn io_error(shown: String, source: std::io::Error) -> SheetError {
    use std::io::ErrorKind::{InvalidData, UnexpectedEof};
    match source.kind() {
        UnexpectedEof | InvalidData => SheetError::Damaged {
            path: shown,
            why: format!("a part of it ends too early or holds invalid data ({source})"),
        },
        _ => SheetError::Io {
            path: shown,
            source,
        },
    }
}

fn xlsx_error(path: &Path, e: XlsxError) -> SheetError {
    let shown = path.display().to_string();
    match e {
        XlsxError::Password => SheetError::Password(shown),
        XlsxError::Zip(z) => SheetError::NotASpreadsheet {
            path: shown,
            why: format!("damaged zip archive: {z}"),
        },
        XlsxError::Io(source) => io_error(shown, source),
        other => SheetError::Damaged {
            path: shown,
            why: other.to_string(),
        },
    }
}

fn xlsb_error(path: &Path, e: XlsbError) -> SheetError {
    let shown = path.display().to_string();
    match e {
        XlsbError::Password => SheetError::Password(shown),
        XlsbError::Io(source) => io_error(shown, source),
        other => SheetError::Damaged {
            path: shown,
            why: other.to_string(),
        },
    }
}

fn xls_error(path: &Path, e: XlsError) -> SheetError {
    let shown = path.display().to_string();
    match e {
        XlsError::Password => SheetError::Password(shown),
        XlsError::Io(source) => io_error(shown, source),
        other => SheetError::Damaged {
            path: shown,
            why: other.to_string(),
        },
    }
}

fn ods_error(path: &Path, e: OdsError) -> SheetError {
    let shown = path.display().to_string();
    match e {
        OdsError::Password => SheetError::Password(shown),
        OdsError::Io(source) => io_error(shown, source),
        other => SheetError::Damaged {
            path: shown,
            why: other.to_string(),
        },
    }
}
