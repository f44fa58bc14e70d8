//! 层层汇总: a city's or a province's report added up from its parts' reports. Pure model
//! → model: counts are added exactly, ratios recomputed from the added counts, the burden
//! recomputed from the parts' distributions (which add exactly), breaches carried by part.
//! A roll-up is itself a valid part, and rolling up in two levels gives what one gives.

use crate::config::ReportConfig;
use crate::model::{
    Breach, Burden, BurdenBin, BurdenStats, CampaignInfo, Change, DimensionRow, Figures, Kind,
    KindFigures, Part, Quality, Report, RuleId, Rules, SCHEMA_VERSION, TrendPoint, UncheckedRule,
};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// What the roll-up is called; everything else comes from its parts.
#[derive(Clone, Debug)]
pub struct Identity {
    pub id: String,
    pub name: String,
    pub region: String,
    pub authority: String,
}

/// Adds up `parts` (each with its entry for `Report::parts`), in the order given.
pub fn rollup(identity: Identity, parts: &[(Part, Report)]) -> Report {
    let reports: Vec<&Report> = parts.iter().map(|(_, r)| r).collect();
    let trend = trend(&reports);
    let baseline = reports
        .iter()
        .map(|r| r.campaign.baseline.clone())
        .min()
        .unwrap_or_default();
    let current = reports
        .iter()
        .map(|r| r.campaign.current.clone())
        .max()
        .unwrap_or_default();
    let percentages = reports
        .first()
        .map_or_else(ReportConfig::default, |r| r.campaign.percentages.numbers());
    let kind = |pick: fn(&Report) -> &Option<KindFigures>| {
        let of: Vec<(&str, &KindFigures)> = parts
            .iter()
            .filter_map(|(p, r)| pick(r).as_ref().map(|f| (p.id.as_str(), f)))
            .collect();
        (!of.is_empty()).then(|| kind_figures(&of))
    };
    Report {
        schema_version: SCHEMA_VERSION,
        campaign: CampaignInfo {
            id: identity.id,
            name: identity.name,
            region: identity.region,
            authority: identity.authority,
            baseline,
            current,
            snapshots: trend.iter().map(|t| t.date.clone()).collect(),
            percentages,
        },
        groups: kind(|r| &r.groups),
        accounts: kind(|r| &r.accounts),
        burden: burden(&reports),
        trend,
        rules: rules(parts),
        quality: quality(&reports),
        parts: Some(parts.iter().map(|(p, _)| p.clone()).collect()),
    }
}

fn add(a: &mut Figures, b: &Figures) {
    a.before += b.before;
    a.after += b.after;
    a.retained += b.retained;
    a.trimmed += b.trimmed;
    a.merged += b.merged;
    a.dissolved += b.dissolved;
    a.expired += b.expired;
    a.new += b.new;
    a.members_removed += b.members_removed;
}

fn sum<'a>(figures: impl IntoIterator<Item = &'a Figures>) -> Figures {
    let mut total = Figures::default();
    for f in figures {
        add(&mut total, f);
    }
    total.derive()
}

/// Code point order of the key, the null key last, as a build sorts its breakdowns.
fn key_order(a: &Option<String>, b: &Option<String>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}

/// Rows of the same (part, key) added together, sorted by key then part.
fn merge_rows<'a>(
    rows: impl IntoIterator<Item = (Option<String>, &'a DimensionRow)>,
) -> Vec<DimensionRow> {
    let mut merged: Vec<DimensionRow> = Vec::new();
    let mut at: BTreeMap<(Option<String>, Option<String>), usize> = BTreeMap::new();
    for (part, row) in rows {
        let slot = *at
            .entry((part.clone(), row.key.clone()))
            .or_insert_with(|| {
                merged.push(DimensionRow {
                    key: row.key.clone(),
                    part,
                    figures: Figures::default(),
                });
                merged.len() - 1
            });
        add(&mut merged[slot].figures, &row.figures);
    }
    for row in &mut merged {
        row.figures = std::mem::take(&mut row.figures).derive();
    }
    merged.sort_by(|a, b| key_order(&a.key, &b.key).then_with(|| a.part.cmp(&b.part)));
    merged
}

/// Exactly, by cross-multiplying the counts: the higher reduction ratio first, a part
/// with nothing before last; then the larger, then by id.
fn ranked(a: &DimensionRow, b: &DimensionRow) -> Ordering {
    let (fa, fb) = (&a.figures, &b.figures);
    let reduced = |f: &Figures| i128::from(f.before) - i128::from(f.after);
    let by_ratio = match (fa.before, fb.before) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Greater,
        (_, 0) => Ordering::Less,
        _ => (reduced(fb) * i128::from(fa.before)).cmp(&(reduced(fa) * i128::from(fb.before))),
    };
    by_ratio
        .then(fb.before.cmp(&fa.before))
        .then_with(|| a.key.cmp(&b.key))
}

