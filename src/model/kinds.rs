//! What the report's figures are of: the kind of item, the dimension of a breakdown, and
//! the rule a breach breaks. Serialized as their ids (`groups`, `unit`, `overlap`), so
//! metrics.json reads as before; every label for them lives in `present`.

use serde::{Deserialize, Serialize};

/// The two kinds of item a campaign counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Work chat groups (工作群).
    Groups,
    /// Government new-media accounts and apps (政务新媒体).
    Accounts,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Groups, Kind::Accounts];

    /// `groups` or `accounts`: the id in metrics.json and in table ids.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Groups => "groups",
            Kind::Accounts => "accounts",
        }
    }
}

/// The dimensions every figure is broken down by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dim {
    Unit,
    Township,
    Level,
    Platform,
}

impl Dim {
    pub const ALL: [Dim; 4] = [Dim::Unit, Dim::Township, Dim::Level, Dim::Platform];

    /// `unit`, `township`, `level`, `platform`: the id in table ids (`groups_by_unit`).
    pub fn id(self) -> &'static str {
        match self {
            Dim::Unit => "unit",
            Dim::Township => "township",
            Dim::Level => "level",
            Dim::Platform => "platform",
        }
    }
}

/// The rules checked at the current snapshot, in the order rectification lists show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleId {
    MaxGroupsPerUnit,
    MissingAdmin,
    UnfiledNew,
    StageOverdue,
    ZombieGroup,
    StaleAccount,
    SmallAccount,
    Overlap,
}

impl RuleId {
    /// Every rule, in the order rectification lists show them.
    pub const ALL: [RuleId; 8] = [
        RuleId::MaxGroupsPerUnit,
        RuleId::MissingAdmin,
        RuleId::UnfiledNew,
        RuleId::StageOverdue,
        RuleId::ZombieGroup,
        RuleId::StaleAccount,
        RuleId::SmallAccount,
        RuleId::Overlap,
    ];

    /// The id in metrics.json, e.g. `max_groups_per_unit`.
    pub fn id(self) -> &'static str {
        match self {
            RuleId::MaxGroupsPerUnit => "max_groups_per_unit",
            RuleId::MissingAdmin => "missing_admin",
            RuleId::UnfiledNew => "unfiled_new",
            RuleId::StageOverdue => "stage_overdue",
            RuleId::ZombieGroup => "zombie_group",
            RuleId::StaleAccount => "stale_account",
            RuleId::SmallAccount => "small_account",
            RuleId::Overlap => "overlap",
        }
    }
}

/// By id, so a map keyed by rule lists them as metrics.json always has (alphabetically).
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id().cmp(other.id())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_serialized_names() {
        for rule in RuleId::ALL {
            assert_eq!(serde_json::to_value(rule).unwrap(), rule.id());
        }
        for kind in Kind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.id());
        }
        for dim in Dim::ALL {
            assert_eq!(serde_json::to_value(dim).unwrap(), dim.id());
        }
    }
}
