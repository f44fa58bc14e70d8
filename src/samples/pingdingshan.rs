//! 河南省平顶山市高新区 (2019): work chat groups cut from 137 to 73, with
//! surviving groups trimmed by 184 memberships.
//!
//! UTF-8 CSVs with BOM; the members table carries phone numbers on purpose,
//! since real inventories do and the report must never echo them.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use chrono::{Days, NaiveDate};

use super::{
    Closure, Life, Person, Rng, Roster, Snapshot, iso, person_name, phone_number, reset_campaign,
    snapshot_dir, write_csv_bom, ymd,
};

pub(crate) const FOLDER: &str = "pingdingshan-gxq";
const SEED: u64 = 0x5044_5347_5851_0610;

// The article's figures, baseline → current.
const RETAINED: usize = 65;
const DISSOLVED: usize = 29;
const MERGED: usize = 37;
/// Overdue stage work: half marked 解散, half deleted from the ledger.
const EXPIRED: usize = 6;
const NEW: usize = 8;
const NEW_FILED: usize = 5;
const MEMBERS_REMOVED: usize = 184;
/// Retained groups that lost members.
const TRIMMED: usize = 30;
/// Retained stage-work groups running past the current date.
const RETAINED_STAGE: usize = 5;
// Shape of the intermediate snapshot (2019-06-30): 137 − 25 + 3 = 115 active.
const CLOSED_BY_MID: usize = 25;
const NEW_BY_MID: usize = 3;

fn dates() -> [NaiveDate; 3] {
    [ymd(2019, 6, 10), ymd(2019, 6, 30), ymd(2019, 9, 30)]
}

/// (unit, 乡镇街道, 层级, short name used in group names, weight, staff in pool)
const UNITS: [(&str, &str, &str, &str, usize, usize); 16] = [
    ("党工委办公室", "", "县级", "党工委办", 8, 24),
    ("管委会办公室", "", "县级", "管委会办", 9, 28),
    ("经济发展局", "", "县级", "经发局", 7, 30),
    ("财政局", "", "县级", "财政局", 5, 26),
    ("规划建设局", "", "县级", "规建局", 7, 34),
    ("社会事业局", "", "县级", "社会事业局", 8, 38),
    ("招商局", "", "县级", "招商局", 5, 18),
    ("园区办", "", "县级", "园区办", 4, 16),
    (
        "遵化店镇人民政府",
        "遵化店镇",
        "乡镇街道",
        "遵化店镇",
        10,
        56,
    ),
    ("皇台街道办事处", "皇台街道", "乡镇街道", "皇台街道", 9, 48),
    ("遵化店镇杨庄村村委会", "遵化店镇", "村社区", "杨庄村", 2, 9),
    ("遵化店镇曹庄村村委会", "遵化店镇", "村社区", "曹庄村", 2, 8),
    (
        "遵化店镇大营村村委会",
        "遵化店镇",
        "村社区",
        "大营村",
        2,
        10,
    ),
    (
        "皇台街道湛南社区居委会",
        "皇台街道",
        "村社区",
        "湛南社区",
        2,
        11,
    ),
    (
        "皇台街道新城社区居委会",
        "皇台街道",
        "村社区",
        "新城社区",
        2,
        9,
    ),
    (
        "皇台街道光明社区居委会",
        "皇台街道",
        "村社区",
        "光明社区",
        2,
        10,
    ),
];

const LONG_TOPICS: &[(&str, &str)] = &[
    ("工作群", "日常工作通知"),
    ("通知群", "会议通知"),
    ("党建群", "党建工作"),
    ("信息报送群", "信息报送"),
    ("安全生产群", "安全生产监管"),
    ("环保攻坚群", "大气污染防治"),
    ("项目推进群", "重点项目推进"),
    ("企业服务群", "服务辖区企业"),
    ("招商对接群", "招商项目对接"),
    ("财务报账群", "财务报账"),
    ("信访稳定群", "信访稳定"),
    ("扶贫工作群", "脱贫攻坚"),
    ("网格化管理群", "网格化管理"),
    ("党员学习群", "学习交流"),
    ("值班群", "值班调度"),
    ("宣传报道群", "宣传报道"),
    ("征迁工作群", "征地拆迁"),
    ("统计报表群", "统计报表"),
];

