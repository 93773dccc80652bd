//! Merged cells of an XLSX sheet, found by scanning the sheet's unpacked XML for
//! `<mergeCell ref="B12:B14"/>` instead of parsing it: the list comes after every cell,
//! so finding it means reading the whole part, and a byte search does that several
//! times faster than an XML parser. `None` whenever anything is unexpected; the caller
//! then asks calamine.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use memchr::memmem;

use super::Region;

/// The merged regions of sheet `name` of the workbook at `path`.
pub(super) fn scan_xlsx(path: &Path, name: &str) -> Option<Vec<Region>> {
    let file = File::open(path).ok()?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).ok()?;
    let part = sheet_part(&mut zip, name)?;
    let entry = zip.by_name(&part).ok()?;
    scan(entry)
}

fn read_part<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let mut entry = zip.by_name(name).ok()?;
    if entry.size() > 64 << 20 {
        return None;
    }
    let mut text = String::new();
    entry.read_to_string(&mut text).ok()?;
    Some(text)
}

/// The zip path of a sheet: its relationship id in `xl/workbook.xml`, resolved through
/// `xl/_rels/workbook.xml.rels`.
fn sheet_part<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let workbook = read_part(zip, "xl/workbook.xml")?;
    let rels = read_part(zip, "xl/_rels/workbook.xml.rels")?;
    let id = tags(&workbook, "sheet")
        .find(|t| attr(t, "name").is_some_and(|n| unescape(n) == name))
        .and_then(|t| attr_suffix(t, ":id"))?
        .to_string();
    let target = tags(&rels, "Relationship")
        .find(|t| attr(t, "Id") == Some(id.as_str()))
        .and_then(|t| attr(t, "Target"))?;
    let target = unescape(target);
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    })
}

/// The text of every `<name …>` or `<prefix:name …>` tag.
fn tags<'t>(xml: &'t str, name: &'t str) -> impl Iterator<Item = &'t str> + 't {
    let mut rest = xml;
    std::iter::from_fn(move || {
        loop {
            let at = rest.find(name)?;
            let before = rest[..at].chars().next_back();
            let after = rest[at + name.len()..].chars().next();
            let tail = &rest[at + name.len()..];
            rest = tail;
            if matches!(before, Some('<' | ':')) && after.is_some_and(char::is_whitespace) {
                let end = tail.find('>')?;
                return Some(&tail[..end]);
            }
        }
    })
}

/// The value of attribute `key` in a tag's text.
fn attr<'t>(tag: &'t str, key: &str) -> Option<&'t str> {
    let mut rest = tag;
    loop {
        let at = rest.find(key)?;
        let before = rest[..at].chars().next_back();
        let tail = rest[at + key.len()..].trim_start();
        rest = &rest[at + key.len()..];
        if before.is_some_and(char::is_whitespace)
            && let Some(v) = tail.strip_prefix('=')
        {
            let v = v.trim_start();
            let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let v = &v[1..];
            return v.find(quote).map(|end| &v[..end]);
        }
    }
}

/// The value of the first attribute whose name ends with `suffix` (`r:id`).
fn attr_suffix<'t>(tag: &'t str, suffix: &str) -> Option<&'t str> {
    let at = tag.find(&format!("{suffix}="))?;
    let v = &tag[at + suffix.len() + 1..];
    let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let v = &v[1..];
    v.find(quote).map(|end| &v[..end])
}

fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Every `<mergeCell ref="…">` in the stream.
fn scan(mut reader: impl Read) -> Option<Vec<Region>> {
    const NEEDLE: &[u8] = b"mergeCell";
    let finder = memmem::Finder::new(NEEDLE);
    let mut regions = Vec::new();
    let mut buf: Vec<u8> = Vec::with_capacity(2 << 20);
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut chunk).ok()?;
        buf.extend_from_slice(&chunk[..n]);
        let mut keep_from = buf.len().saturating_sub(NEEDLE.len() + 1);
        let mut from = 0;
        while let Some(i) = finder.find(&buf[from..]) {
            let at = from + i;
            let after = at + NEEDLE.len();
            let Some(&next) = buf.get(after) else {
                keep_from = keep_from.min(at.saturating_sub(1));
                break;
            };
            let prefixed = at > 0 && matches!(buf[at - 1], b'<' | b':');
            if !prefixed || !matches!(next, b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>') {
                from = after;
                continue;
            }
            let Some(end) = memchr::memchr(b'>', &buf[after..]) else {
                keep_from = keep_from.min(at.saturating_sub(1));
                break;
            };
            let tag = std::str::from_utf8(&buf[after..after + end]).ok()?;
            if let Some(r) = attr(&format!(" {tag}"), "ref").and_then(parse_range) {
                regions.push(r);
            }
            from = after + end + 1;
            keep_from = keep_from.max(from).min(buf.len());
        }
        if n == 0 {
            return Some(regions);
        }
        if buf.len() - keep_from > 1 << 20 {
            return None;
        }
        buf.drain(..keep_from);
    }
}

/// `B12:C14` (or `B12`) as a region.
fn parse_range(text: &str) -> Option<Region> {
    let (a, b) = text.split_once(':').unwrap_or((text, text));
    let (r1, c1) = parse_cell(a)?;
    let (r2, c2) = parse_cell(b)?;
    Some(Region {
        first_row: r1.min(r2),
        first_col: c1.min(c2),
        last_row: r1.max(r2),
        last_col: c1.max(c2),
    })
}

/// `B12` → (11, 1), 0-based; `$` signs ignored.
fn parse_cell(text: &str) -> Option<(u32, u32)> {
    let t = text.trim().replace('$', "");
    let split = t.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = t.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_merged_cells_across_buffer_boundaries() {
        let mut xml = String::from("<worksheet><sheetData>");
        xml.push_str(&"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>".repeat(60_000));
        xml.push_str("</sheetData><mergeCells count=\"2\"><mergeCell ref=\"A1:G1\"/><x:mergeCell ref=\"B12:B14\"/></mergeCells></worksheet>");
        let found = scan(xml.as_bytes()).unwrap();
        assert_eq!(
            found,
            vec![
                Region {
                    first_row: 0,
                    first_col: 0,
                    last_row: 0,
                    last_col: 6
                },
                Region {
                    first_row: 11,
                    first_col: 1,
                    last_row: 13,
                    last_col: 1
                },
            ]
        );
    }

    #[test]
    fn sheet_paths_from_workbook_and_relationships() {
        let wb = r#"<workbook><sheets><sheet name="D&amp;penses" sheetId="1" r:id="rId3"/><sheet name="Autre" sheetId="2" r:id="rId1"/></sheets></workbook>"#;
        let t: Vec<&str> = tags(wb, "sheet").collect();
        assert_eq!(t.len(), 2);
        assert_eq!(attr(t[0], "name").map(unescape), Some("D&penses".into()));
        assert_eq!(attr_suffix(t[0], ":id"), Some("rId3"));
        assert_eq!(parse_cell("$AA$10"), Some((9, 26)));
        assert_eq!(parse_cell("10"), None);
        assert_eq!(unescape("&#233;t&#xE9;"), "été");
    }
}
