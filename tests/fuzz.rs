//! Property tests over the loaders and the analysis.
//!
//! - random but valid inventories, written as CSV, XLSX and Parquet, give the same
//!   figures, and the figures an independent count of the generated items gives;
//! - the invariants hold: after = before − closed + new, closed = dissolved + merged +
//!   expired, closure_rate in [0, 1], reduction_ratio ≤ 1 or null, every breakdown sums
//!   to the totals;
//! - random bytes, damaged workbooks and random cell strings fed to the readers never
//!   panic: they load or give problems.
//!
//! `cargo fuzz` needs a nightly toolchain, which this project's machines cannot fetch;
//! instead `JIANFU_FUZZ_CASES=100000 cargo test --test fuzz` runs a long campaign
//! (the default is small enough for CI).

mod common;
use common::Fixture;
use jianfu::model::{DimensionRow, Figures, KindFigures};
use proptest::prelude::*;

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("JIANFU_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const UNITS: [&str; 5] = [
    "市委办",
    "城关镇, 党委",
    "\"引号\"单位",
    "=1+1",
    "<b>卫健局</b>",
];
const PLATFORMS: [&str; 3] = ["微信", "钉钉", "ＱＱ"];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Status {
    Active,
    Dissolved,
    Merged,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Active => "正常",
            Status::Dissolved => "解散",
            Status::Merged => "合并",
        }
    }
}

/// One group as it stands in both snapshots (None: absent from that snapshot).
#[derive(Clone, Debug)]
struct Item {
    unit: usize,
    platform: usize,
    members: (u32, u32),
    /// Stage-work, ending before (true) or after (false) the current snapshot.
    stage: Option<bool>,
    before: Option<Status>,
    after: Option<Status>,
}

fn status() -> impl Strategy<Value = Option<Status>> {
    prop_oneof![
        4 => Just(Some(Status::Active)),
        1 => Just(Some(Status::Dissolved)),
        1 => Just(Some(Status::Merged)),
        1 => Just(None),
    ]
}

fn item() -> impl Strategy<Value = Item> {
    (
        0..UNITS.len(),
        0..PLATFORMS.len(),
        (0u32..500, 0u32..500),
        prop::option::of(any::<bool>()),
        status(),
        status(),
    )
        .prop_filter("present somewhere", |t| t.4.is_some() || t.5.is_some())
        .prop_map(|(unit, platform, members, stage, before, after)| Item {
            unit,
            platform,
            members,
            stage,
            before,
            after,
        })
}

const HEADER: [&str; 8] = [
    "编号",
    "群名称",
    "单位",
    "平台",
    "成员数",
    "期限",
    "到期日期",
    "状态",
];

/// The rows of one snapshot: (cells, members as a number).
fn rows(items: &[Item], current: bool) -> Vec<([String; 8], u32)> {
    items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| {
            let status = if current { it.after } else { it.before }?;
            let members = if current { it.members.1 } else { it.members.0 };
            let (term, expires) = match it.stage {
                Some(true) => ("阶段性", "2019-03-31"),
                Some(false) => ("阶段性", "2019-12-31"),
                None => ("长期", ""),
            };
            Some((
                [
                    format!("G{i:03}"),
                    format!("第{i}个群"),
                    UNITS[it.unit].to_string(),
                    PLATFORMS[it.platform].to_string(),
                    members.to_string(),
                    term.to_string(),
                    expires.to_string(),
                    status.word().to_string(),
                ],
                members,
            ))
        })
        .collect()
}

fn csv(rows: &[([String; 8], u32)]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).unwrap();
    for (cells, _) in rows {
        w.write_record(cells).unwrap();
    }
    w.into_inner().unwrap()
}

