//! Fund balances per donor: opening balance, received, spent (direct and PSC), exchange
//! differences, closing balance — in the functional currency and in the donor's.
//!
//! A fund's holdings are its asset and liability postings: functional-currency amounts
//! at face value, foreign currency valued at the agreement's rate on the date. The
//! identity `closing = opening + received − spent + exchange difference` holds by
//! construction; exchange differences are shown, never hidden in spending.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::psc::is_psc;
use super::rates::{Converter, RateError};
use crate::model::project::Project;
use crate::model::{AccountType, Journal};
use crate::precision::Precisions;

/// One donor's fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundRow {
    pub donor: String,
    pub name_fr: String,
    pub name_en: String,
    pub currency: String,
    /// Functional currency (XOF) figures.
    pub opening: Decimal,
    pub received: Decimal,
    pub spent_direct: Decimal,
    pub spent_psc: Decimal,
    pub exchange_difference: Decimal,
    pub closing: Decimal,
    /// Donor-currency figures (by the agreement's rule).
    pub received_donor: Decimal,
    /// Each posting converted at its date, then summed, as the donor report does.
    pub spent_donor: Decimal,
    pub closing_donor: Decimal,
}

/// The fund-balance report for `[from, to]` (inclusive; open ends mean all).
///
/// # Errors
/// A missing exchange rate.
pub fn funds(
    journal: &Journal,
    project: &Project,
    precisions: &Precisions,
    converter: &Converter,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<FundRow>, RateError> {
    let functional = journal.commodities.get(&project.currency);
    let types = journal.account_types();
    let to = to
        .or_else(|| journal.transactions.iter().map(|t| t.date).max())
        .unwrap_or(project.end);
    let before = from.and_then(|f| f.pred_opt());
    let mut rows = Vec::new();
    for donor in &project.donors {
        let Some(sym) = journal.symbols.get(&donor.id) else {
            rows.push(empty(donor, &project.currency));
            continue;
        };
        let agreement = project.agreement_at(&donor.id, to);
        let currency = donor.currency.as_str();
        let mut received = Decimal::ZERO;
        let (mut direct, mut psc) = (Decimal::ZERO, Decimal::ZERO);
        // Spending in the donor's currency, each posting converted as the donor report does.
        let mut spending = converter.postings(agreement, currency);
        let mut spent_donor = Decimal::ZERO;
        // Holdings: functional amount and foreign quantities, at the opening and closing dates.
        let mut open_functional = Decimal::ZERO;
        let mut close_functional = Decimal::ZERO;
        let mut open_foreign: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut close_foreign: BTreeMap<String, Decimal> = BTreeMap::new();
        for t in &journal.transactions {
            if t.date > to {
                continue;
            }
            let in_period = from.is_none_or(|f| t.date >= f);
            let psc_txn = is_psc(journal, t).is_some();
            for p in journal.postings_of(t) {
                if p.dims.donor != Some(sym) {
                    continue;
                }
                match types[p.account.index()] {
                    Some(AccountType::Asset | AccountType::Liability) => {
                        let is_functional = Some(p.amount.commodity) == functional;
                        let name = journal.commodity_name(p.amount.commodity).to_string();
                        if is_functional {
                            close_functional += p.amount.quantity;
                        } else {
                            *close_foreign.entry(name.clone()).or_default() += p.amount.quantity;
                        }
                        if !in_period {
                            if is_functional {
                                open_functional += p.amount.quantity;
                            } else {
                                *open_foreign.entry(name).or_default() += p.amount.quantity;
                            }
                        }
                    }
                    Some(kind @ (AccountType::Income | AccountType::Expense)) if in_period => {
                        let Some(w) = journal.weight(p, |c| precisions.of(c)) else {
                            continue;
                        };
                        if Some(w.commodity) != functional {
                            continue;
                        }
                        if kind == AccountType::Income {
                            received -= w.quantity;
                        } else {
                            if psc_txn {
                                psc += w.quantity;
                            } else {
                                direct += w.quantity;
                            }
                            spent_donor += spending.convert(w.quantity, t.date)?;
                        }
                    }
                    _ => {}
                }
            }
        }
        let value = |functional_part: Decimal,
                     foreign: &BTreeMap<String, Decimal>,
                     date: NaiveDate|
         -> Result<Decimal, RateError> {
            let mut v = functional_part;
            for (currency, q) in foreign {
                if q.is_zero() {
                    continue;
                }
                let rate = converter.rate(agreement, currency, date)?;
                v += crate::model::money::round_half_up(
                    *q * rate.rate,
                    precisions_scale(journal, precisions, project),
                );
            }
            Ok(v)
        };
        let opening = match before {
            Some(b) => value(open_functional, &open_foreign, b)?,
            None => Decimal::ZERO,
        };
        let closing = value(close_functional, &close_foreign, to)?;
        let spent = direct + psc;
        let exchange_difference = closing - opening - received + spent;
        let received_donor = converter
            .receipts()
            .iter()
            .filter(|r| r.donor == donor.id && r.date <= to && from.is_none_or(|f| r.date >= f))
            .map(|r| {
                if r.currency == currency {
                    Ok(r.amount)
                } else {
                    converter.convert(agreement, currency, r.functional, r.date)
                }
            })
            .sum::<Result<Decimal, RateError>>()?;
        let closing_donor = converter.convert(agreement, currency, closing, to)?;
        rows.push(FundRow {
            donor: donor.id.clone(),
            name_fr: donor.name_fr.clone(),
            name_en: donor
                .name_en
                .clone()
                .unwrap_or_else(|| donor.name_fr.clone()),
            currency: currency.to_string(),
            opening,
            received,
            spent_direct: direct,
            spent_psc: psc,
            exchange_difference,
            closing,
            received_donor,
            spent_donor,
            closing_donor,
        });
    }
    Ok(rows)
}

fn precisions_scale(journal: &Journal, precisions: &Precisions, project: &Project) -> u32 {
    journal
        .commodities
        .get(&project.currency)
        .and_then(|c| precisions.of(c))
        .unwrap_or(0)
}

fn empty(donor: &crate::model::project::Donor, _functional: &str) -> FundRow {
    FundRow {
        donor: donor.id.clone(),
        name_fr: donor.name_fr.clone(),
        name_en: donor
            .name_en
            .clone()
            .unwrap_or_else(|| donor.name_fr.clone()),
        currency: donor.currency.clone(),
        opening: Decimal::ZERO,
        received: Decimal::ZERO,
        spent_direct: Decimal::ZERO,
        spent_psc: Decimal::ZERO,
        exchange_difference: Decimal::ZERO,
        closing: Decimal::ZERO,
        received_donor: Decimal::ZERO,
        spent_donor: Decimal::ZERO,
        closing_donor: Decimal::ZERO,
    }
}
