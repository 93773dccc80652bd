//! `fundledger reconcile`: the sample's bank statement reconciles to a zero difference
//! with every planted item in its section; each matching rule on a small ledger built
//! here (reference, amount and window, grouped, errors, the three tie-breaks of
//! ambiguous matches); `--mark` all or nothing (crash points, sealed periods) and
//! idempotent; the XLSX read back with calamine, text never a formula.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};
use serde_json::Value;

use crate::support::{fundledger, root, run, s, sample, temp_ledger};

fn bank_rules() -> PathBuf {
    root().join("templates/import/releve-bancaire-fr.toml")
}

fn sample_statement() -> PathBuf {
    sample().join("sources/releve-bdm-2017.xlsx")
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn descriptions(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x["description"].as_str().unwrap().to_string())
        .collect()
}

fn vouchers(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x["voucher"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_sample_statement_reconciles_to_zero_with_each_planted_item_in_its_section() {
    let (code, out, err) = run(&[
        "-L",
        s(&sample()),
        "reconcile",
        s(&sample_statement()),
        "--rules",
        s(&bank_rules()),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["account"], "assets:bank:bdm-xof");
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2017-01-01"), Some("2017-12-31"))
    );
    assert_eq!(r["difference"], "0");
    assert_eq!(r["adjusted_balance"], r["book_balance"]);
    // The balance per books is the account's balance.
    let bal = json(
        &run(&[
            "-L",
            s(&sample()),
            "balance",
            "--flat",
            "--format",
            "json",
            "assets:bank:bdm-xof",
        ])
        .1,
    );
    assert_eq!(r["book_balance"], bal[0]["amount"]);

    // Deposit in transit: the cash paid in on 29 December.
    let dit = descriptions(&r["deposits_in_transit"]);
    assert_eq!(dit.len(), 1, "{dit:?}");
    assert!(dit[0].starts_with("Versement en banque du reliquat de caisse - clôture"));
    // Outstanding: the three payments booked `!`, and the ORTM programme booked twice.
    let outstanding = vouchers(&r["outstanding_payments"]);
    assert_eq!(
        outstanding,
        [
            "OP-TRESOR-2017-0412",
            "PV-2017-0144",
            "PV-2017-0146",
            "OD-2017-0029"
        ],
        "{:?}",
        r["outstanding_payments"]
    );
    let statuses: Vec<&str> = r["outstanding_payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["*", "!", "!", "!"]);
    // Items in the bank not in the books.
    let kinds = |v: &Value| -> Vec<(String, String)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["kind"].as_str().unwrap().to_string(),
                    x["amount"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        kinds(&r["bank_credits"]),
        [
            ("transfer".to_string(), "750000".to_string()),
            ("interest".to_string(), "38750".to_string())
        ]
    );
    assert_eq!(
        kinds(&r["bank_debits"]),
        [
            ("charges".to_string(), "-15000".to_string()),
            ("charges".to_string(), "-4500".to_string())
        ]
    );
    // The error: December's internet bill debited ten times its amount.
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0]["posting"]["description"],
        "Abonnement internet Orange Mali - décembre 2017"
    );
    assert_eq!(errors[0]["posting"]["amount"], "-89000");
    assert_eq!(errors[0]["line"]["amount"], "-890000");
    assert_eq!(errors[0]["difference"], "801000");
    // One deposit for the three EUR conversions of 13 January.
    let matches = r["matches"].as_array().unwrap();
    let grouped: Vec<&Value> = matches.iter().filter(|m| m["rule"] == "grouped").collect();
    assert_eq!(grouped.len(), 1);
    assert_eq!(
        vouchers(&grouped[0]["postings"]),
        ["CV-2017-0001", "CV-2017-0002", "CV-2017-0003"]
    );
    assert_eq!(grouped[0]["line"]["amount"], "9839355");
    // The ambiguous pair: the ORTM payment, settled by journal order and reported.
    let ortm = matches
        .iter()
        .find(|m| {
            m["line"]["description"]
                == "VIR. EMIS ORTM - OFFICE DE RADIODIFFUSION TELEVISION DU MALI"
        })
        .unwrap();
    assert_eq!(ortm["rule"], "amount");
    assert_eq!(ortm["postings"][0]["voucher"], "PV-2017-0133");
    assert_eq!(ortm["ambiguity"]["decided_by"], "journal-order");
    assert_eq!(
        ortm["ambiguity"]["alternatives"][0]["voucher"],
        "OP-TRESOR-2017-0412"
    );
    // Every rule is used; every ambiguity says what settled it.
    for rule in ["reference", "amount", "grouped"] {
        assert!(matches.iter().any(|m| m["rule"] == rule), "{rule}");
    }
    for m in matches.iter().filter(|m| !m["ambiguity"].is_null()) {
        assert!(
            [
                "closest-date",
                "voucher",
                "journal-order",
                "statement-order"
            ]
            .contains(&m["ambiguity"]["decided_by"].as_str().unwrap()),
            "{m}"
        );
    }
}

#[test]
fn a_statement_that_matches_almost_nothing_asks_whether_the_account_is_right() {
    let reconcile = |account: &str| {
        run(&[
            "-L",
            s(&sample()),
            "--lang",
            "en",
            "reconcile",
            s(&sample_statement()),
            "--rules",
            s(&bank_rules()),
            "--account",
            account,
        ])
    };
    // The bank's statement against the cash box: every line is "unexplained", so the
    // statement still ties out, but it is the wrong account.
    let (code, out, err) = reconcile("assets:cash:caisse");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "Warning: only 2 of the 197 statement lines match postings of assets:cash:caisse — is it the right account (--account)?"
        ),
        "{out}"
    );
    let (code, out, err) = reconcile("assets:bank:bdm-xof");
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("Warning: only"), "{out}");
}

