//! Amounts in journal text: numbers with `,` digit groups and `.` decimals, and
//! commodity symbols before or after them. Byte-level, allocation-free.

use rust_decimal::Decimal;

/// A number read from the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    pub value: Decimal,
    /// The number used `,` digit groups (hledger needs `decimal-mark .` to read them as ledger does).
    pub grouped: bool,
    /// Significant digits before the decimal point.
    pub int_digits: u32,
}

/// Why a number could not be read; `at` is the byte offset of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError {
    pub at: usize,
    pub message: String,
    pub help: Option<&'static str>,
}

/// Reads an unsigned number at the start of `s`; returns it and the bytes consumed.
///
/// # Errors
/// Badly grouped digits (`1,25`), a decimal comma (`1.250,00`), no digits, or more
/// than 28 significant digits.
pub fn parse_number(s: &[u8]) -> Result<(Number, usize), NumberError> {
    let mut i = 0;
    let mut mantissa: u128 = 0;
    let mut digits = 0u32;
    let mut scale = 0u32;
    let mut group_len = 0u32;
    let mut groups = 0u32;
    let mut first_group_len = 0u32;
    let mut seen_dot = false;
    let mut any_digit = false;
    while i < s.len() {
        let c = s[i];
        match c {
            b'0'..=b'9' => {
                any_digit = true;
                if mantissa != 0 || c != b'0' {
                    digits += 1;
                }
                if digits > 28 {
                    return Err(NumberError {
                        at: 0,
                        message: "number has more than 28 significant digits".into(),
                        help: None,
                    });
                }
                mantissa = mantissa * 10 + u128::from(c - b'0');
                if seen_dot {
                    scale += 1;
                } else {
                    group_len += 1;
                }
            }
            b',' if !seen_dot => {
                if groups == 0 {
                    if group_len == 0 || group_len > 3 {
                        return Err(bad_group(i));
                    }
                    first_group_len = group_len;
                } else if group_len != 3 {
                    return Err(bad_group(i));
                }
                groups += 1;
                group_len = 0;
            }
            b',' => {
                return Err(NumberError {
                    at: i,
                    message: "a comma after the decimal point".into(),
                    help: Some(
                        "journal numbers use `.` for decimals and `,` only for thousands, e.g. 1,234.50",
                    ),
                });
            }
            b'.' if !seen_dot => {
                if groups > 0 && group_len != 3 {
                    return Err(bad_group(i));
                }
                seen_dot = true;
            }
            b'.' => {
                return Err(NumberError {
                    at: i,
                    message: "a number with two decimal points".into(),
                    help: Some(
                        "journal numbers use `.` for decimals and `,` only for thousands, e.g. 1,234,567.50",
                    ),
                });
            }
            _ => break,
        }
        i += 1;
    }
    if !any_digit {
        return Err(NumberError {
            at: 0,
            message: "expected a number".into(),
            help: None,
        });
    }
    if groups > 0 && !seen_dot && group_len != 3 {
        return Err(bad_group(i));
    }
    let _ = first_group_len;
    let value =
        Decimal::try_from_i128_with_scale(mantissa as i128, scale).map_err(|_| NumberError {
            at: 0,
            message: "number is too large or has too many decimals".into(),
            help: None,
        })?;
    Ok((
        Number {
            value,
            grouped: groups > 0,
            int_digits: digits.saturating_sub(scale),
        },
        i,
    ))
}

fn bad_group(at: usize) -> NumberError {
    NumberError {
        at,
        message: "digit groups must have three digits after a comma".into(),
        help: Some(
            "write thousands as 1,250,000 and decimals with a point (1250.50); a decimal comma or space-grouped digits are read differently by hledger and ledger",
        ),
    }
}

/// True for a byte that may start or continue an unquoted commodity symbol.
///
/// Letters, `$`, `_`, and any non-ASCII character (€, £, ₣ …) except the no-break spaces.
pub fn is_symbol_byte(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'$' || c == b'_' || c >= 0x80
}

/// Reads a commodity symbol at the start of `s` (quoted or not); returns it and the
/// bytes consumed, or `None` when `s` does not start with one.
pub fn parse_symbol(s: &str) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    if b.first() == Some(&b'"') {
        let end = memchr::memchr(b'"', &b[1..])?;
        return Some((&s[1..=end], end + 2));
    }
    let mut i = 0;
    while i < b.len() && is_symbol_byte(b[i]) {
        if b[i] >= 0x80 {
            let ch = s[i..].chars().next()?;
            if ch.is_whitespace() {
                break;
            }
            i += ch.len_utf8();
        } else {
            i += 1;
        }
    }
    (i > 0).then(|| (&s[..i], i))
}

/// True when a symbol must be quoted to be read back (it contains anything but letters,
/// `$`, `_` and non-ASCII symbols).
pub fn symbol_needs_quotes(symbol: &str) -> bool {
    symbol.is_empty()
        || symbol
            .chars()
            .any(|c| c.is_whitespace() || (c.is_ascii() && !is_symbol_byte(c as u8)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn num(s: &str) -> Decimal {
        parse_number(s.as_bytes()).unwrap().0.value
    }

    #[test]
    fn reads_grouped_and_decimal_numbers() {
        assert_eq!(num("1,234,567"), dec!(1234567));
        assert_eq!(num("1,250.50"), dec!(1250.50));
        assert_eq!(num("0.001"), dec!(0.001));
        assert_eq!(num(".5"), dec!(0.5));
        assert_eq!(num("1000 XOF"), dec!(1000));
        assert_eq!(parse_number(b"1000 XOF").unwrap().1, 4);
        assert!(parse_number(b"1,250").unwrap().0.grouped);
    }

    #[test]
    fn refuses_ambiguous_numbers() {
        assert!(parse_number(b"1,25").is_err());
        assert!(parse_number(b"1.250,00").is_err());
        assert!(parse_number(b"1.2.3").is_err());
        assert!(parse_number(b"1234,567").is_err());
        assert!(parse_number(b",5").is_err());
        assert!(parse_number(b"XOF").is_err());
        assert!(parse_number(b"12345678901234567890123456789").is_err());
    }

    #[test]
    fn symbols() {
        assert_eq!(parse_symbol("XOF rest"), Some(("XOF", 3)));
        assert_eq!(parse_symbol("€1"), Some(("€", 3)));
        assert_eq!(parse_symbol("\"AB 1\" x"), Some(("AB 1", 6)));
        assert_eq!(parse_symbol("1XOF"), None);
        assert!(symbol_needs_quotes("AB 1"));
        assert!(!symbol_needs_quotes("XOF"));
    }
}
