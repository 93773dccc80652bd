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
    #[arg(short = 'f', long = "file", global = true, value_name = "JOURNAL")]
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
    /// Seal the period through a date (its transactions' digest), or reopen it explicitly
    Seal(SealArgs),
    /// Recompute every seal; say which hold and, where one breaks, which transactions differ
    Verify(VerifyArgs),
    /// Create a new ledger directory: a commented project.toml and an empty journal
    Init(InitArgs),
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
