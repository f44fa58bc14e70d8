//! What each chart shows and says: its rows and series, its title and its text alternative,
//! from the report model. `render::charts` draws them; nothing here knows a pixel.

use crate::config::ReportConfig;
use crate::model::{
    CampaignSummary, Comparison, DimensionRow, Figures, KindFigures, KindSummary, Report,
    TrendPoint,
};
use crate::present::format::NONE;
use crate::present::view::View;
use crate::present::words::{part_label, part_name, unit_in_part};
use std::cmp::Ordering;

/// Most bars in a chart of townships; the rest are in the annex tables.
pub const CHART_ROWS: usize = 30;

/// What a bar or line stands for; the renderer gives each its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ink {
    Before,
    After,
    /// A reduction ratio.
    Ratio,
    Retained,
    Merged,
    Dissolved,
    Expired,
    New,
    /// A campaign's work groups, or its accounts, in a comparison's ratios.
    GroupsRatio,
    AccountsRatio,
    /// Active work groups, or accounts, over the snapshots.
    Groups,
    Accounts,
}

/// One series of a chart: what its legend says.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub ink: Ink,
}

impl Series {
    fn new(name: &str, ink: Ink) -> Series {
        Series {
            name: name.to_string(),
            ink,
        }
    }
}

/// One category (row) of a bar chart: its label and one value per series.
#[derive(Clone, Debug, PartialEq)]
pub struct BarRow {
    pub label: String,
    pub values: Vec<f64>,
    /// The printed value at each bar's end.
    pub texts: Vec<String>,
    /// Overrides the series' ink, for single-series charts with an ink per row.
    pub ink: Option<Ink>,
}

