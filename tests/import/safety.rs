//! All or nothing: crashes at every write step leave the journal as it was; concurrent
//! imports queue; `--dry-run` writes nothing; `--rejects` keeps the bad rows; hostile
//! files get a clear error fast. And the other workbook formats.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx, open_workbook};
use sha2::{Digest, Sha256};

use super::{
    C, Sheet, assert_check_passes, d, fr_rules, french_ledger, import, journal, n, sample_copy, t,
    write_xlsx,
};
use crate::import::problems::{raw_row, raw_xlsx};
use crate::support::{fundledger, have, root, s};

fn workshop(path: &Path, voucher: &str, rows: usize) {
    let rows = (0..rows)
        .map(|i| {
            vec![
                d(2017, 11, 1 + (i % 28) as u8),
                t(&format!("{voucher}-{i}")),
                t("Per diem"),
                t("3.3"),
                C::Empty,
                t("A1"),
                n(10_000.0 + i as f64),
            ]
        })
        .collect();
    write_xlsx(path, &[french_ledger(rows)]);
}

fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walk(dir);
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[test]
fn a_crash_at_any_write_step_leaves_the_journal_as_it_was() {
    for step in ["after-temp-write", "before-fsync", "before-rename"] {
        for source_already_kept in [false, true] {
            let dir = sample_copy();
            let file = dir.path().join("depenses.xlsx");
            workshop(&file, "PVX", 3);
            if source_already_kept {
                // Then the journal is the first file written: the crash hits its write.
                let bytes = std::fs::read(&file).unwrap();
                let digest: String = Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                std::fs::create_dir_all(dir.path().join("sources")).unwrap();
                std::fs::write(
                    dir.path().join(format!("sources/{}.xlsx", &digest[..16])),
                    &bytes,
                )
                .unwrap();
            }
            let before = journal(dir.path());
            let out = fundledger()
                .args([
                    "-L",
                    s(dir.path()),
                    "import",
                    s(&file),
                    "--rules",
                    s(&fr_rules()),
                ])
                .env("FUNDLEDGER_FAULT", step)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(99),
                "{step}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                journal(dir.path()),
                before,
                "{step}: journal byte-identical"
            );
            assert_check_passes(dir.path());
            // And the import still goes through afterwards.
            let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
            assert_eq!(code, 0, "{step}: {err}");
            assert_eq!(journal(dir.path()).matches("(PVX-").count(), 3);
        }
    }
}

