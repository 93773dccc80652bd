//! Spreadsheets as rows of typed cells: XLSX, XLSM, XLSB, XLS and ODS through calamine,
//! CSV through the csv crate. Reading reports what the cells hold and where (0-based
//! sheet rows and columns); what a row means is for the importer (`crate::import`) to
//! decide.
//!
//! Safety: every file is sniffed and size-checked before calamine opens it
//! ([`preflight`]), XLSX and XLSB sheets are streamed cell by cell (a sheet that
//! claims a million columns or rows allocates nothing for them), cells right of
//! [`Limits::max_columns`] are dropped, and no more than [`Limits::max_rows`] rows are
//! read. Nothing here panics on any input: calamine's own panics on malformed files are
//! caught and reported as damaged files (see `guard`).

pub mod date;
mod delimited;
pub mod fold;
mod guard;
mod merged;
pub mod number;
mod preflight;
mod workbook;

use std::path::Path;

pub use delimited::{CsvOptions, Delimiter, TextEncoding};

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text, as written.
    Text(String),
    /// A number (XLSX, XLSB and ODS store every number as a binary float).
    Number(f64),
    /// A whole number (XLS stores some numbers as integers).
    Int(i64),
    Bool(bool),
    /// A date, typed as one by the cell's number format.
    Date(chrono::NaiveDate),
    /// A date-time number that is not a date (a duration, or out of range).
    OtherTime(f64),
    /// An error value such as `#DIV/0!`.
    Error(String),
    /// A formula whose result was never saved in the file (no cached value).
    FormulaWithoutValue(String),
}

impl Value {
    /// The cell as text, the way it would appear in a message or a text field.
    pub fn to_text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(f) | Value::OtherTime(f) => number::show_float(*f),
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Value::Date(d) => d.format("%d/%m/%Y").to_string(),
            Value::Error(e) => e.clone(),
            Value::FormulaWithoutValue(f) => format!("={f}"),
        }
    }

    /// True for text that is empty or only spaces.
    pub fn is_blank(&self) -> bool {
        matches!(self, Value::Text(s) if s.trim().is_empty())
    }
}

/// A non-empty cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// 0-based column.
    pub col: u32,
    pub value: Value,
}

/// A row that has at least one non-empty cell, cells in column order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// 0-based row of the sheet.
    pub index: u32,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in column `col`, if not empty.
    pub fn get(&self, col: u32) -> Option<&Value> {
        self.cells
            .binary_search_by_key(&col, |c| c.col)
            .ok()
            .map(|i| &self.cells[i].value)
    }
}

/// A rectangle of merged cells (0-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// The file formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `.xlsx`, `.xlsm` (Office Open XML).
    Xlsx,
    /// `.xlsb` (Excel binary workbook).
    Xlsb,
    /// `.xls` (Excel 97–2003).
    Xls,
    /// `.ods` (OpenDocument).
    Ods,
    /// `.csv` (or `.txt`) text.
    Csv,
}

impl FileKind {
    /// The kind named by a file's extension.
    pub fn from_path(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "xlsx" | "xlsm" => FileKind::Xlsx,
            "xlsb" => FileKind::Xlsb,
            "xls" => FileKind::Xls,
            "ods" => FileKind::Ods,
            "csv" | "txt" => FileKind::Csv,
            _ => return None,
        })
    }
}

/// Bounds on what is read, so hostile files cost bounded memory and time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest uncompressed part of a zip-based workbook, in bytes.
    pub max_part_bytes: u64,
    /// Largest sum of uncompressed parts, in bytes.
    pub max_total_bytes: u64,
    /// Cells right of this many columns are dropped.
    pub max_columns: u32,
    /// Rows past this many are an error (Excel's own limit by default).
    pub max_rows: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 1 << 30,
            max_part_bytes: 2 << 30,
            max_total_bytes: 4 << 30,
            max_columns: 1024,
            max_rows: 1_048_576,
        }
    }
}

