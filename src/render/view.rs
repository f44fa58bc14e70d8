//! The report as a reader sees it: the notice's title, its headline sentences in the
//! seed's style, and its annex tables with every number already formatted. Built once
//! from the report model; the HTML, PDF and XLSX renderers all lay out this same view,
//! so a figure can never read differently in two outputs.

use crate::percent::{Rounding, percent};
use crate::report::{DimensionRow, Figures, KindFigures, Report};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Presentation settings: `[report]` in campaign.toml.
#[derive(Clone, Copy, Debug, serde::Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ViewOptions {
    /// How percentages round an exact half: "gbt8170" (to even, the default) or
    /// "half-up" (四舍五入).
    pub rounding: Rounding,
    /// Digits after the decimal point in percentages. Default: 1 (77.5%).
    pub decimals: u32,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions {
            rounding: Rounding::GbT8170,
            decimals: 1,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct View {
    /// How this view's numbers were formatted, for renderers that format more (charts).
    #[serde(skip)]
    pub options: ViewOptions,
    /// 关于2019年第三季度利川市微信工作群清理整治情况的通报
    pub title: String,
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
    /// 一、总体情况: one paragraph per sentence group.
    pub overview: Vec<String>,
    /// Headline figures for the summary cards.
    pub headlines: Vec<Headline>,
    /// 二、主要问题
    pub problems: Vec<String>,
    /// 三、下一步工作
    pub next_steps: Vec<String>,
    /// 附件 tables.
    pub tables: Vec<TableView>,
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
    /// 附件1 各单位工作群清理情况
    pub title: String,
    pub columns: Vec<ColumnView>,
    pub rows: Vec<Vec<CellView>>,
    /// The 合计 row, if the table has one.
    pub total: Option<Vec<CellView>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ColumnView {
    pub label: String,
    pub numeric: bool,
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
    fn text(s: impl Into<String>) -> CellView {
        CellView {
            text: s.into(),
            value: CellValue::Text,
        }
    }

    fn count(n: u64) -> CellView {
        CellView {
            text: n.to_string(),
            value: CellValue::Count { n },
        }
    }
}

/// The dash printed for a ratio that does not exist (before = 0) or a missing key.
pub const NONE: &str = "—";

impl ViewOptions {
    /// 77.5% — or — when the denominator is 0.
    pub fn pct(&self, numerator: i64, denominator: u64) -> String {
        percent(numerator, denominator, self.decimals, self.rounding)
            .map_or_else(|| NONE.to_string(), |p| format!("{p}%"))
    }

    fn ratio_cell(&self, numerator: i64, denominator: u64) -> CellView {
        let text = self.pct(numerator, denominator);
        let rounded = percent(numerator, denominator, self.decimals, self.rounding)
            .and_then(|p| p.parse::<f64>().ok())
            .map(|p| p / 100.0);
        CellView {
            text,
            value: CellValue::Ratio { rounded },
        }
    }
}

/// 2019年第三季度
pub fn quarter_name(date: NaiveDate) -> String {
    const NAMES: [&str; 4] = ["一", "二", "三", "四"];
    format!(
        "{}年第{}季度",
        date.year(),
        NAMES[(date.month0() / 3) as usize]
    )
}

/// 2019年9月30日
pub fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

fn parse(date: &str) -> NaiveDate {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("report dates are YYYY-MM-DD")
}

fn reduced(f: &Figures) -> i64 {
    f.before as i64 - f.after as i64
}

/// What each kind is called in sentences and titles.
struct KindWords {
    id: &'static str,
    noun: &'static str,
}

const GROUPS: KindWords = KindWords {
    id: "groups",
    noun: "工作群",
};
const ACCOUNTS: KindWords = KindWords {
    id: "accounts",
    noun: "政务新媒体",
};

pub fn view(report: &Report, options: &ViewOptions) -> View {
    let current = parse(&report.campaign.current);
    let baseline = parse(&report.campaign.baseline);
    let period = quarter_name(current);
    let mut overview = Vec::new();
    let mut headlines = Vec::new();
    let mut problems = Vec::new();
    let mut tables = Vec::new();
    for (figures, words) in [(&report.groups, GROUPS), (&report.accounts, ACCOUNTS)] {
        let Some(kind) = figures else { continue };
        overview.push(kind_sentence(kind, &words, options));
        overview.extend(change_sentence(report, kind, &words, options));
        headlines.extend(kind_headlines(kind, &words, options));
        problems.extend(lagging_units(kind, &words, options));
        let annex = tables.len();
        tables.extend(kind_tables(kind, &words, annex, options));
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
    }
    let rectification = rectification_lists(&report.rules, tables.len() + 1);
    if let Some((table, _)) = &rectification {
        problems.extend(rule_sentences(&report.rules, &table.title));
    }
    if problems.is_empty() {
        problems.push(
            "各单位均已完成清理任务，未发现精简进度明显滞后的单位，未发现违反清理规定的问题。"
                .to_string(),
        );
    }
    problems.extend(data_notes(&report.quality));
    let (rectification_table, per_unit) = rectification.unzip();
    tables.extend(rectification_table);
    View {
        options: *options,
        title: format!("关于{period}{}情况的通报", report.campaign.name),
        campaign_name: report.campaign.name.clone(),
        region: report.campaign.region.clone(),
        authority: report.campaign.authority.clone(),
        period,
        date: chinese_date(current),
        current: report.campaign.current.clone(),
        baseline_date: chinese_date(baseline),
        overview,
        headlines,
        problems,
        next_steps: NEXT_STEPS.iter().map(|s| s.to_string()).collect(),
        tables,
        rectification: per_unit.unwrap_or_default(),
    }
}

/// What each rule is called in a notice.
pub fn rule_label(rule: &str) -> &'static str {
    match rule {
        "max_groups_per_unit" => "工作群数量超标",
        "missing_admin" => "未指定群管理员",
        "unfiled_new" => "新建群未报备",
        "stage_overdue" => "阶段性群逾期未解散",
        "zombie_group" => "僵尸群未清理",
        "stale_account" => "账号长期未更新",
        "small_account" => "账号关注度过低",
        "overlap" => "工作群成员高度重合",
        _ => "其他问题",
    }
}

/// Sentences on what the data left unchecked or doubtful: rules that could not be checked,
/// merge targets that cannot be right.
fn data_notes(quality: &crate::report::Quality) -> Vec<String> {
    let mut notes = Vec::new();
    if !quality.unchecked_rules.is_empty() {
        let parts: Vec<String> = quality
            .unchecked_rules
            .iter()
            .map(|u| {
                let why = match u.reason.as_str() {
                    "no_column" => "台账缺少所需的列",
                    "blank_values" => "所需的列未填写",
                    _ => "缺少群成员台账",
                };
                format!("{}（{}，{}条）", rule_label(&u.rule), why, u.rows)
            })
            .collect();
        notes.push(format!(
            "数据说明：以下规定因数据不全未能核查，可能存在未发现的问题：{}。",
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
                let what = match m.problem.as_str() {
                    "self" => "并入自身",
                    "loop" => "循环并入",
                    _ => "并入已解散的群或账号",
                };
                format!("{}（{}）", m.chain.join("→"), what)
            })
            .collect();
        if quality.merge_problems.len() > LISTED {
            chains.push("等".to_string());
        }
        notes.push(format!(
            "数据说明：{}处合并去向有误，已按合并计入，请核实：{}。",
            quality.merge_problems.len(),
            chains.join("；")
        ));
    }
    notes
}

/// 二、主要问题 sentences on the rule breaches, pointing to the rectification annex.
fn rule_sentences(rules: &crate::report::Rules, annex_title: &str) -> Vec<String> {
    let units: std::collections::BTreeSet<Option<&str>> =
        rules.breaches.iter().map(|b| b.unit.as_deref()).collect();
    let parts: Vec<String> = crate::rules::RULE_IDS
        .iter()
        .filter_map(|rule| {
            let n = rules.counts.get(*rule).copied().unwrap_or(0);
            (n > 0).then(|| format!("{}{}处", rule_label(rule), n))
        })
        .collect();
    let annex = annex_title.split_whitespace().next().unwrap_or(annex_title);
    let mut sentences = vec![format!(
        "对照清理整治有关规定，共发现问题{}处，涉及{}个单位：{}。具体问题及整改时限见{}（整改清单），请有关单位于{}前整改到位。",
        rules.breaches.len(),
        units.len(),
        parts.join("，"),
        annex,
        chinese_date(parse(&rules.due))
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
    rules: &crate::report::Rules,
    annex: usize,
) -> Option<(TableView, Vec<UnitRectification>)> {
    if rules.breaches.is_empty() {
        return None;
    }
    let columns: Vec<ColumnView> = [
        ("序号", true),
        ("单位", false),
        ("问题", false),
        ("编号", false),
        ("名称", false),
        ("具体情况", false),
        ("整改时限", false),
    ]
    .iter()
    .map(|(label, numeric)| ColumnView {
        label: (*label).into(),
        numeric: *numeric,
    })
    .collect();
    let unit_name =
        |b: &crate::report::Breach| b.unit.clone().unwrap_or_else(|| "未填写单位".into());
    let row = |n: usize, b: &crate::report::Breach| {
        vec![
            CellView::count(n as u64),
            CellView::text(unit_name(b)),
            CellView::text(rule_label(&b.rule)),
            CellView::text(b.id.clone().unwrap_or_else(|| NONE.into())),
            CellView::text(b.name.clone().unwrap_or_else(|| NONE.into())),
            CellView::text(b.detail.clone()),
            CellView::text(chinese_date(parse(&b.due))),
        ]
    };
    let table = |id: String, title: String, rows: Vec<Vec<CellView>>| TableView {
        id,
        title,
        columns: columns.clone(),
        rows,
        total: None,
    };
    let all = table(
        "rectification".into(),
        format!("附件{annex} 整改清单"),
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
                due: chinese_date(parse(&b.due)),
                table: table(
                    format!("rectification_{}", per_unit.len() + 1),
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
fn top_cadres_table(burden: &crate::report::Burden, annex: usize) -> TableView {
    TableView {
        id: "burden_top".into(),
        title: format!("附件{annex} 所在工作群最多的干部（化名）"),
        columns: vec![
            ColumnView {
                label: "序号".into(),
                numeric: true,
            },
            ColumnView {
                label: "干部".into(),
                numeric: false,
            },
            ColumnView {
                label: "清理前所在群数".into(),
                numeric: true,
            },
            ColumnView {
                label: "清理后所在群数".into(),
                numeric: true,
            },
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
    }
}

const NEXT_STEPS: [&str; 3] = [
    "巩固清理成果。各单位要对照附件逐项核对，确保已解散、已合并的工作群和已停运的政务新媒体不反弹、不变相保留。",
    "落实建群报备制度。新建工作群须事先向本单位主要负责人报备用途、使用期限、参与人员和群主，阶段性工作结束后及时解散。",
    "加强日常监督。纪检监察机关将结合日常监督跟进核查，对清理不到位、反弹回潮的单位予以通报。",
];

/// The seed's own style: 从2000个精简到450个，精简占比达77.5%.
fn kind_sentence(kind: &KindFigures, words: &KindWords, o: &ViewOptions) -> String {
    let t = &kind.totals;
    let noun = words.noun;
    let mut s = format!(
        "各级各部门{noun}从{}个精简到{}个，精简占比达{}（{}/{}）。",
        t.before,
        t.after,
        o.pct(reduced(t), t.before),
        reduced(t),
        t.before
    );
    s += &format!(
        "清理前在用的{}个{noun}中，{}个停止运营，占比{}，其中解散{}个、合并{}个、阶段性工作结束后解散{}个；保留{}个",
        t.before,
        t.closed,
        o.pct(t.closed as i64, t.before),
        t.dissolved,
        t.merged,
        t.expired,
        t.retained
    );
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
    kind: &KindFigures,
    words: &KindWords,
    o: &ViewOptions,
) -> Option<String> {
    let [.., previous, now] = report.trend.as_slice() else {
        return None;
    };
    let (active, change) = match words.id {
        "groups" => ((previous.groups?, now.groups?), now.groups_change.as_ref()?),
        _ => (
            (previous.accounts?, now.accounts?),
            now.accounts_change.as_ref()?,
        ),
    };
    let before = kind.totals.before;
    // Both ratios share the baseline denominator, so their difference is exact.
    let points = active.0 as i64 - active.1 as i64;
    let (verb, magnitude) = if points >= 0 {
        ("提高", points)
    } else {
        ("下降", -points)
    };
    let pp = percent(magnitude, before, o.decimals, o.rounding)?;
    Some(format!(
        "与上期（{}）相比，在用{}由{}个变为{}个，其间停止运营{}个、新建{}个，精简占比{verb}{pp}个百分点。",
        chinese_date(parse(&change.since)),
        words.noun,
        active.0,
        active.1,
        change.closed,
        change.new
    ))
}

fn kind_headlines(kind: &KindFigures, words: &KindWords, o: &ViewOptions) -> Vec<Headline> {
    let t = &kind.totals;
    vec![
        Headline {
            label: format!("{}精简占比", words.noun),
            value: o.pct(reduced(t), t.before),
            detail: format!("{} → {}", t.before, t.after),
        },
        Headline {
            label: format!("{}停止运营", words.noun),
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

/// Units whose reduction ratio falls well short of the campaign's, named as a notice does.
fn lagging_units(kind: &KindFigures, words: &KindWords, o: &ViewOptions) -> Vec<String> {
    let t = &kind.totals;
    if t.before == 0 {
        return vec![];
    }
    // Compare ratios exactly by cross-multiplying the integer counts.
    let behind: Vec<&DimensionRow> = kind
        .by_unit
        .iter()
        .filter(|r| r.figures.before > 0)
        .filter(|r| {
            // unit ratio < half the overall ratio
            let unit = 2 * i128::from(reduced(&r.figures)) * i128::from(t.before);
            unit < i128::from(reduced(t)) * i128::from(r.figures.before)
        })
        .collect();
    if behind.is_empty() {
        return vec![];
    }
    let named: Vec<String> = behind
        .iter()
        .take(10)
        .map(|r| {
            format!(
                "{}（{}）",
                r.key.as_deref().unwrap_or(NONE),
                o.pct(reduced(&r.figures), r.figures.before)
            )
        })
        .collect();
    let more = if behind.len() > named.len() {
        format!("等{}个单位", behind.len())
    } else {
        String::new()
    };
    vec![format!(
        "部分单位{}清理进度滞后，精简占比不足总体水平（{}）的一半：{}{}。",
        words.noun,
        o.pct(reduced(t), t.before),
        named.join("、"),
        more
    )]
}

fn kind_tables(
    kind: &KindFigures,
    words: &KindWords,
    annex: usize,
    o: &ViewOptions,
) -> Vec<TableView> {
    let dims: [(&str, &str, &Vec<DimensionRow>); 4] = [
        ("unit", "单位", &kind.by_unit),
        ("township", "乡镇街道", &kind.by_township),
        ("level", "层级", &kind.by_level),
        ("platform", "平台", &kind.by_platform),
    ];
    let null_label = |dim: &str| match dim {
        "township" => "市直单位（无乡镇街道）",
        _ => "未填写",
    };
    dims.iter()
        .enumerate()
        .map(|(i, (dim, label, rows))| {
            let mut columns = vec![
                ColumnView {
                    label: "序号".into(),
                    numeric: true,
                },
                ColumnView {
                    label: (*label).into(),
                    numeric: false,
                },
            ];
            for l in [
                "清理前",
                "清理后",
                "解散",
                "合并",
                "到期解散",
                "新建",
                "精简占比",
                "停止运营占比",
            ] {
                columns.push(ColumnView {
                    label: l.into(),
                    numeric: true,
                });
            }
            let body = rows
                .iter()
                .enumerate()
                .map(|(n, r)| {
                    let key = r.key.as_deref().unwrap_or(null_label(dim));
                    let mut cells = vec![CellView::count(n as u64 + 1), CellView::text(key)];
                    cells.extend(figure_cells(&r.figures, o));
                    cells
                })
                .collect();
            let mut total = vec![CellView::text(""), CellView::text("合计")];
            total.extend(figure_cells(&kind.totals, o));
            TableView {
                id: format!("{}_by_{dim}", words.id),
                title: format!(
                    "附件{} 按{}统计的{}清理情况",
                    annex + i + 1,
                    label,
                    words.noun
                ),
                columns,
                rows: body,
                total: Some(total),
            }
        })
        .collect()
}

fn figure_cells(f: &Figures, o: &ViewOptions) -> Vec<CellView> {
    vec![
        CellView::count(f.before),
        CellView::count(f.after),
        CellView::count(f.dissolved),
        CellView::count(f.merged),
        CellView::count(f.expired),
        CellView::count(f.new),
        o.ratio_cell(reduced(f), f.before),
        o.ratio_cell(f.closed as i64, f.before),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_dates_as_offices_write_them() {
        let d = |m, day| NaiveDate::from_ymd_opt(2019, m, day).unwrap();
        assert_eq!(quarter_name(d(9, 30)), "2019年第三季度");
        assert_eq!(quarter_name(d(1, 1)), "2019年第一季度");
        assert_eq!(quarter_name(d(12, 31)), "2019年第四季度");
        assert_eq!(chinese_date(d(6, 11)), "2019年6月11日");
    }

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
        let v = view(&report, &ViewOptions::default());
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

    #[test]
    fn ratio_cells_carry_the_printed_rounding() {
        let o = ViewOptions::default();
        let cell = o.ratio_cell(1, 16);
        assert_eq!(cell.text, "6.2%");
        assert_eq!(
            cell.value,
            CellValue::Ratio {
                rounded: Some(0.062)
            }
        );
        assert_eq!(o.ratio_cell(0, 0).text, NONE);
    }
}
