//! The analyse stage: inventory in, report model out. Pure polars: no I/O, no formatting.

mod burden;
pub mod compare;
mod engine;
mod figures;
pub mod items;
pub mod rollup;
pub mod rules;
pub mod vet;

use crate::load::schema::TableKind;
use crate::load::{Inventory, Snapshot, Table};
use crate::model::{
    CampaignInfo, Change, Kind, KindFigures, MergeFault, MergeProblem, Quality, Report,
    SCHEMA_VERSION, TableInfo, TrendPoint,
};
use engine::Run;
use polars::prelude::*;

/// Computes every figure of the report from a loaded inventory.
pub fn analyse(inventory: &Inventory) -> PolarsResult<Report> {
    // The merge-candidate search is mostly one core's work: it runs beside the figures.
    std::thread::scope(|scope| {
        let rules = scope.spawn(|| rules::evaluate(inventory, &inventory.config.rules));
        let report = figures(inventory);
        let (rules, unchecked_rules) = rules
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        let mut report = report?;
        report.quality.unchecked_rules = unchecked_rules;
        Ok(Report { rules, ..report })
    })
}

/// Every figure but the rules' findings.
fn figures(inventory: &Inventory) -> PolarsResult<Report> {
    let baseline = inventory.baseline();
    let current = inventory.current();
    // Distinct (group, member) pairs of each snapshot, computed once: the figures, the
    // burden and the quality checks all start from them.
    let distinct: Vec<Option<DataFrame>> = inventory
        .snapshots
        .iter()
        .map(|s| {
            s.members
                .as_ref()
                .map(|m| items::memberships(&m.frame))
                .transpose()
        })
        .collect::<PolarsResult<_>>()?;
    let last = distinct.len() - 1;
    let units = inventory.units.as_ref().map(|t| &t.frame);
    let kind = |kind| kind_figures(inventory, kind, units, (&distinct[0], &distinct[last]));
    let pseudonyms = crate::privacy::Pseudonyms::new(&inventory.config.privacy.key(&inventory.id));
    let burden = match (
        &baseline.groups,
        &baseline.members,
        &distinct[0],
        &current.groups,
        &current.members,
        &distinct[last],
    ) {
        (Some(gb), Some(mb), Some(pb), Some(gc), Some(mc), Some(pc)) => {
            burden::burden(&burden::BurdenInputs {
                groups_before: gb,
                members_before: mb,
                pairs_before: pb,
                groups_after: gc,
                members_after: mc,
                pairs_after: pc,
                pseudonyms: &pseudonyms,
                show_names: inventory.config.privacy.show_names,
            })?
        }
        _ => None,
    };
    let groups = kind(TableKind::Groups)?;
    let accounts = kind(TableKind::Accounts)?;
    let last_pair = [&groups, &accounts];
    let trend = inventory
        .snapshots
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let previous = i.checked_sub(1).map(|p| &inventory.snapshots[p]);
            // From the baseline straight to the current snapshot: the figures have it.
            let known = (i == 1 && i == last).then_some(last_pair);
            trend_point(previous, s, known)
        })
        .collect::<PolarsResult<_>>()?;
    let quality = quality(inventory, &distinct)?;
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        campaign: CampaignInfo {
            id: inventory.id.clone(),
            name: inventory.config.name.clone(),
            region: inventory.config.region.clone(),
            authority: inventory.config.authority.clone(),
            baseline: baseline.date.to_string(),
            current: current.date.to_string(),
            snapshots: inventory
                .snapshots
                .iter()
                .map(|s| s.date.to_string())
                .collect(),
            percentages: inventory.config.report.clone(),
        },
        groups,
        accounts,
        burden,
        trend,
        rules: Default::default(),
        quality,
        parts: None,
    })
}

fn days_since_epoch(date: chrono::NaiveDate) -> i32 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    (date - epoch).num_days() as i32
}

