//! Campaigns compared from their reports: the kinds each has, before/after, ratios, items
//! per unit and per 100 staff, cadre burden, and a ranking.

use crate::config::ReportConfig;
use crate::load::Inventory;
use crate::model::{CampaignSummary, Comparison, KindFigures, KindSummary, Report};
use polars::prelude::*;

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

pub fn staff(inventory: &Inventory) -> PolarsResult<Option<u64>> {
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
    let percentages = ReportConfig {
        decimals: campaigns
            .iter()
            .map(|(r, _)| r.campaign.percentages.decimals)
            .max()
            .unwrap_or(ReportConfig::default().decimals),
        ..campaigns
            .first()
            .map(|(r, _)| r.campaign.percentages.numbers())
            .unwrap_or_default()
    };
    Comparison {
        ranking: order.iter().map(|s| s.id.clone()).collect(),
        campaigns: summaries,
        percentages,
    }
}
