//! The campaign's rules, checked on the current snapshot: every breach lands in its
//! unit's rectification list (整改清单) with a due date.

pub mod overlap;

use crate::analyse::Run;
use crate::load::{Inventory, Table};
use crate::privacy::shown_id;
use crate::report::{Breach, Overlap, Rules, UncheckedRule};
use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[rules]` in campaign.toml. Every rule is on by default.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RulesConfig {
    /// At most this many standing (长期) groups per unit. Default: 1 (Lichuan's rule).
    pub max_groups_per_unit: u64,
    /// Every active group names an admin (管理员). Default: true.
    pub require_admin: bool,
    /// Every group created since the baseline was filed (报备) first. Default: true.
    pub require_filing: bool,
    /// Stage-work groups past their end date must be gone. Default: true.
    pub stage_overdue: bool,
    /// An active group silent for more than this many days is a zombie. Default: 90.
    pub zombie_group_days: i64,
    /// An account with no post for more than this many days is stale. Default: 14.
    pub stale_account_days: i64,
    /// An account with fewer followers is too small to keep. Default: 1000.
    pub min_followers: i64,
    /// Groups whose member sets have at least this Jaccard similarity are merge
    /// candidates. Default: 0.8.
    pub overlap_jaccard: f64,
    /// Months after the current snapshot by which breaches are due. Default: 1.
    pub due_months: u32,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            max_groups_per_unit: 1,
            require_admin: true,
            require_filing: true,
            stage_overdue: true,
            zombie_group_days: 90,
            stale_account_days: 14,
            min_followers: 1000,
            overlap_jaccard: 0.8,
            due_months: 1,
        }
    }
}

/// Rule ids in the order rectification lists show them.
pub const RULE_IDS: [&str; 8] = [
    "max_groups_per_unit",
    "missing_admin",
    "unfiled_new",
    "stage_overdue",
    "zombie_group",
    "stale_account",
    "small_account",
    "overlap",
];

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
    let report = &inventory.config.report;
    for o in &overlaps {
        // Rounded from the counts, as every percentage (GB/T 8170 by default).
        let similarity = report.pct(o.shared as i64, o.union);
        found.push(Found {
            rule: "overlap",
            kind: "groups",
            unit: o.unit.clone(),
            id: Some(o.id.clone()),
            name: o.name.clone(),
            detail: format!(
                "与{}（{}）成员重合{}人，成员相似度{}，建议并入",
                o.into_name.as_deref().unwrap_or(""),
                o.into_id,
                o.shared,
                similarity
            ),
        });
    }
    let unchecked = unchecked_rules(inventory, config)?;
    let rank = |rule: &str| {
        RULE_IDS
            .iter()
            .position(|r| *r == rule)
            .unwrap_or(RULE_IDS.len())
    };
    found.sort_by(|a, b| {
        (a.unit.is_none(), &a.unit, rank(a.rule), &a.id).cmp(&(
            b.unit.is_none(),
            &b.unit,
            rank(b.rule),
            &b.id,
        ))
    });
    let mut counts: BTreeMap<String, u64> = RULE_IDS.iter().map(|r| (r.to_string(), 0)).collect();
    for f in &found {
        *counts.entry(f.rule.to_string()).or_default() += 1;
    }
    let breaches = found
        .into_iter()
        .map(|f| Breach {
            rule: f.rule.to_string(),
            kind: f.kind.to_string(),
            unit: f.unit,
            id: f.id,
            name: f.name,
            detail: f.detail,
            due: due.clone(),
        })
        .collect();
    Ok((
        Rules {
            due,
            counts,
            breaches,
            overlaps,
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
    let mut note = |rule: &str, kind: &str, reason: &str, column: Option<&str>, rows: u64| {
        if rows > 0 {
            out.push(UncheckedRule {
                rule: rule.to_string(),
                kind: kind.to_string(),
                reason: reason.to_string(),
                column: column.map(str::to_string),
                rows,
            });
        }
    };
    // A rule that reads `column` on the rows matching `applies`: all of them unchecked
    // without the column, those leaving it blank otherwise.
    let needs = |table: &Table, column: &str, applies: Expr| -> PolarsResult<(&'static str, u64)> {
        Ok(if table.has(column) {
            (
                "blank_values",
                count_active(&table.frame, applies.and(col(column).is_null()))?,
            )
        } else {
            ("no_column", count_active(&table.frame, applies)?)
        })
    };
    if let Some(groups) = &current.groups {
        let stage = crate::analyse::items::stage_work(col("term"), col("expires"));
        let (reason, rows) = needs(groups, "unit", stage.clone().not())?;
        note("max_groups_per_unit", "groups", reason, Some("unit"), rows);
        if config.require_admin && !groups.has("admin") {
            let rows = count_active(&groups.frame, lit(true))?;
            note("missing_admin", "groups", "no_column", Some("admin"), rows);
        }
        if config.require_filing && !groups.has("filed") {
            let rows = new_groups(groups, inventory.baseline().groups.as_ref())?.len() as u64;
            note("unfiled_new", "groups", "no_column", Some("filed"), rows);
        }
        if config.stage_overdue {
            // 阶段性 without an end date: when it ends is unknown.
            let stated = col("term").eq(lit("stage")).fill_null(lit(false));
            let (reason, rows) = needs(groups, "expires", stated)?;
            note("stage_overdue", "groups", reason, Some("expires"), rows);
        }
        let (reason, rows) = needs(groups, "last_active", lit(true))?;
        note("zombie_group", "groups", reason, Some("last_active"), rows);
        if current.members.is_none() {
            let rows = count_active(&groups.frame, lit(true))?;
            note("overlap", "groups", "no_members_table", None, rows);
        }
    }
    if let Some(accounts) = &current.accounts {
        let (reason, rows) = needs(accounts, "last_post", lit(true))?;
        note("stale_account", "accounts", reason, Some("last_post"), rows);
        let (reason, rows) = needs(accounts, "followers", lit(true))?;
        note("small_account", "accounts", reason, Some("followers"), rows);
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
    rule: &'static str,
    kind: &'static str,
    unit: Option<String>,
    id: Option<String>,
    name: Option<String>,
    detail: String,
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

/// The rows matching `filter`, each turned into a breach by `detail`.
fn breaches_where(
    table: &Table,
    frame: LazyFrame,
    rule: &'static str,
    detail: impl Fn(&DataFrame, usize) -> PolarsResult<String>,
) -> PolarsResult<Vec<Found>> {
    let rows = frame.sort(["id"], SortMultipleOptions::default()).run()?;
    let (ids, names, units) = (
        rows.column("id")?.str()?.clone(),
        rows.column("name")?.str()?.clone(),
        rows.column("unit")?.str()?.clone(),
    );
    (0..rows.height())
        .map(|i| {
            Ok(Found {
                rule,
                kind: table.kind.key(),
                unit: units.get(i).map(str::to_string),
                id: ids.get(i).map(shown_id),
                name: names.get(i).map(str::to_string),
                detail: detail(&rows, i)?,
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
            rule: "max_groups_per_unit",
            kind: "groups",
            unit: units.get(i).map(str::to_string),
            id: None,
            name: None,
            detail: format!(
                "在用长期工作群{}个（{}），超过每个单位{}个的规定，应整合",
                counts.get(i).unwrap_or(0),
                listed.join("、"),
                config.max_groups_per_unit
            ),
        });
    }
    if config.require_admin && groups.has("admin") {
        found.extend(breaches_where(
            groups,
            active(frame).filter(col("admin").is_null()),
            "missing_admin",
            |_, _| Ok("未指定群管理员".to_string()),
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
        found.extend(breaches_where(groups, new, "unfiled_new", |_, _| {
            Ok("清理后新建的工作群未经报备".to_string())
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
            "stage_overdue",
            |rows, i| {
                Ok(format!(
                    "阶段性工作群已于{}到期，仍未解散",
                    date_cell(rows, "expires", i)?
                ))
            },
        )?);
    }
    if groups.has("last_active") {
        let limit = days(date) - config.zombie_group_days as i32;
        let zombies = active(frame).filter(col("last_active").cast(DataType::Int32).lt(lit(limit)));
        found.extend(breaches_where(
            groups,
            zombies,
            "zombie_group",
            |rows, i| {
                Ok(format!(
                    "最后活跃于{}，已超过{}天无人发言（僵尸群）",
                    date_cell(rows, "last_active", i)?,
                    config.zombie_group_days
                ))
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
            "stale_account",
            |rows, i| {
                Ok(format!(
                    "最后更新于{}，超过{}天未更新",
                    date_cell(rows, "last_post", i)?,
                    config.stale_account_days
                ))
            },
        )?);
    }
    if accounts.has("followers") {
        let small = active(frame).filter(col("followers").lt(lit(config.min_followers)));
        found.extend(breaches_where(
            accounts,
            small,
            "small_account",
            |rows, i| {
                let n = rows.column("followers")?.i64()?.get(i).unwrap_or(0);
                Ok(format!(
                    "粉丝{}人，不足{}人，服务效果不明显",
                    n, config.min_followers
                ))
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

fn name_similarity(a: &str, b: &str) -> f64 {
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
