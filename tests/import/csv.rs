//! CSV as French Excel saves it (`;`, Windows-1252) and as other tools do (`,`,
//! UTF-8 with or without a byte-order mark); French and English numbers, negatives in
//! parentheses, every date form.

use std::path::{Path, PathBuf};

use super::{assert_check_passes, fr_rules, import, journal, problems, sample_copy};

/// The French rules with English number style.
fn en_rules(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fr_rules())
        .unwrap()
        .replace("style = \"fr\"", "style = \"en\"");
    let path = dir.join("en.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn dates_of(journal: &str, vouchers: &[&str]) -> Vec<String> {
    vouchers
        .iter()
        .map(|v| {
            let at = journal
                .find(&format!("({v})"))
                .unwrap_or_else(|| panic!("{v} not imported:\n{journal}"));
            let line_start = journal[..at].rfind('\n').map_or(0, |i| i + 1);
            journal[line_start..line_start + 10].to_string()
        })
        .collect()
}

#[test]
fn french_excel_csv_in_windows_1252_with_semicolons() {
    let dir = sample_copy();
    let text = "Date;N° pièce;Libellé;Ligne budgétaire;Bailleur;Activité;Montant (FCFA)\r\n\
        31/10/2017;PV-C1;Location salle - acompte;3.1;;A1;1\u{a0}000\u{a0}000\r\n\
        2017-11-02;PV-C2;Hébergement délégations;2.2;Pays-Bas;A1;\"450\u{a0}000\"\r\n\
        30 oct. 2017;PV-C3;Pause-café;3.2;;A1;250 000\r\n\
        1 nov. 2017;PV-C4;Régularisation traiteur;3.2;;A1;(5 000)\r\n\
        43038;PV-C5;Per diem;3.3;;A1;10 000\r\n\
        ;;;;;;\r\n\
        ;;Total;;;;1 705 000\r\n";
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!bad);
    let file = dir.path().join("depenses.csv");
    std::fs::write(&file, &bytes).unwrap();
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}\n{out}");
    assert!(out.contains("imported                  5"), "{out}");
    assert!(out.contains("blank 1, totals 1"), "{out}");
    assert_check_passes(dir.path());
    let j = journal(dir.path());
    assert_eq!(
        dates_of(&j, &["PV-C1", "PV-C2", "PV-C3", "PV-C4", "PV-C5"]),
        [
            "2017-10-31",
            "2017-11-02",
            "2017-10-30",
            "2017-11-01",
            "2017-10-30"
        ]
    );
    assert!(
        j.contains("(PV-C2) Hébergement délégations\n"),
        "decoded from Windows-1252"
    );
    assert!(
        j.contains("#depenses!A3\n"),
        "CSV rows are numbered by line, the sheet named after the file"
    );
    assert!(j.contains(".csv#depenses!A2\n"), "{j}");
    // A refund in parentheses is a negative expense: -2,500 per donor of line 3.2 (EU/NL 50/50).
    let tx = &j[j.find("(PV-C4)").unwrap()..];
    assert!(tx.contains("-2,500 XOF\n    ; donor: EU"), "{tx}");
}

#[test]
fn utf8_csv_with_and_without_bom_and_commas() {
    for bom in [true, false] {
        let dir = sample_copy();
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        text.push_str(
            "Date,N° pièce,Libellé,Ligne budgétaire,Bailleur,Activité,Montant (FCFA)\n\
             30/10/2017,PV-U1,\"Salle, sono\",3.1,,A1,\"1,000,000\"\n\
             02/11/2017,PV-U3,Cabines,3.5,,A1,1\u{202f}500\n\
             31/10/2017,PV-U2,Boissons,3.2,UE,A1,\"(2,000.00)\"\n",
        );
        let file = dir.path().join("export.csv");
        std::fs::write(&file, text).unwrap();
        let rules = en_rules(dir.path());
        let (code, out, err) = import(dir.path(), &file, &rules, &[]);
        assert_eq!(code, 0, "bom {bom}: {err}\n{out}");
        assert_check_passes(dir.path());
        let j = journal(dir.path());
        assert!(j.contains("(PV-U1) Salle, sono\n"), "{j}");
        let refund = &j[j.find("(PV-U2)").unwrap()..];
        assert!(
            refund.contains("-2,000 XOF\n    ; donor: EU\n    ; line: 3.2"),
            "{refund}"
        );
    }
}

#[test]
fn the_number_style_is_the_rules_not_a_guess() {
    // "1,000" in French style is one franc and a decimal part: refused for XOF, never
    // read as a thousand.
    let dir = sample_copy();
    let file = dir.path().join("x.csv");
    std::fs::write(
        &file,
        "Date;N° pièce;Libellé;Ligne budgétaire;Bailleur;Activité;Montant (FCFA)\n30/10/2017;PV;Salle;3.1;;A1;1,500\n",
    )
    .unwrap();
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 1, "{err}");
    let found = problems(&err);
    assert_eq!(found[0].1, "x!G2", "{found:?}");
    assert!(found[0].0.contains("1.500 XOF has decimals"), "{found:?}");
}

#[test]
fn serial_dates_follow_the_workbooks_date_system() {
    use crate::import::problems::{raw_row, raw_xlsx_1904};
    // 41576 is 30 October 2017 counted from 1904 (43038 from 1900).
    let header = raw_row(
        1,
        &[
            "Date",
            "N° pièce",
            "Libellé",
            "Ligne budgétaire",
            "Bailleur",
            "Activité",
            "Montant (FCFA)",
        ],
    );
    let row = raw_row(2, &["", "PV-1904", "Salle", "3.1", "", "A1", "1 000"])
        .replace(r#"<row r="2">"#, r#"<row r="2"><c r="A2"><v>41576</v></c>"#);
    for (date1904, expected) in [(true, "2017-10-30"), (false, "2013-10-29")] {
        let dir = sample_copy();
        let file = dir.path().join("mac.xlsx");
        raw_xlsx_1904(&file, "A1:G2", &format!("{header}{row}"), "", date1904);
        let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
        if date1904 {
            assert_eq!(code, 0, "{err}");
            assert_eq!(dates_of(&journal(dir.path()), &["PV-1904"]), [expected]);
        } else {
            // Read in the 1900 system the same number is 2013: outside the project.
            assert_eq!(code, 1, "{err}");
            assert!(
                err.contains(&format!("date {expected} is outside the project period")),
                "{err}"
            );
        }
    }
}
