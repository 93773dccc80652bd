//! The auditor's toolkit: sealed periods and their verification.

use std::path::Path;

use crate::support::{fundledger, run, s, sample};

/// A copy of the sample ledger to seal and tamper with.
fn copy_of_sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["project.toml", "books.journal", "prices.journal"] {
        std::fs::copy(sample().join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn seal(dir: &Path, through: &str) -> (i32, String, String) {
    run(&[
        "-L",
        s(dir),
        "seal",
        "--through",
        through,
        "--note",
        "clôture semestrielle",
    ])
}

/// Replaces the first occurrence of `from` after line `after` (1-based) in the journal.
fn edit_journal(dir: &Path, from: &str, to: &str) {
    let path = dir.join("books.journal");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in the journal");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

const GUARDING: &str = "2017-02-03 * (PV-2017-0009) Gardiennage des locaux - février 2017\n    ; donor: GOV\n    expenses:62-services-exterieurs:624-entretien                              175,000 XOF\n    ; line: 5.4\n    assets:bank:bdm-xof                                                       -175,000 XOF\n";

#[test]
fn a_seal_holds_until_a_sealed_amount_is_changed_by_hand() {
    let dir = copy_of_sample();
    let (code, _, err) = seal(dir.path(), "2017-06-30");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("transactions through 2017-06-30 sealed"),
        "{err}"
    );
    let (code, out, _) = run(&["-L", s(dir.path()), "verify"]);
    assert_eq!(code, 0);
    assert!(out.contains("through 2017-06-30: holds"), "{out}");
    let (code, _, _) = run(&["-L", s(dir.path()), "check"]);
    assert_eq!(code, 0);

    // Change one amount of a sealed transaction (both sides, so it still balances).
    edit_journal(
        dir.path(),
        GUARDING,
        &GUARDING.replace("175,000", "157,000"),
    );
    let (code, out, _) = run(&["-L", s(dir.path()), "verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("through 2017-06-30: broken"), "{out}");
    assert!(out.contains("changed: 2017-02-03 (PV-2017-0009)"), "{out}");
    let (code, _, err) = run(&["-L", s(dir.path()), "check"]);
    assert_eq!(code, 1);
    assert!(err.contains("error[sealed]: transaction (PV-2017-0009) of 2017-02-03 was changed after the period was sealed through 2017-06-30"), "{err}");
    assert!(err.contains("books.journal:272:1"), "{err}");
}

#[test]
fn transactions_added_or_removed_in_a_sealed_period_are_named() {
    let dir = copy_of_sample();
    seal(dir.path(), "2017-06-30");
    let journal = dir.path().join("books.journal");
    let original = std::fs::read_to_string(&journal).unwrap();
    let extra = "\n2017-03-15 * (PC-9999) Fournitures oubliées\n    ; donor: GOV\n    expenses:60-achats:6047-fournitures-bureau    1,000 XOF\n    ; line: 4.2\n    income:71-subventions:7181-etat    -1,000 XOF\n";
    std::fs::write(&journal, format!("{original}{extra}")).unwrap();
    let (code, _, err) = run(&["-L", s(dir.path()), "check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "transaction (PC-9999) of 2017-03-15 is in the period sealed through 2017-06-30"
        ),
        "{err}"
    );
    // The same transaction dated after the sealed period is fine.
    std::fs::write(
        &journal,
        format!("{original}{}", extra.replace("2017-03-15", "2017-07-15")),
    )
    .unwrap();
    let (code, _, err) = run(&["-L", s(dir.path()), "check"]);
    assert_eq!(code, 0, "{err}");
    // Removing a sealed transaction is named too.
    std::fs::write(&journal, original.replacen(GUARDING, "", 1)).unwrap();
    let (_, out, _) = run(&["-L", s(dir.path()), "verify"]);
    assert!(
        out.contains("removed: 2017-02-03 (PV-2017-0009) sealed at books.journal:272"),
        "{out}"
    );
}

#[test]
fn reopening_is_explicit_and_recorded() {
    let dir = copy_of_sample();
    seal(dir.path(), "2017-06-30");
    edit_journal(
        dir.path(),
        GUARDING,
        &GUARDING.replace("175,000", "157,000"),
    );
    let out = fundledger()
        .env("USER", "aminata")
        .env("FUNDLEDGER_NOW", "2018-02-01T10:00:00Z")
        .args([
            "-L",
            s(dir.path()),
            "seal",
            "--reopen",
            "--through",
            "2017-06-30",
            "--reason",
            "correction facture gardiennage (audit 2018)",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seals = std::fs::read_to_string(dir.path().join("seals.toml")).unwrap();
    assert!(
        seals.contains("[seals.reopened]")
            && seals.contains("by = \"aminata\"")
            && seals.contains("correction facture gardiennage"),
        "{seals}"
    );
    let (code, _, _) = run(&["-L", s(dir.path()), "check"]);
    // The changed amount now fails only the bank's balance assertions, not the seal.
    assert_eq!(code, 1);
    let (_, out, _) = run(&["-L", s(dir.path()), "verify"]);
    assert!(
        out.contains("reopened, changed")
            && out.contains("reopened 2018-02-01T10:00:00Z by aminata"),
        "{out}"
    );
    // A reason is required.
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "seal",
        "--reopen",
        "--through",
        "2017-06-30",
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn an_altered_seal_list_is_detected() {
    let dir = copy_of_sample();
    seal(dir.path(), "2017-06-30");
    let list = dir.path().join("seals/2017-06-30.tsv");
    let text = std::fs::read_to_string(&list).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(5);
    std::fs::write(&list, lines.join("\n") + "\n").unwrap();
    let (code, out, _) = run(&["-L", s(dir.path()), "verify"]);
    assert_eq!(code, 1);
    assert!(out.contains("the list was altered"), "{out}");
}

#[test]
fn books_with_errors_cannot_be_sealed() {
    let dir = copy_of_sample();
    edit_journal(dir.path(), "    ; line: 5.4\n", "");
    let (code, _, err) = seal(dir.path(), "2017-06-30");
    assert_eq!(code, 1);
    assert!(
        err.contains("nothing was sealed") && err.contains("error[line-tags]"),
        "{err}"
    );
    assert!(!dir.path().join("seals.toml").exists());
}

#[test]
fn a_crash_while_sealing_leaves_no_half_seal() {
    for step in ["after-temp-write", "before-fsync", "before-rename"] {
        let dir = copy_of_sample();
        let out = fundledger()
            .env("FUNDLEDGER_FAULT", step)
            .args(["-L", s(dir.path()), "seal", "--through", "2017-06-30"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(99), "{step}");
        assert!(
            !dir.path().join("seals.toml").exists(),
            "{step}: seals.toml written"
        );
        let (code, _, err) = run(&["-L", s(dir.path()), "check"]);
        assert_eq!(code, 0, "{step}: {err}");
        let (code, out, _) = run(&["-L", s(dir.path()), "verify"]);
        assert_eq!(code, 0, "{step}");
        assert!(out.contains("no sealed period"), "{out}");
    }
}
