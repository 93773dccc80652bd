//! Importing expenditure spreadsheets: rows in, fund-balanced transactions out.
//!
//! The pipeline (`fundledger import`, see `cmd::import`):
//!
//! 1. `read::rules` reads the rules file; `read::sheet` streams the sheet's rows (a
//!    reading thread) while this module handles them in order (the calling thread):
//! 2. [`header`] finds the header row among the top rows;
//! 3. [`row`] tells data rows from blank, total, repeated-header and note rows, reads
//!    every field of a data row and checks it against the project and the rules
//!    ([`context`]), locating each problem at its cell;
//! 4. [`key`] fingerprints the row; a row whose key is already in the journal is
//!    skipped as already imported; a new row with a booked voucher and date is
//!    imported with a warning ([`booked`]: likely a corrected payment, charged twice);
//! 5. [`render`] prints the good rows as journal text with the canonical printer;
//! 6. [`validate`] parses that exact text back and runs every ledger check on the books
//!    with it; [`rejects`] writes the rows that cannot be imported; [`archive`] keeps a
//!    copy of the file under `sources/`; `fsio` appends the text, all or nothing.
//!
//! Nothing here prints or writes the journal; the command decides.

pub mod archive;
pub mod booked;
pub mod context;
pub mod header;
pub mod key;
pub mod rejects;
pub mod render;
pub mod row;
pub mod validate;

use std::path::Path;
use std::sync::mpsc::{SyncSender, sync_channel};

use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::diag::{Code, Diagnostic};
use crate::model::{Journal, Project};
use crate::read::rules::Rules;
use crate::read::sheet::fold::header_key;
use crate::read::sheet::{self, Limits, Region, Row, RowVisitor, SheetError};
use crate::source::FileId;
use context::Context;
use header::Header;
use render::{Planned, Text};
use row::Kind;

/// What the caller asks for.
pub struct Request<'a> {
    /// The spreadsheet.
    pub path: &'a Path,
    /// Sheet named on the command line (else the rules', else the first).
    pub sheet: Option<&'a str>,
    /// Where the file is archived, relative to the ledger (`sources/<digest>.xlsx`).
    pub source: String,
    /// Keep the cells of rejected rows (for a rejects file).
    pub keep_rejected: bool,
    pub limits: Limits,
    /// The journal already declares `decimal-mark .` (else the text starts with it).
    pub journal_has_decimal_mark: bool,
    /// Called as rows are read: the last row read, and the rows the sheet claims.
    pub progress: &'a dyn Fn(u32, Option<u32>),
}

/// How many rows went where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows below the header, up to the last non-empty one.
    pub read: u64,
    pub imported: u64,
    pub blank: u64,
    pub totals: u64,
    pub repeated_headers: u64,
    pub notes: u64,
    pub already_imported: u64,
    pub rejected: u64,
}

/// A row that cannot be imported, with its cells and why.
#[derive(Debug, Clone)]
pub struct RejectedRow {
    pub row: Row,
    pub reasons: Vec<String>,
    /// The row's occurrence number among the file's rows with the same key fields, when
    /// they could be read: the rejects file keeps it, so that the fixed row gets the
    /// import key it would have had in this file (see [`key`]).
    pub occurrence: Option<u32>,
}

/// The expense of one donor share of one row, for the totals.
#[derive(Debug, Default)]
pub struct Shares {
    /// Donor index in the project.
    pub donor: Vec<u32>,
    /// Budget line index in the project.
    pub line: Vec<u32>,
    /// The amount in units of the commodity's precision.
    pub units: Vec<i128>,
    /// Their exact sum, to check the totals against.
    pub sum: Decimal,
}

/// The outcome of reading and checking a sheet.
#[derive(Debug)]
pub struct Planning {
    pub sheet: String,
    pub header: Option<Header>,
    /// The journal text of the rows to import.
    pub text: Text,
    pub counts: Counts,
    pub rejected: Vec<RejectedRow>,
    /// Errors (rows that cannot be imported, or no header) and warnings, located.
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    pub shares: Shares,
    /// Commodity of the amounts and its decimals.
    pub commodity: String,
    pub precision: u32,
}

/// Why an import cannot run at all.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Sheet(#[from] SheetError),
    /// The rules contradict the project (located in the rules file).
    #[error("the rules file does not fit this ledger")]
    Rules(Vec<Diagnostic>),
}

