//! Crash safety of `jianfu build`: killed at any moment, it leaves every earlier report
//! whole (as its manifest.json says, hash by hash), shows no half-written one, and the
//! next build clears what the killed one left.

mod common;
use common::Fixture;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn inputs(f: &Fixture, closed: usize) {
    let rows = |closed: usize| {
        let mut s = String::from("编号,群名称,单位,成员数,状态\n");
        for i in 0..40 {
            let status = if i < closed { "解散" } else { "正常" };
            s += &format!("G{i},第{i}工作群,单位{},{},{status}\n", i % 7, 10 + i);
        }
        s
    };
    f.table("2019-01-01", "groups.csv", rows(0));
    f.table("2019-06-30", "groups.csv", rows(closed));
}

fn build(f: &Fixture, failpoint: Option<&str>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jianfu"));
    cmd.args([
        "build",
        f.dir().to_str().unwrap(),
        "--out",
        f.out().to_str().unwrap(),
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    if let Some(step) = failpoint {
        cmd.env("JIANFU_FAILPOINT", step);
    }
    cmd
}

/// The report is whole: every output its manifest lists, with that hash, and no other file.
/// Returns the manifest's text, to tell versions apart.
fn whole(report: &Path) -> String {
    let text = std::fs::read_to_string(report.join("manifest.json"))
        .unwrap_or_else(|e| panic!("{}: no manifest: {e}", report.display()));
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
    let mut listed = vec!["manifest.json".to_string()];
    for output in manifest["outputs"].as_array().unwrap() {
        let path = output["path"].as_str().unwrap();
        let bytes = std::fs::read(report.join(path))
            .unwrap_or_else(|e| panic!("{path} listed but missing: {e}"));
        assert_eq!(
            jianfu::model::manifest::sha256_hex(&bytes),
            output["sha256"].as_str().unwrap(),
            "{path} differs from its manifest"
        );
        listed.push(path.to_string());
    }
    listed.sort();
    assert_eq!(
        common::files_under(report),
        listed,
        "files beyond the manifest"
    );
    text
}

/// Folders beside the reports that a reader would see (not hidden).
fn visible(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[test]
fn builds_killed_at_random_moments_never_damage_or_half_show_a_report() {
    let f = Fixture::new();
    inputs(&f, 10);
    let started = Instant::now();
    build(&f, None).status().unwrap();
    let full = started.elapsed();
    let report = f.out().join("campaign/2019-06-30");
    let mut versions = vec![whole(&report)];
    let kills: u32 = std::env::var("JIANFU_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let mut interrupted = 0;
    for i in 0..kills {
        // Each run would write a different report, so a mix of two would show.
        inputs(&f, 11 + i as usize);
        let mut child = build(&f, None).spawn().unwrap();
        // Spread the kills over the whole run, the commit at its end included.
        let delay = full.mul_f64(f64::from((i * 37) % 101) / 100.0);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.code().is_none() {
            interrupted += 1;
        }
        let text = whole(&report);
        if !versions.contains(&text) {
            versions.push(text);
        }
        assert_eq!(
            visible(&f.out().join("campaign")),
            ["2019-06-30"],
            "kill {i}"
        );
    }
    assert!(
        interrupted > kills / 2,
        "only {interrupted} runs were killed"
    );
    // The next complete build clears every leftover.
    build(&f, None).status().unwrap();
    whole(&report);
    let left: Vec<_> = std::fs::read_dir(f.out().join("campaign"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, ["2019-06-30"], "leftovers remain");
    eprintln!(
        "{interrupted} of {kills} builds killed; {} versions seen",
        versions.len()
    );
}

#[test]
fn a_build_stopped_before_or_after_the_exchange_leaves_a_whole_report() {
    for (step, replaced) in [("staged", false), ("exchanged", true)] {
        let f = Fixture::new();
        inputs(&f, 3);
        build(&f, None).status().unwrap();
        let report = f.out().join("campaign/2019-06-30");
        let old = whole(&report);
        inputs(&f, 5);
        let status = build(&f, Some(step)).status().unwrap();
        assert!(
            !status.success(),
            "{step}: the failpoint should stop the build"
        );
        let now = whole(&report);
        assert_eq!(now != old, replaced, "{step}");
        assert_eq!(visible(&f.out().join("campaign")), ["2019-06-30"], "{step}");
        build(&f, None).status().unwrap();
        whole(&report);
        assert_eq!(
            std::fs::read_dir(f.out().join("campaign")).unwrap().count(),
            1,
            "{step}: leftovers remain"
        );
    }
}
