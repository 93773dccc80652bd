//! The auditor's toolkit: sealed periods (and, with them, `verify`), bank statements
//! read through the import rules and reconciled with the books (`reconcile`, `mark`),
//! and the anomaly report of `check --audit`.

pub mod anomalies;
pub mod mark;
pub mod reconcile;
pub mod seal;
pub mod statement;
