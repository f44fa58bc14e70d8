//! Counting dispositions: totals and the breakdowns by unit, township, level and platform.

use super::engine::Run;
use super::items::{DISSOLVED, EXPIRED, MERGED, NEW, RETAINED};
use crate::model::{DimensionRow, Figures, KindFigures};
use polars::prelude::*;

/// The counted columns, in the order `figures_from_row` reads them.
const COUNTS: [&str; 8] = [
    "before",
    "after",
    "retained",
    "trimmed",
    "merged",
    "dissolved",
    "expired",
    "new",
];

fn counts() -> Vec<Expr> {
    let is = |d: &str| col("disposition").eq(lit(d)).cast(DataType::UInt64).sum();
    vec![
        col("active_before")
            .cast(DataType::UInt64)
            .sum()
            .alias("before"),
        col("active_after")
            .cast(DataType::UInt64)
            .sum()
            .alias("after"),
        is(RETAINED).alias("retained"),
        col("members_removed")
            .gt(lit(0))
            .cast(DataType::UInt64)
            .sum()
            .alias("trimmed"),
        is(MERGED).alias("merged"),
        is(DISSOLVED).alias("dissolved"),
        is(EXPIRED).alias("expired"),
        is(NEW).alias("new"),
        col("members_removed")
            .cast(DataType::UInt64)
            .sum()
            .alias("members_removed"),
    ]
}

fn u64_at(frame: &DataFrame, name: &str, row: usize) -> PolarsResult<u64> {
    Ok(frame.column(name)?.u64()?.get(row).unwrap_or(0))
}

fn figures_at(frame: &DataFrame, row: usize) -> PolarsResult<Figures> {
    let mut values = [0u64; COUNTS.len()];
    for (value, name) in values.iter_mut().zip(COUNTS) {
        *value = u64_at(frame, name, row)?;
    }
    let [
        before,
        after,
        retained,
        trimmed,
        merged,
        dissolved,
        expired,
        new,
    ] = values;
    Ok(Figures {
        before,
        after,
        retained,
        trimmed,
        merged,
        dissolved,
        expired,
        new,
        members_removed: u64_at(frame, "members_removed", row)?,
        ..Figures::default()
    }
    .derive())
}

/// The totals of one kind from its item rows.
pub fn totals(items: LazyFrame) -> PolarsResult<Figures> {
    figures_at(&items.select(counts()).run()?, 0)
}

/// Totals and breakdowns of one kind from its item rows.
pub fn kind_figures(items: LazyFrame) -> PolarsResult<KindFigures> {
    let items = items.run()?;
    let totals = totals(items.clone().lazy())?;
    let by = |dimension: &str| breakdown(&items, dimension);
    Ok(KindFigures {
        totals,
        by_unit: by("unit")?,
        by_township: by("township")?,
        by_level: by("level")?,
        by_platform: by("platform")?,
        by_part: Vec::new(),
    })
}

/// Rows sorted by key (code point order), the null key last.
fn breakdown(items: &DataFrame, dimension: &str) -> PolarsResult<Vec<DimensionRow>> {
    let frame = items
        .clone()
        .lazy()
        .group_by([col(dimension)])
        .agg(counts())
        .sort(
            [dimension],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .run()?;
    let keys = frame.column(dimension)?.str()?.clone();
    (0..frame.height())
        .map(|row| {
            Ok(DimensionRow {
                key: keys.get(row).map(str::to_string),
                part: None,
                figures: figures_at(&frame, row)?,
            })
        })
        .collect()
}
