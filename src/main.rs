//! The command line: parse the arguments and hand each command to its module in `cmd/`,
//! which calls the library and prints; the exit code is theirs.

mod cmd;

use clap::{Parser, Subcommand};
use jianfu::lang::Lang;
use jianfu::progress::Show;
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

#[derive(Subcommand)]
enum Command {
    /// Build each campaign's report into OUT/<campaign id>/<current snapshot>/.
    Build(cmd::build::Args),
    /// One report comparing campaigns across cities, into OUT/.
    Compare(cmd::compare::Args),
    /// 层层汇总: one report added up from its parts' reports (counties into a city, cities
    /// into a province), into OUT/.
    Rollup(cmd::rollup::Args),
    /// Write a synthetic campaign of any size (for benchmarks and scale tests).
    Synth(cmd::synth::Args),
    /// Start a new campaign: campaign.toml and empty inventory workbooks to fill in.
    Init(cmd::init::Args),
    /// Put a built report on the intranet share, atomically, and refresh the share's index page.
    Publish(cmd::publish::Args),
    /// (Re)write the three sample campaigns of the seed article (利川, 诸暨, 平顶山高新区).
    Samples(cmd::samples::Args),
    /// Read and validate a campaign's inputs only, listing every problem found.
    Check(cmd::check::Args),
    /// 建群先报备: check a proposed group against the inventory before it is created
    /// (exit status 0: no objection, 3: an objection).
    Vet(cmd::vet::Args),
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
        Command::Build(args) => cmd::build::run(args, lang, show),
        Command::Compare(args) => cmd::compare::run(args, lang),
        Command::Rollup(args) => cmd::rollup::run(args, lang, show),
        Command::Synth(args) => cmd::synth::run(args, lang, show),
        Command::Init(args) => cmd::init::run(args, lang),
        Command::Publish(args) => cmd::publish::run(args, lang),
        Command::Samples(args) => cmd::samples::run(args, lang),
        Command::Check(args) => cmd::check::run(args, lang),
        Command::Vet(args) => return cmd::vet::run(args, lang),
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
