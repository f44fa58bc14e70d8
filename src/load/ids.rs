//! The group and member ids of a members table, held as codes.
//!
//! A province's members tables hold tens of millions of rows but a few million distinct
//! ids. As polars categoricals over one string table each cell costs 4 bytes instead of a
//! 16-byte string view, and the distinct memberships, the joins and the group-bys of the
//! analysis compare integers. Sorting a categorical column sorts by its text, so no
//! output depends on the order in which codes were handed out.

use polars::prelude::*;
use polars_arrow::array::{Array, Utf8ViewArray, View};
use std::sync::Mutex;

/// The members table's columns held as codes.
pub const CODED: [&str; 2] = ["group_id", "member_id"];

/// The dtype of coded ids. Every column holding it shares one string table, which a join
/// of two coded columns needs; the table lives while any such column does.
pub fn dtype() -> DataType {
    let categories = Categories::new("ids".into(), "jianfu".into(), CategoricalPhysical::U32);
    let mapping = categories.mapping();
    DataType::Categorical(categories, mapping)
}

/// Whether `name` is coded in a table of `kind`.
pub fn is_coded(kind: super::schema::TableKind, name: &str) -> bool {
    kind == super::schema::TableKind::Members && CODED.contains(&name)
}

/// Codes a column of ids (an expression over group ids to join with a members table).
pub fn coded(column: Expr) -> Expr {
    column.cast(dtype())
}

/// Up to this many rows a table's ids are read as text and coded by [`Coder::code`], a map
/// per core; text costs 16 bytes a cell until coded. A province's tables (tens of millions
/// of rows) are read in blocks of this many rows instead, each block's ids coded in row
/// order ([`Coder::code_in_order`]) before the next is read, which keeps the peak memory
/// under twice the inputs.
pub const TEXT_MAX_ROWS: usize = 4_000_000;

/// Codes the columns of ids read as text while one campaign loads. polars' string table
/// costs a few cache misses a lookup, and a campaign repeats its ids across the parts each
/// core codes, across columns and across snapshots. Up to [`TEXT_MAX_ROWS`], each core
/// codes a part of a column with a map of its own (keyed by the id's 16-byte view when the
/// id is short), then resolves the part's distinct ids in the load's map of known codes:
/// the string table is asked once per distinct id of the whole load. Past it, each column
/// is coded in row order through one table of the load's codes per coded column.
pub struct Coder {
    /// Holds the string table, so the known codes stay valid.
    dtype: DataType,
    known: Mutex<Known>,
    /// The codes of a big table's ids, one table per coded column ([`CODED`]'s order).
    ordered: [Mutex<Ordered>; 2],
}

/// Every code handed out so far, by the id's view (short ids) or text (long ones).
#[derive(Default)]
struct Known {
    short: crate::FastMap<u128, u32>,
    long: crate::FastMap<Box<str>, u32>,
}

/// A part's distinct ids, each by its first cell (chunk, index in it), in order of first
/// sight.
type Firsts = Vec<(usize, usize)>;

impl Default for Coder {
    fn default() -> Self {
        Coder {
            dtype: dtype(),
            known: Mutex::default(),
            ordered: Default::default(),
        }
    }
}

