//! Donor agreements and budgets: `budget`, `psc`, `funds` — each flag at its boundary,
//! each currency rule, PSC rounding and idempotence, bad agreements, and the sample
//! ledger's figures tying out with `balance`.

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{run, s, sample, temp_ledger};

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

[[donors]]
id = "US"
name_fr = "Partenaire en dollars"
currency = "USD"

[[donors]]
id = "NL"
name_fr = "Pays-Bas"
currency = "EUR"

[[lines]]
code = "1"
name_fr = "Ateliers"
amount = 1000000
shares = { EU = 100 }
categories = { eu = "5" }

[[lines]]
code = "2"
name_fr = "Voyages"
amount = 1000000
shares = { EU = 100 }
categories = { eu = "2" }

[[lines]]
code = "3"
name_fr = "Coûts indirects"
amount = 100000
shares = { EU = 100 }
categories = { eu = "8" }

[[lines]]
code = "4"
name_fr = "Missions"
amount = 2000000
shares = { US = 100 }

[[lines]]
code = "5"
name_fr = "Assistance"
amount = 2000000
shares = { NL = 100 }
"#;

const JOURNAL_HEAD: &str = "decimal-mark .\ncommodity XOF\ncommodity EUR\ncommodity USD\n\naccount assets:bank\naccount assets:bank:eur\naccount income:grants\naccount expenses:workshops\naccount expenses:psc\naccount liabilities:psc-due\n\n";

/// A payment of `amount` XOF on `line` for `donor` on `date`.
fn spend(date: &str, donor: &str, line: &str, amount: i64) -> String {
    format!(
        "{date} * (PV) Dépense\n    expenses:workshops    {amount} XOF\n    ; donor: {donor}\n    ; line: {line}\n    assets:bank    -{amount} XOF\n    ; donor: {donor}\n\n"
    )
}

/// A ledger with the test project, `agreements` appended to project.toml, and `body` journal text.
fn ledger(agreements: &str, body: &str) -> tempfile::TempDir {
    temp_ledger(&[
        ("project.toml", &format!("{PROJECT}{agreements}")),
        ("books.journal", &format!("{JOURNAL_HEAD}{body}")),
    ])
}

fn budget_json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["-L", s(dir), "budget", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn row<'a>(report: &'a Value, kind: &str, donor: &str, key: Option<(&str, &str)>) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == kind && r["donor"] == donor && key.is_none_or(|(k, v)| r[k] == v))
        .unwrap_or_else(|| panic!("no {kind} row for {donor} {key:?} in {report:#}"))
}

