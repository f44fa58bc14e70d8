//! tables.xlsx, built by the real binary and read back with calamine: the sheets, numbers
//! that equal metrics.json and the printed percentages, and text that stays text.

mod common;
use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{Fixture, jianfu, repo};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn build(cwd: &Path, campaign: &Path, out: &Path) {
    let run = jianfu(
        cwd,
        &[
            "build",
            campaign.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

fn lichuan() -> PathBuf {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        build(&repo(), &repo().join("data/lichuan"), out.path());
        out
    })
    .path()
    .join("lichuan/2019-09-30")
}

fn workbook(dir: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(dir.join("tables.xlsx")).expect("tables.xlsx opens")
}

/// The row whose second cell is 合计.
fn totals_row(range: &calamine::Range<Data>) -> Vec<Data> {
    range
        .rows()
        .find(|r| r.get(1) == Some(&Data::String("合计".into())))
        .expect("a 合计 row")
        .to_vec()
}

fn header(range: &calamine::Range<Data>) -> Vec<String> {
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn the_summary_comes_first_then_one_sheet_per_annex_table() {
    let book = workbook(&lichuan());
    let names = book.sheet_names();
    assert_eq!(names[0], "总体情况");
    assert_eq!(
        &names[1..7],
        [
            "附件1 按单位统计的工作群清理情况",
            "附件2 按乡镇街道统计的工作群清理情况",
            "附件3 按层级统计的工作群清理情况",
            "附件4 按平台统计的工作群清理情况",
            "附件5 所在工作群最多的干部（化名）",
            "附件6 整改清单",
        ]
    );
    // Then one rectification sheet per unit with something to fix, to hand out.
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(lichuan().join("metrics.json")).unwrap()).unwrap();
    let units: std::collections::BTreeSet<&str> = metrics["rules"]["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["unit"].as_str().unwrap())
        .collect();
    assert_eq!(names.len() - 7, units.len());
    assert!(
        names[7..].iter().all(|n| n.starts_with("整改清单：")),
        "{:?}",
        &names[7..]
    );
    for name in &names {
        assert!(name.chars().count() <= 31);
    }
}

#[test]
fn the_totals_row_equals_metrics_json_and_ratios_are_the_printed_rounding() {
    let metrics: Value =
        serde_json::from_slice(&std::fs::read(lichuan().join("metrics.json")).unwrap()).unwrap();
    let g = &metrics["groups"];
    let mut book = workbook(&lichuan());
    let range = book
        .worksheet_range("附件1 按单位统计的工作群清理情况")
        .unwrap();
    let head = header(&range);
    let total = totals_row(&range);
    let col = |label: &str| head.iter().position(|h| h == label).unwrap();
    for (label, key) in [
        ("清理前", "before"),
        ("清理后", "after"),
        ("解散", "dissolved"),
        ("合并", "merged"),
        ("到期解散", "expired"),
        ("新建", "new"),
    ] {
        assert_eq!(
            total[col(label)],
            Data::Float(g[key].as_f64().unwrap()),
            "{label}"
        );
    }
    assert_eq!(total[col("清理前")], Data::Float(2000.0));
    assert_eq!(total[col("清理后")], Data::Float(450.0));
    // The rounded printed percentage, as a number, not the exact ratio.
    assert_eq!(total[col("精简占比")], Data::Float(0.775));
    let closed = g["closed"].as_f64().unwrap();
    let printed = (closed / 2000.0 * 1000.0).round() / 1000.0;
    match &total[col("停止运营占比")] {
        Data::Float(r) => assert!((r - printed).abs() < 1e-12, "{r} vs {printed}"),
        other => panic!("停止运营占比 is not a number: {other:?}"),
    }
    // Every body row's counts are numbers too.
    for row in range.rows().skip(1) {
        assert!(matches!(row[col("清理前")], Data::Float(_)), "{row:?}");
    }
}

#[test]
fn the_summary_holds_the_headline_figures_and_totals() {
    let mut book = workbook(&lichuan());
    let range = book.worksheet_range("总体情况").unwrap();
    let cells: Vec<String> = range.cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(cells.contains(&"利川市微信工作群清理整治".to_string()));
    assert!(cells.contains(&"77.5%".to_string()), "{cells:?}");
    let groups = range
        .rows()
        .find(|r| r.first() == Some(&Data::String("工作群".into())))
        .expect("the groups' totals");
    assert_eq!(groups[1], Data::Float(2000.0));
    assert_eq!(groups[2], Data::Float(450.0));
}

#[test]
fn a_unit_named_like_a_formula_stays_text_and_an_absent_ratio_is_a_dash() {
    let f = Fixture::new();
    f.table(
        "2019-04-30",
        "groups.csv",
        "编号,群名称,单位,状态\n1,甲群,=1+1,正常\n2,乙群,@SUM(A1),正常\n",
    );
    f.table(
        "2019-09-30",
        "groups.csv",
        "编号,群名称,单位,状态\n1,甲群,=1+1,解散\n2,乙群,@SUM(A1),正常\n3,丙群,新单位,正常\n",
    );
    build(f.root.path(), &f.dir(), &f.out());
    let mut book = workbook(&f.out().join("campaign/2019-09-30"));
    let range = book
        .worksheet_range("附件1 按单位统计的工作群清理情况")
        .unwrap();
    let units: Vec<&Data> = range.rows().skip(1).map(|r| &r[1]).collect();
    assert!(units.contains(&&Data::String("=1+1".into())), "{units:?}");
    assert!(
        units.contains(&&Data::String("@SUM(A1)".into())),
        "{units:?}"
    );
    // 新单位 had no group before: its ratios do not exist and print as —.
    let head = header(&range);
    let ratio = head.iter().position(|h| h == "精简占比").unwrap();
    let new_unit = range
        .rows()
        .find(|r| r[1] == Data::String("新单位".into()))
        .unwrap();
    assert_eq!(new_unit[ratio], Data::String("—".into()));
    // No cell anywhere holds a formula.
    let formulas = book
        .worksheet_formula("附件1 按单位统计的工作群清理情况")
        .unwrap();
    assert!(formulas.cells().all(|(_, _, f)| f.is_empty()));
}

#[test]
fn two_builds_give_the_same_xlsx_bytes() {
    let again = tempfile::tempdir().unwrap();
    build(&repo(), &repo().join("data/lichuan"), again.path());
    assert!(
        std::fs::read(lichuan().join("tables.xlsx")).unwrap()
            == std::fs::read(again.path().join("lichuan/2019-09-30/tables.xlsx")).unwrap()
    );
}