#[test]
fn the_statement_speaks_french_and_english() {
    let args = |lang: &'static str| {
        run(&[
            "-L",
            s(&sample()),
            "--lang",
            lang,
            "reconcile",
            s(&sample_statement()),
            "--rules",
            s(&bank_rules()),
        ])
    };
    let (code, fr, _) = args("fr");
    assert_eq!(code, 0);
    for label in [
        "État de rapprochement bancaire",
        "Solde selon le relevé bancaire au 31/12/2017",
        "dépôts en transit",
        "Chèques émis et paiements non encore débités",
        "Crédits de la banque non comptabilisés",
        "Débits de la banque non comptabilisés",
        "Erreurs",
        "= Solde rapproché",
        "Solde selon les livres",
        "Rapprochements ambigus",
        "par ordre du journal",
    ] {
        assert!(fr.contains(label), "{label}: {fr}");
    }
    let (_, en, _) = args("en");
    for label in [
        "Bank reconciliation statement",
        "Balance per bank statement at 31/12/2017",
        "Deposits in transit",
        "Outstanding cheques and payments",
        "Bank credits not in the books",
        "Bank debits not in the books",
        "= Adjusted balance",
        "Balance per books",
        "Ambiguous matches",
    ] {
        assert!(en.contains(label), "{label}: {en}");
    }
}

// ---------------------------------------------------------------------------
// A small ledger where each rule decides one line.
// ---------------------------------------------------------------------------

const PROJECT: &str = r#"
[project]
code = "TEST-RAPPRO"
name_fr = "Rapprochement de test"
currency = "XOF"
start = 2017-01-01
end = 2017-12-31

[commodities.XOF]
precision = 0

[[donors]]
id = "GOV"
name_fr = "Gouvernement"
currency = "XOF"

[[lines]]
code = "1.1"
name_fr = "Fonctionnement"
amount = 5000000
shares = { GOV = 100 }
"#;

fn payment(date: &str, status: &str, code: &str, desc: &str, amount: u32) -> String {
    let mark = if status.is_empty() {
        String::new()
    } else {
        format!("{status} ")
    };
    format!(
        "{date} {mark}({code}) {desc}\n    ; donor: GOV\n    expenses:ops    {amount} XOF\n    ; line: 1.1\n    assets:bank    -{amount} XOF\n\n"
    )
}

