//! One module per command: its arguments, turned into the library's typed options, the
//! call, and what it prints. Each returns whether the command succeeded.

pub mod build;
pub mod check;
pub mod compare;
pub mod init;
pub mod publish;
pub mod rollup;
pub mod samples;
pub mod synth;
pub mod vet;

use jianfu::config::RenderOptions;
use jianfu::error::Error;
use jianfu::lang::Lang;
use std::path::{Path, PathBuf};

/// How the documents are rendered.
#[derive(clap::Args)]
pub struct RenderArgs {
    /// A folder of templates replacing the built-in ones (report.html, report.typ).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// An extra folder of font files for the PDF and the charts (repeatable); searched
    /// before the system fonts.
    #[arg(long = "font-dir", value_name = "DIR")]
    font_dirs: Vec<PathBuf>,
    /// Use only the fonts of --font-dir and campaign.toml, not the system's.
    #[arg(long)]
    no_system_fonts: bool,
    /// Write report.pdf as PDF/A-2b, for archiving.
    #[arg(long)]
    pdf_a: bool,
}

impl From<RenderArgs> for RenderOptions {
    fn from(args: RenderArgs) -> RenderOptions {
        RenderOptions {
            templates: args.templates,
            font_dirs: args.font_dirs,
            system_fonts: !args.no_system_fonts,
            pdf_a: args.pdf_a,
        }
    }
}

pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a date YYYY-MM-DD, got {s:?}"))
}

pub fn mib_to_bytes(mib: u64) -> u64 {
    mib.saturating_mul(1024 * 1024)
}

/// "<where>：发现 N 个问题，未生成报告", then each problem indented.
pub fn report_error(lang: Lang, place: &Path, error: &Error) {
    let lines = error.lines(lang);
    match lang {
        Lang::Zh => eprintln!(
            "{}：发现 {} 个问题，未生成报告",
            place.display(),
            lines.len()
        ),
        Lang::En => eprintln!(
            "{}: {} problem(s) found, no report written",
            place.display(),
            lines.len()
        ),
    }
    for line in lines {
        eprintln!("  {line}");
    }
}
