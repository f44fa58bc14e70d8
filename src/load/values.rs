//! Reading one cell's value the way clerks write it: full-width digits, thousands
//! separators, the many date forms of Excel and WPS, 是/否, and the status words.

use super::words::{ACTIVE_WORDS, DISSOLVED_WORDS, MERGED_WORDS, STAGE_WORDS, STANDING_WORDS};
use crate::load::problem::Expected;
use chrono::{Datelike, NaiveDate};

/// Folds full-width ASCII (ＱＱ, １２３, ：) to half-width and the ideographic space to a space,
/// because Chinese input methods produce both and clerks cannot see the difference.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Trims half- and full-width spaces (and the no-break space Excel sometimes keeps).
pub fn trim_spaces(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{A0}')
}

/// A count such as a number of members or followers: an integer ≥ 0.
pub fn parse_count(s: &str) -> Option<i64> {
    let folded = fold_width(trim_spaces(s));
    let cleaned: String = folded
        .chars()
        .filter(|c| !matches!(c, ',' | '、' | ' ' | '\''))
        .collect();
    let cleaned = cleaned
        .strip_suffix('人')
        .or_else(|| cleaned.strip_suffix('个'))
        .unwrap_or(&cleaned);
    if let Ok(n) = cleaned.parse::<i64>() {
        return (n >= 0).then_some(n);
    }
    // Excel stores every number as a float; 12.0 is a fine count, 12.5 is not.
    let f: f64 = cleaned.parse().ok()?;
    count_from_number(f)
}

/// A count from a numeric cell.
pub fn count_from_number(f: f64) -> Option<i64> {
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 9.0e15).then_some(f as i64)
}

/// The first and last day Excel can show (serials 1 and 2958465).
const EXCEL_SERIAL_MAX: f64 = 2_958_465.0;

/// A date from an Excel serial number. Excel counts from 1900-01-01 = 1 and wrongly
/// believes 1900 was a leap year, so serials from 61 on count from 1899-12-30.
pub fn date_from_serial(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=EXCEL_SERIAL_MAX).contains(&serial.floor()) {
        return None;
    }
    let days = serial.floor() as i64;
    let (base, offset) = if days >= 61 {
        (NaiveDate::from_ymd_opt(1899, 12, 30)?, days)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 31)?, days)
    };
    base.checked_add_signed(chrono::TimeDelta::try_days(offset)?)
}

/// The years a workbook's number may stand for as an Excel date serial: 1980 to 2099
/// (serials 29221 to 73050). No chat group or government account is older, and what
/// clerks type by mistake falls outside: a year (2019 would be 1905-07-11), a year and
/// month (2024.3 would be 1905-07-16, 201906 the year 2452).
pub const SERIAL_YEARS: std::ops::RangeInclusive<i32> = 1980..=2099;

/// A date cell as the file holds it. Both readers (`load::table` for workbooks and small
/// files, `load::columnar` for big CSV and Parquet) type every date cell through
/// [`read_date`], so they cannot disagree.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DateCell<'a> {
    /// Text: a CSV or Parquet cell, or a workbook's text cell.
    Text(&'a str),
    /// A workbook's number cell, formatted as a date or not: an Excel serial, or a date
    /// such as 20190611 typed as a number.
    WorkbookNumber(f64),
}

/// Reads a date cell (not blank). `Err` says what was expected: [`Expected::WholeDate`]
/// for a value that is not a whole date — a year, a year and month, a bare number that
/// is not an Excel date — and [`Expected::Date`] for anything else unreadable.
///
/// Text takes the forms clerks type: 2019-06-11, 2019/6/11, 2019.6.11, 2019年6月11日,
/// 20190611, optionally followed by a time of day. A bare number is read as an Excel
/// serial only in a workbook's number cell, and only for a day in [`SERIAL_YEARS`]: the
/// same digits as text (43627 in a CSV) are not a date.
pub fn read_date(cell: DateCell) -> Result<NaiveDate, Expected> {
    match cell {
        DateCell::Text(s) => parse_date_text(s),
        // 20190611 typed into a number cell is a date, not serial 20 million.
        DateCell::WorkbookNumber(f) if (1.0e7..1.0e8).contains(&f) && f.fract() == 0.0 => {
            let digits = format!("{}", f as i64);
            ymd(&digits[..4], &digits[4..6], &digits[6..]).ok_or(Expected::Date)
        }
        DateCell::WorkbookNumber(f) => date_from_serial(f)
            .filter(|d| SERIAL_YEARS.contains(&d.year()))
            .ok_or(Expected::WholeDate),
    }
}

