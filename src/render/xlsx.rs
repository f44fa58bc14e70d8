//! tables.xlsx: the headline figures and every annex table of the view, one sheet each,
//! for clerks who want to filter and sort.
//!
//! Numbers are written as numbers: counts as integers, ratios as the *rounded* ratio the
//! report prints (`CellValue::Ratio { rounded }`) under a percentage format with as many
//! decimals as the printed text, so Excel shows exactly the report's figure (GB/T 8170).
//! Every text is written with `write_string`, so a unit named `=1+1` or `@x` stays text
//! and is never taken for a formula. The document's creation date is the report's date,
//! so the same inputs give the same bytes.
//!
//! After the annex tables, each unit with something to fix gets its own 整改清单 sheet,
//! so a unit can be handed just its own list.

use crate::error::Error;
use crate::present::view::{CellValue, CellView, ColumnView, TableView, View};
use crate::present::words::noun;
use crate::present::workbook::{
    MAX_UNIT_SHEETS, SUMMARY_SHEET, UNTITLED_SHEET, continued, summary,
};
use crate::render::Output;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::collections::{BTreeMap, HashSet};

/// The output's file name in the report folder.
pub const FILE: &str = "tables.xlsx";

/// Writes `tables.xlsx`.
pub fn render_xlsx(view: &View) -> Result<Output, Error> {
    write(view)
        .map(|bytes| Output {
            path: FILE.into(),
            bytes,
        })
        .map_err(|e| Error::Render {
            output: FILE.into(),
            detail: e.to_string(),
        })
}

/// Styles shared by every sheet.
struct Styles {
    header: Format,
    text: Format,
    total_text: Format,
    count: Format,
    total_count: Format,
    /// Percentage formats by number of decimals.
    percent: BTreeMap<usize, (Format, Format)>,
    label: Format,
}

impl Styles {
    fn new() -> Styles {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        Styles {
            header: border(
                Format::new()
                    .set_bold()
                    .set_text_wrap()
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter),
            ),
            text: border(Format::new()),
            total_text: border(Format::new().set_bold()),
            count: border(Format::new().set_num_format("0")),
            total_count: border(Format::new().set_num_format("0").set_bold()),
            percent: BTreeMap::new(),
            label: Format::new().set_bold(),
        }
    }

    /// `0.0%` for one decimal, `0%` for none: the same digits as the printed text.
    fn percent(&mut self, decimals: usize, total: bool) -> &Format {
        let (plain, bold) = self.percent.entry(decimals).or_insert_with(|| {
            let code = if decimals == 0 {
                "0%".to_string()
            } else {
                format!("0.{}%", "0".repeat(decimals))
            };
            let f = Format::new()
                .set_num_format(code)
                .set_border(FormatBorder::Thin);
            (f.clone(), f.set_bold())
        });
        if total { bold } else { plain }
    }
}

/// Body rows per sheet: Excel's 1,048,576 rows less the header and the 合计 row.
pub const SHEET_ROWS: usize = 1_048_576 - 2;

