//! `export` and `consolidate`: every format read back by the tool it is for, with the
//! same figures as ours.
//!
//! - hledger and ledger read the exported journal (whole, by date, by donor) as we do;
//! - bean-check accepts the beancount file and bean-query's balances are ours;
//! - the Parquet file read back with polars equals the CSV export row for row, with
//!   Decimal (never floating-point) amounts, and JSON holds the same rows;
//! - the IATI file of the sample validates against the 2.03 schema (xmllint) and its
//!   budgets, receipts and expenditure tie out to the books;
//! - `consolidate` over 50 generated ledgers (benches/gen) equals the sum of each
//!   ledger's own reports, to the franc, by donor, country and category — from the
//!   ledgers directly and from their partitioned Parquet exports.
//!
//! The peer tools are skipped when missing, except in CI (FUNDLEDGER_REQUIRE_PEERS=1).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use polars::prelude::{DataType, ParquetReader, SerReader};
use rust_decimal::Decimal;

use crate::compat::{hledger, ledger, ours};
use crate::support::{have, run, s, sample, temp_ledger};

#[allow(dead_code, clippy::all)]
#[path = "../benches/gen/mod.rs"]
mod generator;

/// Exports the sample (or `dir`) with `args` to a file in `tmp`, asserting success.
fn export_to(dir: &Path, tmp: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = tmp.join(name);
    let mut full = vec!["-L", s(dir), "export"];
    full.extend(args);
    full.extend(["-o", s(&out)]);
    let (code, _, err) = run(&full);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn hledger_and_ledger_read_the_export_as_we_do() {
    if !have("hledger") || !have("ledger") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let whole = export_to(
        &sample(),
        tmp.path(),
        "all.journal",
        &["--format", "hledger"],
    );
    let expected = ours(&["-L", s(&sample())]);
    assert!(expected.len() > 20);
    assert_eq!(hledger(&whole, &[]), expected);
    let as_ledger = export_to(&sample(), tmp.path(), "all.ledger", &["--format", "ledger"]);
    assert_eq!(ledger(&as_ledger, &[]), expected);
    for donor in ["EU", "GOV"] {
        let q = format!("tag:donor={donor}");
        assert_eq!(
            hledger(&whole, &[&q]),
            ours(&["-L", s(&sample()), "--donor", donor]),
            "{donor}"
        );
    }

    // A period: the exported transactions are exactly those of the period.
    let q4 = export_to(
        &sample(),
        tmp.path(),
        "q4.journal",
        &[
            "--format",
            "hledger",
            "--from",
            "2017-10-01",
            "--to",
            "2017-12-31",
        ],
    );
    let q4_ours = ours(&[
        "-L",
        s(&sample()),
        "--from",
        "2017-10-01",
        "--to",
        "2017-12-31",
    ]);
    assert_eq!(hledger(&q4, &[]), q4_ours);
    assert_eq!(ledger(&q4, &[]), q4_ours);
    // Assertions were dropped (they would not hold without the earlier months).
    assert!(!std::fs::read_to_string(&q4).unwrap().contains(" = "));

    // One donor: whole transactions with a posting of the donor; the donor's own
    // postings in them are the donor's books.
    let eu = export_to(
        &sample(),
        tmp.path(),
        "eu.journal",
        &["--format", "hledger", "--donor", "EU"],
    );
    assert_eq!(
        hledger(&eu, &["tag:donor=EU"]),
        ours(&["-L", s(&sample()), "--donor", "EU"])
    );
    assert_eq!(
        ledger(&eu, &["%donor=EU"]),
        ours(&["-L", s(&sample()), "--donor", "EU"])
    );
    // Reading it back ourselves gives the same books.
    assert_eq!(
        ours(&["-f", s(&eu), "--donor", "EU"]),
        ours(&["-L", s(&sample()), "--donor", "EU"])
    );
}

#[test]
fn without_output_the_journal_goes_to_stdout_and_matches_print() {
    let (code, exported, err) = run(&["-L", s(&sample()), "export", "--format", "hledger"]);
    assert_eq!(code, 0, "{err}");
    let (_, printed, _) = run(&["-L", s(&sample()), "print"]);
    assert_eq!(exported, printed);
}

/// bean-query's per-account, per-currency sums, under our account names (from the
/// `original:` metadata of each `open`), optionally for one donor.
fn bean_balances(file: &Path, donor: Option<&str>) -> BTreeMap<(String, String), Decimal> {
    let filter = donor.map_or(String::new(), |d| {
        format!("WHERE any_meta('donor') = '{d}' ")
    });
    let query = format!(
        "SELECT open_meta(account, 'original') AS original, currency, sum(number) AS total {filter}GROUP BY original, currency"
    );
    let out = Command::new("bean-query")
        .args([s(file), &query, "-f", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rdr = csv::Reader::from_reader(&out.stdout[..]);
    let mut t = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let q: Decimal = rec[2].trim().parse().unwrap();
        if !q.is_zero() {
            *t.entry((rec[0].trim().to_string(), rec[1].trim().to_string()))
                .or_default() += q;
        }
    }
    t
}

fn bean_check(file: &Path) {
    let out = Command::new("bean-check").arg(file).output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "bean-check: {}{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(file).unwrap()
    );
}

#[test]
fn beancount_export_passes_bean_check_with_our_balances() {
    if !have("bean-check") || !have("bean-query") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = export_to(
        &sample(),
        tmp.path(),
        "books.beancount",
        &["--format", "beancount"],
    );
    bean_check(&file);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("option \"operating_currency\" \"XOF\""));
    assert!(text.contains("open Assets:Bank:Bdm-xof"));
    assert!(text.contains("donor: \"EU\""));
    assert!(text.contains("@ 655.957 XOF"));
    // The month-end assertions became balance directives, the day after.
    assert!(
        text.contains("2018-01-01 balance Assets:Cash:Caisse  63255 XOF"),
        "{text}"
    );
    assert!(text.matches(" balance ").count() >= 40);
    assert_eq!(bean_balances(&file, None), ours(&["-L", s(&sample())]));
    for donor in ["EU", "UNODC", "GOV"] {
        assert_eq!(
            bean_balances(&file, Some(donor)),
            ours(&["-L", s(&sample()), "--donor", donor]),
            "{donor}"
        );
    }
    // A period and a donor: still valid, without the assertions that no longer hold.
    let part = export_to(
        &sample(),
        tmp.path(),
        "part.beancount",
        &[
            "--format",
            "beancount",
            "--from",
            "2017-07-01",
            "--donor",
            "NL",
        ],
    );
    bean_check(&part);
    assert!(
        !std::fs::read_to_string(&part)
            .unwrap()
            .contains(" balance ")
    );
}