/// Reads the sheet and checks every row against `project`, `journal` and `rules`.
///
/// Threads work as a pipeline over bounded channels: one reads the sheet, this one
/// checks rows in order (header, kinds, fields, keys, duplicates) and prints the accepted
/// rows as journal text. With three cores or more, printing gets a thread of its own; on
/// two, a third busy thread would only take time from the reader, the slowest stage.
///
/// # Errors
/// When the file cannot be read as a spreadsheet, or the rules do not fit the project.
/// Problems in rows are in the returned [`Planning`].
pub fn plan(
    project: &Project,
    journal: &Journal,
    rules: &Rules,
    file: FileId,
    request: &Request<'_>,
) -> Result<Planning, PlanError> {
    let mut cx = Context::new(project, journal, rules, file).map_err(PlanError::Rules)?;
    let existing = key::existing_keys(journal);
    let booked = booked::Booked::new(journal);
    let undeclared_tags: Vec<&'static str> = [key::SOURCE_TAG, key::KEY_TAG, "payee"]
        .into_iter()
        .filter(|t| !journal.directives.tags.iter().any(|d| d.name == *t))
        .collect();
    let sheet_wanted = request.sheet.or(rules.sheet.as_deref());
    let (path, limits, csv) = (request.path, request.limits, rules.csv);
    let failed = |path: &Path| SheetError::Damaged {
        path: path.display().to_string(),
        why: "a thread of the import failed".into(),
    };
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<Message>(16);
        let reader = scope.spawn(move || {
            let mut forward = Forward {
                sender,
                batch: Vec::with_capacity(BATCH),
            };
            let summary = sheet::read(path, sheet_wanted, &csv, &limits, &mut forward);
            forward.flush();
            summary
        });
        // The sheet's name, date system and merged cells come before its rows.
        let claimed = match receiver.recv() {
            Ok(Message::Start {
                sheet,
                claimed,
                is_1904,
                merged,
            }) => {
                cx.sheet = sheet;
                cx.is_1904 = is_1904;
                cx.merged = merged;
                claimed
            }
            _ => None,
        };
        let cx = &cx;
        let source = request.source.as_str();
        let mut text = Text::default();
        // About 330 bytes of journal per row: reserving spares copying a growing text.
        // Pages never written cost nothing, so a sheet claiming more rows than it has
        // costs nothing either (capped at 1 GiB).
        if let Some(rows) = claimed {
            let bytes = usize::try_from(rows)
                .unwrap_or(usize::MAX)
                .saturating_mul(360);
            text.reserve(bytes.min(1 << 30));
        }
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let (printer, printing) = if cores >= 3 {
            let (to_printer, printed) = sync_channel::<Print>(4);
            let handle = scope.spawn(move || {
                for message in printed {
                    print(cx, source, message, &mut text);
                }
                text
            });
            (Printer::Thread(to_printer), Some(handle))
        } else {
            (Printer::Inline(text), None)
        };
        let mut engine = Engine {
            cx,
            request,
            printer,
            commodity: cx.commodity.clone(),
            precision: cx.precision,
            header: None,
            occurrence_col: None,
            undeclared_tags,
            claimed,
            header_failed: false,
            top: Vec::new(),
            rows_seen: 0,
            last_row: None,
            occurrences: FxHashMap::default(),
            existing,
            booked,
            pending: Vec::new(),
            counts: Counts::default(),
            rejected: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            shares: Shares::default(),
        };
        for message in receiver {
            let Message::Rows(rows) = message else {
                continue;
            };
            let last = rows.last().map(|r| r.index);
            let go_on = engine.rows(rows);
            if let Some(last) = last {
                (request.progress)(last, engine.claimed);
            }
            if !go_on {
                break;
            }
        }
        let summary = reader.join().unwrap_or_else(|_| Err(failed(path)))?;
        let (mut planning, inline) = engine.finish();
        planning.text = match (inline, printing) {
            (Some(text), _) => text,
            (None, Some(handle)) => handle.join().map_err(|_| failed(path))?,
            (None, None) => Text::default(),
        };
        planning.sheet = summary.name;
        Ok(planning)
    })
}

/// Work for the printer.
enum Print {
    /// The declarations the journal lacks: `decimal-mark .`, and these tags.
    Declarations(bool, Vec<&'static str>),
    Rows(Vec<Planned>),
}

/// Where accepted rows are printed: on a thread of its own, or as they come.
enum Printer {
    Thread(SyncSender<Print>),
    Inline(Text),
}

fn print(cx: &Context<'_>, source: &str, message: Print, text: &mut Text) {
    match message {
        Print::Declarations(decimal_mark, tags) => text.declare(decimal_mark, &tags),
        Print::Rows(rows) => render::render(cx, &rows, source, text),
    }
}

const BATCH: usize = 2048;

/// An occurrence number written in a rejects file: a whole number from 1.
fn occurrence_value(v: &sheet::Value) -> Option<u32> {
    match v {
        sheet::Value::Int(i) => u32::try_from(*i).ok(),
        sheet::Value::Number(f) if f.fract() == 0.0 && (1.0..1e9).contains(f) =>
        {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(*f as u32)
        }
        sheet::Value::Text(t) => t.trim().parse().ok(),
        _ => None,
    }
    .filter(|n| *n >= 1)
}

enum Message {
    Start {
        sheet: String,
        claimed: Option<u32>,
        is_1904: bool,
        merged: Vec<Region>,
    },
    Rows(Vec<Row>),
}

/// The reading thread's visitor: rows in batches over a bounded channel.
struct Forward {
    sender: std::sync::mpsc::SyncSender<Message>,
    batch: Vec<Row>,
}

impl Forward {
    fn flush(&mut self) -> bool {
        if self.batch.is_empty() {
            return true;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.sender.send(Message::Rows(batch)).is_ok()
    }
}

impl RowVisitor for Forward {
    fn start(&mut self, sheet: &str, claimed_rows: Option<u32>, is_1904: bool, merged: &[Region]) {
        let _ = self.sender.send(Message::Start {
            sheet: sheet.to_string(),
            claimed: claimed_rows,
            is_1904,
            merged: merged.to_vec(),
        });
    }

