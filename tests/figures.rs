//! Each definition of the figures, pinned on small hand-built campaigns.

mod common;
use common::Fixture;
use jianfu::model::{DimensionRow, Figures};

const BASELINE: &str = "编号,群名称,单位,乡镇街道,层级,平台,成员数,期限,到期日期,状态,合并至
G1,党建群,U1,T1,乡镇街道,微信,10,长期,,正常,
G2,通知群,U1,T1,乡镇街道,微信,5,长期,,,
G3,迎检群,U2,,市级,钉钉,7,阶段性,2019-03-01,,
G4,专班群,U2,,市级,ＱＱ,3,阶段性,2019-12-31,,
G5,旧群,U2,,市级,微信,4,长期,,保留,
G6,停用群,U3,T2,村社区,微信,6,长期,,解散,
G7,重复群,U1,T1,乡镇街道,微信,9,长期,,,
G9,业务群,U2,,市级,微信,12,长期,,,
";

const CURRENT: &str = "编号,群名称,单位,乡镇街道,层级,平台,成员数,期限,到期日期,状态,合并至
G1,党建群,U1,T1,乡镇街道,微信,8,长期,,正常,
G2,通知群,U1,T1,乡镇街道,微信,5,长期,,合并,G1
G4,专班群,U2,,市级,QQ,3,阶段性,2019-12-31,解散,
G6,停用群,U3,T2,村社区,微信,6,长期,,正常,
G7,重复群,U1,T1,乡镇街道,微信,9,长期,,撤销,G1
G8,新群,U1,T1,乡镇街道,微信,4,长期,,,
G9,业务群,U2,,市级,微信,15,长期,,,
";

fn dispositions_fixture() -> Fixture {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", BASELINE);
    f.table("2019-06-30", "groups.csv", CURRENT);
    f
}

fn figures(
    before: u64,
    after: u64,
    [retained, trimmed, merged, dissolved, expired, new]: [u64; 6],
    members_removed: u64,
) -> Figures {
    Figures {
        before,
        after,
        retained,
        trimmed,
        merged,
        dissolved,
        expired,
        new,
        members_removed,
        ..Figures::default()
    }
    .derive()
}

#[test]
fn every_disposition_between_baseline_and_current() {
    let report = dispositions_fixture().report();
    let groups = report.groups.expect("groups");
    // Active at baseline: G1 G2 G3 G4 G5 G7 G9 (G6 was already dissolved).
    // retained G1 G9; merged G2 (status) and G7 (dissolved word, but a 合并至 target);
    // expired G3 (stage-work, gone, expired 2019-03-01); dissolved G4 (stage-work not yet
    // expired) and G5 (absent); new G6 (inactive at baseline) and G8.
    let t = &groups.totals;
    assert_eq!(
        (
            t.before,
            t.after,
            t.retained,
            t.merged,
            t.expired,
            t.dissolved,
            t.new,
            t.closed
        ),
        (7, 4, 2, 2, 1, 2, 2, 5)
    );
    assert_eq!(t.after, t.before - t.closed + t.new);
    // G1 went from 10 to 8 members; G9 grew, which removes no one.
    assert_eq!((t.trimmed, t.members_removed), (1, 2));
    assert_eq!(t.reduction_ratio, Some(3.0 / 7.0));
    assert_eq!(t.closure_rate, Some(5.0 / 7.0));
}

#[test]
fn breakdown_by_township_with_a_null_key_last() {
    let groups = dispositions_fixture().report().groups.unwrap();
    let rows: Vec<(Option<&str>, &Figures)> = groups
        .by_township
        .iter()
        .map(|r| (r.key.as_deref(), &r.figures))
        .collect();
    assert_eq!(
        rows,
        vec![
            (Some("T1"), &figures(3, 2, [1, 1, 2, 0, 0, 1], 2)),
            (Some("T2"), &figures(0, 1, [0, 0, 0, 0, 0, 1], 0)),
            (None, &figures(4, 1, [1, 0, 0, 2, 1, 0], 0)),
        ]
    );
    // before = 0 gives no ratio, never NaN or infinity.
    assert_eq!(rows[1].1.reduction_ratio, None);
    assert_eq!(rows[1].1.closure_rate, None);
}

fn keys(rows: &[DimensionRow]) -> Vec<Option<&str>> {
    rows.iter().map(|r| r.key.as_deref()).collect()
}

