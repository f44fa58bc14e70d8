//! `jianfu samples`: says where the seed's campaigns were written.

use super::report_error;
use jianfu::config::DEFAULT_DATA;
use jianfu::error::Error;
use jianfu::lang::Lang;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Folder to write them into.
    #[arg(default_value = DEFAULT_DATA)]
    dir: PathBuf,
}

pub fn run(args: Args, lang: Lang) -> bool {
    match jianfu::fixtures::samples::write_all(&args.dir) {
        Ok(()) => {
            let dir = args.dir.display();
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("已写入示例活动：{dir}"),
                    Lang::En => format!("sample campaigns written to {dir}"),
                }
            );
            true
        }
        Err(e) => {
            report_error(lang, &args.dir, &Error::write(&args.dir, e));
            false
        }
    }
}