impl BarRow {
    /// The gap between the top and the bottom rows of a long ranking.
    fn separator() -> BarRow {
        BarRow {
            label: "⋯".to_string(),
            values: vec![],
            texts: vec![],
            ink: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Plot {
    /// Horizontal bars, one row per category, one bar per series, values at the bars' ends.
    Bars {
        series: Vec<Series>,
        rows: Vec<BarRow>,
        legend: bool,
    },
    /// One line per series over `dates`, each point labelled with its count.
    Lines {
        series: Vec<Series>,
        dates: Vec<String>,
        /// `values[k][i]`: series k at date i.
        values: Vec<Vec<Option<u64>>>,
    },
}

/// One chart: its file stem under charts/ (e.g. `groups_by_township`), its title, a text
/// saying what it shows (for screen readers), and what it plots.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    pub id: String,
    pub title: String,
    pub alt: String,
    pub plot: Plot,
}

fn spec(plot: Plot, id: &str, title: &str, alt: &str) -> ChartSpec {
    ChartSpec {
        id: id.to_string(),
        title: title.to_string(),
        alt: alt.to_string(),
        plot,
    }
}

fn bars(series: Vec<Series>, rows: Vec<BarRow>, legend: bool) -> Plot {
    Plot::Bars {
        series,
        rows,
        legend,
    }
}

/// What each kind is called.
struct Kind<'a> {
    id: &'static str,
    noun: &'static str,
    figures: &'a KindFigures,
}

/// Every chart the report has data for, in reading order.
pub fn charts(report: &Report, view: &View) -> Vec<ChartSpec> {
    let o = &report.campaign.percentages;
    let mut out = Vec::new();
    let kinds = [
        ("groups", "工作群", &report.groups),
        ("accounts", "政务新媒体", &report.accounts),
    ];
    for (id, noun, figures) in kinds {
        let Some(figures) = figures else { continue };
        let kind = Kind { id, noun, figures };
        out.extend(by_township(&kind, view));
        out.extend(reduction_by_part(report, &kind, o));
        out.extend(reduction_by_unit(report, &kind, o));
        out.extend(dispositions(&kind, view));
        out.extend(platforms(&kind, view));
    }
    out.extend(burden_histogram(report, view));
    out.extend(trend(report));
    out
}

/// Active items at each snapshot: one line per kind.
fn trend(report: &Report) -> Option<ChartSpec> {
    let points = &report.trend;
    if points.len() < 2 {
        return None;
    }
    type Pick = fn(&TrendPoint) -> Option<u64>;
    let kinds: [(&str, Ink, Pick); 2] = [
        ("工作群", Ink::Groups, |p| p.groups),
        ("政务新媒体", Ink::Accounts, |p| p.accounts),
    ];
    let present: Vec<&(&str, Ink, Pick)> = kinds
        .iter()
        .filter(|(_, _, pick)| points.iter().any(|p| pick(p).is_some()))
        .collect();
    if present.is_empty() {
        return None;
    }
    let parts: Vec<String> = present
        .iter()
        .map(|(name, _, pick)| {
            let values: Vec<String> = points
                .iter()
                .map(|p| {
                    format!(
                        "{}{}",
                        short_date(&p.date),
                        pick(p).map_or(NONE.to_string(), |v| format!("{v}个"))
                    )
                })
                .collect();
            format!("在用{name}：{}", values.join("、"))
        })
        .collect();
    let alt = format!("各次台账日期的在用数量变化，{}。", parts.join("；"));
    let plot = Plot::Lines {
        series: present
            .iter()
            .map(|(name, ink, _)| Series::new(name, *ink))
            .collect(),
        dates: points.iter().map(|p| short_date(&p.date)).collect(),
        values: present
            .iter()
            .map(|(_, _, pick)| points.iter().map(pick).collect())
            .collect(),
    };
    Some(spec(plot, "trend", "各次台账在用数量变化", &alt))
}

fn before_after_rows(rows: &[&DimensionRow], null_label: &str) -> Vec<BarRow> {
    rows.iter()
        .map(|r| BarRow {
            label: r.key.clone().unwrap_or_else(|| null_label.to_string()),
            values: vec![r.figures.before as f64, r.figures.after as f64],
            texts: vec![r.figures.before.to_string(), r.figures.after.to_string()],
            ink: None,
        })
        .collect()
}

fn before_after() -> Vec<Series> {
    vec![
        Series::new("清理前", Ink::Before),
        Series::new("清理后", Ink::After),
    ]
}

fn sorted_by_before(rows: &[DimensionRow]) -> Vec<&DimensionRow> {
    let mut sorted: Vec<&DimensionRow> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        b.figures
            .before
            .cmp(&a.figures.before)
            .then(b.figures.after.cmp(&a.figures.after))
            .then_with(|| a.key.cmp(&b.key))
    });
    sorted
}

fn key_or(r: &DimensionRow, null: &str) -> String {
    r.key.clone().unwrap_or_else(|| null.to_string())
}

/// Townships only: units above them (市直单位, no township) would dwarf every township's bars
/// at a province's scale, so the text alternative gives their figures instead.
fn by_township(kind: &Kind, view: &View) -> Option<ChartSpec> {
    let (townships, above): (Vec<DimensionRow>, Vec<DimensionRow>) = kind
        .figures
        .by_township
        .iter()
        .cloned()
        .partition(|r| r.key.is_some());
    if townships.is_empty() {
        return None;
    }
    let sorted = sorted_by_before(&townships);
    // A province has thousands of townships: the chart shows the largest ones.
    let cut = sorted.len() > CHART_ROWS;
    let plot = bars(
        before_after(),
        before_after_rows(&sorted[..sorted.len().min(CHART_ROWS)], NONE),
        true,
    );
    let top = sorted[0];
    let t = &kind.figures.totals;
    let above = above
        .first()
        .map(|r| {
            format!(
                "，另有市直单位{}个减至{}个",
                r.figures.before, r.figures.after
            )
        })
        .unwrap_or_default();
    let alt = format!(
        "按乡镇街道统计的{noun}数量，清理前（{}）共{}个、清理后（{}）共{}个，分布在{}个乡镇街道{above}；清理前最多的乡镇街道是{}，由{}个减至{}个。",
        view.baseline_date,
        t.before,
        view.date,
        t.after,
        townships.len(),
        key_or(top, NONE),
        top.figures.before,
        top.figures.after,
        noun = kind.noun,
    );
    let title = if cut {
        format!(
            "清理前{}最多的{}个乡镇街道清理前后数量",
            kind.noun, CHART_ROWS
        )
    } else {
        format!("各乡镇街道{}清理前后数量", kind.noun)
    };
    Some(spec(
        plot,
        &format!("{}_by_township", kind.id),
        &title,
        &alt,
    ))
}

