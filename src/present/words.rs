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
