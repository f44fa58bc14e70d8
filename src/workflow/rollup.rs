//! `jianfu rollup`: a city's or a province's report added up from its parts' built reports.
//! Each part's files are checked against its manifest before use; the figures are added
//! by `analyse::rollup` and rendered exactly as a build renders a report.

use super::build::{Built, manifest, put_in_place, render_documents};
use crate::analyse::rollup::{Identity, rollup as add_up};
use crate::config::RollupOptions;
use crate::error::{Error, RollupError};
use crate::model::manifest::{FileEntry, Manifest, sha256_hex};
use crate::model::{Part, Report, SCHEMA_VERSION};
use crate::present::words::rollup_name;
use crate::progress::Stages;
use crate::render::{self, charts, pdf};
use std::path::{Path, PathBuf};

/// One part, read and checked.
struct Read {
    dir: PathBuf,
    part: Part,
    report: Report,
    /// The part's manifest.json and metrics.json, for the roll-up's manifest.
    inputs: [FileEntry; 2],
}

/// Rolls up `parts` into `options.out`. On any error nothing is written.
pub fn rollup(parts: &[PathBuf], options: &RollupOptions) -> Result<Built, Error> {
    let mut stages = Stages::new(options.show);
    let dirs = report_dirs(parts, options.at)?;
    let read = stages.run("load", "读取各部分报告", || {
        dirs.iter()
            .map(|d| read_part(d))
            .collect::<Result<Vec<_>, _>>()
    })?;
    refuse_duplicates(&read)?;
    let identity = Identity {
        id: options
            .id
            .clone()
            .unwrap_or_else(|| default_id(&options.out)),
        name: options.name.clone().unwrap_or_else(|| {
            rollup_name(
                &read
                    .iter()
                    .map(|r| r.part.name.as_str())
                    .collect::<Vec<_>>(),
            )
        }),
        region: options.region.clone().unwrap_or_default(),
        authority: options.authority.clone().unwrap_or_default(),
    };
    let parts: Vec<(Part, Report)> = read
        .iter()
        .map(|r| (r.part.clone(), r.report.clone()))
        .collect();
    let report = stages.run("analyse", "汇总指标", || add_up(identity, &parts));
    drop(parts);
    let mut outputs = vec![render::metrics_json(&report)];
    let mut failed = Vec::new();
    charts::measure_with(&options.render);
    let fonts = pdf::fonts(&options.render);
    render_documents(
        &report,
        (fonts, options.render.clone()),
        (),
        options.render.templates.as_deref(),
        &mut stages,
        &mut outputs,
        &mut failed,
    )?;
    let mut inputs: Vec<FileEntry> = read.into_iter().flat_map(|r| r.inputs).collect();
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = manifest(inputs, &report, &outputs).to_bytes();
    let placed = put_in_place(&options.out, &outputs, &manifest, &mut stages)?;
    Ok(Built::new(report, failed, stages, placed))
}

/// `out`'s name, or its parent's when `out` is named by a date (`output/<id>/<date>/`).
fn default_id(out: &Path) -> String {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let own = name(out);
    if is_date(&own)
        && let Some(parent) = out.parent()
        && !name(parent).is_empty()
    {
        return name(parent);
    }
    own
}

fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn shown(dir: &Path) -> String {
    dir.display().to_string()
}

