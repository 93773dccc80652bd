//! The trial balance and the general ledger as XLSX workbooks (rust_xlsxwriter), in the
//! style of the donor workbooks (`sheet.rs`): totals are formulas with their values
//! cached, text stays text, pages print landscape with the header repeated. The general
//! ledger is written in constant-memory mode (rows go to disk as they are written), so
//! a ledger of millions of postings costs little memory; past Excel's 1,048,576 rows it
//! continues on another sheet.

use rust_xlsxwriter::{DocProperties, Workbook, Worksheet, XlsxError};

use super::Lang;
use super::ledger::{account_title, fund_name, sum_labels, sum_values};
use super::sheet::{
    Heading, Styles, excel_date, formula, headers, heading, l, print_setup, sum, text, text_with,
};
use crate::report::ledger::{GeneralLedger, TrialBalance, TrialTotal};

/// Decimals of a commodity for display.
pub type Decimals<'a> = &'a dyn Fn(&str) -> u32;

fn properties(title: &str, h: &Heading) -> DocProperties {
    DocProperties::new()
        .set_title(title)
        .set_subject(format!("{} — {}", h.books, h.period))
        .set_author("fundledger")
}

/// The trial balance workbook: one sheet, by fund when the report is.
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn trial_balance(
    tb: &TrialBalance,
    h: &Heading,
    lang: Lang,
    decimals: Decimals<'_>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let s = Styles::new();
    let title = l(lang, "Balance générale", "Trial balance");
    wb.set_properties(&properties(title, h));
    let ws = wb.add_worksheet();
    ws.set_name(title)?;
    let mut row = heading(ws, title, h, lang, &s)?;
    let several = tb
        .rows
        .iter()
        .any(|r| tb.rows.first().is_some_and(|f| f.commodity != r.commodity));
    let mut names: Vec<String> = Vec::new();
    let mut widths: Vec<f64> = Vec::new();
    if tb.by_donor {
        names.push(l(lang, "Bailleur", "Donor").to_string());
        widths.push(12.0);
    }
    names.push(l(lang, "Compte", "Account").to_string());
    widths.push(52.0);
    names.push(l(lang, "Devise", "Commodity").to_string());
    widths.push(9.0);
    for label in sum_labels(lang) {
        names.push(label.to_string());
        widths.push(17.0);
    }
    let head = row;
    headers(ws, head, &names, &widths, &s)?;
    ws.set_row_height(head, 32)?;
    row += 1;
    let first_amount = u16::try_from(names.len() - 6).unwrap_or(0);
    let first_data = row;
    let mut block_start = row;
    // Rows of the fund subtotals (for the grand total when formulas are used).
    let formulas = !several;
    for (i, r) in tb.rows.iter().enumerate() {
        let mut c = 0u16;
        if let Some(f) = &r.fund {
            text(ws, row, c, &fund_name(f, lang), &s)?;
            c += 1;
        }
        text(ws, row, c, &r.account, &s)?;
        text(ws, row, c + 1, &r.commodity, &s)?;
        let money = s.money(decimals(&r.commodity), false);
        for (k, v) in sum_values(&r.sums).iter().enumerate() {
            ws.write_with_format(row, first_amount + k as u16, *v, money)?;
        }
        row += 1;
        let last_of_fund = tb.rows.get(i + 1).is_none_or(|n| n.fund != r.fund);
        if tb.by_donor && last_of_fund {
            for t in tb.fund_totals.iter().filter(|t| t.fund == r.fund) {
                let name = t
                    .fund
                    .as_ref()
                    .map_or_else(String::new, |f| fund_name(f, lang));
                total_row(
                    ws,
                    row,
                    first_amount,
                    &format!("{} {name}", l(lang, "Total", "Total")),
                    t,
                    formulas.then_some((block_start, row - 1)),
                    decimals,
                    &s,
                )?;
                row += 1;
            }
            block_start = row;
        }
    }
    let last_data = row.saturating_sub(1);
    for t in &tb.totals {
        total_row(
            ws,
            row,
            first_amount,
            l(lang, "Total général", "Grand total"),
            t,
            formulas.then_some((first_data, last_data)),
            decimals,
            &s,
        )?;
        row += 1;
    }
    ws.set_freeze_panes(head + 1, 0)?;
    print_setup(ws, head, title)?;
    wb.save_to_buffer()
}

