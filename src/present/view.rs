//! The report as a reader sees it: the notice's title, its headline sentences in the
//! seed's style, and its annex tables with every number already formatted. Built once
//! from the report model; the HTML, PDF and XLSX renderers all lay out this same view,
//! so a figure can never read differently in two outputs.

use super::findings::describe;
use super::format::{NONE, chinese_date, parse_date, quarter_name, report_date};
use super::headline::reduced;
use super::issuance::{self, Annex, AnnexNote, Labelled, Letterhead};
use super::words::{dim_label, no_key, noun, part_label, part_name, rule_label, unit_in_part};
use crate::config::ReportConfig;
use crate::model::{
    Dim, DimensionRow, Figures, Kind, KindFigures, MergeFault, Part, Report, RuleId, Unchecked,
};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct View {
    /// 版头 (发文机关标志, 发文字号), when `[report]` sets it.
    pub letterhead: Option<Letterhead>,
    /// 关于2019年第三季度利川市微信工作群清理整治情况的通报
    pub title: String,
    /// 主送机关 under the title, ending with a full-width colon, when `[report]` sets it.
    pub recipients: Option<String>,
    pub campaign_name: String,
    pub region: String,
    pub authority: String,
    /// 2019年第三季度
    pub period: String,
    /// 2019年9月30日
    pub date: String,
    /// The current snapshot, YYYY-MM-DD.
    pub current: String,
    pub baseline_date: String,
    /// The sentence before 一、总体情况 that says what is reported.
    pub opening: String,
    /// 一、总体情况: one paragraph per sentence group.
    pub overview: Vec<String>,
    /// Headline figures for the summary cards.
    pub headlines: Vec<Headline>,
    /// 二、主要问题
    pub problems: Vec<String>,
    /// 三、下一步工作
    pub next_steps: Vec<String>,
    /// 说明: the scope of the figures and what the data left unchecked or doubtful.
    pub notes: Vec<String>,
    /// 附件说明 after the body: 附件：1. …, one item per table.
    pub annex_note: Option<AnnexNote>,
    /// 附件 tables.
    pub tables: Vec<TableView>,
    /// Printed over a table's header repeated on the pages it continues to: 续表.
    pub continued: String,
    /// 版记's 抄送 at the end of the notice, when `[report]` sets it.
    pub copy_to: Option<Labelled>,
    /// Each unit's rectification list (整改清单), units in order, for handing out one by one.
    pub rectification: Vec<UnitRectification>,
}

/// What one unit must fix, by when.
#[derive(Clone, Debug, Serialize)]
pub struct UnitRectification {
    pub unit: String,
    pub due: String,
    /// Rows of the 整改清单 table that concern this unit.
    pub table: TableView,
}

/// One big number with its label and the counts behind it.
#[derive(Clone, Debug, Serialize)]
pub struct Headline {
    pub label: String,
    pub value: String,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TableView {
    /// Stable identifier, also the XLSX sheet's base name: `groups_by_unit`.
    pub id: String,
    /// The kind of item the table counts, if it counts one kind.
    #[serde(skip)]
    pub kind: Option<Kind>,
    /// The annex it is, if it is one.
    pub annex: Option<Annex>,
    /// 附件1 各单位工作群清理情况 (an annex's title), 整改清单：某单位 (a unit's list)
    pub title: String,
    pub columns: Vec<ColumnView>,
    pub rows: Vec<Vec<CellView>>,
    /// The 合计 row, if the table has one.
    pub total: Option<Vec<CellView>>,
    /// Which rows a document shows when the table is too long to print whole.
    #[serde(skip)]
    pub shown: Selection,
}

/// Which rows of a long table a printed document shows; its caption is made from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// The rows with the largest counts in this column, largest first.
    LargestBy { column: usize },
    /// The rows in the table's own order, from the first.
    First,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnView {
    pub label: String,
    pub kind: ColumnKind,
}

/// What a column holds, which decides its alignment and how spreadsheets store it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    Count,
    Percent,
    /// A mean or a rate with decimals, such as groups per unit.
    Decimal,
    Text,
    Date,
}

impl ColumnView {
    pub fn new(label: impl Into<String>, kind: ColumnKind) -> ColumnView {
        ColumnView {
            label: label.into(),
            kind,
        }
    }

    /// Counts and percentages are right-aligned, for comparing by eye.
    pub fn numeric(&self) -> bool {
        matches!(
            self.kind,
            ColumnKind::Count | ColumnKind::Percent | ColumnKind::Decimal
        )
    }
}

// Templates read `numeric` for alignment; `kind` says more.
impl Serialize for ColumnView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("ColumnView", 3)?;
        s.serialize_field("label", &self.label)?;
        s.serialize_field("numeric", &self.numeric())?;
        s.serialize_field("kind", &self.kind)?;
        s.end()
    }
}

/// A cell: its text as printed, and the value behind it for sorting and spreadsheets.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CellView {
    pub text: String,
    pub value: CellValue,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum CellValue {
    Text,
    Count {
        n: u64,
    },
    /// A ratio, rounded once for print; `rounded` is the printed percentage over 100.
    Ratio {
        rounded: Option<f64>,
    },
}

