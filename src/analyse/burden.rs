//! Cadre burden: how many active groups each cadre sits in, and how many messages those
//! groups carry, before and after. Cadres are named only by keyed pseudonyms.

use crate::analyse::Run;
use crate::load::Table;
use crate::privacy::Pseudonyms;
use crate::report::{Burden, BurdenBin, BurdenStats, MessageLoad, TopCadre};
use polars::prelude::*;

/// How many of the most burdened cadres the report lists.
const TOP_CADRES: usize = 10;

/// One row per distinct membership of a snapshot: the member, 1 in the snapshot's column
/// when the group is active there (0 otherwise, and 0 in the other snapshot's column), and
/// the group's monthly messages likewise.
fn flagged(groups: &DataFrame, pairs: &DataFrame, at_baseline: bool) -> LazyFrame {
    let active = groups
        .clone()
        .lazy()
        .filter(col("status").eq(lit("active")))
        .select([
            col("id"),
            lit(1i64).alias("_active"),
            col("messages_30d")
                .cast(DataType::Int64)
                .fill_null(lit(0i64))
                .alias("_messages"),
        ]);
    // Literal integers are "dynamic"; the two snapshots' frames must agree on types.
    let zero = || lit(0i64).cast(DataType::Int64);
    let (groups, messages) = (
        col("_active").fill_null(lit(0i64)).cast(DataType::Int64),
        col("_messages").fill_null(lit(0i64)).cast(DataType::Int64),
    );
    let columns = if at_baseline {
        [
            col("member_id"),
            groups.alias("before"),
            zero().alias("after"),
            messages.alias("messages_before"),
            zero().alias("messages_after"),
        ]
    } else {
        [
            col("member_id"),
            zero().alias("before"),
            groups.alias("after"),
            zero().alias("messages_before"),
            messages.alias("messages_after"),
        ]
    };
    pairs
        .clone()
        .lazy()
        .join(
            active,
            [col("group_id")],
            [col("id")],
            JoinArgs::new(JoinType::Left),
        )
        .select(columns)
}

/// Where the burden is read from, and how cadres are shown.
pub struct BurdenInputs<'a> {
    pub groups_before: &'a Table,
    pub members_before: &'a Table,
    /// The baseline's distinct (group_id, member_id) pairs.
    pub pairs_before: &'a DataFrame,
    pub groups_after: &'a Table,
    pub members_after: &'a Table,
    pub pairs_after: &'a DataFrame,
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
        .run()?;
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
            .run()?;
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
        .run()?;
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
    // One pass: every membership of either snapshot, summed per cadre.
    let sum = |name: &str| col(name).sum().cast(DataType::Int64);
    let per_cadre = concat(
        [
            flagged(&inputs.groups_before.frame, inputs.pairs_before, true),
            flagged(&inputs.groups_after.frame, inputs.pairs_after, false),
        ],
        UnionArgs::default(),
    )?
    .group_by([col("member_id")])
    .agg([
        sum("before"),
        sum("after"),
        sum("messages_before"),
        sum("messages_after"),
    ])
    .run()?;
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
