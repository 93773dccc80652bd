//! The project file's content: the project, its commodities, donors, activities and
//! budget lines with their funding shares. Validated data only; reading is in
//! `read::project`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::source::TextPos;

/// A ledger's project: what is funded, by whom, on which budget lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub code: String,
    pub name_fr: String,
    pub name_en: Option<String>,
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
    /// Where the line is declared in project.toml.
    pub pos: Option<TextPos>,
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

    /// The activity with code `code`.
    pub fn activity(&self, code: &str) -> Option<&Activity> {
        self.activities.iter().find(|a| a.code == code)
    }
}
