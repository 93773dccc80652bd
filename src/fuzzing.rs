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