fn flags(r: &Value) -> Vec<String> {
    r["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

const EU_AGREEMENT: &str = r#"
[[agreements]]
reference = "EU-1"
donor = "EU"
currency = "EUR"
ceiling = "100000.00"
start = 2017-01-01
end = 2017-12-31
template = "eu"
"#;

#[test]
fn over_budget_is_flagged_one_franc_past_the_budget() {
    for (spent, flagged) in [(1_000_000, false), (1_000_001, true)] {
        let dir = ledger(EU_AGREEMENT, &spend("2017-05-02", "EU", "1", spent));
        let r = budget_json(dir.path(), &[]);
        let line = row(&r, "line", "EU", Some(("line", "1")));
        assert_eq!(
            flags(line).contains(&"over-budget".to_string()),
            flagged,
            "{spent}"
        );
        assert_eq!(dec(&line["remaining"]), Decimal::from(1_000_000 - spent));
    }
}

#[test]
fn line_flexibility_allows_its_percentage_and_not_a_franc_more() {
    let agreement =
        format!("{EU_AGREEMENT}flexibility = {{ percent = \"20\", level = \"line\" }}\n");
    for (spent, flex) in [(1_200_000, false), (1_200_001, true)] {
        let dir = ledger(&agreement, &spend("2017-05-02", "EU", "1", spent));
        let line = budget_json(dir.path(), &[]);
        let line = row(&line, "line", "EU", Some(("line", "1")));
        assert!(flags(line).contains(&"over-budget".to_string()));
        assert_eq!(
            flags(line).contains(&"beyond-flexibility".to_string()),
            flex,
            "{spent}"
        );
    }
}

#[test]
fn heading_flexibility_is_checked_per_donor_category() {
    let agreement =
        format!("{EU_AGREEMENT}flexibility = {{ percent = \"25\", level = \"heading\" }}\n");
    for (spent, flex) in [(1_250_000, false), (1_250_001, true)] {
        let dir = ledger(&agreement, &spend("2017-05-02", "EU", "1", spent));
        let r = budget_json(dir.path(), &[]);
        let heading = row(&r, "category", "EU", Some(("category", "5")));
        assert_eq!(
            flags(heading).contains(&"beyond-flexibility".to_string()),
            flex,
            "{spent}"
        );
        assert_eq!(dec(&heading["spent_to_date"]), Decimal::from(spent));
        // Line-level flexibility is not applied by a heading rule.
        let line = row(&r, "line", "EU", Some(("line", "1")));
        assert!(!flags(line).contains(&"beyond-flexibility".to_string()));
    }
}

#[test]
fn spending_before_the_eligibility_period_is_flagged() {
    let agreement = EU_AGREEMENT.replace("start = 2017-01-01", "start = 2017-03-01");
    let on_time = ledger(&agreement, &spend("2017-03-01", "EU", "1", 5_000));
    let r = budget_json(on_time.path(), &[]);
    assert!(flags(row(&r, "line", "EU", Some(("line", "1")))).is_empty());
    let early = ledger(
        &agreement,
        &(spend("2017-02-28", "EU", "1", 5_000) + &spend("2017-03-01", "EU", "1", 7_000)),
    );
    let r = budget_json(early.path(), &[]);
    let line = row(&r, "line", "EU", Some(("line", "1")));
    assert_eq!(flags(line), vec!["outside-eligibility"]);
    assert_eq!(dec(&line["outside_eligibility"]), Decimal::from(5_000));
    assert!(flags(row(&r, "donor", "EU", None)).contains(&"outside-eligibility".to_string()));
}

#[test]
fn the_ceiling_is_checked_in_the_agreement_currency_to_the_cent() {
    // 655,957 XOF = 1,000.00 EUR; 655,960 XOF = 1,000.0046 → 1,000.00; 655,964 XOF → 1,000.01.
    let agreement = EU_AGREEMENT.replace("100000.00", "1000.00");
    for (xof, over) in [(655_957, false), (655_960, false), (655_964, true)] {
        let dir = ledger(&agreement, &spend("2017-05-02", "EU", "1", xof));
        let r = budget_json(dir.path(), &[]);
        assert_eq!(
            flags(row(&r, "donor", "EU", None)).contains(&"over-ceiling".to_string()),
            over,
            "{xof}"
        );
    }
}

#[test]
fn the_ceiling_counts_only_spending_inside_the_agreement_period() {
    // An agreement that starts mid-month: the spending five days before it is ELIG, and
    // is not charged to its ceiling (it used to be, with the whole month).
    let agreement = EU_AGREEMENT
        .replace("100000.00", "1000.00")
        .replace("start = 2017-01-01", "start = 2017-05-15");
    let body = spend("2017-05-10", "EU", "1", 655_957) + &spend("2017-05-20", "EU", "1", 655_957);
    let dir = ledger(&agreement, &body);
    let r = budget_json(dir.path(), &[]);
    let donor_flags = flags(row(&r, "donor", "EU", None));
    assert!(
        !donor_flags.contains(&"over-ceiling".to_string()),
        "{donor_flags:?}"
    );
    assert!(
        donor_flags.contains(&"outside-eligibility".to_string()),
        "{donor_flags:?}"
    );
}

#[test]
fn the_peg_converts_by_dividing_and_rounding_half_up() {
    let dir = ledger(EU_AGREEMENT, &spend("2017-05-02", "EU", "1", 1_000_000));
    let r = budget_json(dir.path(), &["--currency", "EUR"]);
    let line = row(&r, "line", "EU", Some(("line", "1")));
    // 1,000,000 XOF / 655.957 = 1,524.4902… → 1,524.49 EUR
    assert_eq!(
        dec(&line["approved"]),
        "1524.49".parse::<Decimal>().unwrap()
    );
    assert_eq!(
        dec(&line["spent_to_date"]),
        "1524.49".parse::<Decimal>().unwrap()
    );
    assert_eq!(r["currency"], "EUR");
}

#[test]
fn the_received_rule_uses_the_weighted_rate_of_the_tranches() {
    let agreement = r#"
[[agreements]]
reference = "NL-1"
donor = "NL"
currency = "EUR"
ceiling = "5000.00"
start = 2017-01-01
end = 2017-12-31
template = "netherlands"
currency_rule = "received"
"#;
    // Two tranches of 1,000 EUR, booked at 655.957 and 650.000: weighted 652.9785.
    let receipts = "2017-01-10 * (VIR) Tranche 1\n    assets:bank:eur    1,000.00 EUR @ 655.957 XOF\n    ; donor: NL\n    income:grants    -655,957 XOF\n    ; donor: NL\n\n2017-02-10 * (VIR) Tranche 2\n    assets:bank:eur    1,000.00 EUR @ 650 XOF\n    ; donor: NL\n    income:grants    -650,000 XOF\n    ; donor: NL\n\n";
    let dir = ledger(
        agreement,
        &format!("{receipts}{}", spend("2017-03-01", "NL", "5", 1_305_957)),
    );
    let r = budget_json(dir.path(), &["--currency", "EUR", "--donor", "NL"]);
    let line = row(&r, "line", "NL", Some(("line", "5")));
    // 1,305,957 / 652.9785 = 2,000.00 exactly; the peg would give 1,990.92.
    assert_eq!(
        dec(&line["spent_to_date"]),
        "2000.00".parse::<Decimal>().unwrap()
    );
}

#[test]
fn the_monthly_rule_converts_each_month_at_its_rate() {
    let agreement = r#"
[[agreements]]
reference = "US-1"
donor = "US"
currency = "USD"
ceiling = "10000.00"
start = 2017-01-01
end = 2017-12-31
template = "undg"
currency_rule = "monthly"
"#;
    let prices = "P 2017-01-01 USD 600 XOF\nP 2017-02-01 USD 500 XOF\n\n";
    let body = format!(
        "{prices}{}{}",
        spend("2017-01-20", "US", "4", 600_000),
        spend("2017-02-20", "US", "4", 500_000)
    );
    let dir = ledger(agreement, &body);
    let r = budget_json(dir.path(), &["--currency", "USD", "--donor", "US"]);
    let line = row(&r, "line", "US", Some(("line", "4")));
    // 600,000 / 600 + 500,000 / 500 = 2,000.00 USD (one rate for the total would not be).
    assert_eq!(
        dec(&line["spent_to_date"]),
        "2000.00".parse::<Decimal>().unwrap()
    );
    // Without a rate there is no conversion, and the message says which one is missing.
    let bare = ledger(agreement, &spend("2017-01-20", "US", "4", 600_000));
    let (code, _, err) = run(&["-L", s(bare.path()), "budget", "--currency", "USD"]);
    assert_eq!(code, 2);
    assert!(err.contains("no USD rate for 2017-"), "{err}");
}

const PSC_AGREEMENT: &str = r#"
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

fn psc_json(dir: &Path, through: &str) -> Vec<Value> {
    let (code, out, err) = run(&[
        "-L",
        s(dir),
        "psc",
        "--through",
        through,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn psc_rounds_half_up_on_the_base_and_posting_twice_adds_nothing() {
    // 5 % of 14,050 = 702.5 → 703 (banker's rounding would give 702).
    let dir = ledger(PSC_AGREEMENT, &spend("2017-04-03", "EU", "1", 14_050));
    let rows = psc_json(dir.path(), "2017-06-30");
    assert_eq!(rows[0]["base"], "14050");
    assert_eq!(rows[0]["due"], "703");
    assert_eq!(rows[0]["to_post"], "703");
    let journal = dir.path().join("books.journal");
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "psc",
        "--through",
        "2017-06-30",
        "--post",
    ]);
    assert_eq!(code, 0, "{err}");
    let after_first = std::fs::read(&journal).unwrap();
    let (code, out, _) = run(&["-L", s(dir.path()), "check"]);
    assert_eq!(code, 0, "the posted PSC passes every check: {out}");
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "psc",
        "--through",
        "2017-06-30",
        "--post",
    ]);
    assert_eq!(code, 0);
    assert!(err.contains("nothing to post"), "{err}");
    assert_eq!(
        std::fs::read(&journal).unwrap(),
        after_first,
        "re-running changed the journal"
    );
    // The PSC postings are not part of the base, and what was posted is counted.
    let rows = psc_json(dir.path(), "2017-06-30");
    assert_eq!(
        (
            rows[0]["base"].as_str(),
            rows[0]["posted"].as_str(),
            rows[0]["to_post"].as_str()
        ),
        (Some("14050"), Some("703"), Some("0"))
    );
    // Later spending: only the difference is posted, so the total stays exact.
    let mut text = String::from_utf8(after_first).unwrap();
    text.push('\n');
    text.push_str(&spend("2017-08-01", "EU", "1", 10_000));
    std::fs::write(&journal, text).unwrap();
    let rows = psc_json(dir.path(), "2017-12-31");
    // 5 % of 24,050 = 1,202.5 → 1,203, of which 703 are posted.
    assert_eq!(
        (rows[0]["due"].as_str(), rows[0]["to_post"].as_str()),
        (Some("1203"), Some("500"))
    );
    let (code, _, _) = run(&[
        "-L",
        s(dir.path()),
        "psc",
        "--through",
        "2017-12-31",
        "--post",
    ]);
    assert_eq!(code, 0);
    let (_, out, _) = run(&[
        "-L",
        s(dir.path()),
        "balance",
        "--flat",
        "--format",
        "csv",
        "expenses:psc",
    ]);
    assert!(out.contains("expenses:psc,XOF,1203"), "{out}");
}

#[test]
fn psc_posted_beyond_what_is_due_is_reported_and_never_posted_negative() {
    // 5 % of 14,050 is posted (703); then a refund of 4,050 lowers the base to 10,000,
    // so 500 are due: 203 were charged too much.
    let dir = ledger(PSC_AGREEMENT, &spend("2017-04-03", "EU", "1", 14_050));
    let (code, _, err) = run(&[
        "-L",
        s(dir.path()),
        "psc",
        "--through",
        "2017-06-30",
        "--post",
    ]);
    assert_eq!(code, 0, "{err}");
    let journal = dir.path().join("books.journal");
    let mut text = std::fs::read_to_string(&journal).unwrap();
    text.push('\n');
    text.push_str("2017-05-02 * (AV) Remboursement\n    assets:bank    4050 XOF\n    ; donor: EU\n    expenses:workshops    -4050 XOF\n    ; donor: EU\n    ; line: 1\n");
    std::fs::write(&journal, &text).unwrap();
    for post in [false, true] {
        let mut args = vec!["-L", s(dir.path()), "psc", "--through", "2017-06-30"];
        if post {
            args.push("--post");
        }
        let (code, _, err) = run(&args);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("703 XOF of PSC posted, 500 XOF due through 2017-06-30: 203 XOF too much — book a reversal to expenses:psc"),
            "{err}"
        );
        assert!(!err.contains("nothing to post"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&journal).unwrap(),
            text,
            "--post wrote"
        );
    }
}

