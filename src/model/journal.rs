//! The books in memory: transactions, postings, directives. Pure data, no I/O.
//!
//! Postings of all transactions live in one table (`Journal::postings`); each
//! transaction owns a contiguous range of it. Strings are interned ([`Interner`]) or
//! kept in one arena ([`TextArena`]) so a million transactions stay compact.

use std::ops::Range;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::intern::{Interner, Symbol, TextArena, TextRef};
use crate::source::{FileId, SourceMap, TextPos};

/// An interned account name.
pub type AccountId = Symbol;
/// An interned commodity symbol.
pub type CommodityId = Symbol;

/// Clearing status of a transaction or posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub enum Status {
    #[default]
    Unmarked,
    /// `!`
    Pending,
    /// `*`
    Cleared,
}

impl Status {
    /// The journal mark: `""`, `"!"` or `"*"`.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Unmarked => "",
            Status::Pending => "!",
            Status::Cleared => "*",
        }
    }
}

/// A quantity of a commodity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amount {
    pub quantity: Decimal,
    pub commodity: CommodityId,
}

/// How a posting's cost was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CostKind {
    /// `@ price` per unit.
    Unit,
    /// `@@ total` for the whole quantity.
    Total,
}

/// The cost of a posting in another commodity (`@` or `@@`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cost {
    pub kind: CostKind,
    pub amount: Amount,
}

/// Fund-accounting dimensions that every report can group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Dimensions {
    /// `donor:` — the fund.
    pub donor: Option<Symbol>,
    /// `line:` — the budget line.
    pub line: Option<Symbol>,
    /// `activity:` — the work-plan activity.
    pub activity: Option<Symbol>,
}

impl Dimensions {
    /// Each dimension of `self`, falling back to `inherited` where absent.
    #[must_use]
    pub fn or(self, inherited: Dimensions) -> Dimensions {
        Dimensions {
            donor: self.donor.or(inherited.donor),
            line: self.line.or(inherited.line),
            activity: self.activity.or(inherited.activity),
        }
    }

    /// The dimension named by `dim`.
    pub fn get(self, dim: Dimension) -> Option<Symbol> {
        match dim {
            Dimension::Donor => self.donor,
            Dimension::Line => self.line,
            Dimension::Activity => self.activity,
        }
    }
}

/// One of the fund-accounting dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Donor,
    Line,
    Activity,
}

impl Dimension {
    /// The tag name carrying this dimension.
    pub fn tag(self) -> &'static str {
        match self {
            Dimension::Donor => "donor",
            Dimension::Line => "line",
            Dimension::Activity => "activity",
        }
    }

    /// The dimension carried by tag `name`, if any.
    pub fn from_tag(name: &str) -> Option<Dimension> {
        match name {
            "donor" => Some(Dimension::Donor),
            "line" => Some(Dimension::Line),
            "activity" => Some(Dimension::Activity),
            _ => None,
        }
    }
}

/// A comment line or a `key: value` tag other than the three dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Meta {
    /// `; key: value` (value may be empty).
    Tag { name: Symbol, value: TextRef },
    /// `; free text`
    Comment(TextRef),
}

/// A posting: an amount moved into or out of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub account: AccountId,
    /// The amount; for an elided posting, the inferred amount once finalized.
    pub amount: Amount,
    /// Donor, line and activity, with the transaction's inherited where the posting has none.
    pub dims: Dimensions,
    /// Which of `dims` were written on the posting itself (bits: 1 donor, 2 line, 4 activity).
    pub own_dims: u8,
    pub status: Status,
    /// True when the amount was left out in the journal and inferred.
    pub elided: bool,
    /// Index into `Journal::posting_extras` for a cost or balance assertion.
    pub extra: Option<u32>,
    /// Other tags and comments: a range of `Journal::metas`.
    pub meta: MetaRange,
    /// 0-based line of the posting in its transaction's file.
    pub line: u32,
}

/// Rarely present posting parts, kept out of the posting table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PostingExtra {
    pub cost: Option<Cost>,
    /// `= AMOUNT`: the account's balance in that commodity after this posting.
    pub assertion: Option<Amount>,
    /// 0-based byte column of the assertion's amount, for messages.
    pub assertion_col: u32,
}

/// A contiguous range of `Journal::metas`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MetaRange {
    pub start: u32,
    pub len: u32,
}

