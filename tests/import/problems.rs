//! Every kind of bad row is reported at its exact cell, with what was found and what
//! was expected, all of them at once; exit 1 and nothing written.

use std::io::Write;
use std::path::Path;

use super::{
    C, Sheet, bank_rules, d, fr_rules, french_ledger, import, journal, n, problems, sample_copy, t,
    write_xlsx,
};
use crate::import::layouts::statement;

/// Asserts exit 1, the journal unchanged, no archived copy, and returns the problems.
fn refused(dir: &Path, file: &Path, rules: &Path) -> Vec<(String, String)> {
    let before = journal(dir);
    let (code, out, err) = import(dir, file, rules, &["--max-errors", "0"]);
    assert_eq!(code, 1, "{err}\n{out}");
    assert_eq!(journal(dir), before, "nothing written");
    assert!(!dir.join("sources").exists(), "no copy kept");
    assert!(err.contains("nothing imported"), "{err}");
    problems(&err)
}

fn expect(found: &[(String, String)], place: &str, fragment: &str) {
    assert!(
        found
            .iter()
            .any(|(m, p)| p == place && m.contains(fragment)),
        "no problem at {place} containing {fragment:?}; found:\n{}",
        found
            .iter()
            .map(|(m, p)| format!("  {p}: {m}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_bad_row_at_its_cell() {
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    let row = |date: C, line: &str, donor: &str, activity: &str, amount: C| {
        vec![
            date,
            t("PV-1"),
            t("Dépense"),
            t(line),
            t(donor),
            t(activity),
            amount,
        ]
    };
    write_xlsx(
        &file,
        &[french_ledger(vec![
            row(d(2017, 10, 30), "3.1", "", "A1", n(1000.0)), // 4: good
            row(d(2017, 10, 30), "9.9", "", "A1", n(1000.0)), // 5
            row(d(2017, 10, 30), "3.1", "FR", "A1", n(1000.0)), // 6
            row(d(2017, 10, 30), "5.1", "EU", "A3", n(1000.0)), // 7
            row(d(2017, 10, 30), "3.1", "", "A3", n(1000.0)), // 8
            row(d(2017, 10, 30), "3.1", "", "", n(1000.0)),   // 9
            row(d(2017, 10, 30), "3.1", "", "A9", n(1000.0)), // 10
            row(d(2018, 1, 15), "3.1", "", "A1", n(1000.0)),  // 11
            row(t("31/02/2017"), "3.1", "", "A1", n(1000.0)), // 12
            row(t("hier"), "3.1", "", "A1", n(1000.0)),       // 13
            row(d(2017, 10, 30), "3.1", "", "A1", t("12O 000")), // 14
            row(d(2017, 10, 30), "3.1", "", "A1", n(1234.5)), // 15
            row(d(2017, 10, 30), "3.1", "", "A1", t("1 234,50")), // 16
            row(C::Empty, "3.1", "", "A1", n(1000.0)),        // 17
            row(d(2017, 10, 30), "3.1", "", "A1", C::Empty),  // 18
            row(d(2017, 10, 30), "", "", "A1", n(1000.0)),    // 19
            row(d(2017, 10, 30), "3.1", "", "A1", n(0.0)),    // 20
            row(d(2017, 10, 30), "3.1", "", "A1", t("1.234")), // 21
            row(d(2017, 10, 30), "3.1", "", "A1", d(2017, 1, 1)), // 22
        ])],
    );
    let found = refused(dir.path(), &file, &super::fr_rules());
    expect(
        &found,
        "Dépenses!D5",
        "unknown budget line \"9.9\": expected one of the project's lines (1.1, 1.2",
    );
    expect(
        &found,
        "Dépenses!E6",
        "donor \"FR\" is not declared in project.toml: expected one of EU, DE, NL, UNODC, GOV",
    );
    expect(
        &found,
        "Dépenses!E7",
        "donor EU does not fund budget line 5.1: expected one of its funders (GOV)",
    );
    expect(
        &found,
        "Dépenses!F8",
        "activity A3 is not allowed on budget line 3.1: expected one of A1",
    );
    expect(
        &found,
        "Dépenses!F9",
        "budget line 3.1 needs an activity: expected one of A1",
    );
    expect(
        &found,
        "Dépenses!F10",
        "activity \"A9\" is not declared in project.toml: expected one of A1",
    );
    expect(
        &found,
        "Dépenses!A11",
        "date 2018-01-15 is outside the project period 2017-01-01 – 2017-12-31",
    );
    expect(
        &found,
        "Dépenses!A12",
        "\"31/02/2017\" is not a date in the calendar",
    );
    expect(
        &found,
        "Dépenses!A13",
        "cannot read \"hier\" as a date: expected a date written dd/mm/yyyy",
    );
    expect(
        &found,
        "Dépenses!G14",
        "cannot read \"12O 000\" in «Montant (FCFA)» as an amount: expected a number such as 1 234 567",
    );
    expect(
        &found,
        "Dépenses!G15",
        "1234.5 XOF has decimals: expected whole XOF",
    );
    expect(&found, "Dépenses!G16", "1234.50 XOF has decimals");
    expect(&found, "Dépenses!A17", "the date is missing («Date»)");
    expect(
        &found,
        "Dépenses!G18",
        "the amount is missing («Montant (FCFA)»)",
    );
    expect(
        &found,
        "Dépenses!D19",
        "the budget line is missing («Ligne budgétaire»)",
    );
    expect(&found, "Dépenses!G20", "the amount is zero");
    expect(&found, "Dépenses!G21", "a single `.` is ambiguous");
    expect(
        &found,
        "Dépenses!G22",
        "a date (2017-01-01) in «Montant (FCFA)»: expected an amount",
    );
    assert!(
        !found
            .iter()
            .any(|(_, p)| p == "Dépenses!A4" || p.ends_with("4") && p.len() == 11),
        "row 4 is fine: {found:?}"
    );
    assert_eq!(found.len(), 18, "{found:?}");
}

#[test]
fn debit_and_credit_both_or_neither() {
    let dir = sample_copy();
    let file = dir.path().join("releve.xlsx");
    write_xlsx(
        &file,
        &[statement(vec![
            vec![
                d(2017, 12, 4),
                t("A"),
                t("Loyer"),
                t("5.1"),
                t("A3"),
                n(1000.0),
                n(500.0),
            ], // 7
            vec![
                d(2017, 12, 5),
                t("B"),
                t("Loyer"),
                t("5.1"),
                t("A3"),
                C::Empty,
                C::Empty,
            ], // 8
            vec![
                d(2017, 12, 6),
                t("C"),
                t("Loyer"),
                t("5.1"),
                t("A3"),
                t("(300)"),
                C::Empty,
            ], // 9
        ])],
    );
    let found = refused(dir.path(), &file, &bank_rules());
    expect(
        &found,
        "Relevé!F7",
        "both «Débit» and «Crédit» are filled: expected one amount per row",
    );
    expect(
        &found,
        "Relevé!F8",
        "no amount: expected an amount in «Débit» or in «Crédit»",
    );
    expect(
        &found,
        "Relevé!F9",
        "negative amount -300 in «Débit»: expected a positive amount",
    );
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn a_missing_header_is_pointed_at() {
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    write_xlsx(
        &file,
        &[Sheet::new(
            "Feuil1",
            vec![
                vec![t("Dépenses de l'atelier")],
                vec![t("Date"), t("Libellé"), t("Montant")],
                vec![d(2017, 10, 30), t("Salle"), n(1000.0)],
            ],
        )],
    );
    let found = refused(dir.path(), &file, &fr_rules());
    expect(
        &found,
        "Feuil1!A2",
        "no header row in the first 20 rows: expected columns «Date», «Ligne budgétaire» and «Montant (FCFA)»",
    );
}

/// A workbook made by hand, for cells no writer library produces: formulas without a
/// cached result, error values. `rows` is the `<sheetData>` content.
pub fn raw_xlsx(path: &Path, dimension: &str, rows: &str, after: &str) {
    raw_xlsx_1904(path, dimension, rows, after, false);
}

/// [`raw_xlsx`], in the 1904 date system (old Mac Excel) when `date1904`.
pub fn raw_xlsx_1904(path: &Path, dimension: &str, rows: &str, after: &str, date1904: bool) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{}<sheets><sheet name="Dépenses" sheetId="1" r:id="rId1"/></sheets></workbook>"#, if date1904 { r#"<workbookPr date1904="1"/>"# } else { "" })),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData>{after}</worksheet>"#)),
    ];
    for (name, text) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// A row of inline-string cells `A…`.
pub fn raw_row(r: u32, cells: &[&str]) -> String {
    let mut s = format!(r#"<row r="{r}">"#);
    for (i, text) in cells.iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        let col = (b'A' + i as u8) as char;
        s.push_str(&format!(
            r#"<c r="{col}{r}" t="inlineStr"><is><t>{text}</t></is></c>"#
        ));
    }
    s.push_str("</row>");
    s
}

#[test]
fn formulas_without_results_error_values_and_merged_cells() {
    let dir = sample_copy();
    let file = dir.path().join("calc.xlsx");
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
    let good = |r: u32| {
        raw_row(
            r,
            &["30/10/2017", "PV-1", "Salle", "3.1", "", "A1", "1 000"],
        )
    };
    // G2: a formula never computed; G3: #DIV/0!; C4:C5 merged in the data area.
    let mut g2 = raw_row(2, &["30/10/2017", "PV-2", "Salle", "3.1", "", "A1"]);
    g2 = g2.replace("</row>", r#"<c r="G2"><f>SUM(H1:H9)/2</f></c></row>"#);
    let mut g3 = raw_row(3, &["30/10/2017", "PV-3", "Salle", "3.1", "", "A1"]);
    g3 = g3.replace("</row>", r#"<c r="G3" t="e"><v>#DIV/0!</v></c></row>"#);
    let rows = format!("{header}{g2}{g3}{}{}{}", good(4), good(5), good(6));
    raw_xlsx(
        &file,
        "A1:G6",
        &rows,
        r#"<mergeCells count="1"><mergeCell ref="C4:C5"/></mergeCells>"#,
    );
    let found = refused(dir.path(), &file, &fr_rules());
    expect(
        &found,
        "Dépenses!G2",
        "formula =SUM(H1:H9)/2 in G2 has no saved result: expected an amount («Montant (FCFA)»)",
    );
    expect(
        &found,
        "Dépenses!G3",
        "cell G3 holds the error value #DIV/0!: expected an amount",
    );
    expect(
        &found,
        "Dépenses!C4",
        "cell C4 is part of the merged cells C4:C5 in the data area",
    );
    expect(
        &found,
        "Dépenses!C5",
        "cell C5 is part of the merged cells C4:C5",
    );
    assert_eq!(found.len(), 4, "{found:?}");
}

#[test]
fn rules_problems_are_located_in_the_rules_file() {
    let dir = sample_copy();
    let rules = dir.path().join("r.toml");
    std::fs::write(&rules, "[columns]\ndate = \"Date\"\nline = \"Ligne\"\nmontant = \"Montant\"\n\n[transactions]\npayment_account = \"assets:bank:bdm-xof\"\n").unwrap();
    let file = dir.path().join("x.xlsx");
    write_xlsx(&file, &[french_ledger(vec![])]);
    let (code, _, err) = import(dir.path(), &file, &rules, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown field `montant`"), "{err}");
    assert!(err.contains("r.toml:4:1"), "{err}");
    // An account the journal does not declare: the rows that need it say so.
    std::fs::write(&rules, "[columns]\ndate = \"Date\"\nline = \"Ligne budgétaire\"\namount = \"Montant (FCFA)\"\nactivity = \"Activité\"\n\n[transactions]\npayment_account = \"assets:bank:nowhere\"\n\n[expense_accounts]\n\"3.1\" = \"expenses:62-services-exterieurs:6222-locations\"\n").unwrap();
    write_xlsx(
        &file,
        &[french_ledger(vec![vec![
            d(2017, 10, 30),
            t("PV"),
            t("Salle"),
            t("3.1"),
            C::Empty,
            t("A1"),
            n(10.0),
        ]])],
    );
    let found = refused(dir.path(), &file, &rules);
    expect(&found, "Dépenses!G4", "payment_account assets:bank:nowhere");
    assert!(
        found[0]
            .0
            .contains("r.toml, line 8) is not declared in the journal"),
        "{found:?}"
    );
}