/// Why a file cannot be read as a spreadsheet at all.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("{0}: unsupported file type; expected .xlsx, .xlsm, .xls, .xlsb, .ods or .csv")]
    UnsupportedType(String),
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a spreadsheet: {why}")]
    NotASpreadsheet { path: String, why: String },
    #[error(
        "{0} is password-protected (encrypted); open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, empty) and save it again"
    )]
    Password(String),
    #[error("{path} is too large to import: {why}")]
    TooLarge { path: String, why: String },
    #[error("no sheet named {name:?} in {path}; its sheets are: {available}")]
    NoSuchSheet {
        path: String,
        name: String,
        available: String,
    },
    #[error("{0} has no worksheet")]
    NoSheet(String),
    #[error("{path} is damaged and cannot be read: {why}")]
    Damaged { path: String, why: String },
}

/// Receives a sheet's rows as they are read.
pub trait RowVisitor {
    /// Called once, before any row: the sheet's name, the number of rows the file says
    /// it has (when it says; it may lie, and nothing is allocated for it), and whether
    /// the workbook counts serial dates from 1904 (old Mac Excel) instead of 1900, and
    /// the sheet's merged cell regions (XLSX and XLS; the other formats do not say).
    fn start(&mut self, sheet: &str, claimed_rows: Option<u32>, is_1904: bool, merged: &[Region]);
    /// Called for each row with a non-empty cell, in order. Returning false stops the
    /// reading.
    fn row(&mut self, row: Row) -> bool;
}

/// What reading a sheet found besides its rows.
#[derive(Debug, Clone, Default)]
pub struct SheetSummary {
    /// The sheet's name (a CSV file's stem).
    pub name: String,
}

/// Reads one sheet of the file at `path` (`sheet`: by name, else the first visible
/// worksheet; ignored for CSV), handing each row to `visitor`.
///
/// # Errors
/// When the file cannot be read as a spreadsheet: missing, not the format its
/// extension says, damaged, encrypted, beyond [`Limits`], or without that sheet.
pub fn read(
    path: &Path,
    sheet: Option<&str>,
    csv: &CsvOptions,
    limits: &Limits,
    visitor: &mut dyn RowVisitor,
) -> Result<SheetSummary, SheetError> {
    let named = FileKind::from_path(path)
        .ok_or_else(|| SheetError::UnsupportedType(path.display().to_string()))?;
    let kind = preflight::check(path, named, limits)?;
    match kind {
        FileKind::Csv => delimited::read(path, csv, limits, visitor),
        _ => workbook::read(path, kind, sheet, limits, visitor),
    }
}

/// The 1-based Excel reference of a 0-based cell, e.g. `B12`.
pub fn a1(row: u32, col: u32) -> String {
    format!(
        "{}{}",
        crate::source::column_letters(col),
        u64::from(row) + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_extensions() {
        assert_eq!(
            FileKind::from_path(Path::new("a.XLSX")),
            Some(FileKind::Xlsx)
        );
        assert_eq!(
            FileKind::from_path(Path::new("a.xlsm")),
            Some(FileKind::Xlsx)
        );
        assert_eq!(FileKind::from_path(Path::new("a.csv")), Some(FileKind::Csv));
        assert_eq!(FileKind::from_path(Path::new("a.pdf")), None);
        assert_eq!(FileKind::from_path(Path::new("a")), None);
    }

    #[test]
    fn cells_found_by_column() {
        let row = Row {
            index: 3,
            cells: vec![
                Cell {
                    col: 0,
                    value: Value::Int(1),
                },
                Cell {
                    col: 4,
                    value: Value::Text("x".into()),
                },
            ],
        };
        assert_eq!(row.get(4), Some(&Value::Text("x".into())));
        assert_eq!(row.get(1), None);
        assert_eq!(a1(row.index, 4), "E4");
    }
}
