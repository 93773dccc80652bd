//! Bank reconciliation (état de rapprochement bancaire): a bank statement's lines
//! matched to the movements of a bank account in the books, and the statement that
//! explains the difference between the two balances.
//!
//! A movement in the books is a transaction's net amount on the account (a payment
//! split over three funds is one cheque, so one movement). Matching, in this order:
//!
//! 1. **reference** — same amount, and the statement's reference is the voucher (or a
//!    word of the description, such as a cheque number), or the voucher appears in the
//!    statement's description; any date in the period;
//! 2. **amount** — same amount, dates at most `window` days apart;
//! 3. **grouped** — one statement line for several movements (a deposit of several
//!    receipts): a subset of the free movements of the same sign within the window
//!    whose sum is the line's amount (at most [`MAX_CANDIDATES`] candidates, subsets
//!    of 2 to `max_parts`, a bounded search);
//! 4. **split** — several statement lines for one movement (a payment the bank made
//!    in parts): the same search, the other way round;
//! 5. **errors** — a line and a movement with the same reference but different
//!    amounts.
//!
//! Within steps 1 and 2, when several movements could take a line (two postings of
//! the same amount), the closest date wins, then the one whose voucher is the line's
//! reference, then journal order (then statement order between lines); every such
//! choice is reported as ambiguous with the alternatives.
//!
//! What stays unmatched is explained: movements in the books only are deposits in
//! transit (money in) or outstanding cheques and payments (money out); lines on the
//! statement only are the bank's credits (interest, transfers received) or debits
//! (charges, direct debits) not yet booked. Then
//!
//! ```text
//! balance per bank + deposits in transit − outstanding payments − bank credits
//!   + bank debits ± errors (book − bank) = adjusted balance = balance per books
//! ```
//!
//! and the difference left, which is zero when everything is explained.
//!
//! Which movements are looked at: those dated in the period (`from`–`to`), and before
//! it those not marked cleared (`*`) — outstanding from an earlier statement. Cleared
//! movements of the `window` days before the period may match lines of its first days
//! (a cheque written on the 30th, cleared on the 2nd) and are otherwise left out, as
//! reconciled before.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::statement::{Statement, StatementLine};
use crate::model::{Journal, Status};
use crate::read::sheet::fold::fold;
use crate::report::trail::Trail;

/// Most candidates a grouped or split match considers for one line or movement.
pub const MAX_CANDIDATES: usize = 20;
/// Search steps allowed per line (grouped) or movement (split).
const MAX_STEPS: usize = 200_000;

/// What to reconcile.
#[derive(Debug, Clone)]
pub struct ReconcileSpec {
    /// The bank account (its sub-accounts included).
    pub account: String,
    /// First day of the period (default: the day after the opening balance's date, else
    /// the first line's date).
    pub from: Option<NaiveDate>,
    /// Reconciliation date (default: the closing balance's date, else the last line's).
    pub to: Option<NaiveDate>,
    /// Largest gap in days between a line and its movement (amount and grouped steps).
    pub window: u32,
    /// Largest number of movements one line may group.
    pub max_parts: usize,
}

/// A movement of the account in the books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookItem {
    /// Index of the transaction in the journal.
    pub txn: usize,
    pub date: NaiveDate,
    pub voucher: String,
    pub description: String,
    /// Net amount on the account (debit positive: money in).
    pub amount: Decimal,
    /// The transaction's clearing status (cleared when every posting on the account is).
    pub status: Status,
    /// `books.journal:123` (the header line).
    pub place: String,
    /// The `source:` tag (an imported row's cell), if any.
    pub source: Option<String>,
    /// Cleared before the period: matched if a line fits, else left out.
    pub optional: bool,
}

/// How a line was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    Reference,
    Amount,
    Grouped,
    /// One of several statement lines that together make one movement.
    Split,
}

/// What settled an ambiguous match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieBreak {
    ClosestDate,
    Voucher,
    JournalOrder,
    StatementOrder,
}

