//! What a request is compared with: one snapshot's active groups and an index from member
//! to their groups, laid out flat in one buffer of 8-byte words. The same words are what
//! `jianfu vet` keeps in a file between calls, so the next call reads them back and checks
//! them in a pass, without loading the inventory or building anything: at a province's
//! size loading takes seconds, reading the index a fraction of one (BENCHMARKS.md).
//!
//! Layout: a header of words (magic, the key of the inputs it was built from, the
//! snapshot's date, whether it has a members table, each section's length in bytes), then
//! the sections, each padded to a whole word. Members are sorted by id, so a request's
//! members are found by binary search; each member's groups are sorted and distinct.

use crate::analyse::engine::Run;
use crate::load::Snapshot;
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use std::ops::Range;

const MAGIC: u64 = u64::from_le_bytes(*b"JFVETIX1");

/// The sections, in the order they are laid out.
#[derive(Clone, Copy)]
enum Section {
    MemberText,
    MemberEnds,
    /// Member `m`'s groups are `Postings[Offsets[m]..Offsets[m + 1]]`.
    Offsets,
    Postings,
    IdText,
    IdEnds,
    NameText,
    NameEnds,
    UnitText,
    UnitEnds,
    PurposeText,
    PurposeEnds,
    /// One byte a group: 1 for stage work.
    Stage,
    /// Distinct members of each group.
    Sizes,
    /// Every group that has a unit, ordered by unit (then by position).
    ByUnit,
}

const SECTIONS: usize = Section::ByUnit as usize + 1;
/// Words before the sections: magic, key (4), date, has members, then the lengths.
const HEAD: usize = 7;

/// A column of texts: their bytes one after another, and where each ends. An empty text
/// is a missing value (the inventory's readers never keep an empty cell as text).
#[derive(Clone, Copy)]
struct Texts {
    text: Section,
    ends: Section,
}

const MEMBERS: Texts = Texts {
    text: Section::MemberText,
    ends: Section::MemberEnds,
};
const IDS: Texts = Texts {
    text: Section::IdText,
    ends: Section::IdEnds,
};
const NAMES: Texts = Texts {
    text: Section::NameText,
    ends: Section::NameEnds,
};
const UNITS: Texts = Texts {
    text: Section::UnitText,
    ends: Section::UnitEnds,
};
const PURPOSES: Texts = Texts {
    text: Section::PurposeText,
    ends: Section::PurposeEnds,
};

/// What identifies the inputs an index was built from (a SHA-256 digest).
pub type Key = [u8; 32];

/// One active group, as the index holds it.
pub struct Group<'a> {
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub purpose: Option<&'a str>,
    pub stage: bool,
    /// Its distinct members.
    pub size: u32,
}

/// One snapshot's active groups and its member → groups index.
pub struct Index {
    words: Vec<u64>,
    sections: [Range<usize>; SECTIONS],
    date: NaiveDate,
    has_members: bool,
}

