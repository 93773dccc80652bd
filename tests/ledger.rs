//! `report trial-balance` and `report general-ledger` on the sample: debits equal
//! credits overall and within every fund, opening + movements = closing, running
//! balances end at `balance`, sources are the imported cells; the XLSX workbooks read
//! back with calamine (totals are formulas with cached values, text stays text);
//! `register --source`; `report funds`.

use std::collections::BTreeMap;

use calamine::{Data, Reader, open_workbook_auto};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{run, s, sample, temp_ledger};

fn sample_json(args: &[&str]) -> Value {
    let dir = sample();
    let mut all = vec!["-L", s(&dir)];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .expect("amount string")
        .parse()
        .expect("exact decimal")
}

fn pairs_balance(t: &Value) {
    assert_eq!(dec(&t["opening_debit"]), dec(&t["opening_credit"]), "{t}");
    assert_eq!(dec(&t["debit"]), dec(&t["credit"]), "{t}");
    assert_eq!(dec(&t["closing_debit"]), dec(&t["closing_credit"]), "{t}");
}

#[test]
fn the_trial_balance_nets_to_zero_overall_and_within_every_fund() {
    let tb = sample_json(&["report", "trial-balance", "--format", "json"]);
    let totals = tb["totals"].as_array().unwrap();
    assert_eq!(totals.len(), 1);
    assert_eq!(totals[0]["commodity"], "XOF");
    pairs_balance(&totals[0]);
    assert_eq!(dec(&totals[0]["closing"]), Decimal::ZERO);
    // Rows add up to the totals; closing = opening + debit − credit.
    let rows = tb["rows"].as_array().unwrap();
    let debits: Decimal = rows.iter().map(|r| dec(&r["debit"])).sum();
    assert_eq!(debits, dec(&totals[0]["debit"]));
    for r in rows {
        assert_eq!(
            dec(&r["closing"]),
            dec(&r["opening"]) + dec(&r["debit"]) - dec(&r["credit"]),
            "{r}"
        );
    }

    let by = sample_json(&[
        "report",
        "trial-balance",
        "--by",
        "donor",
        "--format",
        "json",
    ]);
    let funds: Vec<&str> = by["fund_totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["donor"].as_str().unwrap_or("(none)"))
        .collect();
    assert_eq!(funds, ["EU", "DE", "NL", "UNODC", "GOV"]);
    for t in by["fund_totals"].as_array().unwrap() {
        pairs_balance(t);
        assert_eq!(dec(&t["closing"]), Decimal::ZERO, "{t}");
    }
    assert_eq!(by["totals"], tb["totals"]);

    // A period: its opening is the closing of the day before, per account.
    let before = sample_json(&[
        "report",
        "trial-balance",
        "--to",
        "2017-06-30",
        "--format",
        "json",
    ]);
    let after = sample_json(&[
        "report",
        "trial-balance",
        "--from",
        "2017-07-01",
        "--format",
        "json",
    ]);
    let closing: BTreeMap<String, Decimal> = before["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["account"].as_str().unwrap().to_string(),
                dec(&r["closing"]),
            )
        })
        .collect();
    for r in after["rows"].as_array().unwrap() {
        let a = r["account"].as_str().unwrap();
        assert_eq!(
            dec(&r["opening"]),
            closing.get(a).copied().unwrap_or_default(),
            "{a}"
        );
    }
    pairs_balance(&after["totals"][0]);
}

