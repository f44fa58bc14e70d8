//! Hostile values that are not errors: very long names and names shaped like paths must
//! neither break the outputs nor lead a file outside the report folder.

mod common;
use common::{Fixture, files_under, jianfu, readable_text};

#[test]
fn a_unit_name_of_two_thousand_characters_is_shortened_in_charts_and_kept_in_tables() {
    long_unit_name(2000);
}

/// Near a spreadsheet cell's limit (32,767): shortening the chart label measured every
/// prefix of the name, and this build took more than five minutes.
#[test]
fn a_unit_name_near_the_cell_limit_builds_in_seconds() {
    long_unit_name(32_000);
}

fn long_unit_name(chars: usize) {
    let long = format!("超长单位名称{}", "很".repeat(chars - 6));
    assert_eq!(long.chars().count(), chars);
    let f = Fixture::new();
    let table = |closed: bool| {
        let mut s = String::from("编号,群名称,单位,状态\n");
        for i in 0..6 {
            let unit = if i < 3 { long.as_str() } else { "市委办" };
            let status = if closed && i % 2 == 0 {
                "解散"
            } else {
                "正常"
            };
            s += &format!("G{i},第{i}个群,{unit},{status}\n");
        }
        s
    };
    f.table("2019-01-01", "groups.csv", table(false));
    f.table("2019-06-30", "groups.csv", table(true));
    let started = std::time::Instant::now();
    f.build();
    assert!(
        started.elapsed().as_secs() < 60,
        "too slow: {:?}",
        started.elapsed()
    );
    let dir = f.out().join("campaign/2019-06-30");
    let svg = std::fs::read_to_string(dir.join("charts/groups_reduction_by_unit.svg")).unwrap();
    // The drawn label is shortened with "…"; the full name survives only in the tooltip.
    assert!(svg.contains("超长单位名称很"), "label missing");
    assert!(svg.contains('…'), "label not shortened");
    let drawn: Vec<String> = svg
        .split("<text")
        .skip(1)
        .map(|t| t.split("</text>").next().unwrap_or(""))
        // The tooltip inside the label holds the full name, by design.
        .map(|t| match (t.find("<title>"), t.find("</title>")) {
            (Some(a), Some(b)) => format!("{}{}", &t[..a], &t[b..]),
            _ => t.to_string(),
        })
        .filter(|t| t.contains("超长单位名称"))
        .collect();
    assert!(!drawn.is_empty());
    for t in drawn {
        assert!(
            t.chars().count() < 400,
            "a drawn label is {} chars",
            t.chars().count()
        );
    }
    // Tables keep the whole name; the PDF compiled.
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains(&long));
    let pdf = std::fs::read(dir.join("report.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn names_shaped_like_paths_stay_names() {
    let f = Fixture::new();
    f.file(
        "campaign.toml",
        "name = \"../../活动\"\nregion = \"/etc/passwd\"\nauthority = \"..\\\\..\\\\纪委\"\n",
    );
    let table = "编号,群名称,单位,平台,状态\n\
                 ../G1,/etc/群,../../evil,../平台,正常\n\
                 G2,..,/,C:\\\\Windows,正常\n";
    f.table("2019-01-01", "groups.csv", table);
    f.table("2019-06-30", "groups.csv", table);
    f.build();
    // Everything lands in out/<folder name>/<date>/, under the fixed output names.
    let files = files_under(&f.out());
    assert!(
        files.iter().all(|p| p.starts_with("campaign/2019-06-30/")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .all(|p| !p.contains("evil") && !p.contains("..")),
        "{files:?}"
    );
    let root: Vec<_> = std::fs::read_dir(f.root.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut root = root;
    root.sort();
    assert_eq!(root, ["campaign", "out"]);
}

#[test]
fn control_characters_in_campaign_toml_are_refused() {
    let f = Fixture::new();
    f.file(
        "campaign.toml",
        "name = \"测试\\u0007活动\"\nregion = \"测试市\\u001b[31m\"\nauthority = \"纪委\"\n",
    );
    f.table("2019-01-01", "groups.csv", "编号\nG1\n");
    f.table("2019-06-30", "groups.csv", "编号\nG1\n");
    let run = jianfu(
        f.root.path(),
        &["--lang", "en", "check", f.dir().to_str().unwrap()],
    );
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("campaign.toml"), "{stderr}");
    assert!(stderr.contains("control characters"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "an escape reached the terminal: {stderr:?}"
    );
}

/// SECURITY.md: names, phone and ID-card numbers of members never appear in any output.
#[test]
fn members_personal_data_reaches_no_output() {
    let f = Fixture::new();
    let groups = "编号,群名称,单位,状态\nG1,党建群,市委办,正常\nG2,通知群,市委办,正常\n";
    f.table("2019-01-01", "groups.csv", groups);
    f.table(
        "2019-06-30",
        "groups.csv",
        groups.replace("G2,通知群,市委办,正常", "G2,通知群,市委办,解散"),
    );
    let members = "群编号,成员编号,姓名,单位,手机号\n\
                   G1,M0001,张秘密,市委办,13812345678\n\
                   G2,M0001,张秘密,市委办,13812345678\n\
                   G2,M0002,李隐私,市委办,420500199001011234\n";
    f.table("2019-01-01", "members.csv", members);
    f.table("2019-06-30", "members.csv", members);
    f.build();
    let dir = f.out().join("campaign/2019-06-30");
    for file in files_under(&dir) {
        // What a reader sees: the PDF's text through pdftotext (its streams are
        // compressed), the workbook's cells, other files as they are.
        let text = readable_text(&dir.join(&file));
        if file.ends_with(".pdf") {
            assert!(
                text.contains("市委办"),
                "no text read from {file}: {text:?}"
            );
        }
        for secret in [
            "张秘密",
            "李隐私",
            "13812345678",
            "420500199001011234",
            "M0001",
            "M0002",
        ] {
            assert!(!text.contains(secret), "{file} holds {secret}");
        }
    }
}