#[test]
fn breakdowns_by_unit_level_and_platform() {
    let groups = dispositions_fixture().report().groups.unwrap();
    assert_eq!(keys(&groups.by_unit), [Some("U1"), Some("U2"), Some("U3")]);
    assert_eq!(
        groups.by_unit[0].figures,
        figures(3, 2, [1, 1, 2, 0, 0, 1], 2)
    );
    assert_eq!(
        groups.by_unit[1].figures,
        figures(4, 1, [1, 0, 0, 2, 1, 0], 0)
    );
    assert_eq!(
        keys(&groups.by_level),
        [Some("乡镇街道"), Some("市级"), Some("村社区")]
    );
    // ＱＱ written full-width at the baseline is the same platform as QQ.
    assert_eq!(
        keys(&groups.by_platform),
        [Some("QQ"), Some("微信"), Some("钉钉")]
    );
    assert_eq!(
        groups.by_platform[0].figures,
        figures(1, 0, [0, 0, 0, 1, 0, 0], 0)
    );
    // Every breakdown adds up to the totals.
    for rows in [
        &groups.by_unit,
        &groups.by_township,
        &groups.by_level,
        &groups.by_platform,
    ] {
        let before: u64 = rows.iter().map(|r| r.figures.before).sum();
        let after: u64 = rows.iter().map(|r| r.figures.after).sum();
        assert_eq!((before, after), (groups.totals.before, groups.totals.after));
    }
}

#[test]
fn members_tables_decide_trimming_over_the_count_column() {
    let f = Fixture::new();
    f.table(
        "2019-01-01",
        "groups.csv",
        "编号,成员数,状态\nG1,2,\nG2,2,\nG3,1,\nG4,1,解散\n",
    );
    // The count column says G1 grew; the member lists say b left it.
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,成员数,状态\nG1,5,\nG2,1,解散\n",
    );
    f.table(
        "2019-01-01",
        "members.csv",
        "群编号,成员编号\nG1,a\nG1,b\nG2,a\nG3,a\nG4,c\nG1,a\n",
    );
    f.table(
        "2019-06-30",
        "members.csv",
        "群编号,成员编号\nG1,a\nG2,b\nG5,d\n",
    );
    let report = f.report();
    let t = &report.groups.as_ref().unwrap().totals;
    assert_eq!((t.retained, t.trimmed, t.members_removed), (1, 1, 1));

    // Cadres a b c d. Active groups at baseline: a 3, b 1, c 0 (G4 inactive), d 0.
    // Now: a 1, b 0 (G2 dissolved), c 0, d 0 (G5 is not in the groups table).
    let burden = report.burden.expect("burden");
    assert_eq!(burden.cadres, 4);
    assert_eq!(burden.before.mean, 1.0);
    assert_eq!(burden.before.median, 0.5);
    assert!(
        (burden.before.p90 - 2.4).abs() < 1e-12,
        "{}",
        burden.before.p90
    );
    assert_eq!((burden.before.max, burden.before.ge10), (3, 0));
    assert_eq!(burden.after.mean, 0.25);
    assert_eq!(burden.after.median, 0.0);
    assert!(
        (burden.after.p90 - 0.7).abs() < 1e-12,
        "{}",
        burden.after.p90
    );
    assert_eq!(burden.after.max, 1);
    let bins: Vec<(u64, u64, u64)> = burden
        .distribution
        .iter()
        .map(|b| (b.groups, b.before, b.after))
        .collect();
    assert_eq!(bins, [(0, 2, 3), (1, 1, 1), (2, 0, 0), (3, 1, 0)]);
    assert_eq!(report.quality.duplicate_memberships, 1);
    assert_eq!(report.quality.members_of_unknown_groups, 1);
}

#[test]
fn cadres_in_ten_or_more_groups() {
    let f = Fixture::new();
    let groups = |active: usize| {
        let mut csv = String::from("编号,状态\n");
        for g in 1..=12 {
            csv += &format!("G{g},{}\n", if g <= active { "" } else { "解散" });
        }
        csv
    };
    let members = |n: usize| {
        let mut csv = String::from("群编号,成员编号\n");
        for g in 1..=n {
            csv += &format!("G{g},x\nG{g},y\n");
        }
        csv += "G1,z\n";
        csv
    };
    f.table("2019-01-01", "groups.csv", groups(12));
    f.table("2019-01-01", "members.csv", members(12));
    f.table("2019-06-30", "groups.csv", groups(9));
    f.table("2019-06-30", "members.csv", members(12));
    let burden = f.report().burden.unwrap();
    // x and y sit in all 12 groups at the baseline and in the 9 still active now.
    assert_eq!((burden.before.ge10, burden.before.max), (2, 12));
    assert_eq!((burden.after.ge10, burden.after.max), (0, 9));
    assert_eq!(burden.before.median, 12.0);
}

