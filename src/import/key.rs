//! Row fingerprints for deduplication.
//!
//! A row's import key is the SHA-256 of its content — date, voucher, signed amount and
//! budget line — and of its occurrence number among the rows of the same file with that
//! same content (1 for the first), cut to 24 hex digits (96 bits):
//!
//! ```text
//! sha256("fundledger-import-v1\x1f2017-10-16\x1fPV-2017-0188\x1f1100000\x1f3.1\x1f1")[..12]
//! ```
//!
//! It does not depend on the file, the sheet, the row's position or its other cells, so
//! re-importing a file, or a later export that repeats some rows, finds the rows already
//! in the journal (tag `import-key:`) and imports only the others; a correction to a
//! description does not make a row new. The file and the row are kept separately, in the
//! `source:` tag. `tests/generators/mali_sample.py` computes the same keys.

use sha2::{Digest, Sha256};

use super::row::KeyFields;
use crate::model::{Journal, Meta};

/// The tag holding a transaction's import key.
pub const KEY_TAG: &str = "import-key";
/// The tag holding where a transaction came from (`sources/<digest>.xlsx#Sheet!A12`).
pub const SOURCE_TAG: &str = "source";

const PREFIX: &str = "fundledger-import-v1";

/// The row's content (without the occurrence number), as hashed.
pub fn content(k: &KeyFields, line_code: &str) -> String {
    format!(
        "{PREFIX}\x1f{}\x1f{}\x1f{}\x1f{line_code}",
        k.date,
        k.voucher,
        k.amount.normalize()
    )
}

/// A short digest of `content`, to count identical rows.
pub fn content_digest(content: &str) -> u128 {
    let d = Sha256::digest(content.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    u128::from_be_bytes(b)
}

/// The import key of the `occurrence`-th row (1-based) with this `content`: its 96-bit
/// value and its 24-hex-digit text.
pub fn import_key(content: &str, occurrence: u32) -> (u128, String) {
    let mut h = Sha256::new();
    h.update(content.as_bytes());
    h.update(b"\x1f");
    h.update(occurrence.to_string().as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b[4..].copy_from_slice(&d[..12]);
    (u128::from_be_bytes(b), hex(&d[..12]))
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// A key's value from its text, when it is 24 hex digits.
pub fn parse_key(text: &str) -> Option<u128> {
    let t = text.trim();
    if t.len() != 24 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(t, 16).ok()
}

/// Every import key already in the journal.
pub fn existing_keys(journal: &Journal) -> rustc_hash::FxHashSet<u128> {
    let mut keys = rustc_hash::FxHashSet::default();
    let Some(tag) = journal.symbols.get(KEY_TAG) else {
        return keys;
    };
    for m in &journal.metas {
        if let Meta::Tag { name, value } = m
            && *name == tag
            && let Some(k) = parse_key(journal.str(*value))
        {
            keys.insert(k);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    #[test]
    fn keys_are_stable_and_round_trip() {
        let k = KeyFields {
            date: NaiveDate::from_ymd_opt(2017, 10, 16).unwrap(),
            voucher: "PV-2017-0188".into(),
            amount: Decimal::new(110_000_000, 2),
            line: 0,
        };
        let c = content(&k, "3.1");
        assert_eq!(
            c,
            "fundledger-import-v1\x1f2017-10-16\x1fPV-2017-0188\x1f1100000\x1f3.1"
        );
        let (v1, t1) = import_key(&c, 1);
        let (v2, t2) = import_key(&c, 2);
        assert_ne!(v1, v2);
        assert_eq!(t1.len(), 24);
        assert_eq!(parse_key(&t1), Some(v1));
        assert_eq!(parse_key(&t2), Some(v2));
        assert_eq!(parse_key("xyz"), None);
        assert_eq!(hex(&[0, 255, 16]), "00ff10");
    }
}
