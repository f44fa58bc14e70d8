//! Each rule on hand-built cases: a breach, and the same case without it.

mod common;
use common::Fixture;
use jianfu::model::Breach;

const BASELINE: &str = "编号,群名称,单位,管理员,期限,到期日期,是否报备,最后活跃日期,状态
G1,党建群,U1,张三,长期,,是,2019-06-01,
G2,通知群,U1,李四,长期,,是,2019-06-01,
G3,专班群,U2,王五,阶段性,2019-05-31,是,2019-06-01,
G4,业务群,U2,,长期,,是,2019-06-01,
G5,老群,U3,赵六,长期,,是,2019-01-01,
";

fn breaches(current: &str, settings: &str) -> Vec<Breach> {
    let f = Fixture::new();
    f.file("campaign.toml", format!("name = \"测试\"\n{settings}"));
    f.table("2019-01-01", "groups.csv", BASELINE);
    f.table("2019-06-30", "groups.csv", current);
    f.report().rules.breaches
}

fn of<'a>(breaches: &'a [Breach], rule: &str) -> Vec<&'a Breach> {
    breaches.iter().filter(|b| b.rule.id() == rule).collect()
}

#[test]
fn more_standing_groups_than_the_unit_may_have() {
    let b = breaches(BASELINE, "");
    let hits = of(&b, "max_groups_per_unit");
    // U1 has two standing groups; U2's second group is stage-work, which does not count.
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!(hits[0].unit.as_deref(), Some("U1"));
    assert_eq!(hits[0].id, None);
    assert!(hits[0].detail.contains("G1、G2"), "{}", hits[0].detail);
    assert_eq!(hits[0].due, "2019-07-30");
    assert!(
        of(
            &breaches(BASELINE, "[rules]\nmax_groups_per_unit = 2\n"),
            "max_groups_per_unit"
        )
        .is_empty()
    );
}

#[test]
fn a_group_without_an_admin() {
    let b = breaches(BASELINE, "");
    let hits = of(&b, "missing_admin");
    assert_eq!(
        hits.iter().map(|h| h.id.as_deref()).collect::<Vec<_>>(),
        [Some("G4")]
    );
    let with_admin = BASELINE.replace("G4,业务群,U2,,", "G4,业务群,U2,钱七,");
    assert!(of(&breaches(&with_admin, ""), "missing_admin").is_empty());
    assert!(
        of(
            &breaches(BASELINE, "[rules]\nrequire_admin = false\n"),
            "missing_admin"
        )
        .is_empty()
    );
}

#[test]
fn a_new_group_that_was_not_filed() {
    let current = format!(
        "{BASELINE}G6,新群,U3,孙八,长期,,否,2019-06-20,\nG7,新群二,U4,周九,长期,,是,2019-06-20,\n"
    );
    let b = breaches(&current, "");
    let hits = of(&b, "unfiled_new");
    assert_eq!(
        hits.iter().map(|h| h.id.as_deref()).collect::<Vec<_>>(),
        [Some("G6")]
    );
    // G1..G5 were active at the baseline: not new, whatever their filing.
    let refiled = current.replace(",否,", ",是,");
    assert!(of(&breaches(&refiled, ""), "unfiled_new").is_empty());
}

#[test]
fn a_stage_work_group_past_its_end_date() {
    let b = breaches(BASELINE, "");
    let hits = of(&b, "stage_overdue");
    assert_eq!(
        hits.iter().map(|h| h.id.as_deref()).collect::<Vec<_>>(),
        [Some("G3")]
    );
    assert!(hits[0].detail.contains("2019-05-31"));
    let later = BASELINE.replace("2019-05-31", "2019-12-31");
    assert!(of(&breaches(&later, ""), "stage_overdue").is_empty());
}

#[test]
fn a_zombie_group_silent_for_more_than_90_days() {
    let b = breaches(BASELINE, "");
    let hits = of(&b, "zombie_group");
    // G5 last spoke on 2019-01-01, 180 days before 2019-06-30; the others 29 days.
    assert_eq!(
        hits.iter().map(|h| h.id.as_deref()).collect::<Vec<_>>(),
        [Some("G5")]
    );
    assert!(
        of(
            &breaches(BASELINE, "[rules]\nzombie_group_days = 200\n"),
            "zombie_group"
        )
        .is_empty()
    );
}