/// The other candidates of an ambiguous match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguity {
    pub decided_by: TieBreak,
    /// Other movements the line could have taken (indices into `items`).
    pub alternatives: Vec<usize>,
    /// Other lines that could have taken the movement (indices into the lines).
    pub rivals: Vec<usize>,
}

/// A statement line and the movements it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub rule: Rule,
    /// Index into the statement's lines.
    pub line: usize,
    /// Indices into `items`.
    pub items: Vec<usize>,
    pub ambiguity: Option<Ambiguity>,
}

/// A line and a movement with the same reference but different amounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorPair {
    pub line: usize,
    pub item: usize,
    /// Book amount minus bank amount: what the bank balance needs to agree.
    pub difference: Decimal,
}

/// What a line found only on the statement looks like, from its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BankKind {
    Charges,
    Interest,
    Transfer,
    Other,
}

impl BankKind {
    /// Guesses from the description (French or English words) and the direction:
    /// money in is interest or a transfer received; money out is charges (interest
    /// charged included) or a transfer sent.
    pub fn of(description: &str, money_in: bool) -> BankKind {
        let f = fold(description);
        let has = |words: &[&str]| f.split(' ').any(|w| words.iter().any(|x| w.starts_with(x)));
        let interest = has(&["interet", "interest"]);
        let charges = has(&[
            "frais",
            "commission",
            "agio",
            "tenue",
            "cotisation",
            "taxe",
            "tva",
            "fee",
            "charge",
            "prlv",
            "prelevement",
        ]);
        let transfer = has(&["virement", "vir", "transfer", "remise", "versement"]);
        match (money_in, interest, charges, transfer) {
            (true, true, _, _) => BankKind::Interest,
            (true, _, _, true) => BankKind::Transfer,
            (false, _, true, _) | (false, true, _, _) => BankKind::Charges,
            (false, _, _, true) => BankKind::Transfer,
            _ => BankKind::Other,
        }
    }
}

/// The reconciliation.
#[derive(Debug, Clone)]
pub struct Reconciliation {
    pub account: String,
    pub commodity: String,
    pub precision: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub window: u32,
    pub statement: Statement,
    /// Movements looked at, in journal order.
    pub items: Vec<BookItem>,
    pub matches: Vec<Match>,
    pub errors: Vec<ErrorPair>,
    /// Unmatched movements in the books (indices into `items`).
    pub deposits_in_transit: Vec<usize>,
    pub outstanding: Vec<usize>,
    /// Unmatched lines on the statement (indices into its lines).
    pub bank_credits: Vec<(usize, BankKind)>,
    pub bank_debits: Vec<(usize, BankKind)>,
    /// Lines outside the period (counted in the bank balance, not matched).
    pub lines_outside: usize,
    pub bank_balance: Decimal,
    pub book_balance: Decimal,
}

impl Reconciliation {
    /// The statement's line `i`.
    pub fn line(&self, i: usize) -> &StatementLine {
        &self.statement.lines[i]
    }

    /// Total of `items`.
    pub fn items_total(&self, items: &[usize]) -> Decimal {
        items.iter().map(|i| self.items[*i].amount).sum()
    }

    /// Total of lines.
    pub fn lines_total(&self, lines: &[(usize, BankKind)]) -> Decimal {
        lines.iter().map(|(i, _)| self.line(*i).amount).sum()
    }

    /// Total of the errors (book − bank).
    pub fn errors_total(&self) -> Decimal {
        self.errors.iter().map(|e| e.difference).sum()
    }

    /// The bank balance adjusted by every explained item: must equal the books'.
    pub fn adjusted(&self) -> Decimal {
        self.bank_balance
            + self.items_total(&self.deposits_in_transit)
            + self.items_total(&self.outstanding)
            - self.lines_total(&self.bank_credits)
            - self.lines_total(&self.bank_debits)
            + self.errors_total()
    }

    /// Balance per books minus the adjusted balance: zero when reconciled.
    pub fn difference(&self) -> Decimal {
        self.book_balance - self.adjusted()
    }

