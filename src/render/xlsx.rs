//! The donor workbook (rust_xlsxwriter): financial statement, budget lines,
//! transactions, receipts, charts, certification — formatted to be printed, signed and
//! stamped. Totals are Excel formulas with their values cached, so a reader that does
//! not recalculate still sees the right numbers; text is always written as text.

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula,
    Workbook, Worksheet, XlsxError,
};

use super::finance::flag_meaning;
use super::sheet::{cell, excel_date, formula, print_setup, text_with};
use super::{Lang, l};
use crate::model::money::iso_precision;
use crate::read::template::{Grouping, HeaderField};
use crate::report::budget::Flag;
use crate::report::donor::{Amounts, DonorReport, StatementRow};

/// The formats of the workbook.
struct Styles {
    title: Format,
    bold: Format,
    head: Format,
    text: Format,
    wrap: Format,
    quoted: Format,
    date: Format,
    money_donor: Format,
    money_functional: Format,
    total_donor: Format,
    total_functional: Format,
    total_text: Format,
    pct: Format,
    total_pct: Format,
}

fn money_format(currency: &str) -> &'static str {
    match iso_precision(currency).unwrap_or(2) {
        0 => "#,##0",
        _ => "#,##0.00",
    }
}

impl Styles {
    fn new(donor_currency: &str, functional: &str) -> Styles {
        let cell = || Format::new().set_border(FormatBorder::Thin);
        let total = || cell().set_bold().set_border_top(FormatBorder::Medium);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            head: cell()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#D9E1F2"),
            text: cell(),
            wrap: cell().set_text_wrap(),
            quoted: cell().set_quote_prefix(),
            date: cell().set_num_format("dd/mm/yyyy"),
            money_donor: cell().set_num_format(money_format(donor_currency)),
            money_functional: cell().set_num_format(money_format(functional)),
            total_donor: total().set_num_format(money_format(donor_currency)),
            total_functional: total().set_num_format(money_format(functional)),
            total_text: total(),
            pct: cell().set_num_format("0.0%"),
            total_pct: total().set_num_format("0.0%"),
        }
    }

    fn money(&self, donor: bool, total: bool) -> &Format {
        match (donor, total) {
            (true, false) => &self.money_donor,
            (false, false) => &self.money_functional,
            (true, true) => &self.total_donor,
            (false, true) => &self.total_functional,
        }
    }
}

/// Writes user text as text: anything a spreadsheet could run as a formula is quoted.
fn text(ws: &mut Worksheet, row: u32, col: u16, value: &str, s: &Styles) -> Result<(), XlsxError> {
    text_with(ws, row, col, value, &s.text)
}

fn ratio(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (!whole.is_zero()).then(|| part / whole)
}

fn pct_formula(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    part: u16,
    whole: u16,
    v: Option<Decimal>,
    f: &Format,
) -> Result<(), XlsxError> {
    let expr = format!(
        "=IF({w}=0,\"\",{p}/{w})",
        w = cell(row, whole),
        p = cell(row, part)
    );
    let cached = v.map_or(String::new(), |v| v.round_dp(6).normalize().to_string());
    ws.write_formula_with_format(row, col, Formula::new(expr).set_result(cached), f)?;
    Ok(())
}

/// Columns F and G of a statement row: remaining (`=C-E`) and % used (`=E/C`), with
/// their cached values so readers that do not recalculate still show them.
fn remaining_and_used(
    ws: &mut Worksheet,
    row: u32,
    approved: Decimal,
    spent: Decimal,
    money: &Format,
    pct: &Format,
) -> Result<(), XlsxError> {
    formula(
        ws,
        row,
        5,
        &format!("={}-{}", cell(row, 2), cell(row, 4)),
        approved - spent,
        money,
    )?;
    pct_formula(ws, row, 6, 4, 2, ratio(spent, approved), pct)
}

fn flags_text(flags: &[Flag]) -> String {
    flags.iter().map(|f| f.code()).collect::<Vec<_>>().join(" ")
}