#[test]
fn stale_and_small_accounts() {
    let f = Fixture::new();
    let accounts = "编号,账号名称,单位,粉丝数,最后更新日期\nA1,城关发布,U1,\"12,000\",2019-06-29\nA2,乡村振兴,U2,800,2019-06-29\nA3,老号,U3,5000,2019-06-01\n";
    f.table("2019-01-01", "accounts.csv", accounts);
    f.table("2019-06-30", "accounts.csv", accounts);
    let rules = f.report().rules;
    let ids = |rule: &str| -> Vec<Option<String>> {
        rules
            .breaches
            .iter()
            .filter(|b| b.rule.id() == rule)
            .map(|b| b.id.clone())
            .collect()
    };
    // A3: 29 days without a post (> 14); A2: 800 followers (< 1000).
    assert_eq!(ids("stale_account"), [Some("A3".to_string())]);
    assert_eq!(ids("small_account"), [Some("A2".to_string())]);
    assert_eq!(rules.counts[&jianfu::model::RuleId::StaleAccount], 1);
    assert_eq!(rules.counts[&jianfu::model::RuleId::Overlap], 0);
    assert!(
        rules
            .breaches
            .iter()
            .all(|b| b.kind == jianfu::model::Kind::Accounts)
    );
}

#[test]
fn overlapping_groups_are_merge_candidates_into_the_larger() {
    let f = Fixture::new();
    let groups = "编号,群名称,单位\nG1,党建工作群,U1\nG2,党建群,U1\nG3,防汛群,U1\nG4,综治群,U2\n";
    f.table("2019-01-01", "groups.csv", groups);
    f.table("2019-06-30", "groups.csv", groups);
    let mut members = String::from("群编号,成员编号\n");
    for m in 1..=10 {
        members += &format!("G1,m{m}\n"); // G1: m1..m10
    }
    for m in 1..=9 {
        members += &format!("G2,m{m}\n"); // G2 ⊂ G1, J = 0.9
    }
    for m in 1..=5 {
        members += &format!("G3,m{m}\n"); // J(G1,G3) = 0.5
    }
    for m in 20..=25 {
        members += &format!("G4,m{m}\n"); // disjoint
    }
    f.table("2019-01-01", "members.csv", &members);
    f.table("2019-06-30", "members.csv", &members);
    let rules = f.report().rules;
    assert_eq!(rules.overlaps.len(), 1, "{:#?}", rules.overlaps);
    let o = &rules.overlaps[0];
    assert_eq!(
        (o.id.as_str(), o.into_id.as_str(), o.shared),
        ("G2", "G1", 9)
    );
    assert!((o.jaccard - 0.9).abs() < 1e-12);
    assert!(o.name_similarity > 0.9);
    let hits = of(&rules.breaches, "overlap");
    assert_eq!(hits.len(), 1);
    assert!(hits[0].detail.contains("建议并入"));
}

#[test]
fn breaches_are_listed_by_unit_then_rule() {
    let b = breaches(BASELINE, "");
    let order: Vec<(Option<&str>, &str)> =
        b.iter().map(|b| (b.unit.as_deref(), b.rule.id())).collect();
    assert_eq!(
        order,
        [
            (Some("U1"), "max_groups_per_unit"),
            (Some("U2"), "missing_admin"),
            (Some("U2"), "stage_overdue"),
            (Some("U3"), "zombie_group"),
        ]
    );
}

#[test]
fn phone_numbers_in_free_text_never_reach_the_report() {
    let f = Fixture::new();
    let groups = "编号,群名称,单位\nG1,联络群（联系人13812345678）,U1\n";
    f.table("2019-01-01", "groups.csv", groups);
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,群名称,单位,管理员\nG1,联络群（联系人13812345678）,U1,\n",
    );
    let json = String::from_utf8(jianfu::render::metrics_json(&f.report()).bytes).unwrap();
    assert!(json.contains("联络群（联系人138****5678）"), "{json}");
    assert!(!json.contains("13812345678"));
}
