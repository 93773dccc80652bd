//! `fundledger export`: the books for other tools (see `export/`).

use std::io::{self, Write};
use std::path::Path;

use super::{Outcome, UsageError, filter_spec, now, open_for_report};
use crate::books::Books;
use crate::cli::{Cli, ExportArgs, ExportFormat, FilterArgs};
use crate::export::iati::IatiSpec;
use crate::export::rows::PostingTable;
use crate::export::{ExportError, Selection, beancount, iati, journal, parquet, table};
use crate::fsio::write_atomically;

/// Writes the export asked for.
///
/// # Errors
/// Bad arguments (unknown donor, parquet without -o, a project without `[iati]`), or
/// a failed write.
pub fn run(cli: &Cli, args: &ExportArgs) -> anyhow::Result<Outcome> {
    if args.format == ExportFormat::Parquet && args.output.is_none() {
        return Err(UsageError(
            "--format parquet needs -o FILE.parquet (or -o DIR/ for a partitioned export)"
                .to_string(),
        )
        .into());
    }
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let spec = filter_spec(
        &FilterArgs {
            from: args.from,
            to: args.to,
            donor: args.donor.clone(),
            accounts: Vec::new(),
        },
        &books,
    )?;
    let selection = Selection {
        from: spec.from,
        to: spec.to,
        donor: spec.donor,
    };
    match args.format {
        ExportFormat::Parquet => {
            let out = args.output.as_deref().unwrap_or(Path::new("."));
            let table = PostingTable::new(&books, &selection);
            let to_dir = out.is_dir() || out.as_os_str().to_string_lossy().ends_with('/');
            let mut err = io::stderr().lock();
            if to_dir {
                let files = parquet::write_partitioned(&table, out)?;
                writeln!(
                    err,
                    "fundledger export: {} Parquet file{} under {}",
                    files.len(),
                    if files.len() == 1 { "" } else { "s" },
                    out.display()
                )?;
            } else {
                let rows = parquet::write_file(&table, out)?;
                writeln!(
                    err,
                    "fundledger export: {rows} postings to {}",
                    out.display()
                )?;
            }
        }
        ExportFormat::Iati => {
            let bytes = iati::write(
                &books,
                &IatiSpec {
                    generated: now(),
                    selection,
                },
            )
            .map_err(|e| match e {
                ExportError::Missing(m) => anyhow::Error::from(UsageError(m)),
                other => other.into(),
            })?;
            emit(args.output.as_deref(), &bytes)?;
        }
        text => match args.output.as_deref() {
            Some(path) => {
                let mut bytes = Vec::new();
                write_text(&books, &selection, text, &mut bytes)?;
                write_atomically(path, &bytes)?;
            }
            // Streamed: a million postings never sit in memory as text.
            None => {
                let mut out = io::BufWriter::new(io::stdout().lock());
                write_text(&books, &selection, text, &mut out)?;
                out.flush()?;
            }
        },
    }
    Ok(Outcome::Clean)
}

/// The text formats (journals, CSV, JSON) into `out`.
fn write_text(
    books: &Books,
    selection: &Selection,
    format: ExportFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        ExportFormat::Hledger | ExportFormat::Ledger => {
            journal::write(&books.journal, selection, out)
        }
        ExportFormat::Beancount => beancount::write(books, selection, out),
        ExportFormat::Csv => table::write_csv(&PostingTable::new(books, selection), out),
        ExportFormat::Json => table::write_json(&PostingTable::new(books, selection), out),
        ExportFormat::Parquet | ExportFormat::Iati => Ok(()),
    }
}

/// To the file (atomically) or standard output.
fn emit(output: Option<&Path>, bytes: &[u8]) -> io::Result<()> {
    match output {
        Some(path) => write_atomically(path, bytes),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()
        }
    }
}
