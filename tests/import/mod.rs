//! `fundledger import`: spreadsheets into the journal.
//!
//! Workbooks are built here in code (rust_xlsxwriter, or a hand-made zip for cells no
//! writer produces), so every fixture is reviewable source; only the encrypted workbook
//! in `tests/data/import/hostile/` is a binary file. Most tests import into a copy of
//! the sample ledger with the shipped rules (`templates/import/`).
//!
//! - `layouts`: both shipped layouts end to end, the exact text written, splits.
//! - `problems`: every kind of bad row, each at its exact cell; nothing written.
//! - `csv`: encodings, separators, number and date styles.
//! - `dedupe`: re-import, overlapping exports, identical rows.
//! - `safety`: crash points, concurrent imports, dry run, rejects, hostile files.
//! - `sample`: the sample ledger is rebuilt by importing its spreadsheets.
//! - `peers`: hledger and ledger read the journal after an import.
//! - `xlsb`: a hand-written Excel binary workbook imports like the same XLSX.

mod csv;
mod dedupe;
mod edges;
mod layouts;
mod peers;
mod problems;
mod safety;
mod sample;
mod xlsb;

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use tempfile::TempDir;

use crate::support::{fundledger, root, s, sample};

/// A cell of a test workbook.
#[derive(Debug, Clone)]
pub enum C {
    Empty,
    Text(String),
    Num(f64),
    /// A date cell (typed by a date number format).
    Date(u16, u8, u8),
    /// A formula with its cached result.
    Formula(String, f64),
}

/// Text cell.
pub fn t(s: &str) -> C {
    C::Text(s.to_string())
}

/// Number cell.
pub fn n(v: f64) -> C {
    C::Num(v)
}

/// Date cell.
pub fn d(y: u16, m: u8, day: u8) -> C {
    C::Date(y, m, day)
}

/// A worksheet: rows from row 1 (A1) down, and merged ranges (0-based, inclusive).
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<C>>,
    pub merges: Vec<(u32, u16, u32, u16)>,
}

impl Sheet {
    pub fn new(name: &str, rows: Vec<Vec<C>>) -> Sheet {
        Sheet {
            name: name.to_string(),
            rows,
            merges: Vec::new(),
        }
    }
}

/// Writes `sheets` as an XLSX workbook at `path`.
pub fn write_xlsx(path: &Path, sheets: &[Sheet]) {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let amount = Format::new().set_num_format("#,##0");
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    C::Empty => {}
                    C::Text(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    C::Num(v) => {
                        ws.write_number_with_format(r, c, *v, &amount).unwrap();
                    }
                    C::Date(y, m, day) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *day).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                    }
                    C::Formula(f, v) => {
                        ws.write_formula_with_format(
                            r,
                            c,
                            Formula::new(f).set_result(v.to_string()),
                            &amount,
                        )
                        .unwrap();
                    }
                }
            }
        }
        for (r1, c1, r2, c2) in &sheet.merges {
            ws.merge_range(*r1, *c1, *r2, *c2, "", &Format::new())
                .unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// The French expenditure-ledger header (layout 1).
pub const FR_HEADER: [&str; 7] = [
    "Date",
    "N° pièce",
    "Libellé",
    "Ligne budgétaire",
    "Bailleur",
    "Activité",
    "Montant (FCFA)",
];

/// A French expenditure ledger: a title, a blank row, the header on row 3, then `rows`
/// (so the first data row is row 4).
pub fn french_ledger(rows: Vec<Vec<C>>) -> Sheet {
    let mut all = vec![
        vec![t("Atelier de Bamako - dépenses")],
        vec![],
        FR_HEADER.iter().map(|h| t(h)).collect(),
    ];
    all.extend(rows);
    Sheet::new("Dépenses", all)
}

/// A copy of the sample ledger (project, journal, prices; no sources) in a new
/// directory, for tests that write; without its month-end balance assertions, which
/// any new bank payment would (rightly) contradict.
pub fn sample_copy() -> TempDir {
    let dir = sample_copy_with_assertions();
    let text = journal(dir.path());
    let kept: Vec<&str> = text
        .split("\n\n")
        .filter(|block| !block.contains("Contrôle solde"))
        .collect();
    let mut text = kept.join("\n\n");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    std::fs::write(dir.path().join("books.journal"), text).unwrap();
    dir
}

/// A copy of the sample ledger as it is.
pub fn sample_copy_with_assertions() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["project.toml", "books.journal", "prices.journal"] {
        std::fs::copy(sample().join(f), dir.path().join(f)).unwrap();
    }
    dir
}

/// A shipped rules file.
pub fn rules(name: &str) -> PathBuf {
    root().join("templates/import").join(name)
}

/// The French expenditure-ledger rules.
pub fn fr_rules() -> PathBuf {
    rules("depenses-fr.toml")
}

/// The bank-statement rules.
pub fn bank_rules() -> PathBuf {
    rules("releve-bancaire-fr.toml")
}

/// Runs `fundledger -L dir import file --rules rules extra…`: (exit code, stdout, stderr).
pub fn import(dir: &Path, file: &Path, rules: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["-L", s(dir), "import", s(file), "--rules", s(rules)];
    args.extend_from_slice(extra);
    let out = fundledger().args(&args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `fundledger -L dir check` passes.
pub fn assert_check_passes(dir: &Path) {
    let out = fundledger().args(["-L", s(dir), "check"]).output().unwrap();
    assert!(
        out.status.success(),
        "check failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The (message, place) of every import error in `stderr`, places as
/// `file#Sheet!B12` reduced to `Sheet!B12`.
pub fn problems(stderr: &str) -> Vec<(String, String)> {
    located(stderr, "error[import]: ")
}

/// The (message, place) of every import warning in `stderr`.
pub fn warnings(stderr: &str) -> Vec<(String, String)> {
    located(stderr, "warning[import]: ")
}

fn located(stderr: &str, heading: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(message) = line.strip_prefix(heading) else {
            continue;
        };
        let place = lines
            .peek()
            .and_then(|l| l.trim().strip_prefix("--> "))
            .map(|p| p.rsplit_once('#').map_or(p, |(_, cell)| cell).to_string())
            .unwrap_or_default();
        out.push((message.to_string(), place));
    }
    out
}

/// The journal's text.
pub fn journal(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("books.journal")).unwrap()
}