impl CellView {
    pub fn text(s: impl Into<String>) -> CellView {
        CellView {
            text: s.into(),
            value: CellValue::Text,
        }
    }

    pub fn count(n: u64) -> CellView {
        CellView {
            text: n.to_string(),
            value: CellValue::Count { n },
        }
    }
}

/// The notice of one report, its numbers printed by the campaign's `[report]` settings.
pub fn view(report: &Report) -> View {
    let options = &report.campaign.percentages;
    let current = parse_date(&report.campaign.current);
    let baseline = parse_date(&report.campaign.baseline);
    let period = quarter_name(current);
    let mut overview = Vec::new();
    let mut headlines = Vec::new();
    let mut problems = Vec::new();
    let mut tables = Vec::new();
    let parts = report.parts.as_deref().unwrap_or(&[]);
    overview.extend(parts_sentences(parts));
    overview.extend(combined_sentence(report, options));
    for (kind, figures) in report.kinds() {
        overview.push(kind_sentence(figures, kind, options));
        overview.extend(change_sentence(report, figures, kind, options));
        headlines.extend(kind_headlines(figures, kind, options));
        problems.extend(lagging_units(figures, kind, &report.rules, options));
        let annex = tables.len();
        tables.extend(kind_tables(figures, kind, annex, options, parts));
    }
    if let Some(burden) = &report.burden {
        if let Some(load) = &burden.messages {
            overview.push(format!(
                "干部人均每月需阅读的工作群消息由{:.0}条降至{:.0}条，消息最多的干部由每月{}条降至{}条。",
                load.before.mean, load.after.mean, load.before.max, load.after.max
            ));
        }
        if !burden.top.is_empty() {
            let annex = tables.len() + 1;
            tables.push(top_cadres_table(burden, annex));
        }
        overview.push(format!(
            "从干部个人负担看，{}名干部人均所在工作群由{:.1}个降至{:.1}个，所在工作群最多的干部由{}个降至{}个，身处10个及以上工作群的干部由{}人减少到{}人。",
            burden.cadres,
            burden.before.mean,
            burden.after.mean,
            burden.before.max,
            burden.after.max,
            burden.before.ge10,
            burden.after.ge10
        ));
        if !parts.is_empty() {
            overview.push(format!(
                "干部负担按各{label}分别统计后相加：同一名干部若在两个{label}均有统计，则在每个{label}各计一次。",
                label = part_label(parts)
            ));
        }
    }
    if !parts.is_empty() && !report.rules.breaches.is_empty() {
        tables.push(rules_by_part(&report.rules, parts, tables.len() + 1));
    }
    let rectification = rectification_lists(&report.rules, tables.len() + 1, parts, options);
    if let Some(annex) = rectification.as_ref().and_then(|(t, _)| t.annex.as_ref()) {
        problems.extend(rule_sentences(&report.rules, annex));
    }
    if problems.is_empty() {
        problems.push(
            "各单位均已完成清理任务，未发现精简进度明显滞后的单位，未发现违反清理规定的问题。"
                .to_string(),
        );
    }
    let notes = data_notes(&report.quality);
    let (rectification_table, per_unit) = rectification.unzip();
    tables.extend(rectification_table);
    let opening = format!(
        "{}以来，{}。现将{period}有关情况通报如下。",
        chinese_date(baseline),
        who_does_what(&report.campaign.region, &report.campaign.name)
    );
    View {
        letterhead: issuance::letterhead(options),
        title: format!("关于{period}{}情况的通报", report.campaign.name),
        recipients: issuance::recipients(options),
        campaign_name: report.campaign.name.clone(),
        region: report.campaign.region.clone(),
        authority: report.campaign.authority.clone(),
        period,
        date: chinese_date(current),
        current: report.campaign.current.clone(),
        baseline_date: chinese_date(baseline),
        opening,
        overview,
        headlines,
        problems,
        next_steps: NEXT_STEPS.iter().map(|s| s.to_string()).collect(),
        notes,
        annex_note: issuance::annex_note(tables.iter().filter_map(|t| t.annex.as_ref())),
        tables,
        continued: issuance::CONTINUED.to_string(),
        copy_to: issuance::copy_to(options),
        rectification: per_unit.unwrap_or_default(),
    }
}

/// Sentences on what the data left unchecked or doubtful: rules that could not be checked,
/// merge targets that cannot be right.
fn data_notes(quality: &crate::model::Quality) -> Vec<String> {
    let mut notes = Vec::new();
    if !quality.unchecked_rules.is_empty() {
        let parts: Vec<String> = quality
            .unchecked_rules
            .iter()
            .map(|u| {
                let why = match u.reason {
                    Unchecked::NoColumn => "台账缺少所需的列",
                    Unchecked::BlankValues => "所需的列未填写",
                    Unchecked::NoMembersTable => "缺少群成员台账",
                };
                format!("{}（{}，{}条）", rule_label(u.rule), why, u.rows)
            })
            .collect();
        notes.push(format!(
            "以下规定因数据不全未能核查，可能存在未发现的问题：{}。",
            parts.join("；")
        ));
    }
    if !quality.merge_problems.is_empty() {
        const LISTED: usize = 10;
        let mut chains: Vec<String> = quality
            .merge_problems
            .iter()
            .take(LISTED)
            .map(|m| {
                let what = match m.problem {
                    MergeFault::Itself => "并入自身",
                    MergeFault::Loop => "循环并入",
                    MergeFault::TargetDissolved => "并入已解散的群或账号",
                };
                format!("{}（{}）", m.chain.join("→"), what)
            })
            .collect();
        if quality.merge_problems.len() > LISTED {
            chains.push("等".to_string());
        }
        notes.push(format!(
            "{}处合并去向有误，已按合并计入，请核实：{}。",
            quality.merge_problems.len(),
            chains.join("；")
        ));
    }
    notes
}