#[test]
fn no_members_count_drop_without_tables_or_counts_means_zero_removed() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", "编号,状态\nG1,\n");
    f.table("2019-06-30", "groups.csv", "编号,状态\nG1,\n");
    let report = f.report();
    let t = &report.groups.unwrap().totals;
    assert_eq!((t.retained, t.trimmed, t.members_removed), (1, 0, 0));
    assert!(report.burden.is_none());
    assert!(report.accounts.is_none());
}

#[test]
fn nothing_active_at_baseline_gives_null_ratios() {
    let f = Fixture::new();
    f.table("2019-01-01", "accounts.csv", "编号,状态\nA1,停更\n");
    f.table("2019-06-30", "accounts.csv", "编号,状态\nA1,运营\nA2,\n");
    let report = f.report();
    let a = report.accounts.unwrap();
    assert_eq!((a.totals.before, a.totals.after, a.totals.new), (0, 2, 2));
    assert_eq!(
        (a.totals.reduction_ratio, a.totals.closure_rate),
        (None, None)
    );
    let json = String::from_utf8(jianfu::render::metrics_json(&f.report()).bytes).unwrap();
    assert!(json.contains("\"reduction_ratio\": null"), "{json}");
    assert!(!json.contains("NaN") && !json.contains("inf"));
}

#[test]
fn new_items_outgrowing_closed_ones_give_a_negative_reduction() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", "编号\nG1\nG2\n");
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,状态\nG1,解散\nG3,\nG4,\nG5,\n",
    );
    let t = f.report().groups.unwrap().totals;
    assert_eq!((t.before, t.after, t.closed, t.new), (2, 3, 2, 3));
    assert_eq!(t.reduction_ratio, Some(-0.5));
    assert_eq!(t.closure_rate, Some(1.0));
}

#[test]
fn township_and_level_come_from_the_unit_directory() {
    let f = Fixture::new();
    f.file(
        "units.csv",
        "单位,乡镇街道,层级,在编人数\n凉雾乡人民政府,凉雾乡,乡镇街道,40\n市教育局,,市级,80\n",
    );
    f.table(
        "2019-01-01",
        "groups.csv",
        "编号,单位\nG1,凉雾乡人民政府\nG2,市教育局\nG3,凉雾乡人民政府\n",
    );
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,单位,状态\nG1,凉雾乡人民政府,\nG2,市教育局,\nG3,凉雾乡人民政府,解散\n",
    );
    let groups = f.report().groups.unwrap();
    assert_eq!(keys(&groups.by_township), [Some("凉雾乡"), None]);
    assert_eq!(
        (
            groups.by_township[0].figures.before,
            groups.by_township[0].figures.after
        ),
        (2, 1)
    );
    assert_eq!(keys(&groups.by_level), [Some("乡镇街道"), Some("市级")]);
}

#[test]
fn an_item_that_moved_unit_counts_under_its_latest_unit() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", "编号,单位\nG1,旧单位\n");
    f.table("2019-06-30", "groups.csv", "编号,单位\nG1,新单位\n");
    let groups = f.report().groups.unwrap();
    assert_eq!(keys(&groups.by_unit), [Some("新单位")]);
    assert_eq!(groups.by_unit[0].figures.retained, 1);
}

#[test]
fn a_single_snapshot_is_an_inventory_without_change() {
    let f = Fixture::new();
    f.table("2019-06-30", "groups.csv", "编号,状态\nG1,\nG2,\nG3,解散\n");
    let report = f.report();
    assert_eq!(report.campaign.baseline, report.campaign.current);
    let t = report.groups.unwrap().totals;
    assert_eq!(
        (t.before, t.after, t.retained, t.closed, t.new),
        (2, 2, 2, 0, 0)
    );
    assert_eq!(t.reduction_ratio, Some(0.0));
}

#[test]
fn trend_counts_active_items_in_every_snapshot() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", "编号\nG1\nG2\nG3\n");
    f.table("2019-03-31", "groups.csv", "编号,状态\nG1,\nG2,\nG3,解散\n");
    // The rebound: G4 opens after the clean-up.
    f.table("2019-06-30", "groups.csv", "编号,状态\nG1,\nG2,合并\nG4,\n");
    let report = f.report();
    let trend: Vec<(&str, Option<u64>)> = report
        .trend
        .iter()
        .map(|p| (p.date.as_str(), p.groups))
        .collect();
    assert_eq!(
        trend,
        [
            ("2019-01-01", Some(3)),
            ("2019-03-31", Some(2)),
            ("2019-06-30", Some(2))
        ]
    );
    assert!(report.trend.iter().all(|p| p.accounts.is_none()));
    let changes: Vec<Option<(&str, u64, u64)>> = report
        .trend
        .iter()
        .map(|p| {
            p.groups_change
                .as_ref()
                .map(|c| (c.since.as_str(), c.new, c.closed))
        })
        .collect();
    assert_eq!(
        changes,
        [None, Some(("2019-01-01", 0, 1)), Some(("2019-03-31", 1, 1))]
    );
}