fn reduced(f: &Figures) -> i64 {
    f.before as i64 - f.after as i64
}

/// Compares two rows' reduction ratios exactly, by cross-multiplying the integer counts.
fn ratio_cmp(a: &Figures, b: &Figures) -> Ordering {
    let left = i128::from(reduced(a)) * i128::from(b.before);
    let right = i128::from(reduced(b)) * i128::from(a.before);
    left.cmp(&right)
}

/// A roll-up's parts ranked by reduction ratio (各县精简占比).
fn reduction_by_part(report: &Report, kind: &Kind, o: &ReportConfig) -> Option<ChartSpec> {
    let parts = report.parts.as_deref().unwrap_or(&[]);
    let rows: Vec<(String, &Figures)> = kind
        .figures
        .by_part
        .iter()
        .map(|r| {
            (
                part_name(parts, r.key.as_deref().unwrap_or_default()),
                &r.figures,
            )
        })
        .collect();
    reduction_ranking(kind, o, rows, part_label(parts), "part")
}

fn reduction_by_unit(report: &Report, kind: &Kind, o: &ReportConfig) -> Option<ChartSpec> {
    let parts = report.parts.as_deref().unwrap_or(&[]);
    let rows: Vec<(String, &Figures)> = kind
        .figures
        .by_unit
        .iter()
        .map(|r| {
            let key = key_or(r, "未填写单位");
            (unit_in_part(parts, r.part.as_deref(), &key), &r.figures)
        })
        .collect();
    reduction_ranking(kind, o, rows, "单位", "unit")
}

/// Rows (a unit's or a part's) ranked by reduction ratio; the top and bottom ten of many.
fn reduction_ranking(
    kind: &Kind,
    o: &ReportConfig,
    rows: Vec<(String, &Figures)>,
    what: &str,
    id: &str,
) -> Option<ChartSpec> {
    let mut units: Vec<(String, &Figures)> =
        rows.into_iter().filter(|(_, f)| f.before > 0).collect();
    if units.is_empty() {
        return None;
    }
    units.sort_by(|a, b| {
        ratio_cmp(b.1, a.1)
            .then(b.1.before.cmp(&a.1.before))
            .then_with(|| a.0.cmp(&b.0))
    });
    let row = |(label, f): &(String, &Figures)| BarRow {
        label: label.clone(),
        values: vec![reduced(f) as f64 / f.before as f64],
        texts: vec![o.pct(reduced(f), f.before)],
        ink: None,
    };
    let many = units.len() > 20;
    let rows: Vec<BarRow> = if many {
        let mut rows: Vec<BarRow> = units[..10].iter().map(row).collect();
        rows.push(BarRow::separator());
        rows.extend(units[units.len() - 10..].iter().map(row));
        rows
    } else {
        units.iter().map(row).collect()
    };
    let plot = bars(vec![Series::new("精简占比", Ink::Ratio)], rows, false);
    let (best, worst) = (&units[0], &units[units.len() - 1]);
    let alt = format!(
        "{}{}个{what}的{}精简占比{}：最高的是{}（{}，{}个减至{}个），最低的是{}（{}，{}个减至{}个）。",
        if many {
            format!("精简占比最高和最低的各10个{what}，共")
        } else {
            "共".to_string()
        },
        units.len(),
        kind.noun,
        if many { "中" } else { "" },
        best.0,
        o.pct(reduced(best.1), best.1.before),
        best.1.before,
        best.1.after,
        worst.0,
        o.pct(reduced(worst.1), worst.1.before),
        worst.1.before,
        worst.1.after,
    );
    let title = if many {
        format!("{}精简占比最高和最低的各10个{what}", kind.noun)
    } else {
        format!("各{what}{}精简占比", kind.noun)
    };
    Some(spec(
        plot,
        &format!("{}_reduction_by_{id}", kind.id),
        &title,
        &alt,
    ))
}

