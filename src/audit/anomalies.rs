//! The anomaly report of `check --audit`: what an auditor or expenditure verifier looks
//! for in a donor project's books, each finding with its place in the journal
//! (`file:line`) and the spreadsheet cell it came from (`source:` tag).
//!
//! | kind | what |
//! | --- | --- |
//! | `duplicate-voucher` | one voucher number on several charged transactions, same funds |
//! | `double-funding` | the same voucher, or the same date, amount and payee (description), charged to different funds |
//! | `duplicate-payment` | the same date, amount and payee (description) charged twice, same funds |
//! | `outside-eligibility` | spending of a fund dated outside every agreement's eligibility period (the budget report's `ELIG`) |
//! | `over-ceiling` | a fund charged beyond its agreement's ceiling (`CEIL`) |
//! | `over-budget` | a line spent beyond its budget in force, per fund (`OVER`), with the posting that crossed it |
//! | `no-voucher` | a transaction without a voucher number (no supporting document reference) |
//! | `missing-source` | a `source:` tag naming a file that is not in the ledger |
//! | `cash-over-limit` | an expense paid in cash above the limit (`--cash-limit`, `[audit] cash_limit`) |
//! | `weekend` | money moved (a posting on an asset account) on a Saturday or Sunday |
//!
//! "Charged" transactions are those with an expense posting; their amount is the sum of
//! the expense postings' weights. Budget, eligibility and ceiling findings come from
//! `report::budget` (so they agree with `fundledger budget`), and need a project.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::model::{AccountType, Journal, Project, Symbol, Transaction};
use crate::precision::Precisions;
use crate::read::sheet::fold::fold;
use crate::render::amount::group;
use crate::report::budget::{BudgetError, BudgetSpec, Flag, Note, RowKind, budget};
use crate::report::rates::Converter;
use crate::report::trail::Trail;

/// What kind of anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    DuplicateVoucher,
    DoubleFunding,
    DuplicatePayment,
    OutsideEligibility,
    OverCeiling,
    OverBudget,
    NoVoucher,
    MissingSource,
    CashOverLimit,
    Weekend,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 10] = [
        Kind::DuplicateVoucher,
        Kind::DoubleFunding,
        Kind::DuplicatePayment,
        Kind::OutsideEligibility,
        Kind::OverCeiling,
        Kind::OverBudget,
        Kind::NoVoucher,
        Kind::MissingSource,
        Kind::CashOverLimit,
        Kind::Weekend,
    ];

    /// The stable name (JSON, CSV, tests).
    pub fn code(self) -> &'static str {
        match self {
            Kind::DuplicateVoucher => "duplicate-voucher",
            Kind::DoubleFunding => "double-funding",
            Kind::DuplicatePayment => "duplicate-payment",
            Kind::OutsideEligibility => "outside-eligibility",
            Kind::OverCeiling => "over-ceiling",
            Kind::OverBudget => "over-budget",
            Kind::NoVoucher => "no-voucher",
            Kind::MissingSource => "missing-source",
            Kind::CashOverLimit => "cash-over-limit",
            Kind::Weekend => "weekend",
        }
    }

    /// What it means, in French and English.
    pub fn label(self, lang: crate::render::Lang) -> &'static str {
        let (fr, en) = match self {
            Kind::DuplicateVoucher => ("Pièce comptabilisée deux fois", "Voucher charged twice"),
            Kind::DoubleFunding => (
                "Double financement (même dépense, bailleurs différents)",
                "Double funding (same expense, different donors)",
            ),
            Kind::DuplicatePayment => (
                "Même paiement deux fois (date, montant, libellé)",
                "Same payment twice (date, amount, payee)",
            ),
            Kind::OutsideEligibility => (
                "Dépense hors période d'éligibilité",
                "Spending outside the eligibility period",
            ),
            Kind::OverCeiling => (
                "Bailleur au-delà du plafond",
                "Donor charged beyond its ceiling",
            ),
            Kind::OverBudget => ("Ligne au-delà du budget", "Line over budget"),
            Kind::NoVoucher => ("Écriture sans n° de pièce", "No voucher number"),
            Kind::MissingSource => ("Fichier source introuvable", "Source file missing"),
            Kind::CashOverLimit => (
                "Paiement en espèces au-delà du plafond",
                "Cash payment above the limit",
            ),
            Kind::Weekend => ("Mouvement daté d'un week-end", "Money moved on a weekend"),
        };
        crate::render::sheet::l(lang, fr, en)
    }
}

