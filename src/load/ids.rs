//! The group and member ids of a members table, held as codes.
//!
//! A province's members tables hold tens of millions of rows but a few million distinct
//! ids. As polars categoricals over one string table each cell costs 4 bytes instead of a
//! 16-byte string view, and the distinct memberships, the joins and the group-bys of the
//! analysis compare integers. Sorting a categorical column sorts by its text, so no
//! output depends on the order in which codes were handed out.

use polars::prelude::*;
use polars_arrow::array::{Array, Utf8ViewArray, View};
use std::collections::hash_map::Entry;

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

/// Up to this many rows a table's ids are read as text and coded by [`code`]: a seventh less
/// CPU for a build of ~1 M memberships, but 16 bytes a cell until coded, and a map per
/// core. A province's tables (tens of millions of rows) are coded as they are parsed
/// instead, 4 bytes a cell, which keeps the peak memory under twice the inputs.
pub const TEXT_MAX_ROWS: usize = 4_000_000;

/// Codes a column of ids read as text. polars' string table costs a few cache misses a
/// lookup; up to [`TEXT_MAX_ROWS`], each core codes a part of the column, asking the table
/// once per distinct id and looking the other cells up in a map of its own, keyed by the
/// id's 16-byte view when the id is short.
pub fn code(column: &Column) -> PolarsResult<Column> {
    if column.len() > TEXT_MAX_ROWS {
        return column.cast(&dtype());
    }
    let ca = column.str()?.rechunk();
    let array = ca.downcast_as_array();
    // The string table lives as long as `dtype` holds it.
    let dtype = dtype();
    let DataType::Categorical(_, mapping) = &dtype else {
        unreachable!("ids are categoricals")
    };
    let mut codes = vec![0u32; array.len()];
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let part = array.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = codes
            .chunks_mut(part)
            .enumerate()
            .map(|(i, codes)| scope.spawn(move || code_part(array, i * part, codes, mapping)))
            .collect();
        parts
            .into_iter()
            .try_for_each(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })?;
    let codes =
        UInt32Chunked::from_vec_validity(column.name().clone(), codes, array.validity().cloned());
    Ok(Categorical32Chunked::from_cats_and_dtype(codes, dtype).into_column())
}

/// Codes the cells `start..start + codes.len()` of `array` (nulls get 0, masked later).
fn code_part(
    array: &Utf8ViewArray,
    start: usize,
    codes: &mut [u32],
    mapping: &CategoricalMapping,
) -> PolarsResult<()> {
    // A view of up to 12 bytes holds the text itself: one key, one text.
    let mut short: crate::FastMap<u128, u32> = crate::FastMap::default();
    let mut long: crate::FastMap<&str, u32> = crate::FastMap::default();
    let views = array.views();
    for (offset, code) in codes.iter_mut().enumerate() {
        let i = start + offset;
        if !array.is_valid(i) {
            continue;
        }
        let view = views[i];
        let text = array.value(i);
        *code = if view.length <= View::MAX_INLINE_SIZE {
            code_of(&mut short, view.as_u128(), text, mapping)?
        } else {
            code_of(&mut long, text, text, mapping)?
        };
    }
    Ok(())
}

/// The code of `text`, from `seen` under `key`, else from the string table (then kept).
fn code_of<K: std::hash::Hash + Eq>(
    seen: &mut crate::FastMap<K, u32>,
    key: K,
    text: &str,
    mapping: &CategoricalMapping,
) -> PolarsResult<u32> {
    Ok(match seen.entry(key) {
        Entry::Occupied(e) => *e.get(),
        Entry::Vacant(e) => *e.insert(mapping.insert_cat(text)?),
    })
}

/// A coded column from codes of [`dtype`]'s string table (codes it does not hold read as
/// null). polars deprecates casting integers to categoricals, and says so on stderr.
pub fn from_codes(codes: UInt32Chunked) -> Column {
    Categorical32Chunked::from_cats_and_dtype(codes, dtype()).into_column()
}

/// Every distinct text among a coded column's values, each once.
pub fn distinct_texts(column: &Column) -> PolarsResult<Vec<&str>> {
    let ca = column.cat32()?;
    let mapping = ca.get_mapping();
    let mut seen = vec![false; mapping.num_cats_upper_bound()];
    let mut texts = Vec::new();
    for code in ca.physical().iter().flatten() {
        let slot = &mut seen[code as usize];
        if !*slot {
            *slot = true;
            texts.extend(mapping.cat_to_str(code));
        }
    }
    Ok(texts)
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
        let mut distinct = distinct_texts(&a).unwrap();
        distinct.sort_unstable();
        assert_eq!(distinct, ["a", "b"]);
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
        let column = Column::new("member_id".into(), texts.clone());
        let coded = code(&column).unwrap();
        assert_eq!(coded.name().as_str(), "member_id");
        assert!(coded.equals_missing(&column.cast(&dtype()).unwrap()));
        let back: Vec<Option<String>> = coded
            .cat32()
            .unwrap()
            .iter_str()
            .map(|t| t.map(str::to_string))
            .collect();
        assert_eq!(back, texts);
    }
}