fn kind_figures(parts: &[(&str, &KindFigures)]) -> KindFigures {
    let across = |pick: fn(&KindFigures) -> &Vec<DimensionRow>| {
        merge_rows(
            parts
                .iter()
                .flat_map(|(_, f)| pick(f).iter().map(|r| (None, r))),
        )
    };
    // A unit stays within its part (the innermost one, for a roll-up of roll-ups).
    let by_unit = merge_rows(parts.iter().flat_map(|(id, f)| {
        f.by_unit
            .iter()
            .map(|r| (Some(r.part.clone().unwrap_or_else(|| id.to_string())), r))
    }));
    let mut by_part: Vec<DimensionRow> = parts
        .iter()
        .map(|(id, f)| DimensionRow {
            key: Some(id.to_string()),
            part: None,
            figures: f.totals.clone(),
        })
        .collect();
    by_part.sort_by(ranked);
    KindFigures {
        totals: sum(parts.iter().map(|(_, f)| &f.totals)),
        by_unit,
        by_township: across(|f| &f.by_township),
        by_level: across(|f| &f.by_level),
        by_platform: across(|f| &f.by_platform),
        by_part,
    }
}

/// The parts' distributions added bin by bin; every statistic recomputed from them. A
/// cadre counted in two parts is counted in each.
fn burden(reports: &[&Report]) -> Option<Burden> {
    let burdens: Vec<&Burden> = reports.iter().filter_map(|r| r.burden.as_ref()).collect();
    if burdens.is_empty() {
        return None;
    }
    let mut distribution: Vec<BurdenBin> = Vec::new();
    for b in &burdens {
        for bin in &b.distribution {
            let at = bin.groups as usize;
            while distribution.len() <= at {
                distribution.push(BurdenBin {
                    groups: distribution.len() as u64,
                    before: 0,
                    after: 0,
                });
            }
            distribution[at].before += bin.before;
            distribution[at].after += bin.after;
        }
    }
    let mut top: Vec<_> = burdens.iter().flat_map(|b| b.top.iter().cloned()).collect();
    top.sort_by(|a, b| {
        b.before
            .cmp(&a.before)
            .then(b.after.cmp(&a.after))
            .then_with(|| a.cadre.cmp(&b.cadre))
    });
    top.truncate(super::burden::TOP_CADRES);
    let counts = |pick: fn(&BurdenBin) -> u64| -> Vec<(u64, u64)> {
        distribution.iter().map(|b| (b.groups, pick(b))).collect()
    };
    Some(Burden {
        cadres: burdens.iter().map(|b| b.cadres).sum(),
        before: stats(&counts(|b| b.before)),
        after: stats(&counts(|b| b.after)),
        distribution,
        top,
        // Messages per cadre are not kept as a distribution: they cannot be added exactly.
        messages: None,
    })
}

/// The statistics of a histogram of (groups, cadres), as polars computes them from the
/// cadres' counts: the mean from the exact sum, the median and p90 by linear interpolation
/// between ranks.
pub fn stats(histogram: &[(u64, u64)]) -> BurdenStats {
    let n: u64 = histogram.iter().map(|(_, c)| c).sum();
    if n == 0 {
        return BurdenStats {
            mean: 0.0,
            median: 0.0,
            p90: 0.0,
            max: 0,
            ge10: 0,
        };
    }
    let total: u64 = histogram.iter().map(|(g, c)| g * c).sum();
    // The value at rank `i` (0-based) of the sorted counts.
    let at = |i: u64| -> f64 {
        let mut seen = 0;
        for (g, c) in histogram {
            seen += c;
            if i < seen {
                return *g as f64;
            }
        }
        0.0
    };
    let quantile = |q: f64| -> f64 {
        let float_idx = (n as f64 - 1.0) * q;
        let idx = (float_idx as u64).min(n - 1);
        let top = (float_idx.ceil() as u64).min(n - 1);
        let (lower, upper) = (at(idx), at(top));
        if lower == upper {
            lower
        } else {
            (float_idx - idx as f64) * (upper - lower) + lower
        }
    };
    BurdenStats {
        mean: total as f64 / n as f64,
        median: quantile(0.5),
        p90: quantile(0.9),
        max: histogram
            .iter()
            .filter(|(_, c)| *c > 0)
            .map(|(g, _)| *g)
            .max()
            .unwrap_or(0),
        ge10: histogram
            .iter()
            .filter(|(g, _)| *g >= 10)
            .map(|(_, c)| c)
            .sum(),
    }
}

