//! `jianfu synth`: synthetic campaigns of any size in the input contract, for benchmarks
//! and scale tests.
//!
//! Everything about an item is a pure function of the seed and the item's number, so a
//! snapshot is written in one streaming pass (a few rows in memory at a time, whatever the
//! size) and every snapshot agrees with the others about each item's fate. Dispositions
//! follow what the seed article reports: about three groups in four closed between the
//! baseline and the current snapshot (dissolved, merged into a kept group, stage-work
//! expired), a few new ones, members trimmed from some kept groups; about four accounts in
//! five stopped.

use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Clone, Debug)]
pub struct SynthOptions {
    /// Groups in the baseline inventory.
    pub groups: u64,
    /// Accounts in the baseline inventory.
    pub accounts: u64,
    /// Mean members per group (memberships ≈ groups × this).
    pub members_per_group: u64,
    /// Number of snapshots (≥ 1); the first is the baseline.
    pub snapshots: u32,
    pub format: SynthFormat,
    pub seed: u64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            groups: 1000,
            accounts: 200,
            members_per_group: 20,
            snapshots: 2,
            format: SynthFormat::Csv,
            seed: 1,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SynthFormat {
    Csv,
    Parquet,
}

impl SynthFormat {
    fn ext(self) -> &'static str {
        match self {
            SynthFormat::Csv => "csv",
            SynthFormat::Parquet => "parquet",
        }
    }
}

impl std::str::FromStr for SynthFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(SynthFormat::Csv),
            "parquet" => Ok(SynthFormat::Parquet),
            _ => Err(format!("expected csv or parquet, got {s:?}")),
        }
    }
}

/// What was written: the files and the number of rows of each kind over all snapshots.
#[derive(Debug, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub group_rows: u64,
    pub account_rows: u64,
    pub member_rows: u64,
}

// ---------------------------------------------------------------------------------------
// Deterministic randomness: splitmix64 of (seed, stream, item).

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A small generator for one item's attributes.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64, item: u64) -> Rng {
        Rng(mix(mix(seed ^ mix(stream)) ^ item))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const S_GROUP: u64 = 1;
const S_ACCOUNT: u64 = 2;
const S_MEMBERS: u64 = 3;
const S_TRIM: u64 = 4;
const S_NEW_GROUP: u64 = 5;
const S_NEW_ACCOUNT: u64 = 6;
const S_NAME: u64 = 7;

// ---------------------------------------------------------------------------------------
// Names: units, townships, people.

const TOWNSHIP_SYLLABLES: &[&str] = &[
    "凉", "雾", "谋", "道", "柏", "杨", "坝", "南", "坪", "元", "堡", "沙", "溪", "忠", "路", "汪",
    "营", "团", "堡", "文", "斗", "建", "毛", "东", "城", "西", "河", "山", "桥", "湖", "石", "龙",
    "凤", "安", "兴", "福", "丰", "新", "清", "白",
];
const TOWNSHIP_KINDS: &[&str] = &["镇", "乡", "街道"];
const DEPARTMENTS: &[&str] = &[
    "党政办",
    "综治办",
    "财政所",
    "农业服务中心",
    "社会事务办",
    "经济发展办",
    "党建办",
    "应急办",
    "自然资源所",
    "卫生院",
    "中心学校",
    "派出所",
    "司法所",
    "文化站",
    "退役军人服务站",
];
const CITY_DEPARTMENTS: &[&str] = &[
    "市委办",
    "市政府办",
    "市纪委监委",
    "市委组织部",
    "市委宣传部",
    "市发改局",
    "市教育局",
    "市公安局",
    "市民政局",
    "市财政局",
    "市人社局",
    "市自然资源局",
    "市住建局",
    "市交通局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市文旅局",
    "市卫健委",
    "市应急局",
    "市市场监管局",
    "市医保局",
    "市城管局",
    "市信访局",
    "市统计局",
];
const VILLAGE_SYLLABLES: &[&str] = &[
    "红", "星", "光", "明", "和", "平", "胜", "利", "团", "结", "向", "阳", "前", "进", "长", "青",
    "松", "柏", "竹", "梅",
];
const GROUP_PURPOSES: &[&str] = &[
    "党建",
    "防汛",
    "脱贫攻坚",
    "信访维稳",
    "安全生产",
    "疫情防控",
    "人居环境",
    "网格管理",
    "森林防火",
    "项目推进",
    "综合治理",
    "工作交流",
    "通知",
    "值班",
    "宣传",
];
const GROUP_PLATFORMS: &[(&str, f64)] = &[
    ("微信", 0.60),
    ("企业微信", 0.15),
    ("钉钉", 0.15),
    ("QQ", 0.05),
    ("浙政钉", 0.05),
];
const ACCOUNT_PLATFORMS: &[(&str, f64)] = &[
    ("微信公众号", 0.35),
    ("微博", 0.15),
    ("抖音", 0.15),
    ("今日头条", 0.1),
    ("快手", 0.08),
    ("视频号", 0.08),
    ("政务APP", 0.05),
    ("小程序", 0.04),
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "红", "建", "国", "文",
];

