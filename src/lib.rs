//! jianfu (减负): from before/after inventories of work chat groups and government
//! new-media accounts to the quarterly burden-reduction report.
//!
//! Data flows one way: [`load`] reads the campaign's files into an inventory,
//! [`analyse`] computes the [`report::Report`], [`render`] writes the outputs, and
//! [`build`] ties them together for one campaign.

// Layers, bottom first: each module imports only those listed above it
// (ARCHITECTURE.md; `tests/layers.rs` checks it).
pub mod analyse;
pub mod config;
pub mod error;
pub mod fixtures;
pub mod lang;
pub mod load;
pub mod model;
pub mod output;
pub mod percent;
pub mod present;
pub mod privacy;
pub mod progress;
pub mod render;
pub mod safe_name;
pub mod workflow;

/// A hash map for the millions of lookups over one table's cells: a fast hash with a
/// fixed seed, since the keys are the user's own data, not an attacker's.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// Drops `value` on a thread of its own. A province's report, workbook or tables are
/// millions of allocations, freed one at a time: seconds of a core that the build's last
/// stages, or the next campaign, can use. Dropped here if no thread can be started.
pub fn drop_aside<T: Send + 'static>(value: T) {
    // A thread that cannot start drops its closure, and `value` with it, right away.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    #[test]
    fn a_value_dropped_aside_is_freed() {
        let value = Arc::new(());
        super::drop_aside(Arc::clone(&value));
        let start = Instant::now();
        while Arc::strong_count(&value) > 1 {
            assert!(start.elapsed() < Duration::from_secs(30), "never dropped");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
