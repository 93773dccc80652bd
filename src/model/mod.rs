//! Pure types of the books: amounts, postings, transactions, the journal, the project,
//! and money arithmetic. Nothing here does I/O or knows about spreadsheets or polars.

pub mod intern;
pub mod journal;
pub mod money;
pub mod project;

pub use intern::{Interner, Symbol, TextArena, TextRef};
pub use journal::*;
pub use project::Project;
