//! What the auditor's workbooks (trial balance, general ledger, reconciliation,
//! anomalies) share, following the donor workbook (`xlsx.rs`): thin borders, a shaded
//! header, amounts `#,##0` (or `#,##0.00`), dates `dd/mm/yyyy`, totals as formulas
//! with their values cached, text from the books always written as text (quoted when
//! a spreadsheet could read it as a formula), landscape A4 fitted to the page width
//! with the header row repeated.

use chrono::Datelike;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Worksheet, XlsxError,
};

use super::Lang;
use crate::source::column_letters;

pub use super::l;

/// The formats of a workbook.
#[derive(Debug, Clone)]
pub struct Styles {
    pub title: Format,
    pub bold: Format,
    pub head: Format,
    pub text: Format,
    pub quoted: Format,
    pub date: Format,
    /// Amounts without decimals, with two.
    pub money0: Format,
    pub money2: Format,
    pub total_text: Format,
    pub total0: Format,
    pub total2: Format,
    /// A section title inside a table (an account of the general ledger).
    pub section: Format,
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

impl Styles {
    /// The formats.
    pub fn new() -> Styles {
        let cell = || Format::new().set_border(FormatBorder::Thin);
        let total = || cell().set_bold().set_border_top(FormatBorder::Medium);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            head: cell()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#D9E1F2"),
            text: cell(),
            quoted: cell().set_quote_prefix(),
            date: cell().set_num_format("dd/mm/yyyy"),
            money0: cell().set_num_format("#,##0"),
            money2: cell().set_num_format("#,##0.00"),
            total_text: total(),
            total0: total().set_num_format("#,##0"),
            total2: total().set_num_format("#,##0.00"),
            section: cell().set_bold().set_background_color("#F2F2F2"),
        }
    }

    /// The amount format for `decimals`.
    pub fn money(&self, decimals: u32, total: bool) -> &Format {
        match (decimals, total) {
            (0, false) => &self.money0,
            (_, false) => &self.money2,
            (0, true) => &self.total0,
            (_, true) => &self.total2,
        }
    }
}

/// True when a spreadsheet could run `value` as a formula.
pub fn looks_like_formula(value: &str) -> bool {
    value.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Writes text from the books as text, never as a formula.
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    s: &Styles,
) -> Result<(), XlsxError> {
    let f = if looks_like_formula(value) {
        &s.quoted
    } else {
        &s.text
    };
    ws.write_string_with_format(row, col, value, f)?;
    Ok(())
}

/// Writes text with `format`, quoted when it looks like a formula.
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn text_with(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if looks_like_formula(value) {
        ws.write_string_with_format(row, col, value, &format.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, value, format)?;
    }
    Ok(())
}

/// `A1` reference of a 0-based cell.
pub fn cell(row: u32, col: u16) -> String {
    format!("{}{}", column_letters(u32::from(col)), u64::from(row) + 1)
}

/// A formula with its value cached, so readers that do not recalculate see it.
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn formula(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    expr: &str,
    value: Decimal,
    f: &Format,
) -> Result<(), XlsxError> {
    ws.write_formula_with_format(
        row,
        col,
        Formula::new(expr).set_result(value.normalize().to_string()),
        f,
    )?;
    Ok(())
}

/// `=SUM(col first:col last)` with its value (0 over an empty range).
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn sum(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    first: u32,
    last: u32,
    value: Decimal,
    f: &Format,
) -> Result<(), XlsxError> {
    if last < first {
        ws.write_with_format(row, col, value, f)?;
        return Ok(());
    }
    let expr = format!("=SUM({}:{})", cell(first, col), cell(last, col));
    formula(ws, row, col, &expr, value, f)
}

/// Landscape A4, fitted to the page width, header row repeated, page numbers.
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn print_setup(ws: &mut Worksheet, header_row: u32, title: &str) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_header(format!("&L{}", title.replace('&', "&&")));
    ws.set_footer("&LFundledger&RPage &P / &N");
    Ok(())
}

/// A date as Excel stores it.
///
/// # Errors
/// A date Excel cannot hold (before 1900).
pub fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        d.month() as u8,
        d.day() as u8,
    )
}

/// Writes the header cells of a table at `row`.
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn headers(
    ws: &mut Worksheet,
    row: u32,
    names: &[String],
    widths: &[f64],
    s: &Styles,
) -> Result<(), XlsxError> {
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, h, &s.head)?;
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

/// What a workbook says about itself above its table: which books, which period, when.
#[derive(Debug, Clone, Default)]
pub struct Heading {
    /// The project (`MLI-CTIP-2017 — Appui au …`) or the journal's path.
    pub books: String,
    /// The period or date covered, already worded.
    pub period: String,
    /// When it was made (`FUNDLEDGER_NOW` or the clock).
    pub generated: String,
}

/// Writes the title and the heading lines from row 0; returns the first free row
/// (after a blank one).
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn heading(
    ws: &mut Worksheet,
    title: &str,
    h: &Heading,
    lang: Lang,
    s: &Styles,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(0, 0, title, &s.title)?;
    let lines = [
        (l(lang, "Livres", "Books"), h.books.as_str()),
        (l(lang, "Période", "Period"), h.period.as_str()),
        (l(lang, "Établi le", "Generated"), h.generated.as_str()),
    ];
    let mut row = 1;
    for (label, value) in lines {
        if value.is_empty() {
            continue;
        }
        ws.write_string_with_format(row, 0, label, &s.bold)?;
        if looks_like_formula(value) {
            ws.write_string_with_format(row, 1, value, &Format::new().set_quote_prefix())?;
        } else {
            ws.write_string(row, 1, value)?;
        }
        row += 1;
    }
    Ok(row + 1)
}
