//! Diagnostics: problems found in the books, collected (never first-error-only) and
//! rendered with their place and the offending line.
//!
//! Data problems are values ([`Diagnostic`]); failures to run at all are `Err`s.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;

use crate::source::{FileId, Location, SourceMap, TextPos};

/// Stable name of each check or reading step, used in messages, tests and `--format json`.
///
/// Keep in sync with the table in README.md ("Checks").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// A file cannot be read (missing, unreadable, not UTF-8).
    Io,
    /// The journal text does not follow the grammar.
    Syntax,
    /// A date that does not exist or is malformed.
    BadDate,
    /// A number that cannot be read as an amount.
    BadAmount,
    /// Syntax that hledger or ledger accept but fundledger does not read.
    Unsupported,
    /// An included file is missing.
    Include,
    /// Files include each other in a loop, or too deeply.
    IncludeCycle,
    /// project.toml is malformed or inconsistent.
    Project,
    /// An elided amount cannot be inferred.
    Infer,
    /// A transaction does not balance per commodity (after costs).
    Balanced,
    /// A balance assertion does not hold.
    Assertions,
    /// An amount has more decimals than its commodity allows (e.g. fractional XOF).
    Precision,
    /// A transaction does not balance within one fund (donor).
    FundBalanced,
    /// An income or expense posting lacks a `donor:` tag.
    DonorTags,
    /// An expense posting lacks a `line:` tag.
    LineTags,
    /// A posting on a line with activities lacks a valid `activity:` tag.
    ActivityTags,
    /// An account is used without an `account` directive.
    Accounts,
    /// A commodity is used without being declared.
    Commodities,
    /// A `donor:` tag names a donor the project does not declare.
    Donors,
    /// A `line:` tag names a budget line the project does not declare.
    Lines,
    /// An `activity:` tag names an activity the project does not declare.
    Activities,
    /// Syntax that hledger and ledger read differently (warning).
    Compat,
    /// A transaction of a sealed period was added, removed or changed.
    Sealed,
    /// A spreadsheet row or an import rules file that cannot be imported as it is.
    Import,
}

impl Code {
    /// The check's short name, as shown in `error[name]`.
    pub fn name(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::Syntax => "syntax",
            Code::BadDate => "bad-date",
            Code::BadAmount => "bad-amount",
            Code::Unsupported => "unsupported",
            Code::Include => "include",
            Code::IncludeCycle => "include-cycle",
            Code::Project => "project",
            Code::Infer => "infer",
            Code::Balanced => "balanced",
            Code::Assertions => "assertions",
            Code::Precision => "precision",
            Code::FundBalanced => "fund-balanced",
            Code::DonorTags => "donor-tags",
            Code::LineTags => "line-tags",
            Code::ActivityTags => "activity-tags",
            Code::Accounts => "accounts",
            Code::Commodities => "commodities",
            Code::Donors => "donors",
            Code::Lines => "lines",
            Code::Activities => "activities",
            Code::Compat => "compat",
            Code::Sealed => "sealed",
            Code::Import => "import",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, with its place and an optional hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            location,
            help: None,
        }
    }

    /// A warning at `location`.
    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, location, message)
        }
    }

    /// Adds a hint that suggests a fix.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The text position, when the diagnostic points into a text file.
    pub fn text_pos(&self) -> Option<TextPos> {
        match self.location {
            Location::Text(p) => Some(p),
            _ => None,
        }
    }

    /// True for errors (as opposed to warnings).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by place, then code, so output is stable whatever the parse order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics
        .sort_by(|a, b| (&a.location, a.code, &a.message).cmp(&(&b.location, b.code, &b.message)));
}

/// Renders diagnostics like a compiler: heading, `file:line:col`, the line, a hint.
///
/// Files are read again only when a diagnostic points into them (the error path).
pub struct Renderer<'a> {
    sources: &'a SourceMap,
    texts: HashMap<FileId, Option<FileText>>,
}

struct FileText {
    text: String,
    line_starts: Vec<usize>,
}

impl<'a> Renderer<'a> {
    /// A renderer for positions in `sources`.
    pub fn new(sources: &'a SourceMap) -> Self {
        Renderer {
            sources,
            texts: HashMap::new(),
        }
    }

