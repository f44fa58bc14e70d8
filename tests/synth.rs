//! `jianfu synth` writes campaigns in the input contract that build, deterministically,
//! to the figures the generator decided.

use jianfu::config::BuildOptions;
use jianfu::fixtures::synth::{SynthFormat, SynthOptions, synth, truth};
use jianfu::model::Figures;
use jianfu::progress::Show;
use jianfu::workflow::build::build;
use std::collections::BTreeMap;

fn options(format: SynthFormat) -> SynthOptions {
    SynthOptions {
        groups: 400,
        accounts: 90,
        members_per_group: 8,
        snapshots: 2,
        format,
        seed: 11,
    }
}

/// Every output of `campaign`, built quietly into `out`.
fn built(campaign: &std::path::Path, out: &std::path::Path) -> jianfu::workflow::build::Built {
    build(
        campaign,
        &BuildOptions {
            out: out.to_path_buf(),
            show: Show::Quiet,
            ..BuildOptions::default()
        },
    )
    .unwrap()
}

/// The figures of a build are what the generator decided, item by item ([`truth`]): not
/// only sums that hold by construction.
#[test]
fn a_small_synthetic_campaign_builds_to_the_figures_the_generator_decided() {
    for format in [SynthFormat::Csv, SynthFormat::Parquet] {
        let tmp = tempfile::tempdir().unwrap();
        let campaign = tmp.path().join("synth");
        let written = synth(&campaign, &options(format), &mut |_| {}).unwrap();
        assert!(written.member_rows > 400 * 4, "{written:?}");
        let built = built(&campaign, &tmp.path().join("out"));
        assert!(built.dir.join("metrics.json").is_file());
        assert!(built.dir.join("index.html").is_file());
        assert!(built.dir.join("tables.xlsx").is_file());
        let report = &built.report;
        let truth = truth(&options(format));
        for (kind, figures, expected, by_unit) in [
            (
                "groups",
                &report.groups,
                &truth.groups,
                &truth.groups_by_unit,
            ),
            (
                "accounts",
                &report.accounts,
                &truth.accounts,
                &truth.accounts_by_unit,
            ),
        ] {
            let figures = figures.as_ref().unwrap();
            assert_eq!(&figures.totals, expected, "{kind} ({format:?})");
            let found: BTreeMap<&str, &Figures> = figures
                .by_unit
                .iter()
                .map(|r| (r.key.as_deref().expect("every item has a unit"), &r.figures))
                .collect();
            let expected: BTreeMap<&str, &Figures> =
                by_unit.iter().map(|(k, v)| (k.as_str(), v)).collect();
            assert_eq!(found, expected, "{kind} by unit ({format:?})");
        }
        // The generator's shape: every disposition occurs, so each is tested.
        let groups = &truth.groups;
        assert!(groups.closed * 10 > groups.before * 6, "{groups:?}");
        assert!(groups.merged > 0 && groups.expired > 0 && groups.dissolved > 0);
        assert!(groups.new > 0 && groups.trimmed > 0, "{groups:?}");
        assert!(truth.accounts.new > 0 && truth.accounts.merged > 0);
        let burden = report.burden.as_ref().unwrap();
        assert!(burden.before.mean > burden.after.mean);
    }
}

#[test]
fn the_same_seed_writes_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let wa = synth(&a, &options(SynthFormat::Csv), &mut |_| {}).unwrap();
    synth(&b, &options(SynthFormat::Csv), &mut |_| {}).unwrap();
    // campaign.toml names the campaign after its folder; every table must match.
    for file in wa.files.iter().filter(|f| !f.ends_with("campaign.toml")) {
        let rel = file.strip_prefix(&a).unwrap();
        assert_eq!(
            std::fs::read(file).unwrap(),
            std::fs::read(b.join(rel)).unwrap(),
            "{}",
            rel.display()
        );
    }
}

#[test]
fn a_province_s_findings_stay_in_one_sheet_instead_of_a_sheet_per_unit() {
    use calamine::Reader;
    use jianfu::present::workbook::MAX_UNIT_SHEETS;
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("province");
    let province = SynthOptions {
        groups: 24_000,
        accounts: 4_000,
        members_per_group: 3,
        ..options(SynthFormat::Csv)
    };
    synth(&campaign, &province, &mut |_| {}).unwrap();
    let built = built(&campaign, &tmp.path().join("out"));
    let units: std::collections::BTreeSet<_> = built
        .report
        .rules
        .breaches
        .iter()
        .filter_map(|b| b.unit.as_deref())
        .collect();
    assert!(units.len() > MAX_UNIT_SHEETS, "{} units", units.len());
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(built.dir.join("tables.xlsx")).unwrap();
    let names = book.sheet_names();
    assert!(names.iter().any(|n| n.ends_with("整改清单")), "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("整改清单：")),
        "{names:?}"
    );
    let summary = book.worksheet_range("总体情况").unwrap();
    let note = format!("{}个单位有整改事项", units.len());
    assert!(
        summary
            .cells()
            .any(|(_, _, c)| c.to_string().starts_with(&note)),
        "no note {note:?} on the summary sheet"
    );
}
