//! The command line: parse arguments, call the library, print messages, set the exit code.

use clap::{Parser, Subcommand};
use jianfu::build::{BuildOptions, build, campaigns_under};
use jianfu::error::Error;
use jianfu::lang::Lang;
use jianfu::load::{Scope, load_campaign_with};
use jianfu::percent::{Rounding, percent};
use jianfu::progress::Show;
use std::path::PathBuf;
use std::process::ExitCode;

/// jianfu (减负): turns inventories of work chat groups and government new-media accounts
/// into the quarterly burden-reduction report (基层减负季度报告).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Language of messages: zh (default) or en.
    #[arg(long, global = true, value_enum, default_value_t = Lang::Zh)]
    lang: Lang,
    /// No progress display on stderr (it is shown only on a terminal anyway).
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// How the documents are rendered.
#[derive(clap::Args)]
struct RenderArgs {
    /// A folder of templates replacing the built-in ones (report.html, report.typ).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// An extra folder of font files for the PDF (repeatable); searched before the
    /// system fonts.
    #[arg(long = "font-dir", value_name = "DIR")]
    font_dirs: Vec<PathBuf>,
    /// Use only the fonts of --font-dir and campaign.toml, not the system's.
    #[arg(long)]
    no_system_fonts: bool,
    /// Write report.pdf as PDF/A-2b, for archiving.
    #[arg(long)]
    pdf_a: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build each campaign's report into OUT/<campaign id>/<current snapshot>/.
    Build {
        /// Campaign folders. Default: every folder under data/ that holds a campaign.toml.
        campaigns: Vec<PathBuf>,
        /// Where reports are written.
        #[arg(long, default_value = "output")]
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
    },
    /// One report comparing campaigns across cities, into OUT/.
    Compare {
        /// Campaign folders to compare.
        #[arg(required = true, num_args = 1..)]
        campaigns: Vec<PathBuf>,
        /// The folder the comparison is written to.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// Write a synthetic campaign of any size (for benchmarks and scale tests).
    Synth {
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
        format: jianfu::synth::SynthFormat,
        /// Seed: the same seed and sizes always give the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Start a new campaign: campaign.toml and empty inventory workbooks to fill in.
    Init {
        /// The new campaign folder.
        dir: PathBuf,
        /// Date of the first snapshot (YYYY-MM-DD). Default: today.
        #[arg(long, value_parser = parse_date)]
        date: Option<chrono::NaiveDate>,
    },
    /// Put a built report on the intranet share, atomically, and refresh the share's index page.
    Publish {
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
        #[arg(long, default_value_t = 60)]
        wait: u64,
    },
    /// (Re)write the three sample campaigns of the seed article (利川, 诸暨, 平顶山高新区).
    Samples {
        /// Folder to write them into.
        #[arg(default_value = "data")]
        dir: PathBuf,
    },
    /// Read and validate a campaign's inputs only, listing every problem found.
    Check {
        /// Campaign folders.
        #[arg(required = true)]
        campaigns: Vec<PathBuf>,
        /// Refuse a table file larger than this many MiB (as for build).
        #[arg(long, value_name = "MIB")]
        max_table_mb: Option<u64>,
    },
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a date YYYY-MM-DD, got {s:?}"))
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

/// glibc gives threads that allocate at once arenas of their own, up to eight per core, and
/// memory freed in one arena is not handed out by another: polars' pool threads each filled
/// one, and a province's build peaked at 3.65 GB where one arena per core held it at
/// 3.43 GB (BENCHMARKS.md).
fn one_malloc_arena_per_core() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: sets a tunable before any other thread runs.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, cores.min(64) as libc::c_int) };
    }
}

