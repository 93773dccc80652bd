//! The canonical journal printer: what fundledger writes is read the same way by
//! hledger and ledger, and reading it back gives the same books (property-tested).
//!
//! Canonical form: `decimal-mark .` first; declarations; then transactions in journal
//! order; one tag per comment line; dimension tags first (donor, line, activity);
//! amounts with `,` thousands groups and their own decimals; includes flattened;
//! a commodity's precision of 0 is not written (no format reads alike in both tools).

use std::fmt::Write as _;
use std::io::{self, Write};

use super::amount::group_exact;
use crate::model::{Amount, CostKind, Journal, Meta, MetaRange, Posting, Transaction};
use crate::read::journal::number::symbol_needs_quotes;

/// Writes the whole journal canonically.
///
/// # Errors
/// When `out` fails.
pub fn write_journal(j: &Journal, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::with_capacity(4096);
    s.push_str("decimal-mark .\n");
    let d = &j.directives;
    if !d.commodities.is_empty() {
        s.push('\n');
        for c in &d.commodities {
            let name = symbol(j.commodity_name(c.commodity));
            // hledger needs a decimal point in a format and ledger refuses `1,000.`,
            // so only precisions above zero are written, as a `format` subdirective.
            let _ = writeln!(s, "commodity {name}");
            if let Some(p) = c.precision.filter(|p| *p > 0) {
                let _ = writeln!(s, "    format 1,000.{} {name}", "0".repeat(p as usize));
            }
        }
    }
    for (word, names) in [("tag", &d.tags), ("payee", &d.payees)] {
        if !names.is_empty() {
            s.push('\n');
            for n in names {
                let _ = writeln!(s, "{word} {}", n.name);
            }
        }
    }
    if !d.accounts.is_empty() {
        s.push('\n');
        for a in &d.accounts {
            let _ = write!(s, "account {}", j.account_name(a.account));
            if let Some(t) = &a.type_tag {
                let _ = write!(s, "  ; type: {t}");
            }
            s.push('\n');
        }
    }
    if !d.prices.is_empty() {
        s.push('\n');
        for p in &d.prices {
            let _ = writeln!(
                s,
                "P {} {} {}",
                p.date,
                symbol(j.commodity_name(p.commodity)),
                amount(j, p.price)
            );
        }
    }
    out.write_all(s.as_bytes())?;
    for t in &j.transactions {
        s.clear();
        s.push('\n');
        write_transaction(j, t, &mut s);
        out.write_all(s.as_bytes())?;
    }
    Ok(())
}

/// Appends one transaction's canonical text to `s`.
pub fn write_transaction(j: &Journal, t: &Transaction, s: &mut String) {
    let _ = write!(s, "{}", t.date);
    if let Some(d2) = t.date2 {
        let _ = write!(s, "={d2}");
    }
    let mark = t.status.mark();
    if !mark.is_empty() {
        let _ = write!(s, " {mark}");
    }
    if !t.code.is_empty() {
        let _ = write!(s, " ({})", clean(j.str(t.code)).replace(')', "]"));
    }
    let description = clean(j.str(t.description));
    if !description.is_empty() {
        let _ = write!(s, " {}", description.replace(';', ","));
    }
    s.push('\n');
    let own = |d: Option<crate::model::Symbol>| d.map(|x| j.symbol(x));
    write_dims(s, own(t.dims.donor), own(t.dims.line), own(t.dims.activity));
    write_metas(j, t.meta, s);
    let postings = j.postings_of(t);
    let width = postings
        .iter()
        .map(|p| j.account_name(p.account).chars().count() + p.status.mark().len() * 2)
        .max()
        .unwrap_or(0)
        .max(36);
    for p in postings {
        write_posting(j, p, width, s);
    }
}

fn write_posting(j: &Journal, p: &Posting, width: usize, s: &mut String) {
    s.push_str("    ");
    let mut head = String::new();
    if p.status.mark().is_empty() {
        head.push_str(j.account_name(p.account));
    } else {
        let _ = write!(head, "{} {}", p.status.mark(), j.account_name(p.account));
    }
    if p.elided {
        s.push_str(&head);
    } else {
        let pad = width.saturating_sub(head.chars().count()) + 2;
        let text = amount(j, p.amount);
        let _ = write!(s, "{head}{:pad$}{text:>16}", "");
        let extra = j.extra(p);
        if let Some(c) = extra.cost {
            let op = match c.kind {
                CostKind::Unit => "@",
                CostKind::Total => "@@",
            };
            let _ = write!(s, " {op} {}", amount(j, c.amount));
        }
        if let Some(a) = extra.assertion {
            let _ = write!(s, " = {}", amount(j, a));
        }
    }
    s.push('\n');
    let bit = |b: u8, v: Option<crate::model::Symbol>| {
        if p.own_dims & b != 0 {
            v.map(|x| j.symbol(x))
        } else {
            None
        }
    };
    write_dims(
        s,
        bit(1, p.dims.donor),
        bit(2, p.dims.line),
        bit(4, p.dims.activity),
    );
    write_metas(j, p.meta, s);
}

fn write_dims(s: &mut String, donor: Option<&str>, line: Option<&str>, activity: Option<&str>) {
    for (name, value) in [("donor", donor), ("line", line), ("activity", activity)] {
        if let Some(v) = value {
            let _ = writeln!(s, "    ; {name}: {v}");
        }
    }
}

fn write_metas(j: &Journal, range: MetaRange, s: &mut String) {
    for m in j.metas(range) {
        match m {
            Meta::Tag { name, value } => {
                let v = clean(j.str(*value));
                if v.is_empty() {
                    let _ = writeln!(s, "    ; {}:", j.symbol(*name));
                } else {
                    let _ = writeln!(s, "    ; {}: {v}", j.symbol(*name));
                }
            }
            Meta::Comment(text) => {
                let c = clean(j.str(*text));
                if c.is_empty() {
                    s.push_str("    ;\n");
                } else {
                    let _ = writeln!(s, "    ; {c}");
                }
            }
        }
    }
}

/// `-1,250,000 XOF`, `914.69 EUR`, `"AB 1" 3`.
fn amount(j: &Journal, a: Amount) -> String {
    let name = j.commodity_name(a.commodity);
    let number = group_exact(a.quantity);
    if name.is_empty() {
        number
    } else {
        format!("{number} {}", symbol(name))
    }
}

fn symbol(name: &str) -> String {
    if symbol_needs_quotes(name) && !name.is_empty() {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

/// One line of text: no line breaks.
fn clean(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}
