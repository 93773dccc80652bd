//! The commands end to end, on the sample ledger and on small ledgers made here.
//! Figures pinned here were computed independently by the sample's generator
//! (tests/generators/mali_sample.py), which sums its own tables.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{fundledger, run, s, sample, temp_ledger};

fn sample_args<'a>(rest: &[&'a str]) -> Vec<&'a str> {
    let dir: &'static str = Box::leak(sample().to_string_lossy().into_owned().into_boxed_str());
    let mut v = vec!["-L", dir];
    v.extend_from_slice(rest);
    v
}

fn json_rows(args: &[&str]) -> Vec<Value> {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<Vec<Value>>(&out).expect("json array")
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .expect("amounts are strings")
        .parse()
        .expect("exact decimal")
}

#[test]
fn check_passes_on_the_sample_ledger() {
    let (code, out, err) = run(&sample_args(&["check"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("ok, 349 transactions, 1058 postings: 0 errors, 0 warnings"),
        "{out}"
    );
}

#[test]
fn spending_per_donor_matches_the_generator() {
    let expected = [
        ("EU", 15_967_985),
        ("DE", 7_176_220),
        ("NL", 25_790_386),
        ("UNODC", 21_643_800),
        ("GOV", 183_681_003),
    ];
    let rows = json_rows(&sample_args(&[
        "balance", "--by", "donor", "--depth", "1", "--format", "json", "expenses",
    ]));
    for (donor, amount) in expected {
        let row = rows
            .iter()
            .find(|r| r["donor"] == donor && r["account"] == "expenses")
            .unwrap_or_else(|| panic!("no row for {donor}: {rows:?}"));
        assert_eq!(dec(&row["amount"]), Decimal::from(amount), "{donor}");
        assert_eq!(row["commodity"], "XOF");
    }
    // The Government's whole allocation, 200,000,000 XOF, arrived.
    let gov = json_rows(&sample_args(&[
        "balance", "--donor", "GOV", "--flat", "--format", "json", "7181",
    ]));
    assert_eq!(gov.len(), 1);
    assert_eq!(dec(&gov[0]["amount"]), Decimal::from(-200_000_000));
}

#[test]
fn tree_subtotals_equal_the_sum_of_their_children() {
    let flat = json_rows(&sample_args(&["balance", "--flat", "--format", "json"]));
    let tree = json_rows(&sample_args(&["balance", "--format", "json"]));
    for parent in [
        "expenses",
        "expenses:63-services-exterieurs",
        "assets:bank",
        "income",
    ] {
        for commodity in ["XOF", "EUR"] {
            let sum: Decimal = flat
                .iter()
                .filter(|r| r["commodity"] == commodity)
                .filter(|r| {
                    r["account"]
                        .as_str()
                        .unwrap()
                        .starts_with(&format!("{parent}:"))
                })
                .map(|r| dec(&r["amount"]))
                .sum();
            let row = tree
                .iter()
                .find(|r| r["account"] == parent && r["commodity"] == commodity);
            match row {
                Some(r) => assert_eq!(dec(&r["amount"]), sum, "{parent} {commodity}"),
                None => assert!(
                    sum.is_zero(),
                    "{parent} {commodity} missing but children sum to {sum}"
                ),
            }
        }
    }
}

#[test]
fn csv_has_one_column_per_dimension_then_account_commodity_amount() {
    let (code, out, _) = run(&sample_args(&[
        "balance",
        "--by",
        "donor,line",
        "--flat",
        "--format",
        "csv",
        "expenses",
    ]));
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("donor,line,account,commodity,amount"));
    let catering: Decimal = out
        .lines()
        .filter(|l| l.contains(",3.2,"))
        .map(|l| l.rsplit(',').next().unwrap().parse::<Decimal>().unwrap())
        .sum();
    // The overspent workshop catering line: 3,450,000 XOF against a 3,000,000 budget.
    assert_eq!(catering, Decimal::from(3_450_000));
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), 5);
        assert!(
            !rec[4].contains(','),
            "no thousands separators in CSV amounts: {rec:?}"
        );
    }
}

#[test]
fn date_filters_are_inclusive() {
    let rows = json_rows(&sample_args(&[
        "register",
        "--from",
        "2017-10-30",
        "--to",
        "2017-11-02",
        "--format",
        "json",
        "expenses",
    ]));
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| {
        let d = r["date"].as_str().unwrap();
        ("2017-10-30"..="2017-11-02").contains(&d)
    }));
    assert!(rows.iter().any(|r| r["date"] == "2017-10-30"));
    let before = json_rows(&sample_args(&[
        "register",
        "--to",
        "2017-10-29",
        "--format",
        "json",
        "expenses",
    ]));
    let all = json_rows(&sample_args(&["register", "--format", "json", "expenses"]));
    let after = json_rows(&sample_args(&[
        "register",
        "--from",
        "2017-11-03",
        "--format",
        "json",
        "expenses",
    ]));
    assert_eq!(before.len() + rows.len() + after.len(), all.len());
}