fn weighted<'a>(rng: &mut Rng, table: &[(&'a str, f64)]) -> &'a str {
    let mut r = rng.unit();
    for (name, w) in table {
        if r < *w {
            return name;
        }
        r -= w;
    }
    table[table.len() - 1].0
}

/// One unit of the campaign's unit directory.
struct Unit {
    name: String,
    township: Option<String>,
    level: &'static str,
    staff: u64,
}

fn township_name(t: usize) -> String {
    let n = TOWNSHIP_SYLLABLES.len();
    let a = TOWNSHIP_SYLLABLES[t % n];
    let b = TOWNSHIP_SYLLABLES[(t / n + t * 7 + 3) % n];
    let kind = TOWNSHIP_KINDS[(t / 3) % TOWNSHIP_KINDS.len()];
    let round = t / (n * n);
    if round == 0 {
        format!("{a}{b}{kind}")
    } else {
        format!("{a}{b}{}{kind}", round + 1)
    }
}

/// The unit directory: a quarter city-level units, half township offices, a quarter
/// village committees; names unique.
fn units(count: usize, seed: u64) -> Vec<Unit> {
    let townships = (count / 12).max(3);
    let mut seen = std::collections::HashSet::new();
    (0..count)
        .map(|u| {
            let mut rng = Rng::new(seed, 99, u as u64);
            let t = u % townships;
            let (base, township, level) = match u % 4 {
                0 => (
                    CITY_DEPARTMENTS[(u / 4) % CITY_DEPARTMENTS.len()].to_string(),
                    None,
                    "市级",
                ),
                3 => {
                    let v1 = VILLAGE_SYLLABLES[(u / 4) % VILLAGE_SYLLABLES.len()];
                    let v2 = VILLAGE_SYLLABLES
                        [(u / 4 / VILLAGE_SYLLABLES.len() + 5) % VILLAGE_SYLLABLES.len()];
                    let town = township_name(t);
                    (format!("{town}{v1}{v2}村委会"), Some(town), "村社区")
                }
                _ => {
                    let town = township_name(t);
                    let dept = DEPARTMENTS[(u / townships) % DEPARTMENTS.len()];
                    (format!("{town}{dept}"), Some(town), "乡镇街道")
                }
            };
            let mut name = base.clone();
            let mut k = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}{k}");
                k += 1;
            }
            Unit {
                name,
                township,
                level,
                staff: 5 + rng.below(60),
            }
        })
        .collect()
}

fn person_name(seed: u64, id: u64) -> String {
    let mut rng = Rng::new(seed, S_NAME, id);
    let mut name = rng.pick(SURNAMES).to_string();
    name.push_str(rng.pick(GIVEN));
    if rng.unit() < 0.7 {
        name.push_str(rng.pick(GIVEN));
    }
    name
}

// ---------------------------------------------------------------------------------------
// Each item's fate.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// Already inactive at the baseline; stays listed as such.
    Gone,
    Retained,
    Dissolved,
    /// Dissolved and dropped from the later inventories altogether.
    Dropped,
    Merged,
    Expired,
}

/// The campaign's shape, shared by every snapshot.
struct Plan {
    seed: u64,
    groups: u64,
    accounts: u64,
    new_groups: u64,
    new_accounts: u64,
    members_per_group: u64,
    units: Vec<Unit>,
    /// Cadres per unit: the pool a unit's groups draw members from.
    cadres_per_unit: u64,
    dates: Vec<NaiveDate>,
}

/// Snapshot dates: 2019-04-30, then quarter ends from 2019-09-30.
fn snapshot_dates(n: u32) -> Vec<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(2019, 4, 30).expect("valid date");
    let first = NaiveDate::from_ymd_opt(2019, 10, 1).expect("valid date");
    (0..n)
        .map(|k| {
            if k == 0 {
                base
            } else {
                first
                    .checked_add_months(Months::new(3 * (k - 1)))
                    .and_then(|d| d.pred_opt())
                    .expect("valid date")
            }
        })
        .collect()
}

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() as i32
}

