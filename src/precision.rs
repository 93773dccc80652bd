//! How many decimals each commodity has: declared (project.toml, a `commodity`
//! directive with a sample amount, or ISO 4217 for known currencies), else the most
//! seen in the journal (used only to round costs, as hledger and ledger do).

use crate::model::money::iso_precision;
use crate::model::{CommodityId, Journal, Project};

/// Decimals per commodity.
#[derive(Debug, Clone, Default)]
pub struct Precisions {
    declared: Vec<Option<u32>>,
    observed: Vec<u32>,
}

impl Precisions {
    /// Works out every commodity's precision for `journal` and its optional project.
    pub fn new(journal: &Journal, project: Option<&Project>) -> Self {
        let mut declared = vec![None; journal.commodities.len()];
        for (id, name) in journal.commodities.iter() {
            declared[id.index()] = project
                .and_then(|p| p.precision(name))
                .or_else(|| {
                    journal
                        .directives
                        .commodities
                        .iter()
                        .find(|c| c.commodity == id)
                        .and_then(|c| c.precision)
                })
                .or_else(|| iso_precision(name));
        }
        Precisions {
            declared,
            observed: journal.observed_precision.clone(),
        }
    }

    /// The declared precision, when there is one: amounts must not exceed it.
    pub fn declared(&self, c: CommodityId) -> Option<u32> {
        self.declared.get(c.index()).copied().flatten()
    }

    /// The precision amounts are rounded and shown to.
    pub fn of(&self, c: CommodityId) -> Option<u32> {
        self.declared(c)
            .or_else(|| self.observed.get(c.index()).copied())
    }
}
