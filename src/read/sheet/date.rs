//! Dates as spreadsheets hold them: text in a stated pattern (`dd/mm/yyyy`,
//! `yyyy-mm-dd`, `d mmm yyyy` with French or English month names such as `30 oct. 2017`),
//! Excel serial numbers in either the 1900 or the 1904 date system, and ISO text (ODS).
//! The order of day and month always comes from the pattern, never from the content.

use chrono::{Duration, NaiveDate};

use super::fold::fold;

/// One element of a date pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `d` or `dd`: the day, one or two digits.
    Day,
    /// `m` or `mm`: the month, one or two digits.
    Month,
    /// `mmm` or `mmmm`: the month's name, French or English, full or abbreviated.
    MonthName,
    /// `yy`: two-digit year (00–69 → 2000s, 70–99 → 1900s).
    Year2,
    /// `yyyy`: four-digit year.
    Year4,
    /// A space: one or more whitespace characters.
    Space,
    /// Any other character, matched as is.
    Literal(char),
}

/// A date pattern such as `dd/mm/yyyy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatePattern {
    text: String,
    tokens: Vec<Token>,
}

impl DatePattern {
    /// Parses a pattern made of `d`/`dd`, `m`/`mm`, `mmm`/`mmmm`, `yy`/`yyyy` and
    /// separators.
    ///
    /// # Errors
    /// Unknown letters, or a pattern without a day, a month and a year.
    pub fn parse(text: &str) -> Result<DatePattern, String> {
        let mut tokens = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let run = chars[i..].iter().take_while(|x| **x == c).count();
            let token = match (c.to_ascii_lowercase(), run) {
                ('d', 1 | 2) => Token::Day,
                ('m', 1 | 2) => Token::Month,
                ('m', 3 | 4) => Token::MonthName,
                ('y', 2) => Token::Year2,
                ('y', 4) => Token::Year4,
                (' ', _) => Token::Space,
                (l, _) if l.is_ascii_alphabetic() => {
                    return Err(format!(
                        "unknown element {:?} in date pattern {text:?}: use d, dd, m, mm, mmm, yy, yyyy",
                        chars[i..i + run].iter().collect::<String>()
                    ));
                }
                _ => {
                    i += 1;
                    tokens.push(Token::Literal(c));
                    continue;
                }
            };
            tokens.push(token);
            i += run;
        }
        let has = |f: &dyn Fn(&Token) -> bool| tokens.iter().any(f);
        if !has(&|t| *t == Token::Day)
            || !has(&|t| matches!(t, Token::Month | Token::MonthName))
            || !has(&|t| matches!(t, Token::Year2 | Token::Year4))
        {
            return Err(format!(
                "date pattern {text:?} needs a day, a month and a year (e.g. dd/mm/yyyy)"
            ));
        }
        Ok(DatePattern {
            text: text.to_string(),
            tokens,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Reads `text` with this pattern: `Ok(None)` when it does not have the pattern's
    /// shape, `Err` when it has it but names no real day (`31/02/2017`).
    fn read(&self, text: &str) -> Result<Option<NaiveDate>, BadDate> {
        let mut rest = text;
        let (mut day, mut month, mut year) = (None, None, None);
        for token in &self.tokens {
            match token {
                Token::Day => day = Some(take_digits(&mut rest, 1, 2)?),
                Token::Month => month = Some(take_digits(&mut rest, 1, 2)?),
                Token::Year4 => year = Some(take_digits(&mut rest, 4, 4)? as i32),
                Token::Year2 => {
                    let y = take_digits(&mut rest, 2, 2)? as i32;
                    year = Some(if y < 70 { 2000 + y } else { 1900 + y });
                }
                Token::MonthName => {
                    let end = rest
                        .char_indices()
                        .find(|(_, c)| !c.is_alphabetic())
                        .map_or(rest.len(), |(i, _)| i);
                    let Some(m) = month_number(&rest[..end]) else {
                        return Ok(None);
                    };
                    month = Some(m);
                    rest = &rest[end..];
                    rest = rest.strip_prefix('.').unwrap_or(rest);
                }
                Token::Space => {
                    let trimmed = rest.trim_start();
                    if trimmed.len() == rest.len() {
                        return Ok(None);
                    }
                    rest = trimmed;
                }
                Token::Literal(c) => match rest.strip_prefix(*c) {
                    Some(r) => rest = r,
                    None => return Ok(None),
                },
            }
        }
        if !rest.trim().is_empty() {
            return Ok(None);
        }
        let (Some(d), Some(m), Some(y)) = (day, month, year) else {
            return Ok(None);
        };
        NaiveDate::from_ymd_opt(y, m, d)
            .map(Some)
            .ok_or(BadDate::NotInCalendar)
    }
}

/// Reads 1–2 (or exactly 4) ASCII digits; a mismatch is "not this pattern", signalled as
/// `Err(BadDate::Shape)` and turned into `Ok(None)` by the caller.
fn take_digits(rest: &mut &str, min: usize, max: usize) -> Result<u32, BadDate> {
    let n = rest.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return Err(BadDate::Shape);
    }
    let value = rest[..n].parse().map_err(|_| BadDate::Shape)?;
    *rest = &rest[n..];
    Ok(value)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BadDate {
    Shape,
    NotInCalendar,
}

/// Why text is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateTextError {
    #[error("not a date in the expected format")]
    NotADate,
    #[error("not a date in the calendar")]
    NotInCalendar,
}

/// Reads `text` with the first pattern that fits it. A trailing time (`00:00` or
/// `00:00:00`, as CSV exports write) is ignored.
///
/// ```
/// use fundledger::read::sheet::date::{parse_date_text, DatePattern};
/// let pats: Vec<DatePattern> = ["dd/mm/yyyy", "d mmm yyyy"].iter().map(|p| DatePattern::parse(p).unwrap()).collect();
/// assert_eq!(parse_date_text("30 oct. 2017", &pats).unwrap().to_string(), "2017-10-30");
/// assert_eq!(parse_date_text("31/10/2017", &pats).unwrap().to_string(), "2017-10-31");
/// assert!(parse_date_text("31/02/2017", &pats).is_err());
/// ```
///
/// # Errors
/// No pattern fits, or the one that fits names no real day.
pub fn parse_date_text(text: &str, patterns: &[DatePattern]) -> Result<NaiveDate, DateTextError> {
    let text = strip_time(text.trim());
    let mut impossible = false;
    for p in patterns {
        match p.read(text) {
            Ok(Some(d)) => return Ok(d),
            Ok(None) | Err(BadDate::Shape) => {}
            Err(BadDate::NotInCalendar) => impossible = true,
        }
    }
    Err(if impossible {
        DateTextError::NotInCalendar
    } else {
        DateTextError::NotADate
    })
}

/// `2017-10-31 00:00:00` → `2017-10-31`.
fn strip_time(text: &str) -> &str {
    if let Some((date, time)) = text.rsplit_once(char::is_whitespace) {
        let t = time.trim();
        let parts: Vec<&str> = t.split(':').collect();
        if (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return date.trim_end();
        }
    }
    text
}

/// The month named by `word` (French or English, full or abbreviated, any case or
/// accents, without the trailing dot).
pub fn month_number(word: &str) -> Option<u32> {
    let w = fold(word);
    Some(match w.as_str() {
        "janv" | "janvier" | "jan" | "january" => 1,
        "fevr" | "fevrier" | "fev" | "feb" | "february" => 2,
        "mars" | "mar" | "march" => 3,
        "avr" | "avril" | "apr" | "april" => 4,
        "mai" | "may" => 5,
        "juin" | "jun" | "june" => 6,
        "juil" | "juillet" | "jul" | "july" => 7,
        "aout" | "aou" | "aug" | "august" => 8,
        "sept" | "septembre" | "sep" | "september" => 9,
        "oct" | "octobre" | "october" => 10,
        "nov" | "novembre" | "november" => 11,
        "dec" | "decembre" | "december" => 12,
        _ => return None,
    })
}

/// The day of an Excel serial date (time of day ignored). In the 1900 system serial 1 is
/// 1900-01-01 and serial 60 is Excel's fictitious 29 February 1900 (refused); in the
/// 1904 system serial 0 is 1904-01-01.
///
/// ```
/// use fundledger::read::sheet::date::from_excel_serial;
/// assert_eq!(from_excel_serial(43038.0, false).unwrap().to_string(), "2017-10-30");
/// assert_eq!(from_excel_serial(41576.0, true).unwrap().to_string(), "2017-10-30");
/// ```
pub fn from_excel_serial(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    let days = serial.floor() as i64;
    let (base, offset) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, days)
    } else {
        match days {
            0 | 60 => return None,
            1..=59 => (NaiveDate::from_ymd_opt(1899, 12, 31)?, days),
            _ => (NaiveDate::from_ymd_opt(1899, 12, 30)?, days),
        }
    };
    base.checked_add_signed(Duration::days(offset))
}

