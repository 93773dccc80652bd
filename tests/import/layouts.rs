//! Both shipped layouts end to end: the French expenditure ledger and the bank
//! statement, the exact text written, splits by funding shares to the franc.

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::{
    C, Sheet, assert_check_passes, bank_rules, d, fr_rules, french_ledger, import, journal, n,
    sample_copy, sample_copy_with_assertions, t, write_xlsx,
};
use crate::support::{run, s};

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The import key as README.md defines it, computed independently.
fn key(date: &str, voucher: &str, amount: &str, line: &str, occurrence: u32) -> String {
    let text = format!(
        "fundledger-import-v1\x1f{date}\x1f{voucher}\x1f{amount}\x1f{line}\x1f{occurrence}"
    );
    sha(text.as_bytes())[..24].to_string()
}

fn donor_totals(dir: &std::path::Path, account: &str) -> Vec<(String, Decimal)> {
    let (code, out, err) = run(&[
        "-L",
        s(dir),
        "balance",
        "--by",
        "donor",
        "--flat",
        "--format",
        "csv",
        account,
    ]);
    assert_eq!(code, 0, "{err}");
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[3].parse().unwrap())
        })
        .collect()
}

#[test]
fn french_ledger_rows_become_fund_balanced_transactions() {
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    write_xlsx(
        &file,
        &[french_ledger(vec![
            vec![
                d(2017, 10, 30),
                t("PV-T-001"),
                t("Location salle  atelier"),
                t("3.1"),
                C::Empty,
                t("A1"),
                n(1_000_001.0),
            ],
            vec![
                d(2017, 10, 31),
                t("PV-T-002"),
                t("Loyer des bureaux"),
                t("5.1"),
                t("GOV"),
                t("A3"),
                n(1_250_000.0),
            ],
            vec![],
            vec![
                t("02/11/2017"),
                t("PC-T-003"),
                t("Carburant"),
                n(2.4),
                t("Partagé"),
                C::Empty,
                t("7"),
            ],
            vec![
                C::Empty,
                C::Empty,
                t("TOTAL"),
                C::Empty,
                C::Empty,
                C::Empty,
                C::Formula("SUM(G4:G7)".into(), 2_250_008.0),
            ],
        ])],
    );
    let before = journal(dir.path());
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}\n{out}");
    assert!(out.contains("rows read                 5"), "{out}");
    assert!(out.contains("imported                  3"), "{out}");
    assert!(
        out.contains("blank 1, totals 1, repeated header 0, notes 0, already imported 0"),
        "{out}"
    );
    assert_check_passes(dir.path());

    let digest = sha(&std::fs::read(&file).unwrap());
    let archived = dir.path().join(format!("sources/{}.xlsx", &digest[..16]));
    assert_eq!(
        std::fs::read(&archived).unwrap(),
        std::fs::read(&file).unwrap()
    );

    // The journal is the old text, a blank line, then the canonical transactions.
    let after = journal(dir.path());
    assert!(after.starts_with(&before), "old text kept byte for byte");
    let added = &after[before.len()..];
    // The canonical layout: accounts padded to the longest (at least 36) plus two
    // spaces, amounts right-aligned in 16 columns.
    let venue = "expenses:62-services-exterieurs:6222-locations";
    let bank = "assets:bank:bdm-xof";
    let p = |account: &str, amount: &str| {
        format!(
            "    {account}{}{amount:>16}\n",
            " ".repeat(venue.len() - account.len() + 2)
        )
    };
    let tags = |donor: &str| format!("    ; donor: {donor}\n    ; line: 3.1\n    ; activity: A1\n");
    let expected = format!(
        "\n2017-10-30 * (PV-T-001) Location salle atelier\n    ; source: sources/{d16}.xlsx#Dépenses!A4\n    ; import-key: {k1}\n{}{}{}{}{}{}{}    ; donor: EU\n{}    ; donor: DE\n{}    ; donor: NL\n",
        p(venue, "400,001 XOF"),
        tags("EU"),
        p(venue, "200,000 XOF"),
        tags("DE"),
        p(venue, "400,000 XOF"),
        tags("NL"),
        p(bank, "-400,001 XOF"),
        p(bank, "-200,000 XOF"),
        p(bank, "-400,000 XOF"),
        d16 = &digest[..16],
        k1 = key("2017-10-30", "PV-T-001", "1000001", "3.1", 1),
    );
    assert!(
        added.starts_with(&expected),
        "got:\n{added}\nexpected:\n{expected}"
    );
    assert!(added.contains(&format!(
        "; import-key: {}",
        key("2017-10-31", "PV-T-002", "1250000", "5.1", 1)
    )));
    // 7 francs over UNODC 20 % / GOV 80 %: 1.4 and 5.6, the spare franc to GOV.
    assert!(
        added.contains("2017-11-02 * (PC-T-003) Carburant\n"),
        "{added}"
    );
    let fuel = "expenses:60-achats:6042-carburant";
    let q = |amount: &str| {
        format!(
            "    {fuel}{}{amount:>16}\n",
            " ".repeat(36 - fuel.len() + 2)
        )
    };
    assert!(
        added.contains(&format!("{}    ; donor: UNODC\n", q("1 XOF"))),
        "{added}"
    );
    assert!(
        added.contains(&format!("{}    ; donor: GOV\n", q("6 XOF"))),
        "{added}"
    );
    assert!(added.contains("#Dépenses!A7\n"), "the row's place: {added}");
}

