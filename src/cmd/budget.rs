//! `fundledger budget`: budget vs actual with flags.

use std::io::{self, Write};

use super::{Outcome, UsageError, open_for_report, require_project};
use crate::cli::{BudgetArgs, Cli};
use crate::render::finance;
use crate::report::budget::{BudgetError, BudgetSpec, budget};
use crate::report::rates::Converter;

/// Prints budget vs actual.
///
/// # Errors
/// No project, an unknown donor or currency, a missing rate, or output failure.
pub fn run(cli: &Cli, args: &BudgetArgs) -> anyhow::Result<Outcome> {
    if let (Some(from), Some(to)) = (args.from, args.to)
        && to < from
    {
        return Err(UsageError(format!("--to {to} is before --from {from}")).into());
    }
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let project = require_project(&books)?;
    if let Some(c) = &args.currency
        && c != &project.currency
        && books.journal.commodities.get(c).is_none()
        && c != "EUR"
    {
        return Err(UsageError(format!(
            "no rate is known for currency {c:?} in these books"
        ))
        .into());
    }
    let converter = Converter::new(&books.journal, project);
    let spec = BudgetSpec {
        donor: args.donor.clone(),
        from: args.from,
        to: args.to,
        currency: args.currency.clone(),
    };
    let report = {
        let _t = crate::timing::stage("budget");
        budget(
            &books.journal,
            project,
            &books.precisions,
            &converter,
            &spec,
            books.dir.as_deref(),
        )
    };
    let report = match report {
        Ok(r) => r,
        Err(BudgetError::UnknownDonor(d)) => {
            let known: Vec<&str> = project.donors.iter().map(|d| d.id.as_str()).collect();
            return Err(UsageError(format!(
                "unknown donor {d:?}; the project's donors are {}",
                known.join(", ")
            ))
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    finance::budget(&report, args.format, cli.lang, &mut out)?;
    out.flush()?;
    Ok(Outcome::Clean)
}