impl MetaRange {
    /// As an index range.
    pub fn range(self) -> Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// A dated, balanced set of postings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transaction {
    pub date: NaiveDate,
    /// Secondary date (`DATE=DATE2`), kept for round trips.
    pub date2: Option<NaiveDate>,
    pub status: Status,
    /// Voucher number, written `(code)`.
    pub code: TextRef,
    pub description: TextRef,
    /// Dimensions tagged on the transaction, inherited by its postings.
    pub dims: Dimensions,
    pub meta: MetaRange,
    /// First posting in `Journal::postings`.
    pub first_posting: u32,
    pub posting_count: u32,
    pub file: FileId,
    /// 0-based line of the header.
    pub line: u32,
}

impl Transaction {
    /// Index range of this transaction's postings.
    pub fn postings(&self) -> Range<usize> {
        self.first_posting as usize..(self.first_posting + self.posting_count) as usize
    }

    /// Where the header line is.
    pub fn pos(&self) -> TextPos {
        TextPos {
            file: self.file,
            line: self.line,
            col: 0,
            len: 10,
        }
    }
}

/// `account NAME` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDecl {
    pub account: AccountId,
    /// hledger's `type:` tag on the directive, if any (A, L, E, R, X or a full word).
    pub type_tag: Option<String>,
    pub pos: TextPos,
}

/// `commodity SYMBOL` or `commodity 1,000.00 SYMBOL` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommodityDecl {
    pub commodity: CommodityId,
    /// Decimals shown in a sample amount, if one was given.
    pub precision: Option<u32>,
    pub pos: TextPos,
}

/// `P DATE COMMODITY PRICE` market price directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    pub date: NaiveDate,
    pub commodity: CommodityId,
    pub price: Amount,
    pub pos: TextPos,
}

/// A name declared by `tag` or `payee`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameDecl {
    pub name: String,
    pub pos: TextPos,
}

/// Broad account classes, from the top-level name or a `type:` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountType {
    Asset,
    Liability,
    Equity,
    Income,
    Expense,
}

impl AccountType {
    /// The class implied by an account's top-level name (English or French).
    pub fn from_name(account: &str) -> Option<AccountType> {
        let top = account.split(':').next().unwrap_or("").to_lowercase();
        match top.as_str() {
            "assets" | "asset" | "actif" | "actifs" | "tresorerie" | "trésorerie" => {
                Some(AccountType::Asset)
            }
            "liabilities" | "liability" | "passif" | "passifs" | "dettes" => {
                Some(AccountType::Liability)
            }
            "equity" | "capitaux" | "fonds" => Some(AccountType::Equity),
            "income" | "revenue" | "revenues" | "produits" | "recettes" => {
                Some(AccountType::Income)
            }
            "expenses" | "expense" | "charges" | "depenses" | "dépenses" => {
                Some(AccountType::Expense)
            }
            _ => None,
        }
    }

    /// The class named by an hledger `type:` tag value.
    pub fn from_tag(value: &str) -> Option<AccountType> {
        match value.trim().to_lowercase().as_str() {
            "a" | "asset" | "assets" | "c" | "cash" => Some(AccountType::Asset),
            "l" | "liability" | "liabilities" => Some(AccountType::Liability),
            "e" | "equity" => Some(AccountType::Equity),
            "r" | "revenue" | "revenues" | "income" => Some(AccountType::Income),
            "x" | "expense" | "expenses" => Some(AccountType::Expense),
            _ => None,
        }
    }
}

/// Declarations made by directives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directives {
    pub accounts: Vec<AccountDecl>,
    pub commodities: Vec<CommodityDecl>,
    pub tags: Vec<NameDecl>,
    pub payees: Vec<NameDecl>,
    pub prices: Vec<Price>,
}

/// A whole ledger's journal, with includes spliced in, in parse order.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    pub sources: SourceMap,
    pub accounts: Interner,
    pub commodities: Interner,
    /// Tag names and the values of the dimension tags.
    pub symbols: Interner,
    pub text: TextArena,
    pub transactions: Vec<Transaction>,
    pub postings: Vec<Posting>,
    pub posting_extras: Vec<PostingExtra>,
    pub metas: Vec<Meta>,
    pub directives: Directives,
    /// Largest number of decimals written for each commodity (by commodity index).
    pub observed_precision: Vec<u32>,
    /// Transactions (by index, sorted) whose elided amount could not be inferred;
    /// the balancing checks skip them, their problem being reported once already.
    pub uninferred: Vec<u32>,
}

