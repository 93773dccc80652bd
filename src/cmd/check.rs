//! `fundledger check`: every rule, every problem.

use std::io::{self, Write};

use super::{Outcome, print_diagnostics, source};
use crate::books::Books;
use crate::check;
use crate::cli::{CheckArgs, CheckFormat, Cli};
use crate::diag::{self, DiagnosticRecord};
use crate::read::journal::LoadOptions;

/// Runs all checks and reports what they find.
///
/// # Errors
/// When the books cannot be opened or output fails.
pub fn run(cli: &Cli, args: &CheckArgs) -> anyhow::Result<Outcome> {
    if args.audit {
        return super::audit::run(cli, args);
    }
    let books = Books::open(&source(cli), &LoadOptions::from_env())?;
    let mut diagnostics = books.diagnostics.clone();
    {
        let _t = crate::timing::stage("full checks");
        diagnostics.extend(check::run(check::FULL, &books.context(args.strict)));
    }
    diag::sort(&mut diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match args.format {
        CheckFormat::Json => {
            let records: Vec<DiagnosticRecord> = diagnostics
                .iter()
                .map(|d| DiagnosticRecord::new(d, &books.journal.sources))
                .collect();
            let mut out = io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &records)?;
            writeln!(out)?;
        }
        CheckFormat::Text => {
            let mut err = io::stderr().lock();
            print_diagnostics(&books, &diagnostics, args.max_errors, &mut err)?;
            let j = &books.journal;
            let summary = format!(
                "{} transactions, {} postings: {} error{}, {} warning{}",
                j.transactions.len(),
                j.postings.len(),
                errors,
                if errors == 1 { "" } else { "s" },
                warnings,
                if warnings == 1 { "" } else { "s" }
            );
            if errors > 0 {
                writeln!(err, "fundledger check: {summary}")?;
            } else {
                writeln!(io::stdout().lock(), "fundledger check: ok, {summary}")?;
            }
        }
    }
    Ok(if errors > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}
