//! Reads `project.toml` into a validated [`Project`], with every problem located.
//!
//! Unknown keys are errors (a typo must not silently drop a budget line). Amounts are
//! integers or decimal strings; floats are refused so no amount ever passes through f64.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use toml::Spanned;

use crate::diag::{Code, Diagnostic};
use crate::model::money::{fits_precision, iso_precision};
use crate::model::project::{
    Activity, Agreement, BudgetLine, CommodityInfo, CurrencyRule, Donor, FlexLevel, Flexibility,
    Project, PscRule, Revision, Tranche,
};
use crate::read::template;
use crate::source::{FileId, Location, SourceMap, TextPos, line_col};

mod audit;
mod iati;

/// Reads and validates the project file at `path`.
///
/// # Errors
/// Every problem found, each pointing at its place in the file.
pub fn read_project(path: &Path, sources: &mut SourceMap) -> Result<Project, Vec<Diagnostic>> {
    let file = sources.add(path);
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return Err(vec![Diagnostic::error(
                Code::Io,
                Location::File(file),
                format!("cannot read project file: {e}"),
            )]);
        }
    };
    let templates = template::names(path.parent());
    parse_project_with(&text, file, &templates)
}

/// Parses and validates project-file `text` (registered as `file`), knowing only the
/// shipped donor templates.
///
/// # Errors
/// Every problem found.
pub fn parse_project(text: &str, file: FileId) -> Result<Project, Vec<Diagnostic>> {
    parse_project_with(text, file, &template::names(None))
}

/// Parses and validates `text`; `templates` are the donor template names available.
///
/// # Errors
/// Every problem found.
pub fn parse_project_with(
    text: &str,
    file: FileId,
    templates: &[String],
) -> Result<Project, Vec<Diagnostic>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let pos = e.span().map_or(Location::File(file), |s| {
            Location::Text(span_pos(text, file, s))
        });
        {
            let message = e.message().trim_end_matches('\n').to_string();
            let d = Diagnostic::error(Code::Project, pos, message.clone());
            vec![
                if message.contains("unknown field") || message.contains("missing field") {
                    d.with_help(
                        "README.md, \"The project file\", lists the keys project.toml accepts",
                    )
                } else {
                    d
                },
            ]
        }
    })?;
    Validator {
        text,
        file,
        templates,
        diags: Vec::new(),
    }
    .validate(raw)
}

