//! One row per item active at the baseline or now, with its disposition: the heart of
//! every figure. Pure polars; no I/O.

use super::engine::Run;
use crate::load::ids;
use polars::prelude::*;

/// Columns every item row carries for the breakdowns.
pub const DIMENSIONS: [&str; 4] = ["unit", "township", "level", "platform"];

/// Disposition names, as written in the `disposition` column.
pub const RETAINED: &str = "retained";
pub const MERGED: &str = "merged";
pub const EXPIRED: &str = "expired";
pub const DISSOLVED: &str = "dissolved";
pub const NEW: &str = "new";

/// Whether a group is stage work (阶段性): its 期限 says so, or it has no 期限 and has an
/// end date (到期日期) — a table without a 期限 column still expires its groups. Only 期限
/// = 长期 makes a group with an end date standing. Never null.
pub fn stage_work(term: Expr, expires: Expr) -> Expr {
    when(term.clone().is_not_null())
        .then(term.eq(lit("stage")))
        .otherwise(expires.is_not_null())
}

/// What the disposition of one kind needs from a snapshot.
pub struct Side<'a> {
    /// The kind's table (typed by `load`).
    pub items: &'a DataFrame,
    /// The snapshot's distinct memberships ([`memberships`]), if it has
    /// a members table.
    pub members: Option<&'a DataFrame>,
}

fn suffixed(name: &str, side: &str) -> String {
    format!("{name}_{side}")
}

/// The columns of one side, renamed with a suffix so baseline and current sit side by side.
fn side_frame(frame: &DataFrame, side: &str) -> LazyFrame {
    // Accounts have no term, end date or member count: those read as null.
    let or_null = |name: &str, dtype: DataType| {
        if frame.schema().contains(name) {
            col(name)
        } else {
            lit(NULL).cast(dtype)
        }
    };
    let mut columns = vec![col("id")];
    for name in DIMENSIONS.iter().chain(&["status", "merged_into", "term"]) {
        columns.push(or_null(name, DataType::String).alias(suffixed(name, side)));
    }
    columns.push(or_null("expires", DataType::Date).alias(suffixed("expires", side)));
    columns.push(or_null("members", DataType::Int64).alias(suffixed("members", side)));
    frame.clone().lazy().select(columns)
}

/// The column of [`memberships`]: one 64-bit key per membership, the group's code in the
/// high half and the member's in the low, so the distinct and the joins on memberships
/// hash one integer per row instead of rows of two columns.
pub const PAIR: &str = "pair";

const HALF: u64 = 1 << 32;

/// Distinct memberships of a members table, as [`PAIR`] keys in ascending order.
pub fn memberships(members: &DataFrame) -> PolarsResult<DataFrame> {
    let codes = |name: &str| -> PolarsResult<UInt32Chunked> {
        Ok(members.column(name)?.cat32()?.physical().clone())
    };
    let (groups, members) = (codes("group_id")?, codes("member_id")?);
    // Sorted in place and deduplicated: no hash table and no second copy of a province's
    // 30 million keys (its build's peak fell from 3.65 GB with polars' hash-based distinct
    // to 3.12 GB with this and the changes beside it, BENCHMARKS.md).
    let mut keys: Vec<u64> = groups
        .iter()
        .zip(members.iter())
        .filter_map(|(g, m)| Some(u64::from(g?) * HALF + u64::from(m?)))
        .collect();
    sort_pairs(&mut keys);
    keys.dedup();
    let mut distinct = UInt64Chunked::from_vec(PAIR.into(), keys);
    distinct.set_sorted_flag(polars::series::IsSorted::Ascending);
    DataFrame::new(distinct.len(), vec![distinct.into_column()])
}

/// Sorts [`PAIR`] keys. A members table usually lists each group's members together, in
/// the order its groups were first coded: then only each group's run needs sorting, three
/// times quicker than sorting the whole (BENCHMARKS.md).
fn sort_pairs(keys: &mut [u64]) {
    let group = |key: &u64| key / HALF;
    if keys.windows(2).all(|w| group(&w[0]) <= group(&w[1])) {
        for run in keys.chunk_by_mut(|a, b| group(a) == group(b)) {
            run.sort_unstable();
        }
    } else {
        keys.sort_unstable();
    }
}

/// The group's and the member's code of a [`PAIR`] key.
pub fn split(key: u64) -> (u32, u32) {
    ((key / HALF) as u32, (key % HALF) as u32)
}

/// Members of each group present at the baseline and gone now, from the distinct
/// memberships of both snapshots.
fn removed_by_tables(before: &DataFrame, after: &DataFrame) -> PolarsResult<DataFrame> {
    let still = after.clone().lazy().with_column(lit(true).alias("_still"));
    let removed = before
        .clone()
        .lazy()
        .join(
            still,
            [col(PAIR)],
            [col(PAIR)],
            JoinArgs::new(JoinType::Left),
        )
        .filter(col("_still").is_null())
        .group_by([col(PAIR)
            .floor_div(lit(HALF))
            .cast(DataType::UInt32)
            .alias("group_id")])
        .agg([len().cast(DataType::Int64).alias("_removed")])
        .run()?;
    // One row per group: its id as text, to join the items' ids.
    let group = ids::from_codes(removed.column("group_id")?.u32()?.clone());
    let mut removed = removed;
    removed.with_column(group.cast(&DataType::String)?)?;
    Ok(removed)
}

