//! Beancount v3 export: a file `bean-check` accepts, with the same balances as ours.
//!
//! - **Accounts** follow beancount's rules: the root is `Assets`, `Liabilities`,
//!   `Equity`, `Income` or `Expenses` from the account's class (`type:` tag or top-level
//!   name; the top-level word is replaced when it names the class, e.g. `assets:bank` →
//!   `Assets:Bank`, `actif:banque` → `Assets:Banque`; an account of no known class goes
//!   under `Equity`); each component is transliterated to ASCII (`é` → `e`), characters
//!   beancount refuses become `-`, and its first letter is capitalised
//!   (`62-services-exterieurs` stays, `bdm-xof` → `Bdm-xof`). Two accounts that would
//!   get the same name are told apart with `-2`, `-3`… Each `open` directive (dated at
//!   the account's first use) keeps the original name as `original:` metadata.
//! - **Commodities**: capitals, digits and `'._-` (`XOF` stays); `commodity` directives
//!   with the project's names; `P` directives become `price` directives.
//! - **Tags and dimensions** become metadata (`donor: "EU"`) where they were written
//!   (transaction or posting); the voucher is `voucher:` metadata; comments stay comments.
//! - **Costs** are prices: `@` unit and `@@` total, as written. Because XOF has no
//!   decimals, a unit price can leave up to half a franc that our books round
//!   (hledger does the same); `option "inferred_tolerance_default"` says so for each
//!   commodity without decimals.
//! - **Balance assertions** (`= AMOUNT`, checked after the posting in hledger) become
//!   `balance` directives dated the day after (beancount checks the start of a day,
//!   including sub-accounts). An assertion that does not hold at the end of its day in
//!   that sense is kept as a comment, not as a directive that would fail.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Selection;
use crate::books::Books;
use crate::model::{AccountId, AccountType, CommodityId, CostKind, Journal, Meta, MetaRange};
use crate::render::amount::plain;

