//! What every row is checked against, resolved once per import: the project's lines,
//! donors and activities by the names a spreadsheet may use; the accounts the rules
//! name, checked against the journal's declarations; the commodity and its precision.

use std::sync::Mutex;

use rustc_hash::FxHashMap;

use crate::diag::{Code, Diagnostic};
use crate::model::money::iso_precision;
use crate::model::{AccountType, Journal, Project};
use crate::read::rules::{Located, Rules};
use crate::read::sheet::Region;
use crate::read::sheet::fold::fold;
use crate::source::{CellPos, FileId, Location};

/// An account a row can be booked to, or why it cannot.
pub type AccountChoice = Result<u32, String>;

/// Lookup tables for one import.
#[derive(Debug)]
pub struct Context<'a> {
    pub project: &'a Project,
    pub rules: &'a Rules,
    /// The spreadsheet's id in the source map, and the sheet read.
    pub file: FileId,
    pub sheet: String,
    /// Whether serial dates count from 1904.
    pub is_1904: bool,
    /// Merged regions of the sheet.
    pub merged: Vec<Region>,
    /// Commodity of the amounts and its number of decimals.
    pub commodity: String,
    pub precision: u32,
    lines: FxHashMap<String, u16>,
    donors: FxHashMap<String, u8>,
    activities: FxHashMap<String, u16>,
    /// The journal's declared accounts; planned rows refer to them by index.
    pub accounts: Vec<String>,
    account_ids: FxHashMap<String, u32>,
    expense_by_line: Vec<AccountChoice>,
    payment_default: AccountChoice,
    payment_modes: Vec<(String, AccountChoice)>,
    declared_expenses: Vec<String>,
    /// Account cells already resolved (rows are read on several threads).
    account_column: Mutex<FxHashMap<String, AccountChoice>>,
}

