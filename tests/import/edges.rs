//! What a finance officer's month-end sheets really look like: CSV from an old Mac,
//! amounts written with another currency, notes and signatures under the table, rejected
//! rows fixed and imported again, a rules file naming an unknown commodity. Every refusal
//! is located, exits non-zero and leaves the journal byte for byte as it was.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};

use super::{
    C, Sheet, assert_check_passes, fr_rules, french_ledger, import, journal, n, problems,
    sample_copy, t, write_xlsx,
};
use crate::support::s;

const CSV_HEADER: &str = "Date;N° pièce;Libellé;Ligne budgétaire;Bailleur;Activité;Montant (FCFA)";

/// The `source:` places of the journal's transactions, reduced to `Sheet!A12`.
fn sources(journal: &str) -> Vec<String> {
    journal
        .lines()
        .filter_map(|l| l.trim().strip_prefix("; source: "))
        .map(|p| p.rsplit_once('#').map_or(p, |(_, c)| c).to_string())
        .collect()
}

/// Imports `file`, which must be refused (exit 1) with the journal byte for byte as it
/// was; returns the problems.
fn refused(dir: &Path, file: &Path, rules: &Path) -> Vec<(String, String)> {
    let before = std::fs::read(dir.join("books.journal")).unwrap();
    let (code, out, err) = import(dir, file, rules, &["--max-errors", "0"]);
    assert_eq!(code, 1, "{err}\n{out}");
    assert_eq!(
        std::fs::read(dir.join("books.journal")).unwrap(),
        before,
        "journal unchanged"
    );
    problems(&err)
}

#[test]
fn csv_with_old_mac_line_ends_loses_no_row() {
    // Excel for Mac's "CSV (Macintosh)" ends lines with a lone `\r`; a quoted line
    // break stays inside its row.
    let dir = sample_copy();
    let file = dir.path().join("mac.csv");
    let text = format!(
        "{CSV_HEADER}\r30/10/2017;PV-M1;\"Location salle\ravance\";3.1;;A1;100 000\r31/10/2017;PV-M2;Pause-café;3.2;;A1;20 000\r\r"
    );
    std::fs::write(&file, text).unwrap();
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  2"), "{out}");
    let j = journal(dir.path());
    assert!(j.contains("(PV-M1)") && j.contains("(PV-M2)"), "{j}");
    let places = sources(&j);
    assert_eq!(places[places.len() - 2..], ["mac!A2", "mac!A3"]);
    assert_check_passes(dir.path());
}

#[test]
fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
    // A description on two lines is one row: the next row's problem is at row 4, as
    // Excel and LibreOffice show the file, not at its line 5.
    let dir = sample_copy();
    let file = dir.path().join("octobre.csv");
    let text = format!(
        "{CSV_HEADER}\r\n\r\n30/10/2017;PV-1;\"Salle\r\ngrande\";3.1;;A1;1 000\r\n31/10/2017;PV-2;Taxi;9.9;;A1;2 000\r\n"
    );
    std::fs::write(&file, text).unwrap();
    let found = refused(dir.path(), &file, &fr_rules());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "octobre!D4", "{found:?}");
}

#[test]
fn an_amount_in_another_currency_is_refused() {
    // `1 500 €` in a XOF sheet is a euro invoice: read as 1,500 XOF it would book a
    // 656th of the expense.
    let dir = sample_copy();
    let file = dir.path().join("devises.csv");
    let text = format!(
        "{CSV_HEADER}\n30/10/2017;PV-1;Billet;3.1;;A1;1 500 €\n30/10/2017;PV-2;Hôtel;3.1;;A1;USD 200\n30/10/2017;PV-3;Avoir;3.1;;A1;(75 EUR)\n30/10/2017;PV-4;Salle;3.1;;A1;5 000 F CFA\n30/10/2017;PV-5;Salle;3.1;;A1;5 000 XOF\n"
    );
    std::fs::write(&file, text).unwrap();
    let found = refused(dir.path(), &file, &fr_rules());
    let places: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(
        places,
        ["devises!G2", "devises!G3", "devises!G4"],
        "{found:?}"
    );
    assert!(
        found[0].0.contains(
            "\"1 500 €\" in «Montant (FCFA)» is an amount in EUR: expected an amount in XOF"
        ),
        "{found:?}"
    );
    assert!(found[1].0.contains("in USD"), "{found:?}");
}