#[test]
fn psc_post_survives_a_crash_at_every_write_step() {
    for step in ["after-temp-write", "before-fsync", "before-rename"] {
        let dir = ledger(PSC_AGREEMENT, &spend("2017-04-03", "EU", "1", 14_050));
        let journal = dir.path().join("books.journal");
        let before = std::fs::read(&journal).unwrap();
        let out = crate::support::fundledger()
            .env("FUNDLEDGER_FAULT", step)
            .args([
                "-L",
                s(dir.path()),
                "psc",
                "--through",
                "2017-06-30",
                "--post",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(99), "{step}");
        assert_eq!(
            std::fs::read(&journal).unwrap(),
            before,
            "journal changed after a crash {step}"
        );
        let (code, _, err) = run(&["-L", s(dir.path()), "check"]);
        assert_eq!(code, 0, "{step}: {err}");
    }
}

#[test]
fn fund_balances_add_up_and_show_exchange_differences() {
    let agreement = r#"
[[agreements]]
reference = "US-1"
donor = "US"
currency = "USD"
ceiling = "10000.00"
start = 2017-01-01
end = 2017-12-31
template = "undg"
currency_rule = "monthly"
"#;
    // 1,000 USD received at 600, converted at 550: a realised exchange loss of 50,000 XOF.
    let body = "P 2017-01-01 USD 600 XOF\nP 2017-02-01 USD 550 XOF\n\naccount assets:bank:usd\n\n2017-01-10 * (VIR) Tranche\n    assets:bank:usd    1,000.00 USD @ 600 XOF\n    ; donor: US\n    income:grants    -600,000 XOF\n    ; donor: US\n\n2017-02-10 * (CV) Conversion\n    assets:bank    550,000 XOF\n    ; donor: US\n    assets:bank:usd    -1,000.00 USD @ 550 XOF\n    ; donor: US\n\n".to_string()
        + &spend("2017-03-01", "US", "4", 100_000)
        + &spend("2017-06-01", "US", "4", 50_000);
    let dir = ledger(agreement, &body);
    let (code, out, err) = run(&["-L", s(dir.path()), "funds", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    let us = rows.iter().find(|r| r["donor"] == "US").unwrap();
    assert_eq!(dec(&us["received"]), Decimal::from(600_000));
    assert_eq!(dec(&us["spent_direct"]), Decimal::from(150_000));
    assert_eq!(dec(&us["exchange_difference"]), Decimal::from(-50_000));
    assert_eq!(dec(&us["closing"]), Decimal::from(400_000));
    assert_eq!(
        dec(&us["received_donor_currency"]),
        "1000.00".parse::<Decimal>().unwrap()
    );
    // A period opening mid-year starts from the balance before it.
    let (_, out, _) = run(&[
        "-L",
        s(dir.path()),
        "funds",
        "--from",
        "2017-04-01",
        "--format",
        "json",
    ]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    let us = rows.iter().find(|r| r["donor"] == "US").unwrap();
    assert_eq!(dec(&us["opening"]), Decimal::from(450_000));
    assert_eq!(dec(&us["spent_direct"]), Decimal::from(50_000));
    assert_eq!(dec(&us["closing"]), Decimal::from(400_000));
    assert!(dec(&us["exchange_difference"]).is_zero());
}

#[test]
fn bad_agreements_are_refused_with_a_clear_message() {
    let cases = [
        (
            "donor = \"EU\"",
            "donor = \"XX\"",
            "undeclared donor \"XX\"",
        ),
        (
            "end = 2017-12-31\ntemplate",
            "end = 2016-12-31\ntemplate",
            "ends (2016-12-31) before it starts (2017-01-01)",
        ),
        (
            "ceiling = \"100000.00\"",
            "ceiling = \"-5.00\"",
            "the ceiling -5.00 EUR is negative",
        ),
        (
            "template = \"eu\"",
            "template = \"imaginary\"",
            "no donor template named \"imaginary\"",
        ),
        (
            "currency = \"EUR\"\nceiling",
            "currency = \"USD\"\ncurrency_rule = \"peg\"\nceiling",
            "the peg applies to EUR, not USD",
        ),
        (
            "template = \"eu\"",
            "template = \"eu\"\nflexibility = { percent = \"125\", level = \"line\" }",
            "flexibility 125% is not between 0 and 100",
        ),
    ];
    for (from, to, message) in cases {
        let agreement = EU_AGREEMENT.replace(from, to);
        assert_ne!(agreement, EU_AGREEMENT, "{from}");
        let dir = ledger(&agreement, "");
        let (code, _, err) = run(&["-L", s(dir.path()), "check"]);
        assert_eq!(code, 1, "{message}");
        assert!(
            err.contains("error[project]") && err.contains(message),
            "{message}: {err}"
        );
        assert!(
            err.contains("project.toml:"),
            "the error names its place: {err}"
        );
    }
    let twice = format!(
        "{EU_AGREEMENT}{}",
        EU_AGREEMENT
            .replace("EU-1", "EU-2")
            .replace("2017-01-01", "2017-06-01")
    );
    let (_, _, err) = run(&["-L", s(ledger(&twice, "").path()), "check"]);
    assert!(err.contains("overlap in time"), "{err}");
    let bad_shares = PROJECT.replace("shares = { US = 100 }", "shares = { US = 60 }");
    let dir = temp_ledger(&[
        ("project.toml", &bad_shares),
        ("books.journal", JOURNAL_HEAD),
    ]);
    let (_, _, err) = run(&["-L", s(dir.path()), "check"]);
    assert!(
        err.contains("funding shares add up to 60%, not 100%"),
        "{err}"
    );
}

// ------------------------------------------------------------------ the sample

fn sample_json(args: &[&str]) -> Value {
    let mut all = vec!["-L", s(Box::leak(sample().into_boxed_path()))];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn sample_budgets_add_up_and_spending_ties_out_with_balance() {
    let r = sample_json(&["budget", "--format", "json"]);
    let total = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "total")
        .unwrap();
    // The donors' original shares of every line add up to the project budget.
    assert_eq!(dec(&total["original"]), Decimal::from(271_350_000));
    let balance = sample_json(&[
        "balance", "--by", "donor", "--depth", "1", "--format", "json", "expenses",
    ]);
    for donor in ["EU", "DE", "NL", "UNODC", "GOV"] {
        let spent = dec(&row(&r, "donor", donor, None)["spent_to_date"]);
        let booked = balance
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["donor"] == donor && b["account"] == "expenses")
            .map(|b| dec(&b["amount"]))
            .unwrap();
        assert_eq!(spent, booked, "{donor}");
    }
    // Every flag shows up somewhere in the sample, and the revision is in force.
    let all_flags: Vec<String> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(flags)
        .collect();
    for f in [
        "over-budget",
        "beyond-flexibility",
        "outside-eligibility",
        "over-ceiling",
    ] {
        assert!(all_flags.contains(&f.to_string()), "{f} missing");
    }
    let revised = row(&r, "line", "GOV", Some(("line", "6.4")));
    assert_eq!(revised["revised"], true);
    assert_eq!(dec(&revised["approved"]), Decimal::from(24_000_000));
    assert_eq!(dec(&revised["original"]), Decimal::from(22_800_000));
}

#[test]
fn sample_fund_balances_are_received_minus_spent() {
    let rows = sample_json(&["funds", "--format", "json"]);
    let income = sample_json(&[
        "balance", "--by", "donor", "--depth", "1", "--format", "json", "income",
    ]);
    for r in rows.as_array().unwrap() {
        let donor = r["donor"].as_str().unwrap();
        let received = dec(&r["received"]);
        let spent = dec(&r["spent_direct"]) + dec(&r["spent_psc"]);
        let fx = dec(&r["exchange_difference"]);
        assert_eq!(dec(&r["closing"]), received - spent + fx, "{donor}");
        let booked = income
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["donor"] == donor)
            .map(|b| -dec(&b["amount"]))
            .unwrap();
        assert_eq!(received, booked, "{donor}");
        if matches!(donor, "EU" | "DE" | "NL" | "GOV") {
            assert!(
                fx.is_zero(),
                "{donor}: a pegged or XOF fund has no exchange difference"
            );
        }
    }
    let unodc = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["donor"] == "UNODC")
        .unwrap();
    assert_eq!(dec(&unodc["exchange_difference"]), Decimal::from(-772_130));
}

#[test]
fn sample_eur_figures_follow_the_peg() {
    let r = sample_json(&[
        "budget",
        "--donor",
        "GOV",
        "--currency",
        "EUR",
        "--format",
        "json",
    ]);
    let salaries = row(&r, "line", "GOV", Some(("line", "1.1")));
    // 72,000,000 XOF / 655.957 = 109,763.2896… → 109,763.29 EUR
    assert_eq!(
        dec(&salaries["approved"]),
        "109763.29".parse::<Decimal>().unwrap()
    );
    let psc = sample_json(&["psc", "--through", "2017-12-31", "--format", "json"]);
    let eu = psc
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["donor"] == "EU")
        .unwrap();
    // 7 % of 14,923,350 = 1,044,634.5 → 1,044,635, already posted in the sample.
    assert_eq!(
        (eu["due"].as_str(), eu["to_post"].as_str()),
        (Some("1044635"), Some("0"))
    );
}