/// 二、主要问题 sentences on the rule breaches, pointing to the rectification annex.
fn rule_sentences(rules: &crate::model::Rules, annex: &Annex) -> Vec<String> {
    let units: std::collections::BTreeSet<Option<&str>> =
        rules.breaches.iter().map(|b| b.unit.as_deref()).collect();
    let parts: Vec<String> = RuleId::ALL
        .iter()
        .filter_map(|rule| {
            let n = rules.counts.get(rule).copied().unwrap_or(0);
            (n > 0).then(|| format!("{}{}处", rule_label(*rule), n))
        })
        .collect();
    let mut sentences = vec![format!(
        "对照清理整治有关规定，共发现问题{}处，涉及{}个单位：{}。具体问题及整改时限见{}（整改清单），请有关单位于{}前整改到位。",
        rules.breaches.len(),
        units.len(),
        parts.join("，"),
        annex.label,
        report_date(&rules.due)
    )];
    if !rules.overlaps.is_empty() {
        sentences.push(format!(
            "经成员比对，有{}对工作群成员高度重合，功能重复，建议合并。",
            rules.overlaps.len()
        ));
    }
    sentences
}

/// The 整改清单 annex, and the same rows split by unit.
fn rectification_lists(
    rules: &crate::model::Rules,
    annex: usize,
    parts: &[Part],
    o: &ReportConfig,
) -> Option<(TableView, Vec<UnitRectification>)> {
    if rules.breaches.is_empty() {
        return None;
    }
    use ColumnKind::{Count, Date, Text};
    let columns: Vec<ColumnView> = [
        ("序号", Count),
        ("单位", Text),
        ("问题", Text),
        ("编号", Text),
        ("名称", Text),
        ("具体情况", Text),
        ("整改时限", Date),
    ]
    .into_iter()
    .map(|(label, kind)| ColumnView::new(label, kind))
    .collect();
    let unit_name = |b: &crate::model::Breach| {
        unit_in_part(
            parts,
            b.part.as_deref(),
            b.unit.as_deref().unwrap_or("未填写单位"),
        )
    };
    let row = |n: usize, b: &crate::model::Breach| {
        vec![
            CellView::count(n as u64),
            CellView::text(unit_name(b)),
            CellView::text(rule_label(b.rule)),
            CellView::text(b.id.clone().unwrap_or_else(|| NONE.into())),
            CellView::text(b.name.clone().unwrap_or_else(|| NONE.into())),
            CellView::text(describe(&b.finding, o)),
            CellView::text(report_date(&b.due)),
        ]
    };
    let table =
        |id: String, annex: Option<Annex>, title: String, rows: Vec<Vec<CellView>>| TableView {
            id,
            kind: None,
            annex,
            title,
            columns: columns.clone(),
            rows,
            total: None,
            // By unit, then rule: a long list is shown from its start.
            shown: Selection::First,
        };
    let annex = Annex::new(annex, "整改清单");
    let all = table(
        "rectification".into(),
        Some(annex.clone()),
        annex.title(),
        rules
            .breaches
            .iter()
            .enumerate()
            .map(|(i, b)| row(i + 1, b))
            .collect(),
    );
    let mut per_unit: Vec<UnitRectification> = Vec::new();
    for b in &rules.breaches {
        let unit = unit_name(b);
        if per_unit.last().is_none_or(|u| u.unit != unit) {
            per_unit.push(UnitRectification {
                unit: unit.clone(),
                due: report_date(&b.due),
                table: table(
                    format!("rectification_{}", per_unit.len() + 1),
                    None,
                    format!("整改清单：{unit}"),
                    Vec::new(),
                ),
            });
        }
        let list = per_unit.last_mut().expect("just pushed");
        let n = list.table.rows.len() + 1;
        list.table.rows.push(row(n, b));
    }
    Some((all, per_unit))
}