/// A date written as text; see [`read_date`].
fn parse_date_text(s: &str) -> Result<NaiveDate, Expected> {
    let folded = fold_width(trim_spaces(s));
    let text = folded.as_str();
    // A time of day after the date ("2019-09-28 21:14", "2019-09-28T21:14:00") is dropped.
    let date_part = text.split([' ', 'T']).next().unwrap_or(text);
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if digits(date_part) {
        // 20190611; anything else of digits alone is a year (2019), a year and month
        // (201906) or a number (an Excel serial pasted as text): not a whole date.
        return match date_part.len() {
            8 => ymd(&date_part[..4], &date_part[4..6], &date_part[6..]).ok_or(Expected::Date),
            _ => Err(Expected::WholeDate),
        };
    }
    let normalised = date_part.trim_end_matches(['日', '号']);
    let mut parts: Vec<&str> = normalised.split(['-', '/', '.', '年', '月']).collect();
    // 2019年 and 2024年3月 end with a separator.
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if !parts.iter().all(|p| digits(p)) {
        return Err(Expected::Date);
    }
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => ymd(y, m, d).ok_or(Expected::Date),
        // 2024.3, 2024-03, 2024年3月, 2019年; 43627.5 (a serial with a time, as text).
        [_] | [_, _] => Err(Expected::WholeDate),
        _ => Err(Expected::Date),
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    (1900..=9999).contains(&date.year()).then_some(date)
}

/// 是/否 and its many spellings.
pub fn parse_bool(s: &str) -> Option<bool> {
    let folded = fold_width(trim_spaces(s)).to_lowercase();
    match folded.as_str() {
        "是" | "y" | "yes" | "true" | "1" | "已报备" | "已备案" | "√" | "有" => {
            Some(true)
        }
        "否" | "n" | "no" | "false" | "0" | "未报备" | "未备案" | "×" | "无" => {
            Some(false)
        }
        _ => None,
    }
}

/// Whether an item is still in use, as the clean-up records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    Dissolved,
    Merged,
}

impl Status {
    /// The word stored in frames and written in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Dissolved => "dissolved",
            Status::Merged => "merged",
        }
    }
}

/// A status cell: empty means active; 已 before a word ("已解散") changes nothing.
pub fn parse_status(s: &str) -> Option<Status> {
    let folded = fold_width(trim_spaces(s)).to_lowercase();
    let word = folded.strip_prefix('已').unwrap_or(&folded);
    if word.is_empty() || ACTIVE_WORDS.contains(&word) {
        Some(Status::Active)
    } else if DISSOLVED_WORDS.contains(&word) {
        Some(Status::Dissolved)
    } else if MERGED_WORDS.contains(&word) {
        Some(Status::Merged)
    } else {
        None
    }
}

/// How long a group is meant to live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    Standing,
    Stage,
}

impl Term {
    pub fn as_str(self) -> &'static str {
        match self {
            Term::Standing => "standing",
            Term::Stage => "stage",
        }
    }
}

pub fn parse_term(s: &str) -> Option<Term> {
    let folded = fold_width(trim_spaces(s)).to_lowercase();
    if STANDING_WORDS.contains(&folded.as_str()) {
        Some(Term::Standing)
    } else if STAGE_WORDS.contains(&folded.as_str()) {
        Some(Term::Stage)
    } else {
        None
    }
}

