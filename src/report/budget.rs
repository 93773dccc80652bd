//! Budget vs actual: per budget line × donor, rolled up per donor category and per donor,
//! with burn rate, linear projection and the flags a finance officer is asked about.
//!
//! Approved amounts are the line's budget in force at the report date (its latest
//! revision), split among donors by the shares in force with largest remainder, so the
//! donors' parts add up to the line to the franc. In another currency, approved amounts
//! are converted at the report date; spending, posting by posting at each posting's date
//! (as the donor report and `funds` convert it), in the pass that sums it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::frame::{self, FrameError};
use super::rates::{Converter, PostingConversion, RateError};
use crate::model::money::{allocate, round_half_up};
use crate::model::project::{Agreement, FlexLevel, Project};
use crate::model::{Journal, Symbol};
use crate::precision::Precisions;
use crate::read::template::{self, Grouping};

/// What the budget report covers.
#[derive(Debug, Clone, Default)]
pub struct BudgetSpec {
    /// Only this donor.
    pub donor: Option<String>,
    /// Start of the period whose spending is shown as "this period".
    pub from: Option<NaiveDate>,
    /// Report date: budgets in force and spending to date are taken on this day
    /// (default: the last transaction's date).
    pub to: Option<NaiveDate>,
    /// Show amounts in this currency (default: the functional currency).
    pub currency: Option<String>,
}

/// A condition the finance officer must look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// Spent more than the line's budget in force.
    OverBudget,
    /// Spent beyond the budget plus the agreement's flexibility (heading or line).
    BeyondFlexibility,
    /// Spending dated outside every agreement's eligibility period.
    OutsideEligibility,
    /// Charged more than the agreement's ceiling.
    OverCeiling,
}

impl Flag {
    /// Short code shown in tables.
    pub fn code(self) -> &'static str {
        match self {
            Flag::OverBudget => "OVER",
            Flag::BeyondFlexibility => "FLEX",
            Flag::OutsideEligibility => "ELIG",
            Flag::OverCeiling => "CEIL",
        }
    }
}

/// What a row totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowKind {
    Line,
    Category,
    Donor,
    Total,
}

/// One row of the report, amounts in `currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetRow {
    pub kind: RowKind,
    pub donor: Option<String>,
    pub line: Option<String>,
    /// The donor category (in the donor's scheme) of a line or category row.
    pub category: Option<String>,
    pub name_fr: String,
    pub name_en: String,
    pub currency: String,
    /// Budget in force at the report date.
    pub approved: Decimal,
    /// The original budget, before revisions.
    pub original: Decimal,
    pub revised: bool,
    pub spent_period: Decimal,
    pub spent_to_date: Decimal,
    pub remaining: Decimal,
    /// Spent to date as a percentage of approved (one decimal), when approved > 0.
    pub used_pct: Option<Decimal>,
    pub burn_per_month: Decimal,
    /// Spending at the end of the agreement if the burn rate continues.
    pub projection: Decimal,
    /// Part of spent to date outside the eligibility period.
    pub outside_eligibility: Decimal,
    pub flags: Vec<Flag>,
}

/// The report.
#[derive(Debug, Clone)]
pub struct BudgetReport {
    pub as_of: NaiveDate,
    pub from: Option<NaiveDate>,
    pub currency: String,
    pub rows: Vec<BudgetRow>,
    /// How amounts were converted, ceilings checked, and what was left out.
    pub notes: Vec<Note>,
}

/// A fact printed under the report table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "note", rename_all = "kebab-case")]
pub enum Note {
    /// What an agreement has been charged, against its ceiling.
    Ceiling {
        donor: String,
        agreement: String,
        currency: String,
        charged: Decimal,
        charged_functional: Decimal,
        ceiling: Decimal,
    },
    /// The rate used to show a donor's amounts in another currency.
    Rate {
        donor: String,
        currency: String,
        rate: Decimal,
        how_fr: String,
        how_en: String,
    },
    /// Expenses without a donor or line tag (not in any row).
    Untagged { amount: Decimal },
    /// Expense postings with no value in the functional currency.
    Foreign { postings: usize },
}

