//! The words of each language with their role, read from `data/lexicon/<lang>.toml`.
//!
//! A lexicon is data: adding a language is adding a file (see `data/lexicon/README.md`). All
//! languages are merged into one table, looked up on folded tokens; a unit of several words
//! matches consecutive tokens, and an entry ending in `*` matches any token starting with it.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::tokens::split_words;

/// The roles a word can play in a decision (see `data/lexicon/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Role {
    Accept,
    Choose,
    Order,
    Offer,
    You,
    We,
    Other,
    Cheaper,
    Stop,
    Budget,
    Inhouse,
    Keep,
    Pause,
    Resume,
    Neg,
    Cond,
    Modal,
    Ask,
    Still,
    Final,
    Decide,
    Regret,
    Good,
    Project,
    Relay,
    Time,
    Org,
    Contrast,
    Task,
}

/// Every role, in bit order.
pub(super) const ROLES: [Role; 29] = [
    Role::Accept,
    Role::Choose,
    Role::Order,
    Role::Offer,
    Role::You,
    Role::We,
    Role::Other,
    Role::Cheaper,
    Role::Stop,
    Role::Budget,
    Role::Inhouse,
    Role::Keep,
    Role::Pause,
    Role::Resume,
    Role::Neg,
    Role::Cond,
    Role::Modal,
    Role::Ask,
    Role::Still,
    Role::Final,
    Role::Decide,
    Role::Regret,
    Role::Good,
    Role::Project,
    Role::Relay,
    Role::Time,
    Role::Org,
    Role::Contrast,
    Role::Task,
];

impl Role {
    /// The key of the role in the lexicon files.
    pub fn name(self) -> &'static str {
        match self {
            Role::Accept => "accept",
            Role::Choose => "choose",
            Role::Order => "order",
            Role::Offer => "offer",
            Role::You => "you",
            Role::We => "we",
            Role::Other => "other",
            Role::Cheaper => "cheaper",
            Role::Stop => "stop",
            Role::Budget => "budget",
            Role::Inhouse => "inhouse",
            Role::Keep => "keep",
            Role::Pause => "pause",
            Role::Resume => "resume",
            Role::Neg => "neg",
            Role::Cond => "cond",
            Role::Modal => "modal",
            Role::Ask => "ask",
            Role::Still => "still",
            Role::Final => "final",
            Role::Decide => "decide",
            Role::Regret => "regret",
            Role::Good => "good",
            Role::Project => "project",
            Role::Relay => "relay",
            Role::Time => "time",
            Role::Org => "org",
            Role::Contrast => "contrast",
            Role::Task => "task",
        }
    }

    /// The role's bit in a [`Roles`] set.
    pub fn bit(self) -> Roles {
        1 << (self as u32)
    }
}

/// A set of roles, one bit each.
pub(super) type Roles = u32;

/// The languages shipped, with their lexicon files.
pub(super) const FILES: [(&str, &str); 6] = [
    ("en", include_str!("../../../data/lexicon/en.toml")),
    ("fr", include_str!("../../../data/lexicon/fr.toml")),
    ("de", include_str!("../../../data/lexicon/de.toml")),
    ("es", include_str!("../../../data/lexicon/es.toml")),
    ("it", include_str!("../../../data/lexicon/it.toml")),
    ("nl", include_str!("../../../data/lexicon/nl.toml")),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    roles: HashMap<String, Vec<String>>,
    #[serde(default)]
    time: TimeFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TimeFile {
    #[serde(default)]
    months: std::collections::BTreeMap<String, u32>,
    #[serde(default)]
    weekdays: std::collections::BTreeMap<String, u32>,
    #[serde(default)]
    numbers: std::collections::BTreeMap<String, u32>,
}

/// The calendar words of every language, folded: (word, value) pairs.
#[derive(Debug, Default)]
pub(super) struct TimeWords {
    /// Month names and abbreviations → 1..=12.
    pub months: Vec<(String, u32)>,
    /// Weekday names → 1 (Monday) ..= 7.
    pub weekdays: Vec<(String, u32)>,
    /// Number words ("three", "drei", "a couple of") → value.
    pub numbers: Vec<(String, u32)>,
}

/// One token of an entry: a whole word, or a prefix (`bestell*`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pat {
    Word(String),
    Prefix(String),
}

impl Pat {
    fn matches(&self, tok: &str) -> bool {
        match self {
            Pat::Word(w) => w == tok,
            Pat::Prefix(p) => tok.starts_with(p.as_str()),
        }
    }
}

/// The merged lexicon of every language.
#[derive(Default)]
pub(super) struct Lexicon {
    /// Single whole words.
    words: HashMap<String, Roles>,
    /// Single-token prefixes, grouped by their first three bytes.
    prefixes: HashMap<String, Vec<(String, Roles)>>,
    /// Units of several tokens, by the first token's first three bytes.
    units: HashMap<String, Vec<(Vec<Pat>, Roles)>>,
    /// The calendar words the date resolver reads.
    pub time: TimeWords,
}

