//! `fundledger consolidate`: totals across many ledgers (see `export/consolidate.rs`).
//!
//! Ledger directories among the inputs are exported on the fly, one at a time, to
//! Parquet files in a temporary directory (removed at the end), so every input is
//! read the same way: by polars' lazy scans.

use std::io::{self, Write};
use std::path::PathBuf;

use super::{Outcome, UsageError, now, print_diagnostics};
use crate::books::{Books, Source};
use crate::cli::{Cli, ConsolidateArgs, ConsolidateBy};
use crate::diag::{self, Diagnostic};
use crate::export::consolidate::{By, ParquetInput, consolidate, discover};
use crate::export::render::{WorkbookInfo, totals, workbook};
use crate::export::rows::PostingTable;
use crate::export::{Selection, parquet};
use crate::fsio::write_atomically;
use crate::read::journal::LoadOptions;

/// Consolidates the inputs and shows or writes the totals.
///
/// # Errors
/// Bad arguments, an input that is neither a ledger nor a Parquet export, or a failed
/// read or write. A ledger with errors is reported and makes the exit status 1.
pub fn run(cli: &Cli, args: &ConsolidateArgs) -> anyhow::Result<Outcome> {
    let by = match (args.by, &args.scheme) {
        (ConsolidateBy::Category, Some(s)) => By::Category(s.clone()),
        (ConsolidateBy::Category, None) => {
            return Err(UsageError(
                "--by category needs --scheme NAME (eu, undg, netherlands, glo-act, …)".into(),
            )
            .into());
        }
        (_, Some(_)) => {
            return Err(UsageError("--scheme goes with --by category".into()).into());
        }
        (ConsolidateBy::Donor, None) => By::Donor,
        (ConsolidateBy::Country, None) => By::Country,
    };
    let mut files: Vec<PathBuf> = Vec::new();
    let mut ledgers: Vec<PathBuf> = Vec::new();
    for input in &args.inputs {
        if input.is_dir() {
            let (f, l) = discover(input)?;
            files.extend(f);
            ledgers.extend(l);
        } else if input.is_file() && input.extension().is_some_and(|e| e == "parquet") {
            files.push(input.clone());
        } else if input.exists() {
            return Err(UsageError(format!(
                "{}: neither a ledger directory, a Parquet export, nor a directory holding them",
                input.display()
            ))
            .into());
        } else {
            return Err(
                UsageError(format!("{}: no such file or directory", input.display())).into(),
            );
        }
    }
    if files.is_empty() && ledgers.is_empty() {
        return Err(UsageError(
            "no ledger directory (project.toml) or Parquet export found in the inputs".into(),
        )
        .into());
    }

    let mut inputs: Vec<ParquetInput> = files.iter().map(|f| ParquetInput::at(f)).collect();
    let mut listed: Vec<(String, String)> = inputs
        .iter()
        .map(|i| {
            (
                i.path.display().to_string(),
                i.project.clone().unwrap_or_default(),
            )
        })
        .collect();
    let scratch = tempfile::Builder::new()
        .prefix("fundledger-consolidate-")
        .tempdir()?;
    let mut failed = Vec::new();
    for (n, dir) in ledgers.iter().enumerate() {
        let books = Books::open(&Source::Ledger(dir.clone()), &LoadOptions::default())?;
        if books.has_errors() {
            let mut errors: Vec<Diagnostic> = books
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            diag::sort(&mut errors);
            print_diagnostics(&books, &errors, 5, &mut io::stderr().lock())?;
            failed.push(dir.display().to_string());
            continue;
        }
        let table = PostingTable::new(&books, &Selection::default());
        let path = scratch.path().join(format!("ledger-{n:06}.parquet"));
        parquet::write_file(&table, &path)?;
        listed.push((
            dir.display().to_string(),
            table.project.clone().unwrap_or_default(),
        ));
        inputs.push(ParquetInput {
            path,
            project: table.project.clone(),
        });
    }
    if !failed.is_empty() {
        writeln!(
            io::stderr().lock(),
            "fundledger: {} ledger{} with errors, nothing consolidated: {} (`fundledger -L DIR check` lists every problem)",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" },
            failed.join(", ")
        )?;
        return Ok(Outcome::Problems);
    }
    let result = consolidate(&inputs, &by)?;
    drop(scratch);
    match &args.output {
        Some(path) => {
            let info = WorkbookInfo {
                generated: now(),
                command: std::env::args().collect::<Vec<_>>().join(" "),
                inputs: listed,
            };
            let bytes = workbook(&result.totals, &by, &info, cli.lang)?;
            write_atomically(path, &bytes)?;
            writeln!(
                io::stderr().lock(),
                "fundledger consolidate: {} projects, {} postings, {} totals to {}",
                result.projects,
                result.postings,
                result.totals.len(),
                path.display()
            )?;
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            totals(
                &result.totals,
                &by,
                result.projects as usize,
                args.format,
                cli.lang,
                &mut out,
            )?;
            out.flush()?;
        }
    }
    Ok(Outcome::Clean)
}