#[test]
fn general_ledger_running_balances_end_at_the_balance() {
    let gl = sample_json(&["report", "general-ledger", "--format", "json"]);
    let balance = sample_json(&["balance", "--flat", "--format", "json"]);
    let tb = sample_json(&["report", "trial-balance", "--format", "json"]);
    let mut checked = 0;
    for a in gl.as_array().unwrap() {
        let entries = a["entries"].as_array().unwrap();
        let mut running = dec(&a["opening"]);
        for e in entries {
            running += dec(&e["debit"]) - dec(&e["credit"]);
            assert_eq!(running, dec(&e["balance"]), "{}", a["account"]);
        }
        assert_eq!(running, dec(&a["closing"]));
        let account = a["account"].as_str().unwrap();
        let tb_row = tb["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["account"] == account)
            .unwrap();
        assert_eq!(dec(&tb_row["closing"]), dec(&a["closing"]), "{account}");
        // Accounts kept in XOF end exactly at their `balance` (others are at cost).
        let bal: Vec<&Value> = balance
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["account"] == account)
            .collect();
        if bal.len() == 1 && bal[0]["commodity"] == "XOF" {
            assert_eq!(dec(&bal[0]["amount"]), dec(&a["closing"]), "{account}");
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked}");

    // Sources: the imported rows' cells, else the posting's place in the journal.
    let bank = gl
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == "assets:bank:bdm-xof")
        .unwrap();
    let sources: Vec<&str> = bank["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert!(
        sources
            .iter()
            .any(|s| s.starts_with("sources/") && s.contains(".xlsx#Relevé!A"))
    );
    assert!(sources.iter().any(|s| s.starts_with("books.journal:")));

    // By donor and per period.
    let by = sample_json(&[
        "report",
        "general-ledger",
        "--by",
        "donor",
        "--from",
        "2017-12-01",
        "--format",
        "json",
        "bdm-xof",
    ]);
    let eu = by
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["donor"] == "EU")
        .unwrap();
    assert!(
        eu["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["donor"] == "EU" && e["date"].as_str().unwrap() >= "2017-12-01")
    );
}

#[test]
fn csv_and_terminal_outputs() {
    let (code, csv, _) = run(&[
        "-L",
        s(&sample()),
        "report",
        "general-ledger",
        "--format",
        "csv",
        "caisse",
    ]);
    assert_eq!(code, 0);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "account,commodity,row,date,voucher,description,debit,credit,balance,donor,line,activity,source"
    );
    assert!(csv.contains("assets:cash:caisse,XOF,opening,"));
    assert!(csv.contains("assets:cash:caisse,XOF,closing,"));
    let (_, tb, _) = run(&[
        "-L",
        s(&sample()),
        "--lang",
        "en",
        "report",
        "trial-balance",
    ]);
    for label in ["Opening debit", "Closing credit", "Total"] {
        assert!(tb.contains(label), "{tb}");
    }
    let (_, tb, _) = run(&[
        "-L",
        s(&sample()),
        "report",
        "balance-generale",
        "--by",
        "donor",
    ]);
    for label in ["Ouverture débit", "Clôture crédit", "Total EU", "Total GOV"] {
        assert!(tb.contains(label), "{tb}");
    }
    let (_, gl, _) = run(&["-L", s(&sample()), "report", "grand-livre", "caisse"]);
    assert!(
        gl.contains("Solde d'ouverture") && gl.contains("Total et solde de clôture"),
        "{gl}"
    );
}