#[test]
fn notes_and_signatures_under_the_table_are_skipped() {
    // The closing statement and the signatures sit in column A, the date column.
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    let row = |voucher: &str, amount: f64| {
        vec![
            super::d(2017, 10, 30),
            t(voucher),
            t("Location salle"),
            t("3.1"),
            C::Empty,
            t("A1"),
            n(amount),
        ]
    };
    write_xlsx(
        &file,
        &[french_ledger(vec![
            row("PV-1", 100_000.0),
            row("PV-2", 50_000.0),
            vec![],
            vec![
                t("TOTAL"),
                C::Empty,
                C::Empty,
                C::Empty,
                C::Empty,
                C::Empty,
                n(150_000.0),
            ],
            vec![t(
                "Arrêté le présent état à la somme de cent cinquante mille francs CFA",
            )],
            vec![
                t("Le Comptable"),
                C::Empty,
                C::Empty,
                C::Empty,
                t("Le Coordonnateur"),
            ],
        ])],
    );
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  2"), "{out}");
    assert!(
        out.contains("totals 1, repeated header 0, notes 2"),
        "{out}"
    );
    // A row with a date is a data row, even without anything else.
    let file = dir.path().join("incomplet.xlsx");
    write_xlsx(&file, &[french_ledger(vec![vec![super::d(2017, 10, 31)]])]);
    let found = refused(dir.path(), &file, &fr_rules());
    assert!(
        found
            .iter()
            .any(|(m, p)| p == "Dépenses!G4" && m.contains("the amount is missing")),
        "{found:?}"
    );
}

/// The rows of the first sheet of the workbook at `path`.
fn read_rows(path: &Path) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

#[test]
fn a_fixed_reject_identical_to_an_imported_row_goes_in() {
    // Two per diems under one voucher, same day, line and amount, to two participants:
    // the second names an undeclared activity. Fixed in the rejects file, it must go
    // in, not be taken for the first (already imported).
    let dir = sample_copy();
    let file = dir.path().join("perdiems.xlsx");
    let row = |who: &str, donor: &str, activity: &str| {
        vec![
            super::d(2017, 10, 31),
            t("PV-2017-0140"),
            t(&format!("Per diem {who}")),
            t("2.2"),
            t(donor),
            t(activity),
            n(25_000.0),
        ]
    };
    write_xlsx(
        &file,
        &[french_ledger(vec![
            row("Traoré", "EU", "A1"),
            row("Keïta", "DE", "A9"),
        ])],
    );
    let rejects = dir.path().join("rejets.xlsx");
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &["--rejects", s(&rejects)]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("imported                  1"), "{out}");

    // The officer corrects the activity in the rejects file and imports it.
    let rows = read_rows(&rejects);
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(header[7..], ["Motif du rejet", "Origine", "Occurrence"]);
    let fixed_rows: Vec<Vec<C>> = rows
        .iter()
        .enumerate()
        .map(|(i, cells)| {
            cells
                .iter()
                .enumerate()
                .map(|(c, v)| match v {
                    Data::String(x) if i > 0 && c == 5 => t(&x.replace("A9", "A1")),
                    Data::String(x) => t(x),
                    Data::Float(f) => n(*f),
                    Data::DateTime(_) => super::d(2017, 10, 31),
                    _ => C::Empty,
                })
                .collect()
        })
        .collect();
    let fixed = dir.path().join("rejets-corriges.xlsx");
    write_xlsx(&fixed, &[Sheet::new("Dépenses", fixed_rows)]);
    let (code, out, err) = import(dir.path(), &fixed, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  1"), "{out}");
    let j = journal(dir.path());
    assert!(
        j.contains("Per diem Traoré") && j.contains("Per diem Keïta"),
        "{j}"
    );
    assert_check_passes(dir.path());

    // Both files again: nothing new.
    for f in [&file, &fixed] {
        let before = journal(dir.path());
        let (code, out, err) = import(dir.path(), f, &fr_rules(), &["--rejects", s(&rejects)]);
        assert!(out.contains("imported                  0"), "{out}\n{err}");
        assert!(code == 0 || err.contains("\"A9\""), "{err}");
        assert_eq!(journal(dir.path()), before);
    }
}

