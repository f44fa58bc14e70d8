//! Reading a table file (CSV, XLSX/XLS, Parquet) into rows of cells, each row keeping the
//! number the spreadsheet shows for it. Nothing here knows what the columns mean.

use super::decode::{DecodeError, decode_text};
use crate::load::problem::ProblemKind;
use std::path::Path;

/// One cell as the file holds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date cell, as its serial number.
    Date(f64),
    Bool(bool),
}

impl Cell {
    /// The cell as a clerk would read it on screen, for messages and text columns.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(f) | Cell::Date(f) => {
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    format!("{}", *f as i64)
                } else {
                    format!("{f}")
                }
            }
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        }
    }

    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => super::values::trim_spaces(s).is_empty(),
            _ => false,
        }
    }
}

/// A table's rows, each with its row number as the spreadsheet shows it.
#[derive(Debug, Default)]
pub struct Grid {
    pub rows: Vec<(usize, Vec<Cell>)>,
    /// The sheet read, for workbooks.
    pub sheet: Option<String>,
}

/// The file formats a table may come in, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Excel,
    Parquet,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(Format::Csv),
            "xlsx" | "xlsm" | "xls" | "ods" => Some(Format::Excel),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }
}

/// Reads a table file. `preferred_sheets` are tried by name before falling back to the
/// first sheet; `sheet` (from campaign.toml) must exist if given.
pub fn read_grid(
    path: &Path,
    sheet: Option<&str>,
    preferred_sheets: &[&str],
) -> Result<Grid, ProblemKind> {
    match Format::from_path(path) {
        Some(Format::Csv) => read_csv(path),
        Some(Format::Excel) => read_workbook(path, sheet, preferred_sheets),
        Some(Format::Parquet) => read_parquet(path),
        None => Err(ProblemKind::WrongFormat {
            expected: "CSV/XLSX/Parquet",
            detail: "unknown extension".into(),
        }),
    }
}

fn unreadable(e: impl std::fmt::Display) -> ProblemKind {
    ProblemKind::Unreadable {
        detail: e.to_string(),
    }
}

fn read_csv(path: &Path) -> Result<Grid, ProblemKind> {
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let text = decode_text(&bytes).map_err(|e| match e {
        DecodeError::Binary(kind) => ProblemKind::WrongFormat {
            expected: "CSV",
            detail: kind.to_string(),
        },
        DecodeError::UnknownEncoding => ProblemKind::UnknownEncoding,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(unreadable)?;
        let cells = record
            .iter()
            .map(|field| {
                if field.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(field.to_string())
                }
            })
            .collect();
        // Excel numbers CSV records, not physical lines: a quoted field may span lines.
        rows.push((index + 1, cells));
    }
    Ok(Grid { rows, sheet: None })
}

fn read_workbook(
    path: &Path,
    sheet: Option<&str>,
    preferred_sheets: &[&str],
) -> Result<Grid, ProblemKind> {
    use calamine::{Data, Reader};
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| match e {
        calamine::Error::Io(io) => unreadable(io),
        other => ProblemKind::WrongFormat {
            expected: "Excel",
            detail: other.to_string(),
        },
    })?;
    let names = workbook.sheet_names();
    let chosen = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.trim() == wanted.trim())
            .cloned()
            .ok_or_else(|| ProblemKind::NoSuchSheet {
                sheets: names.clone(),
            })?,
        None => names
            .iter()
            .find(|n| {
                preferred_sheets
                    .iter()
                    .any(|p| n.trim().eq_ignore_ascii_case(p))
            })
            .or_else(|| names.first())
            .cloned()
            .ok_or_else(|| ProblemKind::WrongFormat {
                expected: "Excel",
                detail: "the workbook has no sheet".into(),
            })?,
    };
    let range = workbook
        .worksheet_range(&chosen)
        .map_err(|e| ProblemKind::WrongFormat {
            expected: "Excel",
            detail: e.to_string(),
        })?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let cells = row
                .iter()
                .map(|d| match d {
                    Data::Empty => Cell::Empty,
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        Cell::Text(s.clone())
                    }
                    Data::Int(n) => Cell::Number(*n as f64),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Bool(b) => Cell::Bool(*b),
                    Data::DateTime(dt) => Cell::Date(dt.as_f64()),
                    Data::Error(e) => Cell::Text(e.to_string()),
                })
                .collect();
            (first_row + i + 1, cells)
        })
        .collect();
    Ok(Grid {
        rows,
        sheet: Some(chosen),
    })
}

fn read_parquet(path: &Path) -> Result<Grid, ProblemKind> {
    use polars::prelude::*;
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let not_parquet = |e: PolarsError| ProblemKind::WrongFormat {
        expected: "Parquet",
        detail: e.to_string(),
    };
    let df = ParquetReader::new(file).finish().map_err(not_parquet)?;
    let header = df
        .get_column_names()
        .iter()
        .map(|n| Cell::Text(n.to_string()))
        .collect();
    let mut columns = Vec::with_capacity(df.width());
    for column in df.columns() {
        let text = column.cast(&DataType::String).map_err(not_parquet)?;
        let values: Vec<Option<String>> = text
            .str()
            .map_err(not_parquet)?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect();
        columns.push(values);
    }
    let mut rows = Vec::with_capacity(df.height() + 1);
    rows.push((1, header));
    for i in 0..df.height() {
        let cells = columns
            .iter()
            .map(|c| c[i].clone().map_or(Cell::Empty, Cell::Text))
            .collect();
        rows.push((i + 2, cells));
    }
    Ok(Grid { rows, sheet: None })
}
