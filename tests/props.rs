//! Property tests: the invariants that must hold for every input, not just our samples.

use std::path::Path;

use proptest::prelude::*;
use rust_decimal::Decimal;

use fundledger::finalize::infer_elided_amounts;
use fundledger::model::money::{allocate, round_half_up};
use fundledger::model::{Journal, Meta};
use fundledger::precision::Precisions;
use fundledger::read::journal::load_str;
use fundledger::render::journal::write_journal;

// ------------------------------------------------------------------ allocation

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Parts add up exactly to the whole, each is within one unit of its exact share,
    /// and the split is the same every time.
    #[test]
    fn allocation_adds_up_to_the_whole(
        units in -1_000_000_000_000i64..1_000_000_000_000,
        decimals in 0u32..4,
        shares in prop::collection::vec(0u32..10_000, 1..8),
        share_scale in 0u32..3,
    ) {
        prop_assume!(shares.iter().any(|s| *s > 0));
        let total = Decimal::new(units, decimals);
        let shares: Vec<Decimal> = shares.iter().map(|s| Decimal::new(i64::from(*s), share_scale)).collect();
        let parts = allocate(total, &shares, decimals).unwrap();
        prop_assert_eq!(parts.iter().copied().sum::<Decimal>(), total);
        let weight: Decimal = shares.iter().copied().sum();
        let unit = Decimal::new(1, decimals);
        for (part, share) in parts.iter().zip(&shares) {
            let exact = total * *share / weight;
            prop_assert!((*part - exact).abs() < unit, "{} vs exact {}", part, exact);
            prop_assert!(part.normalize().scale() <= decimals);
        }
        prop_assert_eq!(allocate(total, &shares, decimals).unwrap(), parts);
    }

    /// Half-up rounding never moves a value by more than half a unit, and rounds
    /// exact halves away from zero.
    #[test]
    fn half_up_rounding(units in -1_000_000_000i64..1_000_000_000, scale in 0u32..6, to in 0u32..4) {
        let v = Decimal::new(units, scale);
        let r = round_half_up(v, to);
        let half = Decimal::new(5, to + 1);
        prop_assert!((r - v).abs() <= half);
        if (r - v).abs() == half {
            prop_assert!(r.abs() > v.abs());
        }
    }
}

// ---------------------------------------------------------- journal generation

fn account() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "assets:bank:xof",
        "assets:cash",
        "expenses:venue",
        "expenses:per diem",
        "income:grants:eu",
        "équipement:ordinateurs",
        "liabilities:payables",
    ])
}

fn commodity() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["XOF", "EUR", "$", "€", "\"AB 1\"", "USD"])
}

/// A number written the way a journal may write it: plain or with `,` groups.
fn number() -> impl Strategy<Value = String> {
    (0i64..5_000_000_000, 0u32..4, any::<bool>()).prop_map(|(units, scale, grouped)| {
        let d = Decimal::new(units, scale);
        if grouped {
            fundledger::render::amount::group_exact(d)
        } else {
            d.to_string()
        }
    })
}

fn amount_text() -> impl Strategy<Value = String> {
    (any::<bool>(), number(), commodity(), any::<bool>()).prop_map(|(neg, n, c, prefix)| {
        let sign = if neg
            && n.trim_start_matches(['0', '.', ','])
                .chars()
                .any(|c| c != '0')
        {
            "-"
        } else {
            ""
        };
        if prefix {
            format!("{sign}{c} {n}")
        } else {
            format!("{sign}{n} {c}")
        }
    })
}

fn tag_lines() -> impl Strategy<Value = Vec<String>> {
    (
        prop::option::of(prop::sample::select(vec!["EU", "NL", "GOV"])),
        prop::option::of("[0-9]\\.[0-9]{1,2}"),
        prop::option::of(prop::sample::select(vec!["A1", "A2"])),
        prop::collection::vec(("(source|ref|note-id)", "[A-Za-z0-9#!./ -]{0,12}"), 0..2),
        prop::collection::vec("remarque [a-zé ]{0,15}", 0..2),
    )
        .prop_map(|(d, l, a, tags, comments)| {
            let mut v = Vec::new();
            if let Some(d) = d {
                v.push(format!("; donor: {d}"));
            }
            if let Some(l) = l {
                v.push(format!("; line: {l}"));
            }
            if let Some(a) = a {
                v.push(format!("; activity: {a}"));
            }
            for (k, val) in tags {
                v.push(format!("; {k}: {val}"));
            }
            for c in comments {
                v.push(format!("; {c}"));
            }
            v
        })
}