#[test]
fn splits_add_up_to_the_franc() {
    // 7.1 is shared by five donors (15/10/15/15/45): odd amounts must still add up.
    let dir = sample_copy();
    let file = dir.path().join("frais.xlsx");
    let amounts = [
        1.0,
        2.0,
        3.0,
        7.0,
        13.0,
        99.0,
        1_001.0,
        333_333.0,
        1_000_003.0,
    ];
    let rows = amounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                d(2017, 12, 1 + i as u8),
                t(&format!("OD-{i}")),
                t("Frais"),
                t("7.1"),
                C::Empty,
                C::Empty,
                n(*a),
            ]
        })
        .collect();
    write_xlsx(&file, &[french_ledger(rows)]);
    let before = donor_totals(dir.path(), "631-frais-bancaires");
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_check_passes(dir.path());
    let after = donor_totals(dir.path(), "631-frais-bancaires");
    let total = |v: &[(String, Decimal)]| v.iter().map(|(_, a)| *a).sum::<Decimal>();
    let imported: f64 = amounts.iter().sum();
    assert_eq!(
        total(&after) - total(&before),
        Decimal::from(imported as i64)
    );
    // Every posting is whole francs and every fund balances: `check` passed above.
    let text = journal(dir.path());
    let last = &text[text.rfind("(OD-8)").unwrap()..];
    // 1,000,003 × 15 % = 150,000.45 … largest remainders: EU and NL (0.45) get the spare francs.
    for (amount, donor) in [
        ("150,001", "EU"),
        ("100,000", "DE"),
        ("150,001", "NL"),
        ("150,000", "UNODC"),
        ("450,001", "GOV"),
    ] {
        assert!(
            last.contains(&format!("{amount} XOF\n    ; donor: {donor}")),
            "{donor} {amount}:\n{last}"
        );
    }
}

/// A bank statement: title block, balance row, repeated header, blank rows, a refund in
/// Crédit, a totals row with formulas, merged title cells.
pub fn statement(rows: Vec<Vec<C>>) -> Sheet {
    let header: Vec<C> = [
        "Date opération",
        "Référence",
        "Libellé de l'opération",
        "Ligne budgétaire",
        "Activité",
        "Débit",
        "Crédit",
    ]
    .iter()
    .map(|h| t(h))
    .collect();
    let mut all = vec![
        vec![t("BANQUE DE DÉVELOPPEMENT DU MALI")],
        vec![t(
            "Relevé de compte n° 0123456789 - Comité national de lutte contre la traite",
        )],
        vec![
            t("Période du 01/12/2017 au 31/12/2017"),
            C::Empty,
            C::Empty,
            C::Empty,
            C::Empty,
            t("Devise : XOF"),
        ],
        vec![],
        header.clone(),
        vec![
            C::Empty,
            C::Empty,
            t("Solde au 30/11/2017"),
            C::Empty,
            C::Empty,
            C::Empty,
            n(12_000_000.0),
        ],
    ];
    all.extend(rows);
    let mut sheet = Sheet::new("Relevé", all);
    sheet.merges.push((0, 0, 0, 6));
    sheet.rows.push(header);
    sheet
}

