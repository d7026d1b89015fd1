//! The structure of one sentence, as features for the learned scorer.
//!
//! Each word is looked up in the lexicon for its roles (acceptance, order, someone other than
//! us, stopping, budget, pause…). The sentence is cut into clauses (punctuation and contrast
//! words such as "but", "mais", "aber"), and each role is read with its scope: negated when its
//! clause holds a negator ("we have *not* chosen anyone"), conditional when the sentence states
//! a condition ("*if* you can do 10 % less we order"), modal for intentions and hypotheses
//! ("we *will probably* sign"), in a question. Roles that meet in a clause make pair features
//! ("order" with a named organisation, "stop" with "project", "pause" with a date). Words, word
//! pairs and character n-grams of each word add what the lexicon does not know. Every feature
//! is a hashed string: the model is a weight per (feature, class).

use chrono::NaiveDate;

use super::dates;
use super::lexicon::{LEXICON, ROLES, Role, Roles};
use super::text::Doc;
use super::tokens::words_with_spans;

/// Number of hashed feature buckets of the model.
pub(crate) const BUCKETS: usize = 1 << 18;

/// FNV-1a over a namespace and parts, reduced to a bucket.
fn hash(parts: &[&str]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for &b in p.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    // Mix the high bits down before reducing.
    ((h ^ (h >> 29)) % BUCKETS as u64) as u32
}

/// Scope flags of a role occurrence.
const NEG: u8 = 1;
const COND: u8 = 2;
const MODAL: u8 = 4;
const QUESTION: u8 = 8;

fn flag_suffix(flags: u8) -> &'static str {
    match flags & (NEG | COND | MODAL) {
        0 => "",
        NEG => "|n",
        COND => "|c",
        MODAL => "|m",
        x if x & NEG != 0 && x & COND != 0 => "|nc",
        x if x & NEG != 0 => "|nm",
        _ => "|cm",
    }
}

/// What the structure reader found in a sentence (also used to explain a decision).
#[derive(Debug, Default, Clone)]
pub(super) struct Reading {
    /// The roles present, per clause, with their scope flags.
    pub clauses: Vec<Vec<(Role, u8)>>,
    /// Whether the sentence names a date.
    pub dated: bool,
    /// Whether it names an organisation (a capitalised word the lexicon does not know, or a legal form).
    pub named: bool,
}

/// Sentences longer than this (bytes) are not read: a pasted table or log, not a decision.
pub(super) const MAX_SENTENCE: usize = 1200;

/// The hashed features of a whole message: those of each of its sentences (see
/// [`sentence_features`]), together, each once (see [`as_message`]).
pub(super) fn message_features(doc: &Doc<'_>, today: NaiveDate, out: &mut Vec<u32>) {
    for (i, &(s, e)) in doc.sentences.iter().enumerate() {
        if e - s <= MAX_SENTENCE {
            sentence_features(doc, i, today, out);
        }
    }
    as_message(out);
}

/// Turns the features of a message's sentences, one after the other, into the message's:
/// each feature once, whatever the number of sentences that have it (a long mail is not more
/// decided than a short one for repeating its greetings).
pub(super) fn as_message(feats: &mut Vec<u32>) {
    feats.sort_unstable();
    feats.dedup();
}

/// The hashed features of sentence `i` of `doc`: its own (see [`features`]) and the tone of the
/// sentence before it ("Unfortunately." / "Good news:" carry over to the decision that follows).
pub(super) fn sentence_features(doc: &Doc<'_>, i: usize, today: NaiveDate, out: &mut Vec<u32>) {
    let Some(&span) = doc.sentences.get(i) else {
        return;
    };
    features(doc, span, today, out);
    let prev = i.checked_sub(1).and_then(|j| doc.sentences.get(j));
    if let Some(&(s, e)) = prev {
        let text = doc.folded.get(s..e).unwrap_or("");
        let toks: Vec<&str> = words_with_spans(text).into_iter().map(|w| w.0).collect();
        let mut all: Roles = 0;
        let mut k = 0;
        while k < toks.len() {
            let (r, len) = LEXICON.lookup(&toks, k);
            all |= r;
            k += len.max(1);
        }
        for role in [
            Role::Regret,
            Role::Good,
            Role::Relay,
            Role::Neg,
            Role::Decide,
            Role::Pause,
            Role::Stop,
            Role::Other,
        ] {
            if all & role.bit() != 0 {
                out.push(hash(&["pv", role.name()]));
            }
        }
    } else {
        out.push(hash(&["pv", "first"]));
    }
}