/// Writes the selected part of `books` as a beancount v3 file.
///
/// # Errors
/// When `out` fails.
pub fn write(books: &Books, selection: &Selection, out: &mut dyn Write) -> io::Result<()> {
    let j = &books.journal;
    let keep = selection.transactions(j);
    let names = Names::new(j);
    let prec = |c: CommodityId| books.precisions.of(c);
    let mut s = String::with_capacity(1 << 16);

    // First use of each account and commodity, and the first date of all.
    let mut first_account: BTreeMap<AccountId, NaiveDate> = BTreeMap::new();
    let mut used_commodities: HashSet<CommodityId> = HashSet::new();
    let mut first_date: Option<NaiveDate> = None;
    for &i in &keep {
        let t = &j.transactions[i];
        first_date = Some(first_date.map_or(t.date, |d| d.min(t.date)));
        for p in j.postings_of(t) {
            first_account
                .entry(p.account)
                .and_modify(|d| *d = (*d).min(t.date))
                .or_insert(t.date);
            used_commodities.insert(p.amount.commodity);
            if let Some(c) = j.extra(p).cost {
                used_commodities.insert(c.amount.commodity);
            }
        }
    }
    for p in &j.directives.prices {
        used_commodities.insert(p.commodity);
        used_commodities.insert(p.price.commodity);
        first_date = Some(first_date.map_or(p.date, |d| d.min(p.date)));
    }

    // Header and options.
    let project = books.project.as_ref();
    let _ = writeln!(
        s,
        ";; Exported by fundledger from the books{} — beancount v3.",
        project.map_or(String::new(), |p| format!(" of {}", p.code))
    );
    if !selection.is_everything() {
        let _ = writeln!(
            s,
            ";; Selection: from {} to {}{}; whole transactions.",
            selection
                .from
                .map_or_else(|| "the start".to_string(), |d| d.to_string()),
            selection
                .to
                .map_or_else(|| "the end".to_string(), |d| d.to_string()),
            selection.donor.as_ref().map_or(String::new(), |d| format!(
                ", transactions with a posting of {d}"
            ))
        );
    }
    let _ = writeln!(s);
    if let Some(p) = project {
        let _ = writeln!(s, "option \"title\" {}", quote(&p.name_fr));
        let _ = writeln!(
            s,
            "option \"operating_currency\" {}",
            quote(
                &names.commodity(
                    j.commodities
                        .get(&p.currency)
                        .unwrap_or(crate::model::Symbol::never()),
                    &p.currency,
                )
            )
        );
    }
    let mut commodities: Vec<CommodityId> = used_commodities.into_iter().collect();
    commodities.sort_by_key(|c| names.commodity_of(*c));
    for c in &commodities {
        if prec(*c) == Some(0) {
            let _ = writeln!(
                s,
                "option \"inferred_tolerance_default\" \"{}:0.5\"",
                names.commodity_of(*c)
            );
        }
    }

    // Commodities and accounts.
    if let Some(d) = first_date {
        s.push('\n');
        for c in &commodities {
            let _ = writeln!(s, "{d} commodity {}", names.commodity_of(*c));
            let code = j.commodity_name(*c);
            if let Some(name) = project
                .and_then(|p| p.commodities.iter().find(|x| x.code == code))
                .and_then(|x| x.name.as_deref())
            {
                let _ = writeln!(s, "  name: {}", quote(name));
            }
            if names.commodity_of(*c) != code {
                let _ = writeln!(s, "  original: {}", quote(code));
            }
        }
    }
    let mut opens: Vec<(NaiveDate, &str, AccountId)> = first_account
        .iter()
        .map(|(a, d)| (*d, names.account_of(*a), *a))
        .collect();
    opens.sort();
    if !opens.is_empty() {
        s.push('\n');
    }
    for (d, name, a) in &opens {
        let _ = writeln!(s, "{d} open {name}");
        let _ = writeln!(s, "  original: {}", quote(j.account_name(*a)));
    }
    if !j.directives.prices.is_empty() {
        s.push('\n');
        for p in &j.directives.prices {
            let _ = writeln!(
                s,
                "{} price {} {} {}",
                p.date,
                names.commodity_of(p.commodity),
                p.price.quantity,
                names.commodity_of(p.price.commodity)
            );
        }
    }
    out.write_all(s.as_bytes())?;

    // Transactions, in journal order (beancount sorts by date itself).
    for &i in &keep {
        s.clear();
        let t = &j.transactions[i];
        let postings = j.postings_of(t);
        // A transaction of zero postings that only carry assertions becomes the
        // `balance` directives alone.
        let only_assertions = postings
            .iter()
            .all(|p| p.amount.quantity.is_zero() && j.extra(p).assertion.is_some());
        if only_assertions && selection.keeps_assertions() {
            continue;
        }
        s.push('\n');
        let flag = match t.status.mark() {
            "" => "txn",
            m => m,
        };
        let _ = writeln!(s, "{} {flag} {}", t.date, quote(j.str(t.description)));
        let mut keys = HashSet::new();
        let meta = |s: &mut String, indent: &str, keys: &mut HashSet<String>, k: &str, v: &str| {
            let key = unique_key(keys, k);
            let _ = writeln!(s, "{indent}{key}: {}", quote(v));
        };
        if !t.code.is_empty() {
            meta(&mut s, "  ", &mut keys, "voucher", j.str(t.code));
        }
        if let Some(d2) = t.date2 {
            let key = unique_key(&mut keys, "date2");
            let _ = writeln!(s, "  {key}: {d2}");
        }
        for (k, v) in [
            ("donor", t.dims.donor),
            ("line", t.dims.line),
            ("activity", t.dims.activity),
        ] {
            if let Some(v) = v {
                meta(&mut s, "  ", &mut keys, k, j.symbol(v));
            }
        }
        write_metas(j, t.meta, "  ", &mut keys, &mut s);
        for p in postings {
            let mark = p.status.mark();
            let _ = write!(
                s,
                "  {}{}  {} {}",
                if mark.is_empty() {
                    String::new()
                } else {
                    format!("{mark} ")
                },
                names.account_of(p.account),
                plain(p.amount.quantity, prec(p.amount.commodity)),
                names.commodity_of(p.amount.commodity)
            );
            if let Some(c) = j.extra(p).cost {
                let op = match c.kind {
                    CostKind::Unit => "@",
                    CostKind::Total => "@@",
                };
                let _ = write!(
                    s,
                    " {op} {} {}",
                    c.amount.quantity,
                    names.commodity_of(c.amount.commodity)
                );
            }
            s.push('\n');
            let mut pkeys = HashSet::new();
            for (bit, k, v) in [
                (1, "donor", p.dims.donor),
                (2, "line", p.dims.line),
                (4, "activity", p.dims.activity),
            ] {
                if p.own_dims & bit != 0
                    && let Some(v) = v
                {
                    meta(&mut s, "    ", &mut pkeys, k, j.symbol(v));
                }
            }
            write_metas(j, p.meta, "    ", &mut pkeys, &mut s);
        }
        out.write_all(s.as_bytes())?;
    }

    if selection.keeps_assertions() {
        s.clear();
        write_balances(books, &keep, &names, &mut s);
        out.write_all(s.as_bytes())?;
    }
    Ok(())
}