/// The dates every part has a snapshot at, each the sum of the parts' active items; a
/// change is added only where every part's previous snapshot is the previous common date.
fn trend(reports: &[&Report]) -> Vec<TrendPoint> {
    let Some((first, rest)) = reports.split_first() else {
        return Vec::new();
    };
    let dates: Vec<String> = first
        .trend
        .iter()
        .map(|t| t.date.clone())
        .filter(|d| rest.iter().all(|r| r.trend.iter().any(|t| &t.date == d)))
        .collect();
    let mut points = Vec::with_capacity(dates.len());
    for (i, date) in dates.iter().enumerate() {
        let at: Vec<(&Report, &TrendPoint)> = reports
            .iter()
            .filter_map(|r| r.trend.iter().find(|t| &t.date == date).map(|t| (*r, t)))
            .collect();
        let previous = i.checked_sub(1).map(|p| dates[p].as_str());
        // Only the parts that have the kind at all count towards it.
        let of = |kind: Kind| {
            at.iter()
                .filter(move |(r, _)| r.kinds().any(|(k, _)| k == kind))
        };
        let active = |kind: Kind, pick: fn(&TrendPoint) -> Option<u64>| -> Option<u64> {
            let mut parts = of(kind).peekable();
            parts.peek()?;
            parts.map(|(_, t)| pick(t)).sum()
        };
        let change = |kind: Kind, pick: fn(&TrendPoint) -> &Option<Change>| -> Option<Change> {
            let since = previous?;
            let mut total = Change {
                since: since.to_string(),
                new: 0,
                closed: 0,
            };
            let mut any = false;
            for (_, t) in of(kind) {
                let c = pick(t).as_ref()?;
                if c.since != since {
                    return None;
                }
                any = true;
                total.new += c.new;
                total.closed += c.closed;
            }
            any.then_some(total)
        };
        points.push(TrendPoint {
            date: date.clone(),
            groups: active(Kind::Groups, |t| t.groups),
            accounts: active(Kind::Accounts, |t| t.accounts),
            groups_change: change(Kind::Groups, |t| &t.groups_change),
            accounts_change: change(Kind::Accounts, |t| &t.accounts_change),
        });
    }
    points
}

/// Breach counts added; every breach and merge candidate carried with its part.
fn rules(parts: &[(Part, Report)]) -> Rules {
    let mut counts: BTreeMap<RuleId, u64> = RuleId::ALL.iter().map(|r| (*r, 0)).collect();
    let mut breaches: Vec<Breach> = Vec::new();
    let mut overlaps = Vec::new();
    for (part, report) in parts {
        for (rule, n) in &report.rules.counts {
            *counts.entry(*rule).or_default() += n;
        }
        breaches.extend(report.rules.breaches.iter().map(|b| Breach {
            part: Some(b.part.clone().unwrap_or_else(|| part.id.clone())),
            ..b.clone()
        }));
        overlaps.extend(report.rules.overlaps.iter().cloned());
    }
    Rules {
        due: parts
            .iter()
            .map(|(_, r)| r.rules.due.clone())
            .max()
            .unwrap_or_default(),
        counts,
        breaches,
        overlaps,
        // A unit is judged against the most lenient of its parts' limits, so a roll-up
        // never names a unit that its own county's rules allow.
        max_groups_per_unit: parts
            .iter()
            .map(|(_, r)| r.rules.max_groups_per_unit)
            .max()
            .unwrap_or_default(),
    }
}

fn quality(reports: &[&Report]) -> Quality {
    let mut unchecked: Vec<UncheckedRule> = Vec::new();
    for u in reports.iter().flat_map(|r| &r.quality.unchecked_rules) {
        match unchecked.iter_mut().find(|x| {
            x.rule == u.rule && x.kind == u.kind && x.reason == u.reason && x.column == u.column
        }) {
            Some(x) => x.rows += u.rows,
            None => unchecked.push(u.clone()),
        }
    }
    Quality {
        tables: Vec::new(),
        members_of_unknown_groups: reports
            .iter()
            .map(|r| r.quality.members_of_unknown_groups)
            .sum(),
        duplicate_memberships: reports
            .iter()
            .map(|r| r.quality.duplicate_memberships)
            .sum(),
        merge_problems: reports
            .iter()
            .flat_map(|r| r.quality.merge_problems.iter().cloned())
            .collect(),
        unchecked_rules: unchecked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_from_a_histogram_match_the_cadres_counts() {
        // Counts 0, 1, 1, 2, 5, 12: median 1.5, p90 at rank 4.5 → 8.5.
        let s = stats(&[(0, 1), (1, 2), (2, 1), (5, 1), (12, 1)]);
        assert_eq!(s.mean, 21.0 / 6.0);
        assert_eq!(s.median, 1.5);
        assert_eq!(s.p90, 8.5);
        assert_eq!((s.max, s.ge10), (12, 1));
    }
}
