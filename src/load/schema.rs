//! The input contract: which tables exist, the file stems that name them, and for each
//! canonical column the headers clerks write and the kind of value it holds.

use super::values::{fold_width, trim_spaces};
use crate::model::Kind;

/// The kinds of table a campaign may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableKind {
    Groups,
    Accounts,
    Members,
    Units,
    /// 报备申请: proposed groups, one a row (`jianfu vet --requests`); never in a snapshot.
    Requests,
    /// 申请成员: the members of proposed groups (`jianfu vet --members`, or a requests
    /// workbook's second sheet by 申请编号); never in a snapshot.
    Proposed,
}

impl TableKind {
    pub const SNAPSHOT_KINDS: [TableKind; 3] =
        [TableKind::Groups, TableKind::Accounts, TableKind::Members];

    /// File stems (without extension) that name this table.
    pub fn stems(self) -> &'static [&'static str] {
        match self {
            TableKind::Groups => &["groups", "工作群台账"],
            TableKind::Accounts => &["accounts", "政务新媒体台账"],
            TableKind::Members => &["members", "群成员"],
            TableKind::Units => &["units", "单位名录"],
            TableKind::Requests => &["requests", "报备申请"],
            TableKind::Proposed => &["request_members", "申请成员"],
        }
    }

    pub fn key(self) -> &'static str {
        self.stems()[0]
    }

    /// The kind of item the table lists; members and units list none.
    pub fn items(self) -> Option<Kind> {
        match self {
            TableKind::Groups => Some(Kind::Groups),
            TableKind::Accounts => Some(Kind::Accounts),
            TableKind::Members | TableKind::Units | TableKind::Requests | TableKind::Proposed => {
                None
            }
        }
    }

    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            TableKind::Groups => GROUPS,
            TableKind::Accounts => ACCOUNTS,
            TableKind::Members => MEMBERS,
            TableKind::Units => UNITS,
            TableKind::Requests => REQUESTS,
            TableKind::Proposed => PROPOSED,
        }
    }

    /// The table kind a file stem names, if any.
    pub fn from_stem(stem: &str) -> Option<TableKind> {
        let stem = normalise_header(stem);
        [
            TableKind::Groups,
            TableKind::Accounts,
            TableKind::Members,
            TableKind::Units,
        ]
        .into_iter()
        .find(|k| k.stems().iter().any(|s| normalise_header(s) == stem))
    }
}

/// Free-text columns no figure or rule reads, which load neither types nor keeps: a members
/// table's unit and phone numbers, and its names unless the campaign shows them
/// (`show_names`); a group's owner; an account's operator (a group's purpose is read:
/// `vet` compares it with a request's). At a province's
/// scale they are much of the load's time and memory, and names left unread cannot leak.
/// Columns holding dates or counts are read even when unused: a clerk's mistyped date is
/// still reported.
pub fn unread(kind: TableKind, show_names: bool) -> &'static [&'static str] {
    match (kind, show_names) {
        (TableKind::Members, false) => &["name", "unit", "phone"],
        (TableKind::Members, true) => &["unit", "phone"],
        (TableKind::Groups, _) => &["owner"],
        (TableKind::Accounts, _) => &["operator"],
        (TableKind::Units | TableKind::Requests, _) => &[],
        // A proposed member's name is only for the clerk's own check.
        (TableKind::Proposed, _) => &["name"],
    }
}

/// What a column holds, which decides how its cells are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// Free text, trimmed, full-width Latin folded.
    Text,
    /// An identifier: text, required on every row.
    Id,
    /// The id of another item (合并至): text, optional, kept as written — never masked,
    /// so that it matches the id it names even when that id looks like a phone number.
    IdRef,
    /// An integer ≥ 0.
    Count,
    Date,
    Bool,
    Status,
    Term,
}

#[derive(Debug)]
pub struct ColumnSpec {
    pub canonical: &'static str,
    pub aliases: &'static [&'static str],
    pub ty: ValueType,
    pub required: bool,
}

const fn col(
    canonical: &'static str,
    aliases: &'static [&'static str],
    ty: ValueType,
) -> ColumnSpec {
    ColumnSpec {
        canonical,
        aliases,
        ty,
        required: false,
    }
}

const fn required(
    canonical: &'static str,
    aliases: &'static [&'static str],
    ty: ValueType,
) -> ColumnSpec {
    ColumnSpec {
        canonical,
        aliases,
        ty,
        required: true,
    }
}

use ValueType::*;

const GROUPS: &[ColumnSpec] = &[
    required("id", &["编号", "群编号", "群ID", "序号", "群id"], Id),
    col("name", &["群名称", "群名", "名称"], Text),
    col("platform", &["平台", "类型", "群类型"], Text),
    col("unit", &["单位", "所属单位", "建群单位", "部门"], Text),
    col("township", &["乡镇街道", "所属乡镇", "乡镇"], Text),
    col("level", &["层级", "级别"], Text),
    col("owner", &["群主"], Text),
    col("admin", &["管理员", "群管理员"], Text),
    col("members", &["成员数", "群成员数", "人数"], Count),
    col("purpose", &["用途", "性质", "群用途"], Text),
    col("created", &["建群日期", "建群时间", "创建日期"], Date),
    col(
        "last_active",
        &["最后活跃日期", "最近活跃", "最后发言时间"],
        Date,
    ),
    col("term", &["期限", "使用期限"], Term),
    col("expires", &["到期日期", "结束日期", "解散日期"], Date),
    col("filed", &["是否报备", "报备", "是否备案"], Bool),
    col("status", &["状态", "处置", "处置情况"], Status),
    col("merged_into", &["合并至", "并入", "合并到"], IdRef),
    col("messages_30d", &["近30日消息数", "月消息数"], Count),
];