/// The workbook as bytes, ready to be written atomically.
///
/// # Errors
/// A rust_xlsxwriter failure (e.g. a value Excel cannot hold).
pub fn donor_workbook(r: &DonorReport, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let s = Styles::new(&r.currency, &r.functional);
    let title = l(lang, &r.template.title_fr, &r.template.title_en).to_string();
    let mut props = DocProperties::new()
        .set_title(&title)
        .set_subject(format!(
            "{} — {} {} → {}",
            r.project.code, r.donor.id, r.from, r.to
        ))
        .set_author("fundledger")
        .set_company(r.project.beneficiary.as_deref().unwrap_or(""));
    if let Some(dt) = parse_generated(&r.generated) {
        props = props.set_creation_datetime(&dt);
    }
    wb.set_properties(&props);

    let statement_name = match r.template.grouping {
        Grouping::Category => l(lang, "État financier", "Financial statement"),
        Grouping::Activity => "FACE",
    };
    let (first_row, last_row) = statement(&mut wb, r, lang, &s, statement_name, &title)?;
    budget_lines(&mut wb, r, lang, &s)?;
    transactions(&mut wb, r, lang, &s)?;
    receipts(&mut wb, r, lang, &s)?;
    charts(&mut wb, r, lang, &s, statement_name, first_row, last_row)?;
    certification(&mut wb, r, lang, &s)?;
    wb.save_to_buffer()
}

fn parse_generated(g: &str) -> Option<ExcelDateTime> {
    // "2026-11-28T12:34:56Z"
    let date = g.get(0..10)?;
    let mut parts = date.split('-');
    let y: u16 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    let t = g.get(11..19)?;
    let mut tp = t.split(':');
    let hh: u16 = tp.next()?.parse().ok()?;
    let mm: u8 = tp.next()?.parse().ok()?;
    let ss: u8 = tp.next()?.parse().ok()?;
    ExcelDateTime::from_ymd(y, m, d)
        .ok()?
        .and_hms(hh, mm, ss)
        .ok()
}

/// The header block shared by the sheets; returns the next free row.
fn header_block(
    ws: &mut Worksheet,
    r: &DonorReport,
    lang: Lang,
    s: &Styles,
    title: &str,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(0, 0, title, &s.title)?;
    let mut row = 2;
    for h in &r.template.header {
        let value = match h.field {
            HeaderField::Contract => r
                .agreement
                .as_ref()
                .map_or(String::new(), |a| a.reference.clone()),
            HeaderField::Donor => format!(
                "{} ({})",
                l(
                    lang,
                    &r.donor.name_fr,
                    r.donor.name_en.as_deref().unwrap_or(&r.donor.name_fr)
                ),
                r.donor.id
            ),
            HeaderField::Beneficiary => r.project.beneficiary.clone().unwrap_or_default(),
            HeaderField::Project => format!(
                "{} — {}",
                r.project.code,
                l(
                    lang,
                    &r.project.name_fr,
                    r.project.name_en.as_deref().unwrap_or(&r.project.name_fr)
                )
            ),
            HeaderField::Period => format!(
                "{} → {}",
                r.from.format("%d/%m/%Y"),
                r.to.format("%d/%m/%Y")
            ),
            HeaderField::Currency => match &r.budget_rate {
                Some(rate) => format!(
                    "{} (1 {} = {} {}, {})",
                    r.currency,
                    r.currency,
                    rate.rate.normalize(),
                    r.functional,
                    l(lang, &rate.how_fr, &rate.how_en)
                ),
                None => r.currency.clone(),
            },
        };
        ws.write_string_with_format(row, 0, l(lang, &h.label_fr, &h.label_en), &s.bold)?;
        let v = value.as_str();
        if v.starts_with(['=', '+', '-', '@']) {
            ws.write_string_with_format(row, 2, v, &Format::new().set_quote_prefix())?;
        } else {
            ws.write_string(row, 2, v)?;
        }
        row += 1;
    }
    Ok(row + 1)
}