#[test]
fn the_most_burdened_cadres_under_pseudonyms_and_their_message_load() {
    let f = Fixture::new();
    f.table(
        "2019-01-01",
        "groups.csv",
        "编号,近30日消息数\nG1,100\nG2,40\nG3,5\n",
    );
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,状态,近30日消息数\nG1,,60\nG2,解散,0\nG3,,5\n",
    );
    let members = "群编号,成员编号,姓名,手机号\nG1,a,甲某某,13800000001\nG2,a,甲某某,13800000001\nG3,a,甲某某,13800000001\nG1,b,乙某某,13800000002\nG3,c,丙某某,13800000003\n";
    f.table("2019-01-01", "members.csv", members);
    f.table("2019-06-30", "members.csv", members);
    let burden = f.report().burden.unwrap();
    let top: Vec<(u64, u64)> = burden.top.iter().map(|c| (c.before, c.after)).collect();
    assert_eq!(top, [(3, 2), (1, 1), (1, 1)]);
    assert!(
        burden.top.iter().all(|c| c.cadre.starts_with("干部-")),
        "{:?}",
        burden.top
    );
    // Messages per cadre: a 145 → 65, b 100 → 60, c 5 → 5.
    let messages = burden
        .messages
        .expect("messages_30d given at both snapshots");
    assert_eq!((messages.before.max, messages.after.max), (145, 65));
    assert_eq!(messages.before.median, 100.0);
    let json = String::from_utf8(jianfu::render::metrics_json(&f.report()).bytes).unwrap();
    assert!(
        !json.contains("甲某某") && !json.contains("1380000000"),
        "{json}"
    );

    // Opting in shows names; the pseudonym key changes every pseudonym.
    f.file(
        "campaign.toml",
        "name = \"测试\"\n[privacy]\nshow_names = true\n",
    );
    assert_eq!(f.report().burden.unwrap().top[0].cadre, "甲某某");
    f.file(
        "campaign.toml",
        "name = \"测试\"\n[privacy]\npseudonym_key = \"k1\"\n",
    );
    let one = f.report().burden.unwrap().top[0].cadre.clone();
    f.file(
        "campaign.toml",
        "name = \"测试\"\n[privacy]\npseudonym_key = \"k2\"\n",
    );
    assert_ne!(f.report().burden.unwrap().top[0].cadre, one);
}

/// A dissolved group's current row often holds only its status: each key it leaves blank
/// fell under the null key (未填写) instead of its latest value from an earlier snapshot.
#[test]
fn a_key_left_blank_in_the_current_row_falls_back_to_its_latest_earlier_value() {
    let f = Fixture::new();
    let header = "编号,单位,乡镇街道,层级,平台,状态";
    f.table(
        "2019-01-01",
        "groups.csv",
        format!("{header}\nG1,旧单位,T1,乡镇街道,微信,\nG2,U2,T2,村社区,钉钉,\nG3,U3,,市级,QQ,\n"),
    );
    // G1 moved unit in between, and its platform was left blank there.
    f.table(
        "2019-03-31",
        "groups.csv",
        format!("{header}\nG1,新单位,T1,乡镇街道,,\nG2,U2,T2,村社区,钉钉,\nG3,U3,,市级,QQ,\n"),
    );
    // Now the clerk filled only the status of G1 and G2; G3 is gone from the table.
    f.table(
        "2019-06-30",
        "groups.csv",
        format!("{header}\nG1,,,,,解散\nG2,,,,,已解散\n"),
    );
    let groups = f.report().groups.unwrap();
    assert_eq!(
        keys(&groups.by_unit),
        [Some("U2"), Some("U3"), Some("新单位")]
    );
    assert_eq!(keys(&groups.by_township), [Some("T1"), Some("T2"), None]);
    assert_eq!(
        keys(&groups.by_level),
        [Some("乡镇街道"), Some("市级"), Some("村社区")]
    );
    assert_eq!(
        keys(&groups.by_platform),
        [Some("QQ"), Some("微信"), Some("钉钉")]
    );
    assert!(groups.by_unit.iter().all(|r| r.figures.dissolved == 1));
    // With two snapshots, the baseline's value.
    let f = Fixture::new();
    f.table(
        "2019-01-01",
        "groups.csv",
        format!("{header}\nG1,U1,T1,乡镇街道,微信,\n"),
    );
    f.table(
        "2019-06-30",
        "groups.csv",
        format!("{header}\nG1,,,,,解散\n"),
    );
    let groups = f.report().groups.unwrap();
    assert_eq!(keys(&groups.by_unit), [Some("U1")]);
    assert_eq!(keys(&groups.by_platform), [Some("微信")]);
}

