//! Comparing spreadsheet text the way people read it: case, accents and the many ways
//! of writing "numéro" (`N°`, `No`, `Nº`, `N°pièce`) do not matter.

/// Lowercase ASCII with accents removed; `°` and `º` become `o`; every other character
/// that is not a letter or digit becomes a space; runs of spaces collapse; trimmed.
///
/// ```
/// use fundledger::read::sheet::fold::fold;
/// assert_eq!(fold("  N° de Pièce "), "no de piece");
/// assert_eq!(fold("Montant (FCFA)"), "montant fcfa");
/// assert_eq!(fold("Désignation"), "designation");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        let mapped = map_char(c);
        match mapped {
            Some(s) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push_str(s);
            }
            None => pending_space = true,
        }
    }
    out
}

/// [`fold`] with the spaces removed too: the key a header name is matched by, so that
/// `N°pièce`, `N° pièce` and `No. pièce` all give `nopiece`.
pub fn header_key(text: &str) -> String {
    fold(text).replace(' ', "")
}

/// The folded form of one character: `None` for separators.
fn map_char(c: char) -> Option<&'static str> {
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(match lower {
        'a'..='z' | '0'..='9' => return ascii(lower),
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | '°' | 'º' => "o",
        'œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        _ => return None,
    })
}

fn ascii(c: char) -> Option<&'static str> {
    const TABLE: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
    let i = TABLE.find(c)?;
    TABLE.get(i..i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numero_in_all_its_forms() {
        for h in [
            "N° pièce",
            "No pièce",
            "Nº pièce",
            "N°pièce",
            "No. Pièce",
            "N° PIECE",
        ] {
            assert_eq!(header_key(h), "nopiece", "{h}");
        }
    }

    #[test]
    fn accents_and_case() {
        assert_eq!(fold("Ligne budgétaire"), "ligne budgetaire");
        assert_eq!(fold("ACTIVITÉ"), "activite");
        assert_eq!(fold("Crédit"), "credit");
        assert_eq!(fold("Débit"), "debit");
        assert_eq!(fold("Sous-total"), "sous total");
        assert_eq!(fold("À reporter"), "a reporter");
        assert_eq!(fold(""), "");
        assert_eq!(fold("  "), "");
    }
}