    /// The transactions matched (steps reference, amount, grouped), in journal order.
    pub fn matched_transactions(&self) -> Vec<usize> {
        let mut t: Vec<usize> = self
            .matches
            .iter()
            .flat_map(|m| m.items.iter().map(|i| self.items[*i].txn))
            .collect();
        t.sort_unstable();
        t.dedup();
        t
    }

    /// The matches that were ambiguous.
    pub fn ambiguous(&self) -> impl Iterator<Item = &Match> {
        self.matches.iter().filter(|m| m.ambiguity.is_some())
    }
}

/// Why a reconciliation cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("the account {0} is not in the books; bank accounts in the journal: {1}")]
    UnknownAccount(String, String),
    #[error(
        "the statement has no balance row (such as «Solde au 31/12/2017» with its amount): the balance per bank is unknown"
    )]
    NoBalance,
    #[error("the statement has no movement and no date: give --from and --to")]
    NoPeriod,
    #[error("--to {to} is before --from {from}")]
    BadPeriod { from: NaiveDate, to: NaiveDate },
}

/// Folded words of a text with spaces around, for whole-word searches.
fn padded(text: &str) -> String {
    format!(" {} ", fold(text))
}

struct Keys {
    reference: String,
    padded_description: String,
}

struct ItemKeys {
    voucher: String,
    padded_voucher: String,
    padded_description: String,
}

fn refs_match(l: &Keys, k: &ItemKeys) -> bool {
    let by_reference = l.reference.len() >= 3
        && (l.reference == k.voucher
            || k.padded_description.contains(&format!(" {} ", l.reference)));
    let by_voucher = k.voucher.len() >= 3 && l.padded_description.contains(&k.padded_voucher);
    by_reference || by_voucher
}

fn gap(a: NaiveDate, b: NaiveDate) -> u64 {
    (a - b).num_days().unsigned_abs()
}

