//! The single integration test binary (one link instead of many).
//!
//! Table of contents:
//! - `support`: helpers to run the binary and make temporary ledgers.
//! - `cli`: the commands end to end on the sample ledger.
//! - `compat`: hledger and ledger read the sample journal as we do.
//! - `props`: property tests (round trips, allocation, never panicking).
//! - `errors`: the catalogue of bad inputs in `tests/data/bad/`.
//! - `budget`: agreements, budget vs actual, PSC and fund balances.
//! - `hostile`: hostile input within bounded time, interrupted writes (init).
//! - `injection`: no writer lets imported or journal text become a spreadsheet formula.
//! - `audit`: sealed periods: seal, tamper, verify, reopen, crash safety.
//! - `reports`: donor workbooks tie out, stay well-formed, match golden statements.
//! - `export`: exports read back by hledger, ledger, beancount, polars, xmllint; consolidation.
//! - `ledger`: trial balance and general ledger (table, CSV, JSON, XLSX), `register --source`.
//! - `reconcile`: bank reconciliation, every matching rule, `--mark` all or nothing.
//! - `anomalies`: `check --audit` on the sample and on its clean copy.

mod support;

mod anomalies;
mod audit;
mod budget;
mod cli;
mod compat;
mod conversion;
mod errors;
mod export;
mod hostile;
mod import;
mod injection;
mod journal_edges;
mod ledger;
mod props;
mod reconcile;
mod report_edges;
mod reports;
