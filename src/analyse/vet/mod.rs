//! 建群先报备: a proposed group checked against one snapshot of the inventory — existing
//! groups holding most of its members, groups of its unit with a similar name or purpose,
//! the unit's standing groups against the limit, and its term.
//!
//! The members are compared through an index from member to active groups ([`Index`]),
//! built once per snapshot: a request of 30 members looks at the groups of those 30
//! members only, never at every group. Thresholds are compared exactly, in integers
//! ([`Threshold`]).

mod index;

pub use index::{Index, Key};

use super::rules::name_similarity;
use super::rules::overlap::Threshold;
use crate::FastMap;
use crate::config::RulesConfig;
use crate::model::vet::{Candidate, Decision, Finding, Request, Similar, Verdict};
use crate::privacy::shown_id;
use chrono::NaiveDate;

/// A proposed group is served by an existing one that holds at least this share of its
/// members (|P∩G| / |P|).
pub const CONTAINMENT: f64 = 0.8;

/// Names or purposes of one unit at least this alike (character pairs' Jaccard) read as
/// the same group.
pub const SIMILAR_TEXT: f64 = 0.5;

/// How many member candidates and similar groups an answer lists.
pub const LISTED: usize = 10;

impl Index {
    /// The active groups of `unit` ids that no request may duplicate.
    fn standing_in(&self, unit: &str) -> u64 {
        self.groups_in(unit)
            .iter()
            .filter(|&&g| !self.group(g).stage)
            .count() as u64
    }

    /// Existing active groups holding most of `members` or nearly the same set, ranked,
    /// and how many of `members` no active group holds.
    fn candidates(&self, members: &[String], jaccard: Threshold) -> (Vec<Candidate>, u64) {
        let proposed = members.len();
        let mut shared: FastMap<u32, u32> = FastMap::default();
        let mut unknown = 0;
        for id in members {
            let Some(groups) = self.groups_of(id) else {
                unknown += 1;
                continue;
            };
            for &g in groups {
                *shared.entry(g).or_default() += 1;
            }
        }
        let containment = Threshold::new(CONTAINMENT);
        let mut found: Vec<Candidate> = shared
            .into_iter()
            .filter_map(|(g, n)| {
                let group = self.group(g);
                let (n, size) = (n as usize, group.size as usize);
                let union = proposed + size - n;
                (containment.reached(n, proposed) || jaccard.reached(n, union)).then(|| Candidate {
                    id: shown_id(group.id),
                    name: group.name.map(str::to_string),
                    unit: group.unit.map(str::to_string),
                    shared: n as u64,
                    proposed: proposed as u64,
                    size: size as u64,
                    containment: n as f64 / proposed as f64,
                    jaccard: n as f64 / union as f64,
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
        let Some(unit) = &request.unit else {
            return Vec::new();
        };
        let alike = |a: &Option<String>, b: Option<&str>| match (a, b) {
            (Some(a), Some(b)) => name_similarity(a, b),
            _ => 0.0,
        };
        let mut found: Vec<Similar> = self
            .groups_in(unit)
            .iter()
            .map(|&g| self.group(g))
            .filter_map(|g| {
                let name = alike(&request.name, g.name);
                let purpose = alike(&request.purpose, g.purpose);
                (name >= SIMILAR_TEXT || purpose >= SIMILAR_TEXT).then(|| Similar {
                    id: shown_id(g.id),
                    name: g.name.map(str::to_string),
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
        let (candidates, unknown) = if self.has_members() {
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
                .date()
                .checked_add_months(chrono::Months::new(rules.max_stage_months))
                .unwrap_or(NaiveDate::MAX);
            if until <= self.date() {
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
            snapshot: self.date().to_string(),
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
