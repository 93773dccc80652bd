//! Spreadsheet-injection safety on every writer: text from the books or from imported
//! data that starts with `=`, `+`, `-`, `@`, a tab or a carriage return never becomes a
//! formula — in any CSV output (a leading `'` keeps it text) nor in any workbook (written
//! as a string, with a quote prefix).

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use crate::support::{root, run, s, sample, temp_ledger};

/// Payloads a spreadsheet would run.
const PAYLOADS: [&str; 4] = ["HYPERLINK", "cmd|", "1+1", "SUM(9"];

/// The sample ledger plus a transaction whose texts are formula payloads.
fn hostile_ledger() -> tempfile::TempDir {
    let project = std::fs::read_to_string(sample().join("project.toml")).unwrap();
    let journal = std::fs::read_to_string(sample().join("books.journal")).unwrap();
    let prices = std::fs::read_to_string(sample().join("prices.journal")).unwrap();
    let hostile = "\n2017-06-15 * (=1+1) =HYPERLINK(\"http://x\",\"clic\")\n    ; donor: EU\n    ; source: =cmd|' /C calc'!A0\n    ; +SUM(9,9)\n    expenses:62-services-exterieurs:6277-seminaires    1,000 XOF\n    ; line: 3.1\n    ; activity: A1\n    ; @SUM(9,9)\n    income:71-subventions:7182-ue    -1,000 XOF\n";
    temp_ledger(&[
        ("project.toml", &project),
        ("books.journal", &format!("{journal}{hostile}")),
        ("prices.journal", &prices),
    ])
}

/// Every field of a CSV output is safe to open in a spreadsheet.
fn assert_csv_safe(what: &str, text: &str, carries_text: bool) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut payload_seen = false;
    for rec in rdr.records() {
        let rec = rec.unwrap_or_else(|e| panic!("{what}: not CSV: {e}"));
        for f in rec.iter() {
            let dangerous = f.starts_with(['=', '+', '@', '\t', '\r'])
                || (f.starts_with('-') && f[1..].parse::<f64>().is_err());
            assert!(!dangerous, "{what}: field {f:?} would run as a formula");
            payload_seen |= PAYLOADS.iter().any(|p| f.contains(p));
        }
    }
    assert!(
        payload_seen || !carries_text,
        "{what}: the hostile text should appear (as text)"
    );
}

/// No formula of a workbook carries a payload; the payload is there as text.
fn assert_xlsx_safe(what: &str, path: &Path) {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut payload_as_text = false;
    for name in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&name).unwrap();
        for (_, _, f) in formulas.used_cells() {
            assert!(
                !PAYLOADS.iter().any(|p| f.contains(p)),
                "{what} / {name}: formula {f:?}"
            );
        }
        let values = wb.worksheet_range(&name).unwrap();
        payload_as_text |= values.used_cells().any(
            |(_, _, v)| matches!(v, Data::String(t) if PAYLOADS.iter().any(|p| t.contains(p))),
        );
    }
    assert!(
        payload_as_text,
        "{what}: the hostile text should appear as text"
    );
}

fn out(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert!(code == 0 || code == 1, "{args:?}: {err}");
    out
}

#[test]
fn every_csv_writer_keeps_text_as_text() {
    let dir = hostile_ledger();
    let l = s(dir.path());
    // (name, command, whether it prints descriptions, vouchers or sources)
    let cases: Vec<(&str, Vec<&str>, bool)> = vec![
        (
            "balance",
            vec![
                "-L",
                l,
                "balance",
                "--by",
                "donor,line,activity",
                "--format",
                "csv",
            ],
            false,
        ),
        (
            "register",
            vec!["-L", l, "register", "--source", "--format", "csv"],
            true,
        ),
        ("budget", vec!["-L", l, "budget", "--format", "csv"], false),
        ("funds", vec!["-L", l, "funds", "--format", "csv"], false),
        (
            "psc",
            vec!["-L", l, "psc", "--through", "2017-12-31", "--format", "csv"],
            false,
        ),
        (
            "report donor",
            vec![
                "-L",
                l,
                "report",
                "donor",
                "EU",
                "--from",
                "2017-01-01",
                "--to",
                "2017-12-31",
                "--format",
                "csv",
            ],
            false,
        ),
        (
            "trial balance",
            vec!["-L", l, "report", "trial-balance", "--format", "csv"],
            false,
        ),
        (
            "general ledger",
            vec!["-L", l, "report", "general-ledger", "--format", "csv"],
            true,
        ),
        (
            "export csv",
            vec!["-L", l, "export", "--format", "csv"],
            true,
        ),
    ];
    for (what, args, carries_text) in cases {
        assert_csv_safe(what, &out(&args), carries_text);
    }
}

#[test]
fn every_workbook_writer_keeps_text_as_text() {
    let dir = hostile_ledger();
    let l = s(dir.path());
    let x = |name: &str| dir.path().join(name);
    let runs: Vec<(&str, Vec<String>, std::path::PathBuf)> = vec![
        (
            "donor report",
            vec![
                "report".into(),
                "donor".into(),
                "EU".into(),
                "--from".into(),
                "2017-01-01".into(),
                "--to".into(),
                "2017-12-31".into(),
                "-o".into(),
                s(&x("eu.xlsx")).into(),
            ],
            x("eu.xlsx"),
        ),
        (
            "general ledger",
            vec![
                "report".into(),
                "general-ledger".into(),
                "-o".into(),
                s(&x("gl.xlsx")).into(),
            ],
            x("gl.xlsx"),
        ),
        (
            "audit",
            vec![
                "check".into(),
                "--audit".into(),
                "-o".into(),
                s(&x("audit.xlsx")).into(),
            ],
            x("audit.xlsx"),
        ),
    ];
    for (what, args, path) in runs {
        let mut all = vec!["-L".to_string(), l.to_string()];
        all.extend(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        out(&refs);
        assert_xlsx_safe(what, &path);
    }
}

#[test]
fn rejected_rows_keep_their_hostile_text_as_text() {
    // A row that cannot be imported (unknown budget line) whose description is a payload.
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("depenses.csv");
    std::fs::write(
        &csv_path,
        "Date;N° pièce;Libellé;Ligne budgétaire;Bailleur;Activité;Montant (FCFA)\n15/06/2017;=1+1;=HYPERLINK(\"http://x\");9.9;EU;A1;1 000\n",
    )
    .unwrap();
    let ledger = hostile_ledger();
    let rejects = dir.path().join("rejets.xlsx");
    let (code, _, err) = run(&[
        "-L",
        s(ledger.path()),
        "import",
        s(&csv_path),
        "--rules",
        s(&root().join("templates/import/depenses-fr.toml")),
        "--rejects",
        s(&rejects),
    ]);
    assert_eq!(code, 1, "{err}");
    assert_xlsx_safe("rejects", &rejects);
}