/// Why the report cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum BudgetError {
    #[error(transparent)]
    Rate(#[from] RateError),
    #[error("aggregating expenditure failed: {0}")]
    Frame(#[from] polars::prelude::PolarsError),
    #[error("unknown donor {0:?}")]
    UnknownDonor(String),
    #[error("splitting a budget failed: {0}")]
    Allocation(#[from] crate::model::money::AllocationError),
}

impl From<FrameError> for BudgetError {
    fn from(e: FrameError) -> BudgetError {
        match e {
            FrameError::Polars(e) => BudgetError::Frame(e),
            FrameError::Rate(e) => BudgetError::Rate(e),
        }
    }
}

/// Spending in the functional currency, and converted posting by posting.
#[derive(Debug, Default, Clone, Copy)]
struct Sum {
    functional: Decimal,
    converted: Decimal,
}

impl std::ops::AddAssign for Sum {
    fn add_assign(&mut self, o: Sum) {
        self.functional += o.functional;
        self.converted += o.converted;
    }
}

/// A (donor, line)'s spending, converted into the report's currency.
#[derive(Debug, Default, Clone, Copy)]
struct Spent {
    period: Sum,
    to_date: Sum,
    outside: Sum,
}

/// A donor's agreements, and how its spending is converted in the pass that sums it:
/// into the report's currency for its rows, into each agreement's currency for its
/// ceiling. A slot is the index of one of the donor's conversions; `None` keeps the
/// functional currency.
struct DonorPlan<'a> {
    symbol: Option<Symbol>,
    agreements: Vec<&'a Agreement>,
    /// The slot of the report's currency.
    shown: Option<usize>,
    /// Per agreement: the slot of its currency, and what it has been charged in it.
    ceilings: Vec<(Option<usize>, Sum)>,
}

/// Each donor's plan (in the order of `donors`), and the conversions the aggregation
/// makes for them.
fn plans<'a>(
    journal: &Journal,
    project: &'a Project,
    converter: &'a Converter,
    donors: impl Iterator<Item = &'a str>,
    target: &'a str,
    as_of: NaiveDate,
) -> (
    Vec<DonorPlan<'a>>,
    Vec<(Symbol, Vec<PostingConversion<'a>>)>,
) {
    let mut plans = Vec::new();
    let mut conversions = Vec::new();
    for id in donors {
        let mut made: Vec<(Option<&Agreement>, &str)> = Vec::new();
        let mut slot = |agreement: Option<&'a Agreement>, currency: &'a str| {
            if currency == project.currency {
                return None;
            }
            let same = |(a, c): &(Option<&Agreement>, &str)| {
                *c == currency && a.map(std::ptr::from_ref) == agreement.map(std::ptr::from_ref)
            };
            Some(made.iter().position(same).unwrap_or_else(|| {
                made.push((agreement, currency));
                made.len() - 1
            }))
        };
        let agreements: Vec<&Agreement> = project.agreements_of(id).collect();
        let shown = slot(project.agreement_at(id, as_of), target);
        let ceilings = agreements
            .iter()
            .map(|a| (slot(Some(a), &a.currency), Sum::default()))
            .collect();
        let symbol = journal.symbols.get(id);
        if let Some(symbol) = symbol {
            conversions.push((
                symbol,
                made.iter()
                    .map(|(a, c)| converter.postings(*a, c))
                    .collect(),
            ));
        }
        plans.push(DonorPlan {
            symbol,
            agreements,
            shown,
            ceilings,
        });
    }
    (plans, conversions)
}

/// Builds the budget report.
///
/// # Errors
/// An unknown donor, a missing exchange rate, or a failure to aggregate.
pub fn budget(
    journal: &Journal,
    project: &Project,
    precisions: &Precisions,
    converter: &Converter,
    spec: &BudgetSpec,
    ledger_dir: Option<&std::path::Path>,
) -> Result<BudgetReport, BudgetError> {
    if let Some(d) = &spec.donor
        && project.donor(d).is_none()
    {
        return Err(BudgetError::UnknownDonor(d.clone()));
    }
    let functional = project.currency.as_str();
    let scale = journal
        .commodities
        .get(functional)
        .and_then(|c| precisions.of(c))
        .unwrap_or(0);
    let as_of = spec
        .to
        .or_else(|| journal.transactions.iter().map(|t| t.date).max())
        .unwrap_or(project.end);
    let mut notes = Vec::new();
    let target = spec
        .currency
        .clone()
        .unwrap_or_else(|| functional.to_string());
    let in_scope = project
        .donors
        .iter()
        .filter(|d| spec.donor.as_ref().is_none_or(|x| *x == d.id));
    let (mut plans, conversions) = plans(
        journal,
        project,
        converter,
        in_scope.clone().map(|d| d.id.as_str()),
        &target,
        as_of,
    );

    // Spending per (donor, line) up to the report date, from the polars aggregation,
    // each posting converted on its own as it is read.
    let mut spent: BTreeMap<(Symbol, Symbol), Spent> = BTreeMap::new();
    let mut untagged = Decimal::ZERO;
    if let Some(f) = journal.commodities.get(functional) {
        // A donor the journal never names has spent nothing: match no posting.
        let only = spec
            .donor
            .as_ref()
            .map(|d| journal.symbols.get(d).unwrap_or_else(Symbol::never));
        let expenditure = frame::spending(journal, f, precisions, only, as_of, &conversions)?;
        if expenditure.foreign > 0 {
            notes.push(Note::Foreign {
                postings: expenditure.foreign,
            });
        }
        for (s, converted) in expenditure.iter() {
            let (Some(d), Some(l)) = (s.donor, s.line) else {
                untagged += s.amount;
                continue;
            };
            let mut plan = plans.iter_mut().find(|p| p.symbol == Some(d));
            let sum = |slot: Option<usize>| Sum {
                functional: s.amount,
                converted: slot.map_or(s.amount, |k| converted[k]),
            };
            let amount = sum(plan.as_ref().and_then(|p| p.shown));
            let entry = spent.entry((d, l)).or_default();
            entry.to_date += amount;
            if spec.from.is_none_or(|f| s.date >= f) {
                entry.period += amount;
            }
            let Some(plan) = plan.as_mut() else { continue };
            if !plan.agreements.is_empty() && !plan.agreements.iter().any(|a| a.covers(s.date)) {
                entry.outside += amount;
            }
            // An agreement's ceiling is charged the spending of its eligibility period
            // (what falls outside every agreement is flagged ELIG instead).
            for (a, (slot, charged)) in plan.agreements.iter().zip(&mut plan.ceilings) {
                if a.covers(s.date) {
                    *charged += sum(*slot);
                }
            }
        }
    }
    if !untagged.is_zero() {
        notes.push(Note::Untagged { amount: untagged });
    }

    let mut rows = Vec::new();
    for (donor, plan) in in_scope.zip(&plans) {
        let agreements = &plan.agreements;
        let agreement = project.agreement_at(&donor.id, as_of);
        let (span_start, span_end) = match (
            agreements.iter().map(|a| a.start).min(),
            agreements.iter().map(|a| a.end).max(),
        ) {
            (Some(s), Some(e)) => (s, e),
            _ => (project.start, project.end),
        };
        let elapsed = months_between(span_start, as_of.min(span_end));
        let total_months = months_between(span_start, span_end);
        let conv = |amount: Decimal| converter.convert(agreement, &target, amount, as_of);
        let target_scale = if target == functional {
            scale
        } else {
            precision_of(&target)
        };

        let mut line_rows = Vec::new();
        for line in &project.lines {
            let (amount, shares) = line.in_force(as_of);
            let approved_xof = donor_part(amount, shares, &donor.id, scale)?;
            let original_xof = donor_part(line.amount, &line.shares, &donor.id, scale)?;
            let s = plan
                .symbol
                .zip(journal.symbols.get(&line.code))
                .and_then(|key| spent.get(&key))
                .copied()
                .unwrap_or_default();
            let in_budget = shares.iter().any(|(d, _)| *d == donor.id)
                || line.shares.iter().any(|(d, _)| *d == donor.id);
            if !in_budget && s.to_date.functional.is_zero() {
                continue;
            }
            let mut row = BudgetRow {
                kind: RowKind::Line,
                donor: Some(donor.id.clone()),
                line: Some(line.code.clone()),
                category: agreement.and_then(|a| line.categories.get(&a.template).cloned()),
                name_fr: line.name_fr.clone(),
                name_en: line.name_en.clone().unwrap_or_else(|| line.name_fr.clone()),
                currency: target.clone(),
                approved: conv(approved_xof)?,
                original: conv(original_xof)?,
                revised: line.revised_on(as_of),
                spent_period: s.period.converted,
                spent_to_date: s.to_date.converted,
                remaining: Decimal::ZERO,
                used_pct: None,
                burn_per_month: Decimal::ZERO,
                projection: Decimal::ZERO,
                outside_eligibility: s.outside.converted,
                flags: Vec::new(),
            };
            finish(&mut row, elapsed, total_months, target_scale);
            if row.spent_to_date > row.approved {
                row.flags.push(Flag::OverBudget);
            }
            if let Some(f) = agreement
                .and_then(|a| a.flexibility)
                .filter(|f| f.level == FlexLevel::Line)
                && beyond(row.spent_to_date, row.approved, f.percent)
            {
                row.flags.push(Flag::BeyondFlexibility);
            }
            if !s.outside.functional.is_zero() {
                row.flags.push(Flag::OutsideEligibility);
            }
            line_rows.push((line, row));
        }

        // Category roll-up in the donor's scheme.
        if let Some(a) = agreement
            && let Ok(t) = template::load(&a.template, ledger_dir)
            && t.grouping == Grouping::Category
        {
            let mut order: Vec<Option<String>> =
                t.codes().into_iter().map(|c| Some(c.to_string())).collect();
            order.push(None);
            for code in order {
                let members: Vec<&BudgetRow> = line_rows
                    .iter()
                    .filter(|(_, r)| r.category == code)
                    .map(|(_, r)| r)
                    .collect();
                if members.is_empty() {
                    continue;
                }
                let (name_fr, name_en) = match code.as_deref().and_then(|c| t.category_names(c)) {
                    Some((fr, en)) => (fr.to_string(), en.to_string()),
                    None => ("(sans catégorie)".to_string(), "(no category)".to_string()),
                };
                let mut row = sum_rows(RowKind::Category, &members, &target, &name_fr, &name_en);
                row.donor = Some(donor.id.clone());
                row.category = code.clone();
                finish(&mut row, elapsed, total_months, target_scale);
                if let Some(f) = a.flexibility.filter(|f| f.level == FlexLevel::Heading)
                    && beyond(row.spent_to_date, row.approved, f.percent)
                {
                    row.flags.push(Flag::BeyondFlexibility);
                }
                rows.push(row);
            }
        }

        let members: Vec<&BudgetRow> = line_rows.iter().map(|(_, r)| r).collect();
        let mut donor_row = sum_rows(
            RowKind::Donor,
            &members,
            &target,
            &donor.name_fr,
            donor.name_en.as_deref().unwrap_or(&donor.name_fr),
        );
        donor_row.donor = Some(donor.id.clone());
        finish(&mut donor_row, elapsed, total_months, target_scale);
        if members.iter().any(|r| !r.outside_eligibility.is_zero()) {
            donor_row.flags.push(Flag::OutsideEligibility);
        }
        for (a, (_, charged)) in agreements.iter().zip(&plan.ceilings) {
            // Posting by posting, as the rows and the donor report are converted, so
            // the ceiling check and the donor's total agree to the cent.
            notes.push(Note::Ceiling {
                donor: donor.id.clone(),
                agreement: a.reference.clone(),
                currency: a.currency.clone(),
                charged: charged.converted,
                charged_functional: charged.functional,
                ceiling: a.ceiling,
            });
            if charged.converted > a.ceiling {
                donor_row.flags.push(Flag::OverCeiling);
            }
        }
        if let Some(a) = agreement
            && target != functional
        {
            let rate = converter.rate(Some(a), &target, as_of)?;
            notes.push(Note::Rate {
                donor: donor.id.clone(),
                currency: target.clone(),
                rate: rate.rate.normalize(),
                how_fr: rate.how_fr,
                how_en: rate.how_en,
            });
        }
        donor_row.flags.sort();
        donor_row.flags.dedup();
        for (_, r) in line_rows {
            rows.push(r);
        }
        rows.push(donor_row);
    }
    // Put each donor's rows together: lines, then categories, then the donor total.
    let mut ordered = Vec::with_capacity(rows.len());
    for donor in project.donors.iter() {
        let mine = |k: RowKind| {
            rows.iter()
                .filter(move |r| r.kind == k && r.donor.as_deref() == Some(&donor.id))
                .cloned()
        };
        ordered.extend(mine(RowKind::Line));
        ordered.extend(mine(RowKind::Category));
        ordered.extend(mine(RowKind::Donor));
    }
    let donors: Vec<&BudgetRow> = ordered
        .iter()
        .filter(|r| r.kind == RowKind::Donor)
        .collect();
    if donors.len() > 1 {
        let mut total = sum_rows(RowKind::Total, &donors, &target, "Total", "Total");
        total.used_pct = pct(total.spent_to_date, total.approved);
        ordered.push(total);
    }
    Ok(BudgetReport {
        as_of,
        from: spec.from,
        currency: target,
        rows: ordered,
        notes,
    })
}

fn precision_of(currency: &str) -> u32 {
    crate::model::money::iso_precision(currency).unwrap_or(2)
}

/// The donor's part of `amount` split by `shares` (largest remainder), zero if none.
fn donor_part(
    amount: Decimal,
    shares: &[(String, Decimal)],
    donor: &str,
    scale: u32,
) -> Result<Decimal, BudgetError> {
    let Some(i) = shares.iter().position(|(d, _)| d == donor) else {
        return Ok(Decimal::ZERO);
    };
    let weights: Vec<Decimal> = shares.iter().map(|(_, s)| *s).collect();
    Ok(allocate(amount, &weights, scale)?[i])
}

/// True when `spent` exceeds `approved` by more than `percent` percent of it.
fn beyond(spent: Decimal, approved: Decimal, percent: Decimal) -> bool {
    spent > approved + approved * percent / Decimal::ONE_HUNDRED
}

fn pct(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (!whole.is_zero()).then(|| {
        // One decimal whatever the currency's scale: 115.0 in XOF as in EUR.
        let mut p = round_half_up(part * Decimal::ONE_HUNDRED / whole, 1);
        p.rescale(1);
        p
    })
}

/// Remaining, % used, burn rate and projection from the row's totals.
fn finish(row: &mut BudgetRow, elapsed: u32, total: u32, scale: u32) {
    row.remaining = row.approved - row.spent_to_date;
    row.used_pct = pct(row.spent_to_date, row.approved);
    if elapsed > 0 {
        row.burn_per_month = round_half_up(row.spent_to_date / Decimal::from(elapsed), scale);
        row.projection = round_half_up(
            row.spent_to_date * Decimal::from(total) / Decimal::from(elapsed),
            scale,
        );
    }
}

fn sum_rows(
    kind: RowKind,
    rows: &[&BudgetRow],
    currency: &str,
    name_fr: &str,
    name_en: &str,
) -> BudgetRow {
    let sum = |f: fn(&BudgetRow) -> Decimal| rows.iter().map(|r| f(r)).sum::<Decimal>();
    BudgetRow {
        kind,
        donor: None,
        line: None,
        category: None,
        name_fr: name_fr.to_string(),
        name_en: name_en.to_string(),
        currency: currency.to_string(),
        approved: sum(|r| r.approved),
        original: sum(|r| r.original),
        revised: rows.iter().any(|r| r.revised),
        spent_period: sum(|r| r.spent_period),
        spent_to_date: sum(|r| r.spent_to_date),
        remaining: sum(|r| r.approved) - sum(|r| r.spent_to_date),
        used_pct: None,
        burn_per_month: sum(|r| r.burn_per_month),
        projection: sum(|r| r.projection),
        outside_eligibility: sum(|r| r.outside_eligibility),
        flags: Vec::new(),
    }
}

/// Calendar months from `start`'s month to `end`'s month, both counted (0 if end < start).
pub fn months_between(start: NaiveDate, end: NaiveDate) -> u32 {
    if end < start {
        return 0;
    }
    let months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32 + 1;
    months.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_counted_inclusively() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(months_between(d(2017, 1, 1), d(2017, 12, 31)), 12);
        assert_eq!(months_between(d(2017, 1, 15), d(2017, 1, 16)), 1);
        assert_eq!(months_between(d(2016, 11, 1), d(2017, 2, 1)), 4);
        assert_eq!(months_between(d(2017, 2, 1), d(2017, 1, 1)), 0);
    }

    #[test]
    fn flexibility_boundary_is_inclusive() {
        let approved = Decimal::from(1_000_000);
        assert!(!beyond(
            Decimal::from(1_250_000),
            approved,
            Decimal::from(25)
        ));
        assert!(beyond(
            Decimal::from(1_250_001),
            approved,
            Decimal::from(25)
        ));
    }
}