fn write(view: &View) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let mut properties = DocProperties::new()
        .set_title(view.title.as_str())
        .set_author(view.authority.as_str())
        .set_company(view.authority.as_str());
    if let Some(date) = report_date(view) {
        let created =
            ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
        properties = properties.set_creation_datetime(&created);
    }
    workbook.set_properties(&properties);
    // Excel's own deflate level: rust_xlsxwriter measures about 30% less time to save than
    // at its default 6, for a file about 5% larger. A province's workbook is the longest
    // part of its build after the figures.
    workbook.set_zip_compression_level(3);
    let mut styles = Styles::new();

    let summary = workbook.add_worksheet();
    summary.set_name(SUMMARY_SHEET)?;
    write_summary(summary, view, &mut styles)?;

    let mut names: HashSet<String> = HashSet::from([SUMMARY_SHEET.to_string()]);
    for table in &view.tables {
        if table.rows.len() <= SHEET_ROWS {
            let sheet = workbook.add_worksheet();
            sheet.set_name(sheet_name(&table.title, &mut names))?;
            write_table(sheet, table, &mut styles)?;
            continue;
        }
        // Past Excel's row limit the table goes on over several sheets (续2, 续3, …),
        // each with the header; the 合计 row ends the last one.
        let parts = table.rows.len().div_ceil(SHEET_ROWS);
        for (k, chunk) in table.rows.chunks(SHEET_ROWS).enumerate() {
            let part = TableView {
                id: table.id.clone(),
                annex: table.annex.clone(),
                kind: table.kind,
                shown: table.shown,
                title: if k == 0 {
                    table.title.clone()
                } else {
                    continued(&table.title, k + 1)
                },
                columns: table.columns.clone(),
                rows: chunk.to_vec(),
                total: if k + 1 == parts {
                    table.total.clone()
                } else {
                    None
                },
            };
            let sheet = workbook.add_worksheet();
            sheet.set_name(sheet_name(&part.title, &mut names))?;
            write_table(sheet, &part, &mut styles)?;
        }
    }
    let per_unit = match view.rectification.len() {
        n if n <= MAX_UNIT_SHEETS => view.rectification.as_slice(),
        _ => &[],
    };
    for list in per_unit {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&list.table.title, &mut names))?;
        write_table(sheet, &list.table, &mut styles)?;
    }
    let bytes = workbook.save_to_buffer();
    // A province's workbook holds millions of cells: the build goes on while they are freed.
    crate::drop_aside(workbook);
    bytes
}

fn report_date(view: &View) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&view.current, "%Y-%m-%d").ok()
}

/// 总体情况: the notice's particulars, the headline figures as printed, and each kind's
/// totals as numbers.
fn write_summary(sheet: &mut Worksheet, view: &View, styles: &mut Styles) -> Result<(), XlsxError> {
    let mut widths = Widths::default();
    let mut row = 0u32;
    let words = summary(view);
    for (label, value) in &words.particulars {
        sheet.write_string_with_format(row, 0, *label, &styles.label)?;
        sheet.write_string(row, 1, value.as_str())?;
        widths.see(0, label);
        row += 1;
    }
    row += 1;
    for (col, label) in words.headline_columns.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *label, &styles.header)?;
    }
    row += 1;
    for h in &view.headlines {
        sheet.write_string_with_format(row, 0, h.label.as_str(), &styles.text)?;
        sheet.write_string_with_format(row, 1, h.value.as_str(), &styles.text)?;
        sheet.write_string_with_format(row, 2, h.detail.as_str(), &styles.text)?;
        widths.see(0, &h.label);
        widths.see(1, &h.value);
        widths.see(2, &h.detail);
        row += 1;
    }

    // Each kind's totals once (every breakdown of a kind has the same 合计 row), as numbers.
    let mut seen = HashSet::new();
    let kinds: Vec<&TableView> = view
        .tables
        .iter()
        .filter(|t| t.total.is_some() && t.kind.is_some_and(|k| seen.insert(k)))
        .collect();
    if let Some(first) = kinds.first() {
        row += 1;
        sheet.write_string_with_format(row, 0, words.totals, &styles.header)?;
        // Skip 序号 and the breakdown's own column: the figures only.
        let figures: Vec<&ColumnView> = first.columns.iter().skip(2).collect();
        for (i, c) in figures.iter().enumerate() {
            sheet.write_string_with_format(row, 1 + i as u16, c.label.as_str(), &styles.header)?;
            widths.see(1 + i as u16, &c.label);
        }
        row += 1;
        for table in kinds {
            let noun = table.kind.map_or("", noun);
            sheet.write_string_with_format(row, 0, noun, &styles.text)?;
            for (i, cell) in table.total.iter().flatten().skip(2).enumerate() {
                write_cell(sheet, row, 1 + i as u16, cell, false, styles)?;
                widths.see(1 + i as u16, &cell.text);
            }
            row += 1;
        }
    }
    widths.apply(sheet, 60.0)?;
    Ok(())
}

