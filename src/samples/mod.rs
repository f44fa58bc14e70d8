//! Sample campaign inventories, modelled on three 2019 clean-up campaigns
//! reported in the press (利川 work chat groups, 诸暨 government new-media
//! accounts, 平顶山高新区 work chat groups).
//!
//! The files look like what a county clerk actually sends (title rows, GBK
//! "CSV", mixed date spellings, Excel serials pasted as numbers) while still
//! reproducing the article's figures exactly under the analysis rules. Every
//! campaign is first built as an in-memory model (rows per snapshot) and only
//! then written, so the unit tests can assert the figures on the model.
//!
//! Output is deterministic: all randomness comes from a seeded SplitMix64 and
//! no wall-clock time or hash-map order reaches the files.

mod lichuan;
mod pingdingshan;
mod zhuji;

#[cfg(test)]
mod check;

use std::fs;
use std::io;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

/// (Re)writes the three sample campaign folders under `data_dir`.
pub fn write_all(data_dir: &Path) -> io::Result<()> {
    lichuan::write(&data_dir.join(lichuan::FOLDER))?;
    zhuji::write(&data_dir.join(zhuji::FOLDER))?;
    pingdingshan::write(&data_dir.join(pingdingshan::FOLDER))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Randomness

/// SplitMix64: tiny, seedable and stable across platforms and crate versions,
/// which is all sample data needs.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (the modulo bias is irrelevant for sample data).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// A random entry of a word list (a typed `pick` for static strings).
    pub(crate) fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len())]
    }

    pub(crate) fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }

    /// Uniform in `a..=b`.
    pub(crate) fn date_between(&mut self, a: NaiveDate, b: NaiveDate) -> NaiveDate {
        let span = (b - a).num_days().max(0) as usize;
        a + chrono::Days::new(self.range(0, span) as u64)
    }

    /// Index drawn with probability proportional to `weights`.
    pub(crate) fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        unreachable!("weights sum to total")
    }
}

// ---------------------------------------------------------------------------
// People

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任",
    "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "夏", "方", "邹",
    "熊", "秦", "邱", "江", "尹", "雷", "龙", "陶", "贺", "毛", "向", "覃", "冉", "牟", "骆", "楼",
    "宣", "寿", "赵", "郦",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "文", "辉", "建", "国", "红", "梅",
    "林", "斌", "峰", "波", "宁", "燕", "鹏", "飞", "鑫", "晶", "婷", "雪", "琳", "俊", "志", "海",
    "云", "亮", "春", "莉", "萍", "凤", "成", "龙", "东", "新", "德", "光", "荣", "金", "小", "晓",
    "永", "庆", "思", "佳", "欣", "宇", "浩", "然", "子", "家", "立", "正", "义", "昌", "祥", "发",
    "红", "丹", "倩", "颖", "慧", "琴", "蓉", "雯", "博", "帆",
];

/// A plausible Chinese personal name: surname plus one or two given characters.
pub(crate) fn person_name(rng: &mut Rng) -> String {
    let mut name = String::from(rng.word(SURNAMES));
    name.push_str(rng.word(GIVEN));
    if rng.chance(70) {
        name.push_str(rng.word(GIVEN));
    }
    name
}

/// An 11-digit mainland mobile number on a 13x/15x/18x prefix.
pub(crate) fn phone_number(rng: &mut Rng) -> String {
    const PREFIXES: &[&str] = &[
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
        "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188",
        "189",
    ];
    let mut phone = String::from(rng.word(PREFIXES));
    for _ in 0..8 {
        phone.push(char::from(b'0' + rng.below(10) as u8));
    }
    phone
}

/// A cadre in a campaign's member pool; `home` indexes the campaign's units.
pub(crate) struct Person {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) home: usize,
}

// ---------------------------------------------------------------------------
// Life cycle of an inventory item across snapshots (indices into the dates)

/// How an item left the active inventory.
pub(crate) struct Closure {
    /// First snapshot in which the item is inactive.
    pub(crate) at: usize,
    /// Status word written from `at` on.
    pub(crate) status: &'static str,
    /// Item (index into the campaign's item list) it was merged into.
    pub(crate) into: Option<usize>,
    /// First snapshot whose table no longer lists the row at all.
    pub(crate) dropped: Option<usize>,
}

