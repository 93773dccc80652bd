//! Sealed periods: a seal records the SHA-256 digest of the canonical text of every
//! transaction dated on or before a date, so any later addition, removal or change in
//! that period is detected and named.
//!
//! On disk, beside the books: `seals.toml` (one `[[seals]]` per seal, with its digest and
//! who sealed it when; a reopened seal keeps its record with who reopened it and why)
//! and `seals/THROUGH.tsv`, the sealed transactions (date, voucher, digest, place), whose
//! own digest is the seal's. Both are written by `fundledger seal`, all or nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::Journal;
use crate::render::journal::write_transaction;

/// The file holding the seals of a ledger directory.
pub const SEALS_FILE: &str = "seals.toml";

/// A transaction as sealed: when, its voucher, the digest of its canonical text, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub date: NaiveDate,
    pub code: String,
    pub digest: String,
    /// `file:line` when sealed (or now), for messages.
    pub place: String,
    /// Index in the journal (current entries only).
    pub index: Option<usize>,
}

/// Who reopened a sealed period, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reopening {
    pub at: String,
    pub by: String,
    pub reason: String,
}

/// One seal as recorded in `seals.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    #[serde(with = "date_text")]
    pub through: NaiveDate,
    /// SHA-256 over the sealed transactions' digests, in journal order.
    pub digest: String,
    pub transactions: usize,
    pub sealed_at: String,
    pub sealed_by: String,
    /// The list of sealed transactions, relative to the ledger directory.
    pub list: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reopened: Option<Reopening>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealsFile {
    #[serde(default)]
    seals: Vec<Seal>,
}

/// A ledger's seals with their lists, as read from disk.
#[derive(Debug, Clone, Default)]
pub struct Seals {
    pub seals: Vec<Seal>,
    /// The sealed entries of each seal (same order as `seals`); `Err` when the list
    /// cannot be read or does not match the seal's digest.
    pub lists: Vec<Result<Vec<Entry>, String>>,
    pub dir: PathBuf,
}

impl Seals {
    /// Seals still in force (not reopened), with their lists.
    pub fn active(&self) -> impl Iterator<Item = (&Seal, &Result<Vec<Entry>, String>)> {
        self.seals
            .iter()
            .zip(&self.lists)
            .filter(|(s, _)| s.reopened.is_none())
    }

    /// The latest date sealed by a seal in force.
    pub fn sealed_through(&self) -> Option<NaiveDate> {
        self.active().map(|(s, _)| s.through).max()
    }
}

/// Why seals cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0} is not a valid seals file: {1}")]
    Invalid(PathBuf, String),
    #[error("cannot write the seal: {0}")]
    Write(#[from] std::io::Error),
}

/// Reads `DIR/seals.toml` and the lists it names (no file: no seals).
///
/// # Errors
/// An unreadable or malformed seals file (a missing or altered list is reported per
/// seal, not as an error here).
pub fn read(dir: &Path) -> Result<Seals, SealError> {
    let path = dir.join(SEALS_FILE);
    if !path.is_file() {
        return Ok(Seals {
            dir: dir.to_path_buf(),
            ..Seals::default()
        });
    }
    let text = std::fs::read_to_string(&path).map_err(|e| SealError::Read(path.clone(), e))?;
    let file: SealsFile = toml::from_str(&text)
        .map_err(|e| SealError::Invalid(path.clone(), e.message().to_string()))?;
    let lists = file
        .seals
        .iter()
        .map(|s| read_list(&dir.join(&s.list), &s.digest))
        .collect();
    Ok(Seals {
        seals: file.seals,
        lists,
        dir: dir.to_path_buf(),
    })
}

fn read_list(path: &Path, digest: &str) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let mut f = line.split('\t');
        let (Some(date), Some(code), Some(d), Some(place)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(format!(
                "{}:{}: expected 4 tab-separated fields",
                path.display(),
                n + 1
            ));
        };
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| format!("{}:{}: bad date", path.display(), n + 1))?;
        entries.push(Entry {
            date,
            code: code.to_string(),
            digest: d.to_string(),
            place: place.to_string(),
            index: None,
        });
    }
    if list_digest(&entries) != digest {
        return Err(format!(
            "{} does not match the digest recorded in {SEALS_FILE}: the list was altered",
            path.display()
        ));
    }
    Ok(entries)
}

/// The digest of every transaction dated on or before `through`, in journal order.
pub fn entries(journal: &Journal, through: NaiveDate) -> Vec<Entry> {
    journal
        .transactions
        .par_iter()
        .enumerate()
        .filter(|(_, t)| t.date <= through)
        .map(|(i, t)| {
            let mut text = String::with_capacity(256);
            write_transaction(journal, t, &mut text);
            let path = journal.sources.path(t.file);
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Entry {
                date: t.date,
                code: journal.str(t.code).to_string(),
                digest: hex(&Sha256::digest(text.as_bytes())),
                place: format!("{name}:{}", t.line + 1),
                index: Some(i),
            }
        })
        .collect()
}

