//! The hot stages of a build (load, analyse, render) on a synthetic campaign of moderate
//! size: `cargo bench --bench stages`.

use criterion::{Criterion, criterion_group, criterion_main};
use jianfu::analyse::analyse;
use jianfu::fixtures::synth::{SynthFormat, SynthOptions, synth};
use jianfu::load::{Scope, load_campaign};
use jianfu::present::charts::charts as chart_specs;
use jianfu::present::view::view;
use jianfu::render::{charts, html, xlsx};
use std::hint::black_box;

fn campaign(format: SynthFormat) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let options = SynthOptions {
        groups: 20_000,
        accounts: 4_000,
        members_per_group: 20,
        snapshots: 2,
        format,
        seed: 7,
    };
    synth(dir.path(), &options, &mut |_| {}).expect("synthetic campaign");
    dir
}

fn stages(c: &mut Criterion) {
    let csv = campaign(SynthFormat::Csv);
    let parquet = campaign(SynthFormat::Parquet);
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);
    group.bench_function("load_csv", |b| {
        b.iter(|| black_box(load_campaign(csv.path(), Scope::Latest).expect("loads")))
    });
    group.bench_function("load_parquet", |b| {
        b.iter(|| black_box(load_campaign(parquet.path(), Scope::Latest).expect("loads")))
    });
    let inventory = load_campaign(csv.path(), Scope::Latest).expect("loads");
    group.bench_function("analyse", |b| {
        b.iter(|| black_box(analyse(&inventory).expect("analyses")))
    });
    let report = analyse(&inventory).expect("analyses");
    group.bench_function("render_html_xlsx_charts", |b| {
        b.iter(|| {
            let v = view(&report);
            let charts = charts::draw(&chart_specs(&report, &v));
            let page = html::render_html(&v, &charts, None).expect("html");
            let book = xlsx::render_xlsx(&v).expect("xlsx");
            black_box((page.bytes.len(), book.bytes.len()))
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
