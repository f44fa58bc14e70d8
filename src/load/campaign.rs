//! A campaign folder on disk: its settings (campaign.toml), its snapshot folders by date,
//! and which file in each holds which table.

use crate::config::CampaignConfig;
use crate::load::grid::Format;
use crate::load::problem::{Problem, ProblemKind, Problems};
use crate::load::schema::TableKind;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A campaign folder as found on disk, before any table is read.
#[derive(Debug)]
pub struct CampaignDir {
    pub dir: PathBuf,
    pub id: String,
    pub config: CampaignConfig,
    pub config_file: PathBuf,
    /// Optional unit directory at the campaign's root.
    pub units: Option<PathBuf>,
    /// Snapshot folders, oldest first.
    pub snapshots: Vec<SnapshotDir>,
}

#[derive(Debug)]
pub struct SnapshotDir {
    pub date: NaiveDate,
    pub dir: PathBuf,
    pub tables: BTreeMap<TableKind, PathBuf>,
}

/// Shows a path as the user would type it.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Reads campaign.toml and lists the snapshot folders and their table files.
pub fn discover(dir: &Path, problems: &mut Problems) -> Option<CampaignDir> {
    let config_file = dir.join("campaign.toml");
    if !dir.is_dir() || !config_file.is_file() {
        problems.push(Problem::file(shown(dir), ProblemKind::NotACampaign));
        return None;
    }
    let config = read_config(&config_file, problems);
    let snapshots = find_snapshots(&dir.join("snapshots"), problems);
    let units = find_tables(dir, problems).remove(&TableKind::Units);
    let config = config?;
    let id = match &config.id {
        Some(id) => id.clone(),
        None => dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "campaign".into()),
    };
    if let Err((key, detail)) = config.validate() {
        problems.push(Problem::file(
            shown(&config_file),
            ProblemKind::BadConfig {
                line: None,
                detail: format!("{key}: {detail}"),
            },
        ));
        return None;
    }
    if let Err(detail) = crate::safe_name::check(&id) {
        problems.push(Problem::file(
            shown(&config_file),
            ProblemKind::BadConfig {
                line: None,
                detail: format!("id = {id:?}: {detail}"),
            },
        ));
        return None;
    }
    Some(CampaignDir {
        dir: dir.to_path_buf(),
        id,
        config,
        config_file,
        units,
        snapshots,
    })
}

fn read_config(path: &Path, problems: &mut Problems) -> Option<CampaignConfig> {
    let text = match std::fs::read(path) {
        Ok(bytes) => match crate::load::decode::decode_text(&bytes) {
            Ok(text) => text.into_owned(),
            Err(_) => {
                problems.push(Problem::file(shown(path), ProblemKind::UnknownEncoding));
                return None;
            }
        },
        Err(e) => {
            problems.push(Problem::file(
                shown(path),
                ProblemKind::Unreadable {
                    detail: e.to_string(),
                },
            ));
            return None;
        }
    };
    match toml::from_str::<CampaignConfig>(&text) {
        Ok(config) => Some(config),
        Err(e) => {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            problems.push(Problem::file(
                shown(path),
                ProblemKind::BadConfig {
                    line,
                    detail: e.message().to_string(),
                },
            ));
            None
        }
    }
}

fn find_snapshots(root: &Path, problems: &mut Problems) -> Vec<SnapshotDir> {
    let mut snapshots = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        problems.push(Problem::file(shown(root), ProblemKind::NoSnapshots));
        return snapshots;
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if is_hidden(&path) {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => dirs.push(path),
            Ok(_) => {}
            // A symlink that leads nowhere or loops: a snapshot may be hiding behind it.
            Err(e) => problems.push(Problem::file(
                shown(&path),
                ProblemKind::Unreadable {
                    detail: e.to_string(),
                },
            )),
        }
    }
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(date) = NaiveDate::parse_from_str(&name, "%Y-%m-%d") else {
            problems.push(Problem::file(shown(&dir), ProblemKind::BadSnapshotName));
            continue;
        };
        let tables = find_tables(&dir, problems);
        if !tables.keys().any(|k| TableKind::SNAPSHOT_KINDS.contains(k)) {
            problems.push(Problem::file(shown(&dir), ProblemKind::EmptySnapshot));
        }
        snapshots.push(SnapshotDir { date, dir, tables });
    }
    if snapshots.is_empty() && problems.is_empty() {
        problems.push(Problem::file(shown(root), ProblemKind::NoSnapshots));
    }
    snapshots.sort_by_key(|s| s.date);
    snapshots
}

/// Excel's lock files (~$name.xlsx) and hidden files are not tables.
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with('.') || n.starts_with("~$"))
}

fn find_tables(dir: &Path, problems: &mut Problems) -> BTreeMap<TableKind, PathBuf> {
    let mut tables: BTreeMap<TableKind, PathBuf> = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return tables;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| !is_hidden(p) && Format::from_path(p).is_some())
        .collect();
    files.sort();
    for file in files {
        let Some(kind) = file
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(TableKind::from_stem)
        else {
            continue;
        };
        // Named like a table but not a readable file (a folder, a pipe, a symlink loop):
        // say so rather than silently leave the table out.
        match std::fs::metadata(&file) {
            Err(e) => {
                problems.push(Problem::file(
                    shown(&file),
                    ProblemKind::Unreadable {
                        detail: e.to_string(),
                    },
                ));
                continue;
            }
            Ok(meta) if !meta.is_file() => {
                problems.push(Problem::file(shown(&file), ProblemKind::NotAFile));
                continue;
            }
            Ok(_) => {}
        }
        if let Some(other) = tables.get(&kind) {
            problems.push(Problem::file(
                shown(&file),
                ProblemKind::TwoFilesForOneTable {
                    other: shown(other),
                },
            ));
        } else {
            tables.insert(kind, file);
        }
    }
    tables
}
