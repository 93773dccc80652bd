//! Exact money: commodity precision, half-up rounding, the EUR↔XOF peg, conversion
//! and allocation by largest remainder. Pure arithmetic, no I/O.

use rust_decimal::{Decimal, RoundingStrategy};

/// The fixed parity: 1 EUR = 655.957 XOF, exactly (since 1 January 1999).
pub const EUR_XOF_PEG: Decimal = Decimal::from_parts(655_957, 0, 0, false, 3);

/// The largest amount the books accept (10^18), so that sums of billions of postings
/// can never overflow `Decimal`.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA764_0000, 0x0DE0_B6B3, 0, false, 0);

/// Known ISO 4217 minor units, used when a ledger does not declare a precision.
pub fn iso_precision(code: &str) -> Option<u32> {
    match code {
        "XOF" | "XAF" | "FCFA" | "JPY" | "GNF" | "KMF" | "RWF" | "XPF" => Some(0),
        "EUR" | "USD" | "GBP" | "CHF" | "CAD" | "NGN" | "GHS" | "MAD" => Some(2),
        _ => None,
    }
}

/// Rounds half away from zero ("half up" as EU conversion rules and accountants mean it).
///
/// `rust_decimal`'s own `round()` is banker's rounding, which no donor rule uses.
pub fn round_half_up(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// True when `value` has no more significant decimals than `decimals`.
pub fn fits_precision(value: Decimal, decimals: u32) -> bool {
    value.normalize().scale() <= decimals
}

/// Converts `amount` at `rate` (units of target per unit of source) by multiplying,
/// rounded half up to the target precision. Returns `None` on overflow.
pub fn convert_multiply(amount: Decimal, rate: Decimal, target_decimals: u32) -> Option<Decimal> {
    amount
        .checked_mul(rate)
        .map(|v| round_half_up(v, target_decimals))
}

/// Converts `amount` by dividing by `rate` (units of source per unit of target), rounded
/// half up to the target precision: XOF→EUR divides by 655.957, never multiplies by an
/// inverse rate. Returns `None` for a zero rate or on overflow.
pub fn convert_divide(amount: Decimal, rate: Decimal, target_decimals: u32) -> Option<Decimal> {
    if rate.is_zero() {
        return None;
    }
    amount
        .checked_div(rate)
        .map(|v| round_half_up(v, target_decimals))
}

/// XOF → EUR at the peg, to the cent: 200,000,000 XOF = 304,898.03 EUR.
pub fn xof_to_eur(xof: Decimal) -> Decimal {
    convert_divide(xof, EUR_XOF_PEG, 2).unwrap_or(Decimal::MAX)
}

/// EUR → XOF at the peg, to the franc.
pub fn eur_to_xof(eur: Decimal) -> Decimal {
    convert_multiply(eur, EUR_XOF_PEG, 0).unwrap_or(Decimal::MAX)
}

/// Why an allocation is impossible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("no shares to allocate over")]
    NoShares,
    #[error("share {0} is negative")]
    NegativeShare(Decimal),
    #[error("the shares add up to zero")]
    ZeroTotalShare,
    #[error("{amount} has more than {decimals} decimals and cannot be split exactly")]
    AmountTooPrecise { amount: Decimal, decimals: u32 },
    #[error("amount or shares too large to split exactly")]
    Overflow,
}