/// The most burdened cadres, by pseudonym.
fn top_cadres_table(burden: &crate::model::Burden, annex: usize) -> TableView {
    let annex = Annex::new(annex, "所在工作群最多的干部（化名）");
    TableView {
        id: "burden_top".into(),
        kind: Some(Kind::Groups),
        title: annex.title(),
        annex: Some(annex),
        columns: vec![
            ColumnView::new("序号", ColumnKind::Count),
            ColumnView::new("干部", ColumnKind::Text),
            ColumnView::new("清理前所在群数", ColumnKind::Count),
            ColumnView::new("清理后所在群数", ColumnKind::Count),
        ],
        rows: burden
            .top
            .iter()
            .enumerate()
            .map(|(i, c)| {
                vec![
                    CellView::count(i as u64 + 1),
                    CellView::text(c.cadre.clone()),
                    CellView::count(c.before),
                    CellView::count(c.after),
                ]
            })
            .collect(),
        total: None,
        shown: Selection::LargestBy { column: 2 },
    }
}

const NEXT_STEPS: [&str; 3] = [
    "巩固清理成果。各单位要对照附件逐项核对，确保已解散、已合并的工作群和已停运的政务新媒体不反弹、不变相保留。",
    "落实建群报备制度。新建工作群须事先向本单位主要负责人报备用途、使用期限、参与人员和群主，阶段性工作结束后及时解散。",
    "加强日常监督。纪检监察机关将结合日常监督跟进核查，对清理不到位、反弹回潮的单位予以通报。",
];

