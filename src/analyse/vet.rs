//! 建群先报备: a proposed group checked against one snapshot of the inventory — existing
//! groups holding most of its members, groups of its unit with a similar name or purpose,
//! the unit's standing groups against the limit, and its term.
//!
//! The members are compared through an index from member to active groups, built once per
//! snapshot: a request of 30 members looks at the groups of those 30 members only, never
//! at every group. Thresholds are compared exactly, in integers ([`Threshold`]).

use super::engine::Run;
use super::rules::name_similarity;
use super::rules::overlap::Threshold;
use crate::FastMap;
use crate::config::RulesConfig;
use crate::load::Snapshot;
use crate::model::vet::{Candidate, Decision, Finding, Request, Similar, Verdict};
use crate::privacy::shown_id;
use chrono::NaiveDate;
use polars::prelude::*;

/// A proposed group is served by an existing one that holds at least this share of its
/// members (|P∩G| / |P|).
pub const CONTAINMENT: f64 = 0.8;

/// Names or purposes of one unit at least this alike (character pairs' Jaccard) read as
/// the same group.
pub const SIMILAR_TEXT: f64 = 0.5;

/// How many member candidates and similar groups an answer lists.
pub const LISTED: usize = 10;

/// One active group of the snapshot.
struct Group {
    id: String,
    name: Option<String>,
    unit: Option<String>,
    purpose: Option<String>,
    stage: bool,
}

/// The snapshot's active groups with a member → groups index: what every request is
/// compared with.
pub struct Index {
    date: NaiveDate,
    groups: Vec<Group>,
    /// Active groups of each unit.
    by_unit: FastMap<String, Vec<u32>>,
    /// Member id → its code in `offsets` (the members table's codes).
    mapping: Option<Arc<CategoricalMapping>>,
    /// Member code `m`'s groups are `postings[offsets[m]..offsets[m + 1]]`, sorted.
    offsets: Vec<u32>,
    postings: Vec<u32>,
    /// Distinct members of each active group.
    sizes: Vec<u32>,
}

