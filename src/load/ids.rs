//! The group and member ids of a members table, held as codes.
//!
//! A province's members tables hold tens of millions of rows but a few million distinct
//! ids. As polars categoricals over one string table each cell costs 4 bytes instead of a
//! 16-byte string view, and the distinct memberships, the joins and the group-bys of the
//! analysis compare integers. Sorting a categorical column sorts by its text, so no
//! output depends on the order in which codes were handed out.

use polars::prelude::*;
use polars_arrow::array::{Array, View};
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

/// A members table of more lines is read in blocks of this many, each block's ids coded
/// before the next is read: text costs 16 bytes a cell until coded, a code 4, which keeps a
/// province's peak memory under twice its inputs.
pub const BLOCK_ROWS: usize = 4_000_000;

/// Codes the columns of ids read as text while one campaign loads, in row order through
/// one table of codes per coded column, kept for the whole load: a campaign repeats its
/// ids across snapshots and tables, and polars' string table, a few cache misses a lookup,
/// is asked once per distinct id. A province's members are millions of ids in random
/// order, each lookup a miss of the cache: the slots of the next rows are fetched ahead
/// while a row's is looked up.
pub struct Coder {
    /// Holds the string table, so the codes handed out stay valid.
    dtype: DataType,
    /// By column, in [`CODED`]'s order.
    ordered: [Mutex<Ordered>; 2],
}

impl Default for Coder {
    fn default() -> Self {
        Coder {
            dtype: dtype(),
            ordered: Default::default(),
        }
    }
}

impl Coder {
    /// Codes a column of ids read as text: a member id column when named so, else a group
    /// id column.
    pub fn code(&self, column: &Column) -> PolarsResult<Column> {
        let table = CODED.iter().position(|c| column.name() == *c);
        self.code_in_order(table.unwrap_or(0), column)
    }

    /// Codes a column of the ids of column `table` of [`CODED`].
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
            let short = |view: &View| (1..=View::MAX_INLINE_SIZE).contains(&view.length);
            let hash_at = |i: usize| match views.get(i) {
                Some(view) if short(view) => hash(view.as_u128()),
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
                codes.push(if short(view) {
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
}

/// How many rows ahead [`Coder::code_in_order`] fetches slots.
const AHEAD: usize = 16;

/// The codes of the ids of one coded column: short ids by their view in slots of one
/// open-addressed table (key and code side by side in a slot, read together), long ones
/// (and the empty text, whose view marks an empty slot) by their text.
#[derive(Default)]
struct Ordered {
    /// A power of two of slots, at most three quarters filled; empty until the first id.
    slots: Vec<Slot>,
    filled: usize,
    long: crate::FastMap<Box<str>, u32>,
}

/// A short id's view and its code; a view of no text (all zero) marks an empty slot.
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
        // Runs, ids seen again after others, nulls, an id that is another's prefix, the
        // empty text, ids longer than a view holds; coded through either column's table.
        let texts: Vec<Option<String>> = (0..1000)
            .map(|i| match i % 7 {
                0 => None,
                1 | 2 => Some(format!("Q{}", i / 100)),
                3 if i % 2 == 0 => Some(format!("Q{}0", i / 100)),
                3 => Some(String::new()),
                4 => Some(format!("一个很长的群编号{}", i % 3)),
                _ => Some(format!("R{:09}", (i * 7919) % 41)),
            })
            .collect();
        let column = |texts: &[Option<String>]| Column::new("member_id".into(), texts);
        // In two chunks, as the CSV reader hands a column out.
        let mut chunked = column(&texts[..300]);
        chunked.append(&column(&texts[300..])).unwrap();
        assert_eq!(chunked.as_materialized_series().n_chunks(), 2);
        // A run of nulls longer than the fetch-ahead, then ids the coder has and has not seen.
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
                coder.code_in_order(0, &column).unwrap(),
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
        // that revisits early ids after each growth, and a column coded in two passes; the
        // empty text, whose view is an empty slot's, takes no slot.
        let texts: Vec<Option<String>> = (0..60_000u64)
            .map(|i| match i % 1_000 {
                999 => Some(String::new()),
                _ => Some(format!("M{}", (i * 7_919) % 20_011)),
            })
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