/// Splits `total` by `shares` (percentages or any weights) into parts rounded to
/// `decimals` that add up exactly to `total`.
///
/// Largest remainder: every part gets the floor of its exact share; the units left over
/// go one each to the parts with the largest remainders, ties going to the earlier share.
/// Negative totals are split like their absolute value, then negated.
///
/// # Errors
/// Empty or negative shares, shares summing to zero, a total with more decimals than
/// `decimals`, or numbers beyond 128-bit integer arithmetic.
///
/// ```
/// use fundledger::model::money::allocate;
/// use rust_decimal::Decimal;
/// let parts = allocate(Decimal::from(100), &[Decimal::from(1), Decimal::from(1), Decimal::from(1)], 0).unwrap();
/// assert_eq!(parts, vec![Decimal::from(34), Decimal::from(33), Decimal::from(33)]);
/// ```
pub fn allocate(
    total: Decimal,
    shares: &[Decimal],
    decimals: u32,
) -> Result<Vec<Decimal>, AllocationError> {
    if shares.is_empty() {
        return Err(AllocationError::NoShares);
    }
    if let Some(s) = shares.iter().find(|s| s.is_sign_negative() && !s.is_zero()) {
        return Err(AllocationError::NegativeShare(*s));
    }
    if !fits_precision(total, decimals) {
        return Err(AllocationError::AmountTooPrecise {
            amount: total,
            decimals,
        });
    }
    let units = to_integer(total.abs(), decimals).ok_or(AllocationError::Overflow)?;
    let share_scale = shares
        .iter()
        .map(|s| s.normalize().scale())
        .max()
        .unwrap_or(0);
    let weights: Vec<i128> = shares
        .iter()
        .map(|s| to_integer(*s, share_scale))
        .collect::<Option<_>>()
        .ok_or(AllocationError::Overflow)?;
    let weight_sum = weights
        .iter()
        .try_fold(0i128, |acc, w| acc.checked_add(*w))
        .ok_or(AllocationError::Overflow)?;
    if weight_sum == 0 {
        return Err(AllocationError::ZeroTotalShare);
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given = 0i128;
    for w in &weights {
        let product = units.checked_mul(*w).ok_or(AllocationError::Overflow)?;
        parts.push(product / weight_sum);
        remainders.push(product % weight_sum);
        given += product / weight_sum;
    }
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
    let left = usize::try_from(units - given).map_err(|_| AllocationError::Overflow)?;
    for &i in order.iter().take(left) {
        parts[i] += 1;
    }
    let negative = total.is_sign_negative();
    parts
        .into_iter()
        .map(|p| {
            let mut d = Decimal::try_from_i128_with_scale(p, decimals)
                .map_err(|_| AllocationError::Overflow)?;
            if negative {
                d.set_sign_negative(!d.is_zero());
            }
            Ok(d)
        })
        .collect()
}

/// `value × 10^decimals` as an integer, when it is one and fits.
fn to_integer(value: Decimal, decimals: u32) -> Option<i128> {
    let mut v = value.normalize();
    if v.scale() > decimals {
        return None;
    }
    v.rescale(decimals);
    if v.scale() != decimals {
        return None;
    }
    Some(v.mantissa())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn max_amount_is_ten_to_the_eighteenth() {
        assert_eq!(MAX_AMOUNT, Decimal::from(1_000_000_000_000_000_000i64));
    }

    #[test]
    fn peg_converts_the_governments_allocation() {
        assert_eq!(xof_to_eur(dec!(200_000_000)), dec!(304_898.03));
        assert_eq!(eur_to_xof(dec!(100_000)), dec!(65_595_700));
        assert_eq!(eur_to_xof(dec!(0.01)), dec!(7));
    }

    #[test]
    fn half_up_is_not_bankers_rounding() {
        assert_eq!(round_half_up(dec!(2.5), 0), dec!(3));
        assert_eq!(round_half_up(dec!(-2.5), 0), dec!(-3));
        assert_eq!(round_half_up(dec!(0.125), 2), dec!(0.13));
        assert_eq!(dec!(2.5).round(), dec!(2));
    }

    #[test]
    fn largest_remainder_breaks_ties_by_order() {
        let parts = allocate(dec!(10), &[dec!(1), dec!(1), dec!(1)], 0).unwrap();
        assert_eq!(parts, vec![dec!(4), dec!(3), dec!(3)]);
        let parts = allocate(dec!(-10), &[dec!(1), dec!(1), dec!(1)], 0).unwrap();
        assert_eq!(parts, vec![dec!(-4), dec!(-3), dec!(-3)]);
        let parts = allocate(dec!(1_000_001), &[dec!(40), dec!(30), dec!(30)], 0).unwrap();
        assert_eq!(parts, vec![dec!(400_001), dec!(300_000), dec!(300_000)]);
        let parts = allocate(dec!(100.00), &[dec!(33.33), dec!(66.67)], 2).unwrap();
        assert_eq!(parts, vec![dec!(33.33), dec!(66.67)]);
    }

    #[test]
    fn allocation_refuses_what_it_cannot_split() {
        assert_eq!(allocate(dec!(1), &[], 0), Err(AllocationError::NoShares));
        assert_eq!(
            allocate(dec!(1), &[dec!(0)], 0),
            Err(AllocationError::ZeroTotalShare)
        );
        assert!(matches!(
            allocate(dec!(1.5), &[dec!(1)], 0),
            Err(AllocationError::AmountTooPrecise { .. })
        ));
        assert!(matches!(
            allocate(dec!(1), &[dec!(-1), dec!(2)], 0),
            Err(AllocationError::NegativeShare(_))
        ));
    }
}
