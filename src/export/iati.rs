//! IATI Activity Standard 2.03 export: one `<iati-activity>` describing the project,
//! valid against the 2.03 XSD (`tests/data/iati/2.03/`, checked with xmllint in the
//! tests).
//!
//! What comes from where:
//!
//! | element | source |
//! | --- | --- |
//! | `iati-identifier`, `reporting-org`, `activity-status`, `sector` | `[iati]` in project.toml |
//! | `title`, `description` | the project's names (fr, and en with `xml:lang="en"`); `[iati] description_fr/en` or a generated summary |
//! | `participating-org` | each donor, role 1 (funding), with `[iati.donors.ID]` ref and type; the implementing organisation, role 4 |
//! | `activity-date` | project start (1, planned) and end (3, planned); first transaction (2, actual start) |
//! | `recipient-country` | `[project] country`, 100 % |
//! | `budget` | per project year (calendar years clipped to the project's dates; the lines carry one amount for the whole project, so a multi-year budget is split pro rata to days, to the franc): type 1 original (Σ line amounts), and type 2 revised (Σ amounts in force at the end) when a line was revised; status 2 committed |
//! | `transaction` type 1 | each donor receipt (report::rates), in the currency it arrived in, with the donor as provider-org |
//! | `transaction` type 4 | expense postings summed per month × donor, dated the month's last expense, in the books' currency |
//!
//! Every `value` has `value-date` (the budget period's start, the transaction's date).
//! `--from`/`--to` limit the transactions, not the budgets (they are the plan).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use rust_decimal::Decimal;

use super::{ExportError, Selection};
use crate::books::Books;
use crate::model::AccountType;
use crate::model::money::allocate;
use crate::model::project::{Iati, IatiOrg, Project};
use crate::render::amount::{group_exact, plain};
use crate::report::rates::Converter;

type W = Writer<Vec<u8>>;
type R = std::io::Result<()>;

/// What the file says beyond the books.
#[derive(Debug, Clone)]
pub struct IatiSpec {
    /// `generated-datetime` and `last-updated-datetime` (`YYYY-MM-DDTHH:MM:SSZ`).
    pub generated: String,
    pub selection: Selection,
}

/// A budget of one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// 1 original, 2 revised.
    pub budget_type: u8,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub amount: Decimal,
}

/// A financial transaction of the activity file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// 1 incoming funds, 4 expenditure.
    pub flow_type: u8,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub currency: String,
    /// The donor (project id), when known.
    pub donor: Option<String>,
    /// Our reference (`transaction/@ref`).
    pub reference: String,
    pub description_fr: String,
    pub description_en: String,
}

/// The budgets per project year: original, and revised when a line was revised.
pub fn budgets(project: &Project) -> Vec<Budget> {
    let precision = project.precision(&project.currency).unwrap_or(0);
    let mut periods = Vec::new();
    let mut start = project.start;
    while start <= project.end {
        let year_end = NaiveDate::from_ymd_opt(start.year(), 12, 31).unwrap_or(project.end);
        let end = year_end.min(project.end);
        periods.push((start, end));
        match end.succ_opt() {
            Some(next) => start = next,
            None => break,
        }
    }
    let days: Vec<Decimal> = periods
        .iter()
        .map(|(s, e)| Decimal::from((*e - *s).num_days() + 1))
        .collect();
    let original: Decimal = project.lines.iter().map(|l| l.amount).sum();
    let revised: Decimal = project
        .lines
        .iter()
        .map(|l| l.in_force(project.end).0)
        .sum();
    let any_revision = project.lines.iter().any(|l| l.revised_on(project.end));
    let mut out = Vec::new();
    for (budget_type, total) in [(1u8, Some(original)), (2, any_revision.then_some(revised))] {
        let Some(total) = total else { continue };
        let parts = allocate(total, &days, precision).unwrap_or_else(|_| {
            let mut v = vec![Decimal::ZERO; days.len()];
            if let Some(first) = v.first_mut() {
                *first = total;
            }
            v
        });
        for ((s, e), amount) in periods.iter().zip(parts) {
            out.push(Budget {
                budget_type,
                start: *s,
                end: *e,
                amount,
            });
        }
    }
    out
}

