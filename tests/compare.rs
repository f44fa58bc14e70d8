//! Comparing campaigns across cities: the README's example on the three samples.

mod common;
use common::{files_under, jianfu, repo};
use serde_json::Value;

#[test]
fn the_three_samples_compared() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("对比");
    let run = jianfu(
        &repo(),
        &[
            "compare",
            "data/lichuan",
            "data/zhuji",
            "data/pingdingshan-gxq",
            "--out",
            target.to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let files = files_under(&target);
    for file in [
        "comparison.json",
        "index.html",
        "report.pdf",
        "tables.xlsx",
        "charts/comparison_ratios.svg",
    ] {
        assert!(
            files.iter().any(|f| f == file),
            "{file} missing from {files:?}"
        );
    }
    let cmp: Value =
        serde_json::from_slice(&std::fs::read(target.join("comparison.json")).unwrap()).unwrap();
    // Zhuji has no groups: it ranks after the campaigns that have them, and shows null.
    assert_eq!(
        cmp["ranking"],
        serde_json::json!(["lichuan", "pingdingshan-gxq", "zhuji"])
    );
    let by_id = |id: &str| {
        cmp["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    assert!(by_id("zhuji")["groups"].is_null());
    assert!(by_id("lichuan")["accounts"].is_null());
    assert_eq!(by_id("lichuan")["groups"]["reduction_ratio"], 0.775);
    assert_eq!(by_id("zhuji")["accounts"]["closed"], 147);
    // Items per 100 staff where units.csv gives staff (利川), null elsewhere.
    let lichuan = by_id("lichuan");
    let staff = lichuan["staff"].as_u64().unwrap();
    assert_eq!(
        lichuan["groups"]["per_100_staff_after"].as_f64().unwrap(),
        450.0 * 100.0 / staff as f64
    );
    assert!(by_id("pingdingshan-gxq")["groups"]["per_100_staff_after"].is_null());

    let html = std::fs::read_to_string(target.join("index.html")).unwrap();
    assert!(html.contains("77.5%") && html.contains("79.0%") && html.contains("46.7%"));
    assert!(html.contains("—"));
    assert!(!html.contains("NaN") && !html.contains("inf"));
    // The missing kind is a dash in the table, never a zero.
    use calamine::{Data, Reader, open_workbook_auto};
    let mut book = open_workbook_auto(target.join("tables.xlsx")).unwrap();
    let name = book.sheet_names()[1].clone();
    let range = book.worksheet_range(&name).unwrap();
    let zhuji_row = range
        .rows()
        .find(|r| r.iter().any(|c| c == &Data::String("浙江省诸暨市".into())))
        .expect("a row for 诸暨");
    assert_eq!(zhuji_row[3], Data::String("—".into()), "{zhuji_row:?}");
}

#[test]
fn a_broken_campaign_stops_the_comparison_with_its_problems() {
    let out = tempfile::tempdir().unwrap();
    let run = jianfu(
        &repo(),
        &[
            "--lang",
            "en",
            "compare",
            "data/lichuan",
            "no-such-campaign",
            "--out",
            out.path().join("x").to_str().unwrap(),
        ],
    );
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("no-such-campaign: not a campaign folder")
    );
    assert!(!out.path().join("x").exists());
}
