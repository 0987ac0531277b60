//! The dictionary of placeholders and WhatsApp-written strings (`data/placeholders.tsv`),
//! loaded once. Strings are compared after NFC (the same placeholder exists in two Unicode
//! spellings, e.g. Bengali য় as U+09DF or U+09AF U+09BC) with ASCII case ignored (`<media
//! omitted>` occurs in lower case).

use crate::Kind;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

const DATA: &str = include_str!("../data/placeholders.tsv");

/// The dictionary, by way of matching.
#[derive(Debug)]
pub(crate) struct Placeholders {
    /// Whole-message strings, keyed by [`exact_key`].
    pub(crate) exact: HashMap<String, Kind>,
    /// The first character of every exact key, and whether a key is empty.
    pub(crate) exact_starts: Vec<char>,
    pub(crate) exact_empty: bool,
    /// The longest exact key in bytes: longer messages skip the lookup.
    pub(crate) exact_max: usize,
    /// The ASCII exact keys by byte length (up to 255): an ASCII message is compared with the
    /// keys of its length, ASCII case ignored, without building a key.
    pub(crate) ascii_by_len: Vec<Vec<(String, Kind)>>,
    /// ASCII-lowercased first bytes of the prefixes.
    pub(crate) prefix_first: [bool; 256],
    /// The first character of each prefix (for texts starting with a non-ASCII byte).
    pub(crate) prefix_starts: Vec<String>,
    pub(crate) prefix: Vec<(String, Kind)>,
    pub(crate) suffix: Vec<(String, Kind)>,
    /// The last character of each suffix, ASCII-lowercased.
    pub(crate) suffix_ends: Vec<char>,
    /// Searched case-sensitively (WhatsApp writes these sentences one way).
    pub(crate) contains: Vec<(memchr::memmem::Finder<'static>, Kind)>,
    /// The shortest `contains` string: shorter lines skip the search.
    pub(crate) contains_min: usize,
    /// Per `contains` string, an ASCII run of it that the raw line must hold for its NFC to
    /// hold the string (see [`raw_fragment`]); `None`: no such run, the line is always searched.
    pub(crate) contains_raw: Vec<Option<memchr::memmem::Finder<'static>>>,
    /// A byte every raw fragment holds with three more bytes after it, and those four bytes
    /// of each fragment: a line holding none of them at an occurrence of the byte (found by
    /// memchr) holds no fragment. `None` when the fragments share no such byte.
    pub(crate) contains_anchor: Option<(u8, Vec<u32>)>,
    /// Android `FILE (keyword)`.
    pub(crate) file_attached: Vec<String>,
    /// iOS `<keyword: FILE>`.
    pub(crate) attached: Vec<String>,
    /// Old iOS `FILE <keyword>`.
    pub(crate) attached_after: Vec<String>,
    /// `label: https://…` location labels.
    pub(crate) location: Vec<String>,
    /// Edited markers ending a message.
    pub(crate) markers: Vec<String>,
}

/// NFC of `s`, borrowed when it already is.
pub(crate) fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || quick_yes(s) || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// Marks a character whose NFC quick-check property is not Yes in [`nfc_table`].
const NOT_YES: u8 = 0xff;

/// One entry per BMP character: its canonical combining class when its NFC quick-check
/// property is Yes, else [`NOT_YES`] (combining classes stop at 240). Built once from
/// `unicode-normalization`'s own tables.
fn nfc_table() -> &'static [u8] {
    static T: OnceLock<Vec<u8>> = OnceLock::new();
    T.get_or_init(|| {
        (0..=0xffffu32)
            .map(|cp| char::from_u32(cp).map_or(NOT_YES, nfc_entry))
            .collect()
    })
}

fn nfc_entry(c: char) -> u8 {
    if is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes {
        unicode_normalization::char::canonical_combining_class(c)
    } else {
        NOT_YES
    }
}

