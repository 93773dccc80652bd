//! The donor-facing reports on the terminal, as CSV and as JSON: budget vs actual,
//! programme support costs, fund balances.

use std::io::{self, Write};

use rust_decimal::Decimal;
use serde_json::json;

use super::amount::{group, plain};
use super::table::{Align, Table};
use super::{Format, Lang, l, spreadsheet_safe};
use crate::model::money::iso_precision;
use crate::report::budget::{BudgetReport, BudgetRow, Flag, Note, RowKind};
use crate::report::donor::{Amounts, DonorReport, StatementRow};
use crate::report::funds::FundRow;
use crate::report::psc::PscComputation;

fn decimals(currency: &str) -> Option<u32> {
    Some(iso_precision(currency).unwrap_or(2))
}

fn money(amount: Decimal, currency: &str) -> String {
    group(amount, decimals(currency))
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// What each flag means, for the legend under the table.
pub fn flag_meaning(flag: Flag, lang: Lang) -> &'static str {
    match flag {
        Flag::OverBudget => l(
            lang,
            "dépenses au-delà du budget de la ligne",
            "spent beyond the line's budget",
        ),
        Flag::BeyondFlexibility => l(
            lang,
            "dépassement au-delà de la flexibilité de l'accord (avenant requis)",
            "beyond the agreement's flexibility (an addendum is needed)",
        ),
        Flag::OutsideEligibility => l(
            lang,
            "dépenses hors période d'éligibilité",
            "spending outside the eligibility period",
        ),
        Flag::OverCeiling => l(
            lang,
            "bailleur imputé au-delà de son plafond",
            "donor charged beyond its ceiling",
        ),
    }
}

