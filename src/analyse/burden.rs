//! Cadre burden: how many active groups each cadre sits in, before and after.

use super::items::memberships;
use crate::report::{Burden, BurdenBin, BurdenStats};
use polars::prelude::*;

/// Active groups per member at one snapshot.
fn groups_per_member(groups: &DataFrame, members: &DataFrame, name: &str) -> LazyFrame {
    let active = groups
        .clone()
        .lazy()
        .filter(col("status").eq(lit("active")))
        .select([col("id")]);
    memberships(members)
        .join(
            active,
            [col("group_id")],
            [col("id")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("member_id")])
        .agg([len().cast(DataType::Int64).alias(name)])
}

fn stats(frame: &DataFrame, name: &str) -> PolarsResult<BurdenStats> {
    let n = || col(name).cast(DataType::Float64);
    let out = frame
        .clone()
        .lazy()
        .select([
            n().mean().alias("mean"),
            n().median().alias("median"),
            n().quantile(lit(0.9), QuantileMethod::Linear).alias("p90"),
            col(name).max().cast(DataType::UInt64).alias("max"),
            col(name)
                .gt_eq(lit(10))
                .cast(DataType::UInt64)
                .sum()
                .alias("ge10"),
        ])
        .collect()?;
    let f = |c: &str| -> PolarsResult<f64> { Ok(out.column(c)?.f64()?.get(0).unwrap_or(0.0)) };
    let u = |c: &str| -> PolarsResult<u64> { Ok(out.column(c)?.u64()?.get(0).unwrap_or(0)) };
    Ok(BurdenStats {
        mean: f("mean")?,
        median: f("median")?,
        p90: f("p90")?,
        max: u("max")?,
        ge10: u("ge10")?,
    })
}

/// Cadres per number of groups, at both snapshots, with every count up to `max` present.
fn distribution(per_cadre: &DataFrame, max: u64) -> PolarsResult<Vec<BurdenBin>> {
    let mut bins: Vec<BurdenBin> = (0..=max)
        .map(|groups| BurdenBin {
            groups,
            before: 0,
            after: 0,
        })
        .collect();
    for (name, pick) in [
        (
            "before",
            (|b: &mut BurdenBin| &mut b.before) as fn(&mut BurdenBin) -> &mut u64,
        ),
        ("after", |b: &mut BurdenBin| &mut b.after),
    ] {
        let counts = per_cadre
            .clone()
            .lazy()
            .group_by([col(name)])
            .agg([len().cast(DataType::UInt64).alias("cadres")])
            .collect()?;
        let groups = counts.column(name)?.i64()?;
        let cadres = counts.column("cadres")?.u64()?;
        for (g, c) in groups.iter().zip(cadres.iter()) {
            if let (Some(g), Some(c)) = (g, c)
                && let Some(bin) = bins.get_mut(g as usize)
            {
                *pick(bin) = c;
            }
        }
    }
    Ok(bins)
}

/// The cadres are every member id in either snapshot's members table; a cadre absent from
/// one snapshot sits in 0 groups there.
pub fn burden(
    groups_before: &DataFrame,
    members_before: &DataFrame,
    groups_after: &DataFrame,
    members_after: &DataFrame,
) -> PolarsResult<Option<Burden>> {
    let cadres = concat(
        [
            members_before.clone().lazy().select([col("member_id")]),
            members_after.clone().lazy().select([col("member_id")]),
        ],
        UnionArgs::default(),
    )?
    .unique_stable(None, UniqueKeepStrategy::First);
    let left = JoinArgs::new(JoinType::Left);
    let per_cadre = cadres
        .join(
            groups_per_member(groups_before, members_before, "before"),
            [col("member_id")],
            [col("member_id")],
            left.clone(),
        )
        .join(
            groups_per_member(groups_after, members_after, "after"),
            [col("member_id")],
            [col("member_id")],
            left,
        )
        .with_columns([
            col("before").fill_null(lit(0)),
            col("after").fill_null(lit(0)),
        ])
        .collect()?;
    if per_cadre.height() == 0 {
        return Ok(None);
    }
    let before = stats(&per_cadre, "before")?;
    let after = stats(&per_cadre, "after")?;
    Ok(Some(Burden {
        cadres: per_cadre.height() as u64,
        distribution: distribution(&per_cadre, before.max.max(after.max))?,
        before,
        after,
    }))
}
