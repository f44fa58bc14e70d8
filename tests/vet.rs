//! 建群先报备 (`jianfu vet`): proposed groups checked against hand-built inventories by the
//! real binary — the answer, the exit status (0 no objection, 3 an objection), the JSON,
//! the batch workbook read back, and bad request files.

mod common;
use common::{Fixture, jianfu};
use std::fmt::Write as _;
use std::path::Path;

const DATE: &str = "2019-09-30";

/// G1 (U1, standing) has M01..M10; G2 (U2, stage) M11..M20; G3 and G4 (U3) M21..M25 and
/// M26..M30; G5 (U4) was dissolved and holds M01..M10 too.
fn campaign() -> Fixture {
    let f = Fixture::new();
    f.table(
        DATE,
        "groups.csv",
        "编号,群名称,单位,用途,期限,到期日期,状态
G1,党建工作群,U1,党建工作通知,长期,,
G2,防汛专班群,U2,防汛值守,阶段性,2019-12-31,
G3,业务群,U3,业务交流,长期,,
G4,通知群,U3,通知发布,长期,,
G5,老党建群,U4,党建,长期,,解散
",
    );
    let mut members = String::from("群编号,成员编号,姓名,手机号\n");
    let rows = [
        ("G1", 1..=10),
        ("G2", 11..=20),
        ("G3", 21..=25),
        ("G4", 26..=30),
        ("G5", 1..=10),
    ];
    for (g, range) in rows {
        for m in range {
            writeln!(members, "{g},M{m:02},张{m}明,1380013{m:04}").unwrap();
        }
    }
    f.table(DATE, "members.csv", members);
    f
}

fn members_file(f: &Fixture, ids: impl IntoIterator<Item = u32>) -> String {
    let mut text = String::from("成员编号,姓名\n");
    for m in ids {
        writeln!(text, "M{m:02},王{m}芳").unwrap();
    }
    f.file("proposed.csv", text).to_str().unwrap().to_string()
}