fn optional(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

impl Index {
    /// Builds the index of `snapshot`'s groups and members tables; `key` names the inputs.
    pub fn new(snapshot: &Snapshot, key: Key) -> PolarsResult<Index> {
        let mut layout = Layout::default();
        let has_members = match &snapshot.groups {
            Some(groups) => {
                let ids = layout.groups(&groups.frame)?;
                match &snapshot.members {
                    Some(members) => {
                        layout.members(&members.frame, &ids)?;
                        true
                    }
                    None => false,
                }
            }
            None => false,
        };
        let words = layout.words(key, snapshot.date, has_members);
        Index::read(words, key)
            .ok_or_else(|| polars_err!(ComputeError: "the vet index does not read back"))
    }

    /// The index in `words`, if they hold a whole, consistent index built from `key`.
    pub fn read(words: Vec<u64>, key: Key) -> Option<Index> {
        let head = words.get(..HEAD + SECTIONS)?;
        let stored_key: Vec<u8> = head[1..5].iter().flat_map(|w| w.to_le_bytes()).collect();
        if head[0] != MAGIC || stored_key != key {
            return None;
        }
        let date = NaiveDate::from_num_days_from_ce_opt(i32::try_from(head[5] as i64).ok()?)?;
        let has_members = head[6] == 1;
        let mut at = (HEAD + SECTIONS) * 8;
        let mut sections: [Range<usize>; SECTIONS] = Default::default();
        for (range, &len) in sections.iter_mut().zip(&head[HEAD..]) {
            let len = usize::try_from(len).ok()?;
            *range = at..at.checked_add(len)?;
            at = at.checked_add(len.next_multiple_of(8))?;
        }
        if at != words.len() * 8 {
            return None;
        }
        let index = Index {
            words,
            sections,
            date,
            has_members,
        };
        index.consistent().then_some(index)
    }

    /// The words to keep: [`Index::read`] gives this index back from them.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Every offset and group number in range and every text whole, so that no lookup can
    /// fail on a file damaged after it was written.
    fn consistent(&self) -> bool {
        let groups = self.slice::<u64>(IDS.ends).len();
        let bounded = |values: &[u64], end: usize| {
            values.windows(2).all(|w| w[0] <= w[1])
                && values.last().is_none_or(|&l| l as usize <= end)
        };
        let texts_whole = |t: Texts| {
            let ends = self.slice::<u64>(t.ends);
            std::str::from_utf8(self.bytes(t.text)).is_ok_and(|text| {
                bounded(ends, text.len()) && ends.iter().all(|&e| text.is_char_boundary(e as usize))
            })
        };
        let offsets = self.slice::<u64>(Section::Offsets);
        [MEMBERS, IDS, NAMES, UNITS, PURPOSES]
            .into_iter()
            .all(texts_whole)
            && [NAMES, UNITS, PURPOSES]
                .iter()
                .all(|t| self.slice::<u64>(t.ends).len() == groups)
            && self.bytes(Section::Stage).len() == groups
            && self.slice::<u32>(Section::Sizes).len() == groups
            && offsets.len() == self.slice::<u64>(MEMBERS.ends).len() + 1
            && offsets.first() == Some(&0)
            && bounded(offsets, self.slice::<u32>(Section::Postings).len())
            && self
                .slice::<u32>(Section::Postings)
                .iter()
                .chain(self.slice::<u32>(Section::ByUnit))
                .all(|&g| (g as usize) < groups)
    }

    fn bytes(&self, section: Section) -> &[u8] {
        let all: &[u8] = bytemuck::cast_slice(&self.words);
        &all[self.sections[section as usize].clone()]
    }

    /// A section of numbers; sections start on a word, so the cast is aligned.
    fn slice<T: bytemuck::Pod>(&self, section: Section) -> &[T] {
        let bytes = self.bytes(section);
        bytemuck::cast_slice(&bytes[..bytes.len() / size_of::<T>() * size_of::<T>()])
    }

    fn text(&self, t: Texts, i: usize) -> &str {
        let ends = self.slice::<u64>(t.ends);
        let start = if i == 0 { 0 } else { ends[i - 1] as usize };
        let bytes = &self.bytes(t.text)[start..ends[i] as usize];
        // Checked whole in `consistent`.
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The snapshot the index was built from.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Whether the snapshot had a members table.
    pub fn has_members(&self) -> bool {
        self.has_members
    }

    pub fn group(&self, g: u32) -> Group<'_> {
        let i = g as usize;
        Group {
            id: self.text(IDS, i),
            name: optional(self.text(NAMES, i)),
            unit: optional(self.text(UNITS, i)),
            purpose: optional(self.text(PURPOSES, i)),
            stage: self.bytes(Section::Stage)[i] == 1,
            size: self.slice::<u32>(Section::Sizes)[i],
        }
    }

    /// The active groups `member` is in, None when no active group holds them.
    pub fn groups_of(&self, member: &str) -> Option<&[u32]> {
        let members = self.slice::<u64>(MEMBERS.ends).len();
        let m = partition(members, |i| self.text(MEMBERS, i) < member);
        if m == members || self.text(MEMBERS, m) != member {
            return None;
        }
        let offsets = self.slice::<u64>(Section::Offsets);
        Some(&self.slice::<u32>(Section::Postings)[offsets[m] as usize..offsets[m + 1] as usize])
    }

    /// The active groups of `unit`.
    pub fn groups_in(&self, unit: &str) -> &[u32] {
        let by_unit = self.slice::<u32>(Section::ByUnit);
        let unit_of = |i: usize| self.text(UNITS, by_unit[i] as usize);
        let start = partition(by_unit.len(), |i| unit_of(i) < unit);
        let end = partition(by_unit.len(), |i| unit_of(i) <= unit);
        &by_unit[start..end]
    }
}

/// The first of `0..len` for which `before` is false; `before` must hold for a prefix.
fn partition(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        if before(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// The sections as they are built.
#[derive(Default)]
struct Layout {
    sections: [Vec<u8>; SECTIONS],
}

fn column_texts(frame: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    Ok(frame
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

impl Layout {
    fn put<T: bytemuck::Pod>(&mut self, section: Section, values: &[T]) {
        self.sections[section as usize] = bytemuck::cast_slice(values).to_vec();
    }

    fn put_texts<'a>(&mut self, t: Texts, values: impl IntoIterator<Item = &'a str>) {
        let mut text = Vec::new();
        let mut ends = Vec::new();
        for v in values {
            text.extend_from_slice(v.as_bytes());
            ends.push(text.len() as u64);
        }
        self.sections[t.text as usize] = text;
        self.put(t.ends, &ends);
    }

    /// The active groups, by id; returns their ids in that order.
    fn groups(&mut self, groups: &DataFrame) -> PolarsResult<Vec<String>> {
        let stage = crate::analyse::items::stage_work(col("term"), col("expires"));
        let active = groups
            .clone()
            .lazy()
            .filter(col("status").eq(lit("active")))
            .select([
                col("id"),
                col("name"),
                col("unit"),
                col("purpose"),
                stage.alias("stage"),
            ])
            .sort(["id"], SortMultipleOptions::default())
            .run()?;
        let ids = column_texts(&active, "id")?;
        let units = column_texts(&active, "unit")?;
        self.put_texts(IDS, ids.iter().map(String::as_str));
        self.put_texts(
            NAMES,
            column_texts(&active, "name")?.iter().map(String::as_str),
        );
        self.put_texts(UNITS, units.iter().map(String::as_str));
        self.put_texts(
            PURPOSES,
            column_texts(&active, "purpose")?.iter().map(String::as_str),
        );
        let stage: Vec<u8> = active
            .column("stage")?
            .bool()?
            .iter()
            .map(|s| u8::from(s == Some(true)))
            .collect();
        self.put(Section::Stage, &stage);
        let mut by_unit: Vec<u32> = (0..units.len() as u32)
            .filter(|&g| !units[g as usize].is_empty())
            .collect();
        by_unit.sort_by(|&a, &b| units[a as usize].cmp(&units[b as usize]).then(a.cmp(&b)));
        self.put(Section::ByUnit, &by_unit);
        self.put(Section::Sizes, &vec![0u32; ids.len()]);
        Ok(ids)
    }

    /// The member → groups index over the active groups `ids`, and each group's size.
    fn members(&mut self, members: &DataFrame, ids: &[String]) -> PolarsResult<()> {
        let group_col = members.column("group_id")?.cat32()?;
        let member_col = members.column("member_id")?.cat32()?;
        // Group and member ids share the load's one string table.
        let mapping = member_col.get_mapping();
        let codes = mapping.num_cats_upper_bound();
        let mut position = vec![u32::MAX; codes];
        for (i, id) in ids.iter().enumerate() {
            if let Some(slot) = mapping
                .get_cat(id)
                .and_then(|code| position.get_mut(code as usize))
            {
                *slot = i as u32;
            }
        }
        let pairs = || {
            group_col
                .physical()
                .iter()
                .zip(member_col.physical().iter())
                .filter_map(|(g, m)| {
                    let group = *position.get(g? as usize)?;
                    let member = m? as usize;
                    (group != u32::MAX && member < codes).then_some((group, member))
                })
        };
        // Counting sort by member code, then each member's groups sorted and distinct.
        let mut starts = vec![0usize; codes + 1];
        for (_, m) in pairs() {
            starts[m + 1] += 1;
        }
        for i in 0..codes {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut by_code = vec![0u32; starts[codes]];
        for (g, m) in pairs() {
            by_code[fill[m]] = g;
            fill[m] += 1;
        }
        let mut order: Vec<(&str, usize)> = (0..codes)
            .filter(|&m| starts[m + 1] > starts[m])
            .filter_map(|m| Some((mapping.cat_to_str(m as u32)?, m)))
            .collect();
        order.sort_unstable();
        let mut offsets = Vec::with_capacity(order.len() + 1);
        offsets.push(0u64);
        let mut postings = Vec::with_capacity(by_code.len());
        let mut sizes = vec![0u32; ids.len()];
        for &(_, m) in &order {
            let list = &mut by_code[starts[m]..starts[m + 1]];
            list.sort_unstable();
            let mut previous = u32::MAX;
            for &g in list.iter() {
                if g != previous {
                    postings.push(g);
                    sizes[g as usize] += 1;
                    previous = g;
                }
            }
            offsets.push(postings.len() as u64);
        }
        self.put_texts(MEMBERS, order.iter().map(|(id, _)| *id));
        self.put(Section::Offsets, &offsets);
        self.put(Section::Postings, &postings);
        self.put(Section::Sizes, &sizes);
        Ok(())
    }

    fn words(mut self, key: Key, date: NaiveDate, has_members: bool) -> Vec<u64> {
        if self.sections[Section::Offsets as usize].is_empty() {
            self.put(Section::Offsets, &[0u64]);
        }
        let mut words = vec![MAGIC];
        words.extend(
            key.chunks(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())),
        );
        words.push(i64::from(date.num_days_from_ce()) as u64);
        words.push(u64::from(has_members));
        words.extend(self.sections.iter().map(|s| s.len() as u64));
        for section in &self.sections {
            let at = words.len();
            words.resize(at + section.len().div_ceil(8), 0);
            bytemuck::cast_slice_mut::<u64, u8>(&mut words[at..])[..section.len()]
                .copy_from_slice(section);
        }
        words
    }
}