/// Whether NFC never combines `c` with what precedes it (an NFC boundary before it): ASCII,
/// and every character with NFC quick check Yes and combining class 0 (UAX #15; ICU's
/// `hasCompBoundaryBefore`). Then NFC(a + b) = NFC(a) + NFC(b) when `b` starts with `c`.
fn boundary_before(c: char) -> bool {
    let cp = c as u32;
    cp < 0x80
        || nfc_table()
            .get(cp as usize)
            .map_or_else(|| nfc_entry(c), |&e| e)
            == 0
}

/// `s` up to its second NFC boundary: the NFC of the piece is the start of the NFC of `s`.
pub(crate) fn first_segment(s: &str) -> &str {
    s.char_indices()
        .skip(1)
        .find(|&(_, c)| boundary_before(c))
        .and_then(|(i, _)| s.get(..i))
        .unwrap_or(s)
}

/// True only when `unicode-normalization`'s quick check would answer Yes, by the same
/// algorithm (UAX #15) over a table; false when unsure (the library then decides).
fn quick_yes(s: &str) -> bool {
    let table = nfc_table();
    let mut last_cc = 0u8;
    for c in s.chars() {
        let cp = c as u32;
        if cp < 0x80 {
            last_cc = 0;
            continue;
        }
        let cc = match table.get(cp as usize) {
            Some(&e) => e,
            None => nfc_entry(c),
        };
        if cc == NOT_YES || (last_cc > cc && cc != 0) {
            return false;
        }
        last_cc = cc;
    }
    true
}

/// The key an exact string is compared by: NFC, ASCII lower case, format marks and surrounding
/// spaces dropped, one final `.`, `।` or `۔` dropped. Written into `out`.
pub(crate) fn exact_key(s: &str, out: &mut String) {
    out.clear();
    let s = nfc(s);
    let mut t = s.trim_matches(|c: char| c.is_whitespace() || crate::digits::is_format_mark(c));
    for end in ['.', '।', '۔'] {
        if let Some(rest) = t.strip_suffix(end) {
            t = rest.trim_end();
            break;
        }
    }
    for c in t.chars() {
        if !crate::digits::is_format_mark(c) {
            out.push(c.to_ascii_lowercase());
        }
    }
}

fn kind_of(name: &str) -> Option<Kind> {
    Some(match name {
        "media" => Kind::Media,
        "contact" => Kind::Contact,
        "deleted" => Kind::Deleted,
        "location" => Kind::Location,
        "system" => Kind::System,
        "poll" => Kind::Poll,
        "text" => Kind::Text,
        _ => return None,
    })
}

impl Default for Placeholders {
    fn default() -> Placeholders {
        Placeholders {
            exact: HashMap::new(),
            exact_max: 0,
            exact_starts: Vec::new(),
            exact_empty: false,
            ascii_by_len: vec![Vec::new(); 256],
            prefix_first: [false; 256],
            prefix_starts: Vec::new(),
            prefix: Vec::new(),
            suffix: Vec::new(),
            suffix_ends: Vec::new(),
            contains: Vec::new(),
            contains_min: usize::MAX,
            contains_raw: Vec::new(),
            contains_anchor: None,
            file_attached: Vec::new(),
            attached: Vec::new(),
            attached_after: Vec::new(),
            location: Vec::new(),
            markers: Vec::new(),
        }
    }
}

impl Placeholders {
    /// The kind of a whole message that is an exact placeholder. ASCII messages are compared
    /// in place; others are keyed (NFC, marks dropped) into `key` and looked up.
    pub(crate) fn exact_kind(&self, t: &str, key: &mut String) -> Option<Kind> {
        if t.len() > self.exact_max.saturating_add(16) {
            return None;
        }
        if t.is_ascii() {
            let t = t.trim();
            let t = t.strip_suffix('.').map_or(t, str::trim_end);
            return self
                .ascii_by_len
                .get(t.len())?
                .iter()
                .find(|(k, _)| k.as_bytes().eq_ignore_ascii_case(t.as_bytes()))
                .map(|&(_, kind)| kind);
        }
        if !self.may_be_exact(t) {
            return None;
        }
        exact_key(t, key);
        self.exact.get(key.as_str()).copied()
    }

