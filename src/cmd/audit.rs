//! `fundledger check --audit`: the anomaly report for an auditor, after the ledger's
//! own checks. Exit 1 when the books have errors or any anomaly is found.

use std::io::{self, Write};

use super::ledger::{check_xlsx_output, heading};
use super::{Outcome, open_for_report, print_diagnostics};
use crate::audit::anomalies::{AuditSpec, audit};
use crate::check;
use crate::cli::{CheckArgs, Cli};
use crate::diag;
use crate::fsio::write_atomically;
use crate::render::{Lang, anomalies};

/// Runs the checks, then the anomaly report.
///
/// # Errors
/// Unreadable books, a missing exchange rate, a failed write.
pub fn run(cli: &Cli, args: &CheckArgs) -> anyhow::Result<Outcome> {
    if let Some(out) = &args.output {
        check_xlsx_output(out)?;
    }
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let mut diagnostics = books.diagnostics.clone();
    diagnostics.extend(check::run(check::FULL, &books.context(args.strict)));
    diag::sort(&mut diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if !diagnostics.is_empty() {
        let mut err = io::stderr().lock();
        print_diagnostics(&books, &diagnostics, args.max_errors, &mut err)?;
        writeln!(
            err,
            "fundledger check: {errors} error(s), {} warning(s)",
            diagnostics.len() - errors
        )?;
    }
    let settings = books.project.as_ref().map(|p| &p.audit);
    let spec = AuditSpec {
        cash_limit: args
            .cash_limit
            .or_else(|| settings.and_then(|s| s.cash_limit)),
        cash_accounts: settings
            .map(|s| s.cash_accounts.clone())
            .unwrap_or_default(),
        ledger_dir: books.dir.clone(),
    };
    let report = {
        let _t = crate::timing::stage("audit");
        audit(
            &books.journal,
            books.project.as_ref(),
            &books.precisions,
            &spec,
        )?
    };
    match &args.output {
        Some(out) => {
            let h = heading(
                cli,
                &books,
                match cli.lang {
                    Lang::Fr => "toutes les écritures".to_string(),
                    Lang::En => "all postings".to_string(),
                },
            );
            let bytes = anomalies::workbook(&report, &h, cli.lang)?;
            write_atomically(out, &bytes)?;
            writeln!(
                io::stderr().lock(),
                "check --audit: {} → {}",
                anomalies::summary(&report, cli.lang),
                out.display()
            )?;
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            anomalies::report(&report, args.format, cli.lang, &mut out)?;
            out.flush()?;
        }
    }
    Ok(if errors > 0 || !report.anomalies.is_empty() {
        crate::cmd::Outcome::Problems
    } else {
        crate::cmd::Outcome::Clean
    })
}
