//! Publishing to the share: atomic, verified, locked, and safe against a kill at any point.

mod common;
use common::{Fixture, jianfu};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixture campaign with `groups` active groups at the current snapshot, built into
/// its out folder; returns the report folder.
fn built_report(f: &Fixture, groups: usize) -> PathBuf {
    f.table("2019-01-01", "groups.csv", "编号\nG1\nG2\nG3\nG4\n");
    let mut current = String::from("编号,状态\n");
    for g in 1..=4 {
        current += &format!("G{g},{}\n", if g <= groups { "" } else { "解散" });
    }
    f.table("2019-06-30", "groups.csv", current);
    let out = f.out();
    f.build();
    out.join("campaign/2019-06-30")
}

fn publish(
    report: &Path,
    share: &Path,
    extra: &[&str],
    failpoint: Option<&str>,
) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jianfu"));
    cmd.args([
        "--lang",
        "en",
        "publish",
        report.to_str().unwrap(),
        "--to",
        share.to_str().unwrap(),
    ])
    .args(extra);
    if let Some(step) = failpoint {
        cmd.env("JIANFU_FAILPOINT", step);
    }
    cmd.output().unwrap()
}

/// Every file listed in the folder's manifest is there with its recorded hash.
fn whole(dir: &Path) -> bool {
    let Ok(bytes) = std::fs::read(dir.join("manifest.json")) else {
        return false;
    };
    let manifest: Value = serde_json::from_slice(&bytes).unwrap();
    manifest["outputs"].as_array().unwrap().iter().all(|e| {
        std::fs::read(dir.join(e["path"].as_str().unwrap()))
            .is_ok_and(|b| jianfu::model::manifest::sha256_hex(&b) == e["sha256"].as_str().unwrap())
    })
}

fn after_count(dir: &Path) -> u64 {
    let m: Value =
        serde_json::from_slice(&std::fs::read(dir.join("metrics.json")).unwrap()).unwrap();
    m["groups"]["after"].as_u64().unwrap()
}

/// Visible entries of a folder (what a reader browsing the share sees).
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
fn publishes_a_report_and_lists_it_in_the_index() {
    let f = Fixture::new();
    let report = built_report(&f, 3);
    let share = f.root.path().join("share");
    let run = publish(&report, &share, &[], None);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let target = share.join("campaign/2019-06-30");
    assert!(whole(&target));
    assert_eq!(visible(&share), ["campaign", "index.html"]);
    let index = std::fs::read_to_string(share.join("index.html")).unwrap();
    assert!(
        index.contains("campaign&#x2F;2019-06-30&#x2F;index.html")
            || index.contains("campaign/2019-06-30/index.html"),
        "{index}"
    );
    assert!(
        index.contains("测试活动") && index.contains("工作群 4 → 3"),
        "{index}"
    );
    assert!(!index.contains("http://") && !index.contains("https://"));
}

#[test]
fn refuses_to_overwrite_without_replace_and_replaces_with_it() {
    let f = Fixture::new();
    let share = f.root.path().join("share");
    let first = built_report(&f, 3);
    assert!(publish(&first, &share, &[], None).status.success());
    let second = built_report(&f, 1);
    let run = publish(&second, &share, &[], None);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("already published; add --replace"));
    let target = share.join("campaign/2019-06-30");
    assert_eq!(after_count(&target), 3);
    assert!(
        publish(&second, &share, &["--replace"], None)
            .status
            .success()
    );
    assert_eq!(after_count(&target), 1);
    assert!(whole(&target));
    assert_eq!(visible(&share.join("campaign")), ["2019-06-30"]);
}

