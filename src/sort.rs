//! Stable sorting. Each `sort_by` on another element type or comparison is a fresh copy of
//! the standard library's sort (several KiB in the Wasm engine, whose size is budgeted), so in
//! the Wasm these sort a permutation of indices with the comparison behind a reference, and
//! every caller shares one copy. Natively they are the standard library's sorts. Either way
//! the order is the standard stable sorts' (a test compares them).

use std::cmp::Ordering;

/// Whether sorts share one compiled copy (the Wasm engine) or use the standard library's own.
const SHARED: bool = cfg!(target_arch = "wasm32") || cfg!(test);

/// `slice::sort_by`, stable.
pub fn sort_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    if !SHARED {
        items.sort_by(compare);
        return;
    }
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    permute(items, &order);
}

/// `slice::sort_by_key`, stable.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `slice::sort_by_cached_key`, stable: each key computed once.
pub fn sort_by_cached_key<T, K: Ord>(items: &mut Vec<T>, key: impl FnMut(&T) -> K) {
    if !SHARED {
        items.sort_by_cached_key(key);
        return;
    }
    if items.len() < 2 {
        return;
    }
    let keys: Vec<K> = items.iter().map(key).collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &mut |a, b| keys[a].cmp(&keys[b]));
    permute(items, &order);
}

/// `slice::sort` (stable) of what is ordered.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// The one sort: indices, compared by what they stand for.
fn sort_indices(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| compare(*a, *b));
}

/// Puts `items` in `order` (a permutation of their indices).
fn permute<T>(items: &mut Vec<T>, order: &[usize]) {
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|&i| slots[i].take()));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same order as the standard library's stable sorts, equal elements included.
    #[test]
    fn as_the_standard_sorts() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in [0, 1, 2, 3, 10, 100, 1000] {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            let mut got = items.clone();
            sort_by_key(&mut got, |p| p.0);
            assert_eq!(got, expected);
            let mut got = items.clone();
            sort_by_cached_key(&mut got, |p| p.0);
            assert_eq!(got, expected);
            let mut got = items.clone();
            sort_by(&mut got, |a, b| b.0.cmp(&a.0));
            let mut reversed = items.clone();
            reversed.sort_by_key(|p| std::cmp::Reverse(p.0));
            assert_eq!(got, reversed);
            let mut got = items.clone();
            sort(&mut got);
            let mut all = items;
            all.sort();
            assert_eq!(got, all);
        }
    }
}
