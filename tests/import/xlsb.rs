//! XLSB, the Excel binary workbook, read like XLSX. Nothing on a test machine writes
//! XLSB (LibreOffice has no export filter for it), so [`write_xlsb`] builds one by hand
//! from [MS-XLSB]: the usual zip package, whose workbook, sheet, styles and shared
//! strings are BIFF12 record streams instead of XML.
//!
//! The writer stores plain cells the way Excel does (text in the shared-string table,
//! whole numbers as RK numbers, dates as numbers with a date format) and writes only
//! the records calamine reads (`calamine/src/xlsb/`); Excel itself would also want
//! fonts, fills, borders and cell styles in `styles.bin`.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use calamine::{Data, Reader, Xlsb, open_workbook};

use crate::support::{fundledger, root, s};

use super::{C, d, fr_rules, french_ledger, import, journal, n, sample_copy, t, write_xlsx};

// BIFF12 record types ([MS-XLSB] 2.3.2), in the order the parts use them.
const BEGIN_BOOK: u16 = 0x0083;
const WB_PROP: u16 = 0x0099;
const BEGIN_BUNDLE_SHS: u16 = 0x008F;
const BUNDLE_SH: u16 = 0x009C;
const END_BUNDLE_SHS: u16 = 0x0090;
const END_BOOK: u16 = 0x0084;
const BEGIN_SHEET: u16 = 0x0081;
const WS_DIM: u16 = 0x0094;
const BEGIN_SHEET_DATA: u16 = 0x0091;
const ROW_HDR: u16 = 0x0000;
const CELL_RK: u16 = 0x0002;
const CELL_REAL: u16 = 0x0005;
const CELL_ISST: u16 = 0x0007;
const END_SHEET_DATA: u16 = 0x0092;
const END_SHEET: u16 = 0x0082;
const BEGIN_STYLE_SHEET: u16 = 0x0116;
const BEGIN_CELL_XFS: u16 = 0x0269;
const XF: u16 = 0x002F;
const END_CELL_XFS: u16 = 0x026A;
const END_STYLE_SHEET: u16 = 0x0117;
const BEGIN_SST: u16 = 0x009F;
const SST_ITEM: u16 = 0x0013;
const END_SST: u16 = 0x00A0;

/// Cell formats (`BrtXF` records, by index) and the built-in number format each uses.
const XF_GENERAL: u32 = 0; // 0: General
const XF_AMOUNT: u32 = 1; // 3: #,##0 (as `write_xlsx` formats numbers)
const XF_DATE: u32 = 2; // 14: the short date (dd/mm/yyyy in a French Excel)
const XF_NUMBER_FORMATS: [u16; 3] = [0, 3, 14];

/// A BIFF12 record stream.
#[derive(Default)]
struct Records(Vec<u8>);

impl Records {
    /// Appends a record: its type (1 or 2 bytes) and its body's size (1 to 4 bytes),
    /// each a little-endian run of 7-bit groups whose high bit says "another byte
    /// follows" ([MS-XLSB] 2.1.4), then the body.
    fn push(&mut self, typ: u16, body: &[u8]) {
        assert!(typ < 1 << 14 && body.len() < 1 << 28);
        for mut v in [u32::from(typ), body.len() as u32] {
            while v >= 0x80 {
                self.0.push((v & 0x7F) as u8 | 0x80);
                v >>= 7;
            }
            self.0.push(v as u8);
        }
        self.0.extend_from_slice(body);
    }
}

/// An `XLWideString`: a 32-bit count of UTF-16 units, then the units (little-endian).
fn wide(out: &mut Vec<u8>, s: &str) {
    let units: Vec<u16> = s.encode_utf16().collect();
    out.extend((units.len() as u32).to_le_bytes());
    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
}

/// A `Cell` structure, which starts every cell record: the column, then the cell
/// format (24 bits) and 8 bits of flags, all zero here.
fn cell(col: u32, xf: u32) -> Vec<u8> {
    let mut b = col.to_le_bytes().to_vec();
    b.extend(xf.to_le_bytes());
    b
}