fn date_of(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date") + chrono::Days::new(days as u64)
}

/// One group as listed in one snapshot.
struct GroupRow {
    id: String,
    name: String,
    platform: &'static str,
    unit: usize,
    /// Township and level written on the row (else left to the unit directory).
    on_row: bool,
    owner: String,
    admin: Option<String>,
    members: Vec<u64>,
    purpose: &'static str,
    created: i32,
    last_active: i32,
    stage: bool,
    expires: Option<i32>,
    filed: bool,
    status: &'static str,
    merged_into: Option<String>,
    messages: u64,
}

impl Plan {
    fn new(options: &SynthOptions) -> Plan {
        let groups = options.groups;
        let unit_count = ((groups + options.accounts) / 40).clamp(8, 200_000) as usize;
        let m = options.members_per_group.max(1);
        // About six groups per cadre at the baseline.
        let memberships = groups * m;
        let cadres_per_unit = (memberships / 6 / unit_count as u64).max(2 * m + 1);
        Plan {
            seed: options.seed,
            groups,
            accounts: options.accounts,
            new_groups: groups / 20,
            new_accounts: options.accounts / 30,
            members_per_group: m,
            units: units(unit_count, options.seed),
            cadres_per_unit,
            dates: snapshot_dates(options.snapshots.max(1)),
        }
    }

    fn progress(&self, snapshot: usize) -> f64 {
        if self.dates.len() <= 1 {
            0.0
        } else {
            snapshot as f64 / (self.dates.len() - 1) as f64
        }
    }

    fn last_day(&self) -> i32 {
        days(*self.dates.last().expect("at least one snapshot"))
    }

    fn group_fate(&self, i: u64) -> (Fate, f64) {
        let mut rng = Rng::new(self.seed, S_GROUP, i);
        let r = rng.unit();
        let when = rng.unit().max(1e-9);
        let fate = if r < 0.01 {
            Fate::Gone
        } else if r < 0.26 {
            Fate::Retained
        } else if r < 0.55 {
            Fate::Dissolved
        } else if r < 0.60 {
            Fate::Dropped
        } else if r < 0.85 {
            Fate::Merged
        } else {
            Fate::Expired
        };
        (fate, when)
    }

    fn unit_of_group(&self, i: u64) -> usize {
        // Every 50th group is a near-copy of the one before: same unit, same members.
        let i = if i % 50 == 1 { i - 1 } else { i };
        (mix(self.seed ^ mix(i ^ 0xA5A5)) % self.units.len() as u64) as usize
    }

    /// A retained group to merge group `i` into (any retained group if none in the unit).
    fn merge_target(&self, i: u64) -> u64 {
        let mut j = mix(self.seed ^ i) % self.groups;
        loop {
            if self.group_fate(j).0 == Fate::Retained {
                return j;
            }
            j = (j + 1) % self.groups;
        }
    }

    /// The baseline members of group `i`: distinct cadres of its unit.
    fn base_members(&self, i: u64) -> Vec<u64> {
        if i % 50 == 1 {
            let mut m = self.base_members(i - 1);
            m.pop();
            return m;
        }
        let mut rng = Rng::new(self.seed, S_MEMBERS, i);
        let m = self.members_per_group;
        let size = (m / 2 + rng.below(m + 1)).max(1);
        self.draw(&mut rng, self.unit_of_group(i), size)
    }

    fn draw(&self, rng: &mut Rng, unit: usize, size: u64) -> Vec<u64> {
        let k = self.cadres_per_unit;
        let size = size.min(k);
        let start = rng.below(k);
        let mut stride = 1 + rng.below(k - 1);
        while gcd(stride, k) != 1 {
            stride = stride % (k - 1) + 1;
        }
        let base = unit as u64 * k;
        (0..size).map(|j| base + (start + j * stride) % k).collect()
    }

