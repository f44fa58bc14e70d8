//! Everything that can be wrong with a campaign's files, located as the clerk sees it
//! (file, spreadsheet row, header as written, value) and told in the user's language.

use crate::lang::Lang;
use std::fmt::Write as _;

/// How many problems are listed per file before the rest are only counted.
pub const PER_FILE_CAP: usize = 20;

/// One thing wrong with the inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The file as the user would find it (relative to where they ran the tool, if possible).
    pub file: String,
    /// The row number as the spreadsheet shows it (1-based, header and title rows counted).
    pub row: Option<usize>,
    /// The header as written in the file.
    pub column: Option<String>,
    /// The offending value as written.
    pub value: Option<String>,
    pub kind: ProblemKind,
}

/// What a value should have been.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Count,
    Date,
    /// A year, a year and month, or a bare number that is not an Excel date.
    WholeDate,
    Bool,
    Status,
    Term,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProblemKind {
    /// The path given is not a campaign folder.
    NotACampaign,
    /// campaign.toml is not valid TOML or has a wrong key; `line` is 1-based.
    BadConfig { line: Option<usize>, detail: String },
    /// The campaign has no snapshot folder.
    NoSnapshots,
    /// A folder under snapshots/ is not named by a real date.
    BadSnapshotName,
    /// `--at` names a date with no snapshot.
    NoSuchSnapshot { at: String, available: Vec<String> },
    /// A snapshot folder holds no table jianfu knows.
    EmptySnapshot,
    /// A table the campaign has elsewhere is missing from the baseline or current snapshot.
    MissingTable {
        table: &'static str,
        seen_in: String,
    },
    /// Two files in one folder name the same table.
    TwoFilesForOneTable { other: String },
    /// The file could not be read at all.
    Unreadable { detail: String },
    /// A table's name is taken by a folder, pipe or device, not a file.
    NotAFile,
    /// The file is larger than the limit, on disk or (`expanded`) once unzipped.
    TooLarge {
        bytes: u64,
        limit: u64,
        expanded: bool,
    },
    /// A cell holds more characters than a spreadsheet cell can.
    CellTooLong { chars: usize },
    /// A cell holds control characters (NUL, escape…).
    ControlCharacters,
    /// A CSV row has more filled fields than the header has columns.
    RaggedRow { fields: usize, columns: usize },
    /// The file's content does not match its extension.
    WrongFormat {
        expected: &'static str,
        detail: String,
    },
    /// Not UTF-8 and not GBK/GB18030.
    UnknownEncoding,
    /// No row names the table's columns.
    NoHeaderRow { expected: Vec<String> },
    /// A required column is missing.
    MissingColumn {
        canonical: &'static str,
        accepted: Vec<String>,
    },
    /// A required cell is empty.
    EmptyRequired,
    /// A cell cannot be read as the column's type.
    BadValue(Expected),
    /// The id column holds the running number 1..`rows` while column `other` also names
    /// the id and holds something else.
    RunningNumberId { rows: usize, other: String },
    /// The same id appears twice in one table.
    DuplicateId { first_row: usize },
    /// merged_into names no item of the snapshot.
    UnknownMergeTarget,
    /// A request's member row names no request of the requests sheet (申请编号).
    UnknownRequest,
    /// The named sheet does not exist.
    NoSuchSheet { sheets: Vec<String> },
    /// More problems were found in this file than are listed.
    More { count: usize },
}

impl Problem {
    pub fn file(file: impl Into<String>, kind: ProblemKind) -> Problem {
        Problem {
            file: file.into(),
            row: None,
            column: None,
            value: None,
            kind,
        }
    }

    pub fn cell(
        file: impl Into<String>,
        row: usize,
        column: impl Into<String>,
        value: impl Into<String>,
        kind: ProblemKind,
    ) -> Problem {
        Problem {
            file: file.into(),
            row: Some(row),
            column: Some(column.into()),
            value: Some(value.into()),
            kind,
        }
    }