fn rules_with(dir: &Path, numbers: &str) -> PathBuf {
    let path = dir.join("regles.toml");
    let text = std::fs::read_to_string(fr_rules())
        .unwrap()
        .replace("# commodity = \"XOF\"", numbers);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_unknown_commodity_in_the_rules_is_located() {
    let dir = sample_copy();
    let rules = rules_with(dir.path(), "commodity = \"FRANCS\"");
    let file = dir.path().join("x.xlsx");
    write_xlsx(&file, &[french_ledger(vec![])]);
    let before = std::fs::read(dir.path().join("books.journal")).unwrap();
    let (code, _, err) = import(dir.path(), &file, &rules, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("commodity FRANCS has no known precision"),
        "{err}"
    );
    let line = std::fs::read_to_string(&rules)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("commodity = \"FRANCS\""))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("regles.toml:{line}:13")), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("books.journal")).unwrap(),
        before
    );
}

#[test]
fn a_sheet_without_header_says_so() {
    let dir = sample_copy();
    let file = dir.path().join("vide.xlsx");
    write_xlsx(&file, &[Sheet::new("Dépenses", vec![vec![t("Rien ici")]])]);
    let before = journal(dir.path());
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &["--rejects", "r.xlsx"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("vide.xlsx#Dépenses!A1"), "{err}");
    assert!(
        err.contains("fundledger import: no header row found; nothing imported"),
        "{err}"
    );
    assert!(!err.contains("1 rows"), "{err}");
    assert_eq!(journal(dir.path()), before);
}

#[test]
fn a_line_typed_as_a_number_that_may_have_lost_its_zeros_is_refused() {
    // With lines 1.1 and 1.10 in the project, a number cell 1.1 (Excel drops the
    // trailing zero of 1.10) cannot say which line it is; as text it can.
    let dir = sample_copy();
    let project = dir.path().join("project.toml");
    let mut text = std::fs::read_to_string(&project).unwrap();
    text.push_str(
        "\n[[lines]]\ncode = \"1.10\"\nname_fr = \"Ligne 1.10\"\namount = 0\nshares = { GOV = 100 }\nactivities = [\"A3\"]\ncategories = { eu = \"1\", undg = \"1\", netherlands = \"1\", glo-act = \"1\" }\n",
    );
    std::fs::write(&project, text).unwrap();
    let gov_row = |line: C| {
        vec![
            C::Date(2017, 11, 6),
            t("PV-L1"),
            t("Indemnités"),
            line,
            t("GOV"),
            t("A3"),
            n(50_000.0),
        ]
    };
    let file = dir.path().join("lignes.xlsx");
    let rules = dir.path().join("regles.toml");
    let text = std::fs::read_to_string(fr_rules()).unwrap().replace(
        "\"1.1\" = \"expenses:66-personnel:661-remunerations\"",
        "\"1.1\" = \"expenses:66-personnel:661-remunerations\"\n\"1.10\" = \"expenses:66-personnel:661-remunerations\"",
    );
    std::fs::write(&rules, text).unwrap();
    write_xlsx(&file, &[french_ledger(vec![gov_row(n(1.1))])]);
    let found = refused(dir.path(), &file, &rules);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].0.contains("the budget line is a number (1.1), which may have lost trailing zeros: it could be line 1.1 or 1.10"),
        "{found:?}"
    );
    assert!(found[0].1 == "Dépenses!D4", "{found:?}");
    write_xlsx(&file, &[french_ledger(vec![gov_row(t("1.10"))])]);
    let (code, out, err) = import(dir.path(), &file, &rules, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(journal(dir.path()).contains("; line: 1.10"));
}
