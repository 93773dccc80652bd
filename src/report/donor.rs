//! One donor's financial report for a period, as data: the statement by the donor's
//! categories (or by activity for FACE), the budget lines, every posting charged, the
//! receipts, spending by month, and what certifies it (ledger digest, command).
//!
//! Amounts are kept in the functional currency and in the donor's. Each posting is
//! converted on its own (by the agreement's rule, at its date) and every total is a sum
//! of converted postings, so the workbook's sheets tie out to the cent; the difference
//! with converting the total at once is shown as a rounding difference.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::budget::{BudgetError, BudgetSpec, Flag, RowKind, budget};
use super::rates::{Converter, PostingConversion, RateError, RateUsed};
use crate::model::money::allocate;
use crate::model::project::{Agreement, Donor, Project};
use crate::model::{AccountType, Journal, Meta};
use crate::precision::Precisions;
use crate::read::template::{self, Grouping, Template, TemplateError};

/// A report request.
#[derive(Debug, Clone)]
pub struct DonorReportSpec {
    pub donor: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Overrides the agreement's template.
    pub template: Option<String>,
    /// The command line that makes this report, for the certification sheet.
    pub command: String,
    /// When the report is made (RFC 3339), for the certification sheet.
    pub generated: String,
}

/// An amount in the functional currency and in the donor's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Amounts {
    pub functional: Decimal,
    pub donor: Decimal,
}

impl std::ops::AddAssign for Amounts {
    fn add_assign(&mut self, o: Amounts) {
        self.functional += o.functional;
        self.donor += o.donor;
    }
}

/// A row of the statement: a donor category (or an activity for FACE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub approved: Amounts,
    pub period: Amounts,
    pub to_date: Amounts,
    pub flags: Vec<Flag>,
}

/// A budget line of the donor, with its category in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    pub line: String,
    pub name_fr: String,
    pub name_en: String,
    pub category: Option<String>,
    pub activities: Vec<String>,
    pub approved: Amounts,
    pub period: Amounts,
    pub to_date: Amounts,
    pub revised: bool,
    pub flags: Vec<Flag>,
}

/// A posting charged to the donor in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionRow {
    pub date: NaiveDate,
    pub voucher: String,
    pub description: String,
    pub line: String,
    pub activity: String,
    pub account: String,
    pub amount: Amounts,
    /// `file#Sheet!A12` for imported rows, else `journal:line`.
    pub source: String,
}

/// A tranche received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    pub date: NaiveDate,
    pub amount: Decimal,
    pub currency: String,
    /// Functional units per unit, as booked.
    pub rate: Decimal,
    pub functional: Decimal,
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct DonorReport {
    pub project: Project,
    pub donor: Donor,
    pub agreement: Option<Agreement>,
    pub template: Template,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The donor's currency (the agreement's).
    pub currency: String,
    pub functional: String,
    /// Direct cost rows (categories or activities), in template order.
    pub rows: Vec<StatementRow>,
    /// The indirect-cost row, when the template has one.
    pub indirect: Option<StatementRow>,
    /// Lines of the donor mapped to no category of this template.
    pub unmapped: Option<StatementRow>,
    pub lines: Vec<LineRow>,
    pub transactions: Vec<TransactionRow>,
    pub receipts: Vec<ReceiptRow>,
    /// Tranches the agreement expects (date, amount in its currency).
    pub expected: Vec<(NaiveDate, Decimal)>,
    /// Spending in the period by month.
    pub months: Vec<((i32, u32), Amounts)>,
    pub received_to_date: Amounts,
    /// The rate used for budget amounts (at the report date), when converting.
    pub budget_rate: Option<RateUsed>,
    /// Converting total spending to date at once, minus the sum of converted postings.
    pub rounding_difference: Decimal,
    /// SHA-256 of the ledger's files (project.toml and every journal file).
    pub digest: String,
    /// Each file with its own SHA-256.
    pub files: Vec<(String, String)>,
    pub command: String,
    pub generated: String,
}

impl DonorReport {
    /// Sum of the direct rows.
    pub fn direct_total(&self) -> (Amounts, Amounts, Amounts) {
        let mut t = (Amounts::default(), Amounts::default(), Amounts::default());
        for r in self.rows.iter().chain(self.unmapped.iter()) {
            t.0 += r.approved;
            t.1 += r.period;
            t.2 += r.to_date;
        }
        t
    }