/// A totals row: `SUBTOTAL(9, …)` over `range` (fund subtotals inside it are skipped
/// by SUBTOTAL), or the values when the rows mix commodities.
#[allow(clippy::too_many_arguments)]
fn total_row(
    ws: &mut Worksheet,
    row: u32,
    first_amount: u16,
    label: &str,
    t: &TrialTotal,
    range: Option<(u32, u32)>,
    decimals: Decimals<'_>,
    s: &Styles,
) -> Result<(), XlsxError> {
    for c in 0..first_amount.saturating_sub(2) {
        ws.write_string_with_format(row, c, "", &s.total_text)?;
    }
    text_with(
        ws,
        row,
        first_amount.saturating_sub(2),
        label,
        &s.total_text,
    )?;
    text_with(
        ws,
        row,
        first_amount.saturating_sub(1),
        &t.commodity,
        &s.total_text,
    )?;
    let money = s.money(decimals(&t.commodity), true);
    for (k, v) in sum_values(&t.sums).iter().enumerate() {
        let col = first_amount + k as u16;
        match range {
            Some((a, b)) if b >= a => {
                let expr = format!(
                    "=SUBTOTAL(9,{}:{})",
                    super::sheet::cell(a, col),
                    super::sheet::cell(b, col)
                );
                formula(ws, row, col, &expr, *v, money)?;
            }
            _ => {
                ws.write_with_format(row, col, *v, money)?;
            }
        }
    }
    Ok(())
}

/// Excel's last row (0-based), kept clear of by a margin for the closing rows.
const LAST_ROW: u32 = 1_048_575 - 4;

struct Pages<'a> {
    title: &'a str,
    heads: Vec<String>,
    sheets: u32,
}

impl Pages<'_> {
    /// Adds a constant-memory sheet with its header row; returns the first data row.
    fn add<'w>(
        &mut self,
        wb: &'w mut Workbook,
        s: &Styles,
    ) -> Result<(&'w mut Worksheet, u32), XlsxError> {
        self.sheets += 1;
        let ws = wb.add_worksheet_with_constant_memory()?;
        let name = if self.sheets == 1 {
            self.title.to_string()
        } else {
            format!("{} ({})", self.title, self.sheets)
        };
        ws.set_name(&name)?;
        headers(
            ws,
            0,
            &self.heads,
            &[11.0, 16.0, 48.0, 15.0, 15.0, 16.0, 9.0, 7.0, 9.0, 44.0],
            s,
        )?;
        ws.set_column_format(0, &s.date)?;
        for c in 3..=5 {
            ws.set_column_format(c, &s.money0)?;
        }
        ws.set_freeze_panes(1, 0)?;
        print_setup(ws, 0, self.title)?;
        Ok((ws, 1))
    }
}