/// One row of the report: a transaction (or a budget line, an agreement) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    pub kind: Kind,
    /// Findings are numbered from 1; the rows of one finding (the transactions of a
    /// duplicate) share the number.
    pub finding: usize,
    pub date: Option<NaiveDate>,
    pub voucher: String,
    pub description: String,
    /// The funds concerned, joined with `, `.
    pub donors: String,
    pub amount: Option<Decimal>,
    /// `books.journal:123`, or `project.toml:88` for an agreement.
    pub place: String,
    /// The spreadsheet cell the transaction was imported from.
    pub source: Option<String>,
    pub detail_fr: String,
    pub detail_en: String,
}

impl Anomaly {
    /// The detail in `lang`.
    pub fn detail(&self, lang: crate::render::Lang) -> &str {
        match lang {
            crate::render::Lang::Fr => &self.detail_fr,
            crate::render::Lang::En => &self.detail_en,
        }
    }
}

/// What the report is told.
#[derive(Debug, Clone, Default)]
pub struct AuditSpec {
    /// Largest cash payment allowed (functional currency); none: not checked.
    pub cash_limit: Option<Decimal>,
    /// Cash accounts; empty: those named `cash`, `caisse` or `espèces`.
    pub cash_accounts: Vec<String>,
    /// The ledger directory, against which `source:` files are looked up.
    pub ledger_dir: Option<PathBuf>,
}

/// The report.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    pub anomalies: Vec<Anomaly>,
    /// Number of findings (a duplicate pair is one finding, two rows).
    pub findings: usize,
    /// Checks that could not run, and why (French, English).
    pub skipped: Vec<(String, String)>,
    /// The functional currency and its decimals.
    pub currency: String,
    pub precision: u32,
}

impl AuditReport {
    /// Findings per kind.
    pub fn counts(&self) -> BTreeMap<Kind, usize> {
        let mut seen: BTreeMap<Kind, Vec<usize>> = BTreeMap::new();
        for a in &self.anomalies {
            let v = seen.entry(a.kind).or_default();
            if !v.contains(&a.finding) {
                v.push(a.finding);
            }
        }
        seen.into_iter().map(|(k, v)| (k, v.len())).collect()
    }
}

/// Why the report cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Budget(#[from] BudgetError),
}

struct Charged {
    txn: usize,
    amount: Decimal,
    donors: Vec<Symbol>,
}

struct Cx<'a> {
    journal: &'a Journal,
    trail: Trail<'a>,
    precision: u32,
    currency: String,
    out: Vec<Anomaly>,
    findings: usize,
}

impl Cx<'_> {
    fn money(&self, v: Decimal) -> String {
        format!("{} {}", group(v, Some(self.precision)), self.currency)
    }

    fn donors_of(&self, donors: &[Symbol]) -> String {
        donors
            .iter()
            .map(|d| self.journal.symbol(*d))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn voucher(&self, t: &Transaction) -> String {
        self.journal.str(t.code).to_string()
    }

    /// A row about transaction `i`.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        kind: Kind,
        finding: usize,
        i: usize,
        donors: String,
        amount: Option<Decimal>,
        fr: String,
        en: String,
    ) {
        let t = &self.journal.transactions[i];
        self.out.push(Anomaly {
            kind,
            finding,
            date: Some(t.date),
            voucher: self.voucher(t),
            description: self.journal.str(t.description).to_string(),
            donors,
            amount,
            place: self.trail.place(t),
            source: self.trail.transaction_source(t).map(str::to_string),
            detail_fr: fr,
            detail_en: en,
        });
    }

    fn next(&mut self) -> usize {
        self.findings += 1;
        self.findings
    }
}

