//! Converting functional-currency amounts (XOF) into a donor's currency, by the rule of
//! its agreement: the EUR peg, the weighted rate of the tranches received, or the month's
//! rate from the journal's `P` directives. Always by dividing (XOF per unit), never by an
//! inverse rate, rounded half up to the target's precision.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::model::money::{EUR_XOF_PEG, convert_divide, iso_precision};
use crate::model::project::{Agreement, CurrencyRule};
use crate::model::{AccountType, CostKind, Journal, Project};

/// Why an amount cannot be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error(
        "no {currency} rate for {month} (add a `P {month}-01 {currency} RATE {functional}` directive)"
    )]
    NoMonthlyRate {
        currency: String,
        functional: String,
        month: String,
    },
    #[error("no tranche of {donor} received in {currency} yet, so no rate of the funds received")]
    NoReceipts { donor: String, currency: String },
    #[error("no rule converts {functional} to {currency}")]
    NoRule {
        functional: String,
        currency: String,
    },
}

/// A rate and how it was obtained, for the report's notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateUsed {
    pub currency: String,
    /// Units of the functional currency per unit of `currency`.
    pub rate: Decimal,
    /// How it was obtained, in French and in English.
    pub how_fr: String,
    pub how_en: String,
}

/// A donor receipt: a tranche seen in the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub date: NaiveDate,
    pub donor: String,
    /// The amount in the currency it arrived in.
    pub amount: Decimal,
    pub currency: String,
    /// Its value in the functional currency, as booked.
    pub functional: Decimal,
}

/// Converts amounts for reports.
#[derive(Debug, Clone)]
pub struct Converter {
    functional: String,
    /// Per currency: dated rates from `P` directives (functional units per unit).
    prices: BTreeMap<String, Vec<(NaiveDate, Decimal)>>,
    receipts: Vec<Receipt>,
    precisions: BTreeMap<String, u32>,
}

impl Converter {
    /// Indexes the journal's prices and donor receipts.
    pub fn new(journal: &Journal, project: &Project) -> Converter {
        let functional = project.currency.clone();
        let mut prices: BTreeMap<String, Vec<(NaiveDate, Decimal)>> = BTreeMap::new();
        for p in &journal.directives.prices {
            if journal.commodity_name(p.price.commodity) == functional {
                prices
                    .entry(journal.commodity_name(p.commodity).to_string())
                    .or_default()
                    .push((p.date, p.price.quantity));
            }
        }
        for v in prices.values_mut() {
            v.sort_by_key(|(d, _)| *d);
        }
        let mut precisions = BTreeMap::new();
        for c in &project.commodities {
            precisions.insert(c.code.clone(), c.precision);
        }
        Converter {
            receipts: receipts(journal, &functional),
            functional,
            prices,
            precisions,
        }
    }

    /// Every donor receipt in the journal, in date order.
    pub fn receipts(&self) -> &[Receipt] {
        &self.receipts
    }

    fn precision(&self, currency: &str) -> u32 {
        self.precisions
            .get(currency)
            .copied()
            .or_else(|| iso_precision(currency))
            .unwrap_or(2)
    }

    /// The weighted average rate of `donor`'s tranches received in `currency` up to `date`.
    pub fn received_rate(&self, donor: &str, currency: &str, date: NaiveDate) -> Option<Decimal> {
        let (mut foreign, mut functional) = (Decimal::ZERO, Decimal::ZERO);
        for r in self
            .receipts
            .iter()
            .filter(|r| r.donor == donor && r.currency == currency && r.date <= date)
        {
            foreign += r.amount;
            functional += r.functional;
        }
        (!foreign.is_zero()).then(|| functional / foreign)
    }

    /// The month's rate of `currency` from the `P` directives: the latest on or before
    /// `date` (a published rate stays in force until the next one, as the UN operational
    /// rates do). Never a later rate: before the first one there is none.
    pub fn monthly_rate(&self, currency: &str, date: NaiveDate) -> Option<(NaiveDate, Decimal)> {
        let table = self.prices.get(currency)?;
        table.iter().rev().find(|(d, _)| *d <= date).copied()
    }