/// `balance` directives for the assertions that hold at the end of their day,
/// sub-accounts included (beancount's meaning); comments for the others.
fn write_balances(books: &Books, keep: &[usize], names: &Names, s: &mut String) {
    let j = &books.journal;
    // Asserted (account, commodity, date, amount), in date order.
    let mut asserted: Vec<(NaiveDate, AccountId, CommodityId, Decimal)> = Vec::new();
    for &i in keep {
        let t = &j.transactions[i];
        for p in j.postings_of(t) {
            if let Some(a) = j.extra(p).assertion {
                asserted.push((t.date, p.account, a.commodity, a.quantity));
            }
        }
    }
    if asserted.is_empty() {
        return;
    }
    asserted.sort_by_key(|(d, ..)| *d);
    // Which asserted accounts each account's postings count towards (itself and its
    // ancestors, as beancount sums sub-accounts).
    let targets: HashSet<AccountId> = asserted.iter().map(|(_, a, ..)| *a).collect();
    let mut towards: HashMap<AccountId, Vec<AccountId>> = HashMap::new();
    let mut order: Vec<usize> = keep.to_vec();
    order.sort_by_key(|&i| j.transactions[i].date);
    let mut sums: HashMap<(AccountId, CommodityId), Decimal> = HashMap::new();
    let mut next = 0;
    s.push('\n');
    let flush = |day: Option<NaiveDate>,
                 sums: &HashMap<(AccountId, CommodityId), Decimal>,
                 next: &mut usize,
                 s: &mut String| {
        while *next < asserted.len() && day.is_none_or(|d| asserted[*next].0 < d) {
            let (date, account, commodity, expected) = asserted[*next];
            *next += 1;
            let actual = sums.get(&(account, commodity)).copied().unwrap_or_default();
            let amount = format!(
                "{} {}",
                plain(expected, books.precisions.of(commodity)),
                names.commodity_of(commodity)
            );
            match date.succ_opt() {
                Some(after) if actual == expected => {
                    let _ = writeln!(s, "{after} balance {}  {amount}", names.account_of(account));
                }
                _ => {
                    let _ = writeln!(
                        s,
                        "; {date}: {} = {amount} (after its posting, without sub-accounts) is not its balance at the end of the day with sub-accounts ({}); no balance directive",
                        names.account_of(account),
                        plain(actual, books.precisions.of(commodity))
                    );
                }
            }
        }
    };
    for i in order {
        let t = &j.transactions[i];
        flush(Some(t.date), &sums, &mut next, s);
        for p in j.postings_of(t) {
            let to = towards.entry(p.account).or_insert_with(|| {
                let name = j.account_name(p.account);
                targets
                    .iter()
                    .copied()
                    .filter(|a| {
                        let an = j.account_name(*a);
                        name == an
                            || (name.len() > an.len()
                                && name.starts_with(an)
                                && name.as_bytes()[an.len()] == b':')
                    })
                    .collect()
            });
            for a in to.iter() {
                *sums.entry((*a, p.amount.commodity)).or_default() += p.amount.quantity;
            }
        }
    }
    flush(None, &sums, &mut next, s);
}

