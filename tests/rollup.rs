//! 层层汇总: counties built separately and rolled up give the figures of one build of their
//! union; two levels give what one gives; every refused part says why, in both languages.

mod common;
use common::{Fixture, files_under, jianfu};
use jianfu::model::{DimensionRow, KindFigures, Report};
use std::path::{Path, PathBuf};

const DATES: [&str; 3] = ["2019-01-31", "2019-04-30", "2019-06-30"];
const GROUPS: &str = "编号,群名称,单位,乡镇街道,层级,平台,成员数,管理员,状态,合并至\n";
const ACCOUNTS: &str = "编号,账号名称,平台,单位,乡镇街道,层级,粉丝数,最后更新日期,状态,合并至\n";
const MEMBERS: &str = "群编号,成员编号\n";

/// One county's tables at each date: (groups, accounts, members) rows without headers.
/// Units, townships, levels and platforms repeat across counties (every county has a
/// 县委办公室 and a 城关镇); item and cadre ids are the county's own.
fn county(prefix: &str, size: usize) -> Vec<[String; 3]> {
    let units = [
        "县委办公室",
        "县政府办公室",
        "县教育局",
        "县卫健局",
        "县农业农村局",
    ];
    let townships = ["城关镇", "新华乡", "", "河口镇"];
    let levels = ["县级", "乡镇街道", "村社区"];
    let platforms = ["微信", "钉钉", "企业微信", "QQ"];
    let cadres = size + 3;
    let mut out = Vec::new();
    for s in 0..DATES.len() {
        let (mut groups, mut accounts, mut members) = (String::new(), String::new(), String::new());
        // Groups opened after the baseline come in at each later snapshot.
        for i in 0..size + 2 * s {
            let status = match (s, i % 6) {
                (0, _) => "",
                (_, 0) => "解散",
                (_, 1) => "合并",
                (2, 2) => "撤销",
                _ => "",
            };
            if s == 2 && i % 11 == 5 {
                continue; // absent from the latest inventory: dissolved
            }
            let merged_into = if status == "合并" {
                format!("{prefix}G2")
            } else {
                String::new()
            };
            let township = townships[i % townships.len()];
            let level = if township.is_empty() {
                "县级"
            } else {
                levels[i % 3]
            };
            let size_now = 6 + (i % 5) as u64 - if s > 0 && i % 4 == 3 { 2 } else { 0 };
            groups += &format!(
                "{prefix}G{i},群{i},{},{township},{level},{},{size_now},{},{status},{merged_into}\n",
                units[i % units.len()],
                platforms[(i / 2) % platforms.len()],
                if i % 3 == 0 { "" } else { "张三" },
            );
            if status.is_empty() {
                for k in 0..(size_now as usize) {
                    members += &format!("{prefix}G{i},{prefix}P{}\n", (i * 3 + k * 7) % cadres);
                }
            }
        }
        for i in 0..size / 2 {
            let status = match (s, i % 4) {
                (0, _) => "运营",
                (_, 0) => "停更",
                (_, 1) => "迁移",
                _ => "运营",
            };
            accounts += &format!(
                "{prefix}A{i},号{i},{},{},,县级,{},2019-0{}-01,{status},\n",
                ["微信公众号", "抖音", "微博"][i % 3],
                units[i % units.len()],
                500 + 300 * i,
                s + 1,
            );
        }
        out.push([groups, accounts, members]);
    }
    out
}

/// A campaign folder with the given counties' tables, all in one (the union) or one each.
fn campaign(id: &str, region: &str, counties: &[(String, usize)]) -> Fixture {
    let f = Fixture::new();
    f.file(
        "campaign.toml",
        format!("id = \"{id}\"\nname = \"{region}工作群清理\"\nregion = \"{region}\"\nauthority = \"{region}纪委监委\"\n"),
    );
    let tables: Vec<Vec<[String; 3]>> = counties.iter().map(|(p, n)| county(p, *n)).collect();
    for (s, date) in DATES.iter().enumerate() {
        let join = |t: usize| tables.iter().map(|c| c[s][t].as_str()).collect::<String>();
        f.table(date, "groups.csv", format!("{GROUPS}{}", join(0)));
        f.table(date, "accounts.csv", format!("{ACCOUNTS}{}", join(1)));
        f.table(date, "members.csv", format!("{MEMBERS}{}", join(2)));
    }
    f
}

const COUNTIES: [(&str, &str, usize); 3] = [
    ("xian-a", "甲县", 23),
    ("xian-b", "乙县", 31),
    ("xian-c", "丙县", 17),
];

fn prefix(id: &str) -> String {
    id.replace("xian-", "").to_uppercase()
}

