//! The optional `[audit]` table of project.toml: what `check --audit` needs beyond the
//! books — the largest cash payment allowed and which accounts are cash — validated
//! with every problem located.
//!
//! ```toml
//! [audit]
//! cash_limit = 1500000              # cash payments above this (functional currency) are flagged
//! cash_accounts = ["assets:cash"]   # cash accounts (and their sub-accounts)
//! ```

use serde::Deserialize;
use toml::Spanned;

use super::{MoneyValue, Validator};
use crate::model::project::AuditSettings;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAudit {
    cash_limit: Option<Spanned<MoneyValue>>,
    cash_accounts: Option<Spanned<Vec<String>>>,
}

impl Validator<'_> {
    /// The `[audit]` table; `precision` is the functional currency's.
    pub(super) fn audit(
        &mut self,
        raw: &RawAudit,
        currency: &str,
        precision: Option<u32>,
    ) -> AuditSettings {
        let cash_limit = raw.cash_limit.as_ref().map(|l| {
            let v = l.get_ref().0;
            if v.is_sign_negative() || v.is_zero() {
                self.error(
                    l.span(),
                    format!("audit.cash_limit must be above zero, not {v}"),
                );
            } else if let Some(p) = precision
                && v.normalize().scale() > p
            {
                self.error(
                    l.span(),
                    format!("audit.cash_limit {v} has more decimals than {currency} ({p})"),
                );
            }
            v
        });
        let cash_accounts = raw.cash_accounts.as_ref().map_or_else(Vec::new, |a| {
            let names: Vec<String> = a.get_ref().iter().map(|n| n.trim().to_string()).collect();
            if names.is_empty() || names.iter().any(|n| n.is_empty() || n.contains("  ")) {
                self.error(
                    a.span(),
                    "audit.cash_accounts must list account names, e.g. [\"assets:cash\"]",
                );
            }
            names
        });
        AuditSettings {
            cash_limit,
            cash_accounts,
        }
    }
}
