//! `jianfu build`: load a campaign, analyse it, render every output into a staging folder
//! and put the finished report in place.

use crate::analyse::analyse;
use crate::config::{BuildOptions, CampaignConfig, RenderOptions};
use crate::error::Error;
use crate::load::{Scope, load_campaign_with, stream_file};
use crate::model::Report;
use crate::model::manifest::{FileEntry, Manifest, Tool, hex, sha256_hex};
use crate::output::atomic::{Durability, Staging};
use crate::present::charts::charts as chart_specs;
use crate::present::{documents, findings, view};
use crate::progress::Stages;
use crate::render::fonts::Fonts;
use crate::render::{self, Output, charts, html, pdf, xlsx};
use std::path::{Path, PathBuf};

/// A finished build.
pub struct Built {
    pub dir: PathBuf,
    pub report: Report,
    /// Outputs that could not be made (report.pdf without a Chinese font); every other
    /// output was written. The command fails when this is not empty.
    pub failed: Vec<Error>,
    /// Seconds spent in each stage, in order (`--timings`). Stages may overlap.
    pub timings: Vec<(String, f64)>,
    /// Seconds from the start of the build to its end.
    pub total: f64,
    /// The report on disk was already exactly this one; nothing was rewritten.
    pub unchanged: bool,
}

/// Builds one campaign's report. On error nothing is left in the output folder.
pub fn build(campaign: &Path, options: &BuildOptions) -> Result<Built, Error> {
    let mut stages = Stages::new(options.show);
    let scope = options.at.map_or(Scope::Latest, Scope::UpTo);
    let inventory = stages
        .run("load", "读取台账", || {
            load_campaign_with(campaign, scope, options.max_table_bytes)
        })
        .map_err(Error::Input)?;
    // The manifest's input hashes are read on another core while the report is computed.
    let hashing = {
        let paths = inventory.inputs.clone();
        let dir = inventory.dir.clone();
        std::thread::spawn(move || hash_inputs(&paths, &dir))
    };
    // The PDF's fonts, and the font the charts are measured in, are found and loaded on
    // another core while the figures are computed.
    let fonts = (!options.figures_only).then(|| {
        let pdf = pdf_options(&inventory.config, &inventory.dir, options);
        std::thread::spawn(move || {
            charts::measure_with(&pdf);
            (pdf::fonts(&pdf), pdf)
        })
    });
    let mut report = stages.run("analyse", "计算指标", || analyse(&inventory))?;
    findings::describe_all(&mut report);
    // The tables are done with. A province's take gigabytes, which the documents need.
    let tables = (inventory.snapshots, inventory.units);
    let mut outputs = vec![render::metrics_json(&report)];
    let mut failed = Vec::new();
    match fonts {
        Some(fonts) => {
            let fonts = fonts
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            render_documents(
                &report,
                fonts,
                tables,
                options.render.templates.as_deref(),
                &mut stages,
                &mut outputs,
                &mut failed,
            )?;
        }
        None => drop(tables),
    }
    let target = options
        .out
        .join(&report.campaign.id)
        .join(&report.campaign.current);
    let inputs = hashing
        .join()
        .map_err(|_| Error::Internal("hashing the inputs failed".into()))??;
    let manifest = manifest(inputs, &report, &outputs).to_bytes();
    let placed = put_in_place(&target, &outputs, &manifest, &mut stages)?;
    Ok(Built::new(report, failed, stages, placed))
}

impl Built {
    /// The result of a report put in place (`placed`: its folder, and whether it was
    /// already exactly there), with the stages' times.
    pub(crate) fn new(
        report: Report,
        failed: Vec<Error>,
        stages: Stages,
        (dir, unchanged): (PathBuf, bool),
    ) -> Built {
        Built {
            dir,
            report,
            failed,
            total: stages.elapsed(),
            timings: stages.timings,
            unchanged,
        }
    }
}

/// Writes `outputs` and the manifest into `target` through a staging folder, unless
/// `target` already holds exactly these files; says which.
pub(crate) fn put_in_place(
    target: &Path,
    outputs: &[Output],
    manifest: &[u8],
    stages: &mut Stages,
) -> Result<(PathBuf, bool), Error> {
    // The manifest names every input and output by hash: if the report on disk has the
    // same one and its files still match, there is nothing to rewrite.
    if unchanged(target, manifest) {
        crate::output::atomic::tidy(target);
        return Ok((target.to_path_buf(), true));
    }
    let dir = stages.run("write", "写入报告", || -> Result<PathBuf, Error> {
        let staging = Staging::new(target, Durability::LOCAL)?;
        for output in outputs {
            staging.write(&output.path, &output.bytes)?;
        }
        staging.write("manifest.json", manifest)?;
        staging.commit()
    })?;
    Ok((dir, false))
}

