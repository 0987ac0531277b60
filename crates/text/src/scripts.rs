//! Script of each character, and runs of one script.
//!
//! Characters common to all scripts (digits, punctuation, spaces, emoji, ₹) take the script of
//! the run they sit in, so `order ఇంకా 5 రోజులు` is one Latin run and one Telugu run.

/// Writing systems Sandesh tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Script {
    /// Latin letters.
    Latin,
    /// Devanagari (Hindi, Marathi).
    Devanagari,
    /// Bengali-Assamese.
    Bengali,
    /// Gurmukhi (Punjabi).
    Gurmukhi,
    /// Gujarati.
    Gujarati,
    /// Odia.
    Odia,
    /// Tamil.
    Tamil,
    /// Telugu.
    Telugu,
    /// Kannada.
    Kannada,
    /// Malayalam.
    Malayalam,
    /// Arabic (Urdu).
    Arabic,
    /// Letters of any other script.
    OtherLetters,
    /// Digits, punctuation, symbols, emoji, whitespace: shared by all scripts.
    Common,
}

impl Script {
    /// Scripts that count letters, in a fixed order (index into [`ScriptCounts`]).
    pub const LETTERED: [Script; 12] = [
        Script::Latin,
        Script::Devanagari,
        Script::Bengali,
        Script::Gurmukhi,
        Script::Gujarati,
        Script::Odia,
        Script::Tamil,
        Script::Telugu,
        Script::Kannada,
        Script::Malayalam,
        Script::Arabic,
        Script::OtherLetters,
    ];
}

/// Whether `c` belongs to one of the Indic blocks (Devanagari to Malayalam).
pub(crate) fn is_indic(c: char) -> bool {
    ('\u{0900}'..='\u{0D7F}').contains(&c)
}

/// The script of one character.
pub fn script_of(c: char) -> Script {
    match c {
        'a'..='z' | 'A'..='Z' => Script::Latin,
        _ if c.is_ascii() => Script::Common,
        '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' if c.is_alphabetic() => Script::Latin,
        '\u{0900}'..='\u{097F}' | '\u{A8E0}'..='\u{A8FF}' => devanagari_or_common(c),
        '\u{0980}'..='\u{09FF}' => Script::Bengali,
        '\u{0A00}'..='\u{0A7F}' => Script::Gurmukhi,
        '\u{0A80}'..='\u{0AFF}' => Script::Gujarati,
        '\u{0B00}'..='\u{0B7F}' => Script::Odia,
        '\u{0B80}'..='\u{0BFF}' => Script::Tamil,
        '\u{0C00}'..='\u{0C7F}' => Script::Telugu,
        '\u{0C80}'..='\u{0CFF}' => Script::Kannada,
        '\u{0D00}'..='\u{0D7F}' => Script::Malayalam,
        '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' if c.is_alphabetic() => Script::Arabic,
        _ if c.is_alphabetic() => Script::OtherLetters,
        _ => Script::Common,
    }
}

/// The danda and double danda are shared by many Indic scripts.
fn devanagari_or_common(c: char) -> Script {
    if c == '\u{0964}' || c == '\u{0965}' {
        Script::Common
    } else {
        Script::Devanagari
    }
}

/// A maximal run of one script, in char offsets of the text it was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptRun {
    /// The run's script (`Common` only when the whole text has no letters).
    pub script: Script,
    /// First char, inclusive.
    pub start: usize,
    /// One past the last char.
    pub end: usize,
}

/// Splits `text` into runs of one script; common characters join the run before them (or the
/// first run when they lead the text).
pub fn script_runs(text: &str) -> Vec<ScriptRun> {
    let mut runs: Vec<ScriptRun> = Vec::new();
    let mut leading_common = 0;
    for (i, c) in text.chars().enumerate() {
        let s = script_of(c);
        match (s, runs.last_mut()) {
            (Script::Common, None) => leading_common = i + 1,
            (Script::Common, Some(run)) => run.end = i + 1,
            (_, Some(run)) if run.script == s => run.end = i + 1,
            (_, last) => {
                let start = if last.is_none() { 0 } else { i };
                runs.push(ScriptRun {
                    script: s,
                    start,
                    end: i + 1,
                });
            }
        }
    }
    if runs.is_empty() && leading_common > 0 {
        runs.push(ScriptRun {
            script: Script::Common,
            start: 0,
            end: leading_common,
        });
    }
    runs
}

/// Letters per script in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptCounts {
    counts: [usize; 12],
}

impl ScriptCounts {
    /// Counts the letters of `text` per script.
    pub fn of(text: &str) -> Self {
        let mut counts = [0; 12];
        for c in text.chars() {
            let s = script_of(c);
            if let Some(i) = Script::LETTERED.iter().position(|&l| l == s) {
                counts[i] += 1;
            }
        }
        ScriptCounts { counts }
    }

    /// Letters in `script`.
    pub fn get(&self, script: Script) -> usize {
        Script::LETTERED
            .iter()
            .position(|&l| l == script)
            .map_or(0, |i| self.counts[i])
    }

    /// All letters.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The non-Latin script with the most letters, with its count.
    pub fn top_native(&self) -> Option<(Script, usize)> {
        Script::LETTERED[1..]
            .iter()
            .zip(&self.counts[1..])
            .filter(|(_, &n)| n > 0)
            .max_by_key(|(_, &n)| n)
            .map(|(&s, &n)| (s, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_of_characters() {
        assert_eq!(script_of('a'), Script::Latin);
        assert_eq!(script_of('é'), Script::Latin);
        assert_eq!(script_of('क'), Script::Devanagari);
        assert_eq!(script_of('्'), Script::Devanagari);
        assert_eq!(script_of('।'), Script::Common);
        assert_eq!(script_of('ক'), Script::Bengali);
        assert_eq!(script_of('ਕ'), Script::Gurmukhi);
        assert_eq!(script_of('ક'), Script::Gujarati);
        assert_eq!(script_of('க'), Script::Tamil);
        assert_eq!(script_of('క'), Script::Telugu);
        assert_eq!(script_of('ಕ'), Script::Kannada);
        assert_eq!(script_of('ക'), Script::Malayalam);
        assert_eq!(script_of('ب'), Script::Arabic);
        assert_eq!(script_of('Ж'), Script::OtherLetters);
        for c in ['5', '₹', ' ', '🙏', '?', '\u{200D}'] {
            assert_eq!(script_of(c), Script::Common, "{c:?}");
        }
    }

    #[test]
    fn runs_absorb_common_characters() {
        let runs = script_runs("₹500 order ఇంకా 5 రోజులు!");
        assert_eq!(runs.len(), 2);
        assert_eq!(
            (runs[0].script, runs[0].start, runs[0].end),
            (Script::Latin, 0, 11)
        );
        assert_eq!(
            (runs[1].script, runs[1].start, runs[1].end),
            (Script::Telugu, 11, 25)
        );
        assert_eq!(
            script_runs("🙏🙏").first().map(|r| r.script),
            Some(Script::Common)
        );
        assert!(script_runs("").is_empty());
    }

    #[test]
    fn counts_pick_the_top_native_script() {
        let c = ScriptCounts::of("order ఇంకా raaledu ಹೌ");
        assert_eq!(c.get(Script::Latin), 12);
        assert_eq!(c.top_native(), Some((Script::Telugu, 4)));
        assert_eq!(ScriptCounts::of("ok 👍").top_native(), None);
    }
}
