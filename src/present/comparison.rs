//! The comparison as a reader sees it, laid out by the same renderers as a report.

use super::format::{NONE, chinese_date, quarter_name};
use super::issuance::{self, Annex};
use super::view::{CellView, ColumnKind, ColumnView, Selection, TableView, View, ratio_cell};
use crate::config::ReportConfig;
use crate::model::{CampaignSummary, Comparison, KindSummary};

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
    let mut notes = Vec::new();
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
                notes.push(format!(
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
    problems.extend(lagging_regions(cmp, o));
    if problems.is_empty() {
        problems.push("各地清理进度总体均衡，未发现工作群精简进度明显滞后的地区。".to_string());
    }
    let table = comparison_table(cmp, o);
    View {
        letterhead: None,
        recipients: None,
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
        opening: format!(
            "{}以来，各地深入开展工作群和政务新媒体清理整治。现将{}地清理整治情况对比分析如下。",
            date(earliest),
            cmp.campaigns.len()
        ),
        overview,
        headlines: Vec::new(),
        problems,
        next_steps: vec![
            "各地可对照精简占比和每单位在用数量，相互借鉴经验，巩固清理成果，防止反弹。".into(),
        ],
        notes,
        annex_note: issuance::annex_note(&table.annex),
        tables: vec![table],
        continued: issuance::CONTINUED.to_string(),
        copy_to: None,
        rectification: Vec::new(),
    }
}

/// Regions whose groups' reduction ratio is under half of all regions' together
/// (from the added counts), worst first.
fn lagging_regions(cmp: &Comparison, o: &ReportConfig) -> Vec<String> {
    let with_groups: Vec<(&CampaignSummary, &KindSummary)> = cmp
        .campaigns
        .iter()
        .filter_map(|c| c.groups.as_ref().map(|g| (c, g)))
        .filter(|(_, g)| g.before > 0)
        .collect();
    let before: u64 = with_groups.iter().map(|(_, g)| g.before).sum();
    let cut: i64 = with_groups
        .iter()
        .map(|(_, g)| g.before as i64 - g.after as i64)
        .sum();
    if with_groups.len() < 2 || cut <= 0 {
        return vec![];
    }
    let reduced = |g: &KindSummary| g.before as i64 - g.after as i64;
    let mut behind: Vec<&(&CampaignSummary, &KindSummary)> = with_groups
        .iter()
        .filter(|(_, g)| {
            2 * i128::from(reduced(g)) * i128::from(before) < i128::from(cut) * i128::from(g.before)
        })
        .collect();
    behind.sort_by(|(_, a), (_, b)| {
        (i128::from(reduced(a)) * i128::from(b.before))
            .cmp(&(i128::from(reduced(b)) * i128::from(a.before)))
    });
    if behind.is_empty() {
        return vec![];
    }
    let named: Vec<String> = behind
        .iter()
        .map(|(c, g)| format!("{}（{}）", label(c), o.pct(reduced(g), g.before)))
        .collect();
    vec![format!(
        "{}工作群精简占比不足各地合计水平（{}）的一半，清理进度相对滞后。",
        named.join("、"),
        o.pct(cut, before)
    )]
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
    let annex = Annex::new(1, "各地清理整治情况对比");
    TableView {
        id: "comparison".into(),
        kind: None,
        title: annex.title(),
        annex: Some(annex),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(id: &str, region: &str, groups: Option<(u64, u64)>) -> CampaignSummary {
        CampaignSummary {
            id: id.into(),
            name: format!("{region}清理整治"),
            region: region.into(),
            baseline: "2019-04-30".into(),
            current: "2019-09-30".into(),
            staff: None,
            groups: groups.map(|(before, after)| KindSummary {
                before,
                after,
                closed: before - after,
                new: 0,
                reduction_ratio: None,
                closure_rate: None,
                units: 1,
                per_unit_after: None,
                per_100_staff_after: None,
            }),
            accounts: None,
            burden_median_before: None,
            burden_median_after: None,
        }
    }

    #[test]
    fn missing_inventories_are_notes_and_a_lagging_region_is_a_problem() {
        // 100 → 20 and 100 → 90: together 200 → 110, 45%; 10% is under half of it.
        let cmp = Comparison {
            campaigns: vec![
                campaign("a", "甲市", Some((100, 20))),
                campaign("b", "乙市", Some((100, 90))),
            ],
            percentages: ReportConfig::default(),
            ranking: vec!["a".into(), "b".into()],
        };
        let v = comparison_view(&cmp);
        assert_eq!(
            v.opening,
            "2019年4月30日以来，各地深入开展工作群和政务新媒体清理整治。现将2地清理整治情况对比分析如下。"
        );
        assert_eq!(
            v.problems,
            ["乙市（10.0%）工作群精简占比不足各地合计水平（45.0%）的一半，清理进度相对滞后。"]
        );
        assert!(v.notes.iter().all(|n| n.contains("未提供政务新媒体台账")));
        assert_eq!(v.notes.len(), 2);
        assert!(v.problems.iter().all(|p| !p.contains("未提供")));
    }
}
