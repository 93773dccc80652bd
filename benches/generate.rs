//! Deterministic test-data generator for the "fast at scale" benchmarks.
//!
//! Registered in Cargo.toml as the example `generate`:
//!
//! ```text
//! cargo run --release --example generate -- journal 100000 benches/data/100k [--tackler] [--seed 42]
//! cargo run --release --example generate -- xlsx 1M benches/data/depenses-1M.xlsx [--seed 42]
//! ```
//!
//! * `journal N DIR` writes a ledger directory: `books.journal` (N transactions plus
//!   month-end balance assertions, the hledger/ledger common syntax of
//!   `/work/shared/bench/gen_journal.py`, but balanced within each fund) and
//!   `project.toml`; with `--tackler` also `books.txn` for tackler-ng. The directory
//!   passes `fundledger -L DIR check` and `fundledger -f DIR/books.journal check`.
//!   See `benches/gen/mod.rs` for the exact shape.
//! * `xlsx N FILE` writes an expenditure spreadsheet in the French layout, for future
//!   import benchmarks: sheet `Dépenses`, a 3-row title block, the header
//!   `Date | N° pièce | Libellé | Ligne budgétaire | Bailleur | Activité | Montant (FCFA)`
//!   and N rows (typed dates shown `dd/mm/yyyy`, whole-franc amounts with digit
//!   groups). Written with a constant-memory worksheet: about 12 MB of RAM at 1M rows.
//!
//! * `portfolio COUNT N DIR` writes COUNT ledger directories of N transactions each
//!   (`DIR/project-000` …, distinct codes and UEMOA countries), for
//!   `fundledger consolidate` and the DuckDB example of the README.
//!
//! N may be written `10000`, `10_000`, `10k` or `1M`. Same N and seed, same bytes.

#[path = "gen/mod.rs"]
mod generator;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use generator::{ACTIVITIES, Calendar, DEFAULT_SEED, DONORS, EXPENSES, PAYERS, PLACES, Rng, VERBS};

