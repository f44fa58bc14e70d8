//! The render stage: the report model in, files out. Each output has its own module;
//! none of them sees a DataFrame.

pub mod charts;
pub mod fonts;
pub mod html;
pub mod manifest;
pub mod pdf;
pub mod view;
pub mod xlsx;

use crate::report::Report;

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
}

/// Most rows an annex table shows in index.html and report.pdf: a reader scans fifty
/// units, not thirty thousand. tables.xlsx keeps every row.
pub const DOCUMENT_ROWS: usize = 50;

/// The view as the documents show it: each annex table longer than [`DOCUMENT_ROWS`] cut
/// to the rows with the most items at the baseline (largest first, numbered anew), its
/// title saying so and pointing to tables.xlsx for the complete list.
pub fn for_documents(view: &view::View) -> std::borrow::Cow<'_, view::View> {
    use view::{CellValue, CellView};
    if view.tables.iter().all(|t| t.rows.len() <= DOCUMENT_ROWS) {
        return std::borrow::Cow::Borrowed(view);
    }
    let before = |row: &[CellView]| match row.get(2).map(|c| &c.value) {
        Some(CellValue::Count { n }) => *n,
        _ => 0,
    };
    let mut cut = view.clone();
    for table in &mut cut.tables {
        let total = table.rows.len();
        if total <= DOCUMENT_ROWS {
            continue;
        }
        let mut order: Vec<usize> = (0..total).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(before(&table.rows[i])));
        order.truncate(DOCUMENT_ROWS);
        let mut rows: Vec<Vec<CellView>> = order
            .into_iter()
            .map(|i| std::mem::take(&mut table.rows[i]))
            .collect();
        for (n, row) in rows.iter_mut().enumerate() {
            if let Some(first) = row.first_mut() {
                *first = CellView {
                    text: (n + 1).to_string(),
                    value: CellValue::Count { n: n as u64 + 1 },
                };
            }
        }
        table.rows = rows;
        table.title = format!(
            "{}（共{}项，列出清理前数量最多的{}项，完整名单见 tables.xlsx）",
            table.title, total, DOCUMENT_ROWS
        );
    }
    std::borrow::Cow::Owned(cut)
}