/// Reconciles `statement` with `spec.account` in `journal`.
///
/// # Errors
/// An account the journal does not know, a statement without a balance, a bad period.
pub fn reconcile(
    journal: &Journal,
    statement: Statement,
    spec: &ReconcileSpec,
) -> Result<Reconciliation, ReconcileError> {
    let in_account: Vec<bool> = journal
        .accounts
        .iter()
        .map(|(_, name)| {
            name == spec.account
                || name
                    .strip_prefix(spec.account.as_str())
                    .is_some_and(|r| r.starts_with(':'))
        })
        .collect();
    if !in_account.iter().any(|x| *x) {
        let known: Vec<&str> = journal
            .accounts
            .iter()
            .map(|(_, n)| n)
            .filter(|n| {
                crate::model::AccountType::from_name(n) == Some(crate::model::AccountType::Asset)
            })
            .collect();
        return Err(ReconcileError::UnknownAccount(
            spec.account.clone(),
            known.join(", "),
        ));
    }
    let to = spec
        .to
        .or_else(|| statement.closing.as_ref().and_then(|b| b.date))
        .or_else(|| statement.lines.iter().map(|l| l.date).max())
        .ok_or(ReconcileError::NoPeriod)?;
    let from = spec
        .from
        .or_else(|| {
            statement
                .opening
                .as_ref()
                .and_then(|b| b.date)
                .and_then(|d| d.succ_opt())
        })
        .or_else(|| statement.lines.iter().map(|l| l.date).min())
        .unwrap_or(to);
    if to < from {
        return Err(ReconcileError::BadPeriod { from, to });
    }
    let bank_balance = match (&statement.opening, &statement.closing) {
        (Some(o), _) => {
            o.amount
                + statement
                    .lines
                    .iter()
                    .filter(|l| l.date <= to)
                    .map(|l| l.amount)
                    .sum::<Decimal>()
        }
        (None, Some(c)) => {
            c.amount
                - statement
                    .lines
                    .iter()
                    .filter(|l| l.date > to)
                    .map(|l| l.amount)
                    .sum::<Decimal>()
        }
        (None, None) => return Err(ReconcileError::NoBalance),
    };

    // The books' movements.
    let commodity = journal.commodities.get(&statement.commodity);
    let trail = Trail::new(journal);
    let early = from
        .checked_sub_days(chrono::Days::new(u64::from(spec.window)))
        .unwrap_or(NaiveDate::MIN);
    let mut items = Vec::new();
    let mut book_balance = Decimal::ZERO;
    for (i, t) in journal.transactions.iter().enumerate() {
        if t.date > to {
            continue;
        }
        let mut net = Decimal::ZERO;
        let mut any = false;
        let mut all_cleared = true;
        for p in journal.postings_of(t) {
            if in_account[p.account.index()] && Some(p.amount.commodity) == commodity {
                net += p.amount.quantity;
                any = true;
                all_cleared &= p.status == Status::Cleared;
            }
        }
        if !any || net.is_zero() {
            continue;
        }
        book_balance += net;
        let status = if t.status == Status::Cleared || all_cleared {
            Status::Cleared
        } else {
            t.status
        };
        let optional = t.date < from && status == Status::Cleared;
        if optional && t.date < early {
            continue;
        }
        items.push(BookItem {
            txn: i,
            date: t.date,
            voucher: journal.str(t.code).to_string(),
            description: journal.str(t.description).to_string(),
            amount: net,
            status,
            place: trail.place(t),
            source: trail.transaction_source(t).map(str::to_string),
            optional,
        });
    }

    let lines_in: Vec<usize> = (0..statement.lines.len())
        .filter(|i| {
            let d = statement.lines[*i].date;
            d >= from && d <= to
        })
        .collect();
    let lines_outside = statement.lines.len() - lines_in.len();
    let line_keys: Vec<Keys> = statement
        .lines
        .iter()
        .map(|l| Keys {
            reference: fold(&l.reference),
            padded_description: padded(&l.description),
        })
        .collect();
    let item_keys: Vec<ItemKeys> = items
        .iter()
        .map(|k| ItemKeys {
            voucher: fold(&k.voucher),
            padded_voucher: padded(&k.voucher),
            padded_description: padded(&k.description),
        })
        .collect();
    let mut m = Matcher {
        lines: &statement.lines,
        items: &items,
        line_keys: &line_keys,
        item_keys: &item_keys,
        line_free: vec![true; statement.lines.len()],
        item_free: vec![true; items.len()],
        matches: Vec::new(),
        window: u64::from(spec.window),
    };
    m.one_to_one(&lines_in, Rule::Reference);
    m.one_to_one(&lines_in, Rule::Amount);
    m.grouped(&lines_in, spec.max_parts.max(2));
    m.split(&lines_in, spec.max_parts.max(2));
    let errors = m.errors(&lines_in);
    let Matcher {
        matches,
        line_free,
        item_free,
        ..
    } = m;

    let mut deposits_in_transit = Vec::new();
    let mut outstanding = Vec::new();
    for (i, k) in items.iter().enumerate() {
        if !item_free[i] || k.optional {
            continue;
        }
        if k.amount.is_sign_positive() {
            deposits_in_transit.push(i);
        } else {
            outstanding.push(i);
        }
    }
    let mut bank_credits = Vec::new();
    let mut bank_debits = Vec::new();
    for &l in &lines_in {
        if !line_free[l] {
            continue;
        }
        let line = &statement.lines[l];
        let kind = BankKind::of(&line.description, line.amount.is_sign_positive());
        if line.amount.is_sign_positive() {
            bank_credits.push((l, kind));
        } else {
            bank_debits.push((l, kind));
        }
    }
    Ok(Reconciliation {
        account: spec.account.clone(),
        commodity: statement.commodity.clone(),
        precision: statement.precision,
        from,
        to,
        window: spec.window,
        statement,
        items,
        matches,
        errors,
        deposits_in_transit,
        outstanding,
        bank_credits,
        bank_debits,
        lines_outside,
        bank_balance,
        book_balance,
    })
}