fn receipt(date: &str, code: &str, desc: &str, amount: u32) -> String {
    format!(
        "{date} ({code}) {desc}\n    ; donor: GOV\n    assets:bank    {amount} XOF\n    income:grants    -{amount} XOF\n\n"
    )
}

fn small_journal() -> String {
    let mut j = String::from(
        "decimal-mark .\ncommodity XOF\n\naccount assets:bank\naccount income:grants\naccount expenses:ops\n\n",
    );
    j.push_str(
        &receipt("2017-02-01", "VIR-1", "Subvention", 1_000_000)
            .replace("2017-02-01 (", "2017-02-01 * ("),
    );
    j.push_str(&payment(
        "2017-02-05",
        "!",
        "PV-01",
        "Ancien chèque non encaissé",
        3_000,
    ));
    j.push_str(&payment(
        "2017-02-10",
        "*",
        "PV-02",
        "Loyer février",
        100_000,
    ));
    j.push_str(&payment("2017-02-27", "*", "PV-03", "Fournitures", 5_000));
    j.push_str(&payment(
        "2017-03-01",
        "",
        "PV-10",
        "Paiement par référence",
        100_000,
    ));
    j.push_str(&payment(
        "2017-03-01",
        "",
        "PV-11",
        "Paiement par montant",
        50_000,
    ));
    j.push_str(&payment(
        "2017-03-01",
        "",
        "PV-12",
        "Paiement hors fenêtre",
        60_000,
    ));
    j.push_str(&receipt("2017-03-05", "RC-1", "Recette A", 10_000));
    j.push_str(&receipt("2017-03-06", "RC-2", "Recette B", 20_000));
    j.push_str(&receipt("2017-03-06", "RC-3", "Recette C", 30_000));
    j.push_str(&payment("2017-03-08", "", "PV-13", "Facture", 15_000));
    j.push_str(&payment("2017-03-10", "", "PV-14", "Achat A", 7_000));
    j.push_str(&payment("2017-03-12", "", "PV-15", "Achat B", 7_000));
    j.push_str(&payment("2017-03-15", "", "PV-16", "Achat C", 8_000));
    j.push_str(&payment("2017-03-15", "", "PV-17", "Achat D", 8_000));
    j.push_str(&payment("2017-03-20", "", "PV-18", "Achat E", 9_000));
    j.push_str(&payment("2017-03-20", "", "PV-19", "Achat F", 9_000));
    j.push_str(&receipt(
        "2017-03-30",
        "VIR-2",
        "Dépôt de fin de mois",
        25_000,
    ));
    j
}

/// The bank's statement for March (CSV, French numbers); `closing` overrides the
/// closing balance (609,700 when the lines add up).
fn small_statement(closing: &str) -> String {
    format!(
        "Relevé de compte - BANQUE TEST\n\
         Date opération;Référence;Libellé de l'opération;Débit;Crédit\n\
         ;;Solde au 28/02/2017;;900 000\n\
         01/03/2017;;CHQ FOURNITURES;5 000;\n\
         04/03/2017;;VIR EMIS;50 000;\n\
         07/03/2017;;REMISE DE CHEQUES;;60 000\n\
         09/03/2017;PV-13;FACTURE;150 000;\n\
         10/03/2017;;VIR EMIS;60 000;\n\
         12/03/2017;;ACHAT;7 000;\n\
         16/03/2017;PV-17;ACHAT;8 000;\n\
         20/03/2017;PV-10;VIR EMIS;100 000;\n\
         21/03/2017;;ACHAT;9 000;\n\
         28/03/2017;FT123;VIR RECU PARTENAIRE;;40 000\n\
         31/03/2017;;@FRAIS DE TENUE DE COMPTE;2 500;\n\
         31/03/2017;;=INTERETS CREDITEURS;;1 200\n\
         ;;Solde au 31/03/2017;;{closing}\n"
    )
}

