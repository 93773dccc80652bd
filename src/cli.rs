//! The command line: clap definitions only. Each command's help text is written once,
//! here, and copied into README.md.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::{Format, Lang};

/// A double-entry fund ledger for donor-funded projects: exact FCFA books that hledger
/// and ledger also read, checked by fund, reported per donor.
#[derive(Debug, Parser)]
#[command(name = "fundledger", version, max_term_width = 100)]
pub struct Cli {
    /// Ledger directory holding project.toml and the journal [default: $FUNDLEDGER_LEDGER, else .]
    #[arg(short = 'L', long, global = true, value_name = "DIR")]
    pub ledger: Option<PathBuf>,

    /// Read a bare hledger/ledger journal instead of a ledger directory (no project file:
    /// the checks of declared donors, lines and accounts are skipped unless --strict)
    #[arg(
        short = 'f',
        long = "file",
        global = true,
        value_name = "JOURNAL",
        conflicts_with = "ledger"
    )]
    pub file: Option<PathBuf>,

    /// Language of labels in tables
    #[arg(long, global = true, value_enum, default_value_t = Lang::Fr, env = "FUNDLEDGER_LANG")]
    pub lang: Lang,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every rule: syntax, balance per commodity and per fund, tags, declarations,
    /// assertions, whole francs. Exit 1 listing every problem.
    Check(CheckArgs),
    /// Totals per account (tree with subtotals, or --flat), optionally by donor, line, activity
    #[command(visible_alias = "bal")]
    Balance(BalanceArgs),
    /// Postings in date order with a running total
    #[command(visible_alias = "reg")]
    Register(RegisterArgs),
    /// Print the journal in canonical form (includes flattened), as hledger and ledger read it
    Print(PrintArgs),
    /// Import an expenditure spreadsheet (xlsx, xlsm, xls, xlsb, ods, csv) through a rules
    /// file: every row checked, one fund-balanced transaction per row, rows already in the
    /// journal skipped, all or nothing
    Import(ImportArgs),
    /// Budget vs actual per line × donor, per donor category and per donor: burn rate,
    /// projection, and flags (over budget, beyond flexibility, outside eligibility, over ceiling)
    Budget(BudgetArgs),
    /// Programme support (indirect) costs due on eligible direct expenditure; --post books them
    Psc(PscArgs),
    /// Fund balances per donor: opening, received, spent (direct, PSC), exchange differences, closing
    Funds(FundsArgs),
    /// Financial reports: a donor's workbook in its own format, or every donor's
    #[command(subcommand)]
    Report(ReportCommand),
    /// Reconcile a bank statement (xlsx, ods, csv… read through an import rules file) with
    /// a bank account: match its lines to the books, explain the difference (état de
    /// rapprochement bancaire); --mark clears the matched transactions
    Reconcile(ReconcileArgs),
    /// Seal the period through a date (its transactions' digest), or reopen it explicitly
    Seal(SealArgs),
    /// Recompute every seal; say which hold and, where one breaks, which transactions differ
    Verify(VerifyArgs),
    /// Create a new ledger directory: a commented project.toml and an empty journal
    Init(InitArgs),
    /// Export the books for other tools: hledger, ledger, beancount, a posting table
    /// (CSV, JSON, Parquet) or an IATI 2.03 activity file
    Export(ExportArgs),
    /// Totals by donor, country or category across many ledgers (their Parquet exports,
    /// or ledger directories exported on the fly)
    Consolidate(ConsolidateArgs),
}