fn dispositions(kind: &Kind, view: &View) -> Option<ChartSpec> {
    let t = &kind.figures.totals;
    if t.before == 0 && t.new == 0 {
        return None;
    }
    let items = [
        ("保留", t.retained, Ink::Retained),
        ("合并", t.merged, Ink::Merged),
        ("解散", t.dissolved, Ink::Dissolved),
        ("到期解散", t.expired, Ink::Expired),
        ("新建", t.new, Ink::New),
    ];
    let rows: Vec<BarRow> = items
        .iter()
        .map(|(label, n, ink)| BarRow {
            label: (*label).to_string(),
            values: vec![*n as f64],
            texts: vec![format!("{n}个")],
            ink: Some(*ink),
        })
        .collect();
    let plot = bars(vec![Series::new("数量", Ink::Before)], rows, false);
    let alt = format!(
        "{}清理前在用的{}个{noun}中，保留{}个、合并{}个、解散{}个、阶段性工作结束后解散{}个；截至{}新建{}个。",
        view.baseline_date,
        t.before,
        t.retained,
        t.merged,
        t.dissolved,
        t.expired,
        view.date,
        t.new,
        noun = kind.noun,
    );
    Some(spec(
        plot,
        &format!("{}_dispositions", kind.id),
        &format!("{}处置情况", kind.noun),
        &alt,
    ))
}

fn platforms(kind: &Kind, view: &View) -> Option<ChartSpec> {
    let rows = &kind.figures.by_platform;
    if rows.is_empty() || rows.iter().all(|r| r.key.is_none()) {
        return None;
    }
    let sorted = sorted_by_before(rows);
    let plot = bars(before_after(), before_after_rows(&sorted, "未填写"), true);
    let parts: Vec<String> = sorted
        .iter()
        .map(|r| {
            format!(
                "{}由{}个减至{}个",
                key_or(r, "未填写平台"),
                r.figures.before,
                r.figures.after
            )
        })
        .collect();
    let alt = format!(
        "各平台{}清理前（{}）后（{}）数量：{}。",
        kind.noun,
        view.baseline_date,
        view.date,
        parts.join("，")
    );
    Some(spec(
        plot,
        &format!("{}_platforms", kind.id),
        &format!("各平台{}清理前后数量", kind.noun),
        &alt,
    ))
}

/// Cadres by how many active groups they sit in; counts of ten and more share a row, as
/// the report's “10个及以上” figure does.
fn burden_histogram(report: &Report, view: &View) -> Option<ChartSpec> {
    let burden = report.burden.as_ref()?;
    if burden.distribution.is_empty() {
        return None;
    }
    let mut rows: Vec<BarRow> = Vec::new();
    let mut tail = (0u64, 0u64);
    let max = burden.distribution.iter().map(|b| b.groups).max()?;
    for bin in &burden.distribution {
        if bin.groups >= 10 && max > 10 {
            tail.0 += bin.before;
            tail.1 += bin.after;
        } else {
            rows.push(BarRow {
                label: format!("{}个群", bin.groups),
                values: vec![bin.before as f64, bin.after as f64],
                texts: vec![format!("{}人", bin.before), format!("{}人", bin.after)],
                ink: None,
            });
        }
    }
    if max > 10 {
        rows.push(BarRow {
            label: "10个及以上".to_string(),
            values: vec![tail.0 as f64, tail.1 as f64],
            texts: vec![format!("{}人", tail.0), format!("{}人", tail.1)],
            ink: None,
        });
    }
    let plot = bars(before_after(), rows, true);
    let alt = format!(
        "{}名干部按所在工作群个数分布：清理前（{}）人均{:.1}个、最多{}个，清理后（{}）人均{:.1}个、最多{}个；身处10个及以上工作群的干部由{}人减少到{}人。",
        burden.cadres,
        view.baseline_date,
        burden.before.mean,
        burden.before.max,
        view.date,
        burden.after.mean,
        burden.after.max,
        burden.before.ge10,
        burden.after.ge10,
    );
    Some(spec(
        plot,
        "burden_histogram",
        "干部所在工作群个数分布",
        &alt,
    ))
}