    /// Writes one diagnostic to `out` as plain text.
    ///
    /// # Errors
    /// Fails only when `out` fails.
    pub fn render(&mut self, diagnostic: &Diagnostic, out: &mut dyn Write) -> std::io::Result<()> {
        let heading = format!(
            "{}[{}]: {}",
            match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            diagnostic.code,
            diagnostic.message
        );
        let help = diagnostic.help.as_deref();
        match &diagnostic.location {
            Location::Text(pos) => {
                let sources = self.sources;
                if let Some(file) = self.text(pos.file) {
                    let excerpt = Excerpt::new(sources, pos, file);
                    let cs = CsDiagnostic::new(match diagnostic.severity {
                        Severity::Error => codespan_reporting::diagnostic::Severity::Error,
                        Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
                    })
                    .with_code(diagnostic.code.name())
                    .with_message(&diagnostic.message)
                    .with_labels(vec![Label::primary((), excerpt.label_range())])
                    .with_notes(help.map(|h| format!("help: {h}")).into_iter().collect());
                    let config = term::Config::default();
                    let mut buf = String::new();
                    if term::emit_to_string(&mut buf, &config, &excerpt, &cs).is_ok() {
                        return out.write_all(buf.as_bytes());
                    }
                }
                writeln!(out, "{heading}")?;
                writeln!(out, "  --> {}", pos.display(self.sources))?;
            }
            Location::Cell(cell) => {
                writeln!(out, "{heading}")?;
                writeln!(out, "  --> {}", cell.display(self.sources))?;
            }
            Location::File(id) => {
                writeln!(out, "{heading}")?;
                writeln!(out, "  --> {}", self.sources.path(*id).display())?;
            }
            Location::None => writeln!(out, "{heading}")?,
        }
        if let Some(h) = help {
            writeln!(out, "  = help: {h}")?;
        }
        writeln!(out)
    }

    fn text(&mut self, file: FileId) -> Option<&FileText> {
        let sources = self.sources;
        self.texts
            .entry(file)
            .or_insert_with(|| {
                let bytes = std::fs::read(sources.path(file)).ok()?;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut line_starts = vec![0];
                line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
                Some(FileText { text, line_starts })
            })
            .as_ref()
    }
}

/// One line of a file, presented to codespan with its real line number.
struct Excerpt<'a> {
    name: String,
    line: &'a str,
    line_index: usize,
    col: usize,
    len: usize,
}

impl<'a> Excerpt<'a> {
    fn new(sources: &SourceMap, pos: &TextPos, file: &'a FileText) -> Self {
        let line_index = pos.line as usize;
        let start = file
            .line_starts
            .get(line_index)
            .copied()
            .unwrap_or(file.text.len());
        let end = file
            .line_starts
            .get(line_index + 1)
            .map_or(file.text.len(), |e| e.saturating_sub(1));
        let mut line = file.text.get(start..end.max(start)).unwrap_or("");
        line = line.strip_suffix('\r').unwrap_or(line);
        if line_index == 0 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        let col = floor_char_boundary(line, pos.col as usize);
        let len = floor_char_boundary(line, col + (pos.len.max(1) as usize)).saturating_sub(col);
        Excerpt {
            name: sources.path(pos.file).display().to_string(),
            line,
            line_index,
            col,
            len: len.max(usize::from(col < line.len())),
        }
    }

    fn label_range(&self) -> Range<usize> {
        self.col..self.col + self.len
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.line)
    }

    fn line_index(&'a self, (): (), _byte_index: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.line_index + line_index + 1)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        if line_index == 0 {
            Ok(0..self.line.len())
        } else {
            Err(FilesError::LineTooLarge {
                given: line_index,
                max: 0,
            })
        }
    }
}

/// A diagnostic as a flat JSON-friendly record (`check --format json`).
#[derive(Debug, serde::Serialize)]
pub struct DiagnosticRecord {
    pub check: Code,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Spreadsheet problems: the sheet name and the A1 cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    pub help: Option<String>,
}

impl DiagnosticRecord {
    /// Flattens `d`, with 1-based line and column.
    pub fn new(d: &Diagnostic, sources: &SourceMap) -> Self {
        let (file, line, column) = match &d.location {
            Location::Text(p) => (
                Some(sources.path(p.file).display().to_string()),
                Some(p.line + 1),
                Some(p.col + 1),
            ),
            Location::Cell(c) => (Some(sources.path(c.file).display().to_string()), None, None),
            Location::File(f) => (Some(sources.path(*f).display().to_string()), None, None),
            Location::None => (None, None, None),
        };
        let (sheet, cell) = match &d.location {
            Location::Cell(c) => (Some(c.sheet.clone()), Some(c.a1())),
            _ => (None, None),
        };
        DiagnosticRecord {
            check: d.code,
            severity: d.severity,
            message: d.message.clone(),
            file,
            line,
            column,
            sheet,
            cell,
            help: d.help.clone(),
        }
    }
}