impl Coder {
    /// Codes a column of ids read as text.
    pub fn code(&self, column: &Column) -> PolarsResult<Column> {
        if column.len() > TEXT_MAX_ROWS {
            let table = CODED.iter().position(|c| column.name() == *c);
            return self.code_in_order(table.unwrap_or(0), column);
        }
        let ca = column.str()?;
        let chunks: Vec<&Utf8ViewArray> = ca.downcast_iter().collect();
        let mut codes = vec![0u32; ca.len()];
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let part = ca.len().div_ceil(cores).max(1);
        std::thread::scope(|scope| {
            let chunks = &chunks;
            let parts: Vec<_> = codes
                .chunks_mut(part)
                .enumerate()
                .map(|(i, codes)| scope.spawn(move || self.code_part(chunks, i * part, codes)))
                .collect();
            parts
                .into_iter()
                .try_for_each(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        })?;
        Ok(self.categorical(column, codes))
    }

    /// Codes a column of a big table's ids (past [`TEXT_MAX_ROWS`], read in blocks) in one
    /// pass in row order through the codes of every id seen in column `table` of
    /// [`CODED`]. A province's members are millions of ids in random order: each lookup
    /// misses the cache, so the slots of the next rows are fetched ahead while this one is
    /// looked up, and each id is asked of polars' string table once.
    pub fn code_in_order(&self, table: usize, column: &Column) -> PolarsResult<Column> {
        let DataType::Categorical(_, mapping) = &self.dtype else {
            unreachable!("ids are categoricals")
        };
        let ca = column.str()?;
        let mut codes = Vec::with_capacity(ca.len());
        let mut ordered = self.ordered[table]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for array in ca.downcast_iter() {
            let views = array.views();
            let hash_at = |i: usize| match views.get(i) {
                Some(view) if view.length <= View::MAX_INLINE_SIZE => hash(view.as_u128()),
                _ => 0,
            };
            let mut ahead = [0u64; AHEAD];
            for (i, h) in ahead.iter_mut().enumerate() {
                *h = hash_at(i);
                ordered.fetch(*h);
            }
            for (i, view) in views.iter().enumerate() {
                let h = std::mem::replace(&mut ahead[i % AHEAD], hash_at(i + AHEAD));
                ordered.fetch(ahead[i % AHEAD]);
                if !array.is_valid(i) {
                    codes.push(0);
                    continue;
                }
                let text = || array.value(i);
                codes.push(if view.length <= View::MAX_INLINE_SIZE {
                    ordered.short(view.as_u128(), h, || mapping.insert_cat(text()))?
                } else {
                    ordered.long(text(), || mapping.insert_cat(text()))?
                });
            }
        }
        Ok(self.categorical(column, codes))
    }

    /// The coded column of `column`'s codes.
    fn categorical(&self, column: &Column, codes: Vec<u32>) -> Column {
        let validity = column.str().ok().and_then(|ca| ca.rechunk_validity());
        let codes = UInt32Chunked::from_vec_validity(column.name().clone(), codes, validity);
        // SAFETY: every code came from `self.dtype`'s string table (`insert_cat`), which
        // `self.dtype` keeps alive; null rows are masked by the validity.
        let coded = unsafe {
            Categorical32Chunked::from_cats_and_dtype_unchecked(codes, self.dtype.clone())
        };
        coded.into_column()
    }

    /// Codes the rows `start..start + codes.len()` of the column made of `chunks` (nulls
    /// get 0, masked later).
    fn code_part(
        &self,
        chunks: &[&Utf8ViewArray],
        start: usize,
        codes: &mut [u32],
    ) -> PolarsResult<()> {
        // First each row gets the number of its id among the part's distinct ids.
        let mut short: crate::FastMap<u128, u32> = crate::FastMap::default();
        let mut long: crate::FastMap<&str, u32> = crate::FastMap::default();
        let mut firsts = Firsts::new();
        let end = start + codes.len();
        let mut offset = 0;
        for (c, array) in chunks.iter().enumerate() {
            let rows = start.max(offset)..end.min(offset + array.len());
            let views = array.views();
            for row in rows {
                let i = row - offset;
                if !array.is_valid(i) {
                    continue;
                }
                let view = views[i];
                // A view of up to 12 bytes holds the text itself: one key, one text.
                codes[row - start] = if view.length <= View::MAX_INLINE_SIZE {
                    number(&mut short, view.as_u128(), (c, i), &mut firsts)
                } else {
                    number(&mut long, array.value(i), (c, i), &mut firsts)
                };
            }
            offset += array.len();
        }
        // Then each distinct id gets its code, and each row the code of its number. Null
        // rows keep number 0, masked by the validity.
        let resolved = self.resolve(chunks, &firsts)?;
        for code in codes.iter_mut() {
            if let Some(&resolved) = resolved.get(*code as usize) {
                *code = resolved;
            }
        }
        Ok(())
    }

    /// The codes of the ids first seen at `firsts`: the known ones read under the lock, the
    /// ids new to the load asked of the string table outside it (other parts go on
    /// meanwhile; two parts asking for the same new id get the same code), then recorded.
    fn resolve(&self, chunks: &[&Utf8ViewArray], firsts: &Firsts) -> PolarsResult<Vec<u32>> {
        let DataType::Categorical(_, mapping) = &self.dtype else {
            unreachable!("ids are categoricals")
        };
        let mut codes = Vec::with_capacity(firsts.len());
        let mut new = Vec::new();
        {
            let known = self.known();
            for (n, &(c, i)) in firsts.iter().enumerate() {
                codes.push(known.get(chunks[c], i).unwrap_or_else(|| {
                    new.push(n);
                    0
                }));
            }
        }
        for &n in &new {
            let (c, i) = firsts[n];
            codes[n] = mapping.insert_cat(chunks[c].value(i))?;
        }
        let mut known = self.known();
        for &n in &new {
            let (c, i) = firsts[n];
            known.insert(chunks[c], i, codes[n]);
        }
        Ok(codes)
    }

    fn known(&self) -> std::sync::MutexGuard<'_, Known> {
        self.known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// How many rows ahead [`Coder::code_in_order`] fetches slots.
const AHEAD: usize = 16;

/// The codes of the ids of one column of big tables: short ids by their view in slots of
/// one open-addressed table (a slot is one cache line's read, key and code together),
/// long ones by their text.
#[derive(Default)]
struct Ordered {
    /// A power of two of slots, at most three quarters filled; empty until the first id.
    slots: Vec<Slot>,
    filled: usize,
    long: crate::FastMap<Box<str>, u32>,
}

/// A short id's view and its code; a view of no text (all zero) marks an empty slot, and
/// ids are never empty.
#[derive(Clone, Copy, Default)]
struct Slot {
    view: [u64; 2],
    code: u32,
}

fn hash(view: u128) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(view)
}

impl Ordered {
    /// Asks the cache for the slot where the id of `hash` is looked up first.
    fn fetch(&self, hash: u64) {
        #[cfg(target_arch = "x86_64")]
        if let Some(slot) = self
            .slots
            .get(hash as usize & self.slots.len().wrapping_sub(1))
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // SAFETY: a prefetch reads nothing and cannot fault; the address is a live slot.
            unsafe { _mm_prefetch::<_MM_HINT_T0>((slot as *const Slot).cast()) };
        }
    }

