//! `fundledger import FILE --rules RULES`: a spreadsheet into the journal, checked, all
//! or nothing. Exit 0 when everything new went in (or nothing was new), 1 when rows
//! have problems (nothing written, or with `--rejects` only the good rows), 2 when the
//! import cannot run (no ledger, a bad rules file, a file that is not a readable
//! spreadsheet).

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use super::{Outcome, UsageError, print_diagnostics, source};
use crate::books::{Books, Source};
use crate::cli::{Cli, ImportArgs};
use crate::diag::{self, Renderer};
use crate::fsio::{LedgerLock, append_to_journal};
use crate::import::{self, PlanError, Planning, Request, archive, rejects, validate};
use crate::model::Project;
use crate::read::journal::LoadOptions;
use crate::read::rules::read_rules;
use crate::read::sheet::{FileKind, Limits};
use crate::render::amount::group;
use crate::render::labels;
use crate::render::table::{Align, Table};
use crate::report::imported::totals;
use crate::source::{CellPos, Location, SourceMap};

/// Rows from which a progress bar is worth showing.
const PROGRESS_FROM: u32 = 10_000;

/// Runs an import.
///
/// # Errors
/// When the import cannot run at all (exit 2).
pub fn run(cli: &Cli, args: &ImportArgs) -> anyhow::Result<Outcome> {
    let dir = match source(cli) {
        Source::Ledger(d) => d,
        Source::Journal(_) => {
            return Err(UsageError(
                "import writes to a ledger directory: use -L DIR (with project.toml), not -f"
                    .into(),
            )
            .into());
        }
    };
    check_arguments(args)?;
    let mut early = SourceMap::default();
    let rules_id = early.add(&args.rules);
    let mut rules = match read_rules(&args.rules, rules_id) {
        Ok(r) => r,
        Err(problems) => {
            let mut err = io::stderr().lock();
            let mut renderer = Renderer::new(&early);
            for d in &problems {
                renderer.render(d, &mut err)?;
            }
            return Err(UsageError(format!(
                "the rules file {} has {} problem{}",
                args.rules.display(),
                problems.len(),
                plural(problems.len())
            ))
            .into());
        }
    };
    // The file is read whole for its digest: refuse a huge one before that.
    let limits = Limits::default();
    if let Ok(meta) = std::fs::metadata(&args.spreadsheet)
        && meta.len() > limits.max_file_bytes
    {
        return Err(UsageError(format!(
            "{} is too large to import: {} MiB, above the limit of {} MiB",
            args.spreadsheet.display(),
            meta.len() >> 20,
            limits.max_file_bytes >> 20
        ))
        .into());
    }
    let archived = archive::prepare(&args.spreadsheet)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", args.spreadsheet.display())))?;

    // Writers queue here: the books are read, checked and appended to under one lock.
    let _lock = if args.dry_run {
        None
    } else {
        Some(
            LedgerLock::acquire(&dir)
                .map_err(|e| UsageError(format!("cannot lock {}: {e}", dir.display())))?,
        )
    };
    let mut books = {
        let _t = crate::timing::stage("open books");
        Books::open(&Source::Ledger(dir.clone()), &LoadOptions::from_env())?
    };
    let existing = {
        let _t = crate::timing::stage("check books");
        validate::existing(&books)
    };
    // Not locked: the reading thread may print too (timings), and must not wait on us.
    let mut err = io::stderr();
    let Some(project) = books
        .project
        .clone()
        .filter(|_| existing.blocking.is_empty())
    else {
        let mut blocking = existing.blocking;
        diag::sort(&mut blocking);
        print_diagnostics(&books, &blocking, args.max_errors, &mut err)?;
        writeln!(
            err,
            "fundledger import: the books have {} error{}; fix them first (`fundledger check` lists them); nothing imported",
            blocking.len(),
            plural(blocking.len())
        )?;
        return Ok(Outcome::Problems);
    };
    let journal_path = dir.join(&project.journal);
    let file_id = books.journal.sources.add(&args.spreadsheet);
    rules.file = books.journal.sources.add(&args.rules);

    let bar: RefCell<Option<ProgressBar>> = RefCell::new(None);
    let terminal = io::stderr().is_terminal();
    let progress = |row: u32, claimed: Option<u32>| {
        if !terminal {
            return;
        }
        let mut bar = bar.borrow_mut();
        if bar.is_none() && (claimed.unwrap_or(0) >= PROGRESS_FROM || row >= PROGRESS_FROM) {
            let pb = match claimed {
                Some(n) => ProgressBar::new(u64::from(n)).with_style(
                    ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} rows ({eta})")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                ),
                None => ProgressBar::new_spinner(),
            };
            *bar = Some(pb.with_prefix("import"));
        }
        if let Some(pb) = bar.as_ref() {
            pb.set_position(u64::from(row) + 1);
        }
    };
    let request = Request {
        path: &args.spreadsheet,
        sheet: args.sheet.as_deref(),
        source: archived.relative.clone(),
        keep_rejected: args.rejects.is_some(),
        limits,
        journal_has_decimal_mark: declares_decimal_mark(&journal_path),
        progress: &progress,
    };
    let planned = {
        let _t = crate::timing::stage("read sheet");
        import::plan(&project, &books.journal, &rules, file_id, &request)
    };
    if let Some(pb) = bar.borrow_mut().take() {
        pb.finish_and_clear();
    }
    let mut planning = match planned {
        Ok(p) => p,
        Err(PlanError::Sheet(e)) => return Err(UsageError(e.to_string()).into()),
        Err(PlanError::Rules(problems)) => {
            print_diagnostics(&books, &problems, 0, &mut err)?;
            return Err(UsageError(format!(
                "the rules file {} does not fit this ledger",
                args.rules.display()
            ))
            .into());
        }
    };
    diag::sort(&mut planning.errors);
    diag::sort(&mut planning.warnings);
    print_diagnostics(&books, &planning.warnings, args.max_errors, &mut err)?;
    let partial = args.rejects.is_some() && planning.header.is_some();
    if !planning.errors.is_empty() {
        print_diagnostics(&books, &planning.errors, args.max_errors, &mut err)?;
        if planning.header.is_none() {
            writeln!(
                err,
                "fundledger import: no header row found; nothing imported"
            )?;
        } else if !partial {
            writeln!(
                err,
                "fundledger import: {} problem{} in {} row{}; nothing imported (fix them, or use --rejects OUT.xlsx to import the good rows)",
                planning.errors.len(),
                plural(planning.errors.len()),
                planning.counts.rejected,
                plural(usize::try_from(planning.counts.rejected).unwrap_or(2))
            )?;
        }
        if !partial {
            print_summary(
                cli,
                args,
                &planning,
                &project,
                &archived.relative,
                Written::Nothing,
            )?;
            return Ok(Outcome::Problems);
        }
    }

    if !planning.text.is_empty() {
        let _t = crate::timing::stage("check import");
        let sheet = planning.sheet.clone();
        let at_row = |row: u32| {
            Location::Cell(CellPos {
                file: file_id,
                sheet: sheet.clone(),
                row,
                col: 0,
            })
        };
        let name = PathBuf::from(format!("{} (import)", args.spreadsheet.display()));
        let mut combined =
            validate::combined(&mut books, &planning.text, &name, &existing, &at_row);
        diag::sort(&mut combined.errors);
        print_diagnostics(&books, &combined.warnings, args.max_errors, &mut err)?;
        if !combined.errors.is_empty() {
            print_diagnostics(&books, &combined.errors, args.max_errors, &mut err)?;
            writeln!(
                err,
                "fundledger import: with these rows the books would have {} error{}; nothing imported",
                combined.errors.len(),
                plural(combined.errors.len())
            )?;
            return Ok(Outcome::Problems);
        }
    }
    drop(books);
    let outcome = if planning.counts.rejected > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    };
    if args.dry_run {
        let mut out = io::BufWriter::new(io::stdout().lock());
        out.write_all(planning.text.text.trim_start_matches('\n').as_bytes())?;
        if !planning.text.is_empty() {
            writeln!(out)?;
        }
        out.flush()?;
        drop(out);
        print_summary(
            cli,
            args,
            &planning,
            &project,
            &archived.relative,
            Written::DryRun,
        )?;
        return Ok(outcome);
    }
    if let Some(path) = &args.rejects {
        rejects::write(
            path,
            &planning.sheet,
            planning.header.as_ref(),
            &planning.rejected,
        )?;
    }
    let written = if planning.text.is_empty() {
        Written::Nothing
    } else {
        let _t = crate::timing::stage("write");
        archived.keep(&dir).map_err(|e| {
            UsageError(format!(
                "cannot keep a copy of the file in {}: {e}",
                dir.join("sources").display()
            ))
        })?;
        append_to_journal(&journal_path, &planning.text.text)
            .map_err(|e| UsageError(format!("cannot write {}: {e}", journal_path.display())))?;
        Written::Appended(journal_path)
    };
    print_summary(cli, args, &planning, &project, &archived.relative, written)?;
    Ok(outcome)
}

