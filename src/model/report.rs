//! The report model: every figure of a campaign's report, computed once by `analyse` and
//! consumed by every renderer. `metrics.json` is its serialization, so field order and
//! names are part of the contract.

use super::{Dim, Kind, RuleId};
use crate::config::ReportConfig;
use serde::{Deserialize, Serialize};

/// Bumped when a field changes meaning or is removed; adding fields keeps it.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema_version: u32,
    pub campaign: CampaignInfo,
    /// Null when the campaign has no groups table in any snapshot.
    pub groups: Option<KindFigures>,
    /// Null when the campaign has no accounts table in any snapshot.
    pub accounts: Option<KindFigures>,
    /// Null unless both the baseline and the current snapshot have members.
    pub burden: Option<Burden>,
    /// Active items per snapshot up to the current one, oldest first.
    pub trend: Vec<TrendPoint>,
    /// Rule breaches at the current snapshot, for the rectification lists.
    #[serde(default)]
    pub rules: Rules,
    pub quality: Quality,
    /// A roll-up's parts (层层汇总), in the order given; absent from a campaign's own report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<Part>>,
}

/// One part of a roll-up: a report it was added up from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Part {
    pub id: String,
    pub name: String,
    pub region: String,
    /// The part's current snapshot (its 截至 date), YYYY-MM-DD.
    pub date: String,
    /// SHA-256 of the part's manifest.json, which names every file of it by hash.
    pub manifest_sha256: String,
}

