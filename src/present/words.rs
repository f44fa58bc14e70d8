//! What things are called in a notice: each kind, dimension and rule, written once.

use crate::lang::Lang;
use crate::model::{Dim, Kind, RuleId};

/// 工作群 / 政务新媒体.
pub fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Groups => "工作群",
        Kind::Accounts => "政务新媒体",
    }
}

/// The noun in the user's language, for messages on the terminal.
pub fn noun_in(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (_, Lang::Zh) => noun(kind),
        (Kind::Groups, Lang::En) => "groups",
        (Kind::Accounts, Lang::En) => "accounts",
    }
}

/// The column heading of a breakdown: 单位, 乡镇街道, 层级, 平台.
pub fn dim_label(dim: Dim) -> &'static str {
    match dim {
        Dim::Unit => "单位",
        Dim::Township => "乡镇街道",
        Dim::Level => "层级",
        Dim::Platform => "平台",
    }
}

/// What a breakdown row without a key is called: a city-level unit has no township.
pub fn no_key(dim: Dim) -> &'static str {
    match dim {
        Dim::Township => "市直单位（无乡镇街道）",
        _ => "未填写",
    }
}

/// What each rule's breach is called in a notice.
pub fn rule_label(rule: RuleId) -> &'static str {
    match rule {
        RuleId::MaxGroupsPerUnit => "工作群数量超标",
        RuleId::MissingAdmin => "未指定群管理员",
        RuleId::UnfiledNew => "新建群未报备",
        RuleId::StageOverdue => "阶段性群逾期未解散",
        RuleId::ZombieGroup => "僵尸群未清理",
        RuleId::StaleAccount => "账号长期未更新",
        RuleId::SmallAccount => "账号关注度过低",
        RuleId::Overlap => "工作群成员高度重合",
    }
}

/// A roll-up's name when none is given: 利川市、诸暨市等3地汇总.
pub fn rollup_name(parts: &[&str]) -> String {
    match parts {
        [] => "汇总".to_string(),
        [one] => format!("{one}汇总"),
        [a, b] => format!("{a}、{b}汇总"),
        [a, b, ..] => format!("{a}、{b}等{}地汇总", parts.len()),
    }
}

/// What a roll-up's parts are called, from their regions: 省, 市, 县, else 地区 (各县);
/// 地区 too when two parts share a region.
pub fn part_label(parts: &[crate::model::Part]) -> &'static str {
    // Parts of one region (campaigns of one province) are not each a province.
    let regions: std::collections::BTreeSet<&str> =
        parts.iter().map(|p| p.region.as_str()).collect();
    let all = |ends: &[&str]| {
        regions.len() == parts.len()
            && !parts.is_empty()
            && parts
                .iter()
                .all(|p| ends.iter().any(|e| p.region.ends_with(e)))
    };
    if all(&["省", "自治区"]) {
        "省"
    } else if all(&["县", "区", "旗"]) {
        "县"
    } else if all(&["市"]) {
        "市"
    } else {
        "地区"
    }
}

/// How a part is named in tables: its region when every part's region is its own, else
/// its name; a part not listed (a part of a part) by its id.
pub fn part_name(parts: &[crate::model::Part], id: &str) -> String {
    let regions: std::collections::BTreeSet<&str> =
        parts.iter().map(|p| p.region.as_str()).collect();
    let by_region = regions.len() == parts.len() && !regions.contains("");
    parts
        .iter()
        .find(|p| p.id == id)
        .map(|p| {
            if by_region {
                p.region.clone()
            } else {
                p.name.clone()
            }
        })
        .unwrap_or_else(|| id.to_string())
}

/// A unit of a roll-up, named with its part so two counties' 县委办公室 stay apart.
pub fn unit_in_part(parts: &[crate::model::Part], part: Option<&str>, unit: &str) -> String {
    match part {
        Some(part) => format!("{}·{unit}", part_name(parts, part)),
        None => unit.to_string(),
    }
}
