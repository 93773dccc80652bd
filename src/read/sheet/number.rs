//! Amounts as spreadsheets write them, read exactly: French `1 234 567` and `1 234,50`
//! (plain, no-break or narrow no-break spaces), English `1,234,567.00`, negatives with a
//! minus sign or in parentheses, a currency word before or after. And a numeric cell's
//! binary float turned into an exact decimal by rounding to the commodity's precision,
//! refusing values that are not whole at that precision.

use rust_decimal::Decimal;

/// How numbers are written in text cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberStyle {
    /// Decimal comma; digit groups separated by spaces (or dots): `1 234 567,50`.
    Fr,
    /// Decimal point; digit groups separated by commas (or spaces): `1,234,567.50`.
    En,
}

impl NumberStyle {
    /// An example of the style, for messages.
    pub fn example(self) -> &'static str {
        match self {
            NumberStyle::Fr => "1 234 567 or 1 234,50",
            NumberStyle::En => "1,234,567 or 1,234.50",
        }
    }
}

/// Why text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("not a number")]
    NotANumber,
    #[error("digit groups are not groups of three")]
    BadGrouping,
    #[error("ambiguous: a single `.` could be a decimal point or a thousands separator")]
    Ambiguous,
    #[error("too large")]
    TooLarge,
    /// A currency word naming another currency than the one expected.
    #[error("in {0}")]
    OtherCurrency(&'static str),
}

/// Currency words accepted before or after a number (compared in upper case).
const CURRENCY_WORDS: [&str; 9] = ["F CFA", "FCFA", "CFA", "XOF", "EUR", "USD", "€", "$", "F"];

/// Reads `text` as an exact decimal written in `style`.
///
/// ```
/// use fundledger::read::sheet::number::{parse_amount, NumberStyle};
/// use rust_decimal::Decimal;
/// assert_eq!(parse_amount("1\u{202f}234\u{202f}567", NumberStyle::Fr), Ok(Decimal::from(1_234_567)));
/// assert_eq!(parse_amount("(1 250 FCFA)", NumberStyle::Fr), Ok(Decimal::from(-1250)));
/// assert_eq!(parse_amount("1,234.50", NumberStyle::En), Ok(Decimal::new(123450, 2)));
/// ```
///
/// # Errors
/// When the text is not a number in that style.
pub fn parse_amount(text: &str, style: NumberStyle) -> Result<Decimal, NumberError> {
    parse_with_currency(text, style).map(|(d, _)| d)
}

/// [`parse_amount`] for an amount in `commodity`: a currency word naming another
/// currency (`1 500 €` where XOF is expected) is refused, never read as XOF.
///
/// ```
/// use fundledger::read::sheet::number::{parse_amount_in, NumberError, NumberStyle};
/// use rust_decimal::Decimal;
/// assert_eq!(parse_amount_in("5 000 F CFA", NumberStyle::Fr, "XOF"), Ok(Decimal::from(5000)));
/// assert_eq!(parse_amount_in("1 500 €", NumberStyle::Fr, "XOF"), Err(NumberError::OtherCurrency("EUR")));
/// ```
///
/// # Errors
/// When the text is not a number in that style, or is in another currency.
pub fn parse_amount_in(
    text: &str,
    style: NumberStyle,
    commodity: &str,
) -> Result<Decimal, NumberError> {
    let (d, word) = parse_with_currency(text, style)?;
    match word.map(currency_of) {
        Some(code) if !same_currency(code, commodity) => Err(NumberError::OtherCurrency(code)),
        _ => Ok(d),
    }
}

/// The currency a currency word stands for (`F CFA`, `FCFA`, `CFA`, `F` → XOF).
fn currency_of(word: &str) -> &'static str {
    match word {
        "EUR" | "€" => "EUR",
        "USD" | "$" => "USD",
        _ => "XOF",
    }
}

/// True when `code` (from a currency word) is `commodity`; the CFA franc words also
/// stand for the Central African franc (XAF) and the commodity `FCFA`.
fn same_currency(code: &str, commodity: &str) -> bool {
    code.eq_ignore_ascii_case(commodity)
        || (code == "XOF"
            && ["XAF", "FCFA"]
                .iter()
                .any(|c| c.eq_ignore_ascii_case(commodity)))
}