    /// The full message: where, then what, then what was expected.
    pub fn message(&self, lang: Lang) -> String {
        // A folder name may hold control characters; they must not reach the terminal.
        let mut out: String = self
            .file
            .chars()
            .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
            .collect();
        match lang {
            Lang::Zh => {
                if let Some(row) = self.row {
                    let _ = write!(out, "，第 {row} 行");
                }
                if let Some(col) = &self.column {
                    let _ = write!(out, "，列「{col}」");
                }
                if let Some(v) = &self.value {
                    let _ = write!(out, "，值「{}」", shorten(v));
                }
                out.push('：');
            }
            Lang::En => {
                if let Some(row) = self.row {
                    let _ = write!(out, ", row {row}");
                }
                if let Some(col) = &self.column {
                    let _ = write!(out, ", column '{col}'");
                }
                if let Some(v) = &self.value {
                    let _ = write!(out, ", value '{}'", shorten(v));
                }
                out.push_str(": ");
            }
        }
        out.push_str(&self.kind.describe(lang));
        out
    }
}

/// Values are shown whole unless they are absurdly long, so a megabyte cell cannot flood the terminal.
fn shorten(v: &str) -> String {
    const MAX: usize = 60;
    let clean: String = v
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if clean.chars().count() <= MAX {
        clean
    } else {
        let head: String = clean.chars().take(MAX).collect();
        format!("{head}…")
    }
}

impl Expected {
    fn describe(self, lang: Lang) -> String {
        use crate::load::words::{
            ACTIVE_WORDS, DISSOLVED_WORDS, MERGED_WORDS, STAGE_WORDS, STANDING_WORDS,
        };
        match self {
            Expected::Count => lang
                .pick(
                    "应为不小于 0 的整数，如 12 或 1,234",
                    "expected a whole number ≥ 0, such as 12 or 1,234",
                )
                .into(),
            Expected::Date => lang
                .pick(
                    "应为日期，如 2019-06-11、2019/6/11、2019.6.11、2019年6月11日、20190611 或 Excel 日期",
                    "expected a date such as 2019-06-11, 2019/6/11, 2019.6.11, 2019年6月11日, 20190611 or an Excel date",
                )
                .into(),
            Expected::WholeDate => lang
                .pick(
                    "不是完整的日期（只有年份或年月，或是不能当作 Excel 日期的数字）：请写成 2024-03-31 这样的完整日期",
                    "not a whole date (a year, a year and month, or a number that is not an Excel date): write a whole date such as 2024-03-31",
                )
                .into(),
            Expected::Bool => lang
                .pick("应为 是 或 否（也可写 Y/N、1/0）", "expected 是 or 否 (or Y/N, 1/0)")
                .into(),
            Expected::Status => {
                let words = |w: &[&str]| w[..w.len() - 1].join("/");
                match lang {
                    Lang::Zh => format!(
                        "不是已知的状态词；在用：空白或 {}；解散：{}；合并：{}",
                        words(ACTIVE_WORDS),
                        words(DISSOLVED_WORDS),
                        words(MERGED_WORDS)
                    ),
                    Lang::En => format!(
                        "not a known status word; active: empty or {}; dissolved: {}; merged: {}",
                        words(ACTIVE_WORDS),
                        words(DISSOLVED_WORDS),
                        words(MERGED_WORDS)
                    ),
                }
            }
            Expected::Term => {
                let standing = STANDING_WORDS[..STANDING_WORDS.len() - 1].join("/");
                let stage = STAGE_WORDS[..STAGE_WORDS.len() - 1].join("/");
                match lang {
                    Lang::Zh => format!("应为 {standing}（长期）或 {stage}（阶段性）"),
                    Lang::En => format!("expected {standing} (standing) or {stage} (stage-work)"),
                }
            }
        }
    }
}