fn main() -> ExitCode {
    one_malloc_arena_per_core();
    let cli = Cli::parse();
    let lang = cli.lang;
    let show = if cli.quiet { Show::Quiet } else { Show::Auto };
    let ok = match cli.command {
        Command::Build {
            campaigns,
            out,
            at,
            render,
            max_table_mb,
            timings,
            figures_only,
        } => {
            let campaigns = if campaigns.is_empty() {
                campaigns_under(std::path::Path::new("data"))
            } else {
                campaigns
            };
            if campaigns.is_empty() {
                eprintln!(
                    "{}",
                    lang.pick(
                        "没有找到活动文件夹：请指定活动文件夹，或在 data/ 下放置含 campaign.toml 的文件夹",
                        "no campaign found: name campaign folders, or put folders with a campaign.toml under data/"
                    )
                );
                return ExitCode::FAILURE;
            }
            let options = BuildOptions {
                out,
                at,
                templates: render.templates,
                font_dirs: render.font_dirs,
                no_system_fonts: render.no_system_fonts,
                pdf_a: render.pdf_a,
                max_table_bytes: max_table_mb.map(mib_to_bytes),
                show,
                figures_only,
            };
            let mut ok = true;
            for campaign in &campaigns {
                match build(campaign, &options) {
                    Ok(built) => {
                        println!("{}", summary(lang, &built));
                        if timings {
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
        Command::Compare {
            campaigns,
            out,
            render,
        } => {
            let options = jianfu::compare::CompareOptions {
                out: out.clone(),
                pdf: jianfu::render::pdf::PdfOptions {
                    font_dirs: render.font_dirs,
                    system_fonts: !render.no_system_fonts,
                    templates: render.templates,
                    pdf_a: render.pdf_a,
                },
            };
            match jianfu::compare::run(&campaigns, &options) {
                Ok((comparison, failed)) => {
                    println!(
                        "{}",
                        match lang {
                            Lang::Zh => format!(
                                "已生成 {}（{} 个活动的对比）",
                                out.display(),
                                comparison.campaigns.len()
                            ),
                            Lang::En => format!(
                                "built {} (comparing {} campaigns)",
                                out.display(),
                                comparison.campaigns.len()
                            ),
                        }
                    );
                    for e in &failed {
                        report_error(lang, &out, e);
                    }
                    failed.is_empty()
                }
                Err(e) => {
                    report_error(lang, &out, &e);
                    false
                }
            }
        }
        Command::Init { dir, date } => {
            let date = date.unwrap_or_else(today);
            match jianfu::init::init(&dir, date) {
                Ok(files) => {
                    for file in files {
                        println!("{}", file.display());
                    }
                    true
                }
                Err(e) => {
                    report_error(lang, &dir, &e);
                    false
                }
            }
        }
        Command::Publish {
            report,
            to,
            replace,
            wait,
        } => {
            let options = jianfu::publish::PublishOptions {
                share: to,
                replace,
                wait: std::time::Duration::from_secs(wait),
            };
            match jianfu::publish::publish(&report, &options) {
                Ok(target) => {
                    println!(
                        "{}",
                        match lang {
                            Lang::Zh => format!("已发布 {}", target.display()),
                            Lang::En => format!("published {}", target.display()),
                        }
                    );
                    true
                }
                Err(e) => {
                    eprintln!("{}", e.message(lang));
                    false
                }
            }
        }
        Command::Synth {
            dir,
            groups,
            accounts,
            members_per_group,
            snapshots,
            format,
            seed,
        } => {
            let options = jianfu::synth::SynthOptions {
                groups,
                accounts,
                members_per_group,
                snapshots,
                format,
                seed,
            };
            let bar = jianfu::progress::bar(show, 1000, "synth");
            let result = jianfu::synth::synth(&dir, &options, &mut |f| {
                bar.set_position((f * 1000.0) as u64)
            });
            bar.finish_and_clear();
            match result {
                Ok(w) => {
                    println!(
                        "{}: {} group rows, {} account rows, {} member rows",
                        dir.display(),
                        w.group_rows,
                        w.account_rows,
                        w.member_rows
                    );
                    true
                }
                Err(e) => {
                    report_error(lang, &dir, &Error::write(&dir, e));
                    false
                }
            }
        }
        Command::Samples { dir } => match jianfu::samples::write_all(&dir) {
            Ok(()) => {
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("已写入示例活动：{}", dir.display()),
                        Lang::En => format!("sample campaigns written to {}", dir.display()),
                    }
                );
                true
            }
            Err(e) => {
                report_error(lang, &dir, &Error::write(&dir, e));
                false
            }
        },
        Command::Check {
            campaigns,
            max_table_mb,
        } => {
            let mut ok = true;
            for campaign in &campaigns {
                match load_campaign_with(campaign, Scope::Latest, max_table_mb.map(mib_to_bytes)) {
                    Ok(inventory) => println!(
                        "{}",
                        match lang {
                            Lang::Zh => format!(
                                "{}：检查通过（{} 个快照）",
                                campaign.display(),
                                inventory.snapshots.len()
                            ),
                            Lang::En => format!(
                                "{}: no problems found ({} snapshots)",
                                campaign.display(),
                                inventory.snapshots.len()
                            ),
                        }
                    ),
                    Err(problems) => {
                        ok = false;
                        report_error(lang, campaign, &Error::Input(problems));
                    }
                }
            }
            ok
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn mib_to_bytes(mib: u64) -> u64 {
    mib.saturating_mul(1024 * 1024)
}

fn report_error(lang: Lang, campaign: &std::path::Path, error: &Error) {
    let lines = error.lines(lang);
    match lang {
        Lang::Zh => eprintln!(
            "{}：发现 {} 个问题，未生成报告",
            campaign.display(),
            lines.len()
        ),
        Lang::En => eprintln!(
            "{}: {} problem(s) found, no report written",
            campaign.display(),
            lines.len()
        ),
    }
    for line in lines {
        eprintln!("  {line}");
    }
}

/// One line per built report with its headline figure.
fn summary(lang: Lang, built: &jianfu::build::Built) -> String {
    let report = &built.report;
    let mut parts = Vec::new();
    for (figures, zh, en) in [
        (&report.groups, "工作群", "groups"),
        (&report.accounts, "政务新媒体", "accounts"),
    ] {
        if let Some(f) = figures {
            let ratio = percent(
                f.totals.before as i64 - f.totals.after as i64,
                f.totals.before,
                1,
                Rounding::GbT8170,
            )
            .map_or("—".to_string(), |p| format!("{p}%"));
            parts.push(match lang {
                Lang::Zh => format!(
                    "{zh} {} → {}，精简 {ratio}",
                    f.totals.before, f.totals.after
                ),
                Lang::En => format!(
                    "{en} {} → {}, reduced {ratio}",
                    f.totals.before, f.totals.after
                ),
            });
        }
    }
    let dir = built.dir.display();
    match (lang, built.unchanged) {
        (Lang::Zh, false) => format!("已生成 {dir}（{}）", parts.join("；")),
        (Lang::Zh, true) => format!("{dir} 无变化，未重写（{}）", parts.join("；")),
        (Lang::En, false) => format!("built {dir} ({})", parts.join("; ")),
        (Lang::En, true) => format!("{dir} unchanged, nothing rewritten ({})", parts.join("; ")),
    }
}
