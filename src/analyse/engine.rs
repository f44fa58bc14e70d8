//! How the analyse stage runs its queries.

use polars::prelude::*;

/// Runs a query in polars' streaming engine: on a province's tens of millions of
/// memberships its joins, group-bys and distincts took a third less time than the
/// in-memory engine's, with the same results (measured in BENCHMARKS.md).
pub(crate) trait Run {
    fn run(self) -> PolarsResult<DataFrame>;
}

impl Run for LazyFrame {
    fn run(self) -> PolarsResult<DataFrame> {
        match self.collect_with_engine(Engine::Streaming)? {
            polars_core::query_result::QueryResult::Single(frame) => Ok(frame),
            polars_core::query_result::QueryResult::Multiple(_) => Err(PolarsError::ComputeError(
                "a query with one output gave several".into(),
            )),
        }
    }
}
