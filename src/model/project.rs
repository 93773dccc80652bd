//! The project file's content: the project, its commodities, donors, activities and
//! budget lines with their funding shares. Validated data only; reading is in
//! `read::project`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::source::TextPos;

/// A ledger's project: what is funded, by whom, on which budget lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub code: String,
    pub name_fr: String,
    pub name_en: Option<String>,
    /// Who carries out the project and reports (the beneficiary / implementing partner).
    pub beneficiary: Option<String>,
    /// The functional currency the books are kept in (XOF here).
    pub currency: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Total approved budget in the functional currency, when stated.
    pub budget: Option<Decimal>,
    /// Main journal file, relative to the ledger directory.
    pub journal: String,
    pub commodities: Vec<CommodityInfo>,
    pub donors: Vec<Donor>,
    pub activities: Vec<Activity>,
    pub lines: Vec<BudgetLine>,
    pub agreements: Vec<Agreement>,
    /// Recipient country, ISO 3166-1 alpha-2 (`ML`): IATI's recipient-country and
    /// `consolidate --by country`.
    pub country: Option<String>,
    /// How the project is published to IATI (`[iati]` in project.toml), when it is.
    pub iati: Option<Iati>,
    /// What `check --audit` is told (`[audit]` in project.toml).
    pub audit: AuditSettings,
}

/// The `[audit]` table: settings of the anomaly report (`check --audit`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditSettings {
    /// Cash payments above this amount (functional currency) are anomalies.
    pub cash_limit: Option<Decimal>,
    /// Cash accounts (each with its sub-accounts); empty: accounts named `cash`,
    /// `caisse` or `espèces`.
    pub cash_accounts: Vec<String>,
}

/// A commodity's declared precision (decimals), e.g. XOF 0, EUR 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommodityInfo {
    pub code: String,
    pub precision: u32,
    pub name: Option<String>,
}

/// A funding stream (the `donor:` tag value is its `id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Donor {
    pub id: String,
    pub name_fr: String,
    pub name_en: Option<String>,
    pub currency: String,
}

/// A work-plan activity (`activity:` tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub code: String,
    pub name_fr: String,
    pub name_en: Option<String>,
}

/// A budget line (`line:` tag) with its approved amount and funding shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    pub code: String,
    pub name_fr: String,
    pub name_en: Option<String>,
    /// Approved amount in the functional currency.
    pub amount: Decimal,
    /// Donor id and percentage, in the order of the project's donors; they sum to 100.
    pub shares: Vec<(String, Decimal)>,
    /// Activities allowed on this line; when non-empty, postings must name one.
    pub activities: Vec<String>,
    /// The line's category in each donor scheme (template name → category code),
    /// e.g. `eu` → `5` (EU heading 5, other costs and services).
    pub categories: BTreeMap<String, String>,
    /// Later versions of the budget, oldest first; the original stays in `amount`/`shares`.
    pub revisions: Vec<Revision>,
    /// Where the line is declared in project.toml.
    pub pos: Option<TextPos>,
}

/// A budget revision: from `date` on, the line's amount (and shares) are these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub date: NaiveDate,
    pub amount: Decimal,
    /// In the order of the project's donors; the previous shares when not restated.
    pub shares: Vec<(String, Decimal)>,
    pub note: Option<String>,
}

impl BudgetLine {
    /// The amount and shares in force on `date`: the latest revision dated on or before
    /// it, else the original.
    pub fn in_force(&self, date: NaiveDate) -> (Decimal, &[(String, Decimal)]) {
        self.revisions
            .iter()
            .rev()
            .find(|r| r.date <= date)
            .map_or((self.amount, self.shares.as_slice()), |r| {
                (r.amount, r.shares.as_slice())
            })
    }

    /// True when a revision is in force on `date`.
    pub fn revised_on(&self, date: NaiveDate) -> bool {
        self.revisions.iter().any(|r| r.date <= date)
    }
}

/// How amounts in the functional currency are converted for a donor's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrencyRule {
    /// The fixed parity EUR↔XOF 655.957.
    Peg,
    /// The weighted average rate of the tranches actually received.
    Received,
    /// The month's rate from the `P` directives (e.g. UN operational rates, InforEuro).
    Monthly,
}

impl CurrencyRule {
    /// The name used in project.toml.
    pub fn name(self) -> &'static str {
        match self {
            CurrencyRule::Peg => "peg",
            CurrencyRule::Received => "received",
            CurrencyRule::Monthly => "monthly",
        }
    }
}

