//! The audit trail of a posting: where it came from. An imported row carries its
//! spreadsheet cell in a `source:` tag (`sources/<digest>.xlsx#Dépenses!A8`); any
//! posting has its place in the journal (`books.journal:2419`).

use crate::model::{Journal, Meta, Posting, Symbol, Transaction};

/// Looks up sources and places in one journal.
#[derive(Debug)]
pub struct Trail<'j> {
    journal: &'j Journal,
    source_tag: Option<Symbol>,
    /// Each source file's name (not its directory), by file id.
    names: Vec<String>,
}

impl<'j> Trail<'j> {
    /// The trail of `journal`.
    pub fn new(journal: &'j Journal) -> Trail<'j> {
        let names = journal
            .sources
            .paths()
            .iter()
            .map(|p| {
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect();
        Trail {
            journal,
            source_tag: journal.symbols.get("source"),
            names,
        }
    }

    /// The `source:` tag of the posting, else of its transaction.
    pub fn source(&self, t: &Transaction, p: &Posting) -> Option<&'j str> {
        let tag = self.source_tag?;
        let j = self.journal;
        j.metas(p.meta)
            .iter()
            .chain(j.metas(t.meta))
            .find_map(|m| match m {
                Meta::Tag { name, value } if *name == tag => Some(j.str(*value)),
                _ => None,
            })
    }

    /// The `source:` tag of a transaction (on its header or any of its postings).
    pub fn transaction_source(&self, t: &Transaction) -> Option<&'j str> {
        let tag = self.source_tag?;
        let j = self.journal;
        std::iter::once(t.meta)
            .chain(j.postings_of(t).iter().map(|p| p.meta))
            .flat_map(|r| j.metas(r).iter())
            .find_map(|m| match m {
                Meta::Tag { name, value } if *name == tag => Some(j.str(*value)),
                _ => None,
            })
    }

    /// The posting's source tag, else its place in the journal (`books.journal:2419`).
    pub fn reference(&self, t: &Transaction, p: &Posting) -> String {
        self.source(t, p)
            .map_or_else(|| self.line_place(t, p.line), str::to_string)
    }

    /// `file:line` (1-based) of the transaction's header.
    pub fn place(&self, t: &Transaction) -> String {
        self.line_place(t, t.line)
    }

    /// `file:line` (1-based) of a posting.
    pub fn posting_place(&self, t: &Transaction, p: &Posting) -> String {
        self.line_place(t, p.line)
    }

    fn line_place(&self, t: &Transaction, line: u32) -> String {
        let name = self
            .names
            .get(t.file.0 as usize)
            .map_or("?", String::as_str);
        format!("{name}:{}", u64::from(line) + 1)
    }
}