fn posting_text(elided: bool) -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", "* ", "! "]),
        account(),
        amount_text(),
        prop::option::of((any::<bool>(), number(), commodity())),
        prop::option::of(amount_text()),
        tag_lines(),
    )
        .prop_map(move |(status, acct, amt, cost, assertion, tags)| {
            let mut s = format!("    {status}{acct}");
            if !elided {
                s.push_str(&format!("    {amt}"));
                if let Some((total, n, c)) = cost {
                    s.push_str(&format!(" {} {n} {c}", if total { "@@" } else { "@" }));
                }
                if let Some(a) = assertion {
                    s.push_str(&format!(" = {a}"));
                }
            }
            s.push('\n');
            for t in tags {
                s.push_str(&format!("    {t}\n"));
            }
            s
        })
}

fn transaction_text() -> impl Strategy<Value = String> {
    (
        (2015i32..2019, 1u32..13, 1u32..29),
        prop::sample::select(vec!["", "* ", "! "]),
        prop::option::of("[A-Z]{2}-[0-9]{1,5}"),
        "[A-Za-zéèàç0-9,.' -]{0,30}",
        tag_lines(),
        prop::collection::vec(posting_text(false), 1..4),
        prop::option::of(posting_text(true)),
    )
        .prop_map(|((y, m, d), status, code, desc, tags, postings, elided)| {
            let mut s = format!("{y:04}-{m:02}-{d:02} {status}");
            if let Some(c) = code {
                s.push_str(&format!("({c}) "));
            }
            s.push_str(desc.trim());
            s.push('\n');
            for t in tags {
                s.push_str(&format!("    {t}\n"));
            }
            for p in postings {
                s.push_str(&p);
            }
            if let Some(p) = elided {
                s.push_str(&p);
            }
            s
        })
}

fn journal_text() -> impl Strategy<Value = String> {
    prop::collection::vec(transaction_text(), 0..6).prop_map(|ts| {
        let mut s = String::from("decimal-mark .\ncommodity XOF\ncommodity EUR\n    format 1,000.00 EUR\naccount assets:cash  ; type: A\ntag donor\npayee Hôtel Salam\nP 2017-01-01 EUR 655.957 XOF\n\n");
        for t in ts {
            s.push_str(&t);
            s.push('\n');
        }
        s
    })
}

/// Everything about a journal that its text says, as plain data (no ids, no lines).
fn view(j: &Journal) -> Vec<String> {
    let meta = |m: &Meta| match m {
        Meta::Tag { name, value } => format!("tag {}={}", j.symbol(*name), j.str(*value)),
        Meta::Comment(t) => format!("comment {}", j.str(*t)),
    };
    let sym = |s: Option<fundledger::model::Symbol>| {
        s.map_or("-".to_string(), |s| j.symbol(s).to_string())
    };
    let amount =
        |a: fundledger::model::Amount| format!("{} {}", a.quantity, j.commodity_name(a.commodity));
    let mut v = Vec::new();
    for a in &j.directives.accounts {
        v.push(format!(
            "account {} {:?}",
            j.account_name(a.account),
            a.type_tag
        ));
    }
    for c in &j.directives.commodities {
        v.push(format!(
            "commodity {} {:?}",
            j.commodity_name(c.commodity),
            c.precision
        ));
    }
    for t in &j.directives.tags {
        v.push(format!("tag {}", t.name));
    }
    for p in &j.directives.payees {
        v.push(format!("payee {}", p.name));
    }
    for p in &j.directives.prices {
        v.push(format!(
            "P {} {} {}",
            p.date,
            j.commodity_name(p.commodity),
            amount(p.price)
        ));
    }
    for t in &j.transactions {
        v.push(format!(
            "txn {} {:?} {:?} code={} desc={} dims={}/{}/{}",
            t.date,
            t.date2,
            t.status,
            j.str(t.code),
            j.str(t.description),
            sym(t.dims.donor),
            sym(t.dims.line),
            sym(t.dims.activity)
        ));
        v.extend(j.metas(t.meta).iter().map(|m| format!("  {}", meta(m))));
        for p in j.postings_of(t) {
            let e = j.extra(p);
            v.push(format!(
                "  posting {:?} {} {} elided={} cost={:?} assert={:?} dims={}/{}/{} own={}",
                p.status,
                j.account_name(p.account),
                amount(p.amount),
                p.elided,
                e.cost.map(|c| format!("{:?} {}", c.kind, amount(c.amount))),
                e.assertion.map(amount),
                sym(p.dims.donor),
                sym(p.dims.line),
                sym(p.dims.activity),
                p.own_dims
            ));
            v.extend(j.metas(p.meta).iter().map(|m| format!("    {}", meta(m))));
        }
    }
    v
}