/// Finds every anomaly.
///
/// # Errors
/// The budget report fails (a missing exchange rate).
pub fn audit(
    journal: &Journal,
    project: Option<&Project>,
    precisions: &Precisions,
    spec: &AuditSpec,
) -> Result<AuditReport, AuditError> {
    let currency = project.map_or_else(
        || {
            journal
                .commodities
                .iter()
                .next()
                .map_or_else(String::new, |(_, n)| n.to_string())
        },
        |p| p.currency.clone(),
    );
    let precision = journal
        .commodities
        .get(&currency)
        .and_then(|c| precisions.of(c))
        .unwrap_or(0);
    let types = journal.account_types();
    let is_expense = |a: crate::model::AccountId| types[a.index()] == Some(AccountType::Expense);
    let is_asset = |a: crate::model::AccountId| types[a.index()] == Some(AccountType::Asset);
    let mut cx = Cx {
        journal,
        trail: Trail::new(journal),
        precision,
        currency,
        out: Vec::new(),
        findings: 0,
    };
    let mut skipped = Vec::new();

    // Charged transactions: expense postings, their amount and funds.
    let charged: Vec<Charged> = journal
        .transactions
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let mut amount = Decimal::ZERO;
            let mut donors: Vec<Symbol> = Vec::new();
            let mut any = false;
            for p in journal.postings_of(t) {
                if !is_expense(p.account) {
                    continue;
                }
                let w = journal.weight(p, |c| precisions.of(c)).unwrap_or(p.amount);
                amount += w.quantity;
                any |= !w.quantity.is_zero();
                if let Some(d) = p.dims.donor
                    && !donors.contains(&d)
                {
                    donors.push(d);
                }
            }
            donors.sort_by(|a, b| journal.symbol(*a).cmp(journal.symbol(*b)));
            any.then_some(Charged {
                txn: i,
                amount,
                donors,
            })
        })
        .collect();

    duplicates(&mut cx, &charged);
    if let Some(p) = project {
        budget_findings(&mut cx, journal, p, precisions, spec)?;
    } else {
        skipped.push((
            "budget, éligibilité et plafonds : pas de project.toml".to_string(),
            "budget, eligibility and ceilings: no project.toml".to_string(),
        ));
    }
    no_voucher_and_sources(&mut cx, spec.ledger_dir.as_deref());
    match spec.cash_limit {
        Some(limit) => cash(&mut cx, &charged, limit, &spec.cash_accounts, &is_asset),
        None => skipped.push((
            "paiements en espèces : aucun plafond (--cash-limit ou [audit] cash_limit dans project.toml)".to_string(),
            "cash payments: no limit set (--cash-limit, or [audit] cash_limit in project.toml)".to_string(),
        )),
    }
    weekends(&mut cx, &is_asset);

    let mut anomalies = cx.out;
    anomalies.sort_by(|a, b| {
        (a.kind, a.finding, a.date, &a.place).cmp(&(b.kind, b.finding, b.date, &b.place))
    });
    // Number findings in report order.
    let mut renumber: FxHashMap<usize, usize> = FxHashMap::default();
    for a in &mut anomalies {
        let n = renumber.len() + 1;
        a.finding = *renumber.entry(a.finding).or_insert(n);
    }
    Ok(AuditReport {
        findings: renumber.len(),
        anomalies,
        skipped,
        currency: cx.currency,
        precision,
    })
}

