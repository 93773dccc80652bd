//! The bank reconciliation statement (état de rapprochement bancaire) as a terminal
//! table, CSV, JSON or an XLSX workbook, in French or English.
//!
//! Each item is shown with its effect on the adjusted balance (a deposit in transit
//! adds, an outstanding cheque subtracts, a bank credit not booked subtracts, a bank
//! charge not booked adds, an error adds book − bank), so the statement reads down:
//! balance per bank, the sections, the adjusted balance, the balance per books, the
//! difference.

use std::io::{self, Write};

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, Workbook, XlsxError};
use serde_json::{Value, json};

use super::amount::{group, plain};
use super::sheet::{
    Heading, Styles, excel_date, formula, headers, heading, l, print_setup, sum, text, text_with,
};
use super::table::{Align, Table};
use super::{Format, Lang, spreadsheet_safe};
use crate::audit::reconcile::{BankKind, BookItem, Reconciliation, Rule, TieBreak};
use crate::audit::statement::StatementLine;

/// The sections of the statement, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    DepositsInTransit,
    Outstanding,
    BankCredits,
    BankDebits,
    Errors,
}

impl Section {
    const ALL: [Section; 5] = [
        Section::DepositsInTransit,
        Section::Outstanding,
        Section::BankCredits,
        Section::BankDebits,
        Section::Errors,
    ];

    /// The section's heading.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Section::DepositsInTransit => l(
                lang,
                "+ Remises et versements non encore crédités par la banque (dépôts en transit)",
                "+ Deposits in transit (in the books, not yet credited by the bank)",
            ),
            Section::Outstanding => l(
                lang,
                "− Chèques émis et paiements non encore débités par la banque",
                "− Outstanding cheques and payments (in the books, not yet debited)",
            ),
            Section::BankCredits => l(
                lang,
                "− Crédits de la banque non comptabilisés (intérêts, virements reçus)",
                "− Bank credits not in the books (interest, transfers received)",
            ),
            Section::BankDebits => l(
                lang,
                "+ Débits de la banque non comptabilisés (frais, agios, prélèvements)",
                "+ Bank debits not in the books (charges, direct debits)",
            ),
            Section::Errors => l(
                lang,
                "± Erreurs (montant des livres − montant de la banque)",
                "± Errors (book amount − bank amount)",
            ),
        }
    }

    /// Its name in CSV and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Section::DepositsInTransit => "deposit-in-transit",
            Section::Outstanding => "outstanding-payment",
            Section::BankCredits => "bank-credit",
            Section::BankDebits => "bank-debit",
            Section::Errors => "error",
        }
    }
}

fn kind_label(k: BankKind, lang: Lang) -> &'static str {
    match k {
        BankKind::Charges => l(lang, "frais bancaires", "bank charges"),
        BankKind::Interest => l(lang, "intérêts", "interest"),
        BankKind::Transfer => l(lang, "virement", "transfer"),
        BankKind::Other => l(lang, "autre", "other"),
    }
}

fn kind_key(k: BankKind) -> &'static str {
    match k {
        BankKind::Charges => "charges",
        BankKind::Interest => "interest",
        BankKind::Transfer => "transfer",
        BankKind::Other => "other",
    }
}

fn rule_label(r: Rule, lang: Lang) -> &'static str {
    match r {
        Rule::Reference => l(lang, "référence", "reference"),
        Rule::Amount => l(lang, "montant et date", "amount and date"),
        Rule::Grouped => l(lang, "regroupement", "grouped"),
        Rule::Split => l(lang, "fractionnement", "split"),
    }
}

fn rule_key(r: Rule) -> &'static str {
    match r {
        Rule::Reference => "reference",
        Rule::Amount => "amount",
        Rule::Grouped => "grouped",
        Rule::Split => "split",
    }
}

fn tie_label(t: TieBreak, lang: Lang) -> &'static str {
    match t {
        TieBreak::ClosestDate => l(lang, "date la plus proche", "closest date"),
        TieBreak::Voucher => l(lang, "n° de pièce", "voucher"),
        TieBreak::JournalOrder => l(lang, "ordre du journal", "journal order"),
        TieBreak::StatementOrder => l(lang, "ordre du relevé", "statement order"),
    }
}

fn tie_key(t: TieBreak) -> &'static str {
    match t {
        TieBreak::ClosestDate => "closest-date",
        TieBreak::Voucher => "voucher",
        TieBreak::JournalOrder => "journal-order",
        TieBreak::StatementOrder => "statement-order",
    }
}

