//! The auditor's toolkit: sealed periods (and, with them, `verify`).

pub mod seal;