/// Names and amounts beancount refuses or reads differently, made acceptable.
const AWKWARD: &str = r#"decimal-mark .
commodity XOF
commodity EUR
    format 1,000.00 EUR
account trésorerie:caisse siège  ; type: A
account divers:écart
account produits:subvention
account charges:frais

2017-01-02 * (R-1) Subvention "initiale" \ 1re tranche
    ; donor: EU
    ; Filename: x
    trésorerie:caisse siège       1,000.01 EUR @ 655.957 XOF
    produits:subvention             -655,964 XOF

2017-01-02 * (C-1) Change
    ; donor: EU
    trésorerie:caisse siège      -1,000.01 EUR @ 655.957 XOF
    trésorerie:caisse siège         655,964 XOF

2017-01-03 * (=1) =HYPERLINK("x")
    ; donor: EU
    ; note sans étiquette
    charges:frais                    100 XOF
    ; line: 1.1
    ; 1re-clé: oui
    trésorerie:caisse siège         -100 XOF = 655,864 XOF

2017-01-03 * Arrondi
    ; donor: EU
    divers:écart                       1 XOF
    trésorerie:caisse siège           -1 XOF
"#;

#[test]
fn beancount_copes_with_awkward_names_costs_and_midday_assertions() {
    if !have("bean-check") || !have("bean-query") {
        return;
    }
    let dir = temp_ledger(&[("awkward.journal", AWKWARD)]);
    let journal = dir.path().join("awkward.journal");
    let out = dir.path().join("awkward.beancount");
    let (code, _, err) = run(&[
        "-f",
        s(&journal),
        "export",
        "--format",
        "beancount",
        "-o",
        s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    bean_check(&out);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("open Assets:Caisse-siege"), "{text}");
    assert!(text.contains("open Equity:Divers:Ecart"), "{text}");
    assert!(text.contains("x-filename: \"x\""), "{text}");
    assert!(text.contains("x-1re-cle: \"oui\""), "{text}");
    // 1,000.01 EUR at the peg is 655,963.57 XOF, booked as 655,964: within the tolerance.
    assert!(text.contains("option \"inferred_tolerance_default\" \"XOF:0.5\""));
    // The assertion holds after its posting but not at the end of the day.
    assert!(!text.contains(" balance Assets"), "{text}");
    assert!(text.contains("no balance directive"), "{text}");
    assert_eq!(bean_balances(&out, None), ours(&["-f", s(&journal)]));
}

/// The CSV export as rows of cells.
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let rows = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// A table read back: header, rows of cells as text, and each column's type.
type ReadBack = (Vec<String>, Vec<Vec<String>>, Vec<(String, DataType)>);

/// A Parquet file's cells as text: dates ISO, decimals exact, null empty.
fn parquet_rows(path: &Path) -> ReadBack {
    let df = ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap();
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let dtypes: Vec<(String, DataType)> = df
        .columns()
        .iter()
        .map(|c| (c.name().to_string(), c.dtype().clone()))
        .collect();
    let mut rows = vec![Vec::new(); df.height()];
    for c in df.columns() {
        let cells: Vec<String> = match c.dtype() {
            DataType::Decimal(_, scale) => {
                let ca = c.decimal().unwrap();
                let phys = ca.physical();
                (0..df.height())
                    .map(|i| {
                        phys.get(i).map_or(String::new(), |m| {
                            Decimal::from_i128_with_scale(m, *scale as u32).to_string()
                        })
                    })
                    .collect()
            }
            DataType::Date => {
                let days = c.cast(&DataType::Int32).unwrap();
                let ca = days.i32().unwrap();
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
                (0..df.height())
                    .map(|i| {
                        ca.get(i).map_or(String::new(), |d| {
                            (epoch + chrono::Duration::days(i64::from(d))).to_string()
                        })
                    })
                    .collect()
            }
            DataType::Int64 => {
                let ca = c.i64().unwrap();
                (0..df.height())
                    .map(|i| ca.get(i).map_or(String::new(), |v| v.to_string()))
                    .collect()
            }
            DataType::String => {
                let ca = c.str().unwrap();
                (0..df.height())
                    .map(|i| ca.get(i).unwrap_or("").to_string())
                    .collect()
            }
            other => panic!("unexpected column type {other} for {}", c.name()),
        };
        for (row, cell) in rows.iter_mut().zip(cells) {
            row.push(cell);
        }
    }
    (header, rows, dtypes)
}

/// Exact decimals compare by value (`70000000` = `70000000.00`); text as written, with
/// the spreadsheet-safety prefix CSV adds.
fn same_cell(column: &str, csv: &str, parquet: &str) -> bool {
    match column {
        "amount" | "value" => match (csv.parse::<Decimal>(), parquet.parse::<Decimal>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => csv.is_empty() && parquet.is_empty(),
        },
        _ => csv == fundledger::render::spreadsheet_safe(parquet),
    }
}

fn assert_parquet_equals_csv(dir: &Path, tmp: &Path, extra: &[&str]) -> usize {
    let mut args = vec!["-L", s(dir), "export", "--format", "csv"];
    args.extend(extra);
    let (code, csv_text, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let mut pargs = vec!["--format", "parquet"];
    pargs.extend(extra);
    let parquet = export_to(dir, tmp, "postings.parquet", &pargs);
    let (csv_header, csv_rows) = csv_rows(&csv_text);
    let (pq_header, pq_rows, dtypes) = parquet_rows(&parquet);
    assert_eq!(csv_header, pq_header);
    assert_eq!(csv_rows.len(), pq_rows.len());
    for (i, (c, p)) in csv_rows.iter().zip(&pq_rows).enumerate() {
        for ((name, a), b) in csv_header.iter().zip(c).zip(p) {
            assert!(
                same_cell(name, a, b),
                "row {i}, {name}: CSV {a:?}, Parquet {b:?}"
            );
        }
    }
    for (name, dtype) in &dtypes {
        match name.as_str() {
            "amount" | "value" => {
                assert!(matches!(dtype, DataType::Decimal(38, _)), "{name} {dtype}")
            }
            "date" => assert_eq!(*dtype, DataType::Date),
            _ => assert!(!dtype.is_float(), "{name} is {dtype}"),
        }
    }
    csv_rows.len()
}

#[test]
fn parquet_reads_back_equal_to_the_csv_export_row_for_row() {
    let tmp = tempfile::tempdir().unwrap();
    let n = assert_parquet_equals_csv(&sample(), tmp.path(), &[]);
    assert_eq!(n, 1058, "one row per posting");
    let n_eu = assert_parquet_equals_csv(
        &sample(),
        tmp.path(),
        &["--donor", "EU", "--to", "2017-06-30"],
    );
    assert!(n_eu > 0 && n_eu < n);

    // The table's content: values in XOF at cost, dimensions inherited, sources.
    let (_, csv_text, _) = run(&["-L", s(&sample()), "export", "--format", "csv"]);
    let (header, rows) = csv_rows(&csv_text);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let usd = rows
        .iter()
        .find(|r| r[col("voucher")] == "VIR-2017-0002" && r[col("commodity")] == "USD")
        .unwrap();
    assert_eq!(usd[col("amount")], "30000.00");
    assert_eq!(usd[col("value")], "18518550");
    assert_eq!(usd[col("value_currency")], "XOF");
    assert_eq!(usd[col("donor")], "UNODC");
    assert_eq!(usd[col("project")], "MLI-CTIP-2017");
    assert_eq!(usd[col("country")], "ML");
    assert!(usd[col("source")].starts_with("books.journal:"));
    let imported = rows
        .iter()
        .find(|r| r[col("source")].starts_with("sources/"))
        .unwrap();
    assert!(imported[col("source")].contains(".xlsx#"), "{imported:?}");
    let expense: Decimal = rows
        .iter()
        .filter(|r| r[col("account_type")] == "expense")
        .map(|r| r[col("value")].parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(expense, Decimal::from(254_259_394));
    let line_31 = rows.iter().find(|r| r[col("line")] == "3.1").unwrap();
    assert_eq!(line_31[col("category_eu")], "5");
    assert_eq!(line_31[col("category_glo_act")], "4");
}

#[test]
fn csv_and_json_are_spreadsheet_safe_and_agree() {
    let dir = temp_ledger(&[("awkward.journal", AWKWARD)]);
    let journal = dir.path().join("awkward.journal");
    let (code, csv_text, err) = run(&["-f", s(&journal), "export", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let (header, rows) = csv_rows(&csv_text);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let formula = rows.iter().find(|r| r[col("voucher")] == "'=1").unwrap();
    assert_eq!(formula[col("description")], "'=HYPERLINK(\"x\")");
    assert_eq!(formula[col("amount")], "100", "amounts are never prefixed");
    let negative = rows.iter().find(|r| r[col("amount")] == "-100").unwrap();
    assert_eq!(negative[col("account")], "trésorerie:caisse siège");
    // A bare journal has no project: no value column content, no country.
    assert_eq!(formula[col("value")], "");
    assert_eq!(formula[col("project")], "");

    let (code, json_text, err) = run(&["-f", s(&journal), "export", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&json_text).unwrap();
    assert_eq!(json.len(), rows.len());
    for (obj, row) in json.iter().zip(&rows) {
        let keys: Vec<&String> = obj.keys().collect();
        assert_eq!(keys.len(), header.len());
        for (name, cell) in header.iter().zip(row) {
            let v = &obj[name];
            let text = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(&text, cell, "{name}");
        }
    }
}

#[test]
fn parquet_needs_an_output_and_partitions_by_project_and_year() {
    let (code, _, err) = run(&["-L", s(&sample()), "export", "--format", "parquet"]);
    assert_eq!(code, 2);
    assert!(err.contains("-o"), "{err}");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("lake");
    std::fs::create_dir(&out).unwrap();
    let (code, _, err) = run(&[
        "-L",
        s(&sample()),
        "export",
        "--format",
        "parquet",
        "-o",
        s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    let part = out.join("project=MLI-CTIP-2017/year=2017/postings.parquet");
    let (header, rows, _) = parquet_rows(&part);
    assert_eq!(rows.len(), 1058);
    assert!(
        !header.contains(&"project".to_string()),
        "Hive layout: project is in the path"
    );
}

#[test]
fn unknown_donor_and_dates_are_usage_errors() {
    let (code, _, err) = run(&[
        "-L",
        s(&sample()),
        "export",
        "--format",
        "csv",
        "--donor",
        "XX",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown donor"), "{err}");
    let (code, _, err) = run(&[
        "-L",
        s(&sample()),
        "export",
        "--format",
        "csv",
        "--from",
        "2017-12-01",
        "--to",
        "2017-01-01",
    ]);
    assert_eq!(code, 2, "{err}");
}

fn iati_export(dir: &Path, tmp: &Path) -> (PathBuf, String) {
    let out = tmp.join("activity.xml");
    let o = crate::support::fundledger()
        .env("FUNDLEDGER_NOW", "2018-03-31T12:00:00Z")
        .args(["-L", s(dir), "export", "--format", "iati", "-o", s(&out)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    (out, text)
}

/// The values of `<value>` elements inside elements whose text contains `marker`.
fn values_after(xml: &str, marker: &str) -> Vec<Decimal> {
    xml.split("<transaction ")
        .filter(|t| t.contains(marker))
        .map(|t| {
            let v = t.split("<value").nth(1).unwrap();
            let text = v.split('>').nth(1).unwrap().split('<').next().unwrap();
            text.parse().unwrap()
        })
        .collect()
}

#[test]
fn iati_file_of_the_sample_validates_against_the_2_03_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, xml) = iati_export(&sample(), tmp.path());
    if have("xmllint") {
        let schema = crate::support::root().join("tests/data/iati/2.03/iati-activities-schema.xsd");
        let o = Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema", s(&schema), s(&out)])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "xmllint: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains("validates"));
    }
    assert!(xml.contains("<iati-activities version=\"2.03\""));
    assert!(xml.contains("<iati-identifier>XM-DAC-41128-MLI-CTIP-2017</iati-identifier>"));
    assert!(xml.contains("<recipient-country code=\"ML\" percentage=\"100\"/>"));
    assert!(xml.contains("<sector vocabulary=\"1\" code=\"15130\" percentage=\"60\"/>"));
    assert!(xml.contains("<participating-org ref=\"XI-IATI-EC_DEVCO\" role=\"1\" type=\"40\">"));
    assert!(xml.contains("role=\"4\""));
    assert!(xml.contains("Mali's"), "apostrophes stay readable");
    // Every value carries its value-date.
    assert_eq!(
        xml.matches("<value ").count(),
        xml.matches("value-date=\"").count()
    );
    // The budget is the project's.
    assert!(xml.contains("<value value-date=\"2017-01-01\">271350000</value>"));
    // Expenditure (type 4) adds up to the books' expenses, to the franc.
    let spent: Decimal = values_after(&xml, "<transaction-type code=\"4\"/>")
        .iter()
        .sum();
    let expenses = ours(&["-L", s(&sample()), "--depth", "1"]);
    assert_eq!(
        Some(&spent),
        expenses.get(&("expenses".to_string(), "XOF".to_string()))
    );
    // Incoming funds (type 1): the GOV tranches in XOF add up to what GOV gave.
    let gov: Decimal = xml
        .split("<transaction ")
        .filter(|t| t.contains("code=\"1\"/>") && t.contains("IN-GOV"))
        .map(|t| values_after(&format!("<transaction {t}"), "IN-GOV")[0])
        .sum();
    let gov_income = ours(&["-L", s(&sample()), "--depth", "1", "--donor", "GOV"]);
    assert_eq!(
        Some(&-gov),
        gov_income.get(&("income".to_string(), "XOF".to_string()))
    );
    // Foreign tranches keep their currency.
    assert!(xml.contains("<value currency=\"EUR\" value-date=\"2017-01-10\">15000.00</value>"));
}

#[test]
fn iati_needs_the_iati_table() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("l");
    copy_dir(&sample(), &ledger);
    let toml = std::fs::read_to_string(ledger.join("project.toml")).unwrap();
    let cut = toml.find("\n[iati]").unwrap();
    std::fs::write(ledger.join("project.toml"), &toml[..cut]).unwrap();
    let (code, _, err) = run(&["-L", s(&ledger), "export", "--format", "iati"]);
    assert_eq!(code, 2);
    assert!(err.contains("[iati]"), "{err}");
    // Bad codes are located errors of the project file.
    let bad = toml.replace("type = \"40\"", "type = \"41\"");
    std::fs::write(ledger.join("project.toml"), bad).unwrap();
    let (code, _, err) = run(&["-L", s(&ledger), "check"]);
    assert_eq!(code, 1);
    assert!(err.contains("OrganisationType"), "{err}");
}

/// Copies a ledger directory (files and sub-directories).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

type Totals = BTreeMap<(String, String, String), Decimal>;

fn class_of(top: &str) -> &'static str {
    match top {
        "assets" => "asset",
        "liabilities" => "liability",
        "equity" => "equity",
        "income" => "income",
        "expenses" => "expense",
        other => panic!("unexpected top-level account {other}"),
    }
}

fn add(t: &mut Totals, key: &str, class: &str, commodity: &str, amount: Decimal) {
    *t.entry((key.to_string(), class.to_string(), commodity.to_string()))
        .or_default() += amount;
}

fn nonzero(mut t: Totals) -> Totals {
    t.retain(|_, v| !v.is_zero());
    t
}

/// `consolidate … --format csv` as totals.
fn consolidated(inputs: &[&Path], by: &[&str]) -> Totals {
    let mut args: Vec<&str> = vec!["consolidate"];
    args.extend(inputs.iter().map(|p| s(p)));
    args.extend(["--format", "csv"]);
    args.extend(by);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let mut t = Totals::new();
    for rec in csv::Reader::from_reader(out.as_bytes()).records() {
        let rec = rec.unwrap();
        add(&mut t, &rec[0], &rec[1], &rec[2], rec[3].parse().unwrap());
    }
    nonzero(t)
}

#[test]
fn consolidate_over_50_generated_ledgers_equals_the_sum_of_their_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = generator::write_portfolio(&tmp.path().join("ledgers"), 50, 40, 7).unwrap();
    // What each ledger's own reports say, added up.
    let (mut by_donor, mut by_country, mut by_category) =
        (Totals::new(), Totals::new(), Totals::new());
    for (i, d) in dirs.iter().enumerate() {
        let country = generator::UEMOA_COUNTRIES[i % generator::UEMOA_COUNTRIES.len()];
        let (code, out, err) = run(&[
            "-L",
            s(d),
            "balance",
            "--by",
            "donor",
            "--depth",
            "1",
            "--format",
            "csv",
        ]);
        assert_eq!(code, 0, "{err}");
        for rec in csv::Reader::from_reader(out.as_bytes()).records() {
            let rec = rec.unwrap();
            let amount: Decimal = rec[3].parse().unwrap();
            add(&mut by_donor, &rec[0], class_of(&rec[1]), &rec[2], amount);
            add(&mut by_country, country, class_of(&rec[1]), &rec[2], amount);
        }
        let project: toml::Table = std::fs::read_to_string(d.join("project.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let category_of = |line: &str| -> String {
            project["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["code"].as_str() == Some(line))
                .map(|l| l["categories"]["eu"].as_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let (code, out, err) = run(&[
            "-L",
            s(d),
            "balance",
            "--by",
            "line",
            "--depth",
            "1",
            "--format",
            "csv",
        ]);
        assert_eq!(code, 0, "{err}");
        for rec in csv::Reader::from_reader(out.as_bytes()).records() {
            let rec = rec.unwrap();
            add(
                &mut by_category,
                &category_of(&rec[0]),
                class_of(&rec[1]),
                &rec[2],
                rec[3].parse().unwrap(),
            );
        }
    }
    let (by_donor, by_country, by_category) =
        (nonzero(by_donor), nonzero(by_country), nonzero(by_category));
    assert!(by_donor.len() >= 12, "{by_donor:?}");
    assert_eq!(
        by_country
            .keys()
            .map(|k| &k.0)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        8
    );

    let ledgers = tmp.path().join("ledgers");
    assert_eq!(consolidated(&[&ledgers], &["--by", "donor"]), by_donor);
    assert_eq!(consolidated(&[&ledgers], &["--by", "country"]), by_country);
    assert_eq!(
        consolidated(&[&ledgers], &["--by", "category", "--scheme", "eu"]),
        by_category
    );

    // The same from their Parquet exports, partitioned by project and year.
    let lake = tmp.path().join("lake");
    std::fs::create_dir(&lake).unwrap();
    for d in &dirs {
        let (code, _, err) = run(&["-L", s(d), "export", "--format", "parquet", "-o", s(&lake)]);
        assert_eq!(code, 0, "{err}");
    }
    let files = std::fs::read_dir(lake.join("project=PORTFOLIO-007"))
        .unwrap()
        .count();
    assert_eq!(files, 4, "one directory per year 2015–2018");
    assert_eq!(consolidated(&[&lake], &["--by", "donor"]), by_donor);
    assert_eq!(
        consolidated(&[&lake], &["--by", "category", "--scheme", "eu"]),
        by_category
    );

    // And the table for people names the projects.
    let (code, out, err) = run(&["--lang", "en", "consolidate", s(&lake), "--by", "country"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Projects consolidated: 50"), "{out}");
    // As a workbook.
    let xlsx = tmp.path().join("c.xlsx");
    let (code, _, err) = run(&["consolidate", s(&ledgers), "--by", "donor", "-o", s(&xlsx)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("50 projects"), "{err}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = wb.worksheet_range("Consolidation").unwrap();
    assert_eq!(sheet.get_value((3, 0)).unwrap().to_string(), "Bailleur");
}

#[test]
fn consolidate_refuses_bad_input() {
    let (code, _, err) = run(&["consolidate", s(&sample()), "--by", "category"]);
    assert_eq!(code, 2);
    assert!(err.contains("--scheme"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["consolidate", s(empty.path()), "--by", "donor"]);
    assert_eq!(code, 2, "{err}");
    // A ledger with errors stops the consolidation (exit 1), naming it.
    let broken = temp_ledger(&[
        (
            "project.toml",
            "[project]\ncode = \"B\"\nname_fr = \"B\"\ncurrency = \"XOF\"\nstart = 2017-01-01\nend = 2017-12-31\n",
        ),
        (
            "books.journal",
            "2017-01-05 * x\n    assets:a  100 XOF\n    income:b  -90 XOF\n",
        ),
    ]);
    let (code, _, err) = run(&[
        "consolidate",
        s(broken.path()),
        s(&sample()),
        "--by",
        "donor",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing consolidated"), "{err}");
    // A Parquet file that is not a posting table.
    let tmp = tempfile::tempdir().unwrap();
    let mut df = polars::df!("x" => [1i64, 2]).unwrap();
    let path = tmp.path().join("other.parquet");
    polars::prelude::ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
    let (code, _, err) = run(&["consolidate", s(&path), "--by", "donor"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a posting table"), "{err}");
}