/// The digest of a list of entries.
pub fn list_digest(entries: &[Entry]) -> String {
    let mut h = Sha256::new();
    for e in entries {
        h.update(e.digest.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

/// How the period's transactions differ from the sealed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Differences {
    /// In the books now, not when sealed.
    pub added: Vec<Entry>,
    /// Sealed, no longer in the books.
    pub removed: Vec<Entry>,
    /// Same date and voucher, different content: (now, sealed).
    pub changed: Vec<(Entry, Entry)>,
}

impl Differences {
    /// True when nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares the current entries of a period with the sealed ones.
pub fn compare(current: &[Entry], sealed: &[Entry]) -> Differences {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for e in sealed {
        *counts.entry(&e.digest).or_default() += 1;
    }
    let mut extra = Vec::new();
    for e in current {
        match counts.get_mut(e.digest.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => extra.push(e.clone()),
        }
    }
    let mut missing: Vec<Entry> = Vec::new();
    let mut left: HashMap<&str, usize> = HashMap::new();
    for e in current {
        *left.entry(&e.digest).or_default() += 1;
    }
    for e in sealed {
        match left.get_mut(e.digest.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => missing.push(e.clone()),
        }
    }
    let mut d = Differences::default();
    for e in extra {
        match missing
            .iter()
            .position(|m| m.date == e.date && m.code == e.code && !e.code.is_empty())
        {
            Some(i) => d.changed.push((e, missing.remove(i))),
            None => d.added.push(e),
        }
    }
    d.removed = missing;
    d
}

/// Records a new seal through `through`: writes the list, then `seals.toml`, each
/// atomically (hold the ledger lock).
///
/// # Errors
/// When a file cannot be written.
pub fn write(
    dir: &Path,
    existing: &Seals,
    journal: &Journal,
    through: NaiveDate,
    at: &str,
    by: &str,
    note: Option<String>,
) -> Result<Seal, SealError> {
    let list = entries(journal, through);
    let digest = list_digest(&list);
    let rel = format!("seals/{through}.tsv");
    let mut text = String::from("date\tvoucher\tsha256\twhere\n");
    for e in &list {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            e.date,
            e.code.replace(['\t', '\n'], " "),
            e.digest,
            e.place
        ));
    }
    std::fs::create_dir_all(dir.join("seals"))?;
    crate::fsio::write_atomically(&dir.join(&rel), text.as_bytes())?;
    let seal = Seal {
        through,
        digest,
        transactions: list.len(),
        sealed_at: at.to_string(),
        sealed_by: by.to_string(),
        list: rel,
        note,
        reopened: None,
    };
    let mut all = existing.seals.clone();
    all.push(seal.clone());
    save(dir, &all)?;
    Ok(seal)
}

/// Marks the seals in force through `through` as reopened, recording who, when, why.
///
/// # Errors
/// When `seals.toml` cannot be written.
pub fn reopen(
    dir: &Path,
    existing: &Seals,
    through: NaiveDate,
    reopening: &Reopening,
) -> Result<usize, SealError> {
    let mut all = existing.seals.clone();
    let mut n = 0;
    for s in all
        .iter_mut()
        .filter(|s| s.through == through && s.reopened.is_none())
    {
        s.reopened = Some(reopening.clone());
        n += 1;
    }
    if n > 0 {
        save(dir, &all)?;
    }
    Ok(n)
}

fn save(dir: &Path, seals: &[Seal]) -> Result<(), SealError> {
    let body = toml::to_string(&SealsFile {
        seals: seals.to_vec(),
    })
    .map_err(|e| SealError::Invalid(dir.join(SEALS_FILE), e.to_string()))?;
    let text = format!(
        "# Sealed periods of this ledger, written by `fundledger seal`. Do not edit by hand:\n# `fundledger verify` recomputes every seal; reopening is `fundledger seal --reopen`.\n\n{body}"
    );
    crate::fsio::write_atomically(&dir.join(SEALS_FILE), text.as_bytes())?;
    Ok(())
}

/// `YYYY-MM-DD` in TOML (as a string, so chrono needs no serde feature).
mod date_text {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(serde::de::Error::custom)
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(date: &str, code: &str, digest: &str) -> Entry {
        Entry {
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            code: code.into(),
            digest: digest.into(),
            place: String::new(),
            index: None,
        }
    }

    #[test]
    fn differences_name_added_removed_and_changed() {
        let sealed = vec![
            e("2017-01-01", "A", "1"),
            e("2017-01-02", "B", "2"),
            e("2017-01-03", "C", "3"),
        ];
        let now = vec![
            e("2017-01-01", "A", "1"),
            e("2017-01-02", "B", "9"),
            e("2017-01-04", "D", "4"),
        ];
        let d = compare(&now, &sealed);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].0.code, "B");
        assert_eq!(
            d.added.iter().map(|x| x.code.as_str()).collect::<Vec<_>>(),
            vec!["D"]
        );
        assert_eq!(
            d.removed
                .iter()
                .map(|x| x.code.as_str())
                .collect::<Vec<_>>(),
            vec!["C"]
        );
        assert!(compare(&sealed, &sealed).is_empty());
    }
}