impl ProblemKind {
    fn describe(&self, lang: Lang) -> String {
        use ProblemKind::*;
        match (self, lang) {
            (NotACampaign, Lang::Zh) => "不是活动文件夹：应包含 campaign.toml 和 snapshots/ 文件夹".into(),
            (NotACampaign, Lang::En) => "not a campaign folder: expected campaign.toml and a snapshots/ folder".into(),
            (BadConfig { line, detail }, Lang::Zh) => match line {
                Some(l) => format!("第 {l} 行配置有误：{detail}"),
                None => format!("配置有误：{detail}"),
            },
            (BadConfig { line, detail }, Lang::En) => match line {
                Some(l) => format!("invalid setting on line {l}: {detail}"),
                None => format!("invalid settings: {detail}"),
            },
            (NoSnapshots, Lang::Zh) => "snapshots/ 下没有以日期命名的快照文件夹（如 snapshots/2019-04-30/）".into(),
            (NoSnapshots, Lang::En) => "no snapshot folder named by a date under snapshots/ (such as snapshots/2019-04-30/)".into(),
            (BadSnapshotName, Lang::Zh) => "快照文件夹名不是有效日期，应写成 YYYY-MM-DD，如 2019-04-30".into(),
            (BadSnapshotName, Lang::En) => "snapshot folder name is not a real date; expected YYYY-MM-DD such as 2019-04-30".into(),
            (NoSuchSnapshot { at, available }, Lang::Zh) => format!("没有日期为 {at} 的快照；现有：{}", available.join("、")),
            (NoSuchSnapshot { at, available }, Lang::En) => format!("no snapshot dated {at}; available: {}", available.join(", ")),
            (EmptySnapshot, Lang::Zh) => "快照中没有可识别的台账文件（工作群台账/groups、政务新媒体台账/accounts、群成员/members，扩展名 .csv、.xlsx、.xls 或 .parquet）".into(),
            (EmptySnapshot, Lang::En) => "the snapshot holds no known table (groups/工作群台账, accounts/政务新媒体台账, members/群成员 as .csv, .xlsx, .xls or .parquet)".into(),
            (MissingTable { table, seen_in }, Lang::Zh) => format!("缺少 {table} 台账：快照 {seen_in} 有此台账，基准快照和当前快照都必须有，才能计算清理前后的变化"),
            (MissingTable { table, seen_in }, Lang::En) => format!("the {table} table is missing: snapshot {seen_in} has one, and the baseline and current snapshots both need it to compare before and after"),
            (TwoFilesForOneTable { other }, Lang::Zh) => format!("与 {other} 是同一种台账，只能保留一个"),
            (TwoFilesForOneTable { other }, Lang::En) => format!("names the same table as {other}; keep only one"),
            (Unreadable { detail }, Lang::Zh) => format!("无法读取：{detail}"),
            (Unreadable { detail }, Lang::En) => format!("cannot be read: {detail}"),
            (NotAFile, Lang::Zh) => "不是普通文件（是文件夹、管道或设备）：台账必须是 .csv、.xlsx 或 .parquet 文件".into(),
            (NotAFile, Lang::En) => "is not a regular file (a folder, pipe or device): a table must be a .csv, .xlsx or .parquet file".into(),
            (TooLarge { bytes, limit, expanded }, Lang::Zh) => format!(
                "文件过大：{}{}，超过上限 {}；如确需读取，请用 --max-table-mb 或 campaign.toml 中的 max_table_bytes 调高上限",
                if *expanded { "解压后至少 " } else { "" },
                mib(*bytes),
                mib(*limit)
            ),
            (TooLarge { bytes, limit, expanded }, Lang::En) => format!(
                "too large: {}{}, more than the limit of {}; if it is genuine, raise the limit with --max-table-mb or max_table_bytes in campaign.toml",
                if *expanded { "expands to at least " } else { "" },
                mib(*bytes),
                mib(*limit)
            ),
            (CellTooLong { chars }, Lang::Zh) => format!("单元格过长：{chars} 个字符，超过 Excel 单元格上限 32767 个字符"),
            (CellTooLong { chars }, Lang::En) => format!("cell too long: {chars} characters, more than a spreadsheet cell holds (32,767)"),
            (ControlCharacters, Lang::Zh) => "含有控制字符（如 NUL 空字符）：请删除后重新保存".into(),
            (ControlCharacters, Lang::En) => "contains control characters (such as NUL bytes): remove them and save again".into(),
            (RaggedRow { fields, columns }, Lang::Zh) => format!("本行有 {fields} 个字段，而表头只有 {columns} 列：含逗号的值须用英文双引号括起来"),
            (RaggedRow { fields, columns }, Lang::En) => format!("this row has {fields} fields but the header has {columns} columns: a value containing a comma must be in double quotes"),
            (WrongFormat { expected, detail }, Lang::Zh) => format!("文件内容不是 {expected} 格式（{detail}）"),
            (WrongFormat { expected, detail }, Lang::En) => format!("the content is not {expected} ({detail})"),
            (UnknownEncoding, Lang::Zh) => "文本编码无法识别：应为 UTF-8 或 GBK/GB18030（Excel“CSV（逗号分隔）”）".into(),
            (UnknownEncoding, Lang::En) => "unknown text encoding: expected UTF-8 or GBK/GB18030 (as Excel saves 'CSV (Comma delimited)')".into(),
            (NoHeaderRow { expected }, Lang::Zh) => format!("找不到表头行：应有一行列名，如 {}", expected.join("、")),
            (NoHeaderRow { expected }, Lang::En) => format!("no header row found: expected a row of column names such as {}", expected.join(", ")),
            (MissingColumn { canonical, accepted }, Lang::Zh) => format!("缺少必需的列 {canonical}：表头应有 {} 之一", accepted.join("、")),
            (MissingColumn { canonical, accepted }, Lang::En) => format!("missing the required column {canonical}: the header needs one of {}", accepted.join(", ")),
            (EmptyRequired, Lang::Zh) => "不能为空：每一行都要填写".into(),
            (EmptyRequired, Lang::En) => "must not be empty: every row needs one".into(),
            (BadValue(expected), _) => expected.describe(lang),
            (RunningNumberId { rows, other }, Lang::Zh) => format!("此列被当作编号，但填的是从 1 到 {rows} 的流水号，而「{other}」列另有编号：流水号随增删行而变，无法跨期比对同一个群或账号。请在此列填写真正的编号，或删去其中一列（流水号列的表头请写 序号）"),
            (RunningNumberId { rows, other }, Lang::En) => format!("this column is read as the id but holds a running number from 1 to {rows}, while column '{other}' holds other ids: a running number shifts when rows are added or deleted and cannot match an item across snapshots. Put the real ids in this column, or remove one of the two (head a running-number column 序号)"),
            (DuplicateId { first_row }, Lang::Zh) => format!("编号重复：第 {first_row} 行已使用同一编号；同一快照中编号必须唯一"),
            (DuplicateId { first_row }, Lang::En) => format!("duplicate id: row {first_row} has the same id; ids must be unique within a snapshot"),
            (UnknownMergeTarget, Lang::Zh) => "合并目标不存在：本快照的同类台账中没有这个编号".into(),
            (UnknownMergeTarget, Lang::En) => "merge target not found: no item of this snapshot has this id".into(),
            (UnknownRequest, Lang::Zh) => "申请编号不存在：报备申请表中没有这个申请编号".into(),
            (UnknownRequest, Lang::En) => "request not found: no row of the requests sheet has this 申请编号".into(),
            (NoSuchSheet { sheets }, Lang::Zh) => format!("没有这个工作表；现有：{}", sheets.join("、")),
            (NoSuchSheet { sheets }, Lang::En) => format!("no such sheet; the workbook has: {}", sheets.join(", ")),
            (More { count }, Lang::Zh) => format!("另有 {count} 处问题未列出"),
            (More { count }, Lang::En) => format!("and {count} more problems not listed"),
        }
    }
}