/// Sheet 1; returns the rows of the category table (for the chart).
fn statement(
    wb: &mut Workbook,
    r: &DonorReport,
    lang: Lang,
    s: &Styles,
    sheet: &str,
    title: &str,
) -> Result<(u32, u32), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let cur = r.currency.as_str();
    let fun = r.functional.as_str();
    let mut row = header_block(ws, r, lang, s, title)?;
    let head = row;
    let columns: Vec<String> = match r.template.grouping {
        Grouping::Category => vec![
            l(lang, "Rubrique", "Heading").to_string(),
            l(lang, "Intitulé", "Description").to_string(),
            format!("{} ({cur})", l(lang, "Budget approuvé", "Approved budget")),
            format!(
                "{} ({cur})",
                l(lang, "Dépenses de la période", "Expenditure this period")
            ),
            format!(
                "{} ({cur})",
                l(lang, "Dépenses cumulées", "Cumulative expenditure")
            ),
            format!("{} ({cur})", l(lang, "Solde", "Remaining")),
            l(lang, "% dépensé", "% spent").to_string(),
            l(lang, "Alerte", "Flag").to_string(),
            format!(
                "{} ({fun})",
                l(lang, "Dépenses cumulées", "Cumulative expenditure")
            ),
        ],
        Grouping::Activity => vec![
            l(lang, "Activité", "Activity").to_string(),
            l(lang, "Intitulé", "Description").to_string(),
            format!(
                "A. {} ({cur})",
                l(lang, "Montant autorisé", "Authorised amount")
            ),
            format!(
                "B. {} ({cur})",
                l(lang, "Dépenses réelles", "Actual expenditure")
            ),
            format!(
                "C. {} ({cur})",
                l(lang, "Dépenses acceptées", "Expenditure accepted")
            ),
            format!("D. {} (A − C)", l(lang, "Solde", "Balance")),
            format!("E. {}", l(lang, "Nouvelle demande", "New request")),
            format!(
                "F. {}",
                l(lang, "Montant autorisé (organisme)", "Authorised by agency")
            ),
            format!(
                "G. {} (D + F)",
                l(lang, "Solde autorisé", "Outstanding authorised")
            ),
        ],
    };
    for (c, h) in columns.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, h, &s.head)?;
    }
    ws.set_row_height(row, 45)?;
    for (c, w) in [10, 46, 18, 18, 18, 18, 12, 16, 20].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    row += 1;
    let first = row;
    match r.template.grouping {
        Grouping::Category => {
            for sr in r.rows.iter().chain(r.unmapped.iter()) {
                statement_row(ws, row, sr, lang, s, false)?;
                row += 1;
            }
            let last = row - 1;
            let (approved, period, to_date) = r.direct_total();
            let subtotal_row = row;
            let label = r
                .template
                .subtotal
                .as_ref()
                .map_or(l(lang, "Sous-total", "Subtotal"), |x| {
                    l(lang, &x.name_fr, &x.name_en)
                });
            sum_row(ws, row, label, first, last, (approved, period, to_date), s)?;
            row += 1;
            let mut total = (approved, period, to_date);
            if let Some(ind) = &r.indirect {
                statement_row(ws, row, ind, lang, s, false)?;
                let ind_row = row;
                row += 1;
                total = r.grand_total();
                let label = r
                    .template
                    .total
                    .as_ref()
                    .map_or(l(lang, "Total", "Total"), |x| {
                        l(lang, &x.name_fr, &x.name_en)
                    });
                text(ws, row, 0, "", s)?;
                ws.write_string_with_format(row, 1, label, &s.total_text)?;
                for (col, v) in [
                    (2u16, total.0.donor),
                    (3, total.1.donor),
                    (4, total.2.donor),
                ] {
                    let e = format!("={}+{}", cell(subtotal_row, col), cell(ind_row, col));
                    formula(ws, row, col, &e, v, &s.total_donor)?;
                }
                remaining_and_used(
                    ws,
                    row,
                    total.0.donor,
                    total.2.donor,
                    &s.total_donor,
                    &s.total_pct,
                )?;
                ws.write_string_with_format(row, 7, "", &s.total_text)?;
                let e = format!("={}+{}", cell(subtotal_row, 8), cell(ind_row, 8));
                formula(ws, row, 8, &e, total.2.functional, &s.total_functional)?;
                if let Some(max) = r.template.max_indirect_rate()
                    && !to_date.functional.is_zero()
                {
                    let rate = ind.to_date.functional * Decimal::ONE_HUNDRED / to_date.functional;
                    row += 1;
                    let note = format!(
                        "{} {}% {} ({} {max}%)",
                        l(lang, "Coûts indirects :", "Indirect costs:"),
                        rate.round_dp(2),
                        l(
                            lang,
                            "des coûts directs cumulés",
                            "of cumulative direct costs"
                        ),
                        l(lang, "plafond du modèle :", "template ceiling:")
                    );
                    ws.write_string(row, 1, &note)?;
                }
            }
            let total_row = row;
            row += 2;
            // Funds received and balance of funds.
            ws.write_string_with_format(
                row,
                1,
                l(lang, "Fonds reçus (cumul)", "Funds received (to date)"),
                &s.bold,
            )?;
            ws.write_with_format(row, 4, r.received_to_date.donor, &s.money_donor)?;
            ws.write_with_format(row, 8, r.received_to_date.functional, &s.money_functional)?;
            let received_row = row;
            row += 1;
            ws.write_string_with_format(
                row,
                1,
                l(
                    lang,
                    "Solde des fonds (reçus − dépenses cumulées)",
                    "Balance of funds (received − cumulative expenditure)",
                ),
                &s.bold,
            )?;
            let spent_total_row = if r.indirect.is_some() {
                total_row
            } else {
                subtotal_row
            };
            formula(
                ws,
                row,
                4,
                &format!("={}-{}", cell(received_row, 4), cell(spent_total_row, 4)),
                r.received_to_date.donor - total.2.donor,
                &s.total_donor,
            )?;
            formula(
                ws,
                row,
                8,
                &format!("={}-{}", cell(received_row, 8), cell(spent_total_row, 8)),
                r.received_to_date.functional - total.2.functional,
                &s.total_functional,
            )?;
            row += 2;
            rates_block(ws, row, r, lang, s)?;
            print_setup(ws, head, title)?;
            ws.set_freeze_panes(head + 1, 0)?;
            Ok((first, last))
        }
        Grouping::Activity => {
            for sr in &r.rows {
                text(ws, row, 0, &sr.code, s)?;
                text(ws, row, 1, l(lang, &sr.name_fr, &sr.name_en), s)?;
                ws.write_with_format(row, 2, sr.approved.donor, &s.money_donor)?;
                ws.write_with_format(row, 3, sr.period.donor, &s.money_donor)?;
                formula(
                    ws,
                    row,
                    4,
                    &format!("={}", cell(row, 3)),
                    sr.period.donor,
                    &s.money_donor,
                )?;
                formula(
                    ws,
                    row,
                    5,
                    &format!("={}-{}", cell(row, 2), cell(row, 4)),
                    sr.approved.donor - sr.period.donor,
                    &s.money_donor,
                )?;
                ws.write_blank(row, 6, &s.money_donor)?;
                ws.write_blank(row, 7, &s.money_donor)?;
                formula(
                    ws,
                    row,
                    8,
                    &format!("={}+{}", cell(row, 5), cell(row, 7)),
                    sr.approved.donor - sr.period.donor,
                    &s.money_donor,
                )?;
                row += 1;
            }
            let last = row.saturating_sub(1);
            let (a, b, _) = r.direct_total();
            ws.write_string_with_format(row, 0, "", &s.total_text)?;
            ws.write_string_with_format(row, 1, l(lang, "Total", "Total"), &s.total_text)?;
            for (col, v) in [
                (2u16, a.donor),
                (3, b.donor),
                (4, b.donor),
                (5, a.donor - b.donor),
                (6, Decimal::ZERO),
                (7, Decimal::ZERO),
                (8, a.donor - b.donor),
            ] {
                let e = format!("=SUM({}:{})", cell(first, col), cell(last.max(first), col));
                formula(ws, row, col, &e, v, &s.total_donor)?;
            }
            row += 2;
            ws.write_string(row, 0, l(
                lang,
                "C : dépenses acceptées, à confirmer par l'organisme ; E–G : nouvelle demande, à remplir.",
                "C: expenditure accepted, to be confirmed by the agency; E–G: new request, to be filled in.",
            ))?;
            row += 2;
            rates_block(ws, row, r, lang, s)?;
            print_setup(ws, head, title)?;
            ws.set_freeze_panes(head + 1, 0)?;
            Ok((first, last))
        }
    }
}