/// Free text such as a platform: trimmed, full-width Latin letters and digits folded
/// (ＱＱ → QQ), otherwise as written — Chinese punctuation such as （）stays.
pub fn clean_text(s: &str) -> String {
    trim_spaces(s)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() && ('\u{FF10}'..='\u{FF5A}').contains(&c) {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    fn text(s: &str) -> Result<NaiveDate, Expected> {
        read_date(DateCell::Text(s))
    }

    fn number(f: f64) -> Result<NaiveDate, Expected> {
        read_date(DateCell::WorkbookNumber(f))
    }

    #[test]
    fn every_date_form_reads_as_the_same_day() {
        for form in [
            "2019-06-11",
            "2019/6/11",
            "2019.6.11",
            "2019年6月11日",
            "20190611",
            "２０１９－０６－１１",
            " 2019-06-11 21:14 ",
            "2019-06-11T08:00:00",
        ] {
            assert_eq!(text(form).ok(), d(2019, 6, 11), "{form}");
        }
        assert_eq!(number(43627.0).ok(), d(2019, 6, 11));
        assert_eq!(number(43627.75).ok(), d(2019, 6, 11));
        assert_eq!(number(20190611.0).ok(), d(2019, 6, 11));
    }

    #[test]
    fn excel_serials_follow_excels_calendar() {
        assert_eq!(date_from_serial(1.0), d(1900, 1, 1));
        assert_eq!(date_from_serial(59.0), d(1900, 2, 28));
        assert_eq!(date_from_serial(61.0), d(1900, 3, 1));
        assert_eq!(date_from_serial(43646.75), d(2019, 6, 30));
        assert_eq!(date_from_serial(0.0), None);
        assert_eq!(date_from_serial(f64::NAN), None);
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "2019-02-30",
            "2019-13-01",
            "六月",
            "",
            "99999999",
            "2019-6-x",
        ] {
            assert_eq!(text(bad), Err(Expected::Date), "{bad}");
        }
    }

    /// A year, a year and month, or a bare number read as an Excel serial gave days in
    /// 1905 or 2452.
    #[test]
    fn a_date_without_a_day_is_not_read_as_an_excel_serial() {
        for partial in [
            "2024.3",
            "2024.12",
            "2019",
            "201906",
            "2024-03",
            "2024/3",
            "2024年3月",
            "2019年",
            // An Excel serial as text is only digits: not a date outside a workbook's
            // number cell.
            "43627",
            "43627.5",
        ] {
            assert_eq!(text(partial), Err(Expected::WholeDate), "{partial}");
        }
        for partial in [2024.3, 2019.0, 201906.0, 1.0, 29220.0, 73051.0, 123456789.0] {
            assert_eq!(number(partial), Err(Expected::WholeDate), "{partial}");
        }
        // The plausible range: 1980-01-01 to 2099-12-31.
        assert_eq!(number(29221.0).ok(), d(1980, 1, 1));
        assert_eq!(number(73050.0).ok(), d(2099, 12, 31));
        assert_eq!(number(20191345.0), Err(Expected::Date));
    }

    #[test]
    fn counts_accept_full_width_and_separators_and_refuse_the_rest() {
        assert_eq!(parse_count("12,345"), Some(12345));
        assert_eq!(parse_count("３２１"), Some(321));
        assert_eq!(parse_count("１，２３４"), Some(1234));
        assert_eq!(parse_count("12.0"), Some(12));
        assert_eq!(parse_count(" 40人 "), Some(40));
        assert_eq!(parse_count("12.5"), None);
        assert_eq!(parse_count("-3"), None);
        assert_eq!(parse_count("abc"), None);
    }

    #[test]
    fn booleans_and_status_words() {
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool("Ｙ"), Some(true));
        assert_eq!(parse_bool("false"), Some(false));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("也许"), None);
        assert_eq!(parse_status(""), Some(Status::Active));
        assert_eq!(parse_status("保留"), Some(Status::Active));
        assert_eq!(parse_status("已解散"), Some(Status::Dissolved));
        assert_eq!(parse_status("停更"), Some(Status::Dissolved));
        assert_eq!(parse_status("并入"), Some(Status::Merged));
        assert_eq!(parse_status("迁移"), Some(Status::Merged));
        assert_eq!(parse_status("待定"), None);
        assert_eq!(parse_status("正常运营"), Some(Status::Active));
        assert_eq!(parse_term("阶段性"), Some(Term::Stage));
        assert_eq!(parse_term("长期"), Some(Term::Standing));
    }

    /// 新建 and 踢出 were refused although DOMAIN.md's word table lists them.
    #[test]
    fn every_status_word_of_the_contract_is_accepted() {
        let contract: [(&str, Status); 21] = [
            ("正常", Status::Active),
            ("保留", Status::Active),
            ("运营", Status::Active),
            ("精简成员", Status::Active),
            ("踢出", Status::Active),
            ("已踢出", Status::Active),
            ("新建", Status::Active),
            ("僵尸群", Status::Active),
            ("僵尸号", Status::Active),
            ("解散", Status::Dissolved),
            ("撤销", Status::Dissolved),
            ("关停", Status::Dissolved),
            ("注销", Status::Dissolved),
            ("停更", Status::Dissolved),
            ("停用", Status::Dissolved),
            ("已停用", Status::Dissolved),
            ("合并", Status::Merged),
            ("整合", Status::Merged),
            ("并入", Status::Merged),
            ("迁移", Status::Merged),
            ("已合并", Status::Merged),
        ];
        for (word, status) in contract {
            assert_eq!(parse_status(word), Some(status), "{word}");
        }
        for unknown in ["待定", "新", "踢", "报备"] {
            assert_eq!(parse_status(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn platforms_fold_full_width_latin_only() {
        assert_eq!(clean_text("　ＱＱ "), "QQ");
        assert_eq!(clean_text("企业微信"), "企业微信");
        assert_eq!(clean_text("联络群（一）：Ｖ２"), "联络群（一）：V2");
    }
}
