//! 报备比对结果.xlsx: the batch's answers, one row per request, laid out from
//! [`BatchTable`]. Texts are written with `write_string` (a unit named `=1+1` stays text);
//! the workbook's creation date is the snapshot's, so the same inputs give the same bytes.

use crate::error::Error;
use crate::present::vet::{BatchTable, Cell};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

/// The batch's output file name.
pub const FILE: &str = "报备比对结果.xlsx";

/// The workbook's bytes.
pub fn batch_xlsx(table: &BatchTable) -> Result<Vec<u8>, Error> {
    write(table).map_err(|e| Error::Render {
        output: FILE.into(),
        detail: e.to_string(),
    })
}

fn write(table: &BatchTable) -> Result<Vec<u8>, XlsxError> {
    use chrono::Datelike;
    let mut book = Workbook::new();
    if let Ok(date) = chrono::NaiveDate::parse_from_str(&table.snapshot, "%Y-%m-%d") {
        book.set_properties(
            &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(
                date.year() as u16,
                date.month() as u8,
                date.day() as u8,
            )?),
        );
    }
    let sheet = book.add_worksheet().set_name(&table.sheet)?;
    let border = |f: Format| f.set_border(FormatBorder::Thin);
    let header = border(
        Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
    );
    let text = border(Format::new().set_text_wrap().set_align(FormatAlign::Top));
    let count = border(
        Format::new()
            .set_num_format("0")
            .set_align(FormatAlign::Top),
    );
    sheet.write_string_with_format(0, 0, &table.title, &Format::new().set_bold())?;
    for (c, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, h, &header)?;
        let width = match c {
            5 | 6 => 60.0,
            3 | 4 => 24.0,
            _ => 14.0,
        };
        sheet.set_column_width(c as u16, width)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => sheet.write_string_with_format(r, c as u16, s, &text)?,
                Cell::Count(n) => sheet.write_number_with_format(r, c as u16, *n as f64, &count)?,
            };
        }
    }
    sheet.set_freeze_panes(2, 0)?;
    if !table.rows.is_empty() {
        sheet.autofilter(
            1,
            0,
            table.rows.len() as u32 + 1,
            table.headers.len() as u16 - 1,
        )?;
    }
    book.save_to_buffer()
}
