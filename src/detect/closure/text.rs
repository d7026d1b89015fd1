//! Text normalisation for the closure detector: an ASCII "folded" copy of the
//! message (lowercase, accents removed, typographic quotes and dashes
//! unified) with a map back to the original text, and its sentences.
//!
//! All rules run on the folded copy, so they are written in plain ASCII and are
//! accent- and case-insensitive; the evidence quoted to the user is cut from the
//! original text through the offset map.

use std::sync::LazyLock;

use regex::Regex;

/// A message text, folded once, split into sentences.
pub(super) struct Doc<'a> {
    orig: &'a str,
    /// The folded (ASCII, lowercase) copy.
    pub folded: String,
    /// `map[i]` = byte offset in `orig` of the character that produced folded byte `i`.
    map: Vec<usize>,
    /// Sentence spans (byte ranges in `folded`), in order.
    pub sentences: Vec<(usize, usize)>,
}

impl<'a> Doc<'a> {
    /// Folds `orig` and splits it into sentences.
    pub fn new(orig: &'a str) -> Self {
        let (folded, map) = fold_with_map(orig);
        let sentences = split_sentences(&folded);
        Doc {
            orig,
            folded,
            map,
            sentences,
        }
    }

    /// The index of the sentence containing folded byte `pos`.
    pub fn sentence_index(&self, pos: usize) -> Option<usize> {
        self.sentences
            .iter()
            .position(|&(s, e)| pos >= s && pos < e.max(s + 1))
    }

    /// The span of the sentence containing `pos` (or a one-line span around it).
    pub fn sentence_at(&self, pos: usize) -> (usize, usize) {
        match self.sentence_index(pos) {
            Some(i) => self.sentences[i],
            None => (pos, (pos + 1).min(self.folded.len())),
        }
    }

    /// The byte range in the original text of a folded span.
    pub fn orig_range(&self, span: (usize, usize)) -> (usize, usize) {
        let start = self.map.get(span.0).copied().unwrap_or(self.orig.len());
        let end = self.map.get(span.1).copied().unwrap_or(self.orig.len());
        (start, end.max(start))
    }

    /// The original character that produced folded byte `pos`.
    pub fn orig_char(&self, pos: usize) -> Option<char> {
        let off = *self.map.get(pos)?;
        self.orig.get(off..)?.chars().next()
    }

    /// The original text of a folded span, whitespace collapsed, at most ~300 chars.
    pub fn quote(&self, span: (usize, usize)) -> String {
        let start = self.map.get(span.0).copied().unwrap_or(self.orig.len());
        let end = self.map.get(span.1).copied().unwrap_or(self.orig.len());
        let raw = self.orig.get(start..end.max(start)).unwrap_or("");
        let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        truncate_chars(&collapsed, 300)
    }
}

/// Cuts `s` to at most `max` characters, adding an ellipsis when cut.
pub(super) fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Folds a text without keeping the map (for short strings such as file names).
pub(super) fn fold(s: &str) -> String {
    fold_with_map(s).0
}

/// Folds `orig` to lowercase ASCII and returns the folded byte -> original byte map.
fn fold_with_map(orig: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(orig.len() + 8);
    let mut map = Vec::with_capacity(orig.len() + 9);
    for (off, c) in orig.char_indices() {
        let before = out.len();
        for lc in c.to_lowercase() {
            push_folded(lc, &mut out);
        }
        map.resize(map.len() + (out.len() - before), off);
    }
    map.push(orig.len());
    (out, map)
}

/// Appends the ASCII folding of one lowercase char.
fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        if c == '\r' {
            return;
        }
        out.push(if c == '\t' { ' ' } else { c });
        return;
    }
    let s: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ı' => "i",
        'ñ' | 'ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'š' | 'ś' => "s",
        'ž' | 'ź' | 'ż' => "z",
        'ł' => "l",
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        '’' | '‘' | 'ʼ' | '´' | '′' | '‚' => "'",
        '“' | '”' | '«' | '»' | '„' | '″' => "\"",
        '–' | '—' | '‐' | '‑' | '‒' | '−' => "-",
        '•' | '·' | '◦' | '▪' => "-",
        '…' => "...",
        '°' | 'º' => "o",
        '€' => "eur",
        '£' => "gbp",
        '\u{300}'..='\u{36f}' => "",
        _ => " ",
    };
    out.push_str(s);
}

static ABBREVIATIONS: &[&str] = &[
    "env", "etc", "cf", "ex", "no", "nr", "mr", "mrs", "ms", "dr", "mme", "mlle", "st", "ca",
    "bzw", "vs", "approx", "tel", "ref", "art", "inkl", "ggf", "evtl", "usw", "vgl", "max", "min",
    "hr", "fr", "sr", "jr", "co", "corp", "ltd", "inc", "sa", "sas", "nos", "pp", "p.ex", "e.g",
    "i.e", "z.b", "u.a", "d.h", "janv", "fevr", "avr", "juil", "sept", "oct", "nov", "dec", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "okt", "dez",
];

static MONTH_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:jan|fe|mar|apr|avr|ma[iy]|jui|jun|jul|ao|aug|sep|o[ck]t|nov|de[cz]|gen|giu|lug|ago|set|ott|dic|ene|abr)")
        .expect("static regex")
});

