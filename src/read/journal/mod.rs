//! Reading journals: files are read in chunks cut at transaction boundaries, the
//! chunks are parsed on every core at once, then joined in order with `include`d
//! files spliced in where they are included.
//!
//! Reading decides no policy: it reports what the text says and what it cannot read.

pub mod date;
pub mod number;
pub mod parser;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{channel, sync_channel};

use crate::diag::{Code, Diagnostic};
use crate::model::{
    AccountDecl, Amount, CommodityDecl, Journal, Meta, Posting, PostingExtra, Price, Symbol,
    Transaction,
};
use crate::source::{FileId, Location, TextPos};
use parser::{ParsedChunk, parse_chunk};

/// Limits and tuning for reading journals.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Deepest allowed chain of `include`s.
    pub max_include_depth: usize,
    /// Bytes per parse chunk; files up to this size are parsed in one piece.
    pub chunk_size: usize,
    /// Parser threads (0: one per core).
    pub threads: usize,
    /// Longest line read; longer ones are errors.
    pub max_line_bytes: usize,
}

impl LoadOptions {
    /// The defaults, with limits overridden by `FUNDLEDGER_MAX_INCLUDE_DEPTH` and
    /// `FUNDLEDGER_MAX_LINE_BYTES` when set.
    pub fn from_env() -> Self {
        let mut o = LoadOptions::default();
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
        };
        if let Some(n) = var("FUNDLEDGER_MAX_INCLUDE_DEPTH") {
            o.max_include_depth = n;
        }
        if let Some(n) = var("FUNDLEDGER_MAX_LINE_BYTES") {
            o.max_line_bytes = n;
        }
        o
    }
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_include_depth: 64,
            chunk_size: 4 << 20,
            threads: 0,
            max_line_bytes: parser::DEFAULT_MAX_LINE_BYTES,
        }
    }
}

/// A journal as read, with every problem met while reading it.
#[derive(Debug, Default)]
pub struct Loaded {
    pub journal: Journal,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the journal at `path` and everything it includes.
pub fn load(path: &Path, options: &LoadOptions) -> Loaded {
    load_with_sources(path, options, crate::source::SourceMap::default())
}

/// Like [`load`], registering files after those already in `sources` (e.g. project.toml).
pub fn load_with_sources(
    path: &Path,
    options: &LoadOptions,
    sources: crate::source::SourceMap,
) -> Loaded {
    let mut loader = Loader {
        options,
        loaded: Loaded::default(),
        stack: Vec::new(),
    };
    loader.loaded.journal.sources = sources;
    loader.load_file(path, None, false);
    loader.loaded
}

/// Reads journal text held in memory (tests, fuzzing, stdin), registered as `name`.
/// `include`s are resolved relative to the current directory.
pub fn load_str(text: &str, name: &Path) -> Loaded {
    let mut loader = Loader {
        options: &LoadOptions::default(),
        loaded: Loaded::default(),
        stack: Vec::new(),
    };
    let file = loader.loaded.journal.sources.add(name);
    let chunk = parse_chunk(text, file, false);
    let mut mark_seen = false;
    loader.stack.push(name.to_path_buf());
    loader.append_chunk(chunk, 0, &mut mark_seen, Path::new("."), &mut false);
    loader.loaded
}

/// Parses journal `text` — transactions about to be appended to the books — and adds
/// it to `journal` as one more file, registered as `name`, after everything read so far:
/// the importer checks the exact text it will write, together with the books. Large
/// texts are parsed in chunks on every core. `include` directives in `text` resolve
/// relative to the current directory. Returns the problems met reading it.
pub fn append_text(journal: &mut Journal, text: &str, name: &Path) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let options = LoadOptions::default();
    let mut loader = Loader {
        options: &options,
        loaded: Loaded {
            journal: std::mem::take(journal),
            diagnostics: Vec::new(),
        },
        stack: Vec::new(),
    };
    let file = loader.loaded.journal.sources.add(name);
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let cut = if rest.len() <= options.chunk_size {
            rest.len()
        } else {
            last_transaction_start(&rest.as_bytes()[..options.chunk_size]).unwrap_or_else(|| {
                memchr::memchr(b'\n', &rest.as_bytes()[options.chunk_size..])
                    .map_or(rest.len(), |i| options.chunk_size + i + 1)
            })
        };
        let (piece, tail) = rest.split_at(cut);
        pieces.push(piece);
        rest = tail;
    }
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let (mut line_offset, mut mark_seen, mut warned) = (0u32, true, false);
    for group in pieces.chunks(threads.max(1)) {
        let parsed: Vec<ParsedChunk> = group
            .par_iter()
            .map(|piece| parse_chunk(piece, file, false))
            .collect();
        for chunk in parsed {
            let lines = chunk.lines;
            loader.append_chunk(
                chunk,
                line_offset,
                &mut mark_seen,
                Path::new("."),
                &mut warned,
            );
            line_offset += lines;
        }
    }
    *journal = loader.loaded.journal;
    loader.loaded.diagnostics
}

