//! `jianfu build`: load a campaign, analyse it, render every output into a staging folder
//! and put the finished report in place.

use crate::analyse::analyse;
use crate::error::Error;
use crate::load::{Inventory, Scope, load_campaign_with};
use crate::render::manifest::{FileEntry, Manifest, Tool};
use crate::render::view;
use crate::render::{self, Output, charts, html, pdf, xlsx};
use crate::report::Report;
use crate::staging::Staging;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// What a build is asked to do.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Reports go to `<out>/<campaign id>/<current snapshot>/`.
    pub out: PathBuf,
    /// The current snapshot; default: the latest.
    pub at: Option<NaiveDate>,
    /// A folder of templates replacing the built-in ones (`report.html`, `report.typ`).
    pub templates: Option<PathBuf>,
    /// Extra font folders for the PDF (`--font-dir`), besides campaign.toml's `font_dirs`.
    pub font_dirs: Vec<PathBuf>,
    /// Do not use the system's fonts for the PDF (`--no-system-fonts`).
    pub no_system_fonts: bool,
    /// Write the PDF as PDF/A-2b (`--pdf-a`).
    pub pdf_a: bool,
    /// The largest table read, in bytes (`--max-table-mb`); default: campaign.toml's
    /// `max_table_bytes`, else 512 MiB.
    pub max_table_bytes: Option<u64>,
}

/// A finished build.
pub struct Built {
    pub dir: PathBuf,
    pub report: Report,
    /// Outputs that could not be made (report.pdf without a Chinese font); every other
    /// output was written. The command fails when this is not empty.
    pub failed: Vec<Error>,
    /// The report on disk was already exactly this one; nothing was rewritten.
    pub unchanged: bool,
}

/// Builds one campaign's report. On error nothing is left in the output folder.
pub fn build(campaign: &Path, options: &BuildOptions) -> Result<Built, Error> {
    let scope = options.at.map_or(Scope::Latest, Scope::UpTo);
    let inventory =
        load_campaign_with(campaign, scope, options.max_table_bytes).map_err(Error::Input)?;
    let report = analyse(&inventory)?;
    let view = view::view(&report, &inventory.config.report);
    let charts = charts::charts(&report, &view);
    let mut outputs = vec![
        render::metrics_json(&report),
        html::render_html(&view, &charts, options.templates.as_deref())?,
        xlsx::render_xlsx(&view)?,
    ];
    outputs.extend(charts.iter().map(|chart| Output {
        path: format!("charts/{}.svg", chart.id),
        bytes: chart.svg.clone().into_bytes(),
    }));
    let mut failed = Vec::new();
    match pdf::render_pdf(&view, &charts, &pdf_options(&inventory, options)) {
        Ok(pdf) => outputs.push(pdf),
        // Everything else is still written; the failure is reported after.
        Err(e) => failed.push(e),
    }
    let target = options
        .out
        .join(&report.campaign.id)
        .join(&report.campaign.current);
    let manifest = manifest(&inventory, &report, &outputs)?;
    // The manifest names every input and output by hash: if the report on disk has the
    // same one and its files still match, there is nothing to rewrite.
    if unchanged(&target, &manifest) {
        crate::staging::tidy(&target);
        return Ok(Built {
            dir: target,
            report,
            failed,
            unchanged: true,
        });
    }
    let staging = Staging::new(&target)?;
    for output in &outputs {
        staging.write(&output.path, &output.bytes)?;
    }
    staging.write("manifest.json", &manifest)?;
    let dir = staging.commit()?;
    Ok(Built {
        dir,
        report,
        failed,
        unchanged: false,
    })
}

/// Whether `dir` already holds exactly this build: the same manifest, every file intact.
fn unchanged(dir: &Path, manifest: &[u8]) -> bool {
    if std::fs::read(dir.join("manifest.json")).ok().as_deref() != Some(manifest) {
        return false;
    }
    #[derive(serde::Deserialize)]
    struct Listed {
        outputs: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        path: String,
        sha256: String,
    }
    let Ok(listed) = serde_json::from_slice::<Listed>(manifest) else {
        return false;
    };
    listed.outputs.iter().all(|e| {
        std::fs::read(dir.join(&e.path))
            .is_ok_and(|bytes| crate::render::manifest::sha256_hex(&bytes) == e.sha256)
    })
}

/// The PDF's settings: the command's, plus the campaign's font folders (relative to it).
fn pdf_options(inventory: &Inventory, options: &BuildOptions) -> pdf::PdfOptions {
    let mut font_dirs = options.font_dirs.clone();
    font_dirs.extend(
        inventory
            .config
            .font_dirs
            .iter()
            .map(|d| inventory.dir.join(d)),
    );
    pdf::PdfOptions {
        font_dirs,
        system_fonts: !options.no_system_fonts,
        templates: options.templates.clone(),
        pdf_a: options.pdf_a,
    }
}

fn manifest(inventory: &Inventory, report: &Report, outputs: &[Output]) -> Result<Vec<u8>, Error> {
    let mut inputs = Vec::with_capacity(inventory.inputs.len());
    for path in &inventory.inputs {
        let content = std::fs::read(path).map_err(|e| {
            Error::Input(vec![crate::problem::Problem::file(
                path.display().to_string(),
                crate::problem::ProblemKind::Unreadable {
                    detail: e.to_string(),
                },
            )])
        })?;
        let relative = path
            .strip_prefix(&inventory.dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        inputs.push(FileEntry::of(relative, &content));
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut outputs: Vec<FileEntry> = outputs
        .iter()
        .map(|o| FileEntry::of(o.path.clone(), &o.bytes))
        .collect();
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        tool: Tool::this(),
        campaign: report.campaign.id.clone(),
        current: report.campaign.current.clone(),
        inputs,
        outputs,
    };
    let mut bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Every campaign folder directly under `data` (those holding a campaign.toml), sorted.
pub fn campaigns_under(data: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(data)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.join("campaign.toml").is_file())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}
