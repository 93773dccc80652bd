//! The sample ledger's journal is built by importing the spreadsheets in its
//! `sources/` (written, with the journal, by tests/generators/mali_sample.py): importing
//! them again changes nothing, and importing them into the journal without their
//! transactions gives back the committed journal byte for byte.

use std::path::Path;

use super::{bank_rules, fr_rules, import, journal};
use crate::support::sample;

const WORKBOOKS: [&str; 2] = ["depenses-atelier-2017.xlsx", "releve-bdm-2017-12.xlsx"];

fn rules_for(name: &str) -> std::path::PathBuf {
    if name.starts_with("releve") {
        bank_rules()
    } else {
        fr_rules()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name == ".fundledger.lock" {
            continue;
        }
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(&name));
        } else {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

#[test]
fn importing_the_sample_spreadsheets_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&sample(), dir.path());
    let before = journal(dir.path());
    for name in WORKBOOKS {
        let (code, out, err) = import(
            dir.path(),
            &sample().join("sources").join(name),
            &rules_for(name),
            &[],
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("imported                  0"), "{out}");
        assert!(out.contains("already imported 9"), "{out}");
        assert!(
            out.contains("nothing new: every row is already in the journal"),
            "{out}"
        );
    }
    assert_eq!(journal(dir.path()), before);
}

#[test]
fn importing_the_sample_spreadsheets_rebuilds_the_journal_byte_for_byte() {
    let committed = journal(&sample());
    let cut = committed
        .find("\ntag source\n")
        .expect("the imported block starts by declaring its tags");
    let dir = tempfile::tempdir().unwrap();
    for f in ["project.toml", "prices.journal"] {
        std::fs::copy(sample().join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(dir.path().join("books.journal"), &committed[..cut]).unwrap();
    for name in WORKBOOKS {
        let (code, out, err) = import(
            dir.path(),
            &sample().join("sources").join(name),
            &rules_for(name),
            &[],
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("imported                  9"), "{out}");
    }
    assert!(
        journal(dir.path()) == committed,
        "the rebuilt journal differs from the committed one"
    );
    // The archived copies are the committed ones.
    for e in std::fs::read_dir(dir.path().join("sources")).unwrap() {
        let e = e.unwrap();
        let theirs = std::fs::read(sample().join("sources").join(e.file_name())).unwrap();
        assert_eq!(
            std::fs::read(e.path()).unwrap(),
            theirs,
            "{:?}",
            e.file_name()
        );
    }
}
