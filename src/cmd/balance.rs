//! `fundledger balance`: totals per account, by fund, line and activity.

use std::io::{self, Write};

use super::{Outcome, UsageError, filter_spec, open_for_report, precision_of};
use crate::cli::{BalanceArgs, ByArg, Cli};
use crate::model::Dimension;
use crate::render::output;
use crate::report::balance::{BalanceSpec, balance};

/// Prints the balance report.
///
/// # Errors
/// When the books cannot be opened, the arguments are wrong, or output fails.
pub fn run(cli: &Cli, args: &BalanceArgs) -> anyhow::Result<Outcome> {
    check_depth(args.depth)?;
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let mut by = Vec::new();
    for b in &args.by {
        let d = match b {
            ByArg::Account => continue,
            ByArg::Donor => Dimension::Donor,
            ByArg::Line => Dimension::Line,
            ByArg::Activity => Dimension::Activity,
        };
        if !by.contains(&d) {
            by.push(d);
        }
    }
    let spec = BalanceSpec {
        filter: filter_spec(&args.filter, &books)?,
        by,
        depth: args.depth,
        flat: args.flat,
        empty: args.empty,
    };
    let report = {
        let _t = crate::timing::stage("balance");
        balance(&books.journal, &spec)
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    output::balance(
        &report,
        args.flat,
        args.format,
        cli.lang,
        &precision_of(&books),
        &mut out,
    )?;
    out.flush()?;
    Ok(Outcome::Clean)
}

/// `--depth 0` means nothing useful and the peers disagree on it (hledger folds every
/// account into one `...` row, ledger shows nothing): refused rather than read as 1.
fn check_depth(depth: Option<usize>) -> Result<(), UsageError> {
    match depth {
        Some(0) => Err(UsageError(
            "--depth must be 1 or more (1 shows the top-level accounts)".to_string(),
        )),
        _ => Ok(()),
    }
}