/// Whether `dir` already holds exactly this build: the same manifest, every file intact.
fn unchanged(dir: &Path, manifest: &[u8]) -> bool {
    if std::fs::read(dir.join("manifest.json")).ok().as_deref() != Some(manifest) {
        return false;
    }
    let Ok(listed) = serde_json::from_slice::<Manifest>(manifest) else {
        return false;
    };
    listed
        .outputs
        .iter()
        .all(|e| std::fs::read(dir.join(&e.path)).is_ok_and(|bytes| sha256_hex(&bytes) == e.sha256))
}

/// The documents: charts, index.html, tables.xlsx, report.pdf (in `fonts`, found
/// beforehand). `tables` are freed on the way.
pub(crate) fn render_documents(
    report: &Report,
    (fonts, pdf_options): (Fonts, RenderOptions),
    tables: impl Send + 'static,
    templates: Option<&Path>,
    stages: &mut Stages,
    outputs: &mut Vec<Output>,
    failed: &mut Vec<Error>,
) -> Result<(), Error> {
    let (view, charts) = stages.run("view", "生成图表", || {
        let view = view::view(report);
        let charts = charts::draw(&chart_specs(report, &view));
        (view, charts)
    });
    // Freeing the tables one string and one buffer at a time keeps a core busy a while:
    // another thread does it while the documents are laid out, once the view, whose
    // allocations it would slow, is built.
    let freeing = std::thread::spawn(move || drop(tables));
    // The documents show the top rows of long tables; tables.xlsx has every row.
    let documents = documents::for_documents(&view);
    // report.pdf is laid out on this core; index.html and tables.xlsx (every row: at a
    // province's scale the longest) are written on the other.
    let (pdf, others) = std::thread::scope(|scope| {
        let others = scope.spawn(|| {
            let timed = |render: &dyn Fn() -> Result<Output, Error>| {
                let start = std::time::Instant::now();
                (render(), start.elapsed().as_secs_f64())
            };
            (
                timed(&|| html::render_html(&documents, &charts, templates)),
                timed(&|| xlsx::render_xlsx(&view)),
            )
        });
        let pdf = stages.run("pdf", "排版 PDF", || {
            pdf::render_pdf_with(&documents, &charts, &pdf_options, fonts)
        });
        let others = stages.show("生成网页和表格", || others.join());
        (pdf, others)
    });
    let ((html, html_seconds), (xlsx, xlsx_seconds)) =
        others.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    freeing
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    // Their own times; they overlapped the PDF.
    stages.record("html", html_seconds);
    stages.record("xlsx", xlsx_seconds);
    outputs.push(html?);
    outputs.push(xlsx?);
    outputs.extend(charts.iter().map(|chart| Output {
        path: format!("charts/{}.svg", chart.id),
        bytes: chart.svg.clone().into_bytes(),
    }));
    match pdf {
        Ok(pdf) => outputs.push(pdf),
        // Everything else is still written; the failure is reported after.
        Err(e) => failed.push(e),
    }
    Ok(())
}

/// Each input's SHA-256, streamed from disk (never the whole file in memory).
fn hash_inputs(paths: &[PathBuf], dir: &Path) -> Result<Vec<FileEntry>, Error> {
    use sha2::{Digest, Sha256};
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        let mut hasher = Sha256::new();
        let bytes = stream_file(path, |chunk| hasher.update(chunk)).map_err(Error::Input)?;
        let relative = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        inputs.push(FileEntry {
            path: relative,
            sha256: hex(&hasher.finalize()),
            bytes,
        });
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(inputs)
}

/// The PDF's settings: the command's, plus the campaign's font folders (relative to it).
fn pdf_options(config: &CampaignConfig, dir: &Path, options: &BuildOptions) -> RenderOptions {
    let mut render = options.render.clone();
    render
        .font_dirs
        .extend(config.font_dirs.iter().map(|d| dir.join(d)));
    render
}

pub(crate) fn manifest(inputs: Vec<FileEntry>, report: &Report, outputs: &[Output]) -> Manifest {
    let mut outputs: Vec<FileEntry> = outputs
        .iter()
        .map(|o| FileEntry::of(o.path.clone(), &o.bytes))
        .collect();
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    Manifest {
        tool: Tool::this(),
        campaign: report.campaign.id.clone(),
        current: report.campaign.current.clone(),
        inputs,
        outputs,
    }
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
