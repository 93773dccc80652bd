//! The flat posting table: one row per posting with every dimension, the table
//! analysts load into a spreadsheet, a dataframe or a database.
//!
//! Columns, in order (names are fixed, lower-case English, whatever `--lang`):
//!
//! | column | content |
//! | --- | --- |
//! | `project` | the project's code (empty for a bare journal) |
//! | `country` | `[project] country` (ISO 3166-1 alpha-2) |
//! | `date` | the transaction's date |
//! | `txn` | the transaction's number in the journal, 1-based, includes flattened (stable while the journal is only appended to, as fundledger does) |
//! | `posting` | the posting's number in its transaction, 1-based |
//! | `voucher` | the transaction's code (`(PV-2017-0412)`) |
//! | `description` | the transaction's description |
//! | `account`, `account_type` | the account and its class (`asset`, `liability`, `equity`, `income`, `expense`) |
//! | `commodity`, `amount` | the posting's amount, exact |
//! | `value`, `value_currency` | its weight (at cost) in the books' currency (the project's `currency`); empty when the weight is in another commodity (a zero weight is 0 in any currency) or there is no project |
//! | `donor`, `line`, `activity` | the dimensions, inherited from the transaction where the posting has none |
//! | `source` | the `source:` tag (posting, else transaction), else `file:line` of the posting |
//! | `category_<scheme>` | the budget line's category in each donor scheme the project maps its lines to (`category_eu`, `category_glo_act`, …) |

use std::borrow::Cow;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::Selection;
use crate::books::Books;
use crate::model::{AccountType, CommodityId, Journal, Meta, MetaRange, Symbol};
use crate::precision::Precisions;
use crate::render::amount::plain;

/// The fixed columns, before the `category_<scheme>` ones.
pub const COLUMNS: [&str; 17] = [
    "project",
    "country",
    "date",
    "txn",
    "posting",
    "voucher",
    "description",
    "account",
    "account_type",
    "commodity",
    "amount",
    "value",
    "value_currency",
    "donor",
    "line",
    "activity",
    "source",
];

/// The machine name of an account class, as written in the table.
pub fn type_name(t: AccountType) -> &'static str {
    match t {
        AccountType::Asset => "asset",
        AccountType::Liability => "liability",
        AccountType::Equity => "equity",
        AccountType::Income => "income",
        AccountType::Expense => "expense",
    }
}

/// The column holding the categories of donor scheme `scheme` (`glo-act` → `category_glo_act`).
pub fn category_column(scheme: &str) -> String {
    format!("category_{}", scheme.replace(['-', ' ', '.'], "_"))
}

/// One posting as a row.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub date: NaiveDate,
    pub txn: u64,
    pub posting: u32,
    pub voucher: &'a str,
    pub description: &'a str,
    pub account: &'a str,
    pub account_type: Option<AccountType>,
    pub commodity: &'a str,
    pub amount: Decimal,
    pub value: Option<Decimal>,
    pub donor: Option<&'a str>,
    pub line: Option<&'a str>,
    pub activity: Option<&'a str>,
    pub source: Cow<'a, str>,
    /// The line's category per scheme, in the order of [`PostingTable::schemes`].
    pub categories: &'a [Option<String>],
    commodity_id: CommodityId,
}

/// The posting table of one ledger, for a [`Selection`]; rows are produced on demand.
#[derive(Debug)]
pub struct PostingTable<'a> {
    journal: &'a Journal,
    precisions: &'a Precisions,
    selection: Selection,
    pub project: Option<String>,
    pub country: Option<String>,
    /// The books' currency, the `value` column's.
    pub currency: Option<String>,
    functional: Option<CommodityId>,
    /// Donor schemes the project maps its lines to, sorted.
    pub schemes: Vec<String>,
    line_categories: FxHashMap<Symbol, Vec<Option<String>>>,
    no_categories: Vec<Option<String>>,
    types: Vec<Option<AccountType>>,
    source_tag: Option<Symbol>,
    files: Vec<String>,
}

