//! 湖北省利川市 (2019): work chat groups cut from 2000 to 450.
//!
//! Ledgers are XLSX with a title row, as the city's discipline commission
//! collected them; township and level live in a separate units.csv, so the
//! ledger itself has neither column.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};

use super::{
    Cell, Closure, Life, Person, Rng, Roster, Snapshot, TitledSheet, person_name, reset_campaign,
    snapshot_dir, write_csv_bom, write_xlsx_titled, ymd,
};

pub(crate) const FOLDER: &str = "lichuan";
const SEED: u64 = 0x4C49_4348_5541_4E19;

// The article's figures, baseline → current.
const BEFORE: usize = 2000;
const AFTER: usize = 450;
const MERGED: usize = 600;
const EXPIRED: usize = 10;
const NEW: usize = 10;
// Shape of the intermediate snapshot (2019-06-30): 2000 − 904 + 4 = 1100 active.
const CLOSED_BY_MID: usize = 904;
const NEW_BY_MID: usize = 4;
/// Dissolved groups the clerk deleted from the current ledger instead of marking.
const DROPPED: usize = 150;
/// The 凉雾乡 cadre the article describes: in 24 groups before, 2 after.
const HOARDER_BEFORE: usize = 24;
const HOARDER_AFTER: usize = 2;

fn dates() -> [NaiveDate; 3] {
    [ymd(2019, 4, 30), ymd(2019, 6, 30), ymd(2019, 9, 30)]
}

/// Townships and streets of 利川 with their number of villages/communities.
const TOWNSHIPS: [(&str, usize); 14] = [
    ("都亭街道", 20),
    ("东城街道", 18),
    ("凉雾乡", 24),
    ("谋道镇", 22),
    ("柏杨坝镇", 20),
    ("汪营镇", 22),
    ("建南镇", 18),
    ("忠路镇", 22),
    ("团堡镇", 20),
    ("毛坝镇", 18),
    ("文斗镇", 16),
    ("元堡乡", 14),
    ("南坪乡", 16),
    ("沙溪乡", 18),
];

/// Township-level offices, with a staff range.
const OFFICES: [(&str, usize, usize); 7] = [
    ("财政所", 8, 16),
    ("卫生院", 30, 90),
    ("中心学校", 40, 160),
    ("派出所", 10, 25),
    ("农业服务中心", 8, 20),
    ("司法所", 3, 6),
    ("自然资源所", 4, 9),
];

const CITY_UNITS: [(&str, usize); 20] = [
    ("市委办公室", 48),
    ("市政府办公室", 56),
    ("市纪委监委", 72),
    ("市委组织部", 41),
    ("市委宣传部", 33),
    ("市发展和改革局", 45),
    ("市教育局", 86),
    ("市公安局", 612),
    ("市民政局", 38),
    ("市财政局", 67),
    ("市人力资源和社会保障局", 58),
    ("市自然资源和规划局", 94),
    ("市住房和城乡建设局", 61),
    ("市交通运输局", 77),
    ("市农业农村局", 103),
    ("市卫生健康局", 52),
    ("市应急管理局", 29),
    ("市市场监督管理局", 118),
    ("市文化和旅游局", 44),
    ("市扶贫开发办公室", 26),
];

const VILLAGE_HEADS: &[&str] = &[
    "青", "龙", "白", "石", "黄", "马", "桃", "杉", "柏", "金", "银", "大", "高", "新", "长", "红",
    "花", "茶", "竹", "松", "水", "鱼", "凤", "鹿", "云", "双", "中", "上", "下", "沙", "庙", "堰",
    "观", "兴", "太", "清", "望", "古", "老", "梅", "枫", "猫", "岩", "箭", "寨", "苏",
];
const VILLAGE_TAILS: &[&str] = &[
    "坪", "坝", "溪", "湾", "坡", "岭", "河", "山", "口", "塘", "堡", "坳", "桥", "池", "林", "沟",
    "槽", "坎", "峰", "洞", "台", "营", "园", "垭", "田", "场",
];

