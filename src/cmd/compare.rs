//! `jianfu compare`: says where the comparison was written.

use super::{RenderArgs, report_error};
use jianfu::config::CompareOptions;
use jianfu::lang::Lang;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Campaign folders to compare.
    #[arg(required = true, num_args = 1..)]
    campaigns: Vec<PathBuf>,
    /// The folder the comparison is written to.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    render: RenderArgs,
}

pub fn run(args: Args, lang: Lang) -> bool {
    let options = CompareOptions {
        out: args.out.clone(),
        render: args.render.into(),
    };
    match jianfu::workflow::compare::run(&args.campaigns, &options) {
        Ok((comparison, failed)) => {
            let (out, n) = (args.out.display(), comparison.campaigns.len());
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("已生成 {out}（{n} 个活动的对比）"),
                    Lang::En => format!("built {out} (comparing {n} campaigns)"),
                }
            );
            for e in &failed {
                report_error(lang, &args.out, e);
            }
            failed.is_empty()
        }
        Err(e) => {
            report_error(lang, &args.out, &e);
            false
        }
    }
}
