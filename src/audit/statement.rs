//! Reading a bank statement (XLSX, XLS, XLSB, ODS or CSV) through the import machinery:
//! the same rules files (`templates/import/*.toml`, read for [`Purpose::Statement`], so
//! no budget line column is needed), the same hostile-file preflight and streaming
//! reader (`read::sheet`), the same header matching (`import::header::match_row`), row
//! kinds (`import::row::classify`), dates (`import::row::read_date`) and amounts
//! (`import::row::read_amount`, Débit/Crédit or one signed column, French or English
//! numbers), each problem located at its cell.
//!
//! Amounts are turned to the books' sign: money coming into the account (a Crédit on
//! the bank's statement) is positive, as a debit of the bank account in the books.
//!
//! Balance rows (`Solde au 30/11/2017`, `Ancien solde`, `Nouveau solde`, `Opening
//! balance`…: a row without a date whose text starts with such words) give the
//! statement's opening and closing balances; a balance row between lines is checked
//! against the running balance, so a row misread or missing is caught.
//!
//! [`Purpose::Statement`]: crate::read::rules::Purpose::Statement

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diag::{Code, Diagnostic};
use crate::import::context::Context;
use crate::import::header::{Header, match_row};
use crate::import::row::{Kind, classify, clean, read_amount, read_date};
use crate::model::{Journal, Project};
use crate::read::rules::{Field, Rules};
use crate::read::sheet::date::parse_date_text;
use crate::read::sheet::fold::fold;
use crate::read::sheet::{self, Limits, Region, Row, RowVisitor, SheetError, Value, a1};
use crate::render::amount::group;
use crate::source::FileId;

/// One movement on the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// 0-based sheet row.
    pub row: u32,
    pub date: NaiveDate,
    /// In the books' sign: positive when money came in.
    pub amount: Decimal,
    /// The reference column (cheque number, the payer's or our voucher), trimmed.
    pub reference: String,
    pub description: String,
    /// `releve.xlsx#Relevé!A12`.
    pub cell: String,
}

/// A balance printed on the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    pub row: u32,
    /// In the books' sign (a credit balance at the bank is positive).
    pub amount: Decimal,
    /// The date written in the row (`Solde au 31/12/2017`), when there is one.
    pub date: Option<NaiveDate>,
    pub label: String,
    pub cell: String,
}

/// A statement as read.
#[derive(Debug, Clone)]
pub struct Statement {
    pub path: PathBuf,
    pub sheet: String,
    /// 0-based header row.
    pub header_row: u32,
    pub commodity: String,
    pub precision: u32,
    /// Movements in sheet order.
    pub lines: Vec<StatementLine>,
    /// The last balance row above the first movement.
    pub opening: Option<Balance>,
    /// The last balance row below the last movement.
    pub closing: Option<Balance>,
    /// Balance rows between movements, each checked against the running balance.
    pub checkpoints: usize,
}

/// Why a statement cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StatementError {
    #[error(transparent)]
    Sheet(#[from] SheetError),
    /// The rules contradict the project (located in the rules file).
    #[error("the rules file does not fit this ledger")]
    Rules(Vec<Diagnostic>),
    /// Rows that cannot be read, no header, balances that do not add up.
    #[error("the statement has problems")]
    Problems(Vec<Diagnostic>),
}

#[derive(Default)]
struct Collect {
    sheet: String,
    is_1904: bool,
    merged: Vec<Region>,
    rows: Vec<Row>,
}

impl RowVisitor for Collect {
    fn start(&mut self, sheet: &str, _claimed: Option<u32>, is_1904: bool, merged: &[Region]) {
        sheet.clone_into(&mut self.sheet);
        self.is_1904 = is_1904;
        self.merged = merged.to_vec();
    }

    fn row(&mut self, row: Row) -> bool {
        self.rows.push(row);
        true
    }
}

/// First words (folded) of a row that states a balance.
const BALANCE_WORDS: [&str; 6] = [
    "solde",
    "ancien solde",
    "nouveau solde",
    "balance",
    "opening balance",
    "closing balance",
];

fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// The statement's file name, for cell references.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Reads the statement at `path` with `rules` (the sheet: `sheet`, else the rules',
/// else the first).
///
/// # Errors
/// A file that is not a readable spreadsheet; rules that do not fit the project; rows
/// that cannot be read (each problem located).
pub fn read_statement(
    project: &Project,
    journal: &Journal,
    rules: &Rules,
    file: FileId,
    path: &Path,
    sheet: Option<&str>,
) -> Result<Statement, StatementError> {
    let mut collected = Collect::default();
    let wanted = sheet.or(rules.sheet.as_deref());
    let summary = sheet::read(path, wanted, &rules.csv, &Limits::default(), &mut collected)?;
    let mut cx = Context::new(project, journal, rules, file).map_err(StatementError::Rules)?;
    cx.sheet = if collected.sheet.is_empty() {
        summary.name
    } else {
        collected.sheet.clone()
    };
    cx.is_1904 = collected.is_1904;
    cx.merged = std::mem::take(&mut collected.merged);
    let name = file_name(path);
    let at = |row: u32, col: u32| format!("{name}#{}!{}", cx.sheet, a1(row, col));

    let Some(header) = find_header(&collected.rows, rules) else {
        let amount = if rules.names(Field::Amount).is_some() {
            first_name(rules, Field::Amount)
        } else {
            format!(
                "{} / {}",
                first_name(rules, Field::Debit),
                first_name(rules, Field::Credit)
            )
        };
        return Err(StatementError::Problems(vec![
            Diagnostic::error(
                Code::Import,
                cx.cell(0, 0),
                format!(
                    "no header row in the first {} rows of the statement: expected columns {} and {amount}",
                    rules.header_search_rows,
                    first_name(rules, Field::Date)
                ),
            )
            .with_help(format!(
                "check the sheet (--sheet NAME), or the names under [columns] in {}",
                rules.path.display()
            )),
        ]));
    };
    let date_col = header.col(Field::Date).unwrap_or(0);
    let mut lines = Vec::new();
    let mut balances: Vec<(usize, Balance)> = Vec::new(); // (lines before it, balance)
    let mut problems = Vec::new();
    for r in collected.rows.iter().filter(|r| r.index > header.row) {
        if header.is_repeated_by(r) {
            continue;
        }
        let date = header
            .col(Field::Date)
            .and_then(|c| r.get(c))
            .map(|v| read_date(&cx, v));
        if !matches!(date, Some(Ok(_)))
            && let Some(label) = balance_label(r)
        {
            match balance_amount(&cx, &header, r) {
                Ok(amount) => balances.push((
                    lines.len(),
                    Balance {
                        row: r.index,
                        amount,
                        date: date_in(r, rules),
                        label,
                        cell: at(r.index, date_col),
                    },
                )),
                Err(mut e) => problems.append(&mut e),
            }
            continue;
        }
        if classify(&cx, &header, r) != Kind::Data {
            continue;
        }
        let date = match date {
            Some(Ok(d)) => Some(d),
            Some(Err(why)) => {
                problems.push(Diagnostic::error(
                    Code::Import,
                    cx.cell(r.index, date_col),
                    why,
                ));
                None
            }
            None => {
                problems.push(Diagnostic::error(
                    Code::Import,
                    cx.cell(r.index, date_col),
                    format!(
                        "the date is missing in {}: expected a date such as 31/10/2017",
                        a1(r.index, date_col)
                    ),
                ));
                None
            }
        };
        let amount = match read_amount(&cx, &header, r) {
            Ok(a) => Some(-a),
            Err(mut e) => {
                problems.append(&mut e);
                None
            }
        };
        if let (Some(date), Some(amount)) = (date, amount) {
            lines.push(StatementLine {
                row: r.index,
                date,
                amount,
                reference: text_of(&header, r, Field::Voucher),
                description: text_of(&header, r, Field::Description),
                cell: at(r.index, date_col),
            });
        }
    }
    if !problems.is_empty() {
        return Err(StatementError::Problems(problems));
    }
    let precision = cx.precision;
    let commodity = cx.commodity.clone();
    let mut opening = None;
    let mut closing = None;
    let mut checkpoints = 0;
    // Running balance, from the opening balance when there is one.
    let mut running: Option<Decimal> = None;
    let mut counted = 0usize;
    for (before, b) in balances {
        if let Some(run) = running.as_mut() {
            for l in &lines[counted..before] {
                *run += l.amount;
            }
        }
        counted = before;
        if before == 0 {
            running = Some(b.amount);
            opening = Some(b);
            continue;
        }
        if let Some(run) = running
            && run != b.amount
        {
            problems.push(
                Diagnostic::error(
                    Code::Import,
                    cx.cell(b.row, date_col),
                    format!(
                        "the statement's balance {} at {} is {} {commodity}, but its opening balance and the movements above add up to {} {commodity}",
                        b.label,
                        a1(b.row, date_col),
                        group(b.amount, Some(precision)),
                        group(run, Some(precision))
                    ),
                )
                .with_help("a movement was misread or is missing: check the rows above, or the Débit/Crédit columns of the rules"),
            );
        }
        running = Some(b.amount);
        if before == lines.len() {
            closing = Some(b);
        } else {
            checkpoints += 1;
        }
    }
    if !problems.is_empty() {
        return Err(StatementError::Problems(problems));
    }
    Ok(Statement {
        path: path.to_path_buf(),
        sheet: cx.sheet.clone(),
        header_row: header.row,
        commodity,
        precision,
        lines,
        opening,
        closing,
        checkpoints,
    })
}