struct Loader<'o> {
    options: &'o LoadOptions,
    loaded: Loaded,
    stack: Vec<PathBuf>,
}

impl Loader<'_> {
    fn load_file(&mut self, path: &Path, included_at: Option<TextPos>, mark_inherited: bool) {
        let file = self.loaded.journal.sources.add(path);
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let place = included_at.map_or(Location::File(file), Location::Text);
        if self.stack.contains(&canonical) {
            self.loaded.diagnostics.push(
                Diagnostic::error(
                    Code::IncludeCycle,
                    place,
                    format!(
                        "{} includes itself (through {})",
                        path.display(),
                        self.chain()
                    ),
                )
                .with_help("remove one of the `include` directives that form the loop"),
            );
            return;
        }
        if self.stack.len() >= self.options.max_include_depth {
            self.loaded.diagnostics.push(Diagnostic::error(
                Code::IncludeCycle,
                place,
                format!(
                    "includes nested more than {} deep",
                    self.options.max_include_depth
                ),
            ));
            return;
        }
        if let Ok(meta) = std::fs::metadata(path) {
            self.reserve_for(meta.len());
        }
        self.stack.push(canonical);
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut line_offset = 0u32;
        let mut mark_seen = mark_inherited;
        let mut warned = false;
        let mut open_comment = None;
        let read = read_chunks(path, file, self.options, |chunk| {
            let lines = chunk.lines;
            open_comment = match (chunk.ends_in_comment_block, chunk.open_comment_block) {
                (false, _) => None,
                (true, Some(p)) => Some(shift(p, line_offset)),
                (true, None) => open_comment,
            };
            self.append_chunk(chunk, line_offset, &mut mark_seen, &dir, &mut warned);
            line_offset += lines;
        });
        if let Some(pos) = open_comment {
            self.loaded.diagnostics.push(unclosed_comment_block(pos));
        }
        if let Err(e) = read {
            let (code, what) = if included_at.is_some() {
                (Code::Include, "cannot read included file")
            } else {
                (Code::Io, "cannot read journal")
            };
            self.loaded.diagnostics.push(Diagnostic::error(
                code,
                place,
                format!("{what} {}: {}", path.display(), e),
            ));
        }
        self.stack.pop();
    }

    /// Reserves table room for a file of `bytes` bytes. Generous on purpose: reserved
    /// pages that are never written cost no memory, while growing by doubling would copy
    /// the tables and briefly need twice their size.
    fn reserve_for(&mut self, bytes: u64) {
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        let j = &mut self.loaded.journal;
        j.transactions.reserve(bytes / 200);
        j.postings.reserve(bytes / 64);
        j.text.reserve(bytes / 6);
    }

    fn chain(&self) -> String {
        self.stack
            .iter()
            .map(|p| {
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect::<Vec<_>>()
            .join(" → ")
    }

    /// Joins a parsed chunk to the journal: renumbers ids, lines and text references,
    /// and loads its includes at their places.
    fn append_chunk(
        &mut self,
        chunk: ParsedChunk,
        line_offset: u32,
        mark_seen: &mut bool,
        dir: &Path,
        warned: &mut bool,
    ) {
        let j = &mut self.loaded.journal;
        if !*mark_seen
            && !*warned
            && let Some(first) = chunk.first_grouped_number
            && chunk.decimal_mark_line.is_none_or(|m| first.line < m)
        {
            *warned = true;
            self.loaded.diagnostics.push(
                Diagnostic::warning(
                    Code::Compat,
                    Location::Text(shift(first, line_offset)),
                    "digit groups without `decimal-mark .`: hledger reads `1,250` as 1.25",
                )
                .with_help("add the line `decimal-mark .` at the top of the file"),
            );
        }
        let accounts = j.accounts.absorb(&chunk.accounts);
        let commodities = j.commodities.absorb(&chunk.commodities);
        let symbols = j.symbols.absorb(&chunk.symbols);
        let text_offset = j.text.append(&chunk.text);
        let posting_offset = j.postings.len() as u32;
        let extra_offset = j.posting_extras.len() as u32;
        let meta_offset = j.metas.len() as u32;
        let sym = |s: Symbol| symbols[s.index()];
        let opt = |s: Option<Symbol>| s.map(sym);
        let amount = |a: Amount| Amount {
            quantity: a.quantity,
            commodity: commodities[a.commodity.index()],
        };

        j.postings.reserve(chunk.postings.len());
        j.postings.extend(chunk.postings.iter().map(|p| Posting {
            account: accounts[p.account.index()],
            amount: amount(p.amount),
            dims: crate::model::Dimensions {
                donor: opt(p.dims.donor),
                line: opt(p.dims.line),
                activity: opt(p.dims.activity),
            },
            extra: p.extra.map(|e| e + extra_offset),
            meta: crate::model::MetaRange {
                start: p.meta.start + meta_offset,
                len: p.meta.len,
            },
            line: p.line + line_offset,
            ..*p
        }));
        j.posting_extras
            .extend(chunk.posting_extras.iter().map(|e| PostingExtra {
                cost: e.cost.map(|c| crate::model::Cost {
                    kind: c.kind,
                    amount: amount(c.amount),
                }),
                assertion: e.assertion.map(amount),
                assertion_col: e.assertion_col,
            }));
        j.metas.extend(chunk.metas.iter().map(|m| match *m {
            Meta::Tag { name, value } => Meta::Tag {
                name: sym(name),
                value: value.shifted(text_offset),
            },
            Meta::Comment(t) => Meta::Comment(t.shifted(text_offset)),
        }));
        for (i, p) in chunk.observed_precision.iter().enumerate() {
            let g = commodities[i].index();
            if j.observed_precision.len() <= g {
                j.observed_precision.resize(g + 1, 0);
            }
            j.observed_precision[g] = j.observed_precision[g].max(*p);
        }
        let d = &mut j.directives;
        d.accounts
            .extend(chunk.directives.accounts.iter().map(|a| AccountDecl {
                account: accounts[a.account.index()],
                type_tag: a.type_tag.clone(),
                pos: shift(a.pos, line_offset),
            }));
        d.commodities
            .extend(chunk.directives.commodities.iter().map(|c| CommodityDecl {
                commodity: commodities[c.commodity.index()],
                precision: c.precision,
                pos: shift(c.pos, line_offset),
            }));
        for (from, to) in [
            (&chunk.directives.tags, &mut d.tags),
            (&chunk.directives.payees, &mut d.payees),
        ] {
            to.extend(from.iter().map(|n| crate::model::NameDecl {
                name: n.name.clone(),
                pos: shift(n.pos, line_offset),
            }));
        }
        d.prices
            .extend(chunk.directives.prices.iter().map(|p| Price {
                date: p.date,
                commodity: commodities[p.commodity.index()],
                price: amount(p.price),
                pos: shift(p.pos, line_offset),
            }));
        self.loaded
            .diagnostics
            .extend(chunk.diagnostics.into_iter().map(|mut d| {
                if let Location::Text(p) = &mut d.location {
                    *p = shift(*p, line_offset);
                }
                d
            }));

        let remap_transaction = |t: &Transaction| Transaction {
            code: t.code.shifted(text_offset),
            description: t.description.shifted(text_offset),
            dims: crate::model::Dimensions {
                donor: opt(t.dims.donor),
                line: opt(t.dims.line),
                activity: opt(t.dims.activity),
            },
            meta: crate::model::MetaRange {
                start: t.meta.start + meta_offset,
                len: t.meta.len,
            },
            first_posting: t.first_posting + posting_offset,
            line: t.line + line_offset,
            ..*t
        };
        let mut includes = chunk.includes.into_iter().peekable();
        let transactions = chunk.transactions;
        if includes.peek().is_none() {
            let j = &mut self.loaded.journal;
            j.transactions.reserve(transactions.len());
            j.transactions
                .extend(transactions.iter().map(remap_transaction));
        } else {
            for k in 0..=transactions.len() {
                while let Some(inc) = includes.next_if(|i| i.before_transaction == k) {
                    let seen_here =
                        *mark_seen || chunk.decimal_mark_line.is_some_and(|m| m < inc.pos.line);
                    let pos = shift(inc.pos, line_offset);
                    let path = dir.join(&inc.path);
                    self.load_file(&path, Some(pos), seen_here);
                }
                if let Some(t) = transactions.get(k) {
                    let t = remap_transaction(t);
                    self.loaded.journal.transactions.push(t);
                }
            }
        }
        if chunk.decimal_mark_line.is_some() {
            *mark_seen = true;
        }
    }
}

/// A `comment` block that runs to the end of its file: hledger and ledger ignore
/// everything after it too, but a forgotten `end comment` silently hides transactions.
fn unclosed_comment_block(pos: TextPos) -> Diagnostic {
    Diagnostic::warning(
        Code::Syntax,
        Location::Text(pos),
        "`comment` block never closed: the rest of the file is ignored",
    )
    .with_help("add a line `end comment` where the commented-out text ends")
}

fn shift(mut p: TextPos, lines: u32) -> TextPos {
    p.line += lines;
    p
}

/// Reads `path` and parses it in chunks, in parallel when it is large, handing each
/// parsed chunk to `emit` in file order as soon as it and those before it are ready.
fn read_chunks(
    path: &Path,
    file: FileId,
    options: &LoadOptions,
    mut emit: impl FnMut(ParsedChunk),
) -> io::Result<()> {
    let mut f = File::open(path)?;
    let meta = f.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::other("it is a directory"));
    }
    if meta.len() <= options.chunk_size as u64 {
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        f.read_to_end(&mut bytes)?;
        emit(parse_bytes(&bytes, file, false, options.max_line_bytes));
        return Ok(());
    }
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(2, usize::from),
        n => n,
    };
    let (raw_sender, raw_receiver) = sync_channel::<(usize, u64, Vec<u8>)>(threads);
    let raw_receiver = Mutex::new(raw_receiver);
    std::thread::scope(|scope| {
        let (done_sender, done_receiver) = channel::<(usize, u64, usize, ParsedChunk)>();
        let chunk_size = options.chunk_size;
        let max_line = options.max_line_bytes;
        let reader = scope.spawn(move || {
            split_into_chunks(&mut f, chunk_size, |index, offset, bytes| {
                raw_sender.send((index, offset, bytes)).is_ok()
            })
        });
        for _ in 0..threads {
            let done_sender = done_sender.clone();
            let raw_receiver = &raw_receiver;
            scope.spawn(move || {
                loop {
                    let next = match raw_receiver.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    let Ok((index, offset, bytes)) = next else {
                        return;
                    };
                    let parsed = parse_bytes(&bytes, file, false, max_line);
                    let len = bytes.len();
                    drop(bytes);
                    if done_sender.send((index, offset, len, parsed)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_sender);
        // Join chunks in file order while later ones are still being parsed.
        let mut pending = BTreeMap::new();
        let mut next = 0;
        let mut in_comment_block = false;
        let mut result = Ok(());
        for (index, offset, len, parsed) in done_receiver {
            pending.insert(index, (offset, len, parsed));
            while let Some((offset, len, parsed)) = pending.remove(&next) {
                // A chunk parsed as if outside a comment block may in fact start in one.
                let parsed = if in_comment_block && result.is_ok() {
                    match reparse_in_comment_block(path, file, offset, len, max_line) {
                        Ok(p) => p,
                        Err(e) => {
                            result = Err(e);
                            parsed
                        }
                    }
                } else {
                    parsed
                };
                in_comment_block = parsed.ends_in_comment_block;
                emit(parsed);
                next += 1;
            }
        }
        match reader.join() {
            Ok(r) => r?,
            Err(_) => return Err(io::Error::other("the reading thread failed")),
        }
        result
    })
}

fn reparse_in_comment_block(
    path: &Path,
    file: FileId,
    offset: u64,
    len: usize,
    max_line: usize,
) -> io::Result<ParsedChunk> {
    let mut f = File::open(path)?;
    let mut bytes = vec![0; len];
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(&mut bytes)?;
    Ok(parse_bytes(&bytes, file, true, max_line))
}

/// Reads `f` in blocks of about `size` bytes, each ending just before a line that
/// starts with a digit (a transaction), and hands each to `emit` with its index and
/// file offset. Stops early when `emit` returns false.
fn split_into_chunks(
    f: &mut File,
    size: usize,
    mut emit: impl FnMut(usize, u64, Vec<u8>) -> bool,
) -> io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut index = 0;
    let mut offset = 0u64;
    let mut eof = false;
    while !eof || !carry.is_empty() {
        let mut buf = std::mem::take(&mut carry);
        let want = size.max(buf.len() + size / 2);
        buf.reserve(want.saturating_sub(buf.len()));
        while buf.len() < want {
            let start = buf.len();
            buf.resize(want, 0);
            let n = f.read(&mut buf[start..])?;
            buf.truncate(start + n);
            if n == 0 {
                eof = true;
                break;
            }
        }
        let cut = if eof {
            None
        } else {
            last_transaction_start(&buf)
        };
        match cut {
            Some(cut) => {
                carry = buf[cut..].to_vec();
                buf.truncate(cut);
            }
            None if !eof => {
                // No boundary yet: read more before cutting.
                carry = buf;
                continue;
            }
            None => {}
        }
        let len = buf.len() as u64;
        if !buf.is_empty() && !emit(index, offset, buf) {
            return Ok(());
        }
        index += 1;
        offset += len;
    }
    Ok(())
}

/// Offset of the last line start that begins with a digit, past the first line.
fn last_transaction_start(buf: &[u8]) -> Option<usize> {
    let mut end = buf.len();
    while let Some(nl) = memchr::memrchr(b'\n', &buf[..end]) {
        if buf.get(nl + 1).is_some_and(u8::is_ascii_digit) && nl > 0 {
            return Some(nl + 1);
        }
        end = nl;
    }
    None
}

/// Parses raw bytes; text that is not UTF-8 is reported and read with replacements.
fn parse_bytes(bytes: &[u8], file: FileId, in_comment_block: bool, max_line: usize) -> ParsedChunk {
    match std::str::from_utf8(bytes) {
        Ok(text) => parser::parse_chunk_with(text, file, in_comment_block, max_line),
        Err(e) => {
            let good = e.valid_up_to();
            let line = memchr::memchr_iter(b'\n', &bytes[..good]).count() as u32;
            let line_start = memchr::memrchr(b'\n', &bytes[..good]).map_or(0, |i| i + 1);
            let text = String::from_utf8_lossy(bytes);
            let mut chunk = parser::parse_chunk_with(&text, file, in_comment_block, max_line);
            chunk.diagnostics.push(
                Diagnostic::error(
                    Code::Io,
                    Location::Text(TextPos {
                        file,
                        line,
                        col: (good - line_start) as u32,
                        len: 1,
                    }),
                    "the journal is not valid UTF-8 text",
                )
                .with_help(
                    "save the file as UTF-8 (Excel: \"CSV UTF-8\"; editors: \"Encoding: UTF-8\")",
                ),
            );
            chunk
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cut_before_transactions() {
        let buf = b"2017-01-01 a\n    x  1\n    y\n2017-01-02 b\n    x";
        assert_eq!(last_transaction_start(buf), Some(28));
        assert_eq!(&buf[28..38], b"2017-01-02");
        assert_eq!(last_transaction_start(b"no digits\n here"), None);
    }
}