/// 2019-04-30 → 2019年4月30日
fn short_date(date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(crate::present::format::chinese_date)
        .unwrap_or_else(|_| date.to_string())
}

/// The comparison's charts: each campaign's ratios side by side, and its counts before
/// and after. A campaign without a kind shows "—" and no bar, never a zero.
pub fn comparison_charts(cmp: &Comparison, o: &ReportConfig) -> Vec<ChartSpec> {
    let ranked: Vec<&CampaignSummary> = cmp
        .ranking
        .iter()
        .filter_map(|id| cmp.campaigns.iter().find(|c| &c.id == id))
        .collect();
    let label = |c: &CampaignSummary| {
        if c.region.is_empty() {
            c.name.clone()
        } else {
            c.region.clone()
        }
    };
    let value = |k: Option<&KindSummary>, closed: bool| match k {
        Some(k) if k.before > 0 => {
            let num = if closed {
                k.closed as i64
            } else {
                k.before as i64 - k.after as i64
            };
            (num as f64 / k.before as f64, o.pct(num, k.before))
        }
        _ => (0.0, "—".to_string()),
    };
    let rows: Vec<BarRow> = ranked
        .iter()
        .map(|c| {
            let (g, gt) = value(c.groups.as_ref(), false);
            let (a, at) = value(c.accounts.as_ref(), true);
            BarRow {
                label: label(c),
                values: vec![g, a],
                texts: vec![gt, at],
                ink: None,
            }
        })
        .collect();
    let series = vec![
        Series::new("工作群精简占比", Ink::GroupsRatio),
        Series::new("政务新媒体停止运营占比", Ink::AccountsRatio),
    ];
    let alt = ranked
        .iter()
        .map(|c| {
            format!(
                "{}：工作群精简占比{}，政务新媒体停止运营占比{}",
                label(c),
                value(c.groups.as_ref(), false).1,
                value(c.accounts.as_ref(), true).1
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    let mut out = vec![spec(
        bars(series, rows, true),
        "comparison_ratios",
        "各地精简占比对比",
        &(alt + "。"),
    )];
    for (id, noun, pick) in [
        (
            "comparison_groups",
            "工作群",
            (|c: &CampaignSummary| c.groups.clone()) as fn(&CampaignSummary) -> Option<KindSummary>,
        ),
        ("comparison_accounts", "政务新媒体", |c| {
            c.accounts.clone()
        }),
    ] {
        let with: Vec<(&CampaignSummary, KindSummary)> = ranked
            .iter()
            .filter_map(|c| pick(c).map(|k| (*c, k)))
            .collect();
        if with.is_empty() {
            continue;
        }
        let rows: Vec<BarRow> = with
            .iter()
            .map(|(c, k)| BarRow {
                label: label(c),
                values: vec![k.before as f64, k.after as f64],
                texts: vec![k.before.to_string(), k.after.to_string()],
                ink: None,
            })
            .collect();
        let alt = with
            .iter()
            .map(|(c, k)| format!("{}{}个减至{}个", label(c), k.before, k.after))
            .collect::<Vec<_>>()
            .join("；");
        out.push(spec(
            bars(before_after(), rows, true),
            id,
            &format!("各地{noun}清理前后数量"),
            &format!("各地{noun}清理前后数量：{alt}。"),
        ));
    }
    out
}
