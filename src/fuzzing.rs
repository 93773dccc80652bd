//! Entry points for the fuzz targets (`fuzz/`) and the never-panic property tests:
//! each runs everything a command would do on arbitrary input and ignores the result.
//! Reaching the end without a panic is the whole contract.

use std::path::Path;

use crate::check::{self, Context};
use crate::finalize::infer_elided_amounts;
use crate::precision::Precisions;
use crate::read::journal::load_str;
use crate::read::project::parse_project;
use crate::render::journal::write_journal;
use crate::report::balance::{BalanceSpec, balance};
use crate::report::register::register;
use crate::source::FileId;

/// Journal bytes → read → infer → every check → balance, register → canonical print.
pub fn journal(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let loaded = load_str(&text, Path::new("fuzz.journal"));
    let mut j = loaded.journal;
    let p = Precisions::new(&j, None);
    let _ = infer_elided_amounts(&mut j, &p);
    let cx = Context {
        journal: &j,
        project: None,
        precisions: &p,
        strict: true,
        seals: None,
    };
    let _ = check::run(check::BASIC, &cx);
    let _ = check::run(check::FULL, &cx);
    let _ = balance(
        &j,
        &BalanceSpec {
            by: vec![
                crate::model::Dimension::Donor,
                crate::model::Dimension::Line,
            ],
            ..BalanceSpec::default()
        },
    );
    let _ = register(&j, &Default::default());
    let mut out = Vec::new();
    let _ = write_journal(&j, &mut out);
}

/// project.toml bytes → the validated project.
pub fn project(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_project(text, FileId(0));
    }
}

/// Import rules bytes → the validated rules.
pub fn rules(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::read::rules::parse_rules(text, Path::new("fuzz.toml"), FileId(0));
    }
}

/// A small project and the French expenditure rules, for the spreadsheet target.
const PROJECT: &str = "[project]\ncode = \"F\"\nname_fr = \"Fuzz\"\ncurrency = \"XOF\"\nstart = 2017-01-01\nend = 2017-12-31\n\n[[donors]]\nid = \"EU\"\nname_fr = \"UE\"\ncurrency = \"EUR\"\n\n[[activities]]\ncode = \"A1\"\nname_fr = \"Atelier\"\n\n[[lines]]\ncode = \"3.3\"\nname_fr = \"Per diem\"\namount = 1000000\nshares = { EU = 100 }\n";
const RULES: &str = include_str!("../templates/import/depenses-fr.toml");
const JOURNAL: &str = "decimal-mark .\naccount assets:bank:bdm-xof\naccount assets:cash:caisse\naccount expenses:63-services-exterieurs:6384-missions\n";

/// Spreadsheet bytes (the first byte picks xlsx, ods, xls, csv or xlsb) → workbook → rows →
/// planned transactions, as `import --dry-run` would, with the default limits.
pub fn spreadsheet(data: &[u8]) {
    let Some((kind, bytes)) = data.split_first() else {
        return;
    };
    let ext = ["xlsx", "ods", "xls", "csv", "xlsb"][usize::from(*kind) % 5];
    let Ok(project) = parse_project(PROJECT, FileId(1)) else {
        return;
    };
    let loaded = load_str(JOURNAL, Path::new("fuzz.journal"));
    let Ok(rules) = crate::read::rules::parse_rules(RULES, Path::new("rules.toml"), FileId(2))
    else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(format!("fuzz.{ext}"));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let request = crate::import::Request {
        path: &path,
        sheet: None,
        source: format!("sources/fuzz.{ext}"),
        keep_rejected: true,
        limits: crate::read::sheet::Limits::default(),
        journal_has_decimal_mark: true,
        progress: &|_, _| {},
    };
    let _ = crate::import::plan(&project, &loaded.journal, &rules, FileId(3), &request);
}
