//! `jianfu compare`: one report comparing campaigns across cities — the kinds each has,
//! before/after, ratios, items per unit and per 100 staff, cadre burden, a ranking.
//! Built from each campaign's own report model; rendered by the same renderers.

use crate::error::Error;
use crate::load::{Inventory, Scope, load_campaign};
use crate::render::view::{
    CellValue, CellView, ColumnView, NONE, TableView, View, ViewOptions, chinese_date,
};
use crate::render::{Output, charts, html, pdf, xlsx};
use crate::report::{KindFigures, Report};
use crate::staging::Staging;
use polars::prelude::*;
use serde::Serialize;
use std::path::PathBuf;

/// The comparison's figures, written as comparison.json.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub campaigns: Vec<CampaignSummary>,
    /// Campaign ids, best first: by the groups' reduction ratio, then the accounts' closure
    /// rate; campaigns without groups after those with.
    pub ranking: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CampaignSummary {
    pub id: String,
    pub name: String,
    pub region: String,
    pub baseline: String,
    pub current: String,
    /// Staff of all units (在编人数 in units.csv); null without it.
    pub staff: Option<u64>,
    pub groups: Option<KindSummary>,
    pub accounts: Option<KindSummary>,
    /// Median active groups per cadre, before and after; null without members tables.
    pub burden_median_before: Option<f64>,
    pub burden_median_after: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct KindSummary {
    pub before: u64,
    pub after: u64,
    pub closed: u64,
    pub new: u64,
    pub reduction_ratio: Option<f64>,
    pub closure_rate: Option<f64>,
    /// Units with an item at either snapshot.
    pub units: u64,
    /// Active items now per unit; null without units.
    pub per_unit_after: Option<f64>,
    /// Active items now per 100 staff; null without staff.
    pub per_100_staff_after: Option<f64>,
}

fn summary(kind: &KindFigures, staff: Option<u64>) -> KindSummary {
    let t = &kind.totals;
    let units = kind.by_unit.iter().filter(|r| r.key.is_some()).count() as u64;
    KindSummary {
        before: t.before,
        after: t.after,
        closed: t.closed,
        new: t.new,
        reduction_ratio: t.reduction_ratio,
        closure_rate: t.closure_rate,
        units,
        per_unit_after: (units > 0).then(|| t.after as f64 / units as f64),
        per_100_staff_after: staff
            .filter(|s| *s > 0)
            .map(|s| t.after as f64 * 100.0 / s as f64),
    }
}

fn staff(inventory: &Inventory) -> PolarsResult<Option<u64>> {
    let Some(units) = &inventory.units else {
        return Ok(None);
    };
    if !units.has("staff") {
        return Ok(None);
    }
    Ok(units
        .frame
        .column("staff")?
        .i64()?
        .sum()
        .map(|s| s.max(0) as u64))
}

/// Compares campaigns from their reports, ranking them.
pub fn compare(campaigns: &[(Report, Option<u64>)]) -> Comparison {
    let summaries: Vec<CampaignSummary> = campaigns
        .iter()
        .map(|(r, staff)| CampaignSummary {
            id: r.campaign.id.clone(),
            name: r.campaign.name.clone(),
            region: r.campaign.region.clone(),
            baseline: r.campaign.baseline.clone(),
            current: r.campaign.current.clone(),
            staff: *staff,
            groups: r.groups.as_ref().map(|k| summary(k, *staff)),
            accounts: r.accounts.as_ref().map(|k| summary(k, *staff)),
            burden_median_before: r.burden.as_ref().map(|b| b.before.median),
            burden_median_after: r.burden.as_ref().map(|b| b.after.median),
        })
        .collect();
    let mut order: Vec<&CampaignSummary> = summaries.iter().collect();
    // Higher is better; a missing ratio ranks after any present one.
    let key = |s: &CampaignSummary| {
        (
            s.groups
                .as_ref()
                .and_then(|g| g.reduction_ratio)
                .unwrap_or(f64::NEG_INFINITY),
            s.accounts
                .as_ref()
                .and_then(|a| a.closure_rate)
                .unwrap_or(f64::NEG_INFINITY),
        )
    };
    order.sort_by(|a, b| {
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.id.cmp(&b.id))
    });
    Comparison {
        ranking: order.iter().map(|s| s.id.clone()).collect(),
        campaigns: summaries,
    }
}