#[test]
fn a_publish_killed_at_any_step_leaves_a_whole_report_and_recovers() {
    for step in ["locked", "copying", "staged", "exchanged", "placed"] {
        let f = Fixture::new();
        let share = f.root.path().join("share");
        let old = built_report(&f, 3);
        assert!(publish(&old, &share, &[], None).status.success());
        let new = built_report(&f, 1);
        let run = publish(&new, &share, &["--replace"], Some(step));
        assert!(
            !run.status.success(),
            "{step}: the failpoint should stop the process"
        );
        let target = share.join("campaign/2019-06-30");
        assert!(whole(&target), "{step}: the published report is not whole");
        let expected = if matches!(step, "exchanged" | "placed") {
            1
        } else {
            3
        };
        assert_eq!(after_count(&target), expected, "{step}");
        assert_eq!(visible(&share.join("campaign")), ["2019-06-30"], "{step}");
        // The next publish recovers and completes.
        let run = publish(&new, &share, &["--replace"], None);
        assert!(
            run.status.success(),
            "{step}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(after_count(&target), 1);
        let hidden: Vec<_> = std::fs::read_dir(share.join("campaign"))
            .unwrap()
            .flatten()
            .collect();
        assert_eq!(hidden.len(), 1, "{step}: leftovers remain");
    }
}

#[test]
fn a_first_publish_killed_while_copying_shows_nothing_half_written() {
    let f = Fixture::new();
    let share = f.root.path().join("share");
    let report = built_report(&f, 3);
    assert!(
        !publish(&report, &share, &[], Some("copying"))
            .status
            .success()
    );
    assert!(visible(&share.join("campaign")).is_empty());
    assert!(publish(&report, &share, &[], None).status.success());
    assert!(whole(&share.join("campaign/2019-06-30")));
}

#[test]
fn random_kills_never_expose_a_partial_report() {
    let f = Fixture::new();
    let share = f.root.path().join("share");
    let old = built_report(&f, 3);
    assert!(publish(&old, &share, &[], None).status.success());
    let new = built_report(&f, 1);
    let target = share.join("campaign/2019-06-30");
    let mut survived = 0;
    for i in 0..24u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jianfu"))
            .args([
                "publish",
                new.to_str().unwrap(),
                "--to",
                share.to_str().unwrap(),
                "--replace",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros((i * 7919) % 12_000));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        assert!(whole(&target), "kill {i}: partial report visible");
        assert_eq!(visible(&share.join("campaign")), ["2019-06-30"], "kill {i}");
        survived += 1;
    }
    assert_eq!(survived, 24);
}

#[test]
fn a_second_publisher_waits_then_fails_clearly() {
    let f = Fixture::new();
    let share = f.root.path().join("share");
    let report = built_report(&f, 3);
    std::fs::create_dir_all(&share).unwrap();
    let lock = std::fs::File::create(share.join(".jianfu-publish.lock")).unwrap();
    lock.lock().unwrap();
    let run = publish(&report, &share, &["--wait", "1"], None);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("another publish is in progress"));
    drop(lock);
    assert!(
        publish(&report, &share, &["--wait", "1"], None)
            .status
            .success()
    );
}

#[test]
fn a_killed_publisher_leaves_no_stale_lock() {
    let f = Fixture::new();
    let share = f.root.path().join("share");
    let report = built_report(&f, 3);
    assert!(
        !publish(&report, &share, &[], Some("locked"))
            .status
            .success()
    );
    assert!(share.join(".jianfu-publish.lock").exists());
    assert!(
        publish(&report, &share, &["--wait", "0"], None)
            .status
            .success()
    );
}

#[test]
fn names_that_could_escape_the_share_are_refused() {
    let f = Fixture::new();
    let report = built_report(&f, 3);
    let share = f.root.path().join("share");
    let manifest_path = report.join("manifest.json");
    let original = std::fs::read_to_string(&manifest_path).unwrap();
    for (from, to) in [
        ("\"campaign\": \"campaign\"", "\"campaign\": \"../escape\""),
        (
            "\"path\": \"metrics.json\"",
            "\"path\": \"../../metrics.json\"",
        ),
        ("\"current\": \"2019-06-30\"", "\"current\": \"..\""),
    ] {
        assert!(original.contains(from), "{from}");
        std::fs::write(&manifest_path, original.replace(from, to)).unwrap();
        let run = publish(&report, &share, &[], None);
        assert!(!run.status.success(), "{to}");
        assert!(
            String::from_utf8_lossy(&run.stderr).contains("could escape the share"),
            "{to}"
        );
    }
    assert!(!f.root.path().join("escape").exists());
}

#[test]
fn a_damaged_report_is_not_published() {
    let f = Fixture::new();
    let report = built_report(&f, 3);
    std::fs::write(report.join("metrics.json"), "{}").unwrap();
    let share = f.root.path().join("share");
    let run = publish(&report, &share, &[], None);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("does not match the SHA-256"));
    assert!(!share.join("campaign").exists());
}

#[test]
fn chinese_campaign_ids_make_chinese_folders() {
    let f = Fixture::new();
    f.file(
        "campaign.toml",
        "id = \"利川市\"\nname = \"利川市工作群清理\"\n",
    );
    f.table("2019-01-01", "groups.csv", "编号\nG1\n");
    f.table("2019-06-30", "groups.csv", "编号\nG1\n");
    let out = f.out();
    assert!(
        jianfu(
            f.root.path(),
            &[
                "build",
                f.dir().to_str().unwrap(),
                "--out",
                out.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    let share = f.root.path().join("共享目录");
    let run = publish(&out.join("利川市/2019-06-30"), &share, &[], None);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(whole(&share.join("利川市/2019-06-30")));
    let index = std::fs::read_to_string(share.join("index.html")).unwrap();
    assert!(index.contains("%E5%88%A9%E5%B7%9D%E5%B8%82"), "{index}");
}
