//! The error catalogue: every malformed input in `tests/data/bad/`, each run through the
//! binary and checked against the expectation written in the case itself.
//!
//! Two kinds of case live in `tests/data/bad/` (see its README.md):
//!
//! - `NAME.journal`, run with `-f`. Its first line states the expectation:
//!   `; expect: CHECK LINE` for an error (check exits 1), or
//!   `; expect-warning: CHECK LINE` for a warning in otherwise clean books (check exits 0).
//! - `NAME/`, a directory with an `expect` file: `CHECK FILE LINE [JOURNAL]`.
//!   Without `JOURNAL` the directory is a ledger (`project.toml` + `books.journal`) run
//!   with `-L NAME`; with it, `NAME/JOURNAL` is run with `-f` (e.g. `include-loop/`,
//!   where `a.journal` and `b.journal` include each other). Directory cases are errors.
//!
//! `LINE` is 1-based and `FILE` is a file name (the diagnostic's path must end with it).
//! Every problem found in every case is collected, then reported together.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// Fewest cases the catalogue must hold.
const MIN_CASES: usize = 28;

/// Checks whose errors stop every report (reading, inference and the basic checks).
const BASIC: &[&str] = &[
    "syntax",
    "bad-date",
    "bad-amount",
    "balanced",
    "assertions",
    "precision",
    "infer",
    "include",
    "include-cycle",
    "unsupported",
    "io",
];

/// One malformed input and what the binary must say about it.
#[derive(Debug)]
struct Case {
    name: String,
    /// `-f FILE` or `-L DIR`.
    source: Vec<OsString>,
    check: String,
    /// File name the diagnostic must point into.
    file: String,
    /// 1-based line the diagnostic must point at.
    line: u32,
    /// The file holding that line (to find the offending text).
    path: PathBuf,
    warning: bool,
}

fn bad_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad")
}

fn fundledger() -> Command {
    let mut c = Command::cargo_bin("fundledger").expect("the fundledger binary is built");
    c.env_remove("FUNDLEDGER_LEDGER")
        .env_remove("FUNDLEDGER_LANG");
    c
}

/// Runs the binary on `case` with `args` after the source; (exit code, stdout, stderr).
fn run(case: &Case, args: &[&str]) -> (i32, String, String) {
    let out = fundledger()
        .args(&case.source)
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every case in `tests/data/bad/`, sorted by name; a malformed case is a failure.
fn cases(failures: &mut Vec<String>) -> Vec<Case> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(bad_dir())
        .expect("tests/data/bad exists")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for path in entries {
        let name = file_name(&path);
        let parsed = if path.is_dir() {
            dir_case(&path, &name)
        } else if path.extension().is_some_and(|e| e == "journal") {
            journal_case(&path, &name)
        } else {
            continue; // README.md
        };
        match parsed {
            Ok(c) => out.push(c),
            Err(e) => failures.push(format!("{name}: malformed case: {e}")),
        }
    }
    out
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `NAME.journal`, whose first line is `; expect[-warning]: CHECK LINE`.
fn journal_case(path: &Path, name: &str) -> Result<Case, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&bytes);
    let first = text.lines().next().unwrap_or("");
    let (warning, rest) = if let Some(r) = first.strip_prefix("; expect-warning:") {
        (true, r)
    } else if let Some(r) = first.strip_prefix("; expect:") {
        (false, r)
    } else {
        return Err(format!(
            "first line should be `; expect: CHECK LINE` or `; expect-warning: CHECK LINE`, not {first:?}"
        ));
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    let [check, line] = words[..] else {
        return Err(format!(
            "expected `CHECK LINE` after `expect:`, found {rest:?}"
        ));
    };
    Ok(Case {
        name: name.to_string(),
        source: vec!["-f".into(), path.into()],
        check: check.to_string(),
        file: name.to_string(),
        line: line
            .parse()
            .map_err(|_| format!("bad line number {line:?}"))?,
        path: path.to_path_buf(),
        warning,
    })
}

/// `NAME/` with an `expect` file `CHECK FILE LINE [JOURNAL]`.
fn dir_case(dir: &Path, name: &str) -> Result<Case, String> {
    let expect = std::fs::read_to_string(dir.join("expect"))
        .map_err(|e| format!("cannot read {name}/expect: {e}"))?;
    let words: Vec<&str> = expect.split_whitespace().collect();
    let (check, file, line, journal) = match words[..] {
        [c, f, l] => (c, f, l, None),
        [c, f, l, j] => (c, f, l, Some(j)),
        _ => {
            return Err(format!(
                "{name}/expect should be `CHECK FILE LINE [JOURNAL]`, not {expect:?}"
            ));
        }
    };
    let source = match journal {
        Some(j) => vec!["-f".into(), dir.join(j).into()],
        None => vec!["-L".into(), dir.into()],
    };
    let path = dir.join(file);
    if !path.is_file() {
        return Err(format!("{name}/expect names {file}, which does not exist"));
    }
    Ok(Case {
        name: name.to_string(),
        source,
        check: check.to_string(),
        file: file.to_string(),
        line: line
            .parse()
            .map_err(|_| format!("bad line number {line:?}"))?,
        path,
        warning: false,
    })
}

