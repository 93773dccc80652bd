//! hledger and ledger read our journals as we do: same per-account, per-commodity
//! totals. Runs whenever the tools are installed (CI installs them and sets
//! FUNDLEDGER_REQUIRE_PEERS=1 so they cannot be skipped there).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use rust_decimal::Decimal;

use crate::support::{have, run, s, sample};

type Totals = BTreeMap<(String, String), Decimal>;

/// `12,345.50 EUR` / `-1250 XOF` → (commodity, quantity).
fn amount(text: &str) -> Option<(String, Decimal)> {
    let text = text.trim();
    if text.is_empty() || text == "0" {
        return None;
    }
    let (num, commodity) = text.rsplit_once(' ')?;
    let q: Decimal = num.replace(',', "").parse().ok()?;
    Some((commodity.trim().to_string(), q))
}

fn insert(t: &mut Totals, account: &str, amount: Option<(String, Decimal)>) {
    if let Some((c, q)) = amount
        && !q.is_zero()
    {
        *t.entry((account.to_string(), c)).or_default() += q;
    }
}

pub(crate) fn ours(args: &[&str]) -> Totals {
    // Global options first, then the command, then its own options.
    let split = args
        .iter()
        .position(|a| a.starts_with("--"))
        .unwrap_or(args.len());
    let mut full = args[..split].to_vec();
    full.extend(["balance", "--flat", "--format", "csv"]);
    full.extend(&args[split..]);
    let (code, out, err) = run(&full);
    assert_eq!(code, 0, "{err}");
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let mut t = Totals::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let q: Decimal = rec[2].parse().unwrap();
        insert(&mut t, &rec[0], Some((rec[1].to_string(), q)));
    }
    t
}

pub(crate) fn hledger(journal: &Path, query: &[&str]) -> Totals {
    let out = Command::new("hledger")
        .args(["-f", s(journal), "bal", "--flat", "-O", "csv"])
        .args(query)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rdr = csv::Reader::from_reader(&out.stdout[..]);
    let mut t = Totals::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if &rec[0] == "total" {
            continue;
        }
        for part in rec[1].split(", ") {
            insert(&mut t, &rec[0], amount(part));
        }
    }
    t
}

pub(crate) fn ledger(journal: &Path, query: &[&str]) -> Totals {
    let out = Command::new("ledger")
        .args(["-f", s(journal), "bal", "--flat", "--no-total"])
        .args(["--balance-format", "%(account)\t%(scrub(display_total))\n"])
        .args(query)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut t = Totals::new();
    let mut account = String::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        match line.split_once('\t') {
            Some((a, amt)) => {
                account = a.to_string();
                insert(&mut t, &account, amount(amt));
            }
            None => insert(&mut t, &account, amount(line)),
        }
    }
    t
}

#[test]
fn hledger_reads_the_sample_journal_as_we_do() {
    if !have("hledger") {
        return;
    }
    let j = sample().join("books.journal");
    let expected = ours(&["-L", s(&sample())]);
    assert!(expected.len() > 20);
    assert_eq!(hledger(&j, &[]), expected);
    for donor in ["EU", "DE", "NL", "UNODC", "GOV"] {
        let q = format!("tag:donor={donor}");
        assert_eq!(
            hledger(&j, &[&q]),
            ours(&["-L", s(&sample()), "--donor", donor]),
            "donor {donor}"
        );
    }
}

#[test]
fn ledger_reads_the_sample_journal_as_we_do() {
    if !have("ledger") {
        return;
    }
    let j = sample().join("books.journal");
    assert_eq!(ledger(&j, &[]), ours(&["-L", s(&sample())]));
    for donor in ["EU", "DE", "NL", "UNODC", "GOV"] {
        let q = format!("%donor={donor}");
        assert_eq!(
            ledger(&j, &[&q]),
            ours(&["-L", s(&sample()), "--donor", donor]),
            "donor {donor}"
        );
    }
}

#[test]
fn our_canonical_print_is_read_alike_by_both_tools() {
    if !have("hledger") || !have("ledger") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let printed = dir.path().join("printed.journal");
    let (code, _, err) = run(&["-L", s(&sample()), "print", "-o", s(&printed)]);
    assert_eq!(code, 0, "{err}");
    let expected = ours(&["-L", s(&sample())]);
    assert_eq!(ours(&["-f", s(&printed)]), expected);
    assert_eq!(hledger(&printed, &[]), expected);
    assert_eq!(ledger(&printed, &[]), expected);
    let strict = Command::new("ledger")
        .args(["--pedantic", "-f", s(&printed), "bal"])
        .output()
        .unwrap();
    assert!(
        strict.status.success(),
        "{}",
        String::from_utf8_lossy(&strict.stderr)
    );
}
