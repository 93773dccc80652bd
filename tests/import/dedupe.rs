//! No duplicates, ever: re-importing a file changes nothing; a later export that
//! repeats rows imports only the new ones; identical rows in one file are distinct.

use super::{
    C, assert_check_passes, bank_rules, d, fr_rules, french_ledger, import, journal, n,
    sample_copy, t, write_xlsx,
};
use crate::import::layouts::statement;

fn keys(journal: &str) -> usize {
    journal.matches("; import-key: ").count()
}

fn row(day: u8, voucher: &str, what: &str, amount: f64) -> Vec<C> {
    vec![
        d(2017, 11, day),
        t(voucher),
        t(what),
        t("3.2"),
        C::Empty,
        t("A1"),
        n(amount),
    ]
}

#[test]
fn reimporting_the_same_file_is_a_no_op() {
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    write_xlsx(
        &file,
        &[french_ledger(vec![
            row(6, "PV-1", "Traiteur", 100_000.0),
            row(7, "PV-2", "Traiteur", 200_000.0),
        ])],
    );
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    let once = journal(dir.path());
    let sources: Vec<_> = std::fs::read_dir(dir.path().join("sources"))
        .unwrap()
        .collect();
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("already imported 2"), "{out}");
    assert!(
        out.contains("nothing new: every row is already in the journal"),
        "{out}"
    );
    assert_eq!(journal(dir.path()), once, "byte for byte");
    assert_eq!(
        std::fs::read_dir(dir.path().join("sources"))
            .unwrap()
            .count(),
        sources.len()
    );
}

#[test]
fn an_overlapping_export_imports_only_the_new_rows() {
    let dir = sample_copy();
    let october = dir.path().join("octobre.xlsx");
    write_xlsx(
        &october,
        &[french_ledger(vec![
            row(6, "PV-1", "Traiteur", 100_000.0),
            row(7, "PV-2", "Traiteur", 200_000.0),
        ])],
    );
    let (code, _, err) = import(dir.path(), &october, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    // The later export repeats both rows (one with its description corrected, further
    // down the sheet after an inserted title) and adds two.
    let later = dir.path().join("cumul.xlsx");
    let mut sheet = french_ledger(vec![
        row(6, "PV-1", "Traiteur (acompte)", 100_000.0),
        row(7, "PV-2", "Traiteur", 200_000.0),
        row(8, "PV-3", "Traiteur", 300_000.0),
        row(9, "PV-4", "Traiteur", 400_000.0),
    ]);
    sheet.rows.insert(0, vec![t("Cumul au 30 novembre")]);
    write_xlsx(&later, &[sheet]);
    let before = keys(&journal(dir.path()));
    let (code, out, err) = import(dir.path(), &later, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  2"), "{out}");
    assert!(out.contains("already imported 2"), "{out}");
    let j = journal(dir.path());
    assert_eq!(keys(&j), before + 2);
    assert_eq!(j.matches("(PV-1)").count(), 1);
    assert_eq!(j.matches("(PV-3)").count(), 1);
    assert_check_passes(dir.path());
}

#[test]
fn identical_rows_are_distinct_payments() {
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    let same = row(6, "PC-9", "Taxi", 5_000.0);
    write_xlsx(
        &file,
        &[french_ledger(vec![same.clone(), same.clone(), same])],
    );
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  3"), "{out}");
    let j = journal(dir.path());
    assert_eq!(j.matches("(PC-9) Taxi").count(), 3);
    // A later export with a fourth identical row adds one.
    let more = dir.path().join("plus.xlsx");
    let same = row(6, "PC-9", "Taxi", 5_000.0);
    write_xlsx(
        &more,
        &[french_ledger(vec![
            same.clone(),
            same.clone(),
            same.clone(),
            same,
        ])],
    );
    let (code, out, err) = import(dir.path(), &more, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  1"), "{out}");
    assert_eq!(journal(dir.path()).matches("(PC-9) Taxi").count(), 4);
}

#[test]
fn a_payment_in_the_ledger_and_on_the_bank_statement_is_imported_once() {
    let dir = sample_copy();
    let ledger = dir.path().join("depenses.xlsx");
    write_xlsx(
        &ledger,
        &[french_ledger(vec![vec![
            d(2017, 12, 4),
            t("CHQ 1184412"),
            t("Loyer décembre"),
            t("5.1"),
            t("GOV"),
            t("A3"),
            n(1_250_000.0),
        ]])],
    );
    let (code, _, err) = import(dir.path(), &ledger, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    let statement_file = dir.path().join("releve.xlsx");
    write_xlsx(
        &statement_file,
        &[statement(vec![
            vec![
                d(2017, 12, 4),
                t("CHQ 1184412"),
                t("Chèque 1184412"),
                t("5.1"),
                t("A3"),
                n(1_250_000.0),
                C::Empty,
            ],
            vec![
                d(2017, 12, 28),
                t("PRLV 77"),
                t("Frais de tenue de compte"),
                t("7.1"),
                C::Empty,
                n(7_500.0),
                C::Empty,
            ],
        ])],
    );
    let (code, out, err) = import(dir.path(), &statement_file, &bank_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  1"), "{out}");
    assert!(out.contains("already imported 1"), "{out}");
}

#[test]
fn a_corrected_row_of_a_booked_voucher_is_imported_with_a_warning_naming_it() {
    // October's export said 150,000 for PV-7; November's export corrects it to 105,000.
    // The corrected row has a new key (the amount is part of it), so it would be charged
    // a second time: the import goes on (a voucher may have several lines) but says
    // where the booked one is.
    let dir = sample_copy();
    let first = dir.path().join("octobre.xlsx");
    write_xlsx(
        &first,
        &[french_ledger(vec![
            row(6, "PV-7", "Traiteur", 150_000.0),
            row(7, "PV-8", "Salle", 80_000.0),
        ])],
    );
    let (code, out, err) = import(dir.path(), &first, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("already booked"), "{out}{err}");
    let booked_line = journal(dir.path())
        .lines()
        .position(|l| l.contains("(PV-7)"))
        .unwrap()
        + 1;
    let second = dir.path().join("novembre.xlsx");
    write_xlsx(
        &second,
        &[french_ledger(vec![
            row(6, "PV-7", "Traiteur", 105_000.0),
            row(7, "PV-8", "Salle", 80_000.0),
            row(8, "PV-9", "Pause-café", 30_000.0),
        ])],
    );
    let (code, out, err) = import(dir.path(), &second, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  2"), "{out}");
    assert!(out.contains("already imported 1"), "{out}");
    let all = format!("{out}{err}");
    assert_eq!(all.matches("already booked").count(), 1, "{all}");
    assert!(
        all.contains(&format!(
            "voucher PV-7 of 2017-11-06 is already booked (books.journal:{booked_line}, imported from sources/"
        )),
        "{all}"
    );
    assert!(all.contains("novembre.xlsx#Dépenses!B"), "{all}");
}
