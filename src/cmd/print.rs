//! `fundledger print`: the journal in canonical form.

use std::io::{self, Write};

use super::{Outcome, open_for_report};
use crate::cli::{Cli, PrintArgs};
use crate::fsio::write_atomically;
use crate::render::journal::write_journal;

/// Prints the canonical journal to stdout or a file.
///
/// # Errors
/// When the books cannot be opened or the output cannot be written.
pub fn run(cli: &Cli, args: &PrintArgs) -> anyhow::Result<Outcome> {
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    match &args.output {
        Some(path) => {
            let mut text = Vec::new();
            write_journal(&books.journal, &mut text)?;
            write_atomically(path, &text)?;
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            write_journal(&books.journal, &mut out)?;
            out.flush()?;
        }
    }
    Ok(Outcome::Clean)
}
