//! A neutral table (headers, alignment, rows) rendered as aligned terminal text by
//! comfy-table. Reports fill a `Table`; they never format columns themselves.

use comfy_table::{CellAlignment, ContentArrangement, LineStyle, TableStyle};

/// Horizontal alignment of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table of text cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers and alignments.
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            headers: columns.iter().map(|(h, _)| (*h).to_string()).collect(),
            align: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Renders with a rule under the header, columns aligned.
    pub fn to_text(&self) -> String {
        let mut t = comfy_table::Table::new();
        t.load_style(TableStyle::new().header_separator(LineStyle::none().fill('─').junction('─')));
        t.set_content_arrangement(ContentArrangement::Disabled);
        t.set_header(self.headers.clone());
        for row in &self.rows {
            t.add_row(row.clone());
        }
        for (i, a) in self.align.iter().enumerate() {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(match a {
                    Align::Left => CellAlignment::Left,
                    Align::Right => CellAlignment::Right,
                });
            }
        }
        let mut out = String::new();
        for line in t.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}