/// Generates benchmark ledgers and spreadsheets (deterministic, fixed seed).
#[derive(Debug, Parser)]
#[command(name = "generate")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A ledger directory DIR (project.toml + books.journal) of N transactions
    Journal {
        #[arg(value_parser = parse_count)]
        n: usize,
        dir: PathBuf,
        /// Also write DIR/books.txn, the same transactions in tackler-ng syntax
        #[arg(long)]
        tackler: bool,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
    /// COUNT small ledger directories under DIR, N transactions each, for consolidation
    Portfolio {
        count: usize,
        #[arg(value_parser = parse_count)]
        n: usize,
        dir: PathBuf,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
    /// An expenditure spreadsheet FILE (.xlsx, French layout) of N rows
    Xlsx {
        #[arg(value_parser = parse_count)]
        n: usize,
        file: PathBuf,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
}

/// `10000`, `10_000`, `10k`, `1M`.
fn parse_count(s: &str) -> Result<usize, String> {
    let t = s.trim().replace('_', "");
    let (digits, factor) = match t.as_bytes().last() {
        Some(b'k' | b'K') => (&t[..t.len() - 1], 1_000),
        Some(b'm' | b'M') => (&t[..t.len() - 1], 1_000_000),
        _ => (&t[..], 1),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|v| v.checked_mul(factor))
        .ok_or_else(|| format!("expected a count like 10000, 10k or 1M, not {s:?}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    let result = match cli.command {
        Command::Journal {
            n,
            dir,
            tackler,
            seed,
        } => journal(n, &dir, tackler, seed),
        Command::Xlsx { n, file, seed } => xlsx(n, &file, seed).map_err(|e| e.to_string()),
        Command::Portfolio {
            count,
            n,
            dir,
            seed,
        } => generator::write_portfolio(&dir, count, n, seed)
            .map(|dirs| format!("{} ledgers under {}", dirs.len(), dir.display()))
            .map_err(|e| format!("cannot write {}: {e}", dir.display())),
    };
    match result {
        Ok(what) => {
            eprintln!("generate: {what} in {:.1?}", started.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("generate: {e}");
            ExitCode::FAILURE
        }
    }
}

fn journal(n: usize, dir: &Path, tackler: bool, seed: u64) -> Result<String, String> {
    let s = generator::write_ledger_dir(dir, n, seed, tackler)
        .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
    Ok(format!(
        "{} ({} transactions incl. {} month-end assertions, {} postings, {} MiB{})",
        dir.display(),
        s.transactions,
        s.assertion_transactions,
        s.postings,
        mib(s.journal_bytes),
        if tackler { ", + books.txn" } else { "" }
    ))
}

/// Column headers and widths of the `Dépenses` sheet.
const COLUMNS: [(&str, u16); 7] = [
    ("Date", 12),
    ("N° pièce", 12),
    ("Libellé", 40),
    ("Ligne budgétaire", 17),
    ("Bailleur", 10),
    ("Activité", 10),
    ("Montant (FCFA)", 16),
];

/// First row of data (0-based): 3 title rows, then the header row.
const HEADER_ROW: u32 = 3;

fn xlsx(n: usize, file: &Path, seed: u64) -> Result<String, XlsxError> {
    if n > 1_048_576 - (HEADER_ROW as usize + 1) {
        return Err(XlsxError::ParameterError(format!(
            "{n} rows do not fit on one worksheet (Excel's limit is 1,048,576 rows)"
        )));
    }
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let calendar = Calendar::new();
    // Excel serial dates of the whole period, computed once.
    let dates: Vec<ExcelDateTime> = calendar
        .days
        .iter()
        .map(|d| {
            use chrono::Datelike;
            ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
        })
        .collect::<Result<_, _>>()?;

    let title = Format::new().set_bold().set_font_size(14);
    let subtitle = Format::new().set_italic();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_border_bottom(FormatBorder::Thin)
        .set_background_color("#D9E1F2");
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    // Stored in Excel's locale-neutral syntax; a French Excel shows it as `# ##0`
    // (space digit groups). A literal "# ##0" would group only the last 3 digits.
    let amount_format = Format::new().set_num_format("#,##0");

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("Dépenses")?;
    for (col, (_, width)) in COLUMNS.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet.write_string_with_format(
        0,
        0,
        "Projet de référence pour les mesures de performance (BENCH)",
        &title,
    )?;
    sheet.write_string_with_format(1, 0, "Période : du 01/01/2015 au 31/12/2018", &subtitle)?;
    sheet.write_string_with_format(2, 0, "Montants en FCFA", &subtitle)?;
    for (col, (name, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col as u16, *name, &header)?;
    }

    let mut rng = Rng::new(seed);
    let mut text = String::new();
    for i in 0..n {
        let row = HEADER_ROW + 1 + i as u32;
        let ex = &EXPENSES[rng.below(EXPENSES.len() as u64) as usize];
        let donor = DONORS[rng.pick(&PAYERS)].id;
        let activity = rng.pick(&ACTIVITIES);
        let cash = rng.percent(20);
        let mut amount = rng.range(ex.lo / 5, ex.hi / 5) * 5;
        if rng.percent(50) {
            amount = ex.lo.max(amount / 1000 * 1000);
        }
        // At most 25,000,000 francs: exact as u32, and so exact in Excel's f64 cell.
        let amount = u32::try_from(amount).expect("generated amounts fit in u32");
        let what = ex.account.rsplit(':').next().unwrap_or(ex.account);

        sheet.write_datetime_with_format(row, 0, &dates[calendar.day_of(i, n)], &date_format)?;
        text.clear();
        text.push_str(if cash { "PC-" } else { "PV-" });
        text.push_str(&format!("{:06}", i + 1));
        sheet.write_string(row, 1, &text)?;
        text.clear();
        text.push_str(rng.pick(&VERBS));
        text.push(' ');
        text.push_str(what);
        text.push(' ');
        text.push_str(rng.pick(&PLACES));
        sheet.write_string(row, 2, &text)?;
        sheet.write_string(row, 3, ex.line)?;
        sheet.write_string(row, 4, donor)?;
        sheet.write_string(row, 5, activity)?;
        sheet.write_number_with_format(row, 6, amount, &amount_format)?;
    }
    workbook.save(file)?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    Ok(format!("{} ({n} rows, {} MiB)", file.display(), mib(size)))
}

/// A file size in MiB with one decimal, by integer arithmetic.
fn mib(bytes: u64) -> String {
    let tenths = (bytes * 10 + (1 << 19)) >> 20;
    format!("{}.{}", tenths / 10, tenths % 10)
}