/// The comparison as a reader sees it, laid out by the same renderers as a report.
pub fn comparison_view(cmp: &Comparison, o: &ViewOptions) -> View {
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
        period: crate::render::view::quarter_name(
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

fn comparison_table(cmp: &Comparison, o: &ViewOptions) -> TableView {
    let text = |s: String| CellView {
        text: s,
        value: CellValue::Text,
    };
    let count = |n: Option<u64>| match n {
        Some(n) => CellView {
            text: n.to_string(),
            value: CellValue::Count { n },
        },
        None => text(NONE.into()),
    };
    let pct = |n: Option<(i64, u64)>| match n {
        Some((num, den)) => {
            let printed = o.pct(num, den);
            let rounded = crate::percent::percent(num, den, o.decimals, o.rounding)
                .and_then(|p| p.parse::<f64>().ok())
                .map(|p| p / 100.0);
            CellView {
                text: printed,
                value: CellValue::Ratio { rounded },
            }
        }
        None => text(NONE.into()),
    };
    let decimal = |v: Option<f64>| text(v.map_or_else(|| NONE.into(), |v| format!("{v:.1}")));
    let labels = [
        ("名次", true),
        ("地区", false),
        ("截至", false),
        ("工作群清理前", true),
        ("工作群清理后", true),
        ("工作群精简占比", true),
        ("每单位在用群数", true),
        ("每百名在编人员在用群数", true),
        ("政务新媒体清理前", true),
        ("政务新媒体清理后", true),
        ("停止运营占比", true),
        ("干部所在群数中位数（前→后）", false),
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
                text(label(c)),
                text(c.current.clone()),
                count(g.map(|g| g.before)),
                count(g.map(|g| g.after)),
                pct(g.map(|g| (g.before as i64 - g.after as i64, g.before))),
                decimal(g.and_then(|g| g.per_unit_after)),
                decimal(g.and_then(|g| g.per_100_staff_after)),
                count(a.map(|a| a.before)),
                count(a.map(|a| a.after)),
                pct(a.map(|a| (a.closed as i64, a.before))),
                text(match (c.burden_median_before, c.burden_median_after) {
                    (Some(b), Some(a)) => format!("{b:.1} → {a:.1}"),
                    _ => NONE.into(),
                }),
            ]
        })
        .collect();
    TableView {
        id: "comparison".into(),
        title: "附件1 各地清理整治情况对比".into(),
        columns: labels
            .iter()
            .map(|(l, numeric)| ColumnView {
                label: (*l).into(),
                numeric: *numeric,
            })
            .collect(),
        rows,
        total: None,
    }
}

/// What `compare` is asked to do.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    pub out: PathBuf,
    pub pdf: pdf::PdfOptions,
}

/// Builds the comparison report of `campaigns` into `options.out`. Like a build, the
/// folder appears whole or not at all; a PDF failure is returned after the rest is written.
pub fn run(
    campaigns: &[PathBuf],
    options: &CompareOptions,
) -> Result<(Comparison, Vec<Error>), Error> {
    let mut reports = Vec::with_capacity(campaigns.len());
    let mut problems = Vec::new();
    for dir in campaigns {
        match load_campaign(dir, Scope::Latest) {
            Ok(inventory) => {
                let report = crate::analyse::analyse(&inventory)?;
                reports.push((report, staff(&inventory)?));
            }
            Err(p) => problems.extend(p),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let cmp = compare(&reports);
    let o = ViewOptions::default();
    let view = comparison_view(&cmp, &o);
    let charts = charts::comparison_charts(&cmp, &o);
    let mut json = serde_json::to_vec_pretty(&cmp).map_err(|e| Error::Internal(e.to_string()))?;
    json.push(b'\n');
    let mut outputs = vec![
        Output {
            path: "comparison.json".into(),
            bytes: json,
        },
        html::render_html(&view, &charts, options.pdf.templates.as_deref())?,
        xlsx::render_xlsx(&view)?,
    ];
    outputs.extend(charts.iter().map(|c| Output {
        path: format!("charts/{}.svg", c.id),
        bytes: c.svg.clone().into_bytes(),
    }));
    let mut failed = Vec::new();
    match pdf::render_pdf(&view, &charts, &options.pdf) {
        Ok(pdf) => outputs.push(pdf),
        Err(e) => failed.push(e),
    }
    let staging = Staging::new(&options.out)?;
    for output in &outputs {
        staging.write(&output.path, &output.bytes)?;
    }
    staging.commit()?;
    Ok((cmp, failed))
}