    /// Direct plus indirect.
    pub fn grand_total(&self) -> (Amounts, Amounts, Amounts) {
        let mut t = self.direct_total();
        if let Some(i) = &self.indirect {
            t.0 += i.approved;
            t.1 += i.period;
            t.2 += i.to_date;
        }
        t
    }

    /// The total of the transactions sheet.
    pub fn transactions_total(&self) -> Amounts {
        let mut t = Amounts::default();
        for r in &self.transactions {
            t += r.amount;
        }
        t
    }
}

/// Why the report cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum DonorReportError {
    #[error("unknown donor {0:?}; the project's donors are {1}")]
    UnknownDonor(String, String),
    #[error("donor {0} has no agreement naming a report template; give --template NAME")]
    NoTemplate(String),
    #[error(
        "the period {from} → {to} lies outside every agreement of {donor} ({periods}): there is nothing to report to it"
    )]
    OutsideAgreements {
        donor: String,
        from: NaiveDate,
        to: NaiveDate,
        periods: String,
    },
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Rate(#[from] RateError),
    #[error(transparent)]
    Budget(#[from] BudgetError),
    #[error("cannot read {0} to compute the ledger digest: {1}")]
    Digest(String, std::io::Error),
}

/// Builds one donor's report.
///
/// # Errors
/// Unknown donor or template, a missing rate, or an unreadable ledger file.
pub fn donor_report(
    journal: &Journal,
    project: &Project,
    precisions: &Precisions,
    converter: &Converter,
    spec: &DonorReportSpec,
    ledger_dir: Option<&std::path::Path>,
) -> Result<DonorReport, DonorReportError> {
    // Hashing the ledger's files runs beside the report's computation.
    let (hashed, report) = rayon::join(
        || {
            let _t = crate::timing::stage("  digest");
            digest(journal)
        },
        || build_report(journal, project, precisions, converter, spec, ledger_dir),
    );
    let mut report = report?;
    (report.digest, report.files) = hashed?;
    Ok(report)
}

#[allow(clippy::too_many_lines)]
fn build_report(
    journal: &Journal,
    project: &Project,
    precisions: &Precisions,
    converter: &Converter,
    spec: &DonorReportSpec,
    ledger_dir: Option<&std::path::Path>,
) -> Result<DonorReport, DonorReportError> {
    let donor = project.donor(&spec.donor).cloned().ok_or_else(|| {
        DonorReportError::UnknownDonor(
            spec.donor.clone(),
            project
                .donors
                .iter()
                .map(|d| d.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    })?;
    let agreements: Vec<&Agreement> = project.agreements_of(&donor.id).collect();
    if !agreements.is_empty() && !agreements.iter().any(|a| overlaps(a, spec.from, spec.to)) {
        return Err(DonorReportError::OutsideAgreements {
            donor: donor.id.clone(),
            from: spec.from,
            to: spec.to,
            periods: agreements
                .iter()
                .map(|a| format!("{} {} → {}", a.reference, a.start, a.end))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let agreement = project.agreement_at(&donor.id, spec.to).cloned();
    let template_name = spec
        .template
        .clone()
        .or_else(|| agreement.as_ref().map(|a| a.template.clone()))
        .ok_or_else(|| DonorReportError::NoTemplate(donor.id.clone()))?;
    let template = template::load(&template_name, ledger_dir)?;
    let currency = agreement
        .as_ref()
        .map_or(donor.currency.clone(), |a| a.currency.clone());
    let functional = project.currency.clone();
    let a = agreement.as_ref();
    let convert = |amount: Decimal, date: NaiveDate| converter.convert(a, &currency, amount, date);

    // Approved amounts and flags come from the budget report (XOF, in force at `to`).
    let plan_timer = crate::timing::stage("  budget");
    let plan = budget(
        journal,
        project,
        precisions,
        converter,
        &BudgetSpec {
            donor: Some(donor.id.clone()),
            from: Some(spec.from),
            to: Some(spec.to),
            currency: None,
        },
        ledger_dir,
    )?;
    drop(plan_timer);
    let pass_timer = crate::timing::stage("  postings");
    let budget_rate = if currency == functional {
        None
    } else {
        Some(converter.rate(a, &currency, spec.to)?)
    };

    // Every expense posting of the donor up to `to`, converted one by one, in date
    // order, on both cores (blocks of days, joined in order).
    let types = journal.account_types();
    let donor_sym = journal.symbols.get(&donor.id);
    let source_tag = journal.symbols.get("source");
    let order: Vec<u32> = if donor_sym.is_some() {
        journal.date_order()
    } else {
        Vec::new()
    };
    let context = PostingPass {
        journal,
        precisions,
        conversion: converter.postings(a, &currency),
        types: &types,
        donor: donor_sym,
        source_tag,
        functional: &functional,
        from: spec.from,
        to: spec.to,
    };
    let parts: Vec<Result<Partial, RateError>> = order
        .par_chunks(65_536)
        .map(|chunk| context.run(chunk))
        .collect();
    let mut all = Partial::default();
    for p in parts {
        all.append(p?);
    }
    let Partial {
        spent_line,
        spent_activity,
        months,
        transactions,
        total_functional,
        total_converted,
    } = all;
    let rounding_difference = convert(total_functional, spec.to)? - total_converted;
    drop(pass_timer);

    // Budget lines of the donor.
    let mut lines = Vec::new();
    for r in plan.rows.iter().filter(|r| r.kind == RowKind::Line) {
        let code = r.line.clone().unwrap_or_default();
        let Some(line) = project.line(&code) else {
            continue;
        };
        let (period, to_date) = spent_line.get(&code).copied().unwrap_or_default();
        lines.push(LineRow {
            line: code,
            name_fr: line.name_fr.clone(),
            name_en: line.name_en.clone().unwrap_or_else(|| line.name_fr.clone()),
            category: line.categories.get(&template.name).cloned(),
            activities: line.activities.clone(),
            approved: Amounts {
                functional: r.approved,
                donor: convert(r.approved, spec.to)?,
            },
            period,
            to_date,
            revised: r.revised,
            flags: r.flags.clone(),
        });
    }

    // The statement: categories in template order, or activities for FACE.
    let flex_heading = a
        .and_then(|a| a.flexibility)
        .filter(|f| f.level == crate::model::project::FlexLevel::Heading);
    let mut rows = Vec::new();
    let mut indirect = None;
    let mut unmapped = None;
    match template.grouping {
        Grouping::Category => {
            let indirect_code = template.indirect.as_ref().map(|i| i.code.clone());
            let mut groups: Vec<(String, String, String)> = template
                .categories
                .iter()
                .map(|c| (c.code.clone(), c.name_fr.clone(), c.name_en.clone()))
                .collect();
            if let Some(i) = &template.indirect {
                groups.push((i.code.clone(), i.name_fr.clone(), i.name_en.clone()));
            }
            for (code, name_fr, name_en) in groups {
                let mut row = StatementRow {
                    code: code.clone(),
                    name_fr,
                    name_en,
                    approved: Amounts::default(),
                    period: Amounts::default(),
                    to_date: Amounts::default(),
                    flags: Vec::new(),
                };
                for l in lines
                    .iter()
                    .filter(|l| l.category.as_deref() == Some(code.as_str()))
                {
                    add_line(&mut row, l);
                }
                if let Some(f) = flex_heading
                    && row.to_date.functional
                        > row.approved.functional
                            + row.approved.functional * f.percent / Decimal::ONE_HUNDRED
                {
                    row.flags.push(Flag::BeyondFlexibility);
                }
                if row.to_date.functional > row.approved.functional {
                    row.flags.insert(0, Flag::OverBudget);
                }
                if Some(&code) == indirect_code.as_ref() {
                    indirect = Some(row);
                } else {
                    rows.push(row);
                }
            }
            let orphans: Vec<&LineRow> = lines.iter().filter(|l| l.category.is_none()).collect();
            if !orphans.is_empty() {
                let mut row = StatementRow {
                    code: "—".to_string(),
                    name_fr: "Lignes sans catégorie pour ce bailleur".to_string(),
                    name_en: "Lines with no category for this donor".to_string(),
                    approved: Amounts::default(),
                    period: Amounts::default(),
                    to_date: Amounts::default(),
                    flags: Vec::new(),
                };
                for l in orphans {
                    add_line(&mut row, l);
                }
                unmapped = Some(row);
            }
        }
        Grouping::Activity => {
            // A: each line's approved amount, split evenly over its activities.
            let mut authorised: BTreeMap<String, Amounts> = BTreeMap::new();
            for l in &lines {
                if l.activities.is_empty() {
                    *authorised.entry(String::new()).or_default() += l.approved;
                    continue;
                }
                let shares = vec![Decimal::ONE; l.activities.len()];
                let scale = precisions_scale(journal, precisions, &functional);
                let parts = allocate(l.approved.functional, &shares, scale)
                    .map_err(|e| DonorReportError::Budget(BudgetError::Allocation(e)))?;
                for (act, part) in l.activities.iter().zip(parts) {
                    *authorised.entry(act.clone()).or_default() += Amounts {
                        functional: part,
                        donor: convert(part, spec.to)?,
                    };
                }
            }
            let mut codes: Vec<String> =
                project.activities.iter().map(|x| x.code.clone()).collect();
            codes.push(String::new());
            for code in codes {
                let approved = authorised.get(&code).copied().unwrap_or_default();
                let period = spent_activity.get(&code).copied().unwrap_or_default();
                if approved == Amounts::default() && period == Amounts::default() {
                    continue;
                }
                let (name_fr, name_en) = project.activity(&code).map_or(
                    ("Sans activité".to_string(), "No activity".to_string()),
                    |x| {
                        (
                            x.name_fr.clone(),
                            x.name_en.clone().unwrap_or_else(|| x.name_fr.clone()),
                        )
                    },
                );
                rows.push(StatementRow {
                    code: if code.is_empty() {
                        "—".to_string()
                    } else {
                        code
                    },
                    name_fr,
                    name_en,
                    approved,
                    period,
                    to_date: period,
                    flags: Vec::new(),
                });
            }
        }
    }

    let mut receipts = Vec::new();
    let mut received_to_date = Amounts::default();
    for r in converter
        .receipts()
        .iter()
        .filter(|r| r.donor == donor.id && r.date <= spec.to)
    {
        let donor_amount = if r.currency == currency {
            r.amount
        } else {
            convert(r.functional, r.date)?
        };
        received_to_date += Amounts {
            functional: r.functional,
            donor: donor_amount,
        };
        receipts.push(ReceiptRow {
            date: r.date,
            amount: r.amount,
            currency: r.currency.clone(),
            rate: if r.amount.is_zero() {
                Decimal::ONE
            } else {
                r.functional / r.amount
            },
            functional: r.functional,
        });
    }
    let (digest, files) = (String::new(), Vec::new());
    Ok(DonorReport {
        project: project.clone(),
        donor,
        expected: agreement
            .as_ref()
            .map(|a| a.tranches.iter().map(|t| (t.date, t.amount)).collect())
            .unwrap_or_default(),
        agreement,
        template,
        from: spec.from,
        to: spec.to,
        currency,
        functional,
        rows,
        indirect,
        unmapped,
        lines,
        transactions,
        receipts,
        months: months.into_iter().collect(),
        received_to_date,
        budget_rate,
        rounding_difference,
        digest,
        files,
        command: spec.command.clone(),
        generated: spec.generated.clone(),
    })
}

/// What one block of postings adds to the report.
#[derive(Default)]
struct Partial {
    spent_line: BTreeMap<String, (Amounts, Amounts)>,
    spent_activity: BTreeMap<String, Amounts>,
    months: BTreeMap<(i32, u32), Amounts>,
    transactions: Vec<TransactionRow>,
    total_functional: Decimal,
    total_converted: Decimal,
}

impl Partial {
    fn append(&mut self, other: Partial) {
        for (k, (a, b)) in other.spent_line {
            let e = self.spent_line.entry(k).or_default();
            e.0 += a;
            e.1 += b;
        }
        for (k, v) in other.spent_activity {
            *self.spent_activity.entry(k).or_default() += v;
        }
        for (k, v) in other.months {
            *self.months.entry(k).or_default() += v;
        }
        self.transactions.extend(other.transactions);
        self.total_functional += other.total_functional;
        self.total_converted += other.total_converted;
    }
}

/// The pass over a donor's expense postings.
struct PostingPass<'a> {
    journal: &'a Journal,
    precisions: &'a Precisions,
    /// Into the donor's currency, posting by posting (cloned for each block).
    conversion: PostingConversion<'a>,
    types: &'a [Option<AccountType>],
    donor: Option<crate::model::Symbol>,
    source_tag: Option<crate::model::Symbol>,
    functional: &'a str,
    from: NaiveDate,
    to: NaiveDate,
}

impl PostingPass<'_> {
    fn run(&self, chunk: &[u32]) -> Result<Partial, RateError> {
        let j = self.journal;
        let mut out = Partial::default();
        let mut conversion = self.conversion.clone();
        for &i in chunk {
            let t = &j.transactions[i as usize];
            if t.date > self.to {
                break;
            }
            for p in j.postings_of(t) {
                if p.dims.donor != self.donor
                    || self.types[p.account.index()] != Some(AccountType::Expense)
                {
                    continue;
                }
                let Some(w) = j.weight(p, |c| self.precisions.of(c)) else {
                    continue;
                };
                if j.commodity_name(w.commodity) != self.functional {
                    continue;
                }
                let amount = Amounts {
                    functional: w.quantity,
                    donor: conversion.convert(w.quantity, t.date)?,
                };
                out.total_functional += amount.functional;
                out.total_converted += amount.donor;
                let line = p
                    .dims
                    .line
                    .map_or(String::new(), |l| j.symbol(l).to_string());
                let activity = p
                    .dims
                    .activity
                    .map_or(String::new(), |s| j.symbol(s).to_string());
                let entry = out.spent_line.entry(line.clone()).or_default();
                entry.1 += amount;
                if t.date < self.from {
                    continue;
                }
                entry.0 += amount;
                *out.spent_activity.entry(activity.clone()).or_default() += amount;
                *out.months
                    .entry((t.date.year(), t.date.month()))
                    .or_default() += amount;
                out.transactions.push(TransactionRow {
                    date: t.date,
                    voucher: j.str(t.code).to_string(),
                    description: j.str(t.description).to_string(),
                    line,
                    activity,
                    account: j.account_name(p.account).to_string(),
                    amount,
                    source: self.source(t, p),
                });
            }
        }
        Ok(out)
    }

    /// `file#Sheet!A12` from a `source:` tag, else `journal:line`.
    fn source(&self, t: &crate::model::Transaction, p: &crate::model::Posting) -> String {
        let j = self.journal;
        self.source_tag
            .and_then(|tag| {
                j.metas(t.meta)
                    .iter()
                    .chain(j.metas(p.meta))
                    .find_map(|m| match m {
                        Meta::Tag { name, value } if *name == tag => {
                            Some(j.str(*value).to_string())
                        }
                        _ => None,
                    })
            })
            .unwrap_or_else(|| {
                let path = j.sources.path(t.file);
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                format!("{name}:{}", p.line + 1)
            })
    }
}

/// True when the agreement's eligibility period shares a day with `[from, to]`.
pub fn overlaps(a: &Agreement, from: NaiveDate, to: NaiveDate) -> bool {
    a.start <= to && from <= a.end
}

fn add_line(row: &mut StatementRow, l: &LineRow) {
    row.approved += l.approved;
    row.period += l.period;
    row.to_date += l.to_date;
}

fn precisions_scale(journal: &Journal, precisions: &Precisions, functional: &str) -> u32 {
    journal
        .commodities
        .get(functional)
        .and_then(|c| precisions.of(c))
        .unwrap_or(0)
}

/// SHA-256 over every file the books were read from (name and content, in reading
/// order), and each file's own digest.
///
/// # Errors
/// When a file cannot be read again.
pub fn digest(journal: &Journal) -> Result<(String, Vec<(String, String)>), DonorReportError> {
    let mut all = Sha256::new();
    let mut files = Vec::new();
    for path in journal.sources.paths() {
        let bytes = std::fs::read(path)
            .map_err(|e| DonorReportError::Digest(path.display().to_string(), e))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let one = hex(&Sha256::digest(&bytes));
        all.update(name.as_bytes());
        all.update([0]);
        all.update(one.as_bytes());
        all.update([b'\n']);
        files.push((name, one));
    }
    Ok((hex(&all.finalize()), files))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
