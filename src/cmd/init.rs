//! `jianfu init`: lists the files it wrote.

use super::{parse_date, report_error};
use jianfu::lang::Lang;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The new campaign folder.
    dir: PathBuf,
    /// Date of the first snapshot (YYYY-MM-DD). Default: today.
    #[arg(long, value_parser = parse_date)]
    date: Option<chrono::NaiveDate>,
}

/// Today's date (UTC): only `init` uses the clock, to name the first snapshot folder.
fn today() -> chrono::NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

pub fn run(args: Args, lang: Lang) -> bool {
    let date = args.date.unwrap_or_else(today);
    match jianfu::workflow::init::init(&args.dir, date) {
        Ok(files) => {
            for file in files {
                println!("{}", file.display());
            }
            true
        }
        Err(e) => {
            report_error(lang, &args.dir, &e);
            false
        }
    }
}
