//! Dates in journal text: `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY.MM.DD` (month and day
//! may have one digit), checked to be real calendar dates.

use chrono::NaiveDate;

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not of the form YYYY-MM-DD.
    Malformed,
    /// Well formed but not in the calendar (e.g. 2017-02-30).
    NotADate { year: i32, month: u32, day: u32 },
}

/// Reads a date at the start of `s`; returns it and the bytes consumed.
///
/// # Errors
/// A malformed date or one that does not exist.
pub fn parse_date(s: &[u8]) -> Result<(NaiveDate, usize), DateError> {
    let (year, mut i) = digits(s, 0, 4, 4).ok_or(DateError::Malformed)?;
    let sep = *s.get(i).ok_or(DateError::Malformed)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return Err(DateError::Malformed);
    }
    i += 1;
    let (month, j) = digits(s, i, 1, 2).ok_or(DateError::Malformed)?;
    if s.get(j) != Some(&sep) {
        return Err(DateError::Malformed);
    }
    let (day, k) = digits(s, j + 1, 1, 2).ok_or(DateError::Malformed)?;
    if s.get(k).is_some_and(u8::is_ascii_digit) {
        return Err(DateError::Malformed);
    }
    i = k;
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .map(|d| (d, i))
        .ok_or(DateError::NotADate {
            year: year as i32,
            month,
            day,
        })
}

fn digits(s: &[u8], start: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let mut v = 0u32;
    let mut i = start;
    while i < s.len() && i - start < max && s[i].is_ascii_digit() {
        v = v * 10 + u32::from(s[i] - b'0');
        i += 1;
    }
    (i - start >= min).then_some((v, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_separators() {
        for s in ["2017-10-30", "2017/10/30", "2017.10.30"] {
            let (d, n) = parse_date(s.as_bytes()).unwrap();
            assert_eq!(d.to_string(), "2017-10-30");
            assert_eq!(n, 10);
        }
        assert_eq!(parse_date(b"2017/1/5 x").unwrap().1, 8);
    }

    #[test]
    fn rejects_unreal_and_malformed_dates() {
        assert_eq!(
            parse_date(b"2017-02-30"),
            Err(DateError::NotADate {
                year: 2017,
                month: 2,
                day: 30
            })
        );
        assert!(parse_date(b"2017-13-01").is_err());
        assert_eq!(parse_date(b"2017-10/30"), Err(DateError::Malformed));
        assert_eq!(parse_date(b"17-10-30"), Err(DateError::Malformed));
        assert_eq!(parse_date(b"2017-10-300"), Err(DateError::Malformed));
    }
}
