//! Readers: journal text and the project file. Reading reports what the input says
//! and where it cannot be read; it decides no accounting policy.

pub mod journal;
pub mod project;
pub mod rules;
pub mod sheet;
pub mod template;
