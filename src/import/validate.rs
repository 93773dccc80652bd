//! The last gate before writing: the exact journal text about to be appended is parsed
//! back and every ledger check runs on the books with it (balanced, fund-balanced,
//! tags, declarations, whole francs, balance assertions in date order). What the
//! importer writes is therefore what was checked.

use std::collections::HashSet;
use std::path::Path;

use crate::books::Books;
use crate::check;
use crate::diag::{Code, Diagnostic, Severity};
use crate::precision::Precisions;
use crate::read::journal::append_text;
use crate::source::{Location, TextPos};

use super::render::Text;

/// Problems the books have before the import.
#[derive(Debug, Default)]
pub struct Existing {
    /// Errors that stop an import: everything but failing balance assertions.
    pub blocking: Vec<Diagnostic>,
    /// Balance assertions that fail now (an import may bring the missing transactions).
    pub failing_assertions: HashSet<TextPos>,
}

/// Runs the full checks on the books as they are.
pub fn existing(books: &Books) -> Existing {
    let mut all: Vec<Diagnostic> = books.diagnostics.clone();
    all.extend(check::run(check::FULL, &books.context(false)));
    let mut out = Existing::default();
    for d in all.into_iter().filter(Diagnostic::is_error) {
        if d.code == Code::Assertions {
            if let Some(p) = d.text_pos() {
                out.failing_assertions.insert(p);
            }
        } else {
            out.blocking.push(d);
        }
    }
    out
}

/// What the books would have with the import.
#[derive(Debug, Default)]
pub struct Combined {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// Appends `text` to the books in memory (registered as `name`) and runs every check.
/// Problems in the new transactions are moved to their rows with `at_row`; balance
/// assertions that failed before and still fail are warnings, not errors.
pub fn combined(
    books: &mut Books,
    text: &Text,
    name: &Path,
    existing: &Existing,
    at_row: &dyn Fn(u32) -> Location,
) -> Combined {
    let mut found = append_text(&mut books.journal, &text.text, name);
    let new_file = books.journal.sources.paths().iter().position(|p| p == name);
    books.precisions = Precisions::new(&books.journal, books.project.as_ref());
    let cx = books.context(false);
    found.extend(check::run(check::BASIC, &cx));
    found.extend(check::run(check::FULL, &cx));
    let mut out = Combined::default();
    for mut d in found {
        let in_new = match (&d.location, new_file) {
            (Location::Text(p), Some(f)) => (p.file.0 as usize == f).then_some(p.line),
            _ => None,
        };
        if let Some(line) = in_new {
            d.location = text.row_of_line(line).map_or(Location::None, at_row);
        } else if d.code == Code::Assertions
            && d.text_pos()
                .is_some_and(|p| existing.failing_assertions.contains(&p))
        {
            d.severity = Severity::Warning;
            d.message = format!("{} (it failed before this import too)", d.message);
        } else if !d.is_error() {
            // The books' own warnings were shown by `check`; only new ones matter here.
            continue;
        }
        match d.severity {
            Severity::Error => out.errors.push(d),
            Severity::Warning => out.warnings.push(d),
        }
    }
    out
}
