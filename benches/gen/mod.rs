//! Deterministic generator of a donor-funded project ledger, shared by the
//! `generate` example (`benches/generate.rs`) and the `stages` benchmark
//! (`benches/stages.rs`). Included from both with `#[path = "gen/mod.rs"]`.
//!
//! The journal has the shape of `/work/shared/bench/gen_journal.py`, the generator
//! the peer tools (hledger, ledger, tackler) were measured with:
//!
//! * `decimal-mark .`, then `commodity`, `tag` and `account` directives;
//! * `YYYY-MM-DD * (CODE) description`, 3 % of transactions pending (`!`);
//! * postings indented 4 spaces, amounts `1,250,000 XOF` (comma digit groups);
//! * one `; key: value` tag per comment line under each posting;
//! * EUR receipts and conversions `150,000 EUR @ 655.957 XOF`, EUR amounts in
//!   multiples of 1,000 so that the XOF side is a whole number of francs;
//! * a month-end transaction asserting `assets:bank:xof` and `assets:cash`
//!   (`    assets:bank:xof    0 XOF = 12,345 XOF`);
//! * dates spread evenly over 2015-01-01 ..= 2018-12-31; 42 expense accounts, each on
//!   its own budget line; donors EU, NL, DE, UNODC; activities A1.1 ..= A4.5.
//!
//! Two differences, required by fundledger's fund-accounting rules:
//!
//! * every transaction balances within each fund: the bank or cash posting of an
//!   expense carries the expense's `; donor: X` tag (one donor per transaction), and
//!   withdrawals, contributions, receipts and conversions tag both sides;
//! * a `project.toml` declares the donors, the 42 budget lines (every line shared by
//!   all four donors, shares summing to 100, amounts 25 % above what the journal
//!   spends on them, rounded up to the million), the 20 activities (no line restricts
//!   activities) and the commodities XOF (precision 0) and EUR (precision 2).
//!
//! So `fundledger -L DIR check` and `fundledger -f DIR/books.journal check` pass with
//! no error and no warning.
//!
//! Randomness is a hand-written splitmix64 (no `rand` dependency): the same seed and
//! size always give byte-identical files. Money is `i64` whole francs (whole euros
//! for EUR), never floating point. Output is streamed through `BufWriter`s.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate};

/// The seed used unless one is given.
pub const DEFAULT_SEED: u64 = 42;

/// Fixed EUR parity: 655.957 XOF per EUR, as thousandths of a franc.
pub const EUR_RATE_MILLI: i64 = 655_957;
/// The parity as written in the journal.
pub const EUR_RATE_TEXT: &str = "655.957";

// ---------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------

/// splitmix64 (Steele, Lea & Flood 2014): tiny, fast, good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias, below n / 2^64, is nil here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------
// The chart of accounts, budget lines, donors and activities
// ---------------------------------------------------------------------------

/// An expense account, its budget line and its typical amount range in XOF.
#[derive(Debug, Clone, Copy)]
pub struct Expense {
    pub account: &'static str,
    pub line: &'static str,
    pub label: &'static str,
    pub lo: i64,
    pub hi: i64,
}

const fn e(
    account: &'static str,
    line: &'static str,
    label: &'static str,
    lo: i64,
    hi: i64,
) -> Expense {
    Expense {
        account,
        line,
        label,
        lo,
        hi,
    }
}

