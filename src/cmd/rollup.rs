//! `jianfu rollup`: one line with the roll-up's headline figures.

use super::{RenderArgs, parse_date, report_error};
use jianfu::config::RollupOptions;
use jianfu::lang::Lang;
use jianfu::present::headline::headlines;
use jianfu::progress::Show;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The parts: built report folders (output/<id>/<date>/, or a roll-up's folder) or
    /// campaigns' output folders (output/<id>/), from which the report at --at is taken.
    #[arg(required = true, num_args = 1..)]
    parts: Vec<PathBuf>,
    /// The report folder the roll-up is written to.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The roll-up's name (default: made from its parts' names).
    #[arg(long)]
    name: Option<String>,
    /// The region it covers, e.g. 湖北省恩施州.
    #[arg(long)]
    region: Option<String>,
    /// The authority issuing it, e.g. 恩施州纪委监委.
    #[arg(long)]
    authority: Option<String>,
    /// The roll-up's id (default: DIR's name, or its parent's when DIR is named by a date).
    #[arg(long)]
    id: Option<String>,
    /// The report taken from each campaign output folder (YYYY-MM-DD). Default: the latest
    /// date they all have.
    #[arg(long, value_parser = parse_date)]
    at: Option<chrono::NaiveDate>,
    #[command(flatten)]
    render: RenderArgs,
    /// Print the time spent in each stage to stderr.
    #[arg(long)]
    timings: bool,
}

pub fn run(args: Args, lang: Lang, show: Show) -> bool {
    let options = RollupOptions {
        out: args.out.clone(),
        id: args.id,
        name: args.name,
        region: args.region,
        authority: args.authority,
        at: args.at,
        render: args.render.into(),
        show,
    };
    match jianfu::workflow::rollup::rollup(&args.parts, &options) {
        Ok(built) => {
            let parts = built.report.parts.as_ref().map_or(0, Vec::len);
            let figures = headlines(&built.report, lang);
            let dir = built.dir.display();
            println!(
                "{}",
                match (lang, built.unchanged) {
                    (Lang::Zh, false) =>
                        format!("已汇总 {parts} 个部分到 {dir}（{}）", figures.join("；")),
                    (Lang::Zh, true) => format!("{dir} 无变化，未重写（{}）", figures.join("；")),
                    (Lang::En, false) => {
                        format!(
                            "rolled up {parts} parts into {dir} ({})",
                            figures.join("; ")
                        )
                    }
                    (Lang::En, true) => {
                        format!(
                            "{dir} unchanged, nothing rewritten ({})",
                            figures.join("; ")
                        )
                    }
                }
            );
            if args.timings {
                for (stage, secs) in &built.timings {
                    eprintln!("timing {stage:<8} {secs:>9.3} s");
                }
                eprintln!("timing {:<8} {:>9.3} s", "total", built.total);
            }
            for e in &built.failed {
                report_error(lang, &args.out, e);
            }
            built.failed.is_empty()
        }
        Err(e) => {
            report_error(lang, &args.out, &e);
            false
        }
    }
}