fn span_pos(text: &str, file: FileId, span: Range<usize>) -> TextPos {
    let (line, col) = line_col(text, span.start);
    let len = text[span.start.min(text.len())..span.end.min(text.len())]
        .split('\n')
        .next()
        .map_or(1, str::len);
    TextPos {
        file,
        line,
        col,
        len: len as u32,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    project: RawProject,
    #[serde(default)]
    commodities: BTreeMap<String, Spanned<RawCommodity>>,
    #[serde(default)]
    donors: Vec<Spanned<RawDonor>>,
    #[serde(default)]
    activities: Vec<Spanned<RawActivity>>,
    #[serde(default)]
    lines: Vec<Spanned<RawLine>>,
    #[serde(default)]
    agreements: Vec<Spanned<RawAgreement>>,
    /// IATI publication details (`read/project/iati.rs`).
    iati: Option<iati::RawIati>,
    /// What `check --audit` needs (`read/project/audit.rs`).
    audit: Option<audit::RawAudit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    code: String,
    name_fr: String,
    name_en: Option<String>,
    beneficiary: Option<String>,
    currency: Spanned<String>,
    start: Spanned<DateValue>,
    end: Spanned<DateValue>,
    budget: Option<Spanned<MoneyValue>>,
    journal: Option<String>,
    country: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommodity {
    precision: Spanned<u32>,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDonor {
    id: Spanned<String>,
    name_fr: String,
    name_en: Option<String>,
    currency: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActivity {
    code: Spanned<String>,
    name_fr: String,
    name_en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    code: Spanned<String>,
    name_fr: String,
    name_en: Option<String>,
    amount: Spanned<MoneyValue>,
    shares: Spanned<BTreeMap<String, Spanned<MoneyValue>>>,
    #[serde(default)]
    activities: Vec<Spanned<String>>,
    #[serde(default)]
    categories: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    revisions: Vec<Spanned<RawRevision>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRevision {
    date: Spanned<DateValue>,
    amount: Spanned<MoneyValue>,
    shares: Option<Spanned<BTreeMap<String, Spanned<MoneyValue>>>>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgreement {
    reference: Spanned<String>,
    donor: Spanned<String>,
    currency: Spanned<String>,
    ceiling: Spanned<MoneyValue>,
    start: Spanned<DateValue>,
    end: Spanned<DateValue>,
    template: Spanned<String>,
    currency_rule: Option<Spanned<String>>,
    #[serde(default)]
    tranches: Vec<Spanned<RawTranche>>,
    psc: Option<Spanned<RawPsc>>,
    flexibility: Option<Spanned<RawFlexibility>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranche {
    date: DateValue,
    amount: Spanned<MoneyValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPsc {
    rate: Spanned<MoneyValue>,
    base: Vec<String>,
    line: Spanned<String>,
    account: Spanned<String>,
    counter: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlexibility {
    percent: Spanned<MoneyValue>,
    level: Spanned<String>,
}

/// An exact decimal written as a TOML integer or string (never a float).
struct MoneyValue(Decimal);

impl<'de> Deserialize<'de> for MoneyValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = MoneyValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a decimal string such as \"1250.50\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MoneyValue, E> {
                Ok(MoneyValue(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MoneyValue, E> {
                Ok(MoneyValue(Decimal::from(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MoneyValue, E> {
                let cleaned: String = v.chars().filter(|c| *c != '_').collect();
                Decimal::from_str_exact(cleaned.trim())
                    .map(MoneyValue)
                    .map_err(|_| E::custom(format!("cannot read {v:?} as an exact decimal amount")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<MoneyValue, E> {
                Err(E::custom(format!(
                    "{v} is a floating-point number; write amounts as integers or as strings (\"{v}\") so they stay exact"
                )))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A date written as a TOML date (`2017-01-01`) or a string.
struct DateValue(NaiveDate);

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        let text = match &value {
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            toml::Value::String(s) => s.clone(),
            other => {
                return Err(de::Error::custom(format!(
                    "expected a date like 2017-01-01, found {other}"
                )));
            }
        };
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(DateValue)
            .map_err(|_| de::Error::custom(format!("{text:?} is not a real date (YYYY-MM-DD)")))
    }
}

struct Validator<'a> {
    text: &'a str,
    file: FileId,
    templates: &'a [String],
    diags: Vec<Diagnostic>,
}

impl Validator<'_> {
    fn at(&self, span: Range<usize>) -> Location {
        Location::Text(span_pos(self.text, self.file, span))
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let d = Diagnostic::error(Code::Project, self.at(span), message);
        self.diags.push(d);
    }

    fn validate(mut self, raw: RawFile) -> Result<Project, Vec<Diagnostic>> {
        let p = raw.project;
        let start = p.start.get_ref().0;
        let end = p.end.get_ref().0;
        if end < start {
            self.error(
                p.end.span(),
                format!("the project ends ({end}) before it starts ({start})"),
            );
        }

        let mut commodities = Vec::new();
        for (code, c) in &raw.commodities {
            let precision = *c.get_ref().precision.get_ref();
            if precision > 18 {
                self.error(
                    c.get_ref().precision.span(),
                    format!("precision {precision} for {code} is beyond 18 decimals"),
                );
            }
            commodities.push(CommodityInfo {
                code: code.clone(),
                precision,
                name: c.get_ref().name.clone(),
            });
        }
        let precision_of = |code: &str| {
            commodities
                .iter()
                .find(|c| c.code == code)
                .map(|c| c.precision)
                .or_else(|| iso_precision(code))
        };
        let currency = p.currency.get_ref().clone();
        let functional_precision = precision_of(&currency);
        if functional_precision.is_none() {
            self.error(
                p.currency.span(),
                format!("currency {currency} has no known precision; declare it under [commodities.{currency}]"),
            );
        }
        let functional_precision = functional_precision.unwrap_or(0);

        let mut donors = Vec::new();
        let mut seen = HashSet::new();
        for d in &raw.donors {
            let d = d.get_ref();
            let id = d.id.get_ref().clone();
            if !valid_tag_value(&id) {
                self.error(
                    d.id.span(),
                    format!(
                        "donor id {id:?} must be a single word without spaces, commas or colons"
                    ),
                );
            }
            if !seen.insert(id.clone()) {
                self.error(d.id.span(), format!("donor {id} is declared twice"));
            }
            let cur = d.currency.get_ref();
            if precision_of(cur).is_none() {
                self.error(d.currency.span(), format!("currency {cur} has no known precision; declare it under [commodities.{cur}]"));
            }
            donors.push(Donor {
                id,
                name_fr: d.name_fr.clone(),
                name_en: d.name_en.clone(),
                currency: cur.clone(),
            });
        }

        let mut activities = Vec::new();
        let mut seen = HashSet::new();
        for a in &raw.activities {
            let a = a.get_ref();
            let code = a.code.get_ref().clone();
            if !valid_tag_value(&code) {
                self.error(a.code.span(), format!("activity code {code:?} must be a single word without spaces, commas or colons"));
            }
            if !seen.insert(code.clone()) {
                self.error(a.code.span(), format!("activity {code} is declared twice"));
            }
            activities.push(Activity {
                code,
                name_fr: a.name_fr.clone(),
                name_en: a.name_en.clone(),
            });
        }

        let mut lines = Vec::new();
        let mut seen = HashSet::new();
        let mut line_total = Decimal::ZERO;
        for spanned in &raw.lines {
            let l = spanned.get_ref();
            let code = l.code.get_ref().clone();
            if !valid_tag_value(&code) {
                self.error(
                    l.code.span(),
                    format!(
                        "line code {code:?} must be a single word without spaces, commas or colons"
                    ),
                );
            }
            if !seen.insert(code.clone()) {
                self.error(
                    l.code.span(),
                    format!("budget line {code} is declared twice"),
                );
            }
            let amount = l.amount.get_ref().0;
            if amount.is_sign_negative() && !amount.is_zero() {
                self.error(
                    l.amount.span(),
                    format!("line {code}: the budget {amount} is negative"),
                );
            }
            if !fits_precision(amount, functional_precision) {
                self.error(l.amount.span(), format!("line {code}: {amount} {currency} has more decimals than {currency} allows ({functional_precision})"));
            }
            line_total += amount;
            let shares = self.shares(&code, &l.shares, &donors);
            let mut line_activities = Vec::new();
            for a in &l.activities {
                if !activities.iter().any(|x| &x.code == a.get_ref()) {
                    self.error(
                        a.span(),
                        format!("line {code}: undeclared activity {:?}", a.get_ref()),
                    );
                }
                line_activities.push(a.get_ref().clone());
            }
            let categories = self.categories(&code, &l.categories);
            let revisions = self.revisions(
                &code,
                l,
                &shares,
                &donors,
                (functional_precision, &currency),
                start,
            );
            lines.push(BudgetLine {
                code,
                name_fr: l.name_fr.clone(),
                name_en: l.name_en.clone(),
                amount,
                shares,
                activities: line_activities,
                categories,
                revisions,
                pos: Some(span_pos(self.text, self.file, spanned.span())),
            });
        }
        let budget = p.budget.as_ref().map(|b| b.get_ref().0);
        if let Some(b) = &p.budget {
            let stated = b.get_ref().0;
            if !raw.lines.is_empty() && stated != line_total {
                self.error(
                    b.span(),
                    format!("the project budget {stated} {currency} differs from the sum of its lines, {line_total} {currency}"),
                );
            }
        }
        let agreements = self.agreements(&raw.agreements, &donors, &lines, &precision_of);
        let country = self.country(p.country.as_ref());
        let iati = raw.iati.as_ref().map(|i| self.iati(i, &donors));
        let audit = raw.audit.as_ref().map_or_else(Default::default, |a| {
            self.audit(a, &currency, precision_of(&currency))
        });
        if !self.diags.is_empty() {
            return Err(self.diags);
        }
        Ok(Project {
            code: p.code,
            name_fr: p.name_fr,
            name_en: p.name_en,
            beneficiary: p.beneficiary,
            currency,
            start,
            end,
            budget,
            journal: p.journal.unwrap_or_else(|| "books.journal".to_string()),
            commodities,
            donors,
            activities,
            lines,
            agreements,
            country,
            iati,
            audit,
        })
    }

    /// Funding shares: declared donors, each above zero, adding up to 100%, in the
    /// order of the project's donors.
    fn shares(
        &mut self,
        code: &str,
        raw: &Spanned<BTreeMap<String, Spanned<MoneyValue>>>,
        donors: &[Donor],
    ) -> Vec<(String, Decimal)> {
        let mut shares = Vec::new();
        let mut total = Decimal::ZERO;
        for (donor, share) in raw.get_ref() {
            let value = share.get_ref().0;
            if !donors.iter().any(|d| &d.id == donor) {
                self.error(
                    share.span(),
                    format!("line {code}: share for undeclared donor {donor:?}"),
                );
            }
            if value.is_sign_negative() || value.is_zero() {
                self.error(
                    share.span(),
                    format!("line {code}: the share of {donor} must be above zero, not {value}"),
                );
            }
            total += value;
            shares.push((donor.clone(), value));
        }
        if shares.is_empty() {
            self.error(raw.span(), format!("line {code} has no funding shares"));
        } else if total != Decimal::ONE_HUNDRED {
            self.error(
                raw.span(),
                format!("line {code}: funding shares add up to {total}%, not 100%"),
            );
        }
        shares.sort_by_key(|(d, _)| donors.iter().position(|x| &x.id == d).unwrap_or(usize::MAX));
        shares
    }

    /// Line → donor category map: each scheme a known template, each code one of its categories.
    fn categories(
        &mut self,
        code: &str,
        raw: &BTreeMap<String, Spanned<String>>,
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (scheme, category) in raw {
            if !self.templates.contains(scheme) {
                self.error(
                    category.span(),
                    format!(
                        "line {code}: no donor template named {scheme:?} (known: {})",
                        self.templates.join(", ")
                    ),
                );
            } else if let Ok(t) = template::load(scheme, None)
                && t.grouping == template::Grouping::Category
                && t.category_names(category.get_ref()).is_none()
            {
                let known = t.codes();
                self.error(
                    category.span(),
                    format!(
                        "line {code}: {scheme} has no category {:?} (its categories: {})",
                        category.get_ref(),
                        known.join(", ")
                    ),
                );
            }
            out.insert(scheme.clone(), category.get_ref().clone());
        }
        out
    }

    fn revisions(
        &mut self,
        code: &str,
        line: &RawLine,
        original: &[(String, Decimal)],
        donors: &[Donor],
        (precision, currency): (u32, &str),
        project_start: NaiveDate,
    ) -> Vec<Revision> {
        let mut out: Vec<Revision> = Vec::new();
        let mut shares = original.to_vec();
        for r in &line.revisions {
            let r = r.get_ref();
            let date = r.date.get_ref().0;
            if date < project_start {
                // In force before the project starts, it would hide the original budget.
                self.error(
                    r.date.span(),
                    format!(
                        "line {code}: the revision of {date} is dated before the project starts ({project_start})"
                    ),
                );
            }
            if let Some(prev) = out.last()
                && date <= prev.date
            {
                self.error(
                    r.date.span(),
                    format!(
                        "line {code}: revisions must be in date order ({date} is not after {})",
                        prev.date
                    ),
                );
            }
            let amount = r.amount.get_ref().0;
            if amount.is_sign_negative() && !amount.is_zero() {
                self.error(
                    r.amount.span(),
                    format!("line {code}: the revised budget {amount} is negative"),
                );
            }
            if !fits_precision(amount, precision) {
                self.error(r.amount.span(), format!("line {code}: {amount} {currency} has more decimals than {currency} allows ({precision})"));
            }
            if let Some(raw) = &r.shares {
                shares = self.shares(code, raw, donors);
            }
            out.push(Revision {
                date,
                amount,
                shares: shares.clone(),
                note: r.note.clone(),
            });
        }
        out
    }

    fn agreements(
        &mut self,
        raw: &[Spanned<RawAgreement>],
        donors: &[Donor],
        lines: &[BudgetLine],
        precision_of: &dyn Fn(&str) -> Option<u32>,
    ) -> Vec<Agreement> {
        let mut out: Vec<Agreement> = Vec::new();
        for spanned in raw {
            let a = spanned.get_ref();
            let reference = a.reference.get_ref().clone();
            if reference.trim().is_empty() {
                self.error(a.reference.span(), "an agreement needs a reference number");
            }
            if out.iter().any(|x| x.reference == reference) {
                self.error(
                    a.reference.span(),
                    format!("agreement {reference} is declared twice"),
                );
            }
            let donor = a.donor.get_ref().clone();
            if !donors.iter().any(|d| d.id == donor) {
                self.error(
                    a.donor.span(),
                    format!("agreement {reference}: undeclared donor {donor:?}"),
                );
            }
            let currency = a.currency.get_ref().clone();
            let precision = precision_of(&currency);
            if precision.is_none() {
                self.error(a.currency.span(), format!("agreement {reference}: currency {currency} has no known precision; declare it under [commodities.{currency}]"));
            }
            let ceiling = a.ceiling.get_ref().0;
            if ceiling.is_sign_negative() && !ceiling.is_zero() {
                self.error(
                    a.ceiling.span(),
                    format!("agreement {reference}: the ceiling {ceiling} {currency} is negative"),
                );
            } else if precision.is_some_and(|p| !fits_precision(ceiling, p)) {
                self.error(a.ceiling.span(), format!("agreement {reference}: {ceiling} {currency} has more decimals than {currency} allows"));
            }
            let (start, end) = (a.start.get_ref().0, a.end.get_ref().0);
            if end < start {
                self.error(
                    a.end.span(),
                    format!("agreement {reference} ends ({end}) before it starts ({start})"),
                );
            }
            let template = a.template.get_ref().clone();
            if !self.templates.contains(&template) {
                self.error(
                    a.template.span(),
                    format!(
                        "agreement {reference}: no donor template named {template:?} (known: {})",
                        self.templates.join(", ")
                    ),
                );
            }
            let currency_rule = match &a.currency_rule {
                None if currency == "EUR" || precision == Some(0) && currency.starts_with("XO") => {
                    CurrencyRule::Peg
                }
                None => CurrencyRule::Monthly,
                Some(r) => match r.get_ref().as_str() {
                    "peg" if currency == "EUR" || currency == "XOF" => CurrencyRule::Peg,
                    "peg" => {
                        self.error(r.span(), format!("agreement {reference}: the peg applies to EUR, not {currency}; use \"received\" or \"monthly\""));
                        CurrencyRule::Peg
                    }
                    "received" => CurrencyRule::Received,
                    "monthly" => CurrencyRule::Monthly,
                    other => {
                        self.error(r.span(), format!("agreement {reference}: unknown currency rule {other:?} (peg, received or monthly)"));
                        CurrencyRule::Monthly
                    }
                },
            };
            let mut tranches = Vec::new();
            for t in &a.tranches {
                let t = t.get_ref();
                let amount = t.amount.get_ref().0;
                if amount.is_sign_negative() || amount.is_zero() {
                    self.error(
                        t.amount.span(),
                        format!(
                            "agreement {reference}: a tranche must be above zero, not {amount}"
                        ),
                    );
                }
                tranches.push(Tranche {
                    date: t.date.0,
                    amount,
                });
            }
            let psc = a.psc.as_ref().map(|p| {
                let r = p.get_ref();
                let rate = r.rate.get_ref().0;
                if rate.is_sign_negative() || rate > Decimal::ONE_HUNDRED {
                    self.error(
                        r.rate.span(),
                        format!("agreement {reference}: PSC rate {rate}% is not between 0 and 100"),
                    );
                }
                if !lines.iter().any(|l| &l.code == r.line.get_ref()) {
                    self.error(
                        r.line.span(),
                        format!(
                            "agreement {reference}: PSC line {:?} is not a budget line",
                            r.line.get_ref()
                        ),
                    );
                }
                for (field, value) in [(&r.account, "account"), (&r.counter, "counter")] {
                    if field.get_ref().trim().is_empty() {
                        self.error(
                            field.span(),
                            format!("agreement {reference}: PSC {value} account is empty"),
                        );
                    }
                }
                if r.base.is_empty() {
                    self.error(
                        p.span(),
                        format!("agreement {reference}: the PSC base lists no accounts"),
                    );
                }
                PscRule {
                    rate,
                    base: r.base.clone(),
                    line: r.line.get_ref().clone(),
                    account: r.account.get_ref().clone(),
                    counter: r.counter.get_ref().clone(),
                }
            });
            let flexibility = a.flexibility.as_ref().map(|f| {
                let r = f.get_ref();
                let percent = r.percent.get_ref().0;
                if percent.is_sign_negative() || percent > Decimal::ONE_HUNDRED {
                    self.error(r.percent.span(), format!("agreement {reference}: flexibility {percent}% is not between 0 and 100"));
                }
                let level = match r.level.get_ref().as_str() {
                    "heading" => FlexLevel::Heading,
                    "line" => FlexLevel::Line,
                    other => {
                        self.error(r.level.span(), format!("agreement {reference}: flexibility level {other:?} must be \"heading\" or \"line\""));
                        FlexLevel::Line
                    }
                };
                Flexibility { percent, level }
            });
            if let Some(other) = out
                .iter()
                .find(|x| x.donor == donor && x.start <= end && start <= x.end)
            {
                self.error(
                    a.start.span(),
                    format!(
                        "agreements {} and {reference} of {donor} overlap in time; spending could not be attributed",
                        other.reference
                    ),
                );
            }
            out.push(Agreement {
                reference,
                donor,
                currency,
                ceiling,
                start,
                end,
                tranches,
                psc,
                flexibility,
                template,
                currency_rule,
                pos: Some(span_pos(self.text, self.file, spanned.span())),
            });
        }
        out
    }
}

/// Tag values are written after `key: ` in the journal and must survive both readers.
fn valid_tag_value(s: &str) -> bool {
    !s.is_empty() && !s.contains(|c: char| c.is_whitespace() || c == ',' || c == ':' || c == ';')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[project]
code = "T"
name_fr = "Test"
currency = "XOF"
start = 2017-01-01
end = 2017-12-31
budget = 1000

[[donors]]
id = "EU"
name_fr = "UE"
currency = "EUR"

[[donors]]
id = "NL"
name_fr = "Pays-Bas"
currency = "EUR"

[[lines]]
code = "1.1"
name_fr = "Salaires"
amount = 1000
shares = { NL = 40, EU = "60" }
"#;

    #[test]
    fn reads_a_valid_project_with_shares_in_donor_order() {
        let p = parse_project(GOOD, FileId(0)).unwrap();
        assert_eq!(p.lines[0].shares[0].0, "EU");
        assert_eq!(p.lines[0].shares[0].1, Decimal::from(60));
        assert_eq!(p.precision("XOF"), None);
        assert_eq!(p.start.to_string(), "2017-01-01");
    }

    #[test]
    fn floats_are_refused_for_amounts() {
        let text = GOOD.replace("amount = 1000", "amount = 1000.5");
        let errs = parse_project(&text, FileId(0)).unwrap_err();
        assert!(errs[0].message.contains("floating-point"), "{:?}", errs[0]);
        assert_eq!(
            errs[0].text_pos().unwrap().line,
            22,
            "0-based line of `amount = 1000.5`"
        );
    }

    #[test]
    fn shares_must_sum_to_one_hundred() {
        let text = GOOD.replace("EU = \"60\"", "EU = 50");
        let errs = parse_project(&text, FileId(0)).unwrap_err();
        assert!(errs[0].message.contains("add up to 90%"), "{:?}", errs[0]);
    }
}