/// Incoming funds (each receipt) and expenditure (per month × donor), in date order.
pub fn flows(books: &Books, project: &Project, selection: &Selection) -> Vec<Flow> {
    let j = &books.journal;
    let mut out = Vec::new();
    let converter = Converter::new(j, project);
    let in_range =
        |d: NaiveDate| selection.from.is_none_or(|f| d >= f) && selection.to.is_none_or(|t| d <= t);
    let donor_name = |id: &str, en: bool| {
        project.donor(id).map_or(id.to_string(), |d| {
            if en {
                d.name_en.clone().unwrap_or_else(|| d.name_fr.clone())
            } else {
                d.name_fr.clone()
            }
        })
    };
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for r in converter.receipts() {
        if !in_range(r.date) || selection.donor.as_ref().is_some_and(|d| *d != r.donor) {
            continue;
        }
        let n = count.entry(r.donor.clone()).or_default();
        *n += 1;
        let precision = project
            .precision(&r.currency)
            .or_else(|| crate::model::money::iso_precision(&r.currency));
        let fr_amount = |q: Decimal, p: Option<u32>| {
            crate::render::amount::group(q, p)
                .replace(',', "\u{202f}")
                .replace('.', ",")
        };
        let en_amount = |q: Decimal, p: Option<u32>| crate::render::amount::group(q, p);
        let functional_precision = project.precision(&project.currency);
        let (in_fr, in_en) = if r.currency == project.currency {
            (String::new(), String::new())
        } else {
            (
                format!(
                    " ({} {})",
                    fr_amount(r.functional, functional_precision),
                    project.currency
                ),
                format!(
                    " ({} {})",
                    en_amount(r.functional, functional_precision),
                    project.currency
                ),
            )
        };
        out.push(Flow {
            flow_type: 1,
            date: r.date,
            amount: r.amount,
            currency: r.currency.clone(),
            donor: Some(r.donor.clone()),
            reference: format!("IN-{}-{}-{n}", r.donor, r.date.year()),
            description_fr: format!(
                "Tranche {n} reçue de {} : {} {}{in_fr}",
                donor_name(&r.donor, false),
                fr_amount(r.amount, precision),
                r.currency,
            ),
            description_en: format!(
                "Tranche {n} received from {}: {} {}{in_en}",
                donor_name(&r.donor, true),
                en_amount(r.amount, precision),
                r.currency,
            ),
        });
    }
    // Expenditure per (month, donor in project order), in the books' currency.
    let types = j.account_types();
    let functional = j.commodities.get(&project.currency);
    let donor_rank = |id: Option<&str>| {
        id.and_then(|id| project.donors.iter().position(|d| d.id == id))
            .unwrap_or(usize::MAX)
    };
    // (year, month, donor's rank in the project, donor) → (sum, last date)
    type Month = (i32, u32, usize, Option<String>);
    let mut spent: BTreeMap<Month, (Decimal, NaiveDate)> = BTreeMap::new();
    for t in &j.transactions {
        if !in_range(t.date) {
            continue;
        }
        for p in j.postings_of(t) {
            if types[p.account.index()] != Some(AccountType::Expense) {
                continue;
            }
            let donor = p.dims.donor.map(|d| j.symbol(d).to_string());
            if selection.donor.is_some() && selection.donor != donor {
                continue;
            }
            let Some(w) = j.weight(p, |c| books.precisions.of(c)) else {
                continue;
            };
            if Some(w.commodity) != functional {
                continue;
            }
            let key = (
                t.date.year(),
                t.date.month(),
                donor_rank(donor.as_deref()),
                donor,
            );
            let e = spent.entry(key).or_insert((Decimal::ZERO, t.date));
            e.0 += w.quantity;
            e.1 = e.1.max(t.date);
        }
    }
    for ((year, month, _, donor), (amount, last)) in spent {
        let who = donor.as_deref().unwrap_or("");
        let (by_fr, by_en) = match &donor {
            Some(d) => (
                format!(" financées par {}", donor_name(d, false)),
                format!(" funded by {}", donor_name(d, true)),
            ),
            None => (String::new(), String::new()),
        };
        out.push(Flow {
            flow_type: 4,
            date: last,
            amount,
            currency: project.currency.clone(),
            donor: donor.clone(),
            reference: format!(
                "EXP-{year}-{month:02}{}{who}",
                if who.is_empty() { "" } else { "-" }
            ),
            description_fr: format!("Dépenses de {}{by_fr}", month_fr(year, month)),
            description_en: format!("Expenditure of {}{by_en}", month_en(year, month)),
        });
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.flow_type.cmp(&b.flow_type)));
    out
}

fn month_fr(year: i32, month: u32) -> String {
    const M: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    format!("{} {year}", M[(month as usize + 11) % 12])
}

fn month_en(year: i32, month: u32) -> String {
    const M: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {year}", M[(month as usize + 11) % 12])
}