/// The hashed features of sentence `span` (folded byte range) of `doc`; `today` resolves dates.
pub(super) fn features(doc: &Doc<'_>, span: (usize, usize), today: NaiveDate, out: &mut Vec<u32>) {
    let text = doc.folded.get(span.0..span.1).unwrap_or("");
    let words = words_with_spans(text);
    let toks: Vec<&str> = words.iter().map(|w| w.0).collect();
    let question = text.trim_end().ends_with('?');
    let dated = !dates::find_all(text, today).is_empty();

    // Roles of each word, and which words a unit covers.
    let mut roles: Vec<Roles> = vec![0; toks.len()];
    let mut i = 0;
    while i < toks.len() {
        let (r, len) = LEXICON.lookup(&toks, i);
        roles[i] = r;
        i += len.max(1);
    }
    let caps: Vec<bool> = words
        .iter()
        .enumerate()
        .map(|(k, &(w, s, _))| {
            k > 0
                && roles[k] == 0
                && w.len() >= 2
                && doc.orig_char(span.0 + s).is_some_and(char::is_uppercase)
        })
        .collect();

    // Clauses: cut at punctuation between words and at contrast words.
    let mut clause_of = vec![0usize; toks.len()];
    let mut clause = 0;
    for k in 0..toks.len() {
        if k > 0 {
            let gap = text.get(words[k - 1].2..words[k].1).unwrap_or("");
            if gap.contains([',', ';', ':', '(', ')']) || gap.contains(" - ") {
                clause += 1;
            }
        }
        if roles[k] & Role::Contrast.bit() != 0 {
            clause += 1;
        }
        clause_of[k] = clause;
    }
    let n_clauses = clause + 1;
    let has = |c: usize, role: Role| {
        (0..toks.len()).any(|k| clause_of[k] == c && roles[k] & role.bit() != 0)
    };
    let sentence_cond = roles.iter().any(|r| r & Role::Cond.bit() != 0);
    let mut reading = Reading {
        clauses: vec![Vec::new(); n_clauses],
        dated,
        named: false,
    };
    for c in 0..n_clauses {
        let mut flags = 0;
        if has(c, Role::Neg) {
            flags |= NEG;
        }
        if sentence_cond {
            flags |= COND;
        }
        if has(c, Role::Modal) {
            flags |= MODAL;
        }
        if question {
            flags |= QUESTION;
        }
        let mut seen: Roles = 0;
        for k in (0..toks.len()).filter(|&k| clause_of[k] == c) {
            for role in ROLES {
                if roles[k] & role.bit() != 0 && seen & role.bit() == 0 {
                    seen |= role.bit();
                    reading.clauses[c].push((role, flags));
                }
            }
        }
        let named = (0..toks.len()).any(|k| clause_of[k] == c && caps[k]) || has(c, Role::Org);
        reading.named |= named;
        if named {
            reading.clauses[c].push((Role::Org, flags));
        }
    }
    emit(&reading, &toks, &roles, &clause_of, question, out);
}

/// Turns a reading and the words into hashed features.
fn emit(
    reading: &Reading,
    toks: &[&str],
    roles: &[Roles],
    clause_of: &[usize],
    question: bool,
    out: &mut Vec<u32>,
) {
    out.push(hash(&["bias"]));
    if question {
        out.push(hash(&["s", "q"]));
    }
    if reading.dated {
        out.push(hash(&["s", "date"]));
    }
    if toks.len() <= 4 {
        out.push(hash(&["s", "short"]));
    }
    let neg_clause: Vec<bool> = reading
        .clauses
        .iter()
        .map(|c| c.iter().any(|(r, _)| *r == Role::Neg))
        .collect();
    for clause in &reading.clauses {
        for (i, &(r, f)) in clause.iter().enumerate() {
            let sfx = flag_suffix(f);
            out.push(hash(&["r", r.name(), sfx]));
            if f & QUESTION != 0 {
                out.push(hash(&["rq", r.name()]));
            }
            if reading.dated {
                out.push(hash(&["rd", r.name(), sfx]));
            }
            for &(r2, _) in &clause[i + 1..] {
                out.push(hash(&["rr", r.name(), r2.name(), sfx]));
            }
        }
    }
    // Roles across the whole sentence, for decisions spread over clauses.
    let all: Roles = roles.iter().fold(0, |a, r| a | r);
    for (i, r) in ROLES.iter().enumerate() {
        if all & r.bit() == 0 {
            continue;
        }
        for r2 in &ROLES[i + 1..] {
            if all & r2.bit() != 0 {
                out.push(hash(&["sr", r.name(), r2.name()]));
            }
        }
    }
    for (k, w) in toks.iter().enumerate() {
        let neg = neg_clause.get(clause_of[k]).copied().unwrap_or(false);
        out.push(hash(&["w", w]));
        if neg {
            out.push(hash(&["nw", w]));
        }
        if let Some(next) = toks.get(k + 1) {
            out.push(hash(&["b", w, next]));
        }
        char_grams(w, out);
    }
}

/// Character 4-grams of a word with boundary marks, and its first five letters (a crude stem).
fn char_grams(w: &str, out: &mut Vec<u32>) {
    if w.len() < 3 {
        return;
    }
    let marked = format!("<{w}>");
    let b = marked.as_bytes();
    for win in b.windows(4) {
        if let Ok(g) = std::str::from_utf8(win) {
            out.push(hash(&["c", g]));
        }
    }
    if let Some(stem) = w.get(..5.min(w.len())) {
        out.push(hash(&["p", stem]));
    }
}
