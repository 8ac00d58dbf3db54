//! A fast hash for the tables the reports are built with (texts, resources, files). The
//! standard library's SipHash resists inputs chosen to collide, which costs a tenth of the
//! time it takes to write a large report in version 2; here every key comes from the person's
//! own input, checked on their own machine, so a simple multiply-and-rotate hash is enough.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Mixes eight bytes at a time: rotate, xor, multiply by an odd constant.
#[derive(Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

const K: u64 = 0x517c_c1b7_2722_0a95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length too, so that "a" and "a\0" differ.
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The top bits pick the group in the table: fold the well-mixed high bits down too.
        self.hash ^ (self.hash >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash + ?Sized>(value: &T) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(value)
    }

    #[test]
    fn equal_keys_hash_alike_and_near_keys_apart() {
        assert_eq!(
            hash("node pool default-pool"),
            hash(&String::from("node pool default-pool"))
        );
        let keys = [
            "",
            "a",
            "a\0",
            "b",
            "ab",
            "ba",
            "pool-1",
            "pool-10",
            "pool-01",
            "12345678",
            "123456789",
        ];
        let hashes: std::collections::HashSet<u64> = keys.iter().map(|k| hash(*k)).collect();
        assert_eq!(hashes.len(), keys.len(), "two of the keys hash alike");
    }

    #[test]
    fn a_map_finds_what_it_holds() {
        let mut map: FastMap<String, usize> = FastMap::default();
        for i in 0..10_000 {
            map.insert(format!("cluster-{i}/pool-{}", i % 7), i);
        }
        assert_eq!(map.len(), 10_000);
        for i in (0..10_000).step_by(97) {
            assert_eq!(map[&format!("cluster-{i}/pool-{}", i % 7)], i);
        }
        assert!(!map.contains_key("cluster-10000/pool-0"));
    }
}