/// Transaction or posting tags as metadata, comments as comments.
fn write_metas(
    j: &Journal,
    range: MetaRange,
    indent: &str,
    keys: &mut HashSet<String>,
    s: &mut String,
) {
    for m in j.metas(range) {
        match m {
            Meta::Tag { name, value } => {
                let key = unique_key(keys, &meta_key(j.symbol(*name)));
                let _ = writeln!(s, "{indent}{key}: {}", quote(j.str(*value)));
            }
            Meta::Comment(text) => {
                let _ = writeln!(s, "{indent}; {}", one_line(j.str(*text)));
            }
        }
    }
}

/// A metadata key beancount accepts: `[a-z][a-zA-Z0-9_-]*`, not a reserved one.
fn meta_key(name: &str) -> String {
    let mut k: String = translit(name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if let Some(first) = k.chars().next()
        && first.is_ascii_uppercase()
    {
        k.replace_range(..1, &first.to_ascii_lowercase().to_string());
    }
    if !k.starts_with(|c: char| c.is_ascii_lowercase()) || k == "filename" || k == "lineno" {
        k = format!("x-{k}");
    }
    k
}

/// `key`, or `key-2`, `key-3`… when already used in this entry.
fn unique_key(used: &mut HashSet<String>, key: &str) -> String {
    let mut k = key.to_string();
    let mut n = 2;
    while used.contains(&k) {
        k = format!("{key}-{n}");
        n += 1;
    }
    used.insert(k.clone());
    k
}

/// A beancount string literal.
fn quote(text: &str) -> String {
    format!(
        "\"{}\"",
        one_line(text).replace('\\', "\\\\").replace('"', "\\\"")
    )
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// Latin letters with diacritics as their base letter (French and other West African
/// languages written in Latin script); other characters unchanged.
fn translit(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let base = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
            'æ' => "ae",
            'Æ' => "AE",
            'ç' => "c",
            'Ç' => "C",
            'è' | 'é' | 'ê' | 'ë' | 'ɛ' => "e",
            'È' | 'É' | 'Ê' | 'Ë' | 'Ɛ' => "E",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'Ì' | 'Í' | 'Î' | 'Ï' => "I",
            'ñ' | 'ɲ' | 'ŋ' => "n",
            'Ñ' | 'Ɲ' | 'Ŋ' => "N",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ɔ' => "o",
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ɔ' => "O",
            'œ' => "oe",
            'Œ' => "OE",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
            'ý' | 'ÿ' => "y",
            'Ý' | 'Ÿ' => "Y",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(base);
    }
    out
}

/// One account-name component as beancount wants it: `[A-Z0-9][A-Za-z0-9-]*`.
fn component(text: &str) -> String {
    let mut c: String = translit(text)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    match c.chars().next() {
        Some(f) if f.is_ascii_lowercase() => {
            c.replace_range(..1, &f.to_ascii_uppercase().to_string());
        }
        Some(f) if f.is_ascii_uppercase() || f.is_ascii_digit() => {}
        _ => c.insert(0, 'X'),
    }
    c
}

/// The beancount root of an account class.
fn root(t: Option<AccountType>) -> &'static str {
    match t {
        Some(AccountType::Asset) => "Assets",
        Some(AccountType::Liability) => "Liabilities",
        Some(AccountType::Equity) | None => "Equity",
        Some(AccountType::Income) => "Income",
        Some(AccountType::Expense) => "Expenses",
    }
}

/// Our account name → beancount's (without collision handling).
pub fn account_name(name: &str, class: Option<AccountType>) -> String {
    let mut parts: Vec<&str> = name.split(':').collect();
    if parts.len() > 1 && class.is_some() && AccountType::from_name(parts[0]) == class {
        parts.remove(0);
    }
    let mut out = root(class).to_string();
    for p in parts {
        out.push(':');
        out.push_str(&component(p));
    }
    out
}

