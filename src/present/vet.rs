//! The office's answer to a request to create a group (建群先报备), in its words:
//! 无异议, 建议并入 X, 不予新建 or 请补正, with the reasons; and the batch's result table.

use crate::config::ReportConfig;
use crate::lang::Lang;
use crate::model::vet::{Candidate, Decision, Finding, Verdict};
use serde::Serialize;

/// One request's answer as read by the clerk (and, with the data, by a program).
#[derive(Clone, Debug, Serialize)]
pub struct Answer<'a> {
    /// 无异议 / 建议并入 X / 不予新建 / 请补正后再报.
    pub answer: String,
    pub reasons: Vec<String>,
    /// One line per candidate group, ranked.
    pub groups: Vec<String>,
    #[serde(flatten)]
    pub verdict: &'a Verdict,
}

fn named(name: &Option<String>, id: &str) -> String {
    match name {
        Some(name) => format!("{name}（{id}）"),
        None => id.to_string(),
    }
}

fn named_en(name: &Option<String>, id: &str) -> String {
    match name {
        Some(name) => format!("{name} ({id})"),
        None => id.to_string(),
    }
}

/// The verdict in one phrase.
pub fn decision_words(verdict: &Verdict, lang: Lang) -> String {
    let target = verdict.join.as_deref().unwrap_or_default();
    match (verdict.decision, lang) {
        (Decision::NoObjection, Lang::Zh) => "无异议".into(),
        (Decision::NoObjection, Lang::En) => "no objection".into(),
        (Decision::Join, Lang::Zh) => format!("建议并入{}", named(&verdict.join_name, target)),
        (Decision::Join, Lang::En) => {
            format!("join {} instead", named_en(&verdict.join_name, target))
        }
        (Decision::Refuse, Lang::Zh) => "不予新建".into(),
        (Decision::Refuse, Lang::En) => "not to be created".into(),
        (Decision::Amend, Lang::Zh) => "请补正后再报".into(),
        (Decision::Amend, Lang::En) => "amend and file again".into(),
    }
}

/// One candidate group: who it is and how much it shares with the request.
pub fn candidate_line(c: &Candidate, report: &ReportConfig, lang: Lang) -> String {
    let union = c.proposed + c.size - c.shared;
    let (within, jaccard) = (
        report.pct(c.shared as i64, c.proposed),
        report.pct(c.shared as i64, union),
    );
    let unit = c.unit.as_deref().unwrap_or("—");
    match lang {
        Lang::Zh => format!(
            "{}，{}：已有拟入群成员{}人（占{}/{}人的{}），成员相似度{}",
            named(&c.name, &c.id),
            unit,
            c.shared,
            c.shared,
            c.proposed,
            within,
            jaccard
        ),
        Lang::En => format!(
            "{}, {}: holds {} of the {} proposed members ({}), member similarity {}",
            named_en(&c.name, &c.id),
            unit,
            c.shared,
            c.proposed,
            within,
            jaccard
        ),
    }
}

fn reason(verdict: &Verdict, finding: &Finding, report: &ReportConfig, lang: Lang) -> String {
    let unit = verdict.unit.as_deref().unwrap_or_default();
    match (finding, lang) {
        (Finding::MembersOverlap, _) => {
            let c = &verdict.candidates[0];
            let within = report.pct(c.shared as i64, c.proposed);
            match lang {
                Lang::Zh => format!(
                    "拟入群的{}名成员中已有{}人（{}）同在现有工作群{}中，可在原群开展工作",
                    c.proposed,
                    c.shared,
                    within,
                    named(&c.name, &c.id)
                ),
                Lang::En => format!(
                    "{} of the {} proposed members ({}) are already in the group {}, which can do the work",
                    c.shared,
                    c.proposed,
                    within,
                    named_en(&c.name, &c.id)
                ),
            }
        }
        (Finding::UnitAtLimit { standing, limit }, Lang::Zh) => {
            format!("{unit}已有在用长期工作群{standing}个，已达每个单位{limit}个的上限")
        }
        (Finding::UnitAtLimit { standing, limit }, Lang::En) => format!(
            "{unit} already has {standing} standing group(s) in use, the limit being {limit} per unit"
        ),
        (Finding::SimilarInUnit, _) => {
            let list: Vec<String> = verdict
                .similar
                .iter()
                .map(|s| match lang {
                    Lang::Zh => named(&s.name, &s.id),
                    Lang::En => named_en(&s.name, &s.id),
                })
                .collect();
            match lang {
                Lang::Zh => format!("本单位已有名称或用途相近的工作群：{}", list.join("、")),
                Lang::En => format!(
                    "the unit already has groups of a similar name or purpose: {}",
                    list.join(", ")
                ),
            }
        }
        (Finding::StageWithoutEnd, Lang::Zh) => "阶段性工作群未填写到期日期".into(),
        (Finding::StageWithoutEnd, Lang::En) => "a stage-work group without an end date".into(),
        (
            Finding::TermTooLong {
                until,
                limit_months,
            },
            Lang::Zh,
        ) => format!(
            "到期日期{until}超出阶段性工作群最长{limit_months}个月的使用期限（自{}起算）",
            verdict.snapshot
        ),
        (
            Finding::TermTooLong {
                until,
                limit_months,
            },
            Lang::En,
        ) => format!(
            "the end date {until} is past the {limit_months}-month limit of a stage-work group (from {})",
            verdict.snapshot
        ),
        (Finding::EndsBeforeStart { until }, Lang::Zh) => {
            format!("到期日期{until}不晚于比对台账的日期{}", verdict.snapshot)
        }
        (Finding::EndsBeforeStart { until }, Lang::En) => format!(
            "the end date {until} is not after the inventory's date {}",
            verdict.snapshot
        ),
        (Finding::UnknownMembers { count }, Lang::Zh) => {
            format!("{count}名拟入群成员不在当期任何在用工作群中")
        }
        (Finding::UnknownMembers { count }, Lang::En) => {
            format!("{count} proposed member(s) are in no active group of the inventory")
        }
        (Finding::NoMembersTable, Lang::Zh) => "当期台账没有群成员表，未比对成员".into(),
        (Finding::NoMembersTable, Lang::En) => {
            "the inventory has no members table: members not compared".into()
        }
    }
}

