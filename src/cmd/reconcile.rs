//! `fundledger reconcile STATEMENT --rules RULES`: a bank statement matched to a bank
//! account of the books, the reconciliation statement printed (or written as XLSX),
//! and with `--mark` the matched transactions marked cleared, all or nothing, under
//! the ledger lock. Exit 0 when the difference is zero, 1 when it is not (or the
//! statement has rows that cannot be read, or marking is refused), 2 when it cannot
//! run (no ledger, a bad rules file, an unreadable file, an unknown account).

use std::io::{self, Write};

use super::ledger::{check_xlsx_output, heading};
use super::{Outcome, UsageError, open_for_report, print_diagnostics, require_project, source};
use crate::audit::mark;
use crate::audit::reconcile::{ReconcileError, ReconcileSpec, reconcile};
use crate::audit::statement::{StatementError, read_statement};
use crate::books::Source;
use crate::cli::{Cli, ReconcileArgs};
use crate::diag::{self, Renderer};
use crate::fsio::{LedgerLock, write_atomically};
use crate::read::rules::{Purpose, read_rules_for};
use crate::read::sheet::FileKind;
use crate::render::{Lang, reconcile as render};
use crate::source::SourceMap;

/// Runs a reconciliation.
///
/// # Errors
/// When it cannot run at all (exit 2).
pub fn run(cli: &Cli, args: &ReconcileArgs) -> anyhow::Result<Outcome> {
    let dir = match source(cli) {
        Source::Ledger(d) => d,
        Source::Journal(_) => {
            return Err(UsageError(
                "reconcile reads the statement with the project's settings: use -L DIR (with project.toml), not -f"
                    .into(),
            )
            .into());
        }
    };
    if args.sheet.is_some() && FileKind::from_path(&args.statement) == Some(FileKind::Csv) {
        return Err(UsageError("--sheet: a CSV file has no sheets".into()).into());
    }
    if let Some(out) = &args.output {
        check_xlsx_output(out)?;
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && to < from
    {
        return Err(UsageError(format!("--to {to} is before --from {from}")).into());
    }
    let mut early = SourceMap::default();
    let rules_id = early.add(&args.rules);
    let mut rules = match read_rules_for(&args.rules, rules_id, Purpose::Statement) {
        Ok(r) => r,
        Err(problems) => {
            let mut err = io::stderr().lock();
            let mut renderer = Renderer::new(&early);
            for d in &problems {
                renderer.render(d, &mut err)?;
            }
            return Err(UsageError(format!(
                "the rules file {} has {} problem(s)",
                args.rules.display(),
                problems.len()
            ))
            .into());
        }
    };
    // With --mark, the books are read, matched and marked under one lock.
    let _lock = if args.mark {
        Some(
            LedgerLock::acquire(&dir)
                .map_err(|e| UsageError(format!("cannot lock {}: {e}", dir.display())))?,
        )
    } else {
        None
    };
    let Some(mut books) = open_for_report(cli)? else {
        return Ok(Outcome::Problems);
    };
    require_project(&books)?;
    let file = books.journal.sources.add(&args.statement);
    rules.file = books.journal.sources.add(&args.rules);
    let Some(project) = books.project.as_ref() else {
        return Ok(Outcome::Problems);
    };
    let statement = match read_statement(
        project,
        &books.journal,
        &rules,
        file,
        &args.statement,
        args.sheet.as_deref(),
    ) {
        Ok(s) => s,
        Err(StatementError::Sheet(e)) => return Err(UsageError(e.to_string()).into()),
        Err(StatementError::Rules(problems)) => {
            print_diagnostics(&books, &problems, 0, &mut io::stderr().lock())?;
            return Err(UsageError(format!(
                "the rules file {} does not fit this ledger",
                args.rules.display()
            ))
            .into());
        }
        Err(StatementError::Problems(mut problems)) => {
            diag::sort(&mut problems);
            let mut err = io::stderr().lock();
            print_diagnostics(&books, &problems, 50, &mut err)?;
            writeln!(
                err,
                "fundledger reconcile: the statement {} has {} problem(s); nothing reconciled",
                args.statement.display(),
                problems.len()
            )?;
            return Ok(Outcome::Problems);
        }
    };
    let spec = ReconcileSpec {
        account: args
            .account
            .clone()
            .unwrap_or_else(|| rules.payment_account.value.clone()),
        from: args.from,
        to: args.to,
        window: args.window,
        max_parts: args.max_group,
    };
    let r = reconcile(&books.journal, statement, &spec).map_err(|e| match e {
        ReconcileError::UnknownAccount(..)
        | ReconcileError::NoBalance
        | ReconcileError::NoPeriod
        | ReconcileError::BadPeriod { .. } => UsageError(e.to_string()),
    })?;

    match &args.output {
        Some(out) => {
            let h = heading(
                cli,
                &books,
                format!(
                    "{} — {} {}",
                    r.account,
                    match cli.lang {
                        Lang::Fr => "au",
                        Lang::En => "at",
                    },
                    r.to.format("%d/%m/%Y")
                ),
            );
            let bytes = render::workbook(&r, &h, cli.lang)?;
            write_atomically(out, &bytes)?;
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            render::reconciliation(&r, args.format, cli.lang, &mut out)?;
            out.flush()?;
        }
    }
    let mut err = io::stderr().lock();
    let difference = r.difference();
    let p = Some(r.precision);
    if let Some(out) = &args.output {
        writeln!(
            err,
            "{}: {} → {}",
            render::title(cli.lang),
            match cli.lang {
                Lang::Fr => format!(
                    "écart {} {}",
                    crate::render::amount::group(difference, p),
                    r.commodity
                ),
                Lang::En => format!(
                    "difference {} {}",
                    crate::render::amount::group(difference, p),
                    r.commodity
                ),
            },
            out.display()
        )?;
    }
    let mut outcome = if difference.is_zero() {
        Outcome::Clean
    } else {
        let amount = crate::render::amount::group(difference, p);
        writeln!(
            err,
            "fundledger reconcile: {}",
            match cli.lang {
                Lang::Fr => format!("écart de {amount} {} non expliqué", r.commodity),
                Lang::En => format!(
                    "a difference of {amount} {} is left unexplained",
                    r.commodity
                ),
            }
        )?;
        Outcome::Problems
    };
    if args.mark {
        let sealed = books.seals.sealed_through();
        match mark::plan(&books.journal, &r.matched_transactions(), sealed) {
            Err(e @ mark::MarkError::Read(..)) => return Err(UsageError(e.to_string()).into()),
            Err(e) => {
                writeln!(err, "fundledger reconcile --mark: {e}")?;
                outcome = Outcome::Problems;
            }
            Ok(plan) if plan.marked.is_empty() => {
                writeln!(
                    err,
                    "{}",
                    match cli.lang {
                        Lang::Fr => format!(
                            "rien à marquer : les {} écritures rapprochées sont déjà pointées (*)",
                            plan.already
                        ),
                        Lang::En => format!(
                            "nothing to mark: the {} matched transactions are already cleared (*)",
                            plan.already
                        ),
                    }
                )?;
            }
            Ok(plan) => {
                mark::apply(&plan)?;
                let files: Vec<String> = plan
                    .files
                    .iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect();
                writeln!(
                    err,
                    "{}",
                    match cli.lang {
                        Lang::Fr => format!(
                            "{} écritures marquées pointées (*) dans {} ({} l'étaient déjà)",
                            plan.marked.len(),
                            files.join(", "),
                            plan.already
                        ),
                        Lang::En => format!(
                            "{} transactions marked cleared (*) in {} ({} already were)",
                            plan.marked.len(),
                            files.join(", "),
                            plan.already
                        ),
                    }
                )?;
            }
        }
    }
    Ok(outcome)
}