/// A commodity symbol → a beancount currency: `[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]`.
pub fn commodity_name(symbol: &str) -> String {
    let known = match symbol {
        "" => Some("XXX"),
        "$" => Some("USD"),
        "€" => Some("EUR"),
        "£" => Some("GBP"),
        "¥" => Some("JPY"),
        _ => None,
    };
    if let Some(k) = known {
        return k.to_string();
    }
    let mut c: String = translit(symbol)
        .to_ascii_uppercase()
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '\'' | '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !c.starts_with(|x: char| x.is_ascii_uppercase()) {
        c.insert(0, 'C');
    }
    c.truncate(23);
    while c.len() > 1 && !c.ends_with(|x: char| x.is_ascii_uppercase() || x.is_ascii_digit()) {
        c.pop();
    }
    if c.len() > 1 && !c.ends_with(|x: char| x.is_ascii_uppercase() || x.is_ascii_digit()) {
        c.push('X');
    }
    c
}

/// Beancount names of every account and commodity of a journal, unique.
struct Names {
    accounts: Vec<String>,
    commodities: Vec<String>,
}

impl Names {
    fn new(j: &Journal) -> Names {
        let types = j.account_types();
        let mut by_name: Vec<(String, usize)> = j
            .accounts
            .iter()
            .map(|(id, name)| (name.to_string(), id.index()))
            .collect();
        by_name.sort();
        let mut accounts = vec![String::new(); j.accounts.len()];
        let mut taken = HashSet::new();
        for (name, i) in by_name {
            let base = account_name(&name, types[i]);
            accounts[i] = unique(&mut taken, &base);
        }
        let mut by_symbol: Vec<(String, usize)> = j
            .commodities
            .iter()
            .map(|(id, name)| (name.to_string(), id.index()))
            .collect();
        by_symbol.sort();
        let mut commodities = vec![String::new(); j.commodities.len()];
        let mut taken = HashSet::new();
        for (name, i) in by_symbol {
            commodities[i] = unique(&mut taken, &commodity_name(&name));
        }
        Names {
            accounts,
            commodities,
        }
    }

    fn account_of(&self, a: AccountId) -> &str {
        &self.accounts[a.index()]
    }

    fn commodity_of(&self, c: CommodityId) -> &str {
        &self.commodities[c.index()]
    }

    /// The beancount name of commodity `c`, or of `fallback` when `c` is not in the journal.
    fn commodity(&self, c: CommodityId, fallback: &str) -> String {
        self.commodities
            .get(c.index())
            .cloned()
            .unwrap_or_else(|| commodity_name(fallback))
    }
}

/// `base`, or `base-2`, `base-3`… when taken.
fn unique(taken: &mut HashSet<String>, base: &str) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_follow_beancount_rules() {
        let a = |n, t| account_name(n, t);
        assert_eq!(
            a("assets:bank:bdm-xof", Some(AccountType::Asset)),
            "Assets:Bank:Bdm-xof"
        );
        assert_eq!(
            a(
                "expenses:62-services-exterieurs:6222-locations",
                Some(AccountType::Expense)
            ),
            "Expenses:62-services-exterieurs:6222-locations"
        );
        assert_eq!(
            a("trésorerie:caisse siège", Some(AccountType::Asset)),
            "Assets:Caisse-siege"
        );
        assert_eq!(a("caisse", Some(AccountType::Asset)), "Assets:Caisse");
        assert_eq!(a("divers:_x", None), "Equity:Divers:X-x");
        assert_eq!(a("assets", Some(AccountType::Asset)), "Assets:Assets");
    }

    #[test]
    fn commodities_follow_beancount_rules() {
        assert_eq!(commodity_name("XOF"), "XOF");
        assert_eq!(commodity_name("$"), "USD");
        assert_eq!(commodity_name("ab 1"), "AB-1");
        assert_eq!(commodity_name("1abc"), "C1ABC");
        assert_eq!(commodity_name("x-"), "X");
        assert_eq!(commodity_name(""), "XXX");
    }

    #[test]
    fn metadata_keys_are_valid() {
        assert_eq!(meta_key("import-key"), "import-key");
        assert_eq!(meta_key("Source"), "source");
        assert_eq!(meta_key("1st"), "x-1st");
        assert_eq!(meta_key("filename"), "x-filename");
        let mut used = HashSet::new();
        assert_eq!(unique_key(&mut used, "donor"), "donor");
        assert_eq!(unique_key(&mut used, "donor"), "donor-2");
    }
}
