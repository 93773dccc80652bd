//! Edges of the finance reports: periods that end before they start or lie outside the
//! agreements, `psc --post` against a sealed period, the workbook's labels in one
//! language only, and project files a finance officer gets slightly wrong.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use crate::support::{fundledger, s, sample, temp_ledger};

/// Runs `fundledger args…`, returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = fundledger()
        .env("FUNDLEDGER_NOW", "2018-01-15T09:00:00Z")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sample_dir() -> &'static str {
    Box::leak(sample().to_string_lossy().into_owned().into_boxed_str())
}

const PROJECT: &str = r#"
[project]
code = "T-2017"
name_fr = "Projet test"
currency = "XOF"
start = 2017-01-01
end = 2017-12-31

[[donors]]
id = "EU"
name_fr = "Union européenne"
currency = "EUR"

[[lines]]
code = "1"
name_fr = "Ateliers"
amount = 1000000
shares = { EU = 100 }
categories = { eu = "5" }

[[lines]]
code = "3"
name_fr = "Coûts indirects"
amount = 100000
shares = { EU = 100 }
categories = { eu = "8" }

[[agreements]]
reference = "EU-PSC"
donor = "EU"
currency = "EUR"
ceiling = "100000.00"
start = 2017-01-01
end = 2017-12-31
template = "eu"
psc = { rate = "5", base = ["expenses:workshops"], line = "3", account = "expenses:psc", counter = "liabilities:psc-due" }
"#;

const JOURNAL: &str = "decimal-mark .\ncommodity XOF\ncommodity EUR\n\naccount assets:bank\naccount income:grants\naccount expenses:workshops\naccount expenses:psc\naccount liabilities:psc-due\n\n2017-04-03 * (PV-1) Dépense\n    expenses:workshops    14050 XOF\n    ; donor: EU\n    ; line: 1\n    assets:bank    -14050 XOF\n    ; donor: EU\n";

fn small_ledger(project: &str) -> tempfile::TempDir {
    temp_ledger(&[("project.toml", project), ("books.journal", JOURNAL)])
}

#[test]
fn budget_and_funds_refuse_a_period_that_ends_before_it_starts() {
    for command in ["budget", "funds"] {
        let (code, out, err) = run(&[
            "-L",
            sample_dir(),
            command,
            "--from",
            "2017-12-01",
            "--to",
            "2017-01-31",
        ]);
        assert_eq!(code, 2, "{command}: {out}{err}");
        assert!(
            err.contains("--to 2017-01-31 is before --from 2017-12-01"),
            "{command}: {err}"
        );
        assert!(out.is_empty(), "{command} printed a report: {out}");
    }
}

#[test]
fn a_report_for_a_period_outside_the_agreement_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // The EU agreement runs through 2017; Germany's starts on 2017-03-01.
    for (donor, from, to) in [
        ("EU", "2019-01-01", "2019-12-31"),
        ("DE", "2017-01-01", "2017-02-28"),
    ] {
        let out = dir.path().join(format!("{donor}.xlsx"));
        let (code, _, err) = run(&[
            "-L",
            sample_dir(),
            "report",
            "donor",
            donor,
            "--from",
            from,
            "--to",
            to,
            "-o",
            s(&out),
        ]);
        assert_eq!(code, 2, "{donor}: {err}");
        assert!(
            err.contains(&format!(
                "the period {from} → {to} lies outside every agreement of {donor}"
            )),
            "{donor}: {err}"
        );
        assert!(!out.exists(), "{donor}: a workbook was written");
    }
    let all = dir.path().join("all");
    let (code, _, err) = run(&[
        "-L",
        sample_dir(),
        "report",
        "all",
        "--from",
        "2019-01-01",
        "--to",
        "2019-12-31",
        "-o",
        s(&all),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("outside every agreement"), "{err}");
    assert!(!all.exists(), "report all made its directory");
    // A period some agreements cover: those donors are reported, the others named.
    let (code, _, err) = run(&[
        "-L",
        sample_dir(),
        "report",
        "all",
        "--from",
        "2017-01-01",
        "--to",
        "2017-02-28",
        "-o",
        s(&all),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("no agreement in force between 2017-01-01 and 2017-02-28 for: DE"),
        "{err}"
    );
    let mut written: Vec<String> = std::fs::read_dir(&all)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        ["EU", "GOV", "NL", "UNODC"]
            .map(|d| format!("MLI-CTIP-2017-{d}-2017-01-01-2017-02-28.xlsx"))
    );
}