/// The expected line's text, trimmed (invalid UTF-8 shown as the renderer shows it).
fn source_line(case: &Case) -> String {
    let bytes = std::fs::read(&case.path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .nth(case.line as usize - 1)
        .unwrap_or("")
        .trim()
        .to_string()
}

fn expectation(case: &Case) -> String {
    format!(
        "{}[{}] at {}:{}",
        if case.warning { "warning" } else { "error" },
        case.check,
        case.file,
        case.line
    )
}

/// Panics with every failure, one block per problem.
fn report(failures: &[String], what: &str) {
    if !failures.is_empty() {
        let mut msg = format!("{} problem(s) {what}:\n", failures.len());
        for f in failures {
            let _ = writeln!(msg, "\n- {f}");
        }
        panic!("{msg}");
    }
}

fn summarize(diags: &[Value]) -> String {
    if diags.is_empty() {
        return "(no diagnostics)".to_string();
    }
    diags
        .iter()
        .map(|d| {
            format!(
                "{}[{}] {}:{}: {}",
                d["severity"].as_str().unwrap_or("?"),
                d["check"].as_str().unwrap_or("?"),
                d["file"]
                    .as_str()
                    .map_or_else(|| "-".to_string(), |f| file_name(Path::new(f))),
                d["line"]
                    .as_u64()
                    .map_or_else(|| "-".to_string(), |l| l.to_string()),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n    ")
}

#[test]
fn catalogue_is_large_enough() {
    let mut failures = Vec::new();
    let cases = cases(&mut failures);
    if cases.len() < MIN_CASES {
        failures.push(format!(
            "only {} cases in tests/data/bad/, want at least {MIN_CASES}",
            cases.len()
        ));
    }
    report(&failures, "in the catalogue");
}

/// `check --format json`: the exit code, the expected diagnostic at its place, and
/// a message on every diagnostic.
#[test]
fn check_json_reports_each_case() {
    let mut failures = Vec::new();
    for case in cases(&mut failures) {
        let (code, stdout, stderr) = run(&case, &["check", "--format", "json"]);
        let name = &case.name;
        let want_code = if case.warning { 0 } else { 1 };
        let diags: Vec<Value> = match serde_json::from_str(&stdout) {
            Ok(Value::Array(a)) => a,
            _ => {
                failures.push(format!(
                    "{name}: expected a JSON array on stdout (exit {code}).\n  stdout: {stdout}\n  stderr: {stderr}"
                ));
                continue;
            }
        };
        let all = summarize(&diags);
        if code != want_code {
            failures.push(format!(
                "{name}: `check` exited {code}, want {want_code}\n  expected {}\n  got:\n    {all}\n  stderr: {stderr}",
                expectation(&case)
            ));
        }
        let severity = if case.warning { "warning" } else { "error" };
        let found = diags.iter().any(|d| {
            d["check"] == case.check.as_str()
                && d["severity"] == severity
                && d["line"].as_u64() == Some(u64::from(case.line))
                && d["file"]
                    .as_str()
                    .is_some_and(|f| file_name(Path::new(f)) == case.file)
        });
        if !found {
            failures.push(format!(
                "{name}: missing {}\n  got:\n    {all}",
                expectation(&case)
            ));
        }
        for d in &diags {
            if d["message"].as_str().is_none_or(|m| m.trim().is_empty()) {
                failures.push(format!("{name}: a diagnostic without a message: {d}"));
            }
        }
    }
    report(&failures, "with `check --format json`");
}

/// `check` in text: each error case shows `FILE:LINE:` in codespan's `┌─` line and the
/// offending source line.
#[test]
fn check_text_shows_place_and_line() {
    let mut failures = Vec::new();
    for case in cases(&mut failures) {
        if case.warning {
            continue;
        }
        let (code, _stdout, stderr) = run(&case, &["check"]);
        let name = &case.name;
        if code != 1 {
            failures.push(format!(
                "{name}: `check` exited {code}, want 1\n  stderr: {stderr}"
            ));
        }
        let place = format!("{}:{}:", case.file, case.line);
        let located = stderr
            .lines()
            .any(|l| l.contains("┌─") && l.contains(&place));
        if !located {
            failures.push(format!(
                "{name}: no `┌─ …{place}` location line for {}\n  stderr:\n{stderr}",
                expectation(&case)
            ));
        }
        let text = source_line(&case);
        if !stderr.contains(&text) {
            failures.push(format!(
                "{name}: stderr does not show the offending line {text:?}\n  stderr:\n{stderr}"
            ));
        }
    }
    report(&failures, "with `check` (text)");
}

/// A report refuses to run on books with a basic error: exit 1 and nothing on stdout.
#[test]
fn basic_errors_stop_balance() {
    let mut failures = Vec::new();
    for case in cases(&mut failures) {
        if case.warning || !BASIC.contains(&case.check.as_str()) {
            continue;
        }
        let (code, stdout, stderr) = run(&case, &["balance"]);
        let name = &case.name;
        if code != 1 {
            failures.push(format!(
                "{name}: `balance` exited {code}, want 1\n  stdout: {stdout}\n  stderr: {stderr}"
            ));
        }
        if !stdout.trim().is_empty() {
            failures.push(format!(
                "{name}: `balance` printed a report despite a {} error:\n{stdout}",
                case.check
            ));
        }
    }
    report(&failures, "with `balance`");
}
