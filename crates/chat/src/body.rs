//! What follows the header: the author, and what kind of message the text is.
//!
//! Structure first (FORMATS.md §0.6): an Android line without `Name: ` is a system line; an iOS
//! line whose text starts with U+200E after `Name: ` is a system line unless the mark only
//! introduces a placeholder. Strings second: the dictionary in `data/placeholders.tsv`.

use crate::digits::{is_format_mark, is_space_like, strip_marks, trim_leading_marks};
use crate::placeholders::{ends_with_ci, find_ci, nfc, starts_with_ci, Placeholders};
use crate::Kind;

/// The start of a message's body, split.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Head<'a> {
    /// The author as written (before cleaning), if the line has one.
    pub(crate) author: Option<&'a str>,
    /// The text on the header line.
    pub(crate) text: &'a str,
    /// `Name:.` (chat-miner's disappearing message): an author with no text.
    pub(crate) vanished: bool,
}

/// A system sentence, not a name, stands before the first `: ` (`Ravi changed the subject from
/// "A" to "Order: 42"`). Names are short and carry no quotes.
fn plausible_name(name: &str) -> bool {
    let name = name.trim();
    if name.is_empty() || name.len() > 320 || name.as_bytes().contains(&b'"') {
        return false;
    }
    if name.is_ascii() {
        return name.len() <= 80;
    }
    name.chars().count() <= 80 && !name.contains(['“', '”', '«', '»'])
}

/// Splits the header line's body into author and text.
pub(crate) fn split_author(body: &str) -> Head<'_> {
    let colon_space = memchr::memchr_iter(b':', body.as_bytes())
        .find(|&p| body.as_bytes().get(p + 1) == Some(&b' '));
    if let Some((name, rest)) = colon_space.and_then(|p| Some((body.get(..p)?, body.get(p + 2..)?)))
    {
        if plausible_name(name) {
            return Head {
                author: Some(name),
                text: rest,
                vanished: false,
            };
        }
        return Head {
            author: None,
            text: body,
            vanished: false,
        };
    }
    if let Some(name) = body.strip_suffix(":.") {
        if plausible_name(name) && !name.contains(':') {
            return Head {
                author: Some(name),
                text: "",
                vanished: true,
            };
        }
    }
    Head {
        author: None,
        text: body,
        vanished: false,
    }
}

/// The author for output: format marks dropped, `~ Name` (unsaved contact) → `Name`.
pub(crate) fn clean_author(raw: &str) -> String {
    let s = strip_marks(raw);
    let s = s.trim();
    let s = match s.strip_prefix('~') {
        Some(rest) => rest.trim_start_matches(is_space_like),
        None => s,
    };
    s.trim().to_string()
}

/// Removes an edited marker (` <This message was edited>`, maybe after U+200E) from the end of
/// `text`; true when there was one.
pub(crate) fn strip_edited(text: &mut String) -> bool {
    let end = text.trim_end().len();
    let Some(head) = text.get(..end) else {
        return false;
    };
    if !head.ends_with('>') {
        return false;
    }
    for marker in &Placeholders::get().markers {
        if ends_with_ci(head, marker) {
            let cut = head.len() - marker.len();
            let kept = head
                .get(..cut)
                .unwrap_or("")
                .trim_end_matches(|c: char| c.is_whitespace() || is_format_mark(c))
                .len();
            text.truncate(kept);
            return true;
        }
    }
    false
}

/// What a message is, and the file it names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Classified {
    pub(crate) kind: Kind,
    pub(crate) attachment: Option<String>,
}

fn is_vcf(name: &str) -> bool {
    ends_with_ci(name, ".vcf")
}

fn attachment(name: &str) -> Option<Classified> {
    let name = name.trim_matches(|c: char| c.is_whitespace() || is_format_mark(c));
    if name.is_empty() {
        return None;
    }
    Some(Classified {
        kind: if is_vcf(name) {
            Kind::Contact
        } else {
            Kind::Media
        },
        attachment: Some(name.to_string()),
    })
}

/// The file named on a message's first line, if any.
fn attached_file(first: &str, p: &Placeholders) -> Option<Classified> {
    if !first.ends_with(')') && !first.ends_with('>') {
        return None;
    }
    let first = strip_marks(first);
    let first = nfc(&first);
    let first = first.trim_end();
    if let Some(open) = first.strip_suffix(')') {
        for kw in &p.file_attached {
            if let Some(file) = open.strip_suffix(kw.as_str()) {
                if let Some(file) = file.strip_suffix('(') {
                    return attachment(file);
                }
            }
        }
        return None;
    }
    let inner = first.strip_suffix('>')?;
    // Old iOS: `FILE <attached>`.
    for kw in &p.attached_after {
        if let Some(file) = inner.strip_suffix(kw.as_str()) {
            if let Some(file) = file.trim_end().strip_suffix('<') {
                return attachment(file);
            }
        }
    }
    // `<attached: FILE>`, possibly after a document title (`RS.pdf • 14 pages <attached: …>`).
    let lt = inner.rfind('<')?;
    let inside = inner.get(lt + 1..)?.trim_start();
    for kw in &p.attached {
        if starts_with_ci(inside, kw) {
            let rest = inside.get(kw.len()..)?.trim_start();
            if let Some(file) = rest.strip_prefix(':') {
                return attachment(file);
            }
        }
    }
    None
}