    fn row(&mut self, row: Row) -> bool {
        self.batch.push(row);
        self.batch.len() < BATCH || self.flush()
    }
}

struct Engine<'c, 'p, 'r> {
    cx: &'c Context<'p>,
    request: &'r Request<'r>,
    printer: Printer,
    commodity: String,
    precision: u32,
    header: Option<Header>,
    /// The column of a rejects file giving each row's occurrence number.
    occurrence_col: Option<u32>,
    /// Tags the journal does not declare yet, among those an import writes.
    undeclared_tags: Vec<&'static str>,
    claimed: Option<u32>,
    header_failed: bool,
    top: Vec<Row>,
    rows_seen: u64,
    last_row: Option<u32>,
    occurrences: FxHashMap<u128, u32>,
    existing: FxHashSet<u128>,
    booked: booked::Booked<'p>,
    pending: Vec<Planned>,
    counts: Counts,
    rejected: Vec<RejectedRow>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    shares: Shares,
}

impl Engine<'_, '_, '_> {
    /// Handles a batch of rows, in order; false to stop reading.
    fn rows(&mut self, batch: Vec<Row>) -> bool {
        let mut batch = batch.into_iter();
        while self.header.is_none() {
            let Some(row) = batch.next() else {
                return true;
            };
            if !self.search_header(row) {
                return false;
            }
        }
        let Some(header) = self.header.take() else {
            return true;
        };
        let voucher_col = header.col(crate::read::rules::Field::Voucher);
        for r in batch.filter(|r| r.index > header.row) {
            self.rows_seen += 1;
            self.last_row = Some(r.index);
            match row::classify(self.cx, &header, &r) {
                Kind::RepeatedHeader => self.counts.repeated_headers += 1,
                Kind::Totals => self.counts.totals += 1,
                Kind::Note => self.counts.notes += 1,
                Kind::Data => {
                    let read = row::read_row(self.cx, &header, &r);
                    self.data_row(r, read, voucher_col);
                }
            }
        }
        self.header = Some(header);
        true
    }

    fn search_header(&mut self, row: Row) -> bool {
        let limit = self.cx.rules.header_search_rows;
        if row.index < limit {
            let found = header::find(std::slice::from_ref(&row), self.cx.rules).ok();
            self.top.push(row);
            if let Some(h) = found {
                // Declarations the appended text needs go first: the decimal mark, and
                // the tags it will write (payee only when the sheet has that column).
                let payee = h.col(crate::read::rules::Field::Payee).is_some();
                let tags: Vec<&'static str> = self
                    .undeclared_tags
                    .iter()
                    .copied()
                    .filter(|t| payee || *t != "payee")
                    .collect();
                self.print(Print::Declarations(
                    !self.request.journal_has_decimal_mark,
                    tags,
                ));
                let wanted = header_key(rejects::OCCURRENCE);
                self.occurrence_col = h
                    .names
                    .iter()
                    .find(|(c, n)| {
                        header_key(n) == wanted && !h.columns.iter().any(|(_, m)| m == c)
                    })
                    .map(|(c, _)| *c);
                self.header = Some(h);
                self.top.clear();
            }
            return true;
        }
        self.fail_header();
        false
    }

