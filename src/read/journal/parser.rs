//! One pass over a chunk of journal text, line by line, producing transactions,
//! postings and directives with chunk-local ids and line numbers.
//!
//! Chunks start at a transaction boundary, so several can be parsed at once; the
//! loader (`super::load`) renumbers ids and lines when it joins them. A problem in a
//! transaction drops that transaction and is reported; parsing goes on, so every
//! problem in the file is listed.

use rust_decimal::Decimal;

use super::date::{DateError, parse_date};
use super::number::{parse_number, parse_symbol};
use crate::diag::{Code, Diagnostic};
use crate::model::{
    AccountDecl, Amount, CommodityDecl, Cost, CostKind, Dimension, Dimensions, Directives,
    Interner, Meta, MetaRange, NameDecl, Posting, PostingExtra, Price, Status, TextArena,
    Transaction,
};
use crate::source::{FileId, Location, TextPos};

/// An `include` directive, to be expanded by the loader.
#[derive(Debug, Clone)]
pub struct Include {
    /// Number of this chunk's transactions that precede the directive.
    pub before_transaction: usize,
    pub path: String,
    pub pos: TextPos,
}

/// What one chunk of text holds, with chunk-local ids and 0-based chunk-local lines.
#[derive(Debug, Default)]
pub struct ParsedChunk {
    pub file: FileId,
    /// Number of lines in the chunk.
    pub lines: u32,
    pub accounts: Interner,
    pub commodities: Interner,
    pub symbols: Interner,
    pub text: TextArena,
    pub transactions: Vec<Transaction>,
    pub postings: Vec<Posting>,
    pub posting_extras: Vec<PostingExtra>,
    pub metas: Vec<Meta>,
    pub directives: Directives,
    pub includes: Vec<Include>,
    pub diagnostics: Vec<Diagnostic>,
    /// Line of the first `decimal-mark .` directive.
    pub decimal_mark_line: Option<u32>,
    /// First number with `,` digit groups (to warn when no `decimal-mark .` precedes it).
    pub first_grouped_number: Option<TextPos>,
    /// Largest number of decimals written per commodity (by local commodity index).
    pub observed_precision: Vec<u32>,
    /// The chunk ended inside an unterminated `comment` block.
    pub ends_in_comment_block: bool,
    /// Where the `comment` block the chunk ends in was opened, when that is in this chunk.
    pub open_comment_block: Option<TextPos>,
}

/// Parses `src`, a whole number of lines from `file`.
///
/// `starts_in_comment_block` is true when the previous chunk ended inside a `comment`
/// block; `strip_bom` removes a UTF-8 byte-order mark at the very start of a file.
pub fn parse_chunk(src: &str, file: FileId, starts_in_comment_block: bool) -> ParsedChunk {
    parse_chunk_with(src, file, starts_in_comment_block, DEFAULT_MAX_LINE_BYTES)
}

/// The longest journal line read by default (1 MiB); longer lines are errors.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

/// [`parse_chunk`] with a limit on line length: a longer line is reported and skipped
/// (hostile or corrupt input must not cost unbounded time or memory downstream).
pub fn parse_chunk_with(
    src: &str,
    file: FileId,
    starts_in_comment_block: bool,
    max_line: usize,
) -> ParsedChunk {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut p = Parser {
        src,
        max_line,
        pos: 0,
        line: 0,
        out: ParsedChunk {
            file,
            ..ParsedChunk::default()
        },
        in_comment_block: starts_in_comment_block,
    };
    p.out.transactions.reserve(src.len() / 200);
    p.out.postings.reserve(src.len() / 90);
    p.out.text.reserve(src.len() / 12);
    p.run();
    p.out.lines = p.line;
    p.out.ends_in_comment_block = p.in_comment_block;
    if !p.in_comment_block {
        p.out.open_comment_block = None;
    }
    p.out
}

/// One line: its 0-based number in the chunk and its text without `\r\n`.
#[derive(Clone, Copy)]
struct Line<'s> {
    no: u32,
    text: &'s str,
}

struct Parser<'s> {
    src: &'s str,
    max_line: usize,
    pos: usize,
    line: u32,
    out: ParsedChunk,
    in_comment_block: bool,
}

/// The result of reading one posting line.
enum PostingLine {
    Ok,
    /// The transaction is broken; the diagnostic has been recorded.
    Failed,
}