/// The three counties, each built into its own output folder.
fn three_built() -> Vec<Fixture> {
    COUNTIES
        .iter()
        .map(|(id, region, n)| {
            let f = campaign(id, region, &[(prefix(id), *n)]);
            f.build();
            f
        })
        .collect()
}

fn metrics(dir: &Path) -> Report {
    serde_json::from_slice(&std::fs::read(dir.join("metrics.json")).unwrap()).unwrap()
}

fn rollup(cwd: &Path, parts: &[PathBuf], out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec!["rollup".into()];
    args.extend(parts.iter().map(|p| p.to_string_lossy().into_owned()));
    args.extend(["--out".into(), out.to_string_lossy().into_owned()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    jianfu(cwd, &args)
}

fn ok(run: &std::process::Output) {
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// A campaign's output folder (output/<id>/).
fn campaign_out(f: &Fixture, id: &str) -> PathBuf {
    f.out().join(id)
}

/// Rows added up by key, whatever part they came from.
fn by_key(rows: &[DimensionRow]) -> Vec<(Option<String>, u64, u64, u64, u64)> {
    let mut map = std::collections::BTreeMap::new();
    for r in rows {
        let e = map.entry(r.key.clone()).or_insert((0, 0, 0, 0));
        e.0 += r.figures.before;
        e.1 += r.figures.after;
        e.2 += r.figures.closed;
        e.3 += r.figures.new;
    }
    map.into_iter()
        .map(|(k, (a, b, c, d))| (k, a, b, c, d))
        .collect()
}

fn same_figures(rolled: &KindFigures, union: &KindFigures) {
    assert_eq!(rolled.totals, union.totals);
    assert_eq!(rolled.by_township, union.by_township);
    assert_eq!(rolled.by_level, union.by_level);
    assert_eq!(rolled.by_platform, union.by_platform);
    // By unit, rows keep their part; added up by key they are the union's.
    assert_eq!(by_key(&rolled.by_unit), by_key(&union.by_unit));
    assert!(rolled.by_unit.iter().all(|r| r.part.is_some()));
}

#[test]
fn three_counties_rolled_up_equal_one_build_of_their_union() {
    let parts = three_built();
    let union = campaign("union", "某市", &COUNTIES.map(|(id, _, n)| (prefix(id), n)));
    union.build();
    let union = metrics(&union.out().join("union").join("2019-06-30"));

    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("city").join("2019-06-30");
    // Campaign output folders: the latest common date is taken.
    let dirs: Vec<PathBuf> = parts
        .iter()
        .zip(COUNTIES)
        .map(|(f, (id, ..))| campaign_out(f, id))
        .collect();
    let run = rollup(out.path(), &dirs, &target, &["--name", "某市工作群清理"]);
    ok(&run);
    let rolled = metrics(&target);
    assert_eq!(rolled.campaign.id, "city");
    assert_eq!(rolled.campaign.current, "2019-06-30");
    same_figures(
        rolled.groups.as_ref().unwrap(),
        union.groups.as_ref().unwrap(),
    );
    same_figures(
        rolled.accounts.as_ref().unwrap(),
        union.accounts.as_ref().unwrap(),
    );
    // Cadres are disjoint: the burden is the union's, statistics and all.
    let (rb, ub) = (rolled.burden.unwrap(), union.burden.unwrap());
    assert_eq!(
        (rb.cadres, &rb.before, &rb.after, &rb.distribution),
        (ub.cadres, &ub.before, &ub.after, &ub.distribution)
    );
    assert_eq!(rolled.trend, union.trend);
    // Breaches add; each keeps its part.
    let part_reports: Vec<Report> = parts
        .iter()
        .zip(COUNTIES)
        .map(|(f, (id, ..))| metrics(&campaign_out(f, id).join("2019-06-30")))
        .collect();
    for (rule, n) in &rolled.rules.counts {
        let sum: u64 = part_reports.iter().map(|r| r.rules.counts[rule]).sum();
        assert_eq!(*n, sum, "{rule:?}");
    }
    assert_eq!(
        rolled.rules.breaches.len(),
        part_reports
            .iter()
            .map(|r| r.rules.breaches.len())
            .sum::<usize>()
    );
    // Each part is listed with its date and its manifest's hash.
    let listed = rolled.parts.as_ref().unwrap();
    assert_eq!(
        listed.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["xian-a", "xian-b", "xian-c"]
    );
    for (p, f) in listed.iter().zip(&parts) {
        let manifest =
            std::fs::read(campaign_out(f, &p.id).join(&p.date).join("manifest.json")).unwrap();
        assert_eq!(
            p.manifest_sha256,
            jianfu::model::manifest::sha256_hex(&manifest)
        );
    }
    // The parts ranked by reduction ratio, as the first breakdown.
    let by_part = &rolled.groups.as_ref().unwrap().by_part;
    assert_eq!(by_part.len(), 3);
    let ratio = |r: &DimensionRow| r.figures.reduction_ratio.unwrap();
    assert!(ratio(&by_part[0]) >= ratio(&by_part[1]) && ratio(&by_part[1]) >= ratio(&by_part[2]));

    for file in [
        "metrics.json",
        "index.html",
        "report.pdf",
        "tables.xlsx",
        "manifest.json",
    ] {
        assert!(target.join(file).is_file(), "{file}");
    }
    assert!(
        files_under(&target)
            .iter()
            .any(|f| f == "charts/groups_reduction_by_part.svg")
    );
    let html = std::fs::read_to_string(target.join("index.html")).unwrap();
    assert!(html.contains("按县统计的工作群清理情况"), "the 各县 table");
    assert!(html.contains("甲县·县委办公室") && html.contains("乙县·县委办公室"));
    assert!(html.contains("同一名干部若在两个县均有统计，则在每个县各计一次"));
    assert!(html.contains("各县发现问题汇总"));
    let xlsx = common::readable_text(&target.join("tables.xlsx"));
    assert!(
        xlsx.contains("整改清单：甲县·"),
        "the parts' rectification lists, by part"
    );

    // Rolling up again on the same parts rewrites nothing.
    let again = rollup(out.path(), &dirs, &target, &["--name", "某市工作群清理"]);
    ok(&again);
    assert!(String::from_utf8_lossy(&again.stdout).contains("无变化"));

    // A roll-up is published like any report; the share's index names its parts.
    let share = out.path().join("share");
    ok(&jianfu(
        out.path(),
        &[
            "publish",
            target.to_str().unwrap(),
            "--to",
            share.to_str().unwrap(),
        ],
    ));
    let index = std::fs::read_to_string(share.join("index.html")).unwrap();
    assert!(
        index.contains("汇总自 3 个部分：甲县、乙县、丙县"),
        "{index}"
    );
    assert!(share.join("city/2019-06-30/index.html").is_file());
}

#[test]
fn two_levels_give_what_one_gives() {
    let parts = three_built();
    let out = tempfile::tempdir().unwrap();
    let report_dirs: Vec<PathBuf> = parts
        .iter()
        .zip(COUNTIES)
        .map(|(f, (id, ..))| campaign_out(f, id).join("2019-06-30"))
        .collect();
    let one = out.path().join("one");
    let name = ["--name", "某省", "--id", "sheng"];
    ok(&rollup(out.path(), &report_dirs, &one, &name));
    let ab = out.path().join("ab");
    ok(&rollup(
        out.path(),
        &report_dirs[..2],
        &ab,
        &["--region", "甲乙市"],
    ));
    let two = out.path().join("two");
    ok(&rollup(
        out.path(),
        &[ab, report_dirs[2].clone()],
        &two,
        &name,
    ));
    let (mut one, mut two) = (metrics(&one), metrics(&two));
    // Only the list of parts (and the ranking of them) differs: one level lists three
    // counties, two levels a city and a county.
    assert_eq!(one.parts.take().unwrap().len(), 3);
    assert_eq!(two.parts.take().unwrap().len(), 2);
    for r in [&mut one, &mut two] {
        for k in [r.groups.as_mut(), r.accounts.as_mut()]
            .into_iter()
            .flatten()
        {
            k.by_part.clear();
        }
    }
    assert_eq!(one, two);
}

/// A roll-up that must be refused, in Chinese and in English, writing nothing.
fn refused(cwd: &Path, parts: &[PathBuf], extra: &[&str], zh: &str, en: &str) {
    for (lang, expected) in [("zh", zh), ("en", en)] {
        let out = cwd.join(format!("refused-{lang}"));
        let mut args = vec!["--lang", lang];
        args.extend(extra);
        let run = rollup(cwd, parts, &out, &args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success());
        assert!(stderr.contains(expected), "{lang}: {stderr}");
        assert!(!out.exists(), "nothing is written");
        assert!(files_under(cwd).iter().all(|f| !f.contains("refused")));
    }
}

fn one_county(id: &str, region: &str) -> (Fixture, PathBuf) {
    let f = campaign(id, region, &[(prefix(id), 12)]);
    f.build();
    let dir = campaign_out(&f, id).join("2019-06-30");
    (f, dir)
}

#[test]
fn a_part_of_an_incompatible_schema_is_refused() {
    let (f, a) = one_county("xian-a", "甲县");
    let (_g, b) = one_county("xian-b", "乙县");
    // A future jianfu's report, its manifest consistent with it.
    let path = a.join("metrics.json");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "\"schema_version\": 1",
        "\"schema_version\": 2",
        1,
    );
    std::fs::write(&path, &text).unwrap();
    let mut manifest: jianfu::model::manifest::Manifest =
        serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
    for e in &mut manifest.outputs {
        if e.path == "metrics.json" {
            *e = jianfu::model::manifest::FileEntry::of(e.path.clone(), text.as_bytes());
        }
    }
    std::fs::write(a.join("manifest.json"), manifest.to_bytes()).unwrap();
    refused(
        f.root.path(),
        &[a, b],
        &[],
        "该报告由不兼容的 jianfu 版本生成（metrics.json 格式版本 2，本程序为 1）",
        "built by an incompatible jianfu (metrics.json schema version 2, this one reads 1)",
    );
}

#[test]
fn a_part_listed_twice_is_refused() {
    let (f, a) = one_county("xian-a", "甲县");
    // Once as the campaign's output folder, once as its report folder.
    refused(
        f.root.path(),
        &[campaign_out(&f, "xian-a"), a.clone()],
        &[],
        "同一报告被列出两次",
        "the same report is listed twice",
    );
}

#[test]
fn two_parts_with_the_same_id_are_refused() {
    let (f, a) = one_county("xian-a", "甲县");
    let (_g, b) = one_county("xian-a", "乙县");
    refused(
        f.root.path(),
        &[a, b],
        &[],
        "的编号都是 \"xian-a\"：两个部分的编号不能相同",
        "both have the id \"xian-a\": two parts cannot share an id",
    );
}

#[test]
fn a_part_not_matching_its_manifest_is_refused() {
    let (f, a) = one_county("xian-a", "甲县");
    let (_g, b) = one_county("xian-b", "乙县");
    let path = a.join("metrics.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("\"before\": ", "\"before\": 1", 1);
    std::fs::write(&path, text).unwrap();
    refused(
        f.root.path(),
        &[a, b],
        &[],
        "metrics.json 与 manifest.json 记录的 SHA-256 不一致",
        "metrics.json does not match the SHA-256 in manifest.json",
    );
}

#[test]
fn parts_at_different_dates_are_stated_never_mixed_silently() {
    let (f, a) = one_county("xian-a", "甲县");
    let g = campaign("xian-b", "乙县", &[("B".into(), 12)]);
    // 甲县 has reports at two dates, 乙县 only at the earlier one.
    for c in [&f, &g] {
        let (dir, out) = (c.dir(), c.out());
        let args = [
            "build",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--at",
            "2019-04-30",
        ];
        ok(&jianfu(c.root.path(), &args));
    }
    // From the campaign output folders, the latest common date is taken…
    let out = f.root.path().join("city");
    ok(&rollup(
        f.root.path(),
        &[campaign_out(&f, "xian-a"), campaign_out(&g, "xian-b")],
        &out,
        &[],
    ));
    assert_eq!(metrics(&out).campaign.current, "2019-04-30");
    // …and report folders at different dates are rolled up with each 截至 date stated.
    let b = campaign_out(&g, "xian-b").join("2019-04-30");
    let mixed = f.root.path().join("mixed");
    ok(&rollup(f.root.path(), &[a, b], &mixed, &[]));
    let report = metrics(&mixed);
    assert_eq!(report.campaign.current, "2019-06-30");
    let dates: Vec<&str> = report
        .parts
        .as_ref()
        .unwrap()
        .iter()
        .map(|p| p.date.as_str())
        .collect();
    assert_eq!(dates, ["2019-06-30", "2019-04-30"]);
    // The trend has only the dates both parts have.
    assert_eq!(
        report
            .trend
            .iter()
            .map(|t| t.date.as_str())
            .collect::<Vec<_>>(),
        ["2019-01-31", "2019-04-30"]
    );
    let html = std::fs::read_to_string(mixed.join("index.html")).unwrap();
    assert!(
        html.contains("各县数据的截至日期不同（甲县截至2019年6月30日，乙县截至2019年4月30日）"),
        "note"
    );
    assert!(html.contains("截至日期"), "each part's date in its table");
    // --at a date a campaign folder lacks is refused.
    refused(
        f.root.path(),
        &[campaign_out(&f, "xian-a"), campaign_out(&g, "xian-b")],
        &["--at", "2019-06-30"],
        "没有 2019-06-30 的报告",
        "no report for 2019-06-30",
    )
}
