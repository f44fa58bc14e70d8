//! 浙江省诸暨市 (2019): government new-media accounts cut from 186 to 39.
//!
//! The ledger is a "CSV" saved by Excel on Chinese Windows: GBK, CRLF, no
//! BOM, with the untidy cells such files really carry — fan counts with
//! thousands separators or full-width digits and dates spelt four ways.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};

use super::{
    Closure, Life, Rng, Snapshot, person_name, reset_campaign, snapshot_dir, write_csv_gbk, ymd,
};

pub(crate) const FOLDER: &str = "zhuji";
const SEED: u64 = 0x5A48_554A_4920_1906;

// The article's figures, baseline → current.
const MERGED: usize = 27;
const CLOSED: usize = 147;
/// Accounts already closed by 2019-05-31 (186 − 36 = 150 active then).
const CLOSED_BY_MID: usize = 36;

fn dates() -> [NaiveDate; 3] {
    [ymd(2019, 3, 31), ymd(2019, 5, 31), ymd(2019, 6, 30)]
}

const TOWNSHIPS: [&str; 23] = [
    "暨阳街道",
    "浣东街道",
    "陶朱街道",
    "暨南街道",
    "大唐街道",
    "店口镇",
    "枫桥镇",
    "璜山镇",
    "街亭镇",
    "牌头镇",
    "次坞镇",
    "山下湖镇",
    "同山镇",
    "应店街镇",
    "赵家镇",
    "东和乡",
    "马剑镇",
    "五泄镇",
    "岭北镇",
    "草塔镇",
    "安华镇",
    "东白湖镇",
    "王家井镇",
];

/// City units with the account each keeps and the stem its other accounts use.
const CITY_UNITS: [(&str, &str, &str); 16] = [
    ("市委宣传部", "诸暨发布", "诸暨宣传"),
    ("市农业农村局", "诸暨农业农村", "诸暨农业"),
    ("市教育体育局", "诸暨教体", "诸暨教育"),
    ("市卫生健康局", "健康诸暨", "诸暨卫健"),
    ("市公安局", "平安诸暨", "诸暨公安"),
    ("市市场监督管理局", "诸暨市场监管", "诸暨市监"),
    ("市文化广电旅游局", "诸暨文旅", "诸暨文化"),
    ("市人力资源和社会保障局", "诸暨人社", "诸暨就业"),
    ("市司法局", "诸暨司法", "诸暨普法"),
    ("市交通运输局", "诸暨交通", "诸暨运管"),
    ("市住房和城乡建设局", "诸暨住建", "诸暨建设"),
    ("市自然资源和规划局", "诸暨自然资源", "诸暨规划"),
    ("市应急管理局", "诸暨应急", "诸暨安监"),
    ("市民政局", "诸暨民政", "诸暨社区"),
    ("市医疗保障局", "诸暨医保", "诸暨医疗保障"),
    ("市综合行政执法局", "诸暨城管", "诸暨执法"),
];

/// City units that closed every account they had.
const CITY_UNITS_CLOSING: [(&str, &str); 3] = [
    ("市档案馆", "诸暨档案"),
    ("市供销合作总社", "诸暨供销"),
    ("市机关事务管理局", "诸暨机关事务"),
];

/// The five WeChat accounts the article names: all 停更 after mid-June.
const NAMED: [(&str, &str, u32); 5] = [
    ("城店口", "店口镇人民政府", 11),
    ("田园璜山", "璜山镇人民政府", 11),
    ("诸暨三农", "市农业农村局", 12),
    ("红绣浣东", "浣东街道办事处", 12),
    ("周末小镇街亭", "街亭镇人民政府", 12),
];

const TOWNSHIP_NAMES: &[&str] = &[
    "{P}发布",
    "平安{P}",
    "{P}团委",
    "{P}妇联",
    "{P}文化站",
    "美丽{P}",
    "{P}便民服务",
    "{P}党建",
    "{P}志愿者",
    "{P}文明实践",
    "{P}旅游",
    "{P}农业服务",
    "{P}城管",
    "{P}综治",
    "{P}卫生院",
    "{P}微生活",
    "{P}资讯",
    "{P}青年",
    "{P}人大",
    "最美{P}",
    "{P}五水共治",
    "{P}商会",
    "{P}文化礼堂",
    "{P}应急",
];
const CITY_NAMES: &[&str] = &[
    "{P}",
    "{P}服务",
    "{P}资讯",
    "{P}之窗",
    "{P}党建",
    "{P}在线",
    "{P}青年",
    "{P}e家",
    "{P}微课堂",
    "{P}动态",
];