/// Days since 1899-12-30: the 1900 date system's serial number (from March 1900 on).
fn serial(y: u16, m: u8, day: u8) -> f64 {
    let date = chrono::NaiveDate::from_ymd_opt(y.into(), m.into(), day.into()).unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (date - epoch).num_days() as f64
}

/// A number cell, as Excel stores it: `BrtCellRk` for a whole number that fits the
/// 30 bits of an `RkNumber` (the integer shifted left by two, bit 1 `fInt` set),
/// `BrtCellReal` (an IEEE double) for any other.
fn number(sheet: &mut Records, col: u32, xf: u32, v: f64) {
    let mut body = cell(col, xf);
    if v.fract() == 0.0 && (-(1 << 29) as f64..(1 << 29) as f64).contains(&v) {
        body.extend((((v as i32) << 2) | 0b10).to_le_bytes());
        sheet.push(CELL_RK, &body);
    } else {
        body.extend(v.to_le_bytes());
        sheet.push(CELL_REAL, &body);
    }
}

/// The parts of a one-sheet XLSB workbook holding `rows` (from A1 down; empty rows
/// and `C::Empty` cells are not written), by path in the zip.
fn xlsb_parts(sheet_name: &str, rows: &[Vec<C>]) -> Vec<(&'static str, Vec<u8>)> {
    // xl/workbook.bin: the date system and the sheet list. Calamine stops reading at
    // the first record that follows the defined names, such as BrtEndBook.
    let mut book = Records::default();
    book.push(BEGIN_BOOK, &[]);
    // BrtWbProp: flags (bit 0 f1904 clear: the 1900 date system), dwThemeVersion,
    // strName (the VBA code name, empty).
    let mut prop = vec![0; 8];
    wide(&mut prop, "");
    book.push(WB_PROP, &prop);
    book.push(BEGIN_BUNDLE_SHS, &[]);
    // BrtBundleSh: hsState (0 = visible), iTabID, strRelID (the sheet's relationship
    // in xl/_rels/workbook.bin.rels), strName.
    let mut sheet_entry = [0u32.to_le_bytes(), 1u32.to_le_bytes()].concat();
    wide(&mut sheet_entry, "rId1");
    wide(&mut sheet_entry, sheet_name);
    book.push(BUNDLE_SH, &sheet_entry);
    book.push(END_BUNDLE_SHS, &[]);
    book.push(END_BOOK, &[]);

    // xl/worksheets/sheet1.bin, and the shared strings its text cells point to.
    let mut strings: Vec<&str> = Vec::new();
    let mut string_index: HashMap<&str, u32> = HashMap::new();
    let mut text_cells = 0u32;
    let used = |row: &Vec<C>| -> Vec<u32> {
        (0u32..)
            .zip(row)
            .filter(|(_, c)| !matches!(c, C::Empty))
            .map(|(col, _)| col)
            .collect()
    };
    let filled: Vec<(u32, Vec<u32>)> = (0u32..)
        .zip(rows)
        .map(|(r, row)| (r, used(row)))
        .filter(|(_, cols)| !cols.is_empty())
        .collect();
    // BrtWsDim: first row, last row, first column, last column of the cells.
    let dim = match (filled.first(), filled.last()) {
        (Some((first, _)), Some((last, _))) => [
            *first,
            *last,
            filled.iter().map(|(_, c)| c[0]).min().unwrap(),
            filled
                .iter()
                .map(|(_, c)| *c.last().unwrap())
                .max()
                .unwrap(),
        ],
        _ => [0; 4],
    };
    let mut sheet = Records::default();
    sheet.push(BEGIN_SHEET, &[]);
    sheet.push(WS_DIM, &dim.map(u32::to_le_bytes).concat());
    sheet.push(BEGIN_SHEET_DATA, &[]);
    for (r, cols) in &filled {
        // BrtRowHdr: rw, ixfe, miyRw (height in twips: 15 pt), three bytes of flags,
        // then one BrtColSpan (first and last column used).
        let mut hdr = [r.to_le_bytes(), 0u32.to_le_bytes()].concat();
        hdr.extend(300u16.to_le_bytes());
        hdr.extend([0, 0, 0]);
        hdr.extend(1u32.to_le_bytes());
        hdr.extend(cols[0].to_le_bytes());
        hdr.extend(cols.last().unwrap().to_le_bytes());
        sheet.push(ROW_HDR, &hdr);
        for &col in cols {
            match &rows[*r as usize][col as usize] {
                C::Empty => unreachable!(),
                C::Text(s) => {
                    text_cells += 1;
                    let next = strings.len() as u32;
                    let isst = *string_index.entry(s.as_str()).or_insert_with(|| {
                        strings.push(s.as_str());
                        next
                    });
                    let mut body = cell(col, XF_GENERAL);
                    body.extend(isst.to_le_bytes());
                    sheet.push(CELL_ISST, &body);
                }
                C::Num(v) => number(&mut sheet, col, XF_AMOUNT, *v),
                C::Date(y, m, day) => number(&mut sheet, col, XF_DATE, serial(*y, *m, *day)),
                C::Formula(..) => panic!("write_xlsb writes no formulas"),
            }
        }
    }
    sheet.push(END_SHEET_DATA, &[]);
    sheet.push(END_SHEET, &[]);

    // xl/sharedStrings.bin: BrtBeginSst (total and unique counts), one BrtSSTItem per
    // string (a RichStr: a flags byte, no rich text or phonetics, then the text).
    let mut sst = Records::default();
    sst.push(
        BEGIN_SST,
        &[
            text_cells.to_le_bytes(),
            (strings.len() as u32).to_le_bytes(),
        ]
        .concat(),
    );
    for s in &strings {
        let mut item = vec![0];
        wide(&mut item, s);
        sst.push(SST_ITEM, &item);
    }
    sst.push(END_SST, &[]);

    // xl/styles.bin: only the cell formats. BrtBeginCellXFs holds their count; each
    // BrtXF is ixfeParent, iFmt (the number format), iFont, iFill, ixBorder, then
    // rotation, indent, alignment and protection flags: 16 bytes.
    let mut styles = Records::default();
    styles.push(BEGIN_STYLE_SHEET, &[]);
    styles.push(
        BEGIN_CELL_XFS,
        &(XF_NUMBER_FORMATS.len() as u32).to_le_bytes(),
    );
    for fmt in XF_NUMBER_FORMATS {
        let mut xf = [0u16, fmt, 0, 0, 0].map(u16::to_le_bytes).concat();
        xf.extend([0; 6]);
        styles.push(XF, &xf);
    }
    styles.push(END_CELL_XFS, &[]);
    styles.push(END_STYLE_SHEET, &[]);

    let rel = |id: &str, kind: &str, target: &str| {
        format!(
            r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>"#
        )
    };
    let rels = |inner: String| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{inner}</Relationships>"#
        )
    };
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/><Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/><Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/><Override PartName="/xl/sharedStrings.bin" ContentType="application/vnd.ms-excel.sharedStrings"/></Types>"#;
    vec![
        ("[Content_Types].xml", content_types.as_bytes().to_vec()),
        (
            "_rels/.rels",
            rels(rel("rId1", "officeDocument", "xl/workbook.bin")).into_bytes(),
        ),
        ("xl/workbook.bin", book.0),
        (
            "xl/_rels/workbook.bin.rels",
            rels(
                rel("rId1", "worksheet", "worksheets/sheet1.bin")
                    + &rel("rId2", "styles", "styles.bin")
                    + &rel("rId3", "sharedStrings", "sharedStrings.bin"),
            )
            .into_bytes(),
        ),
        ("xl/worksheets/sheet1.bin", sheet.0),
        ("xl/styles.bin", styles.0),
        ("xl/sharedStrings.bin", sst.0),
    ]
}

