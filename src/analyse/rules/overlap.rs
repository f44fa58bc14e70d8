//! Merge candidates: pairs of groups whose member sets are nearly the same.
//!
//! Comparing every pair of 35,000 groups is 600 million comparisons. Prefix filtering
//! (Bayardo et al., "Scaling up all pairs similarity search", 2007) finds exactly the
//! same pairs while looking only at groups that share a rare member: if two sets have
//! Jaccard ≥ t they share at least ⌈t·|x|⌉ members, so after ordering members from rare
//! to common, they must share one among the first |x| − ⌈t·|x|⌉ + 1 of each.

/// Two sets with their overlap.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// Indexes into the input, `a < b`.
    pub a: usize,
    pub b: usize,
    pub shared: usize,
    pub jaccard: f64,
}

/// A Jaccard threshold as the exact fraction `num / DEN`: the setting read to six
/// decimals (0.8 → 800000 / 1000000), so every comparison is done in integers and a pair
/// exactly at the threshold is found whatever the threshold (a float's 0.7 × 10 is
/// 7.000000000000001, whose ceiling cut off the pairs sharing exactly 7 of 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold {
    num: u64,
}

impl Threshold {
    pub const DEN: u64 = 1_000_000;

    /// `t` rounded to six decimals, within (0, 1].
    pub fn new(t: f64) -> Threshold {
        let num = if t.is_nan() {
            Self::DEN
        } else {
            (t.clamp(0.0, 1.0) * Self::DEN as f64).round() as u64
        };
        Threshold {
            num: num.clamp(1, Self::DEN),
        }
    }

    /// ⌈t · size⌉: the fewest members a set must share with one of `size` members.
    pub fn least_shared(self, size: usize) -> usize {
        (self.num * size as u64).div_ceil(Self::DEN) as usize
    }

    /// shared / union ≥ t, exactly.
    pub fn reached(self, shared: usize, union: usize) -> bool {
        shared as u128 * u128::from(Self::DEN) >= u128::from(self.num) * union as u128
    }
}

fn prefix_len(size: usize, threshold: Threshold) -> usize {
    size - threshold.least_shared(size).min(size) + 1
}

