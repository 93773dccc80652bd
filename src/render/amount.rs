//! Showing amounts: `1,234,567 XOF` for people, `1234567` for machines. Padding to the
//! commodity's precision only adds zeros; an amount is never rounded for display.

use rust_decimal::Decimal;

use crate::model::{Amount, Journal};
use crate::precision::Precisions;

/// `quantity` with at least `decimals` decimals and `,` thousands groups.
pub fn group(quantity: Decimal, decimals: Option<u32>) -> String {
    group_exact(padded(quantity, decimals))
}

/// `quantity` as an exact decimal string with at least `decimals` decimals, no grouping.
pub fn plain(quantity: Decimal, decimals: Option<u32>) -> String {
    padded(quantity, decimals).to_string()
}

/// Trailing zeros removed, then padded to `decimals`; never rounded; no negative zero.
fn padded(quantity: Decimal, decimals: Option<u32>) -> Decimal {
    let mut q = quantity.normalize();
    if let Some(d) = decimals
        && q.scale() < d
    {
        q.rescale(d);
    }
    if q.is_zero() {
        q.set_sign_positive(true);
    }
    q
}

/// `1,234,567 XOF`.
pub fn format_amount(j: &Journal, precisions: &Precisions, a: Amount) -> String {
    let name = j.commodity_name(a.commodity);
    let number = group(a.quantity, precisions.of(a.commodity));
    if name.is_empty() {
        number
    } else {
        format!("{number} {name}")
    }
}

/// Several amounts joined with `, `.
pub fn format_amounts(j: &Journal, precisions: &Precisions, amounts: &[Amount]) -> String {
    amounts
        .iter()
        .map(|a| format_amount(j, precisions, *a))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `quantity` with `,` thousands groups, keeping exactly the decimals it was written with.
pub fn group_exact(quantity: Decimal) -> String {
    let text = quantity.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", text.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(text.len() + text.len() / 3);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn groups_thousands_and_pads_decimals() {
        assert_eq!(group(dec!(1234567), Some(0)), "1,234,567");
        assert_eq!(group(dec!(-1234567.5), Some(2)), "-1,234,567.50");
        assert_eq!(group(dec!(123), None), "123");
        assert_eq!(group(dec!(0.00), Some(0)), "0");
        assert_eq!(group(dec!(1000.125), Some(2)), "1,000.125");
        assert_eq!(plain(dec!(-0), Some(2)), "0.00");
    }
}
