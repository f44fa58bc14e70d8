//! The errors a command can end with, each printable in the user's language.

use crate::lang::Lang;
use crate::problem::Problem;

#[derive(Debug)]
pub enum Error {
    /// The inputs are wrong; every problem found is listed.
    Input(Vec<Problem>),
    /// An output could not be written.
    Write { path: String, detail: String },
    /// Publishing to the share was refused or failed.
    Publish(crate::publish::PublishError),
    /// A computation failed; this is a bug in jianfu, not in the inputs.
    Internal(String),
    /// No font with Chinese glyphs was found, so `output` (report.pdf) cannot be typeset.
    /// `dirs` are the extra font folders that were searched.
    NoChineseFont {
        output: String,
        dirs: Vec<String>,
        system: bool,
    },
    /// An output could not be rendered (e.g. a custom template has an error).
    Render { output: String, detail: String },
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
                Lang::En => format!("{path}: cannot write: {detail}"),
            }],
            Error::Publish(e) => vec![e.message(lang)],
            Error::Internal(detail) => vec![match lang {
                Lang::Zh => format!("内部错误（请报告此问题）：{detail}"),
                Lang::En => format!("internal error (please report it): {detail}"),
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
                Lang::En => format!("{output}: cannot render: {detail}"),
            }],
        }
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Error {
        Error::Internal(e.to_string())
    }
}
