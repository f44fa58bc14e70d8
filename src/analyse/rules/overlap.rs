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

fn prefix_len(size: usize, threshold: f64) -> usize {
    size - ((threshold * size as f64).ceil() as usize).min(size) + 1
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
    let threshold = threshold.clamp(f64::MIN_POSITIVE, 1.0);
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
        let min_size = (threshold * xs.len() as f64).ceil() as usize;
        let prefix = &xs[..prefix_len(xs.len(), threshold)];
        for &m in prefix {
            for &y in &index[m as usize] {
                if seen_by[y] == x || ordered[y].len() < min_size {
                    continue;
                }
                seen_by[y] = x;
                let shared = intersection(xs, &ordered[y]);
                let union = xs.len() + ordered[y].len() - shared;
                // Compare in integers where possible: shared / union ≥ threshold.
                if shared as f64 >= threshold * union as f64 - 1e-9 {
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
                if union > 0 && shared as f64 >= t * union as f64 - 1e-9 {
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
            for t in [0.3, 0.5, 0.8, 1.0] {
                assert_eq!(
                    found(&sets, t),
                    brute_force(&sets, t),
                    "round {round}, t {t}, {sets:?}"
                );
            }
        }
    }
}