pub(crate) struct Life {
    /// First snapshot listing the item.
    pub(crate) born: usize,
    pub(crate) closed: Option<Closure>,
}

impl Life {
    pub(crate) fn standing() -> Self {
        Life {
            born: 0,
            closed: None,
        }
    }

    pub(crate) fn listed(&self, snap: usize) -> bool {
        let dropped = self
            .closed
            .as_ref()
            .and_then(|c| c.dropped)
            .is_some_and(|d| snap >= d);
        snap >= self.born && !dropped
    }

    pub(crate) fn active(&self, snap: usize) -> bool {
        snap >= self.born && self.closed.as_ref().is_none_or(|c| snap < c.at)
    }

    /// The last snapshot in which the item was active (for frozen figures).
    pub(crate) fn last_active(&self, snap: usize) -> usize {
        match &self.closed {
            Some(c) if snap >= c.at => c.at.saturating_sub(1).max(self.born),
            _ => snap,
        }
    }
}

/// Group membership over time: the roster at birth plus dated changes.
#[derive(Default)]
pub(crate) struct Roster {
    pub(crate) initial: Vec<usize>,
    /// (person, snapshot, joined?) — a leave or a join effective from that snapshot.
    pub(crate) changes: Vec<(usize, usize, bool)>,
}

impl Roster {
    pub(crate) fn at(&self, snap: usize) -> Vec<usize> {
        let mut people = self.initial.clone();
        for &(person, at, joined) in &self.changes {
            if at <= snap {
                if joined {
                    people.push(person);
                } else {
                    people.retain(|&p| p != person);
                }
            }
        }
        people
    }
}

/// One snapshot of a campaign: its date, the inventory rows and the members table.
pub(crate) struct Snapshot<R> {
    pub(crate) date: NaiveDate,
    pub(crate) rows: Vec<R>,
    /// (group id, person index) in table order.
    pub(crate) members: Vec<(String, usize)>,
}

// ---------------------------------------------------------------------------
// Dates

pub(crate) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

pub(crate) fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Days since Excel's 1900 epoch, as clerks paste when a date cell loses its format.
pub(crate) fn excel_serial(d: NaiveDate) -> f64 {
    (d - ymd(1899, 12, 30)).num_days() as f64
}

// ---------------------------------------------------------------------------
// Writers

/// Starts a campaign folder: campaign.toml written, stale snapshots removed.
pub(crate) fn reset_campaign(
    dir: &Path,
    name: &str,
    region: &str,
    authority: &str,
) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let snapshots = dir.join("snapshots");
    if snapshots.exists() {
        fs::remove_dir_all(&snapshots)?;
    }
    // Values are plain Chinese text, so basic TOML strings need no escaping.
    let toml = format!("name = \"{name}\"\nregion = \"{region}\"\nauthority = \"{authority}\"\n");
    fs::write(dir.join("campaign.toml"), toml)
}

/// Creates and returns `dir/snapshots/<YYYY-MM-DD>`.
pub(crate) fn snapshot_dir(dir: &Path, date: NaiveDate) -> io::Result<std::path::PathBuf> {
    let path = dir.join("snapshots").join(iso(date));
    fs::create_dir_all(&path)?;
    Ok(path)
}

fn csv_text(headers: &[&str], rows: &[Vec<String>]) -> io::Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(headers)?;
    for row in rows {
        writer.write_record(row)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// UTF-8 with BOM and CRLF: what Excel's "CSV UTF-8" export produces.
pub(crate) fn write_csv_bom(path: &Path, headers: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let text = csv_text(headers, rows)?;
    let mut bytes = Vec::with_capacity(text.len() + 3);
    bytes.extend_from_slice(b"\xEF\xBB\xBF");
    bytes.extend_from_slice(text.as_bytes());
    fs::write(path, bytes)
}

/// GBK without BOM and CRLF: what plain "CSV" export produces on Chinese Windows.
pub(crate) fn write_csv_gbk(path: &Path, headers: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let text = csv_text(headers, rows)?;
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(&text);
    if had_errors {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: text not representable in GBK", path.display()),
        ));
    }
    fs::write(path, bytes)
}