fn statement_row(
    ws: &mut Worksheet,
    row: u32,
    sr: &StatementRow,
    lang: Lang,
    s: &Styles,
    total: bool,
) -> Result<(), XlsxError> {
    text(ws, row, 0, &sr.code, s)?;
    text(ws, row, 1, l(lang, &sr.name_fr, &sr.name_en), s)?;
    ws.write_with_format(row, 2, sr.approved.donor, s.money(true, total))?;
    ws.write_with_format(row, 3, sr.period.donor, s.money(true, total))?;
    ws.write_with_format(row, 4, sr.to_date.donor, s.money(true, total))?;
    remaining_and_used(
        ws,
        row,
        sr.approved.donor,
        sr.to_date.donor,
        s.money(true, total),
        &s.pct,
    )?;
    text(ws, row, 7, &flags_text(&sr.flags), s)?;
    ws.write_with_format(row, 8, sr.to_date.functional, s.money(false, total))?;
    Ok(())
}

fn sum_row(
    ws: &mut Worksheet,
    row: u32,
    label: &str,
    first: u32,
    last: u32,
    totals: (Amounts, Amounts, Amounts),
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 0, "", &s.total_text)?;
    ws.write_string_with_format(row, 1, label, &s.total_text)?;
    let last = last.max(first);
    for (col, v) in [
        (2u16, totals.0.donor),
        (3, totals.1.donor),
        (4, totals.2.donor),
    ] {
        formula(
            ws,
            row,
            col,
            &format!("=SUM({}:{})", cell(first, col), cell(last, col)),
            v,
            &s.total_donor,
        )?;
    }
    remaining_and_used(
        ws,
        row,
        totals.0.donor,
        totals.2.donor,
        &s.total_donor,
        &s.total_pct,
    )?;
    ws.write_string_with_format(row, 7, "", &s.total_text)?;
    formula(
        ws,
        row,
        8,
        &format!("=SUM({}:{})", cell(first, 8), cell(last, 8)),
        totals.2.functional,
        &s.total_functional,
    )?;
    Ok(())
}