#[test]
fn bank_statement_with_title_block_totals_and_refunds() {
    let dir = sample_copy();
    let file = dir.path().join("releve.xlsx");
    let mut sheet = statement(vec![
        vec![
            d(2017, 12, 4),
            t("CHQ 1184412"),
            t("Loyer décembre"),
            t("5.1"),
            t("A3"),
            n(1_250_000.0),
            C::Empty,
        ],
        vec![
            d(2017, 12, 5),
            t("VIR 0091"),
            t("Interprétation"),
            t("3.5"),
            t("A1"),
            t("150 000"),
            n(0.0),
        ],
        vec![],
        vec![
            d(2017, 12, 6),
            t("VIR 0092"),
            t("Remboursement trop-perçu interprétation"),
            t("3.5"),
            t("A1"),
            C::Empty,
            t("20\u{202f}000"),
        ],
    ]);
    // A page break repeats the header; then a last row and the totals.
    sheet.rows.push(vec![
        d(2017, 12, 28),
        t("PRLV 77"),
        t("Frais de tenue de compte"),
        t("7.1"),
        C::Empty,
        n(7_500.0),
        C::Empty,
    ]);
    let last = sheet.rows.len() + 1;
    sheet.rows.push(vec![
        C::Empty,
        C::Empty,
        t("TOTAL DES MOUVEMENTS"),
        C::Empty,
        C::Empty,
        C::Formula(format!("SUM(F7:F{})", last - 1), 1_407_500.0),
        C::Formula(format!("SUM(G7:G{})", last - 1), 20_000.0),
    ]);
    sheet.rows.push(vec![
        C::Empty,
        C::Empty,
        t("Nouveau solde au 31/12/2017"),
        C::Empty,
        C::Empty,
        C::Empty,
        n(10_612_500.0),
    ]);
    write_xlsx(&file, &[sheet]);
    let (code, out, err) = import(dir.path(), &file, &bank_rules(), &[]);
    assert_eq!(code, 0, "{err}\n{out}");
    assert!(out.contains("imported                  4"), "{out}");
    assert!(
        out.contains("blank 1, totals 3, repeated header 1"),
        "{out}"
    );
    assert_check_passes(dir.path());
    let text = journal(dir.path());
    // The refund is a negative expense on its line, paid back into the bank.
    assert!(
        text.contains("2017-12-06 * (VIR 0092) Remboursement trop-perçu interprétation\n"),
        "{text}"
    );
    let fees = "expenses:63-services-exterieurs:632-honoraires";
    let p = |account: &str, amount: &str| {
        format!(
            "    {account}{}{amount:>16}\n",
            " ".repeat(fees.len() - account.len() + 2)
        )
    };
    let refund = format!(
        "{}    ; donor: NL\n    ; line: 3.5\n    ; activity: A1\n{}    ; donor: NL\n",
        p(fees, "-20,000 XOF"),
        p("assets:bank:bdm-xof", "20,000 XOF")
    );
    assert!(text.contains(&refund), "{text}");
    assert!(text.contains("#Relevé!A12\n"), "{text}");
}

#[test]
fn an_import_that_contradicts_a_balance_assertion_is_refused() {
    // The sample asserts the bank balance at each month end through August; a new
    // June payment from the bank contradicts the June, July and August figures.
    let dir = sample_copy_with_assertions();
    let file = dir.path().join("depenses.xlsx");
    write_xlsx(
        &file,
        &[french_ledger(vec![vec![
            d(2017, 6, 5),
            t("PV-X"),
            t("Loyer"),
            t("5.1"),
            C::Empty,
            t("A3"),
            n(1000.0),
        ]])],
    );
    let before = journal(dir.path());
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[assertions]"), "{err}");
    assert!(
        err.contains("with these rows the books would have"),
        "{err}"
    );
    assert_eq!(journal(dir.path()), before);
    assert!(!dir.path().join("sources").exists());
}

