//! # fundledger
//!
//! A double-entry fund ledger for donor-funded projects. The books are a plain-text
//! journal that hledger and ledger read the same way; amounts are exact
//! (`rust_decimal`, whole francs for XOF); every transaction balances in total and
//! within each fund (`donor:` tag).
//!
//! Data flow (see README "Trace a command"):
//! `read` (project.toml, journal chunks in parallel) → `finalize` (infer elided amounts)
//! → `check` (basic for reports, full for `fundledger check`) → `report` (pure data)
//! → `render` (table, CSV, JSON, canonical journal).
//!
//! Invariants: `model` does no I/O; `read` decides no policy; `check` never mutates;
//! `render` does no arithmetic.

pub mod audit;
pub mod books;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod diag;
pub mod export;
pub mod finalize;
pub mod fsio;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod model;
pub mod precision;
pub mod read;
pub mod render;
pub mod report;
pub mod source;
pub mod timing;

use cli::{Cli, Command};
pub use cmd::{Outcome, UsageError};

/// Runs one command line.
///
/// # Errors
/// When the command cannot run at all (bad usage, nothing to read, output failure);
/// problems found in the books are an `Ok(Outcome::Problems)`.
pub fn run(cli: &Cli) -> anyhow::Result<Outcome> {
    match &cli.command {
        Command::Check(a) => cmd::check::run(cli, a),
        Command::Balance(a) => cmd::balance::run(cli, a),
        Command::Register(a) => cmd::register::run(cli, a),
        Command::Print(a) => cmd::print::run(cli, a),
        Command::Import(a) => cmd::import::run(cli, a),
        Command::Budget(a) => cmd::budget::run(cli, a),
        Command::Psc(a) => cmd::psc::run(cli, a),
        Command::Funds(a) => cmd::funds::run(cli, a),
        Command::Report(r) => cmd::report::run(cli, r),
        Command::Reconcile(a) => cmd::reconcile::run(cli, a),
        Command::Seal(a) => cmd::seal::run(cli, a),
        Command::Verify(a) => cmd::seal::verify(cli, a),
        Command::Init(a) => cmd::init::run(cli, a),
        Command::Export(a) => cmd::export::run(cli, a),
        Command::Consolidate(a) => cmd::consolidate::run(cli, a),
    }
}