/// Splits folded text into trimmed sentence spans.
fn split_sentences(f: &str) -> Vec<(usize, usize)> {
    let b = f.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let cut = match b[i] {
            b'!' | b'?' | b';' => {
                let mut j = i + 1;
                while j < b.len() && matches!(b[j], b'!' | b'?' | b'.') {
                    j += 1;
                }
                (j >= b.len() || b[j].is_ascii_whitespace() || b[j] == b'"' || b[j] == b')')
                    .then_some((j, j))
            }
            b'.' if period_ends(f, i) => Some((i + 1, i + 1)),
            // A spaced dash joins two statements ("Let's revisit in Q3 - I'll know more then").
            b'-' if i > 0 && b[i - 1] == b' ' && b.get(i + 1) == Some(&b' ') => Some((i, i + 1)),
            b'\n' if newline_ends(f, i) => Some((i, i + 1)),
            _ => None,
        };
        if let Some((end, next)) = cut {
            push_trimmed(f, start, end, &mut out);
            start = next;
            i = next;
        } else {
            i += 1;
        }
    }
    push_trimmed(f, start, b.len(), &mut out);
    out
}

fn push_trimmed(f: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let seg = f.get(start..end).unwrap_or("");
    let lead = seg.len() - seg.trim_start().len();
    let trail = seg.len() - seg.trim_end().len();
    if lead + trail < seg.len() {
        out.push((start + lead, end - trail));
    }
}

/// Whether the '.' at `i` ends a sentence (not a decimal, date, abbreviation or "15. April").
fn period_ends(f: &str, i: usize) -> bool {
    let b = f.as_bytes();
    if i + 1 < b.len() && !b[i + 1].is_ascii_whitespace() && b[i + 1] != b'"' && b[i + 1] != b')' {
        return false;
    }
    let before = f.get(..i).unwrap_or("");
    let token_start = before
        .rfind(|c: char| c.is_ascii_whitespace() || c == '(' || c == '"')
        .map_or(0, |p| p + 1);
    let token = before.get(token_start..).unwrap_or("");
    if token.len() == 1 && token.as_bytes()[0].is_ascii_alphabetic() {
        return false;
    }
    if ABBREVIATIONS.contains(&token) {
        return false;
    }
    let is_day = !token.is_empty() && token.len() <= 2 && token.bytes().all(|c| c.is_ascii_digit());
    !(is_day && MONTH_START.is_match(f.get(i + 1..).unwrap_or("")))
}

/// Whether the single '\n' at `i` ends a sentence (blank line, short or punctuated
/// line, list item) rather than being a soft wrap inside a paragraph.
fn newline_ends(f: &str, i: usize) -> bool {
    let line_start = f.get(..i).unwrap_or("").rfind('\n').map_or(0, |p| p + 1);
    let prev = f.get(line_start..i).unwrap_or("").trim();
    let rest = f.get(i + 1..).unwrap_or("");
    let next_line = rest.split('\n').next().unwrap_or("").trim();
    if prev.is_empty() || next_line.is_empty() {
        return true;
    }
    if prev.len() < 45 || prev.ends_with(['.', '!', '?', ':', ';', ',', ')']) {
        return true;
    }
    next_line.starts_with(['-', '*', '>', '"'])
}

/// The text before `pos` inside the sentence starting at `sent_start`, at most
/// `max` bytes, cut after the last clause separator.
pub(super) fn clause_before(f: &str, sent_start: usize, pos: usize, max: usize) -> &str {
    let from = sent_start.max(pos.saturating_sub(max)).min(pos);
    let mut from = from;
    while from < pos && !f.is_char_boundary(from) {
        from += 1;
    }
    let w = f.get(from..pos).unwrap_or("");
    let cut = CLAUSE_SEP.find_iter(w).last().map_or(0, |m| m.end());
    w.get(cut..).unwrap_or("")
}

static CLAUSE_SEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[,;:()]|\s-\s|\b(?:but|mais|aber|however|toutefois|cependant|pero|sondern|doch|and|et|und|so|donc|also)\b")
        .expect("static regex")
});

/// Rewrites a pattern for the folded (ASCII, lowercase) text: Unicode-aware `\b`, `\w`, `\d`,
/// `\s` become their ASCII forms. The automata get far smaller and the lazy DFA never has to
/// give up on a Unicode word boundary, which keeps memory and time per message low.
pub(super) fn ascii_pattern(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut depth = 0usize;
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push(c);
                    break;
                };
                let class = match n {
                    'w' => Some("[:word:]"),
                    'W' => Some("[:^word:]"),
                    'd' => Some("[:digit:]"),
                    'D' => Some("[:^digit:]"),
                    's' => Some("[:space:]"),
                    'S' => Some("[:^space:]"),
                    _ => None,
                };
                match (class, depth) {
                    (Some(cl), 0) => {
                        out.push('[');
                        out.push_str(cl);
                        out.push(']');
                    }
                    (Some(cl), _) => out.push_str(cl),
                    (None, 0) if n == 'b' || n == 'B' => {
                        out.push_str("(?-u:\\");
                        out.push(n);
                        out.push(')');
                    }
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' => {
                depth += 1;
                out.push(c);
                // A literal ']' or '^]' right after the opening bracket does not close it.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if depth > 0 => {
                depth -= 1;
                out.push(c);
            }
            // A space in a phrase also matches a line break: mail wraps lines anywhere.
            ' ' if depth == 0 => out.push_str("[[:space:]]"),
            _ => out.push(c),
        }
    }
    out
}
