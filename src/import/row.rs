//! One spreadsheet row: what kind of row it is (data, blank, total, repeated header, a
//! note), and for a data row, every field read and checked against the project and the
//! rules, each problem located at its cell and saying what was expected.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::context::{Context, donor_ids, list};
use super::header::Header;
use crate::diag::{Code, Diagnostic};
use crate::model::money::{MAX_AMOUNT, allocate, fits_precision};
use crate::read::rules::{ExpenseColumn, ExpenseSign, Field, OutsidePeriod};
use crate::read::sheet::date::{DateTextError, from_excel_serial, parse_date_text};
use crate::read::sheet::fold::fold;
use crate::read::sheet::number::{
    FloatError, NumberError, float_to_decimal, parse_amount_in, show_float,
};
use crate::read::sheet::{Row, Value, a1};

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A row to import.
    Data,
    /// The header again (printed sheets repeat it on every page).
    RepeatedHeader,
    /// A total, subtotal, carried-forward or balance row.
    Totals,
    /// Text without a date, a budget line or an amount (a remark, a signature), even in
    /// the date column.
    Note,
}

/// The fields that identify a row for deduplication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFields {
    pub date: NaiveDate,
    pub voucher: String,
    /// The expense, signed (a refund is negative).
    pub amount: Decimal,
    /// Index of the budget line in the project.
    pub line: u16,
}

/// A row ready to become a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// 0-based sheet row.
    pub row: u32,
    pub key: KeyFields,
    pub description: String,
    pub payee: Option<String>,
    pub activity: Option<u16>,
    pub expense_account: u32,
    pub payment_account: u32,
    /// The expense per donor (index in the project), in the project's donor order.
    pub parts: Vec<(u8, Decimal)>,
}