/// Long-term topics with the 用途 a clerk would write.
const LONG_TOPICS: &[(&str, &str)] = &[
    ("党建工作群", "党建工作通知"),
    ("工作通知群", "日常工作通知"),
    ("办公室通知群", "办公室通知"),
    ("脱贫攻坚工作群", "脱贫攻坚工作调度"),
    ("信息报送群", "信息报送"),
    ("值班工作群", "值班调度"),
    ("安全生产群", "安全生产监管"),
    ("信访维稳群", "信访维稳"),
    ("综治网格员群", "网格化管理"),
    ("财务报账群", "财务报账"),
    ("党风廉政建设群", "党风廉政建设"),
    ("宣传工作群", "宣传报道"),
    ("干部学习群", "学习交流"),
    ("学习强国学习群", "学习交流"),
    ("民政工作群", "民政业务"),
    ("医保征缴群", "医保征缴"),
    ("城乡居民养老保险群", "社保业务"),
    ("茶叶产业群", "产业发展"),
    ("莼菜产业群", "产业发展"),
    ("乡村振兴群", "乡村振兴"),
    ("环境卫生群", "环境卫生整治"),
    ("河长制工作群", "河湖长制"),
    ("森林防火群", "森林防火"),
    ("防汛工作群", "防汛抗旱"),
    ("统计数据报送群", "统计报表"),
    ("党员群", "党员管理"),
    ("驻村工作队群", "驻村帮扶"),
    ("低保核查群", "低保核查"),
    ("项目建设群", "项目建设"),
    ("招商引资群", "招商引资"),
    ("文明创建群", "文明创建"),
    ("旅游发展群", "旅游发展"),
    ("业务交流群", "业务交流"),
    ("考勤通知群", "考勤管理"),
];

/// Stage-work topics (期限 = 阶段性).
const STAGE_TOPICS: &[(&str, &str)] = &[
    ("扫黑除恶专项斗争群", "扫黑除恶专项斗争"),
    ("第四次全国经济普查群", "经济普查"),
    ("第三次国土调查群", "国土调查"),
    ("主题教育工作群", "主题教育"),
    ("脱贫攻坚迎检群", "迎检准备"),
    ("农村危房改造群", "危房改造"),
    ("人居环境整治攻坚群", "人居环境整治"),
    ("春季森林防火专班群", "森林防火"),
    ("建档立卡动态调整群", "扶贫对象动态调整"),
    ("低保专项治理群", "专项治理"),
    ("征兵工作群", "征兵"),
    ("禁毒宣传月群", "禁毒宣传"),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    City,
    Government,
    Office,
    Village,
}

pub(crate) struct Unit {
    pub(crate) name: String,
    /// 乡镇街道; empty for city-level units.
    pub(crate) township: &'static str,
    pub(crate) level: &'static str,
    pub(crate) staff: usize,
    kind: Kind,
    /// What group names start with (凉雾乡, 青坪村, 市教育局, …).
    prefix: String,
}

/// One ledger row as the clerk typed it.
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) platform: &'static str,
    pub(crate) unit: String,
    pub(crate) owner: String,
    pub(crate) admin: String,
    pub(crate) members: usize,
    pub(crate) purpose: &'static str,
    pub(crate) created: NaiveDate,
    pub(crate) last_active: NaiveDate,
    pub(crate) stage: bool,
    pub(crate) due: Option<NaiveDate>,
    /// The due date was pasted as a bare Excel serial number.
    pub(crate) due_as_serial: bool,
    pub(crate) reported: bool,
    pub(crate) status: &'static str,
    pub(crate) merged_into: String,
}

