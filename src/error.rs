//! The errors a command can end with, each printable in the user's language: `lines`
//! in Chinese or English for the user, `Display` (English) for logs and error chains.

use crate::lang::Lang;
use crate::load::problem::Problem;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The inputs are wrong; every problem found is listed.
    #[error("{}", english(self))]
    Input(Vec<Problem>),
    /// An output could not be written.
    #[error("{path}: cannot write: {detail}")]
    Write { path: String, detail: String },
    /// Publishing to the share was refused or failed.
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// A computation failed; this is a bug in jianfu, not in the inputs.
    #[error("internal error (please report it): {0}")]
    Internal(String),
    /// No font with Chinese glyphs was found, so `output` (report.pdf) cannot be typeset.
    /// `dirs` are the extra font folders that were searched.
    #[error("{}", english(self))]
    NoChineseFont {
        output: String,
        dirs: Vec<String>,
        system: bool,
    },
    /// A roll-up's part was refused.
    #[error(transparent)]
    Rollup(#[from] RollupError),
    /// An output could not be rendered (e.g. a custom template has an error).
    #[error("{output}: cannot render: {detail}")]
    Render { output: String, detail: String },
}

fn english(e: &Error) -> String {
    e.lines(Lang::En).join("\n")
}

impl Error {
    pub fn write(path: &std::path::Path, e: impl std::fmt::Display) -> Error {
        Error::Write {
            path: path.display().to_string(),
            detail: e.to_string(),
        }
    }

    /// One line per problem.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        match self {
            Error::Input(problems) => problems.iter().map(|p| p.message(lang)).collect(),
            Error::Write { path, detail } => vec![match lang {
                Lang::Zh => format!("{path}：无法写入：{detail}"),
                Lang::En => self.to_string(),
            }],
            Error::Publish(e) => vec![e.message(lang)],
            Error::Rollup(e) => vec![e.message(lang)],
            Error::Internal(detail) => vec![match lang {
                Lang::Zh => format!("内部错误（请报告此问题）：{detail}"),
                Lang::En => self.to_string(),
            }],
            Error::NoChineseFont {
                output,
                dirs,
                system,
            } => {
                let searched = match (lang, *system, dirs.is_empty()) {
                    (Lang::Zh, true, true) => "系统字体".to_string(),
                    (Lang::Zh, true, false) => format!("系统字体和 {}", dirs.join("、")),
                    (Lang::Zh, false, _) => dirs.join("、"),
                    (Lang::En, true, true) => "the system fonts".to_string(),
                    (Lang::En, true, false) => format!("the system fonts and {}", dirs.join(", ")),
                    (Lang::En, false, _) => dirs.join(", "),
                };
                vec![match lang {
                    Lang::Zh => format!(
                        "{output}：未生成：在{searched}中没有找到含中文字形的字体。请安装中文字体（如 `sudo apt-get install fonts-noto-cjk` 或 fonts-wqy-microhei），或用 --font-dir DIR 指定存放字体文件的文件夹（也可在 campaign.toml 中写 font_dirs = [\"fonts\"]）"
                    ),
                    Lang::En => format!(
                        "{output}: not written: no font with Chinese glyphs found in {searched}. Install a Chinese font (e.g. `sudo apt-get install fonts-noto-cjk` or fonts-wqy-microhei), or pass --font-dir DIR with a folder of font files (or set font_dirs = [\"fonts\"] in campaign.toml)"
                    ),
                }]
            }
            Error::Render { output, detail } => vec![match lang {
                Lang::Zh => format!("{output}：无法生成：{detail}"),
                Lang::En => self.to_string(),
            }],
        }
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Error {
        Error::Internal(e.to_string())
    }
}

/// Why a publish was refused.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum PublishError {
    /// The folder is not a built report (no or unreadable manifest.json).
    NotAReport {
        dir: String,
        detail: String,
    },
    /// A file of the report does not match its manifest entry.
    Corrupt {
        file: String,
    },
    /// A campaign id or file name that could escape the share.
    UnsafeName {
        name: String,
    },
    /// The same campaign and date is already on the share.
    AlreadyPublished {
        target: String,
    },
    /// Another publisher holds the lock.
    Busy {
        share: String,
    },
    Io {
        path: String,
        detail: String,
    },
}