/// The IATI activity file of `books`.
///
/// # Errors
/// No project, no `[iati]` table, or an XML write failure.
pub fn write(books: &Books, spec: &IatiSpec) -> Result<Vec<u8>, ExportError> {
    let project = books.project.as_ref().ok_or_else(|| {
        ExportError::Missing(
            "the IATI export needs a ledger directory with project.toml (use -L DIR, not -f)"
                .to_string(),
        )
    })?;
    let iati = project.iati.as_ref().ok_or_else(|| {
        ExportError::Missing(format!(
            "project {} has no [iati] table: add its identifier, reporting organisation and sectors to project.toml (README, \"The project file\")",
            project.code
        ))
    })?;
    let first_date = books.journal.transactions.iter().map(|t| t.date).min();
    let flows = flows(books, project, &spec.selection);
    let budgets = budgets(project);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("iati-activities")
        .with_attribute(("version", "2.03"))
        .with_attribute(("generated-datetime", spec.generated.as_str()))
        .write_inner_content(|w| {
            w.create_element("iati-activity")
                .with_attribute(("xml:lang", "fr"))
                .with_attribute(("default-currency", project.currency.as_str()))
                .with_attribute(("last-updated-datetime", spec.generated.as_str()))
                .write_inner_content(|w| {
                    activity(w, project, iati, first_date, &budgets, &flows)
                })?;
            Ok(())
        })?;
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

fn activity(
    w: &mut W,
    project: &Project,
    iati: &Iati,
    first_date: Option<NaiveDate>,
    budgets: &[Budget],
    flows: &[Flow],
) -> R {
    text_element(w, "iati-identifier", &iati.identifier)?;
    let reporting = &iati.reporting_org;
    w.create_element("reporting-org")
        .with_attribute(("ref", reporting.reference.as_deref().unwrap_or("")))
        .with_attribute(("type", reporting.org_type.as_deref().unwrap_or("")))
        .write_inner_content(|w| org_names(w, reporting, None))?;
    w.create_element("title")
        .write_inner_content(|w| narratives(w, &project.name_fr, project.name_en.as_deref()))?;
    let (desc_fr, desc_en) = descriptions(project, iati);
    w.create_element("description")
        .with_attribute(("type", "1"))
        .write_inner_content(|w| narratives(w, &desc_fr, Some(&desc_en)))?;
    for d in &project.donors {
        let org = iati.donors.get(&d.id);
        let mut e = w.create_element("participating-org");
        if let Some(r) = org.and_then(|o| o.reference.as_deref()) {
            e = e.with_attribute(("ref", r));
        }
        e = e.with_attribute(("role", "1"));
        if let Some(t) = org.and_then(|o| o.org_type.as_deref()) {
            e = e.with_attribute(("type", t));
        }
        e.write_inner_content(|w| narratives(w, &d.name_fr, d.name_en.as_deref()))?;
    }
    let implementing = iati.implementing_org.as_ref().unwrap_or(reporting);
    let mut e = w.create_element("participating-org");
    if let Some(r) = implementing.reference.as_deref() {
        e = e.with_attribute(("ref", r));
    }
    e = e.with_attribute(("role", "4"));
    if let Some(t) = implementing.org_type.as_deref() {
        e = e.with_attribute(("type", t));
    }
    e.write_inner_content(|w| org_names(w, implementing, project.beneficiary.as_deref()))?;
    w.create_element("activity-status")
        .with_attribute(("code", iati.status.to_string().as_str()))
        .write_empty()?;
    let mut dates = vec![("1", project.start)];
    if let Some(d) = first_date {
        dates.push(("2", d));
    }
    dates.push(("3", project.end));
    for (kind, date) in dates {
        w.create_element("activity-date")
            .with_attribute(("type", kind))
            .with_attribute(("iso-date", date.to_string().as_str()))
            .write_empty()?;
    }
    if let Some(c) = &project.country {
        w.create_element("recipient-country")
            .with_attribute(("code", c.as_str()))
            .with_attribute(("percentage", "100"))
            .write_empty()?;
    }
    for s in &iati.sectors {
        w.create_element("sector")
            .with_attribute(("vocabulary", s.vocabulary.as_str()))
            .with_attribute(("code", s.code.as_str()))
            .with_attribute(("percentage", s.percentage.normalize().to_string().as_str()))
            .write_empty()?;
    }
    let precision = project.precision(&project.currency);
    for b in budgets {
        w.create_element("budget")
            .with_attribute(("type", b.budget_type.to_string().as_str()))
            .with_attribute(("status", "2"))
            .write_inner_content(|w| {
                date_element(w, "period-start", b.start)?;
                date_element(w, "period-end", b.end)?;
                value(w, b.amount, precision, None, b.start)
            })?;
    }
    for f in flows {
        w.create_element("transaction")
            .with_attribute(("ref", f.reference.as_str()))
            .write_inner_content(|w| {
                w.create_element("transaction-type")
                    .with_attribute(("code", f.flow_type.to_string().as_str()))
                    .write_empty()?;
                date_element(w, "transaction-date", f.date)?;
                let foreign = (f.currency != project.currency).then_some(f.currency.as_str());
                let p = project
                    .precision(&f.currency)
                    .or_else(|| crate::model::money::iso_precision(&f.currency));
                value(w, f.amount, p, foreign, f.date)?;
                w.create_element("description").write_inner_content(|w| {
                    narratives(w, &f.description_fr, Some(&f.description_en))
                })?;
                if f.flow_type == 1
                    && let Some(d) = f.donor.as_deref()
                {
                    let org = iati.donors.get(d);
                    let mut e = w.create_element("provider-org");
                    if let Some(r) = org.and_then(|o| o.reference.as_deref()) {
                        e = e.with_attribute(("ref", r));
                    }
                    if let Some(t) = org.and_then(|o| o.org_type.as_deref()) {
                        e = e.with_attribute(("type", t));
                    }
                    let name = project
                        .donor(d)
                        .map_or(d.to_string(), |x| x.name_fr.clone());
                    e.write_inner_content(|w| {
                        narrative(w, &name, None)?;
                        Ok(())
                    })?;
                    let mut e = w.create_element("receiver-org");
                    if let Some(r) = implementing.reference.as_deref() {
                        e = e.with_attribute(("ref", r));
                    }
                    if let Some(t) = implementing.org_type.as_deref() {
                        e = e.with_attribute(("type", t));
                    }
                    e.write_inner_content(|w| {
                        org_names(w, implementing, project.beneficiary.as_deref())
                    })?;
                }
                Ok(())
            })?;
    }
    Ok(())
}

/// The description: `[iati] description_fr/en`, or a summary of the project.
fn descriptions(project: &Project, iati: &Iati) -> (String, String) {
    let budget: Decimal = project.lines.iter().map(|l| l.amount).sum();
    let grouped = group_exact(budget);
    let by = project
        .beneficiary
        .as_deref()
        .map(|b| {
            (
                format!(", mis en œuvre par {b}"),
                format!(", implemented by {b}"),
            )
        })
        .unwrap_or_default();
    let fr = iati.description_fr.clone().unwrap_or_else(|| {
        format!(
            "{} — projet {} du {} au {}{}. Budget : {} {}.",
            project.name_fr,
            project.code,
            project.start,
            project.end,
            by.0,
            grouped.replace(',', " "),
            project.currency
        )
    });
    let en = iati.description_en.clone().unwrap_or_else(|| {
        format!(
            "{} — project {} from {} to {}{}. Budget: {} {}.",
            project.name_en.as_deref().unwrap_or(&project.name_fr),
            project.code,
            project.start,
            project.end,
            by.1,
            grouped,
            project.currency
        )
    });
    (fr, en)
}

fn org_names(w: &mut W, org: &IatiOrg, fallback: Option<&str>) -> R {
    match (&org.name_fr, fallback) {
        (Some(fr), _) => narratives(w, fr, org.name_en.as_deref()),
        (None, Some(f)) => narrative(w, f, None),
        (None, None) => narrative(w, "—", None),
    }
}

/// A French narrative (the activity's language) and, when given, an English one.
fn narratives(w: &mut W, fr: &str, en: Option<&str>) -> R {
    narrative(w, fr, None)?;
    if let Some(en) = en {
        narrative(w, en, Some("en"))?;
    }
    Ok(())
}

fn narrative(w: &mut W, text: &str, lang: Option<&str>) -> R {
    let mut e = w.create_element("narrative");
    if let Some(l) = lang {
        e = e.with_attribute(("xml:lang", l));
    }
    e.write_text_content(text_node(text))?;
    Ok(())
}

fn text_element(w: &mut W, name: &str, text: &str) -> R {
    w.create_element(name).write_text_content(text_node(text))?;
    Ok(())
}

/// Text content with only `<`, `>` and `&` escaped (apostrophes and quotes stay
/// readable; they need no escaping in element content).
fn text_node(text: &str) -> BytesText<'static> {
    BytesText::from_escaped(quick_xml::escape::partial_escape(xml_text(text)).into_owned())
}

fn date_element(w: &mut W, name: &str, date: NaiveDate) -> R {
    w.create_element(name)
        .with_attribute(("iso-date", date.to_string().as_str()))
        .write_empty()?;
    Ok(())
}

fn value(
    w: &mut W,
    amount: Decimal,
    precision: Option<u32>,
    currency: Option<&str>,
    date: NaiveDate,
) -> R {
    let mut e = w.create_element("value");
    if let Some(c) = currency {
        e = e.with_attribute(("currency", c));
    }
    e.with_attribute(("value-date", date.to_string().as_str()))
        .write_text_content(text_node(&plain(amount, precision)))?;
    Ok(())
}

/// Text XML 1.0 can carry: control characters other than tab and line breaks removed.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}
