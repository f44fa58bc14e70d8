//! The campaign's rules, checked on the current snapshot: every breach lands in its
//! unit's rectification list (整改清单) with a due date.

pub mod overlap;

use crate::analyse::engine::Run;
use crate::config::RulesConfig;
use crate::load::{Inventory, Table};
use crate::model::{Breach, Finding, Kind, Overlap, RuleId, Rules, Unchecked, UncheckedRule};
use crate::privacy::shown_id;
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::BTreeMap;

/// Checks every rule on the current snapshot. Also returns the rules that could not be
/// checked, wholly or for some rows, for `quality.unchecked_rules`.
pub fn evaluate(
    inventory: &Inventory,
    config: &RulesConfig,
) -> PolarsResult<(Rules, Vec<UncheckedRule>)> {
    let current = inventory.current();
    let date = current.date;
    let due = date
        .checked_add_months(chrono::Months::new(config.due_months))
        .unwrap_or(date)
        .to_string();
    let mut found = Vec::new();
    if let Some(groups) = &current.groups {
        let baseline = inventory.baseline().groups.as_ref();
        found.extend(group_rules(groups, baseline, date, config)?);
    }
    if let Some(accounts) = &current.accounts {
        found.extend(account_rules(accounts, date, config)?);
    }
    let overlaps = match (&current.groups, &current.members) {
        (Some(groups), Some(members)) => overlaps(groups, members, config.overlap_jaccard)?,
        _ => Vec::new(),
    };
    for o in &overlaps {
        found.push(Found {
            rule: RuleId::Overlap,
            kind: Kind::Groups,
            unit: o.unit.clone(),
            id: Some(o.id.clone()),
            name: o.name.clone(),
            finding: Finding::Overlap {
                into_id: o.into_id.clone(),
                into_name: o.into_name.clone(),
                shared: o.shared,
                union: o.union,
            },
        });
    }
    let unchecked = unchecked_rules(inventory, config)?;
    let rank = |rule: RuleId| RuleId::ALL.iter().position(|r| *r == rule);
    found.sort_by(|a, b| {
        (a.unit.is_none(), &a.unit, rank(a.rule), &a.id).cmp(&(
            b.unit.is_none(),
            &b.unit,
            rank(b.rule),
            &b.id,
        ))
    });
    let mut counts: BTreeMap<RuleId, u64> = RuleId::ALL.iter().map(|r| (*r, 0)).collect();
    for f in &found {
        *counts.entry(f.rule).or_default() += 1;
    }
    let breaches = found
        .into_iter()
        .map(|f| Breach {
            rule: f.rule,
            kind: f.kind,
            part: None,
            unit: f.unit,
            id: f.id,
            name: f.name,
            detail: String::new(),
            finding: f.finding,
            due: due.clone(),
        })
        .collect();
    Ok((
        Rules {
            due,
            counts,
            breaches,
            overlaps,
            max_groups_per_unit: config.max_groups_per_unit,
        },
        unchecked,
    ))
}

/// Active rows of `frame` matching `filter`.
fn count_active(frame: &DataFrame, filter: Expr) -> PolarsResult<u64> {
    let n = active(frame)
        .filter(filter)
        .select([len().cast(DataType::UInt64).alias("n")])
        .collect()?;
    Ok(n.column("n")?.u64()?.get(0).unwrap_or(0))
}

