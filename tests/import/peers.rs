//! hledger and ledger read the journal after an import exactly as fundledger does.

use super::{C, d, fr_rules, french_ledger, import, n, sample_copy, t, write_xlsx};
use crate::compat::{hledger, ledger, ours};
use crate::support::{have, s};

#[test]
fn hledger_and_ledger_agree_after_an_import() {
    let dir = sample_copy();
    let file = dir.path().join("depenses.xlsx");
    write_xlsx(
        &file,
        &[french_ledger(vec![
            vec![
                d(2017, 10, 30),
                t("PV-P1"),
                t("Salle; sono (acompte)"),
                t("3.1"),
                C::Empty,
                t("A1"),
                n(1_000_001.0),
            ],
            vec![
                d(2017, 11, 2),
                t("PV-P2"),
                t("Interprètes"),
                t("3.5"),
                t("NL"),
                t("A1"),
                n(750_000.0),
            ],
            vec![
                d(2017, 11, 3),
                t("PV-P3"),
                t("Remboursement"),
                t("7.1"),
                C::Empty,
                C::Empty,
                n(-13.0),
            ],
        ])],
    );
    let (code, _, err) = import(dir.path(), &file, &fr_rules(), &[]);
    assert_eq!(code, 0, "{err}");
    let j = dir.path().join("books.journal");
    let expected = ours(&["-L", s(dir.path())]);
    if have("hledger") {
        assert_eq!(hledger(&j, &[]), expected);
        for donor in ["EU", "DE", "NL", "UNODC", "GOV"] {
            let q = format!("tag:donor={donor}");
            assert_eq!(
                hledger(&j, &[&q]),
                ours(&["-L", s(dir.path()), "--donor", donor]),
                "{donor}"
            );
        }
        let check = std::process::Command::new("hledger")
            .args(["-f", s(&j), "check"])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    if have("ledger") {
        assert_eq!(ledger(&j, &[]), expected);
        for donor in ["EU", "DE", "NL", "UNODC", "GOV"] {
            let q = format!("%donor={donor}");
            assert_eq!(
                ledger(&j, &[&q]),
                ours(&["-L", s(dir.path()), "--donor", donor]),
                "{donor}"
            );
        }
        let strict = std::process::Command::new("ledger")
            .args(["--pedantic", "-f", s(&j), "bal"])
            .output()
            .unwrap();
        assert!(
            strict.status.success(),
            "{}",
            String::from_utf8_lossy(&strict.stderr)
        );
    }
}
