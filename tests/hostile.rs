//! Hostile input and interrupted writes: each gives a clear error within bounded time,
//! never a panic, and leaves the ledger exactly as it was (or exactly as after).

use std::time::{Duration, Instant};

use crate::support::{fundledger, run, s, temp_ledger};

/// Runs and returns (exit code, stderr, elapsed).
fn timed(args: &[&str]) -> (i32, String, Duration) {
    let start = Instant::now();
    let (code, _, err) = run(args);
    (code, err, start.elapsed())
}

#[test]
fn a_ten_megabyte_line_is_refused_quickly() {
    let mut text = String::from("decimal-mark .\n2017-01-05 * (PV-1) ");
    text.push_str(&"x".repeat(10 << 20));
    text.push_str("\n    expenses:food    1,500 XOF\n    assets:cash\n\n2017-01-06 * (PV-2) Ok\n    expenses:food    1,000 XOF\n    assets:cash\n");
    let dir = temp_ledger(&[("long.journal", &text)]);
    let file = dir.path().join("long.journal");
    let (code, err, took) = timed(&["-f", s(&file), "balance"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("line of 10485780 bytes, longer than the 1048576 bytes allowed"),
        "{err}"
    );
    assert!(err.contains("long.journal:2:1"), "{err}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // The limit is configurable.
    let out = fundledger()
        .env("FUNDLEDGER_MAX_LINE_BYTES", "20000000")
        .args(["-f", s(&file), "balance", "--flat", "--format", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("expenses:food,XOF,2500"));
}

#[test]
fn an_include_chain_a_thousand_deep_stops_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1000 {
        let body = if i < 999 {
            format!("include f{}.journal\n", i + 1)
        } else {
            "2017-01-01 x\n    a  1 XOF\n    b\n".into()
        };
        std::fs::write(dir.path().join(format!("f{i}.journal")), body).unwrap();
    }
    let (code, err, took) = timed(&["-f", s(&dir.path().join("f0.journal")), "check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[include-cycle]: includes nested more than 64 deep"),
        "{err}"
    );
    assert!(
        err.contains("f63.journal:1:9"),
        "the place of the include that goes too deep: {err}"
    );
    assert!(took < Duration::from_secs(20));
    let out = fundledger()
        .env("FUNDLEDGER_MAX_INCLUDE_DEPTH", "2000")
        .args([
            "-f",
            s(&dir.path().join("f0.journal")),
            "balance",
            "--flat",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn non_utf8_journals_are_refused_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.journal");
    std::fs::write(
        &file,
        b"2017-01-05 * (PV-1) R\xe9ception\n    expenses:food    1500 XOF\n    assets:cash\n",
    )
    .unwrap();
    let (code, err, _) = timed(&["-f", s(&file), "check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[io]: the journal is not valid UTF-8 text")
            && err.contains("latin1.journal:1:22"),
        "{err}"
    );
}

#[test]
fn init_makes_a_ledger_that_checks_and_never_overwrites_books() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("mli-2026");
    let (code, _, err) = run(&["init", s(&dir)]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["-L", s(&dir), "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(dir.join("project.toml"))
            .unwrap()
            .contains("code = \"MLI-2026\"")
    );
    let (code, _, err) = run(&["init", s(&dir)]);
    assert_eq!(code, 2);
    assert!(err.contains("already holds a ledger"), "{err}");
    // Someone's own journal is never overwritten.
    let other = root.path().join("theirs");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("books.journal"),
        "2017-01-01 mine\n    a  1 XOF\n    b\n",
    )
    .unwrap();
    let (code, _, _) = run(&["init", s(&other)]);
    assert_eq!(code, 2);
    assert_eq!(
        std::fs::read_to_string(other.join("books.journal")).unwrap(),
        "2017-01-01 mine\n    a  1 XOF\n    b\n"
    );
}

#[test]
fn an_interrupted_init_can_be_run_again() {
    for fault in [
        "after-temp-write@1",
        "before-fsync@1",
        "before-rename@1",
        "after-temp-write@2",
        "before-rename@2",
    ] {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("new");
        let out = fundledger()
            .env("FUNDLEDGER_FAULT", fault)
            .args(["init", s(&dir)])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(99), "{fault}");
        // Before: no ledger (check cannot run), never a project without its journal.
        assert!(!dir.join("project.toml").exists(), "{fault}");
        let (code, _, err) = run(&["-L", s(&dir), "check"]);
        assert_eq!(code, 2, "{fault}: {err}");
        let (code, _, err) = run(&["init", s(&dir)]);
        assert_eq!(code, 0, "{fault}: re-running init works: {err}");
        let (code, _, err) = run(&["-L", s(&dir), "check"]);
        assert_eq!(code, 0, "{fault}: {err}");
    }
}

// ------------------------------------------------------------ hostile workbooks

/// An .xlsx built by hand from its XML parts, so tests can make what Excel never would.
fn handmade_xlsx(path: &std::path::Path, sheets: usize, sheet_xml: &dyn Fn(usize) -> String) {
    use std::io::Write;
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default();
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let mut book = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for i in 1..=sheets {
        types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        book.push_str(&format!(
            r#"<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>"#
        ));
        rels.push_str(&format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#));
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    let parts = [
        ("[Content_Types].xml".to_string(), types),
        ("_rels/.rels".to_string(), r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml".to_string(), book),
        ("xl/_rels/workbook.xml.rels".to_string(), rels),
    ];
    for (name, body) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    for i in 1..=sheets {
        zip.start_file(format!("xl/worksheets/sheet{i}.xml"), opts)
            .unwrap();
        zip.write_all(sheet_xml(i).as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

fn sheet(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// The French expenditure header and one row whose description is `text`.
fn one_row(text: &str) -> String {
    let cell = |r: u32, c: char, t: &str| {
        format!(r#"<c r="{c}{r}" t="inlineStr"><is><t>{t}</t></is></c>"#)
    };
    let head: String = [
        "Date",
        "N° pièce",
        "Libellé",
        "Ligne budgétaire",
        "Bailleur",
        "Activité",
        "Montant (FCFA)",
    ]
    .iter()
    .zip('A'..)
    .map(|(h, c)| cell(1, c, h))
    .collect();
    format!(
        r#"<row r="1">{head}</row><row r="2">{}{}{}{}{}{}<c r="G2"><v>1000</v></c></row>"#,
        cell(2, 'A', "01/11/2017"),
        cell(2, 'B', "PV-1"),
        cell(2, 'C', text),
        cell(2, 'D', "3.3"),
        cell(2, 'E', "EU"),
        cell(2, 'F', "A1")
    )
}

/// Imports `file` into a copy of the sample (dry run); returns (code, stderr, elapsed).
fn dry_import(file: &std::path::Path) -> (i32, String, Duration) {
    let ledger = crate::import::sample_copy();
    let before = std::fs::read(ledger.path().join("books.journal")).unwrap();
    let start = Instant::now();
    let (code, _, err) = run(&[
        "-L",
        s(ledger.path()),
        "import",
        s(file),
        "--rules",
        s(&crate::support::root().join("templates/import/depenses-fr.toml")),
        "--dry-run",
    ]);
    let took = start.elapsed();
    assert_eq!(
        std::fs::read(ledger.path().join("books.journal")).unwrap(),
        before,
        "the journal changed"
    );
    (code, err, took)
}

#[test]
fn thousands_of_sheets_cost_only_the_sheet_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sheets.xlsx");
    handmade_xlsx(&file, 3000, &|i| {
        if i == 1 {
            sheet(&one_row("Per diem"))
        } else {
            sheet("")
        }
    });
    let (code, err, took) = dry_import(&file);
    assert_eq!(code, 0, "{err}");
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[test]
fn a_cell_of_megabytes_is_refused_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big-cell.xlsx");
    let huge = "x".repeat(5 << 20);
    handmade_xlsx(&file, 1, &|_| sheet(&one_row(&huge)));
    let (code, err, took) = dry_import(&file);
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains("big-cell.xlsx#S1!C2"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[test]
fn deeply_nested_or_invalid_xml_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("nested.xlsx");
    let depth = 200_000;
    handmade_xlsx(&nested, 1, &|_| {
        sheet(&format!("{}{}", "<x>".repeat(depth), "</x>".repeat(depth)))
    });
    let (code, err, took) = dry_import(&nested);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("nested.xlsx"), "{err}");
    assert!(took < Duration::from_secs(30), "took {took:?}");
    let invalid = dir.path().join("invalid.xlsx");
    handmade_xlsx(&invalid, 1, &|_| {
        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>oops</v></row></worksheet"
            .to_string()
    });
    let (code, err, _) = dry_import(&invalid);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid.xlsx"), "{err}");
}

#[test]
fn a_csv_in_no_known_encoding_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("binary.csv");
    let mut bytes =
        b"Date;N\xb0 pi\xe8ce;Libell\xe9;Ligne budg\xe9taire;Bailleur;Activit\xe9;Montant (FCFA)\n"
            .to_vec();
    bytes.extend([0u8, 0xff, 0xfe, 0x00, 0x81, 0x8d, 0x8f, 0x90, 0x9d]);
    std::fs::write(&file, bytes).unwrap();
    let (code, err, took) = dry_import(&file);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("binary.csv"), "{err}");
    assert!(took < Duration::from_secs(10));
}
