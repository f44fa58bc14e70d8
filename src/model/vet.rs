//! 建群先报备: a proposed group (a request) and the office's typed answer to it. The
//! wording is `present::vet`'s; nothing here is a sentence.

use chrono::NaiveDate;
use serde::Serialize;

/// A proposed group, as filed before it is created.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Request {
    /// 申请编号 (empty at the desk, where there is one request).
    pub id: String,
    pub name: Option<String>,
    pub unit: Option<String>,
    pub purpose: Option<String>,
    /// `Some(true)` for 阶段性, `Some(false)` for 长期, `None` when not stated.
    pub stage: Option<bool>,
    /// 到期日期.
    pub until: Option<NaiveDate>,
    /// 成员编号 of the proposed members, as written (duplicates removed).
    pub members: Vec<String>,
}

/// What the office answers, from the most to the least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 不予新建: the unit already has its standing groups.
    Refuse,
    /// 建议并入: an existing group already serves (most of) these members, or the same
    /// unit has a group of a similar name or purpose.
    Join,
    /// 请补正: the request itself is incomplete or its term too long.
    Amend,
    /// 无异议.
    NoObjection,
}

impl Decision {
    /// Whether the answer is an objection (exit status 3).
    pub fn objects(self) -> bool {
        self != Decision::NoObjection
    }
}

/// An existing active group the request was compared with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// The group's id as shown (privacy::shown_id).
    pub id: String,
    pub name: Option<String>,
    pub unit: Option<String>,
    /// Proposed members already in the group.
    pub shared: u64,
    /// The proposed members (|P|) and the group's members (|G|).
    pub proposed: u64,
    pub size: u64,
    /// |P∩G| / |P|, exact value.
    pub containment: f64,
    /// |P∩G| / |P∪G|, exact value.
    pub jaccard: f64,
}

/// A group of the same unit whose name or purpose reads like the request's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Similar {
    pub id: String,
    pub name: Option<String>,
    /// Similarity of the names (character pairs' Jaccard), 0 when either is missing.
    pub name_similarity: f64,
    pub purpose_similarity: f64,
}

/// One finding about a request; the verdict is the most severe of them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// Existing groups hold most of the proposed members (`candidates` is non-empty).
    MembersOverlap,
    /// The unit's active standing groups, against the campaign's limit.
    UnitAtLimit { standing: u64, limit: u64 },
    /// Groups of the same unit with a similar name or purpose (`similar` is non-empty).
    SimilarInUnit,
    /// 阶段性 without 到期日期.
    StageWithoutEnd,
    /// The end date lies more than `limit_months` after the snapshot's date.
    TermTooLong { until: NaiveDate, limit_months: u32 },
    /// The end date is not after the snapshot's date.
    EndsBeforeStart { until: NaiveDate },
    /// Proposed members in no active group of the snapshot (new cadres, or mistyped
    /// ids): counted, never listed.
    UnknownMembers { count: u64 },
    /// The snapshot has no members table: the members could not be compared.
    NoMembersTable,
}

/// The answer to one request.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub request: String,
    pub name: Option<String>,
    pub unit: Option<String>,
    /// The snapshot compared against (YYYY-MM-DD).
    pub snapshot: String,
    pub decision: Decision,
    /// The group to join instead, for [`Decision::Join`] (and as advice with `Refuse`).
    pub join: Option<String>,
    pub join_name: Option<String>,
    pub findings: Vec<Finding>,
    /// Ranked: most shared members first, then the highest Jaccard, then id.
    pub candidates: Vec<Candidate>,
    pub similar: Vec<Similar>,
    pub proposed_members: u64,
}
