//! `jianfu init`: a new campaign a clerk can fill in and check.

mod common;
use common::jianfu;

#[test]
fn init_scaffolds_a_campaign_that_checks_clean_and_reads_what_clerks_fill_in() {
    let dir = tempfile::tempdir().unwrap();
    let run = jianfu(dir.path(), &["init", "新活动", "--date", "2019-06-30"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let campaign = dir.path().join("新活动");
    for file in [
        "campaign.toml",
        "单位名录.xlsx",
        "snapshots/2019-06-30/工作群台账.xlsx",
        "snapshots/2019-06-30/政务新媒体台账.xlsx",
        "snapshots/2019-06-30/群成员.xlsx",
    ] {
        assert!(campaign.join(file).is_file(), "{file}");
    }
    let run = jianfu(dir.path(), &["--lang", "en", "check", "新活动"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Running init again changes nothing.
    let run = jianfu(dir.path(), &["init", "新活动"]);
    assert!(!run.status.success());
    // The workbook's header row is what jianfu reads: title and note rows are skipped.
    use calamine::{Reader, open_workbook_auto};
    let mut book =
        open_workbook_auto(campaign.join("snapshots/2019-06-30/工作群台账.xlsx")).unwrap();
    let range = book.worksheet_range("工作群台账").unwrap();
    let header: Vec<String> = range
        .rows()
        .nth(2)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[0], "编号");
    assert!(header.contains(&"状态".to_string()));
}