    /// The code of the short id of `view` (of `hash`), from `new` when first seen.
    fn short(
        &mut self,
        view: u128,
        hash: u64,
        new: impl FnOnce() -> PolarsResult<u32>,
    ) -> PolarsResult<u32> {
        if (self.filled + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let view = [view as u64, (view >> 64) as u64];
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = &mut self.slots[i];
            if slot.view == view {
                return Ok(slot.code);
            }
            if slot.view == [0, 0] {
                let code = new()?;
                *slot = Slot { view, code };
                self.filled += 1;
                return Ok(code);
            }
            i = (i + 1) & mask;
        }
    }

    /// The code of a long id, from `new` when first seen.
    fn long(&mut self, text: &str, new: impl FnOnce() -> PolarsResult<u32>) -> PolarsResult<u32> {
        if let Some(&code) = self.long.get(text) {
            return Ok(code);
        }
        let code = new()?;
        self.long.insert(text.into(), code);
        Ok(code)
    }

    /// Twice the slots, every filled one placed again.
    fn grow(&mut self) {
        let slots = (self.slots.len() * 2).max(1 << 12);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); slots]);
        let mask = slots - 1;
        for slot in old.into_iter().filter(|s| s.view != [0, 0]) {
            let view = u128::from(slot.view[0]) | (u128::from(slot.view[1]) << 64);
            let mut i = hash(view) as usize & mask;
            while self.slots[i].view != [0, 0] {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

impl Known {
    /// The code of the id in `array`'s cell `i`, if handed out.
    fn get(&self, array: &Utf8ViewArray, i: usize) -> Option<u32> {
        let view = array.views()[i];
        if view.length <= View::MAX_INLINE_SIZE {
            self.short.get(&view.as_u128()).copied()
        } else {
            self.long.get(array.value(i)).copied()
        }
    }

    fn insert(&mut self, array: &Utf8ViewArray, i: usize, code: u32) {
        let view = array.views()[i];
        if view.length <= View::MAX_INLINE_SIZE {
            self.short.insert(view.as_u128(), code);
        } else {
            self.long.insert(array.value(i).into(), code);
        }
    }
}

/// The number of the id under `key` among a part's distinct ids, numbering it when new.
fn number<K: std::hash::Hash + Eq>(
    seen: &mut crate::FastMap<K, u32>,
    key: K,
    cell: (usize, usize),
    firsts: &mut Firsts,
) -> u32 {
    *seen.entry(key).or_insert_with(|| {
        firsts.push(cell);
        (firsts.len() - 1) as u32
    })
}

/// A coded column from codes of [`dtype`]'s string table (codes it does not hold read as
/// null). polars deprecates casting integers to categoricals, and says so on stderr.
pub fn from_codes(codes: UInt32Chunked) -> Column {
    Categorical32Chunked::from_cats_and_dtype(codes, dtype()).into_column()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coded_columns_join_on_their_text_and_sort_by_it() {
        let a = Column::new("id".into(), ["b", "a", "b"])
            .cast(&dtype())
            .unwrap();
        let b = Column::new("id".into(), ["a", "c"]).cast(&dtype()).unwrap();
        let joined = DataFrame::new(3, vec![a.clone()])
            .unwrap()
            .lazy()
            .join(
                DataFrame::new(2, vec![b]).unwrap().lazy(),
                [col("id")],
                [col("id")],
                JoinArgs::new(JoinType::Inner),
            )
            .collect()
            .unwrap();
        assert_eq!(joined.height(), 1);
        let sorted = a.sort(Default::default()).unwrap();
        let texts: Vec<_> = sorted.cat32().unwrap().iter_str().flatten().collect();
        assert_eq!(texts, ["a", "b", "b"]);
        // Back from the codes to the same column.
        let codes = a.cat32().unwrap().physical().clone();
        assert!(from_codes(codes).equals_missing(&a));
    }

    #[test]
    fn coding_text_gives_the_codes_of_a_cast() {
        // Runs, ids seen again after others and across the parts each core codes, nulls,
        // an id that is another's prefix, ids longer than a view holds.
        let texts: Vec<Option<String>> = (0..1000)
            .map(|i| match i % 7 {
                0 => None,
                1 | 2 => Some(format!("Q{}", i / 100)),
                3 => Some(format!("Q{}0", i / 100)),
                4 => Some(format!("一个很长的群编号{}", i % 3)),
                _ => Some(format!("R{:09}", (i * 7919) % 41)),
            })
            .collect();
        let column = |texts: &[Option<String>]| Column::new("member_id".into(), texts);
        // In two chunks, as the CSV reader hands a column out.
        let mut chunked = column(&texts[..300]);
        chunked.append(&column(&texts[300..])).unwrap();
        assert_eq!(chunked.as_materialized_series().n_chunks(), 2);
        // A part of only nulls, then ids the coder has and has not seen.
        let mut later: Vec<Option<String>> = vec![None; 600];
        later.extend((0..400).map(|i| Some(format!("R{:09}", i % 50))));
        // One coder for all, as for the tables of one load: the third column's ids are all
        // known by then.
        let coder = Coder::default();
        for (column, texts) in [
            (column(&texts), &texts),
            (chunked, &texts),
            (column(&texts), &texts),
            (column(&later), &later),
        ] {
            for coded in [
                coder.code(&column).unwrap(),
                coder.code_in_order(1, &column).unwrap(),
            ] {
                assert_eq!(coded.name().as_str(), "member_id");
                assert!(coded.equals_missing(&column.cast(&dtype()).unwrap()));
                let back: Vec<Option<String>> = coded
                    .cat32()
                    .unwrap()
                    .iter_str()
                    .map(|t| t.map(str::to_string))
                    .collect();
                assert_eq!(&back, texts);
            }
        }
    }

    #[test]
    fn coding_in_order_keeps_every_code_as_its_table_grows() {
        // Enough distinct short ids to grow the table of slots several times, in an order
        // that revisits early ids after each growth, and a column coded in two passes.
        let texts: Vec<Option<String>> = (0..60_000u64)
            .map(|i| Some(format!("M{}", (i * 7_919) % 20_011)))
            .collect();
        let column = Column::new("member_id".into(), &texts);
        let coder = Coder::default();
        let cast = column.cast(&dtype()).unwrap();
        for _ in 0..2 {
            let coded = coder.code_in_order(1, &column).unwrap();
            assert!(coded.equals_missing(&cast));
        }
        assert_eq!(coder.ordered[1].lock().unwrap().filled, 20_011);
    }
}