pub(crate) struct Model {
    pub(crate) units: Vec<Unit>,
    pub(crate) people: Vec<Person>,
    pub(crate) snapshots: Vec<Snapshot<Row>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fate {
    Retained,
    New,
    Merged,
    Expired,
    Dissolved,
}

struct Group {
    id: String,
    unit: usize,
    fate: Fate,
    name: String,
    platform: &'static str,
    purpose: &'static str,
    created: NaiveDate,
    due: Option<NaiveDate>,
    due_as_serial: bool,
    reported: bool,
    active_word: &'static str,
    show_admin: bool,
    life: Life,
    roster: Roster,
    last_seen: [NaiveDate; 3],
}

fn build_units(rng: &mut Rng) -> Vec<Unit> {
    let mut units: Vec<Unit> = CITY_UNITS
        .iter()
        .map(|&(name, staff)| Unit {
            name: name.to_string(),
            township: "",
            level: "市级",
            staff,
            kind: Kind::City,
            prefix: name.to_string(),
        })
        .collect();
    for &(township, villages) in &TOWNSHIPS {
        let street = township.ends_with("街道");
        let government = if street { "办事处" } else { "人民政府" };
        units.push(Unit {
            name: format!("{township}{government}"),
            township,
            level: "乡镇街道",
            staff: rng.range(55, 110),
            kind: Kind::Government,
            prefix: township.to_string(),
        });
        for &(office, lo, hi) in &OFFICES {
            units.push(Unit {
                name: format!("{township}{office}"),
                township,
                level: "乡镇街道",
                staff: rng.range(lo, hi),
                kind: Kind::Office,
                prefix: format!("{township}{office}"),
            });
        }
        let mut seen = BTreeSet::new();
        let mut k = 0;
        while k < villages {
            let base = format!("{}{}", rng.pick(VILLAGE_HEADS), rng.pick(VILLAGE_TAILS));
            if !seen.insert(base.clone()) {
                continue;
            }
            // Streets administer urban communities first, then villages.
            let (short, office) = if street && k < 6 {
                (format!("{base}社区"), "居委会")
            } else {
                (format!("{base}村"), "村委会")
            };
            units.push(Unit {
                name: format!("{township}{short}{office}"),
                township,
                level: "村社区",
                staff: rng.range(3, 7),
                kind: Kind::Village,
                prefix: short,
            });
            k += 1;
        }
    }
    units
}

fn build_people(rng: &mut Rng, units: &[Unit]) -> Vec<Person> {
    let mut people = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        let n = match unit.kind {
            Kind::City => rng.range(22, 36),
            Kind::Government => rng.range(40, 50),
            Kind::Office => rng.range(4, 8),
            Kind::Village => 3,
        };
        for _ in 0..n {
            people.push(Person {
                id: format!("LC-P{:05}", people.len() + 1),
                name: person_name(rng),
                home: u,
            });
        }
    }
    people
}

/// Where a unit's groups draw their members from.
struct Pools {
    by_unit: Vec<Vec<usize>>,
    /// Per unit: the wider circle (same township, or city units plus township heads).
    wider: Vec<Vec<usize>>,
}

fn pools(units: &[Unit], people: &[Person]) -> Pools {
    let mut by_unit = vec![Vec::new(); units.len()];
    for (p, person) in people.iter().enumerate() {
        by_unit[person.home].push(p);
    }
    let city_circle: Vec<usize> = (0..people.len())
        .filter(|&p| matches!(units[people[p].home].kind, Kind::City | Kind::Government))
        .collect();
    let wider = units
        .iter()
        .map(|unit| match unit.kind {
            Kind::City => city_circle.clone(),
            _ => (0..people.len())
                .filter(|&p| units[people[p].home].township == unit.township)
                .collect(),
        })
        .collect();
    Pools { by_unit, wider }
}

/// Draws `size` distinct members, mostly from the unit, the rest from its circle.
fn draw_members(rng: &mut Rng, pools: &Pools, unit: usize, size: usize) -> Vec<usize> {
    let mut own = pools.by_unit[unit].clone();
    rng.shuffle(&mut own);
    own.truncate(size * 3 / 5);
    let mut chosen = own;
    let wider = &pools.wider[unit];
    while chosen.len() < size {
        let p = *rng.pick(wider);
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    chosen
}

fn pick_topic(rng: &mut Rng, stage: bool) -> (&'static str, &'static str) {
    *rng.pick(if stage { STAGE_TOPICS } else { LONG_TOPICS })
}

fn pick_platform(rng: &mut Rng) -> &'static str {
    const PLATFORMS: [&str; 4] = ["微信", "企业微信", "钉钉", "QQ"];
    PLATFORMS[rng.weighted(&[85, 7, 5, 3])]
}