fn intersection(x: &[u32], y: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Every pair of sets (members as small integers, any order, duplicates allowed) with
/// Jaccard similarity ≥ `threshold` (0 < threshold ≤ 1), sorted by (a, b).
pub fn similar_pairs(sets: &[Vec<u32>], threshold: f64) -> Vec<Pair> {
    let threshold = Threshold::new(threshold);
    // Rank members from rare to common so prefixes hold the rarest members.
    let universe = sets
        .iter()
        .flatten()
        .copied()
        .max()
        .map_or(0, |m| m as usize + 1);
    let mut frequency = vec![0u32; universe];
    let mut ordered: Vec<Vec<u32>> = sets
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.sort_unstable();
            s.dedup();
            for &m in &s {
                frequency[m as usize] += 1;
            }
            s
        })
        .collect();
    let mut by_rarity: Vec<u32> = (0..universe as u32).collect();
    by_rarity.sort_by_key(|&m| (frequency[m as usize], m));
    let mut rank = vec![0u32; universe];
    for (r, &m) in by_rarity.iter().enumerate() {
        rank[m as usize] = r as u32;
    }
    for s in &mut ordered {
        for m in s.iter_mut() {
            *m = rank[*m as usize];
        }
        s.sort_unstable();
    }

    // Smaller sets first, so each probe only meets sets no larger than itself.
    let mut order: Vec<usize> = (0..ordered.len())
        .filter(|&i| !ordered[i].is_empty())
        .collect();
    order.sort_by_key(|&i| (ordered[i].len(), i));
    let mut index: Vec<Vec<usize>> = vec![Vec::new(); universe];
    let mut seen_by = vec![usize::MAX; ordered.len()];
    let mut pairs = Vec::new();
    for &x in &order {
        let xs = &ordered[x];
        let min_size = threshold.least_shared(xs.len());
        let prefix = &xs[..prefix_len(xs.len(), threshold)];
        for &m in prefix {
            for &y in &index[m as usize] {
                if seen_by[y] == x || ordered[y].len() < min_size {
                    continue;
                }
                seen_by[y] = x;
                let shared = intersection(xs, &ordered[y]);
                let union = xs.len() + ordered[y].len() - shared;
                if threshold.reached(shared, union) {
                    pairs.push(Pair {
                        a: x.min(y),
                        b: x.max(y),
                        shared,
                        jaccard: shared as f64 / union as f64,
                    });
                }
            }
        }
        for &m in prefix {
            index[m as usize].push(x);
        }
    }
    pairs.sort_by_key(|p| (p.a, p.b));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obvious quadratic answer, to check the fast one against.
    fn brute_force(sets: &[Vec<u32>], t: f64) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for a in 0..sets.len() {
            for b in a + 1..sets.len() {
                let x: std::collections::BTreeSet<_> = sets[a].iter().collect();
                let y: std::collections::BTreeSet<_> = sets[b].iter().collect();
                let shared = x.intersection(&y).count();
                let union = x.union(&y).count();
                // Exact: shared / union ≥ t as fractions of integers.
                let t = Threshold::new(t);
                if union > 0 && t.reached(shared, union) {
                    out.push((a, b, shared));
                }
            }
        }
        out
    }

    fn found(sets: &[Vec<u32>], t: f64) -> Vec<(usize, usize, usize)> {
        similar_pairs(sets, t)
            .iter()
            .map(|p| (p.a, p.b, p.shared))
            .collect()
    }

    #[test]
    fn exact_duplicates_subsets_and_disjoint_groups() {
        let sets = vec![
            vec![1, 2, 3, 4, 5],          // 0
            vec![5, 4, 3, 2, 1],          // 1: the same members: J = 1
            vec![1, 2, 3, 4],             // 2: a subset of 0: J = 0.8
            vec![1, 2, 3],                // 3: a smaller subset: J = 0.6
            vec![10, 11, 12],             // 4: disjoint
            vec![10, 11, 12, 13, 14, 15], // 5: J(4,5) = 0.5
            vec![],                       // 6: empty
        ];
        assert_eq!(found(&sets, 0.8), vec![(0, 1, 5), (0, 2, 4), (1, 2, 4)]);
        assert_eq!(found(&sets, 0.8), brute_force(&sets, 0.8));
        assert_eq!(found(&sets, 0.5), brute_force(&sets, 0.5));
        let exact = similar_pairs(&sets, 0.8);
        assert_eq!(exact[0].jaccard, 1.0);
        assert_eq!(exact[1].jaccard, 0.8);
    }

    /// 0.56 × 25 is 14.000000000000002 as floats: the size cut-off rounded it up to 15
    /// and dropped every pair sharing exactly 14 of 25 members (and 0.55 × 100, 0.68 × 75).
    #[test]
    fn pairs_exactly_at_a_non_default_threshold_are_found() {
        for (t, big, small) in [
            (0.56, 25u32, 14u32),
            (0.56, 50, 28),
            (0.55, 100, 55),
            (0.68, 75, 51),
            (0.34, 150, 51),
            (0.7, 10, 7),
            (0.9, 10, 9),
        ] {
            let sets = vec![(0..big).collect::<Vec<u32>>(), (0..small).collect()];
            assert_eq!(found(&sets, t), vec![(0, 1, small as usize)], "t {t}");
            // One member fewer is below the threshold.
            let fewer = vec![(0..big).collect::<Vec<u32>>(), (0..small - 1).collect()];
            assert!(found(&fewer, t).is_empty(), "t {t}");
        }
    }

    #[test]
    fn thresholds_are_read_to_six_decimals() {
        assert_eq!(Threshold::new(0.8), Threshold { num: 800_000 });
        assert_eq!(Threshold::new(0.7).least_shared(10), 7);
        assert_eq!(Threshold::new(0.56).least_shared(25), 14);
        assert_eq!(Threshold::new(0.8).least_shared(7), 6);
        assert_eq!(Threshold::new(1.0).least_shared(3), 3);
        assert_eq!(Threshold::new(0.0), Threshold { num: 1 });
        assert_eq!(Threshold::new(2.0), Threshold { num: 1_000_000 });
        assert!(Threshold::new(0.7).reached(7, 10));
        assert!(!Threshold::new(0.7).reached(6, 10));
    }

    #[test]
    fn agrees_with_brute_force_on_many_random_families() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..200 {
            let n = (next() % 30) as usize + 2;
            let universe = next() % 25 + 3;
            let sets: Vec<Vec<u32>> = (0..n)
                .map(|_| {
                    (0..next() % 12)
                        .map(|_| (next() % universe) as u32)
                        .collect()
                })
                .collect();
            for t in [0.3, 0.5, 0.56, 0.7, 0.8, 0.9, 1.0] {
                assert_eq!(
                    found(&sets, t),
                    brute_force(&sets, t),
                    "round {round}, t {t}, {sets:?}"
                );
            }
        }
    }
}