const STAGE_TOPICS: &[(&str, &str)] = &[
    ("扫黑除恶专项斗争群", "扫黑除恶专项斗争"),
    ("主题教育群", "主题教育"),
    ("经济普查群", "第四次全国经济普查"),
    ("秋冬季大气攻坚群", "大气污染防治攻坚"),
    ("文明城市迎检群", "创文迎检"),
    ("防汛值班群", "汛期值班"),
    ("环保督察迎检群", "环保督察迎检"),
    ("人居环境整治群", "农村人居环境整治"),
];

/// One ledger row as the clerk typed it.
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) platform: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) township: &'static str,
    pub(crate) level: &'static str,
    pub(crate) owner: String,
    pub(crate) admin: String,
    pub(crate) members: usize,
    pub(crate) purpose: &'static str,
    pub(crate) created: NaiveDate,
    /// 最后发言时间, minute precision.
    pub(crate) last_message: String,
    pub(crate) stage: bool,
    pub(crate) due: Option<NaiveDate>,
    pub(crate) filed: bool,
    pub(crate) status: &'static str,
    pub(crate) merged_into: String,
    pub(crate) messages_30d: usize,
}

pub(crate) struct Model {
    pub(crate) people: Vec<Person>,
    pub(crate) phones: Vec<String>,
    pub(crate) snapshots: Vec<Snapshot<Row>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fate {
    Retained,
    New,
    Merged,
    /// Overdue stage work; `true` when the row is deleted rather than marked.
    Expired(bool),
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
    filed: bool,
    /// 处置情况 written for an active group once the review has started.
    reviewed_word: &'static str,
    show_admin: bool,
    life: Life,
    roster: Roster,
    /// Last message per snapshot: date, hour, minute.
    last_message: [(NaiveDate, usize, usize); 3],
    messages: [usize; 3],
}

fn build_people(rng: &mut Rng) -> (Vec<Person>, Vec<String>) {
    let mut people = Vec::new();
    let mut phones = Vec::new();
    let mut used = BTreeSet::new();
    for (u, unit) in UNITS.iter().enumerate() {
        for _ in 0..unit.5 {
            people.push(Person {
                id: format!("GX-P{:04}", people.len() + 1),
                name: person_name(rng),
                home: u,
            });
            let phone = loop {
                let p = phone_number(rng);
                if used.insert(p.clone()) {
                    break p;
                }
            };
            phones.push(phone);
        }
    }
    (people, phones)
}

/// The circle a unit's groups recruit from beyond its own staff: the whole
/// district for district offices, the township for townships and villages.
fn circle(people: &[Person], unit: usize) -> Vec<usize> {
    let township = UNITS[unit].1;
    (0..people.len())
        .filter(|&p| {
            let home = UNITS[people[p].home];
            if township.is_empty() {
                home.2 != "村社区"
            } else {
                home.1 == township || home.3 == "党工委办"
            }
        })
        .collect()
}

fn draw_members(rng: &mut Rng, people: &[Person], unit: usize, size: usize) -> Vec<usize> {
    let mut own: Vec<usize> = (0..people.len())
        .filter(|&p| people[p].home == unit)
        .collect();
    rng.shuffle(&mut own);
    own.truncate(size * 3 / 5);
    let mut chosen = own;
    let wider = circle(people, unit);
    while chosen.len() < size {
        let p = *rng.pick(&wider);
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    chosen
}

fn plan(rng: &mut Rng) -> (Vec<Person>, Vec<String>, Vec<Group>) {
    let dates = dates();
    let (people, phones) = build_people(rng);
    let weights: Vec<usize> = UNITS.iter().map(|u| u.4).collect();

    // Every unit keeps at least one group; merged groups fold into one of them.
    let mut fates_of: Vec<Vec<Fate>> = vec![vec![Fate::Retained]; UNITS.len()];
    let mut add = |rng: &mut Rng, fate: Fate, n: usize| {
        for _ in 0..n {
            fates_of[rng.weighted(&weights)].push(fate);
        }
    };
    add(rng, Fate::Retained, RETAINED - UNITS.len());
    add(rng, Fate::Dissolved, DISSOLVED);
    add(rng, Fate::Merged, MERGED);
    add(rng, Fate::Expired(false), EXPIRED / 2);
    add(rng, Fate::Expired(true), EXPIRED - EXPIRED / 2);
    let mut skeleton: Vec<(usize, Fate)> = Vec::new();
    for (u, fates) in fates_of.iter_mut().enumerate() {
        rng.shuffle(fates);
        skeleton.extend(fates.iter().map(|&f| (u, f)));
    }
    let district: Vec<usize> = weights
        .iter()
        .map(|&w| if w >= 4 { w } else { 0 })
        .collect();
    for _ in 0..NEW {
        skeleton.push((rng.weighted(&district), Fate::New));
    }
    let retained_of_unit: Vec<Vec<usize>> = (0..UNITS.len())
        .map(|u| {
            (0..skeleton.len())
                .filter(|&i| skeleton[i] == (u, Fate::Retained))
                .collect()
        })
        .collect();

    // Marked-as-dissolved overdue groups went before June's count; the
    // deleted ones lasted until the current ledger.
    let mut early: Vec<usize> = (0..skeleton.len())
        .filter(|&i| matches!(skeleton[i].1, Fate::Dissolved | Fate::Merged))
        .collect();
    rng.shuffle(&mut early);
    let mut by_mid: BTreeSet<usize> = (0..skeleton.len())
        .filter(|&i| skeleton[i].1 == Fate::Expired(false))
        .collect();
    let rest = CLOSED_BY_MID - by_mid.len();
    by_mid.extend(early.into_iter().take(rest));

    let mut retained: Vec<usize> = (0..skeleton.len())
        .filter(|&i| skeleton[i].1 == Fate::Retained)
        .collect();
    rng.shuffle(&mut retained);
    let stage_kept: BTreeSet<usize> = retained.iter().copied().take(RETAINED_STAGE).collect();
    let mut new_filed: Vec<bool> = (0..NEW).map(|k| k < NEW_FILED).collect();
    rng.shuffle(&mut new_filed);

    let mut names_used = BTreeSet::new();
    let mut groups = Vec::with_capacity(skeleton.len());
    let mut new_seen = 0;
    for (i, &(u, fate)) in skeleton.iter().enumerate() {
        let born = if fate == Fate::New {
            new_seen += 1;
            if new_seen <= NEW_BY_MID { 1 } else { 2 }
        } else {
            0
        };
        let at = if by_mid.contains(&i) { 1 } else { 2 };
        let due = match fate {
            Fate::Expired(false) => Some(rng.date_between(ymd(2019, 5, 31), dates[1])),
            Fate::Expired(true) => Some(rng.date_between(ymd(2019, 7, 15), ymd(2019, 9, 15))),
            Fate::Retained if stage_kept.contains(&i) => {
                Some(*rng.pick(&[ymd(2019, 12, 31), ymd(2020, 3, 31), ymd(2020, 6, 30)]))
            }
            Fate::New if new_seen == NEW => Some(ymd(2019, 12, 31)),
            // Stage work wound up before its due date counts as dissolved.
            Fate::Dissolved if rng.chance(15) => {
                Some(*rng.pick(&[ymd(2019, 10, 31), ymd(2019, 12, 31)]))
            }
            _ => None,
        };
        let (topic, purpose) = *rng.pick(if due.is_some() {
            STAGE_TOPICS
        } else {
            LONG_TOPICS
        });
        let prefix = UNITS[u].3;
        let mut name = format!("{prefix}{topic}");
        let mut n = 2;
        while names_used.contains(&name) {
            name = format!("{prefix}{}{n}群", topic.trim_end_matches('群'));
            n += 1;
        }
        names_used.insert(name.clone());

        let life = match fate {
            Fate::Retained => Life::standing(),
            Fate::New => Life { born, closed: None },
            Fate::Merged => Life {
                born,
                closed: Some(Closure {
                    at,
                    status: rng.word(&["合并", "并入"]),
                    into: Some(*rng.pick(&retained_of_unit[u])),
                    dropped: None,
                }),
            },
            Fate::Expired(true) => Life {
                born,
                closed: Some(Closure {
                    at: 2,
                    status: "解散",
                    into: None,
                    dropped: Some(2),
                }),
            },
            Fate::Expired(false) => Life {
                born,
                closed: Some(Closure {
                    at,
                    status: "解散",
                    into: None,
                    dropped: None,
                }),
            },
            Fate::Dissolved => Life {
                born,
                closed: Some(Closure {
                    at,
                    status: rng.word(&["解散", "撤销"]),
                    into: None,
                    dropped: None,
                }),
            },
        };
        let created = match born {
            0 if due.is_some() => rng.date_between(ymd(2018, 9, 1), ymd(2019, 5, 31)),
            0 => rng.date_between(ymd(2016, 3, 1), ymd(2019, 5, 31)),
            1 => rng.date_between(ymd(2019, 6, 11), ymd(2019, 6, 28)),
            _ => rng.date_between(ymd(2019, 7, 1), ymd(2019, 9, 25)),
        };
        let size = rng.range(8, 40);
        let roster = Roster {
            initial: draw_members(rng, &people, u, size),
            changes: Vec::new(),
        };
        let (last_message, messages) = chatter(rng, &dates, created, &life);
        let new_index = new_seen.saturating_sub(1);
        groups.push(Group {
            id: if fate == Fate::New {
                format!("GX{:03}", skeleton.len() - NEW + new_seen)
            } else {
                format!("GX{:03}", i + 1)
            },
            unit: u,
            fate,
            name,
            platform: ["微信", "企业微信", "钉钉"][rng.weighted(&[85, 8, 7])],
            purpose,
            created,
            due,
            filed: match fate {
                Fate::New => new_filed[new_index],
                Fate::Retained => rng.chance(90),
                _ => rng.chance(40),
            },
            reviewed_word: if rng.chance(60) { "保留" } else { "" },
            show_admin: rng.chance(70),
            life,
            roster,
            last_message,
            messages,
        });
    }
    trim(rng, &people, &mut groups);
    (people, phones, groups)
}

/// 最后发言时间 and 近30日消息数 per snapshot; half the closing groups had
/// gone quiet long before the clean-up.
fn chatter(
    rng: &mut Rng,
    dates: &[NaiveDate; 3],
    created: NaiveDate,
    life: &Life,
) -> ([(NaiveDate, usize, usize); 3], [usize; 3]) {
    let quiet = life.closed.is_some() && rng.chance(50);
    let quiet_since = (
        rng.date_between(created, ymd(2019, 5, 20).max(created)),
        rng.range(7, 23),
        rng.below(60),
    );
    let mut last = [(created, 9, 0); 3];
    let mut messages = [0; 3];
    let mut prev = (created, 9, 0);
    for s in life.born..dates.len() {
        let (hour, minute) = (rng.range(7, 23), rng.below(60));
        let candidate = if quiet {
            quiet_since
        } else if life.active(s) {
            (dates[s] - Days::new(rng.below(4) as u64), hour, minute)
        } else if life.closed.as_ref().is_some_and(|c| c.at == s) {
            (
                rng.date_between(dates[s - 1], dates[s] - Days::new(10)),
                hour,
                minute,
            )
        } else {
            prev
        };
        prev = prev.max(candidate);
        last[s] = prev;
        messages[s] = if life.active(s) && !quiet {
            rng.range(20, 900)
        } else {
            0
        };
    }
    (last, messages)
}

/// Removes exactly MEMBERS_REMOVED memberships from TRIMMED retained groups
/// (never the owner or admin), and lets a few people join others.
fn trim(rng: &mut Rng, people: &[Person], groups: &mut [Group]) {
    let mut retained: Vec<usize> = (0..groups.len())
        .filter(|&i| groups[i].fate == Fate::Retained)
        .collect();
    rng.shuffle(&mut retained);
    let trimmed = &retained[..TRIMMED];
    let room: Vec<usize> = trimmed
        .iter()
        .map(|&i| (groups[i].roster.initial.len() - 4).min(15))
        .collect();
    let mut cuts = vec![1usize; TRIMMED];
    let mut left = MEMBERS_REMOVED - TRIMMED;
    while left > 0 {
        let k = rng.below(TRIMMED);
        if cuts[k] < room[k] {
            cuts[k] += 1;
            left -= 1;
        }
    }
    for (&i, &n) in trimmed.iter().zip(&cuts) {
        let roster = &mut groups[i].roster;
        let mut leavers = roster.initial[2..].to_vec();
        rng.shuffle(&mut leavers);
        for &p in &leavers[..n] {
            let at = if rng.chance(40) { 1 } else { 2 };
            roster.changes.push((p, at, false));
        }
    }
    for &i in &retained[TRIMMED..TRIMMED + 12] {
        let wider = circle(people, groups[i].unit);
        let g = &mut groups[i];
        for _ in 0..rng.range(1, 3) {
            let p = *rng.pick(&wider);
            if !g.roster.initial.contains(&p) && !g.roster.changes.iter().any(|c| c.0 == p) {
                g.roster.changes.push((p, 2, true));
            }
        }
    }
}

/// What a clean-up leaves for the next round: one new group that copies a kept group's
/// members (a merge candidate), two kept groups gone silent since May (僵尸群), and one
/// kept stage-work group past its end date.
fn leave_loose_ends(groups: &mut [Group]) {
    let first_new = groups.iter().position(|g| g.fate == Fate::New);
    if let Some(n) = first_new {
        let unit = groups[n].unit;
        let twin = (0..groups.len())
            .filter(|&i| groups[i].fate == Fate::Retained && groups[i].unit == unit)
            .max_by_key(|&i| (groups[i].roster.at(2).len(), std::cmp::Reverse(i)));
        if let Some(twin) = twin {
            let mut copied = groups[twin].roster.at(2);
            // All but one member: nearly, not exactly, the same group.
            if copied.len() >= 10 {
                copied.pop();
            }
            groups[n].roster = Roster {
                initial: copied,
                changes: Vec::new(),
            };
        }
    }
    let kept: Vec<usize> = (0..groups.len())
        .filter(|&i| groups[i].fate == Fate::Retained)
        .collect();
    let quiet = (ymd(2019, 5, 20), 16, 40);
    for &i in kept.iter().rev().take(2) {
        for s in 0..3 {
            groups[i].last_message[s] = groups[i].last_message[s].min(quiet);
            if s > 0 {
                groups[i].messages[s] = 0;
            }
        }
    }
    if let Some(&i) = kept.iter().find(|&&i| groups[i].due.is_some()) {
        groups[i].due = Some(ymd(2019, 9, 15));
    }
}

pub(crate) fn model() -> Model {
    let mut rng = Rng::new(SEED);
    let (people, phones, mut groups) = plan(&mut rng);
    leave_loose_ends(&mut groups);
    let snapshots = dates()
        .iter()
        .enumerate()
        .map(|(s, &date)| {
            let mut rows = Vec::new();
            let mut members = Vec::new();
            for g in groups.iter().filter(|g| g.life.listed(s)) {
                let unit = &UNITS[g.unit];
                let closure = g.life.closed.as_ref().filter(|c| s >= c.at);
                let roster = g.roster.at(g.life.last_active(s));
                let (day, hour, minute) = g.last_message[s];
                rows.push(Row {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    platform: g.platform,
                    unit: unit.0,
                    township: unit.1,
                    level: unit.2,
                    owner: people[g.roster.initial[0]].name.clone(),
                    admin: if g.show_admin {
                        people[g.roster.initial[1]].name.clone()
                    } else {
                        String::new()
                    },
                    members: roster.len(),
                    purpose: g.purpose,
                    created: g.created,
                    last_message: format!("{} {hour:02}:{minute:02}", iso(day)),
                    stage: g.due.is_some(),
                    due: g.due,
                    filed: g.filed,
                    // The 处置情况 column is only filled in once the review starts.
                    status: match closure {
                        Some(c) => c.status,
                        None if s == 0 => "",
                        None => g.reviewed_word,
                    },
                    merged_into: closure
                        .and_then(|c| c.into)
                        .map_or_else(String::new, |t| groups[t].id.clone()),
                    messages_30d: g.messages[s],
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
        people,
        phones,
        snapshots,
    }
}

fn record(r: &Row) -> Vec<String> {
    vec![
        r.id.clone(),
        r.name.clone(),
        r.platform.to_string(),
        r.unit.to_string(),
        r.township.to_string(),
        r.level.to_string(),
        r.owner.clone(),
        r.admin.clone(),
        r.members.to_string(),
        r.purpose.to_string(),
        iso(r.created),
        r.last_message.clone(),
        (if r.stage { "阶段性" } else { "长期" }).to_string(),
        r.due.map_or_else(String::new, iso),
        (if r.filed { "是" } else { "否" }).to_string(),
        r.status.to_string(),
        r.merged_into.clone(),
        r.messages_30d.to_string(),
    ]
}

pub(crate) fn write(dir: &Path) -> io::Result<()> {
    reset_campaign(
        dir,
        "平顶山高新区微信工作群专项整治",
        "河南省平顶山市高新区",
        "平顶山高新区纪工委",
    )?;
    let model = model();
    const HEADERS: [&str; 18] = [
        "群编号",
        "群名称",
        "平台",
        "所属单位",
        "乡镇街道",
        "层级",
        "群主",
        "群管理员",
        "群成员数",
        "用途",
        "建群日期",
        "最后发言时间",
        "使用期限",
        "到期日期",
        "是否备案",
        "处置情况",
        "合并到",
        "近30日消息数",
    ];
    for snap in &model.snapshots {
        let folder = snapshot_dir(dir, snap.date)?;
        let rows: Vec<Vec<String>> = snap.rows.iter().map(record).collect();
        write_csv_bom(&folder.join("工作群台账.csv"), &HEADERS, &rows)?;
        let members: Vec<Vec<String>> = snap
            .members
            .iter()
            .map(|(g, p)| {
                let person = &model.people[*p];
                vec![
                    g.clone(),
                    person.id.clone(),
                    person.name.clone(),
                    model.phones[*p].clone(),
                ]
            })
            .collect();
        write_csv_bom(
            &folder.join("群成员.csv"),
            &["群编号", "成员编号", "姓名", "手机号"],
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
            t,
            Tally {
                before: 137,
                after: 73,
                retained: 65,
                merged: 37,
                expired: 6,
                dissolved: 29,
                new: 8,
                members_removed: 184,
                trimmed: TRIMMED,
            }
        );
        assert_eq!(tally(&m.snapshots[0], &m.snapshots[1]).after, 115);
    }

    #[test]
    fn expired_and_new_groups_look_as_reported() {
        let m = model();
        let (b, c) = (&m.snapshots[0], &m.snapshots[2]);
        let cut = c.date;
        let overdue = |r: &Row| r.stage && r.due.is_some_and(|d| d <= cut);
        let listed: BTreeSet<&str> = c.rows.iter().map(|r| r.id.as_str()).collect();
        let marked = c
            .rows
            .iter()
            .filter(|r| overdue(r) && r.status == "解散")
            .count();
        let missing = b
            .rows
            .iter()
            .filter(|r| overdue(r) && !listed.contains(r.id.as_str()))
            .count();
        assert_eq!((marked, missing), (3, 3));
        let baseline: BTreeSet<&str> = b.rows.iter().map(|r| r.id.as_str()).collect();
        let new: Vec<&Row> = c
            .rows
            .iter()
            .filter(|r| !baseline.contains(r.id.as_str()))
            .collect();
        assert_eq!(new.len(), 8);
        assert_eq!(new.iter().filter(|r| r.filed).count(), 5);
        let kept_stage = c
            .rows
            .iter()
            .filter(|r| {
                matches!(r.status, "" | "保留") && r.stage && r.due.is_some_and(|d| d > cut)
            })
            .count();
        assert!(kept_stage >= 3);
    }

    #[test]
    fn phones_and_timestamps_are_well_formed() {
        let m = model();
        for phone in &m.phones {
            assert_eq!(phone.len(), 11);
            assert!(["13", "15", "18"].contains(&&phone[..2]));
        }
        for r in &m.snapshots[2].rows {
            assert_eq!(r.last_message.len(), "2019-09-28 21:14".len());
        }
    }
}