/// The amount and the currency word written with it, if any.
fn parse_with_currency(
    text: &str,
    style: NumberStyle,
) -> Result<(Decimal, Option<&'static str>), NumberError> {
    let mut s = text.trim();
    let mut negative = false;
    let mut word = None;
    s = strip(s, &mut word);
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = strip(inner.trim(), &mut word);
    }
    if let Some(rest) = s.strip_prefix(['-', '\u{2212}']) {
        negative = !negative;
        s = strip(rest.trim_start(), &mut word);
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.trim_start();
    } else if let Some(rest) = s.strip_suffix(['-', '\u{2212}']) {
        negative = !negative;
        s = rest.trim_end();
    }
    if s.is_empty() {
        return Err(NumberError::NotANumber);
    }
    let (decimal_mark, dot_groups) = match style {
        NumberStyle::Fr => (',', true),
        NumberStyle::En => ('.', false),
    };
    let (int_part, frac_part) = match s.split_once(decimal_mark) {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if let Some(f) = frac_part
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(NumberError::NotANumber);
    }
    // Split the integer part into digit groups.
    let mut groups: Vec<&str> = Vec::new();
    let mut separators = 0usize;
    let mut dots = 0usize;
    let mut start = 0;
    for (i, c) in int_part.char_indices() {
        if c.is_ascii_digit() {
            continue;
        }
        let is_group =
            c.is_whitespace() || (style == NumberStyle::En && c == ',') || (dot_groups && c == '.');
        if !is_group {
            return Err(NumberError::NotANumber);
        }
        if c == '.' {
            dots += 1;
        }
        groups.push(&int_part[start..i]);
        separators += 1;
        start = i + c.len_utf8();
    }
    groups.push(&int_part[start..]);
    if groups.iter().any(|g| g.is_empty()) {
        return Err(NumberError::BadGrouping);
    }
    if separators > 0 {
        if groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(NumberError::BadGrouping);
        }
        if dots > 0 && dots != separators {
            return Err(NumberError::BadGrouping);
        }
        if dots == 1 && frac_part.is_none() {
            return Err(NumberError::Ambiguous);
        }
    }
    let mut digits = String::with_capacity(s.len() + 2);
    if negative {
        digits.push('-');
    }
    for g in &groups {
        digits.push_str(g);
    }
    if let Some(f) = frac_part {
        digits.push('.');
        digits.push_str(f);
    }
    if digits.trim_start_matches('-').len() > 27 {
        return Err(NumberError::TooLarge);
    }
    Decimal::from_str_exact(&digits)
        .map(|d| (d, word))
        .map_err(|_| NumberError::TooLarge)
}

/// [`strip_currency`], keeping in `word` the word found (one naming another currency
/// than the CFA franc rather than a franc word, so that it cannot go unnoticed).
fn strip<'a>(s: &'a str, word: &mut Option<&'static str>) -> &'a str {
    let (rest, found) = strip_currency(s);
    if word.is_none_or(|w| currency_of(w) == "XOF") && found.is_some() {
        *word = found;
    }
    rest
}

/// `s` without a currency word before or after it, and the word (with two, the one
/// naming another currency than the CFA franc, else the one after).
fn strip_currency(s: &str) -> (&str, Option<&'static str>) {
    let mut s = s.trim();
    let mut found = None;
    for word in CURRENCY_WORDS {
        if let Some(rest) = strip_prefix_ci(s, word)
            && (word.len() > 1 || rest.starts_with(char::is_whitespace))
        {
            s = rest.trim_start();
            found = Some(word);
            break;
        }
    }
    for word in CURRENCY_WORDS {
        if let Some(rest) = strip_suffix_ci(s, word)
            && (word.len() > 1 || rest.ends_with(char::is_whitespace))
        {
            s = rest.trim_end();
            found = found.filter(|w| currency_of(w) != "XOF").or(Some(word));
            break;
        }
    }
    (s, found)
}

