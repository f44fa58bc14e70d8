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

/// Groups G1 (`big` members) and G2 (the first `shared` of them), with `settings`.
fn overlap_of(shared: u32, big: u32, settings: &str) -> jianfu::model::Rules {
    let f = Fixture::new();
    f.file("campaign.toml", format!("name = \"测试\"\n{settings}"));
    let groups = "编号,群名称,单位\nG1,党建工作群,U1\nG2,防汛群,U1\n";
    f.table("2019-01-01", "groups.csv", groups);
    f.table("2019-06-30", "groups.csv", groups);
    let mut members = String::from("群编号,成员编号\n");
    for m in 1..=big {
        members += &format!("G1,m{m}\n");
    }
    for m in 1..=shared {
        members += &format!("G2,m{m}\n");
    }
    f.table("2019-01-01", "members.csv", &members);
    f.table("2019-06-30", "members.csv", &members);
    f.report().rules
}

/// 0.56 × 25 is 14.000000000000002 in floats: the size cut-off rounded it up to 15 and
/// the pair sharing exactly 14 of 25 members (Jaccard 0.56) was never compared.
#[test]
fn a_pair_exactly_at_a_non_default_jaccard_threshold_is_a_merge_candidate() {
    let rules = overlap_of(14, 25, "[rules]\noverlap_jaccard = 0.56\n");
    assert_eq!(rules.overlaps.len(), 1, "{:#?}", rules.overlaps);
    assert_eq!(
        (rules.overlaps[0].shared, rules.overlaps[0].union),
        (14, 25)
    );
    assert!(
        overlap_of(13, 25, "[rules]\noverlap_jaccard = 0.56\n")
            .overlaps
            .is_empty()
    );
    for (t, shared, big) in [("0.68", 51, 75), ("0.55", 55, 100), ("0.7", 7, 10)] {
        let settings = format!("[rules]\noverlap_jaccard = {t}\n");
        assert_eq!(overlap_of(shared, big, &settings).overlaps.len(), 1, "{t}");
        assert!(
            overlap_of(shared - 1, big, &settings).overlaps.is_empty(),
            "{t}"
        );
    }
}

#[test]
fn a_pair_exactly_at_the_default_jaccard_threshold_is_a_merge_candidate() {
    // 8 of 10 = 0.8 exactly; 4 of 5 too; 7 of 10 is below.
    assert_eq!(overlap_of(8, 10, "").overlaps.len(), 1);
    assert_eq!(overlap_of(4, 5, "").overlaps.len(), 1);
    assert!(overlap_of(7, 10, "").overlaps.is_empty());
}

/// The similarity was printed with `{:.0}%` (81%): every percentage is rounded once from
/// the counts by GB/T 8170, to the report's decimals (13/16 = 81.25% → 81.2%).
#[test]
fn the_overlap_breach_prints_its_percentage_by_gbt8170() {
    let detail = |settings: &str| {
        let rules = overlap_of(13, 16, settings);
        let hits = of(&rules.breaches, "overlap");
        assert_eq!(hits.len(), 1, "{:#?}", rules.breaches);
        hits[0].detail.clone()
    };
    let exact = detail("");
    assert!(exact.contains("成员相似度81.2%"), "{exact}");
    let half_up = detail("[report]\nrounding = \"half-up\"\n");
    assert!(half_up.contains("成员相似度81.3%"), "{half_up}");
    let whole = detail("[report]\ndecimals = 0\n");
    assert!(whole.contains("成员相似度81%"), "{whole}");
}

/// Breaches of the boundary days: "more than 90 days" and "more than 14 days".
#[test]
fn a_group_silent_exactly_90_days_is_no_zombie_and_91_days_is() {
    // The current snapshot is 2019-06-30: 90 days before is 2019-04-01.
    let groups = "编号,群名称,单位,管理员,最后活跃日期\nG1,整九十天,U1,甲,2019-04-01\nG2,九十一天,U2,乙,2019-03-31\nG3,八十九天,U3,丙,2019-04-02\n";
    let b = breaches_of(groups, "");
    let ids: Vec<_> = of(&b, "zombie_group")
        .iter()
        .map(|h| h.id.clone())
        .collect();
    assert_eq!(ids, [Some("G2".to_string())]);
    // The setting moves the boundary with it.
    let b = breaches_of(groups, "[rules]\nzombie_group_days = 89\n");
    let ids: Vec<_> = of(&b, "zombie_group")
        .iter()
        .map(|h| h.id.clone())
        .collect();
    assert_eq!(ids, [Some("G1".to_string()), Some("G2".to_string())]);
}

