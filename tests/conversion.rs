//! One donor's spending in its currency is the same figure, to the cent, in the donor
//! report, `budget --currency` (period, to date and the ceiling note) and `funds`: each
//! report converts every posting on its own, at its date, by the agreement's rule.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{run, s, sample};

/// The sample's donors with a currency other than the franc, and where each one's
/// agreement starts (Germany's in March, after January's bank commissions).
const DONORS: [(&str, &str, &str); 4] = [
    ("EU", "EUR", "2017-01-01"),
    ("DE", "EUR", "2017-03-01"),
    ("NL", "EUR", "2017-01-01"),
    ("UNODC", "USD", "2017-01-01"),
];

/// The whole of 2017, and its last quarter.
const PERIODS: [(&str, &str); 2] = [("2017-01-01", "2017-12-31"), ("2017-10-01", "2017-12-31")];

fn sample_json(args: &[&str]) -> Value {
    let dir = sample();
    let mut all = vec!["-L", s(&dir)];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}\n{out}"))
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
}

/// The donor report's total row: spending in the period and to date, in the donor's currency.
fn report_totals(donor: &str, from: &str, to: &str) -> (Decimal, Decimal) {
    let r = sample_json(&[
        "report", "donor", donor, "--from", from, "--to", to, "--format", "json",
    ]);
    let total = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["kind"] == "total")
        .unwrap_or_else(|| panic!("no total row in {r:#}"));
    // The transactions sheet adds up to the statement's total for the period.
    assert_eq!(
        dec(&r["transactions_total"]),
        dec(&total["period"]),
        "{donor}"
    );
    (dec(&total["period"]), dec(&total["to_date"]))
}

/// `budget --currency`: the donor row's spending in the period and to date, and what
/// the ceiling note says the agreement is charged.
fn budget_totals(donor: &str, currency: &str, from: &str, to: &str) -> (Decimal, Decimal, Decimal) {
    let r = sample_json(&[
        "budget",
        "--donor",
        donor,
        "--from",
        from,
        "--to",
        to,
        "--currency",
        currency,
        "--format",
        "json",
    ]);
    let row = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["kind"] == "donor" && row["donor"] == donor)
        .unwrap_or_else(|| panic!("no donor row for {donor} in {r:#}"));
    let ceilings: Vec<&Value> = r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["data"]["note"] == "ceiling" && n["data"]["donor"] == donor)
        .collect();
    assert_eq!(ceilings.len(), 1, "{donor}: {r:#}");
    assert_eq!(ceilings[0]["data"]["currency"], currency, "{donor}");
    (
        dec(&row["spent_period"]),
        dec(&row["spent_to_date"]),
        dec(&ceilings[0]["data"]["charged"]),
    )
}

/// `funds --from --to`: the donor's spending in the period, in its currency.
fn funds_spent(donor: &str, currency: &str, from: &str, to: &str) -> Decimal {
    let rows = sample_json(&["funds", "--from", from, "--to", to, "--format", "json"]);
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["donor"] == donor)
        .unwrap_or_else(|| panic!("no fund row for {donor} in {rows:#}"));
    assert_eq!(row["currency"], currency, "{donor}");
    dec(&row["spent_donor_currency"])
}

#[test]
fn donor_report_budget_and_funds_convert_spending_to_the_same_cent() {
    for (donor, currency, _) in DONORS {
        for (from, to) in PERIODS {
            let (period, to_date) = report_totals(donor, from, to);
            let (budget_period, budget_to_date, _) = budget_totals(donor, currency, from, to);
            let funds = funds_spent(donor, currency, from, to);
            let what = format!("{donor} {from} → {to} in {currency}");
            assert_eq!(budget_period, period, "budget, period, {what}");
            assert_eq!(budget_to_date, to_date, "budget, to date, {what}");
            assert_eq!(funds, period, "funds, {what}");
        }
    }
}

#[test]
fn the_ceiling_is_charged_what_the_donor_report_shows_since_the_agreement_began() {
    // The ceiling counts the spending of the agreement's months: Germany's January and
    // February bank commissions are outside it, and outside the report from March.
    for (donor, currency, start) in DONORS {
        for (from, to) in PERIODS {
            let (_, _, charged) = budget_totals(donor, currency, from, to);
            let (since_start, _) = report_totals(donor, start, to);
            assert_eq!(
                charged, since_start,
                "{donor} {from} → {to}: charged to the agreement"
            );
        }
    }
}