    /// The rate to use for `currency` on `date` for a donor under `agreement`.
    ///
    /// # Errors
    /// When no rule or no data gives a rate.
    pub fn rate(
        &self,
        agreement: Option<&Agreement>,
        currency: &str,
        date: NaiveDate,
    ) -> Result<RateUsed, RateError> {
        let rule = match agreement {
            Some(a) if a.currency == currency => a.currency_rule,
            _ if currency == "EUR" => CurrencyRule::Peg,
            _ => CurrencyRule::Monthly,
        };
        match rule {
            CurrencyRule::Peg if currency == "EUR" => Ok(RateUsed {
                currency: currency.to_string(),
                rate: EUR_XOF_PEG,
                how_fr: "parité fixe".to_string(),
                how_en: "fixed peg".to_string(),
            }),
            CurrencyRule::Received => {
                let donor = agreement.map_or("", |a| a.donor.as_str());
                self.received_rate(donor, currency, date)
                    .map(|rate| RateUsed {
                        currency: currency.to_string(),
                        rate,
                        how_fr: "taux moyen pondéré des tranches reçues".to_string(),
                        how_en: "weighted rate of funds received".to_string(),
                    })
                    .ok_or_else(|| RateError::NoReceipts {
                        donor: donor.to_string(),
                        currency: currency.to_string(),
                    })
            }
            _ => self
                .monthly_rate(currency, date)
                .map(|(d, rate)| RateUsed {
                    currency: currency.to_string(),
                    rate,
                    how_fr: format!("taux mensuel ({})", d.format("%Y-%m")),
                    how_en: format!("monthly rate ({})", d.format("%Y-%m")),
                })
                .ok_or_else(|| RateError::NoMonthlyRate {
                    currency: currency.to_string(),
                    functional: self.functional.clone(),
                    month: format!("{:04}-{:02}", date.year(), date.month()),
                }),
        }
    }

    /// The rate alone (functional units per unit of `currency`), without the
    /// explanation: the hot path of converting every posting.
    ///
    /// # Errors
    /// When no rule or no data gives a rate.
    pub fn rate_value(
        &self,
        agreement: Option<&Agreement>,
        currency: &str,
        date: NaiveDate,
    ) -> Result<Decimal, RateError> {
        if currency == self.functional {
            return Ok(Decimal::ONE);
        }
        match agreement {
            Some(a) if a.currency == currency && a.currency_rule == CurrencyRule::Received => {
                self.rate(agreement, currency, date).map(|r| r.rate)
            }
            Some(a) if a.currency == currency && a.currency_rule == CurrencyRule::Monthly => self
                .monthly_rate(currency, date)
                .map(|(_, r)| r)
                .ok_or_else(|| RateError::NoMonthlyRate {
                    currency: currency.to_string(),
                    functional: self.functional.clone(),
                    month: format!("{:04}-{:02}", date.year(), date.month()),
                }),
            _ if currency == "EUR" => Ok(EUR_XOF_PEG),
            _ => self.rate(agreement, currency, date).map(|r| r.rate),
        }
    }

    /// `amount` in the functional currency divided by `rate`, rounded half up to the
    /// precision of `currency`.
    ///
    /// # Errors
    /// A zero rate, or a result beyond what a decimal holds.
    fn apply(&self, amount: Decimal, rate: Decimal, currency: &str) -> Result<Decimal, RateError> {
        convert_divide(amount, rate, self.precision(currency)).ok_or_else(|| RateError::NoRule {
            functional: self.functional.clone(),
            currency: currency.to_string(),
        })
    }

    /// Converts `amount` (functional currency) dated `date` into `currency`.
    ///
    /// # Errors
    /// When no rate is available.
    pub fn convert(
        &self,
        agreement: Option<&Agreement>,
        currency: &str,
        amount: Decimal,
        date: NaiveDate,
    ) -> Result<Decimal, RateError> {
        if currency == self.functional {
            return Ok(amount);
        }
        let rate = self.rate(agreement, currency, date)?;
        self.apply(amount, rate.rate, currency)
    }

