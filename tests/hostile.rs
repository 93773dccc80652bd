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
