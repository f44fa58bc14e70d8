//! `jianfu vet`: load one snapshot of a campaign, index its groups by member, and answer
//! each request under the campaign's rules.

use crate::analyse::vet::Index;
use crate::config::CampaignConfig;
use crate::error::Error;
use crate::load::{Scope, load_campaign};
use crate::model::vet::{Request, Verdict};
use chrono::NaiveDate;
use std::path::Path;

/// The snapshot a campaign's requests are compared with, and its settings.
pub struct Desk {
    pub config: CampaignConfig,
    pub index: Index,
    /// Seconds spent reading the snapshot and building the index (`--timings`).
    pub timings: [(&'static str, f64); 2],
}

impl Desk {
    /// Reads the snapshot at `at` (default: the latest) of the campaign at `dir`.
    pub fn open(dir: &Path, at: Option<NaiveDate>) -> Result<Desk, Error> {
        let start = std::time::Instant::now();
        let inventory = load_campaign(dir, Scope::Only(at)).map_err(Error::Input)?;
        let loaded = start.elapsed().as_secs_f64();
        let index = Index::new(inventory.current())?;
        let indexed = start.elapsed().as_secs_f64() - loaded;
        let config = inventory.config.clone();
        // A province's tables are freed on a thread of their own.
        crate::drop_aside(inventory);
        Ok(Desk {
            config,
            index,
            timings: [("load", loaded), ("index", indexed)],
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