/// A typed XLSX cell, so dates land as real date cells and serials as numbers.
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> io::Error {
    io::Error::other(e)
}

fn excel_date(d: NaiveDate) -> io::Result<ExcelDateTime> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(xlsx_err)
}

/// Display width of a cell's text: CJK characters take two columns.
fn text_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A single-sheet workbook laid out the way county ledgers are: a merged title
/// row, a filling-in note, the header row, then data.
pub(crate) struct TitledSheet<'a> {
    pub(crate) sheet: &'a str,
    pub(crate) title: &'a str,
    pub(crate) note: &'a str,
    pub(crate) headers: &'a [&'a str],
    pub(crate) rows: &'a [Vec<Cell>],
    /// Used as the document creation time so the bytes never depend on the clock.
    pub(crate) created: NaiveDate,
}

pub(crate) fn write_xlsx_titled(path: &Path, t: &TitledSheet) -> io::Result<()> {
    let mut workbook = Workbook::new();
    let properties = DocProperties::new()
        .set_title(t.title)
        .set_creation_datetime(&excel_date(t.created)?);
    workbook.set_properties(&properties);

    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let note_fmt = Format::new().set_font_color(rust_xlsxwriter::Color::Red);
    let header_fmt = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_background_color(rust_xlsxwriter::Color::RGB(0xD9E1F2));
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");

    let sheet = workbook.add_worksheet();
    sheet.set_name(t.sheet).map_err(xlsx_err)?;
    let last_col = (t.headers.len() - 1) as u16;
    sheet
        .merge_range(0, 0, 0, last_col, t.title, &title_fmt)
        .map_err(xlsx_err)?;
    sheet
        .merge_range(1, 0, 1, last_col, t.note, &note_fmt)
        .map_err(xlsx_err)?;

    let mut widths: Vec<usize> = t.headers.iter().map(|h| text_width(h)).collect();
    for (col, header) in t.headers.iter().enumerate() {
        sheet
            .write_string_with_format(2, col as u16, *header, &header_fmt)
            .map_err(xlsx_err)?;
    }
    for (i, row) in t.rows.iter().enumerate() {
        let r = (i + 3) as u32;
        for (col, cell) in row.iter().enumerate() {
            let c = col as u16;
            let width = match cell {
                Cell::Empty => 0,
                Cell::Text(s) => {
                    sheet.write_string(r, c, s).map_err(xlsx_err)?;
                    text_width(s)
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n).map_err(xlsx_err)?;
                    7
                }
                Cell::Date(d) => {
                    sheet
                        .write_date_with_format(r, c, &excel_date(*d)?, &date_fmt)
                        .map_err(xlsx_err)?;
                    10
                }
            };
            widths[col] = widths[col].max(width);
        }
    }
    for (col, width) in widths.iter().enumerate() {
        let width = (*width).clamp(6, 40) as f64 + 2.0;
        sheet
            .set_column_width(col as u16, width)
            .map_err(xlsx_err)?;
    }
    sheet.set_freeze_panes(3, 0).map_err(xlsx_err)?;
    workbook.save(path).map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_runs_give_identical_bytes() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write_all(a.path()).unwrap();
        write_all(b.path()).unwrap();
        // A second run over an existing tree must also leave no stale files.
        write_all(b.path()).unwrap();
        let files_a = check::all_files(a.path());
        let files_b = check::all_files(b.path());
        assert_eq!(
            files_a.iter().map(|f| &f.0).collect::<Vec<_>>(),
            files_b.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        assert!(files_a.len() >= 3 * 2 + 2 * 3 + 3);
        for ((name, x), (_, y)) in files_a.iter().zip(&files_b) {
            assert!(x == y, "{name} differs between runs");
        }
    }

    #[test]
    fn roster_applies_changes_in_order() {
        let roster = Roster {
            initial: vec![1, 2, 3],
            changes: vec![(2, 1, false), (7, 2, true)],
        };
        assert_eq!(roster.at(0), vec![1, 2, 3]);
        assert_eq!(roster.at(1), vec![1, 3]);
        assert_eq!(roster.at(2), vec![1, 3, 7]);
    }

    #[test]
    fn excel_serial_matches_excel() {
        assert_eq!(excel_serial(ymd(2019, 6, 30)), 43646.0);
    }
}