/// Figures of one kind, or `None` when no snapshot has its table. Load guarantees that a
/// kind present anywhere is present at both the baseline and the current snapshot.
fn kind_figures(
    inventory: &Inventory,
    kind: TableKind,
    units: Option<&DataFrame>,
    distinct: (&Option<DataFrame>, &Option<DataFrame>),
) -> PolarsResult<Option<KindFigures>> {
    let (Some(before), Some(after)) = (
        inventory.baseline().table(kind),
        inventory.current().table(kind),
    ) else {
        return Ok(None);
    };
    fn members(kind: TableKind, d: &Option<DataFrame>) -> Option<&DataFrame> {
        match kind {
            TableKind::Groups => d.as_ref(),
            _ => None,
        }
    }
    let snapshots = &inventory.snapshots;
    let between: Vec<&DataFrame> = snapshots[1..snapshots.len().saturating_sub(1).max(1)]
        .iter()
        .filter_map(|s| s.table(kind).map(|t| &t.frame))
        .collect();
    let rows = items::items(
        items::Side {
            items: &before.frame,
            members: members(kind, distinct.0),
        },
        items::Side {
            items: &after.frame,
            members: members(kind, distinct.1),
        },
        &between,
        days_since_epoch(inventory.current().date),
    )?;
    figures::kind_figures(with_unit_directory(rows, units)).map(Some)
}

/// Fills a missing township or level from the unit directory (units.csv), which is
/// where most offices keep them rather than on every row.
fn with_unit_directory(items: LazyFrame, units: Option<&DataFrame>) -> LazyFrame {
    let Some(units) = units else { return items };
    let directory = units.clone().lazy().select([
        col("unit"),
        col("township").alias("_unit_township"),
        col("level").alias("_unit_level"),
    ]);
    items
        .join(
            directory,
            [col("unit")],
            [col("unit")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            coalesce(&[col("township"), col("_unit_township")]).alias("township"),
            coalesce(&[col("level"), col("_unit_level")]).alias("level"),
        ])
}

fn active_count(table: Option<&Table>) -> PolarsResult<Option<u64>> {
    table
        .map(|t| {
            let status = t.frame.column("status")?.str()?;
            Ok(status.iter().filter(|s| *s == Some("active")).count() as u64)
        })
        .transpose()
}

/// The active counts of a snapshot and its change since the previous one. `known`: the
/// groups' and accounts' figures, when they compare exactly these two snapshots.
fn trend_point(
    previous: Option<&Snapshot>,
    snapshot: &Snapshot,
    known: Option<[&Option<KindFigures>; 2]>,
) -> PolarsResult<TrendPoint> {
    let change = |kind: TableKind| -> PolarsResult<Option<Change>> {
        let (Some(previous), Some(now)) = (previous, snapshot.table(kind)) else {
            return Ok(None);
        };
        let Some(before) = previous.table(kind) else {
            return Ok(None);
        };
        if let Some(known) = known {
            let figures = known[usize::from(kind == TableKind::Accounts)];
            return Ok(figures.as_ref().map(|f| Change {
                since: previous.date.to_string(),
                new: f.totals.new,
                closed: f.totals.closed,
            }));
        }
        let rows = items::items(
            items::Side {
                items: &before.frame,
                members: None,
            },
            items::Side {
                items: &now.frame,
                members: None,
            },
            &[],
            days_since_epoch(snapshot.date),
        )?;
        let totals = figures::totals(rows)?;
        Ok(Some(Change {
            since: previous.date.to_string(),
            new: totals.new,
            closed: totals.closed,
        }))
    };
    Ok(TrendPoint {
        date: snapshot.date.to_string(),
        groups: active_count(snapshot.groups.as_ref())?,
        accounts: active_count(snapshot.accounts.as_ref())?,
        groups_change: change(TableKind::Groups)?,
        accounts_change: change(TableKind::Accounts)?,
    })
}

fn table_info(inventory: &Inventory, snapshot: Option<String>, table: &Table) -> TableInfo {
    let file = std::path::Path::new(&table.file);
    let relative = file
        .strip_prefix(&inventory.dir)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/");
    TableInfo {
        snapshot,
        kind: table.kind.key().to_string(),
        file: relative,
        rows: table.frame.height() as u64,
        columns: table.headers.keys().map(|c| c.to_string()).collect(),
    }
}

