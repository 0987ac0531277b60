//! A stable hash for feature hashing.
//!
//! Models store hashed-feature tables, so the hash must never change between platforms or
//! releases: FNV-1a over the UTF-8 bytes, with a namespace byte to keep feature families apart.

/// 64-bit FNV-1a of `namespace` followed by the parts, each part separated by a 0xFF byte
/// (which never occurs in UTF-8, so `["ab","c"]` and `["a","bc"]` differ).
pub fn fnv1a(namespace: u8, parts: &[&str]) -> u64 {
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

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// Calls `f` with the hash of every character n-gram of `<word>` (the word padded with `<` and
/// `>`), for `min_n <= n <= max_n`, without building the n-gram strings: each hash equals
/// `fnv1a(namespace, &[ngram])`. Words longer than 62 characters keep their first 62: n-grams
/// of the rest add little and the work stays bounded.
pub fn char_ngram_hashes(
    namespace: u8,
    word: &str,
    min_n: usize,
    max_n: usize,
    mut f: impl FnMut(u64),
) {
    const MAX_CHARS: usize = 64;
    if min_n == 0 || min_n > max_n {
        return;
    }
    // The padded word's UTF-8 bytes, and where each of its chars starts (plus the end).
    let mut bytes = [0u8; MAX_CHARS * 4];
    let mut starts = [0usize; MAX_CHARS + 1];
    let mut n_chars = 0;
    let mut len = 0;
    let mut push = |c: char, n_chars: &mut usize| {
        starts[*n_chars] = len;
        len += c.encode_utf8(&mut bytes[len..]).len();
        *n_chars += 1;
    };
    push('<', &mut n_chars);
    for c in word.chars().take(MAX_CHARS - 2) {
        push(c, &mut n_chars);
    }
    push('>', &mut n_chars);
    starts[n_chars] = len;
    let start = (OFFSET ^ u64::from(namespace)).wrapping_mul(PRIME);
    for i in 0..n_chars {
        let mut h = start;
        for k in 0..max_n.min(n_chars - i) {
            for &b in &bytes[starts[i + k]..starts[i + k + 1]] {
                h = (h ^ u64::from(b)).wrapping_mul(PRIME);
            }
            if k + 1 >= min_n {
                f(h);
            }
        }
    }
}

/// Maps a hash to one of `buckets` buckets: `hash % buckets`, with a mask when `buckets` is a
/// power of two (the same result, without a 64-bit division in the hot loop).
#[inline]
pub fn bucket_of(hash: u64, buckets: u64) -> u64 {
    if buckets.is_power_of_two() {
        hash & (buckets - 1)
    } else {
        hash % buckets.max(1)
    }
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

    #[test]
    fn ngram_hashes_equal_hashes_of_the_ngram_strings() {
        for word in ["kal", "ऑर्डर", "a", "பணம்💰"] {
            let padded: Vec<char> = format!("<{word}>").chars().collect();
            let mut expected = Vec::new();
            for i in 0..padded.len() {
                for n in 2..=4 {
                    if i + n <= padded.len() {
                        let s: String = padded[i..i + n].iter().collect();
                        expected.push((i, n, fnv1a(12, &[&s])));
                    }
                }
            }
            expected.sort_by_key(|&(i, n, _)| (i, n));
            let expected: Vec<u64> = expected.into_iter().map(|(_, _, h)| h).collect();
            let mut got = Vec::new();
            char_ngram_hashes(12, word, 2, 4, |h| got.push(h));
            assert_eq!(got, expected, "{word}");
        }
        let mut none = Vec::new();
        char_ngram_hashes(12, "abc", 3, 2, |h| none.push(h));
        assert!(none.is_empty());
        let long = "x".repeat(500);
        let mut n = 0;
        char_ngram_hashes(12, &long, 3, 5, |_| n += 1);
        assert!(n > 0 && n < 200);
    }
}
