//! What clerks really send: the same inventory as UTF-8 CSV, UTF-8 with BOM and CRLF,
//! GBK CSV, an XLSX with a title row and Excel dates, and Parquet, must give one report.

mod common;
use common::Fixture;
use polars::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const HEADER: [&str; 6] = ["序号", "群名称", "群成员数", "使用期限", "到期日期", "状态"];

/// Baseline rows: G1 retained with 1,200 → 1,150 members; G3..G6 stage-work groups gone
/// by the current snapshot (2019-06-30) with their end dates written four ways.
const BASELINE: [[&str; 6]; 5] = [
    ["G1", "党建工作群", "１,２００", "长期", "", "正常"],
    ["G3", "迎检群", "7", "阶段性", "2019/3/1", ""],
    ["G4", "专班群", "3", "阶段性", "20191231", ""],
    ["G5", "普查群", "5", "阶段性", "2019.6.30", ""],
    ["G6", "会务群", "4", "阶段性", "2019年7月1日", ""],
];
const CURRENT: [[&str; 6]; 2] = [
    ["G1", "党建工作群", "1,150", "长期", "", "保留"],
    ["G7", "新建群", "10", "长期", "", ""],
];

fn csv_text(rows: &[[&str; 6]], line_end: &str) -> String {
    let mut out = HEADER.join(",") + line_end;
    for row in rows {
        let quoted: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains(',') {
                    format!("\"{c}\"")
                } else {
                    c.to_string()
                }
            })
            .collect();
        out += &(quoted.join(",") + line_end);
    }
    out
}

fn check(report: jianfu::model::Report) {
    let t = report.groups.expect("groups").totals;
    // Expired: G3 (2019-03-01) and G5 (on the current date itself); G4 and G6 end later.
    assert_eq!(
        (
            t.before,
            t.after,
            t.retained,
            t.expired,
            t.dissolved,
            t.new,
            t.members_removed
        ),
        (5, 2, 1, 2, 2, 1, 50)
    );
}

#[test]
fn utf8_csv() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", csv_text(&BASELINE, "\n"));
    f.table("2019-06-30", "groups.csv", csv_text(&CURRENT, "\n"));
    check(f.report());
}

#[test]
fn utf8_csv_with_bom_and_crlf() {
    let f = Fixture::new();
    let bom = |s: String| [b"\xEF\xBB\xBF".as_slice(), s.as_bytes()].concat();
    f.table("2019-01-01", "groups.csv", bom(csv_text(&BASELINE, "\r\n")));
    f.table("2019-06-30", "groups.csv", bom(csv_text(&CURRENT, "\r\n")));
    check(f.report());
}

#[test]
fn gbk_csv_with_a_chinese_file_name() {
    let f = Fixture::new();
    let gbk = |s: String| encoding_rs::GBK.encode(&s).0.into_owned();
    f.table(
        "2019-01-01",
        "工作群台账.csv",
        gbk(csv_text(&BASELINE, "\r\n")),
    );
    f.table(
        "2019-06-30",
        "工作群台账.csv",
        gbk(csv_text(&CURRENT, "\r\n")),
    );
    check(f.report());
}

/// A workbook as offices make them: a merged title row, a note row, the header on row 3;
/// dates as real date cells or as serial numbers; counts as numbers.
fn workbook(rows: &[[&str; 6]]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .merge_range(0, 0, 0, 5, "测试市微信工作群台账", &Format::new())
        .unwrap();
    sheet
        .write_string(1, 0, "填报说明：状态填写 正常/解散/合并")
        .unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match (c, *value) {
                (_, "") => {}
                (2, v) if v.is_ascii() => {
                    sheet
                        .write_number(r, c, v.replace(',', "").parse::<f64>().unwrap())
                        .unwrap();
                }
                (4, "2019/3/1") => {
                    let d = ExcelDateTime::from_ymd(2019, 3, 1).unwrap();
                    sheet
                        .write_datetime_with_format(r, c, &d, &date_format)
                        .unwrap();
                }
                // 2019-06-30 pasted as a bare serial number.
                (4, "2019.6.30") => {
                    sheet.write_number(r, c, 43646.0).unwrap();
                }
                (4, "20191231") => {
                    sheet.write_number(r, c, 20191231.0).unwrap();
                }
                (_, v) => {
                    sheet.write_string(r, c, v).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_with_title_rows_and_excel_dates() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.xlsx", workbook(&BASELINE));
    f.table("2019-06-30", "groups.xlsx", workbook(&CURRENT));
    check(f.report());
}

fn parquet(rows: &[[&str; 6]]) -> Vec<u8> {
    let columns: Vec<Column> = HEADER
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let values: Vec<Option<&str>> = rows
                .iter()
                .map(|r| (!r[c].is_empty()).then_some(r[c]))
                .collect();
            Column::new((*h).into(), values)
        })
        .collect();
    let mut df = DataFrame::new(rows.len(), columns).unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    bytes
}

#[test]
fn parquet_tables() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.parquet", parquet(&BASELINE));
    f.table("2019-06-30", "groups.parquet", parquet(&CURRENT));
    check(f.report());
}

#[test]
fn formats_can_differ_between_snapshots() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.xlsx", workbook(&BASELINE));
    f.table("2019-06-30", "工作群台账.csv", csv_text(&CURRENT, "\n"));
    check(f.report());
}

#[test]
fn a_named_sheet_is_read_instead_of_the_first() {
    let f = Fixture::new();
    f.file(
        "campaign.toml",
        "name = \"测试\"\n[sheets]\ngroups = \"台账\"\n",
    );
    let with_cover = |rows: &[[&str; 6]]| {
        let mut book = Workbook::new();
        book.add_worksheet()
            .set_name("封面")
            .unwrap()
            .write_string(0, 0, "封面")
            .unwrap();
        let sheet = book.add_worksheet().set_name("台账").unwrap();
        for (c, h) in HEADER.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
        book.save_to_buffer().unwrap()
    };
    f.table("2019-01-01", "groups.xlsx", with_cover(&BASELINE));
    f.table("2019-06-30", "groups.xlsx", with_cover(&CURRENT));
    check(f.report());
}

#[test]
fn excel_lock_files_and_unknown_files_are_ignored() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", csv_text(&BASELINE, "\n"));
    f.table("2019-01-01", "~$groups.xlsx", b"lock");
    f.table("2019-01-01", "说明.docx", b"notes");
    f.table("2019-06-30", "groups.csv", csv_text(&CURRENT, "\n"));
    check(f.report());
}
