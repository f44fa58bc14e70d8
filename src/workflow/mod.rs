//! The library's commands, each one stage after another: `build` a campaign's report,
//! `compare` campaigns, `init` a new campaign folder, `rollup` parts' reports into one.

pub mod build;
pub mod compare;
pub mod init;
pub mod rollup;
pub mod vet;