fn number(d: &Data) -> Decimal {
    match d {
        Data::Float(f) => Decimal::try_from(*f).unwrap().round_dp(2),
        Data::Int(i) => Decimal::from(*i),
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_workbooks_read_back_with_cached_totals() {
    let dir = tempfile::tempdir().unwrap();
    let tb_path = dir.path().join("balance.xlsx");
    let (code, _, err) = run(&[
        "-L",
        s(&sample()),
        "report",
        "trial-balance",
        "--by",
        "donor",
        "-o",
        s(&tb_path),
    ]);
    assert_eq!(code, 0, "{err}");
    let json = sample_json(&["report", "trial-balance", "--format", "json"]);
    let mut wb = open_workbook_auto(&tb_path).unwrap();
    let range = wb.worksheet_range("Balance générale").unwrap();
    let grand = range
        .rows()
        .find(|r| r.get(1).is_some_and(|c| *c == "Total général"))
        .unwrap();
    assert_eq!(number(&grand[5]), dec(&json["totals"][0]["debit"]));
    assert_eq!(number(&grand[6]), dec(&json["totals"][0]["credit"]));
    assert_eq!(
        number(&grand[7]),
        number(&grand[8]),
        "closing debit = closing credit"
    );
    let formulas = wb.worksheet_formula("Balance générale").unwrap();
    let all: Vec<&String> = formulas
        .rows()
        .flatten()
        .filter(|f| !f.is_empty())
        .collect();
    assert!(all.iter().all(|f| f.starts_with("SUBTOTAL(9,")), "{all:?}");
    assert_eq!(
        all.len(),
        6 * 6,
        "five funds and the grand total, six columns each"
    );

    let gl_path = dir.path().join("grand-livre.xlsx");
    let (code, _, err) = run(&[
        "-L",
        s(&sample()),
        "report",
        "general-ledger",
        "-o",
        s(&gl_path),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut wb = open_workbook_auto(&gl_path).unwrap();
    assert_eq!(wb.sheet_names(), ["Présentation", "Grand livre"]);
    let range = wb.worksheet_range("Grand livre").unwrap();
    let formulas = wb.worksheet_formula("Grand livre").unwrap();
    let closing_rows: Vec<usize> = range
        .rows()
        .enumerate()
        .filter(|(_, r)| r.get(2).is_some_and(|c| *c == "Total et solde de clôture"))
        .map(|(i, _)| i)
        .collect();
    let gl = sample_json(&["report", "general-ledger", "--format", "json"]);
    assert_eq!(closing_rows.len(), gl.as_array().unwrap().len());
    let (r0, c0) = formulas.start().unwrap();
    for (row, a) in closing_rows.iter().zip(gl.as_array().unwrap()) {
        let cells = range.rows().nth(*row).unwrap();
        assert_eq!(number(&cells[5]), dec(&a["closing"]), "{}", a["account"]);
        let f = &formulas[(*row - r0 as usize, 5 - c0 as usize)];
        assert!(
            f.contains('+') && f.contains('-'),
            "closing is a formula: {f}"
        );
    }
}

#[test]
fn text_from_the_books_never_becomes_a_formula() {
    let dir = temp_ledger(&[(
        "hostile.journal",
        "2017-01-05 (=1+1) @SUM(A1:A9)\n    expenses:frais    1,500 XOF\n    assets:cash\n",
    )]);
    let j = dir.path().join("hostile.journal");
    let out = dir.path().join("gl.xlsx");
    let (code, _, err) = run(&["-f", s(&j), "report", "general-ledger", "-o", s(&out)]);
    assert_eq!(code, 0, "{err}");
    let mut wb = open_workbook_auto(&out).unwrap();
    let range = wb.worksheet_range("Grand livre").unwrap();
    let texts: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter().map(ToString::to_string))
        .collect();
    for t in ["=1+1", "@SUM(A1:A9)"] {
        assert!(texts.iter().any(|x| x == t), "{t}: {texts:?}");
    }
    let formulas = wb.worksheet_formula("Grand livre").unwrap();
    assert!(
        !formulas
            .rows()
            .flatten()
            .any(|f| f.contains("SUM(A1") || f == "1+1"),
        "{formulas:?}"
    );
    let (code, _, err) = run(&["-f", s(&j), "report", "trial-balance", "-o", "out.pdf"]);
    assert_eq!(code, 2);
    assert!(err.contains(".xlsx"), "{err}");
}

#[test]
fn register_shows_where_each_posting_came_from() {
    let (code, csv, err) = run(&[
        "-L",
        s(&sample()),
        "register",
        "--source",
        "--format",
        "csv",
        "bdm-xof",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let header = rdr.headers().unwrap().clone();
    assert_eq!(header.iter().next_back(), Some("source"));
    let journal = std::fs::read_to_string(sample().join("books.journal")).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    let mut imported = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let source = &rec[rec.len() - 1];
        if let Some(n) = source.strip_prefix("books.journal:") {
            // The posting's own line.
            let line = lines[n.parse::<usize>().unwrap() - 1];
            assert!(
                line.trim_start().starts_with("assets:bank:bdm-xof"),
                "{line}"
            );
        } else {
            assert!(
                source.starts_with("sources/") && source.contains(".xlsx#"),
                "{source}"
            );
            imported += 1;
        }
    }
    assert!(
        imported >= 18,
        "every imported row's bank postings: {imported}"
    );
    // Without --source the columns are unchanged.
    let (_, plain, _) = run(&["-L", s(&sample()), "register", "--format", "csv", "bdm-xof"]);
    assert!(!plain.lines().next().unwrap().contains("source"));
    let v = sample_json(&[
        "register",
        "--source",
        "--format",
        "json",
        "--from",
        "2017-12-27",
        "bdm",
    ]);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|r| r["source"].is_string())
    );
}

#[test]
fn report_funds_is_the_funds_command() {
    let a = run(&["-L", s(&sample()), "funds", "--format", "json"]);
    let b = run(&["-L", s(&sample()), "report", "funds", "--format", "json"]);
    assert_eq!(a, b);
    assert_eq!(a.0, 0);
}