fn rates_block(
    ws: &mut Worksheet,
    mut row: u32,
    r: &DonorReport,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 0, l(lang, "Taux de change", "Exchange rates"), &s.bold)?;
    row += 1;
    let rule = r
        .agreement
        .as_ref()
        .map(|a| a.currency_rule.name())
        .unwrap_or("—");
    let line = match &r.budget_rate {
        None => l(
            lang,
            "Rapport dans la monnaie des livres : aucune conversion.",
            "Report in the books' currency: no conversion.",
        )
        .to_string(),
        Some(rate) => {
            let budget_rate = format!(
                "1 {} = {} {} ({})",
                r.currency,
                rate.rate.normalize(),
                r.functional,
                l(lang, &rate.how_fr, &rate.how_en)
            );
            match lang {
                Lang::Fr => format!(
                    "Règle de l'accord « {rule} » : chaque dépense est convertie à sa date, en divisant, arrondi au centime (demi vers le haut) ; budget au {budget_rate}."
                ),
                Lang::En => format!(
                    "Agreement rule \"{rule}\": each expense is converted at its date, by dividing, rounded half up to the cent; budget at {budget_rate}."
                ),
            }
        }
    };
    ws.write_string(row, 0, &line)?;
    row += 1;
    if r.budget_rate.is_some() {
        let note = format!(
            "{} {} {}.",
            l(
                lang,
                "Écart de conversion (total des dépenses converti en une fois au taux du budget − somme des dépenses converties chacune à sa date ; au taux fixe, c'est l'arrondi) :",
                "Conversion difference (total spending converted at once at the budget rate − sum of the expenses each converted at its date; at a fixed rate it is rounding):"
            ),
            r.rounding_difference,
            r.currency
        );
        ws.write_string(row, 0, &note)?;
    }
    Ok(())
}

fn budget_lines(
    wb: &mut Workbook,
    r: &DonorReport,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(l(lang, "Lignes budgétaires", "Budget lines"))?;
    let cur = r.currency.as_str();
    let fun = r.functional.as_str();
    let heads: Vec<String> = vec![
        l(lang, "Ligne", "Line").to_string(),
        l(lang, "Intitulé", "Description").to_string(),
        format!("{} ({})", l(lang, "Catégorie", "Category"), r.template.name),
        l(lang, "Activités", "Activities").to_string(),
        format!("{} ({cur})", l(lang, "Budget approuvé", "Approved budget")),
        l(lang, "Révisé", "Revised").to_string(),
        format!(
            "{} ({cur})",
            l(lang, "Dépenses de la période", "Expenditure this period")
        ),
        format!(
            "{} ({cur})",
            l(lang, "Dépenses cumulées", "Cumulative expenditure")
        ),
        format!("{} ({cur})", l(lang, "Solde", "Remaining")),
        l(lang, "% dépensé", "% spent").to_string(),
        l(lang, "Alertes", "Flags").to_string(),
        format!("{} ({fun})", l(lang, "Budget approuvé", "Approved budget")),
        format!(
            "{} ({fun})",
            l(lang, "Dépenses cumulées", "Cumulative expenditure")
        ),
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &s.head)?;
    }
    ws.set_row_height(0, 45)?;
    for (c, w) in [8, 44, 30, 12, 16, 8, 16, 16, 16, 10, 12, 16, 16]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut row = 1;
    for line in &r.lines {
        text(ws, row, 0, &line.line, s)?;
        text(ws, row, 1, l(lang, &line.name_fr, &line.name_en), s)?;
        let category = line.category.as_deref().map_or(String::new(), |c| {
            let label = r
                .template
                .category_names(c)
                .map_or("", |(fr, en)| l(lang, fr, en));
            format!("{c} {label}")
        });
        ws.write_string_with_format(row, 2, &category, &s.wrap)?;
        text(ws, row, 3, &line.activities.join(", "), s)?;
        ws.write_with_format(row, 4, line.approved.donor, &s.money_donor)?;
        text(
            ws,
            row,
            5,
            if line.revised {
                l(lang, "oui", "yes")
            } else {
                ""
            },
            s,
        )?;
        ws.write_with_format(row, 6, line.period.donor, &s.money_donor)?;
        ws.write_with_format(row, 7, line.to_date.donor, &s.money_donor)?;
        formula(
            ws,
            row,
            8,
            &format!("={}-{}", cell(row, 4), cell(row, 7)),
            line.approved.donor - line.to_date.donor,
            &s.money_donor,
        )?;
        pct_formula(
            ws,
            row,
            9,
            7,
            4,
            ratio(line.to_date.donor, line.approved.donor),
            &s.pct,
        )?;
        text(ws, row, 10, &flags_text(&line.flags), s)?;
        ws.write_with_format(row, 11, line.approved.functional, &s.money_functional)?;
        ws.write_with_format(row, 12, line.to_date.functional, &s.money_functional)?;
        row += 1;
    }
    let last = row.saturating_sub(1).max(1);
    let sum =
        |f: fn(&crate::report::donor::LineRow) -> Decimal| r.lines.iter().map(f).sum::<Decimal>();
    ws.write_string_with_format(row, 1, l(lang, "Total", "Total"), &s.total_text)?;
    for (col, v, donor) in [
        (4u16, sum(|x| x.approved.donor), true),
        (6, sum(|x| x.period.donor), true),
        (7, sum(|x| x.to_date.donor), true),
        (8, sum(|x| x.approved.donor - x.to_date.donor), true),
        (11, sum(|x| x.approved.functional), false),
        (12, sum(|x| x.to_date.functional), false),
    ] {
        formula(
            ws,
            row,
            col,
            &format!("=SUM({}:{})", cell(1, col), cell(last, col)),
            v,
            s.money(donor, true),
        )?;
    }
    row += 2;
    for f in [
        Flag::OverBudget,
        Flag::BeyondFlexibility,
        Flag::OutsideEligibility,
        Flag::OverCeiling,
    ] {
        ws.write_string(row, 1, format!("{} = {}", f.code(), flag_meaning(f, lang)))?;
        row += 1;
    }
    print_setup(ws, 0, l(lang, "Lignes budgétaires", "Budget lines"))?;
    ws.set_freeze_panes(1, 2)?;
    Ok(())
}

