//! French and English labels for terminal and file output.

use super::Lang;

/// A label in both languages.
#[derive(Debug, Clone, Copy)]
pub struct Label {
    pub fr: &'static str,
    pub en: &'static str,
}

impl Label {
    /// The label in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        }
    }
}

macro_rules! labels {
    ($($name:ident = $fr:literal / $en:literal;)*) => {
        $(pub const $name: Label = Label { fr: $fr, en: $en };)*
    };
}

labels! {
    ACCOUNT = "Compte" / "Account";
    AMOUNT = "Montant" / "Amount";
    TOTAL = "Total" / "Total";
    DONOR = "Bailleur" / "Donor";
    LINE = "Ligne budgétaire" / "Budget line";
    ACTIVITY = "Activité" / "Activity";
    DATE = "Date" / "Date";
    VOUCHER = "N° pièce" / "Voucher";
    DESCRIPTION = "Libellé" / "Description";
    RUNNING = "Solde cumulé" / "Running total";
    NONE = "(aucun)" / "(none)";
    SOURCE = "Source" / "Source";
}

/// The column label of a dimension.
pub fn dimension(d: crate::model::Dimension) -> Label {
    match d {
        crate::model::Dimension::Donor => DONOR,
        crate::model::Dimension::Line => LINE,
        crate::model::Dimension::Activity => ACTIVITY,
    }
}
