//! The group and member ids of a members table, held as codes.
//!
//! A province's members tables hold tens of millions of rows but a few million distinct
//! ids. As polars categoricals over one string table each cell costs 4 bytes instead of a
//! 16-byte string view, and the distinct memberships, the joins and the group-bys of the
//! analysis compare integers. Sorting a categorical column sorts by its text, so no
//! output depends on the order in which codes were handed out.

use polars::prelude::*;

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
}