/// Each part's report folder: the part itself when it holds a manifest.json, else the
/// report at `at` (default: the latest date every such campaign output folder has).
fn report_dirs(parts: &[PathBuf], at: Option<chrono::NaiveDate>) -> Result<Vec<PathBuf>, Error> {
    let mut dated: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if part.join("manifest.json").is_file() {
            continue;
        }
        let entries = std::fs::read_dir(part).map_err(|e| RollupError::NotAReport {
            dir: shown(part),
            detail: e.to_string(),
        })?;
        let mut dates: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().join("manifest.json").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| is_date(n))
            .collect();
        dates.sort();
        if dates.is_empty() {
            return Err(RollupError::NotAReport {
                dir: shown(part),
                detail: "no manifest.json".into(),
            }
            .into());
        }
        dated.push((i, dates));
    }
    let date = match at {
        Some(at) => Some(at.to_string()),
        None => dated
            .first()
            .and_then(|(_, first)| {
                first
                    .iter()
                    .rev()
                    .find(|d| dated.iter().all(|(_, ds)| ds.contains(d)))
                    .cloned()
            })
            .map(Some)
            .ok_or_else(|| RollupError::NoCommonDate {
                dirs: dated.iter().map(|(i, _)| shown(&parts[*i])).collect(),
            })
            .or_else(|e| if dated.is_empty() { Ok(None) } else { Err(e) })?,
    };
    let mut dirs: Vec<PathBuf> = parts.to_vec();
    for (i, dates) in &dated {
        let date = date.as_deref().unwrap_or_default();
        if !dates.iter().any(|d| d == date) {
            return Err(RollupError::NoSuchDate {
                dir: shown(&parts[*i]),
                at: date.to_string(),
                available: dates.clone(),
            }
            .into());
        }
        dirs[*i] = parts[*i].join(date);
    }
    Ok(dirs)
}

/// Reads one report folder, checking every file against its manifest and the schema.
fn read_part(dir: &Path) -> Result<Read, Error> {
    let not_a_report = |detail: String| RollupError::NotAReport {
        dir: shown(dir),
        detail,
    };
    let manifest_bytes = std::fs::read(dir.join("manifest.json"))
        .map_err(|e| not_a_report(format!("manifest.json: {e}")))?;
    let listed: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| not_a_report(format!("manifest.json: {e}")))?;
    let mut metrics = None;
    for entry in &listed.outputs {
        let corrupt = || RollupError::Corrupt {
            dir: shown(dir),
            file: entry.path.clone(),
        };
        // Paths in a manifest stay inside the report folder.
        if entry.path.split('/').any(|c| c == ".." || c.is_empty()) || entry.path.starts_with('/') {
            return Err(corrupt().into());
        }
        let bytes = std::fs::read(dir.join(&entry.path)).map_err(|_| corrupt())?;
        if sha256_hex(&bytes) != entry.sha256 {
            return Err(corrupt().into());
        }
        if entry.path == "metrics.json" {
            metrics = Some(bytes);
        }
    }
    let metrics =
        metrics.ok_or_else(|| not_a_report("manifest.json lists no metrics.json".into()))?;
    let value: serde_json::Value =
        serde_json::from_slice(&metrics).map_err(|e| not_a_report(format!("metrics.json: {e}")))?;
    let found = value
        .get("schema_version")
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    if found != u64::from(SCHEMA_VERSION) {
        return Err(RollupError::Schema {
            dir: shown(dir),
            found,
            expected: SCHEMA_VERSION,
        }
        .into());
    }
    let report: Report =
        serde_json::from_value(value).map_err(|e| not_a_report(format!("metrics.json: {e}")))?;
    let part = Part {
        id: report.campaign.id.clone(),
        name: report.campaign.name.clone(),
        region: report.campaign.region.clone(),
        date: report.campaign.current.clone(),
        manifest_sha256: sha256_hex(&manifest_bytes),
    };
    let prefix = format!("{}/{}", part.id, part.date);
    Ok(Read {
        dir: dir.to_path_buf(),
        inputs: [
            FileEntry::of(format!("{prefix}/manifest.json"), &manifest_bytes),
            FileEntry::of(format!("{prefix}/metrics.json"), &metrics),
        ],
        part,
        report,
    })
}

/// The same folder twice, or two parts with one id, are refused.
fn refuse_duplicates(read: &[Read]) -> Result<(), Error> {
    for (i, a) in read.iter().enumerate() {
        for b in &read[..i] {
            let same = match (a.dir.canonicalize(), b.dir.canonicalize()) {
                (Ok(x), Ok(y)) => x == y,
                _ => a.dir == b.dir,
            };
            if same {
                return Err(RollupError::ListedTwice { dir: shown(&a.dir) }.into());
            }
            if a.part.id == b.part.id {
                return Err(RollupError::SameId {
                    id: a.part.id.clone(),
                    first: shown(&b.dir),
                    second: shown(&a.dir),
                }
                .into());
            }
        }
    }
    Ok(())
}
