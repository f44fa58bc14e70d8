//! The view as the printed documents (index.html, report.pdf) show it: long annex tables
//! cut to the rows their selection names, the caption saying which, and the per-unit
//! lists left to tables.xlsx.

use super::issuance::Annex;
use super::view::{CellValue, CellView, Selection, TableView, View};
use std::borrow::Cow;

/// Most rows an annex table shows in index.html and report.pdf: a reader scans fifty
/// units, not thirty thousand. tables.xlsx keeps every row.
pub const DOCUMENT_ROWS: usize = 50;

/// The view as the documents show it: each annex table longer than [`DOCUMENT_ROWS`] cut
/// to the rows its [`Selection`] names (numbered anew), its title saying which and
/// pointing to tables.xlsx for the complete list. The per-unit rectification lists are
/// left out: only tables.xlsx hands them out, and a province has thousands.
pub fn for_documents(view: &View) -> Cow<'_, View> {
    if view.rectification.is_empty() && view.tables.iter().all(|t| t.rows.len() <= DOCUMENT_ROWS) {
        return Cow::Borrowed(view);
    }
    let cut = |table: &TableView| {
        let total = table.rows.len();
        if total <= DOCUMENT_ROWS {
            return table.clone();
        }
        let mut order: Vec<usize> = (0..total).collect();
        let which = match table.shown {
            Selection::LargestBy { column } => {
                let count = |row: &[CellView]| match row.get(column).map(|c| &c.value) {
                    Some(CellValue::Count { n }) => *n,
                    _ => 0,
                };
                // Stable: among equal counts, the table's own order.
                order.sort_by_key(|&i| std::cmp::Reverse(count(&table.rows[i])));
                let label = table.columns.get(column).map_or("", |c| c.label.as_str());
                format!("列出{label}数量最多的{DOCUMENT_ROWS}项")
            }
            Selection::First => format!("列出前{DOCUMENT_ROWS}项"),
        };
        order.truncate(DOCUMENT_ROWS);
        let rows = order
            .into_iter()
            .enumerate()
            .map(|(n, i)| {
                let mut row = table.rows[i].clone();
                if let Some(first) = row.first_mut() {
                    *first = CellView::count(n as u64 + 1);
                }
                row
            })
            .collect();
        let caption = format!("（共{total}项，{which}，完整名单见 tables.xlsx）");
        TableView {
            id: table.id.clone(),
            kind: table.kind,
            annex: table.annex.as_ref().map(|a| Annex {
                name: format!("{}{caption}", a.name),
                ..a.clone()
            }),
            title: format!("{}{caption}", table.title),
            columns: table.columns.clone(),
            rows,
            total: table.total.clone(),
            shown: table.shown,
        }
    };
    // Field by field, so a field added to the view is a decision here, not a silent copy.
    let View {
        letterhead,
        title,
        recipients,
        campaign_name,
        region,
        authority,
        period,
        date,
        current,
        baseline_date,
        opening,
        overview,
        headlines,
        problems,
        next_steps,
        notes,
        annex_note,
        tables,
        continued,
        copy_to,
        rectification: _,
    } = view;
    Cow::Owned(View {
        letterhead: letterhead.clone(),
        title: title.clone(),
        recipients: recipients.clone(),
        campaign_name: campaign_name.clone(),
        region: region.clone(),
        authority: authority.clone(),
        period: period.clone(),
        date: date.clone(),
        current: current.clone(),
        baseline_date: baseline_date.clone(),
        opening: opening.clone(),
        overview: overview.clone(),
        headlines: headlines.clone(),
        problems: problems.clone(),
        next_steps: next_steps.clone(),
        notes: notes.clone(),
        // Named as the notice names them, without the caption of the rows shown.
        annex_note: annex_note.clone(),
        tables: tables.iter().map(cut).collect(),
        continued: continued.clone(),
        copy_to: copy_to.clone(),
        rectification: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::view::{ColumnKind, ColumnView, UnitRectification};
    use super::*;

    fn count(n: u64) -> CellView {
        CellView::count(n)
    }

    fn table(rows: u64) -> TableView {
        let annex = Annex::new(1, "各单位工作群清理情况");
        TableView {
            id: "groups_by_unit".into(),
            kind: None,
            title: annex.title(),
            annex: Some(annex),
            columns: vec![
                ColumnView::new("序号", ColumnKind::Count),
                ColumnView::new("单位", ColumnKind::Text),
                ColumnView::new("清理前", ColumnKind::Count),
            ],
            // Row i has i items at the baseline.
            rows: (1..=rows)
                .map(|i| vec![count(i), CellView::text(format!("单位{i}")), count(i)])
                .collect(),
            total: None,
            shown: Selection::LargestBy { column: 2 },
        }
    }

    fn view(rows: u64, rectification: usize) -> View {
        View {
            letterhead: None,
            title: "通报".into(),
            recipients: None,
            campaign_name: "清理".into(),
            region: "某市".into(),
            authority: "某市纪委".into(),
            period: "2019年第三季度".into(),
            date: "2019年9月30日".into(),
            current: "2019-09-30".into(),
            baseline_date: "2019年4月30日".into(),
            opening: String::new(),
            overview: vec![],
            headlines: vec![],
            problems: vec![],
            next_steps: vec![],
            notes: vec![],
            annex_note: None,
            tables: vec![table(rows)],
            continued: "续表".into(),
            copy_to: None,
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
        assert!(
            documents.tables[0]
                .title
                .ends_with("（共60项，列出清理前数量最多的50项，完整名单见 tables.xlsx）"),
            "{}",
            documents.tables[0].title
        );
        // The PDF sets an annex's name under its number: the caption goes with it.
        let annex = documents.tables[0].annex.as_ref().unwrap();
        assert_eq!(
            (annex.label.as_str(), annex.name.as_str()),
            (
                "附件1",
                "各单位工作群清理情况（共60项，列出清理前数量最多的50项，完整名单见 tables.xlsx）"
            )
        );
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

    #[test]
    fn a_list_in_its_own_order_is_shown_from_its_start_and_says_so() {
        let mut full = view(DOCUMENT_ROWS as u64 + 5, 0);
        full.tables[0].shown = Selection::First;
        let documents = for_documents(&full);
        let rows = &documents.tables[0].rows;
        assert_eq!(rows.len(), DOCUMENT_ROWS);
        assert_eq!(rows[0][1].text, "单位1");
        assert_eq!(rows[DOCUMENT_ROWS - 1][1].text, "单位50");
        assert!(
            documents.tables[0]
                .title
                .ends_with("（共55项，列出前50项，完整名单见 tables.xlsx）"),
            "{}",
            documents.tables[0].title
        );
    }
}