/// A size as people read it: 40 B, 12.5 KiB, 1.5 MiB, 512 MiB.
fn mib(bytes: u64) -> String {
    let (k, m) = (bytes as f64 / 1024.0, bytes as f64 / (1024.0 * 1024.0));
    if bytes < 1024 {
        format!("{bytes} B")
    } else if m < 1.0 {
        format!("{k:.1} KiB")
    } else if m >= 10.0 || m.fract() == 0.0 {
        format!("{m:.0} MiB")
    } else {
        format!("{m:.1} MiB")
    }
}

/// Collects problems, keeping at most [`PER_FILE_CAP`] per file and counting the rest.
#[derive(Debug, Default)]
pub struct Problems {
    listed: Vec<Problem>,
    hidden: Vec<(String, usize)>,
}

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        let in_file = self
            .listed
            .iter()
            .filter(|p| p.file == problem.file)
            .count();
        if in_file < PER_FILE_CAP {
            self.listed.push(problem);
        } else if let Some(entry) = self.hidden.iter_mut().find(|(f, _)| *f == problem.file) {
            entry.1 += 1;
        } else {
            self.hidden.push((problem.file, 1));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// Adds the problems collected from other files.
    pub fn extend(&mut self, other: Problems) {
        for problem in other.listed {
            self.push(problem);
        }
        for (file, count) in other.hidden {
            match self.hidden.iter_mut().find(|(f, _)| *f == file) {
                Some(entry) => entry.1 += count,
                None => self.hidden.push((file, count)),
            }
        }
    }

    /// Every problem, with one closing line per file whose problems were capped.
    pub fn into_vec(self) -> Vec<Problem> {
        let mut all = self.listed;
        all.extend(
            self.hidden
                .into_iter()
                .map(|(file, count)| Problem::file(file, ProblemKind::More { count })),
        );
        all
    }
}