impl<'s> Parser<'s> {
    fn peek(&self) -> Option<Line<'s>> {
        if self.pos >= self.src.len() {
            return None;
        }
        let rest = &self.src.as_bytes()[self.pos..];
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let mut text = &self.src[self.pos..self.pos + end];
        if let Some(t) = text.strip_suffix('\r') {
            text = t;
        }
        Some(Line {
            no: self.line,
            text,
        })
    }

    fn advance(&mut self) {
        let rest = &self.src.as_bytes()[self.pos..];
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        self.pos += end;
        self.line += 1;
    }

    fn next(&mut self) -> Option<Line<'s>> {
        let l = self.peek()?;
        self.advance();
        Some(l)
    }

    fn at(&self, line: u32, col: usize, len: usize) -> Location {
        Location::Text(self.pos_at(line, col, len))
    }

    fn pos_at(&self, line: u32, col: usize, len: usize) -> TextPos {
        TextPos {
            file: self.out.file,
            line,
            col: col as u32,
            len: len.max(1) as u32,
        }
    }

    fn error(&mut self, code: Code, line: u32, col: usize, len: usize, message: impl Into<String>) {
        let d = Diagnostic::error(code, self.at(line, col, len), message);
        self.out.diagnostics.push(d);
    }

    fn error_help(
        &mut self,
        code: Code,
        line: u32,
        col: usize,
        len: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = Diagnostic::error(code, self.at(line, col, len), message).with_help(help);
        self.out.diagnostics.push(d);
    }

    fn warn(
        &mut self,
        line: u32,
        col: usize,
        len: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = Diagnostic::warning(Code::Compat, self.at(line, col, len), message).with_help(help);
        self.out.diagnostics.push(d);
    }

    /// Reports `line` when it is longer than allowed; true when it must be skipped.
    fn too_long(&mut self, line: Line<'s>) -> bool {
        if line.text.len() <= self.max_line {
            return false;
        }
        let d = Diagnostic::error(
            Code::Syntax,
            self.at(line.no, 0, 1),
            format!(
                "line of {} bytes, longer than the {} bytes allowed",
                line.text.len(),
                self.max_line
            ),
        )
        .with_help(
            "a journal line this long is corrupt input; FUNDLEDGER_MAX_LINE_BYTES raises the limit",
        );
        self.out.diagnostics.push(d);
        true
    }

    fn run(&mut self) {
        while let Some(line) = self.next() {
            if self.too_long(line) {
                // A transaction's postings go with its header: one error, not one per line.
                self.skip_indented();
                continue;
            }
            let text = line.text;
            if self.in_comment_block {
                if text.trim_end() == "end comment" {
                    self.in_comment_block = false;
                }
                continue;
            }
            match text.as_bytes().first() {
                None => {}
                Some(b'0'..=b'9') => self.transaction(line),
                Some(b';' | b'#' | b'*') => {}
                Some(b' ' | b'\t') => {
                    let t = text.trim_start();
                    if !(t.is_empty() || t.starts_with(';') || t.starts_with('#')) {
                        let col = text.len() - t.len();
                        self.error_help(
                            Code::Syntax,
                            line.no,
                            col,
                            t.len(),
                            "indented line outside a transaction",
                            "postings must follow their transaction's date line with no blank line between",
                        );
                    }
                }
                Some(b'~') => {
                    self.out.diagnostics.push(
                        Diagnostic::warning(
                            Code::Unsupported,
                            self.at(line.no, 0, 1),
                            "periodic transaction ignored",
                        )
                        .with_help(
                            "budgets live in project.toml; fundledger does not read `~` rules",
                        ),
                    );
                    self.skip_indented();
                }
                Some(b'=') => {
                    self.error_help(
                        Code::Unsupported,
                        line.no,
                        0,
                        1,
                        "automated transactions (`=`) are not supported",
                        "hledger and ledger apply them differently; write the postings explicitly",
                    );
                    self.skip_indented();
                }
                Some(b'%' | b'|') => self.error_help(
                    Code::Unsupported,
                    line.no,
                    0,
                    1,
                    "this comment style is not read by hledger",
                    "start comment lines with `;`",
                ),
                Some(_) => self.directive(line),
            }
        }
    }

    fn skip_indented(&mut self) {
        while let Some(l) = self.peek() {
            if is_continuation(l.text) {
                self.advance();
            } else {
                break;
            }
        }
    }

    // ---------------------------------------------------------------- directives

    fn directive(&mut self, line: Line<'s>) {
        let text = line.text;
        let word_end = text.find(|c: char| c.is_whitespace()).unwrap_or(text.len());
        let word = &text[..word_end];
        let rest_raw = &text[word_end..];
        let rest = rest_raw.trim();
        let rest_col = word_end + (rest_raw.len() - rest_raw.trim_start().len());
        match word {
            "account" => self.account_directive(line, rest, rest_col),
            "commodity" => self.commodity_directive(line, rest, rest_col),
            "tag" | "payee" => {
                let name = strip_comment(rest);
                if name.is_empty() {
                    self.error(
                        Code::Syntax,
                        line.no,
                        0,
                        word.len(),
                        format!("`{word}` needs a name"),
                    );
                } else {
                    let decl = NameDecl {
                        name: name.to_string(),
                        pos: self.pos_at(line.no, rest_col, name.len()),
                    };
                    if word == "tag" {
                        self.out.directives.tags.push(decl);
                    } else {
                        self.out.directives.payees.push(decl);
                    }
                }
                self.skip_indented();
            }
            "include" => {
                if rest.is_empty() {
                    self.error(
                        Code::Syntax,
                        line.no,
                        0,
                        word.len(),
                        "`include` needs a file name",
                    );
                } else if rest.contains(['*', '?']) {
                    self.error_help(
                        Code::Unsupported,
                        line.no,
                        rest_col,
                        rest.len(),
                        format!("wildcards in `include` are not supported: {rest}"),
                        "include each file by its name, one `include` line per file",
                    );
                } else {
                    let before = self.out.transactions.len();
                    let pos = self.pos_at(line.no, rest_col, rest.len());
                    self.out.includes.push(Include {
                        before_transaction: before,
                        path: rest.to_string(),
                        pos,
                    });
                }
            }
            "P" => self.price_directive(line, rest, rest_col),
            "decimal-mark" => match strip_comment(rest) {
                "." => {
                    if self.out.decimal_mark_line.is_none() {
                        self.out.decimal_mark_line = Some(line.no);
                    }
                }
                "," => self.error_help(
                    Code::Unsupported,
                    line.no,
                    rest_col,
                    1,
                    "a decimal comma is not read by ledger",
                    "use `decimal-mark .` and write numbers like 1,234.50",
                ),
                other => self.error(
                    Code::Syntax,
                    line.no,
                    rest_col,
                    other.len(),
                    format!("`decimal-mark` takes `.`, not {other:?}"),
                ),
            },
            "comment" => {
                self.in_comment_block = true;
                self.out.open_comment_block = Some(self.pos_at(line.no, 0, word.len()));
            }
            "end" if rest == "comment" => {}
            "alias" | "apply" | "end" | "Y" | "year" | "D" | "C" | "N" | "A" | "bucket"
            | "define" | "def" | "check" | "assert" | "expr" | "value" | "python" | "import"
            | "eval" | "test" | "timeclock" | "i" | "o" | "h" => {
                self.error_help(
                    Code::Unsupported,
                    line.no,
                    0,
                    word.len(),
                    format!("the `{word}` directive is not supported"),
                    "fundledger reads the journal syntax that hledger and ledger read alike (README, \"Journal syntax\")",
                );
                self.skip_indented();
            }
            _ => {
                self.error_help(
                    Code::Syntax,
                    line.no,
                    0,
                    word.len(),
                    format!("unknown directive `{word}`"),
                    "a transaction starts with a date (2017-10-30); directives are account, commodity, tag, payee, include, P, decimal-mark, comment",
                );
                self.skip_indented();
            }
        }
    }

    fn account_directive(&mut self, line: Line<'s>, rest: &'s str, rest_col: usize) {
        let name_len = account_name_len(rest.as_bytes());
        let name = &rest[..name_len];
        if name.is_empty() {
            self.error(
                Code::Syntax,
                line.no,
                0,
                7,
                "`account` needs an account name",
            );
            self.skip_indented();
            return;
        }
        let mut type_tag = None;
        let mut after = &rest[name_len..];
        if let Some(i) = after.find(';') {
            after = &after[i + 1..];
            for part in after.split(',') {
                if let Some((k, v)) = part.split_once(':')
                    && k.trim() == "type"
                {
                    type_tag = Some(v.trim().to_string());
                }
            }
        }
        let account = self.out.accounts.intern(name);
        let pos = self.pos_at(line.no, rest_col, name.len());
        self.out.directives.accounts.push(AccountDecl {
            account,
            type_tag,
            pos,
        });
        // Indented lines below are notes and subdirectives; some carry the type tag.
        while let Some(l) = self.peek() {
            if !is_continuation(l.text) {
                break;
            }
            self.advance();
            let t = l.text.trim();
            if let Some(c) = t.strip_prefix(';')
                && let Some((k, v)) = c.split_once(':')
                && k.trim() == "type"
                && let Some(decl) = self.out.directives.accounts.last_mut()
            {
                decl.type_tag = Some(v.trim().to_string());
            }
        }
    }

    fn commodity_directive(&mut self, line: Line<'s>, rest: &'s str, rest_col: usize) {
        let body = strip_comment(rest);
        let decl = self.commodity_sample(line.no, body, rest_col);
        if let Some((commodity, precision)) = decl {
            let pos = self.pos_at(line.no, rest_col, body.len());
            self.out.directives.commodities.push(CommodityDecl {
                commodity,
                precision,
                pos,
            });
        }
        while let Some(l) = self.peek() {
            if !is_continuation(l.text) {
                break;
            }
            self.advance();
            let t = l.text.trim_start();
            let col = l.text.len() - t.len();
            if let Some(f) = t.strip_prefix("format") {
                let f_trim = f.trim_start();
                let fcol = col + 6 + (f.len() - f_trim.len());
                if let Some((c, p)) = self.commodity_sample(l.no, strip_comment(f_trim), fcol)
                    && let Some(decl) = self.out.directives.commodities.last_mut()
                    && decl.commodity == c
                {
                    decl.precision = p;
                }
            }
        }
    }

    /// `XOF`, `1,000.00 EUR` or `EUR 1,000.00`: the symbol and the decimals shown.
    fn commodity_sample(
        &mut self,
        line: u32,
        body: &str,
        col: usize,
    ) -> Option<(crate::model::Symbol, Option<u32>)> {
        if body.is_empty() {
            self.error(
                Code::Syntax,
                line,
                col.saturating_sub(10),
                9,
                "`commodity` needs a symbol",
            );
            return None;
        }
        // A bare symbol first: a quoted one may hold digits (`commodity "AB1"`).
        if let Some((sym, used)) = parse_symbol(body)
            && used == body.len()
        {
            return Some((self.out.commodities.intern(sym), None));
        }
        if body.bytes().any(|b| b.is_ascii_digit()) {
            match self.amount(body, line, col) {
                Some((amount, used)) if body[used..].trim().is_empty() => {
                    return Some((amount.commodity, Some(amount.quantity.scale())));
                }
                Some(_) => {
                    self.error(
                        Code::Syntax,
                        line,
                        col,
                        body.len(),
                        "unexpected text after the commodity sample",
                    );
                    return None;
                }
                None => return None,
            }
        }
        match parse_symbol(body) {
            Some((sym, used)) if used == body.len() => {
                Some((self.out.commodities.intern(sym), None))
            }
            _ => {
                self.error(
                    Code::Syntax,
                    line,
                    col,
                    body.len(),
                    format!("{body:?} is not a commodity symbol"),
                );
                None
            }
        }
    }

    fn price_directive(&mut self, line: Line<'s>, rest: &'s str, rest_col: usize) {
        let b = rest.as_bytes();
        let (date, used) = match parse_date(b) {
            Ok(x) => x,
            Err(e) => {
                self.date_error(&e, line.no, rest_col, rest);
                return;
            }
        };
        let mut i = used;
        // An optional time of day is allowed by both tools; skip it.
        let after_date = rest[i..].trim_start();
        i = rest.len() - after_date.len();
        if after_date
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_digit)
            && after_date.as_bytes().get(2) == Some(&b':')
        {
            let end = after_date
                .find(char::is_whitespace)
                .unwrap_or(after_date.len());
            i += end;
        }
        let s = rest[i..].trim_start();
        i = rest.len() - s.len();
        let Some((sym, used)) = parse_symbol(s) else {
            self.error(
                Code::Syntax,
                line.no,
                rest_col + i,
                1,
                "`P` needs a commodity symbol after the date",
            );
            return;
        };
        let commodity = self.out.commodities.intern(sym);
        let s2 = s[used..].trim_start();
        let col = rest_col + rest.len() - s2.len();
        let body = strip_comment(s2);
        if let Some((price, used)) = self.amount(body, line.no, col) {
            if !body[used..].trim().is_empty() {
                self.error(
                    Code::Syntax,
                    line.no,
                    col + used,
                    1,
                    "unexpected text after the price",
                );
                return;
            }
            let pos = self.pos_at(line.no, 0, 1);
            self.out.directives.prices.push(Price {
                date,
                commodity,
                price,
                pos,
            });
        }
    }

    fn date_error(&mut self, e: &DateError, line: u32, col: usize, text: &str) {
        let len = text.find(char::is_whitespace).unwrap_or(text.len());
        match e {
            DateError::Malformed => self.error_help(
                Code::BadDate,
                line,
                col,
                len,
                format!("cannot read {:?} as a date", word_at(text, 0)),
                "write dates as YYYY-MM-DD, e.g. 2017-10-30",
            ),
            DateError::NotADate { year, month, day } => self.error(
                Code::BadDate,
                line,
                col,
                len,
                format!("{year:04}-{month:02}-{day:02} is not a date in the calendar"),
            ),
        }
    }

    // -------------------------------------------------------------- transactions

    fn transaction(&mut self, header: Line<'s>) {
        let postings_start = self.out.postings.len();
        let extras_start = self.out.posting_extras.len();
        let metas_start = self.out.metas.len();
        let ok = self.transaction_body(header, postings_start);
        if !ok {
            self.out.postings.truncate(postings_start);
            self.out.posting_extras.truncate(extras_start);
            self.out.metas.truncate(metas_start);
            // Skip the rest of the broken transaction.
            while let Some(l) = self.peek() {
                if is_continuation(l.text) {
                    self.advance();
                } else {
                    break;
                }
            }
        }
    }

    /// Reads a transaction; false when it is broken (diagnostics recorded).
    fn transaction_body(&mut self, header: Line<'s>, postings_start: usize) -> bool {
        let text = header.text;
        let b = text.as_bytes();
        let (date, mut i) = match parse_date(b) {
            Ok(x) => x,
            Err(e) => {
                self.date_error(&e, header.no, 0, text);
                return false;
            }
        };
        let mut date2 = None;
        if b.get(i) == Some(&b'=') {
            match parse_date(&b[i + 1..]) {
                Ok((d, used)) => {
                    date2 = Some(d);
                    i += 1 + used;
                }
                Err(e) => {
                    self.date_error(&e, header.no, i + 1, &text[i + 1..]);
                    return false;
                }
            }
        }
        if i < b.len() && b[i] != b' ' && b[i] != b'\t' {
            self.error_help(
                Code::BadDate,
                header.no,
                0,
                i + 1,
                format!("cannot read {:?} as a date", word_at(text, 0)),
                "write dates as YYYY-MM-DD, e.g. 2017-10-30",
            );
            return false;
        }
        let mut rest = &text[i..];
        rest = rest.trim_ascii_start();
        let mut status = Status::Unmarked;
        if let Some(r) = rest.strip_prefix('*') {
            status = Status::Cleared;
            rest = r.trim_ascii_start();
        } else if let Some(r) = rest.strip_prefix('!') {
            status = Status::Pending;
            rest = r.trim_ascii_start();
        }
        let mut code = crate::model::TextRef::default();
        if let Some(r) = rest.strip_prefix('(') {
            match r.find(')') {
                Some(end) => {
                    code = self.out.text.push(r[..end].trim());
                    rest = r[end + 1..].trim_start();
                }
                None => {
                    let col = text.len() - rest.len();
                    self.error(
                        Code::Syntax,
                        header.no,
                        col,
                        rest.len(),
                        "the voucher code has no closing `)`",
                    );
                    return false;
                }
            }
        }
        let (description, comment) = match memchr::memchr(b';', rest.as_bytes()) {
            Some(k) => {
                let before = &rest[..k];
                if !(before.is_empty() || before.ends_with("  ") || before.ends_with('\t')) {
                    let col = text.len() - rest.len() + k;
                    self.warn(
                        header.no,
                        col,
                        1,
                        "ledger reads this `;` as part of the description, hledger as a comment",
                        "put two spaces before `;` to start a comment, or leave `;` out of descriptions",
                    );
                }
                (
                    before.trim_end(),
                    Some((&rest[k + 1..], text.len() - rest.len() + k + 1)),
                )
            }
            None => (rest.trim_end(), None),
        };
        let description = self.out.text.push(description);
        let meta_start = self.out.metas.len();
        let mut txn_dims = Dimensions::default();
        let mut txn_own = 0u8;
        if let Some((c, col)) = comment {
            self.comment_text(c, header.no, col, &mut txn_dims, &mut txn_own);
        }
        // Comment lines right under the header belong to the transaction.
        let mut posting_count = 0u32;
        let mut ok = true;
        while let Some(l) = self.peek() {
            let lb = l.text.as_bytes();
            if !matches!(lb.first(), Some(b' ' | b'\t')) {
                break;
            }
            let t = l.text.trim_ascii_start();
            if t.is_empty() {
                break;
            }
            self.advance();
            if self.too_long(l) {
                ok = false;
                continue;
            }
            let col = l.text.len() - t.len();
            if let Some(c) = t.strip_prefix(';') {
                if posting_count == 0 {
                    self.comment_text(c, l.no, col + 1, &mut txn_dims, &mut txn_own);
                } else {
                    let idx = self.out.postings.len() - 1;
                    let mut dims = self.out.postings[idx].dims;
                    let mut own = self.out.postings[idx].own_dims;
                    let meta_before = self.out.metas.len();
                    self.comment_text(c, l.no, col + 1, &mut dims, &mut own);
                    let added = (self.out.metas.len() - meta_before) as u32;
                    let p = &mut self.out.postings[idx];
                    p.dims = dims;
                    p.own_dims = own;
                    p.meta.len += added;
                }
                continue;
            }
            match self.posting(l, col) {
                PostingLine::Ok => posting_count += 1,
                PostingLine::Failed => ok = false,
            }
        }
        if !ok {
            return false;
        }
        let meta = MetaRange {
            start: meta_start as u32,
            len: 0,
        };
        // Transaction metas are those pushed before the first posting's metas.
        let txn_meta_len = if posting_count > 0 {
            self.out.postings[postings_start].meta.start - meta_start as u32
        } else {
            self.out.metas.len() as u32 - meta_start as u32
        };
        let meta = MetaRange {
            len: txn_meta_len,
            ..meta
        };
        for p in &mut self.out.postings[postings_start..] {
            p.dims = p.dims.or(txn_dims);
        }
        if posting_count == 0 {
            self.error_help(
                Code::Syntax,
                header.no,
                0,
                text.len(),
                "transaction has no postings",
                "indent each posting under the date line (four spaces), account then two spaces then amount",
            );
            return false;
        }
        self.out.transactions.push(Transaction {
            date,
            date2,
            status,
            code,
            description,
            dims: txn_dims,
            meta,
            first_posting: postings_start as u32,
            posting_count,
            file: self.out.file,
            line: header.no,
        });
        true
    }

    /// Reads the text after a `;`: a tag line, ledger `:a:b:` tags, or a free comment.
    fn comment_text(
        &mut self,
        raw: &str,
        line: u32,
        col: usize,
        dims: &mut Dimensions,
        own: &mut u8,
    ) {
        let lead = raw.len() - raw.trim_ascii_start().len();
        let c = raw.trim_ascii();
        let col = col + lead;
        if c.is_empty() {
            let r = self.out.text.push("");
            self.out.metas.push(Meta::Comment(r));
            return;
        }
        // ledger-style `:tag1:tag2:`
        if c.len() > 2 && c.starts_with(':') && c.ends_with(':') && !c.contains(char::is_whitespace)
        {
            for name in c[1..c.len() - 1].split(':').filter(|n| !n.is_empty()) {
                let name = self.out.symbols.intern(name);
                self.out.metas.push(Meta::Tag {
                    name,
                    value: Default::default(),
                });
            }
            return;
        }
        match tag_at_start(c) {
            Some((name, value)) if memchr::memchr(b',', value.as_bytes()).is_none() => {
                self.tag(name, value, line, col, dims, own);
            }
            Some((name, value)) => {
                let pieces = split_hledger_tags(value);
                if pieces.len() > 1 {
                    self.warn(
                        line,
                        col,
                        c.len(),
                        "several tags on one comment line: ledger reads only the first",
                        "write one `; key: value` per line",
                    );
                }
                self.tag(name, pieces[0], line, col, dims, own);
                for extra in &pieces[1..] {
                    if let Some((n, v)) = tag_at_start(extra) {
                        self.tag(n, v, line, col, dims, own);
                    }
                }
            }
            None => {
                if let Some(k) = hledger_tag_inside(c) {
                    self.warn(
                        line,
                        col + k,
                        1,
                        "hledger reads a tag inside this comment, ledger does not",
                        "put `key: value` tags at the start of their own comment line, or avoid `word:` in comments",
                    );
                }
                let r = self.out.text.push(c);
                self.out.metas.push(Meta::Comment(r));
            }
        }
    }

    fn tag(
        &mut self,
        name: &str,
        value: &str,
        line: u32,
        col: usize,
        dims: &mut Dimensions,
        own: &mut u8,
    ) {
        let value = value.trim_ascii();
        if let Some(dim) = Dimension::from_tag(name) {
            let bit = match dim {
                Dimension::Donor => 1,
                Dimension::Line => 2,
                Dimension::Activity => 4,
            };
            if value.is_empty() {
                self.error(
                    match dim {
                        Dimension::Donor => Code::DonorTags,
                        Dimension::Line => Code::LineTags,
                        Dimension::Activity => Code::ActivityTags,
                    },
                    line,
                    col,
                    name.len() + 1,
                    format!("empty `{name}:` tag"),
                );
                return;
            }
            if *own & bit != 0 {
                self.error(
                    Code::Syntax,
                    line,
                    col,
                    name.len(),
                    format!("a second `{name}:` tag on the same posting"),
                );
                return;
            }
            let sym = self.out.symbols.intern(value);
            match dim {
                Dimension::Donor => dims.donor = Some(sym),
                Dimension::Line => dims.line = Some(sym),
                Dimension::Activity => dims.activity = Some(sym),
            }
            *own |= bit;
        } else {
            let name = self.out.symbols.intern(name);
            let value = self.out.text.push(value);
            self.out.metas.push(Meta::Tag { name, value });
        }
    }

    fn posting(&mut self, l: Line<'s>, indent: usize) -> PostingLine {
        let text = l.text;
        let mut i = indent;
        let b = text.as_bytes();
        let mut status = Status::Unmarked;
        // hledger and ledger both read `*assets:bank` as a cleared posting to
        // `assets:bank`: the mark needs no space after it.
        if matches!(b.get(i), Some(b'*' | b'!')) {
            status = if b[i] == b'*' {
                Status::Cleared
            } else {
                Status::Pending
            };
            i += 1;
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        }
        let name_len = account_name_len(&b[i..]);
        let account = &text[i..i + name_len];
        let account_col = i;
        if account.is_empty() {
            self.error(Code::Syntax, l.no, i, 1, "expected an account name");
            return PostingLine::Failed;
        }
        if matches!(account.as_bytes()[0], b'(' | b'[') {
            self.error_help(
                Code::Unsupported,
                l.no,
                i,
                account.len(),
                "virtual postings are not supported",
                "fund accounting needs every posting to balance; use a real account",
            );
            return PostingLine::Failed;
        }
        i += name_len;
        // A single tab between account and amount: ledger reads an amount, hledger does not.
        if b.get(i) == Some(&b'\t') && b.get(i + 1).is_some_and(|c| *c != b' ' && *c != b'\t') {
            self.warn(
                l.no,
                i,
                1,
                "a single tab before the amount: hledger reads it as part of the account name",
                "separate account and amount with at least two spaces",
            );
        }
        if memchr::memchr(b' ', account.as_bytes()).is_some() && looks_like_trailing_amount(account)
        {
            self.warn(
                l.no,
                account_col,
                account.len(),
                format!("account name {account:?} ends with what looks like an amount"),
                "put at least two spaces between the account and its amount",
            );
        }
        let account = self.out.accounts.intern(account);
        let rest = &text[i..];
        let trimmed = rest.trim_ascii_start();
        let mut col = text.len() - trimmed.len();
        let mut body = trimmed;
        let mut amount = None;
        let mut extra = PostingExtra::default();
        let mut has_extra = false;
        if !body.is_empty() && !body.starts_with(';') {
            if body.starts_with('=') {
                self.error_help(
                    Code::Unsupported,
                    l.no,
                    col,
                    body.len(),
                    "balance assignments (an assertion without an amount) are not supported",
                    "write the posting's amount, then `= BALANCE` to assert the result",
                );
                return PostingLine::Failed;
            }
            let Some((a, used)) = self.amount(body, l.no, col) else {
                return PostingLine::Failed;
            };
            amount = Some(a);
            body = &body[used..];
            let t = body.trim_ascii_start();
            col += used + (body.len() - t.len());
            body = t;
            if body.starts_with('{') || body.starts_with('[') {
                self.error(
                    Code::Unsupported,
                    l.no,
                    col,
                    1,
                    "lot prices and lot dates are not supported",
                );
                return PostingLine::Failed;
            }
            if let Some(r) = body.strip_prefix('@') {
                let (kind, r, skip) = match r.strip_prefix('@') {
                    Some(r2) => (CostKind::Total, r2, 2),
                    None => (CostKind::Unit, r, 1),
                };
                let t = r.trim_ascii_start();
                let ccol = col + skip + (r.len() - t.len());
                let Some((c, used)) = self.amount(t, l.no, ccol) else {
                    return PostingLine::Failed;
                };
                if c.quantity.is_sign_negative() {
                    self.error(
                        Code::BadAmount,
                        l.no,
                        ccol,
                        used,
                        "a cost cannot be negative",
                    );
                    return PostingLine::Failed;
                }
                extra.cost = Some(Cost { kind, amount: c });
                has_extra = true;
                body = &t[used..];
                let t2 = body.trim_ascii_start();
                col = ccol + used + (body.len() - t2.len());
                body = t2;
            }
            if let Some(r) = body.strip_prefix('=') {
                if r.starts_with('=') || r.starts_with('*') {
                    self.error_help(
                        Code::Unsupported,
                        l.no,
                        col,
                        2,
                        "`==` and `=*` assertions are not read by ledger",
                        "use `= AMOUNT`, which asserts the account's balance in that commodity",
                    );
                    return PostingLine::Failed;
                }
                let t = r.trim_start();
                let acol = col + 1 + (r.len() - t.len());
                let Some((a, used)) = self.amount(t, l.no, acol) else {
                    return PostingLine::Failed;
                };
                extra.assertion = Some(a);
                extra.assertion_col = acol as u32;
                has_extra = true;
                body = &t[used..];
                let t2 = body.trim_start();
                col = acol + used + (body.len() - t2.len());
                body = t2;
            }
            if !body.is_empty() && !body.starts_with(';') {
                self.error(
                    Code::Syntax,
                    l.no,
                    col,
                    body.len(),
                    format!(
                        "unexpected {:?} after the amount",
                        body.split_whitespace().next().unwrap_or(body)
                    ),
                );
                return PostingLine::Failed;
            }
        }
        let extra_index = if has_extra {
            self.out.posting_extras.push(extra);
            Some((self.out.posting_extras.len() - 1) as u32)
        } else {
            None
        };
        let elided = amount.is_none();
        let amount = amount.unwrap_or_else(|| Amount {
            quantity: Decimal::ZERO,
            commodity: self.out.commodities.intern(""),
        });
        let meta_start = self.out.metas.len() as u32;
        self.out.postings.push(Posting {
            account,
            amount,
            dims: Dimensions::default(),
            own_dims: 0,
            status,
            elided,
            extra: extra_index,
            meta: MetaRange {
                start: meta_start,
                len: 0,
            },
            line: l.no,
        });
        if let Some(c) = body.strip_prefix(';') {
            let idx = self.out.postings.len() - 1;
            let mut dims = Dimensions::default();
            let mut own = 0;
            self.comment_text(c, l.no, col + 1, &mut dims, &mut own);
            let p = &mut self.out.postings[idx];
            p.dims = dims;
            p.own_dims = own;
            p.meta.len = self.out.metas.len() as u32 - meta_start;
        }
        PostingLine::Ok
    }

    /// Reads an amount (`-1,250 XOF`, `XOF -1,250`, `€10.50`) at the start of `s`.
    /// Records a diagnostic and returns `None` when it cannot.
    fn amount(&mut self, s: &str, line: u32, col: usize) -> Option<(Amount, usize)> {
        let b = s.as_bytes();
        let mut i = 0;
        let mut negative = false;
        if matches!(b.first(), Some(b'-' | b'+')) {
            negative = b[0] == b'-';
            // `- 5 XOF` and `- XOF 5`: hledger and ledger both allow spaces after a
            // leading sign.
            i = 1 + b[1..].iter().take_while(|c| **c == b' ').count();
        }
        let mut symbol: Option<&str> = None;
        if b.get(i)
            .is_some_and(|c| super::number::is_symbol_byte(*c) || *c == b'"')
        {
            let Some((sym, used)) = parse_symbol(&s[i..]) else {
                self.error(
                    Code::BadAmount,
                    line,
                    col + i,
                    s.len() - i,
                    "a commodity symbol opened with `\"` is never closed",
                );
                return None;
            };
            symbol = Some(sym);
            i += used;
            while matches!(b.get(i), Some(b' ')) {
                i += 1;
            }
            if matches!(b.get(i), Some(b'-' | b'+')) {
                if negative {
                    self.error(Code::BadAmount, line, col, i + 1, "two signs in one amount");
                    return None;
                }
                negative = b[i] == b'-';
                i += 1;
            }
        }
        let number = match parse_number(&b[i..]) {
            Ok((n, used)) => {
                let start = i;
                i += used;
                if n.grouped && self.out.first_grouped_number.is_none() {
                    self.out.first_grouped_number = Some(self.pos_at(line, col + start, used));
                }
                n
            }
            Err(e) => {
                let word = word_at(s, i);
                let len = word.len().max(1);
                let message = if e.message == "expected a number" {
                    expected_amount(word, b.get(i.wrapping_sub(1)).copied())
                } else {
                    format!("cannot read {word:?} as an amount: {}", e.message)
                };
                let d = Diagnostic::error(Code::BadAmount, self.at(line, col + i, len), message);
                let d = match e.help {
                    Some(h) => d.with_help(h),
                    None => d,
                };
                self.out.diagnostics.push(d);
                return None;
            }
        };
        if symbol.is_none() {
            let mut j = i;
            while matches!(b.get(j), Some(b' ')) {
                j += 1;
            }
            if let Some(c) = b.get(j) {
                if super::number::is_symbol_byte(*c) || *c == b'"' {
                    if let Some((sym, used)) = parse_symbol(&s[j..]) {
                        symbol = Some(sym);
                        i = j + used;
                    }
                } else if c.is_ascii_digit() {
                    self.error_help(
                        Code::BadAmount,
                        line,
                        col,
                        j + 1,
                        "digits grouped with spaces",
                        "ledger rejects space-grouped numbers; write 1,250,000",
                    );
                    return None;
                }
            }
        }
        let symbol = symbol.unwrap_or("");
        let commodity = self.out.commodities.intern(symbol);
        let scale = number.value.scale();
        let idx = commodity.index();
        if self.out.observed_precision.len() <= idx {
            self.out.observed_precision.resize(idx + 1, 0);
        }
        if scale > self.out.observed_precision[idx] {
            self.out.observed_precision[idx] = scale;
        }
        let mut quantity = number.value;
        if number.int_digits > 18 && quantity > crate::model::money::MAX_AMOUNT {
            self.error(Code::BadAmount, line, col, i, "amount is larger than 10^18");
            return None;
        }
        if negative {
            quantity.set_sign_negative(!quantity.is_zero());
        }
        Some((
            Amount {
                quantity,
                commodity,
            },
            i,
        ))
    }
}