/// The seed's own style: 从2000个精简到450个，精简占比达77.5%.
fn kind_sentence(figures: &KindFigures, kind: Kind, o: &ReportConfig) -> String {
    let t = &figures.totals;
    let noun = noun(kind);
    let mut s = format!(
        "各级各部门{noun}从{}个精简到{}个，精简占比达{}（{}/{}）。",
        t.before,
        t.after,
        o.pct(reduced(t), t.before),
        reduced(t),
        t.before
    );
    // Parts that are zero are left out; a single part is the whole.
    let parts: Vec<(&str, u64)> = [
        ("解散", t.dissolved),
        ("合并", t.merged),
        ("阶段性工作结束后解散", t.expired),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect();
    s += &format!("清理前在用的{}个{noun}中，", t.before);
    let closed = format!(
        "{}个停止运营，占比{}",
        t.closed,
        o.pct(t.closed as i64, t.before)
    );
    s += &match parts.as_slice() {
        [] => "尚无停止运营的".to_string(),
        [(only, _)] => format!("{closed}，均为{only}"),
        _ => {
            let each: Vec<String> = parts.iter().map(|(l, n)| format!("{l}{n}个")).collect();
            format!("{closed}，其中{}", each.join("、"))
        }
    };
    s += &format!("；保留{}个", t.retained);
    if t.trimmed > 0 {
        s += &format!(
            "，其中{}个精简了成员，累计移出成员{}人次",
            t.trimmed, t.members_removed
        );
    }
    s += "。";
    if t.new > 0 {
        s += &format!("清理以来新建{noun}{}个。", t.new);
    }
    s
}

/// The change since the previous snapshot, in 个百分点 of the baseline count.
fn change_sentence(
    report: &Report,
    figures: &KindFigures,
    kind: Kind,
    o: &ReportConfig,
) -> Option<String> {
    let [.., previous, now] = report.trend.as_slice() else {
        return None;
    };
    let (active, change) = match kind {
        Kind::Groups => ((previous.groups?, now.groups?), now.groups_change.as_ref()?),
        Kind::Accounts => (
            (previous.accounts?, now.accounts?),
            now.accounts_change.as_ref()?,
        ),
    };
    // Against the baseline the overview has said it all already.
    if change.since == report.campaign.baseline {
        return None;
    }
    let before = figures.totals.before;
    // Both ratios share the baseline denominator, so their difference is exact.
    let points = active.0 as i64 - active.1 as i64;
    let (verb, magnitude) = if points >= 0 {
        ("提高", points)
    } else {
        ("下降", -points)
    };
    let pp = o.percent(magnitude, before)?;
    Some(format!(
        "与上期（{}）相比，在用{}由{}个变为{}个，其间停止运营{}个、新建{}个，精简占比{verb}{pp}个百分点。",
        report_date(&change.since),
        noun(kind),
        active.0,
        active.1,
        change.closed,
        change.new
    ))
}

fn kind_headlines(figures: &KindFigures, kind: Kind, o: &ReportConfig) -> Vec<Headline> {
    let t = &figures.totals;
    vec![
        Headline {
            label: format!("{}精简占比", noun(kind)),
            value: o.pct(reduced(t), t.before),
            detail: format!("{} → {}", t.before, t.after),
        },
        Headline {
            label: format!("{}停止运营", noun(kind)),
            value: format!("{}个", t.closed),
            detail: format!(
                "占比{}（{}/{}）",
                o.pct(t.closed as i64, t.before),
                t.closed,
                t.before
            ),
        },
    ]
}

/// Units named in a notice when they could still do better: a reduction ratio under half
/// the campaign's, and still more items than allowed — for groups, more than
/// `max_groups_per_unit`; for accounts, more than the campaign's own pace would leave
/// (its ratio applied to the unit, rounded up). The worst few by name, the rest counted.
fn lagging_units(
    figures: &KindFigures,
    kind: Kind,
    rules: &crate::model::Rules,
    o: &ReportConfig,
) -> Vec<String> {
    const NAMED: usize = 5;
    let t = &figures.totals;
    if t.before == 0 || reduced(t) <= 0 {
        return vec![];
    }
    let allowed = |f: &Figures| match kind {
        Kind::Groups => rules.max_groups_per_unit,
        Kind::Accounts => (f.before * t.after).div_ceil(t.before),
    };
    // Ratios compared exactly, by cross-multiplying the integer counts.
    let mut behind: Vec<&DimensionRow> = figures
        .by_unit
        .iter()
        .filter(|r| r.key.is_some() && r.figures.before > 0)
        .filter(|r| r.figures.after > allowed(&r.figures))
        .filter(|r| {
            let unit = 2 * i128::from(reduced(&r.figures)) * i128::from(t.before);
            unit < i128::from(reduced(t)) * i128::from(r.figures.before)
        })
        .collect();
    if behind.is_empty() {
        return vec![];
    }
    // Worst first: the lowest ratio, then the most items left.
    behind.sort_by(|a, b| {
        let (fa, fb) = (&a.figures, &b.figures);
        (i128::from(reduced(fa)) * i128::from(fb.before))
            .cmp(&(i128::from(reduced(fb)) * i128::from(fa.before)))
            .then(fb.after.cmp(&fa.after))
            .then(a.key.cmp(&b.key))
    });
    let named: Vec<String> = behind
        .iter()
        .take(NAMED)
        .map(|r| {
            format!(
                "{}（{}→{}，精简占比{}）",
                r.key.as_deref().unwrap_or(NONE),
                r.figures.before,
                r.figures.after,
                o.pct(reduced(&r.figures), r.figures.before)
            )
        })
        .collect();
    let more = if behind.len() > named.len() {
        format!("等{}个单位", behind.len())
    } else {
        String::new()
    };
    let limit = match kind {
        Kind::Groups => format!("在用数量仍超过每单位{}个的上限", rules.max_groups_per_unit),
        Kind::Accounts => "在用数量仍高于按总体进度应保留的数量".to_string(),
    };
    vec![format!(
        "部分单位{}清理进度滞后，精简占比不足总体水平（{}）的一半，{limit}：{}{}。",
        noun(kind),
        o.pct(reduced(t), t.before),
        named.join("、"),
        more
    )]
}

/// 利川市深入开展微信工作群清理整治: the place named once — not
/// 湖北省利川市深入开展利川市微信工作群清理整治.
fn who_does_what(region: &str, name: &str) -> String {
    // The region's last level: 湖北省利川市 → 利川市.
    let own = ["省", "自治区", "特别行政区"]
        .iter()
        .filter_map(|level| region.rfind(level).map(|i| &region[i + level.len()..]))
        .filter(|rest| !rest.is_empty())
        .min_by_key(|rest| rest.len())
        .unwrap_or(region);
    // A name that starts with (most of) the place names it already: 平顶山高新区… in
    // 河南省平顶山市高新区.
    let shared = own
        .chars()
        .zip(name.chars())
        .take_while(|(a, b)| a == b)
        .count();
    match name.strip_prefix(own).filter(|_| !own.is_empty()) {
        Some(rest) if !rest.is_empty() => format!("{own}深入开展{rest}"),
        _ if region.is_empty() || shared >= 2 => format!("深入开展{name}"),
        _ => format!("{region}深入开展{name}"),
    }
}

/// Both kinds together, from the added counts, rounded once — as provincial notices
/// give it. Only when the campaign has both.
fn combined_sentence(report: &Report, o: &ReportConfig) -> Option<String> {
    let (Some(groups), Some(accounts)) = (&report.groups, &report.accounts) else {
        return None;
    };
    let before = groups.totals.before + accounts.totals.before;
    let after = groups.totals.after + accounts.totals.after;
    let cut = before as i64 - after as i64;
    Some(format!(
        "工作群和政务新媒体合计由{before}个精简到{after}个，精简占比{}（{cut}/{before}）。",
        o.pct(cut, before)
    ))
}

fn kind_tables(
    figures: &KindFigures,
    kind: Kind,
    annex: usize,
    o: &ReportConfig,
    parts: &[Part],
) -> Vec<TableView> {
    let mut tables = Vec::new();
    if !figures.by_part.is_empty() {
        tables.push(breakdown_table(
            figures,
            kind,
            annex + 1,
            o,
            Breakdown::Parts(parts),
        ));
    }
    for dim in Dim::ALL {
        let n = annex + tables.len() + 1;
        tables.push(breakdown_table(
            figures,
            kind,
            n,
            o,
            Breakdown::Dim(dim, parts),
        ));
    }
    tables
}

/// A breakdown table: by one of the campaign's dimensions, or by a roll-up's part.
enum Breakdown<'a> {
    Dim(Dim, &'a [Part]),
    /// Ranked by reduction ratio, with each part's 截至 date.
    Parts(&'a [Part]),
}

fn breakdown_table(
    figures: &KindFigures,
    kind: Kind,
    annex: usize,
    o: &ReportConfig,
    breakdown: Breakdown,
) -> TableView {
    let (label, id, rows) = match breakdown {
        Breakdown::Dim(dim, _) => (dim_label(dim).to_string(), dim.id(), figures.by(dim)),
        Breakdown::Parts(parts) => (part_label(parts).to_string(), "part", &figures.by_part[..]),
    };
    let mut columns = vec![
        ColumnView::new(
            if id == "part" { "排名" } else { "序号" },
            ColumnKind::Count,
        ),
        ColumnView::new(label.clone(), ColumnKind::Text),
    ];
    if let Breakdown::Parts(_) = breakdown {
        columns.push(ColumnView::new("截至日期", ColumnKind::Date));
    }
    columns.extend(
        ["清理前", "清理后", "解散", "合并", "到期解散", "新建"]
            .map(|l| ColumnView::new(l, ColumnKind::Count)),
    );
    columns.extend(["精简占比", "停止运营占比"].map(|l| ColumnView::new(l, ColumnKind::Percent)));
    let body = rows
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let mut cells = vec![CellView::count(n as u64 + 1)];
            match breakdown {
                Breakdown::Dim(dim, parts) => {
                    let key = r.key.as_deref().unwrap_or(no_key(dim));
                    cells.push(CellView::text(unit_in_part(parts, r.part.as_deref(), key)));
                }
                Breakdown::Parts(parts) => {
                    let id = r.key.as_deref().unwrap_or_default();
                    cells.push(CellView::text(part_name(parts, id)));
                    let date = parts.iter().find(|p| p.id == id).map(|p| p.date.as_str());
                    cells.push(CellView::text(
                        date.map_or_else(|| NONE.into(), report_date),
                    ));
                }
            }
            cells.extend(figure_cells(&r.figures, o));
            cells
        })
        .collect();
    let mut total = vec![CellView::text(""), CellView::text("合计")];
    if let Breakdown::Parts(_) = breakdown {
        total.push(CellView::text(""));
    }
    total.extend(figure_cells(&figures.totals, o));
    let shown = match breakdown {
        // 清理前: where the campaign had the most to do.
        Breakdown::Dim(..) => Selection::LargestBy { column: 2 },
        // The ranking, from the first.
        Breakdown::Parts(_) => Selection::First,
    };
    let annex = Annex::new(annex, &format!("按{label}统计的{}清理情况", noun(kind)));
    TableView {
        id: format!("{}_by_{id}", kind.id()),
        kind: Some(kind),
        title: annex.title(),
        annex: Some(annex),
        columns,
        rows: body,
        total: Some(total),
        shown,
    }
}

