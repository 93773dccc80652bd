//! Import rules files (`templates/import/*.toml`): how to find a spreadsheet's header,
//! which column is which, how its numbers and dates are written, and which accounts the
//! rows are booked to. Unknown keys are errors, and every problem points at its place
//! in the file, as for project.toml.
//!
//! The format is documented in README.md ("Import rules") and in the comments of the
//! shipped templates. Reading decides nothing about the books: account names are
//! checked against the journal when an import runs.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer};
use toml::Spanned;

use crate::diag::{Code, Diagnostic};
use crate::read::sheet::date::DatePattern;
use crate::read::sheet::fold::{fold, header_key};
use crate::read::sheet::number::NumberStyle;
use crate::read::sheet::{CsvOptions, Delimiter, TextEncoding};
use crate::source::{FileId, Location, TextPos, line_col};

/// A column the importer knows how to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Date,
    Voucher,
    Description,
    Line,
    Donor,
    Activity,
    Amount,
    Debit,
    Credit,
    Payee,
    Account,
    Payment,
}

impl Field {
    /// Every field, in the order of the `[columns]` table.
    pub const ALL: [Field; 12] = [
        Field::Date,
        Field::Voucher,
        Field::Description,
        Field::Line,
        Field::Donor,
        Field::Activity,
        Field::Amount,
        Field::Debit,
        Field::Credit,
        Field::Payee,
        Field::Account,
        Field::Payment,
    ];

    /// The field's key under `[columns]`.
    pub fn key(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Voucher => "voucher",
            Field::Description => "description",
            Field::Line => "line",
            Field::Donor => "donor",
            Field::Activity => "activity",
            Field::Amount => "amount",
            Field::Debit => "debit",
            Field::Credit => "credit",
            Field::Payee => "payee",
            Field::Account => "account",
            Field::Payment => "payment",
        }
    }
}

/// Sign of expenses in a single amount column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpenseSign {
    /// Expenses are positive, refunds negative.
    Positive,
    /// Expenses are negative (as on a bank statement with one signed column).
    Negative,
}

/// Which of the Débit/Crédit columns holds the money paid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpenseColumn {
    /// Bank statements: the bank debits the account for a payment.
    Debit,
    /// The entity's own cash or bank book: the treasury account is credited.
    Credit,
}

/// What to do with a date outside the project period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutsidePeriod {
    Error,
    Warn,
}

/// The status mark of imported transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusRule {
    /// `*`
    Cleared,
    /// `!`
    Pending,
    /// no mark
    None,
}

/// A value with its place in the rules file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// A validated rules file.
#[derive(Debug, Clone)]
pub struct Rules {
    pub path: PathBuf,
    text: String,
    /// The rules file's id in the run's source map (for locations).
    pub file: FileId,
    /// Sheet to read, unless `--sheet` says otherwise.
    pub sheet: Option<String>,
    /// How many rows from the top are searched for the header.
    pub header_search_rows: u32,
    /// Header names per field (only the mapped fields).
    pub columns: Vec<(Field, Vec<String>)>,
    pub number_style: NumberStyle,
    /// Commodity of the amounts; the project's currency when absent.
    pub commodity: Option<Located<String>>,
    pub expense_sign: ExpenseSign,
    pub expense_column: ExpenseColumn,
    pub date_patterns: Vec<DatePattern>,
    pub excel_serial_dates: bool,
    pub outside_project: OutsidePeriod,
    pub status: StatusRule,
    pub payment_account: Located<String>,
    pub expense_account: Option<Located<String>>,
    /// Budget line code → expense account.
    pub expense_accounts: Vec<(String, Located<String>)>,
    /// Folded payment-mode cell value → account.
    pub payment_modes: Vec<(String, Located<String>)>,
    /// Folded donor cell value → donor id.
    pub donor_aliases: Vec<(String, Located<String>)>,
    /// Folded donor cell values meaning "split over the line's funding shares".
    pub shared_donor_values: Vec<String>,
    /// Folded first words of total and subtotal rows.
    pub totals_words: Vec<String>,
    pub csv: CsvOptions,
}

