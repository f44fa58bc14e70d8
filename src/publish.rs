//! `jianfu publish`: put a built report on the intranet share so that readers never see
//! half of it, whatever happens to the publishing process.
//!
//! The report is copied into a hidden folder beside its place on the share, every file
//! is synced to disk and checked against manifest.json, and only then is the folder
//! renamed into place (atomically exchanged with the old version under `--replace`).
//! An exclusive lock on `SHARE/.jianfu-publish.lock` keeps two publishers apart; the
//! kernel releases it when a process dies, so a killed publisher leaves no stale lock.

use crate::error::Error;
use crate::lang::Lang;
use crate::render::manifest::sha256_hex;
use crate::report::Report;
use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

const LOCK_FILE: &str = ".jianfu-publish.lock";

/// What a publish is asked to do.
#[derive(Clone, Debug)]
pub struct PublishOptions {
    pub share: PathBuf,
    /// Replace a report already published for the same campaign and date.
    pub replace: bool,
    /// How long to wait for another publisher to finish.
    pub wait: Duration,
}

/// Why a publish was refused.
#[derive(Debug)]
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

impl From<PublishError> for Error {
    fn from(e: PublishError) -> Error {
        Error::Publish(e)
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> PublishError + '_ {
    move |e| PublishError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

#[derive(serde::Deserialize)]
struct ManifestIn {
    campaign: String,
    current: String,
    outputs: Vec<FileIn>,
}

#[derive(serde::Deserialize)]
struct FileIn {
    path: String,
    sha256: String,
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
pub fn publish(report_dir: &Path, options: &PublishOptions) -> Result<PathBuf, PublishError> {
    let manifest_path = report_dir.join("manifest.json");
    let not_a_report = |detail: String| PublishError::NotAReport {
        dir: report_dir.display().to_string(),
        detail,
    };
    let manifest_bytes = std::fs::read(&manifest_path).map_err(|e| not_a_report(e.to_string()))?;
    let manifest: ManifestIn =
        serde_json::from_slice(&manifest_bytes).map_err(|e| not_a_report(e.to_string()))?;
    for name in [&manifest.campaign, &manifest.current] {
        crate::safe_name::check(name)
            .map_err(|_| PublishError::UnsafeName { name: name.clone() })?;
    }
    if chrono::NaiveDate::parse_from_str(&manifest.current, "%Y-%m-%d").is_err() {
        return Err(PublishError::UnsafeName {
            name: manifest.current,
        });
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
            });
        }
        files.push((relative, bytes, entry.sha256.clone()));
    }
    let manifest_sha = sha256_hex(&manifest_bytes);
    files.push((PathBuf::from("manifest.json"), manifest_bytes, manifest_sha));

    std::fs::create_dir_all(&options.share).map_err(io(&options.share))?;
    let _lock = lock(&options.share, options.wait)?;
    crate::staging::failpoint("locked");

    let campaign_dir = options.share.join(&manifest.campaign);
    std::fs::create_dir_all(&campaign_dir).map_err(io(&campaign_dir))?;
    recover(&campaign_dir, &manifest.current)?;
    let target = campaign_dir.join(&manifest.current);
    if target.exists() && !options.replace {
        return Err(PublishError::AlreadyPublished {
            target: target.display().to_string(),
        });
    }

    let staging = campaign_dir.join(format!(".{}.staging", manifest.current));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    for (i, (relative, bytes, _)) in files.iter().enumerate() {
        write_synced(&staging.join(relative), bytes)?;
        if i == 0 {
            crate::staging::failpoint("copying");
        }
    }
    for (relative, _, sha) in &files {
        let copy = staging.join(relative);
        let bytes = std::fs::read(&copy).map_err(io(&copy))?;
        if &sha256_hex(&bytes) != sha {
            return Err(PublishError::Corrupt {
                file: copy.display().to_string(),
            });
        }
    }
    sync_tree(&staging)?;
    crate::staging::failpoint("copied");

    if target.exists() {
        let previous = campaign_dir.join(format!(".{}.previous", manifest.current));
        if previous.exists() {
            std::fs::remove_dir_all(&previous).map_err(io(&previous))?;
        }
        // Exchange first, so the old version serves until the new one is in its place.
        crate::staging::exchange(&staging, &target).map_err(io(&target))?;
        sync_dir(&campaign_dir)?;
        crate::staging::failpoint("exchanged");
        std::fs::rename(&staging, &previous).map_err(io(&staging))?;
        std::fs::remove_dir_all(&previous).map_err(io(&previous))?;
    } else {
        std::fs::rename(&staging, &target).map_err(io(&target))?;
    }
    sync_dir(&campaign_dir)?;
    crate::staging::failpoint("placed");
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

/// Clears what a killed publisher of this report left: a staging folder, or a previous
/// version moved aside. Runs under the lock, so nothing else is using them.
fn recover(campaign_dir: &Path, date: &str) -> Result<(), PublishError> {
    let target = campaign_dir.join(date);
    let previous = campaign_dir.join(format!(".{date}.previous"));
    let staging = campaign_dir.join(format!(".{date}.staging"));
    if previous.exists() {
        if target.exists() {
            std::fs::remove_dir_all(&previous).map_err(io(&previous))?;
        } else {
            std::fs::rename(&previous, &target).map_err(io(&previous))?;
        }
    }
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut file = File::create(path).map_err(io(path))?;
    file.write_all(bytes).map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

fn sync_dir(dir: &Path) -> Result<(), PublishError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

fn sync_tree(dir: &Path) -> Result<(), PublishError> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))?.flatten() {
        if entry.path().is_dir() {
            sync_tree(&entry.path())?;
        }
    }
    sync_dir(dir)
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
        include_str!("../templates/share_index.html"),
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
    use crate::render::view::{ViewOptions, quarter_name};
    let relative = report.strip_prefix(share).unwrap_or(report);
    let href = relative
        .components()
        .map(|c| percent_encode(&c.as_os_str().to_string_lossy()))
        .collect::<Vec<_>>()
        .join("/")
        + "/index.html";
    let o = ViewOptions::default();
    let mut figures = Vec::new();
    for (kind, noun) in [
        (&metrics.groups, "工作群"),
        (&metrics.accounts, "政务新媒体"),
    ] {
        if let Some(k) = kind {
            let t = &k.totals;
            figures.push(format!(
                "{noun} {} → {}，精简占比 {}",
                t.before,
                t.after,
                o.pct(t.before as i64 - t.after as i64, t.before)
            ));
        }
    }
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