#[test]
fn imports_started_at_once_both_land_once() {
    let dir = sample_copy();
    let a = dir.path().join("a.xlsx");
    let b = dir.path().join("b.xlsx");
    workshop(&a, "A", 40);
    workshop(&b, "B", 40);
    let spawn = |file: &Path| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("fundledger"))
            .args([
                "-L",
                s(dir.path()),
                "import",
                s(file),
                "--rules",
                s(&fr_rules()),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Two different files, and the same file twice.
    let runs = vec![spawn(&a), spawn(&b), spawn(&a)];
    for child in runs {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let j = journal(dir.path());
    for i in 0..40 {
        assert_eq!(j.matches(&format!("(A-{i})")).count(), 1, "A-{i}");
        assert_eq!(j.matches(&format!("(B-{i})")).count(), 1, "B-{i}");
    }
    assert_check_passes(dir.path());
}

#[test]
fn dry_run_writes_nothing_and_shows_what_would_be_imported() {
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    workshop(&file, "PV", 2);
    let before = listing(dir.path());
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        listing(dir.path()),
        before,
        "no file written, not even the lock"
    );
    assert!(out.contains("2017-11-01 * (PV-0) Per diem\n"), "{out}");
    assert!(
        out.contains("dry run: 2 transactions (20,001 XOF) would be imported; nothing written"),
        "{out}"
    );
    // 3.3 is shared 30/30/20/20: totals by donor and by line.
    assert!(out.contains("Bailleur"), "{out}");
    let has_row = |cells: &[&str]| {
        out.lines()
            .any(|l| l.split_whitespace().eq(cells.iter().copied()))
    };
    assert!(has_row(&["EU", "6,001", "XOF"]), "{out}");
    assert!(has_row(&["UNODC", "4,000", "XOF"]), "{out}");
    assert!(has_row(&["3.3", "20,001", "XOF"]), "{out}");
}

#[test]
fn rejects_keep_the_bad_rows_with_their_reasons() {
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    write_xlsx(
        &file,
        &[french_ledger(vec![
            vec![
                d(2017, 11, 6),
                t("PV-1"),
                t("Traiteur"),
                t("3.2"),
                C::Empty,
                t("A1"),
                n(100_000.0),
            ],
            vec![
                d(2017, 11, 6),
                t("PV-2"),
                t("=HYPERLINK(\"x\")"),
                t("9.9"),
                C::Empty,
                t("A1"),
                n(50_000.0),
            ],
            vec![
                d(2017, 11, 7),
                t("PV-3"),
                t("Traiteur"),
                t("3.2"),
                C::Empty,
                t("A1"),
                n(200_000.0),
            ],
            vec![
                d(2017, 11, 8),
                t("PV-4"),
                t("Salle"),
                t("3.1"),
                C::Empty,
                t("A7"),
                t("75 000"),
            ],
        ])],
    );
    let out_path = dir.path().join("rejets.xlsx");
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &["--rejects", s(&out_path)]);
    assert_eq!(code, 1, "rows were rejected: {err}");
    assert!(out.contains("imported                  2"), "{out}");
    assert!(out.contains("rejected                  2"), "{out}");
    let j = journal(dir.path());
    assert!(j.contains("(PV-1)") && j.contains("(PV-3)") && !j.contains("(PV-2)"));
    assert_check_passes(dir.path());

    let mut wb: Xlsx<_> = open_workbook(&out_path).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Dépenses".to_string()]);
    let range = wb.worksheet_range("Dépenses").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(
        header,
        [
            "Date",
            "N° pièce",
            "Libellé",
            "Ligne budgétaire",
            "Bailleur",
            "Activité",
            "Montant (FCFA)",
            "Motif du rejet",
            "Origine"
        ]
    );
    assert_eq!(rows[1][1], Data::String("PV-2".into()));
    assert_eq!(
        rows[1][2],
        Data::String("=HYPERLINK(\"x\")".into()),
        "text stays text"
    );
    assert!(
        rows[1][7]
            .to_string()
            .contains("unknown budget line \"9.9\""),
        "{:?}",
        rows[1][7]
    );
    assert_eq!(rows[1][8], Data::String("Dépenses!A5".into()));
    assert!(
        matches!(rows[1][0], Data::DateTime(_)),
        "dates stay dates: {:?}",
        rows[1][0]
    );
    assert_eq!(rows[1][6], Data::Float(50_000.0));
    assert!(
        rows[2][7]
            .to_string()
            .contains("activity \"A7\" is not declared"),
        "{:?}",
        rows[2][7]
    );
    assert_eq!(rows[2][8], Data::String("Dépenses!A7".into()));
    // The formula text was not written as a formula.
    assert!(
        wb.worksheet_formula("Dépenses")
            .unwrap()
            .used_cells()
            .next()
            .is_none()
    );

    // Fixed and imported again with the same rules: exactly those rows go in.
    let fixed = dir.path().join("rejets-corriges.xlsx");
    let mut sheet_rows: Vec<Vec<C>> = vec![super::FR_HEADER.iter().map(|h| t(h)).collect()];
    sheet_rows.push(vec![
        d(2017, 11, 6),
        t("PV-2"),
        t("Traiteur"),
        t("3.2"),
        C::Empty,
        t("A1"),
        n(50_000.0),
        t("corrigé"),
    ]);
    sheet_rows.push(vec![
        d(2017, 11, 8),
        t("PV-4"),
        t("Salle"),
        t("3.1"),
        C::Empty,
        t("A1"),
        t("75 000"),
    ]);
    write_xlsx(&fixed, &[Sheet::new("Dépenses", sheet_rows)]);
    let (code, out, err) = import(dir.path(), &fixed, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  2"), "{out}");
    assert_check_passes(dir.path());
}

/// Runs an import that must fail fast with exit 2 and a message containing `says`.
fn hostile(file: &Path, says: &str) {
    let dir = sample_copy();
    let before = journal(dir.path());
    let started = Instant::now();
    let (code, _, err) = import(dir.path(), file, &fr_rules(), &[]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(says), "expected {says:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(journal(dir.path()), before);
}

#[test]
fn hostile_files_get_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.xlsx");
    std::fs::write(&text, "Date;Montant\n30/10/2017;1000\n").unwrap();
    hostile(&text, "is not a spreadsheet: it is plain text");

    let binary = dir.path().join("photo.xlsx");
    std::fs::write(
        &binary,
        [0xFFu8, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'],
    )
    .unwrap();
    hostile(&binary, "neither a zip-based workbook");

    let empty = dir.path().join("empty.xlsx");
    std::fs::write(&empty, b"").unwrap();
    hostile(&empty, "the file is empty");

    let good = dir.path().join("good.xlsx");
    workshop(&good, "PV", 50);
    let bytes = std::fs::read(&good).unwrap();
    let truncated = dir.path().join("truncated.xlsx");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    hostile(
        &truncated,
        "cannot be opened as one (truncated or damaged?)",
    );

    hostile(
        &root().join("tests/data/import/hostile/password-protected.xlsx"),
        "is password-protected (encrypted)",
    );

    let pdf = dir.path().join("scan.pdf");
    std::fs::write(&pdf, b"%PDF-1.4").unwrap();
    hostile(&pdf, "unsupported file type");
}

#[test]
fn a_zip_bomb_is_refused_before_unpacking() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("xl/workbook.xml", opts).unwrap();
    zip.write_all(b"<workbook/>").unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..80 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    hostile(&bomb, "(a zip bomb?)");
}

#[test]
fn a_sheet_claiming_a_million_columns_and_rows_costs_nothing() {
    // The sheet says A1:XFD1048576 and has a cell in XFD2 and one in A1048576; only the
    // real cells are read, so this is quick and small.
    let dir = sample_copy();
    let file = dir.path().join("claims.xlsx");
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
    let row = raw_row(
        2,
        &["30/10/2017", "PV-1", "Salle", "3.1", "", "A1", "1 000"],
    )
    .replace(
        "</row>",
        r#"<c r="XFD2" t="inlineStr"><is><t>far away</t></is></c></row>"#,
    );
    let last = r#"<row r="1048576"><c r="C1048576" t="inlineStr"><is><t>fin</t></is></c><c r="XFD1048576" t="inlineStr"><is><t>fin</t></is></c></row>"#;
    raw_xlsx(&file, "A1:XFD1048576", &format!("{header}{row}{last}"), "");
    let started = Instant::now();
    let (code, out, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported                  1"), "{out}");
    assert!(
        out.contains("notes 1"),
        "the far-away text is a note row: {out}"
    );
}

#[test]
fn ods_and_xls_read_like_xlsx() {
    if !have("soffice") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("depenses.xlsx");
    write_xlsx(
        &file,
        &[french_ledger(vec![
            vec![
                d(2017, 11, 6),
                t("PV-1"),
                t("Traiteur"),
                t("3.2"),
                C::Empty,
                t("A1"),
                n(100_001.0),
            ],
            vec![
                t("07/11/2017"),
                t("PV-2"),
                t("Salle"),
                t("3.1"),
                t("EU"),
                t("A1"),
                t("75 000"),
            ],
        ])],
    );
    let reference = sample_copy();
    let (code, _, err) = import(reference.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    let strip = |j: &str| -> String {
        j.lines()
            .filter(|l| !l.contains("; source: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for ext in ["ods", "xls"] {
        let out = std::process::Command::new("soffice")
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                ext,
                "--outdir",
                s(work.path()),
                s(&file),
            ])
            .env("HOME", work.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let converted = work.path().join(format!("depenses.{ext}"));
        let dir = sample_copy();
        let (code, out, err) = import(dir.path(), &converted, &fr_rules(), &[]);
        assert_eq!(code, 0, "{ext}: {err}\n{out}");
        assert_eq!(
            strip(&journal(dir.path())),
            strip(&journal(reference.path())),
            "{ext}"
        );
        assert!(journal(dir.path()).contains(&format!(".{ext}#Dépenses!A4")));
    }
}

#[test]
fn four_imports_of_different_files_at_once_each_land_exactly_once() {
    let dir = sample_copy();
    let files: Vec<_> = ["C", "D", "E", "F"]
        .iter()
        .map(|v| {
            let f = dir.path().join(format!("{v}.xlsx"));
            workshop(&f, v, 25);
            (v.to_string(), f)
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|(_, f)| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("fundledger"))
                .args([
                    "-L",
                    s(dir.path()),
                    "import",
                    s(f),
                    "--rules",
                    s(&fr_rules()),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let j = journal(dir.path());
    for (v, _) in &files {
        for i in 0..25 {
            assert_eq!(j.matches(&format!("({v}-{i})")).count(), 1, "{v}-{i}");
        }
    }
    assert_check_passes(dir.path());
}

#[test]
fn an_import_into_a_sealed_period_is_refused_and_after_it_accepted() {
    let dir = sample_copy();
    let file = dir.path().join("nov.xlsx");
    workshop(&file, "S", 5); // dated 2017-11-01 … 2017-11-05
    let before = journal(dir.path());
    let (code, _, err) =
        crate::support::run(&["-L", s(dir.path()), "seal", "--through", "2017-11-30"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error[sealed]") && err.contains("sealed through 2017-11-30"),
        "{err}"
    );
    assert!(
        err.contains("nov.xlsx#"),
        "the refusal points at the rows: {err}"
    );
    assert_eq!(journal(dir.path()), before, "nothing written");
    // Reopened and sealed only through October, the same rows are accepted.
    let (code, _, err) = crate::support::run(&[
        "-L",
        s(dir.path()),
        "seal",
        "--reopen",
        "--through",
        "2017-11-30",
        "--reason",
        "test",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        crate::support::run(&["-L", s(dir.path()), "seal", "--through", "2017-10-31"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(journal(dir.path()).matches("(S-").count(), 5);
    let (code, _, err) = crate::support::run(&["-L", s(dir.path()), "verify"]);
    assert_eq!(code, 0, "{err}");
}