/// One line of a section: what it is and its effect on the adjusted balance.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub date: chrono::NaiveDate,
    pub reference: String,
    pub description: String,
    /// Bank lines only: what it looks like.
    pub kind: Option<BankKind>,
    /// `books.journal:12` or `releve.xlsx#Relevé!A40` (both for an error).
    pub origin: String,
    /// The amount as booked (or as on the statement, in the books' sign).
    pub amount: Decimal,
    pub effect: Decimal,
}

fn book_row(k: &BookItem) -> ItemRow {
    ItemRow {
        date: k.date,
        reference: k.voucher.clone(),
        description: k.description.clone(),
        kind: None,
        origin: k.place.clone(),
        amount: k.amount,
        effect: k.amount,
    }
}

fn bank_row(line: &StatementLine, kind: BankKind) -> ItemRow {
    ItemRow {
        date: line.date,
        reference: line.reference.clone(),
        description: line.description.clone(),
        kind: Some(kind),
        origin: line.cell.clone(),
        amount: line.amount,
        effect: -line.amount,
    }
}

/// The rows of a section.
pub fn section_rows(r: &Reconciliation, s: Section, lang: Lang) -> Vec<ItemRow> {
    match s {
        Section::DepositsInTransit => r
            .deposits_in_transit
            .iter()
            .map(|i| book_row(&r.items[*i]))
            .collect(),
        Section::Outstanding => r
            .outstanding
            .iter()
            .map(|i| book_row(&r.items[*i]))
            .collect(),
        Section::BankCredits => r
            .bank_credits
            .iter()
            .map(|(i, k)| bank_row(r.line(*i), *k))
            .collect(),
        Section::BankDebits => r
            .bank_debits
            .iter()
            .map(|(i, k)| bank_row(r.line(*i), *k))
            .collect(),
        Section::Errors => r
            .errors
            .iter()
            .map(|e| {
                let (line, item) = (r.line(e.line), &r.items[e.item]);
                ItemRow {
                    date: item.date,
                    reference: item.voucher.clone(),
                    description: format!(
                        "{} — {} {}, {} {}",
                        item.description,
                        l(lang, "livres", "books"),
                        group(item.amount, Some(r.precision)),
                        l(lang, "banque", "bank"),
                        group(line.amount, Some(r.precision)),
                    ),
                    kind: None,
                    origin: format!("{} / {}", item.place, line.cell),
                    amount: item.amount,
                    effect: e.difference,
                }
            })
            .collect(),
    }
}

fn date_fr(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The statement's title.
pub fn title(lang: Lang) -> &'static str {
    l(
        lang,
        "État de rapprochement bancaire",
        "Bank reconciliation statement",
    )
}

fn bank_label(r: &Reconciliation, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("Solde selon le relevé bancaire au {}", date_fr(r.to)),
        Lang::En => format!("Balance per bank statement at {}", date_fr(r.to)),
    }
}

fn books_label(r: &Reconciliation, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!(
            "Solde selon les livres ({}) au {}",
            r.account,
            date_fr(r.to)
        ),
        Lang::En => format!("Balance per books ({}) at {}", r.account, date_fr(r.to)),
    }
}

fn adjusted_label(lang: Lang) -> &'static str {
    l(lang, "= Solde rapproché", "= Adjusted balance")
}

fn difference_label(lang: Lang) -> &'static str {
    l(
        lang,
        "Écart (livres − solde rapproché)",
        "Difference (books − adjusted)",
    )
}