/// The 42 expense accounts (same accounts, lines and ranges as gen_journal.py).
#[rustfmt::skip]
pub const EXPENSES: [Expense; 42] = [
    e("expenses:personnel:salaries", "1.1", "Salaires du personnel", 150_000, 1_800_000),
    e("expenses:personnel:social-charges", "1.2", "Charges sociales", 20_000, 400_000),
    e("expenses:personnel:consultants", "1.3", "Consultants", 250_000, 5_000_000),
    e("expenses:personnel:recruitment", "1.4", "Recrutement", 10_000, 300_000),
    e("expenses:travel:dsa", "2.1", "Indemnités journalières (DSA)", 15_000, 450_000),
    e("expenses:travel:air", "2.2", "Billets d'avion", 150_000, 1_500_000),
    e("expenses:travel:local-transport", "2.3", "Transport local", 1_000, 60_000),
    e("expenses:travel:fuel", "2.4", "Carburant", 5_000, 250_000),
    e("expenses:travel:vehicle-rental", "2.5", "Location de véhicules", 35_000, 600_000),
    e("expenses:travel:accommodation", "2.6", "Hébergement", 20_000, 900_000),
    e("expenses:workshops:venue", "3.1", "Location de salle", 50_000, 1_500_000),
    e("expenses:workshops:catering", "3.2", "Restauration", 25_000, 1_200_000),
    e("expenses:workshops:materials", "3.3", "Matériel d'atelier", 5_000, 400_000),
    e("expenses:workshops:participant-transport", "3.4", "Transport des participants", 10_000, 800_000),
    e("expenses:workshops:interpretation", "3.5", "Interprétation", 100_000, 1_500_000),
    e("expenses:workshops:facilitation", "3.6", "Facilitation", 75_000, 1_000_000),
    e("expenses:equipment:computers", "4.1", "Matériel informatique", 250_000, 2_500_000),
    e("expenses:equipment:furniture", "4.2", "Mobilier", 25_000, 900_000),
    e("expenses:equipment:vehicles", "4.3", "Véhicules", 5_000_000, 25_000_000),
    e("expenses:equipment:software", "4.4", "Logiciels", 10_000, 800_000),
    e("expenses:equipment:generators", "4.5", "Groupes électrogènes", 300_000, 4_000_000),
    e("expenses:office:rent", "5.1", "Loyer des bureaux", 150_000, 1_200_000),
    e("expenses:office:utilities", "5.2", "Eau et électricité", 10_000, 250_000),
    e("expenses:office:internet", "5.3", "Internet", 15_000, 150_000),
    e("expenses:office:telephone", "5.4", "Téléphone", 2_000, 100_000),
    e("expenses:office:supplies", "5.5", "Fournitures de bureau", 1_000, 200_000),
    e("expenses:office:maintenance", "5.6", "Entretien", 5_000, 350_000),
    e("expenses:office:security", "5.7", "Gardiennage", 50_000, 400_000),
    e("expenses:office:cleaning", "5.8", "Nettoyage", 10_000, 120_000),
    e("expenses:communication:printing", "6.1", "Impression", 5_000, 900_000),
    e("expenses:communication:radio", "6.2", "Émissions radio", 25_000, 500_000),
    e("expenses:communication:website", "6.3", "Site internet", 50_000, 800_000),
    e("expenses:communication:publications", "6.4", "Publications", 100_000, 2_000_000),
    e("expenses:services:audit", "7.1", "Audit", 1_000_000, 8_000_000),
    e("expenses:services:legal", "7.2", "Frais juridiques", 100_000, 2_000_000),
    e("expenses:services:bank-charges", "7.3", "Frais bancaires", 500, 25_000),
    e("expenses:services:insurance", "7.4", "Assurances", 50_000, 1_500_000),
    e("expenses:services:translation", "7.5", "Traduction", 20_000, 600_000),
    e("expenses:grants:sub-grants", "8.1", "Subventions aux partenaires", 1_000_000, 15_000_000),
    e("expenses:grants:community-projects", "8.2", "Microprojets communautaires", 250_000, 5_000_000),
    e("expenses:studies:baseline", "9.1", "Étude de référence", 1_000_000, 10_000_000),
    e("expenses:studies:evaluation", "9.2", "Évaluation", 1_000_000, 12_000_000),
];

/// Asset accounts; their indices in [`all_accounts`] are the constants below.
pub const ASSETS: [&str; 3] = ["assets:bank:xof", "assets:bank:eur", "assets:cash"];
pub const BANK_XOF: usize = 0;
pub const BANK_EUR: usize = 1;
pub const CASH: usize = 2;