    fn group(&self, i: u64, snapshot: usize) -> Option<GroupRow> {
        let progress = self.progress(snapshot);
        let (fate, when) = self.group_fate(i);
        let closed_now = fate != Fate::Retained && fate != Fate::Gone && when <= progress;
        if closed_now && fate == Fate::Dropped {
            return None;
        }
        let mut rng = Rng::new(self.seed, S_GROUP ^ 0xFF, i);
        let unit = self.unit_of_group(i);
        let base = days(self.dates[0]);
        let last = self.last_day();
        let stage = fate == Fate::Expired || rng.unit() < 0.1;
        let expires = stage.then(|| {
            if fate == Fate::Expired {
                // Ended between the baseline and the current snapshot.
                base + 1 + rng.below((last - base).max(1) as u64) as i32
            } else {
                last + 30 + rng.below(365) as i32
            }
        });
        let mut members = self.base_members(i);
        if fate == Fate::Retained && when < 0.3 && progress > 0.0 && members.len() > 1 {
            // Trimmed: a few members removed.
            let mut t = Rng::new(self.seed, S_TRIM, i);
            let drop = (1 + t.below(3)).min(members.len() as u64 - 1);
            members.truncate(members.len() - drop as usize);
        }
        let purpose = rng.pick(GROUP_PURPOSES);
        let status = match fate {
            Fate::Gone => "已解散",
            _ if !closed_now => "正常",
            Fate::Merged => "已合并",
            Fate::Expired => {
                if rng.unit() < 0.5 {
                    "解散"
                } else {
                    "撤销"
                }
            }
            _ => "解散",
        };
        let merged_into =
            (closed_now && fate == Fate::Merged).then(|| group_id(self.merge_target(i)));
        if status != "正常" {
            members.clear();
        }
        let created = base - 30 - rng.below(1500) as i32;
        Some(GroupRow {
            id: group_id(i),
            name: format!("{}{}工作群{}", self.units[unit].name, purpose, i % 7 + 1),
            platform: weighted(&mut rng, GROUP_PLATFORMS),
            unit,
            on_row: rng.unit() < 0.9,
            owner: person_name(self.seed, members.first().copied().unwrap_or(i)),
            admin: (rng.unit() < 0.95).then(|| person_name(self.seed, i ^ 0x5A5A)),
            members,
            purpose,
            created,
            last_active: days(self.dates[snapshot]) - rng.below(200) as i32,
            stage,
            expires,
            filed: rng.unit() < 0.7,
            status,
            merged_into,
            messages: rng.below(500),
        })
    }