/// Writes the budget report.
///
/// # Errors
/// When `out` fails.
pub fn budget(
    report: &BudgetReport,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let cur = report.currency.as_str();
    let pct = |p: Option<Decimal>| p.map_or(String::new(), |p| format!("{p}"));
    let flags = |r: &BudgetRow| {
        r.flags
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match format {
        Format::Table => {
            let mut t = Table::new(&[
                (l(lang, "Bailleur", "Donor"), Align::Left),
                (l(lang, "Ligne", "Line"), Align::Left),
                (l(lang, "Libellé", "Name"), Align::Left),
                (l(lang, "Cat.", "Cat."), Align::Left),
                (l(lang, "Initial", "Original"), Align::Right),
                (l(lang, "En vigueur", "In force"), Align::Right),
                (l(lang, "Période", "Period"), Align::Right),
                (l(lang, "Cumul", "To date"), Align::Right),
                (l(lang, "Solde", "Remaining"), Align::Right),
                ("%", Align::Right),
                (l(lang, "Par mois", "Per month"), Align::Right),
                (l(lang, "Projection", "Projection"), Align::Right),
                (l(lang, "Alertes", "Flags"), Align::Left),
            ]);
            for r in &report.rows {
                let name = match lang {
                    Lang::Fr => &r.name_fr,
                    Lang::En => &r.name_en,
                };
                let (donor, line, label) = match r.kind {
                    RowKind::Line => (
                        r.donor.clone().unwrap_or_default(),
                        r.line.clone().unwrap_or_default(),
                        short(name, 36),
                    ),
                    RowKind::Category => (
                        String::new(),
                        format!("Σ {}", r.category.as_deref().unwrap_or("?")),
                        short(name, 36),
                    ),
                    RowKind::Donor => (
                        r.donor.clone().unwrap_or_default(),
                        "Σ".to_string(),
                        short(name, 36),
                    ),
                    RowKind::Total => (
                        l(lang, "TOTAL", "TOTAL").to_string(),
                        String::new(),
                        String::new(),
                    ),
                };
                t.push(vec![
                    donor,
                    line,
                    label,
                    if r.kind == RowKind::Line {
                        r.category.clone().unwrap_or_default()
                    } else {
                        String::new()
                    },
                    money(r.original, cur),
                    format!(
                        "{}{}",
                        money(r.approved, cur),
                        if r.revised && r.kind == RowKind::Line {
                            " R"
                        } else {
                            ""
                        }
                    ),
                    money(r.spent_period, cur),
                    money(r.spent_to_date, cur),
                    money(r.remaining, cur),
                    pct(r.used_pct),
                    money(r.burn_per_month, cur),
                    money(r.projection, cur),
                    flags(r),
                ]);
                if matches!(r.kind, RowKind::Donor) {
                    t.push(vec![String::new(); 13]);
                }
            }
            writeln!(
                out,
                "{} {} — {} {}{}",
                l(lang, "Budget et réalisations au", "Budget vs actual as of"),
                report.as_of,
                l(lang, "montants en", "amounts in"),
                cur,
                report.from.map_or(String::new(), |f| format!(
                    " — {} {f}",
                    l(lang, "période depuis le", "period from")
                ))
            )?;
            out.write_all(t.to_text().as_bytes())?;
            writeln!(
                out,
                "R = {}",
                l(lang, "budget révisé en vigueur", "revised budget in force")
            )?;
            for f in [
                Flag::OverBudget,
                Flag::BeyondFlexibility,
                Flag::OutsideEligibility,
                Flag::OverCeiling,
            ] {
                writeln!(out, "{} = {}", f.code(), flag_meaning(f, lang))?;
            }
            for n in &report.notes {
                writeln!(out, "· {}", note(n, lang))?;
            }
            Ok(())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "kind",
                "donor",
                "line",
                "category",
                "name_fr",
                "name_en",
                "currency",
                "original",
                "approved",
                "revised",
                "spent_period",
                "spent_to_date",
                "remaining",
                "used_pct",
                "burn_per_month",
                "projection",
                "outside_eligibility",
                "flags",
            ])?;
            for r in &report.rows {
                w.write_record([
                    kind(r.kind).to_string(),
                    r.donor.clone().unwrap_or_default(),
                    r.line.clone().unwrap_or_default(),
                    r.category.clone().unwrap_or_default(),
                    spreadsheet_safe(&r.name_fr).into_owned(),
                    spreadsheet_safe(&r.name_en).into_owned(),
                    r.currency.clone(),
                    plain(r.original, decimals(cur)),
                    plain(r.approved, decimals(cur)),
                    r.revised.to_string(),
                    plain(r.spent_period, decimals(cur)),
                    plain(r.spent_to_date, decimals(cur)),
                    plain(r.remaining, decimals(cur)),
                    pct(r.used_pct),
                    plain(r.burn_per_month, decimals(cur)),
                    plain(r.projection, decimals(cur)),
                    plain(r.outside_eligibility, decimals(cur)),
                    flags(r),
                ])?;
            }
            w.flush()
        }
        Format::Json => {
            let rows: Vec<_> = report
                .rows
                .iter()
                .map(|r| {
                    json!({
                        "kind": kind(r.kind),
                        "donor": r.donor,
                        "line": r.line,
                        "category": r.category,
                        "name_fr": r.name_fr,
                        "name_en": r.name_en,
                        "currency": r.currency,
                        "original": plain(r.original, decimals(cur)),
                        "approved": plain(r.approved, decimals(cur)),
                        "revised": r.revised,
                        "spent_period": plain(r.spent_period, decimals(cur)),
                        "spent_to_date": plain(r.spent_to_date, decimals(cur)),
                        "remaining": plain(r.remaining, decimals(cur)),
                        "used_pct": r.used_pct.map(|p| p.to_string()),
                        "burn_per_month": plain(r.burn_per_month, decimals(cur)),
                        "projection": plain(r.projection, decimals(cur)),
                        "outside_eligibility": plain(r.outside_eligibility, decimals(cur)),
                        "flags": r.flags,
                    })
                })
                .collect();
            let doc = json!({
                "as_of": report.as_of.to_string(),
                "from": report.from.map(|f| f.to_string()),
                "currency": report.currency,
                "rows": rows,
                "notes": report.notes.iter().map(|n| json!({"text_fr": note(n, Lang::Fr), "text_en": note(n, Lang::En), "data": n})).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    }
}

/// A note in words.
pub fn note(n: &Note, lang: Lang) -> String {
    match n {
        Note::Ceiling {
            donor,
            agreement,
            currency,
            charged,
            charged_functional,
            ceiling,
        } => match lang {
            Lang::Fr => format!(
                "{donor} {agreement} : imputé {} {currency} ({} XOF) pour un plafond de {} {currency}",
                money(*charged, currency),
                money(*charged_functional, "XOF"),
                money(*ceiling, currency)
            ),
            Lang::En => format!(
                "{donor} {agreement}: charged {} {currency} ({} XOF) of a {} {currency} ceiling",
                money(*charged, currency),
                money(*charged_functional, "XOF"),
                money(*ceiling, currency)
            ),
        },
        Note::Rate {
            donor,
            currency,
            rate,
            how_fr,
            how_en,
        } => match lang {
            Lang::Fr => format!("{donor} : {currency} au taux de {rate} XOF ({how_fr})"),
            Lang::En => format!("{donor}: {currency} at {rate} XOF ({how_en})"),
        },
        Note::Untagged { amount } => match lang {
            Lang::Fr => format!(
                "{} XOF de dépenses sans étiquette donor ou line ne figurent pas ici (fundledger check les liste)",
                money(*amount, "XOF")
            ),
            Lang::En => format!(
                "{} XOF of expenses without a donor or line tag are not shown (fundledger check lists them)",
                money(*amount, "XOF")
            ),
        },
        Note::Foreign { postings } => match lang {
            Lang::Fr => format!(
                "{postings} écritures de charges sans contre-valeur en XOF ne sont pas comptées"
            ),
            Lang::En => format!("{postings} expense postings with no XOF value are not counted"),
        },
    }
}

fn kind(k: RowKind) -> &'static str {
    match k {
        RowKind::Line => "line",
        RowKind::Category => "category",
        RowKind::Donor => "donor",
        RowKind::Total => "total",
    }
}

/// Writes the PSC computation; `posted` says whether `--post` booked it.
///
/// # Errors
/// When `out` fails.
pub fn psc(
    rows: &[PscComputation],
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => {
            let mut t = Table::new(&[
                (l(lang, "Accord", "Agreement"), Align::Left),
                (l(lang, "Bailleur", "Donor"), Align::Left),
                (l(lang, "Taux", "Rate"), Align::Right),
                (l(lang, "Base éligible", "Eligible base"), Align::Right),
                (l(lang, "Dû", "Due"), Align::Right),
                (l(lang, "Déjà passé", "Already posted"), Align::Right),
                (l(lang, "À passer", "To post"), Align::Right),
            ]);
            for c in rows {
                t.push(vec![
                    c.agreement.clone(),
                    c.donor.clone(),
                    format!("{} %", c.rate.normalize()),
                    money(c.base, &c.currency),
                    money(c.due, &c.currency),
                    money(c.posted, &c.currency),
                    money(c.to_post, &c.currency),
                ]);
            }
            out.write_all(t.to_text().as_bytes())?;
            for c in rows {
                writeln!(
                    out,
                    "· {}: {} % × {} {} ({} {}, {} → {}) = {} → {} {} {}",
                    c.agreement,
                    c.rate.normalize(),
                    money(c.base, &c.currency),
                    c.currency,
                    l(lang, "comptes", "accounts"),
                    c.base_accounts.join(", "),
                    c.from,
                    c.through,
                    (c.base * c.rate / Decimal::ONE_HUNDRED).normalize(),
                    money(c.due, &c.currency),
                    c.currency,
                    l(
                        lang,
                        "(arrondi au franc, demi vers le haut)",
                        "(rounded half up to the franc)"
                    ),
                )?;
            }
            Ok(())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "agreement",
                "donor",
                "rate",
                "from",
                "through",
                "base",
                "due",
                "posted",
                "to_post",
                "currency",
            ])?;
            for c in rows {
                w.write_record([
                    spreadsheet_safe(&c.agreement).into_owned(),
                    c.donor.clone(),
                    c.rate.normalize().to_string(),
                    c.from.to_string(),
                    c.through.to_string(),
                    c.base.to_string(),
                    c.due.to_string(),
                    c.posted.to_string(),
                    c.to_post.to_string(),
                    c.currency.clone(),
                ])?;
            }
            w.flush()
        }
        Format::Json => {
            let v: Vec<_> = rows
                .iter()
                .map(|c| {
                    json!({
                        "agreement": c.agreement, "donor": c.donor, "rate": c.rate.normalize().to_string(),
                        "base_accounts": c.base_accounts, "from": c.from.to_string(), "through": c.through.to_string(),
                        "base": c.base.to_string(), "due": c.due.to_string(), "posted": c.posted.to_string(),
                        "to_post": c.to_post.to_string(), "currency": c.currency,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)
        }
    }
}

/// Writes the fund balances.
///
/// # Errors
/// When `out` fails.
pub fn funds(
    rows: &[FundRow],
    functional: &str,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => {
            let mut t = Table::new(&[
                (l(lang, "Bailleur", "Donor"), Align::Left),
                (l(lang, "Ouverture", "Opening"), Align::Right),
                (l(lang, "Reçu", "Received"), Align::Right),
                (
                    l(lang, "Dépenses directes", "Direct spending"),
                    Align::Right,
                ),
                ("PSC", Align::Right),
                (l(lang, "Écart de change", "Exchange diff."), Align::Right),
                (l(lang, "Clôture", "Closing"), Align::Right),
                (l(lang, "Devise", "Currency"), Align::Left),
                (l(lang, "Reçu (devise)", "Received (cur.)"), Align::Right),
                (l(lang, "Dépensé (devise)", "Spent (cur.)"), Align::Right),
                (l(lang, "Clôture (devise)", "Closing (cur.)"), Align::Right),
            ]);
            for r in rows {
                t.push(vec![
                    r.donor.clone(),
                    money(r.opening, functional),
                    money(r.received, functional),
                    money(r.spent_direct, functional),
                    money(r.spent_psc, functional),
                    money(r.exchange_difference, functional),
                    money(r.closing, functional),
                    r.currency.clone(),
                    money(r.received_donor, &r.currency),
                    money(r.spent_donor, &r.currency),
                    money(r.closing_donor, &r.currency),
                ]);
            }
            writeln!(
                out,
                "{} ({functional}): {}",
                l(lang, "Soldes des fonds", "Fund balances"),
                l(
                    lang,
                    "clôture = ouverture + reçu − dépenses − PSC + écart de change",
                    "closing = opening + received − direct − PSC + exchange difference"
                )
            )?;
            out.write_all(t.to_text().as_bytes())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "donor",
                "opening",
                "received",
                "spent_direct",
                "spent_psc",
                "exchange_difference",
                "closing",
                "currency",
                "received_donor_currency",
                "spent_donor_currency",
                "closing_donor_currency",
            ])?;
            for r in rows {
                w.write_record([
                    r.donor.clone(),
                    r.opening.to_string(),
                    r.received.to_string(),
                    r.spent_direct.to_string(),
                    r.spent_psc.to_string(),
                    r.exchange_difference.to_string(),
                    r.closing.to_string(),
                    r.currency.clone(),
                    r.received_donor.to_string(),
                    r.spent_donor.to_string(),
                    r.closing_donor.to_string(),
                ])?;
            }
            w.flush()
        }
        Format::Json => {
            let v: Vec<_> = rows
                .iter()
                .map(|r| {
                    json!({
                        "donor": r.donor, "name_fr": r.name_fr, "name_en": r.name_en, "functional_currency": functional,
                        "opening": r.opening.to_string(), "received": r.received.to_string(),
                        "spent_direct": r.spent_direct.to_string(), "spent_psc": r.spent_psc.to_string(),
                        "exchange_difference": r.exchange_difference.to_string(), "closing": r.closing.to_string(),
                        "currency": r.currency, "received_donor_currency": r.received_donor.to_string(),
                        "spent_donor_currency": r.spent_donor.to_string(), "closing_donor_currency": r.closing_donor.to_string(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)
        }
    }
}

/// One statement row for output: label, amounts in the donor's currency, flags.
struct StatementLine<'a> {
    kind: &'static str,
    code: &'a str,
    name: &'a str,
    approved: Decimal,
    period: Decimal,
    to_date: Decimal,
    to_date_functional: Decimal,
    flags: String,
}

fn statement_lines<'a>(r: &'a DonorReport, lang: Lang) -> Vec<StatementLine<'a>> {
    let pick = |fr: &'a str, en: &'a str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    let row = |kind, sr: &'a StatementRow| StatementLine {
        kind,
        code: &sr.code,
        name: pick(&sr.name_fr, &sr.name_en),
        approved: sr.approved.donor,
        period: sr.period.donor,
        to_date: sr.to_date.donor,
        to_date_functional: sr.to_date.functional,
        flags: sr
            .flags
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join(" "),
    };
    let total = |kind, name: &'a str, t: (Amounts, Amounts, Amounts)| StatementLine {
        kind,
        code: "",
        name,
        approved: t.0.donor,
        period: t.1.donor,
        to_date: t.2.donor,
        to_date_functional: t.2.functional,
        flags: String::new(),
    };
    let mut out: Vec<StatementLine<'a>> = r
        .rows
        .iter()
        .chain(r.unmapped.iter())
        .map(|sr| row("category", sr))
        .collect();
    let subtotal = r
        .template
        .subtotal
        .as_ref()
        .map_or(l(lang, "Sous-total", "Subtotal"), |x| {
            pick(&x.name_fr, &x.name_en)
        });
    if let Some(ind) = &r.indirect {
        out.push(total("subtotal", subtotal, r.direct_total()));
        out.push(row("indirect", ind));
    }
    let total_name = r
        .template
        .total
        .as_ref()
        .map_or(l(lang, "Total", "Total"), |x| pick(&x.name_fr, &x.name_en));
    out.push(total("total", total_name, r.grand_total()));
    out
}

