//! `jianfu vet`: 建群先报备 — a proposed group checked against the inventory before it is
//! created. Exit status 0 for no objection, 3 for an objection, 1 for an error.

use super::{parse_date, report_error};
use jianfu::error::Error;
use jianfu::lang::Lang;
use jianfu::load::requests::{read_member_list, read_requests};
use jianfu::model::vet::Request;
use jianfu::present::vet::{answer, batch_table, decision_words, text};
use jianfu::privacy::mask_numbers;
use jianfu::workflow::vet::Desk;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The exit status of an answer with an objection.
pub const OBJECTION: u8 = 3;

#[derive(clap::Args)]
pub struct Args {
    /// The campaign folder whose inventory the request is checked against.
    campaign: PathBuf,
    /// The proposed group's name (群名称).
    #[arg(long, required_unless_present = "requests")]
    name: Option<String>,
    /// The unit creating it (单位).
    #[arg(long, required_unless_present = "requests")]
    unit: Option<String>,
    /// What it is for (用途).
    #[arg(long, conflicts_with = "requests")]
    purpose: Option<String>,
    /// 长期 (standing) or 阶段性 (stage work).
    #[arg(long, value_parser = parse_term, conflicts_with = "requests")]
    term: Option<bool>,
    /// Its end date, for stage work (到期日期, YYYY-MM-DD).
    #[arg(long, value_parser = parse_date, conflicts_with = "requests")]
    until: Option<chrono::NaiveDate>,
    /// A table (CSV/XLSX) of the proposed members: a 成员编号 column (姓名 is never read).
    #[arg(long, value_name = "FILE", conflicts_with = "requests")]
    members: Option<PathBuf>,
    /// A batch: one request per row (申请编号, 群名称, 单位, 用途, 期限, 到期日期, 成员编号,
    /// or a second sheet 申请成员 of members by 申请编号).
    #[arg(long, value_name = "FILE")]
    requests: Option<PathBuf>,
    /// The batch's result workbook (default: 报备比对结果.xlsx beside the requests file).
    #[arg(long, value_name = "FILE", requires = "requests")]
    out: Option<PathBuf>,
    /// The snapshot to compare with (default: the latest).
    #[arg(long, value_parser = parse_date)]
    at: Option<chrono::NaiveDate>,
    /// Print the time spent reading the snapshot, indexing it and vetting to stderr.
    #[arg(long)]
    timings: bool,
    /// The answer as JSON on stdout.
    #[arg(long, conflicts_with = "requests")]
    json: bool,
}

/// Some(true) for 阶段性, Some(false) for 长期.
fn parse_term(s: &str) -> Result<bool, String> {
    match jianfu::load::values::parse_term(s) {
        Some(t) => Ok(t.as_str() == "stage"),
        None => Err(format!("expected 长期 or 阶段性, got {s:?}")),
    }
}

fn failed(lang: Lang, place: &Path, error: &Error) -> ExitCode {
    report_error(lang, place, error);
    ExitCode::FAILURE
}

fn code(objection: bool) -> ExitCode {
    if objection {
        ExitCode::from(OBJECTION)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run(args: Args, lang: Lang) -> ExitCode {
    // The files given are read before the campaign: a mistyped request fails fast.
    let requests = match &args.requests {
        Some(path) => match read_requests(path) {
            Ok(requests) => requests,
            Err(problems) => return failed(lang, path, &Error::Input(problems)),
        },
        None => {
            let members = match &args.members {
                Some(path) => match read_member_list(path) {
                    Ok(members) => members,
                    Err(problems) => return failed(lang, path, &Error::Input(problems)),
                },
                None => Vec::new(),
            };
            let clean = |s: &Option<String>| {
                s.as_deref()
                    .map(|s| mask_numbers(s.trim()))
                    .filter(|s| !s.is_empty())
            };
            vec![Request {
                id: String::new(),
                name: clean(&args.name),
                unit: clean(&args.unit),
                purpose: clean(&args.purpose),
                stage: args.term,
                until: args.until,
                members,
            }]
        }
    };
    let desk = match Desk::open(&args.campaign, args.at) {
        Ok(desk) => desk,
        Err(e) => return failed(lang, &args.campaign, &e),
    };
    let start = std::time::Instant::now();
    let verdicts = desk.vet(&requests);
    if args.timings {
        let vetted = ("vet", start.elapsed().as_secs_f64());
        for (stage, secs) in desk.timings.iter().chain([&vetted]) {
            eprintln!("timing {stage:<8} {secs:>9.3} s");
        }
    }
    let report = &desk.config.report;
    let objection = verdicts.iter().any(|v| v.decision.objects());
    let Some(path) = &args.requests else {
        let answer = answer(&verdicts[0], report, lang);
        if args.json {
            match serde_json::to_string_pretty(&answer) {
                Ok(json) => println!("{json}"),
                Err(e) => return failed(lang, &args.campaign, &Error::Internal(e.to_string())),
            }
        } else {
            print!("{}", text(&answer, lang));
        }
        return code(objection);
    };
    let out = args.out.clone().unwrap_or_else(|| {
        path.parent()
            .unwrap_or(Path::new("."))
            .join(jianfu::render::vet::FILE)
    });
    let table = batch_table(&verdicts, &desk.date().to_string(), report, lang);
    let written = jianfu::render::vet::batch_xlsx(&table).and_then(|bytes| write(&out, &bytes));
    if let Err(e) = written {
        return failed(lang, &out, &e);
    }
    for v in &verdicts {
        println!("{}\t{}", v.request, decision_words(v, lang));
    }
    let objections = verdicts.iter().filter(|v| v.decision.objects()).count();
    match lang {
        Lang::Zh => println!(
            "{}：{} 份报备，{} 份有异议",
            out.display(),
            verdicts.len(),
            objections
        ),
        Lang::En => println!(
            "{}: {} request(s), {} with an objection",
            out.display(),
            verdicts.len(),
            objections
        ),
    }
    code(objection)
}

/// Writes beside the target and renames into place: a reader never sees half a workbook.
fn write(out: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staged = out.with_file_name(format!(".{name}.partial"));
    std::fs::write(&staged, bytes).map_err(|e| Error::write(&staged, e))?;
    std::fs::rename(&staged, out).map_err(|e| {
        let _ = std::fs::remove_file(&staged);
        Error::write(out, e)
    })
}
