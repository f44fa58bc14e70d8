//! Every sentence, label, caption and number format of the outputs, in one layer: the
//! report model in, a typed [`view::View`] out, which every renderer lays out as it is.

pub mod charts;
pub mod comparison;
pub mod documents;
pub mod findings;
pub mod format;
pub mod headline;
pub mod issuance;
pub mod vet;
pub mod view;
pub mod words;
pub mod workbook;
