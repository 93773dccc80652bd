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
//! - `audit`: sealed periods: seal, tamper, verify, reopen, crash safety.
//! - `reports`: donor workbooks tie out, stay well-formed, match golden statements.

mod support;

mod audit;
mod budget;
mod cli;
mod compat;
mod errors;
mod hostile;
mod import;
mod props;
mod reports;