/// The rules that could not be checked on the current snapshot, each with the active rows
/// it could not check: a missing column (管理员, 是否报备, 到期日期, 最后活跃日期, 最后更新日期,
/// 粉丝数), blank values where a rule needs them, or no members table for the overlap.
fn unchecked_rules(
    inventory: &Inventory,
    config: &RulesConfig,
) -> PolarsResult<Vec<UncheckedRule>> {
    let current = inventory.current();
    let mut out = Vec::new();
    let mut note =
        |rule: RuleId, kind: Kind, reason: Unchecked, column: Option<&str>, rows: u64| {
            if rows > 0 {
                out.push(UncheckedRule {
                    rule,
                    kind,
                    reason,
                    column: column.map(str::to_string),
                    rows,
                });
            }
        };
    // A rule that reads `column` on the rows matching `applies`: all of them unchecked
    // without the column, those leaving it blank otherwise.
    let needs = |table: &Table, column: &str, applies: Expr| -> PolarsResult<(Unchecked, u64)> {
        Ok(if table.has(column) {
            (
                Unchecked::BlankValues,
                count_active(&table.frame, applies.and(col(column).is_null()))?,
            )
        } else {
            (Unchecked::NoColumn, count_active(&table.frame, applies)?)
        })
    };
    if let Some(groups) = &current.groups {
        let stage = crate::analyse::items::stage_work(col("term"), col("expires"));
        let (reason, rows) = needs(groups, "unit", stage.clone().not())?;
        note(
            RuleId::MaxGroupsPerUnit,
            Kind::Groups,
            reason,
            Some("unit"),
            rows,
        );
        if config.require_admin && !groups.has("admin") {
            let rows = count_active(&groups.frame, lit(true))?;
            note(
                RuleId::MissingAdmin,
                Kind::Groups,
                Unchecked::NoColumn,
                Some("admin"),
                rows,
            );
        }
        if config.require_filing && !groups.has("filed") {
            let rows = new_groups(groups, inventory.baseline().groups.as_ref())?.len() as u64;
            note(
                RuleId::UnfiledNew,
                Kind::Groups,
                Unchecked::NoColumn,
                Some("filed"),
                rows,
            );
        }
        if config.stage_overdue {
            // 阶段性 without an end date: when it ends is unknown.
            let stated = col("term").eq(lit("stage")).fill_null(lit(false));
            let (reason, rows) = needs(groups, "expires", stated)?;
            note(
                RuleId::StageOverdue,
                Kind::Groups,
                reason,
                Some("expires"),
                rows,
            );
        }
        let (reason, rows) = needs(groups, "last_active", lit(true))?;
        note(
            RuleId::ZombieGroup,
            Kind::Groups,
            reason,
            Some("last_active"),
            rows,
        );
        if current.members.is_none() {
            let rows = count_active(&groups.frame, lit(true))?;
            note(
                RuleId::Overlap,
                Kind::Groups,
                Unchecked::NoMembersTable,
                None,
                rows,
            );
        }
    }
    if let Some(accounts) = &current.accounts {
        let (reason, rows) = needs(accounts, "last_post", lit(true))?;
        note(
            RuleId::StaleAccount,
            Kind::Accounts,
            reason,
            Some("last_post"),
            rows,
        );
        let (reason, rows) = needs(accounts, "followers", lit(true))?;
        note(
            RuleId::SmallAccount,
            Kind::Accounts,
            reason,
            Some("followers"),
            rows,
        );
    }
    Ok(out)
}

/// Ids of the groups active now and not active at the baseline.
fn new_groups(groups: &Table, baseline: Option<&Table>) -> PolarsResult<Vec<String>> {
    let before = was_active(baseline)?;
    let new = active(&groups.frame)
        .filter(col("id").is_in(lit(before).implode(false), false).not())
        .select([col("id")])
        .collect()?;
    Ok(new
        .column("id")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
}

/// The ids active in a table, as a series for `is_in`.
fn was_active(table: Option<&Table>) -> PolarsResult<Series> {
    let before: Vec<String> = table
        .map(|b| -> PolarsResult<Vec<String>> {
            let ids = active(&b.frame).select([col("id")]).run()?;
            Ok(ids
                .column("id")?
                .str()?
                .iter()
                .flatten()
                .map(str::to_string)
                .collect())
        })
        .transpose()?
        .unwrap_or_default();
    Ok(Series::new("before".into(), before))
}

/// A breach before it gets its due date.
struct Found {
    rule: RuleId,
    kind: Kind,
    unit: Option<String>,
    id: Option<String>,
    name: Option<String>,
    finding: Finding,
}

fn days(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() as i32
}

fn date_of(days: i32) -> String {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::TimeDelta::days(days.into())))
        .map_or_else(String::new, |d| d.to_string())
}

fn active(frame: &DataFrame) -> LazyFrame {
    frame.clone().lazy().filter(col("status").eq(lit("active")))
}

/// The rows matching `filter`, each turned into a breach by `finding`.
fn breaches_where(
    table: &Table,
    frame: LazyFrame,
    rule: RuleId,
    finding: impl Fn(&DataFrame, usize) -> PolarsResult<Finding>,
) -> PolarsResult<Vec<Found>> {
    let rows = frame.sort(["id"], SortMultipleOptions::default()).run()?;
    let (ids, names, units) = (
        rows.column("id")?.str()?.clone(),
        rows.column("name")?.str()?.clone(),
        rows.column("unit")?.str()?.clone(),
    );
    let kind = table.kind.items().unwrap_or(Kind::Groups);
    (0..rows.height())
        .map(|i| {
            Ok(Found {
                rule,
                kind,
                unit: units.get(i).map(str::to_string),
                id: ids.get(i).map(shown_id),
                name: names.get(i).map(str::to_string),
                finding: finding(&rows, i)?,
            })
        })
        .collect()
}