/// One annex table: header row frozen and filtered, the body, then the 合计 row below the
/// filter's range so that sorting never moves it.
fn write_table(
    sheet: &mut Worksheet,
    table: &TableView,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    let mut widths = Widths::default();
    for (col, c) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, c.label.as_str(), &styles.header)?;
        widths.see(col as u16, &c.label);
    }
    let mut row = 1u32;
    for cells in &table.rows {
        for (col, cell) in cells.iter().enumerate() {
            write_cell(sheet, row, col as u16, cell, false, styles)?;
            widths.see(col as u16, &cell.text);
        }
        row += 1;
    }
    let last_col = table.columns.len().saturating_sub(1) as u16;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, row - 1, last_col)?;
    if let Some(total) = &table.total {
        for (col, cell) in total.iter().enumerate() {
            write_cell(sheet, row, col as u16, cell, true, styles)?;
            widths.see(col as u16, &cell.text);
        }
    }
    // Room for the autofilter's drop-down arrow in the header.
    widths.pad(2.0);
    widths.apply(sheet, 50.0)?;
    Ok(())
}

/// A cell as its value says: counts and ratios as numbers, text always as a string.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &CellView,
    total: bool,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    match &cell.value {
        CellValue::Count { n } => {
            let format = if total {
                &styles.total_count
            } else {
                &styles.count
            };
            sheet.write_number_with_format(row, col, *n as f64, format)?;
        }
        CellValue::Ratio { rounded: Some(r) } => {
            let format = styles.percent(decimals(&cell.text), total);
            sheet.write_number_with_format(row, col, *r, format)?;
        }
        CellValue::Ratio { rounded: None } | CellValue::Text => {
            let format = if total {
                &styles.total_text
            } else {
                &styles.text
            };
            sheet.write_string_with_format(row, col, cell.text.as_str(), format)?;
        }
    }
    Ok(())
}

/// Digits after the decimal point in a printed percentage: `77.5%` → 1.
fn decimals(printed: &str) -> usize {
    printed.split_once('.').map_or(0, |(_, rest)| {
        rest.chars().take_while(char::is_ascii_digit).count()
    })
}

/// A valid, unique sheet name from a title: at most 31 characters, none of `[]:*?/\`, not
/// starting or ending with an apostrophe.
pub fn sheet_name(title: &str, taken: &mut HashSet<String>) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    let base = if cleaned.is_empty() {
        UNTITLED_SHEET
    } else {
        cleaned
    };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("({n})")
        };
        let keep = 31 - suffix.chars().count();
        let name: String = base.chars().take(keep).collect::<String>() + &suffix;
        // Excel compares sheet names case-insensitively.
        if taken.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

/// Column widths that fit the text, counting CJK and full-width characters as two.
#[derive(Default)]
struct Widths(BTreeMap<u16, f64>);

impl Widths {
    fn see(&mut self, col: u16, text: &str) {
        let w = display_width(text) as f64;
        let entry = self.0.entry(col).or_insert(0.0);
        if w > *entry {
            *entry = w;
        }
    }

    fn pad(&mut self, extra: f64) {
        for w in self.0.values_mut() {
            *w += extra;
        }
    }

    fn apply(&self, sheet: &mut Worksheet, max: f64) -> Result<(), XlsxError> {
        for (&col, &w) in &self.0 {
            sheet.set_column_width(col, (w + 1.0).clamp(6.0, max))?;
        }
        Ok(())
    }
}

/// Width in Excel's character units: East Asian wide characters count two.
pub fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = HashSet::from(["总体情况".to_string()]);
        assert_eq!(
            sheet_name("附件1 按单位统计", &mut taken),
            "附件1 按单位统计"
        );
        assert_eq!(sheet_name("a/b:c*d?[e]\\", &mut taken), "a_b_c_d__e__");
        let long = "很".repeat(40);
        let first = sheet_name(&long, &mut taken);
        assert_eq!(first.chars().count(), 31);
        let second = sheet_name(&long, &mut taken);
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with("(2)"));
        assert_eq!(sheet_name("总体情况", &mut taken), "总体情况(2)");
    }

    #[test]
    fn chinese_counts_double() {
        assert_eq!(display_width("利川abc"), 7);
        assert_eq!(display_width("（一）"), 6);
    }

    #[test]
    fn decimals_follow_the_printed_text() {
        assert_eq!(decimals("77.5%"), 1);
        assert_eq!(decimals("78%"), 0);
        assert_eq!(decimals("77.50%"), 2);
    }
}
