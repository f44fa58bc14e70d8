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
/// title saying so and pointing to tables.xlsx for the complete list. The per-unit
/// rectification lists are left out: only tables.xlsx hands them out, and a province has
/// thousands.
pub fn for_documents(view: &view::View) -> std::borrow::Cow<'_, view::View> {
    use view::{CellValue, CellView, TableView, View};
    if view.rectification.is_empty() && view.tables.iter().all(|t| t.rows.len() <= DOCUMENT_ROWS) {
        return std::borrow::Cow::Borrowed(view);
    }
    let before = |row: &[CellView]| match row.get(2).map(|c| &c.value) {
        Some(CellValue::Count { n }) => *n,
        _ => 0,
    };
    let cut = |table: &TableView| {
        let total = table.rows.len();
        if total <= DOCUMENT_ROWS {
            return table.clone();
        }
        let mut order: Vec<usize> = (0..total).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(before(&table.rows[i])));
        order.truncate(DOCUMENT_ROWS);
        let rows = order
            .into_iter()
            .enumerate()
            .map(|(n, i)| {
                let mut row = table.rows[i].clone();
                if let Some(first) = row.first_mut() {
                    *first = CellView {
                        text: (n + 1).to_string(),
                        value: CellValue::Count { n: n as u64 + 1 },
                    };
                }
                row
            })
            .collect();
        TableView {
            id: table.id.clone(),
            title: format!(
                "{}（共{}项，列出清理前数量最多的{}项，完整名单见 tables.xlsx）",
                table.title, total, DOCUMENT_ROWS
            ),
            columns: table.columns.clone(),
            rows,
            total: table.total.clone(),
        }
    };
    // Field by field, so a field added to the view is a decision here, not a silent copy.
    let View {
        options,
        title,
        campaign_name,
        region,
        authority,
        period,
        date,
        current,
        baseline_date,
        overview,
        headlines,
        problems,
        next_steps,
        tables,
        rectification: _,
    } = view;
    std::borrow::Cow::Owned(View {
        options: *options,
        title: title.clone(),
        campaign_name: campaign_name.clone(),
        region: region.clone(),
        authority: authority.clone(),
        period: period.clone(),
        date: date.clone(),
        current: current.clone(),
        baseline_date: baseline_date.clone(),
        overview: overview.clone(),
        headlines: headlines.clone(),
        problems: problems.clone(),
        next_steps: next_steps.clone(),
        tables: tables.iter().map(cut).collect(),
        rectification: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::view::{CellValue, CellView, ColumnView, TableView, UnitRectification, View};
    use super::*;

    fn count(n: u64) -> CellView {
        CellView {
            text: n.to_string(),
            value: CellValue::Count { n },
        }
    }

    fn table(rows: u64) -> TableView {
        TableView {
            id: "groups_by_unit".into(),
            title: "附件1 各单位工作群清理情况".into(),
            columns: vec![
                ColumnView {
                    label: "序号".into(),
                    numeric: true,
                },
                ColumnView {
                    label: "单位".into(),
                    numeric: false,
                },
                ColumnView {
                    label: "清理前".into(),
                    numeric: true,
                },
            ],
            // Row i has i items at the baseline.
            rows: (1..=rows)
                .map(|i| {
                    vec![
                        count(i),
                        CellView {
                            text: format!("单位{i}"),
                            value: CellValue::Text,
                        },
                        count(i),
                    ]
                })
                .collect(),
            total: None,
        }
    }

    fn view(rows: u64, rectification: usize) -> View {
        View {
            options: Default::default(),
            title: "通报".into(),
            campaign_name: "清理".into(),
            region: "某市".into(),
            authority: "某市纪委".into(),
            period: "2019年第三季度".into(),
            date: "2019年9月30日".into(),
            current: "2019-09-30".into(),
            baseline_date: "2019年4月30日".into(),
            overview: vec![],
            headlines: vec![],
            problems: vec![],
            next_steps: vec![],
            tables: vec![table(rows)],
            rectification: (0..rectification)
                .map(|i| UnitRectification {
                    unit: format!("单位{i}"),
                    due: "2019年10月30日".into(),
                    table: table(1),
                })
                .collect(),
        }
    }

    #[test]
    fn documents_show_the_largest_fifty_rows_and_no_per_unit_lists() {
        let full = view(DOCUMENT_ROWS as u64 + 10, 3);
        let documents = for_documents(&full);
        assert!(matches!(documents, std::borrow::Cow::Owned(_)));
        assert!(documents.rectification.is_empty());
        let rows = &documents.tables[0].rows;
        assert_eq!(rows.len(), DOCUMENT_ROWS);
        // Largest first (60 items down to 11), numbered anew from 1.
        assert_eq!(rows[0][1].text, "单位60");
        assert_eq!(rows[DOCUMENT_ROWS - 1][1].text, "单位11");
        assert_eq!(rows[0][0].text, "1");
        assert_eq!(rows[DOCUMENT_ROWS - 1][0].text, "50");
        assert!(documents.tables[0].title.contains("共60项"));
        // The view itself keeps every row and list, for tables.xlsx.
        assert_eq!(full.tables[0].rows.len(), 60);
        assert_eq!(full.rectification.len(), 3);
    }

    #[test]
    fn a_short_view_without_lists_is_shown_as_is() {
        let short = view(DOCUMENT_ROWS as u64, 0);
        assert!(matches!(
            for_documents(&short),
            std::borrow::Cow::Borrowed(_)
        ));
        let with_lists = view(3, 2);
        let documents = for_documents(&with_lists);
        assert!(documents.rectification.is_empty());
        assert_eq!(documents.tables[0].rows.len(), 3);
        assert_eq!(documents.tables[0].title, with_lists.tables[0].title);
    }
}