fn strip_prefix_ci<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let head = s.get(..word.len())?;
    head.eq_ignore_ascii_case(word).then(|| &s[word.len()..])
}

fn strip_suffix_ci<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let at = s.len().checked_sub(word.len())?;
    let tail = s.get(at..)?;
    tail.eq_ignore_ascii_case(word).then(|| &s[..at])
}

/// Why a numeric cell cannot be an amount at the wanted precision.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum FloatError {
    #[error("not a finite number")]
    NotFinite,
    #[error("too large to be exact in a spreadsheet cell")]
    TooLarge,
    #[error("has more decimals than allowed")]
    TooPrecise,
}

/// A spreadsheet cell's binary float as an exact decimal with at most `decimals`
/// decimals: the float is scaled and rounded to the nearest unit, and refused when it
/// is farther from that unit than floating-point noise (a few ulps), i.e. when the cell
/// really holds a fraction of the unit (`1234.5` XOF).
///
/// ```
/// use fundledger::read::sheet::number::float_to_decimal;
/// use rust_decimal::Decimal;
/// assert_eq!(float_to_decimal(1_250_000.0, 0), Ok(Decimal::from(1_250_000)));
/// assert_eq!(float_to_decimal(0.1 + 0.2, 2), Ok(Decimal::new(30, 2)));
/// assert!(float_to_decimal(1234.5, 0).is_err());
/// ```
///
/// # Errors
/// Not finite, beyond 2^53 units (where floats stop being exact), or not whole.
pub fn float_to_decimal(value: f64, decimals: u32) -> Result<Decimal, FloatError> {
    if !value.is_finite() {
        return Err(FloatError::NotFinite);
    }
    let decimals = decimals.min(15);
    let scale = 10f64.powi(decimals as i32);
    let scaled = value * scale;
    const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    if scaled.abs() > EXACT_LIMIT {
        return Err(FloatError::TooLarge);
    }
    let rounded = scaled.round();
    let tolerance = (scaled.abs() * f64::EPSILON * 16.0).max(1e-9);
    if (scaled - rounded).abs() > tolerance {
        return Err(FloatError::TooPrecise);
    }
    #[allow(clippy::cast_possible_truncation)]
    let units = rounded as i128;
    Ok(Decimal::from_i128_with_scale(units, decimals).normalize())
}