fn plan(rng: &mut Rng) -> (Vec<Unit>, Vec<Person>, Vec<Group>) {
    let dates = dates();
    let units = build_units(rng);
    let people = build_people(rng, &units);
    let pools = pools(&units, &people);

    // After the clean-up every unit keeps one group; the extra slots (of which
    // NEW are newly created groups) go to city bureaus and township heads.
    let mut standing = vec![1usize; units.len()];
    let mut big: Vec<usize> = (0..units.len())
        .filter(|&u| matches!(units[u].kind, Kind::City | Kind::Government))
        .collect();
    rng.shuffle(&mut big);
    let mut extra = AFTER - units.len();
    while extra > 0 {
        for &u in &big {
            if extra == 0 {
                break;
            }
            standing[u] += 1;
            extra -= 1;
        }
    }
    let mut new_in = vec![0usize; units.len()];
    for &u in big.iter().take(NEW) {
        new_in[u] = 1;
    }

    // Closed groups are spread by how prolific each kind of unit was.
    let weights: Vec<usize> = units
        .iter()
        .map(|u| match u.kind {
            Kind::Government => 60,
            Kind::City => 24,
            Kind::Office => 8,
            Kind::Village => 3,
        })
        .collect();
    let retained_total = AFTER - NEW;
    let mut closed_in = vec![0usize; units.len()];
    for _ in 0..BEFORE - retained_total {
        closed_in[rng.weighted(&weights)] += 1;
    }

    // Skeleton: baseline groups per unit in ledger order, new groups after.
    let mut skeleton: Vec<(usize, Fate)> = Vec::new();
    for u in 0..units.len() {
        let mut fates = vec![Fate::Retained; standing[u] - new_in[u]];
        fates.extend(std::iter::repeat_n(Fate::Dissolved, closed_in[u]));
        rng.shuffle(&mut fates);
        skeleton.extend(fates.into_iter().map(|f| (u, f)));
    }
    for (u, &n) in new_in.iter().enumerate() {
        if n > 0 {
            skeleton.push((u, Fate::New));
        }
    }
    let mut closed: Vec<usize> = (0..skeleton.len())
        .filter(|&i| skeleton[i].1 == Fate::Dissolved)
        .collect();
    rng.shuffle(&mut closed);
    for &i in closed.iter().take(EXPIRED) {
        skeleton[i].1 = Fate::Expired;
    }
    for &i in closed.iter().skip(EXPIRED).take(MERGED) {
        skeleton[i].1 = Fate::Merged;
    }
    // When each closed group went: CLOSED_BY_MID by June, the rest by September.
    rng.shuffle(&mut closed);
    let mut closes_at = vec![2usize; skeleton.len()];
    for &i in closed.iter().take(CLOSED_BY_MID) {
        closes_at[i] = 1;
    }
    let retained_of_unit: Vec<Vec<usize>> = (0..units.len())
        .map(|u| {
            (0..skeleton.len())
                .filter(|&i| skeleton[i] == (u, Fate::Retained))
                .collect()
        })
        .collect();

    let to_drop: BTreeSet<usize> = closed
        .iter()
        .copied()
        .filter(|&i| skeleton[i].1 == Fate::Dissolved && closes_at[i] == 1)
        .take(DROPPED)
        .collect();
    assert_eq!(
        to_drop.len(),
        DROPPED,
        "enough dissolved groups closed by June"
    );

    let mut groups: Vec<Group> = Vec::with_capacity(skeleton.len());
    let mut names_used: Vec<BTreeSet<String>> = vec![BTreeSet::new(); units.len()];
    let mut new_seen = 0;
    for (i, &(u, fate)) in skeleton.iter().enumerate() {
        let id = if fate == Fate::New {
            format!("LC{:04}", BEFORE + new_seen + 1)
        } else {
            format!("LC{:04}", i + 1)
        };
        let born = match fate {
            Fate::New => {
                new_seen += 1;
                if new_seen <= NEW_BY_MID { 1 } else { 2 }
            }
            _ => 0,
        };
        let at = closes_at[i];
        let (stage, due) = match fate {
            Fate::Expired if at == 1 => (true, Some(rng.date_between(ymd(2019, 3, 31), dates[1]))),
            Fate::Expired => (true, Some(rng.date_between(ymd(2019, 7, 15), dates[2]))),
            Fate::Merged => (false, None),
            // Stage work that was wound up before its due date is plain dissolution.
            Fate::Dissolved if rng.chance(20) => (
                true,
                Some(*rng.pick(&[ymd(2019, 10, 31), ymd(2019, 12, 31), ymd(2020, 6, 30)])),
            ),
            Fate::Retained | Fate::New if rng.chance(15) => (
                true,
                Some(*rng.pick(&[ymd(2019, 12, 31), ymd(2020, 6, 30), ymd(2020, 12, 31)])),
            ),
            _ => (false, None),
        };
        let (topic, purpose) = pick_topic(rng, stage);
        let mut name = format!("{}{}", units[u].prefix, topic);
        let mut n = 2;
        while names_used[u].contains(&name) {
            name = format!("{}{}{}", units[u].prefix, topic.trim_end_matches('群'), n);
            name.push('群');
            n += 1;
        }
        names_used[u].insert(name.clone());

        let life = match fate {
            Fate::Retained => Life::standing(),
            Fate::New => Life { born, closed: None },
            Fate::Merged => Life {
                born,
                closed: Some(Closure {
                    at,
                    status: rng.word(&["合并", "整合"]),
                    into: Some(*rng.pick(&retained_of_unit[u])),
                    dropped: None,
                }),
            },
            Fate::Expired | Fate::Dissolved => {
                let drop = to_drop.contains(&i);
                Life {
                    born,
                    closed: Some(Closure {
                        at,
                        status: rng.word(&["撤销", "解散", "已解散"]),
                        into: None,
                        dropped: drop.then_some(2),
                    }),
                }
            }
        };
        let created = match born {
            0 if stage => rng.date_between(ymd(2018, 6, 1), ymd(2019, 4, 20)),
            0 => rng.date_between(ymd(2014, 3, 1), ymd(2019, 4, 20)),
            1 => rng.date_between(ymd(2019, 5, 6), ymd(2019, 6, 25)),
            _ => rng.date_between(ymd(2019, 7, 5), ymd(2019, 9, 20)),
        };
        let size = match units[u].kind {
            Kind::Village => rng.range(8, 25),
            _ => rng.range(8, 40),
        };
        let roster = Roster {
            initial: draw_members(rng, &pools, u, size),
            changes: Vec::new(),
        };
        let last_seen = last_seen(rng, &dates, created, &life);
        groups.push(Group {
            id,
            unit: u,
            fate,
            name,
            platform: pick_platform(rng),
            purpose,
            created,
            due,
            due_as_serial: stage && rng.chance(25),
            reported: match fate {
                Fate::New => true,
                Fate::Retained => rng.chance(92),
                _ => rng.chance(35),
            },
            active_word: if rng.chance(85) { "正常" } else { "" },
            show_admin: rng.chance(75),
            life,
            roster,
            last_seen,
        });
    }
    let hoarder = place_hoarder(rng, &units, &pools, &mut groups);
    churn(rng, &pools, &mut groups, hoarder);
    (units, people, groups)
}