/// Same voucher; same date, amount and payee.
fn duplicates(cx: &mut Cx<'_>, charged: &[Charged]) {
    let j = cx.journal;
    let payee = j.symbols.get("payee");
    let mut by_voucher: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_payment: BTreeMap<(NaiveDate, Decimal, String), Vec<usize>> = BTreeMap::new();
    for (n, c) in charged.iter().enumerate() {
        let t = &j.transactions[c.txn];
        let code = j.str(t.code).trim();
        if !code.is_empty() {
            by_voucher.entry(code).or_default().push(n);
        }
        let who = payee
            .and_then(|tag| {
                j.metas(t.meta).iter().find_map(|m| match m {
                    crate::model::Meta::Tag { name, value } if *name == tag => {
                        Some(j.str(*value).to_string())
                    }
                    _ => None,
                })
            })
            .unwrap_or_else(|| j.str(t.description).to_string());
        by_payment
            .entry((t.date, c.amount.normalize(), fold(&who)))
            .or_default()
            .push(n);
    }
    let mut reported: Vec<Vec<usize>> = Vec::new();
    for (code, group) in by_voucher.into_iter().filter(|(_, g)| g.len() > 1) {
        let kind = if same_funds(charged, &group) {
            Kind::DuplicateVoucher
        } else {
            Kind::DoubleFunding
        };
        let places: Vec<String> = group
            .iter()
            .map(|n| cx.trail.place(&j.transactions[charged[*n].txn]))
            .collect();
        let f = cx.next();
        for n in &group {
            let c = &charged[*n];
            let donors = cx.donors_of(&c.donors);
            cx.row(
                kind,
                f,
                c.txn,
                donors,
                Some(c.amount),
                format!(
                    "la pièce {code} est comptabilisée {} fois : {}",
                    group.len(),
                    places.join(", ")
                ),
                format!(
                    "voucher {code} is charged {} times: {}",
                    group.len(),
                    places.join(", ")
                ),
            );
        }
        reported.push(group);
    }
    for ((date, amount, _), group) in by_payment.into_iter().filter(|(_, g)| g.len() > 1) {
        if reported.iter().any(|r| group.iter().all(|n| r.contains(n))) {
            continue;
        }
        let kind = if same_funds(charged, &group) {
            Kind::DuplicatePayment
        } else {
            Kind::DoubleFunding
        };
        let places: Vec<String> = group
            .iter()
            .map(|n| {
                let t = &j.transactions[charged[*n].txn];
                let code = j.str(t.code);
                let donors = cx.donors_of(&charged[*n].donors);
                format!("{} {code} [{donors}]", cx.trail.place(t))
            })
            .collect();
        let money = cx.money(amount);
        let f = cx.next();
        for n in &group {
            let c = &charged[*n];
            let donors = cx.donors_of(&c.donors);
            cx.row(
                kind,
                f,
                c.txn,
                donors,
                Some(c.amount),
                format!(
                    "même date ({date}), même montant ({money}) et même libellé {} fois : {}",
                    group.len(),
                    places.join(", ")
                ),
                format!(
                    "same date ({date}), amount ({money}) and payee {} times: {}",
                    group.len(),
                    places.join(", ")
                ),
            );
        }
    }
}

fn same_funds(charged: &[Charged], group: &[usize]) -> bool {
    group
        .windows(2)
        .all(|w| charged[w[0]].donors == charged[w[1]].donors)
}

