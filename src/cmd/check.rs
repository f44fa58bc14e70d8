//! `jianfu check`: one line per campaign, or its problems.

use super::{mib_to_bytes, report_error};
use jianfu::error::Error;
use jianfu::lang::Lang;
use jianfu::load::{Scope, load_campaign_with};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Campaign folders.
    #[arg(required = true)]
    campaigns: Vec<PathBuf>,
    /// Refuse a table file larger than this many MiB (as for build).
    #[arg(long, value_name = "MIB")]
    max_table_mb: Option<u64>,
}

pub fn run(args: Args, lang: Lang) -> bool {
    let mut ok = true;
    for campaign in &args.campaigns {
        let limit = args.max_table_mb.map(mib_to_bytes);
        match load_campaign_with(campaign, Scope::Latest, limit) {
            Ok(inventory) => {
                let (dir, n) = (campaign.display(), inventory.snapshots.len());
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("{dir}：检查通过（{n} 个快照）"),
                        Lang::En => format!("{dir}: no problems found ({n} snapshots)"),
                    }
                );
            }
            Err(problems) => {
                ok = false;
                report_error(lang, campaign, &Error::Input(problems));
            }
        }
    }
    ok
}
