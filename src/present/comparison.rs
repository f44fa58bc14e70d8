//! The comparison as a reader sees it, laid out by the same renderers as a report.

use super::format::{NONE, chinese_date, quarter_name};
use super::view::{CellView, ColumnKind, ColumnView, Selection, TableView, View, ratio_cell};
use crate::config::ReportConfig;
use crate::model::{CampaignSummary, Comparison};

/// The comparison as a reader sees it, laid out by the same renderers as a report.
pub fn comparison_view(cmp: &Comparison) -> View {
    let o = &cmp.percentages;
    let latest = cmp
        .campaigns
        .iter()
        .map(|c| c.current.as_str())
        .max()
        .unwrap_or("1970-01-01");
    let earliest = cmp
        .campaigns
        .iter()
        .map(|c| c.baseline.as_str())
        .min()
        .unwrap_or(latest);
    let date = |d: &str| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(chinese_date)
            .unwrap_or_default()
    };
    let ratio = |n: i64, d: u64| o.pct(n, d);
    let mut overview = Vec::new();
    let mut problems = Vec::new();
    for c in &cmp.campaigns {
        let mut parts = Vec::new();
        if let Some(g) = &c.groups {
            parts.push(format!(
                "工作群从{}个精简到{}个，精简占比{}",
                g.before,
                g.after,
                ratio(g.before as i64 - g.after as i64, g.before)
            ));
        }
        if let Some(a) = &c.accounts {
            parts.push(format!(
                "{}个政务新媒体中{}个停止运营，占比{}",
                a.before,
                a.closed,
                ratio(a.closed as i64, a.before)
            ));
        }
        overview.push(format!(
            "{}（截至{}）：{}。",
            label(c),
            date(&c.current),
            parts.join("；")
        ));
        for (kind, noun) in [(&c.groups, "工作群"), (&c.accounts, "政务新媒体")] {
            if kind.is_none() {
                problems.push(format!(
                    "{}未提供{}台账，相关指标以“{NONE}”表示，不参与该项比较。",
                    label(c),
                    noun
                ));
            }
        }
    }
    let ranked: Vec<String> = cmp
        .ranking
        .iter()
        .filter_map(|id| cmp.campaigns.iter().find(|c| &c.id == id))
        .map(label)
        .collect();
    overview.push(format!(
        "按工作群精简占比（其次按政务新媒体停止运营占比）排序，依次为：{}。",
        ranked.join("、")
    ));
    if problems.is_empty() {
        problems.push("各地均提供了工作群和政务新媒体台账。".to_string());
    }
    View {
        options: *o,
        title: format!(
            "关于{}地基层减负清理整治情况的对比分析",
            cmp.campaigns.len()
        ),
        campaign_name: "各地对比".into(),
        region: String::new(),
        authority: String::new(),
        period: quarter_name(
            chrono::NaiveDate::parse_from_str(latest, "%Y-%m-%d").unwrap_or_default(),
        ),
        date: date(latest),
        current: latest.to_string(),
        baseline_date: date(earliest),
        overview,
        headlines: Vec::new(),
        problems,
        next_steps: vec![
            "各地可对照精简占比和每单位在用数量，相互借鉴经验，巩固清理成果，防止反弹。".into(),
        ],
        tables: vec![comparison_table(cmp, o)],
        rectification: Vec::new(),
    }
}

fn label(c: &CampaignSummary) -> String {
    if c.region.is_empty() {
        c.name.clone()
    } else {
        c.region.clone()
    }
}

fn comparison_table(cmp: &Comparison, o: &ReportConfig) -> TableView {
    let count = |n: Option<u64>| n.map_or_else(|| CellView::text(NONE), CellView::count);
    let pct = |n: Option<(i64, u64)>| match n {
        Some((num, den)) => ratio_cell(o, num, den),
        None => CellView::text(NONE),
    };
    let decimal =
        |v: Option<f64>| CellView::text(v.map_or_else(|| NONE.into(), |v| format!("{v:.1}")));
    use ColumnKind::{Count, Date, Decimal, Percent, Text};
    let columns = [
        ("名次", Count),
        ("地区", Text),
        ("截至", Date),
        ("工作群清理前", Count),
        ("工作群清理后", Count),
        ("工作群精简占比", Percent),
        ("每单位在用群数", Decimal),
        ("每百名在编人员在用群数", Decimal),
        ("政务新媒体清理前", Count),
        ("政务新媒体清理后", Count),
        ("停止运营占比", Percent),
        ("干部所在群数中位数（前→后）", Text),
    ];
    let rows = cmp
        .ranking
        .iter()
        .filter_map(|id| cmp.campaigns.iter().find(|c| &c.id == id))
        .enumerate()
        .map(|(i, c)| {
            let g = c.groups.as_ref();
            let a = c.accounts.as_ref();
            vec![
                count(Some(i as u64 + 1)),
                CellView::text(label(c)),
                CellView::text(c.current.clone()),
                count(g.map(|g| g.before)),
                count(g.map(|g| g.after)),
                pct(g.map(|g| (g.before as i64 - g.after as i64, g.before))),
                decimal(g.and_then(|g| g.per_unit_after)),
                decimal(g.and_then(|g| g.per_100_staff_after)),
                count(a.map(|a| a.before)),
                count(a.map(|a| a.after)),
                pct(a.map(|a| (a.closed as i64, a.before))),
                CellView::text(match (c.burden_median_before, c.burden_median_after) {
                    (Some(b), Some(a)) => format!("{b:.1} → {a:.1}"),
                    _ => NONE.into(),
                }),
            ]
        })
        .collect();
    TableView {
        id: "comparison".into(),
        kind: None,
        title: "附件1 各地清理整治情况对比".into(),
        columns: columns
            .into_iter()
            .map(|(label, kind)| ColumnView::new(label, kind))
            .collect(),
        rows,
        total: None,
        // Ranked already: a long comparison is shown from the best.
        shown: Selection::First,
    }
}
