//! Cadre burden: how many active groups each cadre sits in, and how many messages those
//! groups carry, before and after. Cadres are named only by keyed pseudonyms.

use super::engine::Run;
use super::items;
use crate::load::Table;
use crate::model::{Burden, BurdenBin, BurdenStats, MessageLoad, TopCadre};
use crate::privacy::Pseudonyms;
use polars::prelude::*;

/// How many of the most burdened cadres the report lists.
pub(super) const TOP_CADRES: usize = 10;

/// Marks a group code that is not an active group of the snapshot ([`active_groups`]).
const NOT_ACTIVE: i64 = -1;

/// Per group code: the group's monthly messages (0 when not given) when it is active in
/// the snapshot, else [`NOT_ACTIVE`] (messages are counts, never negative).
fn active_groups(
    groups: &DataFrame,
    mapping: &CategoricalMapping,
    codes: usize,
) -> PolarsResult<Vec<i64>> {
    let active = groups
        .clone()
        .lazy()
        .filter(col("status").eq(lit("active")))
        .select([
            col("id"),
            col("messages_30d")
                .cast(DataType::Int64)
                .fill_null(lit(0i64)),
        ])
        .run()?;
    let mut by_code = vec![NOT_ACTIVE; codes];
    let ids = active.column("id")?.str()?;
    let messages = active.column("messages_30d")?.i64()?;
    for (id, messages) in ids.iter().zip(messages.iter()) {
        // A group no members table names has no code (or one handed out since).
        if let Some(slot) = id
            .and_then(|id| mapping.get_cat(id))
            .and_then(|code| by_code.get_mut(code as usize))
        {
            *slot = messages.unwrap_or(0);
        }
    }
    Ok(by_code)
}

/// One row per cadre (every member of either snapshot's memberships): the active groups
/// they sit in and those groups' monthly messages, before and after. Tallied in arrays
/// indexed by member code rather than by a group-by over every membership: at a province's
/// 5 million cadres and 39 million memberships the build's peak fell from 3.12 to 2.46 GB.
fn per_cadre(inputs: &BurdenInputs) -> PolarsResult<DataFrame> {
    let mapping = inputs
        .members_before
        .frame
        .column("member_id")?
        .cat32()?
        .get_mapping()
        .clone();
    let codes = mapping.num_cats_upper_bound();
    let mut groups = [vec![0i64; codes], vec![0i64; codes]];
    let mut messages = [vec![0i64; codes], vec![0i64; codes]];
    let mut seen = vec![false; codes];
    let sides = [
        (&inputs.groups_before.frame, inputs.pairs_before),
        (&inputs.groups_after.frame, inputs.pairs_after),
    ];
    for (side, (groups_frame, pairs)) in sides.into_iter().enumerate() {
        let active = active_groups(groups_frame, &mapping, codes)?;
        for key in pairs.column(items::PAIR)?.u64()?.into_no_null_iter() {
            let (group, member) = items::split(key);
            let (group, member) = (group as usize, member as usize);
            seen[member] = true;
            if active[group] != NOT_ACTIVE {
                groups[side][member] += 1;
                messages[side][member] += active[group];
            }
        }
    }
    let cadres: Vec<u32> = (0..codes as u32).filter(|&m| seen[m as usize]).collect();
    let column = |name: &str, values: &[i64]| {
        let picked: Vec<i64> = cadres.iter().map(|&m| values[m as usize]).collect();
        Column::new(name.into(), picked)
    };
    let columns = vec![
        column("before", &groups[0]),
        column("after", &groups[1]),
        column("messages_before", &messages[0]),
        column("messages_after", &messages[1]),
    ];
    let mut frame = vec![crate::load::ids::from_codes(UInt32Chunked::from_vec(
        "member_id".into(),
        cadres,
    ))];
    frame.extend(columns);
    DataFrame::new(frame[0].len(), frame)
}

/// Where the burden is read from, and how cadres are shown.
pub struct BurdenInputs<'a> {
    pub groups_before: &'a Table,
    pub members_before: &'a Table,
    /// The baseline's distinct memberships ([`items::memberships`]).
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
    let ids = top.column("member_id")?.cast(&DataType::String)?;
    let ids = ids.str()?;
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
            .cat32()?
            .iter_str()
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
    let per_cadre = per_cadre(inputs)?;
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