fn transactions(
    wb: &mut Workbook,
    r: &DonorReport,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    // Large sheets: every row costs, so cells take their column's format (no per-cell
    // format lookup), and a faster compression level is used below.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(l(lang, "Transactions", "Transactions"))?;
    let cur = r.currency.as_str();
    let fun = r.functional.as_str();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let money_fun = Format::new().set_num_format(money_format(fun));
    let money_cur = Format::new().set_num_format(money_format(cur));
    for (c, w) in [11, 16, 44, 8, 9, 44, 16, 16, 40].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_column_format(0, &date)?;
    ws.set_column_format(6, &money_fun)?;
    ws.set_column_format(7, &money_cur)?;
    let heads = [
        l(lang, "Date", "Date").to_string(),
        l(lang, "N° pièce", "Voucher").to_string(),
        l(lang, "Libellé", "Description").to_string(),
        l(lang, "Ligne", "Line").to_string(),
        l(lang, "Activité", "Activity").to_string(),
        l(lang, "Compte", "Account").to_string(),
        format!("{} ({fun})", l(lang, "Montant", "Amount")),
        format!("{} ({cur})", l(lang, "Montant", "Amount")),
        l(lang, "Source", "Source").to_string(),
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &s.head)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let plain_text =
        |ws: &mut Worksheet, row: u32, col: u16, value: &str| -> Result<(), XlsxError> {
            if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                ws.write_string_with_format(row, col, value, &s.quoted)?;
            } else {
                ws.write_string(row, col, value)?;
            }
            Ok(())
        };
    let mut row = 1u32;
    for t in &r.transactions {
        ws.write_datetime(row, 0, excel_date(t.date)?)?;
        plain_text(ws, row, 1, &t.voucher)?;
        plain_text(ws, row, 2, &t.description)?;
        plain_text(ws, row, 3, &t.line)?;
        plain_text(ws, row, 4, &t.activity)?;
        plain_text(ws, row, 5, &t.account)?;
        ws.write(row, 6, t.amount.functional)?;
        ws.write(row, 7, t.amount.donor)?;
        plain_text(ws, row, 8, &t.source)?;
        row += 1;
    }
    let last = row.saturating_sub(1).max(1);
    let total = r.transactions_total();
    ws.write_string_with_format(
        row,
        5,
        l(lang, "Total de la période", "Total for the period"),
        &s.total_text,
    )?;
    formula(
        ws,
        row,
        6,
        &format!("=SUBTOTAL(9,{}:{})", cell(1, 6), cell(last, 6)),
        total.functional,
        &s.total_functional,
    )?;
    formula(
        ws,
        row,
        7,
        &format!("=SUBTOTAL(9,{}:{})", cell(1, 7), cell(last, 7)),
        total.donor,
        &s.total_donor,
    )?;
    ws.autofilter(0, 0, last, 8)?;
    print_setup(ws, 0, l(lang, "Transactions", "Transactions"))?;
    if r.transactions.len() > 50_000 {
        wb.set_zip_compression_level(1);
    }
    Ok(())
}