impl<'a> PostingTable<'a> {
    /// The table of `books` restricted to `selection`.
    pub fn new(books: &'a Books, selection: &Selection) -> PostingTable<'a> {
        let journal = &books.journal;
        let project = books.project.as_ref();
        let schemes: Vec<String> = project
            .map(|p| {
                p.lines
                    .iter()
                    .flat_map(|l| l.categories.keys().cloned())
                    .collect::<BTreeSet<String>>()
                    .into_iter()
                    .collect()
            })
            .unwrap_or_default();
        let mut line_categories = FxHashMap::default();
        if let Some(p) = project {
            for l in &p.lines {
                if let Some(sym) = journal.symbols.get(&l.code) {
                    let cats = schemes
                        .iter()
                        .map(|s| l.categories.get(s).cloned())
                        .collect();
                    line_categories.insert(sym, cats);
                }
            }
        }
        let base = books.dir.clone().or_else(|| {
            journal
                .sources
                .paths()
                .first()
                .and_then(|p| p.parent().map(std::path::Path::to_path_buf))
        });
        let files = journal
            .sources
            .paths()
            .iter()
            .map(|p| {
                base.as_ref()
                    .and_then(|b| p.strip_prefix(b).ok())
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        let currency = project.map(|p| p.currency.clone());
        PostingTable {
            journal,
            precisions: &books.precisions,
            selection: selection.clone(),
            project: project.map(|p| p.code.clone()),
            country: project.and_then(|p| p.country.clone()),
            functional: currency.as_deref().and_then(|c| journal.commodities.get(c)),
            currency,
            no_categories: vec![None; schemes.len()],
            schemes,
            line_categories,
            types: journal.account_types(),
            source_tag: journal.symbols.get("source"),
            files,
        }
    }

    /// Every column name, in order: the fixed ones, then one per scheme.
    pub fn columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = COLUMNS.iter().map(|c| (*c).to_string()).collect();
        cols.extend(self.schemes.iter().map(|s| category_column(s)));
        cols
    }

    /// The selected postings, in journal order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> + '_ {
        let j = self.journal;
        let donor = self.selection.donor_symbol(j);
        j.transactions
            .iter()
            .enumerate()
            .filter(|(_, t)| self.selection.date(t))
            .flat_map(move |(ti, t)| {
                j.postings_of(t)
                    .iter()
                    .enumerate()
                    .filter(move |(_, p)| match donor {
                        None => true,
                        Some(None) => false,
                        Some(Some(d)) => p.dims.donor == Some(d),
                    })
                    .map(move |(pi, p)| {
                        let weight = j.weight(p, |c| self.precisions.of(c));
                        let value = match (weight, self.functional) {
                            (Some(w), Some(f)) if w.commodity == f => Some(w.quantity),
                            (Some(w), Some(_)) if w.quantity.is_zero() => Some(Decimal::ZERO),
                            _ => None,
                        };
                        let source = self
                            .source_tag
                            .and_then(|s| {
                                tag_value(j, p.meta, s).or_else(|| tag_value(j, t.meta, s))
                            })
                            .map_or_else(
                                || {
                                    Cow::Owned(format!(
                                        "{}:{}",
                                        self.files
                                            .get(t.file.0 as usize)
                                            .map_or("", String::as_str),
                                        p.line + 1
                                    ))
                                },
                                Cow::Borrowed,
                            );
                        let sym = |s: Option<Symbol>| s.map(|x| j.symbol(x));
                        Row {
                            date: t.date,
                            txn: ti as u64 + 1,
                            posting: pi as u32 + 1,
                            voucher: j.str(t.code),
                            description: j.str(t.description),
                            account: j.account_name(p.account),
                            account_type: self.types[p.account.index()],
                            commodity: j.commodity_name(p.amount.commodity),
                            amount: p.amount.quantity,
                            value,
                            donor: sym(p.dims.donor),
                            line: sym(p.dims.line),
                            activity: sym(p.dims.activity),
                            source,
                            categories: p
                                .dims
                                .line
                                .and_then(|l| self.line_categories.get(&l))
                                .map_or(self.no_categories.as_slice(), Vec::as_slice),
                            commodity_id: p.amount.commodity,
                        }
                    })
            })
    }

    /// Decimals of `commodity`'s amounts (declared, else seen).
    pub fn precision(&self, commodity: CommodityId) -> Option<u32> {
        self.precisions.of(commodity)
    }

    /// The row's amount as an exact decimal string, padded to its commodity's precision.
    pub fn amount_text(&self, row: &Row<'_>) -> String {
        plain(row.amount, self.precision(row.commodity_id))
    }

    /// The row's value as an exact decimal string (empty when there is none).
    pub fn value_text(&self, row: &Row<'_>) -> Option<String> {
        row.value
            .map(|v| plain(v, self.functional.and_then(|f| self.precision(f))))
    }

    /// The decimals the `amount` column needs to hold every row exactly.
    pub fn amount_scale(&self, row: &Row<'_>) -> u32 {
        row.amount
            .normalize()
            .scale()
            .max(self.precision(row.commodity_id).unwrap_or(0))
    }

    /// The decimals of the books' currency.
    pub fn value_precision(&self) -> u32 {
        self.functional.and_then(|f| self.precision(f)).unwrap_or(0)
    }

    /// The `value_currency` of a row (the books' currency, when the row has a value).
    pub fn value_currency(&self, row: &Row<'_>) -> Option<&str> {
        row.value.and(self.currency.as_deref())
    }
}

/// The value of tag `name` in `range`, if present.
fn tag_value(j: &Journal, range: MetaRange, name: Symbol) -> Option<&str> {
    j.metas(range).iter().find_map(|m| match m {
        Meta::Tag { name: n, value } if *n == name => Some(j.str(*value)),
        _ => None,
    })
}