fn texts(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    Ok(frame
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

impl Index {
    /// Builds the index of `snapshot` (its groups and members tables).
    pub fn new(snapshot: &Snapshot) -> PolarsResult<Index> {
        let mut index = Index {
            date: snapshot.date,
            groups: Vec::new(),
            by_unit: FastMap::default(),
            mapping: None,
            offsets: Vec::new(),
            postings: Vec::new(),
            sizes: Vec::new(),
        };
        let Some(groups) = &snapshot.groups else {
            return Ok(index);
        };
        let stage = super::items::stage_work(col("term"), col("expires"));
        let active = groups
            .frame
            .clone()
            .lazy()
            .filter(col("status").eq(lit("active")))
            .select([
                col("id"),
                col("name"),
                col("unit"),
                col("purpose"),
                stage.alias("stage"),
            ])
            .sort(["id"], SortMultipleOptions::default())
            .run()?;
        let (ids, names, units, purposes) = (
            texts(&active, "id")?,
            texts(&active, "name")?,
            texts(&active, "unit")?,
            texts(&active, "purpose")?,
        );
        let stages = active.column("stage")?.bool()?.clone();
        for (i, ((id, name), (unit, purpose))) in ids
            .into_iter()
            .zip(names)
            .zip(units.into_iter().zip(purposes))
            .enumerate()
        {
            if let Some(unit) = &unit {
                index
                    .by_unit
                    .entry(unit.clone())
                    .or_default()
                    .push(i as u32);
            }
            index.groups.push(Group {
                id: id.unwrap_or_default(),
                name,
                unit,
                purpose,
                stage: stages.get(i).unwrap_or(false),
            });
        }
        if let Some(members) = &snapshot.members {
            index.index_members(&members.frame)?;
        }
        Ok(index)
    }

    /// The member → groups index, over the active groups only.
    fn index_members(&mut self, members: &DataFrame) -> PolarsResult<()> {
        let group_col = members.column("group_id")?.cat32()?;
        let member_col = members.column("member_id")?.cat32()?;
        let mapping = member_col.get_mapping().clone();
        let codes = mapping.num_cats_upper_bound();
        let mut position = vec![u32::MAX; codes];
        for (i, g) in self.groups.iter().enumerate() {
            if let Some(slot) = mapping
                .get_cat(&g.id)
                .and_then(|code| position.get_mut(code as usize))
            {
                *slot = i as u32;
            }
        }
        let pairs = || {
            group_col
                .physical()
                .iter()
                .zip(member_col.physical().iter())
                .filter_map(|(g, m)| {
                    let group = *position.get(g? as usize)?;
                    let member = m? as usize;
                    (group != u32::MAX && member < codes).then_some((group, member))
                })
        };
        let mut offsets = vec![0u32; codes + 1];
        for (_, m) in pairs() {
            offsets[m + 1] += 1;
        }
        for i in 0..codes {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut postings = vec![0u32; offsets[codes] as usize];
        for (g, m) in pairs() {
            postings[fill[m] as usize] = g;
            fill[m] += 1;
        }
        let mut sizes = vec![0u32; self.groups.len()];
        for m in 0..codes {
            let list = &mut postings[offsets[m] as usize..offsets[m + 1] as usize];
            list.sort_unstable();
            let mut previous = u32::MAX;
            for &g in list.iter() {
                if g != previous {
                    sizes[g as usize] += 1;
                    previous = g;
                }
            }
        }
        self.mapping = Some(mapping);
        self.offsets = offsets;
        self.postings = postings;
        self.sizes = sizes;
        Ok(())
    }

    /// The snapshot the index was built from.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The active groups of `unit` ids that no request may duplicate.
    fn standing_in(&self, unit: &str) -> u64 {
        self.by_unit.get(unit).map_or(0, |list| {
            list.iter()
                .filter(|&&g| !self.groups[g as usize].stage)
                .count() as u64
        })
    }

    /// Existing active groups holding most of `members` or nearly the same set, ranked,
    /// and how many of `members` no members table names.
    fn candidates(&self, members: &[String], jaccard: Threshold) -> (Vec<Candidate>, u64) {
        let Some(mapping) = &self.mapping else {
            return (Vec::new(), 0);
        };
        let proposed = members.len();
        let mut shared: FastMap<u32, u32> = FastMap::default();
        let mut unknown = 0;
        for id in members {
            let Some(code) = mapping.get_cat(id).map(|c| c as usize) else {
                unknown += 1;
                continue;
            };
            let Some(range) = self.offsets.get(code).zip(self.offsets.get(code + 1)) else {
                unknown += 1;
                continue;
            };
            let list = &self.postings[*range.0 as usize..*range.1 as usize];
            if list.is_empty() {
                unknown += 1;
            }
            let mut previous = u32::MAX;
            for &g in list {
                if g != previous {
                    *shared.entry(g).or_default() += 1;
                    previous = g;
                }
            }
        }
        let containment = Threshold::new(CONTAINMENT);
        let mut found: Vec<Candidate> = shared
            .into_iter()
            .filter_map(|(g, n)| {
                let (n, size) = (n as usize, self.sizes[g as usize] as usize);
                let union = proposed + size - n;
                (containment.reached(n, proposed) || jaccard.reached(n, union)).then(|| {
                    let group = &self.groups[g as usize];
                    Candidate {
                        id: shown_id(&group.id),
                        name: group.name.clone(),
                        unit: group.unit.clone(),
                        shared: n as u64,
                        proposed: proposed as u64,
                        size: size as u64,
                        containment: n as f64 / proposed as f64,
                        jaccard: n as f64 / union as f64,
                    }
                })
            })
            .collect();
        // Most shared first; then the tighter fit (shared · other union > other shared ·
        // union, in integers); then the id.
        found.sort_by(|a, b| {
            let ua = a.proposed + a.size - a.shared;
            let ub = b.proposed + b.size - b.shared;
            b.shared
                .cmp(&a.shared)
                .then((b.shared * ua).cmp(&(a.shared * ub)))
                .then_with(|| a.id.cmp(&b.id))
        });
        found.truncate(LISTED);
        (found, unknown)
    }

    /// Groups of the request's unit whose name or purpose reads like the request's.
    fn similar(&self, request: &Request) -> Vec<Similar> {
        let Some(list) = request.unit.as_ref().and_then(|u| self.by_unit.get(u)) else {
            return Vec::new();
        };
        let alike = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => name_similarity(a, b),
            _ => 0.0,
        };
        let mut found: Vec<Similar> = list
            .iter()
            .map(|&g| &self.groups[g as usize])
            .filter_map(|g| {
                let name = alike(&request.name, &g.name);
                let purpose = alike(&request.purpose, &g.purpose);
                (name >= SIMILAR_TEXT || purpose >= SIMILAR_TEXT).then(|| Similar {
                    id: shown_id(&g.id),
                    name: g.name.clone(),
                    name_similarity: name,
                    purpose_similarity: purpose,
                })
            })
            .collect();
        found.sort_by(|a, b| {
            let best = |s: &Similar| s.name_similarity.max(s.purpose_similarity);
            best(b).total_cmp(&best(a)).then_with(|| a.id.cmp(&b.id))
        });
        found.truncate(LISTED);
        found
    }

    /// The answer to one request, under the campaign's rules.
    pub fn vet(&self, request: &Request, rules: &RulesConfig) -> Verdict {
        let mut findings = Vec::new();
        let (candidates, unknown) = if self.mapping.is_some() {
            self.candidates(&request.members, Threshold::new(rules.overlap_jaccard))
        } else {
            if !request.members.is_empty() {
                findings.push(Finding::NoMembersTable);
            }
            (Vec::new(), 0)
        };
        if !candidates.is_empty() {
            findings.push(Finding::MembersOverlap);
        }
        // As in the inventory: 阶段性 when the term says so, or no term and an end date.
        let stage = request.stage.unwrap_or(request.until.is_some());
        let standing = request.unit.as_deref().map_or(0, |u| self.standing_in(u));
        let at_limit = !stage && request.unit.is_some() && standing >= rules.max_groups_per_unit;
        if at_limit {
            findings.push(Finding::UnitAtLimit {
                standing,
                limit: rules.max_groups_per_unit,
            });
        }
        let similar = self.similar(request);
        if !similar.is_empty() {
            findings.push(Finding::SimilarInUnit);
        }
        let mut amend = false;
        if stage && request.until.is_none() {
            findings.push(Finding::StageWithoutEnd);
            amend = true;
        }
        if let Some(until) = request.until {
            let limit = self
                .date
                .checked_add_months(chrono::Months::new(rules.max_stage_months))
                .unwrap_or(NaiveDate::MAX);
            if until <= self.date {
                findings.push(Finding::EndsBeforeStart { until });
                amend = true;
            } else if stage && until > limit {
                findings.push(Finding::TermTooLong {
                    until,
                    limit_months: rules.max_stage_months,
                });
                amend = true;
            }
        }
        if unknown > 0 {
            findings.push(Finding::UnknownMembers { count: unknown });
        }
        let join = candidates
            .first()
            .map(|c| (c.id.clone(), c.name.clone()))
            .or_else(|| similar.first().map(|s| (s.id.clone(), s.name.clone())));
        let decision = if at_limit {
            Decision::Refuse
        } else if join.is_some() {
            Decision::Join
        } else if amend {
            Decision::Amend
        } else {
            Decision::NoObjection
        };
        let (join, join_name) = join.unzip();
        Verdict {
            request: request.id.clone(),
            name: request.name.clone(),
            unit: request.unit.clone(),
            snapshot: self.date.to_string(),
            decision,
            join,
            join_name: join_name.flatten(),
            findings,
            candidates,
            similar,
            proposed_members: request.members.len() as u64,
        }
    }
}
