//! `fundledger report donor|all`: the donors' financial reports (and the dispatch of
//! `report trial-balance|general-ledger|funds`).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Outcome, UsageError, now, open_for_report, require_project, source};
use crate::books::{Books, Source};
use crate::cli::{AllReportsArgs, Cli, DonorReportArgs, ReportCommand};
use crate::fsio::write_atomically;
use crate::render::{Lang, finance, xlsx};
use crate::report::donor::{DonorReport, DonorReportSpec, donor_report, overlaps};
use crate::report::rates::Converter;

/// Runs a `report` subcommand.
///
/// # Errors
/// No project, a bad period, an unknown donor or template, a missing rate, or a
/// failed write.
pub fn run(cli: &Cli, command: &ReportCommand) -> anyhow::Result<Outcome> {
    match command {
        ReportCommand::Donor(a) => donor(cli, a),
        ReportCommand::All(a) => all(cli, a),
        ReportCommand::TrialBalance(a) => super::ledger::trial_balance(cli, a),
        ReportCommand::GeneralLedger(a) => super::ledger::general_ledger(cli, a),
        ReportCommand::Funds(a) => super::funds::run(cli, a),
    }
}

fn check_period(from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<(), UsageError> {
    if to < from {
        return Err(UsageError(format!("--to {to} is before --from {from}")));
    }
    Ok(())
}

/// The command line that regenerates one donor's workbook.
fn command_line(
    cli: &Cli,
    donor: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    out: &Path,
) -> String {
    let books = match source(cli) {
        Source::Ledger(d) => format!("-L {}", d.display()),
        Source::Journal(f) => format!("-f {}", f.display()),
    };
    let lang = match cli.lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    };
    format!(
        "fundledger {books} --lang {lang} report donor {donor} --from {from} --to {to} -o {}",
        out.display()
    )
}

fn build(
    books: &Books,
    converter: &Converter,
    donor: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    template: Option<String>,
    command: String,
) -> anyhow::Result<DonorReport> {
    let project = require_project(books)?;
    let spec = DonorReportSpec {
        donor: donor.to_string(),
        from,
        to,
        template,
        command,
        generated: now(),
    };
    donor_report(
        &books.journal,
        project,
        &books.precisions,
        converter,
        &spec,
        books.dir.as_deref(),
    )
    .map_err(|e| match e {
        crate::report::donor::DonorReportError::UnknownDonor(..)
        | crate::report::donor::DonorReportError::NoTemplate(_)
        | crate::report::donor::DonorReportError::OutsideAgreements { .. }
        | crate::report::donor::DonorReportError::Template(_) => UsageError(e.to_string()).into(),
        other => other.into(),
    })
}

fn write_workbook(report: &DonorReport, lang: Lang, out: &Path) -> anyhow::Result<()> {
    let bytes = {
        let _t = crate::timing::stage("xlsx");
        xlsx::donor_workbook(report, lang)?
    };
    let _t = crate::timing::stage("write");
    write_atomically(out, &bytes)?;
    Ok(())
}

fn summary(report: &DonorReport, out: &Path) -> String {
    let t = report.transactions_total();
    format!(
        "{}: {} postings, {} {} = {} {} → {}",
        report.donor.id,
        report.transactions.len(),
        crate::render::amount::group(t.functional, Some(0)),
        report.functional,
        crate::render::amount::group(
            t.donor,
            crate::model::money::iso_precision(&report.currency).or(Some(2))
        ),
        report.currency,
        out.display()
    )
}

fn donor(cli: &Cli, args: &DonorReportArgs) -> anyhow::Result<Outcome> {
    check_period(args.from, args.to)?;
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let project = require_project(&books)?;
    let converter = Converter::new(&books.journal, project);
    let out_path = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    let command = command_line(cli, &args.donor, args.from, args.to, &out_path);
    let report = {
        let _t = crate::timing::stage("donor report");
        build(
            &books,
            &converter,
            &args.donor,
            args.from,
            args.to,
            args.template.clone(),
            command,
        )?
    };
    match &args.output {
        Some(out) => {
            write_workbook(&report, cli.lang, out)?;
            writeln!(io::stderr().lock(), "{}", summary(&report, out))?;
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            finance::donor_statement(&report, args.format, cli.lang, &mut out)?;
            out.flush()?;
        }
    }
    Ok(Outcome::Clean)
}

fn all(cli: &Cli, args: &AllReportsArgs) -> anyhow::Result<Outcome> {
    check_period(args.from, args.to)?;
    let Some(books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    let project = require_project(&books)?;
    let converter = Converter::new(&books.journal, project);
    let in_period = |id: &str| {
        project
            .agreements_of(id)
            .any(|a| overlaps(a, args.from, args.to))
    };
    let donors: Vec<&str> = project
        .donors
        .iter()
        .filter(|d| in_period(&d.id))
        .map(|d| d.id.as_str())
        .collect();
    if donors.is_empty() {
        return Err(UsageError(format!(
            "the period {} → {} lies outside every agreement: no donor to report to",
            args.from, args.to
        ))
        .into());
    }
    // Every report is built before any file is written: a failure leaves no workbook.
    let built: Vec<(PathBuf, DonorReport)> = donors
        .par_iter()
        .map(|d| {
            let out = args.output.join(format!(
                "{}-{}-{}-{}.xlsx",
                project.code, d, args.from, args.to
            ));
            let command = command_line(cli, d, args.from, args.to, &out);
            let report = build(&books, &converter, d, args.from, args.to, None, command)?;
            Ok((out, report))
        })
        .collect::<anyhow::Result<_>>()?;
    std::fs::create_dir_all(&args.output).map_err(|e| {
        anyhow::anyhow!("cannot create the directory {}: {e}", args.output.display())
    })?;
    let lines: Vec<anyhow::Result<String>> = built
        .par_iter()
        .map(|(out, report)| {
            write_workbook(report, cli.lang, out)?;
            Ok(summary(report, out))
        })
        .collect();
    let mut err = io::stderr().lock();
    for l in lines {
        writeln!(err, "{}", l?)?;
    }
    let (no_agreement, not_in_period): (Vec<&str>, Vec<&str>) = project
        .donors
        .iter()
        .filter(|d| !donors.contains(&d.id.as_str()))
        .map(|d| d.id.as_str())
        .partition(|d| project.agreements_of(d).next().is_none());
    if !no_agreement.is_empty() {
        writeln!(
            err,
            "no agreement (so no report template) for: {}",
            no_agreement.join(", ")
        )?;
    }
    if !not_in_period.is_empty() {
        writeln!(
            err,
            "no agreement in force between {} and {} for: {}",
            args.from,
            args.to,
            not_in_period.join(", ")
        )?;
    }
    Ok(Outcome::Clean)
}