/// A data row as read: its key when the key fields could be read, and either a draft or
/// the problems that stop it.
#[derive(Debug)]
pub struct RowRead {
    pub key: Option<KeyFields>,
    pub draft: Option<Draft>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// Tells data rows from the others.
pub fn classify(cx: &Context<'_>, header: &Header, row: &Row) -> Kind {
    if header.is_repeated_by(row) {
        return Kind::RepeatedHeader;
    }
    let has = |f: Field| header.col(f).and_then(|c| row.get(c)).is_some();
    let date_is_date = header
        .col(Field::Date)
        .and_then(|c| row.get(c))
        .is_some_and(|v| read_date(cx, v).is_ok());
    if !date_is_date {
        let totals = row.cells.iter().any(|c| match &c.value {
            Value::Text(t) => {
                let f = fold(t);
                cx.rules.totals_words.iter().any(|w| {
                    f.strip_prefix(w.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
                })
            }
            _ => false,
        });
        if totals {
            return Kind::Totals;
        }
    }
    // A date cell counts only when it holds a date: notes and signatures ("Arrêté le
    // présent état…", "Le Comptable") are usually written in the first column.
    let any_key = date_is_date
        || [Field::Line, Field::Amount, Field::Debit, Field::Credit]
            .into_iter()
            .any(has);
    if any_key { Kind::Data } else { Kind::Note }
}

/// Excel's own limit on a cell's text; longer text is damaged or hostile input.
const MAX_CELL_CHARS: usize = 32_767;

/// Reads and checks a data row.
pub fn read_row(cx: &Context<'_>, header: &Header, row: &Row) -> RowRead {
    let mut r = Reader {
        header,
        row,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    r.check_cells(cx);
    r.check_merged(cx);
    let date = r.date(cx);
    let voucher = r.text(Field::Voucher).unwrap_or_default();
    let amount = r.amount(cx);
    let line = r.line(cx);
    let key = match (date, amount, line) {
        (Some(date), Some(amount), Some(line)) => Some(KeyFields {
            date,
            voucher,
            amount,
            line,
        }),
        _ => None,
    };
    let description = r.text(Field::Description).unwrap_or_default();
    let payee = r.text(Field::Payee).filter(|p| !p.is_empty());
    let parts = match (&key, line) {
        (Some(k), Some(l)) => r.parts(cx, k.date, l, k.amount),
        _ => {
            // Still check the donor cell, so every problem is reported at once.
            if let Some(l) = line {
                r.donor(cx, date, l);
            }
            None
        }
    };
    let activity = line.and_then(|l| r.activity(cx, l));
    let expense_account = line.and_then(|l| r.expense_account(cx, l));
    let payment_account = r.payment_account(cx);
    let draft = match (&key, parts, expense_account, payment_account) {
        (Some(k), Some(parts), Some(e), Some(p)) if r.errors.is_empty() => Some(Draft {
            row: row.index,
            key: k.clone(),
            description,
            payee,
            activity: activity.flatten(),
            expense_account: e,
            payment_account: p,
            parts,
        }),
        _ => None,
    };
    RowRead {
        key,
        draft,
        errors: r.errors,
        warnings: r.warnings,
    }
}

/// The amount of a row as an import reads it (an expense positive; a refund, or a
/// receipt on a bank statement, negative), after checking the row's cells for error
/// values. `reconcile` reads bank statements with it.
///
/// # Errors
/// The problems found, each located at its cell.
pub fn read_amount(
    cx: &Context<'_>,
    header: &Header,
    row: &Row,
) -> Result<Decimal, Vec<Diagnostic>> {
    let mut r = Reader {
        header,
        row,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    r.check_cells(cx);
    match r.amount(cx) {
        Some(a) if r.errors.is_empty() => Ok(a),
        _ => Err(r.errors),
    }
}

struct Reader<'h> {
    header: &'h Header,
    row: &'h Row,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn col(&self, field: Field) -> Option<u32> {
        self.header.col(field)
    }

    fn value(&self, field: Field) -> Option<(u32, &Value)> {
        let col = self.col(field)?;
        self.row.get(col).map(|v| (col, v))
    }

    /// The column's header as the sheet writes it, for messages.
    fn column_name(&self, field: Field) -> String {
        self.col(field)
            .and_then(|c| self.header.name_of(c))
            .map_or_else(|| field.key().to_string(), |n| format!("«{n}»"))
    }

    fn error(&mut self, cx: &Context<'_>, col: u32, message: String, help: Option<String>) {
        let mut d = Diagnostic::error(Code::Import, cx.cell(self.row.index, col), message);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.errors.push(d);
    }

    /// Cells holding an error value or a formula without a saved result.
    fn check_cells(&mut self, cx: &Context<'_>) {
        let header = self.header;
        for &(field, col) in &header.columns {
            match self.row.get(col) {
                Some(Value::Error(e)) => {
                    let e = e.clone();
                    self.error(
                        cx,
                        col,
                        format!(
                            "cell {} holds the error value {e}: expected {} ({})",
                            a1(self.row.index, col),
                            expected(field),
                            self.column_name(field)
                        ),
                        Some("correct the formula in the spreadsheet, or type the value".into()),
                    );
                }
                Some(Value::FormulaWithoutValue(f)) => {
                    let f = f.clone();
                    self.error(
                        cx,
                        col,
                        format!("formula ={f} in {} has no saved result: expected {} ({})", a1(self.row.index, col), expected(field), self.column_name(field)),
                        Some("open the file in Excel or LibreOffice and save it, so the results of formulas are stored".into()),
                    );
                }
                Some(Value::Text(t)) if t.chars().count() > MAX_CELL_CHARS => {
                    let n = t.chars().count();
                    self.error(
                        cx,
                        col,
                        format!(
                            "cell {} holds {n} characters: a spreadsheet cell holds at most {MAX_CELL_CHARS} ({})",
                            a1(self.row.index, col),
                            self.column_name(field)
                        ),
                        Some("the file is damaged or was not made by a spreadsheet program".into()),
                    );
                }
                _ => {}
            }
        }
    }

    /// A data row crossing merged cells: which value belongs to which row is unknown.
    fn check_merged(&mut self, cx: &Context<'_>) {
        let index = self.row.index;
        for region in &cx.merged {
            if index < region.first_row
                || index > region.last_row
                || (region.first_row == region.last_row && region.first_col == region.last_col)
            {
                continue;
            }
            let hit = self
                .header
                .columns
                .iter()
                .map(|(_, c)| *c)
                .filter(|c| (region.first_col..=region.last_col).contains(c))
                .min();
            if let Some(col) = hit {
                let range = format!(
                    "{}:{}",
                    a1(region.first_row, region.first_col),
                    a1(region.last_row, region.last_col)
                );
                self.error(
                    cx,
                    col,
                    format!("cell {} is part of the merged cells {range} in the data area: expected one value per cell", a1(index, col)),
                    Some("unmerge the cells (Home > Merge & Center) and fill in every row".into()),
                );
            }
        }
    }

    /// A text field: trimmed, inner runs of spaces (and line breaks) made one space.
    fn text(&self, field: Field) -> Option<String> {
        let (_, v) = self.value(field)?;
        match v {
            Value::Error(_) | Value::FormulaWithoutValue(_) => None,
            other => Some(clean(&other.to_text())),
        }
    }

    fn date(&mut self, cx: &Context<'_>) -> Option<NaiveDate> {
        let Some((col, v)) = self.value(Field::Date) else {
            if let Some(col) = self.col(Field::Date) {
                self.error(
                    cx,
                    col,
                    format!(
                        "the date is missing ({}): expected a date such as 31/10/2017",
                        self.column_name(Field::Date)
                    ),
                    None,
                );
            }
            return None;
        };
        let v = v.clone();
        let date = match read_date(cx, &v) {
            Ok(d) => d,
            Err(why) => {
                if !matches!(v, Value::Error(_) | Value::FormulaWithoutValue(_)) {
                    self.error(cx, col, why, None);
                }
                return None;
            }
        };
        let p = cx.project;
        if date < p.start || date > p.end {
            let message = format!(
                "date {date} is outside the project period {} – {}: expected a date in the period",
                p.start, p.end
            );
            let help = "correct the date (often a mistyped year); or, to book it anyway, set `outside_project = \"warn\"` under [dates] in the rules".to_string();
            match cx.rules.outside_project {
                OutsidePeriod::Error => self.error(cx, col, message, Some(help)),
                OutsidePeriod::Warn => self.warnings.push(Diagnostic::warning(
                    Code::Import,
                    cx.cell(self.row.index, col),
                    message,
                )),
            }
        }
        Some(date)
    }

    fn amount(&mut self, cx: &Context<'_>) -> Option<Decimal> {
        if self.col(Field::Amount).is_some() {
            let Some((col, v)) = self.value(Field::Amount) else {
                let col = self.col(Field::Amount).unwrap_or(0);
                self.error(
                    cx,
                    col,
                    format!(
                        "the amount is missing ({}): expected an amount such as {}",
                        self.column_name(Field::Amount),
                        cx.rules.number_style.example()
                    ),
                    None,
                );
                return None;
            };
            let v = v.clone();
            let value = self.amount_value(cx, col, &v, Field::Amount)?;
            let expense = match cx.rules.expense_sign {
                ExpenseSign::Positive => value,
                ExpenseSign::Negative => -value,
            };
            return self.non_zero(cx, col, expense, Field::Amount);
        }
        let debit = self.debit_credit(cx, Field::Debit);
        let credit = self.debit_credit(cx, Field::Credit);
        let (Some(debit), Some(credit)) = (debit, credit) else {
            return None;
        };
        let (paid, refunded, paid_field) = match cx.rules.expense_column {
            ExpenseColumn::Debit => (debit, credit, Field::Debit),
            ExpenseColumn::Credit => (credit, debit, Field::Credit),
        };
        let anchor = self
            .col(paid_field)
            .or_else(|| self.col(Field::Debit))
            .or_else(|| self.col(Field::Credit))
            .unwrap_or(0);
        match (paid, refunded) {
            (Some(_), Some(_)) => {
                let (d, c) = (
                    self.column_name(Field::Debit),
                    self.column_name(Field::Credit),
                );
                self.error(
                    cx,
                    self.col(Field::Debit).unwrap_or(anchor),
                    format!(
                        "both {d} and {c} are filled: expected one amount per row, in {d} or in {c}"
                    ),
                    Some("split the row in two, one per column".into()),
                );
                None
            }
            (None, None) => {
                let (d, c) = (
                    self.column_name(Field::Debit),
                    self.column_name(Field::Credit),
                );
                self.error(
                    cx,
                    anchor,
                    format!("no amount: expected an amount in {d} or in {c}"),
                    None,
                );
                None
            }
            (Some(p), None) => Some(p),
            (None, Some(r)) => Some(-r),
        }
    }

    /// A Débit or Crédit cell: `Some(None)` when empty or zero, `None` on error.
    fn debit_credit(&mut self, cx: &Context<'_>, field: Field) -> Option<Option<Decimal>> {
        let Some((col, v)) = self.value(field) else {
            return Some(None);
        };
        let v = v.clone();
        let value = self.amount_value(cx, col, &v, field)?;
        if value.is_zero() {
            return Some(None);
        }
        if value.is_sign_negative() {
            self.error(
                cx,
                col,
                format!(
                    "negative amount {value} in {}: expected a positive amount",
                    self.column_name(field)
                ),
                Some(
                    "enter a refund or a reversal in the other column, as a positive amount".into(),
                ),
            );
            return None;
        }
        Some(Some(value))
    }

    fn non_zero(
        &mut self,
        cx: &Context<'_>,
        col: u32,
        value: Decimal,
        field: Field,
    ) -> Option<Decimal> {
        if value.is_zero() {
            self.error(
                cx,
                col,
                format!(
                    "the amount is zero ({}): expected a non-zero amount",
                    self.column_name(field)
                ),
                Some("delete the row if the voucher was cancelled".into()),
            );
            return None;
        }
        Some(value)
    }

    fn amount_value(
        &mut self,
        cx: &Context<'_>,
        col: u32,
        v: &Value,
        field: Field,
    ) -> Option<Decimal> {
        let what = self.column_name(field);
        let style = cx.rules.number_style;
        let (p, c) = (cx.precision, cx.commodity.as_str());
        let decimals_error = |shown: &str| {
            if p == 0 {
                format!(
                    "{shown} {c} has decimals: expected whole {c} (no decimals; {c} has no smaller unit)"
                )
            } else {
                format!("{shown} {c} has more than {p} decimals: expected at most {p}")
            }
        };
        let result: Result<Decimal, (String, Option<String>)> = match v {
            Value::Number(f) => float_to_decimal(*f, p).map_err(|e| match e {
                FloatError::TooPrecise => (decimals_error(&show_float(*f)), None),
                FloatError::TooLarge | FloatError::NotFinite => (
                    format!(
                        "{} in {what} is too large to be an exact amount",
                        show_float(*f)
                    ),
                    None,
                ),
            }),
            Value::Int(i) => Ok(Decimal::from(*i)),
            Value::Text(t) => match parse_amount_in(t, style, c) {
                Ok(d) if !fits_precision(d, p) => Err((decimals_error(&d.to_string()), None)),
                Ok(d) if d.abs() > MAX_AMOUNT => {
                    Err((format!("{t:?} in {what} is too large"), None))
                }
                Ok(d) => Ok(d),
                Err(NumberError::OtherCurrency(other)) => Err((
                    format!("{t:?} in {what} is an amount in {other}: expected an amount in {c}"),
                    Some(format!(
                        "convert it to {c} at the rate of the payment date, and type the {c} amount"
                    )),
                )),
                Err(e) => {
                    let why = match e {
                        NumberError::Ambiguous => "; a single `.` is ambiguous".to_string(),
                        NumberError::BadGrouping => {
                            "; digit groups must have three digits".to_string()
                        }
                        _ => String::new(),
                    };
                    Err((
                        format!("cannot read {t:?} in {what} as an amount{why}: expected a number such as {}", style.example()),
                        Some(match style {
                            crate::read::sheet::number::NumberStyle::Fr => "French style: spaces between thousands, a comma before decimals; or set `style = \"en\"` under [numbers] in the rules".into(),
                            crate::read::sheet::number::NumberStyle::En => "English style: commas between thousands, a point before decimals; or set `style = \"fr\"` under [numbers] in the rules".into(),
                        }),
                    ))
                }
            },
            Value::Date(d) => Err((format!("a date ({d}) in {what}: expected an amount"), None)),
            Value::OtherTime(_) => Err((format!("a time in {what}: expected an amount"), None)),
            Value::Bool(b) => Err((
                format!(
                    "{} in {what}: expected an amount",
                    if *b { "TRUE" } else { "FALSE" }
                ),
                None,
            )),
            Value::Error(_) | Value::FormulaWithoutValue(_) => return None,
        };
        match result {
            Ok(mut d) => {
                // Written with exactly the commodity's decimals: `2,000 XOF`, `12.50 EUR`.
                d = d.normalize();
                d.rescale(p);
                Some(d)
            }
            Err((message, help)) => {
                self.error(cx, col, message, help);
                None
            }
        }
    }

    fn line(&mut self, cx: &Context<'_>) -> Option<u16> {
        let Some((col, v)) = self.value(Field::Line) else {
            if let Some(col) = self.col(Field::Line) {
                self.error(
                    cx,
                    col,
                    format!(
                        "the budget line is missing ({}): expected one of the project's lines ({})",
                        self.column_name(Field::Line),
                        cx.line_codes()
                    ),
                    None,
                );
            }
            return None;
        };
        if matches!(v, Value::Error(_) | Value::FormulaWithoutValue(_)) {
            return None;
        }
        let code = clean(&v.to_text());
        if matches!(v, Value::Number(_) | Value::Int(_)) {
            // A number cell has lost its trailing zeros: 2.10 typed as a number reads
            // 2.1. When the project has such a line, the cell cannot say which it is.
            let longer: Vec<&str> = cx
                .project
                .lines
                .iter()
                .map(|l| l.code.as_str())
                .filter(|c| lost_zeros(&code, c))
                .collect();
            if !longer.is_empty() {
                self.error(
                    cx,
                    col,
                    format!(
                        "the budget line is a number ({code}), which may have lost trailing zeros: it could be line {code} or {}",
                        longer.join(" or ")
                    ),
                    Some("type the line code as text in the spreadsheet (format the column as Text, or start with an apostrophe: '2.10)".into()),
                );
                return None;
            }
        }
        match cx.line(&code) {
            Some(l) => Some(l),
            None => {
                self.error(
                    cx,
                    col,
                    format!(
                        "unknown budget line {code:?}: expected one of the project's lines ({})",
                        cx.line_codes()
                    ),
                    Some(
                        "correct the code, or declare the line under [[lines]] in project.toml"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    /// The donor named by the row, `Some(None)` for a shared cost, `None` on error.
    fn donor(
        &mut self,
        cx: &Context<'_>,
        date: Option<NaiveDate>,
        line: u16,
    ) -> Option<Option<u8>> {
        let Some((col, v)) = self.value(Field::Donor) else {
            return Some(None);
        };
        if matches!(v, Value::Error(_) | Value::FormulaWithoutValue(_)) {
            return None;
        }
        let text = clean(&v.to_text());
        if cx.is_shared_donor(&text) {
            return Some(None);
        }
        let Some(d) = cx.donor(&text) else {
            self.error(
                cx,
                col,
                format!("donor {text:?} is not declared in project.toml: expected one of {}", donor_ids(cx.project)),
                Some("correct the cell, leave it empty to split the cost by the line's funding shares, or add an alias under [donors.aliases] in the rules".into()),
            );
            return None;
        };
        let l = &cx.project.lines[usize::from(line)];
        let shares = date.map_or(l.shares.as_slice(), |date| l.in_force(date).1);
        let id = &cx.project.donors[usize::from(d)].id;
        if !shares.iter().any(|(s, _)| s == id) {
            self.error(
                cx,
                col,
                format!(
                    "donor {id} does not fund budget line {}: expected one of its funders ({})",
                    l.code,
                    list(shares.iter().map(|(s, _)| s.as_str()))
                ),
                Some("correct the donor or the line, or leave the cell empty to split the cost by the line's funding shares".into()),
            );
            return None;
        }
        Some(Some(d))
    }

    /// The expense per donor: one donor, or split by the line's shares in force.
    fn parts(
        &mut self,
        cx: &Context<'_>,
        date: NaiveDate,
        line: u16,
        amount: Decimal,
    ) -> Option<Vec<(u8, Decimal)>> {
        let donor = self.donor(cx, Some(date), line)?;
        let l = &cx.project.lines[usize::from(line)];
        let shares = l.in_force(date).1;
        let parts: Vec<(u8, Decimal)> = match donor {
            Some(d) => vec![(d, amount)],
            None => {
                let weights: Vec<Decimal> = shares.iter().map(|(_, w)| *w).collect();
                let amounts = match allocate(amount, &weights, cx.precision) {
                    Ok(a) => a,
                    Err(e) => {
                        let col = self.col(Field::Line).unwrap_or(0);
                        self.error(
                            cx,
                            col,
                            format!(
                                "cannot split {amount} over line {}'s funding shares: {e}",
                                l.code
                            ),
                            None,
                        );
                        return None;
                    }
                };
                shares
                    .iter()
                    .zip(amounts)
                    .filter(|(_, a)| !a.is_zero())
                    .filter_map(|((id, _), a)| {
                        cx.project
                            .donors
                            .iter()
                            .position(|d| &d.id == id)
                            .map(|i| (u8::try_from(i).unwrap_or(u8::MAX), a))
                    })
                    .collect()
            }
        };
        for (d, _) in &parts {
            let id = &cx.project.donors[usize::from(*d)].id;
            let agreements: Vec<_> = cx
                .project
                .agreements
                .iter()
                .filter(|a| &a.donor == id)
                .collect();
            if !agreements.is_empty() && !agreements.iter().any(|a| a.covers(date)) {
                let periods = agreements
                    .iter()
                    .map(|a| format!("{} – {} ({})", a.start, a.end, a.reference))
                    .collect::<Vec<_>>()
                    .join(", ");
                let col = self.col(Field::Date).unwrap_or(0);
                self.warnings.push(Diagnostic::warning(
                    Code::Import,
                    cx.cell(self.row.index, col),
                    format!("expense of {date} charged to {id} is outside {id}'s eligibility period {periods}"),
                ));
            }
        }
        Some(parts)
    }

    /// `Some(Some(a))` an activity, `Some(None)` none, `None` on error.
    fn activity(&mut self, cx: &Context<'_>, line: u16) -> Option<Option<u16>> {
        let l = &cx.project.lines[usize::from(line)];
        let allowed = &l.activities;
        let found = self.value(Field::Activity).map(|(c, v)| (c, v.clone()));
        let Some((col, v)) = found else {
            if !allowed.is_empty() {
                let col = self
                    .col(Field::Activity)
                    .or_else(|| self.col(Field::Line))
                    .unwrap_or(0);
                self.error(
                    cx,
                    col,
                    format!(
                        "budget line {} needs an activity: expected one of {}",
                        l.code,
                        allowed.join(", ")
                    ),
                    None,
                );
                return None;
            }
            return Some(None);
        };
        if matches!(v, Value::Error(_) | Value::FormulaWithoutValue(_)) {
            return None;
        }
        let code = clean(&v.to_text());
        let Some(a) = cx.activity(&code) else {
            self.error(
                cx,
                col,
                format!(
                    "activity {code:?} is not declared in project.toml: expected one of {}",
                    if allowed.is_empty() {
                        list(cx.project.activities.iter().map(|a| a.code.as_str()))
                    } else {
                        allowed.join(", ")
                    }
                ),
                None,
            );
            return None;
        };
        let a_code = &cx.project.activities[usize::from(a)].code;
        if !allowed.is_empty() && !allowed.contains(a_code) {
            self.error(
                cx,
                col,
                format!("activity {a_code} is not allowed on budget line {}: expected one of {}", l.code, allowed.join(", ")),
                Some("correct the activity or the line, or add the activity to the line in project.toml".into()),
            );
            return None;
        }
        Some(Some(a))
    }

    fn expense_account(&mut self, cx: &Context<'_>, line: u16) -> Option<u32> {
        let from_cell = self.value(Field::Account).and_then(|(c, v)| match v {
            Value::Error(_) | Value::FormulaWithoutValue(_) => None,
            other => Some((c, clean(&other.to_text()))),
        });
        let (col, choice) = match from_cell {
            Some((col, text)) => (col, cx.expense_from_cell(&text)),
            None => (
                self.col(Field::Line).unwrap_or(0),
                cx.expense_for_line(line).clone(),
            ),
        };
        match choice {
            Ok(a) => Some(a),
            Err(message) => {
                self.error(cx, col, message, None);
                None
            }
        }
    }

    fn payment_account(&mut self, cx: &Context<'_>) -> Option<u32> {
        let from_cell = self.value(Field::Payment).and_then(|(c, v)| match v {
            Value::Error(_) | Value::FormulaWithoutValue(_) => None,
            other => Some((c, clean(&other.to_text()))),
        });
        let (col, choice) = match from_cell {
            Some((col, text)) => match cx.payment_mode(&text) {
                Some(choice) => (col, choice.clone()),
                None => {
                    self.error(
                        cx,
                        col,
                        format!(
                            "unknown payment mode {text:?}: expected one of {}",
                            cx.payment_mode_names()
                        ),
                        Some("add it under [payment_modes] in the rules".into()),
                    );
                    return None;
                }
            },
            None => (
                self.col(Field::Amount)
                    .or_else(|| self.col(Field::Debit))
                    .or_else(|| self.col(Field::Credit))
                    .unwrap_or(0),
                cx.payment_default().clone(),
            ),
        };
        match choice {
            Ok(a) => Some(a),
            Err(message) => {
                self.error(cx, col, message, None);
                None
            }
        }
    }
}

/// What a field should hold, for messages.
fn expected(field: Field) -> &'static str {
    match field {
        Field::Date => "a date",
        Field::Amount | Field::Debit | Field::Credit => "an amount",
        Field::Line => "a budget line code",
        Field::Donor => "a donor",
        Field::Activity => "an activity code",
        Field::Account => "an account",
        Field::Payment => "a payment mode",
        Field::Voucher => "a voucher number",
        Field::Description | Field::Payee => "text",
    }
}

/// A date cell: a typed date, an Excel serial number, or text in one of the rules'
/// patterns.
///
/// # Errors
/// A message saying what was found and what was expected.
pub fn read_date(cx: &Context<'_>, v: &Value) -> Result<NaiveDate, String> {
    let patterns = || {
        cx.rules
            .date_patterns
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let serial = |f: f64| {
        if cx.rules.excel_serial_dates {
            from_excel_serial(f, cx.is_1904).ok_or_else(|| {
                format!(
                    "{} is not a valid Excel date number: expected a date",
                    show_float(f)
                )
            })
        } else {
            Err(format!(
                "a number ({}) where a date is expected: expected a date written {}",
                show_float(f),
                patterns()
            ))
        }
    };
    match v {
        Value::Date(d) => Ok(*d),
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => serial(*i as f64),
        Value::Number(f) => serial(*f),
        Value::Text(t) => match parse_date_text(t, &cx.rules.date_patterns) {
            Ok(d) => Ok(d),
            Err(DateTextError::NotInCalendar) => Err(format!(
                "{:?} is not a date in the calendar: expected a real date",
                t.trim()
            )),
            Err(DateTextError::NotADate) => {
                if cx.rules.excel_serial_dates
                    && let Ok(n) = t.trim().parse::<u32>()
                {
                    return serial(f64::from(n));
                }
                Err(format!(
                    "cannot read {:?} as a date: expected a date written {} (or a date cell)",
                    t.trim(),
                    patterns()
                ))
            }
        },
        Value::OtherTime(_) => {
            Err("a time or a duration where a date is expected: expected a date".into())
        }
        Value::Bool(_) => Err("TRUE/FALSE where a date is expected: expected a date".into()),
        Value::Error(e) => Err(format!("the error value {e} where a date is expected")),
        Value::FormulaWithoutValue(_) => {
            Err("a formula without a saved result where a date is expected".into())
        }
    }
}

/// Trimmed, with runs of whitespace (including no-break spaces and line breaks) as one
/// space.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether line `code`, read from a number cell, may be `candidate` with its trailing
/// zeros lost: `2.1` for `2.10`, `3` for `3.0`.
fn lost_zeros(code: &str, candidate: &str) -> bool {
    let Some(rest) = candidate.strip_prefix(code) else {
        return false;
    };
    let zeros = if code.contains('.') {
        rest
    } else {
        match rest.strip_prefix('.') {
            Some(z) => z,
            None => return false,
        }
    };
    !rest.is_empty() && zeros.bytes().all(|b| b == b'0')
}

#[cfg(test)]
mod tests {
    use super::lost_zeros;

    #[test]
    fn trailing_zeros_a_number_cell_may_have_lost() {
        assert!(lost_zeros("2.1", "2.10"));
        assert!(lost_zeros("2.1", "2.100"));
        assert!(lost_zeros("3", "3.0"));
        assert!(!lost_zeros("2.1", "2.1"));
        assert!(!lost_zeros("2.1", "2.11"));
        assert!(
            !lost_zeros("2", "20"),
            "a number never loses a zero before the point"
        );
        assert!(!lost_zeros("2.1", "12.10"));
    }
}
