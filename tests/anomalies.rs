//! `fundledger check --audit`: every anomaly planted in the sample is found, each with
//! its place in the journal and its source cell; nothing is found on the clean copy
//! (`tests/data/audit/clean-sample/`, written by `mali_sample.py --clean`); the cash
//! limit comes from `--cash-limit` or `[audit]`; the XLSX reads back with calamine and
//! keeps text as text.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};
use serde_json::Value;

use crate::support::{root, run, s, sample, temp_ledger};

fn clean() -> PathBuf {
    root().join("tests/data/audit/clean-sample")
}

fn audit(dir: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["-L", s(dir), "check", "--audit", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v, err)
}

fn rows<'a>(v: &'a Value, kind: &str) -> Vec<&'a Value> {
    v["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == kind)
        .collect()
}

/// The journal line an anomaly points at (`books.journal:N`).
fn line_at(dir: &Path, place: &str) -> String {
    let (file, n) = place.rsplit_once(':').unwrap();
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines()
        .nth(n.parse::<usize>().unwrap() - 1)
        .unwrap()
        .to_string()
}

#[test]
fn every_planted_anomaly_is_found_with_its_place_and_source() {
    let (code, v, err) = audit(&sample(), &[]);
    assert_eq!(code, 1, "anomalies exit 1: {err}");
    let counts = &v["counts"];
    for (kind, n) in [
        ("duplicate-voucher", 1),
        ("double-funding", 1),
        ("outside-eligibility", 3),
        ("over-ceiling", 1),
        ("over-budget", 2),
        ("no-voucher", 1),
        ("cash-over-limit", 1),
        ("weekend", 1),
    ] {
        assert_eq!(counts[kind], n, "{kind}: {counts}");
    }
    assert_eq!(v["findings"], 11);
    assert!(v["skipped"].as_array().unwrap().is_empty());

    // The water bill entered twice under one voucher.
    let dup = rows(&v, "duplicate-voucher");
    assert_eq!(dup.len(), 2);
    assert!(dup.iter().all(|a| a["voucher"] == "PC-2017-0031"
        && a["description"] == "Facture SOMAGEP eau - mai 2017"
        && a["finding"] == dup[0]["finding"]));
    // The ORTM programme charged again to the Government alone.
    let df = rows(&v, "double-funding");
    let vouchers: Vec<&str> = df.iter().map(|a| a["voucher"].as_str().unwrap()).collect();
    assert_eq!(vouchers, ["PV-2017-0133", "OP-TRESOR-2017-0412"]);
    assert_eq!(df[0]["donors"], "EU, GOV, UNODC");
    assert_eq!(df[1]["donors"], "GOV");
    // Germany's charges before its agreement started.
    let elig = rows(&v, "outside-eligibility");
    assert!(
        elig.iter()
            .all(|a| a["donors"] == "DE" && a["date"].as_str().unwrap() < "2017-03-01")
    );
    // The EU beyond its ceiling, at its agreement in project.toml.
    let ceil = &rows(&v, "over-ceiling")[0];
    assert_eq!(ceil["donors"], "EU");
    assert!(ceil["place"].as_str().unwrap().starts_with("project.toml:"));
    assert!(line_at(&sample(), ceil["place"].as_str().unwrap()).contains("[[agreements]]"));
    assert!(ceil["detail"].as_str().unwrap().contains("24,343.09 EUR"));
    // Line 3.2 over budget for EU and NL, at the imported row that crossed it.
    let over = rows(&v, "over-budget");
    assert_eq!(over.len(), 2);
    for a in &over {
        assert_eq!(a["amount"], "225000");
        assert!(
            a["source"].as_str().unwrap().starts_with("sources/")
                && a["source"].as_str().unwrap().contains("#Dépenses!A"),
            "{a}"
        );
    }
    // No voucher; cash above the [audit] limit of project.toml; a Sunday payment.
    let nv = &rows(&v, "no-voucher")[0];
    assert!(
        nv["description"]
            .as_str()
            .unwrap()
            .starts_with("Achat de timbres fiscaux")
    );
    let cash = &rows(&v, "cash-over-limit")[0];
    assert_eq!(cash["amount"], "1850000");
    assert!(cash["detail"].as_str().unwrap().contains("1,500,000 XOF"));
    let weekend = &rows(&v, "weekend")[0];
    assert_eq!(weekend["date"], "2017-10-29");

    // Every transaction's place is its header line in the journal.
    for a in v["anomalies"].as_array().unwrap() {
        let place = a["place"].as_str().unwrap();
        if place.starts_with("books.journal:") {
            let line = line_at(&sample(), place);
            assert!(
                line.starts_with(a["date"].as_str().unwrap()),
                "{place}: {line}"
            );
            let voucher = a["voucher"].as_str().unwrap();
            if !voucher.is_empty() {
                assert!(line.contains(&format!("({voucher})")), "{place}: {line}");
            }
        }
    }
}

#[test]
fn the_clean_copy_has_no_anomaly() {
    let (code, _, err) = run(&["-L", s(&clean()), "check"]);
    assert_eq!(code, 0, "{err}");
    let (code, v, err) = audit(&clean(), &[]);
    assert_eq!(code, 0, "{err}\n{v}");
    assert_eq!(v["findings"], 0);
    assert!(v["anomalies"].as_array().unwrap().is_empty());
    let (code, out, _) = run(&["-L", s(&clean()), "--lang", "en", "check", "--audit"]);
    assert_eq!(code, 0);
    assert!(out.contains("check --audit: no anomaly"), "{out}");
}