/// The message for an amount that has no number where `word` stands; `before` is the
/// byte just before it (a sign, when the sign is followed by a space).
fn expected_amount(word: &str, before: Option<u8>) -> String {
    match word.trim() {
        "" if !word.is_empty() && matches!(before, Some(b'-' | b'+')) => format!(
            "expected a number right after `{}`, found a space",
            char::from(before.unwrap_or(b'-'))
        ),
        "" => "expected an amount, found the end of the line".to_string(),
        _ => format!("expected an amount, found {word:?}"),
    }
}

/// An indented, non-blank line: it continues the item above it.
fn is_continuation(text: &str) -> bool {
    text.starts_with([' ', '\t']) && !text.trim().is_empty()
}

/// Length of an account name at the start of `b`: up to two spaces, a tab, a `;`
/// after a space, or the end of the line.
fn account_name_len(b: &[u8]) -> usize {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\t' => return i,
            b' ' => {
                if matches!(b.get(i + 1), Some(b' ' | b'\t') | None) {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The text from byte `start` (a char boundary) up to the next whitespace, at least one
/// character long.
fn word_at(s: &str, start: usize) -> &str {
    let rest = s.get(start..).unwrap_or("");
    let mut end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    if end == 0 {
        end = rest.chars().next().map_or(0, char::len_utf8);
    }
    &rest[..end]
}

/// Text before a `;` comment, trimmed.
fn strip_comment(s: &str) -> &str {
    match s.find(';') {
        Some(i) => s[..i].trim(),
        None => s.trim(),
    }
}

/// `name: value` at the start of a comment (name without spaces, commas or colons).
fn tag_at_start(c: &str) -> Option<(&str, &str)> {
    let colon = memchr::memchr(b':', c.as_bytes())?;
    let name = &c[..colon];
    if name.is_empty()
        || name
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b == b',' || b >= 0x80)
            && name.contains(|ch: char| ch.is_whitespace() || ch == ',')
    {
        return None;
    }
    Some((name, &c[colon + 1..]))
}

/// Splits an hledger-style value list `EU, line: 2.1` at `, name:` boundaries.
fn split_hledger_tags(value: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let bytes = value.as_bytes();
    let mut i = 0;
    while let Some(k) = memchr::memchr(b',', &bytes[i..]) {
        let comma = i + k;
        let next = value[comma + 1..].trim_start();
        if tag_at_start(next).is_some_and(|(n, _)| !n.is_empty())
            && next.find(':').is_some_and(|c| !next[..c].contains(' '))
        {
            pieces.push(&value[start..comma]);
            start = value.len() - next.len();
        }
        i = comma + 1;
    }
    pieces.push(&value[start..]);
    pieces
}

/// Where hledger would see a `word:` tag inside a free comment, if anywhere.
fn hledger_tag_inside(c: &str) -> Option<usize> {
    let b = c.as_bytes();
    let mut i = 0;
    while let Some(k) = memchr::memchr(b':', &b[i..]) {
        let colon = i + k;
        let start = c[..colon]
            .rfind(|ch: char| ch.is_whitespace() || ch == ',')
            .map_or(0, |s| s + 1);
        let word = &c[start..colon];
        if !word.is_empty()
            && word
                .chars()
                .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_')
            && (colon + 1 == b.len() || b[colon + 1] == b' ')
        {
            return Some(start);
        }
        i = colon + 1;
    }
    None
}

/// True for `expenses:venue 1000 XOF`, where one space made the amount part of the name.
fn looks_like_trailing_amount(account: &str) -> bool {
    let Some(space) = account.rfind(' ') else {
        return false;
    };
    let tail = account[space + 1..].trim_start_matches(['-', '+']);
    let before = account[..space].trim_end();
    let num = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_digit() || c == b',' || c == b'.')
            && s.bytes().any(|c| c.is_ascii_digit())
    };
    num(tail)
        || (tail.chars().all(|c| c.is_alphabetic()) && {
            let prev = before
                .rsplit(' ')
                .next()
                .unwrap_or("")
                .trim_start_matches(['-', '+']);
            before.contains(' ') && num(prev)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> ParsedChunk {
        parse_chunk(s, FileId(0), false)
    }

    #[test]
    fn reads_a_transaction_with_tags_and_cost() {
        let c = parse(
            "2017-10-30 * (PV-1) Location salle  ; note\n    ; activity: A1\n    expenses:venue    600,000 XOF\n    ; donor: EU\n    ; line: 3.1\n    assets:bank:eur  -914.69 EUR @ 655.957 XOF ; donor: EU\n",
        );
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        assert_eq!(c.transactions.len(), 1);
        let t = &c.transactions[0];
        assert_eq!(c.text.get(t.code), "PV-1");
        assert_eq!(c.text.get(t.description), "Location salle");
        assert_eq!(t.meta.len, 1);
        assert_eq!(c.postings.len(), 2);
        let p = &c.postings[0];
        assert_eq!(c.accounts.name(p.account), "expenses:venue");
        assert_eq!(p.amount.quantity, Decimal::from(600_000));
        assert_eq!(c.symbols.name(p.dims.donor.unwrap()), "EU");
        assert_eq!(c.symbols.name(p.dims.activity.unwrap()), "A1");
        assert_eq!(p.own_dims, 3);
        let q = &c.postings[1];
        assert_eq!(q.amount.quantity.to_string(), "-914.69");
        assert!(c.posting_extras[q.extra.unwrap() as usize].cost.is_some());
        assert_eq!(c.first_grouped_number.unwrap().line, 2);
    }

    #[test]
    fn reports_bad_amounts_and_keeps_going() {
        let c =
            parse("2017-01-01 x\n    a  1,25 XOF\n    b\n\n2017-01-02 y\n    a  1 XOF\n    b\n");
        assert_eq!(c.transactions.len(), 1);
        assert_eq!(c.diagnostics.len(), 1);
        assert_eq!(c.diagnostics[0].code, Code::BadAmount);
        assert_eq!(c.diagnostics[0].text_pos().unwrap().line, 1);
        assert_eq!(c.diagnostics[0].text_pos().unwrap().col, 7);
    }

    #[test]
    fn account_names_end_at_two_spaces() {
        assert_eq!(account_name_len(b"assets:bank  100"), 11);
        assert_eq!(account_name_len(b"my account:x  1"), 12);
        assert_eq!(account_name_len(b"a\t1"), 1);
        assert_eq!(account_name_len(b"abc"), 3);
        assert!(looks_like_trailing_amount("expenses:venue 1000"));
        assert!(looks_like_trailing_amount("expenses:venue 1,000 XOF"));
        assert!(!looks_like_trailing_amount("expenses:my venue"));
    }

    #[test]
    fn hledger_style_tag_lists_warn() {
        assert_eq!(split_hledger_tags("EU, line:2.1"), vec!["EU", "line:2.1"]);
        assert_eq!(split_hledger_tags("Hotel, Bamako"), vec!["Hotel, Bamako"]);
        let c = parse("2017-01-01 x\n    a  1 XOF  ; donor:EU, line:2.1\n    b\n");
        assert_eq!(c.diagnostics[0].code, Code::Compat);
        let p = &c.postings[0];
        assert_eq!(c.symbols.name(p.dims.line.unwrap()), "2.1");
        assert_eq!(hledger_tag_inside("facture n 12 date: x"), Some(13));
        assert_eq!(hledger_tag_inside("voir http://x"), None);
    }
}