fn is_map_link(rest: &str) -> bool {
    let rest = rest.trim_start();
    starts_with_ci(rest, "https://") || starts_with_ci(rest, "http://")
}

fn is_location(t: &str, first: &str, p: &Placeholders) -> bool {
    for label in &p.location {
        if starts_with_ci(first, label) {
            if let Some(rest) = first.get(label.len()..).and_then(|r| r.strip_prefix(':')) {
                if is_map_link(rest) {
                    return true;
                }
            }
        }
    }
    // A Foursquare venue: `Venue (Address): https://foursquare.com/v/…`, on Android possibly
    // below the map link's line.
    t.lines().any(|l| {
        find_ci(l, ": https://foursquare.com/v/").is_some()
            || starts_with_ci(l.trim_start(), "https://foursquare.com/v/")
    })
}

/// The kind of an authored message from its text (edited marker already removed). `ios`: the
/// line has iOS structure, where a leading U+200E marks WhatsApp's own text.
pub(crate) fn classify(text: &str, ios: bool, key: &mut String) -> Classified {
    let p = Placeholders::get();
    let t = trim_leading_marks(text);
    let marked = t.len() != text.len();
    // `t.lines().next()`, by memchr.
    let newline = memchr::memchr(b'\n', t.as_bytes());
    let first = match newline.and_then(|p| t.get(..p)) {
        Some(l) => l.strip_suffix('\r').unwrap_or(l),
        None => t,
    };
    let plain = |kind| Classified {
        kind,
        attachment: None,
    };
    // A poll is `POLL:` then the question and `OPTION: … (N votes)` lines; both keywords stay
    // English even in an Italian export (FORMATS.md §8). A typed "POLL: …" with no option line
    // is text.
    if starts_with_ci(first, "POLL:") && t.lines().skip(1).any(|l| starts_with_ci(l, "OPTION:")) {
        return plain(Kind::Poll);
    }
    if let Some(c) = attached_file(first, p) {
        return c;
    }
    if let Some(kind) = p.exact_kind(t, key) {
        return plain(kind);
    }
    if p.may_have_prefix(t) {
        let t_nfc = nfc(t);
        for (prefix, kind) in &p.prefix {
            if starts_with_ci(&t_nfc, prefix) {
                return plain(*kind);
            }
        }
    }
    let single = newline.is_none();
    // The last character left once marks are dropped and the end trimmed must end a suffix.
    let last = || {
        t.chars()
            .rev()
            .find(|&c| !c.is_whitespace() && !is_format_mark(c))
    };
    if single && last().is_some_and(|c| p.suffix_ends.contains(&c.to_ascii_lowercase())) {
        let unmarked = strip_marks(t);
        for (suffix, kind) in &p.suffix {
            if ends_with_ci(unmarked.trim_end(), suffix) {
                return plain(*kind);
            }
        }
    }
    let link = memchr::memchr_iter(b':', t.as_bytes())
        .any(|i| t.as_bytes().get(i + 1..i + 3) == Some(b"//"));
    if link && is_location(t, first, p) {
        return plain(Kind::Location);
    }
    if first.len() >= p.contains_min && p.may_contain(first) {
        if let Some(kind) = p.contained(&nfc(first)) {
            return plain(kind);
        }
    }
    if ios && marked {
        return plain(Kind::System);
    }
    plain(Kind::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str, ios: bool) -> (Kind, Option<String>) {
        let c = classify(text, ios, &mut String::new());
        (c.kind, c.attachment)
    }

    #[test]
    fn authors_and_system_sentences() {
        assert_eq!(
            split_author("Ravi Kumar: kitne ka hai?"),
            Head {
                author: Some("Ravi Kumar"),
                text: "kitne ka hai?",
                vanished: false
            }
        );
        assert_eq!(split_author("Luke: ").text, "");
        assert_eq!(split_author("Ravi: a: b").text, "a: b");
        assert_eq!(split_author("You were added").author, None);
        let subject = "Ravi changed the subject from \"A\" to \"Order: 42\"";
        assert_eq!(
            split_author(subject),
            Head {
                author: None,
                text: subject,
                vanished: false
            }
        );
        assert_eq!(
            split_author("John Doe:."),
            Head {
                author: Some("John Doe"),
                text: "",
                vanished: true
            }
        );
        assert_eq!(clean_author("~\u{202f}Nev"), "Nev");
        assert_eq!(clean_author("~ YSL"), "YSL");
        assert_eq!(
            clean_author("\u{202a}+91 98765 43210\u{202c}"),
            "+91 98765 43210"
        );
        assert_eq!(clean_author("\u{200f}سارة\u{200f}"), "سارة");
        assert_eq!(
            clean_author("+1 (777) 777\u{2011}7777"),
            "+1 (777) 777\u{2011}7777"
        );
        assert_eq!(clean_author("AK❤️❤️"), "AK❤️❤️");
    }

    #[test]
    fn edited_markers() {
        let mut t = "kal 5 baje <This message was edited>".to_string();
        assert!(strip_edited(&mut t));
        assert_eq!(t, "kal 5 baje");
        let mut t = "line one\nline two \u{200e}<This message was edited>  ".to_string();
        assert!(strip_edited(&mut t));
        assert_eq!(t, "line one\nline two");
        let mut t = "<this message was edited> is what it says".to_string();
        assert!(!strip_edited(&mut t));
        let mut t = "a <b>".to_string();
        assert!(!strip_edited(&mut t));
        assert_eq!(t, "a <b>");
    }

    #[test]
    fn kinds_of_bodies() {
        use Kind::*;
        let cases: &[(&str, bool, Kind, Option<&str>)] = &[
            ("kitne ka hai?", false, Text, None),
            ("<Media omitted>", false, Media, None),
            ("<media omitted>", false, Media, None),
            ("\u{200e}image omitted", true, Media, None),
            ("\u{200e}Contact card omitted", true, Contact, None),
            ("Resume.pdf • 2 pages document omitted", true, Media, None),
            ("Invoice.pdf • 2 pages \u{200e}document omitted", true, Media, None),
            ("null", false, Media, None),
            ("This message was deleted", false, Deleted, None),
            ("\u{200e}This message was deleted.", true, Deleted, None),
            ("You deleted this message", false, Deleted, None),
            ("This message was deleted by admin Ravi.", false, Deleted, None),
            ("यह मैसेज डिलीट कर दिया गया है", false, Deleted, None),
            ("<मीडिया के बिना>", false, Media, None),
            ("IMG-20230630-WA0000.jpg (file attached)\nimage comment", false, Media, Some("IMG-20230630-WA0000.jpg")),
            ("Peter.vcf (file attached)", false, Contact, Some("Peter.vcf")),
            ("\u{200e}4f2680f1db95a8454775cc2eefc95bfc.jpg (Datei angehängt)\nDir auch frohe Ostern.", false, Media, Some("4f2680f1db95a8454775cc2eefc95bfc.jpg")),
            ("bill.pdf (फाइल अटैच कर दी गई है)", false, Media, Some("bill.pdf")),
            ("\u{200e}<attached: 00000042-PHOTO-2020-06-07-15-13-20.jpg>", true, Media, Some("00000042-PHOTO-2020-06-07-15-13-20.jpg")),
            ("< attached: 00000042-PHOTO-2020-06-07-15-13-20.jpg >", true, Media, Some("00000042-PHOTO-2020-06-07-15-13-20.jpg")),
            ("<attached: 00000004-Peter.vcf>", true, Contact, Some("00000004-Peter.vcf")),
            ("V--- SEGA RS.pdf • 14 pages <attached: 00000002-RS.pdf>", true, Media, Some("00000002-RS.pdf")),
            ("2015-08-04-PHOTO-00004762.jpg <\u{200e}attached>", true, Media, Some("2015-08-04-PHOTO-00004762.jpg")),
            ("\u{200e}<Anhang: 00000001-PHOTO-2024-03-13-10-16-02.jpg>", true, Media, Some("00000001-PHOTO-2024-03-13-10-16-02.jpg")),
            ("POLL:\nKal ki delivery kab?\nOPTION: Subah (2 votes)\nOPTION: Shaam (1 vote)", false, Poll, None),
            ("POLL: kal kaun aa raha hai?", false, Text, None),
            ("location: https://maps.google.com/?q=19.0760,72.8777", false, Location, None),
            ("Location: https://maps.google.com/?q=51.5021456,-0.127397", true, Location, None),
            ("स्थान: https://maps.google.com/?q=19.0760,72.8777", false, Location, None),
            ("live location shared", false, Location, None),
            ("Pimlico Gardens (London, United Kingdom): https://foursquare.com/v/4e89", true, Location, None),
            ("location: https://maps.google.com/?q=28.6,77.2\nCrawford Market\nMumbai, Maharashtra", false, Location, None),
            ("yeh dekho https://maps.google.com/?q=1,2", false, Text, None),
            ("\u{200e}Rudi Anderson added you", true, System, None),
            ("Rudi Anderson added you", true, Text, None),
            ("\u{200e}Missed voice call", true, System, None),
            ("Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.", false, System, None),
            ("+123 45 6789 updated the message timer. New messages will disappear from this chat 24 hours after they're sent, except when kept. Tap to change.", false, System, None),
            ("the file (file attached)", false, Media, Some("the file")),
            ("(file attached)", false, Text, None),
        ];
        for (text, ios, want, file) in cases {
            assert_eq!(
                kind(text, *ios),
                (*want, file.map(str::to_string)),
                "{text:?}"
            );
        }
    }
}
