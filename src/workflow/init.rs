//! `jianfu init`: a new campaign folder with campaign.toml (every setting explained) and
//! empty inventory workbooks whose headers, notes and drop-down lists are exactly what
//! jianfu reads, so clerks fill in the right thing the first time.

use crate::load::schema::{ColumnSpec, TableKind, ValueType};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatBorder,
    Workbook, XlsxError,
};
use std::path::{Path, PathBuf};

/// Rows that carry drop-down lists and checks, below the header.
const FILLABLE_ROWS: u32 = 5000;
const HEADER_ROW: u32 = 2;

const PLATFORMS_GROUPS: &[&str] = &["微信", "企业微信", "钉钉", "QQ", "浙政钉", "其他"];
const PLATFORMS_ACCOUNTS: &[&str] = &[
    "微信公众号",
    "视频号",
    "微博",
    "抖音",
    "快手",
    "今日头条",
    "政务APP",
    "小程序",
    "其他",
];
const STATUS_WORDS: &[&str] = &[
    "正常", "保留", "运营", "解散", "撤销", "关停", "注销", "停更", "停用", "合并", "整合", "并入",
    "迁移",
];
const LEVELS: &[&str] = &["市级", "县级", "乡镇街道", "村社区"];

/// Writes a new campaign at `dir` with a first snapshot folder for `date`.
/// Refuses to touch a folder that already has a campaign.toml.
pub fn init(dir: &Path, date: NaiveDate) -> Result<Vec<PathBuf>, crate::error::Error> {
    use crate::error::Error;
    let config = dir.join("campaign.toml");
    if config.exists() {
        return Err(Error::write(&config, "already exists; nothing was changed"));
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let snapshot = dir.join("snapshots").join(date.to_string());
    std::fs::create_dir_all(&snapshot).map_err(|e| Error::write(&snapshot, e))?;
    let mut written = Vec::new();
    let toml = crate::config::campaign_toml(&name.replace('"', ""));
    std::fs::write(&config, toml).map_err(|e| Error::write(&config, e))?;
    written.push(config);
    for (kind, folder) in [
        (TableKind::Groups, &snapshot),
        (TableKind::Accounts, &snapshot),
        (TableKind::Members, &snapshot),
        (TableKind::Units, &dir.to_path_buf()),
    ] {
        let path = folder.join(format!("{}.xlsx", kind.stems()[1]));
        let bytes = template(&[kind], date).map_err(|e| Error::write(&path, e))?;
        std::fs::write(&path, bytes).map_err(|e| Error::write(&path, e))?;
        written.push(path);
    }
    // The form a unit fills in before creating a group (`jianfu vet --requests`): the
    // requests, and their members by 申请编号 on a second sheet.
    let path = dir.join(format!("{}.xlsx", TableKind::Requests.stems()[1]));
    let bytes = template(&[TableKind::Requests, TableKind::Proposed], date)
        .map_err(|e| Error::write(&path, e))?;
    std::fs::write(&path, bytes).map_err(|e| Error::write(&path, e))?;
    written.push(path);
    Ok(written)
}

/// What a clerk is told about each column in the note row.
fn note(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Groups => {
            "填报说明：每个工作群一行，编号在各期台账中保持不变；状态填写 正常/解散/合并（合并的填写合并至的群编号）；阶段性工作群须填写到期日期；日期写作 2019-06-30。"
        }
        TableKind::Accounts => {
            "填报说明：每个政务新媒体账号一行，编号在各期台账中保持不变；状态填写 运营/停更/关停/注销/合并/迁移；日期写作 2019-06-30。"
        }
        TableKind::Members => {
            "填报说明：每个群的每名成员一行；成员编号（工号）须在各群、各期台账中一致。姓名、手机号只用于核对，不会出现在报告中。"
        }
        TableKind::Units => "填报说明：每个单位一行；市直单位的乡镇街道留空。",
        TableKind::Requests => {
            "填报说明：建群前每个拟建工作群一行（先报备，再建群）；申请编号不重复；阶段性工作群须填写到期日期；成员编号可填在本表（以顿号分隔），或逐人填在「申请成员」工作表。"
        }
        TableKind::Proposed => {
            "填报说明：每个申请的每名拟入群成员一行；申请编号与「报备申请」表一致，成员编号（工号）与群成员台账一致。姓名只用于核对，不会出现在比对结果中。"
        }
    }
}

