//! Budget vs actual: per budget line × donor, rolled up per donor category and per donor,
//! with burn rate, linear projection and the flags a finance officer is asked about.
//!
//! Approved amounts are the line's budget in force at the report date (its latest
//! revision), split among donors by the shares in force with largest remainder, so the
//! donors' parts add up to the line to the franc.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::frame;
use super::rates::{Converter, RateError};
use crate::model::Journal;
use crate::model::money::{allocate, round_half_up};
use crate::model::project::{Agreement, FlexLevel, Project};
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

#[derive(Debug, Default, Clone)]
struct Spent {
    period: Decimal,
    to_date: Decimal,
    outside: Decimal,
    /// Spent to date per (year, month), for conversion month by month.
    months: BTreeMap<(i32, u32), Decimal>,
    months_period: BTreeMap<(i32, u32), Decimal>,
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

    // Spending per (donor, line), from the polars aggregation.
    let mut spent: BTreeMap<(String, String), Spent> = BTreeMap::new();
    let mut untagged = Decimal::ZERO;
    if let Some(f) = journal.commodities.get(functional) {
        // A donor the journal never names has spent nothing: match no posting.
        let only = spec.donor.as_ref().map(|d| {
            journal
                .symbols
                .get(d)
                .unwrap_or_else(crate::model::Symbol::never)
        });
        let (rows, foreign) = frame::spending(journal, f, precisions, only)?;
        if foreign > 0 {
            notes.push(Note::Foreign { postings: foreign });
        }
        for s in rows {
            if s.date > as_of {
                continue;
            }
            let (Some(d), Some(l)) = (s.donor, s.line) else {
                untagged += s.amount;
                continue;
            };
            let donor = journal.symbol(d).to_string();
            let entry = spent
                .entry((donor.clone(), journal.symbol(l).to_string()))
                .or_default();
            let month = (s.date.year(), s.date.month());
            entry.to_date += s.amount;
            *entry.months.entry(month).or_default() += s.amount;
            if spec.from.is_none_or(|f| s.date >= f) {
                entry.period += s.amount;
                *entry.months_period.entry(month).or_default() += s.amount;
            }
            if !project.agreements_of(&donor).any(|a| a.covers(s.date))
                && project.agreements_of(&donor).next().is_some()
            {
                entry.outside += s.amount;
            }
        }
    }
    if !untagged.is_zero() {
        notes.push(Note::Untagged { amount: untagged });
    }

    let target = spec
        .currency
        .clone()
        .unwrap_or_else(|| functional.to_string());
    let mut rows = Vec::new();
    for donor in project
        .donors
        .iter()
        .filter(|d| spec.donor.as_ref().is_none_or(|x| *x == d.id))
    {
        let agreements: Vec<&Agreement> = project.agreements_of(&donor.id).collect();
        let agreement = agreements
            .iter()
            .rev()
            .find(|a| a.start <= as_of)
            .or(agreements.first())
            .copied();
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
        let conv_months =
            |m: &BTreeMap<(i32, u32), Decimal>| converter.convert_by_month(agreement, &target, m);
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
            let s = spent
                .get(&(donor.id.clone(), line.code.clone()))
                .cloned()
                .unwrap_or_default();
            let in_budget = shares.iter().any(|(d, _)| *d == donor.id)
                || line.shares.iter().any(|(d, _)| *d == donor.id);
            if !in_budget && s.to_date.is_zero() {
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
                spent_period: conv_months(&s.months_period)?,
                spent_to_date: conv_months(&s.months)?,
                remaining: Decimal::ZERO,
                used_pct: None,
                burn_per_month: Decimal::ZERO,
                projection: Decimal::ZERO,
                outside_eligibility: conv(s.outside)?,
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
            if !s.outside.is_zero() {
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
        for a in &agreements {
            // Line by line and month by month, as the rows are converted, so the
            // ceiling check and the donor's total agree to the cent.
            let mut charged = Decimal::ZERO;
            let mut charged_xof = Decimal::ZERO;
            for (_, s) in spent.iter().filter(|((d, _), _)| *d == donor.id) {
                let months: BTreeMap<(i32, u32), Decimal> = s
                    .months
                    .iter()
                    .filter(|((y, m), _)| {
                        let first = NaiveDate::from_ymd_opt(*y, *m, 1).unwrap_or(a.start);
                        first <= a.end && super::rates::month_end(first) >= a.start
                    })
                    .map(|(k, v)| (*k, *v))
                    .collect();
                charged_xof += months.values().copied().sum::<Decimal>();
                charged += converter.convert_by_month(Some(a), &a.currency, &months)?;
            }
            notes.push(Note::Ceiling {
                donor: donor.id.clone(),
                agreement: a.reference.clone(),
                currency: a.currency.clone(),
                charged,
                charged_functional: charged_xof,
                ceiling: a.ceiling,
            });
            if charged > a.ceiling {
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
    (!whole.is_zero()).then(|| round_half_up(part * Decimal::ONE_HUNDRED / whole, 1))
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