fn vet(f: &Fixture, args: &[&str]) -> (i32, String, String) {
    let dir = f.dir();
    let mut all = vec!["vet", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let run = jianfu(f.root.path(), &all);
    (
        run.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&run.stdout).into_owned(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

#[test]
fn a_group_of_an_existing_groups_members_less_one_is_told_to_join_it() {
    let f = campaign();
    let members = members_file(&f, 1..=9);
    let (code, out, err) = vet(
        &f,
        &[
            "--name",
            "党员学习群",
            "--unit",
            "U9",
            "--members",
            &members,
        ],
    );
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("建议并入党建工作群（G1）"), "{out}");
    // 9 of the 9 proposed members, Jaccard 9/10; the dissolved G5 is not offered.
    assert!(
        out.contains("已有拟入群成员9人（占9/9人的100.0%），成员相似度90.0%"),
        "{out}"
    );
    assert!(!out.contains("G5"), "{out}");
    // No cadre's name or phone number, neither the inventory's nor the request's.
    for secret in ["张", "王", "138"] {
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{secret}: {out}"
        );
    }
}

#[test]
fn the_answer_as_json_names_the_candidate_and_its_share() {
    let f = campaign();
    let members = members_file(&f, (1..=8).chain([40, 41]));
    let (code, out, err) = vet(
        &f,
        &[
            "--name",
            "学习群",
            "--unit",
            "U9",
            "--members",
            &members,
            "--json",
        ],
    );
    assert_eq!(code, 3, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["decision"], "join");
    assert_eq!(json["answer"], "建议并入党建工作群（G1）");
    assert_eq!(json["join"], "G1");
    let c = &json["candidates"][0];
    assert_eq!(c["id"], "G1");
    assert_eq!(c["unit"], "U1");
    assert_eq!(c["shared"], 8);
    assert_eq!(c["proposed"], 10);
    assert_eq!(c["size"], 10);
    assert_eq!(c["containment"], 0.8);
    assert_eq!(json["candidates"].as_array().unwrap().len(), 1);
    let kinds: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["members_overlap", "unknown_members"]);
    // Seven of ten is below both thresholds: no candidate.
    let members = members_file(&f, (1..=7).chain([40, 41, 42]));
    let (code, out, _) = vet(
        &f,
        &["--name", "学习群", "--unit", "U9", "--members", &members],
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_new_unit_with_new_members_meets_no_objection() {
    let f = campaign();
    let members = members_file(&f, 50..=55);
    let (code, out, err) = vet(
        &f,
        &[
            "--name",
            "新单位工作群",
            "--unit",
            "U9",
            "--members",
            &members,
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("无异议"), "{out}");
    let (code, out, _) = vet(
        &f,
        &[
            "--name",
            "new",
            "--unit",
            "U9",
            "--members",
            &members,
            "--lang",
            "en",
        ],
    );
    assert_eq!(code, 0);
    assert!(out.contains("no objection"), "{out}");
}

#[test]
fn a_unit_at_its_limit_may_not_create_another_standing_group() {
    let f = campaign();
    let members = members_file(&f, 50..=55);
    let (code, out, _) = vet(
        &f,
        &["--name", "宣传群", "--unit", "U1", "--members", &members],
    );
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("不予新建"), "{out}");
    assert!(
        out.contains("U1已有在用长期工作群1个，已达每个单位1个的上限"),
        "{out}"
    );
    // A stage group is not counted against the limit; with a limit of 3, U3's two are fine.
    let (code, out, _) = vet(
        &f,
        &[
            "--name",
            "迎检专班",
            "--unit",
            "U1",
            "--term",
            "阶段性",
            "--until",
            "2019-11-30",
        ],
    );
    assert_eq!(code, 0, "{out}");
    f.file(
        "campaign.toml",
        "name = \"测试\"\n[rules]\nmax_groups_per_unit = 3\n",
    );
    let (code, out, _) = vet(&f, &["--name", "宣传群", "--unit", "U3"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_similar_name_in_the_same_unit_and_a_stage_groups_term() {
    let f = campaign();
    f.file(
        "campaign.toml",
        "name = \"测试\"\n[rules]\nmax_groups_per_unit = 5\n",
    );
    let (code, out, _) = vet(
        &f,
        &[
            "--name",
            "业务交流群",
            "--unit",
            "U3",
            "--purpose",
            "业务交流",
        ],
    );
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("建议并入业务群（G3）"), "{out}");
    assert!(
        out.contains("本单位已有名称或用途相近的工作群：业务群（G3）"),
        "{out}"
    );
    // 阶段性 without an end date, and a term past the limit (six months by default).
    let (code, out, _) = vet(
        &f,
        &["--name", "专项群", "--unit", "U9", "--term", "阶段性"],
    );
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("请补正后再报") && out.contains("未填写到期日期"),
        "{out}"
    );
    let (code, out, _) = vet(
        &f,
        &[
            "--name",
            "专项群",
            "--unit",
            "U9",
            "--term",
            "阶段性",
            "--until",
            "2020-06-30",
        ],
    );
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("超出阶段性工作群最长6个月的使用期限"), "{out}");
    let (code, _, _) = vet(
        &f,
        &[
            "--name",
            "专项群",
            "--unit",
            "U9",
            "--term",
            "阶段性",
            "--until",
            "2020-03-30",
        ],
    );
    assert_eq!(code, 0);
}

#[test]
fn an_earlier_snapshot_with_at() {
    let f = campaign();
    f.table("2019-06-30", "groups.csv", "编号,群名称,单位\nH1,旧群,U9\n");
    f.table("2019-06-30", "members.csv", "群编号,成员编号\nH1,M50\n");
    let members = members_file(&f, [50]);
    let args = ["--name", "x", "--unit", "U9", "--members", members.as_str()];
    let (code, out, _) = vet(&f, &args);
    assert_eq!(code, 0, "{out}");
    let mut at = args.to_vec();
    at.extend(["--at", "2019-06-30"]);
    let (code, out, _) = vet(&f, &at);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("不予新建") && out.contains("2019-06-30"),
        "{out}"
    );
}

/// A requests workbook: R1 lists its members in the row, R2 on the 申请成员 sheet.
fn requests_workbook(path: &Path, bad_member_sheet: bool) {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("报备申请").unwrap();
    sheet.write(0, 0, "新建工作群报备申请").unwrap();
    let header = [
        "申请编号",
        "群名称",
        "单位",
        "用途",
        "期限",
        "到期日期",
        "成员编号",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write(1, c as u16, *h).unwrap();
    }
    let m = |r: std::ops::RangeInclusive<u32>| {
        r.map(|i| format!("M{i:02}")).collect::<Vec<_>>().join("、")
    };
    let rows = [
        ["R1", "党员群", "U9", "学习", "长期", "", &m(1..=9)],
        ["R2", "新群", "U8", "创建", "长期", "", ""],
        ["R3", "宣传群", "U1", "宣传", "长期", "", &m(60..=62)],
        ["R4", "专项群", "U7", "迎检", "阶段性", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write(r as u32 + 2, c as u16, *v).unwrap();
            }
        }
    }
    let members = book.add_worksheet().set_name("申请成员").unwrap();
    for (c, h) in ["申请编号", "成员编号", "姓名"].iter().enumerate() {
        members.write(0, c as u16, *h).unwrap();
    }
    let owner = if bad_member_sheet { "R9" } else { "R2" };
    for (r, id) in ["M70", "M71", "M72"].iter().enumerate() {
        members
            .write(r as u32 + 1, 0, if r == 2 { owner } else { "R2" })
            .unwrap();
        members.write(r as u32 + 1, 1, *id).unwrap();
        members.write(r as u32 + 1, 2, "赵小红").unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_batch_of_mixed_requests_gives_one_row_each() {
    use calamine::{Reader, open_workbook_auto};
    let f = campaign();
    let requests = f.root.path().join("报备申请.xlsx");
    requests_workbook(&requests, false);
    let (code, out, err) = vet(&f, &["--requests", requests.to_str().unwrap()]);
    assert_eq!(code, 3, "{out}{err}");
    let result = f.root.path().join("报备比对结果.xlsx");
    assert!(out.contains("4 份报备，3 份有异议"), "{out}");
    let mut book = open_workbook_auto(&result).unwrap();
    assert_eq!(book.sheet_names(), ["报备比对结果"]);
    let range = book.worksheet_range("报备比对结果").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[1],
        [
            "申请编号",
            "群名称",
            "单位",
            "比对结论",
            "建议并入",
            "理由",
            "成员重合的现有工作群",
            "拟入群成员数"
        ]
    );
    let verdicts: Vec<(&str, &str, &str, &str)> = rows[2..]
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str(), r[4].as_str(), r[7].as_str()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("R1", "建议并入党建工作群（G1）", "党建工作群（G1）", "9"),
            ("R2", "无异议", "", "3"),
            ("R3", "不予新建", "", "3"),
            ("R4", "请补正后再报", "", "0"),
        ]
    );
    assert!(
        rows[2][6].starts_with("1. 党建工作群（G1），U1：已有拟入群成员9人"),
        "{}",
        rows[2][6]
    );
    assert!(
        rows[4][5].contains("U1已有在用长期工作群1个"),
        "{}",
        rows[4][5]
    );
    assert!(
        rows[5][5].contains("阶段性工作群未填写到期日期"),
        "{}",
        rows[5][5]
    );
    let text = common::readable_text(&result);
    assert!(!text.contains("赵小红") && !text.contains("张"), "{text}");
    // --out names the workbook; the same inputs give the same bytes.
    let out_file = f.root.path().join("结果.xlsx");
    let (code, _, _) = vet(
        &f,
        &[
            "--requests",
            requests.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 3);
    assert_eq!(
        std::fs::read(&out_file).unwrap(),
        std::fs::read(&result).unwrap()
    );
}