fn receipts(wb: &mut Workbook, r: &DonorReport, lang: Lang, s: &Styles) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(l(lang, "Recettes", "Receipts"))?;
    let fun = r.functional.as_str();
    let heads = [
        l(lang, "Date", "Date").to_string(),
        l(lang, "Montant reçu", "Amount received").to_string(),
        l(lang, "Devise", "Currency").to_string(),
        format!("{} ({fun})", l(lang, "Taux", "Rate")),
        format!("{} ({fun})", l(lang, "Contre-valeur", "Value")),
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &s.head)?;
        ws.set_column_width(c as u16, 18)?;
    }
    let mut row = 1;
    for rc in &r.receipts {
        ws.write_datetime_with_format(row, 0, excel_date(rc.date)?, &s.date)?;
        let f = Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format(money_format(&rc.currency));
        ws.write_with_format(row, 1, rc.amount, &f)?;
        text(ws, row, 2, &rc.currency, s)?;
        ws.write_with_format(
            row,
            3,
            rc.rate.round_dp(6),
            &Format::new()
                .set_border(FormatBorder::Thin)
                .set_num_format("#,##0.000###"),
        )?;
        ws.write_with_format(row, 4, rc.functional, &s.money_functional)?;
        row += 1;
    }
    let last = row.saturating_sub(1).max(1);
    ws.write_string_with_format(row, 0, l(lang, "Total", "Total"), &s.total_text)?;
    let total: Decimal = r.receipts.iter().map(|x| x.functional).sum();
    formula(
        ws,
        row,
        4,
        &format!("=SUM({}:{})", cell(1, 4), cell(last, 4)),
        total,
        &s.total_functional,
    )?;
    row += 3;
    ws.write_string_with_format(
        row,
        0,
        l(
            lang,
            "Tranches prévues par l'accord",
            "Tranches expected by the agreement",
        ),
        &s.bold,
    )?;
    row += 1;
    ws.write_string_with_format(row, 0, l(lang, "Date", "Date"), &s.head)?;
    ws.write_string_with_format(
        row,
        1,
        format!("{} ({})", l(lang, "Montant", "Amount"), r.currency),
        &s.head,
    )?;
    row += 1;
    for (date, amount) in &r.expected {
        ws.write_datetime_with_format(row, 0, excel_date(*date)?, &s.date)?;
        ws.write_with_format(row, 1, *amount, &s.money_donor)?;
        row += 1;
    }
    print_setup(ws, 0, l(lang, "Recettes", "Receipts"))?;
    Ok(())
}

fn charts(
    wb: &mut Workbook,
    r: &DonorReport,
    lang: Lang,
    s: &Styles,
    statement_sheet: &str,
    first: u32,
    last: u32,
) -> Result<(), XlsxError> {
    let sheet = l(lang, "Graphiques", "Charts");
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    ws.write_string_with_format(0, 0, l(lang, "Mois", "Month"), &s.head)?;
    ws.write_string_with_format(
        0,
        1,
        format!("{} ({})", l(lang, "Dépenses", "Expenditure"), r.currency),
        &s.head,
    )?;
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 18)?;
    let mut row = 1;
    for ((y, m), a) in &r.months {
        ws.write_string_with_format(row, 0, format!("{y}-{m:02}"), &s.text)?;
        ws.write_with_format(row, 1, a.donor, &s.money_donor)?;
        row += 1;
    }
    let months_last = row.saturating_sub(1).max(1);

    let mut by_category = Chart::new(ChartType::Column);
    by_category.title().set_name(l(
        lang,
        "Budget et dépenses cumulées par rubrique",
        "Budget vs cumulative expenditure by heading",
    ));
    let value_col: u16 = match r.template.grouping {
        Grouping::Category => 4,
        Grouping::Activity => 3,
    };
    by_category
        .add_series()
        .set_name(l(lang, "Budget approuvé", "Approved budget"))
        .set_categories((statement_sheet, first, 1, last.max(first), 1))
        .set_values((statement_sheet, first, 2, last.max(first), 2));
    by_category
        .add_series()
        .set_name(l(lang, "Dépenses", "Expenditure"))
        .set_categories((statement_sheet, first, 1, last.max(first), 1))
        .set_values((
            statement_sheet,
            first,
            value_col,
            last.max(first),
            value_col,
        ));
    by_category.set_width(900).set_height(380);
    ws.insert_chart(1, 3, &by_category)?;

    let mut by_month = Chart::new(ChartType::Column);
    by_month
        .title()
        .set_name(l(lang, "Dépenses par mois", "Expenditure by month"));
    by_month
        .add_series()
        .set_name(&format!(
            "{} ({})",
            l(lang, "Dépenses", "Expenditure"),
            r.currency
        ))
        .set_categories((sheet, 1, 0, months_last, 0))
        .set_values((sheet, 1, 1, months_last, 1));
    by_month.set_width(900).set_height(320);
    ws.insert_chart(22, 3, &by_month)?;
    print_setup(ws, 0, sheet)?;
    Ok(())
}

