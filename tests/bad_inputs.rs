//! Every kind of bad input gives a message naming the file, row, header as written,
//! value and what was expected — and the real binary exits non-zero writing nothing.

mod common;
use common::{Fixture, files_under, jianfu};

const GOOD: &str = "编号,群名称,成员数,状态\nG1,党建群,10,\nG2,通知群,5,\n";

fn with_current(current: &str) -> Fixture {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", GOOD);
    f.table("2019-06-30", "groups.csv", current);
    f
}

fn assert_problem(f: &Fixture, expected: &[&str]) {
    let problems = f.problems();
    assert!(
        problems
            .iter()
            .any(|p| expected.iter().all(|e| p.contains(e))),
        "no problem contains all of {expected:?}; got {problems:#?}"
    );
}

#[test]
fn an_unreadable_count() {
    let f = with_current("编号,群名称,成员数,状态\nG1,党建群,十个,\n");
    assert_problem(
        &f,
        &[
            "2019-06-30/groups.csv, row 2, column '成员数', value '十个'",
            "expected a whole number ≥ 0",
        ],
    );
}

#[test]
fn an_unreadable_date_in_a_workbook_names_the_spreadsheet_row() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", GOOD);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "测试台账").unwrap();
    for (c, h) in ["编号", "建群日期"].iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    sheet.write_string(3, 0, "G1").unwrap();
    sheet.write_string(3, 1, "2019-02-30").unwrap();
    f.table("2019-06-30", "groups.xlsx", book.save_to_buffer().unwrap());
    assert_problem(
        &f,
        &[
            "groups.xlsx, row 4, column '建群日期', value '2019-02-30'",
            "expected a date",
        ],
    );
}

#[test]
fn an_unknown_status_word_lists_the_accepted_ones() {
    let f = with_current("编号,状态\nG1,待定\n");
    assert_problem(
        &f,
        &[
            "row 2, column '状态', value '待定'",
            "not a known status word",
            "解散",
            "合并",
        ],
    );
}

#[test]
fn a_duplicate_id_names_both_rows() {
    let f = with_current("编号,状态\nG1,\nG2,\nG1,\n");
    assert_problem(
        &f,
        &["row 4, column '编号', value 'G1'", "duplicate id: row 2"],
    );
}

#[test]
fn an_empty_id() {
    let f = with_current("编号,群名称\nG1,a\n,b\n");
    assert_problem(&f, &["row 3, column '编号'", "must not be empty"]);
}

#[test]
fn a_merge_target_that_does_not_exist() {
    let f = with_current("编号,状态,合并至\nG1,,\nG2,合并,G9\n");
    assert_problem(
        &f,
        &[
            "row 3, column '合并至', value 'G9'",
            "merge target not found",
        ],
    );
}

#[test]
fn a_missing_id_column() {
    let f = with_current("群名称,状态\n党建群,\n");
    assert_problem(&f, &["groups.csv: missing the required column id", "编号"]);
}

#[test]
fn a_file_without_a_header_row() {
    let f = with_current("");
    assert_problem(&f, &["2019-06-30/groups.csv: no header row found"]);
}

#[test]
fn a_snapshot_folder_that_is_not_a_date() {
    let f = with_current(GOOD);
    f.table("2019-13-01", "groups.csv", GOOD);
    assert_problem(
        &f,
        &["snapshots/2019-13-01: snapshot folder name is not a real date"],
    );
}

#[test]
fn a_broken_campaign_toml_names_its_line() {
    let f = with_current(GOOD);
    f.file("campaign.toml", "name = \"测试\"\nregion = \n");
    assert_problem(&f, &["campaign.toml: invalid setting on line 2"]);
    f.file("campaign.toml", "name = \"测试\"\n\nregoin = \"x\"\n");
    assert_problem(&f, &["campaign.toml: invalid setting on line 3", "regoin"]);
}

#[test]
fn a_file_that_is_not_what_its_extension_says() {
    let f = with_current(GOOD);
    f.table(
        "2019-06-30",
        "groups.csv",
        b"PK\x03\x04 not really a workbook",
    );
    assert_problem(&f, &["groups.csv: the content is not CSV (xlsx/zip)"]);
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", GOOD);
    f.table("2019-06-30", "groups.xlsx", "编号\nG1\n");
    assert_problem(&f, &["groups.xlsx: the content is not Excel"]);
}

#[test]
fn a_table_missing_from_the_current_snapshot() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", GOOD);
    f.table("2019-01-01", "accounts.csv", "编号\nA1\n");
    f.table("2019-06-30", "groups.csv", GOOD);
    assert_problem(
        &f,
        &["snapshots/2019-06-30: the 政务新媒体台账 table is missing"],
    );
}

#[test]
fn two_files_for_one_table() {
    let f = with_current(GOOD);
    f.table("2019-06-30", "工作群台账.csv", GOOD);
    assert_problem(&f, &["names the same table as"]);
}

#[test]
fn problems_are_capped_per_file_and_the_rest_counted() {
    let mut csv = String::from("编号,成员数\n");
    for i in 0..25 {
        csv += &format!("G{i},x\n");
    }
    let f = with_current(&csv);
    let problems = f.problems();
    assert_eq!(problems.len(), 21, "{problems:#?}");
    assert!(
        problems[20].ends_with("and 5 more problems not listed"),
        "{}",
        problems[20]
    );
}

#[test]
fn every_problem_of_every_file_is_listed_at_once() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", "编号,成员数\nG1,x\n");
    f.table("2019-06-30", "groups.csv", "编号,状态\nG1,待定\n");
    assert_eq!(f.problems().len(), 2, "{:#?}", f.problems());
}

#[test]
fn the_binary_reports_in_chinese_by_default_and_writes_nothing() {
    let f = with_current("编号,群名称,成员数,状态\nG1,党建群,十个,\n");
    let campaign = f.dir();
    let out = f.out();
    let run = jianfu(
        f.root.path(),
        &[
            "build",
            campaign.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("groups.csv，第 2 行，列「成员数」，值「十个」：应为不小于 0 的整数"),
        "{stderr}"
    );
    assert!(files_under(&out).is_empty(), "{:?}", files_under(&out));

    let run = jianfu(
        f.root.path(),
        &["--lang", "en", "check", campaign.to_str().unwrap()],
    );
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("row 2, column '成员数', value '十个'"),
        "{stderr}"
    );
}

#[test]
fn a_folder_that_is_not_a_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let run = jianfu(dir.path(), &["--lang", "en", "check", "nowhere"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("nowhere: not a campaign folder"));
}
