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
    /// The longest exact key in bytes: longer messages skip the lookup.
    pub(crate) exact_max: usize,
    /// The ASCII exact keys by byte length (up to 255): an ASCII message is compared with the
    /// keys of its length, ASCII case ignored, without building a key.
    pub(crate) ascii_by_len: Vec<Vec<(String, Kind)>>,
    /// ASCII-lowercased first bytes of the prefixes.
    pub(crate) prefix_first: [bool; 256],
    pub(crate) prefix: Vec<(String, Kind)>,
    pub(crate) suffix: Vec<(String, Kind)>,
    /// Searched case-sensitively (WhatsApp writes these sentences one way).
    pub(crate) contains: Vec<(memchr::memmem::Finder<'static>, Kind)>,
    /// The shortest `contains` string: shorter lines skip the search.
    pub(crate) contains_min: usize,
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
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
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
            ascii_by_len: vec![Vec::new(); 256],
            prefix_first: [false; 256],
            prefix: Vec::new(),
            suffix: Vec::new(),
            contains: Vec::new(),
            contains_min: usize::MAX,
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
        exact_key(t, key);
        self.exact.get(key.as_str()).copied()
    }

    /// Whether any prefix can start `t`.
    pub(crate) fn may_have_prefix(&self, t: &str) -> bool {
        t.as_bytes()
            .first()
            .is_some_and(|&b| b >= 0x80 || self.prefix_first[usize::from(b.to_ascii_lowercase())])
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
                    p.prefix.push((string_nfc, k));
                }
                "suffix" => p.suffix.push((string_nfc, k)),
                "contains" => {
                    p.contains_min = p.contains_min.min(string_nfc.len());
                    let finder = memchr::memmem::Finder::new(string_nfc.as_bytes()).into_owned();
                    p.contains.push((finder, k));
                }
                "file-attached" => p.file_attached.push(string_nfc),
                "attached" => p.attached.push(string_nfc),
                "attached-after" => p.attached_after.push(string_nfc),
                "location" => p.location.push(string_nfc),
                "marker" => p.markers.push(string_nfc),
                _ => return Err(format!("placeholders.tsv:{}: unknown match {how:?}", n + 1)),
            }
        }
        Ok(p)
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
    fn case_insensitive_helpers() {
        assert!(starts_with_ci("POLL: x", "poll:"));
        assert!(!starts_with_ci("PO", "poll:"));
        assert!(ends_with_ci("a.jpg (File Attached)", "(file attached)"));
        assert_eq!(find_ci("x <Attached: y>", "<attached"), Some(2));
        assert_eq!(find_ci("ab", "abc"), None);
    }
}
