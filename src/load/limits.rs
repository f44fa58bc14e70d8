//! Limits checked before and while a table is read, so a hostile or broken file cannot
//! exhaust memory or hang the build: the size of a table file, the size a workbook
//! (a zip archive) expands to, and the length and characters of one cell.
//!
//! Kept apart from the readers in `grid.rs`: every check here runs on the file or on a
//! cell already read, whatever reads them.

use super::grid::{Cell, Format};
use crate::load::problem::ProblemKind;
use std::io::Read;
use std::path::Path;

/// Excel's own limit for one cell; longer text cannot come from a real spreadsheet.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Checks a table file before any reader opens it: it must be a regular file no larger
/// than `limit` bytes, and a workbook must not declare in its zip directory that it
/// expands past `limit` bytes (a zip bomb), checked without inflating anything.
pub fn check_table_file(path: &Path, limit: u64) -> Result<(), ProblemKind> {
    let meta = std::fs::metadata(path).map_err(|e| ProblemKind::Unreadable {
        detail: e.to_string(),
    })?;
    if !meta.is_file() {
        return Err(ProblemKind::NotAFile);
    }
    if meta.len() > limit {
        return Err(ProblemKind::TooLarge {
            bytes: meta.len(),
            limit,
            expanded: false,
        });
    }
    if Format::from_path(path) == Some(Format::Excel) {
        let mut head = [0u8; 4];
        let mut file = std::fs::File::open(path).map_err(|e| ProblemKind::Unreadable {
            detail: e.to_string(),
        })?;
        let n = file.read(&mut head).unwrap_or(0);
        if n == 4 && &head == b"PK\x03\x04" {
            check_zip(file, limit)?;
        }
    }
    Ok(())
}

fn check_zip(file: std::fs::File, limit: u64) -> Result<(), ProblemKind> {
    let corrupt = |e: zip::result::ZipError| ProblemKind::WrongFormat {
        expected: "Excel",
        detail: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(corrupt)?;
    // First what the central directory declares: refuses an honest bomb without inflating.
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(corrupt)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > limit {
        return Err(ProblemKind::TooLarge {
            bytes: declared,
            limit,
            expanded: true,
        });
    }
    // An entry that lies — declares little, inflates to much — is refused as it is read:
    // the zip reader bounds every entry by the size it declares (tests/bad_inputs/
    // zip_bomb_lying_sizes), so reading never goes past this declared total.
    Ok(())
}

/// What is wrong with one cell's text, before it is typed: longer than a spreadsheet
/// cell can be, or holding control characters (NUL, escape…) that no clerk typed and
/// that would corrupt the SVG, XLSX and PDF outputs. Tabs and line breaks are fine.
pub fn check_cell(cell: &Cell) -> Option<ProblemKind> {
    let Cell::Text(text) = cell else {
        return None;
    };
    let chars = text.chars().count();
    if chars > MAX_CELL_CHARS {
        return Some(ProblemKind::CellTooLong { chars });
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Some(ProblemKind::ControlCharacters);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_checked_for_length_and_control_characters() {
        assert_eq!(check_cell(&Cell::Text("党建群\n二组\t".into())), None);
        assert_eq!(
            check_cell(&Cell::Text("a\0b".into())),
            Some(ProblemKind::ControlCharacters)
        );
        assert_eq!(
            check_cell(&Cell::Text("x".repeat(MAX_CELL_CHARS + 1))),
            Some(ProblemKind::CellTooLong {
                chars: MAX_CELL_CHARS + 1
            })
        );
        assert_eq!(check_cell(&Cell::Number(1.0)), None);
    }
}
