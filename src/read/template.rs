//! Donor report templates (`templates/donors/NAME.toml`): each donor format's categories
//! and labels. The shipped templates are built into the binary; a ledger may add or
//! override one with `DIR/templates/donors/NAME.toml`. Adding a format needs no Rust.

use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;

/// The templates shipped with fundledger.
const BUILTIN: &[(&str, &str)] = &[
    ("eu", include_str!("../../templates/donors/eu.toml")),
    ("undg", include_str!("../../templates/donors/undg.toml")),
    (
        "netherlands",
        include_str!("../../templates/donors/netherlands.toml"),
    ),
    (
        "glo-act",
        include_str!("../../templates/donors/glo-act.toml"),
    ),
    ("face", include_str!("../../templates/donors/face.toml")),
];

/// How a template groups expenditure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grouping {
    /// By the donor's categories (budget lines map to them).
    Category,
    /// By the project's activities (FACE).
    Activity,
}

/// One of a donor's expenditure categories (EU heading, UNDG category, …).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
}

/// The indirect-cost line of a template.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indirect {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    /// Highest rate the format allows, in percent (a string, exact).
    pub max_rate: Option<String>,
}

/// The label of a subtotal or total row.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowLabel {
    pub name_fr: String,
    pub name_en: String,
}

/// What a header field of the report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeaderField {
    /// The agreement's reference number.
    Contract,
    /// The donor's name.
    Donor,
    /// The project's beneficiary (implementing partner).
    Beneficiary,
    /// The project's name and code.
    Project,
    /// The reporting period.
    Period,
    /// The report's currency and how amounts were converted.
    Currency,
}

/// One header line of the report: a field and its label.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub field: HeaderField,
    pub label_fr: String,
    pub label_en: String,
}

/// A donor report format.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub title_fr: String,
    pub title_en: String,
    pub grouping: Grouping,
    #[serde(default)]
    pub categories: Vec<Category>,
    pub indirect: Option<Indirect>,
    /// The subtotal of direct costs, before the indirect-cost line.
    pub subtotal: Option<RowLabel>,
    /// The grand total.
    pub total: Option<RowLabel>,
    /// Header fields at the top of the statement, in order.
    #[serde(default)]
    pub header: Vec<Header>,
}

impl Template {
    /// The category with `code`.
    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// The names (fr, en) of a category or of the indirect-cost line with `code`.
    pub fn category_names(&self, code: &str) -> Option<(&str, &str)> {
        self.category(code)
            .map(|c| (c.name_fr.as_str(), c.name_en.as_str()))
            .or_else(|| {
                self.indirect
                    .as_ref()
                    .filter(|i| i.code == code)
                    .map(|i| (i.name_fr.as_str(), i.name_en.as_str()))
            })
    }

    /// Category codes in report order, the indirect-cost line last.
    pub fn codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self.categories.iter().map(|c| c.code.as_str()).collect();
        if let Some(i) = &self.indirect {
            codes.push(&i.code);
        }
        codes
    }

    /// The highest indirect rate the format allows, if it states one.
    pub fn max_indirect_rate(&self) -> Option<Decimal> {
        self.indirect
            .as_ref()
            .and_then(|i| i.max_rate.as_deref())
            .and_then(|r| r.parse().ok())
    }
}

/// Why a template cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("no donor template named {0:?} (shipped: eu, undg, netherlands, glo-act, face)")]
    Unknown(String),
    #[error("template {name}: {message}")]
    Invalid { name: String, message: String },
}

/// Loads template `name`: the ledger's own `templates/donors/NAME.toml` if present,
/// else the shipped one.
///
/// # Errors
/// An unknown name, an unreadable or invalid file.
pub fn load(name: &str, ledger_dir: Option<&Path>) -> Result<Template, TemplateError> {
    let local = ledger_dir.map(|d| d.join("templates/donors").join(format!("{name}.toml")));
    let text = match local.filter(|p| p.is_file()) {
        Some(path) => std::fs::read_to_string(&path).map_err(|e| TemplateError::Invalid {
            name: name.to_string(),
            message: format!("cannot read {}: {e}", path.display()),
        })?,
        None => BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| (*t).to_string())
            .ok_or_else(|| TemplateError::Unknown(name.to_string()))?,
    };
    let template: Template = toml::from_str(&text).map_err(|e| TemplateError::Invalid {
        name: name.to_string(),
        message: e.message().to_string(),
    })?;
    if template.name != name {
        return Err(TemplateError::Invalid {
            name: name.to_string(),
            message: format!("the file says name = {:?}", template.name),
        });
    }
    Ok(template)
}

/// Names of every template available to a ledger (shipped and its own).
pub fn names(ledger_dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| (*n).to_string()).collect();
    if let Some(dir) = ledger_dir
        && let Ok(entries) = std::fs::read_dir(dir.join("templates/donors"))
    {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "toml")
                && let Some(stem) = p.file_stem()
            {
                let n = stem.to_string_lossy().into_owned();
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_templates_are_valid() {
        for (name, _) in BUILTIN {
            let t = load(name, None).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&t.name, name);
            if t.grouping == Grouping::Category {
                assert!(t.categories.len() >= 6, "{name}");
            }
        }
        assert_eq!(
            load("eu", None).unwrap().max_indirect_rate(),
            Some(Decimal::from(7))
        );
        assert!(matches!(load("nope", None), Err(TemplateError::Unknown(_))));
    }
}
