//! Planned rows as journal text, through the canonical printer
//! (`render::journal::write_transaction`), so what is appended reads the same in
//! fundledger, hledger and ledger.
//!
//! Each row becomes one transaction that balances within each fund: per donor share an
//! expense posting (`donor:`, `line:`, `activity:`) and a payment posting (`donor:`);
//! the transaction carries `source:` (file, sheet and row) and `import-key:`.

use std::fmt::Write as _;

use crate::model::{
    Amount, Dimensions, Journal, Meta, MetaRange, Posting, Status, Symbol, Transaction,
};
use crate::read::rules::StatusRule;
use crate::render::journal::write_transaction;
use crate::source::FileId;

use super::context::Context;
use super::key::{KEY_TAG, SOURCE_TAG};
use super::row::Draft;

/// A draft with its import key, ready to print.
#[derive(Debug, Clone)]
pub struct Planned {
    pub draft: Draft,
    pub key: String,
}

/// Journal text being built, with where each transaction starts.
#[derive(Debug, Default)]
pub struct Text {
    pub text: String,
    /// 0-based line of each transaction's header in `text`.
    pub tx_lines: Vec<u32>,
    /// The sheet row of each transaction.
    pub tx_rows: Vec<u32>,
    lines: u32,
}

impl Text {
    /// Appends `s`, counting its lines.
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.lines +=
            u32::try_from(memchr::memchr_iter(b'\n', s.as_bytes()).count()).unwrap_or(u32::MAX);
    }

    /// Appends another text (printed separately), after this one.
    pub fn append(&mut self, other: Text) {
        let offset = self.lines;
        self.tx_lines
            .extend(other.tx_lines.iter().map(|l| l + offset));
        self.tx_rows.extend(other.tx_rows);
        self.text.push_str(&other.text);
        self.lines += other.lines;
    }

    /// Reserves room for `bytes` more bytes of text.
    pub fn reserve(&mut self, bytes: usize) {
        self.text.reserve(bytes);
    }

    /// Number of transactions.
    pub fn len(&self) -> usize {
        self.tx_rows.len()
    }

    /// True when there is no transaction.
    pub fn is_empty(&self) -> bool {
        self.tx_rows.is_empty()
    }

    /// Starts the text with declarations the journal lacks: `decimal-mark .` (hledger
    /// misreads grouped amounts without it) and `tag` directives for the tags the
    /// import writes (`ledger --pedantic` refuses undeclared tags).
    pub fn declare(&mut self, decimal_mark: bool, tags: &[&str]) {
        if !decimal_mark && tags.is_empty() {
            return;
        }
        let mut s = String::from("\n");
        if decimal_mark {
            s.push_str("decimal-mark .\n");
        }
        for t in tags {
            s.push_str("tag ");
            s.push_str(t);
            s.push('\n');
        }
        self.push(&s);
    }

    /// The sheet row of the transaction holding `line` of the text.
    pub fn row_of_line(&self, line: u32) -> Option<u32> {
        let i = self.tx_lines.partition_point(|l| *l <= line);
        i.checked_sub(1).map(|i| self.tx_rows[i])
    }
}

/// Prints `rows` after `out`'s text: one blank line, then each transaction.
/// `source` is the archived file's path relative to the ledger (`sources/<digest>.xlsx`).
pub fn render(cx: &Context<'_>, rows: &[Planned], source: &str, out: &mut Text) {
    let mut j = Journal::default();
    let commodity = j.commodities.intern(&cx.commodity);
    let tag_source = j.symbols.intern(SOURCE_TAG);
    let tag_key = j.symbols.intern(KEY_TAG);
    let tag_payee = j.symbols.intern("payee");
    let donors: Vec<Symbol> = cx
        .project
        .donors
        .iter()
        .map(|d| j.symbols.intern(&d.id))
        .collect();
    let status = match cx.rules.status {
        StatusRule::Cleared => Status::Cleared,
        StatusRule::Pending => Status::Pending,
        StatusRule::None => Status::Unmarked,
    };
    let mut s = String::with_capacity(512);
    let mut place = String::with_capacity(96);
    for p in rows {
        let d = &p.draft;
        let meta_start = u32::try_from(j.metas.len()).unwrap_or(u32::MAX);
        place.clear();
        let _ = write!(place, "{source}#{}!A{}", cx.sheet, u64::from(d.row) + 1);
        let v = j.text.push(&place);
        j.metas.push(Meta::Tag {
            name: tag_source,
            value: v,
        });
        let v = j.text.push(&p.key);
        j.metas.push(Meta::Tag {
            name: tag_key,
            value: v,
        });
        if let Some(payee) = &d.payee {
            let v = j.text.push(&payee.replace(',', " "));
            j.metas.push(Meta::Tag {
                name: tag_payee,
                value: v,
            });
        }
        let meta_len = u32::try_from(j.metas.len()).unwrap_or(u32::MAX) - meta_start;
        let line = &cx.project.lines[usize::from(d.key.line)];
        let line_sym = j.symbols.intern(&line.code);
        let activity = d.activity.map(|a| {
            j.symbols
                .intern(&cx.project.activities[usize::from(a)].code)
        });
        let expense = j.accounts.intern(&cx.accounts[d.expense_account as usize]);
        let payment = j.accounts.intern(&cx.accounts[d.payment_account as usize]);
        let first = u32::try_from(j.postings.len()).unwrap_or(u32::MAX);
        for (donor, amount) in &d.parts {
            j.postings.push(posting(
                expense,
                *amount,
                commodity,
                Dimensions {
                    donor: Some(donors[usize::from(*donor)]),
                    line: Some(line_sym),
                    activity,
                },
            ));
        }
        for (donor, amount) in &d.parts {
            j.postings.push(posting(
                payment,
                -*amount,
                commodity,
                Dimensions {
                    donor: Some(donors[usize::from(*donor)]),
                    line: None,
                    activity: None,
                },
            ));
        }
        let t = Transaction {
            date: d.key.date,
            date2: None,
            status,
            code: j.text.push(&d.key.voucher),
            description: j.text.push(&d.description),
            dims: Dimensions::default(),
            meta: MetaRange {
                start: meta_start,
                len: meta_len,
            },
            first_posting: first,
            posting_count: u32::try_from(d.parts.len() * 2).unwrap_or(u32::MAX),
            file: FileId(0),
            line: 0,
        };
        s.clear();
        s.push('\n');
        write_transaction(&j, &t, &mut s);
        out.tx_lines.push(out.lines + 1);
        out.tx_rows.push(d.row);
        out.push(&s);
    }
}

fn posting(
    account: Symbol,
    quantity: rust_decimal::Decimal,
    commodity: Symbol,
    dims: Dimensions,
) -> Posting {
    let own = u8::from(dims.donor.is_some())
        | (u8::from(dims.line.is_some()) << 1)
        | (u8::from(dims.activity.is_some()) << 2);
    Posting {
        account,
        amount: Amount {
            quantity,
            commodity,
        },
        dims,
        own_dims: own,
        status: Status::Unmarked,
        elided: false,
        extra: None,
        meta: MetaRange::default(),
        line: 0,
    }
}
