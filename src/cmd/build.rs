//! `jianfu build`: one line per report with its headline figures.

use super::{RenderArgs, mib_to_bytes, parse_date, report_error};
use jianfu::config::{BuildOptions, DEFAULT_DATA, DEFAULT_OUT};
use jianfu::lang::Lang;
use jianfu::present::headline::headlines;
use jianfu::progress::Show;
use jianfu::workflow::build::{Built, build, campaigns_under};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Campaign folders. Default: every folder under data/ that holds a campaign.toml.
    campaigns: Vec<PathBuf>,
    /// Where reports are written.
    #[arg(long, default_value = DEFAULT_OUT)]
    out: PathBuf,
    /// The current snapshot (YYYY-MM-DD). Default: the latest.
    #[arg(long, value_parser = parse_date)]
    at: Option<chrono::NaiveDate>,
    /// Refuse a table file larger than this many MiB, on disk or once a workbook is
    /// unzipped. Default: campaign.toml's max_table_bytes, else 512.
    #[arg(long, value_name = "MIB")]
    max_table_mb: Option<u64>,
    #[command(flatten)]
    render: RenderArgs,
    /// Print the time spent in each stage (load, analyse, render, write) to stderr;
    /// tables.xlsx is written alongside html and pdf, so the stages overlap.
    #[arg(long)]
    timings: bool,
    /// Write metrics.json and manifest.json only (no charts, HTML, XLSX or PDF).
    #[arg(long)]
    figures_only: bool,
}

pub fn run(args: Args, lang: Lang, show: Show) -> bool {
    let campaigns = if args.campaigns.is_empty() {
        campaigns_under(Path::new(DEFAULT_DATA))
    } else {
        args.campaigns
    };
    if campaigns.is_empty() {
        eprintln!(
            "{}",
            lang.pick(
                "没有找到活动文件夹：请指定活动文件夹，或在 data/ 下放置含 campaign.toml 的文件夹",
                "no campaign found: name campaign folders, or put folders with a campaign.toml under data/"
            )
        );
        return false;
    }
    let options = BuildOptions {
        out: args.out,
        at: args.at,
        render: args.render.into(),
        max_table_bytes: args.max_table_mb.map(mib_to_bytes),
        show,
        figures_only: args.figures_only,
    };
    let mut ok = true;
    for campaign in &campaigns {
        match build(campaign, &options) {
            Ok(built) => {
                println!("{}", summary(lang, &built));
                if args.timings {
                    for (stage, secs) in &built.timings {
                        eprintln!("timing {stage:<8} {secs:>9.3} s");
                    }
                    eprintln!("timing {:<8} {:>9.3} s", "total", built.total);
                }
                for e in &built.failed {
                    ok = false;
                    for line in e.lines(lang) {
                        match lang {
                            Lang::Zh => eprintln!("{}：{line}", campaign.display()),
                            Lang::En => eprintln!("{}: {line}", campaign.display()),
                        }
                    }
                }
                jianfu::drop_aside(built);
            }
            Err(e) => {
                ok = false;
                report_error(lang, campaign, &e);
            }
        }
    }
    ok
}

/// One line per built report with its headline figures.
fn summary(lang: Lang, built: &Built) -> String {
    let parts = headlines(&built.report, lang);
    let dir = built.dir.display();
    match (lang, built.unchanged) {
        (Lang::Zh, false) => format!("已生成 {dir}（{}）", parts.join("；")),
        (Lang::Zh, true) => format!("{dir} 无变化，未重写（{}）", parts.join("；")),
        (Lang::En, false) => format!("built {dir} ({})", parts.join("; ")),
        (Lang::En, true) => format!("{dir} unchanged, nothing rewritten ({})", parts.join("; ")),
    }
}
