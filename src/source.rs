//! Where things come from: source files and positions inside them.
//!
//! Positions are stored 0-based and shown 1-based (`Location`'s `Display`).
//! Journal items point at `file:line:col`; spreadsheet items (later) at `file#Sheet!B12`.

use std::fmt;
use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A position in a text file: 0-based line, 0-based byte column, length in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextPos {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
    pub len: u32,
}

/// A cell in a spreadsheet: 0-based row and column of the sheet (absolute, as Excel
/// shows them once made 1-based), shown as `file#Sheet!B12`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellPos {
    pub file: FileId,
    pub sheet: String,
    pub row: u32,
    pub col: u32,
}

impl CellPos {
    /// The cell's A1 reference, e.g. `B12`.
    pub fn a1(&self) -> String {
        format!("{}{}", column_letters(self.col), self.row + 1)
    }

    /// `path#Sheet!B12`.
    pub fn display(&self, sources: &SourceMap) -> String {
        format!(
            "{}#{}!{}",
            sources.path(self.file).display(),
            self.sheet,
            self.a1()
        )
    }
}

/// Excel column letters for a 0-based column: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// A place in a journal or project file.
    Text(TextPos),
    /// A cell (or a row, when `col` is the first) of a spreadsheet.
    Cell(CellPos),
    /// A whole file (when no line applies, e.g. it cannot be opened).
    File(FileId),
    /// Nowhere in particular (e.g. a command-line value).
    None,
}

/// The files a run has read, so positions can name them.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    paths: Vec<PathBuf>,
}

impl SourceMap {
    /// Registers a path and returns its id (the same id for the same path).
    pub fn add(&mut self, path: &Path) -> FileId {
        if let Some(i) = self.paths.iter().position(|p| p == path) {
            return FileId(i as u32);
        }
        self.paths.push(path.to_path_buf());
        FileId((self.paths.len() - 1) as u32)
    }

    /// The path registered under `id`.
    pub fn path(&self, id: FileId) -> &Path {
        &self.paths[id.0 as usize]
    }

    /// Every registered path, in registration order.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }
}

/// Converts a byte offset in `text` to a 0-based (line, byte column).
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = memchr::memchr_iter(b'\n', before).count();
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    (line as u32, (offset - line_start) as u32)
}

impl TextPos {
    /// Formats as `path:line:col` (1-based), the column counted in characters.
    pub fn display<'a>(&'a self, sources: &'a SourceMap) -> impl fmt::Display + 'a {
        DisplayPos { pos: self, sources }
    }
}

struct DisplayPos<'a> {
    pos: &'a TextPos,
    sources: &'a SourceMap,
}

impl fmt::Display for DisplayPos<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.sources.path(self.pos.file).display(),
            self.pos.line + 1,
            self.pos.col + 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_like_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn line_col_counts_from_zero() {
        let text = "ab\ncd\nef";
        assert_eq!(line_col(text, 0), (0, 0));
        assert_eq!(line_col(text, 4), (1, 1));
        assert_eq!(line_col(text, 6), (2, 0));
        assert_eq!(line_col(text, 99), (2, 2));
    }
}
