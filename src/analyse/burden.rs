//! Cadre burden: how many active groups each cadre sits in, and how many messages those
//! groups carry, before and after. Cadres are named only by keyed pseudonyms.

use super::items::memberships;
use crate::load::Table;
use crate::privacy::Pseudonyms;
use crate::report::{Burden, BurdenBin, BurdenStats, MessageLoad, TopCadre};
use polars::prelude::*;

/// How many of the most burdened cadres the report lists.
const TOP_CADRES: usize = 10;

/// Active groups (and their monthly messages) per member at one snapshot.
fn groups_per_member(groups: &DataFrame, members: &DataFrame, side: &str) -> LazyFrame {
    let active = groups
        .clone()
        .lazy()
        .filter(col("status").eq(lit("active")))
        .select([col("id"), col("messages_30d")]);
    memberships(members)
        .join(
            active,
            [col("group_id")],
            [col("id")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("member_id")])
        .agg([
            len().cast(DataType::Int64).alias(side),
            col("messages_30d")
                .sum()
                .cast(DataType::Int64)
                .alias(format!("messages_{side}")),
        ])
}

/// Where the burden is read from, and how cadres are shown.
pub struct BurdenInputs<'a> {
    pub groups_before: &'a Table,
    pub members_before: &'a Table,
    pub groups_after: &'a Table,
    pub members_after: &'a Table,
    pub pseudonyms: &'a Pseudonyms,
    /// The campaign opted in to show cadres' names (姓名) instead of pseudonyms.
    pub show_names: bool,
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

/// The most burdened cadres at the baseline, by groups before, then after, then id.
fn top_cadres(per_cadre: &DataFrame, inputs: &BurdenInputs) -> PolarsResult<Vec<TopCadre>> {
    let top = per_cadre
        .clone()
        .lazy()
        .sort(
            ["before", "after", "member_id"],
            SortMultipleOptions::default().with_order_descending_multi([true, true, false]),
        )
        .limit(TOP_CADRES as IdxSize)
        .collect()?;
    let ids = top.column("member_id")?.str()?;
    let before = top.column("before")?.i64()?;
    let after = top.column("after")?.i64()?;
    let names = if inputs.show_names {
        names_of(inputs)?
    } else {
        Default::default()
    };
    Ok((0..top.height())
        .map(|i| {
            let id = ids.get(i).unwrap_or_default();
            TopCadre {
                cadre: names
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| inputs.pseudonyms.of(id)),
                before: before.get(i).unwrap_or(0) as u64,
                after: after.get(i).unwrap_or(0) as u64,
            }
        })
        .collect())
}

/// Member id → name (姓名), from either members table; only read when the campaign opts in.
fn names_of(inputs: &BurdenInputs) -> PolarsResult<std::collections::HashMap<String, String>> {
    let mut names = std::collections::HashMap::new();
    for table in [inputs.members_after, inputs.members_before] {
        let frame = &table.frame;
        for (id, name) in frame
            .column("member_id")?
            .str()?
            .iter()
            .zip(frame.column("name")?.str()?.iter())
        {
            if let (Some(id), Some(name)) = (id, name) {
                names
                    .entry(id.to_string())
                    .or_insert_with(|| name.to_string());
            }
        }
    }
    Ok(names)
}

/// Messages per cadre per month, where both snapshots give 近30日消息数.
fn message_load(per_cadre: &DataFrame, inputs: &BurdenInputs) -> PolarsResult<Option<MessageLoad>> {
    if !(inputs.groups_before.has("messages_30d") && inputs.groups_after.has("messages_30d")) {
        return Ok(None);
    }
    let side = |name: &str| -> PolarsResult<BurdenStats> { stats(per_cadre, name) };
    Ok(Some(MessageLoad {
        before: side("messages_before")?,
        after: side("messages_after")?,
    }))
}

/// The cadres are every member id in either snapshot's members table; a cadre absent from
/// one snapshot sits in 0 groups there.
pub fn burden(inputs: &BurdenInputs) -> PolarsResult<Option<Burden>> {
    let groups_before = &inputs.groups_before.frame;
    let groups_after = &inputs.groups_after.frame;
    let members_before = &inputs.members_before.frame;
    let members_after = &inputs.members_after.frame;
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
            col("messages_before").fill_null(lit(0)),
            col("messages_after").fill_null(lit(0)),
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
        top: top_cadres(&per_cadre, inputs)?,
        messages: message_load(&per_cadre, inputs)?,
        before,
        after,
    }))
}
