//! The load stage: the only code that reads the user's files. It finds the campaign's
//! snapshots, reads and types each table, and returns either the whole inventory or the
//! complete list of problems.

pub mod campaign;
pub mod columnar;
pub mod decode;
pub mod grid;
pub mod ids;
pub mod limits;
pub mod problem;
pub mod requests;
pub mod schema;
pub mod table;
pub mod values;
pub mod words;

use crate::config::{CampaignConfig, DEFAULT_MAX_TABLE_BYTES};
use crate::load::campaign::{CampaignDir, SnapshotDir, discover, shown};
use crate::load::problem::{Problem, ProblemKind, Problems};
use chrono::NaiveDate;
use schema::TableKind;
use std::path::{Path, PathBuf};
pub use table::Table;

/// All tables of a campaign, typed and checked, up to the chosen current snapshot.
#[derive(Debug)]
pub struct Inventory {
    pub id: String,
    pub config: CampaignConfig,
    pub units: Option<Table>,
    /// Oldest first; the first is the baseline, the last the current snapshot.
    pub snapshots: Vec<Snapshot>,
    /// Every file read (campaign.toml included), for the manifest.
    pub inputs: Vec<PathBuf>,
    /// The campaign folder, for showing inputs relative to it.
    pub dir: PathBuf,
}

#[derive(Debug)]
pub struct Snapshot {
    pub date: NaiveDate,
    pub groups: Option<Table>,
    pub accounts: Option<Table>,
    pub members: Option<Table>,
}

impl Snapshot {
    pub fn table(&self, kind: TableKind) -> Option<&Table> {
        match kind {
            TableKind::Groups => self.groups.as_ref(),
            TableKind::Accounts => self.accounts.as_ref(),
            TableKind::Members => self.members.as_ref(),
            TableKind::Units | TableKind::Requests | TableKind::Proposed => None,
        }
    }
}

impl Inventory {
    pub fn baseline(&self) -> &Snapshot {
        &self.snapshots[0]
    }

    pub fn current(&self) -> &Snapshot {
        self.snapshots
            .last()
            .expect("an inventory has at least one snapshot")
    }
}

/// Which snapshots to read.
#[derive(Clone, Copy, Debug, Default)]
pub enum Scope {
    /// Every snapshot up to `at` (default: the latest), as a build needs.
    #[default]
    Latest,
    UpTo(NaiveDate),
    /// Only the snapshot at this date (default: the latest), as `vet` needs: a request is
    /// compared with the groups of one snapshot.
    Only(Option<NaiveDate>),
}

/// The snapshot folders `scope` reads, oldest first; None when the date asked for has none.
fn choose(
    dir: &Path,
    snapshots: Vec<SnapshotDir>,
    scope: Scope,
    problems: &mut Problems,
) -> Option<Vec<SnapshotDir>> {
    let at = match scope {
        Scope::Latest => return Some(snapshots),
        Scope::Only(None) => return Some(snapshots.into_iter().last().into_iter().collect()),
        Scope::UpTo(at) | Scope::Only(Some(at)) => at,
    };
    if !snapshots.iter().any(|s| s.date == at) {
        let available = snapshots.iter().map(|s| s.date.to_string()).collect();
        problems.push(Problem::file(
            shown(&dir.join("snapshots")),
            ProblemKind::NoSuchSnapshot {
                at: at.to_string(),
                available,
            },
        ));
        return None;
    }
    let only = matches!(scope, Scope::Only(_));
    Some(
        snapshots
            .into_iter()
            .filter(|s| if only { s.date == at } else { s.date <= at })
            .collect(),
    )
}

/// The files a load of one snapshot reads, and its settings.
pub struct SnapshotFiles {
    pub config: CampaignConfig,
    pub date: NaiveDate,
    /// campaign.toml, then the snapshot's tables.
    pub files: Vec<PathBuf>,
}

impl SnapshotFiles {
    /// Finds the files a load of one snapshot (`Scope::Only(at)`) would read.
    pub fn find(dir: &Path, at: Option<NaiveDate>) -> Result<SnapshotFiles, Vec<Problem>> {
        let mut problems = Problems::default();
        let found = discover(dir, &mut problems);
        let chosen = found.and_then(|found| {
            let chosen = choose(&found.dir, found.snapshots, Scope::Only(at), &mut problems)?;
            Some((found.config, found.config_file, chosen))
        });
        // discover says why a campaign has no snapshot.
        let Some((config, config_file, Some(snapshot))) =
            chosen.map(|(config, file, mut chosen)| (config, file, chosen.pop()))
        else {
            return Err(problems.into_vec());
        };
        if !problems.is_empty() {
            return Err(problems.into_vec());
        }
        let mut files = vec![config_file];
        files.extend(snapshot.tables.into_values());
        Ok(SnapshotFiles {
            config,
            date: snapshot.date,
            files,
        })
    }

    /// The SHA-256 of `salt` and every file's name and bytes: what the files say, so a
    /// result derived from them can be kept and known stale.
    pub fn digest(&self, salt: &[u8]) -> Result<[u8; 32], Vec<Problem>> {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        hash.update(salt);
        for path in &self.files {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            hash.update(name.as_bytes());
            hash.update([0]);
            stream_file(path, |chunk| hash.update(chunk))?;
            hash.update([0]);
        }
        Ok(hash.finalize().into())
    }
}