pub(crate) struct Unit {
    pub(crate) name: String,
    pub(crate) township: &'static str,
    pub(crate) level: &'static str,
    /// Stem for account names (店口, 诸暨教育, …).
    stem: String,
    /// The account this unit keeps, if any.
    keeps: Option<String>,
    city: bool,
}

/// One ledger row, cells already spelt the way the clerk typed them.
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) platform: &'static str,
    pub(crate) unit: String,
    pub(crate) township: &'static str,
    pub(crate) level: &'static str,
    pub(crate) operator: String,
    pub(crate) fans: String,
    pub(crate) last_update: String,
    pub(crate) posts_30d: usize,
    pub(crate) created: String,
    pub(crate) reported: bool,
    pub(crate) status: &'static str,
    pub(crate) merged_into: String,
}

pub(crate) struct Model {
    pub(crate) snapshots: Vec<Snapshot<Row>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Retained,
    Named(usize),
    Merged,
    Dissolved,
}

#[derive(Clone, Copy)]
enum FanStyle {
    Plain,
    Thousands,
    FullWidth,
}

struct Account {
    id: String,
    unit: usize,
    name: String,
    platform: &'static str,
    operator: String,
    fans: [usize; 3],
    fan_style: FanStyle,
    date_style: usize,
    last_update: [NaiveDate; 3],
    posts: [usize; 3],
    created: NaiveDate,
    reported: bool,
    active_word: &'static str,
    life: Life,
}

fn build_units() -> Vec<Unit> {
    let mut units = Vec::new();
    for (name, keeps, stem) in CITY_UNITS {
        units.push(Unit {
            name: name.to_string(),
            township: "",
            level: "市级",
            stem: stem.to_string(),
            keeps: Some(keeps.to_string()),
            city: true,
        });
    }
    for (name, stem) in CITY_UNITS_CLOSING {
        units.push(Unit {
            name: name.to_string(),
            township: "",
            level: "市级",
            stem: stem.to_string(),
            keeps: None,
            city: true,
        });
    }
    for township in TOWNSHIPS {
        let stem = ["街道", "镇", "乡"]
            .iter()
            .find_map(|s| township.strip_suffix(s))
            .unwrap_or(township);
        let office = if township.ends_with("街道") {
            "办事处"
        } else {
            "人民政府"
        };
        units.push(Unit {
            name: format!("{township}{office}"),
            township,
            level: "乡镇街道",
            stem: stem.to_string(),
            keeps: Some(format!("{stem}发布")),
            city: false,
        });
    }
    units
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0xFF10 + d).expect("full-width digit"),
            None => c,
        })
        .collect()
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn spell_fans(n: usize, style: FanStyle) -> String {
    match style {
        FanStyle::Plain => n.to_string(),
        FanStyle::Thousands => thousands(n),
        FanStyle::FullWidth => full_width(&n.to_string()),
    }
}

/// The four date spellings found across rows of real ledgers.
fn spell_date(d: NaiveDate, style: usize) -> String {
    let (y, m, day) = (d.year(), d.month(), d.day());
    match style {
        0 => format!("{y}/{m}/{day}"),
        1 => format!("{y}-{m:02}-{day:02}"),
        2 => format!("{y}年{m}月{day}日"),
        _ => format!("{y}.{m}.{day}"),
    }
}