impl Rules {
    /// The header names of `field`, if the rules map it.
    pub fn names(&self, field: Field) -> Option<&[String]> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, n)| n.as_slice())
    }

    /// Where `span` is in the rules file.
    pub fn location(&self, span: &Range<usize>) -> Location {
        Location::Text(span_pos(&self.text, self.file, span.clone()))
    }

    /// The expense account for budget line `code`, if the rules give one.
    pub fn expense_account_for(&self, code: &str) -> Option<&Located<String>> {
        self.expense_accounts
            .iter()
            .find(|(l, _)| l == code)
            .map(|(_, a)| a)
            .or(self.expense_account.as_ref())
    }
}

/// Default first words of totals rows (folded).
const DEFAULT_TOTALS: [&str; 8] = [
    "total",
    "totaux",
    "sous total",
    "report",
    "a reporter",
    "solde",
    "cumul",
    "montant total",
];

const DEFAULT_DATES: [&str; 3] = ["dd/mm/yyyy", "yyyy-mm-dd", "d mmm yyyy"];

/// What a rules file is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `import`: rows become transactions, so the budget line column is required.
    Import,
    /// `reconcile`: a bank statement's lines are matched to the books; only the date
    /// and an amount column are required.
    Statement,
}

/// Reads and validates the rules file at `path`, registered as `file`.
///
/// # Errors
/// Every problem found, each located in the file; or one when it cannot be read.
pub fn read_rules(path: &Path, file: FileId) -> Result<Rules, Vec<Diagnostic>> {
    read_rules_for(path, file, Purpose::Import)
}

/// [`read_rules`] for `purpose`.
///
/// # Errors
/// Every problem found, each located in the file; or one when it cannot be read.
pub fn read_rules_for(
    path: &Path,
    file: FileId,
    purpose: Purpose,
) -> Result<Rules, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::error(
            Code::Import,
            Location::File(file),
            format!("cannot read the rules file: {e}"),
        )]
    })?;
    parse_rules_for(&text, path, file, purpose)
}

/// Parses and validates rules `text`.
///
/// # Errors
/// Every problem found.
pub fn parse_rules(text: &str, path: &Path, file: FileId) -> Result<Rules, Vec<Diagnostic>> {
    parse_rules_for(text, path, file, Purpose::Import)
}

/// [`parse_rules`] for `purpose`.
///
/// # Errors
/// Every problem found.
pub fn parse_rules_for(
    text: &str,
    path: &Path,
    file: FileId,
    purpose: Purpose,
) -> Result<Rules, Vec<Diagnostic>> {
    let raw: RawRules = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(Location::File(file), |s| {
            Location::Text(span_pos(text, file, s))
        });
        vec![
            Diagnostic::error(Code::Import, at, e.message().trim_end().to_string())
                .with_help("see README.md, \"Import rules\", for the keys a rules file accepts"),
        ]
    })?;
    let mut v = Validator {
        text,
        file,
        purpose,
        diags: Vec::new(),
    };
    let rules = v.validate(raw, path);
    if v.diags.is_empty() {
        Ok(rules)
    } else {
        Err(v.diags)
    }
}