impl Report {
    /// The kinds the campaign has, groups first.
    pub fn kinds(&self) -> impl Iterator<Item = (Kind, &KindFigures)> {
        [
            (Kind::Groups, &self.groups),
            (Kind::Accounts, &self.accounts),
        ]
        .into_iter()
        .filter_map(|(kind, figures)| figures.as_ref().map(|f| (kind, f)))
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CampaignInfo {
    pub id: String,
    pub name: String,
    pub region: String,
    pub authority: String,
    /// YYYY-MM-DD.
    pub baseline: String,
    /// YYYY-MM-DD.
    pub current: String,
    /// Every snapshot date up to the current one.
    pub snapshots: Vec<String>,
    /// How the campaign prints percentages (`[report]`), so that every output made from
    /// this file (the share's index, a comparison) prints them alike.
    #[serde(default)]
    pub percentages: ReportConfig,
}

/// The counts of one kind (or one slice of it) between baseline and current.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Figures {
    pub before: u64,
    pub after: u64,
    pub retained: u64,
    pub trimmed: u64,
    pub merged: u64,
    pub dissolved: u64,
    pub expired: u64,
    pub new: u64,
    pub closed: u64,
    /// (before − after) / before; null when before = 0.
    pub reduction_ratio: Option<f64>,
    /// closed / before; null when before = 0.
    pub closure_rate: Option<f64>,
    pub members_removed: u64,
}

impl Figures {
    /// Fills the derived figures (closed, ratios) from the counts.
    pub fn derive(mut self) -> Figures {
        self.closed = self.dissolved + self.merged + self.expired;
        self.reduction_ratio = ratio(self.before as f64 - self.after as f64, self.before);
        self.closure_rate = ratio(self.closed as f64, self.before);
        self
    }
}

fn ratio(numerator: f64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator / denominator as f64)
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct KindFigures {
    #[serde(flatten)]
    pub totals: Figures,
    pub by_unit: Vec<DimensionRow>,
    pub by_township: Vec<DimensionRow>,
    pub by_level: Vec<DimensionRow>,
    pub by_platform: Vec<DimensionRow>,
    /// A roll-up's figures by part (key: the part's id), ranked by reduction ratio;
    /// absent from a campaign's own report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_part: Vec<DimensionRow>,
}

impl KindFigures {
    /// The breakdown by `dim`.
    pub fn by(&self, dim: Dim) -> &[DimensionRow] {
        match dim {
            Dim::Unit => &self.by_unit,
            Dim::Township => &self.by_township,
            Dim::Level => &self.by_level,
            Dim::Platform => &self.by_platform,
        }
    }
}

/// One row of a breakdown; `key` is null for items without a value (city-level units have no township).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DimensionRow {
    pub key: Option<String>,
    /// In a roll-up's `by_unit`, the id of the part the unit belongs to, so two counties'
    /// units of the same name stay apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Burden {
    /// Every member id found in the baseline's or the current snapshot's members.
    pub cadres: u64,
    pub before: BurdenStats,
    pub after: BurdenStats,
    /// How many cadres sit in exactly `groups` active groups, for every count from 0 to the
    /// largest at either snapshot: the histogram of the burden.
    pub distribution: Vec<BurdenBin>,
    /// The most burdened cadres at the baseline, under pseudonyms (names only if the
    /// campaign opts in).
    pub top: Vec<TopCadre>,
    /// Messages per cadre per month in their active groups; null without 近30日消息数.
    pub messages: Option<MessageLoad>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TopCadre {
    /// A stable pseudonym such as 干部-3F9A2C.
    pub cadre: String,
    pub before: u64,
    pub after: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MessageLoad {
    pub before: BurdenStats,
    pub after: BurdenStats,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BurdenBin {
    pub groups: u64,
    pub before: u64,
    pub after: u64,
}

/// Distribution of active groups per cadre at one snapshot.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BurdenStats {
    pub mean: f64,
    pub median: f64,
    /// Linear interpolation between ranks, as numpy's and polars' default.
    pub p90: f64,
    pub max: u64,
    /// Cadres in ten or more active groups.
    pub ge10: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrendPoint {
    pub date: String,
    /// Active groups, null without a groups table in that snapshot.
    pub groups: Option<u64>,
    /// Active accounts, null without an accounts table in that snapshot.
    pub accounts: Option<u64>,
    /// Groups opened and closed since the previous snapshot; null for the first snapshot
    /// or when either snapshot lacks the table.
    pub groups_change: Option<Change>,
    pub accounts_change: Option<Change>,
}

/// What happened between two consecutive snapshots.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Change {
    /// The previous snapshot's date.
    pub since: String,
    /// Active now, not active at the previous snapshot: the rebound after a clean-up.
    pub new: u64,
    /// Active at the previous snapshot, not active now.
    pub closed: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Rules {
    /// When breaches must be fixed (YYYY-MM-DD).
    pub due: String,
    /// Breaches per rule id, every rule listed (0 when none).
    pub counts: std::collections::BTreeMap<RuleId, u64>,
    /// Every breach, by unit (none last), rule and id.
    pub breaches: Vec<Breach>,
    /// Merge candidates: active groups whose members nearly coincide.
    pub overlaps: Vec<Overlap>,
    /// The campaign's limit of standing groups per unit (`[rules]`), against which a
    /// unit's progress is judged.
    #[serde(default)]
    pub max_groups_per_unit: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Breach {
    pub rule: RuleId,
    pub kind: Kind,
    /// In a roll-up, the id of the part the breach was found in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    pub unit: Option<String>,
    /// The item concerned; null for a breach of the whole unit.
    pub id: Option<String>,
    pub name: Option<String>,
    /// What is wrong, in a sentence: written by `present::findings` from `finding`, in the
    /// campaign's precision, before metrics.json is written.
    #[serde(default)]
    pub detail: String,
    /// YYYY-MM-DD.
    pub due: String,
    /// What is wrong, as figures.
    pub finding: Finding,
}

/// What a breach found, as figures; `present` words it. Dates are YYYY-MM-DD; ids are
/// shown as every id is (masked where they look like a phone number).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Finding {
    /// More standing groups than the unit may keep.
    TooManyGroups {
        standing: u64,
        ids: Vec<String>,
        limit: u64,
    },
    /// An active group with no admin.
    NoAdmin,
    /// A group created since the baseline, not filed.
    Unfiled,
    /// A stage-work group past its end date, still active.
    StageOverdue { expires: String },
    /// A group silent for more than `days` days.
    Silent { last_active: String, days: i64 },
    /// An account without a post for more than `days` days.
    Stale { last_post: String, days: i64 },
    /// An account with fewer followers than `min`.
    FewFollowers { followers: i64, min: i64 },
    /// A group whose members nearly coincide with a larger one's.
    Overlap {
        into_id: String,
        into_name: Option<String>,
        shared: u64,
        union: u64,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Overlap {
    /// The unit of the group suggested for merging.
    pub unit: Option<String>,
    pub id: String,
    pub name: Option<String>,
    /// The suggested receiving group: the larger of the two.
    pub into_id: String,
    pub into_name: Option<String>,
    pub shared: u64,
    /// Members of either group: jaccard = shared / union.
    #[serde(default)]
    pub union: u64,
    /// Jaccard similarity of the two member sets.
    pub jaccard: f64,
    /// Jaccard similarity of the names' character pairs: a second signal.
    pub name_similarity: f64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Quality {
    /// Every table read, in snapshot order.
    pub tables: Vec<TableInfo>,
    /// Member rows naming a group absent from that snapshot's groups table.
    pub members_of_unknown_groups: u64,
    /// Member rows repeating a (group, member) pair already listed.
    pub duplicate_memberships: u64,
    /// Merge targets (合并至) of the current snapshot that cannot be right: the item itself,
    /// a loop, or an item that is itself dissolved. The figures stand (each such item is
    /// counted as merged); these are warnings for the clerk.
    #[serde(default)]
    pub merge_problems: Vec<MergeProblem>,
    /// Rules that could not be checked, wholly or for some rows, because the data they
    /// need is missing: a breach there would go unreported.
    #[serde(default)]
    pub unchecked_rules: Vec<UncheckedRule>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MergeProblem {
    pub kind: Kind,
    pub unit: Option<String>,
    /// The merged item (masked where it looks like a phone number, as every id shown).
    pub id: String,
    pub problem: MergeFault,
    /// The item and its targets in turn: [A, A]; [A, B, A]; [A, B] with B dissolved.
    pub chain: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct UncheckedRule {
    pub rule: RuleId,
    pub kind: Kind,
    pub reason: Unchecked,
    /// The canonical column missing or left blank (admin, filed, expires, last_active,
    /// last_post, followers, unit); null for `no_members_table`.
    pub column: Option<String>,
    /// Rows the rule could not check: active items of the current snapshot it applies to.
    pub rows: u64,
}

/// What is wrong with a merge target.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MergeFault {
    /// Merged into itself.
    #[serde(rename = "self")]
    Itself,
    /// A chain of targets comes back to an item already on it.
    Loop,
    /// The chain ends at an item dissolved, not in use.
    TargetDissolved,
}

/// Why a rule could not be checked.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Unchecked {
    /// The table lacks the column.
    NoColumn,
    /// Some rows leave the column empty.
    BlankValues,
    /// The current snapshot has no 群成员 table.
    NoMembersTable,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TableInfo {
    /// The snapshot date, or null for the campaign's unit directory.
    pub snapshot: Option<String>,
    pub kind: String,
    /// The file, relative to the campaign folder.
    pub file: String,
    pub rows: u64,
    /// Canonical columns the file has.
    pub columns: Vec<String>,
}