struct Matcher<'a> {
    lines: &'a [StatementLine],
    items: &'a [BookItem],
    line_keys: &'a [Keys],
    item_keys: &'a [ItemKeys],
    line_free: Vec<bool>,
    item_free: Vec<bool>,
    matches: Vec<Match>,
    window: u64,
}

/// A candidate pair's rank: closest date, then matching reference, then journal
/// order, then statement order.
type Rank = (u64, bool, usize, usize);

impl Matcher<'_> {
    fn refs(&self, l: usize, k: usize) -> bool {
        refs_match(&self.line_keys[l], &self.item_keys[k])
    }

    fn fits(&self, rule: Rule, l: usize, k: usize) -> bool {
        let (line, item) = (&self.lines[l], &self.items[k]);
        line.amount == item.amount
            && match rule {
                Rule::Reference => self.refs(l, k),
                _ => gap(line.date, item.date) <= self.window,
            }
    }

    fn rank(&self, l: usize, k: usize) -> Rank {
        (
            gap(self.lines[l].date, self.items[k].date),
            !self.refs(l, k),
            self.items[k].txn,
            self.lines[l].row as usize,
        )
    }

    /// Steps 1 and 2: every candidate pair ranked, taken best first while both are free.
    fn one_to_one(&mut self, lines: &[usize], rule: Rule) {
        let mut items_by_amount: HashMap<Decimal, Vec<usize>> = HashMap::new();
        for (k, item) in self.items.iter().enumerate() {
            if self.item_free[k] {
                items_by_amount.entry(item.amount).or_default().push(k);
            }
        }
        let mut lines_by_amount: HashMap<Decimal, Vec<usize>> = HashMap::new();
        for &l in lines {
            if self.line_free[l] {
                lines_by_amount
                    .entry(self.lines[l].amount)
                    .or_default()
                    .push(l);
            }
        }
        let mut pairs: Vec<(Rank, usize, usize)> = Vec::new();
        for &l in lines {
            if !self.line_free[l] {
                continue;
            }
            for &k in items_by_amount
                .get(&self.lines[l].amount)
                .into_iter()
                .flatten()
            {
                if self.fits(rule, l, k) {
                    pairs.push((self.rank(l, k), l, k));
                }
            }
        }
        pairs.sort_unstable();
        for &(rank, l, k) in &pairs {
            if !self.line_free[l] || !self.item_free[k] {
                continue;
            }
            // What else could have been chosen: same amount, in the window or with a
            // matching reference, still free.
            let possible = |l: usize, k: usize| {
                gap(self.lines[l].date, self.items[k].date) <= self.window || self.refs(l, k)
            };
            let mut alternatives: Vec<usize> = items_by_amount
                .get(&self.lines[l].amount)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&x| x != k && self.item_free[x] && possible(l, x))
                .collect();
            alternatives.sort_by_key(|&x| self.rank(l, x));
            let mut rivals: Vec<usize> = lines_by_amount
                .get(&self.items[k].amount)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&x| x != l && self.line_free[x] && possible(x, k))
                .collect();
            rivals.sort_by_key(|&x| self.rank(x, k));
            let ambiguity = (!alternatives.is_empty() || !rivals.is_empty()).then(|| {
                let decided_by = match (alternatives.first(), rivals.first()) {
                    (Some(&a), _) if rule == Rule::Reference && !self.refs(l, a) => {
                        TieBreak::Voucher
                    }
                    (Some(&a), _) => tie_break(rank, self.rank(l, a)),
                    (None, Some(&r)) if rule == Rule::Reference && !self.refs(r, k) => {
                        TieBreak::Voucher
                    }
                    (None, Some(&r)) => match tie_break(rank, self.rank(r, k)) {
                        TieBreak::JournalOrder => TieBreak::StatementOrder,
                        other => other,
                    },
                    (None, None) => TieBreak::JournalOrder,
                };
                Ambiguity {
                    decided_by,
                    alternatives,
                    rivals,
                }
            });
            self.line_free[l] = false;
            self.item_free[k] = false;
            self.matches.push(Match {
                rule,
                line: l,
                items: vec![k],
                ambiguity,
            });
        }
    }

    /// Step 3: one line for several movements of the same sign within the window.
    fn grouped(&mut self, lines: &[usize], max_parts: usize) {
        for &l in lines {
            if !self.line_free[l] {
                continue;
            }
            let line = &self.lines[l];
            let mut candidates: Vec<usize> = (0..self.items.len())
                .filter(|&k| {
                    let item = &self.items[k];
                    self.item_free[k]
                        && self.could_be_part(item.amount, item.date, line.amount, line.date)
                })
                .collect();
            candidates.sort_by_key(|&k| (gap(line.date, self.items[k].date), self.items[k].txn));
            let found = parts(
                &candidates,
                |k| self.items[k].amount,
                line.amount,
                max_parts,
            );
            if let Some(mut items) = found {
                items.sort_by_key(|&k| self.items[k].txn);
                for &k in &items {
                    self.item_free[k] = false;
                }
                self.line_free[l] = false;
                self.matches.push(Match {
                    rule: Rule::Grouped,
                    line: l,
                    items,
                    ambiguity: None,
                });
            }
        }
    }

    /// Whether a movement or line (`amount` on `date`) can be one of several parts of
    /// `whole`: the same sign, smaller, within the window.
    fn could_be_part(
        &self,
        amount: Decimal,
        date: NaiveDate,
        whole: Decimal,
        whole_date: NaiveDate,
    ) -> bool {
        amount.is_sign_positive() == whole.is_sign_positive()
            && amount.abs() < whole.abs()
            && gap(date, whole_date) <= self.window
    }

    /// Step 4: several lines of the same sign within the window for one movement, each
    /// line a match of its own (rule `Split`) pointing at the movement.
    fn split(&mut self, lines: &[usize], max_parts: usize) {
        for k in 0..self.items.len() {
            if !self.item_free[k] {
                continue;
            }
            let item = &self.items[k];
            let mut candidates: Vec<usize> = lines
                .iter()
                .copied()
                .filter(|&l| {
                    let line = &self.lines[l];
                    self.line_free[l]
                        && self.could_be_part(line.amount, line.date, item.amount, item.date)
                })
                .collect();
            candidates.sort_by_key(|&l| (gap(self.lines[l].date, item.date), self.lines[l].row));
            let found = parts(
                &candidates,
                |l| self.lines[l].amount,
                item.amount,
                max_parts,
            );
            if let Some(mut chosen) = found {
                chosen.sort_by_key(|&l| self.lines[l].row);
                self.item_free[k] = false;
                for l in chosen {
                    self.line_free[l] = false;
                    self.matches.push(Match {
                        rule: Rule::Split,
                        line: l,
                        items: vec![k],
                        ambiguity: None,
                    });
                }
            }
        }
    }

    /// Step 5: same reference, different amount.
    fn errors(&mut self, lines: &[usize]) -> Vec<ErrorPair> {
        let mut pairs: Vec<(Rank, usize, usize)> = Vec::new();
        for &l in lines {
            if !self.line_free[l] {
                continue;
            }
            for k in 0..self.items.len() {
                let (line, item) = (&self.lines[l], &self.items[k]);
                if self.item_free[k]
                    && line.amount.is_sign_positive() == item.amount.is_sign_positive()
                    && self.refs(l, k)
                {
                    pairs.push((self.rank(l, k), l, k));
                }
            }
        }
        pairs.sort_unstable();
        let mut out = Vec::new();
        for (_, l, k) in pairs {
            if self.line_free[l] && self.item_free[k] {
                self.line_free[l] = false;
                self.item_free[k] = false;
                out.push(ErrorPair {
                    line: l,
                    item: k,
                    difference: self.items[k].amount - self.lines[l].amount,
                });
            }
        }
        out
    }
}

