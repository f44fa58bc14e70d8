//! Every setting, typed: campaign.toml's sections ([`campaign`]) and what the command line
//! asks of a run ([`run`]). The bottom layer: it imports nothing of the crate's pipeline.

mod campaign;
mod run;

pub use campaign::*;
pub use run::*;