impl Journal {
    /// Each account's class (by account index), from a `type:` tag on its `account`
    /// directive or else its top-level name.
    pub fn account_types(&self) -> Vec<Option<AccountType>> {
        let mut types: Vec<Option<AccountType>> = self
            .accounts
            .iter()
            .map(|(_, name)| AccountType::from_name(name))
            .collect();
        for decl in &self.directives.accounts {
            if let Some(t) = decl.type_tag.as_deref().and_then(AccountType::from_tag) {
                types[decl.account.index()] = Some(t);
            }
        }
        types
    }

    /// True when transaction `index` has an elided amount that could not be inferred.
    pub fn is_uninferred(&self, index: usize) -> bool {
        !self.uninferred.is_empty() && self.uninferred.binary_search(&(index as u32)).is_ok()
    }

    /// The postings of `transaction`.
    pub fn postings_of(&self, transaction: &Transaction) -> &[Posting] {
        &self.postings[transaction.postings()]
    }

    /// A posting's cost and assertion, if it has any.
    pub fn extra(&self, posting: &Posting) -> PostingExtra {
        posting
            .extra
            .map(|i| self.posting_extras[i as usize])
            .unwrap_or_default()
    }

    /// The name of an account.
    pub fn account_name(&self, id: AccountId) -> &str {
        self.accounts.name(id)
    }

    /// The symbol of a commodity.
    pub fn commodity_name(&self, id: CommodityId) -> &str {
        self.commodities.name(id)
    }

    /// The string of an interned tag name or dimension value.
    pub fn symbol(&self, s: Symbol) -> &str {
        self.symbols.name(s)
    }

    /// A string from the text arena.
    pub fn str(&self, r: TextRef) -> &str {
        self.text.get(r)
    }

    /// Tags and comments in `range`.
    pub fn metas(&self, range: MetaRange) -> &[Meta] {
        &self.metas[range.range()]
    }

    /// Where posting `index` of `transaction` is.
    pub fn posting_pos(&self, transaction: &Transaction, posting: &Posting) -> TextPos {
        TextPos {
            file: transaction.file,
            line: posting.line,
            col: 4,
            len: self.account_name(posting.account).len() as u32,
        }
    }

    /// Transaction indices sorted by date, keeping parse order for equal dates.
    pub fn date_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.transactions.len() as u32).collect();
        let sorted = self.transactions.windows(2).all(|w| w[0].date <= w[1].date);
        if !sorted {
            order.sort_by_key(|&i| self.transactions[i as usize].date);
        }
        order
    }

    /// The posting's weight: its amount, or its cost where it has one, rounded half up
    /// to the cost commodity's precision (`precision_of`). `None` when the cost is beyond
    /// [`MAX_AMOUNT`](super::money::MAX_AMOUNT).
    pub fn weight(
        &self,
        posting: &Posting,
        precision_of: impl Fn(CommodityId) -> Option<u32>,
    ) -> Option<Amount> {
        let Some(cost) = posting
            .extra
            .and_then(|i| self.posting_extras[i as usize].cost)
        else {
            return Some(posting.amount);
        };
        let quantity = match cost.kind {
            CostKind::Total => {
                if posting.amount.quantity.is_sign_negative() {
                    -cost.amount.quantity
                } else {
                    cost.amount.quantity
                }
            }
            CostKind::Unit => {
                let exact = posting.amount.quantity.checked_mul(cost.amount.quantity)?;
                match precision_of(cost.amount.commodity) {
                    Some(p) => super::money::round_half_up(exact, p),
                    None => exact,
                }
            }
        };
        if quantity.abs() > super::money::MAX_AMOUNT {
            return None;
        }
        Some(Amount {
            quantity,
            commodity: cost.amount.commodity,
        })
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;

    /// The posting and transaction tables dominate memory at scale; keep them compact.
    #[test]
    fn table_rows_stay_small() {
        eprintln!(
            "Posting {} Transaction {} Amount {} Dimensions {}",
            std::mem::size_of::<Posting>(),
            std::mem::size_of::<Transaction>(),
            std::mem::size_of::<Amount>(),
            std::mem::size_of::<Dimensions>()
        );
        assert!(std::mem::size_of::<Posting>() <= 64);
        assert!(std::mem::size_of::<Transaction>() <= 64);
    }
}