/// `fundledger seal`
#[derive(Debug, Args)]
pub struct SealArgs {
    /// Seal every transaction dated on or before this day
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub through: NaiveDate,
    /// Reopen the period sealed through DATE instead (recorded with --reason)
    #[arg(long, requires = "reason")]
    pub reopen: bool,
    /// Why the period is reopened (kept in seals.toml)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// A note kept with the seal (e.g. "clôture semestrielle, rapport UE")
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `fundledger reconcile`
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The bank statement: .xlsx, .xlsm, .xls, .xlsb, .ods or .csv
    #[arg(value_name = "STATEMENT")]
    pub statement: PathBuf,
    /// Rules file describing the statement's layout (an import rules file, e.g.
    /// templates/import/releve-bancaire-fr.toml; no budget line column is needed)
    #[arg(long, value_name = "RULES")]
    pub rules: PathBuf,
    /// The bank account in the books [default: the rules' payment_account]
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Sheet to read [default: the rules' sheet, else the first worksheet]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// First day of the period [default: the day after the statement's opening balance]
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Reconciliation date [default: the date of the statement's closing balance]
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Largest gap in days between a statement line and the posting it matches
    #[arg(long, default_value_t = 5, value_name = "DAYS")]
    pub window: u32,
    /// Most postings one statement line may stand for (a deposit of several receipts)
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub max_group: usize,
    /// Write the reconciliation as an XLSX workbook (atomically)
    #[arg(short, long, value_name = "OUT.xlsx")]
    pub output: Option<PathBuf>,
    /// Mark the matched transactions cleared (`*`) in the journal, all or nothing
    #[arg(long)]
    pub mark: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `fundledger init`
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new ledger's directory (created if missing; must not hold a ledger)
    pub dir: PathBuf,
    /// Project code (default: the directory's name)
    #[arg(long)]
    pub code: Option<String>,
    /// Functional currency of the books
    #[arg(long, default_value = "XOF")]
    pub currency: String,
}

/// `fundledger verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

/// `fundledger report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// One donor's financial report: statement in its format, budget lines,
    /// transactions, receipts, charts, certification (XLSX with -o)
    Donor(DonorReportArgs),
    /// Every donor's report for the period, one workbook each, in one run
    All(AllReportsArgs),
    /// Trial balance (balance générale): per account, opening balance, debits and
    /// credits of the period, closing balance, at cost in the books' currency
    #[command(visible_alias = "balance-generale")]
    TrialBalance(LedgerArgs),
    /// General ledger (grand livre): per account, every posting with its running
    /// balance and source, between the opening and closing balances
    #[command(visible_alias = "grand-livre")]
    GeneralLedger(LedgerArgs),
    /// Fund balances per donor (the same as `fundledger funds`)
    Funds(FundsArgs),
}

/// How `report trial-balance` and `report general-ledger` break the books down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerBy {
    /// One block per fund (`donor:` tag); each fund's trial balance nets to zero
    Donor,
}

/// `fundledger report trial-balance` and `report general-ledger`
#[derive(Debug, Args)]
pub struct LedgerArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// One block per fund
    #[arg(long, value_enum, value_name = "donor")]
    pub by: Option<LedgerBy>,
    /// Write an XLSX workbook here (atomically) instead of printing
    #[arg(short, long, value_name = "OUT.xlsx")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `fundledger report donor`
#[derive(Debug, Args)]
pub struct DonorReportArgs {
    /// The donor id (as in project.toml)
    pub donor: String,
    /// First day of the reporting period
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub from: NaiveDate,
    /// Last day of the reporting period
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub to: NaiveDate,
    /// Write the XLSX workbook here (atomically)
    #[arg(short, long, value_name = "OUT.xlsx")]
    pub output: Option<PathBuf>,
    /// Use this donor template instead of the agreement's
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Without -o: the statement as a table, CSV or JSON
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `fundledger report all`
#[derive(Debug, Args)]
pub struct AllReportsArgs {
    /// First day of the reporting period
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub from: NaiveDate,
    /// Last day of the reporting period
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub to: NaiveDate,
    /// Directory for the workbooks (created if missing)
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// `fundledger check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// For -f journals: also require `account` and `commodity` declarations
    #[arg(long)]
    pub strict: bool,
    /// text for people, json for scripts
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Show at most this many problems in full (0: all)
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub max_errors: usize,
    /// Also report anomalies for an auditor: a voucher or a payment charged twice or to
    /// two donors, spending outside eligibility, beyond a ceiling or a line's budget,
    /// no voucher, a missing source, cash above a limit, weekend dates (exit 1 when any)
    #[arg(long)]
    pub audit: bool,
    /// With --audit: cash payments above this amount (books' currency) are anomalies
    /// [default: `[audit] cash_limit` in project.toml]
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount_arg, requires = "audit")]
    pub cash_limit: Option<rust_decimal::Decimal>,
    /// With --audit: write the anomaly report as an XLSX workbook (atomically)
    #[arg(short, long, value_name = "OUT.xlsx", requires = "audit")]
    pub output: Option<PathBuf>,
}

fn parse_amount_arg(s: &str) -> Result<rust_decimal::Decimal, String> {
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, '_' | ',' | ' '))
        .collect();
    match rust_decimal::Decimal::from_str_exact(&cleaned) {
        Ok(d) if d.is_sign_positive() && !d.is_zero() => Ok(d),
        _ => Err(format!(
            "expected a positive amount such as 1500000, not {s:?}"
        )),
    }
}

/// Output of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

/// Filters shared by reports.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// First date included (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last date included (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Only this fund's postings (a donor id)
    #[arg(long, value_name = "ID")]
    pub donor: Option<String>,
    /// Only accounts whose name contains one of these (case-insensitive)
    #[arg(value_name = "ACCOUNT")]
    pub accounts: Vec<String>,
}