/// 最后活跃日期 per snapshot: recent while active, frozen once closed; about
/// half the closed groups were already idle zombies at baseline.
fn last_seen(
    rng: &mut Rng,
    dates: &[NaiveDate; 3],
    created: NaiveDate,
    life: &Life,
) -> [NaiveDate; 3] {
    let zombie = life.closed.is_some() && rng.chance(45);
    let idle_since = rng.date_between(created, (dates[0] - Days::new(60)).max(created));
    let mut seen = [created; 3];
    let mut prev = created;
    for s in 0..dates.len() {
        if s < life.born {
            continue;
        }
        let d = if zombie {
            idle_since
        } else if life.active(s) {
            dates[s] - Days::new(rng.below(15) as u64)
        } else if life.closed.as_ref().is_some_and(|c| c.at == s) {
            rng.date_between(dates[s - 1], dates[s] - Days::new(20))
        } else {
            prev
        };
        prev = d.max(prev);
        seen[s] = prev;
    }
    seen
}

/// Puts the 凉雾乡 cadre in exactly HOARDER_BEFORE baseline groups of her
/// township, HOARDER_AFTER of which survive, and out of every other group.
fn place_hoarder(rng: &mut Rng, units: &[Unit], pools: &Pools, groups: &mut [Group]) -> usize {
    let government = units
        .iter()
        .position(|u| u.township == "凉雾乡" && u.kind == Kind::Government)
        .expect("凉雾乡 government unit");
    let hoarder = pools.by_unit[government][0];
    let in_township = |g: &Group| units[g.unit].township == "凉雾乡";
    let mut kept: Vec<usize> = (0..groups.len())
        .filter(|&i| in_township(&groups[i]) && groups[i].fate == Fate::Retained)
        .collect();
    // Her own government's standing group first.
    kept.sort_by_key(|&i| groups[i].unit != government);
    let mut gone: Vec<usize> = (0..groups.len())
        .filter(|&i| in_township(&groups[i]) && groups[i].life.closed.is_some())
        .collect();
    rng.shuffle(&mut gone);
    let mut chosen: BTreeSet<usize> = kept.into_iter().take(HOARDER_AFTER).collect();
    chosen.extend(gone.into_iter().take(HOARDER_BEFORE - HOARDER_AFTER));
    assert_eq!(chosen.len(), HOARDER_BEFORE);

    for (i, g) in groups.iter_mut().enumerate() {
        let roster = &mut g.roster.initial;
        let pos = roster.iter().position(|&p| p == hoarder);
        match (chosen.contains(&i), pos) {
            (true, None) if roster.len() >= 40 => *roster.last_mut().expect("non-empty") = hoarder,
            (true, None) => roster.push(hoarder),
            (false, Some(pos)) => {
                let wider = &pools.wider[g.unit];
                loop {
                    let p = *rng.pick(wider);
                    if p != hoarder && !roster.contains(&p) {
                        roster[pos] = p;
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    hoarder
}

/// Ordinary turnover in surviving groups: people leave, a few join. The owner
/// and the admin (first two) always stay.
fn churn(rng: &mut Rng, pools: &Pools, groups: &mut [Group], hoarder: usize) {
    for g in groups.iter_mut() {
        if !matches!(g.fate, Fate::Retained | Fate::New) {
            continue;
        }
        for s in g.life.born + 1..3 {
            if rng.chance(25) {
                let current = g.roster.at(s - 1);
                let leaving = rng.range(1, 3);
                if current.len() > 10 {
                    for _ in 0..leaving {
                        let p = current[rng.range(2, current.len() - 1)];
                        if p != hoarder && !g.roster.changes.iter().any(|c| c.0 == p) {
                            g.roster.changes.push((p, s, false));
                        }
                    }
                }
            }
        }
        if g.life.born < 2 && g.roster.at(1).len() < 40 && rng.chance(10) {
            let wider = &pools.wider[g.unit];
            let p = *rng.pick(wider);
            if p != hoarder
                && !g.roster.initial.contains(&p)
                && !g.roster.changes.iter().any(|c| c.0 == p)
            {
                g.roster.changes.push((p, 2, true));
            }
        }
    }
}

pub(crate) fn model() -> Model {
    let mut rng = Rng::new(SEED);
    let (units, people, groups) = plan(&mut rng);
    let snapshots = dates()
        .iter()
        .enumerate()
        .map(|(s, &date)| {
            let mut rows = Vec::new();
            let mut members = Vec::new();
            for g in groups.iter().filter(|g| g.life.listed(s)) {
                let closure = g.life.closed.as_ref().filter(|c| s >= c.at);
                let roster = g.roster.at(g.life.last_active(s));
                rows.push(Row {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    platform: g.platform,
                    unit: units[g.unit].name.clone(),
                    owner: people[g.roster.initial[0]].name.clone(),
                    admin: if g.show_admin {
                        people[g.roster.initial[1]].name.clone()
                    } else {
                        String::new()
                    },
                    members: roster.len(),
                    purpose: g.purpose,
                    created: g.created,
                    last_active: g.last_seen[s],
                    stage: g.due.is_some(),
                    due: g.due,
                    due_as_serial: g.due_as_serial,
                    reported: g.reported,
                    status: closure.map_or(g.active_word, |c| c.status),
                    merged_into: closure
                        .and_then(|c| c.into)
                        .map_or_else(String::new, |t| groups[t].id.clone()),
                });
                if g.life.active(s) {
                    members.extend(roster.into_iter().map(|p| (g.id.clone(), p)));
                }
            }
            Snapshot {
                date,
                rows,
                members,
            }
        })
        .collect();
    Model {
        units,
        people,
        snapshots,
    }
}

fn ledger_cells(row: &Row) -> Vec<Cell> {
    let text = |s: &str| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    };
    let due = match row.due {
        Some(d) if row.due_as_serial => Cell::Number(super::excel_serial(d)),
        Some(d) => Cell::Date(d),
        None => Cell::Empty,
    };
    vec![
        text(&row.id),
        text(&row.name),
        text(row.platform),
        text(&row.unit),
        text(&row.owner),
        text(&row.admin),
        Cell::Number(row.members as f64),
        text(row.purpose),
        Cell::Date(row.created),
        Cell::Date(row.last_active),
        text(if row.stage { "阶段性" } else { "长期" }),
        due,
        text(if row.reported { "是" } else { "否" }),
        text(row.status),
        text(&row.merged_into),
    ]
}

pub(crate) fn write(dir: &Path) -> io::Result<()> {
    reset_campaign(
        dir,
        "利川市微信工作群清理整治",
        "湖北省利川市",
        "利川市纪委监委",
    )?;
    let model = model();

    let unit_rows: Vec<Vec<String>> = model
        .units
        .iter()
        .map(|u| {
            vec![
                u.name.clone(),
                u.township.to_string(),
                u.level.to_string(),
                u.staff.to_string(),
            ]
        })
        .collect();
    write_csv_bom(
        &dir.join("units.csv"),
        &["单位", "乡镇街道", "层级", "在编人数"],
        &unit_rows,
    )?;

    const HEADERS: [&str; 15] = [
        "序号",
        "群名称",
        "平台",
        "单位",
        "群主",
        "管理员",
        "成员数",
        "用途",
        "建群日期",
        "最后活跃日期",
        "期限",
        "到期日期",
        "是否报备",
        "状态",
        "合并至",
    ];
    for snap in &model.snapshots {
        let folder = snapshot_dir(dir, snap.date)?;
        let title = format!(
            "利川市微信工作群台账（截至{}年{}月{}日）",
            snap.date.year(),
            snap.date.month(),
            snap.date.day()
        );
        let rows: Vec<Vec<Cell>> = snap.rows.iter().map(ledger_cells).collect();
        write_xlsx_titled(
            &folder.join("工作群台账.xlsx"),
            &TitledSheet {
                sheet: "工作群台账",
                title: &title,
                note: "填报说明：状态填写 正常/解散/合并；阶段性工作群须填写到期日期",
                headers: &HEADERS,
                rows: &rows,
                created: snap.date,
            },
        )?;
        let members: Vec<Vec<String>> = snap
            .members
            .iter()
            .map(|(g, p)| {
                vec![
                    g.clone(),
                    model.people[*p].id.clone(),
                    model.people[*p].name.clone(),
                ]
            })
            .collect();
        write_csv_bom(
            &folder.join("群成员.csv"),
            &["群编号", "成员编号", "姓名"],
            &members,
        )?;
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
            self.due.filter(|_| self.stage)
        }
        fn member_count(&self) -> Option<usize> {
            Some(self.members)
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
            Tally {
                before: 2000,
                after: 450,
                retained: 440,
                merged: 600,
                expired: 10,
                dissolved: 950,
                new: 10,
                // Counted independently by the build (tests/samples.rs checks the same).
                members_removed: 366,
                trimmed: 165,
            },
            t
        );
        let mid = tally(&m.snapshots[0], &m.snapshots[1]);
        assert_eq!(mid.after, 1100);
    }

    #[test]
    fn closed_groups_mostly_listed_some_dropped() {
        let m = model();
        let c = &m.snapshots[2];
        let listed_closed = c
            .rows
            .iter()
            .filter(|r| !matches!(r.status, "" | "正常"))
            .count();
        assert_eq!(listed_closed, 1560 - DROPPED);
        assert!(c.rows.iter().any(|r| r.status == "已解散"));
        assert!(
            c.rows
                .iter()
                .any(|r| r.status == "整合" && !r.merged_into.is_empty())
        );
    }

    #[test]
    fn the_liangwu_cadre_leaves_most_groups() {
        let m = model();
        // She is the first listed cadre of the 凉雾乡 government.
        let h = (m.people.iter())
            .position(|p| m.units[p.home].name == "凉雾乡人民政府")
            .unwrap();
        let count = |s: &Snapshot<Row>| s.members.iter().filter(|(_, p)| *p == h).count();
        assert!(count(&m.snapshots[0]) >= 22);
        assert!(count(&m.snapshots[2]) <= 3);
    }

    #[test]
    fn most_units_keep_exactly_one_group() {
        let m = model();
        let c = &m.snapshots[2];
        let mut per_unit = std::collections::BTreeMap::<&str, usize>::new();
        for r in c.rows.iter().filter(|r| matches!(r.status, "" | "正常")) {
            *per_unit.entry(&r.unit).or_default() += 1;
        }
        let ones = per_unit.values().filter(|&&n| n == 1).count();
        assert!(
            ones * 10 >= m.units.len() * 8,
            "{ones} of {}",
            m.units.len()
        );
        assert!(per_unit.values().all(|&n| n <= 3));
        assert_eq!(m.units.iter().filter(|u| u.level == "市级").count(), 20);
        assert!((2400..=2800).contains(&m.people.len()));
    }

    #[test]
    fn some_due_dates_are_bare_serials_and_sizes_are_sane() {
        let m = model();
        let b = &m.snapshots[0];
        assert!(b.rows.iter().filter(|r| r.due_as_serial).count() >= 3);
        assert!(b.rows.iter().all(|r| (8..=40).contains(&r.members)));
    }

    #[test]
    fn the_workbook_reads_back_as_clerks_lay_it_out() {
        use calamine::{Data, Reader, Xlsx, open_workbook};
        let dir = tempfile::tempdir().unwrap();
        write(dir.path()).unwrap();
        let path = dir.path().join("snapshots/2019-09-30/工作群台账.xlsx");
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("工作群台账").unwrap();
        assert_eq!(
            range.get((0, 0)),
            Some(&Data::String(
                "利川市微信工作群台账（截至2019年9月30日）".into()
            ))
        );
        assert_eq!(range.get((2, 0)), Some(&Data::String("序号".into())));
        assert_eq!(range.get((2, 14)), Some(&Data::String("合并至".into())));
        let rows = &model().snapshots[2].rows;
        assert_eq!(range.height(), rows.len() + 3);
        assert!(matches!(range.get((3, 8)), Some(Data::DateTime(_))));
        let serial = rows.iter().position(|r| r.due_as_serial).unwrap();
        assert!(matches!(range.get((serial + 3, 11)), Some(Data::Float(_))));
    }
}