#[test]
fn cash_payments_and_account_numbers_from_columns() {
    let dir = sample_copy();
    let file = dir.path().join("caisse.xlsx");
    let mut header: Vec<C> = super::FR_HEADER.iter().map(|h| t(h)).collect();
    header.push(t("Mode de paiement"));
    header.push(t("Compte"));
    header.push(t("Bénéficiaire"));
    write_xlsx(
        &file,
        &[Sheet::new(
            "Caisse",
            vec![
                header,
                vec![
                    d(2017, 11, 3),
                    t("PC-1"),
                    t("Cabines d'interprétation"),
                    t("3.5"),
                    C::Empty,
                    t("A1"),
                    n(180_000.0),
                    t("espèces"),
                    t("6222"),
                    t("Sono Plus, Bamako"),
                ],
            ],
        )],
    );
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}\n{out}");
    assert_check_passes(dir.path());
    let text = journal(dir.path());
    let tx = &text[text.find("(PC-1)").unwrap()..];
    assert!(tx.contains("    ; payee: Sono Plus  Bamako\n"), "{tx}");
    assert!(
        tx.contains("expenses:62-services-exterieurs:6222-locations"),
        "{tx}"
    );
    assert!(tx.contains("assets:cash:caisse "), "{tx}");
}

#[test]
fn eligibility_and_project_period_warnings() {
    // Germany's agreement starts on 1 March 2017: a shared February cost is booked, with
    // a warning naming the agreement (eligibility is for the budget report to flag).
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    write_xlsx(
        &file,
        &[french_ledger(vec![vec![
            d(2017, 2, 10),
            t("PV-E"),
            t("Salle"),
            t("3.1"),
            C::Empty,
            t("A1"),
            n(10_000.0),
        ]])],
    );
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    let found = super::warnings(&err);
    assert_eq!(found.len(), 1, "{err}");
    assert_eq!(found[0].1, "Dépenses!A4");
    assert!(
        found[0]
            .0
            .contains("charged to DE is outside DE's eligibility period 2017-03-01 – 2017-12-31"),
        "{found:?}"
    );

    // With `outside_project = "warn"`, a date outside the project is booked with a warning.
    let rules = dir.path().join("warn.toml");
    let text = std::fs::read_to_string(fr_rules())
        .unwrap()
        .replace("outside_project = \"error\"", "outside_project = \"warn\"");
    std::fs::write(&rules, text).unwrap();
    let project = std::fs::read_to_string(dir.path().join("project.toml")).unwrap();
    std::fs::write(
        dir.path().join("project.toml"),
        project.replace("end = 2017-12-31\n", "end = 2017-11-30\n"),
    )
    .unwrap();
    let late = dir.path().join("tard.xlsx");
    write_xlsx(
        &late,
        &[french_ledger(vec![vec![
            d(2017, 12, 5),
            t("PV-L"),
            t("Loyer"),
            t("5.1"),
            C::Empty,
            t("A3"),
            n(10_000.0),
        ]])],
    );
    let (code, _, err) = import(dir.path(), &late, &rules, &[]);
    let found = super::warnings(&err);
    assert!(
        found.iter().any(|(m, p)| p == "Dépenses!A4"
            && m.contains("date 2017-12-05 is outside the project period 2017-01-01 – 2017-11-30")),
        "{err}"
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn the_sheet_is_chosen_by_option_or_rules() {
    let dir = sample_copy();
    let file = dir.path().join("classeur.xlsx");
    let mut other = french_ledger(vec![vec![
        d(2017, 11, 6),
        t("PV-S2"),
        t("Traiteur"),
        t("3.2"),
        C::Empty,
        t("A1"),
        n(2_000.0),
    ]]);
    other.name = "Novembre".into();
    let first = Sheet::new("Notes", vec![vec![t("Classeur des dépenses 2017")]]);
    write_xlsx(&file, &[first, other]);
    // The first sheet has no header: the officer names the sheet.
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("classeur.xlsx#Notes!A1"), "{err}");
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &["--sheet", "Décembre"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no sheet named \"Décembre\""), "{err}");
    assert!(
        err.contains("its sheets are: \"Notes\", \"Novembre\""),
        "{err}"
    );
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &["--sheet", "novembre"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("sheet «Novembre»"), "{out}");
    assert!(journal(dir.path()).contains("#Novembre!A4\n"));
}
