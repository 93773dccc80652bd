//! `fundledger seal` and `fundledger verify`: sealed periods.

use std::io::{self, Write};

use super::{Outcome, UsageError, now, print_diagnostics, source, user};
use crate::audit::seal::{self, Reopening, compare, entries};
use crate::books::{Books, Source};
use crate::check;
use crate::cli::{CheckFormat, Cli, SealArgs, VerifyArgs};
use crate::diag;
use crate::fsio::LedgerLock;
use crate::read::journal::LoadOptions;

fn ledger_dir(cli: &Cli) -> Result<std::path::PathBuf, UsageError> {
    match source(cli) {
        Source::Ledger(d) => Ok(d),
        Source::Journal(_) => Err(UsageError(
            "seals live in a ledger directory: use -L DIR, not -f".to_string(),
        )),
    }
}

/// Seals (or reopens) the period through a date.
///
/// # Errors
/// A bare journal, unreadable books, or a failed write (nothing is then changed).
pub fn run(cli: &Cli, args: &SealArgs) -> anyhow::Result<Outcome> {
    let dir = ledger_dir(cli)?;
    let _lock = LedgerLock::acquire(&dir)?;
    let books = Books::open(&Source::Ledger(dir.clone()), &LoadOptions::from_env())?;
    let mut err = io::stderr().lock();
    if args.reopen {
        let reason = args.reason.clone().unwrap_or_default();
        let n = seal::reopen(
            &dir,
            &books.seals,
            args.through,
            &Reopening {
                at: now(),
                by: user(),
                reason,
            },
        )?;
        if n == 0 {
            return Err(UsageError(format!("no seal in force through {}", args.through)).into());
        }
        writeln!(
            err,
            "seal: the period through {} is reopened (recorded in seals.toml)",
            args.through
        )?;
        return Ok(Outcome::Clean);
    }
    // Only books that pass every check can be sealed.
    let mut problems = books.diagnostics.clone();
    problems.extend(check::run(check::FULL, &books.context(false)));
    problems.retain(diag::Diagnostic::is_error);
    if !problems.is_empty() {
        diag::sort(&mut problems);
        print_diagnostics(&books, &problems, 10, &mut err)?;
        writeln!(
            err,
            "seal: the books have {} error(s); nothing was sealed",
            problems.len()
        )?;
        return Ok(Outcome::Problems);
    }
    if books.seals.active().any(|(s, _)| s.through == args.through) {
        writeln!(
            err,
            "seal: the period through {} is already sealed",
            args.through
        )?;
        return Ok(Outcome::Clean);
    }
    let s = seal::write(
        &dir,
        &books.seals,
        &books.journal,
        args.through,
        &now(),
        &user(),
        args.note.clone(),
    )?;
    writeln!(
        err,
        "seal: {} transactions through {} sealed, SHA-256 {} (seals.toml, {})",
        s.transactions, s.through, s.digest, s.list
    )?;
    Ok(Outcome::Clean)
}

/// Recomputes every seal.
///
/// # Errors
/// Unreadable books or output failure.
pub fn verify(cli: &Cli, args: &VerifyArgs) -> anyhow::Result<Outcome> {
    let dir = ledger_dir(cli)?;
    let books = Books::open(&Source::Ledger(dir), &LoadOptions::from_env())?;
    let latest = books.seals.seals.iter().map(|s| s.through).max();
    let all = latest
        .map(|d| entries(&books.journal, d))
        .unwrap_or_default();
    let mut broken = 0;
    let mut report = Vec::new();
    for (s, list) in books.seals.seals.iter().zip(&books.seals.lists) {
        let (status, details) = match list {
            Err(e) => ("broken", vec![e.clone()]),
            Ok(sealed) => {
                let now: Vec<_> = all
                    .iter()
                    .filter(|e| e.date <= s.through)
                    .cloned()
                    .collect();
                let d = compare(&now, sealed);
                let mut lines = Vec::new();
                for (a, b) in &d.changed {
                    lines.push(format!(
                        "changed: {} ({}) now at {}, sealed at {}",
                        a.date, a.code, a.place, b.place
                    ));
                }
                for a in &d.added {
                    lines.push(format!("added: {} ({}) at {}", a.date, a.code, a.place));
                }
                for r in &d.removed {
                    lines.push(format!(
                        "removed: {} ({}) sealed at {}",
                        r.date, r.code, r.place
                    ));
                }
                (if d.is_empty() { "holds" } else { "broken" }, lines)
            }
        };
        let status = if s.reopened.is_some() {
            if status == "holds" {
                "reopened"
            } else {
                "reopened, changed"
            }
        } else {
            status
        };
        if status == "broken" {
            broken += 1;
        }
        report.push((s, status, details));
    }
    let mut out = io::stdout().lock();
    match args.format {
        CheckFormat::Json => {
            let v: Vec<_> = report
                .iter()
                .map(|(s, status, details)| {
                    serde_json::json!({
                        "through": s.through.to_string(), "status": status, "transactions": s.transactions,
                        "digest": s.digest, "sealed_at": s.sealed_at, "sealed_by": s.sealed_by,
                        "reopened": s.reopened.as_ref().map(|r| serde_json::json!({"at": r.at, "by": r.by, "reason": r.reason})),
                        "differences": details,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
        CheckFormat::Text => {
            if report.is_empty() {
                writeln!(out, "verify: no sealed period")?;
            }
            for (s, status, details) in &report {
                writeln!(
                    out,
                    "through {}: {status} — {} transactions, SHA-256 {}…, sealed {} by {}",
                    s.through,
                    s.transactions,
                    &s.digest[..16.min(s.digest.len())],
                    s.sealed_at,
                    s.sealed_by
                )?;
                if let Some(r) = &s.reopened {
                    writeln!(out, "    reopened {} by {}: {}", r.at, r.by, r.reason)?;
                }
                for d in details {
                    writeln!(out, "    {d}")?;
                }
            }
        }
    }
    Ok(if broken > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}