fn print(j: &Journal) -> String {
    let mut out = Vec::new();
    write_journal(j, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn finalized(text: &str) -> (Journal, Precisions, Vec<fundledger::diag::Diagnostic>) {
    let loaded = load_str(text, Path::new("prop.journal"));
    let mut j = loaded.journal;
    let p = Precisions::new(&j, None);
    let mut diags = loaded.diagnostics;
    diags.extend(infer_elided_amounts(&mut j, &p));
    (j, p, diags)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// parse(print(x)) == x, and printing is stable: print(parse(print(x))) == print(x).
    #[test]
    fn printing_round_trips(text in journal_text()) {
        let (x, _, diags) = finalized(&text);
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error() && d.code != fundledger::diag::Code::Infer).collect();
        prop_assert!(errors.is_empty(), "generated journal did not parse: {:?}\n{}", errors, text);
        let printed = print(&x);
        let (y, _, _) = finalized(&printed);
        prop_assert_eq!(view(&x), view(&y), "printed:\n{}", printed);
        prop_assert_eq!(print(&y), printed);
    }

    /// After inference, every transaction whose amounts could be inferred balances to
    /// zero in each commodity once costs are applied, unless `balanced` says otherwise.
    #[test]
    fn inferred_amounts_balance_their_transaction(text in journal_text()) {
        let (j, p, diags) = finalized(&text);
        let infer_failed: std::collections::HashSet<u32> = diags
            .iter()
            .filter_map(|d| d.text_pos())
            .map(|pos| pos.line)
            .collect();
        for t in &j.transactions {
            let postings = j.postings_of(t);
            if !postings.iter().any(|q| q.elided) || postings.iter().any(|q| infer_failed.contains(&q.line)) {
                continue;
            }
            let mut sums: Vec<fundledger::model::Amount> = Vec::new();
            let weights: Option<Vec<_>> = postings.iter().map(|q| j.weight(q, |c| p.of(c))).collect();
            let Some(weights) = weights else { continue };
            for w in weights {
                fundledger::finalize::add(&mut sums, w);
            }
            prop_assert!(sums.iter().all(|a| a.quantity.is_zero()), "{:?}", sums);
        }
    }
}

// ------------------------------------------------------------ never panicking

/// Runs everything a command would on `text` (the fuzz targets' entry point).
fn exercise(text: &str) {
    fundledger::fuzzing::journal(text.as_bytes());
}

/// Every input a fuzzer ever crashed on stays fixed: `tests/data/fuzz-regressions/TARGET/*`.
#[test]
fn fuzz_regressions_stay_fixed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-regressions");
    let Ok(targets) = std::fs::read_dir(&root) else {
        return;
    };
    for target in targets.flatten() {
        let name = target.file_name().to_string_lossy().into_owned();
        for case in std::fs::read_dir(target.path()).unwrap().flatten() {
            let data = std::fs::read(case.path()).unwrap();
            match name.as_str() {
                "journal" => fundledger::fuzzing::journal(&data),
                "project" => fundledger::fuzzing::project(&data),
                "rules" => fundledger::fuzzing::rules(&data),
                "spreadsheet" => fundledger::fuzzing::spreadsheet(&data),
                other => panic!("no fuzz target {other} for {}", case.path().display()),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary bytes never make the reader, the checks or the reports panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    /// Nor do random edits of a valid journal, which reach deeper into the grammar.
    #[test]
    fn mutated_journals_never_panic(
        text in journal_text(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec!["", " ", "  ", "\n", ";", "=", "@", "@@", "-", ",", ".", "(", ")", "9", "\t", "comment\n", "include x\n", "é", "\"", "2017-02-30"])), 1..8),
    ) {
        let mut t = text.into_bytes();
        for (at, insert) in edits {
            if t.is_empty() { break; }
            let i = at.index(t.len());
            t.splice(i..(i + 1).min(t.len()), insert.bytes());
        }
        exercise(&String::from_utf8_lossy(&t));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary bytes as a workbook or CSV never make the import path panic.
    #[test]
    fn arbitrary_spreadsheets_never_panic(kind in 0u8..4, bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let mut data = vec![kind];
        data.extend(bytes);
        fundledger::fuzzing::spreadsheet(&data);
    }

    /// Nor do random edits of a real workbook (a zip of XML parts).
    #[test]
    fn mutated_workbooks_never_panic(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16)) {
        let mut data = vec![0u8];
        data.extend(std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ledgers/mali-ctip-2017/sources/depenses-atelier-2017.xlsx")).unwrap());
        for (at, byte) in edits {
            let i = 1 + at.index(data.len() - 1);
            data[i] = byte;
        }
        fundledger::fuzzing::spreadsheet(&data);
    }

    /// Arbitrary text as an import rules file never panics.
    #[test]
    fn arbitrary_rules_never_panic(text in "\\PC{0,400}") {
        fundledger::fuzzing::rules(text.as_bytes());
    }
}