/// For each id of the `earlier` tables (oldest first), the latest non-blank value of each
/// of [`DIMENSIONS`], as `<name>_h`.
fn earlier_keys(earlier: &[&DataFrame]) -> PolarsResult<LazyFrame> {
    let parts: Vec<LazyFrame> = earlier
        .iter()
        .enumerate()
        .map(|(k, frame)| {
            let mut columns = vec![col("id"), lit(k as u32).alias("_k")];
            for name in DIMENSIONS {
                columns.push(if frame.schema().contains(name) {
                    col(name)
                } else {
                    lit(NULL).cast(DataType::String).alias(name)
                });
            }
            (*frame).clone().lazy().select(columns)
        })
        .collect();
    Ok(concat(parts, UnionArgs::default())?
        .group_by([col("id")])
        .agg(DIMENSIONS.map(|name| {
            col(name)
                .sort_by([col("_k")], SortMultipleOptions::default())
                .drop_nulls()
                .last()
                .alias(suffixed(name, "h"))
        })))
}

/// Every item active at the baseline or now, with its latest attributes, its disposition
/// and the members it lost. `current` is the current snapshot's date as days since 1970.
/// `earlier`: the kind's tables of the snapshots between the baseline and the current one
/// (the baseline's is `before`), oldest first, where a key left blank now is looked up.
pub fn items(
    before: Side,
    after: Side,
    earlier: &[&DataFrame],
    current_days: i32,
) -> PolarsResult<LazyFrame> {
    let mut joined = side_frame(before.items, "b").join(
        side_frame(after.items, "c"),
        [col("id")],
        [col("id")],
        JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
    );
    // A key left blank in the current row (a dissolved group's row often holds only its
    // status) falls back to its latest non-blank value in an earlier snapshot.
    let fallback = if earlier.is_empty() {
        "b"
    } else {
        let mut history = vec![before.items];
        history.extend_from_slice(earlier);
        joined = joined.join(
            earlier_keys(&history)?,
            [col("id")],
            [col("id")],
            JoinArgs::new(JoinType::Left),
        );
        "h"
    };
    let active = |side: &str| {
        col(suffixed("status", side))
            .eq(lit("active"))
            .fill_null(lit(false))
    };
    // An item is described as last recorded, so a group that moved unit counts under its
    // new unit in every column and after = before − closed + new holds in every row.
    let latest = |name: &str| {
        coalesce(&[col(suffixed(name, "c")), col(suffixed(name, fallback))]).alias(name)
    };
    let merged = col("status_c")
        .eq(lit("merged"))
        .fill_null(lit(false))
        .or(col("merged_into_c").is_not_null());
    let stage = stage_work(
        coalesce(&[col("term_c"), col("term_b")]),
        coalesce(&[col("expires_c"), col("expires_b")]),
    );
    let expired = stage.and(
        coalesce(&[col("expires_c"), col("expires_b")])
            .cast(DataType::Int32)
            .lt_eq(lit(current_days))
            .fill_null(lit(false)),
    );
    let disposition = when(active("b").and(active("c")))
        .then(lit(RETAINED))
        .when(active("b").and(merged))
        .then(lit(MERGED))
        .when(active("b").and(expired))
        .then(lit(EXPIRED))
        .when(active("b"))
        .then(lit(DISSOLVED))
        .otherwise(lit(NEW))
        .alias("disposition");

    let mut frame = joined.filter(active("b").or(active("c"))).with_columns([
        disposition,
        latest("unit"),
        latest("township"),
        latest("level"),
        latest("platform"),
    ]);
    let count_drop = (col("members_b") - col("members_c")).clip_min(lit(0));
    let removed = match (before.members, after.members) {
        (Some(b), Some(c)) => {
            frame = frame.join(
                removed_by_tables(b, c)?.lazy(),
                [col("id")],
                [col("group_id")],
                JoinArgs::new(JoinType::Left),
            );
            col("_removed")
        }
        _ => count_drop,
    };
    Ok(frame
        .with_column(
            when(col("disposition").eq(lit(RETAINED)))
                .then(removed.fill_null(lit(0)))
                .otherwise(lit(0))
                .alias("members_removed"),
        )
        .select([
            col("id"),
            col("disposition"),
            active("b").alias("active_before"),
            active("c").alias("active_after"),
            col("members_removed"),
            col("unit"),
            col("township"),
            col("level"),
            col("platform"),
        ])
        .sort(["id"], SortMultipleOptions::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_sort_the_same_grouped_or_not() {
        // A members table in group order (runs of one group, members unsorted within),
        // and the same rows shuffled: both sort as a plain sort does.
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        let grouped: Vec<u64> = (0..500u64)
            .flat_map(|g| (0..(g % 7 + 1)).map(move |_| g))
            .map(|g| g * HALF + next() % 1000)
            .collect();
        let mut shuffled = grouped.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, (next() as usize) % (i + 1));
        }
        let mut expected = grouped.clone();
        expected.sort_unstable();
        for mut keys in [grouped, shuffled] {
            sort_pairs(&mut keys);
            assert_eq!(keys, expected);
        }
    }
}
