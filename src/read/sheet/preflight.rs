//! Looking at a file before a spreadsheet library does: is it what its extension says,
//! is it encrypted, could it blow up when unpacked? Refusing here is cheap and gives a
//! clear message; the libraries would give a cryptic one, or take all memory.
//!
//! What is checked: the file's size; its first bytes (a zip archive for XLSX, XLSB and
//! ODS; an OLE2 compound file for XLS, which is also how Office stores an encrypted
//! workbook, whatever its extension); for zip archives, the central directory (a
//! truncated file has none) and every part's declared unpacked size and compression
//! ratio (zip bombs).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::{FileKind, Limits, SheetError};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Parts above this size must not unpack more than [`MAX_RATIO`] times their packed size.
const RATIO_FLOOR: u64 = 64 << 20;
const MAX_RATIO: u64 = 200;
const MAX_PARTS: usize = 10_000;

/// Checks the file and returns the kind to read it as (the content decides between an
/// XLS and an XLSX saved with the wrong extension).
pub(super) fn check(path: &Path, named: FileKind, limits: &Limits) -> Result<FileKind, SheetError> {
    let shown = path.display().to_string();
    let io = |source| SheetError::Io {
        path: shown.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(SheetError::NotASpreadsheet {
            path: shown,
            why: "it is a directory".into(),
        });
    }
    if meta.len() > limits.max_file_bytes {
        return Err(SheetError::TooLarge {
            path: shown,
            why: format!(
                "{} MiB, above the limit of {} MiB",
                meta.len() >> 20,
                limits.max_file_bytes >> 20
            ),
        });
    }
    if named == FileKind::Csv {
        return Ok(FileKind::Csv);
    }
    let mut head = [0u8; 8];
    let mut f = File::open(path).map_err(io)?;
    let n = read_up_to(&mut f, &mut head).map_err(io)?;
    let head = &head[..n];
    if head.starts_with(OLE2_MAGIC) {
        if ole2_is_encrypted(path).map_err(io)? {
            return Err(SheetError::Password(shown));
        }
        return Ok(FileKind::Xls);
    }
    if head.starts_with(ZIP_MAGIC) {
        return zip_check(path, limits);
    }
    let what = if head.is_empty() {
        "the file is empty".to_string()
    } else if head
        .iter()
        .all(|b| b.is_ascii() && (!b.is_ascii_control() || b.is_ascii_whitespace()))
    {
        "it is plain text (if it is a CSV export, name it .csv)".to_string()
    } else {
        "it is neither a zip-based workbook (xlsx, xlsb, ods) nor an Excel 97-2003 file".to_string()
    };
    Err(SheetError::NotASpreadsheet {
        path: shown,
        why: what,
    })
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let k = f.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

/// An OLE2 compound file holding an `EncryptedPackage` stream is an encrypted Office
/// Open XML workbook; its directory entries store names in UTF-16LE.
fn ole2_is_encrypted(path: &Path) -> std::io::Result<bool> {
    let bytes = std::fs::read(path)?;
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    Ok(memchr::memmem::find(&bytes, &needle).is_some())
}

/// Reads the zip directory: refuses damaged archives and zip bombs, and tells XLSX,
/// XLSB and ODS apart by their parts.
fn zip_check(path: &Path, limits: &Limits) -> Result<FileKind, SheetError> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|source| SheetError::Io {
        path: shown.clone(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
        SheetError::NotASpreadsheet {
            path: shown.clone(),
            why: format!("it looks like a zip archive but cannot be opened as one (truncated or damaged?): {e}"),
        }
    })?;
    if archive.len() > MAX_PARTS {
        return Err(SheetError::TooLarge {
            path: shown,
            why: format!("{} parts in the archive, above {MAX_PARTS}", archive.len()),
        });
    }
    let mut total = 0u64;
    let (mut has_workbook_xml, mut has_workbook_bin, mut is_ods) = (false, false, false);
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| SheetError::Damaged {
            path: shown.clone(),
            why: e.to_string(),
        })?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        if size > limits.max_part_bytes {
            return Err(SheetError::TooLarge {
                path: shown,
                why: format!(
                    "part {name} unpacks to {} MiB, above {} MiB",
                    size >> 20,
                    limits.max_part_bytes >> 20
                ),
            });
        }
        if size > RATIO_FLOOR && size / packed > MAX_RATIO {
            return Err(SheetError::TooLarge {
                path: shown,
                why: format!(
                    "part {name} unpacks {}× its packed size (a zip bomb?)",
                    size / packed
                ),
            });
        }
        total = total.saturating_add(size);
        match name.as_str() {
            "xl/workbook.xml" => has_workbook_xml = true,
            "xl/workbook.bin" => has_workbook_bin = true,
            "content.xml" => is_ods = true,
            _ => {}
        }
    }
    if total > limits.max_total_bytes {
        return Err(SheetError::TooLarge {
            path: shown,
            why: format!(
                "unpacks to {} MiB in all, above {} MiB",
                total >> 20,
                limits.max_total_bytes >> 20
            ),
        });
    }
    if has_workbook_bin {
        Ok(FileKind::Xlsb)
    } else if has_workbook_xml {
        Ok(FileKind::Xlsx)
    } else if is_ods {
        Ok(FileKind::Ods)
    } else {
        Err(SheetError::NotASpreadsheet {
            path: shown,
            why: "it is a zip archive without a workbook inside".into(),
        })
    }
}