/// A roll-up's opening: what it was added up from, and each part's 截至 date where they
/// differ, so figures of different dates are never mixed in silence.
fn parts_sentences(parts: &[Part]) -> Vec<String> {
    if parts.is_empty() {
        return Vec::new();
    }
    let label = part_label(parts);
    const NAMED: usize = 10;
    let mut names: Vec<String> = parts
        .iter()
        .take(NAMED)
        .map(|p| part_name(parts, &p.id))
        .collect();
    if parts.len() > NAMED {
        names.push("等".to_string());
    }
    let mut out = vec![format!(
        "本报告由{}个{label}的报告汇总而成（{}），各项数量为各{label}数量相加，占比由相加后的数量重新计算。",
        parts.len(),
        names.join("、").replace("、等", "等")
    )];
    let dates: std::collections::BTreeSet<&str> = parts.iter().map(|p| p.date.as_str()).collect();
    if dates.len() > 1 {
        let each: Vec<String> = parts
            .iter()
            .map(|p| format!("{}截至{}", part_name(parts, &p.id), report_date(&p.date)))
            .collect();
        out.push(format!(
            "请注意：各{label}数据的截至日期不同（{}），合计数为各{label}截至各自日期的数量之和；变化趋势只列各{label}共有的日期。",
            each.join("，")
        ));
    }
    out
}

/// The rule breaches of a roll-up by part: how many, in how many units.
fn rules_by_part(rules: &crate::model::Rules, parts: &[Part], annex: usize) -> TableView {
    let mut by: Vec<(String, u64, std::collections::BTreeSet<Option<&str>>)> = Vec::new();
    for b in &rules.breaches {
        let part = b.part.clone().unwrap_or_default();
        let i = match by.iter().position(|(p, ..)| *p == part) {
            Some(i) => i,
            None => {
                by.push((part, 0, Default::default()));
                by.len() - 1
            }
        };
        by[i].1 += 1;
        by[i].2.insert(b.unit.as_deref());
    }
    by.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let label = part_label(parts);
    let annex = Annex::new(annex, &format!("各{label}发现问题汇总"));
    TableView {
        id: "rules_by_part".into(),
        kind: None,
        title: annex.title(),
        annex: Some(annex),
        columns: vec![
            ColumnView::new("序号", ColumnKind::Count),
            ColumnView::new(label, ColumnKind::Text),
            ColumnView::new("问题数", ColumnKind::Count),
            ColumnView::new("涉及单位数", ColumnKind::Count),
        ],
        rows: by
            .iter()
            .enumerate()
            .map(|(n, (part, count, units))| {
                vec![
                    CellView::count(n as u64 + 1),
                    CellView::text(part_name(parts, part)),
                    CellView::count(*count),
                    CellView::count(units.len() as u64),
                ]
            })
            .collect(),
        total: Some(vec![
            CellView::text(""),
            CellView::text("合计"),
            CellView::count(rules.breaches.len() as u64),
            CellView::count(by.iter().map(|(_, _, units)| units.len() as u64).sum()),
        ]),
        shown: Selection::LargestBy { column: 2 },
    }
}