#[test]
fn an_account_silent_exactly_14_days_is_not_stale_and_15_days_is() {
    let f = Fixture::new();
    // 2019-06-30 − 14 days = 2019-06-16.
    let accounts = "编号,账号名称,单位,粉丝数,最后更新日期\nA1,十四天,U1,5000,2019-06-16\nA2,十五天,U2,5000,2019-06-15\nA3,十三天,U3,5000,2019-06-17\n";
    f.table("2019-01-01", "accounts.csv", accounts);
    f.table("2019-06-30", "accounts.csv", accounts);
    let rules = f.report().rules;
    let ids: Vec<_> = of(&rules.breaches, "stale_account")
        .iter()
        .map(|h| h.id.clone())
        .collect();
    assert_eq!(ids, [Some("A2".to_string())]);
    // Exactly 1000 followers is enough; 999 is not.
    let accounts = "编号,账号名称,单位,粉丝数,最后更新日期\nA1,千人,U1,1000,2019-06-29\nA2,不足千人,U2,999,2019-06-29\n";
    let f = Fixture::new();
    f.table("2019-01-01", "accounts.csv", accounts);
    f.table("2019-06-30", "accounts.csv", accounts);
    let rules = f.report().rules;
    let ids: Vec<_> = of(&rules.breaches, "small_account")
        .iter()
        .map(|h| h.id.clone())
        .collect();
    assert_eq!(ids, [Some("A2".to_string())]);
}

/// The same table at both snapshots, with `settings`.
fn breaches_of(table: &str, settings: &str) -> Vec<Breach> {
    let f = Fixture::new();
    f.file("campaign.toml", format!("name = \"测试\"\n{settings}"));
    f.table("2019-01-01", "groups.csv", table);
    f.table("2019-06-30", "groups.csv", table);
    f.report().rules.breaches
}

/// A table with 到期日期 and no 期限 column expired nothing and found no overdue group:
/// a group with an end date is stage work unless 期限 says 长期.
#[test]
fn an_end_date_without_a_term_column_is_stage_work_for_the_rules() {
    let groups = "编号,群名称,单位,管理员,到期日期\nG1,迎检群,U1,甲,2019-05-31\nG2,党建群,U1,乙,\nG3,防汛群,U2,丙,2019-12-31\n";
    let b = breaches_of(groups, "");
    let overdue: Vec<_> = of(&b, "stage_overdue")
        .iter()
        .map(|h| h.id.clone())
        .collect();
    assert_eq!(overdue, [Some("G1".to_string())]);
    // G1 and G3 are stage work: U1 keeps one standing group, within the limit.
    assert!(of(&b, "max_groups_per_unit").is_empty(), "{b:#?}");
    // 期限 = 长期 keeps a group with an end date standing.
    let standing = "编号,群名称,单位,管理员,期限,到期日期\nG1,迎检群,U1,甲,长期,2019-05-31\nG2,党建群,U1,乙,,\n";
    let b = breaches_of(standing, "");
    assert!(of(&b, "stage_overdue").is_empty());
    assert_eq!(of(&b, "max_groups_per_unit").len(), 1);
}

/// Rules that cannot be checked were skipped without a word: no 管理员 or 是否报备 column,
/// dates or follower counts left blank, no members table.
#[test]
fn rules_that_cannot_be_checked_are_listed_with_their_reason_and_rows() {
    let f = Fixture::new();
    let groups = "编号,群名称,单位,期限,到期日期,最后活跃日期\nG1,党建群,U1,长期,,2019-06-01\nG2,专班群,U2,阶段性,,\nG3,通知群,,长期,,2019-06-01\n";
    let current = format!("{groups}G4,新群,U3,长期,,2019-06-20\n");
    let accounts = "编号,账号名称,单位,最后更新日期\nA1,城关发布,U1,2019-06-29\nA2,乡村振兴,U2,\n";
    f.table("2019-01-01", "groups.csv", groups);
    f.table("2019-06-30", "groups.csv", current);
    f.table("2019-01-01", "accounts.csv", accounts);
    f.table("2019-06-30", "accounts.csv", accounts);
    let report = f.report();
    let json: serde_json::Value =
        serde_json::from_slice(&jianfu::render::metrics_json(&report).bytes).unwrap();
    let listed: Vec<(String, String, String, u64)> = json["quality"]["unchecked_rules"]
        .as_array()
        .expect("quality.unchecked_rules in metrics.json")
        .iter()
        .map(|u| {
            (
                u["rule"].as_str().unwrap().to_string(),
                u["reason"].as_str().unwrap().to_string(),
                u["column"].as_str().unwrap_or("").to_string(),
                u["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, u64)> = [
        // G3 has no unit: not counted per unit.
        ("max_groups_per_unit", "blank_values", "unit", 1),
        // No 管理员 column: none of the four active groups checked.
        ("missing_admin", "no_column", "admin", 4),
        // No 是否报备 column: the one new group (G4) unchecked.
        ("unfiled_new", "no_column", "filed", 1),
        // G2 is 阶段性 without an end date.
        ("stage_overdue", "blank_values", "expires", 1),
        ("zombie_group", "blank_values", "last_active", 1),
        ("overlap", "no_members_table", "", 4),
        ("stale_account", "blank_values", "last_post", 1),
        ("small_account", "no_column", "followers", 2),
    ]
    .iter()
    .map(|(r, w, c, n)| (r.to_string(), w.to_string(), c.to_string(), *n))
    .collect();
    assert_eq!(listed, expected);
    // The report says so in a sentence.
    let view = jianfu::present::view::view(&report);
    let note = view
        .notes
        .iter()
        .find(|p| p.contains("未能核查"))
        .expect("a sentence on the unchecked rules");
    assert!(
        note.contains("未指定群管理员（台账缺少所需的列，4条）"),
        "{note}"
    );
}
