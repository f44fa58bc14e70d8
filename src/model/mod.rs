//! The models every stage above `load` passes on: the report (metrics.json), the
//! comparison, the manifest, and the enums that name kinds, dimensions and rules.

mod comparison;
mod kinds;
pub mod manifest;
mod report;
pub mod vet;

pub use comparison::*;
pub use kinds::*;
pub use report::*;
