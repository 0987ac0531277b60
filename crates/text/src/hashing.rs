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

#[inline]
fn eat_char(mut h: u64, c: char) -> u64 {
    let mut buf = [0u8; 4];
    for &b in c.encode_utf8(&mut buf).as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

/// Calls `f` with the hash of every character n-gram of `<word>` (the word padded with `<` and
/// `>`), for `min_n <= n <= max_n`, without building the n-gram strings: each hash equals
/// `fnv1a(namespace, &[ngram])`.
pub fn char_ngram_hashes(
    namespace: u8,
    word: &str,
    min_n: usize,
    max_n: usize,
    mut f: impl FnMut(u64),
) {
    if min_n == 0 || min_n > max_n {
        return;
    }
    let mut padded: [char; 64] = ['\0'; 64];
    let mut len = 0;
    for c in std::iter::once('<')
        .chain(word.chars())
        .chain(std::iter::once('>'))
    {
        if len == padded.len() {
            break;
        }
        padded[len] = c;
        len += 1;
    }
    // Words longer than the buffer keep their first 62 letters: n-grams of the rest add little.
    if len == padded.len() {
        padded[len - 1] = '>';
    }
    let start = (OFFSET ^ u64::from(namespace)).wrapping_mul(PRIME);
    for i in 0..len {
        let mut h = start;
        for (k, &c) in padded[i..len.min(i + max_n)].iter().enumerate() {
            h = eat_char(h, c);
            if k + 1 >= min_n {
                f(h);
            }
        }
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