fn check_arguments(args: &ImportArgs) -> Result<(), UsageError> {
    if args.sheet.is_some() && FileKind::from_path(&args.spreadsheet) == Some(FileKind::Csv) {
        return Err(UsageError("--sheet: a CSV file has no sheets".into()));
    }
    if let Some(out) = &args.rejects {
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if ext.as_deref() != Some("xlsx") {
            return Err(UsageError(format!(
                "--rejects {}: the rejects file is an .xlsx workbook",
                out.display()
            )));
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(UsageError(format!(
                "--rejects {}: no directory {}",
                out.display(),
                parent.display()
            )));
        }
    }
    Ok(())
}

/// True when the journal has a `decimal-mark` directive (else the import adds one).
/// Read line by line, stopping at the directive (normally on the first lines).
fn declares_decimal_mark(journal: &Path) -> bool {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(journal) else {
        return false;
    };
    let mut reader = io::BufReader::new(file);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return false,
            Ok(_) if line.trim_ascii_start().starts_with(b"decimal-mark") => return true,
            Ok(_) => {}
        }
    }
}

enum Written {
    Nothing,
    DryRun,
    Appended(PathBuf),
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The summary: counts by fate, what was written, totals per donor and line.
fn print_summary(
    cli: &Cli,
    args: &ImportArgs,
    p: &Planning,
    project: &Project,
    archived: &str,
    written: Written,
) -> anyhow::Result<()> {
    let c = &p.counts;
    let mut s = String::new();
    let header = p
        .header
        .as_ref()
        .map(|h| format!(", header on row {}", u64::from(h.row) + 1))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "import {}, sheet «{}»{header}, rules {}",
        args.spreadsheet.display(),
        p.sheet,
        args.rules.display()
    );
    let skipped = c.blank + c.totals + c.repeated_headers + c.notes + c.already_imported;
    let _ = writeln!(s, "  rows read         {:>9}", c.read);
    let _ = writeln!(s, "  imported          {:>9}", c.imported);
    let _ = writeln!(
        s,
        "  skipped           {skipped:>9}   blank {}, totals {}, repeated header {}, notes {}, already imported {}",
        c.blank, c.totals, c.repeated_headers, c.notes, c.already_imported
    );
    let _ = writeln!(s, "  rejected          {:>9}", c.rejected);
    let precision = Some(p.precision);
    let amount = |d: rust_decimal::Decimal| format!("{} {}", group(d, precision), p.commodity);
    let imported_total = p.shares.sum;
    match &written {
        Written::Nothing if c.imported == 0 && c.rejected == 0 && c.already_imported > 0 => {
            let _ = writeln!(s, "nothing new: every row is already in the journal");
        }
        Written::Nothing => {
            let _ = writeln!(s, "nothing written");
        }
        Written::DryRun => {
            let _ = writeln!(
                s,
                "dry run: {} transaction{} ({}) would be imported; nothing written",
                c.imported,
                plural(usize::try_from(c.imported).unwrap_or(2)),
                amount(imported_total)
            );
        }
        Written::Appended(path) => {
            let _ = writeln!(
                s,
                "appended {} transaction{} ({}) to {}; the file is kept as {archived}",
                c.imported,
                plural(usize::try_from(c.imported).unwrap_or(2)),
                amount(imported_total),
                path.display()
            );
        }
    }
    if let Some(out) = &args.rejects
        && !matches!(written, Written::DryRun)
        && p.header.is_some()
    {
        let _ = writeln!(s, "rejected rows written to {}", out.display());
    }
    if c.imported > 0 && !matches!(written, Written::Nothing) {
        let sh = &p.shares;
        let t = totals(&sh.donor, &sh.line, &sh.units, p.precision, sh.sum)?;
        let lang = cli.lang;
        let mut by_donor = Table::new(&[
            (labels::DONOR.get(lang), Align::Left),
            (labels::AMOUNT.get(lang), Align::Right),
        ]);
        for (d, a) in &t.by_donor {
            let id = project
                .donors
                .get(*d as usize)
                .map_or("?", |d| d.id.as_str());
            by_donor.push(vec![id.to_string(), amount(*a)]);
        }
        by_donor.push(vec![labels::TOTAL.get(lang).to_string(), amount(t.total)]);
        let mut by_line = Table::new(&[
            (labels::LINE.get(lang), Align::Left),
            (labels::AMOUNT.get(lang), Align::Right),
        ]);
        for (l, a) in &t.by_line {
            let code = project
                .lines
                .get(*l as usize)
                .map_or("?", |l| l.code.as_str());
            by_line.push(vec![code.to_string(), amount(*a)]);
        }
        by_line.push(vec![labels::TOTAL.get(lang).to_string(), amount(t.total)]);
        s.push('\n');
        s.push_str(&by_donor.to_text());
        s.push('\n');
        s.push_str(&by_line.to_text());
    }
    let mut out = io::stdout().lock();
    out.write_all(s.as_bytes())?;
    Ok(())
}
