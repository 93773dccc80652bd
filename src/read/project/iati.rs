//! The optional `[iati]` table of project.toml and `[project] country`: what an IATI
//! Activity Standard 2.03 file needs beyond the books (identifiers, organisation types,
//! sectors), validated with every problem located.
//!
//! Codes are checked against the IATI 2.03 code lists they come from where the list is
//! short and stable (OrganisationType, ActivityStatus, SectorVocabulary); identifiers
//! are only checked for shape, since the registries that issue them change.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use toml::Spanned;

use super::{MoneyValue, Validator};
use crate::model::project::{Donor, Iati, IatiOrg, IatiSector};

/// IATI OrganisationType codes (2.03 code list).
const ORGANISATION_TYPES: [&str; 16] = [
    "10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90",
];

/// IATI SectorVocabulary codes (2.03 code list).
const SECTOR_VOCABULARIES: [&str; 13] = [
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "99",
];
// (98 and 99 are "reporting organisation" vocabularies; 98 was withdrawn in 2.03.)

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIati {
    identifier: Spanned<String>,
    reporting_org: Spanned<RawOrg>,
    implementing_org: Option<Spanned<RawOrg>>,
    status: Option<Spanned<CodeValue>>,
    description_fr: Option<String>,
    description_en: Option<String>,
    #[serde(default)]
    sectors: Vec<Spanned<RawSector>>,
    #[serde(default)]
    donors: BTreeMap<String, Spanned<RawDonorOrg>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrg {
    #[serde(rename = "ref")]
    reference: Option<Spanned<String>>,
    #[serde(rename = "type")]
    org_type: Option<Spanned<CodeValue>>,
    name_fr: Spanned<String>,
    name_en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDonorOrg {
    #[serde(rename = "ref")]
    reference: Option<Spanned<String>>,
    #[serde(rename = "type")]
    org_type: Option<Spanned<CodeValue>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSector {
    vocabulary: Option<Spanned<CodeValue>>,
    code: Spanned<CodeValue>,
    percentage: Option<Spanned<MoneyValue>>,
}

/// A code written as a TOML integer (`40`) or string (`"40"`).
struct CodeValue(String);

impl<'de> Deserialize<'de> for CodeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CodeValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a code such as \"40\" or 40")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CodeValue, E> {
                Ok(CodeValue(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CodeValue, E> {
                Ok(CodeValue(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CodeValue, E> {
                Ok(CodeValue(v.trim().to_string()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// An IATI identifier: not empty, no whitespace (they end up in XML attributes and
/// in other publishers' files).
fn valid_identifier(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(char::is_whitespace)
}

impl Validator<'_> {
    /// `[project] country`: two capital letters (ISO 3166-1 alpha-2).
    pub(super) fn country(&mut self, raw: Option<&Spanned<String>>) -> Option<String> {
        let raw = raw?;
        let code = raw.get_ref().trim().to_string();
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
            self.error(
                raw.span(),
                format!(
                    "country {code:?} must be an ISO 3166-1 alpha-2 code in capitals, such as \"ML\""
                ),
            );
        }
        Some(code)
    }

    /// The `[iati]` table, checked against the project's donors.
    pub(super) fn iati(&mut self, raw: &RawIati, donors: &[Donor]) -> Iati {
        let identifier = raw.identifier.get_ref().trim().to_string();
        if !valid_identifier(&identifier) {
            self.error(
                raw.identifier.span(),
                "iati.identifier must be a non-empty identifier without spaces, e.g. \"XM-DAC-41128-MLI-CTIP-2017\"",
            );
        }
        let reporting_org = self.org("iati.reporting_org", raw.reporting_org.get_ref());
        if reporting_org.reference.is_none() || reporting_org.org_type.is_none() {
            self.error(
                raw.reporting_org.span(),
                "iati.reporting_org needs its IATI organisation identifier and type (ref = \"…\", type = \"40\")",
            );
        }
        let implementing_org = raw
            .implementing_org
            .as_ref()
            .map(|o| self.org("iati.implementing_org", o.get_ref()));
        let status = match &raw.status {
            None => 2,
            Some(s) => match s.get_ref().0.parse::<u8>() {
                Ok(n @ 1..=6) => n,
                _ => {
                    self.error(
                        s.span(),
                        format!(
                            "iati.status {:?} is not an ActivityStatus code (1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled, 6 suspended)",
                            s.get_ref().0
                        ),
                    );
                    2
                }
            },
        };
        let sectors = self.sectors(&raw.sectors);
        let mut out_donors = BTreeMap::new();
        for (id, org) in &raw.donors {
            if !donors.iter().any(|d| &d.id == id) {
                self.error(
                    org.span(),
                    format!("iati.donors.{id}: {id:?} is not a donor of the project"),
                );
            }
            let o = org.get_ref();
            out_donors.insert(
                id.clone(),
                IatiOrg {
                    reference: self.reference(&format!("iati.donors.{id}"), o.reference.as_ref()),
                    org_type: self.org_type(&format!("iati.donors.{id}"), o.org_type.as_ref()),
                    name_fr: None,
                    name_en: None,
                },
            );
        }
        Iati {
            identifier,
            reporting_org,
            implementing_org,
            status,
            description_fr: raw.description_fr.clone(),
            description_en: raw.description_en.clone(),
            sectors,
            donors: out_donors,
        }
    }

    fn org(&mut self, what: &str, raw: &RawOrg) -> IatiOrg {
        let name = raw.name_fr.get_ref().trim().to_string();
        if name.is_empty() {
            self.error(raw.name_fr.span(), format!("{what}.name_fr is empty"));
        }
        IatiOrg {
            reference: self.reference(what, raw.reference.as_ref()),
            org_type: self.org_type(what, raw.org_type.as_ref()),
            name_fr: Some(name),
            name_en: raw.name_en.clone(),
        }
    }

    fn reference(&mut self, what: &str, raw: Option<&Spanned<String>>) -> Option<String> {
        let raw = raw?;
        let r = raw.get_ref().trim().to_string();
        if !valid_identifier(&r) {
            self.error(
                raw.span(),
                format!("{what}.ref must be an IATI organisation identifier without spaces, e.g. \"XM-DAC-7\""),
            );
        }
        Some(r)
    }

    fn org_type(&mut self, what: &str, raw: Option<&Spanned<CodeValue>>) -> Option<String> {
        let raw = raw?;
        let code = raw.get_ref().0.clone();
        if !ORGANISATION_TYPES.contains(&code.as_str()) {
            self.error(
                raw.span(),
                format!(
                    "{what}.type {code:?} is not an IATI OrganisationType code ({})",
                    ORGANISATION_TYPES.join(", ")
                ),
            );
        }
        Some(code)
    }

    /// Sectors: a known vocabulary, DAC codes of the right length, percentages above
    /// zero summing to 100 within each vocabulary (a lone sector may leave it out).
    fn sectors(&mut self, raw: &[Spanned<RawSector>]) -> Vec<IatiSector> {
        let mut out = Vec::new();
        let mut totals: BTreeMap<String, (Decimal, std::ops::Range<usize>)> = BTreeMap::new();
        for s in raw {
            let r = s.get_ref();
            let vocabulary = r
                .vocabulary
                .as_ref()
                .map_or_else(|| "1".to_string(), |v| v.get_ref().0.clone());
            if let Some(v) = &r.vocabulary
                && !SECTOR_VOCABULARIES.contains(&vocabulary.as_str())
            {
                self.error(
                    v.span(),
                    format!(
                        "sector vocabulary {vocabulary:?} is not an IATI SectorVocabulary code"
                    ),
                );
            }
            let code = r.code.get_ref().0.clone();
            let digits = match vocabulary.as_str() {
                "1" => Some(5),
                "2" => Some(3),
                _ => None,
            };
            if let Some(n) = digits
                && (code.len() != n || !code.chars().all(|c| c.is_ascii_digit()))
            {
                self.error(
                    r.code.span(),
                    format!("sector {code:?}: vocabulary {vocabulary} codes have {n} digits (e.g. 15130)"),
                );
            }
            if code.is_empty() {
                self.error(r.code.span(), "a sector needs a code");
            }
            let percentage = match &r.percentage {
                Some(p) => {
                    let v = p.get_ref().0;
                    if v <= Decimal::ZERO || v > Decimal::ONE_HUNDRED {
                        self.error(
                            p.span(),
                            format!("sector {code}: percentage {v} is not above 0 and at most 100"),
                        );
                    }
                    v
                }
                None => Decimal::ONE_HUNDRED,
            };
            let entry = totals
                .entry(vocabulary.clone())
                .or_insert((Decimal::ZERO, s.span()));
            entry.0 += percentage;
            out.push(IatiSector {
                vocabulary,
                code,
                percentage,
            });
        }
        for (vocabulary, (total, span)) in totals {
            if total != Decimal::ONE_HUNDRED {
                self.error(
                    span,
                    format!("the sectors of vocabulary {vocabulary} add up to {total}%, not 100%"),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::read::project::parse_project;
    use crate::source::FileId;

    const BASE: &str = r#"
[project]
code = "T"
name_fr = "Test"
currency = "XOF"
start = 2017-01-01
end = 2017-12-31
country = "ML"

[[donors]]
id = "EU"
name_fr = "UE"
currency = "EUR"

[iati]
identifier = "XM-DAC-41128-T"
reporting_org = { ref = "XM-DAC-41128", type = 40, name_fr = "ONUDC" }
sectors = [{ code = "15130", percentage = 60 }, { vocabulary = "1", code = "15160", percentage = "40" }]

[iati.donors.EU]
ref = "XI-IATI-EC_DEVCO"
type = "40"
"#;

    fn errors(text: &str) -> Vec<String> {
        parse_project(text, FileId(0))
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn reads_the_iati_table() {
        let p = parse_project(BASE, FileId(0)).unwrap();
        assert_eq!(p.country.as_deref(), Some("ML"));
        let i = p.iati.unwrap();
        assert_eq!(i.status, 2);
        assert_eq!(i.reporting_org.org_type.as_deref(), Some("40"));
        assert_eq!(i.sectors[0].vocabulary, "1");
        assert_eq!(
            i.donors["EU"].reference.as_deref(),
            Some("XI-IATI-EC_DEVCO")
        );
    }

    #[test]
    fn bad_iati_values_are_located_errors() {
        let cases = [
            ("country = \"ML\"", "country = \"Mali\"", "ISO 3166-1"),
            ("percentage = 60", "percentage = 50", "add up to 90%"),
            ("code = \"15130\"", "code = \"1513\"", "5 digits"),
            ("type = 40", "type = 41", "OrganisationType"),
            ("[iati.donors.EU]", "[iati.donors.NL]", "not a donor"),
            (
                "identifier = \"XM-DAC-41128-T\"",
                "identifier = \"a b\"",
                "without spaces",
            ),
            ("[iati]\n", "[iati]\nstatus = 9\n", "ActivityStatus"),
            ("[iati]\n", "[iati]\nwebsite = \"x\"\n", "unknown field"),
        ];
        for (from, to, expected) in cases {
            let text = BASE.replacen(from, to, 1);
            let errs = errors(&text);
            assert!(errs.iter().any(|e| e.contains(expected)), "{to}: {errs:?}");
        }
    }
}