/// Zips `parts` at `path`.
fn write_zip(path: &Path, parts: &[(&str, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Writes a one-sheet XLSB workbook at `path`: `rows` from A1 down.
pub fn write_xlsb(path: &Path, sheet_name: &str, rows: &[Vec<C>]) {
    write_zip(path, &xlsb_parts(sheet_name, rows));
}

/// The rows of `ods_and_xls_read_like_xlsx` (safety.rs): a typed date and a text date,
/// a number and a French text amount, a named donor and none (split by funding shares).
fn two_payments() -> Vec<Vec<C>> {
    vec![
        vec![
            d(2017, 11, 6),
            t("PV-1"),
            t("Traiteur"),
            t("3.2"),
            C::Empty,
            t("A1"),
            n(100_001.0),
        ],
        vec![
            t("07/11/2017"),
            t("PV-2"),
            t("Salle"),
            t("3.1"),
            t("EU"),
            t("A1"),
            t("75 000"),
        ],
    ]
}

#[test]
fn the_writer_s_workbook_reads_back_through_calamine() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cells.xlsb");
    write_xlsb(
        &file,
        "Feuille é",
        &[
            vec![t("Libellé"), n(100_001.0), n(0.5), n(1e12), d(2017, 11, 6)],
            vec![],
            vec![C::Empty, n(-3.0), t("Libellé")],
        ],
    );
    let mut wb: Xlsb<_> = open_workbook(&file).unwrap();
    assert_eq!(wb.sheet_names(), ["Feuille é"]);
    assert!(!wb.has_1904_epoch());
    let dims = wb.worksheet_cells_reader("Feuille é").unwrap().dimensions();
    assert_eq!((dims.start, dims.end), ((0, 0), (2, 4)));
    let range = wb.worksheet_range("Feuille é").unwrap();
    let text = Data::String("Libellé".into());
    // Whole numbers come back as integers (RK), the others as floats (Real).
    assert_eq!(range.get((0, 0)), Some(&text));
    assert_eq!(range.get((0, 1)), Some(&Data::Int(100_001)));
    assert_eq!(range.get((0, 2)), Some(&Data::Float(0.5)));
    assert_eq!(range.get((0, 3)), Some(&Data::Float(1e12)));
    match range.get((0, 4)) {
        Some(Data::DateTime(dt)) => {
            assert!(dt.is_datetime(), "{dt:?}");
            assert_eq!(dt.as_f64(), 43045.0); // 6 November 2017
        }
        other => panic!("a date cell read as {other:?}"),
    }
    assert_eq!(range.get((1, 0)), Some(&Data::Empty));
    assert_eq!(range.get((2, 0)), Some(&Data::Empty));
    assert_eq!(range.get((2, 1)), Some(&Data::Int(-3)));
    assert_eq!(range.get((2, 2)), Some(&text));
}

#[test]
fn xlsb_reads_like_xlsx() {
    let work = tempfile::tempdir().unwrap();
    let sheet = french_ledger(two_payments());
    let xlsx = work.path().join("depenses.xlsx");
    write_xlsx(&xlsx, std::slice::from_ref(&sheet));
    let xlsb = work.path().join("depenses.xlsb");
    write_xlsb(&xlsb, &sheet.name, &sheet.rows);

    let reference = sample_copy();
    let (code, out, err) = import(reference.path(), &xlsx, &fr_rules(), &[]);
    assert_eq!(code, 0, "xlsx: {err}\n{out}");
    let dir = sample_copy();
    let (code, out, err) = import(dir.path(), &xlsb, &fr_rules(), &[]);
    assert_eq!(code, 0, "xlsb: {err}\n{out}");
    assert!(out.contains("imported                  2"), "{out}");

    let strip = |j: &str| -> String {
        j.lines()
            .filter(|l| !l.contains("; source: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (got, want) = (journal(dir.path()), journal(reference.path()));
    assert_eq!(strip(&got), strip(&want));
    // Both payments cite their rows in the kept copy of the workbook, an .xlsb.
    assert!(got.contains(".xlsb#Dépenses!A4"), "{got}");
    assert!(got.contains(".xlsb#Dépenses!A5"), "{got}");
    assert!(want.contains(".xlsx#Dépenses!A4"), "{want}");
}

/// The names of the entries in `dir` (a kept source would add `sources/`), except the
/// lock file any import takes.
fn names(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".fundledger.lock")
        .collect();
    out.sort();
    out
}

#[test]
fn a_damaged_xlsb_gets_a_clear_error_and_nothing_is_written() {
    let work = tempfile::tempdir().unwrap();
    let sheet = french_ledger(two_payments());
    let damaged = |part: &str, damage: &dyn Fn(&mut Vec<u8>)| {
        let mut parts = xlsb_parts(&sheet.name, &sheet.rows);
        let (_, bytes) = parts.iter_mut().find(|(name, _)| *name == part).unwrap();
        damage(bytes);
        parts
    };
    let cases = [
        // A valid zip whose workbook part is not a BIFF12 record stream.
        (
            "garbage.xlsb",
            "is damaged",
            damaged("xl/workbook.bin", &|b| {
                *b = b"this is not a workbook, just text".to_vec()
            }),
        ),
        // A sheet cut inside its last cell: the first payment row was read (and
        // checked) before the error.
        (
            "truncated.xlsb",
            "ends too early",
            damaged("xl/worksheets/sheet1.bin", &|b| b.truncate(b.len() - 10)),
        ),
        // calamine panics on these two; the guard around every workbook read turns the
        // panic into the same clear error. The sheet list names a relationship the
        // archive does not have:
        (
            "missing-rel.xlsb",
            "the spreadsheet reader failed on it",
            damaged("xl/_rels/workbook.bin.rels", &|b| {
                *b = String::from_utf8(b.clone())
                    .unwrap()
                    .replace("Id=\"rId1\"", "Id=\"rId9\"")
                    .into_bytes()
            }),
        ),
        // and the cells point into a shared-string table that is empty:
        (
            "no-strings.xlsb",
            "the spreadsheet reader failed on it",
            damaged("xl/sharedStrings.bin", &|b| {
                let mut empty = Records::default();
                empty.push(BEGIN_SST, &[0; 8]);
                empty.push(END_SST, &[]);
                *b = empty.0.clone();
            }),
        ),
    ];
    for (name, why, parts) in cases {
        let file = work.path().join(name);
        write_zip(&file, &parts);
        let dir = sample_copy();
        let journal_bytes = || std::fs::read(dir.path().join("books.journal")).unwrap();
        let before = (names(dir.path()), journal_bytes());
        let (code, out, err) = import(dir.path(), &file, &fr_rules(), &[]);
        assert_eq!(code, 2, "{name}: {err}\n{out}");
        assert!(
            err.lines()
                .any(|l| l.starts_with("fundledger: error: ")
                    && l.contains(&file.display().to_string())),
            "{name}: {err}"
        );
        assert!(
            err.contains("is damaged") && err.contains(why),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        let after = (names(dir.path()), journal_bytes());
        assert!(after == before, "{name}: the import wrote {:?}", after.0);
        // reconcile reads statements on the main thread: the same error, exit 2.
        let out = fundledger()
            .args(["-L", s(dir.path()), "reconcile", s(&file)])
            .args([
                "--rules",
                s(&root().join("templates/import/releve-bancaire-fr.toml")),
            ])
            .args(["--account", "assets:bank:bdm-xof"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("is damaged"), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(
            journal_bytes() == before.1,
            "{name}: reconcile changed the journal"
        );
    }
}