/// Whether budget flexibility applies between a scheme's headings or per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlexLevel {
    Heading,
    Line,
}

/// A budget flexibility rule: spending may exceed a heading's (or line's) budget in force
/// by this percentage without an addendum (EU 25% between headings, Germany 20% per line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flexibility {
    pub percent: Decimal,
    pub level: FlexLevel,
}

/// Indirect costs / programme support costs charged on eligible direct expenditure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PscRule {
    /// Percent of the base (e.g. 7 for EU actions, 13 the UN standard).
    pub rate: Decimal,
    /// Account name prefixes whose postings form the base.
    pub base: Vec<String>,
    /// Budget line the PSC postings are charged to.
    pub line: String,
    /// Expense account debited with the PSC.
    pub account: String,
    /// Account credited (e.g. a liability to the agency's headquarters).
    pub counter: String,
}

/// An expected tranche of an agreement, in its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tranche {
    pub date: NaiveDate,
    pub amount: Decimal,
}

/// What a donor signed: ceiling, eligibility period, currency rule, PSC, flexibility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    /// The contract reference number.
    pub reference: String,
    pub donor: String,
    pub currency: String,
    /// The most the donor pays, in `currency`.
    pub ceiling: Decimal,
    /// Eligibility period, inclusive.
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub tranches: Vec<Tranche>,
    pub psc: Option<PscRule>,
    pub flexibility: Option<Flexibility>,
    /// The donor report template (templates/donors/NAME.toml).
    pub template: String,
    pub currency_rule: CurrencyRule,
    pub pos: Option<TextPos>,
}

impl Agreement {
    /// True when `date` is inside the eligibility period.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

impl Project {
    /// The declared precision of `commodity`, if the project declares it.
    pub fn precision(&self, commodity: &str) -> Option<u32> {
        self.commodities
            .iter()
            .find(|c| c.code == commodity)
            .map(|c| c.precision)
    }

    /// The donor with id `id`.
    pub fn donor(&self, id: &str) -> Option<&Donor> {
        self.donors.iter().find(|d| d.id == id)
    }

    /// The budget line with code `code`.
    pub fn line(&self, code: &str) -> Option<&BudgetLine> {
        self.lines.iter().find(|l| l.code == code)
    }

    /// The agreements signed by donor `id`, in declaration order.
    pub fn agreements_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Agreement> + 'a {
        self.agreements.iter().filter(move |a| a.donor == id)
    }

    /// The agreement of donor `id` a report dated `date` goes by: the last one begun by
    /// then, else its first (before any has begun); `None` for a donor without one.
    pub fn agreement_at(&self, id: &str, date: NaiveDate) -> Option<&Agreement> {
        let mut agreements = self.agreements.iter().filter(|a| a.donor == id);
        let first = agreements.clone().next();
        agreements.rfind(|a| a.start <= date).or(first)
    }

    /// The activity with code `code`.
    pub fn activity(&self, code: &str) -> Option<&Activity> {
        self.activities.iter().find(|a| a.code == code)
    }
}

/// An organisation as IATI names it: identifier, type and names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiOrg {
    /// IATI organisation identifier (`XM-DAC-41128`), when it has one.
    pub reference: Option<String>,
    /// OrganisationType code (`10` government, `40` multilateral, …), when known.
    pub org_type: Option<String>,
    /// Names; `None` when the organisation is a donor named by the project's `[[donors]]`.
    pub name_fr: Option<String>,
    pub name_en: Option<String>,
}

/// A sector the activity works in, with its share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiSector {
    /// SectorVocabulary code: `1` DAC 5-digit, `2` DAC 3-digit (CRS), …
    pub vocabulary: String,
    pub code: String,
    /// Percent of the activity; the sectors of one vocabulary sum to 100.
    pub percentage: Decimal,
}

/// The `[iati]` table: what an IATI 2.03 activity file needs beyond the books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iati {
    /// The activity identifier: reporting org's ref, a hyphen, the activity's own id.
    pub identifier: String,
    pub reporting_org: IatiOrg,
    /// The implementing organisation (participating-org role 4); the reporting org when absent.
    pub implementing_org: Option<IatiOrg>,
    /// ActivityStatus code, 1–6 (default 2, implementation).
    pub status: u8,
    pub description_fr: Option<String>,
    pub description_en: Option<String>,
    pub sectors: Vec<IatiSector>,
    /// Donor id → its identifier and type as a funding participating-org.
    pub donors: BTreeMap<String, IatiOrg>,
}