fn first_name(rules: &Rules, field: Field) -> String {
    rules
        .names(field)
        .and_then(|n| n.first())
        .map_or_else(|| field.key().to_string(), |n| format!("«{n}»"))
}

/// The header: the first of the top rows that names the date and an amount column.
fn find_header(rows: &[Row], rules: &Rules) -> Option<Header> {
    rows.iter()
        .take_while(|r| r.index < rules.header_search_rows)
        .find_map(|row| {
            let found = match_row(row, rules);
            let has = |f: Field| found.iter().any(|(x, _)| *x == f);
            let amount = has(Field::Amount) || has(Field::Debit) || has(Field::Credit);
            (has(Field::Date) && amount).then(|| Header {
                row: row.index,
                names: row
                    .cells
                    .iter()
                    .map(|c| (c.col, c.value.to_text().trim().to_string()))
                    .collect(),
                columns: found,
            })
        })
}

fn text_of(header: &Header, row: &Row, field: Field) -> String {
    header
        .col(field)
        .and_then(|c| row.get(c))
        .map(|v| match v {
            Value::Error(_) | Value::FormulaWithoutValue(_) => String::new(),
            other => clean(&other.to_text()),
        })
        .unwrap_or_default()
}

/// The row's text when it states a balance (`Solde au 30/11/2017`).
fn balance_label(row: &Row) -> Option<String> {
    row.cells.iter().find_map(|c| match &c.value {
        Value::Text(t) => {
            let f = fold(t);
            BALANCE_WORDS
                .iter()
                .any(|w| starts_with_word(&f, w))
                .then(|| clean(t))
        }
        _ => None,
    })
}

/// A date written in a balance row's text, by the rules' date patterns.
fn date_in(row: &Row, rules: &Rules) -> Option<NaiveDate> {
    row.cells.iter().find_map(|c| {
        let Value::Text(t) = &c.value else {
            return None;
        };
        let words: Vec<&str> = t.split_whitespace().collect();
        (0..words.len()).find_map(|i| {
            (1..=3).rev().find_map(|n| {
                let end = (i + n).min(words.len());
                parse_date_text(&words[i..end].join(" "), &rules.date_patterns).ok()
            })
        })
    })
}

/// The amount of a balance row, in the books' sign; empty or zero amount cells are a
/// zero balance.
fn balance_amount(
    cx: &Context<'_>,
    header: &Header,
    row: &Row,
) -> Result<Decimal, Vec<Diagnostic>> {
    let empty = [Field::Amount, Field::Debit, Field::Credit]
        .into_iter()
        .filter_map(|f| header.col(f))
        .all(|c| match row.get(c) {
            None => true,
            Some(Value::Number(f)) => *f == 0.0,
            Some(Value::Int(i)) => *i == 0,
            Some(Value::Text(t)) => t.trim().is_empty() || t.trim() == "0",
            Some(_) => false,
        });
    if empty {
        return Ok(Decimal::ZERO);
    }
    read_amount(cx, header, row).map(|a| -a)
}
