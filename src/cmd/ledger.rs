//! `fundledger report trial-balance` and `report general-ledger`: the books per
//! account, as a table, CSV, JSON or an XLSX workbook.

use std::io::{self, Write};
use std::path::Path;

use super::{Outcome, UsageError, filter_spec, now, open_for_report, precision_of, source};
use crate::books::Books;
use crate::cli::{Cli, LedgerArgs, LedgerBy};
use crate::fsio::write_atomically;
use crate::render::sheet::Heading;
use crate::render::{Lang, ledger, ledger_xlsx};
use crate::report::ledger::{LedgerSpec, general_ledger as gl_report, trial_balance as tb_report};

/// Checks that `-o` names an .xlsx file in an existing directory.
///
/// # Errors
/// Another extension, or a missing directory.
pub fn check_xlsx_output(out: &Path) -> Result<(), UsageError> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() != Some("xlsx") {
        return Err(UsageError(format!(
            "-o {}: the output is an .xlsx workbook",
            out.display()
        )));
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(UsageError(format!(
            "-o {}: no directory {}",
            out.display(),
            parent.display()
        )));
    }
    Ok(())
}

/// The heading of a workbook: the books (project or journal), the period, the time.
pub fn heading(cli: &Cli, books: &Books, period: String) -> Heading {
    let name = match &books.project {
        Some(p) => {
            let title = match cli.lang {
                Lang::Fr => &p.name_fr,
                Lang::En => p.name_en.as_ref().unwrap_or(&p.name_fr),
            };
            format!("{} — {title}", p.code)
        }
        None => Books::name(&source(cli)).display().to_string(),
    };
    Heading {
        books: name,
        period,
        generated: now(),
    }
}

/// The period in words: `du 01/01/2017 au 31/12/2017`.
pub fn period_words(
    lang: Lang,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> String {
    let d = |x: chrono::NaiveDate| x.format("%d/%m/%Y").to_string();
    match (lang, from, to) {
        (Lang::Fr, Some(f), Some(t)) => format!("du {} au {}", d(f), d(t)),
        (Lang::En, Some(f), Some(t)) => format!("from {} to {}", d(f), d(t)),
        (Lang::Fr, Some(f), None) => format!("à partir du {}", d(f)),
        (Lang::En, Some(f), None) => format!("from {}", d(f)),
        (Lang::Fr, None, Some(t)) => format!("jusqu'au {}", d(t)),
        (Lang::En, None, Some(t)) => format!("through {}", d(t)),
        (Lang::Fr, None, None) => "toutes les écritures".to_string(),
        (Lang::En, None, None) => "all postings".to_string(),
    }
}

fn spec(args: &LedgerArgs, books: &Books) -> Result<LedgerSpec, UsageError> {
    Ok(LedgerSpec {
        filter: filter_spec(&args.filter, books)?,
        by_donor: args.by == Some(LedgerBy::Donor),
        donor_order: books
            .project
            .as_ref()
            .map(|p| p.donors.iter().map(|d| d.id.clone()).collect())
            .unwrap_or_default(),
    })
}

fn decimals_of(books: &Books) -> impl Fn(&str) -> u32 + '_ {
    let p = precision_of(books);
    move |c: &str| p(c).unwrap_or(2)
}

/// `report trial-balance`.
///
/// # Errors
/// Bad arguments, unreadable books, or a failed write.
pub fn trial_balance(cli: &Cli, args: &LedgerArgs) -> anyhow::Result<Outcome> {
    if let Some(out) = &args.output {
        check_xlsx_output(out)?;
    }
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let spec = spec(args, &books)?;
    let tb = tb_report(&books.journal, &books.precisions, &spec);
    match &args.output {
        Some(out) => {
            let h = heading(
                cli,
                &books,
                period_words(cli.lang, spec.filter.from, spec.filter.to),
            );
            let bytes = ledger_xlsx::trial_balance(&tb, &h, cli.lang, &decimals_of(&books))?;
            write_atomically(out, &bytes)?;
            writeln!(
                io::stderr().lock(),
                "{}: {} accounts → {}",
                match cli.lang {
                    Lang::Fr => "balance générale",
                    Lang::En => "trial balance",
                },
                tb.rows.len(),
                out.display()
            )?;
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            ledger::trial_balance(&tb, args.format, cli.lang, &precision_of(&books), &mut out)?;
            out.flush()?;
        }
    }
    Ok(Outcome::Clean)
}

/// `report general-ledger`.
///
/// # Errors
/// Bad arguments, unreadable books, or a failed write.
pub fn general_ledger(cli: &Cli, args: &LedgerArgs) -> anyhow::Result<Outcome> {
    if let Some(out) = &args.output {
        check_xlsx_output(out)?;
    }
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let spec = spec(args, &books)?;
    let gl = gl_report(&books.journal, &books.precisions, &spec);
    match &args.output {
        Some(out) => {
            let h = heading(
                cli,
                &books,
                period_words(cli.lang, spec.filter.from, spec.filter.to),
            );
            let bytes = {
                let _t = crate::timing::stage("xlsx");
                ledger_xlsx::general_ledger(&gl, &h, cli.lang, &decimals_of(&books))?
            };
            write_atomically(out, &bytes)?;
            writeln!(
                io::stderr().lock(),
                "{}: {} accounts, {} postings → {}",
                match cli.lang {
                    Lang::Fr => "grand livre",
                    Lang::En => "general ledger",
                },
                gl.accounts.len(),
                gl.entries(),
                out.display()
            )?;
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            ledger::general_ledger(&gl, args.format, cli.lang, &precision_of(&books), &mut out)?;
            out.flush()?;
        }
    }
    Ok(Outcome::Clean)
}
