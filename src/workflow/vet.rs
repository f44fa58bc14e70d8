//! `jianfu vet`: the index of one snapshot of a campaign (its groups by member), kept in
//! the campaign folder between calls, and each request answered under the campaign's
//! rules.
//!
//! The index is kept in `.jianfu/vet-<date>/` and stands for the exact bytes of
//! campaign.toml and the snapshot's tables (their SHA-256): a changed file gives a new
//! index, never a stale answer. A campaign folder that cannot be written to (a read-only
//! share) is answered all the same, from an index built for the call.

use crate::analyse::vet::{Index, Key};
use crate::config::CampaignConfig;
use crate::error::Error;
use crate::load::{Scope, SnapshotFiles, load_campaign};
use crate::model::vet::{Request, Verdict};
use crate::output::atomic::{Durability, Staging};
use chrono::NaiveDate;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The kept index's file, in its folder.
const FILE: &str = "index.bin";

/// The snapshot a campaign's requests are compared with, and its settings.
pub struct Desk {
    pub config: CampaignConfig,
    pub index: Index,
    /// Seconds spent on each step of opening (`--timings`).
    pub timings: Vec<(&'static str, f64)>,
}

/// Where the index of the snapshot at `date` is kept.
fn kept(dir: &Path, date: NaiveDate) -> PathBuf {
    dir.join(".jianfu").join(format!("vet-{date}"))
}

/// The kept index, if there is one for `key`.
fn read_kept(folder: &Path, key: Key) -> Option<Index> {
    let mut file = std::fs::File::open(folder.join(FILE)).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    if len % 8 != 0 {
        return None;
    }
    let mut words = vec![0u64; len / 8];
    file.read_exact(bytemuck::cast_slice_mut(&mut words)).ok()?;
    Index::read(words, key)
}

fn keep(folder: &Path, index: &Index) -> Result<(), Error> {
    let staging = Staging::new(folder, Durability::LOCAL)?;
    staging.write(FILE, bytemuck::cast_slice(index.words()))?;
    staging.commit().map(|_| ())
}

impl Desk {
    /// Opens the snapshot at `at` (default: the latest) of the campaign at `dir`: its kept
    /// index if the files are unchanged, otherwise the snapshot read, indexed and kept.
    pub fn open(dir: &Path, at: Option<NaiveDate>) -> Result<Desk, Error> {
        let mut timings = Vec::new();
        let mut step = Instant::now();
        let mut lap = |name, timings: &mut Vec<(&'static str, f64)>| {
            timings.push((name, step.elapsed().as_secs_f64()));
            step = Instant::now();
        };
        let snapshot = SnapshotFiles::find(dir, at).map_err(Error::Input)?;
        let key = snapshot
            .digest(b"jianfu vet index 1\n")
            .map_err(Error::Input)?;
        lap("key", &mut timings);
        let folder = kept(dir, snapshot.date);
        if let Some(index) = read_kept(&folder, key) {
            lap("read", &mut timings);
            return Ok(Desk {
                config: snapshot.config,
                index,
                timings,
            });
        }
        let inventory = load_campaign(dir, Scope::Only(at)).map_err(Error::Input)?;
        lap("load", &mut timings);
        let index = Index::new(inventory.current(), key)?;
        lap("index", &mut timings);
        // Only slower without it: a read-only folder is answered from this index.
        if keep(&folder, &index).is_ok() {
            lap("keep", &mut timings);
        }
        let config = inventory.config.clone();
        // A province's tables are freed on a thread of their own.
        crate::drop_aside(inventory);
        Ok(Desk {
            config,
            index,
            timings,
        })
    }

    /// The answer to each request, in order.
    pub fn vet(&self, requests: &[Request]) -> Vec<Verdict> {
        requests
            .iter()
            .map(|r| self.index.vet(r, &self.config.rules))
            .collect()
    }

    pub fn date(&self) -> NaiveDate {
        self.index.date()
    }
}
