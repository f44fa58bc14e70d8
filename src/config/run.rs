//! The command line's settings, validated once into these structs: what a build, a
//! comparison or a publish is asked to do. Defaults are written here and nowhere else;
//! the command line shows them in its help.

use crate::progress::Show;
use chrono::NaiveDate;
use std::path::PathBuf;
use std::time::Duration;

/// Where `build` writes when no `--out` is given.
pub const DEFAULT_OUT: &str = "output";
/// Where `build` looks for campaigns, and `samples` writes them, by default.
pub const DEFAULT_DATA: &str = "data";
/// Seconds `publish` waits for another publisher by default.
pub const DEFAULT_PUBLISH_WAIT_SECS: u64 = 60;

/// How the documents are rendered.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// A folder whose `report.html` / `report.typ` replace the built-in templates.
    pub templates: Option<PathBuf>,
    /// Extra font folders (from `--font-dir` and campaign.toml's `font_dirs`), searched
    /// before the system's.
    pub font_dirs: Vec<PathBuf>,
    /// Use the system's fonts too (default). Off only to test the no-font path.
    pub system_fonts: bool,
    /// Produce report.pdf as PDF/A-2b for archiving (归档).
    pub pdf_a: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            templates: None,
            font_dirs: vec![],
            system_fonts: true,
            pdf_a: false,
        }
    }
}

/// What a build is asked to do.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Reports go to `<out>/<campaign id>/<current snapshot>/`.
    pub out: PathBuf,
    /// The current snapshot; default: the latest.
    pub at: Option<NaiveDate>,
    pub render: RenderOptions,
    /// The largest table read, in bytes (`--max-table-mb`); default: campaign.toml's
    /// `max_table_bytes`, else [`super::DEFAULT_MAX_TABLE_BYTES`].
    pub max_table_bytes: Option<u64>,
    /// Progress spinners on a terminal, or nothing (`--quiet`).
    pub show: Show,
    /// Write metrics.json (and the manifest) only: no charts, HTML, XLSX or PDF.
    pub figures_only: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            out: PathBuf::from(DEFAULT_OUT),
            at: None,
            render: RenderOptions::default(),
            max_table_bytes: None,
            show: Show::default(),
            figures_only: false,
        }
    }
}

/// What `compare` is asked to do.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// The folder the comparison is written to.
    pub out: PathBuf,
    pub render: RenderOptions,
}

/// What a publish is asked to do.
#[derive(Clone, Debug)]
pub struct PublishOptions {
    pub share: PathBuf,
    /// Replace a report already published for the same campaign and date.
    pub replace: bool,
    /// How long to wait for another publisher to finish.
    pub wait: Duration,
}

/// What a roll-up (层层汇总) is asked to do.
#[derive(Clone, Debug, Default)]
pub struct RollupOptions {
    /// The report folder the roll-up is written to.
    pub out: PathBuf,
    /// The roll-up's id; default: the name of `out` (of its parent, when `out` is named by
    /// a date, as `output/<id>/<date>/` is).
    pub id: Option<String>,
    /// Default: one made from the parts (`present::words::rollup_name`).
    pub name: Option<String>,
    /// Default: empty.
    pub region: Option<String>,
    /// Default: empty.
    pub authority: Option<String>,
    /// The report taken from each campaign output folder given as a part; default: the
    /// latest date they all have.
    pub at: Option<NaiveDate>,
    pub render: RenderOptions,
    pub show: Show,
}