/// Writes a donor report's statement (the workbook's first sheet) as a table, CSV or JSON.
///
/// # Errors
/// When `out` fails.
pub fn donor_statement(
    r: &DonorReport,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let cur = r.currency.as_str();
    let fun = r.functional.as_str();
    let lines = statement_lines(r, lang);
    match format {
        Format::Table => {
            writeln!(
                out,
                "{}",
                match lang {
                    Lang::Fr => &r.template.title_fr,
                    Lang::En => &r.template.title_en,
                }
            )?;
            writeln!(
                out,
                "{} {} ({}) — {} {} → {} — {}",
                l(lang, "Bailleur", "Donor"),
                r.donor.id,
                r.agreement.as_ref().map_or("—", |a| a.reference.as_str()),
                l(lang, "période", "period"),
                r.from,
                r.to,
                cur
            )?;
            let mut t = Table::new(&[
                ("", Align::Left),
                (l(lang, "Rubrique", "Heading"), Align::Left),
                (l(lang, "Budget", "Budget"), Align::Right),
                (l(lang, "Période", "Period"), Align::Right),
                (l(lang, "Cumul", "To date"), Align::Right),
                (l(lang, "Solde", "Remaining"), Align::Right),
                ("%", Align::Right),
                (l(lang, "Alertes", "Flags"), Align::Left),
            ]);
            for s in &lines {
                let pct = if s.approved.is_zero() {
                    String::new()
                } else {
                    crate::model::money::round_half_up(
                        s.to_date * Decimal::ONE_HUNDRED / s.approved,
                        1,
                    )
                    .to_string()
                };
                t.push(vec![
                    s.code.to_string(),
                    short(s.name, 48),
                    money(s.approved, cur),
                    money(s.period, cur),
                    money(s.to_date, cur),
                    money(s.approved - s.to_date, cur),
                    pct,
                    s.flags.clone(),
                ]);
            }
            out.write_all(t.to_text().as_bytes())?;
            let balance = r.received_to_date.donor - r.grand_total().2.donor;
            writeln!(
                out,
                "{} {} {cur} ({} {fun}) — {} {} {cur}",
                l(lang, "Fonds reçus :", "Funds received:"),
                money(r.received_to_date.donor, cur),
                money(r.received_to_date.functional, fun),
                l(lang, "solde des fonds :", "balance of funds:"),
                money(balance, cur)
            )?;
            writeln!(
                out,
                "{} {} ({} {fun}) — {}: {}",
                l(
                    lang,
                    "Transactions de la période :",
                    "Transactions in the period:"
                ),
                r.transactions.len(),
                money(r.transactions_total().functional, fun),
                l(lang, "empreinte", "digest"),
                &r.digest[..16.min(r.digest.len())]
            )
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "kind",
                "code",
                "name",
                "currency",
                "approved",
                "period",
                "to_date",
                "remaining",
                "to_date_functional",
                "flags",
            ])?;
            for s in &lines {
                w.write_record([
                    s.kind.to_string(),
                    spreadsheet_safe(s.code).into_owned(),
                    spreadsheet_safe(s.name).into_owned(),
                    cur.to_string(),
                    plain(s.approved, decimals(cur)),
                    plain(s.period, decimals(cur)),
                    plain(s.to_date, decimals(cur)),
                    plain(s.approved - s.to_date, decimals(cur)),
                    plain(s.to_date_functional, decimals(fun)),
                    s.flags.clone(),
                ])?;
            }
            w.flush()
        }
        Format::Json => {
            let rows: Vec<_> = lines
                .iter()
                .map(|s| {
                    json!({
                        "kind": s.kind, "code": s.code, "name": s.name, "currency": cur,
                        "approved": plain(s.approved, decimals(cur)), "period": plain(s.period, decimals(cur)),
                        "to_date": plain(s.to_date, decimals(cur)), "remaining": plain(s.approved - s.to_date, decimals(cur)),
                        "to_date_functional": plain(s.to_date_functional, decimals(fun)), "flags": s.flags,
                    })
                })
                .collect();
            let doc = json!({
                "donor": r.donor.id, "agreement": r.agreement.as_ref().map(|a| a.reference.clone()),
                "template": r.template.name, "from": r.from.to_string(), "to": r.to.to_string(),
                "currency": cur, "functional_currency": fun, "rows": rows,
                "received_to_date": plain(r.received_to_date.donor, decimals(cur)),
                "received_to_date_functional": plain(r.received_to_date.functional, decimals(fun)),
                "transactions": r.transactions.len(),
                "transactions_total_functional": plain(r.transactions_total().functional, decimals(fun)),
                "transactions_total": plain(r.transactions_total().donor, decimals(cur)),
                "rounding_difference": r.rounding_difference.to_string(),
                "digest": r.digest,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    }
}
