//! Finding the header row: the first of the top rows that names every required column
//! (date, budget line, and an amount or Débit/Crédit), matched case-, accent- and
//! punctuation-insensitively (`N°pièce` = `No pièce`).

use crate::read::rules::{Field, Rules};
use crate::read::sheet::fold::header_key;
use crate::read::sheet::{Row, Value};

/// The header row and the column of each mapped field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// 0-based sheet row.
    pub row: u32,
    /// Column of each field found.
    pub columns: Vec<(Field, u32)>,
    /// Every header cell's text by column (for the rejects file and repeated headers).
    pub names: Vec<(u32, String)>,
}

impl Header {
    /// The column of `field`, if the sheet has it.
    pub fn col(&self, field: Field) -> Option<u32> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| *c)
    }

    /// The header text of column `col`.
    pub fn name_of(&self, col: u32) -> Option<&str> {
        self.names
            .iter()
            .find(|(c, _)| *c == col)
            .map(|(_, n)| n.as_str())
    }

    /// True when `row` repeats this header (every mapped column holds its header name).
    pub fn is_repeated_by(&self, row: &Row) -> bool {
        self.columns
            .iter()
            .all(|(_, col)| match (row.get(*col), self.name_of(*col)) {
                (Some(Value::Text(t)), Some(name)) => header_key(t) == header_key(name),
                _ => false,
            })
    }
}

/// The best row when no header was found, to say what was missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMiss {
    /// The row that matched the most columns, and the required fields it lacks.
    pub best: Option<(u32, Vec<Field>)>,
}

/// Fields a header must have: date and line, then an amount column of either kind.
fn missing_required(found: &[(Field, u32)]) -> Vec<Field> {
    let has = |f: Field| found.iter().any(|(x, _)| *x == f);
    let mut missing: Vec<Field> = [Field::Date, Field::Line]
        .into_iter()
        .filter(|f| !has(*f))
        .collect();
    if !has(Field::Amount) && !has(Field::Debit) && !has(Field::Credit) {
        missing.push(Field::Amount);
    }
    missing
}

/// The fields `row` names, by column (first column wins for a field).
pub fn match_row(row: &Row, rules: &Rules) -> Vec<(Field, u32)> {
    let wanted: Vec<(Field, Vec<String>)> = rules
        .columns
        .iter()
        .map(|(f, names)| (*f, names.iter().map(|n| header_key(n)).collect()))
        .collect();
    let mut found: Vec<(Field, u32)> = Vec::new();
    for cell in &row.cells {
        let Value::Text(text) = &cell.value else {
            continue;
        };
        let key = header_key(text);
        if key.is_empty() {
            continue;
        }
        if let Some((field, _)) = wanted
            .iter()
            .find(|(f, keys)| keys.contains(&key) && !found.iter().any(|(x, _)| x == f))
        {
            found.push((*field, cell.col));
        }
    }
    found
}

/// Looks for the header in `rows` (the top rows of the sheet, in order).
///
/// # Errors
/// No row names every required column.
pub fn find(rows: &[Row], rules: &Rules) -> Result<Header, HeaderMiss> {
    let mut best: Option<(u32, Vec<(Field, u32)>)> = None;
    for row in rows {
        let found = match_row(row, rules);
        if missing_required(&found).is_empty() {
            let names = row
                .cells
                .iter()
                .map(|c| (c.col, c.value.to_text().trim().to_string()))
                .collect();
            return Ok(Header {
                row: row.index,
                columns: found,
                names,
            });
        }
        if best.as_ref().is_none_or(|(_, b)| found.len() > b.len()) && !found.is_empty() {
            best = Some((row.index, found));
        }
    }
    Err(HeaderMiss {
        best: best.map(|(row, found)| (row, missing_required(&found))),
    })
}