fn title(kind: TableKind, date: NaiveDate) -> String {
    format!(
        "{}（截至{}）",
        kind.stems()[1],
        crate::present::format::chinese_date(date)
    )
}

fn validation(kind: TableKind, spec: &ColumnSpec) -> Result<Option<DataValidation>, XlsxError> {
    let list = |items: &[&str]| DataValidation::new().allow_list_strings(items).map(Some);
    match (spec.canonical, spec.ty) {
        ("platform", _) if kind == TableKind::Groups => list(PLATFORMS_GROUPS),
        ("platform", _) => list(PLATFORMS_ACCOUNTS),
        ("level", _) => list(LEVELS),
        (_, ValueType::Status) => list(STATUS_WORDS),
        (_, ValueType::Bool) => list(&["是", "否"]),
        (_, ValueType::Term) => list(&["长期", "阶段性"]),
        (_, ValueType::Count) => Ok(Some(
            DataValidation::new()
                .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                .set_error_message("请填写不小于 0 的整数")?,
        )),
        (_, ValueType::Date) => Ok(Some(
            DataValidation::new()
                .allow_date(DataValidationRule::GreaterThanOrEqualTo(
                    ExcelDateTime::from_ymd(1990, 1, 1)?,
                ))
                .set_error_message("请填写日期，如 2019-06-30")?,
        )),
        _ => Ok(None),
    }
}

/// One empty workbook, a sheet per kind: title, note, header, and checks on the
/// fillable rows.
fn template(kinds: &[TableKind], date: NaiveDate) -> Result<Vec<u8>, XlsxError> {
    use chrono::Datelike;
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(
            date.year() as u16,
            date.month() as u8,
            date.day() as u8,
        )?),
    );
    for &kind in kinds {
        sheet(&mut book, kind, date)?;
    }
    book.save_to_buffer()
}

fn sheet(book: &mut Workbook, kind: TableKind, date: NaiveDate) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name(kind.stems()[1])?;
    let columns = kind.columns();
    let last = (columns.len() - 1) as u16;
    let title_format = Format::new().set_bold().set_font_size(16);
    let note_format = Format::new().set_text_wrap().set_font_color("#595959");
    let header_format = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin);
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet.merge_range(0, 0, 0, last, &title(kind, date), &title_format)?;
    sheet.merge_range(1, 0, 1, last, note(kind), &note_format)?;
    sheet.set_row_height(1, 36)?;
    for (c, spec) in columns.iter().enumerate() {
        let c = c as u16;
        let header = spec.aliases[0];
        sheet.write_string_with_format(HEADER_ROW, c, header, &header_format)?;
        let width = 2 * header.chars().count().max(4) + 4;
        sheet.set_column_width(c, width as f64)?;
        if spec.ty == ValueType::Date {
            sheet.set_column_format(c, &date_format)?;
        }
        if let Some(dv) = validation(kind, spec)? {
            sheet.add_data_validation(HEADER_ROW + 1, c, HEADER_ROW + FILLABLE_ROWS, c, &dv)?;
        }
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_header_is_read_back_as_its_column() {
        for kind in [
            TableKind::Groups,
            TableKind::Accounts,
            TableKind::Members,
            TableKind::Units,
            TableKind::Requests,
            TableKind::Proposed,
        ] {
            for spec in kind.columns() {
                let found = crate::load::schema::match_header(kind, spec.aliases[0]);
                assert_eq!(found.map(|c| c.canonical), Some(spec.canonical));
            }
        }
    }

    #[test]
    fn every_offered_status_word_is_understood() {
        for word in STATUS_WORDS {
            assert!(crate::load::values::parse_status(word).is_some(), "{word}");
        }
    }
}