fn date_cell(rows: &DataFrame, column: &str, i: usize) -> PolarsResult<String> {
    let physical = rows.column(column)?.cast(&DataType::Int32)?;
    Ok(physical.i32()?.get(i).map_or_else(String::new, date_of))
}

fn group_rules(
    groups: &Table,
    baseline: Option<&Table>,
    date: NaiveDate,
    config: &RulesConfig,
) -> PolarsResult<Vec<Found>> {
    let mut found = Vec::new();
    let frame = &groups.frame;
    let standing = crate::analyse::items::stage_work(col("term"), col("expires")).not();
    let per_unit = active(frame)
        .filter(standing.and(col("unit").is_not_null()))
        .group_by([col("unit")])
        .agg([
            len().alias("n"),
            col("id").sort(SortOptions::default()).alias("ids"),
        ])
        .filter(col("n").gt(lit(config.max_groups_per_unit as u32)))
        .sort(["unit"], SortMultipleOptions::default())
        .run()?;
    let units = per_unit.column("unit")?.str()?.clone();
    let counts = per_unit.column("n")?.u32()?.clone();
    let ids = per_unit.column("ids")?.list()?.clone();
    for i in 0..per_unit.height() {
        let listed: Vec<String> = ids
            .get_as_series(i)
            .map(|s| {
                s.str()
                    .map(|c| c.iter().flatten().map(shown_id).collect())
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        found.push(Found {
            rule: RuleId::MaxGroupsPerUnit,
            kind: Kind::Groups,
            unit: units.get(i).map(str::to_string),
            id: None,
            name: None,
            finding: Finding::TooManyGroups {
                standing: counts.get(i).unwrap_or(0).into(),
                ids: listed,
                limit: config.max_groups_per_unit,
            },
        });
    }
    if config.require_admin && groups.has("admin") {
        found.extend(breaches_where(
            groups,
            active(frame).filter(col("admin").is_null()),
            RuleId::MissingAdmin,
            |_, _| Ok(Finding::NoAdmin),
        )?);
    }
    if config.require_filing && groups.has("filed") {
        let was_active = was_active(baseline)?;
        let new = active(frame).filter(
            col("id")
                .is_in(lit(was_active).implode(false), false)
                .not()
                .and(col("filed").eq(lit(true)).fill_null(lit(false)).not()),
        );
        found.extend(breaches_where(groups, new, RuleId::UnfiledNew, |_, _| {
            Ok(Finding::Unfiled)
        })?);
    }
    if config.stage_overdue {
        let overdue = active(frame).filter(
            crate::analyse::items::stage_work(col("term"), col("expires"))
                .and(col("expires").cast(DataType::Int32).lt(lit(days(date)))),
        );
        found.extend(breaches_where(
            groups,
            overdue,
            RuleId::StageOverdue,
            |rows, i| {
                Ok(Finding::StageOverdue {
                    expires: date_cell(rows, "expires", i)?,
                })
            },
        )?);
    }
    if groups.has("last_active") {
        let limit = days(date) - config.zombie_group_days as i32;
        let zombies = active(frame).filter(col("last_active").cast(DataType::Int32).lt(lit(limit)));
        found.extend(breaches_where(
            groups,
            zombies,
            RuleId::ZombieGroup,
            |rows, i| {
                Ok(Finding::Silent {
                    last_active: date_cell(rows, "last_active", i)?,
                    days: config.zombie_group_days,
                })
            },
        )?);
    }
    Ok(found)
}

fn account_rules(
    accounts: &Table,
    date: NaiveDate,
    config: &RulesConfig,
) -> PolarsResult<Vec<Found>> {
    let mut found = Vec::new();
    let frame = &accounts.frame;
    if accounts.has("last_post") {
        let limit = days(date) - config.stale_account_days as i32;
        let stale = active(frame).filter(col("last_post").cast(DataType::Int32).lt(lit(limit)));
        found.extend(breaches_where(
            accounts,
            stale,
            RuleId::StaleAccount,
            |rows, i| {
                Ok(Finding::Stale {
                    last_post: date_cell(rows, "last_post", i)?,
                    days: config.stale_account_days,
                })
            },
        )?);
    }
    if accounts.has("followers") {
        let small = active(frame).filter(col("followers").lt(lit(config.min_followers)));
        found.extend(breaches_where(
            accounts,
            small,
            RuleId::SmallAccount,
            |rows, i| {
                Ok(Finding::FewFollowers {
                    followers: rows.column("followers")?.i64()?.get(i).unwrap_or(0),
                    min: config.min_followers,
                })
            },
        )?);
    }
    Ok(found)
}

/// Character pairs of a name, without the words every group name shares.
fn name_bigrams(name: &str) -> Vec<(char, char)> {
    let core = name
        .trim_end_matches("工作群")
        .trim_end_matches("群")
        .trim_end_matches("微信");
    let chars: Vec<char> = core.chars().collect();
    let mut pairs: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// How alike two names read: the Jaccard similarity of their character pairs, without the
/// words every group name ends with (工作群, 群, 微信).
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (x, y) = (name_bigrams(a), name_bigrams(b));
    if x.is_empty() && y.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let shared = x.iter().filter(|p| y.binary_search(p).is_ok()).count();
    shared as f64 / (x.len() + y.len() - shared) as f64
}

/// Merge candidates among the active groups of the current snapshot.
fn overlaps(groups: &Table, members: &Table, threshold: f64) -> PolarsResult<Vec<Overlap>> {
    let active_groups = active(&groups.frame)
        .select([col("id"), col("name"), col("unit")])
        .sort(["id"], SortMultipleOptions::default())
        .run()?;
    let ids = active_groups.column("id")?.str()?.clone();
    let names = active_groups.column("name")?.str()?.clone();
    let units = active_groups.column("unit")?.str()?.clone();
    // Members tables hold ids as codes ([`crate::load::ids`]): positions and member
    // numbers are looked up by code.
    let group_col = members.frame.column("group_id")?.cat32()?;
    let member_col = members.frame.column("member_id")?.cat32()?;
    let mapping = group_col.get_mapping();
    let codes = mapping.num_cats_upper_bound();
    let mut position = vec![u32::MAX; codes];
    for (i, id) in ids.iter().enumerate() {
        // An id no members table names has no code, or one handed out after them.
        if let Some(slot) = id
            .and_then(|id| mapping.get_cat(id))
            .and_then(|code| position.get_mut(code as usize))
        {
            *slot = i as u32;
        }
    }
    let mut member_number = vec![u32::MAX; codes];
    let mut next = 0;
    let mut sets: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    for (g, m) in group_col
        .physical()
        .iter()
        .zip(member_col.physical().iter())
    {
        if let (Some(g), Some(m)) = (g, m)
            && let Some(&i) = position.get(g as usize).filter(|&&i| i != u32::MAX)
            && let Some(number) = member_number.get_mut(m as usize)
        {
            if *number == u32::MAX {
                *number = next;
                next += 1;
            }
            sets[i as usize].push(*number);
        }
    }
    for s in &mut sets {
        s.sort_unstable();
        s.dedup();
    }
    let text = |c: &StringChunked, i: usize| c.get(i).map(str::to_string);
    let mut out: Vec<Overlap> = overlap::similar_pairs(&sets, threshold)
        .into_iter()
        .map(|p| {
            // The larger group receives the smaller; on a tie, the one listed first.
            let (keep, merge) = if sets[p.b].len() > sets[p.a].len() {
                (p.b, p.a)
            } else {
                (p.a, p.b)
            };
            let similarity = match (names.get(merge), names.get(keep)) {
                (Some(a), Some(b)) => name_similarity(a, b),
                _ => 0.0,
            };
            Overlap {
                unit: text(&units, merge),
                id: shown_id(ids.get(merge).unwrap_or_default()),
                name: text(&names, merge),
                into_id: shown_id(ids.get(keep).unwrap_or_default()),
                into_name: text(&names, keep),
                shared: p.shared as u64,
                union: (sets[p.a].len() + sets[p.b].len() - p.shared) as u64,
                jaccard: p.jaccard,
                name_similarity: similarity,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.unit.is_none(), &a.unit, &a.id, &a.into_id).cmp(&(
            b.unit.is_none(),
            &b.unit,
            &b.id,
            &b.into_id,
        ))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_names_score_high_and_different_names_low() {
        assert!(name_similarity("凉雾乡党建工作群", "凉雾乡党建群") > 0.9);
        assert!(name_similarity("凉雾乡党建工作群", "谋道镇防汛群") < 0.1);
    }
}
