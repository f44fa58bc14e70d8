//! `jianfu synth`: how many rows it wrote.

use super::report_error;
use jianfu::error::Error;
use jianfu::fixtures::synth::{SynthFormat, SynthOptions, synth};
use jianfu::lang::Lang;
use jianfu::progress::Show;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The campaign folder to write.
    dir: PathBuf,
    /// Groups in the baseline inventory.
    #[arg(long, default_value_t = 1000)]
    groups: u64,
    /// Accounts in the baseline inventory.
    #[arg(long, default_value_t = 200)]
    accounts: u64,
    /// Mean members per group.
    #[arg(long, default_value_t = 20)]
    members_per_group: u64,
    /// Number of snapshots (the first is the baseline).
    #[arg(long, default_value_t = 2)]
    snapshots: u32,
    /// csv or parquet.
    #[arg(long, default_value = "csv")]
    format: SynthFormat,
    /// Seed: the same seed and sizes always give the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(args: Args, lang: Lang, show: Show) -> bool {
    let options = SynthOptions {
        groups: args.groups,
        accounts: args.accounts,
        members_per_group: args.members_per_group,
        snapshots: args.snapshots,
        format: args.format,
        seed: args.seed,
    };
    let bar = jianfu::progress::bar(show, 1000, "synth");
    let result = synth(&args.dir, &options, &mut |f| {
        bar.set_position((f * 1000.0) as u64)
    });
    bar.finish_and_clear();
    match result {
        Ok(w) => {
            println!(
                "{}: {} group rows, {} account rows, {} member rows",
                args.dir.display(),
                w.group_rows,
                w.account_rows,
                w.member_rows
            );
            true
        }
        Err(e) => {
            report_error(lang, &args.dir, &Error::write(&args.dir, e));
            false
        }
    }
}