/// The answer to one request.
pub fn answer<'a>(verdict: &'a Verdict, report: &ReportConfig, lang: Lang) -> Answer<'a> {
    Answer {
        answer: decision_words(verdict, lang),
        reasons: verdict
            .findings
            .iter()
            .map(|f| reason(verdict, f, report, lang))
            .collect(),
        groups: verdict
            .candidates
            .iter()
            .map(|c| candidate_line(c, report, lang))
            .collect(),
        verdict,
    }
}

/// The answer as printed at the desk.
pub fn text(answer: &Answer, lang: Lang) -> String {
    let v = answer.verdict;
    let mut out = String::new();
    let what = match (&v.name, &v.unit) {
        (Some(n), Some(u)) => format!("{u}「{n}」"),
        (Some(n), None) => format!("「{n}」"),
        (None, Some(u)) => u.clone(),
        (None, None) => String::new(),
    };
    match lang {
        Lang::Zh => {
            out += &format!(
                "{what}建群报备比对（{}台账）：{}\n",
                v.snapshot, answer.answer
            );
            if !answer.reasons.is_empty() {
                out += "理由：\n";
            }
        }
        Lang::En => {
            out += &format!(
                "{what} vetted against the inventory of {}: {}\n",
                v.snapshot, answer.answer
            );
            if !answer.reasons.is_empty() {
                out += "Reasons:\n";
            }
        }
    }
    for (i, r) in answer.reasons.iter().enumerate() {
        out += &format!("  {}. {r}\n", i + 1);
    }
    if !answer.groups.is_empty() {
        out += match lang {
            Lang::Zh => "成员重合的现有工作群：\n",
            Lang::En => "Existing groups sharing the members:\n",
        };
        for (i, g) in answer.groups.iter().enumerate() {
            out += &format!("  {}. {g}\n", i + 1);
        }
    }
    out
}

/// One cell of the batch's result table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Count(u64),
}

/// The batch's result table (报备比对结果): one row per request.
#[derive(Clone, Debug)]
pub struct BatchTable {
    pub sheet: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The date the requests were compared with (the workbook's creation date).
    pub snapshot: String,
}

/// The sheet name of the batch's result.
pub const BATCH_SHEET: &str = "报备比对结果";

pub fn batch_table(
    verdicts: &[Verdict],
    snapshot: &str,
    report: &ReportConfig,
    lang: Lang,
) -> BatchTable {
    let headers: &[&str] = match lang {
        Lang::Zh => &[
            "申请编号",
            "群名称",
            "单位",
            "比对结论",
            "建议并入",
            "理由",
            "成员重合的现有工作群",
            "拟入群成员数",
        ],
        Lang::En => &[
            "request",
            "group name",
            "unit",
            "verdict",
            "join instead",
            "reasons",
            "existing groups sharing the members",
            "proposed members",
        ],
    };
    let rows = verdicts
        .iter()
        .map(|v| {
            let a = answer(v, report, lang);
            let join = v
                .join
                .as_deref()
                .map(|id| named(&v.join_name, id))
                .unwrap_or_default();
            let numbered = |lines: &[String]| {
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("{}. {l}", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            vec![
                Cell::Text(v.request.clone()),
                Cell::Text(v.name.clone().unwrap_or_default()),
                Cell::Text(v.unit.clone().unwrap_or_default()),
                Cell::Text(a.answer.clone()),
                Cell::Text(join),
                Cell::Text(numbered(&a.reasons)),
                Cell::Text(numbered(&a.groups)),
                Cell::Count(v.proposed_members),
            ]
        })
        .collect();
    BatchTable {
        sheet: BATCH_SHEET.into(),
        title: match lang {
            Lang::Zh => format!("新建工作群报备比对结果（比对{snapshot}台账）"),
            Lang::En => {
                format!("Requests for new groups vetted against the inventory of {snapshot}")
            }
        },
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
        snapshot: snapshot.to_string(),
    }
}