    fn fail_header(&mut self) {
        if self.header_failed {
            return;
        }
        self.header_failed = true;
        let rules = self.cx.rules;
        let limit = rules.header_search_rows;
        let wanted = |f| {
            rules
                .names(f)
                .and_then(|n| n.first())
                .map_or_else(|| f.key().to_string(), |n| format!("«{n}»"))
        };
        use crate::read::rules::Field;
        let amount = if rules.names(Field::Amount).is_some() {
            wanted(Field::Amount)
        } else {
            format!("{} / {}", wanted(Field::Debit), wanted(Field::Credit))
        };
        let miss = header::find(&self.top, rules).err();
        let (at_row, help) = match miss.and_then(|m| m.best) {
            Some((row, missing)) => (
                row,
                format!(
                    "row {} looks like the header but has no column named {}; add the sheet's names under [columns] in {}",
                    u64::from(row) + 1,
                    missing
                        .iter()
                        .map(|f| if *f == Field::Amount {
                            amount.clone()
                        } else {
                            wanted(*f)
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    rules.path.display()
                ),
            ),
            None => (
                0,
                format!(
                    "check the sheet (--sheet NAME), or the names under [columns] in {}",
                    rules.path.display()
                ),
            ),
        };
        self.errors.push(
            Diagnostic::error(
                Code::Import,
                self.cx.cell(at_row, 0),
                format!(
                    "no header row in the first {limit} rows: expected columns {}, {} and {amount}",
                    wanted(Field::Date),
                    wanted(Field::Line)
                ),
            )
            .with_help(help),
        );
    }

    fn data_row(&mut self, row: Row, read: row::RowRead, voucher_col: Option<u32>) {
        let mut occurrence = None;
        if let Some(k) = &read.key {
            let code = &self.cx.project.lines[usize::from(k.line)].code;
            let content = key::content(k, code);
            // A rejects file says which occurrence each row was in the file it came
            // from; elsewhere, identical rows are counted.
            let given = self
                .occurrence_col
                .and_then(|c| row.get(c))
                .and_then(occurrence_value);
            let n = given.unwrap_or_else(|| {
                let n = self
                    .occurrences
                    .entry(key::content_digest(&content))
                    .or_insert(0);
                *n += 1;
                *n
            });
            occurrence = Some(n);
            let (value, hex) = key::import_key(&content, n);
            if self.existing.contains(&value) {
                self.counts.already_imported += 1;
                return;
            }
            if read.errors.is_empty()
                && let Some(draft) = read.draft
            {
                self.warnings.extend(read.warnings);
                if let (Some(col), Some(place)) =
                    (voucher_col, self.booked.find(k.date, &k.voucher))
                {
                    self.warnings.push(Diagnostic::warning(
                        Code::Import,
                        self.cx.cell(row.index, col),
                        format!(
                            "voucher {} of {} is already booked ({place}) with another amount or budget line: this row is imported as another payment",
                            k.voucher, k.date
                        ),
                    ).with_help("if it corrects the booked payment, do not import it twice: book a correcting entry (or leave this row out); if the voucher has several lines, all is well".to_string()));
                }
                self.accept(draft, hex);
                return;
            }
        }
        // A rejected row's warnings (eligibility) would only distract from its errors.
        self.counts.rejected += 1;
        if self.request.keep_rejected {
            self.rejected.push(RejectedRow {
                row,
                reasons: read.errors.iter().map(|d| d.message.clone()).collect(),
                occurrence,
            });
        }
        self.errors.extend(read.errors);
    }

    fn accept(&mut self, draft: row::Draft, key: String) {
        self.counts.imported += 1;
        for (donor, amount) in &draft.parts {
            let mut a = amount.normalize();
            a.rescale(self.precision);
            self.shares.donor.push(u32::from(*donor));
            self.shares.line.push(u32::from(draft.key.line));
            self.shares.units.push(a.mantissa());
            self.shares.sum += *amount;
        }
        self.pending.push(Planned { draft, key });
        if self.pending.len() >= BATCH {
            self.render_pending();
        }
    }

    fn render_pending(&mut self) {
        if !self.pending.is_empty() {
            let rows = std::mem::replace(&mut self.pending, Vec::with_capacity(BATCH));
            self.print(Print::Rows(rows));
        }
    }

    fn print(&mut self, message: Print) {
        match &mut self.printer {
            Printer::Thread(sender) => {
                let _ = sender.send(message);
            }
            Printer::Inline(text) => print(self.cx, &self.request.source, message, text),
        }
    }

    /// The planning, and the text when it was printed here.
    fn finish(mut self) -> (Planning, Option<Text>) {
        if self.header.is_none() {
            self.fail_header();
        }
        self.render_pending();
        if let (Some(h), Some(last)) = (&self.header, self.last_row) {
            self.counts.read = u64::from(last - h.row);
            self.counts.blank = self.counts.read.saturating_sub(self.rows_seen);
        }
        let planning = Planning {
            sheet: self.cx.sheet.clone(),
            header: self.header,
            text: Text::default(),
            counts: self.counts,
            rejected: self.rejected,
            errors: self.errors,
            warnings: self.warnings,
            shares: self.shares,
            commodity: self.commodity,
            precision: self.precision,
        };
        let text = match self.printer {
            Printer::Inline(text) => Some(text),
            Printer::Thread(_) => None,
        };
        (planning, text)
    }
}