fn certification(
    wb: &mut Workbook,
    r: &DonorReport,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(l(lang, "Certification", "Certification"))?;
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 90)?;
    ws.write_string_with_format(
        0,
        0,
        l(
            lang,
            "Certification du rapport financier",
            "Certification of the financial report",
        ),
        &s.title,
    )?;
    let agreement = r
        .agreement
        .as_ref()
        .map_or(String::new(), |a| a.reference.clone());
    let rows: Vec<(&str, String)> = vec![
        (
            l(lang, "Projet", "Project"),
            format!(
                "{} — {}",
                r.project.code,
                l(
                    lang,
                    &r.project.name_fr,
                    r.project.name_en.as_deref().unwrap_or(&r.project.name_fr)
                )
            ),
        ),
        (
            l(lang, "Bailleur", "Donor"),
            format!(
                "{} ({})",
                l(
                    lang,
                    &r.donor.name_fr,
                    r.donor.name_en.as_deref().unwrap_or(&r.donor.name_fr)
                ),
                r.donor.id
            ),
        ),
        (l(lang, "Accord", "Agreement"), agreement),
        (
            l(lang, "Période", "Period"),
            format!("{} → {}", r.from, r.to),
        ),
        (
            l(lang, "Modèle de rapport", "Report template"),
            r.template.name.clone(),
        ),
        (l(lang, "Généré le", "Generated on"), r.generated.clone()),
        (
            l(
                lang,
                "Empreinte du grand livre (SHA-256)",
                "Ledger digest (SHA-256)",
            ),
            r.digest.clone(),
        ),
        (
            l(
                lang,
                "Commande de régénération",
                "Command that regenerates it",
            ),
            r.command.clone(),
        ),
    ];
    let mut row = 2;
    for (k, v) in rows {
        ws.write_string_with_format(row, 0, k, &s.bold)?;
        text(ws, row, 1, &v, s)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(
        row,
        0,
        l(lang, "Fichiers du grand livre", "Ledger files"),
        &s.bold,
    )?;
    row += 1;
    for (file, sha) in &r.files {
        text(ws, row, 0, file, s)?;
        text(ws, row, 1, sha, s)?;
        row += 1;
    }
    row += 2;
    ws.write_string(row, 0, l(
        lang,
        "Nous certifions que les dépenses ci-dessus ont été engagées pour le projet, conformément à l'accord, et qu'elles sont justifiées par les pièces comptables conservées.",
        "We certify that the expenditure above was incurred for the project, in accordance with the agreement, and is supported by the accounting records kept.",
    ))?;
    row += 3;
    for who in [
        l(
            lang,
            "Établi par (responsable financier)",
            "Prepared by (finance officer)",
        ),
        l(
            lang,
            "Approuvé par (coordonnateur)",
            "Approved by (coordinator)",
        ),
    ] {
        ws.write_string_with_format(row, 0, who, &s.bold)?;
        row += 1;
        for field in [
            l(lang, "Nom et fonction :", "Name and title:"),
            l(lang, "Date :", "Date:"),
            l(lang, "Signature et cachet :", "Signature and stamp:"),
        ] {
            ws.write_string(row, 0, field)?;
            ws.write_string_with_format(
                row,
                1,
                "",
                &Format::new().set_border_bottom(FormatBorder::Thin),
            )?;
            row += 2;
        }
        row += 1;
    }
    print_setup(ws, 0, l(lang, "Certification", "Certification"))?;
    ws.set_landscape();
    Ok(())
}