/// 新建 and 踢出 are words of DOMAIN.md's table (new, trimmed): both were refused.
#[test]
fn status_words_new_and_kicked_out_are_active() {
    let f = Fixture::new();
    f.table(
        "2019-01-01",
        "groups.csv",
        "编号,成员数,状态\nG1,10,\nG2,8,\n",
    );
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,成员数,状态\nG1,7,踢出\nG2,8,精简成员\nG3,5,新建\n",
    );
    let t = f.report().groups.unwrap().totals;
    assert_eq!(
        (
            t.before,
            t.after,
            t.retained,
            t.trimmed,
            t.new,
            t.members_removed
        ),
        (2, 3, 2, 1, 1, 3)
    );
}

/// A table with 到期日期 and no 期限 column never expired anything.
#[test]
fn a_group_with_an_end_date_and_no_term_column_expires() {
    let f = Fixture::new();
    f.table(
        "2019-01-01",
        "groups.csv",
        "编号,到期日期\nG1,2019-03-01\nG2,\nG3,2019-12-31\n",
    );
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,到期日期,状态\nG2,,\nG3,2019-12-31,解散\n",
    );
    let t = f.report().groups.unwrap().totals;
    // G1 ended on 2019-03-01 and is gone: expired; G3 was closed before its end: dissolved.
    assert_eq!((t.expired, t.dissolved, t.retained), (1, 1, 1));
    // 期限 = 长期 keeps a group with an end date standing: dissolved, not expired.
    let f = Fixture::new();
    let table = "编号,期限,到期日期\nG1,长期,2019-03-01\n";
    f.table("2019-01-01", "groups.csv", table);
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,期限,到期日期,状态\nG1,长期,2019-03-01,解散\n",
    );
    let t = f.report().groups.unwrap().totals;
    assert_eq!((t.expired, t.dissolved), (0, 1));
}

/// Merge targets that are the item itself, a loop or a dissolved item were accepted
/// silently; they are listed in quality.merge_problems (the figures stand: merged).
#[test]
fn merge_targets_into_itself_a_loop_or_a_dissolved_item_are_reported() {
    let f = Fixture::new();
    let baseline =
        "编号,单位,状态\nG1,U1,\nG2,U1,\nG3,U1,\nG4,U2,\nG5,U2,\nG6,U3,\nG7,U3,\nG8,U3,\n";
    f.table("2019-01-01", "groups.csv", baseline);
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,单位,状态,合并至\n\
         G1,U1,合并,G1\n\
         G2,U1,合并,G3\nG3,U1,合并,G2\n\
         G4,U2,合并,G5\nG5,U2,解散,\n\
         G6,U3,合并,G7\nG7,U3,合并,G8\nG8,U3,,\n",
    );
    let report = f.report();
    assert_eq!(report.groups.as_ref().unwrap().totals.merged, 6);
    let json: serde_json::Value =
        serde_json::from_slice(&jianfu::render::metrics_json(&report).bytes).unwrap();
    let problems: Vec<(String, String, String)> = json["quality"]["merge_problems"]
        .as_array()
        .expect("quality.merge_problems in metrics.json")
        .iter()
        .map(|p| {
            let chain: Vec<&str> = p["chain"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            (
                p["id"].as_str().unwrap().to_string(),
                p["problem"].as_str().unwrap().to_string(),
                chain.join(">"),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("G1", "self", "G1>G1"),
        ("G2", "loop", "G2>G3>G2"),
        ("G3", "loop", "G3>G2>G3"),
        ("G4", "target_dissolved", "G4>G5"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    // G6 → G7 → G8 (in use) is a fine chain.
    assert_eq!(problems, expected);
    let view = jianfu::present::view::view(&report);
    assert!(
        view.notes
            .iter()
            .any(|p| p.contains("4处合并去向有误") && p.contains("G4→G5（并入已解散的群或账号）")),
        "{:#?}",
        view.notes
    );
}