/// The smallest set (2 to `max_parts`, the first found in order) of the best
/// [`MAX_CANDIDATES`] `candidates` whose amounts add up to `whole`, as a bounded search.
fn parts(
    candidates: &[usize],
    amount_of: impl Fn(usize) -> Decimal,
    whole: Decimal,
    max_parts: usize,
) -> Option<Vec<usize>> {
    let candidates = &candidates[..candidates.len().min(MAX_CANDIDATES)];
    let values: Vec<Decimal> = candidates.iter().map(|&c| amount_of(c).abs()).collect();
    let mut steps = 0usize;
    (2..=max_parts.min(values.len())).find_map(|size| {
        let mut chosen = Vec::with_capacity(size);
        subset(&values, 0, size, whole.abs(), &mut chosen, &mut steps)
            .then(|| chosen.iter().map(|&i| candidates[i]).collect())
    })
}

fn tie_break(chosen: Rank, other: Rank) -> TieBreak {
    if chosen.0 != other.0 {
        TieBreak::ClosestDate
    } else if chosen.1 != other.1 {
        TieBreak::Voucher
    } else {
        TieBreak::JournalOrder
    }
}

/// Finds `size` values from `start` on summing to `target` (all positive), depth first
/// in index order; false when none, or when the step budget runs out.
fn subset(
    values: &[Decimal],
    start: usize,
    size: usize,
    target: Decimal,
    chosen: &mut Vec<usize>,
    steps: &mut usize,
) -> bool {
    if size == 0 {
        return target.is_zero();
    }
    for i in start..values.len() {
        *steps += 1;
        if *steps > MAX_STEPS {
            return false;
        }
        if values.len() - i < size {
            return false;
        }
        let v = values[i];
        if v > target {
            continue;
        }
        chosen.push(i);
        if subset(values, i + 1, size - 1, target - v, chosen, steps) {
            return true;
        }
        chosen.pop();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn subsets_are_found_smallest_first_in_order() {
        let v = [dec!(5), dec!(3), dec!(2), dec!(7)];
        let mut chosen = Vec::new();
        let mut steps = 0;
        assert!(subset(&v, 0, 2, dec!(10), &mut chosen, &mut steps));
        assert_eq!(chosen, vec![1, 3]);
        chosen.clear();
        assert!(!subset(&v, 0, 2, dec!(11), &mut chosen, &mut steps));
        chosen.clear();
        assert!(subset(&v, 0, 3, dec!(10), &mut chosen, &mut steps));
        assert_eq!(chosen, vec![0, 1, 2]);
    }

    #[test]
    fn bank_kinds_from_words() {
        assert_eq!(
            BankKind::of("FRAIS TENUE DE COMPTE", false),
            BankKind::Charges
        );
        assert_eq!(
            BankKind::of("Intérêts créditeurs 2017", true),
            BankKind::Interest
        );
        assert_eq!(BankKind::of("Intérêts débiteurs", false), BankKind::Charges);
        assert_eq!(
            BankKind::of("VIR RECU HCDH - CONTRIBUTION AUX FRAIS", true),
            BankKind::Transfer
        );
        assert_eq!(BankKind::of("VIR EMIS", false), BankKind::Transfer);
        assert_eq!(BankKind::of("Divers", true), BankKind::Other);
    }

    #[test]
    fn references_match_whole_words() {
        let l = Keys {
            reference: fold("1184301"),
            padded_description: padded("CHQ 1184301"),
        };
        let k = ItemKeys {
            voucher: fold("PV-2017-0001"),
            padded_voucher: padded("PV-2017-0001"),
            padded_description: padded("Approvisionnement de la caisse (chèque n° 1184301)"),
        };
        assert!(refs_match(&l, &k));
        let l = Keys {
            reference: String::new(),
            padded_description: padded("VIR PV-2017-00012 LOYER"),
        };
        assert!(!refs_match(&l, &k), "PV-2017-0001 is not PV-2017-00012");
    }
}