#[test]
fn the_cash_limit_comes_from_the_command_line_or_the_project() {
    // Below the workshop's per diem days (1,400,000 XOF in cash): they are found.
    let (code, v, _) = audit(&clean(), &["--cash-limit", "1,000,000"]);
    assert_eq!(code, 1);
    let cash = rows(&v, "cash-over-limit");
    assert!(cash.len() >= 4, "{cash:?}");
    assert!(
        cash.iter()
            .all(|a| a["detail"].as_str().unwrap().contains("1,000,000 XOF"))
    );
    // No limit anywhere: the check is skipped and says so.
    let project = std::fs::read_to_string(clean().join("project.toml")).unwrap();
    let without = project.replace("cash_limit = 1500000\n", "");
    assert_ne!(without, project);
    let dir = copy_with(&clean(), &[("project.toml", &without)]);
    let (code, v, _) = audit(dir.path(), &[]);
    assert_eq!(code, 0);
    assert!(
        v["skipped"][0].as_str().unwrap().contains("--cash-limit"),
        "{v}"
    );
    // A bad limit is a located project error.
    let bad = project.replace("cash_limit = 1500000", "cash_limit = -5");
    let dir = copy_with(&clean(), &[("project.toml", &bad)]);
    let (code, _, err) = run(&["-L", s(dir.path()), "check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("audit.cash_limit must be above zero") && err.contains("project.toml:"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "-L",
        s(&clean()),
        "check",
        "--audit",
        "--cash-limit",
        "beaucoup",
    ]);
    assert_eq!(code, 2, "{err}");
}

fn copy_with(from: &Path, replace: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["project.toml", "books.journal", "prices.journal"] {
        std::fs::copy(from.join(name), dir.path().join(name)).unwrap();
    }
    for (name, text) in replace {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const SMALL_PROJECT: &str = r#"
[project]
code = "TEST-AUDIT"
name_fr = "Audit de test"
currency = "XOF"
start = 2017-01-01
end = 2017-12-31

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

const SMALL_JOURNAL: &str = "decimal-mark .\ncommodity XOF\ntag source\n\naccount assets:bank\naccount expenses:ops\naccount income:grants\n\n\
2017-01-02 * (VIR-1) Subvention\n    ; donor: GOV\n    assets:bank    1,000,000 XOF\n    income:grants    -1,000,000 XOF\n\n\
2017-01-07 * (PV-1) =HYPERLINK(\"http://exemple.test\")\n    ; source: sources/disparu.xlsx#Dépenses!A9\n    ; donor: GOV\n    expenses:ops    10,000 XOF\n    ; line: 1.1\n    assets:bank    -10,000 XOF\n";

#[test]
fn missing_sources_are_found_and_the_workbook_keeps_text_as_text() {
    let dir = temp_ledger(&[
        ("project.toml", SMALL_PROJECT),
        ("books.journal", SMALL_JOURNAL),
    ]);
    let (code, v, _) = audit(dir.path(), &[]);
    assert_eq!(code, 1);
    let missing = rows(&v, "missing-source");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["source"], "sources/disparu.xlsx#Dépenses!A9");
    assert_eq!(rows(&v, "weekend").len(), 1, "7 January 2017 is a Saturday");
    // Once the file is there, it is not missing any more.
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::write(dir.path().join("sources/disparu.xlsx"), b"x").unwrap();
    assert!(rows(&audit(dir.path(), &[]).1, "missing-source").is_empty());

    let out = dir.path().join("anomalies.xlsx");
    let (code, _, err) = run(&["-L", s(dir.path()), "check", "--audit", "-o", s(&out)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("anomalie"), "{err}");
    let mut wb = open_workbook_auto(&out).unwrap();
    let list = wb.worksheet_range("Anomalies").unwrap();
    let texts: Vec<String> = list
        .rows()
        .flat_map(|r| r.iter().map(ToString::to_string))
        .collect();
    assert!(
        texts.iter().any(|t| t.starts_with("=HYPERLINK")),
        "{texts:?}"
    );
    let formulas = wb.worksheet_formula("Anomalies").unwrap();
    assert!(
        formulas.rows().flatten().all(String::is_empty),
        "no formula on the findings sheet"
    );
    // The summary counts each kind with a formula whose value is cached.
    let summary = wb.worksheet_range("Synthèse").unwrap();
    let weekend = summary
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == "weekend"))
        .unwrap();
    assert_eq!(weekend[2], Data::Float(1.0));
    let f = wb.worksheet_formula("Synthèse").unwrap();
    assert!(
        f.rows().flatten().any(|x| x.starts_with("COUNTIF(")),
        "{f:?}"
    );
}

#[test]
fn the_sample_anomaly_workbook_lists_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit.xlsx");
    let (code, _, err) = run(&[
        "-L",
        s(&sample()),
        "--lang",
        "en",
        "check",
        "--audit",
        "-o",
        s(&out),
    ]);
    assert_eq!(code, 1, "{err}");
    let (_, v, _) = audit(&sample(), &[]);
    let mut wb = open_workbook_auto(&out).unwrap();
    let list = wb.worksheet_range("Anomalies").unwrap();
    assert_eq!(
        list.rows().count() - 1,
        v["anomalies"].as_array().unwrap().len()
    );
    let header: Vec<String> = list
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(header.contains(&"Place".to_string()) && header.contains(&"Source".to_string()));
}