/// A donor: its id (`donor:` tag), names, agreement currency and income account.
#[derive(Debug, Clone, Copy)]
pub struct Donor {
    pub id: &'static str,
    pub name_fr: &'static str,
    pub currency: &'static str,
    pub income: &'static str,
}

/// Donors in the order of their income accounts (sorted by account name).
#[rustfmt::skip]
pub const DONORS: [Donor; 4] = [
    Donor { id: "DE", name_fr: "Allemagne", currency: "XOF", income: "income:contributions:de" },
    Donor { id: "EU", name_fr: "Union européenne", currency: "EUR", income: "income:contributions:eu" },
    Donor { id: "NL", name_fr: "Pays-Bas", currency: "XOF", income: "income:contributions:nl" },
    Donor { id: "UNODC", name_fr: "ONUDC", currency: "XOF", income: "income:contributions:unodc" },
];
const DE: usize = 0;
const EU: usize = 1;
const NL: usize = 2;
const UNODC: usize = 3;

/// Who pays an expense, weighted as in gen_journal.py (EU 3, NL 2, DE 2, UNODC 1).
pub const PAYERS: [usize; 8] = [EU, EU, EU, NL, NL, DE, DE, UNODC];
/// Who sends XOF contributions (EU pays in EUR).
const XOF_CONTRIBUTORS: [usize; 3] = [NL, DE, UNODC];

/// Funding shares per line (percent of EU, NL, DE, UNODC), cycled over the lines.
/// Every line is shared by all four donors, so any donor may pay on any line.
const SHARE_PATTERNS: [[u32; 4]; 4] = [
    [40, 25, 25, 10],
    [50, 20, 20, 10],
    [25, 25, 25, 25],
    [70, 10, 10, 10],
];
const _: () = {
    let mut i = 0;
    while i < SHARE_PATTERNS.len() {
        let p = SHARE_PATTERNS[i];
        assert!(
            p[0] + p[1] + p[2] + p[3] == 100,
            "funding shares must sum to 100"
        );
        i += 1;
    }
};

/// Activities A1.1 ..= A4.5 (4 results × 5 activities).
pub const ACTIVITIES: [&str; 20] = [
    "A1.1", "A1.2", "A1.3", "A1.4", "A1.5", "A2.1", "A2.2", "A2.3", "A2.4", "A2.5", "A3.1", "A3.2",
    "A3.3", "A3.4", "A3.5", "A4.1", "A4.2", "A4.3", "A4.4", "A4.5",
];

pub const PLACES: [&str; 12] = [
    "Dakar",
    "Thies",
    "Kaolack",
    "Saint-Louis",
    "Ziguinchor",
    "Tambacounda",
    "Bamako",
    "Ouagadougou",
    "Niamey",
    "Abidjan",
    "Lome",
    "Cotonou",
];
pub const VERBS: [&str; 6] = [
    "Paiement",
    "Reglement",
    "Facture",
    "Avance",
    "Regularisation",
    "Achat",
];

/// Every account, in directive order: assets, income (sorted), expenses.
pub fn all_accounts() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = ASSETS.to_vec();
    v.extend(DONORS.iter().map(|d| d.income));
    v.extend(EXPENSES.iter().map(|e| e.account));
    v
}

const INCOME_BASE: usize = ASSETS.len();
const EXPENSE_BASE: usize = ASSETS.len() + DONORS.len();