/// A float as people expect to see it in a message: `1234.5`, `1250000`.
pub fn show_float(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        let whole = value as i64;
        whole.to_string()
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn fr(s: &str) -> Result<Decimal, NumberError> {
        parse_amount(s, NumberStyle::Fr)
    }
    fn en(s: &str) -> Result<Decimal, NumberError> {
        parse_amount(s, NumberStyle::En)
    }

    #[test]
    fn french_numbers() {
        assert_eq!(fr("1 234 567"), Ok(dec!(1234567)));
        assert_eq!(fr("1\u{a0}234\u{a0}567"), Ok(dec!(1234567)));
        assert_eq!(fr("1\u{202f}234\u{202f}567"), Ok(dec!(1234567)));
        assert_eq!(fr("1 234,50"), Ok(dec!(1234.50)));
        assert_eq!(fr("1234,5"), Ok(dec!(1234.5)));
        assert_eq!(fr("1.234.567"), Ok(dec!(1234567)));
        assert_eq!(fr("1.234,50"), Ok(dec!(1234.50)));
        assert_eq!(fr("200 000 000 FCFA"), Ok(dec!(200000000)));
        assert_eq!(fr("F CFA 5 000"), Ok(dec!(5000)));
        assert_eq!(fr("5 000 F"), Ok(dec!(5000)));
        assert_eq!(fr("-1 250"), Ok(dec!(-1250)));
        assert_eq!(fr("(1 250)"), Ok(dec!(-1250)));
        assert_eq!(fr("( 1 250 XOF )"), Ok(dec!(-1250)));
        assert_eq!(fr("1 250-"), Ok(dec!(-1250)));
        assert_eq!(fr("0"), Ok(dec!(0)));
    }

    #[test]
    fn french_refusals() {
        assert_eq!(fr("1.234"), Err(NumberError::Ambiguous));
        assert_eq!(fr("1234.50"), Err(NumberError::BadGrouping));
        assert_eq!(fr("1 23 456"), Err(NumberError::BadGrouping));
        assert_eq!(fr("12O 000"), Err(NumberError::NotANumber));
        assert_eq!(fr("abc"), Err(NumberError::NotANumber));
        assert_eq!(fr(""), Err(NumberError::NotANumber));
        assert_eq!(fr("1 234,"), Err(NumberError::NotANumber));
        assert_eq!(fr("1,2,3"), Err(NumberError::NotANumber));
        assert_eq!(fr("1 234.567,5"), Err(NumberError::BadGrouping));
    }

    #[test]
    fn currency_words_must_name_the_commodity() {
        let xof = |s| parse_amount_in(s, NumberStyle::Fr, "XOF");
        assert_eq!(xof("5 000 F CFA"), Ok(dec!(5000)));
        assert_eq!(xof("XOF 5 000"), Ok(dec!(5000)));
        assert_eq!(xof("5 000 F"), Ok(dec!(5000)));
        assert_eq!(xof("1 500 €"), Err(NumberError::OtherCurrency("EUR")));
        assert_eq!(xof("(75 eur)"), Err(NumberError::OtherCurrency("EUR")));
        assert_eq!(xof("$ 1 000 FCFA"), Err(NumberError::OtherCurrency("USD")));
        assert_eq!(xof("- USD 10"), Err(NumberError::OtherCurrency("USD")));
        assert_eq!(
            parse_amount_in("5 000 FCFA", NumberStyle::Fr, "XAF"),
            Ok(dec!(5000))
        );
        assert_eq!(
            parse_amount_in("5 000 FCFA", NumberStyle::Fr, "FCFA"),
            Ok(dec!(5000))
        );
        assert_eq!(
            parse_amount_in("12,50 €", NumberStyle::Fr, "EUR"),
            Ok(dec!(12.50))
        );
        assert_eq!(
            parse_amount_in("12,50 FCFA", NumberStyle::Fr, "EUR"),
            Err(NumberError::OtherCurrency("XOF"))
        );
    }

    #[test]
    fn english_numbers() {
        assert_eq!(en("1,234,567.00"), Ok(dec!(1234567.00)));
        assert_eq!(en("1,234"), Ok(dec!(1234)));
        assert_eq!(en("(1,234.50)"), Ok(dec!(-1234.50)));
        assert_eq!(en("1 234.50"), Ok(dec!(1234.50)));
        assert_eq!(en("1234.5"), Ok(dec!(1234.5)));
        assert_eq!(en("1,23"), Err(NumberError::BadGrouping));
        assert_eq!(en("1.234,5"), Err(NumberError::NotANumber));
    }

    #[test]
    fn floats_become_exact_at_the_precision() {
        assert_eq!(float_to_decimal(1_250_000.0, 0), Ok(dec!(1250000)));
        assert_eq!(float_to_decimal(-75_000.0, 0), Ok(dec!(-75000)));
        assert_eq!(float_to_decimal(12.5, 2), Ok(dec!(12.5)));
        assert_eq!(float_to_decimal(3.0 * 0.1 * 1000.0, 0), Ok(dec!(300)));
        assert_eq!(float_to_decimal(1234.5, 0), Err(FloatError::TooPrecise));
        assert_eq!(float_to_decimal(0.001, 2), Err(FloatError::TooPrecise));
        assert_eq!(float_to_decimal(1e17, 0), Err(FloatError::TooLarge));
        assert_eq!(float_to_decimal(f64::NAN, 0), Err(FloatError::NotFinite));
        assert_eq!(
            float_to_decimal(999_999_999.5, 0),
            Err(FloatError::TooPrecise)
        );
    }

    #[test]
    fn floats_shown_plainly() {
        assert_eq!(show_float(1234.0), "1234");
        assert_eq!(show_float(1234.5), "1234.5");
        assert_eq!(show_float(3.1), "3.1");
    }
}