/// A dimension to group totals by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Account,
    Donor,
    Line,
    Activity,
}

/// `fundledger balance`
#[derive(Debug, Args)]
pub struct BalanceArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Break totals down by these, e.g. --by donor,line (accounts are always shown)
    #[arg(long, value_enum, value_delimiter = ',', value_name = "DIMS")]
    pub by: Vec<ByArg>,
    /// Fold accounts deeper than N into their parent
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
    /// List every account with postings, its own balance only (no parent subtotals)
    #[arg(long)]
    pub flat: bool,
    /// Also show zero balances
    #[arg(long, short = 'E')]
    pub empty: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `fundledger register`
#[derive(Debug, Args)]
pub struct RegisterArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Show where each posting came from: the spreadsheet cell of an imported row
    /// (its `source:` tag), else its place in the journal (`file:line`)
    #[arg(long)]
    pub source: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `fundledger budget`
#[derive(Debug, Args)]
pub struct BudgetArgs {
    /// Only this donor
    #[arg(long, value_name = "ID")]
    pub donor: Option<String>,
    /// Start of the period shown as "spent in the period" (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Report date: budgets in force and spending to date (default: last transaction)
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Currency of the amounts, converted by each agreement's rule
    #[arg(long, value_name = "XOF|EUR|USD")]
    pub currency: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `fundledger psc`
#[derive(Debug, Args)]
pub struct PscArgs {
    /// Compute PSC on expenditure up to and including this date
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub through: NaiveDate,
    /// Append the PSC transactions to the journal (all or nothing; re-running adds nothing)
    #[arg(long)]
    pub post: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `fundledger funds`
#[derive(Debug, Args)]
pub struct FundsArgs {
    /// First date of the period (default: the beginning)
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last date of the period (default: the last transaction)
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `fundledger import`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The spreadsheet: .xlsx, .xlsm, .xls, .xlsb, .ods or .csv
    #[arg(value_name = "FILE")]
    pub spreadsheet: PathBuf,
    /// Rules file describing the sheet's layout (see templates/import/)
    #[arg(long, value_name = "RULES")]
    pub rules: PathBuf,
    /// Sheet to read [default: the rules' sheet, else the first worksheet]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Show the transactions and totals that would be imported; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows and write the rejected ones, with the reason, to this XLSX
    #[arg(long, value_name = "OUT.xlsx")]
    pub rejects: Option<PathBuf>,
    /// Show at most this many problems in full (0: all)
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub max_errors: usize,
}

/// `fundledger print`
#[derive(Debug, Args)]
pub struct PrintArgs {
    /// Write to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Formats of `fundledger export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// hledger journal (the canonical journal, includes flattened)
    Hledger,
    /// ledger journal (the same canonical journal)
    Ledger,
    /// beancount v3 file
    Beancount,
    /// one row per posting with every dimension
    Csv,
    /// the posting table as a JSON array of objects
    Json,
    /// the posting table as Parquet (Decimal amounts); -o FILE.parquet, or -o DIR/ for
    /// DIR/project=CODE/year=YYYY/postings.parquet
    Parquet,
    /// IATI Activity Standard 2.03 XML (needs [iati] in project.toml)
    Iati,
}

/// `fundledger export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write here (atomically) instead of standard output; required for parquet
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// First date included (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last date included (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Only this fund: journals keep the transactions with a posting of it, tables its postings
    #[arg(long, value_name = "ID")]
    pub donor: Option<String>,
}

/// What `consolidate` totals by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConsolidateBy {
    Donor,
    Country,
    Category,
}

/// `fundledger consolidate`
#[derive(Debug, Args)]
pub struct ConsolidateArgs {
    /// Ledger directories, Parquet exports, or directories holding either (searched recursively)
    #[arg(required = true, value_name = "DIR")]
    pub inputs: Vec<PathBuf>,
    /// Total by donor, recipient country, or budget-line category (with --scheme)
    #[arg(long, value_enum)]
    pub by: ConsolidateBy,
    /// The donor scheme of --by category (eu, undg, netherlands, glo-act, …)
    #[arg(long, value_name = "NAME")]
    pub scheme: Option<String>,
    /// Write an XLSX workbook here (atomically)
    #[arg(short, long, value_name = "OUT.xlsx")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    match crate::read::journal::date::parse_date(s.trim().as_bytes()) {
        Ok((d, n)) if n == s.trim().len() => Ok(d),
        Ok(_) | Err(crate::read::journal::date::DateError::Malformed) => {
            Err(format!("expected a date like 2017-10-30, not {s:?}"))
        }
        Err(crate::read::journal::date::DateError::NotADate { .. }) => {
            Err(format!("{s} is not a date in the calendar"))
        }
    }
}