/// What the matching did, in a sentence.
pub fn summary(r: &Reconciliation, lang: Lang) -> String {
    let count = |rule| r.matches.iter().filter(|m| m.rule == rule).count();
    let grouped_items: usize = r
        .matches
        .iter()
        .filter(|m| m.rule == Rule::Grouped)
        .map(|m| m.items.len())
        .sum();
    let lines = r.statement.lines.len() - r.lines_outside;
    // Split lines: one match per line; the movements they make up, once each.
    let split_lines = count(Rule::Split);
    let mut split_items: Vec<usize> = r
        .matches
        .iter()
        .filter(|m| m.rule == Rule::Split)
        .flat_map(|m| m.items.iter().copied())
        .collect();
    split_items.dedup();
    let split = match (lang, split_lines) {
        (_, 0) => String::new(),
        (Lang::Fr, n) => format!(
            ", {n} lignes fractionnées ({} écritures)",
            split_items.len()
        ),
        (Lang::En, n) => format!(", {n} split lines ({} postings)", split_items.len()),
    };
    match lang {
        Lang::Fr => format!(
            "Pointage : {} lignes du relevé sur {} rapprochées — {} par référence, {} par montant et date (±{} j), {} regroupements ({} écritures){split} ; {} erreur(s) ; {} rapprochement(s) ambigu(s) ; {} ligne(s) hors période",
            r.matches.len(),
            lines,
            count(Rule::Reference),
            count(Rule::Amount),
            r.window,
            count(Rule::Grouped),
            grouped_items,
            r.errors.len(),
            r.ambiguous().count(),
            r.lines_outside
        ),
        Lang::En => format!(
            "Matching: {} of {} statement lines matched — {} by reference, {} by amount and date (±{} d), {} grouped ({} postings){split}; {} error(s); {} ambiguous match(es); {} line(s) outside the period",
            r.matches.len(),
            lines,
            count(Rule::Reference),
            count(Rule::Amount),
            r.window,
            count(Rule::Grouped),
            grouped_items,
            r.errors.len(),
            r.ambiguous().count(),
            r.lines_outside
        ),
    }
}

/// A warning when most of the statement's lines match nothing in the account: the
/// statement then "reconciles" only by listing every line as unexplained, and the usual
/// cause is the wrong `--account` (or the wrong statement).
pub fn few_matched(r: &Reconciliation, lang: Lang) -> Option<String> {
    let lines = r.statement.lines.len() - r.lines_outside;
    (lines >= 10 && r.matches.len() * 2 < lines).then(|| match lang {
        Lang::Fr => format!(
            "Attention : seules {} des {} lignes du relevé correspondent à des écritures de {} — est-ce le bon compte (--account) ?",
            r.matches.len(),
            lines,
            r.account
        ),
        Lang::En => format!(
            "Warning: only {} of the {} statement lines match postings of {} — is it the right account (--account)?",
            r.matches.len(),
            lines,
            r.account
        ),
    })
}

fn voucher_place(k: &BookItem) -> String {
    if k.voucher.is_empty() {
        k.place.clone()
    } else {
        format!("{} ({})", k.voucher, k.place)
    }
}

/// Each ambiguous match in a sentence.
pub fn ambiguities(r: &Reconciliation, lang: Lang) -> Vec<String> {
    let p = Some(r.precision);
    let mut ambiguous: Vec<_> = r.ambiguous().collect();
    ambiguous.sort_by_key(|m| r.line(m.line).row);
    ambiguous
        .into_iter()
        .filter_map(|m| {
            let a = m.ambiguity.as_ref()?;
            let line = r.line(m.line);
            let chosen = voucher_place(&r.items[*m.items.first()?]);
            let others: Vec<String> = a
                .alternatives
                .iter()
                .map(|i| voucher_place(&r.items[*i]))
                .chain(a.rivals.iter().map(|i| r.line(*i).cell.clone()))
                .collect();
            Some(match lang {
                Lang::Fr => format!(
                    "{} ({}, {} {}) → {} par {} ; autres possibles : {}",
                    line.cell,
                    date_fr(line.date),
                    group(line.amount, p),
                    r.commodity,
                    chosen,
                    tie_label(a.decided_by, lang),
                    others.join(", ")
                ),
                Lang::En => format!(
                    "{} ({}, {} {}) → {} by {}; also possible: {}",
                    line.cell,
                    date_fr(line.date),
                    group(line.amount, p),
                    r.commodity,
                    chosen,
                    tie_label(a.decided_by, lang),
                    others.join(", ")
                ),
            })
        })
        .collect()
}