/// The date part of ISO text such as ODS writes (`2017-10-30` or `2017-10-30T00:00:00`).
pub fn from_iso(text: &str) -> Option<NaiveDate> {
    let day = text.trim().get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats(p: &[&str]) -> Vec<DatePattern> {
        p.iter().map(|p| DatePattern::parse(p).unwrap()).collect()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn french_forms() {
        let p = pats(&["dd/mm/yyyy", "yyyy-mm-dd", "d mmm yyyy", "dd/mm/yy"]);
        assert_eq!(parse_date_text("31/10/2017", &p), Ok(d("2017-10-31")));
        assert_eq!(parse_date_text("1/2/2017", &p), Ok(d("2017-02-01")));
        assert_eq!(parse_date_text("2017-10-31", &p), Ok(d("2017-10-31")));
        assert_eq!(parse_date_text("30 oct. 2017", &p), Ok(d("2017-10-30")));
        assert_eq!(parse_date_text("1 févr. 2017", &p), Ok(d("2017-02-01")));
        assert_eq!(parse_date_text("15 août 2017", &p), Ok(d("2017-08-15")));
        assert_eq!(parse_date_text("2 DÉCEMBRE 2017", &p), Ok(d("2017-12-02")));
        assert_eq!(
            parse_date_text("30\u{a0}oct.\u{a0}2017", &p),
            Ok(d("2017-10-30"))
        );
        assert_eq!(parse_date_text("31/10/17", &p), Ok(d("2017-10-31")));
        assert_eq!(parse_date_text("31/10/2017 00:00", &p), Ok(d("2017-10-31")));
        assert_eq!(
            parse_date_text("31/02/2017", &p),
            Err(DateTextError::NotInCalendar)
        );
        assert_eq!(
            parse_date_text("31-10-2017", &p),
            Err(DateTextError::NotADate)
        );
        assert_eq!(parse_date_text("hier", &p), Err(DateTextError::NotADate));
        assert_eq!(
            parse_date_text("30 foo 2017", &p),
            Err(DateTextError::NotADate)
        );
    }

    #[test]
    fn the_pattern_decides_day_and_month_order() {
        let us = pats(&["mm/dd/yyyy"]);
        assert_eq!(parse_date_text("10/31/2017", &us), Ok(d("2017-10-31")));
        let fr = pats(&["dd/mm/yyyy"]);
        assert_eq!(
            parse_date_text("10/31/2017", &fr),
            Err(DateTextError::NotInCalendar)
        );
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(DatePattern::parse("dd/mm").is_err());
        assert!(DatePattern::parse("dd/qq/yyyy").is_err());
        assert!(DatePattern::parse("yyy-mm-dd").is_err());
    }

    #[test]
    fn excel_serials_in_both_systems() {
        assert_eq!(from_excel_serial(1.0, false), Some(d("1900-01-01")));
        assert_eq!(from_excel_serial(59.0, false), Some(d("1900-02-28")));
        assert_eq!(from_excel_serial(60.0, false), None);
        assert_eq!(from_excel_serial(61.0, false), Some(d("1900-03-01")));
        assert_eq!(from_excel_serial(43038.75, false), Some(d("2017-10-30")));
        assert_eq!(from_excel_serial(0.0, true), Some(d("1904-01-01")));
        assert_eq!(from_excel_serial(-1.0, false), None);
        assert_eq!(from_excel_serial(f64::INFINITY, false), None);
    }

    #[test]
    fn iso_text() {
        assert_eq!(from_iso("2017-10-30"), Some(d("2017-10-30")));
        assert_eq!(from_iso("2017-10-30T12:00:00"), Some(d("2017-10-30")));
        assert_eq!(from_iso("30/10/2017"), None);
    }
}
