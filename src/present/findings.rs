//! What each breach found, in the words of a rectification list. Written into the report
//! model before metrics.json is, so every output reads the same sentence.

use crate::config::ReportConfig;
use crate::model::{Finding, Report};

/// The sentence for one finding, its percentages in the campaign's precision.
pub fn describe(finding: &Finding, o: &ReportConfig) -> String {
    match finding {
        Finding::TooManyGroups {
            standing,
            ids,
            limit,
        } => format!(
            "在用长期工作群{standing}个（{}），超过每个单位{limit}个的规定，应整合",
            ids.join("、")
        ),
        Finding::NoAdmin => "未指定群管理员".to_string(),
        Finding::Unfiled => "清理后新建的工作群未经报备".to_string(),
        Finding::StageOverdue { expires } => {
            format!("阶段性工作群已于{expires}到期，仍未解散")
        }
        Finding::Silent { last_active, days } => {
            format!("最后活跃于{last_active}，已超过{days}天无人发言（僵尸群）")
        }
        Finding::Stale { last_post, days } => {
            format!("最后更新于{last_post}，超过{days}天未更新")
        }
        Finding::FewFollowers { followers, min } => {
            format!("粉丝{followers}人，不足{min}人，服务效果不明显")
        }
        Finding::Overlap {
            into_id,
            into_name,
            shared,
            union,
        } => format!(
            "与{}（{into_id}）成员重合{shared}人，成员相似度{}，建议并入",
            into_name.as_deref().unwrap_or(""),
            o.pct(*shared as i64, *union)
        ),
    }
}

/// Words every breach of the report.
pub fn describe_all(report: &mut Report) {
    let o = report.campaign.percentages.clone();
    for breach in &mut report.rules.breaches {
        breach.detail = describe(&breach.finding, &o);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlap_prints_its_similarity_in_the_campaigns_precision() {
        let overlap = Finding::Overlap {
            into_id: "G2".into(),
            into_name: Some("办公室群".into()),
            shared: 13,
            union: 16,
        };
        assert_eq!(
            describe(&overlap, &ReportConfig::default()),
            "与办公室群（G2）成员重合13人，成员相似度81.2%，建议并入"
        );
        let two = ReportConfig {
            decimals: 2,
            ..ReportConfig::default()
        };
        assert!(describe(&overlap, &two).contains("81.25%"));
    }
}
