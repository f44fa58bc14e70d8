//! The render stage: the report model in, files out. Each output has its own module;
//! none of them sees a DataFrame.

pub mod charts;
pub mod fonts;
pub mod html;
pub mod pdf;
mod svg;
pub mod vet;
pub mod xlsx;

use crate::model::Report;

/// One rendered output file, relative to the report folder.
pub struct Output {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// metrics.json: the report model itself, pretty-printed with a final newline.
pub fn metrics_json(report: &Report) -> Output {
    let mut bytes = serde_json::to_vec_pretty(report).expect("the report model always serializes");
    bytes.push(b'\n');
    Output {
        path: "metrics.json".into(),
        bytes,
    }
}

/// One chart, drawn once as SVG and used by the HTML, the PDF and `charts/<id>.svg`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Chart {
    /// File stem under charts/, e.g. `groups_by_township`.
    pub id: String,
    /// The chart's title, shown above it.
    pub title: String,
    /// A text alternative saying what the chart shows, for screen readers.
    pub alt: String,
    pub svg: String,
    /// The same drawn for a phone's width; only the HTML page shows it, on narrow screens.
    pub narrow: String,
}