/// Writes the reconciliation.
///
/// # Errors
/// When `out` fails.
pub fn reconciliation(
    r: &Reconciliation,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let p = Some(r.precision);
    match format {
        Format::Table => {
            writeln!(out, "{} — {} ({})", title(lang), r.account, r.commodity)?;
            writeln!(
                out,
                "{} {}#{}, {} {} → {}\n",
                l(lang, "Relevé", "Statement"),
                r.statement
                    .path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                r.statement.sheet,
                l(lang, "période du", "period"),
                date_fr(r.from),
                date_fr(r.to)
            )?;
            let mut table = Table::new(&[
                (labels_date(lang), Align::Left),
                (l(lang, "Réf.", "Ref."), Align::Left),
                (l(lang, "Libellé", "Description"), Align::Left),
                (l(lang, "Origine", "Origin"), Align::Left),
                (l(lang, "Montant", "Amount"), Align::Right),
            ]);
            let line = |label: String, amount: Decimal| {
                vec![
                    String::new(),
                    String::new(),
                    label,
                    String::new(),
                    group(amount, p),
                ]
            };
            table.push(line(bank_label(r, lang), r.bank_balance));
            for s in Section::ALL {
                let rows = section_rows(r, s, lang);
                let total: Decimal = rows.iter().map(|x| x.effect).sum();
                table.push(line(s.label(lang).to_string(), total));
                for x in rows {
                    let description = match x.kind {
                        Some(k) => format!("{} ({})", x.description, kind_label(k, lang)),
                        None => x.description.clone(),
                    };
                    table.push(vec![
                        date_fr(x.date),
                        x.reference.clone(),
                        format!("    {}", truncate(&description, 60)),
                        x.origin.clone(),
                        group(x.effect, p),
                    ]);
                }
            }
            table.push(line(adjusted_label(lang).to_string(), r.adjusted()));
            table.push(line(books_label(r, lang), r.book_balance));
            table.push(line(difference_label(lang).to_string(), r.difference()));
            out.write_all(table.to_text().as_bytes())?;
            writeln!(out, "\n{}", summary(r, lang))?;
            if let Some(warning) = few_matched(r, lang) {
                writeln!(out, "{warning}")?;
            }
            let amb = ambiguities(r, lang);
            if !amb.is_empty() {
                writeln!(
                    out,
                    "{}",
                    l(
                        lang,
                        "Rapprochements ambigus (résolus par la date la plus proche, puis le n° de pièce, puis l'ordre du journal) :",
                        "Ambiguous matches (settled by the closest date, then the voucher, then journal order):"
                    )
                )?;
                for a in amb {
                    writeln!(out, "  {a}")?;
                }
            }
            Ok(())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "section",
                "date",
                "reference",
                "description",
                "kind",
                "origin",
                "amount",
                "effect",
                "rule",
                "detail",
            ])?;
            let total = |w: &mut csv::Writer<&mut dyn Write>, section: &str, amount: Decimal| {
                w.write_record([
                    section,
                    &r.to.to_string(),
                    "",
                    "",
                    "",
                    "",
                    &plain(amount, p),
                    "",
                    "",
                    "",
                ])
            };
            total(&mut w, "bank-balance", r.bank_balance)?;
            for s in Section::ALL {
                for x in section_rows(r, s, lang) {
                    w.write_record([
                        s.key(),
                        &x.date.to_string(),
                        &spreadsheet_safe(&x.reference),
                        &spreadsheet_safe(&x.description),
                        x.kind.map_or("", kind_key),
                        &spreadsheet_safe(&x.origin),
                        &plain(x.amount, p),
                        &plain(x.effect, p),
                        "",
                        "",
                    ])?;
                }
            }
            total(&mut w, "adjusted-balance", r.adjusted())?;
            total(&mut w, "book-balance", r.book_balance)?;
            total(&mut w, "difference", r.difference())?;
            for m in &r.matches {
                let line = r.line(m.line);
                let detail: Vec<String> = m
                    .items
                    .iter()
                    .map(|i| {
                        let k = &r.items[*i];
                        format!("{} {} {}", voucher_place(k), k.date, plain(k.amount, p))
                    })
                    .collect();
                let mut detail = detail.join("; ");
                if let Some(a) = &m.ambiguity {
                    detail.push_str(&format!(" [ambiguous: {}]", tie_key(a.decided_by)));
                }
                w.write_record([
                    "matched",
                    &line.date.to_string(),
                    &spreadsheet_safe(&line.reference),
                    &spreadsheet_safe(&line.description),
                    "",
                    &spreadsheet_safe(&line.cell),
                    &plain(line.amount, p),
                    "",
                    rule_key(m.rule),
                    &spreadsheet_safe(&detail),
                ])?;
            }
            w.flush()
        }
        Format::Json => {
            let item = |k: &BookItem| {
                json!({
                    "date": k.date.to_string(),
                    "voucher": k.voucher,
                    "description": k.description,
                    "amount": plain(k.amount, p),
                    "status": k.status.mark(),
                    "place": k.place,
                    "source": k.source,
                })
            };
            let line = |x: &StatementLine| {
                json!({
                    "date": x.date.to_string(),
                    "reference": x.reference,
                    "description": x.description,
                    "amount": plain(x.amount, p),
                    "cell": x.cell,
                })
            };
            let bank = |v: &[(usize, BankKind)]| -> Vec<Value> {
                v.iter()
                    .map(|(i, k)| {
                        let mut j = line(r.line(*i));
                        if let Value::Object(m) = &mut j {
                            m.insert("kind".into(), Value::String(kind_key(*k).into()));
                        }
                        j
                    })
                    .collect()
            };
            let doc = json!({
                "account": r.account,
                "commodity": r.commodity,
                "from": r.from.to_string(),
                "to": r.to.to_string(),
                "window": r.window,
                "statement": {
                    "path": r.statement.path.display().to_string(),
                    "sheet": r.statement.sheet,
                    "lines": r.statement.lines.len(),
                    "opening": r.statement.opening.as_ref().map(|b| plain(b.amount, p)),
                    "closing": r.statement.closing.as_ref().map(|b| plain(b.amount, p)),
                },
                "bank_balance": plain(r.bank_balance, p),
                "deposits_in_transit": r.deposits_in_transit.iter().map(|i| item(&r.items[*i])).collect::<Vec<_>>(),
                "outstanding_payments": r.outstanding.iter().map(|i| item(&r.items[*i])).collect::<Vec<_>>(),
                "bank_credits": bank(&r.bank_credits),
                "bank_debits": bank(&r.bank_debits),
                "errors": r.errors.iter().map(|e| json!({
                    "line": line(r.line(e.line)),
                    "posting": item(&r.items[e.item]),
                    "difference": plain(e.difference, p),
                })).collect::<Vec<_>>(),
                "adjusted_balance": plain(r.adjusted(), p),
                "book_balance": plain(r.book_balance, p),
                "difference": plain(r.difference(), p),
                "matches": r.matches.iter().map(|m| json!({
                    "rule": rule_key(m.rule),
                    "line": line(r.line(m.line)),
                    "postings": m.items.iter().map(|i| item(&r.items[*i])).collect::<Vec<_>>(),
                    "ambiguity": m.ambiguity.as_ref().map(|a| json!({
                        "decided_by": tie_key(a.decided_by),
                        "alternatives": a.alternatives.iter().map(|i| item(&r.items[*i])).collect::<Vec<_>>(),
                        "rivals": a.rivals.iter().map(|i| line(r.line(*i))).collect::<Vec<_>>(),
                    })),
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    }
}

fn labels_date(lang: Lang) -> &'static str {
    super::labels::DATE.get(lang)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// The workbook: the statement (sections totalled by formulas, the adjusted balance
/// and the difference computed by formulas), and every match with its rule.
///
/// # Errors
/// A rust_xlsxwriter failure.
pub fn workbook(r: &Reconciliation, h: &Heading, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let s = Styles::new();
    let t = title(lang);
    wb.set_properties(
        &DocProperties::new()
            .set_title(t)
            .set_subject(format!("{} — {}", r.account, date_fr(r.to)))
            .set_author("fundledger"),
    );
    let d = r.precision;
    let money = s.money(d, false);
    let total = s.money(d, true);
    {
        let ws = wb.add_worksheet();
        ws.set_name(l(lang, "Rapprochement", "Reconciliation"))?;
        let mut row = heading(ws, t, h, lang, &s)?;
        let names: Vec<String> = [
            super::labels::DATE.get(lang),
            l(lang, "Réf.", "Ref."),
            l(lang, "Libellé", "Description"),
            l(lang, "Nature", "Kind"),
            l(lang, "Origine", "Origin"),
            l(lang, "Montant", "Amount"),
            l(lang, "Effet sur le solde", "Effect on the balance"),
        ]
        .iter()
        .map(|x| (*x).to_string())
        .collect();
        let head = row;
        headers(
            ws,
            head,
            &names,
            &[11.0, 16.0, 60.0, 16.0, 44.0, 16.0, 18.0],
            &s,
        )?;
        ws.set_row_height(head, 30)?;
        row += 1;
        let bank_row_at = row;
        text_with(ws, row, 2, &bank_label(r, lang), &s.total_text)?;
        ws.write_with_format(row, 6, r.bank_balance, total)?;
        row += 1;
        let mut section_rows_at = Vec::new();
        for sec in Section::ALL {
            let items = section_rows(r, sec, lang);
            let at = row;
            row += 1;
            let first = row;
            for x in &items {
                ws.write_datetime_with_format(row, 0, excel_date(x.date)?, &s.date)?;
                text(ws, row, 1, &x.reference, &s)?;
                text(ws, row, 2, &x.description, &s)?;
                text(ws, row, 3, x.kind.map_or("", |k| kind_label(k, lang)), &s)?;
                text(ws, row, 4, &x.origin, &s)?;
                ws.write_with_format(row, 5, x.amount, money)?;
                ws.write_with_format(row, 6, x.effect, money)?;
                row += 1;
            }
            let sum_value: Decimal = items.iter().map(|x| x.effect).sum();
            text_with(ws, at, 2, sec.label(lang), &s.total_text)?;
            sum(ws, at, 6, first, row - 1, sum_value, total)?;
            section_rows_at.push(at);
        }
        let adjusted_at = row;
        text_with(ws, row, 2, adjusted_label(lang), &s.total_text)?;
        let expr = format!(
            "={}",
            std::iter::once(bank_row_at)
                .chain(section_rows_at.iter().copied())
                .map(|x| super::sheet::cell(x, 6))
                .collect::<Vec<_>>()
                .join("+")
        );
        formula(ws, row, 6, &expr, r.adjusted(), total)?;
        row += 1;
        let books_at = row;
        text_with(ws, row, 2, &books_label(r, lang), &s.total_text)?;
        ws.write_with_format(row, 6, r.book_balance, total)?;
        row += 1;
        text_with(ws, row, 2, difference_label(lang), &s.total_text)?;
        let expr = format!(
            "={}-{}",
            super::sheet::cell(books_at, 6),
            super::sheet::cell(adjusted_at, 6)
        );
        formula(ws, row, 6, &expr, r.difference(), total)?;
        row += 2;
        ws.write_string(row, 0, summary(r, lang))?;
        if let Some(warning) = few_matched(r, lang) {
            row += 1;
            text_with(ws, row, 0, &warning, &s.total_text)?;
        }
        for a in ambiguities(r, lang) {
            row += 1;
            text_with(ws, row, 0, &a, &rust_xlsxwriter::Format::new())?;
        }
        ws.set_freeze_panes(head + 1, 0)?;
        print_setup(ws, head, t)?;
    }
    {
        let ws = wb.add_worksheet();
        let name = l(lang, "Pointage", "Matches");
        ws.set_name(name)?;
        let names: Vec<String> = [
            l(lang, "Cellule du relevé", "Statement cell"),
            l(lang, "Date relevé", "Statement date"),
            l(lang, "Réf. relevé", "Statement ref."),
            l(lang, "Libellé relevé", "Statement description"),
            l(lang, "Montant relevé", "Statement amount"),
            l(lang, "Règle", "Rule"),
            l(lang, "N° pièce", "Voucher"),
            l(lang, "Date livres", "Book date"),
            l(lang, "Montant livres", "Book amount"),
            l(lang, "Écriture", "Place"),
            l(lang, "Ambiguïté", "Ambiguity"),
        ]
        .iter()
        .map(|x| (*x).to_string())
        .collect();
        headers(
            ws,
            0,
            &names,
            &[
                30.0, 11.0, 14.0, 44.0, 15.0, 16.0, 16.0, 11.0, 15.0, 22.0, 40.0,
            ],
            &s,
        )?;
        let mut row = 1;
        for m in &r.matches {
            let line = r.line(m.line);
            for (n, i) in m.items.iter().enumerate() {
                let k = &r.items[*i];
                if n == 0 {
                    text(ws, row, 0, &line.cell, &s)?;
                    ws.write_datetime_with_format(row, 1, excel_date(line.date)?, &s.date)?;
                    text(ws, row, 2, &line.reference, &s)?;
                    text(ws, row, 3, &line.description, &s)?;
                    ws.write_with_format(row, 4, line.amount, money)?;
                    text(ws, row, 5, rule_label(m.rule, lang), &s)?;
                }
                text(ws, row, 6, &k.voucher, &s)?;
                ws.write_datetime_with_format(row, 7, excel_date(k.date)?, &s.date)?;
                ws.write_with_format(row, 8, k.amount, money)?;
                text(ws, row, 9, &k.place, &s)?;
                if n == 0
                    && let Some(a) = &m.ambiguity
                {
                    let others = a.alternatives.len() + a.rivals.len();
                    text(
                        ws,
                        row,
                        10,
                        &format!("{} (+{others})", tie_label(a.decided_by, lang)),
                        &s,
                    )?;
                }
                row += 1;
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, row.saturating_sub(1).max(1), 10)?;
        print_setup(ws, 0, name)?;
    }
    wb.save_to_buffer()
}