fn figure_cells(f: &Figures, o: &ReportConfig) -> Vec<CellView> {
    vec![
        CellView::count(f.before),
        CellView::count(f.after),
        CellView::count(f.dissolved),
        CellView::count(f.merged),
        CellView::count(f.expired),
        CellView::count(f.new),
        ratio_cell(o, reduced(f), f.before),
        ratio_cell(o, f.closed as i64, f.before),
    ]
}

/// A percentage cell: the printed text, and the printed value for spreadsheets.
pub fn ratio_cell(o: &ReportConfig, numerator: i64, denominator: u64) -> CellView {
    CellView {
        text: o.pct(numerator, denominator),
        value: CellValue::Ratio {
            rounded: o.rounded(numerator, denominator),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_change_since_the_previous_quarter_is_in_percentage_points() {
        let report: Report = serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "campaign": {"id": "x", "name": "测试", "region": "", "authority": "",
                "baseline": "2019-04-30", "current": "2019-09-30",
                "snapshots": ["2019-04-30", "2019-06-30", "2019-09-30"]},
            "groups": {"before": 2000, "after": 450, "retained": 440, "trimmed": 0,
                "merged": 600, "dissolved": 950, "expired": 10, "new": 10, "closed": 1560,
                "reduction_ratio": 0.775, "closure_rate": 0.78, "members_removed": 0,
                "by_unit": [], "by_township": [], "by_level": [], "by_platform": []},
            "accounts": null, "burden": null,
            "trend": [
                {"date": "2019-04-30", "groups": 2000, "accounts": null, "groups_change": null, "accounts_change": null},
                {"date": "2019-06-30", "groups": 1100, "accounts": null, "groups_change": {"since": "2019-04-30", "new": 0, "closed": 900}, "accounts_change": null},
                {"date": "2019-09-30", "groups": 450, "accounts": null, "groups_change": {"since": "2019-06-30", "new": 10, "closed": 660}, "accounts_change": null}
            ],
            "quality": {"tables": [], "members_of_unknown_groups": 0, "duplicate_memberships": 0}
        }))
        .unwrap();
        let v = view(&report);
        assert_eq!(v.title, "关于2019年第三季度测试情况的通报");
        assert!(
            v.overview[0]
                .starts_with("各级各部门工作群从2000个精简到450个，精简占比达77.5%（1550/2000）。"),
            "{}",
            v.overview[0]
        );
        // (1100 − 450) / 2000 = 32.5 percentage points.
        assert_eq!(
            v.overview[1],
            "与上期（2019年6月30日）相比，在用工作群由1100个变为450个，其间停止运营660个、新建10个，精简占比提高32.5个百分点。"
        );
    }

    /// A campaign's report from its figures: `groups` and `accounts` as metrics.json
    /// writes them (or null), two snapshots, the rules' limit of one group per unit.
    fn report(groups: serde_json::Value, accounts: serde_json::Value) -> Report {
        serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "campaign": {"id": "x", "name": "利川市微信工作群清理整治", "region": "湖北省利川市",
                "authority": "", "baseline": "2019-04-30", "current": "2019-09-30",
                "snapshots": ["2019-04-30", "2019-09-30"]},
            "groups": groups, "accounts": accounts, "burden": null,
            "trend": [
                {"date": "2019-04-30", "groups": 10, "accounts": 10, "groups_change": null, "accounts_change": null},
                {"date": "2019-09-30", "groups": 4, "accounts": 6,
                    "groups_change": {"since": "2019-04-30", "new": 0, "closed": 6},
                    "accounts_change": {"since": "2019-04-30", "new": 0, "closed": 4}}
            ],
            "rules": {"due": "2019-10-30", "counts": {}, "breaches": [], "overlaps": [],
                "max_groups_per_unit": 1},
            "quality": {"tables": [], "members_of_unknown_groups": 0, "duplicate_memberships": 0}
        }))
        .unwrap()
    }

    /// Figures as metrics.json writes them, closed and ratios derived.
    fn figures(
        before: u64,
        after: u64,
        dissolved: u64,
        merged: u64,
        expired: u64,
    ) -> serde_json::Value {
        let closed = dissolved + merged + expired;
        serde_json::json!({"before": before, "after": after, "retained": before - closed,
            "trimmed": 0, "merged": merged, "dissolved": dissolved, "expired": expired,
            "new": after + closed - before, "closed": closed, "reduction_ratio": null,
            "closure_rate": null, "members_removed": 0})
    }

    fn kind(totals: serde_json::Value, units: &[(&str, serde_json::Value)]) -> serde_json::Value {
        let mut k = totals;
        k["by_unit"] = units
            .iter()
            .map(|(name, f)| {
                let mut row = f.clone();
                row["key"] = serde_json::json!(name);
                row
            })
            .collect();
        for dim in ["by_township", "by_level", "by_platform"] {
            k[dim] = serde_json::json!([]);
        }
        k
    }

    #[test]
    fn parts_that_are_zero_are_left_out() {
        let only_dissolved = report(kind(figures(10, 4, 6, 0, 0), &[]), serde_json::Value::Null);
        let v = view(&only_dissolved);
        assert!(
            v.overview[0].contains("6个停止运营，占比60.0%，均为解散；保留4个"),
            "{}",
            v.overview[0]
        );
        for zero in ["合并0个", "解散0个"] {
            assert!(!v.overview[0].contains(zero), "{}", v.overview[0]);
        }
        let two = report(kind(figures(10, 4, 4, 2, 0), &[]), serde_json::Value::Null);
        let v = view(&two);
        assert!(
            v.overview[0].contains("6个停止运营，占比60.0%，其中解散4个、合并2个；"),
            "{}",
            v.overview[0]
        );
    }

    #[test]
    fn no_change_paragraph_when_the_previous_snapshot_is_the_baseline() {
        let v = view(&report(
            kind(figures(10, 4, 6, 0, 0), &[]),
            serde_json::Value::Null,
        ));
        assert!(
            v.overview.iter().all(|p| !p.contains("与上期")),
            "{:?}",
            v.overview
        );
    }

    #[test]
    fn lagging_units_are_those_that_could_still_reduce() {
        // Overall 100 → 40 (60%). 村委会 kept its one allowed group: not lagging. 单位甲
        // kept 8 of 10 (20%, under half of 60%) and is over the limit: lagging.
        let groups = kind(
            figures(100, 40, 60, 0, 0),
            &[
                ("村委会", figures(1, 1, 0, 0, 0)),
                ("单位甲", figures(10, 8, 2, 0, 0)),
                ("单位乙", figures(89, 31, 58, 0, 0)),
            ],
        );
        let v = view(&report(groups, serde_json::Value::Null));
        let lagging: Vec<&String> = v.problems.iter().filter(|p| p.contains("滞后")).collect();
        assert_eq!(lagging.len(), 1, "{:?}", v.problems);
        assert!(
            lagging[0].contains("单位甲（10→8，精简占比20.0%）"),
            "{}",
            lagging[0]
        );
        assert!(!lagging[0].contains("村委会"), "{}", lagging[0]);
        assert!(lagging[0].contains("每单位1个的上限"), "{}", lagging[0]);
    }

    #[test]
    fn the_worst_five_are_named_and_the_rest_counted() {
        let units: Vec<(String, serde_json::Value)> = (1..=7)
            .map(|i| (format!("单位{i}"), figures(10, 10 - (i % 2), i % 2, 0, 0)))
            .collect();
        let rows: Vec<(&str, serde_json::Value)> =
            units.iter().map(|(n, f)| (n.as_str(), f.clone())).collect();
        let groups = kind(figures(170, 66, 104, 0, 0), &rows);
        let v = view(&report(groups, serde_json::Value::Null));
        let line = v.problems.iter().find(|p| p.contains("滞后")).unwrap();
        assert!(line.contains("等7个单位"), "{line}");
        assert_eq!(line.matches("精简占比").count(), 1 + 5, "{line}");
        // 0% before 10%: the three that kept all ten come first.
        assert!(line.contains("单位2（10→10"), "{line}");
    }

    #[test]
    fn both_kinds_give_a_combined_total_rounded_once() {
        let v = view(&report(
            kind(figures(10, 4, 6, 0, 0), &[]),
            kind(figures(10, 6, 4, 0, 0), &[]),
        ));
        assert_eq!(
            v.overview[0],
            "工作群和政务新媒体合计由20个精简到10个，精简占比50.0%（10/20）。"
        );
        let single = view(&report(
            kind(figures(10, 4, 6, 0, 0), &[]),
            serde_json::Value::Null,
        ));
        assert!(single.overview.iter().all(|p| !p.contains("合计")));
    }

    #[test]
    fn the_opening_names_the_place_once() {
        let v = view(&report(
            kind(figures(10, 4, 6, 0, 0), &[]),
            serde_json::Value::Null,
        ));
        assert_eq!(
            v.opening,
            "2019年4月30日以来，利川市深入开展微信工作群清理整治。现将2019年第三季度有关情况通报如下。"
        );
        assert_eq!(
            who_does_what("河南省平顶山市高新区", "平顶山高新区微信工作群专项整治"),
            "深入开展平顶山高新区微信工作群专项整治"
        );
        assert_eq!(
            who_does_what("浙江省诸暨市", "政务新媒体清理整合"),
            "浙江省诸暨市深入开展政务新媒体清理整合"
        );
    }

    #[test]
    fn ratio_cells_carry_the_printed_rounding() {
        let o = ReportConfig::default();
        let cell = ratio_cell(&o, 1, 16);
        assert_eq!(cell.text, "6.2%");
        assert_eq!(
            cell.value,
            CellValue::Ratio {
                rounded: Some(0.062)
            }
        );
        assert_eq!(ratio_cell(&o, 0, 0).text, NONE);
    }
}