/// Over budget, outside eligibility and over ceiling, from the budget report.
fn budget_findings(
    cx: &mut Cx<'_>,
    journal: &Journal,
    project: &Project,
    precisions: &Precisions,
    spec: &AuditSpec,
) -> Result<(), AuditError> {
    let converter = Converter::new(journal, project);
    let report = budget(
        journal,
        project,
        precisions,
        &converter,
        &BudgetSpec::default(),
        spec.ledger_dir.as_deref(),
    )?;
    let types = journal.account_types();
    let line_tag = |l: &str| journal.symbols.get(l);
    // Expense postings of a (donor, line) in date order, with their transaction.
    let order = journal.date_order();
    let postings_of = |donor: Symbol, line: Symbol| -> Vec<(usize, usize, crate::model::Posting)> {
        let mut v = Vec::new();
        for &i in &order {
            let t = &journal.transactions[i as usize];
            if t.date > report.as_of {
                continue;
            }
            for (k, p) in journal.postings_of(t).iter().enumerate() {
                if types[p.account.index()] == Some(AccountType::Expense)
                    && p.dims.donor == Some(donor)
                    && p.dims.line == Some(line)
                {
                    v.push((i as usize, k, *p));
                }
            }
        }
        v
    };
    for row in report.rows.iter().filter(|r| r.kind == RowKind::Line) {
        let (Some(d), Some(l)) = (row.donor.as_deref(), row.line.as_deref()) else {
            continue;
        };
        let (Some(ds), Some(ls)) = (journal.symbols.get(d), line_tag(l)) else {
            continue;
        };
        if row.flags.contains(&Flag::OverBudget) {
            let mut spent = Decimal::ZERO;
            let crossed = postings_of(ds, ls).into_iter().find(|(_, _, p)| {
                let w = journal.weight(p, |c| precisions.of(c)).unwrap_or(p.amount);
                spent += w.quantity;
                spent > row.approved
            });
            let over = row.spent_to_date - row.approved;
            let (a, b, c) = (
                cx.money(row.spent_to_date),
                cx.money(row.approved),
                cx.money(over),
            );
            let f = cx.next();
            let fr = format!(
                "ligne {l} ({d}) : dépensé {a} pour un budget en vigueur de {b}, dépassement de {c} ; la dépense indiquée franchit le budget"
            );
            let en = format!(
                "line {l} ({d}): spent {a} against a budget in force of {b}, {c} over; the posting shown crossed the budget"
            );
            match crossed {
                Some((i, _, _)) => {
                    cx.row(Kind::OverBudget, f, i, d.to_string(), Some(over), fr, en)
                }
                None => cx.out.push(Anomaly {
                    kind: Kind::OverBudget,
                    finding: f,
                    date: None,
                    voucher: String::new(),
                    description: row.name_fr.clone(),
                    donors: d.to_string(),
                    amount: Some(over),
                    place: project_place(journal, project.line(l).and_then(|x| x.pos)),
                    source: None,
                    detail_fr: fr,
                    detail_en: en,
                }),
            }
        }
        if row.flags.contains(&Flag::OutsideEligibility) {
            let periods: Vec<String> = project
                .agreements_of(d)
                .map(|a| format!("{} – {} ({})", a.start, a.end, a.reference))
                .collect();
            // One row per transaction of the donor on this line outside the periods.
            let mut per_txn: BTreeMap<usize, Decimal> = BTreeMap::new();
            for (i, _, p) in postings_of(ds, ls) {
                let date = journal.transactions[i].date;
                if project.agreements_of(d).any(|a| a.covers(date)) {
                    continue;
                }
                let w = journal.weight(&p, |c| precisions.of(c)).unwrap_or(p.amount);
                *per_txn.entry(i).or_default() += w.quantity;
            }
            for (i, amount) in per_txn {
                let f = cx.next();
                let date = journal.transactions[i].date;
                let p = periods.join(", ");
                cx.row(
                    Kind::OutsideEligibility,
                    f,
                    i,
                    d.to_string(),
                    Some(amount),
                    format!("dépense du {date} imputée à {d} (ligne {l}) hors de sa période d'éligibilité {p}"),
                    format!("expense of {date} charged to {d} (line {l}) outside its eligibility period {p}"),
                );
            }
        }
    }
    for note in &report.notes {
        let Note::Ceiling {
            donor,
            agreement,
            currency,
            charged,
            charged_functional,
            ceiling,
        } = note
        else {
            continue;
        };
        if charged <= ceiling {
            continue;
        }
        let a = project
            .agreements
            .iter()
            .find(|a| &a.reference == agreement);
        let d = crate::model::money::iso_precision(currency).or(Some(2));
        let (c, l) = (group(*charged, d), group(*ceiling, d));
        let f = cx.next();
        cx.out.push(Anomaly {
            kind: Kind::OverCeiling,
            finding: f,
            date: a.map(|a| a.end),
            voucher: agreement.clone(),
            description: project
                .donor(donor)
                .map_or_else(String::new, |x| x.name_fr.clone()),
            donors: donor.clone(),
            amount: Some(*charged_functional),
            place: project_place(journal, a.and_then(|a| a.pos)),
            source: None,
            detail_fr: format!(
                "{donor} : {c} {currency} imputés pour un plafond de {l} {currency} (accord {agreement})"
            ),
            detail_en: format!(
                "{donor}: {c} {currency} charged against a ceiling of {l} {currency} (agreement {agreement})"
            ),
        });
    }
    Ok(())
}

/// `project.toml:88` for a position in the project file.
fn project_place(journal: &Journal, pos: Option<crate::source::TextPos>) -> String {
    pos.map_or_else(
        || "project.toml".to_string(),
        |p| {
            let path = journal.sources.path(p.file);
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            format!("{name}:{}", p.line + 1)
        },
    )
}

