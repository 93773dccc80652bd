//! `fundledger funds`: fund balances per donor.

use std::io::{self, Write};

use super::{Outcome, UsageError, open_for_report, require_project};
use crate::cli::{Cli, FundsArgs};
use crate::render::finance;
use crate::report::funds::funds;
use crate::report::rates::Converter;

/// Prints fund balances.
///
/// # Errors
/// No project, a period ending before it starts, a missing rate, or output failure.
pub fn run(cli: &Cli, args: &FundsArgs) -> anyhow::Result<Outcome> {
    if let (Some(from), Some(to)) = (args.from, args.to)
        && to < from
    {
        return Err(UsageError(format!("--to {to} is before --from {from}")).into());
    }
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let project = require_project(&books)?;
    let converter = Converter::new(&books.journal, project);
    let rows = funds(
        &books.journal,
        project,
        &books.precisions,
        &converter,
        args.from,
        args.to,
    )?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    finance::funds(&rows, &project.currency, args.format, cli.lang, &mut out)?;
    out.flush()?;
    Ok(Outcome::Clean)
}
