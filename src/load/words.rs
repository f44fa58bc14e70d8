//! The words clerks write in the status (状态) and term (期限) columns, as the contract
//! lists them: read by `values`, and listed by `problem` when a cell holds another.

/// Status words accepted for an active item (an empty cell is active too): besides 正常,
/// the words DOMAIN.md lists for items still in use — 保留 (retained), 精简成员/踢出
/// (retained, members removed), 新建 (new) and 僵尸群/僵尸号 (in use on paper).
pub const ACTIVE_WORDS: &[&str] = &[
    "正常",
    "保留",
    "新建",
    "踢出",
    "运营",
    "运行",
    "在用",
    "使用",
    "使用中",
    "正常运营",
    "正常运行",
    "继续使用",
    "精简成员",
    "僵尸群",
    "僵尸号",
    "active",
];
/// Status words accepted for a dissolved item.
pub const DISSOLVED_WORDS: &[&str] = &[
    "解散",
    "撤销",
    "关停",
    "注销",
    "停更",
    "停用",
    "停运",
    "停止运营",
    "停止更新",
    "关闭",
    "删除",
    "dissolved",
];
/// Status words accepted for an item merged into another.
pub const MERGED_WORDS: &[&str] = &["合并", "整合", "并入", "迁移", "merged"];

/// Words accepted in the 期限 column.
pub const STANDING_WORDS: &[&str] = &["长期", "常设", "永久", "standing"];
pub const STAGE_WORDS: &[&str] = &["阶段性", "临时", "短期", "阶段", "stage"];