    /// Whether the key of `t` can start with the first character of an exact key, from the
    /// NFC of `t`'s first segment after leading spaces and marks (which NFC keeps and the key
    /// drops). True when unsure.
    fn may_be_exact(&self, t: &str) -> bool {
        if self.exact_empty {
            return true;
        }
        let r = t.trim_start_matches(|c: char| {
            (c.is_whitespace() || crate::digits::is_format_mark(c)) && boundary_before(c)
        });
        let Some(c0) = r.chars().next() else {
            return true;
        };
        if !boundary_before(c0) {
            return true;
        }
        let head = nfc(first_segment(r));
        match head.chars().next() {
            Some(c) if !c.is_whitespace() && !crate::digits::is_format_mark(c) => {
                self.exact_starts.contains(&c.to_ascii_lowercase())
            }
            _ => true,
        }
    }

    /// Whether any prefix can start `t`. A text starting with a non-ASCII byte is looked at up
    /// to its first NFC boundary ([`first_segment`]): the NFC of that piece starts the NFC of
    /// the text, so it must start with a prefix's first character.
    pub(crate) fn may_have_prefix(&self, t: &str) -> bool {
        match t.as_bytes().first() {
            None => false,
            Some(&b) if b < 0x80 => self.prefix_first[usize::from(b.to_ascii_lowercase())],
            Some(_) => {
                let head = nfc(first_segment(t));
                self.prefix_starts.iter().any(|c| starts_with_ci(&head, c))
            }
        }
    }

    /// Parses the TSV; a malformed row is an error naming its line (a test loads the shipped
    /// file, so a bad edit fails the build's tests rather than a user's run).
    pub(crate) fn parse(data: &str) -> Result<Placeholders, String> {
        let mut p = Placeholders::default();
        let mut key = String::new();
        for (n, line) in data.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(kind), Some(how), Some(string)) = (cols.next(), cols.next(), cols.next())
            else {
                return Err(format!(
                    "placeholders.tsv:{}: expected 3 or 4 columns",
                    n + 1
                ));
            };
            if string.is_empty() {
                return Err(format!("placeholders.tsv:{}: empty string", n + 1));
            }
            let string_nfc = nfc(string).into_owned();
            let k = if kind == "edited" {
                Kind::Text
            } else {
                kind_of(kind)
                    .ok_or_else(|| format!("placeholders.tsv:{}: unknown kind {kind:?}", n + 1))?
            };
            match how {
                "exact" => {
                    exact_key(string, &mut key);
                    p.exact_max = p.exact_max.max(key.len());
                    match key.chars().next() {
                        Some(c) if !p.exact_starts.contains(&c) => p.exact_starts.push(c),
                        Some(_) => {}
                        None => p.exact_empty = true,
                    }
                    if key.is_ascii() {
                        if let Some(slot) = p.ascii_by_len.get_mut(key.len()) {
                            slot.push((key.clone(), k));
                        }
                    }
                    p.exact.insert(key.clone(), k);
                }
                "prefix" => {
                    if let Some(&b) = string_nfc.as_bytes().first() {
                        p.prefix_first[usize::from(b.to_ascii_lowercase())] = true;
                    }
                    if let Some(c) = string_nfc.chars().next() {
                        if !p.prefix_starts.iter().any(|s| s.starts_with(c)) {
                            p.prefix_starts.push(c.to_string());
                        }
                    }
                    p.prefix.push((string_nfc, k));
                }
                "suffix" => {
                    if let Some(c) = string_nfc.chars().next_back() {
                        p.suffix_ends.push(c.to_ascii_lowercase());
                    }
                    p.suffix.push((string_nfc, k));
                }
                "contains" => {
                    p.contains_min = p.contains_min.min(string_nfc.len());
                    let finder = memchr::memmem::Finder::new(string_nfc.as_bytes()).into_owned();
                    p.contains.push((finder, k));
                    let fragment = raw_fragment(&string_nfc);
                    p.contains_raw.push(
                        fragment.map(|f| memchr::memmem::Finder::new(f.as_bytes()).into_owned()),
                    );
                }
                "file-attached" => p.file_attached.push(string_nfc),
                "attached" => p.attached.push(string_nfc),
                "attached-after" => p.attached_after.push(string_nfc),
                "location" => p.location.push(string_nfc),
                "marker" => p.markers.push(string_nfc),
                _ => return Err(format!("placeholders.tsv:{}: unknown match {how:?}", n + 1)),
            }
        }
        p.contains_anchor = contains_anchor(&p.contains);
        Ok(p)
    }

    /// Whether the NFC of `raw` may hold a `contains` string: false only when none of their
    /// ASCII fragments occurs in `raw` itself, so the NFC and the search can be skipped.
    pub(crate) fn may_contain(&self, raw: &str) -> bool {
        if let Some((byte, anchors)) = &self.contains_anchor {
            let b = raw.as_bytes();
            let anchored = memchr::memchr_iter(*byte, b).any(|i| {
                b.get(i..i + 4)
                    .and_then(|w| <[u8; 4]>::try_from(w).ok())
                    .is_some_and(|w| anchors.contains(&u32::from_le_bytes(w)))
            });
            if !anchored {
                return false;
            }
        }
        self.contains_raw.iter().any(|f| match f {
            Some(f) => f.find(raw.as_bytes()).is_some(),
            None => true,
        })
    }

    /// The kind of the first `contains` string found in `line` (a handful of SIMD substring
    /// searches; measured cheaper here than one Aho-Corasick pass).
    pub(crate) fn contained(&self, line: &str) -> Option<Kind> {
        self.contains
            .iter()
            .find(|(finder, _)| finder.find(line.as_bytes()).is_some())
            .map(|&(_, kind)| kind)
    }

    /// The shipped dictionary.
    pub(crate) fn get() -> &'static Placeholders {
        static P: OnceLock<Placeholders> = OnceLock::new();
        // The shipped file is checked by a unit test; were it broken, no placeholder would
        // match rather than a panic on user data.
        P.get_or_init(|| Placeholders::parse(DATA).unwrap_or_default())
    }
}

