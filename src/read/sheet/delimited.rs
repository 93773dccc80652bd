//! CSV files as French Excel writes them: `;` or `,` between fields (detected, or set by
//! the rules), UTF-8 with or without a byte-order mark, or Windows-1252 ("CSV
//! (séparateur : point-virgule)" in a French Excel saves that). Every cell is text; the
//! importer reads numbers and dates in the rules' formats. The sheet is named after the
//! file, as Excel names it when it opens a CSV; rows are numbered by line, as Excel shows
//! them.

use std::path::Path;

use serde::Deserialize;

use super::{Cell, Limits, Row, RowVisitor, SheetError, SheetSummary, Value};

/// The field separator of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Delimiter {
    /// The most frequent of `;`, `,` and tab on the first line (`;` on a tie).
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = ";")]
    Semicolon,
    #[serde(rename = ",")]
    Comma,
    #[serde(rename = "tab")]
    Tab,
}

/// The character encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum TextEncoding {
    /// UTF-8 when the bytes are valid UTF-8 (or start with a byte-order mark), else
    /// Windows-1252.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "windows-1252")]
    Windows1252,
}

/// How to read CSV files.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    pub delimiter: Delimiter,
    pub encoding: TextEncoding,
}

pub(super) fn read(
    path: &Path,
    options: &CsvOptions,
    limits: &Limits,
    visitor: &mut dyn RowVisitor,
) -> Result<SheetSummary, SheetError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| SheetError::Io {
        path: shown.clone(),
        source,
    })?;
    let text = decode(bytes, options.encoding).map_err(|why| SheetError::NotASpreadsheet {
        path: shown.clone(),
        why,
    })?;
    let delimiter = match options.delimiter {
        Delimiter::Auto => detect_delimiter(&text),
        Delimiter::Semicolon => b';',
        Delimiter::Comma => b',',
        Delimiter::Tab => b'\t',
    };
    let name = path
        .file_stem()
        .map_or_else(|| "csv".to_string(), |s| s.to_string_lossy().into_owned());
    visitor.start(&name, None, false, &[]);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    // Row numbers are counted here, as a spreadsheet numbers the rows: one per record
    // (a quoted line break stays inside its row) and one per blank line, whatever ends
    // the lines (`\n`, `\r\n`, or `\r` alone as old Mac exports do). The csv crate's
    // line numbers count quoted line breaks, and are off by one after a CRLF line end
    // (a record then "starts" at the `\n`).
    let bytes = text.as_bytes();
    let (mut counted_to, mut line, mut quoted_breaks) = (0usize, 0usize, 0usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(SheetError::Damaged {
                    path: shown,
                    why: e.to_string(),
                });
            }
        }
        let mut start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.min(bytes.len());
        if start > counted_to {
            // The previous record, its line end and any blank lines, less the line
            // breaks inside the previous record's quoted fields.
            line += line_breaks(bytes, counted_to, start).saturating_sub(quoted_breaks);
            counted_to = start;
        }
        quoted_breaks = record
            .iter()
            .map(|f| line_breaks(f.as_bytes(), 0, f.len()))
            .sum();
        let index = u32::try_from(line).unwrap_or(u32::MAX);
        if index >= limits.max_rows {
            return Err(SheetError::TooLarge {
                path: shown,
                why: format!("more than {} rows", limits.max_rows),
            });
        }
        let mut row = Row {
            index,
            cells: Vec::new(),
        };
        for (col, field) in record.iter().enumerate() {
            let Ok(col) = u32::try_from(col) else { break };
            if col >= limits.max_columns {
                break;
            }
            if !field.trim().is_empty() {
                row.cells.push(Cell {
                    col,
                    value: Value::Text(field.to_string()),
                });
            }
        }
        if !row.cells.is_empty() && !visitor.row(row) {
            break;
        }
    }
    Ok(SheetSummary { name })
}

/// The line breaks in `bytes[from..to]`: `\n`, `\r\n` (counted at its `\n`) and a lone
/// `\r`.
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> usize {
    memchr::memchr2_iter(b'\r', b'\n', &bytes[from..to])
        .filter(|&i| bytes[from + i] == b'\n' || bytes.get(from + i + 1) != Some(&b'\n'))
        .count()
}

/// The file's text: BOM-marked UTF-8 or UTF-16, plain UTF-8 (not copied), or
/// Windows-1252.
fn decode(bytes: Vec<u8>, encoding: TextEncoding) -> Result<String, String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _, bad) = enc.decode(&bytes[bom..]);
        if bad && enc == encoding_rs::UTF_8 && encoding == TextEncoding::Utf8 {
            return Err("it is not valid UTF-8 text".into());
        }
        return Ok(text.into_owned());
    }
    if bytes.contains(&0) {
        return Err("it holds binary data, not text".into());
    }
    match encoding {
        TextEncoding::Windows1252 => Ok(encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned()),
        TextEncoding::Utf8 => String::from_utf8(bytes).map_err(|e| {
            format!(
                "it is not valid UTF-8 text (byte {}); set encoding = \"windows-1252\" in the rules",
                e.utf8_error().valid_up_to()
            )
        }),
        TextEncoding::Auto => String::from_utf8(bytes)
            .or_else(|e| Ok(encoding_rs::WINDOWS_1252.decode(e.as_bytes()).0.into_owned())),
    }
}

/// Counts `;`, `,` and tabs outside quotes on the first non-empty line.
fn detect_delimiter(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let (mut semi, mut comma, mut tab) = (0, 0, 0);
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semi += 1,
            ',' if !quoted => comma += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > semi && tab > comma {
        b'\t'
    } else if comma > semi {
        b','
    } else {
        b';'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFLibell\xC3\xA9".to_vec(), TextEncoding::Auto).unwrap(),
            "Libellé"
        );
        assert_eq!(
            decode(b"Libell\xC3\xA9".to_vec(), TextEncoding::Auto).unwrap(),
            "Libellé"
        );
        assert_eq!(
            decode(b"Libell\xE9 \x80".to_vec(), TextEncoding::Auto).unwrap(),
            "Libellé €"
        );
        assert!(decode(b"Libell\xE9".to_vec(), TextEncoding::Utf8).is_err());
        assert!(decode(b"a\0b".to_vec(), TextEncoding::Auto).is_err());
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("Date;Libellé;Montant\n"), b';');
        assert_eq!(detect_delimiter("\nDate,Libellé,Montant\n"), b',');
        assert_eq!(detect_delimiter("\"a;b\",c,d"), b',');
        assert_eq!(detect_delimiter("a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter("Date"), b';');
    }
}
