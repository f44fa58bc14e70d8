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
        }
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Error {
        Error::Internal(e.to_string())
    }
}