#[test]
fn register_running_total_ends_at_the_balance() {
    let reg = json_rows(&sample_args(&[
        "register",
        "--format",
        "json",
        "assets:bank:bdm-xof",
    ]));
    let bal = json_rows(&sample_args(&[
        "balance",
        "--flat",
        "--format",
        "json",
        "assets:bank:bdm-xof",
    ]));
    let last = reg.last().unwrap();
    assert_eq!(dec(&last["total"]), dec(&bal[0]["amount"]));
    assert_eq!(dec(&bal[0]["amount"]), Decimal::from(24_601_523));
    let sum: Decimal = reg.iter().map(|r| dec(&r["amount"])).sum();
    assert_eq!(sum, dec(&last["total"]));
}

#[test]
fn terminal_tables_line_up_and_speak_both_languages() {
    let (_, fr, _) = run(&sample_args(&["balance", "--depth", "1"]));
    assert!(fr.lines().next().unwrap().contains("Compte"), "{fr}");
    let (_, en, _) = run(&sample_args(&["--lang", "en", "balance", "--depth", "1"]));
    assert!(en.lines().next().unwrap().contains("Account"), "{en}");
    assert!(
        en.contains("200,000,000 XOF") || en.contains("24,664,778 XOF"),
        "{en}"
    );
    // Every amount ends in the same column.
    let ends: Vec<usize> = en
        .lines()
        .skip(2)
        .filter(|l| l.ends_with("XOF"))
        .map(|l| l.chars().count())
        .collect();
    assert!(ends.len() > 3 && ends.iter().all(|e| *e == ends[0]), "{en}");
}

#[test]
fn ledger_directory_comes_from_the_environment() {
    let out = fundledger()
        .env("FUNDLEDGER_LEDGER", sample())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn bare_journals_work_without_a_project() {
    let dir = temp_ledger(&[(
        "plain.journal",
        "2017-01-05 Courses\n    expenses:food    1,500 XOF\n    assets:cash\n",
    )]);
    let j = dir.path().join("plain.journal");
    let (code, out, err) = run(&["-f", s(&j), "balance", "--flat", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "account,commodity,amount\nassets:cash,XOF,-1500\nexpenses:food,XOF,1500\n"
    );
    // check applies the fund rules even without a project: the expense has no donor.
    let (code, _, err) = run(&["-f", s(&j), "check"]);
    assert_eq!(code, 1);
    assert!(err.contains("error[donor-tags]"), "{err}");
    assert!(
        !err.contains("error[accounts]"),
        "declarations are only required with --strict: {err}"
    );
    let (_, _, err) = run(&["-f", s(&j), "check", "--strict"]);
    assert!(err.contains("error[accounts]"), "{err}");
}

#[test]
fn reports_refuse_books_that_fail_basic_checks() {
    let dir = temp_ledger(&[(
        "bad.journal",
        "decimal-mark .\n2017-01-05 x\n    expenses:food    1,500 XOF\n    assets:cash     -1,400 XOF\n",
    )]);
    let (code, out, err) = run(&["-f", s(&dir.path().join("bad.journal")), "balance"]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("error[balanced]") && err.contains("bad.journal:2:1"),
        "{err}"
    );
    assert!(err.contains("100 XOF"), "{err}");
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["balance", "--donor", "XX"], "unknown donor \"XX\""),
        (
            &["balance", "--from", "2017-12-01", "--to", "2017-01-01"],
            "is before --from",
        ),
        (
            &["register", "--from", "2017-02-30"],
            "not a date in the calendar",
        ),
        (
            &["register", "--from", "30/10/2017"],
            "expected a date like 2017-10-30",
        ),
    ];
    for (args, message) in cases {
        let (code, _, err) = run(&sample_args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["-L", s(empty.path()), "check"]);
    assert_eq!(code, 2);
    assert!(err.contains("no project.toml"), "{err}");
    let (code, _, err) = run(&["-L", "/nonexistent/ledger", "check"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a directory"), "{err}");
}

#[test]
fn an_output_into_a_missing_directory_names_it_and_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let missing = work.path().join("missing");
    let sample_dir = sample();
    let at = |name: &str| missing.join(name).display().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec![
            "export".into(),
            "--format".into(),
            "csv".into(),
            "-o".into(),
            at("p.csv"),
        ],
        vec![
            "export".into(),
            "--format".into(),
            "parquet".into(),
            "-o".into(),
            at("p.parquet"),
        ],
        vec!["print".into(), "-o".into(), at("p.journal")],
        vec![
            "report".into(),
            "donor".into(),
            "EU".into(),
            "--from".into(),
            "2017-01-01".into(),
            "--to".into(),
            "2017-12-31".into(),
            "-o".into(),
            at("eu.xlsx"),
        ],
        vec![
            "report".into(),
            "trial-balance".into(),
            "-o".into(),
            at("tb.xlsx"),
        ],
        vec![
            "check".into(),
            "--audit".into(),
            "-o".into(),
            at("audit.xlsx"),
        ],
        vec![
            "consolidate".into(),
            s(&sample_dir).into(),
            "--by".into(),
            "donor".into(),
            "-o".into(),
            at("c.xlsx"),
        ],
    ];
    for args in &cases {
        let mut all = vec!["-L", s(&sample_dir)];
        all.extend(args.iter().map(String::as_str));
        let (code, _, err) = run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        let last = args.last().unwrap();
        assert!(
            err.contains(&format!("{last}: no directory {}", missing.display())),
            "{args:?}: {err}"
        );
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
    assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 0);
}

#[test]
fn register_keeps_identical_transactions_apart() {
    // Two payments with the same date, voucher and description are what an auditor
    // hunts for (a duplicate): the register must show two transactions, not one of four
    // postings.
    let work = tempfile::tempdir().unwrap();
    let journal = work.path().join("dup.journal");
    let payment = "2017-01-05 (PV-1) Per diem\n    expenses:perdiem  5,000 XOF\n    assets:cash  -5,000 XOF\n\n";
    std::fs::write(&journal, payment.repeat(2)).unwrap();
    let (code, out, err) = run(&["-f", s(&journal), "register"]);
    assert_eq!(code, 0, "{err}");
    let headed = out.lines().filter(|l| l.contains("2017-01-05")).count();
    assert_eq!(headed, 2, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.contains("PV-1")).count(),
        2,
        "{out}"
    );
}

