//! `fundledger register`: postings in date order with running totals.

use std::io::{self, Write};

use super::{Outcome, filter_spec, open_for_report, precision_of};
use crate::cli::{Cli, RegisterArgs};
use crate::render::output;
use crate::report::register::register_with;

/// Prints the register.
///
/// # Errors
/// When the books cannot be opened, the arguments are wrong, or output fails.
pub fn run(cli: &Cli, args: &RegisterArgs) -> anyhow::Result<Outcome> {
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let rows = register_with(
        &books.journal,
        &filter_spec(&args.filter, &books)?,
        args.source,
    );
    let mut out = io::BufWriter::new(io::stdout().lock());
    output::register(
        &rows,
        args.source,
        args.format,
        cli.lang,
        &precision_of(&books),
        &mut out,
    )?;
    out.flush()?;
    Ok(Outcome::Clean)
}
