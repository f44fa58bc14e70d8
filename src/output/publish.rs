//! `jianfu publish`: put a built report on the intranet share so that readers never see
//! half of it, whatever happens to the publishing process.
//!
//! The report is copied into a hidden folder beside its place on the share, every file
//! is synced to disk and checked against manifest.json, and only then is the folder
//! renamed into place (atomically exchanged with the old version under `--replace`):
//! the same protocol as a build's ([`super::atomic`]).
//! An exclusive lock on `SHARE/.jianfu-publish.lock` keeps two publishers apart; the
//! kernel releases it when a process dies, so a killed publisher leaves no stale lock.

use super::atomic::{Durability, Staging, failpoint};
use crate::config::PublishOptions;
use crate::error::{Error, PublishError};
use crate::lang::Lang;
use crate::model::Report;
use crate::model::manifest::{Manifest, sha256_hex};
use crate::present::format::quarter_name;
use crate::present::headline::headlines;
use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

const LOCK_FILE: &str = ".jianfu-publish.lock";

fn io(path: &Path) -> impl Fn(std::io::Error) -> PublishError + '_ {
    move |e| PublishError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

/// A relative path inside the report: plain names only, so nothing lands outside the share.
fn safe_relative(path: &str) -> Result<PathBuf, PublishError> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && p.components().all(|c| match c {
            Component::Normal(name) => crate::safe_name::check(&name.to_string_lossy()).is_ok(),
            _ => false,
        });
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(PublishError::UnsafeName { name: path.into() })
    }
}

/// Publishes `report_dir` to `SHARE/<campaign>/<date>/` and refreshes `SHARE/index.html`.
pub fn publish(report_dir: &Path, options: &PublishOptions) -> Result<PathBuf, Error> {
    let manifest_path = report_dir.join("manifest.json");
    let not_a_report = |detail: String| PublishError::NotAReport {
        dir: report_dir.display().to_string(),
        detail,
    };
    let manifest_bytes = std::fs::read(&manifest_path).map_err(|e| not_a_report(e.to_string()))?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| not_a_report(e.to_string()))?;
    for name in [&manifest.campaign, &manifest.current] {
        crate::safe_name::check(name)
            .map_err(|_| PublishError::UnsafeName { name: name.clone() })?;
    }
    if chrono::NaiveDate::parse_from_str(&manifest.current, "%Y-%m-%d").is_err() {
        return Err(PublishError::UnsafeName {
            name: manifest.current,
        }
        .into());
    }
    // Read and check every file before touching the share.
    let mut files = Vec::with_capacity(manifest.outputs.len() + 1);
    for entry in &manifest.outputs {
        let relative = safe_relative(&entry.path)?;
        let source = report_dir.join(&relative);
        let bytes = std::fs::read(&source).map_err(io(&source))?;
        if sha256_hex(&bytes) != entry.sha256 {
            return Err(PublishError::Corrupt {
                file: source.display().to_string(),
            }
            .into());
        }
        files.push((entry.path.clone(), bytes));
    }
    files.push(("manifest.json".into(), manifest_bytes));

    std::fs::create_dir_all(&options.share).map_err(io(&options.share))?;
    let _lock = lock(&options.share, options.wait)?;
    failpoint("locked");

    let target = options
        .share
        .join(&manifest.campaign)
        .join(&manifest.current);
    // Under the lock: whatever a killed publisher left is cleared (or its previous
    // version put back) before the target is looked at.
    let staging = Staging::new(&target, Durability::SHARED)?;
    if target.exists() && !options.replace {
        return Err(PublishError::AlreadyPublished {
            target: target.display().to_string(),
        }
        .into());
    }
    for (i, (relative, bytes)) in files.iter().enumerate() {
        staging.write(relative, bytes)?;
        if i == 0 {
            failpoint("copying");
        }
    }
    // What reached the disk is what the manifest names.
    let staged = staging.dir().to_path_buf();
    for entry in &manifest.outputs {
        let copy = staged.join(&entry.path);
        let bytes = std::fs::read(&copy).map_err(io(&copy))?;
        if sha256_hex(&bytes) != entry.sha256 {
            return Err(PublishError::Corrupt {
                file: copy.display().to_string(),
            }
            .into());
        }
    }
    staging.commit()?;
    failpoint("placed");
    write_index(&options.share)?;
    Ok(target)
}

/// Takes the share's publish lock, waiting up to `wait` for another publisher.
fn lock(share: &Path, wait: Duration) -> Result<File, PublishError> {
    let path = share.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(PublishError::Busy {
                    share: share.display().to_string(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&path)(e)),
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    let mut file = File::create(path).map_err(io(path))?;
    file.write_all(bytes).map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

fn sync_dir(dir: &Path) -> Result<(), PublishError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// One published report as the share's index lists it.
#[derive(serde::Serialize)]
struct IndexEntry {
    href: String,
    name: String,
    region: String,
    authority: String,
    date: String,
    period: String,
    figures: Vec<String>,
    /// A roll-up's parts, by name.
    parts: Vec<String>,
}

/// Rewrites `SHARE/index.html` from the reports on the share, newest first.
pub fn write_index(share: &Path) -> Result<(), PublishError> {
    let mut entries = Vec::new();
    for campaign in sorted_dirs(share)? {
        for report in sorted_dirs(&campaign)? {
            let Ok(bytes) = std::fs::read(report.join("metrics.json")) else {
                continue;
            };
            let Ok(metrics) = serde_json::from_slice::<Report>(&bytes) else {
                continue;
            };
            entries.push(index_entry(share, &report, &metrics));
        }
    }
    entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.href.cmp(&b.href)));
    let mut context = tera::Context::new();
    context.insert("entries", &entries);
    let html = tera::Tera::one_off(
        include_str!("../../templates/share_index.html"),
        &context,
        true,
    )
    .map_err(|e| PublishError::Io {
        path: "index.html".into(),
        detail: e.to_string(),
    })?;
    let path = share.join("index.html");
    let temp = share.join(".index.html.tmp");
    write_synced(&temp, html.as_bytes())?;
    std::fs::rename(&temp, &path).map_err(io(&path))?;
    sync_dir(share)
}

fn sorted_dirs(dir: &Path) -> Result<Vec<PathBuf>, PublishError> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn index_entry(share: &Path, report: &Path, metrics: &Report) -> IndexEntry {
    let relative = report.strip_prefix(share).unwrap_or(report);
    let href = relative
        .components()
        .map(|c| percent_encode(&c.as_os_str().to_string_lossy()))
        .collect::<Vec<_>>()
        .join("/")
        + "/index.html";
    let figures = headlines(metrics, Lang::Zh);
    let period = chrono::NaiveDate::parse_from_str(&metrics.campaign.current, "%Y-%m-%d")
        .map(quarter_name)
        .unwrap_or_default();
    IndexEntry {
        href,
        name: metrics.campaign.name.clone(),
        region: metrics.campaign.region.clone(),
        authority: metrics.campaign.authority.clone(),
        date: metrics.campaign.current.clone(),
        period,
        figures,
        parts: metrics
            .parts
            .as_deref()
            .map(|parts| {
                parts
                    .iter()
                    .map(|p| crate::present::words::part_name(parts, &p.id))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Percent-encodes a path segment for an href, keeping unreserved ASCII.
fn percent_encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
