//! Test-only re-implementation of the analysis rules, so each campaign's
//! model can be checked against the article's figures independently of the
//! real analysis code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::Snapshot;

/// What the rules need from an inventory row.
pub(crate) trait Item {
    fn id(&self) -> &str;
    fn status(&self) -> &str;
    fn merged_into(&self) -> &str;
    /// `Some(due)` for stage work (期限 = 阶段性) with a due date.
    fn stage_due(&self) -> Option<NaiveDate>;
    /// The row's 成员数, when the campaign has a members table.
    fn member_count(&self) -> Option<usize>;
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) enum State {
    Active,
    Dissolved,
    Merged,
    /// Inactive with a word outside both lists (should not occur in samples).
    Other,
}

pub(crate) fn state(status: &str) -> State {
    let word = status.trim();
    let word = word.strip_prefix('已').unwrap_or(word);
    match word {
        "" | "正常" | "保留" | "运营" => State::Active,
        "解散" | "撤销" | "关停" | "注销" | "停更" | "停用" => State::Dissolved,
        "合并" | "整合" | "并入" | "迁移" => State::Merged,
        _ => State::Other,
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) before: usize,
    pub(crate) after: usize,
    pub(crate) retained: usize,
    pub(crate) merged: usize,
    pub(crate) expired: usize,
    pub(crate) dissolved: usize,
    pub(crate) new: usize,
    pub(crate) members_removed: usize,
    pub(crate) trimmed: usize,
}

fn active_ids<R: Item>(s: &Snapshot<R>) -> BTreeSet<&str> {
    s.rows
        .iter()
        .filter(|r| state(r.status()) == State::Active)
        .map(|r| r.id())
        .collect()
}

pub(crate) fn tally<R: Item>(b: &Snapshot<R>, c: &Snapshot<R>) -> Tally {
    let in_b = active_ids(b);
    let in_c = active_ids(c);
    let c_rows: BTreeMap<&str, &R> = c.rows.iter().map(|r| (r.id(), r)).collect();
    let b_rows: BTreeMap<&str, &R> = b.rows.iter().map(|r| (r.id(), r)).collect();
    let mut t = Tally {
        before: in_b.len(),
        after: in_c.len(),
        new: in_c.difference(&in_b).count(),
        ..Tally::default()
    };
    let mut retained = BTreeSet::new();
    for id in &in_b {
        if in_c.contains(id) {
            t.retained += 1;
            retained.insert(*id);
            continue;
        }
        let row_c = c_rows.get(id);
        let merged = row_c
            .is_some_and(|r| state(r.status()) == State::Merged || !r.merged_into().is_empty());
        // Stage work is judged on the latest row that still states it.
        let due = row_c.map_or_else(|| b_rows[id].stage_due(), |r| r.stage_due());
        if merged {
            t.merged += 1;
        } else if due.is_some_and(|d| d <= c.date) {
            t.expired += 1;
        } else {
            t.dissolved += 1;
        }
    }
    let c_members: BTreeSet<(&str, usize)> =
        c.members.iter().map(|(g, p)| (g.as_str(), *p)).collect();
    let mut trimmed = BTreeSet::new();
    for (g, p) in &b.members {
        if retained.contains(g.as_str()) && !c_members.contains(&(g.as_str(), *p)) {
            t.members_removed += 1;
            trimmed.insert(g.as_str());
        }
    }
    t.trimmed = trimmed.len();
    t
}

/// Table invariants every snapshot must satisfy.
pub(crate) fn assert_consistent<R: Item>(s: &Snapshot<R>) {
    let ids: BTreeSet<&str> = s.rows.iter().map(|r| r.id()).collect();
    assert_eq!(ids.len(), s.rows.len(), "{}: duplicate ids", s.date);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pairs = BTreeSet::new();
    for (g, p) in &s.members {
        *counts.entry(g.as_str()).or_default() += 1;
        assert!(
            pairs.insert((g.as_str(), *p)),
            "{}: duplicate membership {g}",
            s.date
        );
    }
    for r in &s.rows {
        let st = state(r.status());
        assert_ne!(st, State::Other, "{}: odd status {}", s.date, r.status());
        if !r.merged_into().is_empty() {
            assert!(
                ids.contains(r.merged_into()),
                "{}: dangling merge target",
                s.date
            );
            assert_eq!(
                st,
                State::Merged,
                "{}: merge target on non-merged row",
                s.date
            );
        }
        if st == State::Merged {
            assert!(
                !r.merged_into().is_empty(),
                "{}: merged row without target",
                s.date
            );
        }
        if st == State::Active
            && let Some(n) = r.member_count()
        {
            assert_eq!(
                counts.get(r.id()).copied().unwrap_or(0),
                n,
                "{}: 成员数 of {}",
                s.date,
                r.id()
            );
        }
    }
    for g in counts.keys() {
        assert!(ids.contains(g), "{}: members of unlisted group {g}", s.date);
    }
}

/// Every file under `root`, sorted by path, with its bytes.
pub(crate) fn all_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p.strip_prefix(root).unwrap().display().to_string(), bytes)
        })
        .collect()
}