#[test]
fn bad_request_files_are_told_by_row_and_header() {
    let f = campaign();
    let csv = f.file(
        "requests.csv",
        "申请编号,群名称,单位,期限,到期日期\nR1,群一,U9,长期,\nR2,群二,U9,阶段性,2019-13-45\nR3,群三,U9,有时,\n",
    );
    let (code, out, err) = vet(&f, &["--requests", csv.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        err.contains("第 3 行，列「到期日期」，值「2019-13-45」"),
        "{err}"
    );
    assert!(err.contains("第 4 行，列「期限」，值「有时」"), "{err}");
    assert!(!f.root.path().join("报备比对结果.xlsx").exists());
    // A member sheet naming no request.
    let book = f.root.path().join("报备申请.xlsx");
    requests_workbook(&book, true);
    let (code, _, err) = vet(&f, &["--requests", book.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "报备申请.xlsx（申请成员），第 4 行，列「申请编号」，值「R9」：申请编号不存在"
        ),
        "{err}"
    );
    // A members file without 成员编号, and a missing id.
    let members = f.file("m.csv", "姓名,工号\n王芳,\n");
    let (code, _, err) = vet(
        &f,
        &[
            "--name",
            "x",
            "--unit",
            "U9",
            "--members",
            members.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("m.csv，第 2 行，列「工号」"), "{err}");
    let (code, _, err) = vet(
        &f,
        &[
            "--name",
            "x",
            "--unit",
            "U9",
            "--members",
            members.to_str().unwrap(),
            "--lang",
            "en",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("row 2"), "{err}");
    // A campaign that does not exist is an error, not an objection.
    let (code, _, _) = jianfu_in(
        f.root.path(),
        &["vet", "nowhere", "--name", "x", "--unit", "U"],
    );
    assert_eq!(code, 1);
}

fn jianfu_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let run = jianfu(cwd, args);
    (
        run.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&run.stdout).into_owned(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

#[test]
fn init_writes_the_request_form_that_vet_reads() {
    let f = Fixture::new();
    let dir = f.root.path().join("新活动");
    let run = jianfu(
        f.root.path(),
        &["init", dir.to_str().unwrap(), "--date", DATE],
    );
    assert!(run.status.success());
    let form = dir.join("报备申请.xlsx");
    let text = common::readable_text(&form);
    assert!(
        text.contains("申请编号") && text.contains("申请成员"),
        "{text}"
    );
    // Empty, it reads as no request.
    let requests = jianfu::load::requests::read_requests(&form).expect("the form reads");
    assert!(requests.is_empty());
}

/// The members table of `campaign()` with G1's members replaced by M31..M40.
fn g1_changed(f: &Fixture) {
    let path = f.dir().join(format!("snapshots/{DATE}/members.csv"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut changed = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("G1,M") {
            let m: u32 = rest[..2].parse().unwrap();
            writeln!(changed, "G1,M{:02},张{m}明,1380013{m:04}", m + 30).unwrap();
        } else {
            writeln!(changed, "{line}").unwrap();
        }
    }
    std::fs::write(path, changed).unwrap();
}

#[test]
fn the_index_is_kept_between_calls_and_never_used_once_a_table_changed() {
    let f = campaign();
    let members = members_file(&f, 1..=9);
    let args = [
        "--name",
        "党员学习群",
        "--unit",
        "U9",
        "--members",
        &members,
        "--timings",
    ];
    let (code, first, err) = vet(&f, &args);
    assert_eq!(code, 3, "{first}{err}");
    assert!(err.contains("timing load"), "{err}");
    assert!(
        f.dir()
            .join(format!(".jianfu/vet-{DATE}/index.bin"))
            .is_file()
    );
    let (code, again, err) = vet(&f, &args);
    assert_eq!((code, &again), (3, &first));
    assert!(
        err.contains("timing read") && !err.contains("timing load"),
        "{err}"
    );
    // G1 no longer holds the proposed members: the kept index is stale and rebuilt.
    g1_changed(&f);
    let (code, changed, err) = vet(&f, &args);
    assert!(err.contains("timing load"), "{err}");
    assert_eq!(code, 0, "{changed}");
    assert!(!changed.contains("G1"), "{changed}");
}

#[test]
fn a_damaged_or_unwritable_kept_index_is_never_trusted() {
    let f = campaign();
    let members = members_file(&f, 1..=9);
    let args = [
        "--name",
        "党员学习群",
        "--unit",
        "U9",
        "--members",
        &members,
    ];
    let (code, expected, _) = vet(&f, &args);
    assert_eq!(code, 3);
    let kept = f.dir().join(format!(".jianfu/vet-{DATE}/index.bin"));
    let whole = std::fs::read(&kept).unwrap();
    let mut flipped = whole.clone();
    // The last group listed by unit made out of range.
    let last = flipped.len() - 1;
    flipped[last] = 0xff;
    for damaged in [
        whole[..whole.len() / 2].to_vec(),
        b"not an index".to_vec(),
        flipped,
    ] {
        std::fs::write(&kept, &damaged).unwrap();
        let mut timed = args.to_vec();
        timed.push("--timings");
        let (code, out, err) = vet(&f, &timed);
        assert_eq!((code, &out), (3, &expected));
        assert!(err.contains("timing load"), "{err}");
    }
    // A folder that cannot keep the index is answered all the same.
    std::fs::remove_dir_all(f.dir().join(".jianfu")).unwrap();
    std::fs::write(f.dir().join(".jianfu"), "").unwrap();
    let (code, out, err) = vet(&f, &args);
    assert_eq!((code, &out), (3, &expected), "{err}");
}