/// How many targets a chain of merges is followed through before giving up.
const MAX_MERGE_HOPS: usize = 100;

/// Merge targets of one table that cannot be right: the item itself, a loop, or an item
/// dissolved (followed through targets that are themselves merged). The item still counts
/// as merged; these are warnings.
fn merge_problems(table: &Table) -> PolarsResult<Vec<MergeProblem>> {
    if !table.has("merged_into") {
        return Ok(Vec::new());
    }
    let frame = &table.frame;
    let ids = frame.column("id")?.str()?;
    let status = frame.column("status")?.str()?;
    let targets = frame.column("merged_into")?.str()?;
    let units = frame.column("unit")?.str()?;
    let index: crate::FastMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| id.map(|id| (id, i)))
        .collect();
    let mut found = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let (Some(id), Some(_)) = (ids.get(i), target) else {
            continue;
        };
        let mut chain = vec![i];
        let problem = loop {
            let at = *chain.last().expect("the chain starts at the item");
            // An unknown target is a load error; no target ends the chain.
            let Some(&next) = targets.get(at).and_then(|t| index.get(t)) else {
                break None;
            };
            let seen = chain.contains(&next);
            chain.push(next);
            if seen {
                break Some(if chain.len() == 2 {
                    MergeFault::Itself
                } else {
                    MergeFault::Loop
                });
            }
            match status.get(next) {
                Some("dissolved") => break Some(MergeFault::TargetDissolved),
                Some("merged") if chain.len() <= MAX_MERGE_HOPS => {}
                _ => break None,
            }
        };
        if let Some(problem) = problem {
            found.push(MergeProblem {
                kind: table.kind.items().unwrap_or(Kind::Groups),
                unit: units.get(i).map(str::to_string),
                id: crate::privacy::shown_id(id),
                problem,
                chain: chain
                    .iter()
                    .map(|&k| crate::privacy::shown_id(ids.get(k).unwrap_or_default()))
                    .collect(),
            });
        }
    }
    found.sort_by(|a, b| {
        (a.unit.is_none(), &a.unit, &a.id).cmp(&(b.unit.is_none(), &b.unit, &b.id))
    });
    Ok(found)
}

fn quality(inventory: &Inventory, distinct: &[Option<DataFrame>]) -> PolarsResult<Quality> {
    let mut quality = Quality::default();
    for kind in [TableKind::Groups, TableKind::Accounts] {
        if let Some(table) = inventory.current().table(kind) {
            quality.merge_problems.extend(merge_problems(table)?);
        }
    }
    if let Some(units) = &inventory.units {
        quality.tables.push(table_info(inventory, None, units));
    }
    for (snapshot, distinct) in inventory.snapshots.iter().zip(distinct) {
        let date = snapshot.date.to_string();
        for kind in TableKind::SNAPSHOT_KINDS {
            if let Some(table) = snapshot.table(kind) {
                quality
                    .tables
                    .push(table_info(inventory, Some(date.clone()), table));
            }
        }
        if let Some(members) = &snapshot.members {
            let rows = members.frame.height() as u64;
            let distinct = distinct.as_ref().map_or(rows, |d| d.height() as u64);
            quality.duplicate_memberships += rows - distinct;
            if let Some(groups) = &snapshot.groups {
                let known = groups.frame.clone().lazy().select([
                    crate::load::ids::coded(col("id")),
                    lit(true).alias("_known"),
                ]);
                // Counted, not materialised: a province's members table has tens of
                // millions of rows.
                let unknown = members
                    .frame
                    .clone()
                    .lazy()
                    .select([col("group_id")])
                    .join(
                        known,
                        [col("group_id")],
                        [col("id")],
                        JoinArgs::new(JoinType::Left),
                    )
                    .select([col("_known").is_null().cast(DataType::UInt64).sum()])
                    .run()?;
                quality.members_of_unknown_groups +=
                    unknown.column("_known")?.u64()?.get(0).unwrap_or(0);
            }
        }
    }
    Ok(quality)
}