/// `expenses:travel:dsa` → `Expenses:Travel:Dsa` (tackler and beancount style).
pub fn capitalized(account: &str) -> String {
    account
        .split(':')
        .map(|c| {
            let mut chars = c.chars();
            chars
                .next()
                .map_or_else(String::new, |f| f.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(":")
}

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

/// The days 2015-01-01 ..= 2018-12-31.
pub struct Calendar {
    pub days: Vec<NaiveDate>,
    /// `YYYY-MM-DD` of each day.
    text: Vec<[u8; 10]>,
}

impl Calendar {
    pub fn new() -> Self {
        let start = NaiveDate::from_ymd_opt(2015, 1, 1).expect("valid date");
        let end = NaiveDate::from_ymd_opt(2018, 12, 31).expect("valid date");
        let days: Vec<NaiveDate> = start.iter_days().take_while(|d| *d <= end).collect();
        let text = days.iter().map(|d| iso(*d)).collect();
        Calendar { days, text }
    }

    /// Day index of transaction `i` of `n`: spread evenly over the period.
    pub fn day_of(&self, i: usize, n: usize) -> usize {
        ((i as u128 * self.days.len() as u128) / n.max(1) as u128) as usize
    }

    pub fn text(&self, day: usize) -> &[u8] {
        &self.text[day]
    }
}

impl Default for Calendar {
    fn default() -> Self {
        Self::new()
    }
}

fn iso(d: NaiveDate) -> [u8; 10] {
    let mut b = *b"0000-00-00";
    let (y, m, dd) = (d.year() as u32, d.month(), d.day());
    b[0] = b'0' + (y / 1000 % 10) as u8;
    b[1] = b'0' + (y / 100 % 10) as u8;
    b[2] = b'0' + (y / 10 % 10) as u8;
    b[3] = b'0' + (y % 10) as u8;
    b[5] = b'0' + (m / 10) as u8;
    b[6] = b'0' + (m % 10) as u8;
    b[8] = b'0' + (dd / 10) as u8;
    b[9] = b'0' + (dd % 10) as u8;
    b
}

/// The last day of `d`'s month.
fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|f| f.pred_opt())
        .expect("valid date")
}

// ---------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------

/// One posting: account index (into [`all_accounts`]), whole units, tags.
#[derive(Debug, Clone, Copy)]
pub struct Posting {
    pub account: usize,
    pub quantity: i64,
    /// EUR at the fixed parity (`@ 655.957 XOF`); XOF otherwise.
    pub eur: bool,
    pub donor: Option<&'static str>,
    pub line: Option<&'static str>,
    pub activity: Option<&'static str>,
}

/// What the description says.
#[derive(Debug, Clone, Copy)]
pub enum Description {
    /// `Paiement salaries Dakar`: verb, last component of the first expense account, place.
    Expense(&'static str, &'static str, &'static str),
    CashWithdrawal,
    Contribution(&'static str),
    EuReceipt,
    Conversion,
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Description::Expense(verb, what, place) => write!(f, "{verb} {what} {place}"),
            Description::CashWithdrawal => f.write_str("Approvisionnement caisse"),
            Description::Contribution(donor) => write!(f, "Versement contribution {donor}"),
            Description::EuReceipt => f.write_str("Versement UE tranche"),
            Description::Conversion => f.write_str("Conversion EUR XOF"),
        }
    }
}

/// One transaction; reused from one to the next to avoid allocating.
#[derive(Debug, Clone)]
pub struct Txn {
    pub day: usize,
    pub pending: bool,
    /// `PV`, `PC`, `CH`, `VIR` or `CV`; the code is `{prefix}-{number:06}`.
    pub code_prefix: &'static str,
    pub number: usize,
    pub description: Description,
    pub postings: Vec<Posting>,
}

impl Default for Txn {
    fn default() -> Self {
        Txn {
            day: 0,
            pending: false,
            code_prefix: "",
            number: 0,
            description: Description::Conversion,
            postings: Vec::with_capacity(4),
        }
    }
}

/// The transaction stream: `n` transactions, in date order.
pub struct Transactions {
    rng: Rng,
    calendar: Calendar,
    n: usize,
    i: usize,
}

impl Transactions {
    pub fn new(n: usize, seed: u64) -> Self {
        Transactions {
            rng: Rng::new(seed),
            calendar: Calendar::new(),
            n,
            i: 0,
        }
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// Fills `t` with the next transaction; false when all `n` are done.
    pub fn next_into(&mut self, t: &mut Txn) -> bool {
        if self.i >= self.n {
            return false;
        }
        let i = self.i;
        self.i += 1;
        let rng = &mut self.rng;
        t.day = self.calendar.day_of(i, self.n);
        t.number = i + 1;
        t.postings.clear();
        let kind = rng.below(100);
        t.pending = rng.percent(3);
        let p = |account, quantity, donor: usize| Posting {
            account,
            quantity,
            eur: false,
            donor: Some(DONORS[donor].id),
            line: None,
            activity: None,
        };
        if kind < 85 {
            // Expense: 1-3 expense postings, paid from the bank or the cash box,
            // all of one fund.
            let k = rng.pick(&[1, 1, 1, 2, 2, 3]);
            let cash = rng.percent(20);
            let donor = rng.pick(&PAYERS);
            let activity = rng.pick(&ACTIVITIES);
            let mut total = 0;
            let mut first = "";
            for j in 0..k {
                let x = rng.below(EXPENSES.len() as u64) as usize;
                let ex = &EXPENSES[x];
                let mut amount = rng.range(ex.lo / 5, ex.hi / 5) * 5;
                if rng.percent(50) {
                    amount = ex.lo.max(amount / 1000 * 1000);
                }
                total += amount;
                if j == 0 {
                    first = ex.account.rsplit(':').next().unwrap_or(ex.account);
                }
                t.postings.push(Posting {
                    line: Some(ex.line),
                    activity: Some(activity),
                    ..p(EXPENSE_BASE + x, amount, donor)
                });
            }
            t.postings
                .push(p(if cash { CASH } else { BANK_XOF }, -total, donor));
            t.code_prefix = if cash { "PC" } else { "PV" };
            t.description = Description::Expense(rng.pick(&VERBS), first, rng.pick(&PLACES));
        } else if kind < 90 {
            let amount = rng.range(20, 1000) * 5000;
            let donor = rng.pick(&PAYERS);
            t.postings.push(p(CASH, amount, donor));
            t.postings.push(p(BANK_XOF, -amount, donor));
            t.code_prefix = "CH";
            t.description = Description::CashWithdrawal;
        } else if kind < 94 {
            let donor = rng.pick(&XOF_CONTRIBUTORS);
            let amount = rng.range(10, 2000) * 100_000;
            t.postings.push(p(BANK_XOF, amount, donor));
            t.postings.push(p(INCOME_BASE + donor, -amount, donor));
            t.code_prefix = "VIR";
            t.description = Description::Contribution(DONORS[donor].id);
        } else if kind < 97 {
            let keur = rng.range(20, 800);
            t.postings.push(Posting {
                eur: true,
                ..p(BANK_EUR, keur * 1000, EU)
            });
            t.postings
                .push(p(INCOME_BASE + EU, -keur * EUR_RATE_MILLI, EU));
            t.code_prefix = "VIR";
            t.description = Description::EuReceipt;
        } else {
            // Only the EU pays in EUR, so EUR converted is the EU's.
            let keur = rng.range(5, 300);
            t.postings.push(p(BANK_XOF, keur * EUR_RATE_MILLI, EU));
            t.postings.push(Posting {
                eur: true,
                ..p(BANK_EUR, -keur * 1000, EU)
            });
            t.code_prefix = "CV";
            t.description = Description::Conversion;
        }
        true
    }
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub transactions: usize,
    pub postings: usize,
    /// Transactions holding only balance assertions (included in `transactions`).
    pub assertion_transactions: usize,
    /// XOF spent per budget line, in [`EXPENSES`] order.
    pub spent: Vec<i64>,
    pub journal_bytes: u64,
}

/// Writes `n` with comma digit groups: `-1,250,000`.
pub fn write_grouped(w: &mut impl Write, n: i64) -> io::Result<()> {
    let mut digits = [0u8; 32];
    let mut len = 0;
    let mut v = n.unsigned_abs();
    loop {
        if len % 4 == 3 {
            digits[len] = b',';
            len += 1;
        }
        digits[len] = b'0' + (v % 10) as u8;
        len += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        digits[len] = b'-';
        len += 1;
    }
    digits[..len].reverse();
    w.write_all(&digits[..len])
}

const ASSERTED: [usize; 2] = [BANK_XOF, CASH];

/// Writes the ledger directory `dir` (created if needed): `books.journal`, then
/// `project.toml` (last, so that its presence means the directory is complete) and,
/// with `tackler`, `books.txn`.
pub fn write_ledger_dir(dir: &Path, n: usize, seed: u64, tackler: bool) -> io::Result<Summary> {
    fs::create_dir_all(dir)?;
    let _ = fs::remove_file(dir.join("project.toml"));
    let mut journal = BufWriter::with_capacity(1 << 20, File::create(dir.join("books.journal"))?);
    let mut txn = if tackler {
        Some(BufWriter::with_capacity(
            1 << 20,
            File::create(dir.join("books.txn"))?,
        ))
    } else {
        None
    };
    let summary = write_journals(
        &mut journal,
        txn.as_mut().map(|w| w as &mut dyn Write),
        n,
        seed,
    )?;
    journal.flush()?;
    if let Some(mut w) = txn {
        w.flush()?;
    }
    let mut project = BufWriter::new(File::create(dir.join("project.toml"))?);
    write_project(&mut project, n, seed, &summary.spent)?;
    project.flush()?;
    let mut summary = summary;
    summary.journal_bytes = fs::metadata(dir.join("books.journal"))?.len();
    Ok(summary)
}

/// Writes the hledger/ledger journal to `out` and, when given, the equivalent
/// tackler journal to `tackler`, in one pass over the transactions.
pub fn write_journals(
    out: &mut impl Write,
    mut tackler: Option<&mut dyn Write>,
    n: usize,
    seed: u64,
) -> io::Result<Summary> {
    let accounts = all_accounts();
    let caps: Vec<String> = accounts.iter().map(|a| capitalized(a)).collect();
    writeln!(out, "; Generated by benches/generate.rs n={n} seed={seed}")?;
    writeln!(
        out,
        "; Same shape as /work/shared/bench/gen_journal.py; every transaction balances per fund."
    )?;
    out.write_all(
        b"decimal-mark .\n\ncommodity XOF\ncommodity EUR\n\ntag donor\ntag line\ntag activity\n\n",
    )?;
    for a in &accounts {
        writeln!(out, "account {a}")?;
    }
    out.write_all(b"\n")?;

    let mut summary = Summary {
        spent: vec![0; EXPENSES.len()],
        ..Summary::default()
    };
    let mut stream = Transactions::new(n, seed);
    let mut t = Txn::default();
    let mut balances = [0i64; ASSETS.len()];
    let mut current_month: Option<NaiveDate> = None;
    while stream.next_into(&mut t) {
        let date = stream.calendar().days[t.day];
        if let Some(m) = current_month
            && (m.year(), m.month()) != (date.year(), date.month())
        {
            write_assertions(out, month_end(m), &balances)?;
            summary.transactions += 1;
            summary.postings += ASSERTED.len();
            summary.assertion_transactions += 1;
        }
        current_month = Some(date);
        let day = stream.calendar().text(t.day);

        out.write_all(day)?;
        out.write_all(if t.pending { b" ! (" } else { b" * (" })?;
        write!(out, "{}-{:06}) {}", t.code_prefix, t.number, t.description)?;
        out.write_all(b"\n")?;
        for p in &t.postings {
            if !p.eur && p.account < ASSETS.len() {
                balances[p.account] += p.quantity;
            }
            if p.account >= EXPENSE_BASE {
                summary.spent[p.account - EXPENSE_BASE] += p.quantity;
            }
            write!(out, "    {:<42} ", accounts[p.account])?;
            write_grouped(out, p.quantity)?;
            out.write_all(if p.eur {
                b" EUR @ 655.957 XOF\n"
            } else {
                b" XOF\n"
            })?;
            for (key, value) in [
                ("donor", p.donor),
                ("line", p.line),
                ("activity", p.activity),
            ] {
                if let Some(v) = value {
                    writeln!(out, "    ; {key}: {v}")?;
                }
            }
        }
        out.write_all(b"\n")?;
        summary.transactions += 1;
        summary.postings += t.postings.len();

        if let Some(w) = tackler.as_mut() {
            write_tackler_txn(&mut **w, day, &t, &caps)?;
        }
    }
    if let Some(m) = current_month {
        write_assertions(out, month_end(m), &balances)?;
        summary.transactions += 1;
        summary.postings += ASSERTED.len();
        summary.assertion_transactions += 1;
    }
    Ok(summary)
}

fn write_assertions(out: &mut impl Write, date: NaiveDate, balances: &[i64]) -> io::Result<()> {
    out.write_all(&iso(date))?;
    out.write_all(b" * Controle soldes fin de mois\n")?;
    for a in ASSERTED {
        write!(out, "    {}    0 XOF = ", ASSETS[a])?;
        write_grouped(out, balances[a])?;
        out.write_all(b" XOF\n")?;
    }
    out.write_all(b"\n")
}

/// tackler-ng syntax, as gen_journal.py's `write_tackler`: `date (code) 'description`,
/// capitalised accounts, plain integers, `@` unit price, tags as a posting comment.
fn write_tackler_txn(w: &mut dyn Write, day: &[u8], t: &Txn, caps: &[String]) -> io::Result<()> {
    w.write_all(day)?;
    writeln!(w, " ({}-{:06}) '{}", t.code_prefix, t.number, t.description)?;
    for p in &t.postings {
        write!(w, " {:<42} {} ", caps[p.account], p.quantity)?;
        if p.eur {
            write!(w, "EUR @ {EUR_RATE_TEXT} XOF")?;
        } else {
            w.write_all(b"XOF")?;
        }
        let mut sep = " ; ";
        for (key, value) in [
            ("donor", p.donor),
            ("line", p.line),
            ("activity", p.activity),
        ] {
            if let Some(v) = value {
                write!(w, "{sep}{key}:{v}")?;
                sep = ", ";
            }
        }
        w.write_all(b"\n")?;
    }
    w.write_all(b"\n")
}

/// Line budget: 25 % above what was spent, rounded up to the million, at least 1 M.
fn line_budget(spent: i64) -> i64 {
    const M: i64 = 1_000_000;
    let target = spent + spent / 4;
    ((target + M - 1) / M).max(1) * M
}

/// Writes `project.toml` for the generated journal.
pub fn write_project(out: &mut impl Write, n: usize, seed: u64, spent: &[i64]) -> io::Result<()> {
    let budgets: Vec<i64> = spent.iter().map(|s| line_budget(*s)).collect();
    let total: i64 = budgets.iter().sum();
    writeln!(
        out,
        "# Generated by benches/generate.rs n={n} seed={seed}: a synthetic project for benchmarks."
    )?;
    writeln!(out)?;
    writeln!(out, "[project]")?;
    writeln!(out, "code = \"BENCH-{n}\"")?;
    writeln!(
        out,
        "name_fr = \"Projet de référence pour les mesures de performance ({n} écritures)\""
    )?;
    writeln!(
        out,
        "name_en = \"Benchmark reference project ({n} transactions)\""
    )?;
    writeln!(out, "currency = \"XOF\"")?;
    writeln!(out, "start = 2015-01-01")?;
    writeln!(out, "end = 2018-12-31")?;
    writeln!(out, "budget = {total}")?;
    writeln!(out, "journal = \"books.journal\"")?;
    writeln!(out)?;
    writeln!(
        out,
        "[commodities.XOF]\nprecision = 0\nname = \"Franc CFA (BCEAO)\"\n"
    )?;
    writeln!(out, "[commodities.EUR]\nprecision = 2\nname = \"Euro\"\n")?;
    for d in &DONORS {
        writeln!(
            out,
            "[[donors]]\nid = \"{}\"\nname_fr = \"{}\"\ncurrency = \"{}\"\n",
            d.id, d.name_fr, d.currency
        )?;
    }
    for a in &ACTIVITIES {
        writeln!(
            out,
            "[[activities]]\ncode = \"{a}\"\nname_fr = \"Activité {a}\"\n"
        )?;
    }
    for (i, (ex, budget)) in EXPENSES.iter().zip(&budgets).enumerate() {
        let [eu, nl, de, unodc] = SHARE_PATTERNS[i % SHARE_PATTERNS.len()];
        writeln!(out, "[[lines]]")?;
        writeln!(out, "code = \"{}\"", ex.line)?;
        writeln!(out, "name_fr = \"{}\"", ex.label)?;
        writeln!(out, "amount = {budget}")?;
        writeln!(
            out,
            "shares = {{ EU = {eu}, NL = {nl}, DE = {de}, UNODC = {unodc} }}"
        )?;
        // Each donor format's category, from the line's heading (1.x → 1 …).
        let heading: usize = ex
            .line
            .split('.')
            .next()
            .and_then(|h| h.parse().ok())
            .unwrap_or(1);
        let pick = |n: usize| (heading - 1) % n + 1;
        writeln!(
            out,
            "categories = {{ eu = \"{}\", undg = \"{}\", netherlands = \"{}\", glo-act = \"{}\" }}",
            pick(6),
            pick(7),
            pick(6),
            pick(6)
        )?;
        writeln!(out)?;
    }
    // One agreement per donor, so budgets and donor reports run at scale.
    for (d, template) in DONORS.iter().zip(["glo-act", "eu", "netherlands", "undg"]) {
        let ceiling = if d.currency == "EUR" {
            "\"1000000000.00\""
        } else {
            "1000000000000"
        };
        writeln!(
            out,
            "[[agreements]]\nreference = \"BENCH-{}\"\ndonor = \"{}\"\ncurrency = \"{}\"\nceiling = {ceiling}\nstart = 2015-01-01\nend = 2018-12-31\ntemplate = \"{template}\"\nflexibility = {{ percent = \"25\", level = \"heading\" }}\n",
            d.id, d.id, d.currency
        )?;
    }
    Ok(())
}

/// The eight countries of the West African Monetary Union (all keep XOF books), cycled
/// over a portfolio's projects.
pub const UEMOA_COUNTRIES: [&str; 8] = ["ML", "SN", "BF", "NE", "CI", "TG", "BJ", "GW"];

/// Writes `count` small ledgers under `dir` (`project-000`, `project-001`, …), each of
/// `n` transactions with its own seed (`seed + i`), project code `PORTFOLIO-000`… and
/// recipient country (cycling over [`UEMOA_COUNTRIES`]): the many ledgers of an
/// organisation, for `fundledger consolidate`. Returns the ledger directories.
pub fn write_portfolio(
    dir: &Path,
    count: usize,
    n: usize,
    seed: u64,
) -> io::Result<Vec<std::path::PathBuf>> {
    let mut dirs = Vec::with_capacity(count);
    for i in 0..count {
        let ledger = dir.join(format!("project-{i:03}"));
        write_ledger_dir(&ledger, n, seed.wrapping_add(i as u64), false)?;
        let path = ledger.join("project.toml");
        let text = fs::read_to_string(&path)?;
        let text = text.replacen(
            &format!("code = \"BENCH-{n}\"\n"),
            &format!(
                "code = \"PORTFOLIO-{i:03}\"\ncountry = \"{}\"\n",
                UEMOA_COUNTRIES[i % UEMOA_COUNTRIES.len()]
            ),
            1,
        );
        fs::write(&path, text)?;
        dirs.push(ledger);
    }
    Ok(dirs)
}