impl<'a> Context<'a> {
    /// Builds the tables.
    ///
    /// # Errors
    /// Rules that contradict the project (an alias for an undeclared donor, a commodity
    /// without a known precision), located in the rules file.
    pub fn new(
        project: &'a Project,
        journal: &Journal,
        rules: &'a Rules,
        file: FileId,
    ) -> Result<Context<'a>, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let commodity = rules
            .commodity
            .as_ref()
            .map_or_else(|| project.currency.clone(), |c| c.value.clone());
        let precision = project
            .precision(&commodity)
            .or_else(|| iso_precision(&commodity));
        if precision.is_none() {
            errors.push(Diagnostic::error(
                Code::Import,
                rules
                    .commodity
                    .as_ref()
                    .map_or(Location::File(rules.file), |c| rules.location(&c.span)),
                format!("commodity {commodity} has no known precision: declare it under [commodities.{commodity}] in project.toml"),
            ));
        }
        let mut lines = FxHashMap::default();
        for (i, l) in project.lines.iter().enumerate() {
            let i = u16::try_from(i).unwrap_or(u16::MAX);
            lines.entry(fold(&l.code)).or_insert(i);
            lines.insert(l.code.clone(), i);
        }
        let mut donors = FxHashMap::default();
        for (i, d) in project.donors.iter().enumerate() {
            let i = u8::try_from(i).unwrap_or(u8::MAX);
            for name in [Some(&d.name_fr), d.name_en.as_ref()].into_iter().flatten() {
                donors.entry(fold(name)).or_insert(i);
            }
            donors.insert(fold(&d.id), i);
            donors.insert(d.id.clone(), i);
        }
        for (alias, id) in &rules.donor_aliases {
            match project.donors.iter().position(|d| d.id == id.value) {
                Some(i) => {
                    donors.insert(alias.clone(), u8::try_from(i).unwrap_or(u8::MAX));
                }
                None => errors.push(
                    Diagnostic::error(
                        Code::Import,
                        rules.location(&id.span),
                        format!(
                            "donor alias points to {:?}, which project.toml does not declare",
                            id.value
                        ),
                    )
                    .with_help(format!("the project's donors are {}", donor_ids(project))),
                ),
            }
        }
        let mut activities = FxHashMap::default();
        for (i, a) in project.activities.iter().enumerate() {
            let i = u16::try_from(i).unwrap_or(u16::MAX);
            activities.entry(fold(&a.code)).or_insert(i);
            activities.insert(a.code.clone(), i);
        }
        let types = journal.account_types();
        let accounts: Vec<String> = journal
            .directives
            .accounts
            .iter()
            .map(|a| journal.account_name(a.account).to_string())
            .collect();
        let account_ids = accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let declared_expenses = journal
            .directives
            .accounts
            .iter()
            .filter(|a| {
                types.get(a.account.index()).copied().flatten() == Some(AccountType::Expense)
            })
            .map(|a| journal.account_name(a.account).to_string())
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut cx = Context {
            project,
            rules,
            file,
            sheet: String::new(),
            is_1904: false,
            merged: Vec::new(),
            commodity,
            precision: precision.unwrap_or(0),
            lines,
            donors,
            activities,
            accounts,
            account_ids,
            expense_by_line: Vec::new(),
            payment_default: Err(String::new()),
            payment_modes: Vec::new(),
            declared_expenses,
            account_column: Mutex::new(FxHashMap::default()),
        };
        cx.payment_default = cx.rules_account(&rules.payment_account, "payment_account");
        cx.expense_by_line = project
            .lines
            .iter()
            .map(|l| match rules.expense_account_for(&l.code) {
                Some(a) => cx.rules_account(a, "the expense account"),
                None => Err(format!(
                    "the rules give no expense account for budget line {}; add `\"{}\" = \"expenses:…\"` under [expense_accounts] in {}",
                    l.code,
                    l.code,
                    rules.path.display()
                )),
            })
            .collect();
        cx.payment_modes = rules
            .payment_modes
            .iter()
            .map(|(mode, a)| {
                (
                    mode.clone(),
                    cx.rules_account(a, "the payment mode's account"),
                )
            })
            .collect();
        Ok(cx)
    }

    /// An account named in the rules file, which the journal must declare.
    fn rules_account(&self, account: &Located<String>, what: &str) -> AccountChoice {
        if let Some(i) = self.account_ids.get(&account.value) {
            Ok(*i)
        } else {
            let line = match self.rules.location(&account.span) {
                Location::Text(p) => p.line + 1,
                _ => 0,
            };
            Err(format!(
                "{what} {} ({}, line {line}) is not declared in the journal; add `account {}` to it, or correct the rules",
                account.value,
                self.rules.path.display(),
                account.value
            ))
        }
    }

    /// The place of a cell of the sheet.
    pub fn cell(&self, row: u32, col: u32) -> Location {
        Location::Cell(CellPos {
            file: self.file,
            sheet: self.sheet.clone(),
            row,
            col,
        })
    }

    /// The budget line with this code (exact, else ignoring case and accents).
    pub fn line(&self, code: &str) -> Option<u16> {
        self.lines
            .get(code)
            .or_else(|| self.lines.get(&fold(code)))
            .copied()
    }

    /// The donor a cell names: its id, its French or English name, or a rules alias.
    pub fn donor(&self, text: &str) -> Option<u8> {
        self.donors
            .get(text)
            .or_else(|| self.donors.get(&fold(text)))
            .copied()
    }

    /// The activity with this code (exact, else ignoring case and accents).
    pub fn activity(&self, code: &str) -> Option<u16> {
        self.activities
            .get(code)
            .or_else(|| self.activities.get(&fold(code)))
            .copied()
    }

    /// True when a donor cell means "split over the line's funding shares".
    pub fn is_shared_donor(&self, text: &str) -> bool {
        let f = fold(text);
        f.is_empty() || self.rules.shared_donor_values.contains(&f)
    }

    /// The expense account for budget line `line` from the rules.
    pub fn expense_for_line(&self, line: u16) -> &AccountChoice {
        &self.expense_by_line[usize::from(line)]
    }

    /// The default payment account.
    pub fn payment_default(&self) -> &AccountChoice {
        &self.payment_default
    }

    /// The account of a payment-mode cell value, if the rules know the mode.
    pub fn payment_mode(&self, text: &str) -> Option<&AccountChoice> {
        let f = fold(text);
        self.payment_modes
            .iter()
            .find(|(m, _)| *m == f)
            .map(|(_, a)| a)
    }

    /// The payment modes the rules know, for messages.
    pub fn payment_mode_names(&self) -> String {
        self.rules
            .payment_modes
            .iter()
            .map(|(m, _)| m.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The expense account an account cell names: a declared account's full name, or
    /// an account number that starts exactly one declared expense account's segment
    /// (`6222` → `expenses:62-services-exterieurs:6222-locations`).
    pub fn expense_from_cell(&self, text: &str) -> AccountChoice {
        let cached = self
            .account_column
            .lock()
            .ok()
            .and_then(|cache| cache.get(text).cloned());
        if let Some(hit) = cached {
            return hit;
        }
        let choice = self.resolve_account_cell(text);
        if let Ok(mut cache) = self.account_column.lock() {
            cache.insert(text.to_string(), choice.clone());
        }
        choice
    }

    fn resolve_account_cell(&self, text: &str) -> AccountChoice {
        if let Some(i) = self.account_ids.get(text) {
            return if self.declared_expenses.iter().any(|a| a == text) {
                Ok(*i)
            } else {
                Err(format!("account {text} is not an expense account"))
            };
        }
        let code = text.trim().to_lowercase();
        let matches: Vec<String> = self
            .declared_expenses
            .iter()
            .filter(|a| {
                a.split(':').any(|seg| {
                    let seg = seg.to_lowercase();
                    seg == code || seg.strip_prefix(&code).is_some_and(|r| r.starts_with('-'))
                })
            })
            .cloned()
            .collect();
        match matches.as_slice() {
            [one] => self
                .account_ids
                .get(one)
                .copied()
                .ok_or_else(|| format!("account {one} is not declared")),
            [] => Err(format!(
                "no declared expense account is named {text:?} or numbered {code}"
            )),
            many => Err(format!(
                "{text:?} matches several expense accounts ({}); write the full account name",
                many.join(", ")
            )),
        }
    }

    /// The project's budget line codes, for messages.
    pub fn line_codes(&self) -> String {
        list(self.project.lines.iter().map(|l| l.code.as_str()))
    }
}

/// The project's donor ids, for messages.
pub fn donor_ids(project: &Project) -> String {
    list(project.donors.iter().map(|d| d.id.as_str()))
}

/// At most 12 items joined with `, `, then `…`.
pub fn list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    let v: Vec<&str> = items.collect();
    if v.len() > 12 {
        format!("{}, …", v[..12].join(", "))
    } else {
        v.join(", ")
    }
}
