//! What the outputs say agrees with the campaign's settings and with itself: the
//! `[report]` precision reaches every place a percentage is printed, and a long table's
//! caption names the rows the documents list.

mod common;
use common::{Fixture, jianfu};
use std::fmt::Write;

/// 40 groups at the baseline, 9 of them kept: 31/40 = 77.5%.
fn forty_groups_nine_kept(f: &Fixture, decimals: u32) {
    f.file(
        "campaign.toml",
        format!(
            "name = \"测试活动\"\nregion = \"测试市\"\nauthority = \"测试市纪委监委\"\n[report]\ndecimals = {decimals}\n"
        ),
    );
    let mut before = String::from("群编号,群名称,单位,状态\n");
    let mut after = before.clone();
    for i in 1..=40 {
        writeln!(before, "G{i:03},工作群{i},单位{i},正常").unwrap();
        let status = if i <= 9 { "正常" } else { "解散" };
        writeln!(after, "G{i:03},工作群{i},单位{i},{status}").unwrap();
    }
    f.table("2019-04-30", "groups.csv", before);
    f.table("2019-09-30", "groups.csv", after);
}

fn ok(run: &std::process::Output) -> String {
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}

fn pdf_text(pdf: &std::path::Path) -> String {
    let run = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) runs");
    String::from_utf8_lossy(&run.stdout).into_owned()
}

#[test]
fn two_decimals_reach_the_report_the_terminal_the_share_and_the_comparison() {
    let f = Fixture::new();
    forty_groups_nine_kept(&f, 2);
    let root = f.root.path();
    let out = f.out();
    let stdout = ok(&jianfu(
        root,
        &[
            "build",
            f.dir().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    assert!(
        stdout.contains("工作群 40 → 9，精简占比 77.50%"),
        "{stdout}"
    );
    let report = out.join("campaign/2019-09-30");
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(html.contains("77.50%"), "index.html");
    assert!(
        pdf_text(&report.join("report.pdf")).contains("77.50%"),
        "report.pdf"
    );

    let share = root.join("share");
    ok(&jianfu(
        root,
        &[
            "publish",
            report.to_str().unwrap(),
            "--to",
            share.to_str().unwrap(),
        ],
    ));
    let index = std::fs::read_to_string(share.join("index.html")).unwrap();
    assert!(index.contains("77.50%"), "the share's index.html: {index}");

    let compared = root.join("compared");
    ok(&jianfu(
        root,
        &[
            "compare",
            f.dir().to_str().unwrap(),
            "--out",
            compared.to_str().unwrap(),
        ],
    ));
    let html = std::fs::read_to_string(compared.join("index.html")).unwrap();
    assert!(html.contains("77.50%"), "the comparison's index.html");

    // The default stays one decimal, everywhere.
    let g = Fixture::new();
    forty_groups_nine_kept(&g, 1);
    let stdout = ok(&jianfu(
        g.root.path(),
        &[
            "build",
            g.dir().to_str().unwrap(),
            "--out",
            g.out().to_str().unwrap(),
        ],
    ));
    assert!(stdout.contains("精简占比 77.5%）"), "{stdout}");
}

#[test]
fn the_rectification_annex_lists_the_rows_its_caption_names() {
    // 60 groups, each in a unit of its own and none with an admin: 60 breaches, listed by
    // unit. The documents show the first 50 and say so.
    let f = Fixture::new();
    let mut groups = String::from("群编号,群名称,单位,管理员,状态\n");
    for i in 1..=60 {
        writeln!(groups, "G{i:03},工作群{i},单位{i:03},,正常").unwrap();
    }
    f.table("2019-09-30", "groups.csv", groups);
    f.build();
    let report = f.out().join("campaign/2019-09-30");
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    let caption = "整改清单（共60项，列出前50项，完整名单见 tables.xlsx）";
    assert!(html.contains(caption), "no caption {caption}");
    let annex = &html[html.rfind(caption).unwrap()..];
    assert!(annex.contains("单位001") && annex.contains("单位050"));
    assert!(
        !annex.contains("单位051"),
        "a row past the first 50 is listed"
    );
    let text = pdf_text(&report.join("report.pdf"));
    let annex = &text[text.rfind("整改清单").expect("report.pdf's annex")..];
    assert!(annex.contains("列出前50项"), "report.pdf's caption");
    assert!(annex.contains("单位050") && !annex.contains("单位051"));
}
