//! Odd journal text a finance officer or an auditor may write: read as hledger and
//! ledger both read it, or refused with an error at `file:line:col` — never a
//! different number — and `print` gives back the same totals.

use crate::support::{fundledger, have, s, temp_ledger};

/// Runs `fundledger -f FILE ARGS…` on a journal holding `text`; (exit code, stdout, stderr).
fn on(text: &str, args: &[&str]) -> (i32, String, String) {
    let dir = temp_ledger(&[("edge.journal", text)]);
    let file = dir.path().join("edge.journal");
    let out = fundledger()
        .current_dir(dir.path())
        .args(["-f", s(&file)])
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `account,commodity,amount` CSV rows (header skipped), amounts normalised
/// (`5.00` = `5`, `3,000` = `3000`), sorted.
fn rows_of(csv_text: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut rows: Vec<String> = reader
        .records()
        .map(|r| {
            let r = r.expect("csv row");
            let amount: rust_decimal::Decimal = r[2].replace(',', "").parse().expect("amount");
            format!("{},{},{}", &r[0], &r[1], amount.normalize())
        })
        .collect();
    rows.sort();
    rows
}

/// Our flat balance, as [`rows_of`].
fn flat(text: &str) -> Vec<String> {
    let (code, out, err) = on(text, &["balance", "--flat", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    rows_of(&out)
}

/// hledger's flat balance, as [`rows_of`].
fn hledger_flat(text: &str) -> Vec<String> {
    let dir = temp_ledger(&[("edge.journal", text)]);
    let out = std::process::Command::new("hledger")
        .args(["-f", s(&dir.path().join("edge.journal"))])
        .args(["bal", "--flat", "-N", "-O", "csv", "--layout=bare"])
        .output()
        .expect("hledger runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    rows_of(&String::from_utf8_lossy(&out.stdout))
}

#[test]
fn a_posting_status_needs_no_space_after_it() {
    let text = "2017-01-05 t\n    *expenses:a  5 XOF\n    !assets:b\n";
    let rows = flat(text);
    assert_eq!(rows, vec!["assets:b,XOF,-5", "expenses:a,XOF,5"]);
    if have("hledger") {
        assert_eq!(rows, hledger_flat(text));
    }
    let (_, printed, _) = on(text, &["print"]);
    assert!(printed.contains("    * expenses:a "), "{printed}");
    assert!(printed.contains("    ! assets:b\n"), "{printed}");
}

#[test]
fn a_sign_may_be_followed_by_spaces() {
    for amount in ["- 5 XOF", "-  5 XOF", "- XOF 5"] {
        let text = format!("2017-01-05 t\n    expenses:a  {amount}\n    assets:b\n");
        let rows = flat(&text);
        assert_eq!(
            rows,
            vec!["assets:b,XOF,5", "expenses:a,XOF,-5"],
            "{amount}"
        );
        if have("hledger") {
            assert_eq!(rows, hledger_flat(&text), "{amount}");
        }
    }
}

#[test]
fn a_missing_number_is_named_where_it_is_missing() {
    // ledger refuses `XOF - 5`; hledger reads -5: refused, pointing at the space.
    let (code, _, err) = on(
        "2017-01-05 t\n    expenses:a  XOF - 5\n    assets:b\n",
        &["check"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("error[bad-amount]: expected a number right after `-`, found a space"),
        "{err}"
    );
    assert!(err.contains("edge.journal:2:22"), "{err}");
    let (code, _, err) = on(
        "2017-01-05 t\n    expenses:a  5 XOF = \n    assets:b\n",
        &["check"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("error[bad-amount]: expected an amount, found the end of the line"),
        "{err}"
    );
    assert!(err.contains("edge.journal:2:25"), "{err}");
    let (code, _, err) = on(
        "2017-01-05 t\n    expenses:a  -\n    assets:b\n",
        &["check"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("error[bad-amount]: expected an amount, found the end of the line"),
        "{err}"
    );
}

#[test]
fn a_quoted_commodity_with_digits_can_be_declared() {
    let text = "commodity \"AB1\"\n\n2017-01-05 t\n    assets:a  5 \"AB1\"\n    assets:b\n";
    let (code, _, err) = on(text, &["check", "--strict"]);
    assert!(!err.contains("error[bad-amount]"), "{err}");
    assert!(!err.contains("error[syntax]"), "{err}");
    assert!(!err.contains("commodity AB1 is not declared"), "{err}");
    assert_eq!(code, 1, "only the undeclared accounts: {err}");
    assert_eq!(flat(text), vec!["assets:a,AB1,5", "assets:b,AB1,-5"]);
    // The printed journal declares it the same way and reads back.
    let (_, printed, _) = on(text, &["print"]);
    assert!(printed.contains("commodity \"AB1\"\n"), "{printed}");
    assert_eq!(flat(&printed), flat(text));
}

#[test]
fn include_wildcards_are_refused_clearly() {
    let dir = temp_ledger(&[
        ("main.journal", "include part-*.journal\n"),
        ("part-1.journal", "2017-01-05 t\n    a  5 XOF\n    b\n"),
    ]);
    let out = fundledger()
        .args(["-f", s(&dir.path().join("main.journal")), "check"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("error[unsupported]: wildcards in `include` are not supported"),
        "{err}"
    );
    assert!(err.contains("main.journal:1:9"), "{err}");
}

#[test]
fn an_unclosed_comment_block_is_warned_about() {
    let text = "2017-01-05 t\n    a  5 XOF\n    b\n\ncomment\n2017-01-06 t\n    a  7 XOF\n    b\n";
    let (code, out, err) = on(text, &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 warning"), "{out}");
    assert!(
        err.contains("warning[syntax]: `comment` block never closed"),
        "{err}"
    );
    assert!(err.contains("edge.journal:5:1"), "{err}");
    // hledger and ledger ignore the rest too: the totals stay those of the first.
    assert_eq!(flat(text), vec!["a,XOF,5", "b,XOF,-5"]);
    // A closed block says nothing.
    let closed = text.replace("comment\n", "comment\nend comment\n");
    let (code, out, err) = on(&closed, &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 warnings"), "{out}");
}

#[test]
fn depth_zero_is_a_usage_error() {
    let (code, _, err) = on(
        "2017-01-05 t\n    a:b  5 XOF\n    c\n",
        &["balance", "--depth", "0"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--depth must be 1 or more"), "{err}");
}

#[test]
fn odd_but_accepted_journals_round_trip_through_print() {
    let cases = [
        "\u{feff}2017-01-05 t\r\n    expenses:a  5 XOF\r\n    assets:b\r\n",
        "2017/1/5 t\n\texpenses:a\t\t5 XOF\n\tassets:b\n",
        "2017-01-05 t\n    dépenses:hôtel «Bamako» 日本  5 XOF\n    trésorerie:caisse siège\n",
        "2017-01-05 t\n    expenses:a  XOF-5\n    assets:b\n",
        "2017-01-05 t\n    expenses:a  -0 XOF\n    assets:b\n",
        "2017-01-05 t\n    expenses:a  $5\n    assets:b  -$5\n",
        "2017-01-05 t\n    ; note: a:b:c\n    expenses:a  5 XOF  ; url: http://x.y/z\n    assets:b\n",
        "2017-01-05 t\n    *expenses:a  - 5 XOF\n    assets:b\n",
        "2017-01-05=2017-01-01 * (V:1) d\n    a  5 USD @@ 3,000 XOF = 5 USD\n    b\n",
    ];
    for text in cases {
        let before = flat(text);
        let (code, printed, err) = on(text, &["print"]);
        assert_eq!(code, 0, "{text:?}: {err}");
        assert_eq!(flat(&printed), before, "{text:?} printed as\n{printed}");
        if have("hledger") {
            assert_eq!(hledger_flat(&printed), before, "{text:?}");
        }
    }
}

#[test]
fn an_amount_inferred_from_a_rounded_cost_is_warned_about() {
    // 100 × 597.125 = 59,712.5 XOF: we book whole francs (59,713, rounded half up), the
    // peers keep the half franc. The books still read; `check` says where they differ.
    let text = "2017-01-05 Achat\n    assets:usd    100 USD @ 597.125 XOF\n    assets:bank\n\n\
                2017-01-06 Achat exact\n    assets:usd    100 USD @ 597.12 XOF\n    assets:bank\n";
    let (code, out, err) = on(text, &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    let all = format!("{out}{err}");
    assert_eq!(all.matches("warning[compat]").count(), 1, "{all}");
    assert!(
        all.contains("inferred as -59,713 XOF from a cost worth 59712.5 XOF rounded"),
        "{all}"
    );
    assert!(all.contains("edge.journal:3:5"), "{all}");
    let ours = flat(text);
    assert!(
        ours.contains(&"assets:bank,XOF,-119425".to_string()),
        "{ours:?}"
    );
    if have("hledger") {
        let theirs = hledger_flat(text);
        assert!(
            theirs.contains(&"assets:bank,XOF,-119424.5".to_string()),
            "{theirs:?}"
        );
    }
}
