//! The three campaigns of the seed article, built from data/ by the real binary: their
//! published figures must come out exactly, and a rebuild must change no byte.

mod common;
use common::{built_samples as built, files_under, jianfu, repo};
use serde_json::Value;

fn metrics(id: &str, date: &str) -> Value {
    let path = built().join(id).join(date).join("metrics.json");
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

#[test]
fn lichuan_2000_groups_to_450_is_77_5_percent() {
    let m = metrics("lichuan", "2019-09-30");
    let g = &m["groups"];
    assert_eq!(
        (g["before"].as_u64(), g["after"].as_u64()),
        (Some(2000), Some(450))
    );
    assert_eq!(g["reduction_ratio"].as_f64(), Some(0.775));
    assert_eq!(m["campaign"]["baseline"], "2019-04-30");
    assert!(m["accounts"].is_null());
    // 14 townships and the city-level units under the null key, last.
    let townships = g["by_township"].as_array().unwrap();
    assert_eq!(townships.len(), 15);
    assert!(townships.last().unwrap()["key"].is_null());
    assert_eq!(
        (g["trimmed"].as_u64(), g["members_removed"].as_u64()),
        (Some(165), Some(366))
    );
    // A township cadre in 38 groups before, 13 at most after (丁和才's situation); the
    // members tables give these exactly (counted apart from jianfu, from 群成员.csv).
    let burden = &m["burden"];
    let stats = |at: &str| {
        (
            burden[at]["max"].as_u64().unwrap(),
            burden[at]["ge10"].as_u64().unwrap(),
        )
    };
    assert_eq!(burden["cadres"].as_u64(), Some(2563), "{burden}");
    assert_eq!(stats("before"), (38, 2253), "{burden}");
    assert_eq!(stats("after"), (13, 4), "{burden}");
}

#[test]
fn zhuji_147_of_186_accounts_stopped() {
    let m = metrics("zhuji", "2019-06-30");
    let a = &m["accounts"];
    assert_eq!(
        (a["before"].as_u64(), a["closed"].as_u64()),
        (Some(186), Some(147))
    );
    assert_eq!(a["closure_rate"].as_f64(), Some(147.0 / 186.0));
    assert!(m["groups"].is_null());
    let platforms: Vec<&str> = a["by_platform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(platforms, ["微信公众号", "微博", "抖音"]);
}

#[test]
fn pingdingshan_137_groups_29_dissolved_37_merged_6_expired_184_removed() {
    let m = metrics("pingdingshan-gxq", "2019-09-30");
    let g = &m["groups"];
    let get = |k: &str| g[k].as_u64().unwrap();
    assert_eq!(
        (
            get("before"),
            get("dissolved"),
            get("merged"),
            get("expired"),
            get("members_removed")
        ),
        (137, 29, 37, 6, 184)
    );
    assert_eq!((get("after"), get("new"), get("trimmed")), (73, 8, 30));
    // The most burdened cadre sits in exactly 24 groups before, 11 after.
    let burden = &m["burden"];
    assert_eq!(burden["before"]["max"].as_u64(), Some(24), "{burden}");
    assert_eq!(burden["after"]["max"].as_u64(), Some(11), "{burden}");
    assert_eq!(burden["before"]["ge10"].as_u64(), Some(118), "{burden}");
}

#[test]
fn each_report_holds_its_outputs_and_a_manifest_that_proves_them() {
    for (id, date) in [
        ("lichuan", "2019-09-30"),
        ("zhuji", "2019-06-30"),
        ("pingdingshan-gxq", "2019-09-30"),
    ] {
        let dir = built().join(id).join(date);
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["tool"]["version"], env!("CARGO_PKG_VERSION"));
        for entry in manifest["outputs"].as_array().unwrap() {
            let bytes = std::fs::read(dir.join(entry["path"].as_str().unwrap())).unwrap();
            assert_eq!(entry["sha256"], jianfu::model::manifest::sha256_hex(&bytes));
        }
        let campaign = repo().join("data").join(id);
        let inputs = manifest["inputs"].as_array().unwrap();
        assert!(inputs.iter().any(|i| i["path"] == "campaign.toml"));
        for entry in inputs {
            let bytes = std::fs::read(campaign.join(entry["path"].as_str().unwrap())).unwrap();
            assert_eq!(entry["sha256"], jianfu::model::manifest::sha256_hex(&bytes));
        }
        // Nothing hidden (staging folders) is left beside the report.
        let leftovers: Vec<String> = files_under(&built().join(id))
            .into_iter()
            .filter(|f| f.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

#[test]
fn a_quiet_build_says_only_what_it_built() {
    // Nothing on stderr: no progress, and no warning a library prints on its own (polars
    // prints deprecations there).
    let out = tempfile::tempdir().unwrap();
    let run = jianfu(
        &repo(),
        &["--quiet", "build", "--out", out.path().to_str().unwrap()],
    );
    assert!(run.status.success());
    assert_eq!(String::from_utf8_lossy(&run.stderr), "");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.contains("2000 → 450"), "{stdout}");
}

#[test]
fn a_rebuild_is_byte_identical() {
    let again = tempfile::tempdir().unwrap();
    let run = jianfu(&repo(), &["build", "--out", again.path().to_str().unwrap()]);
    assert!(run.status.success());
    let first = files_under(built());
    assert_eq!(first, files_under(again.path()));
    assert!(!first.is_empty());
    for file in first {
        assert_eq!(
            std::fs::read(built().join(&file)).unwrap(),
            std::fs::read(again.path().join(&file)).unwrap(),
            "{file} differs between two builds"
        );
    }
}

#[test]
fn at_builds_an_earlier_quarter_into_its_own_folder() {
    let out = tempfile::tempdir().unwrap();
    let campaign = repo().join("data/lichuan");
    let run = jianfu(
        &repo(),
        &[
            "build",
            campaign.to_str().unwrap(),
            "--at",
            "2019-06-30",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let m: Value = serde_json::from_slice(
        &std::fs::read(out.path().join("lichuan/2019-06-30/metrics.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(m["campaign"]["current"], "2019-06-30");
    assert_eq!(m["groups"]["before"], 2000);
    assert_eq!(m["trend"].as_array().unwrap().len(), 2);
}

#[test]
fn the_committed_samples_are_exactly_what_the_generator_writes() {
    let fresh = tempfile::tempdir().unwrap();
    jianfu::fixtures::samples::write_all(fresh.path()).unwrap();
    let committed = repo().join("data");
    let files = files_under(fresh.path());
    assert_eq!(files, files_under(&committed));
    for file in files {
        assert!(
            std::fs::read(fresh.path().join(&file)).unwrap()
                == std::fs::read(committed.join(&file)).unwrap(),
            "data/{file} differs from what `jianfu samples` writes"
        );
    }
}

#[test]
fn a_rerun_with_unchanged_inputs_rewrites_nothing() {
    let out = tempfile::tempdir().unwrap();
    let campaign = repo().join("data/pingdingshan-gxq");
    let args = [
        "--lang",
        "en",
        "build",
        campaign.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    assert!(jianfu(&repo(), &args).status.success());
    let dir = out.path().join("pingdingshan-gxq/2019-09-30");
    let stamp = |f: &str| std::fs::metadata(dir.join(f)).unwrap().modified().unwrap();
    let before: Vec<_> = ["metrics.json", "report.pdf", "manifest.json"]
        .iter()
        .map(|f| stamp(f))
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = jianfu(&repo(), &args);
    assert!(String::from_utf8_lossy(&again.stdout).contains("unchanged, nothing rewritten"));
    let after: Vec<_> = ["metrics.json", "report.pdf", "manifest.json"]
        .iter()
        .map(|f| stamp(f))
        .collect();
    assert_eq!(before, after);
    // A damaged output is noticed and the report rebuilt.
    std::fs::write(dir.join("metrics.json"), "{}").unwrap();
    let repaired = jianfu(&repo(), &args);
    assert!(String::from_utf8_lossy(&repaired.stdout).contains("built"));
    assert_ne!(std::fs::read(dir.join("metrics.json")).unwrap(), b"{}");
}