/// Statement rules with no budget line column (read for reconciliation only).
const RULES: &str = r#"
[columns]
date = "Date opération"
voucher = "Référence"
description = "Libellé de l'opération"
debit = "Débit"
credit = "Crédit"

[transactions]
payment_account = "assets:bank"

[dates]
formats = ["dd/mm/yyyy"]
"#;

fn small_ledger() -> tempfile::TempDir {
    temp_ledger(&[
        ("project.toml", PROJECT),
        ("books.journal", &small_journal()),
        ("releve.csv", &small_statement("609 700")),
        ("rules.toml", RULES),
    ])
}

fn reconcile(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "-L",
        s(dir),
        "reconcile",
        "releve.csv",
        "--rules",
        "rules.toml",
    ];
    if !extra.contains(&"--format") {
        args.extend(["--format", "json"]);
    }
    args.extend_from_slice(extra);
    let out = fundledger().current_dir(dir).args(&args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn match_of<'a>(r: &'a Value, voucher: &str) -> &'a Value {
    r["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["postings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["voucher"] == voucher)
        })
        .unwrap_or_else(|| panic!("{voucher} not matched: {}", r["matches"]))
}

#[test]
fn a_payment_the_bank_made_in_parts_is_matched_to_each_part() {
    // March salaries booked as one payment of 70,000; the bank sent two transfers.
    let journal = small_journal() + &payment("2017-03-22", "", "PV-20", "Salaires mars", 70_000);
    let statement = small_statement("539 700").replace(
        "28/03/2017;FT123",
        "23/03/2017;;VIR EMIS SALAIRE 1;40 000;\n24/03/2017;;VIR EMIS SALAIRE 2;30 000;\n28/03/2017;FT123",
    );
    let dir = temp_ledger(&[
        ("project.toml", PROJECT),
        ("books.journal", &journal),
        ("releve.csv", &statement),
        ("rules.toml", RULES),
    ]);
    let (code, out, err) = reconcile(dir.path(), &[]);
    assert_eq!(code, 0, "{err}\n{out}");
    let r = json(&out);
    assert_eq!(r["difference"], "0");
    let split: Vec<&Value> = r["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["rule"] == "split")
        .collect();
    assert_eq!(split.len(), 2, "{}", r["matches"]);
    for m in &split {
        assert_eq!(vouchers(&m["postings"]), ["PV-20"]);
    }
    let amounts: Vec<&str> = split
        .iter()
        .map(|m| m["line"]["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["-40000", "-30000"]);
    // Everything else is decided as before.
    assert_eq!(
        vouchers(&r["outstanding_payments"]),
        ["PV-01", "PV-12", "PV-14", "PV-16", "PV-19"]
    );
    let (_, text, _) = reconcile(dir.path(), &["--format", "table", "--lang", "en"]);
    assert!(text.contains(", 2 split lines (1 postings);"), "{text}");
}

#[test]
fn every_matching_rule_decides_its_line() {
    let dir = small_ledger();
    let (code, out, err) = reconcile(dir.path(), &[]);
    assert_eq!(code, 0, "{err}\n{out}");
    let r = json(&out);
    // Period from the statement's balance rows.
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2017-03-01"), Some("2017-03-31"))
    );
    assert_eq!(r["bank_balance"], "609700");
    assert_eq!(r["book_balance"], "704000");
    assert_eq!(r["difference"], "0");

    // Reference: nineteen days apart, beyond the window, matched by the voucher.
    let m = match_of(&r, "PV-10");
    assert_eq!(m["rule"], "reference");
    assert!(m["ambiguity"].is_null());
    // Amount within the window.
    assert_eq!(match_of(&r, "PV-11")["rule"], "amount");
    // A payment cleared in the books before the period matches the period's first line.
    assert_eq!(match_of(&r, "PV-03")["rule"], "amount");
    // Grouped: one deposit for three receipts.
    let g = match_of(&r, "RC-2");
    assert_eq!(g["rule"], "grouped");
    assert_eq!(vouchers(&g["postings"]), ["RC-1", "RC-2", "RC-3"]);
    // Ambiguous, settled by the closest date…
    let m = match_of(&r, "PV-15");
    assert_eq!(m["ambiguity"]["decided_by"], "closest-date");
    assert_eq!(vouchers(&m["ambiguity"]["alternatives"]), ["PV-14"]);
    // … by the voucher …
    let m = match_of(&r, "PV-17");
    assert_eq!(m["rule"], "reference");
    assert_eq!(m["ambiguity"]["decided_by"], "voucher");
    assert_eq!(vouchers(&m["ambiguity"]["alternatives"]), ["PV-16"]);
    // … and by journal order.
    let m = match_of(&r, "PV-18");
    assert_eq!(m["ambiguity"]["decided_by"], "journal-order");
    assert_eq!(vouchers(&m["ambiguity"]["alternatives"]), ["PV-19"]);

    // Error: same reference, ten times the amount.
    let e = &r["errors"][0];
    assert_eq!(e["posting"]["voucher"], "PV-13");
    assert_eq!(e["difference"], "135000");
    // What is left, each in its section.
    assert_eq!(vouchers(&r["deposits_in_transit"]), ["VIR-2"]);
    // PV-01 (`!`, February) is still outstanding; PV-02 (cleared, February) is not listed.
    assert_eq!(
        vouchers(&r["outstanding_payments"]),
        ["PV-01", "PV-12", "PV-14", "PV-16", "PV-19"]
    );
    let amounts = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| {
                format!(
                    "{} {}",
                    x["kind"].as_str().unwrap(),
                    x["amount"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        amounts(&r["bank_credits"]),
        ["transfer 40000", "interest 1200"]
    );
    assert_eq!(
        amounts(&r["bank_debits"]),
        ["transfer -60000", "charges -2500"]
    );

    // A wider window matches the payment ten days apart; the difference stays zero.
    let (code, out, _) = reconcile(dir.path(), &["--window", "10"]);
    assert_eq!(code, 0);
    let r = json(&out);
    assert_eq!(match_of(&r, "PV-12")["rule"], "amount");
    assert_eq!(r["difference"], "0");
    // The same run gives the same answer (deterministic).
    assert_eq!(reconcile(dir.path(), &["--window", "10"]).1, out);
}

#[test]
fn an_unexplained_difference_exits_1_and_a_misread_statement_names_its_cell() {
    let dir = small_ledger();
    // An opening balance 50,000 too high and no closing row: a difference is left.
    let statement = small_statement("0")
        .replace(
            ";;Solde au 28/02/2017;;900 000",
            ";;Solde au 28/02/2017;;950 000",
        )
        .replace(";;Solde au 31/03/2017;;0\n", "");
    std::fs::write(dir.path().join("releve.csv"), statement).unwrap();
    let (code, out, err) = reconcile(dir.path(), &["--to", "2017-03-31"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(json(&out)["difference"], "-50000");
    assert!(err.contains("écart de -50,000 XOF non expliqué"), "{err}");

    // A closing balance that does not follow from the lines.
    std::fs::write(dir.path().join("releve.csv"), small_statement("609 000")).unwrap();
    let (code, _, err) = reconcile(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(err.contains("releve.csv#releve!A16"), "{err}");
    assert!(err.contains("609,000") && err.contains("609,700"), "{err}");

    // No balance row at all: the balance per bank is unknown (exit 2).
    let no_balance: String = small_statement("609 700")
        .lines()
        .filter(|l| !l.contains("Solde"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("releve.csv"), no_balance).unwrap();
    let (code, _, err) = reconcile(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("no balance row"), "{err}");
}

#[test]
fn unknown_accounts_bare_journals_and_import_rules_are_checked() {
    let dir = small_ledger();
    let (code, _, err) = reconcile(dir.path(), &["--account", "assets:banque"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("assets:banque is not in the books") && err.contains("assets:bank"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "-f",
        s(&dir.path().join("books.journal")),
        "reconcile",
        s(&dir.path().join("releve.csv")),
        "--rules",
        s(&dir.path().join("rules.toml")),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("use -L DIR"), "{err}");
    // The statement rules have no budget line: fine for reconcile, refused by import.
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "import",
        s(&dir.path().join("releve.csv")),
        "--rules",
        s(&dir.path().join("rules.toml")),
        "--dry-run",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("needs `line`"), "{err}");
}

// ---------------------------------------------------------------------------
// --mark
// ---------------------------------------------------------------------------

fn journal(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("books.journal")).unwrap()
}

#[test]
fn mark_clears_the_matched_transactions_and_nothing_else_then_does_nothing() {
    let dir = small_ledger();
    let before = journal(dir.path());
    let (code, _, err) = reconcile(dir.path(), &["--mark"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("8 écritures marquées pointées (*)"), "{err}");
    let mut expected = before.clone();
    for (date, code) in [
        ("2017-03-01", "PV-10"),
        ("2017-03-01", "PV-11"),
        ("2017-03-05", "RC-1"),
        ("2017-03-06", "RC-2"),
        ("2017-03-06", "RC-3"),
        ("2017-03-12", "PV-15"),
        ("2017-03-15", "PV-17"),
        ("2017-03-20", "PV-18"),
    ] {
        let from = format!("{date} ({code})");
        assert_eq!(expected.matches(&from).count(), 1, "{from}");
        expected = expected.replace(&from, &format!("{date} * ({code})"));
    }
    assert_eq!(journal(dir.path()), expected);
    // Unmatched, outstanding and the error keep their status; `!` stays `!`.
    assert!(expected.contains("2017-02-05 ! (PV-01)"));
    assert!(expected.contains("2017-03-08 (PV-13)"));
    // Again: nothing to do, byte for byte the same.
    let (code, _, err) = reconcile(dir.path(), &["--mark"]);
    assert_eq!(code, 0);
    assert!(err.contains("rien à marquer"), "{err}");
    assert_eq!(journal(dir.path()), expected);
    // Books still pass every check.
    let (code, _, err) = run(&["-L", s(dir.path()), "check"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn mark_is_all_or_nothing_when_the_process_dies_while_writing() {
    let dir = small_ledger();
    let before = std::fs::read(dir.path().join("books.journal")).unwrap();
    for step in ["after-temp-write", "before-fsync", "before-rename"] {
        let out = fundledger()
            .current_dir(dir.path())
            .env("FUNDLEDGER_FAULT", step)
            .args([
                "-L",
                s(dir.path()),
                "reconcile",
                "releve.csv",
                "--rules",
                "rules.toml",
                "--mark",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(99), "{step}");
        assert_eq!(
            std::fs::read(dir.path().join("books.journal")).unwrap(),
            before,
            "{step}: the journal changed"
        );
    }
    let (code, _, _) = reconcile(dir.path(), &["--mark"]);
    assert_eq!(code, 0);
    assert_ne!(
        std::fs::read(dir.path().join("books.journal")).unwrap(),
        before
    );
}

#[test]
fn mark_never_changes_a_sealed_period() {
    let dir = small_ledger();
    let (code, _, err) = run(&["-L", s(dir.path()), "seal", "--through", "2017-03-10"]);
    assert_eq!(code, 0, "{err}");
    let before = journal(dir.path());
    let (code, _, err) = reconcile(dir.path(), &["--mark"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("sealed through 2017-03-10"), "{err}");
    assert!(err.contains("(PV-10)") && err.contains("(RC-1)"), "{err}");
    assert!(!err.contains("(PV-15)"), "after the seal: {err}");
    assert_eq!(journal(dir.path()), before, "nothing was marked");
    let (code, out, _) = run(&["-L", s(dir.path()), "verify"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn the_sample_is_already_cleared_so_mark_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["project.toml", "books.journal", "prices.journal"] {
        std::fs::copy(sample().join(name), dir.path().join(name)).unwrap();
    }
    let before = journal(dir.path());
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "reconcile",
        s(&sample_statement()),
        "--rules",
        s(&bank_rules()),
        "--mark",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("rien à marquer"), "{err}");
    assert_eq!(journal(dir.path()), before);
    // Unmark December's transactions: --mark puts back exactly the matched ones.
    let unmarked = before.replace("\n2017-12-28 * (", "\n2017-12-28 (");
    assert_ne!(unmarked, before);
    std::fs::write(dir.path().join("books.journal"), &unmarked).unwrap();
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "reconcile",
        s(&sample_statement()),
        "--rules",
        s(&bank_rules()),
        "--mark",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(journal(dir.path()), before);
}

// ---------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------

#[test]
fn the_workbook_reads_back_with_formulas_cached_and_text_kept_as_text() {
    let dir = small_ledger();
    let out = dir.path().join("rapprochement.xlsx");
    let (code, _, err) = reconcile(dir.path(), &["-o", s(&out)]);
    assert_eq!(code, 0, "{err}");
    let mut wb = open_workbook_auto(&out).unwrap();
    let range = wb.worksheet_range("Rapprochement").unwrap();
    let row_of = |label: &str| {
        range
            .rows()
            .position(|r| r.get(2).is_some_and(|c| c.to_string().starts_with(label)))
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    let value = |row: usize| match &range.rows().nth(row).unwrap()[6] {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("{other:?}"),
    };
    assert_eq!(value(row_of("Solde selon le relevé")), 609_700.0);
    assert_eq!(value(row_of("= Solde rapproché")), 704_000.0);
    assert_eq!(value(row_of("Écart")), 0.0);
    let formulas = wb.worksheet_formula("Rapprochement").unwrap();
    let all: Vec<String> = formulas
        .rows()
        .flatten()
        .filter(|f| !f.is_empty())
        .cloned()
        .collect();
    assert!(all.iter().any(|f| f.starts_with("SUM(G")), "{all:?}");
    assert!(
        all.iter().any(|f| f.contains('-')),
        "the difference is a formula: {all:?}"
    );
    // The statement's hostile text is a string, never a formula.
    let texts: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter().map(ToString::to_string))
        .collect();
    assert!(
        texts.iter().any(|t| t == "=INTERETS CREDITEURS"),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "@FRAIS DE TENUE DE COMPTE"));
    assert!(!all.iter().any(|f| f.contains("INTERETS")), "{all:?}");
    // Every match is listed on the second sheet.
    let matches = wb.worksheet_range("Pointage").unwrap();
    let vouchers: Vec<String> = matches.rows().skip(1).map(|r| r[6].to_string()).collect();
    for v in [
        "PV-10", "PV-11", "RC-1", "RC-2", "RC-3", "PV-15", "PV-17", "PV-18", "PV-03",
    ] {
        assert!(vouchers.contains(&v.to_string()), "{v}: {vouchers:?}");
    }
    // CSV quotes what a spreadsheet would run.
    let (_, csv, _) = reconcile(dir.path(), &["--format", "csv"]);
    assert!(csv.contains("'=INTERETS CREDITEURS"), "{csv}");
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("section,date,reference")
    );
}

#[test]
fn an_ods_statement_reconciles_like_the_xlsx() {
    if !crate::support::have("soffice") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let xlsx = work.path().join("releve.xlsx");
    std::fs::copy(sample_statement(), &xlsx).unwrap();
    let out = std::process::Command::new("soffice")
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "ods",
            "--outdir",
            s(work.path()),
            s(&xlsx),
        ])
        .env("HOME", work.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = |statement: &Path| {
        let (code, out, err) = run(&[
            "-L",
            s(&sample()),
            "reconcile",
            s(statement),
            "--rules",
            s(&bank_rules()),
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        let r = json(&out);
        let keys = [
            "bank_balance",
            "book_balance",
            "difference",
            "deposits_in_transit",
            "outstanding_payments",
            "errors",
        ];
        keys.iter()
            .map(|k| r[*k].to_string().replace(".ods#", ".xlsx#"))
            .collect::<Vec<_>>()
    };
    assert_eq!(summary(&work.path().join("releve.ods")), summary(&xlsx));
}