/// A lexicon entry that cannot be used, with the file it came from.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The TOML file does not parse or has an unknown key.
    #[error("lexicon {lang}: {msg}")]
    Syntax {
        /// The language file.
        lang: String,
        /// What the parser said.
        msg: String,
    },
    /// A calendar word with a value out of its range.
    #[error("lexicon {lang}: {kind} `{word}` = {value} is out of range")]
    BadValue {
        /// The language file.
        lang: String,
        /// `months`, `weekdays` or `numbers`.
        kind: &'static str,
        /// The word.
        word: String,
        /// Its value.
        value: u32,
    },
    /// A role key that the detector does not know.
    #[error("lexicon {lang}: unknown role `{role}`")]
    UnknownRole {
        /// The language file.
        lang: String,
        /// The key.
        role: String,
    },
}

fn key3(s: &str) -> String {
    s.chars().take(3).collect()
}

impl Lexicon {
    /// Parses and merges lexicon files `(language, TOML text)`.
    pub fn parse(files: &[(&str, &str)]) -> Result<Self, LexiconError> {
        let mut lex = Lexicon::default();
        for (lang, text) in files {
            let file: File = toml::from_str(text).map_err(|e| LexiconError::Syntax {
                lang: lang.to_string(),
                msg: e.message().to_string(),
            })?;
            let tables = [
                ("months", &file.time.months, 1..=12, &mut lex.time.months),
                (
                    "weekdays",
                    &file.time.weekdays,
                    1..=7,
                    &mut lex.time.weekdays,
                ),
                (
                    "numbers",
                    &file.time.numbers,
                    1..=999,
                    &mut lex.time.numbers,
                ),
            ];
            for (kind, words, range, dst) in tables {
                for (word, &value) in words {
                    if !range.contains(&value) {
                        return Err(LexiconError::BadValue {
                            lang: lang.to_string(),
                            kind,
                            word: word.clone(),
                            value,
                        });
                    }
                    let folded = super::text::fold(word).trim().to_string();
                    if !dst.iter().any(|(w, _)| *w == folded) {
                        dst.push((folded, value));
                    }
                }
            }
            let mut keys: Vec<_> = file.roles.into_iter().collect();
            keys.sort();
            for (key, entries) in keys {
                let role = ROLES
                    .iter()
                    .find(|r| r.name() == key)
                    .copied()
                    .ok_or_else(|| LexiconError::UnknownRole {
                        lang: lang.to_string(),
                        role: key.clone(),
                    })?;
                for e in entries {
                    lex.add(&e, role.bit());
                }
            }
        }
        Ok(lex)
    }

    fn add(&mut self, entry: &str, roles: Roles) {
        let folded = super::text::fold(entry);
        let star = folded.trim_end().ends_with('*');
        let words = split_words(folded.trim_end().trim_end_matches('*'));
        let Some(last) = words.len().checked_sub(1) else {
            return;
        };
        let pats: Vec<Pat> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last && star {
                    Pat::Prefix(w.to_string())
                } else {
                    Pat::Word(w.to_string())
                }
            })
            .collect();
        match pats.as_slice() {
            [Pat::Word(w)] => *self.words.entry(w.clone()).or_default() |= roles,
            [Pat::Prefix(p)] => self
                .prefixes
                .entry(key3(p))
                .or_default()
                .push((p.clone(), roles)),
            [first, ..] => {
                let k = match first {
                    Pat::Word(w) | Pat::Prefix(w) => key3(w),
                };
                self.units.entry(k).or_default().push((pats, roles));
            }
            [] => {}
        }
    }

    /// The roles of the token at `i` and how many tokens the longest unit starting there
    /// covers (1 for a single word); `(0, 1)` when the token has no role.
    pub fn lookup(&self, toks: &[&str], i: usize) -> (Roles, usize) {
        let Some(&tok) = toks.get(i) else {
            return (0, 1);
        };
        let k = key3(tok);
        let mut roles = self.words.get(tok).copied().unwrap_or(0);
        if let Some(ps) = self.prefixes.get(&k) {
            for (p, r) in ps {
                if tok.starts_with(p.as_str()) {
                    roles |= r;
                }
            }
        }
        let mut len = 1;
        if let Some(units) = self.units.get(&k) {
            for (pats, r) in units {
                let fits = pats.len() <= toks.len() - i
                    && pats.iter().zip(&toks[i..]).all(|(p, t)| p.matches(t));
                // A unit's roles add to its first word's own ("not" in "not going ahead" negates).
                if fits {
                    len = len.max(pats.len());
                    roles |= r;
                }
            }
        }
        (roles, len)
    }
}

/// The shipped lexicon, parsed once.
pub(super) static LEXICON: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::parse(&FILES).unwrap_or_default());

/// Checks the shipped lexicon files (for tests and `dealwatch train-model`).
pub fn check_shipped() -> Result<(), LexiconError> {
    Lexicon::parse(&FILES).map(|_| ())
}
