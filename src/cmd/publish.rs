//! `jianfu publish`: says where the report was published.

use jianfu::config::{DEFAULT_PUBLISH_WAIT_SECS, PublishOptions};
use jianfu::lang::Lang;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// A built report folder, e.g. output/lichuan/2019-09-30.
    report: PathBuf,
    /// The share folder; the report goes to SHARE/<campaign id>/<date>/.
    #[arg(long)]
    to: PathBuf,
    /// Replace a report already published for the same campaign and date
    /// (the old version stays in place until the new one is complete).
    #[arg(long)]
    replace: bool,
    /// Seconds to wait for another publisher to finish.
    #[arg(long, default_value_t = DEFAULT_PUBLISH_WAIT_SECS)]
    wait: u64,
}

pub fn run(args: Args, lang: Lang) -> bool {
    let options = PublishOptions {
        share: args.to,
        replace: args.replace,
        wait: std::time::Duration::from_secs(args.wait),
    };
    match jianfu::output::publish::publish(&args.report, &options) {
        Ok(target) => {
            let target = target.display();
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("已发布 {target}"),
                    Lang::En => format!("published {target}"),
                }
            );
            true
        }
        Err(e) => {
            for line in e.lines(lang) {
                eprintln!("{line}");
            }
            false
        }
    }
}