/// Reads the file at `path` a megabyte at a time into `each`, never whole into memory;
/// returns its length in bytes.
pub fn stream_file(path: &Path, mut each: impl FnMut(&[u8])) -> Result<u64, Vec<Problem>> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        vec![Problem::file(
            shown(path),
            ProblemKind::Unreadable {
                detail: e.to_string(),
            },
        )]
    };
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer).map_err(unreadable)?;
        if n == 0 {
            return Ok(bytes);
        }
        each(&buffer[..n]);
        bytes += n as u64;
    }
}

/// Reads a campaign folder. On any error, returns every problem found (capped per file).
pub fn load_campaign(dir: &Path, scope: Scope) -> Result<Inventory, Vec<Problem>> {
    load_campaign_with(dir, scope, None)
}

/// [`load_campaign`] with a limit on each table's size (`--max-table-mb`), which wins
/// over campaign.toml's `max_table_bytes` and the default of 512 MiB.
pub fn load_campaign_with(
    dir: &Path,
    scope: Scope,
    max_table_bytes: Option<u64>,
) -> Result<Inventory, Vec<Problem>> {
    let mut problems = Problems::default();
    let Some(found) = discover(dir, &mut problems) else {
        return Err(problems.into_vec());
    };
    let CampaignDir {
        dir,
        id,
        config,
        config_file,
        units,
        snapshots,
    } = found;
    let Some(chosen) = choose(&dir, snapshots, scope, &mut problems) else {
        return Err(problems.into_vec());
    };
    let limit = max_table_bytes
        .or(config.max_table_bytes)
        .unwrap_or(DEFAULT_MAX_TABLE_BYTES);
    let mut inputs = vec![config_file];
    // One coder for every table of the load: an id met in another table or snapshot is not
    // asked of polars' string table again.
    let coder = ids::Coder::default();
    let units = units.and_then(|path| {
        inputs.push(path.clone());
        read_table(
            TableKind::Units,
            &path,
            &config,
            limit,
            &coder,
            &mut problems,
        )
    });
    // Two snapshots at a time, one per core: typing a table's cells is one core's work.
    let mut loaded = Vec::with_capacity(chosen.len());
    for pair in chosen.chunks(2) {
        let read = |snapshot: &crate::load::campaign::SnapshotDir| {
            let mut problems = Problems::default();
            let mut read = |kind| {
                let path = snapshot.tables.get(&kind)?;
                read_table(kind, path, &config, limit, &coder, &mut problems)
            };
            let (groups, accounts, members) = (
                read(TableKind::Groups),
                read(TableKind::Accounts),
                read(TableKind::Members),
            );
            let snapshot = Snapshot {
                date: snapshot.date,
                groups,
                accounts,
                members,
            };
            (snapshot, problems)
        };
        let results = std::thread::scope(|scope| {
            let threads: Vec<_> = pair.iter().map(|s| scope.spawn(|| read(s))).collect();
            threads
                .into_iter()
                .map(|t| {
                    t.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect::<Vec<_>>()
        });
        for ((snapshot, found), dir) in results.into_iter().zip(pair) {
            inputs.extend(
                TableKind::SNAPSHOT_KINDS
                    .iter()
                    .filter_map(|kind| dir.tables.get(kind).cloned()),
            );
            problems.extend(found);
            loaded.push(snapshot);
        }
    }
    if problems.is_empty() {
        check_kinds_present(&loaded, &dir, &mut problems);
    }
    if !problems.is_empty() || loaded.is_empty() {
        return Err(problems.into_vec());
    }
    Ok(Inventory {
        id,
        config,
        units,
        snapshots: loaded,
        inputs,
        dir,
    })
}

fn read_table(
    kind: TableKind,
    path: &Path,
    config: &CampaignConfig,
    limit: u64,
    coder: &ids::Coder,
    problems: &mut Problems,
) -> Option<Table> {
    let file = shown(path);
    // Before any reader opens the file: not a folder or pipe, not past the size limit.
    if let Err(kind) = limits::check_table_file(path, limit) {
        problems.push(Problem::file(file, kind));
        return None;
    }
    let sheet = config.sheets.get(kind.key());
    let unread = schema::unread(kind, config.privacy.show_names);
    // Big tables: read as columns by polars; the grid path handles everything else.
    let fast = match grid::Format::from_path(path) {
        Some(grid::Format::Csv) => columnar::read_csv(kind, &file, path, unread, coder, problems),
        Some(grid::Format::Parquet) => {
            columnar::read_parquet(kind, &file, path, unread, coder, problems)
        }
        _ => None,
    };
    if let Some(table) = fast {
        return table;
    }
    match grid::read_grid(path, sheet, kind.stems()) {
        Ok(grid) => table::type_table(kind, &file, grid, unread, coder, problems),
        Err(kind) => {
            problems.push(Problem::file(file, kind));
            None
        }
    }
}

/// A kind of table found in any snapshot must be at the baseline and the current one:
/// a missing current file would otherwise read as "every item closed".
fn check_kinds_present(snapshots: &[Snapshot], dir: &Path, problems: &mut Problems) {
    let (Some(first), Some(last)) = (snapshots.first(), snapshots.last()) else {
        return;
    };
    for kind in [TableKind::Groups, TableKind::Accounts] {
        let Some(seen) = snapshots.iter().find(|s| s.table(kind).is_some()) else {
            continue;
        };
        for end in [first, last] {
            if end.table(kind).is_none() {
                problems.push(Problem::file(
                    shown(&dir.join("snapshots").join(end.date.to_string())),
                    ProblemKind::MissingTable {
                        table: kind.stems()[1],
                        seen_in: seen.date.to_string(),
                    },
                ));
            }
        }
    }
}
