//! `donor-tags`, `line-tags`, `activity-tags`, `donors`, `lines`, `activities`:
//! every income and expense posting names its fund (`donor:`); every expense posting
//! names its budget line (`line:`), and its activity when the line has activities; and
//! with a project file, every donor, line and activity named is declared there.
//!
//! Decision: income postings need a donor but no budget line — receipts fund the
//! donor's whole agreement, not one line.

use rayon::prelude::*;

use super::Context;
use crate::diag::{Code, Diagnostic};
use crate::model::{AccountType, Journal, Posting, Symbol, Transaction};
use crate::source::Location;

/// Per line symbol: declared in the project, and its allowed activity symbols.
struct LineRules {
    known: bool,
    /// The line declares activities: postings must name one of them.
    restricted: bool,
    /// Its activities that occur in the journal (others cannot match any posting).
    activities: Vec<Symbol>,
    /// Its activity codes, for messages.
    codes: Vec<String>,
}

pub(super) fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let j = cx.journal;
    let types = j.account_types();
    // Resolve project declarations to symbols once, so the hot loop compares integers.
    let n = j.symbols.len();
    let mut donor_known = vec![cx.project.is_none(); n];
    let mut activity_known = vec![cx.project.is_none(); n];
    let mut lines: Vec<LineRules> = (0..n)
        .map(|_| LineRules {
            known: cx.project.is_none(),
            restricted: false,
            activities: Vec::new(),
            codes: Vec::new(),
        })
        .collect();
    if let Some(p) = cx.project {
        for d in &p.donors {
            if let Some(s) = j.symbols.get(&d.id) {
                donor_known[s.index()] = true;
            }
        }
        for a in &p.activities {
            if let Some(s) = j.symbols.get(&a.code) {
                activity_known[s.index()] = true;
            }
        }
        for l in &p.lines {
            if let Some(s) = j.symbols.get(&l.code) {
                lines[s.index()] = LineRules {
                    known: true,
                    restricted: !l.activities.is_empty(),
                    activities: l
                        .activities
                        .iter()
                        .filter_map(|a| j.symbols.get(a))
                        .collect(),
                    codes: l.activities.clone(),
                };
            }
        }
    }
    let rules = Rules {
        j,
        types: &types,
        donor_known: &donor_known,
        activity_known: &activity_known,
        lines: &lines,
        has_project: cx.project.is_some(),
    };
    j.transactions
        .par_chunks(8192)
        .flat_map_iter(|transactions| {
            let mut out = Vec::new();
            for t in transactions {
                for p in j.postings_of(t) {
                    rules.posting(t, p, &mut out);
                }
            }
            out
        })
        .collect()
}

struct Rules<'a> {
    j: &'a Journal,
    types: &'a [Option<AccountType>],
    donor_known: &'a [bool],
    activity_known: &'a [bool],
    lines: &'a [LineRules],
    has_project: bool,
}

impl Rules<'_> {
    fn posting(&self, t: &Transaction, p: &Posting, out: &mut Vec<Diagnostic>) {
        let j = self.j;
        let kind = self.types[p.account.index()];
        let at = || Location::Text(j.posting_pos(t, p));
        let account = || j.account_name(p.account);
        let needs_fund = matches!(kind, Some(AccountType::Income | AccountType::Expense));
        match p.dims.donor {
            None if needs_fund => out.push(
                Diagnostic::error(Code::DonorTags, at(), format!("{} posting to {} has no `donor:` tag", kind_word(kind), account()))
                    .with_help("add a line `; donor: ID` under the posting (or under the transaction header for all its postings)"),
            ),
            Some(d) if !self.donor_known[d.index()] => out.push(
                Diagnostic::error(Code::Donors, at(), format!("donor {:?} is not declared in project.toml", j.symbol(d)))
                    .with_help("declare it under [[donors]], or correct the tag"),
            ),
            _ => {}
        }
        if let Some(a) = p.dims.activity
            && !self.activity_known[a.index()]
        {
            out.push(
                Diagnostic::error(
                    Code::Activities,
                    at(),
                    format!("activity {:?} is not declared in project.toml", j.symbol(a)),
                )
                .with_help("declare it under [[activities]], or correct the tag"),
            );
        }
        match p.dims.line {
            None if kind == Some(AccountType::Expense) => out.push(
                Diagnostic::error(
                    Code::LineTags,
                    at(),
                    format!("expense posting to {} has no `line:` tag", account()),
                )
                .with_help("add a line `; line: CODE` naming its budget line"),
            ),
            None => {}
            Some(l) => {
                let rules = &self.lines[l.index()];
                if !rules.known {
                    out.push(
                        Diagnostic::error(
                            Code::Lines,
                            at(),
                            format!(
                                "budget line {:?} is not declared in project.toml",
                                j.symbol(l)
                            ),
                        )
                        .with_help("declare it under [[lines]], or correct the tag"),
                    );
                } else if self.has_project && rules.restricted {
                    match p.dims.activity {
                        Some(a) if rules.activities.contains(&a) => {}
                        Some(a) => out.push(
                            Diagnostic::error(
                                Code::ActivityTags,
                                at(),
                                format!(
                                    "activity {:?} is not one of line {}'s activities",
                                    j.symbol(a),
                                    j.symbol(l)
                                ),
                            )
                            .with_help(format!(
                                "line {} allows: {}",
                                j.symbol(l),
                                self.allowed(l)
                            )),
                        ),
                        None => out.push(
                            Diagnostic::error(
                                Code::ActivityTags,
                                at(),
                                format!("posting on line {} has no `activity:` tag", j.symbol(l)),
                            )
                            .with_help(format!(
                                "line {} allows: {}",
                                j.symbol(l),
                                self.allowed(l)
                            )),
                        ),
                    }
                }
            }
        }
    }

    fn allowed(&self, line: Symbol) -> String {
        self.lines[line.index()].codes.join(", ")
    }
}

fn kind_word(kind: Option<AccountType>) -> &'static str {
    match kind {
        Some(AccountType::Income) => "income",
        _ => "expense",
    }
}
