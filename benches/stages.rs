//! In-process benchmark of fundledger's stages, with divan.
//!
//! ```text
//! cargo bench --bench stages                 # everything, 10k and 100k transactions
//! cargo bench --bench stages -- parse        # only benchmarks whose name contains "parse"
//! cargo bench --bench stages -- --sample-count 5
//! ```
//!
//! At start, ledgers of 10,000 and 100,000 transactions are generated into temporary
//! directories by the same code as `cargo run --example generate -- journal N DIR`
//! (`benches/gen/mod.rs`), and removed at the end. Stages measured on each:
//!
//! * `parse`: `read::journal::load` of books.journal (read + parse, all cores);
//! * `open`: `Books::open` of the ledger directory (project.toml, parse, infer elided
//!   amounts, basic checks: balanced, precision, assertions);
//! * `check_full`: `check::run(check::FULL, ..)` on opened books (funds, tags,
//!   declarations);
//! * `balance_no_dims`: `report::balance::balance`, default spec (account tree, no breakdown);
//! * `balance_by_donor_line`: the same with `by = [Donor, Line]`.
//!
//! Throughput is reported in transactions per second (the `N` of the generator; the
//! month-end assertion transactions, 48 of them, are not counted).

#[path = "gen/mod.rs"]
#[allow(dead_code)]
mod generator;

use std::path::PathBuf;
use std::sync::Mutex;

use divan::Bencher;
use divan::counter::ItemsCount;

use fundledger::books::{Books, Source};
use fundledger::check;
use fundledger::model::Dimension;
use fundledger::read::journal::{LoadOptions, load};
use fundledger::report::balance::{BalanceSpec, balance};

/// Sizes benchmarked, in transactions.
const SIZES: [usize; 2] = [10_000, 100_000];

/// Generated ledgers, by size; the directories are deleted when `main` ends.
static LEDGERS: Mutex<Vec<(usize, tempfile::TempDir)>> = Mutex::new(Vec::new());

fn main() {
    divan::main();
    LEDGERS.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// The ledger directory of `n` transactions, generated on first use.
fn ledger(n: usize) -> PathBuf {
    let mut ledgers = LEDGERS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, dir)) = ledgers.iter().find(|(size, _)| *size == n) {
        return dir.path().to_path_buf();
    }
    let dir = tempfile::Builder::new()
        .prefix(&format!("fundledger-bench-{n}-"))
        .tempdir()
        .expect("temporary directory");
    generator::write_ledger_dir(dir.path(), n, generator::DEFAULT_SEED, false)
        .expect("generate the benchmark ledger");
    let path = dir.path().to_path_buf();
    ledgers.push((n, dir));
    path
}

/// Opened books for `n`, checked once to be clean so that every stage measures the
/// happy path (a generator regression would otherwise be timed as diagnostics).
fn books(n: usize) -> Books {
    let books = Books::open(&Source::Ledger(ledger(n)), &LoadOptions::default())
        .expect("open the benchmark ledger");
    assert!(
        books.diagnostics.is_empty(),
        "generated ledger has problems: {:?}",
        books.diagnostics.first()
    );
    books
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn parse(bencher: Bencher, n: usize) {
    let path = ledger(n).join("books.journal");
    let options = LoadOptions::default();
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| load(&path, &options));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn open(bencher: Bencher, n: usize) {
    let source = Source::Ledger(ledger(n));
    let options = LoadOptions::default();
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| Books::open(&source, &options).expect("open"));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn check_full(bencher: Bencher, n: usize) {
    let books = books(n);
    let found = check::run(check::FULL, &books.context(false));
    assert!(found.is_empty(), "full checks found {:?}", found.first());
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| check::run(check::FULL, &books.context(false)));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn balance_no_dims(bencher: Bencher, n: usize) {
    let books = books(n);
    let spec = BalanceSpec::default();
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| balance(&books.journal, &spec));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn balance_by_donor_line(bencher: Bencher, n: usize) {
    let books = books(n);
    let spec = BalanceSpec {
        by: vec![Dimension::Donor, Dimension::Line],
        ..BalanceSpec::default()
    };
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| balance(&books.journal, &spec));
}