#[test]
fn a_period_without_spending_gives_zeros() {
    let (code, out, err) = run(&[
        "-L",
        sample_dir(),
        "balance",
        "--donor",
        "EU",
        "--from",
        "2017-05-01",
        "--to",
        "2017-05-28",
        "--format",
        "csv",
        "expenses",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "EU spent in May: {out}");
    let (code, out, err) = run(&[
        "-L",
        sample_dir(),
        "report",
        "donor",
        "EU",
        "--from",
        "2017-05-01",
        "--to",
        "2017-05-28",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut rows = csv::Reader::from_reader(out.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let period = headers.iter().position(|h| h == "period").unwrap();
    for r in rows.records() {
        let r = r.unwrap();
        assert_eq!(&r[period], "0.00", "{r:?}");
    }
}

#[test]
fn psc_post_never_writes_into_a_sealed_period() {
    let dir = small_ledger(PROJECT);
    let ledger = s(dir.path());
    let (code, _, err) = run(&["-L", ledger, "seal", "--through", "2017-06-30"]);
    assert_eq!(code, 0, "{err}");
    let journal = dir.path().join("books.journal");
    let before = std::fs::read(&journal).unwrap();
    let (code, _, err) = run(&["-L", ledger, "psc", "--through", "2017-06-30", "--post"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[sealed]"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read(&journal).unwrap(), before, "journal changed");
    let (code, out, err) = run(&["-L", ledger, "verify"]);
    assert_eq!(code, 0, "{out}{err}");
    // After the sealed period the same PSC is posted, and the books stay clean.
    let (code, _, err) = run(&["-L", ledger, "psc", "--through", "2017-07-31", "--post"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&["-L", ledger, "check"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn psc_post_refuses_an_undeclared_psc_account() {
    let project = PROJECT.replace("account = \"expenses:psc\"", "account = \"expenses:pcs\"");
    let dir = small_ledger(&project);
    let journal = dir.path().join("books.journal");
    let before = std::fs::read(&journal).unwrap();
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "psc",
        "--through",
        "2017-12-31",
        "--post",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("expenses:pcs"), "{err}");
    assert_eq!(std::fs::read(&journal).unwrap(), before, "journal changed");
}

/// Every text cell of every sheet of the workbook.
fn strings(path: &Path) -> Vec<String> {
    let mut wb = open_workbook_auto(path).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for c in range.used_cells() {
            if let Data::String(t) = c.2 {
                out.push(t.clone());
            }
        }
    }
    out
}

fn workbook(lang: &str, donor: &str, dir: &Path) -> Vec<String> {
    let out = dir.join(format!("{donor}-{lang}.xlsx"));
    let (code, _, err) = run(&[
        "-L",
        sample_dir(),
        "--lang",
        lang,
        "report",
        "donor",
        donor,
        "--from",
        "2017-01-01",
        "--to",
        "2017-12-31",
        "-o",
        s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    strings(&out)
}

#[test]
fn workbooks_speak_one_language() {
    let dir = tempfile::tempdir().unwrap();
    for donor in ["EU", "NL", "UNODC"] {
        let en = workbook("en", donor, dir.path()).join("\n");
        for french in [
            "parité fixe",
            "taux ",
            "Appui au Comité",
            // Donor names (the journal's own descriptions stay as written).
            "Union européenne (GLO.ACT)",
            "Pays-Bas (projet conjoint",
            "ONUDC - Programme Sahel",
            "« ",
        ] {
            assert!(!en.contains(french), "{donor} en: {french:?} in\n{en}");
        }
        let fr = workbook("fr", donor, dir.path()).join("\n");
        for english in [
            "fixed peg",
            "monthly rate",
            "funds received",
            "Support to Mali",
        ] {
            assert!(!fr.contains(english), "{donor} fr: {english:?} in\n{fr}");
        }
    }
    let en = workbook("en", "NL", dir.path());
    assert!(
        en.iter()
            .any(|t| t.contains("weighted rate of funds received")),
        "{en:?}"
    );
    assert!(
        en.iter()
            .any(|t| t == "Netherlands (joint UNODC-OHCHR project) (NL)"),
        "{en:?}"
    );
}

#[test]
fn budget_rate_notes_speak_one_language() {
    for (lang, other) in [("en", "taux mensuel"), ("fr", "monthly rate")] {
        let (code, out, err) = run(&[
            "-L",
            sample_dir(),
            "--lang",
            lang,
            "budget",
            "--donor",
            "UNODC",
            "--currency",
            "USD",
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("2017-12)"), "{out}");
        assert!(!out.contains(other), "{lang}: {other:?} in {out}");
    }
}

#[test]
fn project_file_edges_work_or_are_refused_at_their_place() {
    let revision = |date: &str| {
        PROJECT.replace(
            "categories = { eu = \"5\" }\n",
            &format!("categories = {{ eu = \"5\" }}\n\n[[lines.revisions]]\ndate = {date}\namount = 1200000\n"),
        )
    };
    // A revision dated before the project starts (a mistyped year) is refused where it is.
    let dir = small_ledger(&revision("2016-06-01"));
    let (code, _, err) = run(&["-L", s(dir.path()), "check"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "line 1: the revision of 2016-06-01 is dated before the project starts (2017-01-01)"
        ),
        "{err}"
    );
    assert!(err.contains("project.toml:22:8"), "{err}");
    // Two revisions on the same date are refused too.
    let twice = revision("2017-06-01").replace(
        "amount = 1200000\n",
        "amount = 1200000\n\n[[lines.revisions]]\ndate = 2017-06-01\namount = 1300000\n",
    );
    let (code, _, err) = run(&["-L", s(small_ledger(&twice).path()), "check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not after 2017-06-01"), "{err}");
    // No tranches and a 0 % PSC rate: nothing is due, nothing is posted, reports run.
    let dir = small_ledger(&PROJECT.replace("rate = \"5\"", "rate = \"0\""));
    let journal = dir.path().join("books.journal");
    let before = std::fs::read(&journal).unwrap();
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "psc",
        "--through",
        "2017-12-31",
        "--post",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    let (code, out, err) = run(&[
        "-L",
        s(dir.path()),
        "report",
        "donor",
        "EU",
        "--from",
        "2017-01-01",
        "--to",
        "2017-12-31",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("total,,"), "{out}");
    // A donor without an agreement: the budget shows it, its report needs a template.
    let no_agreement = PROJECT.replace(
        "[[lines]]\ncode = \"1\"",
        "[[donors]]\nid = \"NL\"\nname_fr = \"Pays-Bas\"\ncurrency = \"EUR\"\n\n[[lines]]\ncode = \"1\"",
    );
    let dir = small_ledger(&no_agreement);
    let (code, _, err) = run(&["-L", s(dir.path()), "budget", "--donor", "NL"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "report",
        "donor",
        "NL",
        "--from",
        "2017-01-01",
        "--to",
        "2017-12-31",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("give --template NAME"), "{err}");
}

#[test]
fn a_month_before_the_first_published_rate_has_no_rate() {
    // The UNODC agreement converts at the monthly (UN operational) rate. Without
    // January's rate, January's USD figures cannot be converted: a later month's rate
    // must never stand in for an earlier one.
    let dir = crate::import::sample_copy_with_assertions();
    let prices = dir.path().join("prices.journal");
    let text = std::fs::read_to_string(&prices).unwrap();
    assert!(text.contains("P 2017-01-01 USD"), "{text}");
    let without_january: String = text
        .lines()
        .filter(|l| !l.starts_with("P 2017-01-01 USD"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&prices, without_january).unwrap();
    let ledger = s(dir.path());
    let out = dir.path().join("unodc.xlsx");
    let (code, _, err) = run(&[
        "-L",
        ledger,
        "report",
        "donor",
        "UNODC",
        "--from",
        "2017-01-01",
        "--to",
        "2017-12-31",
        "-o",
        s(&out),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no USD rate for 2017-01"), "{err}");
    assert!(!out.exists());
    let (code, _, err) = run(&[
        "-L",
        ledger,
        "budget",
        "--donor",
        "UNODC",
        "--currency",
        "USD",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no USD rate for 2017-01"), "{err}");
    // A month without its own rate keeps the latest earlier one (February's for March
    // here), and says which month's rate it used.
    let text = std::fs::read_to_string(&prices).unwrap();
    let without_march: String = text
        .lines()
        .filter(|l| !l.starts_with("P 2017-03-01 USD"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(
        &prices,
        format!("P 2017-01-01 USD 617.285 XOF\n{without_march}"),
    )
    .unwrap();
    let (code, out, err) = run(&[
        "-L",
        ledger,
        "--lang",
        "en",
        "budget",
        "--donor",
        "UNODC",
        "--currency",
        "USD",
        "--from",
        "2017-03-01",
        "--to",
        "2017-03-31",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("monthly rate (2017-02)"), "{out}");
}

#[test]
fn the_conversion_difference_is_named_for_what_it_is() {
    // UNODC converts at monthly rates: converting the year's total at December's rate
    // differs from the sum of the expenses converted month by month mostly because the
    // rate moved, not because of rounding; the workbook says so.
    let dir = tempfile::tempdir().unwrap();
    let text = workbook("en", "UNODC", dir.path()).join("\n");
    assert!(
        text.contains("Conversion difference (total spending converted at once at the budget rate − sum of the expenses each converted at its date; at a fixed rate it is rounding): "),
        "{text}"
    );
    assert!(!text.contains("Rounding difference"), "{text}");
    let fr = workbook("fr", "UNODC", dir.path()).join("\n");
    assert!(
        fr.contains("Écart de conversion (total des dépenses converti en une fois"),
        "{fr}"
    );
}

#[test]
fn the_share_used_has_one_decimal_in_every_currency() {
    // NL line 3.2: 1,725,000 spent of 1,500,000 = 115 %, shown 115.0 in XOF as in EUR.
    for currency in ["XOF", "EUR"] {
        let (code, out, err) = run(&[
            "-L",
            sample_dir(),
            "budget",
            "--donor",
            "NL",
            "--currency",
            currency,
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let row = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == "line" && r["line"] == "3.2")
            .unwrap();
        assert_eq!(row["used_pct"], "115.0", "{currency}");
    }
}