/// Transactions without a voucher; `source:` tags naming missing files.
fn no_voucher_and_sources(cx: &mut Cx<'_>, dir: Option<&Path>) {
    let j = cx.journal;
    for (i, t) in j.transactions.iter().enumerate() {
        let moves = j
            .postings_of(t)
            .iter()
            .any(|p| !p.amount.quantity.is_zero());
        if !moves {
            continue;
        }
        if j.str(t.code).trim().is_empty() {
            let f = cx.next();
            let donors = funds_of(j, t);
            cx.row(
                Kind::NoVoucher,
                f,
                i,
                donors,
                None,
                "aucun n° de pièce : la pièce justificative n'est pas référencée".to_string(),
                "no voucher number: the supporting document is not referenced".to_string(),
            );
        }
        if let (Some(dir), Some(src)) = (dir, cx.trail.transaction_source(t)) {
            let file = src.split('#').next().unwrap_or(src).trim();
            if !file.is_empty() && !dir.join(file).is_file() {
                let f = cx.next();
                let donors = funds_of(j, t);
                cx.row(
                    Kind::MissingSource,
                    f,
                    i,
                    donors,
                    None,
                    format!("la source {file} n'est pas dans le dossier du grand livre"),
                    format!("the source {file} is not in the ledger directory"),
                );
            }
        }
    }
}

fn funds_of(j: &Journal, t: &Transaction) -> String {
    let mut d: Vec<&str> = j
        .postings_of(t)
        .iter()
        .filter_map(|p| p.dims.donor.map(|s| j.symbol(s)))
        .collect();
    d.sort_unstable();
    d.dedup();
    d.join(", ")
}

/// True when `name` is a cash account: listed (or under one listed), or when none are
/// listed an asset account with a component named cash, caisse or espèces.
fn is_cash(name: &str, asset: bool, listed: &[String]) -> bool {
    if listed.is_empty() {
        return asset
            && name
                .split(':')
                .any(|c| matches!(fold(c).as_str(), "cash" | "caisse" | "especes"));
    }
    listed.iter().any(|a| {
        name == a
            || name
                .strip_prefix(a.as_str())
                .is_some_and(|r| r.starts_with(':'))
    })
}

fn cash(
    cx: &mut Cx<'_>,
    charged: &[Charged],
    limit: Decimal,
    listed: &[String],
    is_asset: &dyn Fn(crate::model::AccountId) -> bool,
) {
    let j = cx.journal;
    let cash_accounts: Vec<bool> = j
        .accounts
        .iter()
        .map(|(id, name)| is_cash(name, is_asset(id), listed))
        .collect();
    for c in charged {
        let t = &j.transactions[c.txn];
        let paid: Decimal = j
            .postings_of(t)
            .iter()
            .filter(|p| cash_accounts[p.account.index()] && p.amount.quantity.is_sign_negative())
            .map(|p| -p.amount.quantity)
            .sum();
        if paid > limit {
            let (a, b) = (cx.money(paid), cx.money(limit));
            let f = cx.next();
            let donors = cx.donors_of(&c.donors);
            cx.row(
                Kind::CashOverLimit,
                f,
                c.txn,
                donors,
                Some(paid),
                format!("payé en espèces {a}, au-delà du plafond de {b}"),
                format!("paid in cash {a}, above the limit of {b}"),
            );
        }
    }
}

fn weekends(cx: &mut Cx<'_>, is_asset: &dyn Fn(crate::model::AccountId) -> bool) {
    let j = cx.journal;
    for (i, t) in j.transactions.iter().enumerate() {
        let day = t.date.weekday();
        if !matches!(day, Weekday::Sat | Weekday::Sun) {
            continue;
        }
        let moved = j
            .postings_of(t)
            .iter()
            .any(|p| is_asset(p.account) && !p.amount.quantity.is_zero());
        if !moved {
            continue;
        }
        let (fr, en) = if day == Weekday::Sat {
            ("samedi", "Saturday")
        } else {
            ("dimanche", "Sunday")
        };
        let f = cx.next();
        let donors = funds_of(j, t);
        cx.row(
            Kind::Weekend,
            f,
            i,
            donors,
            None,
            format!("daté d'un {fr} ({})", t.date),
            format!("dated on a {en} ({})", t.date),
        );
    }
}