#[test]
fn bare_journal_arguments_are_checked() {
    let work = tempfile::tempdir().unwrap();
    let journal = sample().join("books.journal");
    // -L and -f name two different books.
    let (code, _, err) = run(&["-L", s(&sample()), "-f", s(&journal), "balance"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
    // -f on a directory.
    let (code, _, err) = run(&["-f", s(work.path()), "balance"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a directory, not a journal"), "{err}");
    // A donor no posting names (here: the wrong case) would give an empty report.
    let (code, out, err) = run(&["-f", s(&journal), "balance", "--donor", "eu"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(
            "no posting of the journal has donor \"eu\"; its donors are DE, EU, GOV, NL, UNODC"
        ),
        "{err}"
    );
    let (code, _, err) = run(&["-f", s(&journal), "balance", "--donor", "EU"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn output_cut_off_by_its_reader_is_not_success() {
    // `fundledger register | head -1`: the reader closes the pipe; the process stops
    // quietly with 141 (128 + SIGPIPE) as Unix tools do, not 0 and not a panic.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("fundledger"))
        .args(["-L", s(&sample()), "register"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the register is far more than a pipe's 64 KiB
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn csv_output_cannot_inject_formulas() {
    let dir = temp_ledger(&[(
        "j.journal",
        "2017-01-05 =HYPERLINK(\"http://x\")\n    expenses:food    1500 XOF\n    assets:cash\n",
    )]);
    let (code, out, _) = run(&[
        "-f",
        s(&dir.path().join("j.journal")),
        "register",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("'=HYPERLINK"), "{out}");
    assert!(
        out.contains(",-1500,"),
        "negative numbers stay numbers: {out}"
    );
}

#[test]
fn print_then_read_gives_the_same_balances() {
    let dir = tempfile::tempdir().unwrap();
    let printed = dir.path().join("p.journal");
    let (code, _, err) = run(&sample_args(&["print", "-o", s(&printed)]));
    assert_eq!(code, 0, "{err}");
    let a = json_rows(&sample_args(&[
        "balance",
        "--by",
        "donor,line,activity",
        "--flat",
        "--format",
        "json",
    ]));
    let b = json_rows(&[
        "-f",
        s(&printed),
        "balance",
        "--by",
        "donor,line,activity",
        "--flat",
        "--format",
        "json",
    ]);
    assert_eq!(a, b);
    let text = std::fs::read_to_string(&printed).unwrap();
    assert!(text.starts_with("decimal-mark .\n"));
    assert!(!text.contains("include"), "includes are flattened");
}

#[test]
fn one_problem_is_reported_once() {
    // An amount that cannot be inferred is an `infer` error, not also unbalanced.
    let bad = crate::support::root().join("tests/data/bad/two-elided.journal");
    let rows = {
        let (code, out, _) = run(&["-f", s(&bad), "check", "--format", "json"]);
        assert_eq!(code, 1);
        serde_json::from_str::<Vec<Value>>(&out).unwrap()
    };
    let checks: Vec<&str> = rows.iter().map(|r| r["check"].as_str().unwrap()).collect();
    assert_eq!(checks, vec!["infer"], "{rows:?}");
    // A transaction that does not add up is `balanced`'s alone, not also `fund-balanced`'s.
    let bad = crate::support::root().join("tests/data/bad/unbalanced.journal");
    let (_, out, _) = run(&["-f", s(&bad), "check", "--format", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    let checks: Vec<&str> = rows.iter().map(|r| r["check"].as_str().unwrap()).collect();
    assert_eq!(checks, vec!["balanced"], "{rows:?}");
}
