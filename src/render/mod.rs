//! Presentation only: report data to terminal tables, CSV, JSON, and the canonical
//! journal text. No arithmetic happens here.

pub mod amount;
pub mod anomalies;
pub mod finance;
pub mod journal;
pub mod labels;
pub mod ledger;
pub mod ledger_xlsx;
pub mod output;
pub mod reconcile;
pub mod sheet;
pub mod table;
pub mod xlsx;

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned table for people.
    #[default]
    Table,
    /// Comma-separated values with a header row; exact decimals.
    Csv,
    /// A JSON array of objects; amounts as exact decimal strings.
    Json,
}

/// Language of labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

/// The label in `lang`: `l(lang, "Solde", "Balance")`.
pub fn l<'a>(lang: Lang, fr: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// Makes text safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return could run as a formula, so it gets a leading `'`.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}
