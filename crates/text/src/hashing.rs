//! A stable hash for feature hashing.
//!
//! Models store hashed-feature tables, so the hash must never change between platforms or
//! releases: FNV-1a over the UTF-8 bytes, with a namespace byte to keep feature families apart.

/// 64-bit FNV-1a of `namespace` followed by the parts, each part separated by a 0xFF byte
/// (which never occurs in UTF-8, so `["ab","c"]` and `["a","bc"]` differ).
pub fn fnv1a(namespace: u8, parts: &[&str]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    };
    eat(namespace);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            eat(0xFF);
        }
        for &b in part.as_bytes() {
            eat(b);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_value_and_separation() {
        // FNV-1a of the single byte 0x00 is a published constant.
        assert_eq!(fnv1a(0, &[]), 0xaf63_bd4c_8601_b7df);
        assert_ne!(fnv1a(1, &["ab", "c"]), fnv1a(1, &["a", "bc"]));
        assert_ne!(fnv1a(1, &["ab"]), fnv1a(2, &["ab"]));
    }
}
