//! Donor reports: workbooks that open, tie out to the books, keep text as text, and
//! whose statement figures are pinned per template in readable golden files
//! (`tests/golden/report-*.csv`; `UPDATE_GOLDEN=1 cargo test` rewrites them).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{have, root, run, s, sample, temp_ledger};

const FROM: &str = "2017-01-01";
const TO: &str = "2017-12-31";
const DONORS: [&str; 5] = ["EU", "DE", "NL", "UNODC", "GOV"];

fn sample_dir() -> &'static str {
    Box::leak(sample().to_string_lossy().into_owned().into_boxed_str())
}

/// Runs `report all` once into a fresh directory; returns it and the workbook paths.
fn all_reports(lang: &str) -> (tempfile::TempDir, BTreeMap<String, PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::support::fundledger()
        .env("FUNDLEDGER_NOW", "2018-01-15T09:00:00Z")
        .args([
            "-L",
            sample_dir(),
            "--lang",
            lang,
            "report",
            "all",
            "--from",
            FROM,
            "--to",
            TO,
            "-o",
            s(dir.path()),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut books = BTreeMap::new();
    for d in DONORS {
        let p = dir
            .path()
            .join(format!("MLI-CTIP-2017-{d}-{FROM}-{TO}.xlsx"));
        assert!(p.is_file(), "{} missing", p.display());
        books.insert(d.to_string(), p);
    }
    (dir, books)
}

fn number(d: &Data) -> Option<Decimal> {
    match d {
        Data::Float(f) => Decimal::try_from(*f).ok().map(|x| x.round_dp(2)),
        Data::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut wb = open_workbook_auto(path).unwrap();
    wb.worksheet_range(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The row whose column `col` holds `label`.
fn find_row(range: &calamine::Range<Data>, col: usize, label: &str) -> usize {
    range
        .rows()
        .position(|r| r.get(col).is_some_and(|c| c.to_string().starts_with(label)))
        .unwrap_or_else(|| panic!("no row {label:?}"))
}

fn balance_expenses(donor: &str) -> Decimal {
    let (code, out, err) = run(&[
        "-L",
        sample_dir(),
        "balance",
        "--donor",
        donor,
        "--from",
        FROM,
        "--to",
        TO,
        "--depth",
        "1",
        "--format",
        "json",
        "expenses",
    ]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    rows.iter()
        .map(|r| r["amount"].as_str().unwrap().parse::<Decimal>().unwrap())
        .sum()
}

#[test]
fn workbooks_tie_out_to_the_books_to_the_franc() {
    let (_dir, books) = all_reports("fr");
    for (donor, path) in &books {
        let tx = sheet(path, "Transactions");
        let total_row = find_row(&tx, 5, "Total de la période");
        let rows: Vec<&[Data]> = tx.rows().skip(1).take(total_row - 1).collect();
        let sum_xof: Decimal = rows.iter().map(|r| number(&r[6]).unwrap()).sum();
        let sum_donor: Decimal = rows.iter().map(|r| number(&r[7]).unwrap()).sum();
        let cached_xof = number(&tx[(total_row, 6)]).unwrap();
        let cached_donor = number(&tx[(total_row, 7)]).unwrap();
        assert_eq!(
            cached_xof, sum_xof,
            "{donor}: cached total of the transactions sheet"
        );
        assert_eq!(cached_donor, sum_donor, "{donor}");
        assert_eq!(
            sum_xof,
            balance_expenses(donor),
            "{donor}: transactions sheet vs balance --donor"
        );

        // The statement's cumulative total equals the transactions (the period is the whole agreement).
        let name = if donor == "GOV" {
            "FACE"
        } else {
            "État financier"
        };
        let st = sheet(path, name);
        let (total_label, col_xof, col_donor) = match donor.as_str() {
            "GOV" => ("Total", None, 3),
            _ => (
                if donor == "UNODC" {
                    "Total général"
                } else {
                    "Total"
                },
                Some(8),
                4,
            ),
        };
        let t = find_row(&st, 1, total_label);
        assert_eq!(
            number(&st[(t, col_donor)]).unwrap(),
            sum_donor,
            "{donor}: statement vs transactions ({})",
            st[(t, 1)]
        );
        if let Some(c) = col_xof {
            assert_eq!(
                number(&st[(t, c)]).unwrap(),
                sum_xof,
                "{donor}: statement XOF total"
            );
        }
        // Each posting's donor-currency amount follows the agreement's rule.
        if matches!(donor.as_str(), "EU" | "DE" | "NL") {
            for r in &rows {
                let xof = number(&r[6]).unwrap();
                let eur = (xof / Decimal::new(655_957, 3)).round_dp_with_strategy(
                    2,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                );
                assert_eq!(number(&r[7]).unwrap(), eur, "{donor}: {xof} XOF at the peg");
            }
        }
    }
}

#[test]
fn totals_are_formulas_with_cached_values() {
    let (_dir, books) = all_reports("en");
    let path = &books["EU"];
    let mut wb = open_workbook_auto(path).unwrap();
    let formulas = wb.worksheet_formula("Financial statement").unwrap();
    let values = wb.worksheet_range("Financial statement").unwrap();
    let sub = find_row(&values, 1, "Subtotal of direct eligible costs");
    let (r0, c0) = formulas.start().unwrap();
    let f = &formulas[(sub - r0 as usize, 2 - c0 as usize)];
    assert!(f.starts_with("SUM(C"), "subtotal is a formula: {f:?}");
    let first = find_row(&values, 0, "1");
    let expected: Decimal = (first..sub).filter_map(|r| number(&values[(r, 2)])).sum();
    assert_eq!(
        number(&values[(sub, 2)]).unwrap(),
        expected,
        "cached value of {f}"
    );
    // Every sheet is there, in English.
    let names = wb.sheet_names();
    for n in [
        "Financial statement",
        "Budget lines",
        "Transactions",
        "Receipts",
        "Charts",
        "Certification",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} missing: {names:?}");
    }
}

#[test]
fn workbooks_are_well_formed_with_native_charts() {
    let (_dir, books) = all_reports("fr");
    for (donor, path) in &books {
        let file = std::fs::File::open(path).unwrap();
        let mut zip = zip::ZipArchive::new(file).unwrap();
        let mut charts = 0;
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let name = part.name().map(|n| n.to_string()).unwrap_or_default();
            if name.starts_with("xl/charts/chart") {
                charts += 1;
            }
            if name.ends_with(".xml") || name.ends_with(".rels") {
                let mut xml = String::new();
                part.read_to_string(&mut xml).unwrap();
                let mut reader = quick_xml::Reader::from_str(&xml);
                loop {
                    match reader.read_event() {
                        Ok(quick_xml::events::Event::Eof) => break,
                        Ok(_) => {}
                        Err(e) => panic!("{donor}: {name} is not well-formed XML: {e}"),
                    }
                }
            }
        }
        assert_eq!(charts, 2, "{donor}: budget-vs-actual and by-month charts");
        let mut wb = open_workbook_auto(path).unwrap();
        for name in wb.sheet_names() {
            wb.worksheet_range(&name)
                .unwrap_or_else(|e| panic!("{donor} {name}: {e}"));
        }
    }
}

#[test]
fn libreoffice_opens_every_workbook() {
    if !have("soffice") {
        return;
    }
    let (dir, books) = all_reports("fr");
    let pdf = dir.path().join("pdf");
    for (donor, path) in &books {
        let out = std::process::Command::new("soffice")
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                s(&pdf),
                s(path),
            ])
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{donor}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let produced = pdf.join(format!("{stem}.pdf"));
        assert!(
            produced.metadata().is_ok_and(|m| m.len() > 1000),
            "{donor}: no PDF"
        );
        // LibreOffice's own environment notice (no Java here) is not about the file.
        let stderr: String = String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| !l.contains("javaldx"))
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        assert!(
            !stderr.contains("error") && !stderr.contains("warning"),
            "{donor}: {stderr}"
        );
    }
}

#[test]
fn imported_text_stays_text_in_the_workbook() {
    let project = std::fs::read_to_string(sample().join("project.toml")).unwrap();
    let journal = std::fs::read_to_string(sample().join("books.journal")).unwrap();
    let prices = std::fs::read_to_string(sample().join("prices.journal")).unwrap();
    let hostile = "\n2017-06-15 * (=1+1) =HYPERLINK(\"http://x\",\"clic\")\n    ; donor: EU\n    expenses:62-services-exterieurs:6277-seminaires    1,000 XOF\n    ; line: 3.1\n    ; activity: A1\n    income:71-subventions:7182-ue    -1,000 XOF\n";
    let dir = temp_ledger(&[
        ("project.toml", &project),
        ("books.journal", &format!("{journal}{hostile}")),
        ("prices.journal", &prices),
    ]);
    let out = dir.path().join("eu.xlsx");
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "report",
        "donor",
        "EU",
        "--from",
        FROM,
        "--to",
        TO,
        "-o",
        s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut wb = open_workbook_auto(&out).unwrap();
    let values = wb.worksheet_range("Transactions").unwrap();
    let row = find_row(&values, 2, "=HYPERLINK");
    assert!(
        matches!(values[(row, 2)], Data::String(_)),
        "{:?}",
        values[(row, 2)]
    );
    assert!(matches!(values[(row, 1)], Data::String(ref v) if v == "=1+1"));
    let formulas = wb.worksheet_formula("Transactions").unwrap();
    assert!(
        formulas
            .used_cells()
            .all(|(_, _, f)| f.is_empty() || f.starts_with("SUBTOTAL(")),
        "only the totals are formulas"
    );
}

/// The statement of `donor` as CSV (stable across runs: no dates or digests in it).
fn statement_csv(donor: &str) -> String {
    let (code, out, err) = run(&[
        "-L",
        sample_dir(),
        "report",
        "donor",
        donor,
        "--from",
        FROM,
        "--to",
        TO,
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn statements_match_the_golden_files_for_every_template() {
    let golden = root().join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for donor in DONORS {
        let got = statement_csv(donor);
        let path = golden.join(format!("report-{donor}.csv"));
        if update {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            failures.push(format!(
                "{}:\n--- want\n{want}\n--- got\n{got}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_xlsx_statement_holds_the_golden_figures() {
    let (_dir, books) = all_reports("fr");
    let csv_text = std::fs::read_to_string(root().join("tests/golden/report-EU.csv")).unwrap();
    let st = sheet(&books["EU"], "État financier");
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if &rec[0] != "category" {
            continue;
        }
        let r = find_row(&st, 0, &rec[1]);
        assert_eq!(
            number(&st[(r, 2)]).unwrap(),
            rec[4].parse::<Decimal>().unwrap(),
            "approved {}",
            &rec[1]
        );
        assert_eq!(
            number(&st[(r, 4)]).unwrap(),
            rec[6].parse::<Decimal>().unwrap(),
            "to date {}",
            &rec[1]
        );
    }
}

#[test]
fn report_usage_errors_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["report", "donor", "XX", "--from", FROM, "--to", TO],
            "unknown donor \"XX\"",
        ),
        (
            &["report", "donor", "EU", "--from", TO, "--to", FROM],
            "is before --from",
        ),
        (
            &[
                "report",
                "donor",
                "EU",
                "--from",
                FROM,
                "--to",
                TO,
                "--template",
                "nope",
            ],
            "no donor template named \"nope\"",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["-L", sample_dir()];
        all.extend_from_slice(args);
        let (code, _, err) = run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
}