fn span_pos(text: &str, file: FileId, span: Range<usize>) -> TextPos {
    let (line, col) = line_col(text, span.start);
    let end = span.end.min(text.len()).max(span.start.min(text.len()));
    let len = text
        .get(span.start.min(text.len())..end)
        .and_then(|s| s.split('\n').next())
        .map_or(1, str::len);
    TextPos {
        file,
        line,
        col,
        len: u32::try_from(len.max(1)).unwrap_or(1),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    sheet: RawSheet,
    columns: Spanned<RawColumns>,
    #[serde(default)]
    numbers: RawNumbers,
    #[serde(default)]
    dates: RawDates,
    transactions: RawTransactions,
    #[serde(default)]
    expense_accounts: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    payment_modes: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    donors: RawDonors,
    #[serde(default)]
    skip: RawSkip,
    #[serde(default)]
    csv: RawCsv,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSheet {
    name: Option<String>,
    header_search_rows: Option<Spanned<u32>>,
}

/// One header name or a list of them.
struct Names(Vec<String>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        match OneOrMany::deserialize(d) {
            Ok(OneOrMany::One(s)) => Ok(Names(vec![s])),
            Ok(OneOrMany::Many(v)) => Ok(Names(v)),
            Err(_) => Err(de::Error::custom(
                "expected a header name or a list of them, e.g. [\"N° pièce\", \"Référence\"]",
            )),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    date: Option<Spanned<Names>>,
    voucher: Option<Spanned<Names>>,
    description: Option<Spanned<Names>>,
    line: Option<Spanned<Names>>,
    donor: Option<Spanned<Names>>,
    activity: Option<Spanned<Names>>,
    amount: Option<Spanned<Names>>,
    debit: Option<Spanned<Names>>,
    credit: Option<Spanned<Names>>,
    payee: Option<Spanned<Names>>,
    account: Option<Spanned<Names>>,
    payment: Option<Spanned<Names>>,
}

impl RawColumns {
    fn take(&mut self, field: Field) -> Option<Spanned<Names>> {
        match field {
            Field::Date => self.date.take(),
            Field::Voucher => self.voucher.take(),
            Field::Description => self.description.take(),
            Field::Line => self.line.take(),
            Field::Donor => self.donor.take(),
            Field::Activity => self.activity.take(),
            Field::Amount => self.amount.take(),
            Field::Debit => self.debit.take(),
            Field::Credit => self.credit.take(),
            Field::Payee => self.payee.take(),
            Field::Account => self.account.take(),
            Field::Payment => self.payment.take(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNumbers {
    style: Option<NumberStyle>,
    commodity: Option<Spanned<String>>,
    expense_sign: Option<ExpenseSign>,
    expense_column: Option<ExpenseColumn>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDates {
    formats: Option<Vec<Spanned<String>>>,
    excel_serial: Option<bool>,
    outside_project: Option<OutsidePeriod>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransactions {
    status: Option<StatusRule>,
    payment_account: Spanned<String>,
    expense_account: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDonors {
    #[serde(default)]
    aliases: BTreeMap<String, Spanned<String>>,
    shared: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSkip {
    totals: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCsv {
    delimiter: Option<Delimiter>,
    encoding: Option<TextEncoding>,
}

struct Validator<'a> {
    text: &'a str,
    file: FileId,
    purpose: Purpose,
    diags: Vec<Diagnostic>,
}

impl Validator<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let at = Location::Text(span_pos(self.text, self.file, span));
        self.diags
            .push(Diagnostic::error(Code::Import, at, message));
    }

    fn located(s: &Spanned<String>) -> Located<String> {
        Located {
            value: s.get_ref().trim().to_string(),
            span: s.span(),
        }
    }

    fn validate(&mut self, raw: RawRules, path: &Path) -> Rules {
        let columns_span = raw.columns.span();
        let mut raw_columns = raw.columns.into_inner();
        let mut columns = Vec::new();
        for field in Field::ALL {
            let Some(names) = raw_columns.take(field) else {
                continue;
            };
            let span = names.span();
            let names = names.into_inner().0;
            if names.is_empty() {
                self.error(
                    span.clone(),
                    format!("columns.{} lists no header name", field.key()),
                );
            }
            for n in &names {
                if header_key(n).is_empty() {
                    self.error(
                        span.clone(),
                        format!(
                            "columns.{}: {n:?} has no letter or digit to match a header by",
                            field.key()
                        ),
                    );
                }
                // Headers are matched without case, accents or punctuation: two fields
                // naming the same header could never both be found.
                let taken = columns.iter().find(|(_, others): &&(Field, Vec<String>)| {
                    others.iter().any(|o| header_key(o) == header_key(n))
                });
                if let Some((other, _)) = taken
                    && !header_key(n).is_empty()
                {
                    self.error(
                        span.clone(),
                        format!(
                            "columns.{}: {n:?} is already the header of columns.{}; a column holds one field",
                            field.key(),
                            other.key()
                        ),
                    );
                }
            }
            columns.push((field, names));
        }
        let has = |f: Field| columns.iter().any(|(x, _)| *x == f);
        let required: &[Field] = match self.purpose {
            Purpose::Import => &[Field::Date, Field::Line],
            Purpose::Statement => &[Field::Date],
        };
        for &required in required {
            if !has(required) {
                self.error(
                    columns_span.clone(),
                    format!(
                        "[columns] needs `{}`: the header name(s) of that column",
                        required.key()
                    ),
                );
            }
        }
        let debit_credit = has(Field::Debit) || has(Field::Credit);
        if has(Field::Amount) && debit_credit {
            self.error(
                columns_span.clone(),
                "[columns] has both `amount` and `debit`/`credit`: use one amount column, or the Débit/Crédit pair",
            );
        } else if !has(Field::Amount) && !debit_credit {
            self.error(
                columns_span.clone(),
                "[columns] needs `amount` (one signed column) or `debit` and `credit`",
            );
        }

        let header_search_rows = match raw.sheet.header_search_rows {
            Some(n) if !(1..=1000).contains(n.get_ref()) => {
                self.error(n.span(), "header_search_rows must be between 1 and 1000");
                20
            }
            Some(n) => *n.get_ref(),
            None => 20,
        };

        let mut date_patterns = Vec::new();
        match raw.dates.formats {
            Some(formats) => {
                if formats.is_empty() {
                    self.error(
                        0..0,
                        "dates.formats is empty: list at least one, e.g. \"dd/mm/yyyy\"",
                    );
                }
                for f in formats {
                    match DatePattern::parse(f.get_ref()) {
                        Ok(p) => date_patterns.push(p),
                        Err(e) => self.error(f.span(), e),
                    }
                }
            }
            None => {
                date_patterns.extend(
                    DEFAULT_DATES
                        .iter()
                        .filter_map(|p| DatePattern::parse(p).ok()),
                );
            }
        }

        let payment_account = Self::located(&raw.transactions.payment_account);
        if payment_account.value.is_empty() {
            self.error(payment_account.span.clone(), "payment_account is empty");
        }
        let expense_account = raw.transactions.expense_account.as_ref().map(Self::located);
        let expense_accounts = raw
            .expense_accounts
            .iter()
            .map(|(line, account)| (line.trim().to_string(), Self::located(account)))
            .collect();
        let payment_modes = raw
            .payment_modes
            .iter()
            .map(|(mode, account)| (fold(mode), Self::located(account)))
            .collect();
        let donor_aliases = raw
            .donors
            .aliases
            .iter()
            .map(|(alias, id)| (fold(alias), Self::located(id)))
            .collect();
        let shared_donor_values = raw
            .donors
            .shared
            .unwrap_or_default()
            .iter()
            .map(|s| fold(s))
            .collect();
        let totals_words = raw.skip.totals.map_or_else(
            || DEFAULT_TOTALS.iter().map(|s| (*s).to_string()).collect(),
            |v| {
                v.iter()
                    .map(|s| fold(s))
                    .filter(|s| !s.is_empty())
                    .collect()
            },
        );
        Rules {
            path: path.to_path_buf(),
            text: self.text.to_string(),
            file: self.file,
            sheet: raw.sheet.name.filter(|s| !s.trim().is_empty()),
            header_search_rows,
            columns,
            number_style: raw.numbers.style.unwrap_or(NumberStyle::Fr),
            commodity: raw
                .numbers
                .commodity
                .as_ref()
                .filter(|c| !c.get_ref().trim().is_empty())
                .map(Self::located),
            expense_sign: raw.numbers.expense_sign.unwrap_or(ExpenseSign::Positive),
            expense_column: raw.numbers.expense_column.unwrap_or(ExpenseColumn::Debit),
            date_patterns,
            excel_serial_dates: raw.dates.excel_serial.unwrap_or(true),
            outside_project: raw.dates.outside_project.unwrap_or(OutsidePeriod::Error),
            status: raw.transactions.status.unwrap_or(StatusRule::Cleared),
            payment_account,
            expense_account,
            expense_accounts,
            payment_modes,
            donor_aliases,
            shared_donor_values,
            totals_words,
            csv: CsvOptions {
                delimiter: raw.csv.delimiter.unwrap_or_default(),
                encoding: raw.csv.encoding.unwrap_or_default(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[sheet]
name = "Dépenses"

[columns]
date = "Date"
voucher = ["N° pièce", "Référence"]
line = ["Ligne budgétaire"]
amount = ["Montant (FCFA)", "Montant"]

[transactions]
payment_account = "assets:bank:xof"

[expense_accounts]
"3.1" = "expenses:venue"
"#;

    fn parse(text: &str) -> Result<Rules, Vec<Diagnostic>> {
        parse_rules(text, Path::new("r.toml"), FileId(0))
    }

    #[test]
    fn reads_a_small_rules_file_with_defaults() {
        let r = parse(GOOD).unwrap();
        assert_eq!(r.sheet.as_deref(), Some("Dépenses"));
        assert_eq!(r.names(Field::Date), Some(&["Date".to_string()][..]));
        assert_eq!(r.names(Field::Donor), None);
        assert_eq!(r.header_search_rows, 20);
        assert_eq!(r.number_style, NumberStyle::Fr);
        assert_eq!(r.date_patterns.len(), 3);
        assert_eq!(
            r.expense_account_for("3.1").unwrap().value,
            "expenses:venue"
        );
        assert!(r.expense_account_for("9.9").is_none());
        assert!(r.totals_words.contains(&"sous total".to_string()));
    }

    #[test]
    fn unknown_keys_are_located() {
        let text = GOOD.replace("[transactions]", "[transactions]\npayment_acount = \"x\"");
        let errs = parse(&text).unwrap_err();
        assert!(errs[0].message.contains("unknown field"), "{errs:?}");
        assert_eq!(errs[0].text_pos().unwrap().line, 11);
    }

    #[test]
    fn amount_columns_must_be_one_kind() {
        let text = GOOD.replace("amount = ", "debit = \"Débit\"\namount = ");
        let errs = parse(&text).unwrap_err();
        assert!(errs[0].message.contains("both `amount`"), "{errs:?}");
        let text = GOOD.replace("line = [\"Ligne budgétaire\"]\n", "");
        let errs = parse(&text).unwrap_err();
        assert!(errs[0].message.contains("needs `line`"), "{errs:?}");
    }

    #[test]
    fn one_header_cannot_name_two_fields() {
        // «N° pièce» and «No piece» are the same header once case, accents and
        // punctuation are set aside.
        let text = GOOD.replace("amount = [", "description = [\"No piece\"]\namount = [");
        let errs = parse(&text).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].message.contains(
                "columns.description: \"No piece\" is already the header of columns.voucher"
            ),
            "{errs:?}"
        );
        assert_eq!(
            errs[0].text_pos().unwrap().line,
            8,
            "the description line, 0-based"
        );
    }

    #[test]
    fn bad_date_patterns_and_enums_are_located() {
        let text = format!("{GOOD}\n[dates]\nformats = [\"dd/mm/yyyy\", \"qq/mm\"]\n");
        let errs = parse(&text).unwrap_err();
        assert!(errs[0].message.contains("qq"), "{errs:?}");
        assert_eq!(errs[0].text_pos().unwrap().line, 17);
        let text = format!("{GOOD}\n[numbers]\nstyle = \"de\"\n");
        let errs = parse(&text).unwrap_err();
        assert!(errs[0].message.contains("unknown variant"), "{errs:?}");
    }
}