    /// New group `n` (numbered after the baseline's), if it exists at `snapshot`.
    fn new_group(&self, n: u64, snapshot: usize) -> Option<GroupRow> {
        let mut rng = Rng::new(self.seed, S_NEW_GROUP, n);
        let when = rng.unit().max(1e-9);
        if when > self.progress(snapshot) {
            return None;
        }
        let i = self.groups + n;
        let unit = (rng.next() % self.units.len() as u64) as usize;
        let m = self.members_per_group;
        let size = (m / 2 + rng.below(m + 1)).max(1);
        let mut mrng = Rng::new(self.seed, S_MEMBERS, i);
        let members = self.draw(&mut mrng, unit, size);
        let base = days(self.dates[0]);
        let purpose = rng.pick(GROUP_PURPOSES);
        Some(GroupRow {
            id: group_id(i),
            name: format!("{}{}专项群", self.units[unit].name, purpose),
            platform: weighted(&mut rng, GROUP_PLATFORMS),
            unit,
            on_row: true,
            owner: person_name(self.seed, members[0]),
            admin: Some(person_name(self.seed, i ^ 0x5A5A)),
            members,
            purpose,
            created: base + 1 + rng.below((self.last_day() - base).max(1) as u64) as i32,
            last_active: days(self.dates[snapshot]) - rng.below(30) as i32,
            stage: false,
            expires: None,
            filed: rng.unit() < 0.9,
            status: "正常",
            merged_into: None,
            messages: rng.below(500),
        })
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn group_id(i: u64) -> String {
    format!("Q{i:08}")
}

fn account_id(i: u64) -> String {
    format!("Z{i:07}")
}

fn cadre_id(c: u64) -> String {
    format!("R{c:09}")
}

// ---------------------------------------------------------------------------------------
// Writing: one sink per table, CSV or Parquet, streaming.

#[derive(Clone, Copy)]
enum Ty {
    Str,
    Int,
    Date,
}

enum V<'a> {
    S(&'a str),
    I(i64),
    D(i32),
    N,
}

enum Buf {
    Str(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Date(Vec<Option<i32>>),
}

// A handful of sinks live at once (one per table file), so their size does not matter.
#[allow(clippy::large_enum_variant)]
enum Sink {
    Csv(csv::Writer<BufWriter<File>>),
    Parquet {
        names: Vec<&'static str>,
        bufs: Vec<Buf>,
        writer: polars::io::parquet::write::BatchedWriter<File>,
        rows: usize,
    },
}

const BATCH: usize = 128 * 1024;

fn io(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl Sink {
    fn create(path: &Path, columns: &[(&'static str, Ty)]) -> std::io::Result<Sink> {
        let file = File::create(path)?;
        if path.extension().is_some_and(|e| e == "csv") {
            let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
            w.write_record(columns.iter().map(|(n, _)| *n))
                .map_err(io)?;
            return Ok(Sink::Csv(w));
        }
        let schema = Schema::from_iter(columns.iter().map(|(n, t)| {
            let dtype = match t {
                Ty::Str => DataType::String,
                Ty::Int => DataType::Int64,
                Ty::Date => DataType::Date,
            };
            Field::new((*n).into(), dtype)
        }));
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Snappy)
            .batched(&schema)
            .map_err(io)?;
        Ok(Sink::Parquet {
            names: columns.iter().map(|(n, _)| *n).collect(),
            bufs: columns
                .iter()
                .map(|(_, t)| match t {
                    Ty::Str => Buf::Str(Vec::with_capacity(BATCH)),
                    Ty::Int => Buf::Int(Vec::with_capacity(BATCH)),
                    Ty::Date => Buf::Date(Vec::with_capacity(BATCH)),
                })
                .collect(),
            writer,
            rows: 0,
        })
    }

    fn row(&mut self, values: &[V]) -> std::io::Result<()> {
        match self {
            Sink::Csv(w) => {
                let mut itoa = String::new();
                for v in values {
                    match v {
                        V::S(s) => w.write_field(s),
                        V::I(n) => {
                            itoa.clear();
                            use std::fmt::Write as _;
                            let _ = write!(itoa, "{n}");
                            w.write_field(&itoa)
                        }
                        V::D(d) => {
                            let d = date_of(*d);
                            itoa.clear();
                            use std::fmt::Write as _;
                            let _ = write!(itoa, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
                            w.write_field(&itoa)
                        }
                        V::N => w.write_field(""),
                    }
                    .map_err(io)?;
                }
                w.write_record(None::<&[u8]>).map_err(io)
            }
            Sink::Parquet { bufs, rows, .. } => {
                for (v, b) in values.iter().zip(bufs.iter_mut()) {
                    match (b, v) {
                        (Buf::Str(b), V::S(s)) => b.push(Some((*s).to_string())),
                        (Buf::Str(b), _) => b.push(None),
                        (Buf::Int(b), V::I(n)) => b.push(Some(*n)),
                        (Buf::Int(b), _) => b.push(None),
                        (Buf::Date(b), V::D(d)) => b.push(Some(*d)),
                        (Buf::Date(b), _) => b.push(None),
                    }
                }
                *rows += 1;
                if *rows >= BATCH {
                    self.flush()?;
                }
                Ok(())
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let Sink::Parquet {
            names,
            bufs,
            writer,
            rows,
        } = self
        else {
            return Ok(());
        };
        if *rows == 0 {
            return Ok(());
        }
        let columns: Vec<Column> = names
            .iter()
            .zip(bufs.iter_mut())
            .map(|(n, b)| {
                let name = PlSmallStr::from(*n);
                match b {
                    Buf::Str(v) => Column::new(name, std::mem::take(v)),
                    Buf::Int(v) => Column::new(name, std::mem::take(v)),
                    Buf::Date(v) => Column::new(name, std::mem::take(v))
                        .cast(&DataType::Date)
                        .expect("Int32 casts to Date"),
                }
            })
            .collect();
        let df = DataFrame::new(*rows, columns).map_err(io)?;
        writer.write_batch(&df).map_err(io)?;
        *rows = 0;
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.flush()?;
        match self {
            Sink::Csv(mut w) => w.flush(),
            Sink::Parquet { writer, .. } => writer.finish().map(|_| ()).map_err(io),
        }
    }
}

const GROUP_COLUMNS: &[(&str, Ty)] = &[
    ("编号", Ty::Str),
    ("群名称", Ty::Str),
    ("平台", Ty::Str),
    ("单位", Ty::Str),
    ("乡镇街道", Ty::Str),
    ("层级", Ty::Str),
    ("群主", Ty::Str),
    ("管理员", Ty::Str),
    ("成员数", Ty::Int),
    ("用途", Ty::Str),
    ("建群日期", Ty::Date),
    ("最后活跃日期", Ty::Date),
    ("期限", Ty::Str),
    ("到期日期", Ty::Date),
    ("是否报备", Ty::Str),
    ("状态", Ty::Str),
    ("合并至", Ty::Str),
    ("近30日消息数", Ty::Int),
];

const MEMBER_COLUMNS: &[(&str, Ty)] = &[
    ("群编号", Ty::Str),
    ("成员编号", Ty::Str),
    ("姓名", Ty::Str),
];

const ACCOUNT_COLUMNS: &[(&str, Ty)] = &[
    ("编号", Ty::Str),
    ("账号名称", Ty::Str),
    ("平台", Ty::Str),
    ("单位", Ty::Str),
    ("乡镇街道", Ty::Str),
    ("层级", Ty::Str),
    ("运维人员", Ty::Str),
    ("粉丝数", Ty::Int),
    ("最后更新日期", Ty::Date),
    ("近30日发文数", Ty::Int),
    ("创建日期", Ty::Date),
    ("是否报备", Ty::Str),
    ("状态", Ty::Str),
    ("合并至", Ty::Str),
];

fn yes_no(b: bool) -> V<'static> {
    V::S(if b { "是" } else { "否" })
}

fn opt(s: &Option<String>) -> V<'_> {
    s.as_deref().map_or(V::N, V::S)
}

impl Plan {
    fn write_group(
        &self,
        row: &GroupRow,
        groups: &mut Sink,
        members: &mut Sink,
        written: &mut Written,
    ) -> std::io::Result<()> {
        let unit = &self.units[row.unit];
        let township = if row.on_row {
            unit.township.as_deref().map_or(V::N, V::S)
        } else {
            V::N
        };
        let level = if row.on_row { V::S(unit.level) } else { V::N };
        let count = row.members.len() as i64;
        groups.row(&[
            V::S(&row.id),
            V::S(&row.name),
            V::S(row.platform),
            V::S(&unit.name),
            township,
            level,
            V::S(&row.owner),
            opt(&row.admin),
            V::I(count),
            V::S(row.purpose),
            V::D(row.created),
            V::D(row.last_active),
            V::S(if row.stage { "阶段性" } else { "长期" }),
            row.expires.map_or(V::N, V::D),
            yes_no(row.filed),
            V::S(row.status),
            opt(&row.merged_into),
            V::I(row.messages as i64),
        ])?;
        written.group_rows += 1;
        for &c in &row.members {
            let id = cadre_id(c);
            let name = person_name(self.seed, c);
            members.row(&[V::S(&row.id), V::S(&id), V::S(&name)])?;
            written.member_rows += 1;
        }
        Ok(())
    }

    fn account_fate(&self, i: u64) -> (Fate, f64) {
        let mut rng = Rng::new(self.seed, S_ACCOUNT, i);
        let r = rng.unit();
        let when = rng.unit().max(1e-9);
        let fate = if r < 0.01 {
            Fate::Gone
        } else if r < 0.22 {
            Fate::Retained
        } else if r < 0.85 {
            Fate::Dissolved
        } else {
            Fate::Merged
        };
        (fate, when)
    }

    /// The generator of account `i`'s attributes; its first draw is the account's unit.
    fn account_rng(&self, i: u64) -> Rng {
        Rng::new(self.seed, S_ACCOUNT ^ 0xFF, i)
    }

    fn account_unit(&self, i: u64) -> &Unit {
        &self.units[(self.account_rng(i).next() % self.units.len() as u64) as usize]
    }

    fn write_account(
        &self,
        i: u64,
        snapshot: usize,
        sink: &mut Sink,
        written: &mut Written,
    ) -> std::io::Result<()> {
        let progress = self.progress(snapshot);
        let new = i >= self.accounts;
        let (fate, when) = if new {
            let mut rng = Rng::new(self.seed, S_NEW_ACCOUNT, i);
            let when = rng.unit().max(1e-9);
            if when > progress {
                return Ok(());
            }
            (Fate::Retained, when)
        } else {
            self.account_fate(i)
        };
        let closed_now = fate != Fate::Retained && fate != Fate::Gone && when <= progress;
        let mut rng = self.account_rng(i);
        let unit = &self.units[(rng.next() % self.units.len() as u64) as usize];
        let platform = weighted(&mut rng, ACCOUNT_PLATFORMS);
        let status = match fate {
            Fate::Gone => "已注销",
            _ if !closed_now => "正常运营",
            Fate::Merged => "迁移",
            _ => ["停更", "关停", "注销"][rng.below(3) as usize],
        };
        let merged_into = (closed_now && fate == Fate::Merged).then(|| {
            let mut j = mix(self.seed ^ i ^ 0x77) % self.accounts;
            while self.account_fate(j).0 != Fate::Retained {
                j = (j + 1) % self.accounts;
            }
            account_id(j)
        });
        let id = account_id(i);
        let name = format!(
            "{}{}",
            unit.name,
            ["发布", "在线", "之声", "服务", ""][(i % 5) as usize]
        );
        let followers = (10f64.powf(1.5 + rng.unit() * 4.0)) as i64;
        let now = days(self.dates[snapshot]);
        let last_post = now - rng.below(if closed_now { 200 } else { 40 }) as i32;
        let operator = person_name(self.seed, i ^ 0xACC0);
        let created = days(self.dates[0]) - 30 - rng.below(2000) as i32;
        sink.row(&[
            V::S(&id),
            V::S(&name),
            V::S(platform),
            V::S(&unit.name),
            unit.township.as_deref().map_or(V::N, V::S),
            V::S(unit.level),
            V::S(&operator),
            V::I(followers),
            V::D(last_post),
            V::I(rng.below(60) as i64),
            V::D(created),
            yes_no(rng.unit() < 0.8),
            V::S(status),
            opt(&merged_into),
        ])?;
        written.account_rows += 1;
        Ok(())
    }
}

/// The figures a campaign written by [`synth`] must give between its baseline and its last
/// snapshot, counted from what the generator decided for each item (its fate, its unit,
/// the members it drops), not from the files: what a build of it must find.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Truth {
    pub groups: crate::report::Figures,
    pub accounts: crate::report::Figures,
    /// The groups' figures per unit (the unit's name).
    pub groups_by_unit: std::collections::BTreeMap<String, crate::report::Figures>,
    /// The accounts' figures per unit.
    pub accounts_by_unit: std::collections::BTreeMap<String, crate::report::Figures>,
}

/// What [`synth`] with `options` generates; see [`Truth`].
pub fn truth(options: &SynthOptions) -> Truth {
    use crate::report::Figures;
    let plan = Plan::new(options);
    let last = plan.dates.len() - 1;
    let changed = last > 0;
    let mut truth = Truth::default();
    let count = |totals: &mut Figures,
                 by_unit: &mut std::collections::BTreeMap<String, Figures>,
                 unit: &str,
                 tally: &dyn Fn(&mut Figures)| {
        tally(totals);
        tally(by_unit.entry(unit.to_string()).or_default());
    };
    for i in 0..plan.groups {
        let (fate, _) = plan.group_fate(i);
        if fate == Fate::Gone {
            continue;
        }
        let unit = &plan.units[plan.unit_of_group(i)].name;
        let removed = if fate == Fate::Retained && changed {
            let now = plan.group(i, last).map_or(0, |g| g.members.len());
            (plan.base_members(i).len() - now) as u64
        } else {
            0
        };
        let fate = if changed { fate } else { Fate::Retained };
        count(&mut truth.groups, &mut truth.groups_by_unit, unit, &|f| {
            f.before += 1;
            match fate {
                Fate::Retained => {
                    f.retained += 1;
                    f.after += 1;
                    f.trimmed += u64::from(removed > 0);
                    f.members_removed += removed;
                }
                Fate::Merged => f.merged += 1,
                Fate::Expired => f.expired += 1,
                _ => f.dissolved += 1,
            }
        });
    }
    for n in 0..plan.new_groups {
        if let Some(row) = plan.new_group(n, last) {
            let unit = &plan.units[row.unit].name;
            count(&mut truth.groups, &mut truth.groups_by_unit, unit, &|f| {
                f.new += 1;
                f.after += 1;
            });
        }
    }
    for i in 0..plan.accounts + plan.new_accounts {
        let new = i >= plan.accounts;
        let fate = if new {
            Fate::Retained
        } else {
            plan.account_fate(i).0
        };
        if fate == Fate::Gone {
            continue;
        }
        let fate = if changed { fate } else { Fate::Retained };
        if new {
            // A new account exists once its moment has come: always, by the last snapshot.
            let when = Rng::new(plan.seed, S_NEW_ACCOUNT, i).unit().max(1e-9);
            if when > plan.progress(last) {
                continue;
            }
        }
        let unit = &plan.account_unit(i).name;
        count(
            &mut truth.accounts,
            &mut truth.accounts_by_unit,
            unit,
            &|f| {
                if new {
                    f.new += 1;
                    f.after += 1;
                    return;
                }
                f.before += 1;
                match fate {
                    Fate::Retained => {
                        f.retained += 1;
                        f.after += 1;
                    }
                    Fate::Merged => f.merged += 1,
                    _ => f.dissolved += 1,
                }
            },
        );
    }
    let derive = |f: &mut Figures| *f = std::mem::take(f).derive();
    derive(&mut truth.groups);
    derive(&mut truth.accounts);
    truth.groups_by_unit.values_mut().for_each(derive);
    truth.accounts_by_unit.values_mut().for_each(derive);
    truth
}

/// Writes a synthetic campaign into `dir` (created if needed). Calls `progress` with the
/// fraction done, for a progress bar.
pub fn synth(
    dir: &Path,
    options: &SynthOptions,
    progress: &mut dyn FnMut(f64),
) -> std::io::Result<Written> {
    let plan = Plan::new(options);
    std::fs::create_dir_all(dir)?;
    let mut written = Written::default();
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "synth".into());
    let toml = format!(
        "# Synthetic campaign written by `jianfu synth` (seed {seed}, {g} groups, {a} accounts,\n\
         # {m} members per group on average).\n\
         name = \"合成省微信工作群和政务新媒体清理整治（{id}）\"\n\
         region = \"合成省\"\n\
         authority = \"合成省纪委监委\"\n",
        seed = options.seed,
        g = options.groups,
        a = options.accounts,
        m = options.members_per_group,
    );
    let path = dir.join("campaign.toml");
    std::fs::write(&path, toml)?;
    written.files.push(path);

    let path = dir.join("units.csv");
    let mut w = csv::Writer::from_path(&path).map_err(io)?;
    w.write_record(["单位", "乡镇街道", "层级", "在编人数"])
        .map_err(io)?;
    for u in &plan.units {
        w.write_record([
            u.name.as_str(),
            u.township.as_deref().unwrap_or(""),
            u.level,
            &u.staff.to_string(),
        ])
        .map_err(io)?;
    }
    w.flush()?;
    written.files.push(path);

    let ext = options.format.ext();
    let total_work =
        (plan.dates.len() as u64 * (plan.groups + plan.new_groups + plan.accounts)).max(1) as f64;
    let mut done = 0u64;
    for (k, date) in plan.dates.iter().enumerate() {
        let snap = dir.join("snapshots").join(date.to_string());
        std::fs::create_dir_all(&snap)?;
        let paths = [
            snap.join(format!("groups.{ext}")),
            snap.join(format!("members.{ext}")),
            snap.join(format!("accounts.{ext}")),
        ];
        let mut groups = Sink::create(&paths[0], GROUP_COLUMNS)?;
        let mut members = Sink::create(&paths[1], MEMBER_COLUMNS)?;
        for i in 0..plan.groups {
            if let Some(row) = plan.group(i, k) {
                plan.write_group(&row, &mut groups, &mut members, &mut written)?;
            }
            done += 1;
            if done.is_multiple_of(65_536) {
                progress(done as f64 / total_work);
            }
        }
        for n in 0..plan.new_groups {
            if let Some(row) = plan.new_group(n, k) {
                plan.write_group(&row, &mut groups, &mut members, &mut written)?;
            }
            done += 1;
        }
        groups.finish()?;
        members.finish()?;
        let mut accounts = Sink::create(&paths[2], ACCOUNT_COLUMNS)?;
        for i in 0..plan.accounts + plan.new_accounts {
            plan.write_account(i, k, &mut accounts, &mut written)?;
            done += 1;
        }
        accounts.finish()?;
        progress(done as f64 / total_work);
        written.files.extend(paths);
    }
    let mut readme = File::create(dir.join("README.txt"))?;
    writeln!(
        readme,
        "jianfu synth --groups {} --accounts {} --members-per-group {} --snapshots {} --format {} --seed {}",
        options.groups,
        options.accounts,
        options.members_per_group,
        options.snapshots,
        ext,
        options.seed
    )?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_distinct_within_a_group() {
        let plan = Plan::new(&SynthOptions::default());
        for i in 0..500 {
            let mut m = plan.base_members(i);
            let n = m.len();
            m.sort_unstable();
            m.dedup();
            assert_eq!(m.len(), n);
        }
    }

    #[test]
    fn merge_targets_are_retained() {
        let plan = Plan::new(&SynthOptions::default());
        for i in 0..200 {
            assert_eq!(plan.group_fate(plan.merge_target(i)).0, Fate::Retained);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_rows() {
        let plan = Plan::new(&SynthOptions::default());
        let a = plan.group(17, 1).map(|g| (g.id, g.status, g.members));
        let b = plan.group(17, 1).map(|g| (g.id, g.status, g.members));
        assert_eq!(a, b);
    }
}