/// ASCII characters that NFC writes for a non-ASCII one (KELVIN SIGN, GREEK QUESTION MARK,
/// GREEK VARIA: canonical singletons); a unit test checks every character.
const NFC_MADE_ASCII: &[u8] = b"K;`";

/// The longest run (of at least 4 bytes) of ASCII characters in `s` that NFC never makes from
/// anything else. If NFC(line) holds `s`, the raw line holds this run: in NFC(line) each such
/// character is a raw ASCII character left as it was (NFC only drops an ASCII character by
/// composing it with marks that follow, into a non-ASCII one), and two adjacent ones were
/// adjacent in the line (a character between them could only vanish by composing into the
/// first, which would then not be ASCII).
fn raw_fragment(s: &str) -> Option<&str> {
    let ok = |b: u8| b.is_ascii() && !NFC_MADE_ASCII.contains(&b);
    let bytes = s.as_bytes();
    let mut best: Option<(usize, usize)> = None;
    let mut start = 0;
    for i in 0..=bytes.len() {
        if bytes.get(i).is_some_and(|&b| ok(b)) {
            continue;
        }
        if i - start >= 4 && best.is_none_or(|(a, b)| i - start > b - a) {
            best = Some((start, i));
        }
        start = i + 1;
    }
    best.and_then(|(a, b)| s.get(a..b))
}

/// The gate of [`Placeholders::may_contain`]: the rarest byte (by English letter frequency)
/// that starts a four-byte window in every raw fragment, and each fragment's first such window.
fn contains_anchor(contains: &[(memchr::memmem::Finder<'static>, Kind)]) -> Option<(u8, Vec<u32>)> {
    const RAREST_FIRST: &[u8] = b"zqxjkvbpygfwmucldrhsnioate";
    let fragments: Vec<&[u8]> = contains
        .iter()
        .map(|(f, _)| {
            std::str::from_utf8(f.needle())
                .ok()
                .and_then(raw_fragment)
                .map(str::as_bytes)
        })
        .collect::<Option<_>>()?;
    RAREST_FIRST.iter().find_map(|&byte| {
        let windows: Option<Vec<u32>> = fragments
            .iter()
            .map(|f| {
                f.windows(4)
                    .find(|w| w.first() == Some(&byte))
                    .and_then(|w| <[u8; 4]>::try_from(w).ok())
                    .map(u32::from_le_bytes)
            })
            .collect();
        windows.map(|w| (byte, w))
    })
}

/// `s` starts with `prefix`, ASCII case ignored.
pub(crate) fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// `s` ends with `suffix`, ASCII case ignored.
pub(crate) fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()
            .get(s.len() - suffix.len()..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix.as_bytes()))
}