    /// A conversion of spending into `currency` by `agreement`'s rule, posting by posting
    /// (see [`PostingConversion`]).
    pub fn postings<'a>(
        &'a self,
        agreement: Option<&'a Agreement>,
        currency: &'a str,
    ) -> PostingConversion<'a> {
        PostingConversion {
            converter: self,
            agreement,
            currency,
            last: None,
            rates: HashMap::new(),
        }
    }

    /// The functional currency.
    pub fn functional(&self) -> &str {
        &self.functional
    }
}

/// Spending converted as every report converts it — the donor report, `budget` and
/// `funds` alike: each posting on its own, at its date, by the agreement's rule, rounded
/// half up to the currency's precision; a total is the sum of its converted postings, so
/// the reports agree to the cent. (Converting a total at once gives another figure: the
/// donor report shows the difference.)
///
/// Made by [`Converter::postings`]; it remembers each date's rate, so converting a
/// posting allocates nothing but the first time a date is seen. Clone one per thread.
#[derive(Debug, Clone)]
pub struct PostingConversion<'a> {
    converter: &'a Converter,
    agreement: Option<&'a Agreement>,
    currency: &'a str,
    /// The last date converted and its rate: postings come in runs of a date.
    last: Option<(NaiveDate, Decimal)>,
    rates: HashMap<NaiveDate, Decimal>,
}

impl PostingConversion<'_> {
    /// The decimals of the currency converted into: those of every converted posting.
    pub fn precision(&self) -> u32 {
        self.converter.precision(self.currency)
    }

    /// One posting's `amount` in the functional currency, dated `date`, in the currency.
    ///
    /// # Errors
    /// When no rate is available on `date`.
    pub fn convert(&mut self, amount: Decimal, date: NaiveDate) -> Result<Decimal, RateError> {
        let c = self.converter;
        if self.currency == c.functional {
            return Ok(amount);
        }
        let rate = match self.last {
            Some((d, rate)) if d == date => rate,
            _ => {
                let rate = match self.rates.get(&date) {
                    Some(rate) => *rate,
                    None => {
                        let rate = c.rate_value(self.agreement, self.currency, date)?;
                        self.rates.insert(date, rate);
                        rate
                    }
                };
                self.last = Some((date, rate));
                rate
            }
        };
        c.apply(amount, rate, self.currency)
    }
}

/// The last day of `date`'s month.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

/// Donor receipts: in a transaction with an income posting of donor D, each asset
/// posting of D that brings money in — in the functional currency, or in another
/// currency at its cost.
fn receipts(journal: &Journal, functional: &str) -> Vec<Receipt> {
    let types = journal.account_types();
    let mut out = Vec::new();
    for i in journal.date_order() {
        let t = &journal.transactions[i as usize];
        let postings = journal.postings_of(t);
        for p in postings {
            let Some(donor) = p.dims.donor else { continue };
            if types[p.account.index()] != Some(AccountType::Asset)
                || !p.amount.quantity.is_sign_positive()
            {
                continue;
            }
            let has_income = postings.iter().any(|q| {
                q.dims.donor == Some(donor)
                    && types[q.account.index()] == Some(AccountType::Income)
                    && q.amount.quantity.is_sign_negative()
            });
            if !has_income {
                continue;
            }
            let currency = journal.commodity_name(p.amount.commodity).to_string();
            let value = if currency == functional {
                Some(p.amount.quantity)
            } else {
                journal.extra(p).cost.and_then(|c| {
                    (journal.commodity_name(c.amount.commodity) == functional).then(|| {
                        match c.kind {
                            CostKind::Unit => p.amount.quantity * c.amount.quantity,
                            CostKind::Total => c.amount.quantity,
                        }
                    })
                })
            };
            if let Some(functional_value) = value {
                out.push(Receipt {
                    date: t.date,
                    donor: journal.symbol(donor).to_string(),
                    amount: p.amount.quantity,
                    currency,
                    functional: functional_value,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_end_handles_december_and_february() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(month_end(d(2017, 12, 5)), d(2017, 12, 31));
        assert_eq!(month_end(d(2017, 2, 1)), d(2017, 2, 28));
        assert_eq!(month_end(d(2016, 2, 29)), d(2016, 2, 29));
    }
}