const ACCOUNTS: &[ColumnSpec] = &[
    required("id", &["编号", "账号编号", "账号ID", "序号", "账号id"], Id),
    col("name", &["账号名称", "名称"], Text),
    col("platform", &["平台", "类型"], Text),
    col("unit", &["单位", "所属单位", "主办单位", "部门"], Text),
    col("township", &["乡镇街道", "所属乡镇", "乡镇"], Text),
    col("level", &["层级", "级别"], Text),
    col("operator", &["运维人员", "责任人"], Text),
    col("followers", &["粉丝数", "关注数", "用户数"], Count),
    col(
        "last_post",
        &["最后更新日期", "最近更新", "最后发文日期"],
        Date,
    ),
    col("posts_30d", &["近30日发文数"], Count),
    col("created", &["创建日期", "开通日期"], Date),
    col("filed", &["是否报备", "报备", "是否备案"], Bool),
    col("status", &["状态", "处置", "处置情况"], Status),
    col("merged_into", &["合并至", "并入", "合并到"], IdRef),
];

const MEMBERS: &[ColumnSpec] = &[
    required("group_id", &["群编号", "群ID", "群id"], Id),
    required("member_id", &["成员编号", "工号", "人员编号"], Id),
    col("name", &["姓名"], Text),
    col("unit", &["单位", "所属单位"], Text),
    col("phone", &["手机号", "手机", "电话"], Text),
];

const UNITS: &[ColumnSpec] = &[
    required("unit", &["单位", "单位名称", "所属单位"], Id),
    col("township", &["乡镇街道", "所属乡镇", "乡镇"], Text),
    col("level", &["层级", "级别"], Text),
    col("staff", &["在编人数", "人数"], Count),
];

const REQUESTS: &[ColumnSpec] = &[
    required("id", &["申请编号", "编号", "序号"], Id),
    col("name", &["群名称", "群名", "名称"], Text),
    col("unit", &["单位", "所属单位", "建群单位", "部门"], Text),
    col("purpose", &["用途", "群用途", "性质"], Text),
    col("term", &["期限", "使用期限"], Term),
    col("expires", &["到期日期", "结束日期"], Date),
    // A list of 成员编号 in one cell, separated by 、，, ; or spaces; kept as written.
    col("members", &["成员编号", "成员", "参与人员"], IdRef),
];

const PROPOSED: &[ColumnSpec] = &[
    col("request_id", &["申请编号"], IdRef),
    required("member_id", &["成员编号", "工号", "人员编号"], Id),
    col("name", &["姓名"], Text),
];

/// Headers are compared after trimming spaces of either width, folding full-width
/// Latin and ignoring case, so "  群ＩＤ " names the same column as "群ID".
pub fn normalise_header(s: &str) -> String {
    fold_width(trim_spaces(s)).trim().to_lowercase()
}

/// The canonical column a header names in this table, if any.
pub fn match_header(kind: TableKind, header: &str) -> Option<&'static ColumnSpec> {
    let h = normalise_header(header);
    if h.is_empty() {
        return None;
    }
    kind.columns().iter().find(|c| {
        normalise_header(c.canonical) == h || c.aliases.iter().any(|a| normalise_header(a) == h)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_alias_names_its_column() {
        let cases: &[(TableKind, &str, &str)] = &[
            (TableKind::Groups, "群ID", "id"),
            (TableKind::Groups, "序号", "id"),
            (TableKind::Groups, "　群名 ", "name"),
            (TableKind::Groups, "建群单位", "unit"),
            (TableKind::Groups, "所属乡镇", "township"),
            (TableKind::Groups, "群管理员", "admin"),
            (TableKind::Groups, "人数", "members"),
            (TableKind::Groups, "最后发言时间", "last_active"),
            (TableKind::Groups, "使用期限", "term"),
            (TableKind::Groups, "解散日期", "expires"),
            (TableKind::Groups, "是否备案", "filed"),
            (TableKind::Groups, "处置情况", "status"),
            (TableKind::Groups, "合并到", "merged_into"),
            (TableKind::Groups, "月消息数", "messages_30d"),
            (TableKind::Groups, "ID", "id"),
            (TableKind::Accounts, "账号ID", "id"),
            (TableKind::Accounts, "责任人", "operator"),
            (TableKind::Accounts, "用户数", "followers"),
            (TableKind::Accounts, "最后发文日期", "last_post"),
            (TableKind::Accounts, "近30日发文数", "posts_30d"),
            (TableKind::Members, "工号", "member_id"),
            (TableKind::Members, "群ID", "group_id"),
            (TableKind::Units, "单位名称", "unit"),
            (TableKind::Units, "在编人数", "staff"),
        ];
        for (kind, header, canonical) in cases {
            assert_eq!(
                match_header(*kind, header).map(|c| c.canonical),
                Some(*canonical),
                "{kind:?} {header}"
            );
        }
        assert!(match_header(TableKind::Groups, "备注").is_none());
    }

    #[test]
    fn stems_in_either_language() {
        assert_eq!(TableKind::from_stem("工作群台账"), Some(TableKind::Groups));
        assert_eq!(TableKind::from_stem("Accounts"), Some(TableKind::Accounts));
        assert_eq!(TableKind::from_stem("群成员"), Some(TableKind::Members));
        assert_eq!(TableKind::from_stem("单位名录"), Some(TableKind::Units));
        assert_eq!(TableKind::from_stem("notes"), None);
    }
}