/// Where `needle` occurs in `s`, ASCII case ignored.
pub(crate) fn find_ci(s: &str, needle: &str) -> Option<usize> {
    let (h, n) = (s.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| {
        h.get(i..i + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_dictionary_loads_and_covers_section_9() {
        let p = Placeholders::parse(DATA).unwrap_or_else(|e| panic!("{e}"));
        let mut key = String::new();
        for (s, kind) in [
            ("<Media omitted>", Kind::Media),
            ("<media omitted>", Kind::Media),
            ("\u{200e}image omitted", Kind::Media),
            ("This message was deleted.", Kind::Deleted),
            ("<मीडिया के बिना>", Kind::Media),
            ("यह मैसेज डिलीट कर दिया गया है", Kind::Deleted),
            // Bengali য় as U+09AF U+09BC, NFC-equal to the U+09DF spelling.
            (
                "<মিডি\u{9af}\u{9bc}া বাদ দেও\u{9af}\u{9bc}া হ\u{9af}\u{9bc}েছে>",
                Kind::Media,
            ),
            ("<মিডি\u{9df}া বাদ দেও\u{9df}া হ\u{9df}েছে>", Kind::Media),
            ("Contact card omitted", Kind::Contact),
            ("লাইভ অবস্থান শেয়ার করা হয়েছে", Kind::Location),
        ] {
            exact_key(s, &mut key);
            assert_eq!(p.exact.get(&key), Some(&kind), "{s:?} → {key:?}");
            assert!(key.len() <= p.exact_max);
        }
        assert!(p.markers.iter().any(|m| m == "<This message was edited>"));
        assert!(p.file_attached.iter().any(|m| m == "फाइल अटैच कर दी गई है"));
        assert!(Placeholders::parse("media\tsometimes\tx\n").is_err());
        assert!(Placeholders::parse("blob\texact\tx\n").is_err());
        assert!(Placeholders::parse("media\texact\n").is_err());
    }

    #[test]
    fn nfc_makes_ascii_from_non_ascii_only_for_the_listed_singletons() {
        for cp in 0x80..=0x10ffffu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            for d in std::iter::once(c).nfc() {
                if d.is_ascii() {
                    assert!(NFC_MADE_ASCII.contains(&(d as u8)), "U+{cp:04X} → {d:?}");
                }
            }
        }
        let p = Placeholders::get();
        assert_eq!(p.contains_raw.len(), p.contains.len());
        assert!(p.contains_raw.iter().all(Option::is_some));
        assert!(p.contains_anchor.is_some());
        assert_eq!(raw_fragment(" created group “"), Some(" created group "));
        assert_eq!(raw_fragment("ab;cdef"), Some("cdef"));
        assert_eq!(raw_fragment("मैसेज"), None);
    }

    #[test]
    fn the_raw_prefilter_never_hides_a_contained_sentence() {
        // Lines mixing the sentences with marks, decomposed and composed letters and the
        // singletons: whenever NFC(line) holds a sentence, the prefilter lets the line through.
        let p = Placeholders::get();
        let pieces = [
            " updated the message timer",
            " created group \"",
            " created group “",
            "joined using this group's invite link",
            " created this group",
            "e\u{301}",
            "\u{e9}",
            "\u{301}",
            "\u{316}",
            "\u{212a}",
            "\u{37e}",
            "\u{1fef}",
            "न\u{93c}",
            "\u{929}",
            "\u{958}",
            "<\u{338}",
            "\u{226e}",
            "\u{200e}",
            " ",
            "d",
            "a",
            "g",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut line = String::new();
            for _ in 0..6 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                line.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            if p.contained(&nfc(&line)).is_some() {
                assert!(p.may_contain(&line), "{line:?}");
            }
        }
    }

    #[test]
    fn nfc_splits_at_boundaries() {
        // NFC(a + b) = NFC(a) + NFC(b) when b starts at a boundary, over strings built from
        // composing, decomposing and reordering pieces.
        let pieces = [
            "e",
            "\u{301}",
            "\u{316}",
            "\u{e9}",
            "क",
            "न",
            "\u{93c}",
            "\u{94d}",
            "\u{929}",
            "\u{958}",
            "\u{9c7}",
            "\u{9be}",
            "\u{9d7}",
            "\u{bc6}",
            "\u{bbe}",
            "\u{1100}",
            "\u{1161}",
            "\u{11a8}",
            "\u{ac00}",
            "\u{212a}",
            "\u{2000}",
            " ",
            "म",
            "\u{948}",
            "\u{f900}",
            "\u{1d15e}",
            "\u{1d165}",
            "\u{0cc6}",
            "\u{0cd5}",
            "\u{0cc2}",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut checked = 0;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..5 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let head = first_segment(&s);
            let whole: String = s.nfc().collect();
            let split: String = head.nfc().chain(s[head.len()..].nfc()).collect();
            assert_eq!(whole, split, "{s:?}");
            for (i, c) in s.char_indices().skip(1) {
                if boundary_before(c) {
                    checked += 1;
                    let split: String = s[..i].nfc().chain(s[i..].nfc()).collect();
                    assert_eq!(whole, split, "{s:?} at {i}");
                }
            }
        }
        assert!(checked > 10_000);
        // The exact-key prefilter never refuses a text whose key is in the dictionary.
        let pl = Placeholders::get();
        let mut key = String::new();
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            exact_key(&s, &mut key);
            if pl.exact_starts.contains(&key.chars().next().unwrap_or(' ')) {
                assert!(pl.may_be_exact(&s), "{s:?}");
            }
        }
        for s in [
            "\u{200e}<मीडिया के बिना>",
            " <মিডি\u{9af}\u{9bc}া বাদ দেও\u{9af}\u{9bc}া হ\u{9af}\u{9bc}েছে>",
            "फ\u{93c}ोटो हटाई गई",
            "\u{95e}ोटो हटाई गई",
        ] {
            assert!(pl.may_be_exact(s), "{s:?}");
        }
        assert!(!pl.may_be_exact("😂 हाँ जी"));
        let p = Placeholders::get();
        assert!(p.may_have_prefix("मैसेजेस और कॉल्स"));
        assert!(!p.may_have_prefix("सर नया"));
    }

    #[test]
    fn the_quick_nfc_table_agrees_with_the_library() {
        for cp in 0..=0x10ffffu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut buf = [0u8; 4];
            let s: &str = c.encode_utf8(&mut buf);
            if quick_yes(s) {
                assert_eq!(is_nfc_quick(s.chars()), IsNormalized::Yes, "U+{cp:04X}");
            }
        }
        for s in [
            "कि\u{93c}\u{94d}",
            "\u{9c7}\u{9be}",
            "a\u{301}\u{316}",
            "a\u{316}\u{301}",
            "ক্ষ\u{9bc}",
            "😂 हाँ जी",
            "\u{f900}",
        ] {
            assert_eq!(
                quick_yes(s),
                is_nfc_quick(s.chars()) == IsNormalized::Yes,
                "{s:?}"
            );
        }
    }

    #[test]
    fn case_insensitive_helpers() {
        assert!(starts_with_ci("POLL: x", "poll:"));
        assert!(!starts_with_ci("PO", "poll:"));
        assert!(ends_with_ci("a.jpg (File Attached)", "(file attached)"));
        assert_eq!(find_ci("x <Attached: y>", "<attached"), Some(2));
        assert_eq!(find_ci("ab", "abc"), None);
    }
}
