//! jianfu (减负): from before/after inventories of work chat groups and government
//! new-media accounts to the quarterly burden-reduction report.
//!
//! Data flows one way: [`load`] reads the campaign's files into an inventory,
//! [`analyse`] computes the [`report::Report`], [`render`] writes the outputs, and
//! [`build`] ties them together for one campaign.

pub mod analyse;
pub mod build;
pub mod campaign;
pub mod compare;
pub mod error;
pub mod init;
pub mod lang;
pub mod load;
pub mod percent;
pub mod privacy;
pub mod problem;
pub mod progress;
pub mod publish;
pub mod render;
pub mod report;
pub mod rules;
pub mod safe_name;
pub mod samples;
pub mod staging;
pub mod synth;

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