impl PublishError {
    pub fn message(&self, lang: Lang) -> String {
        use PublishError::*;
        match (self, lang) {
            (NotAReport { dir, detail }, Lang::Zh) => format!(
                "{dir}：不是已生成的报告文件夹（manifest.json：{detail}）；请先运行 jianfu build"
            ),
            (NotAReport { dir, detail }, Lang::En) => format!(
                "{dir}: not a built report folder (manifest.json: {detail}); run jianfu build first"
            ),
            (Corrupt { file }, Lang::Zh) => format!(
                "{file}：与 manifest.json 记录的 SHA-256 不一致，报告已损坏或被改动，未发布"
            ),
            (Corrupt { file }, Lang::En) => format!(
                "{file}: does not match the SHA-256 in manifest.json; the report is damaged or was edited; nothing published"
            ),
            (UnsafeName { name }, Lang::Zh) => format!("名称 {name:?} 可能越出共享目录，拒绝发布"),
            (UnsafeName { name }, Lang::En) => {
                format!("the name {name:?} could escape the share; refused")
            }
            (AlreadyPublished { target }, Lang::Zh) => format!(
                "{target}：该报告已发布；如需替换，请加 --replace（新版本完整就位前旧版本保持可用）"
            ),
            (AlreadyPublished { target }, Lang::En) => format!(
                "{target}: already published; add --replace to replace it (the old version stays until the new one is complete)"
            ),
            (Busy { share }, Lang::Zh) => {
                format!("{share}：另一个发布进程正在进行，等待超时；请稍后重试")
            }
            (Busy { share }, Lang::En) => format!(
                "{share}: another publish is in progress and did not finish in time; try again later"
            ),
            (Io { path, detail }, Lang::Zh) => format!("{path}：{detail}"),
            (Io { path, detail }, Lang::En) => format!("{path}: {detail}"),
        }
    }
}

/// Why a roll-up's part was refused: nothing is written.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum RollupError {
    /// Neither a built report folder nor a campaign's output folder of dated reports.
    NotAReport { dir: String, detail: String },
    /// A file of the part does not match its manifest entry.
    Corrupt { dir: String, file: String },
    /// The part was built by a jianfu whose metrics.json has another schema version.
    Schema {
        dir: String,
        found: u64,
        expected: u32,
    },
    /// The same report folder is named twice.
    ListedTwice { dir: String },
    /// Two parts have the same id.
    SameId {
        id: String,
        first: String,
        second: String,
    },
    /// The campaign output folders have no report date in common.
    NoCommonDate { dirs: Vec<String> },
    /// A campaign output folder has no report at `--at`.
    NoSuchDate {
        dir: String,
        at: String,
        available: Vec<String>,
    },
}

impl RollupError {
    pub fn message(&self, lang: Lang) -> String {
        use RollupError::*;
        match (self, lang) {
            (NotAReport { dir, detail }, Lang::Zh) => format!(
                "{dir}：不是已生成的报告文件夹（output/<编号>/<日期>/），也不是活动的输出文件夹（output/<编号>/）：{detail}；请先运行 jianfu build"
            ),
            (NotAReport { dir, detail }, Lang::En) => format!(
                "{dir}: neither a built report folder (output/<id>/<date>/) nor a campaign's output folder (output/<id>/): {detail}; run jianfu build first"
            ),
            (Corrupt { dir, file }, Lang::Zh) => format!(
                "{dir}：{file} 与 manifest.json 记录的 SHA-256 不一致，报告已损坏或被改动，未汇总"
            ),
            (Corrupt { dir, file }, Lang::En) => format!(
                "{dir}: {file} does not match the SHA-256 in manifest.json; the report is damaged or was edited; nothing rolled up"
            ),
            (
                Schema {
                    dir,
                    found,
                    expected,
                },
                Lang::Zh,
            ) => format!(
                "{dir}：该报告由不兼容的 jianfu 版本生成（metrics.json 格式版本 {found}，本程序为 {expected}）；请用本版本重新生成该报告"
            ),
            (
                Schema {
                    dir,
                    found,
                    expected,
                },
                Lang::En,
            ) => format!(
                "{dir}: built by an incompatible jianfu (metrics.json schema version {found}, this one reads {expected}); rebuild that report with this version"
            ),
            (ListedTwice { dir }, Lang::Zh) => {
                format!("{dir}：同一报告被列出两次，每个部分只能汇总一次")
            }
            (ListedTwice { dir }, Lang::En) => {
                format!(
                    "{dir}: the same report is listed twice; each part can be rolled up only once"
                )
            }
            (SameId { id, first, second }, Lang::Zh) => format!(
                "{first} 与 {second} 的编号都是 {id:?}：两个部分的编号不能相同（可在 campaign.toml 中设置 id）"
            ),
            (SameId { id, first, second }, Lang::En) => format!(
                "{first} and {second} both have the id {id:?}: two parts cannot share an id (set id in campaign.toml)"
            ),
            (NoCommonDate { dirs }, Lang::Zh) => format!(
                "{}：没有共同的报告日期；请用 --at 指定日期，或直接列出各报告文件夹",
                dirs.join("、")
            ),
            (NoCommonDate { dirs }, Lang::En) => format!(
                "{}: no report date in common; name one with --at, or list the report folders themselves",
                dirs.join(", ")
            ),
            (NoSuchDate { dir, at, available }, Lang::Zh) => {
                format!("{dir}：没有 {at} 的报告（已有：{}）", available.join("、"))
            }
            (NoSuchDate { dir, at, available }, Lang::En) => format!(
                "{dir}: no report for {at} (there are: {})",
                available.join(", ")
            ),
        }
    }
}
