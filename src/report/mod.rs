//! Reports: from the books and a spec to report data. No printing here; `render`
//! turns report data into tables, CSV or JSON.

pub mod balance;
pub mod budget;
pub mod donor;
pub mod filter;
pub mod frame;
pub mod funds;
pub mod imported;
pub mod ledger;
pub mod psc;
pub mod rates;
pub mod register;
pub mod trail;
