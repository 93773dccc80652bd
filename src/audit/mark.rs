//! `reconcile --mark`: the cleared status (`*`) written on the header line of each
//! matched transaction, and nothing else touched. `DATE (CODE) desc` becomes
//! `DATE * (CODE) desc`, `DATE ! desc` becomes `DATE * desc`, a header already `*` is
//! left as it is (so marking again changes nothing). Every edit is planned and checked
//! (the header line is where the journal says, with the transaction's date) before any
//! file is written; each file is then replaced atomically (`fsio::write_atomically`).
//! Transactions of a sealed period are never changed: the plan is refused instead.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::fsio::write_atomically;
use crate::model::{Journal, Status};
use crate::read::journal::date::parse_date;
use crate::report::trail::Trail;

/// The files to rewrite and what changes.
#[derive(Debug, Clone, Default)]
pub struct MarkPlan {
    /// Each file with its new content, in the order of the journal's files.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Transactions (indices) whose status changes.
    pub marked: Vec<usize>,
    /// Matched transactions already cleared.
    pub already: usize,
}

/// Why the matched transactions cannot be marked.
#[derive(Debug, thiserror::Error)]
pub enum MarkError {
    #[error(
        "{} matched transaction(s) are in the period sealed through {through} and are not marked cleared: {}; nothing was marked (reopen the period with `fundledger seal --reopen` to mark them)",
        .places.len(), .places.join(", ")
    )]
    Sealed {
        through: NaiveDate,
        places: Vec<String>,
    },
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error(
        "{place}: expected the header of the transaction of {date} here; the file changed while it was read? nothing was marked"
    )]
    Header { place: String, date: NaiveDate },
}

/// Plans marking `transactions` (indices into the journal) cleared.
///
/// # Errors
/// A transaction to change in a sealed period, an unreadable file, or a header line
/// that is not where the journal says.
pub fn plan(
    journal: &Journal,
    transactions: &[usize],
    sealed_through: Option<NaiveDate>,
) -> Result<MarkPlan, MarkError> {
    let trail = Trail::new(journal);
    let mut plan = MarkPlan::default();
    let to_change: Vec<usize> = transactions
        .iter()
        .copied()
        .filter(|&i| journal.transactions[i].status != Status::Cleared)
        .collect();
    plan.already = transactions.len() - to_change.len();
    if let Some(through) = sealed_through {
        let places: Vec<String> = to_change
            .iter()
            .map(|&i| &journal.transactions[i])
            .filter(|t| t.date <= through)
            .map(|t| {
                let code = journal.str(t.code);
                if code.is_empty() {
                    trail.place(t)
                } else {
                    format!("({code}) {}", trail.place(t))
                }
            })
            .collect();
        if !places.is_empty() {
            return Err(MarkError::Sealed { through, places });
        }
    }
    let mut by_file: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for &i in &to_change {
        by_file
            .entry(journal.transactions[i].file.0)
            .or_default()
            .push(i);
    }
    for (file, txns) in by_file {
        let path = journal
            .sources
            .path(crate::source::FileId(file))
            .to_path_buf();
        let bytes = std::fs::read(&path).map_err(|e| MarkError::Read(path.clone(), e))?;
        let starts = line_starts(&bytes);
        // (offset, what to do), applied from the end so offsets stay valid.
        let mut edits: Vec<(usize, Edit)> = Vec::new();
        for &i in &txns {
            let t = &journal.transactions[i];
            let bad = || MarkError::Header {
                place: trail.place(t),
                date: t.date,
            };
            let start = *starts.get(t.line as usize).ok_or_else(bad)?;
            let edit = header_edit(&bytes, start, t.date).ok_or_else(bad)?;
            edits.push(edit);
        }
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        let mut out = bytes;
        for (at, edit) in edits {
            match edit {
                Edit::Replace => out[at] = b'*',
                Edit::Insert(text) => {
                    out.splice(at..at, text.iter().copied());
                }
            }
        }
        plan.files.push((path, out));
        plan.marked.extend(txns);
    }
    plan.marked.sort_unstable();
    Ok(plan)
}

/// Writes the planned files, each atomically.
///
/// # Errors
/// A write that fails (that file is then unchanged).
pub fn apply(plan: &MarkPlan) -> std::io::Result<()> {
    for (path, bytes) in &plan.files {
        write_atomically(path, bytes)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    /// The `!` at this offset becomes `*`.
    Replace,
    /// These bytes go in at this offset.
    Insert(&'static [u8]),
}

fn line_starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
        .collect()
}

/// The edit that makes the header line starting at `start` cleared; `None` when the
/// line does not start with `date`.
fn header_edit(bytes: &[u8], start: usize, date: NaiveDate) -> Option<(usize, Edit)> {
    let mut i = start;
    if i == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
        i = 3;
    }
    let (d, n) = parse_date(bytes.get(i..)?).ok()?;
    if d != date {
        return None;
    }
    i += n;
    if bytes.get(i) == Some(&b'=') {
        let (_, n2) = parse_date(bytes.get(i + 1..)?).ok()?;
        i += 1 + n2;
    }
    let end_of_dates = i;
    let mut j = i;
    while matches!(bytes.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    let after_mark = |k: usize| matches!(bytes.get(k), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
    match bytes.get(j) {
        Some(b'!') if j > end_of_dates && after_mark(j + 1) => Some((j, Edit::Replace)),
        _ if j > end_of_dates && !matches!(bytes.get(j), None | Some(b'\r' | b'\n')) => {
            Some((j, Edit::Insert(b"* ")))
        }
        _ => Some((end_of_dates, Edit::Insert(b" *"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(line: &str) -> String {
        let d = NaiveDate::from_ymd_opt(2017, 1, 5).unwrap();
        let mut b = line.as_bytes().to_vec();
        match header_edit(&b, 0, d).unwrap() {
            (at, Edit::Replace) => b[at] = b'*',
            (at, Edit::Insert(t)) => {
                b.splice(at..at, t.iter().copied());
            }
        }
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn headers_get_a_star_and_nothing_else_changes() {
        assert_eq!(
            mark("2017-01-05 (PV-1) Achat\n"),
            "2017-01-05 * (PV-1) Achat\n"
        );
        assert_eq!(
            mark("2017-01-05 ! (PV-1) Achat\r\n"),
            "2017-01-05 * (PV-1) Achat\r\n"
        );
        assert_eq!(
            mark("2017/01/05 Achat  ; note\n"),
            "2017/01/05 * Achat  ; note\n"
        );
        assert_eq!(
            mark("2017-01-05=2017-01-07 Achat"),
            "2017-01-05=2017-01-07 * Achat"
        );
        assert_eq!(mark("2017-01-05\n"), "2017-01-05 *\n");
        assert_eq!(mark("2017-01-05\tAchat\n"), "2017-01-05\t* Achat\n");
        assert_eq!(
            mark("\u{feff}2017-01-05 Achat\n"),
            "\u{feff}2017-01-05 * Achat\n"
        );
        assert!(
            header_edit(
                b"2017-01-06 Achat",
                0,
                NaiveDate::from_ymd_opt(2017, 1, 5).unwrap()
            )
            .is_none()
        );
        assert!(
            header_edit(
                b"    assets:bank",
                0,
                NaiveDate::from_ymd_opt(2017, 1, 5).unwrap()
            )
            .is_none()
        );
    }
}