/// The general ledger workbook: each account's opening balance, postings with running
/// balance and source, and its totals and closing balance (formulas with cached values).
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn general_ledger(
    gl: &GeneralLedger<'_>,
    h: &Heading,
    lang: Lang,
    decimals: Decimals<'_>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let s = Styles::new();
    let title = l(lang, "Grand livre", "General ledger");
    wb.set_properties(&properties(title, h));
    if gl.entries() > 50_000 {
        wb.set_zip_compression_level(1);
    }
    // A first sheet with the heading, so the ledger's own sheets start with their table.
    {
        let ws = wb.add_worksheet();
        ws.set_name(l(lang, "Présentation", "About"))?;
        let mut row = heading(ws, title, h, lang, &s)?;
        ws.write_string_with_format(row, 0, l(lang, "Comptes", "Accounts"), &s.bold)?;
        ws.write_number(row, 1, gl.accounts.len() as f64)?;
        row += 1;
        ws.write_string_with_format(row, 0, l(lang, "Écritures", "Postings"), &s.bold)?;
        ws.write_number(row, 1, gl.entries() as f64)?;
        ws.set_column_width(0, 16)?;
        ws.set_column_width(1, 80)?;
    }
    let heads: Vec<String> = [
        l(lang, "Date", "Date"),
        l(lang, "N° pièce", "Voucher"),
        l(lang, "Libellé", "Description"),
        l(lang, "Débit", "Debit"),
        l(lang, "Crédit", "Credit"),
        l(lang, "Solde", "Balance"),
        l(lang, "Bailleur", "Donor"),
        l(lang, "Ligne", "Line"),
        l(lang, "Activité", "Activity"),
        l(lang, "Source", "Source"),
    ]
    .iter()
    .map(|x| (*x).to_string())
    .collect();
    let mut pages = Pages {
        title,
        heads,
        sheets: 0,
    };
    let (mut ws, mut row) = pages.add(&mut wb, &s)?;
    let plain = |ws: &mut Worksheet, row: u32, col: u16, v: &str| -> Result<(), XlsxError> {
        if super::sheet::looks_like_formula(v) {
            ws.write_string_with_format(row, col, v, &s.quoted)?;
        } else {
            ws.write_string(row, col, v)?;
        }
        Ok(())
    };
    for a in &gl.accounts {
        if row + 3 > LAST_ROW {
            (ws, row) = pages.add(&mut wb, &s)?;
        }
        let d = decimals(&a.commodity);
        let money = s.money(d, false);
        let total = s.money(d, true);
        let section = format!(
            "{} ({})",
            account_title(&a.account, &a.fund, lang),
            a.commodity
        );
        text_with(ws, row, 0, &section, &s.section)?;
        row += 1;
        ws.write_string(row, 2, l(lang, "Solde d'ouverture", "Opening balance"))?;
        ws.write_with_format(row, 5, a.opening, money)?;
        let opening_row = row;
        let mut same_sheet = true;
        row += 1;
        let first = row;
        for e in &a.entries {
            if row > LAST_ROW {
                (ws, row) = pages.add(&mut wb, &s)?;
                same_sheet = false;
            }
            ws.write_datetime(row, 0, excel_date(e.date)?)?;
            plain(ws, row, 1, e.voucher)?;
            plain(ws, row, 2, e.description)?;
            if !e.debit.is_zero() {
                ws.write(row, 3, e.debit)?;
            }
            if !e.credit.is_zero() {
                ws.write(row, 4, e.credit)?;
            }
            ws.write(row, 5, e.balance)?;
            plain(ws, row, 6, e.donor.unwrap_or(""))?;
            plain(ws, row, 7, e.line.unwrap_or(""))?;
            plain(ws, row, 8, e.activity.unwrap_or(""))?;
            plain(ws, row, 9, &e.source)?;
            row += 1;
        }
        let last = row - 1;
        ws.write_string_with_format(
            row,
            2,
            l(
                lang,
                "Total et solde de clôture",
                "Totals and closing balance",
            ),
            &s.total_text,
        )?;
        if same_sheet {
            sum(ws, row, 3, first, last, a.debit, total)?;
            sum(ws, row, 4, first, last, a.credit, total)?;
            let expr = format!(
                "={}+{}-{}",
                super::sheet::cell(opening_row, 5),
                super::sheet::cell(row, 3),
                super::sheet::cell(row, 4)
            );
            formula(ws, row, 5, &expr, a.closing, total)?;
        } else {
            ws.write_with_format(row, 3, a.debit, total)?;
            ws.write_with_format(row, 4, a.credit, total)?;
            ws.write_with_format(row, 5, a.closing, total)?;
        }
        row += 2;
    }
    wb.save_to_buffer()
}