fn plan(rng: &mut Rng) -> (Vec<Unit>, Vec<Account>) {
    let dates = dates();
    let units = build_units();
    let unit_of = |name: &str| {
        units
            .iter()
            .position(|u| u.name == name)
            .expect("known unit")
    };

    // Who closes what: merged accounts need a kept account in their unit.
    let generated = CLOSED - NAMED.len();
    let weights: Vec<usize> = units
        .iter()
        .map(|u| match (u.city, u.keeps.is_some()) {
            (false, _) => 4,
            (true, true) => 3,
            (true, false) => 2,
        })
        .collect();
    let merge_weights: Vec<usize> = units
        .iter()
        .zip(&weights)
        .map(|(u, &w)| if u.keeps.is_some() { w } else { 0 })
        .collect();
    let mut fates_of: Vec<Vec<Fate>> = units
        .iter()
        .map(|u| {
            if u.keeps.is_some() {
                vec![Fate::Retained]
            } else {
                Vec::new()
            }
        })
        .collect();
    for (k, (_, unit, _)) in NAMED.iter().enumerate() {
        fates_of[unit_of(unit)].push(Fate::Named(k));
    }
    for _ in 0..MERGED {
        fates_of[rng.weighted(&merge_weights)].push(Fate::Merged);
    }
    for _ in 0..generated - MERGED {
        fates_of[rng.weighted(&weights)].push(Fate::Dissolved);
    }

    let mut skeleton: Vec<(usize, Fate)> = Vec::new();
    for (u, fates) in fates_of.iter_mut().enumerate() {
        rng.shuffle(fates);
        skeleton.extend(fates.iter().map(|&f| (u, f)));
    }
    let kept_index = |u: usize| {
        skeleton
            .iter()
            .position(|&s| s == (u, Fate::Retained))
            .expect("unit keeps an account")
    };
    let mut closing: Vec<usize> = (0..skeleton.len())
        .filter(|&i| matches!(skeleton[i].1, Fate::Merged | Fate::Dissolved))
        .collect();
    rng.shuffle(&mut closing);
    let by_mid: BTreeSet<usize> = closing.into_iter().take(CLOSED_BY_MID).collect();

    let mut taken: BTreeSet<(String, &'static str)> = BTreeSet::new();
    let mut accounts = Vec::with_capacity(skeleton.len());
    for (i, &(u, fate)) in skeleton.iter().enumerate() {
        let unit = &units[u];
        let platform = match fate {
            Fate::Retained | Fate::Named(_) => "微信公众号",
            _ => ["微信公众号", "微博", "抖音"][rng.weighted(&[60, 25, 15])],
        };
        let name = match fate {
            Fate::Retained => unit.keeps.clone().expect("kept account"),
            Fate::Named(k) => NAMED[k].0.to_string(),
            _ => loop {
                let template = rng.pick(if unit.city {
                    CITY_NAMES
                } else {
                    TOWNSHIP_NAMES
                });
                let name = template.replace("{P}", &unit.stem);
                if !taken.contains(&(name.clone(), platform)) {
                    break name;
                }
            },
        };
        taken.insert((name.clone(), platform));

        let at = if by_mid.contains(&i) { 1 } else { 2 };
        let life = match fate {
            Fate::Retained => Life::standing(),
            Fate::Named(_) => Life {
                born: 0,
                closed: Some(Closure {
                    at: 2,
                    status: "停更",
                    into: None,
                    dropped: None,
                }),
            },
            Fate::Merged => Life {
                born: 0,
                closed: Some(Closure {
                    at,
                    // Weibo and Douyin audiences were moved onto the WeChat account.
                    status: if platform == "微信公众号" {
                        "合并"
                    } else {
                        rng.word(&["迁移", "合并"])
                    },
                    into: Some(kept_index(u)),
                    dropped: None,
                }),
            },
            Fate::Dissolved => Life {
                born: 0,
                closed: Some(Closure {
                    at,
                    status: ["停更", "关停", "注销"][rng.weighted(&[50, 30, 20])],
                    into: None,
                    dropped: None,
                }),
            },
        };

        let created = rng.date_between(ymd(2013, 6, 1), ymd(2018, 12, 31));
        let base_fans = match fate {
            Fate::Retained => rng.range(3_000, 150_000),
            Fate::Named(_) => rng.range(800, 12_000),
            _ => rng.range(12, 4_000),
        };
        let fan_style = match rng.below(100) {
            0..=79 => FanStyle::Plain,
            _ if base_fans < 1_000 => FanStyle::FullWidth,
            _ => FanStyle::Thousands,
        };
        let mut fans = [base_fans; 3];
        let mut last_update = [created; 3];
        let mut posts = [0usize; 3];
        // Accounts about to close were mostly zombies long before.
        let zombie = matches!(fate, Fate::Merged | Fate::Dissolved) && rng.chance(60);
        let idle_since = rng.date_between(created.max(ymd(2018, 3, 1)), ymd(2019, 1, 31));
        let mut prev = created;
        for s in 0..dates.len() {
            let active = life.active(s);
            if s > 0 {
                fans[s] = if active {
                    fans[s - 1] + rng.below(fans[s - 1] / 40 + 3)
                } else {
                    fans[s - 1]
                };
            }
            let d = match fate {
                Fate::Named(k) if s == 2 => ymd(2019, 6, NAMED[k].2),
                _ if zombie => idle_since,
                _ if active => {
                    dates[s]
                        - Days::new(rng.below(if fate == Fate::Retained { 7 } else { 25 }) as u64)
                }
                _ if s == at => rng.date_between(dates[s - 1], dates[s] - Days::new(10)),
                _ => prev,
            };
            prev = d.max(prev);
            last_update[s] = prev;
            posts[s] = match fate {
                _ if !active => 0,
                Fate::Retained => rng.range(8, 60),
                _ if zombie => 0,
                _ => rng.range(0, 6),
            };
        }
        accounts.push(Account {
            id: format!("ZJ{:03}", i + 1),
            unit: u,
            name,
            platform,
            operator: person_name(rng),
            fans,
            fan_style,
            // The article quotes the five named accounts' last posts as 2019/6/11.
            date_style: if matches!(fate, Fate::Named(_)) {
                0
            } else {
                rng.below(4)
            },
            last_update,
            posts,
            created,
            reported: match fate {
                Fate::Retained => rng.chance(95),
                _ => rng.chance(40),
            },
            active_word: if rng.chance(70) { "运营" } else { "正常" },
            life,
        });
    }
    (units, accounts)
}

/// Not every kept account is healthy: two have under 1,000 followers and two have not
/// posted for a month, so the report's rules have something true to say.
fn leave_some_weak(accounts: &mut [Account]) {
    let kept: Vec<usize> = (0..accounts.len())
        .filter(|&i| accounts[i].life.closed.is_none() && accounts[i].life.listed(2))
        .collect();
    for &i in kept.iter().skip(2).step_by(9).take(2) {
        for fans in accounts[i].fans.iter_mut() {
            *fans = *fans % 700 + 150;
        }
        accounts[i].fan_style = FanStyle::Plain;
    }
    for &i in kept.iter().skip(6).step_by(11).take(2) {
        let stale = dates()[2] - Days::new(31);
        accounts[i].last_update[2] = stale.max(accounts[i].last_update[1]).min(stale);
        accounts[i].last_update[1] = accounts[i].last_update[1].min(stale);
        accounts[i].posts[2] = 0;
    }
}

pub(crate) fn model() -> Model {
    let mut rng = Rng::new(SEED);
    let (units, mut accounts) = plan(&mut rng);
    leave_some_weak(&mut accounts);
    let snapshots = dates()
        .iter()
        .enumerate()
        .map(|(s, &date)| {
            let rows = accounts
                .iter()
                .filter(|a| a.life.listed(s))
                .map(|a| {
                    let unit = &units[a.unit];
                    let closure = a.life.closed.as_ref().filter(|c| s >= c.at);
                    Row {
                        id: a.id.clone(),
                        name: a.name.clone(),
                        platform: a.platform,
                        unit: unit.name.clone(),
                        township: unit.township,
                        level: unit.level,
                        operator: a.operator.clone(),
                        fans: spell_fans(a.fans[s], a.fan_style),
                        last_update: spell_date(a.last_update[s], a.date_style),
                        posts_30d: a.posts[s],
                        created: spell_date(a.created, a.date_style),
                        reported: a.reported,
                        status: closure.map_or(a.active_word, |c| c.status),
                        merged_into: closure
                            .and_then(|c| c.into)
                            .map_or_else(String::new, |t| accounts[t].id.clone()),
                    }
                })
                .collect();
            Snapshot {
                date,
                rows,
                members: Vec::new(),
            }
        })
        .collect();
    Model { snapshots }
}

const HEADERS: [&str; 14] = [
    "编号",
    "账号名称",
    "平台",
    "单位",
    "乡镇街道",
    "层级",
    "运维人员",
    "粉丝数",
    "最后更新日期",
    "近30日发文数",
    "创建日期",
    "是否报备",
    "状态",
    "合并至",
];

fn record(r: &Row) -> Vec<String> {
    vec![
        r.id.clone(),
        r.name.clone(),
        r.platform.to_string(),
        r.unit.clone(),
        r.township.to_string(),
        r.level.to_string(),
        r.operator.clone(),
        r.fans.clone(),
        r.last_update.clone(),
        r.posts_30d.to_string(),
        r.created.clone(),
        (if r.reported { "是" } else { "否" }).to_string(),
        r.status.to_string(),
        r.merged_into.clone(),
    ]
}

pub(crate) fn write(dir: &Path) -> io::Result<()> {
    reset_campaign(
        dir,
        "诸暨市政务新媒体清理整合",
        "浙江省诸暨市",
        "诸暨市委网信办",
    )?;
    for snap in &model().snapshots {
        let folder = snapshot_dir(dir, snap.date)?;
        let rows: Vec<Vec<String>> = snap.rows.iter().map(record).collect();
        write_csv_gbk(&folder.join("政务新媒体台账.csv"), &HEADERS, &rows)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::check::{Item, Tally, assert_consistent, tally};
    use super::*;

    impl Item for Row {
        fn id(&self) -> &str {
            &self.id
        }
        fn status(&self) -> &str {
            self.status
        }
        fn merged_into(&self) -> &str {
            &self.merged_into
        }
        fn stage_due(&self) -> Option<NaiveDate> {
            None
        }
        fn member_count(&self) -> Option<usize> {
            None
        }
    }

    #[test]
    fn reproduces_the_article() {
        let m = model();
        for s in &m.snapshots {
            assert_consistent(s);
        }
        let t = tally(&m.snapshots[0], &m.snapshots[2]);
        assert_eq!(
            t,
            Tally {
                before: 186,
                after: 39,
                retained: 39,
                merged: 27,
                expired: 0,
                dissolved: 120,
                new: 0,
                members_removed: 0,
                trimmed: 0,
            }
        );
        assert_eq!(tally(&m.snapshots[0], &m.snapshots[1]).after, 150);
        // Every closed account is still listed in the current ledger.
        assert_eq!(m.snapshots[2].rows.len(), 186);
    }

    #[test]
    fn the_five_named_accounts_stop_in_june() {
        let m = model();
        let (b, c) = (&m.snapshots[0], &m.snapshots[2]);
        let expect = [
            ("城店口", "店口镇人民政府", "店口镇", "2019/6/11"),
            ("田园璜山", "璜山镇人民政府", "璜山镇", "2019/6/11"),
            ("诸暨三农", "市农业农村局", "", "2019/6/12"),
            ("红绣浣东", "浣东街道办事处", "浣东街道", "2019/6/12"),
            ("周末小镇街亭", "街亭镇人民政府", "街亭镇", "2019/6/12"),
        ];
        for (name, unit, township, last) in expect {
            let row = c.rows.iter().find(|r| r.name == name).expect(name);
            assert_eq!(
                (row.platform, row.unit.as_str(), row.township),
                ("微信公众号", unit, township)
            );
            assert_eq!((row.status, row.last_update.as_str()), ("停更", last));
            let before = b.rows.iter().find(|r| r.id == row.id).expect(name);
            assert!(matches!(before.status, "运营" | "正常"));
        }
    }

    #[test]
    fn cells_are_untidy_but_encodable() {
        let m = model();
        let rows = &m.snapshots[0].rows;
        assert!(rows.iter().any(|r| r.fans.contains(',')));
        assert!(
            rows.iter()
                .any(|r| r.fans.chars().any(|c| ('０'..='９').contains(&c)))
        );
        assert!(rows.iter().any(|r| r.last_update.contains('年')));
        assert!(rows.iter().any(|r| r.last_update.contains('.')));
        assert!(rows.iter().any(|r| r.last_update.contains('-')));
        for s in &m.snapshots {
            for r in &s.rows {
                let (_, _, bad) = encoding_rs::GBK.encode(&record(r).concat());
                assert!(!bad, "{} not GBK-encodable", r.name);
            }
        }
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(full_width("321"), "３２１");
    }
}