fn xlsx(rows: &[([String; 8], u32)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "测试工作群台账").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (r, (cells, members)) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, cell) in cells.iter().enumerate() {
            if c == 4 {
                sheet.write_number(r, 4, f64::from(*members)).unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(r, c as u16, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn parquet(rows: &[([String; 8], u32)]) -> Vec<u8> {
    use polars::prelude::*;
    let mut columns: Vec<Column> = HEADER
        .iter()
        .enumerate()
        .filter(|(c, _)| *c != 4)
        .map(|(c, h)| {
            let values: Vec<Option<&str>> = rows
                .iter()
                .map(|(cells, _)| Some(cells[c].as_str()).filter(|s| !s.is_empty()))
                .collect();
            Column::new((*h).into(), values)
        })
        .collect();
    let members: Vec<i64> = rows.iter().map(|(_, m)| i64::from(*m)).collect();
    columns.insert(4, Column::new(HEADER[4].into(), members));
    let mut df = DataFrame::new(rows.len(), columns).unwrap();
    let mut out = Vec::new();
    ParquetWriter::new(&mut out).finish(&mut df).unwrap();
    out
}

/// The figures counted straight from the generated items, by the contract's definitions.
fn expected(items: &[Item]) -> Figures {
    let active = |s: Option<Status>| s == Some(Status::Active);
    let mut f = Figures::default();
    for it in items {
        if active(it.after) {
            f.after += 1;
        }
        if !active(it.before) {
            if active(it.after) {
                f.new += 1;
            }
            continue;
        }
        f.before += 1;
        match it.after {
            Some(Status::Active) => {
                f.retained += 1;
                if it.members.1 < it.members.0 {
                    f.trimmed += 1;
                    f.members_removed += u64::from(it.members.0 - it.members.1);
                }
            }
            Some(Status::Merged) => f.merged += 1,
            _ if it.stage == Some(true) => f.expired += 1,
            _ => f.dissolved += 1,
        }
    }
    f.derive()
}

fn check_invariants(f: &Figures, what: &str) {
    assert_eq!(
        f.after + f.closed,
        f.before + f.new,
        "{what}: after = before − closed + new"
    );
    assert_eq!(
        f.closed,
        f.dissolved + f.merged + f.expired,
        "{what}: closed"
    );
    assert_eq!(
        f.retained + f.closed,
        f.before,
        "{what}: every item before has one fate"
    );
    match f.closure_rate {
        Some(r) => assert!((0.0..=1.0).contains(&r), "{what}: closure_rate {r}"),
        None => assert_eq!(f.before, 0, "{what}: closure_rate null"),
    }
    match f.reduction_ratio {
        Some(r) => assert!(r <= 1.0 && r.is_finite(), "{what}: reduction_ratio {r}"),
        None => assert_eq!(f.before, 0, "{what}: reduction_ratio null"),
    }
}

fn sum(rows: &[DimensionRow]) -> Figures {
    let mut s = Figures::default();
    for r in rows {
        let f = &r.figures;
        s.before += f.before;
        s.after += f.after;
        s.retained += f.retained;
        s.trimmed += f.trimmed;
        s.merged += f.merged;
        s.dissolved += f.dissolved;
        s.expired += f.expired;
        s.new += f.new;
        s.members_removed += f.members_removed;
    }
    s.derive()
}

fn check_kind(k: &KindFigures) {
    check_invariants(&k.totals, "totals");
    for (name, rows) in [
        ("by_unit", &k.by_unit),
        ("by_township", &k.by_township),
        ("by_level", &k.by_level),
        ("by_platform", &k.by_platform),
    ] {
        for r in rows.iter() {
            check_invariants(&r.figures, &format!("{name} {:?}", r.key));
        }
        assert_eq!(sum(rows), k.totals, "{name} does not sum to the totals");
    }
}

proptest! {
    #![proptest_config(cases(24))]

    #[test]
    fn csv_xlsx_and_parquet_give_the_same_figures(items in prop::collection::vec(item(), 0..30)) {
        let (b, c) = (rows(&items, false), rows(&items, true));
        prop_assume!(!b.is_empty() && !c.is_empty());
        let mut reports = Vec::new();
        for (ext, write) in [
            ("csv", csv as fn(&[([String; 8], u32)]) -> Vec<u8>),
            ("xlsx", xlsx),
            ("parquet", parquet),
        ] {
            let f = Fixture::new();
            f.table("2019-01-01", &format!("groups.{ext}"), write(&b));
            f.table("2019-06-30", &format!("groups.{ext}"), write(&c));
            let report = f.report();
            let groups = report.groups.clone().expect("groups");
            check_kind(&groups);
            prop_assert_eq!(&groups.totals, &expected(&items), "{}", ext);
            reports.push((ext, groups, report.trend));
        }
        for (ext, groups, trend) in &reports[1..] {
            prop_assert_eq!(groups, &reports[0].1, "{} differs from csv", ext);
            prop_assert_eq!(trend, &reports[0].2, "{} trend differs from csv", ext);
        }
    }

    #[test]
    fn random_bytes_never_panic_the_readers(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        ext in prop::sample::select(vec!["csv", "xlsx", "xls", "parquet"]),
    ) {
        read_any(&bytes, ext);
    }

    #[test]
    fn damaged_workbooks_never_panic_the_reader(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut book = workbook();
        for (at, byte) in flips {
            let i = at.index(book.len());
            book[i] ^= byte | 1;
        }
        if let Some(cut) = cut {
            book.truncate(cut.index(book.len()));
        }
        read_any(&book, "xlsx");
    }

    #[test]
    fn random_cell_strings_load_or_give_problems(
        cells in prop::collection::vec(prop::collection::vec(cell(), 1..6), 1..12),
        as_xlsx in any::<bool>(),
    ) {
        let header = ["编号", "群名称", "成员数", "建群日期", "状态"];
        let f = Fixture::new();
        f.table("2019-01-01", "groups.csv", "编号\nG1\n");
        if as_xlsx {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            for (c, h) in header.iter().enumerate() {
                sheet.write_string(0, c as u16, *h).unwrap();
            }
            for (r, row) in cells.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    // rust_xlsxwriter refuses strings past Excel's limit; that is not ours.
                    let _ = sheet.write_string(r as u32 + 1, c as u16, v);
                }
            }
            f.table("2019-06-30", "groups.xlsx", book.save_to_buffer().unwrap());
        } else {
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            w.write_record(header).unwrap();
            for row in &cells {
                w.write_record(row).unwrap();
            }
            f.table("2019-06-30", "groups.csv", w.into_inner().unwrap());
        }
        // Either way: no panic, and every problem names the file.
        for p in f.problems() {
            prop_assert!(p.contains("groups."), "{}", p);
        }
    }
}

/// Cell text a clerk, a broken export or an attacker might write.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,12}",
        "[0-9０-９,，.]{0,8}",
        "(19|20)[0-9]{2}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?",
        "(正常|解散|合并|已撤销|停更|待定|)",
        "[\\x00-\\x1f\"',\\n\\r]{0,4}",
        Just("=HYPERLINK(\"http://x\")".to_string()),
        Just("G1".to_string()),
    ]
}

fn workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..20u32 {
        sheet.write_string(r, 0, format!("G{r}")).unwrap();
        sheet.write_number(r, 4, f64::from(r)).unwrap();
        sheet.write_string(r, 7, "正常").unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// Reads `bytes` as a table file of extension `ext` and types it: it must return (with a
/// grid or a problem), never panic.
fn read_any(bytes: &[u8], ext: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("groups.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    let limit = jianfu::config::DEFAULT_MAX_TABLE_BYTES;
    if jianfu::load::limits::check_table_file(&path, limit).is_err() {
        return;
    }
    if let Ok(grid) = jianfu::load::grid::read_grid(&path, None, &["groups"]) {
        let mut problems = jianfu::load::problem::Problems::default();
        let _ = jianfu::load::table::type_table(
            jianfu::load::schema::TableKind::Groups,
            "groups",
            grid,
            &[],
            &jianfu::load::ids::Coder::default(),
            &mut problems,
        );
    }
}
