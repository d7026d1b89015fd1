//! The rule engine: phrase-family rules (one regex each, on folded text) with
//! negation, condition, future-tense and question checks around each match,
//! and the choice of the most decisive candidate.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::text::{Doc, ascii_pattern, clause_before};
use super::{ClosureSignal, Decision, dates};

/// No negation check (the pattern itself encodes the negation).
pub(super) const RAW: u8 = 1;
/// Reject when a future / obligation marker precedes or follows ("I'll sign").
pub(super) const FUT: u8 = 2;
/// Allowed inside a question ("Can we put this on hold?").
pub(super) const ASK: u8 = 4;
/// Becomes OnHold when the sentence names a date (budget-type refusals).
pub(super) const DATED: u8 = 8;
/// Only a pause when a date is named; otherwise weak keep-open evidence.
pub(super) const NEEDS_DATE: u8 = 16;

/// One phrase-family rule.
pub(super) struct Rule {
    pub name: &'static str,
    pub decision: Decision,
    pub conf: f32,
    pub pat: &'static str,
    pub flags: u8,
    /// Regex that cancels the match when found within ±40 bytes (same sentence).
    pub veto: Option<&'static str>,
}

impl Rule {
    /// A new rule with default checks.
    pub const fn new(name: &'static str, decision: Decision, conf: f32, pat: &'static str) -> Self {
        Rule {
            name,
            decision,
            conf,
            pat,
            flags: 0,
            veto: None,
        }
    }
    /// Adds flags.
    pub const fn f(mut self, flags: u8) -> Self {
        self.flags |= flags;
        self
    }
    /// Adds a veto pattern.
    pub const fn veto(mut self, v: &'static str) -> Self {
        self.veto = Some(v);
        self
    }
}

/// Shorthands for rule tables.
pub(super) const fn won(n: &'static str, c: f32, p: &'static str) -> Rule {
    Rule::new(n, Decision::Won, c, p)
}
pub(super) const fn lost(n: &'static str, c: f32, p: &'static str) -> Rule {
    Rule::new(n, Decision::Lost, c, p)
}
pub(super) const fn gone(n: &'static str, c: f32, p: &'static str) -> Rule {
    Rule::new(n, Decision::Vanished, c, p)
}
pub(super) const fn hold(n: &'static str, c: f32, p: &'static str) -> Rule {
    Rule::new(n, Decision::OnHold, c, p).f(ASK)
}

/// A compiled rule table with a prefilter set.
pub(super) struct RuleSet {
    rules: Vec<Rule>,
    res: Vec<Regex>,
    vetoes: Vec<Option<Regex>>,
    set: RegexSet,
}

impl RuleSet {
    /// Compiles a table (static patterns: a bad one is a programming error).
    pub fn new(rules: Vec<Rule>) -> Self {
        let res = rules
            .iter()
            .map(|r| small_regex(r.pat).unwrap_or_else(|e| panic!("rule {}: {e}", r.name)))
            .collect();
        let vetoes = rules
            .iter()
            .map(|r| {
                r.veto
                    .map(|v| small_regex(v).unwrap_or_else(|e| panic!("veto {}: {e}", r.name)))
            })
            .collect();
        let set = RegexSetBuilder::new(rules.iter().map(|r| ascii_pattern(r.pat)))
            .size_limit(256 << 20)
            .dfa_size_limit(4 << 20)
            .build()
            .expect("static rule set");
        RuleSet {
            rules,
            res,
            vetoes,
            set,
        }
    }
}

/// A candidate decision found in the text.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub decision: Decision,
    pub conf: f32,
    pub rule: &'static str,
    /// Folded span of the evidence sentence, or a ready-made description.
    pub span: Option<(usize, usize)>,
    pub description: Option<String>,
    pub revisit_on: Option<NaiveDate>,
}

impl Candidate {
    /// Turns the candidate into the public signal, quoting the original text.
    pub fn into_signal(self, doc: &Doc<'_>) -> ClosureSignal {
        let sentence = match (self.description, self.span) {
            (Some(d), _) => d,
            (None, Some(span)) => doc.quote(span),
            (None, None) => String::new(),
        };
        ClosureSignal {
            decision: self.decision,
            sentence,
            confidence: self.conf.clamp(0.0, 1.0),
            revisit_on: if self.decision == Decision::OnHold {
                self.revisit_on
            } else {
                None
            },
            rule: self.rule,
        }
    }
}

/// Lazy-DFA cache per rule: a hundred rules at the default 2 MiB each would dominate the
/// daemon's memory; rules run only on sentences the set already matched, so a small cache is
/// enough.
const RULE_DFA_BYTES: usize = 256 * 1024;

fn small_regex(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&ascii_pattern(p))
        .dfa_size_limit(RULE_DFA_BYTES)
        .build()
}

static NEUTRAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_pattern(r"no problem|no worries|not a problem|pas de (?:souci|soucis|probleme)|sans (?:souci|probleme|faute|doute|aucun doute)|kein problem|not only|non seulement|pas seulement|nicht nur|no doubt|n'hesitez pas|don't hesitate|dont hesitate|no later than|ne manquez pas|nicht vergessen|sin problema|nessun problema|non esitate|not sure if you|pas sur que vous|\bno\.?\s*\d|\bn o\.?\s*\d|\bnos?\s*:\s*\d"))
        .expect("static regex")
});
static NEG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_pattern(r"\b(?:ne|n'|pas|non|jamais|aucun|aucune|sans|not|no|never|cannot|nobody|neither|nor|nicht|kein|keine|keinen|keinem|nie|niemals|nunca|tampoco|ningun|ninguna|nessun|nessuna|senza)\b|n't\b|\bnot?\s*yet\b|\bpas encore\b|\bnoch nicht\b"))
        .expect("static regex")
});
static NEG_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_pattern(
        r"^\s{0,2}(?:pas|plus|nicht|not|nie|jamais)\b",
    ))
    .expect("static regex")
});
static COND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_pattern(r"\b(?:if|once|unless|whether|in case|provided|si|s'il|s'ils|des que|lorsque|quand|au cas ou|a condition|wenn|falls|sobald|ob|sofern|cuando|una vez|qualora|might|could|may|maybe|perhaps|possibly|considering|thinking of|thinking about|envisag\w*|pourri\w*|pourrait|pourraient|peut-etre|vielleicht|eventuell|moglicherweise|konnten|quizas|tal vez|forse|magari|hoping|hope to|espere|esperons|hoffen)\b"))
        .expect("static regex")
});
static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_pattern(r"\b(?:will|'ll|shall|going to|gonna|need to|needs to|have to|has to|must|about to|vais|va|allons|vont|ferons|ferai|enverrai|enverrons|renverrai|renverrons|retournerai|retournerons|signerai|signerons|signera|doit|dois|devons|doivent|faut|besoin|avant de|before|werde|werden|wird|muss|mussen|noch|vamos a|voy a|tenemos que|dobbiamo|devo)\b|'ll\b"))
        .expect("static regex")
});
static FUTURE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_pattern(r"^[^.!?]{0,25}?\b(?:sera|seront|suivra|suivront|will|to follow|a suivre|a venir|shortly|soon|bientot|prochainement|next week|la semaine prochaine|demain|tomorrow|morgen|nachste woche|folgt|folgen|wird|werden|later|plus tard)\b"))
        .expect("static regex")
});

/// Whether the text after a match closes a question within the same clause.
fn in_question(tail: &str) -> bool {
    let t = tail.trim_end();
    t.ends_with('?') && !t.contains([',', ';', ':', '!'])
}

/// Runs a rule set over a document; at most one candidate per rule.
pub(super) fn scan(set: &RuleSet, doc: &Doc<'_>, today: NaiveDate) -> Vec<Candidate> {
    let hay = doc.folded.as_str();
    let mut out = Vec::new();
    for idx in set.set.matches(hay).iter() {
        let (rule, re, veto) = (&set.rules[idx], &set.res[idx], set.vetoes[idx].as_ref());
        let mut pos = 0;
        for _ in 0..24 {
            let Some(m) = re.find_at(hay, pos) else { break };
            if let Some(c) = judge(rule, veto, doc, (m.start(), m.end()), today) {
                out.push(c);
                break;
            }
            pos = m.start() + 1;
            if pos >= hay.len() {
                break;
            }
        }
    }
    out
}

/// Checks one match against its context and builds the candidate.
fn judge(
    rule: &Rule,
    veto: Option<&Regex>,
    doc: &Doc<'_>,
    m: (usize, usize),
    today: NaiveDate,
) -> Option<Candidate> {
    let f = doc.folded.as_str();
    let (ss, se) = doc.sentence_at(m.0);
    let se = se.max(m.1).min(f.len());
    if let Some(v) = veto {
        let w = f
            .get(ss.max(m.0.saturating_sub(40))..se.min(m.1 + 40))
            .unwrap_or("");
        if v.is_match(w) {
            return None;
        }
    }
    if !context_ok(rule, f, (ss, se), m) {
        return None;
    }
    let mut decision = rule.decision;
    let mut conf = rule.conf;
    let wants_date = rule.flags & (DATED | NEEDS_DATE) != 0 || decision == Decision::OnHold;
    let revisit = if wants_date {
        hold_date(doc, (ss, se), m.0, today)
    } else {
        None
    };
    if rule.flags & DATED != 0 && revisit.is_some() {
        decision = Decision::OnHold;
        conf = conf.max(0.75);
    }
    if rule.flags & NEEDS_DATE != 0 && revisit.is_none() {
        decision = Decision::KeepOpen;
        conf = conf.min(0.5);
    }
    Some(Candidate {
        decision,
        conf,
        rule: rule.name,
        span: Some((ss, se)),
        description: None,
        revisit_on: revisit,
    })
}

/// Negation, condition, future and question checks.
fn context_ok(rule: &Rule, f: &str, (ss, se): (usize, usize), m: (usize, usize)) -> bool {
    let pre_raw = clause_before(f, ss, m.0, 50);
    let pre = NEUTRAL.replace_all(pre_raw, " ");
    let post = &f[m.1..se.min(m.1 + 30)];
    if rule.flags & RAW == 0 {
        let inner = NEUTRAL.replace_all(f.get(m.0..m.1).unwrap_or(""), " ");
        if NEG.is_match(&pre) || NEG.is_match(&inner) || NEG_AFTER.is_match(post) {
            return false;
        }
    }
    let decisive = matches!(
        rule.decision,
        Decision::Won | Decision::Lost | Decision::Vanished
    );
    if decisive && rule.flags & RAW == 0 && COND.is_match(&pre) {
        return false;
    }
    if rule.flags & FUT != 0 && (FUTURE.is_match(&pre) || FUTURE_AFTER.is_match(post)) {
        return false;
    }
    if rule.flags & ASK == 0
        && rule.decision != Decision::KeepOpen
        && in_question(f.get(m.1..se).unwrap_or(""))
    {
        return false;
    }
    true
}

/// The revisit date for a pause: a future date in the sentence (after the match
/// first), else in the next sentence.
fn hold_date(
    doc: &Doc<'_>,
    (ss, se): (usize, usize),
    at: usize,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let f = doc.folded.as_str();
    let found: Vec<_> = dates::find_all(f.get(ss..se).unwrap_or(""), today)
        .into_iter()
        .filter(|d| d.date > today)
        .collect();
    if let Some(d) = found.iter().find(|d| ss + d.start >= at).or(found.first()) {
        return Some(d.date);
    }
    // "…le conseil ne se réunit que le 15 juin. Revenez vers moi à ce moment-là.": the date
    // may sit in the next sentence or in the one before, within the same paragraph.
    let i = doc.sentence_index(ss)?;
    let next = doc.sentences.get(i + 1).and_then(|&(ns, ne)| {
        if ns <= se || f.get(se..ns).is_none_or(|gap| gap.contains("\n\n")) {
            return None;
        }
        first_future(f.get(ns..ne).unwrap_or(""), today)
    });
    next.or_else(|| {
        // Up to two sentences back ("…le 15 juin ; rien avant. Revenez vers moi alors.").
        let mut end = ss;
        for back in 1..=2 {
            let &(ps, pe) = doc.sentences.get(i.checked_sub(back)?)?;
            if pe > end || f.get(pe..end).is_none_or(|gap| gap.contains("\n\n")) {
                return None;
            }
            if let Some(d) = first_future(f.get(ps..pe).unwrap_or(""), today) {
                return Some(d);
            }
            end = ps;
        }
        None
    })
}

fn first_future(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    dates::find_all(text, today)
        .into_iter()
        .map(|d| d.date)
        .find(|d| *d > today)
}

fn priority(d: Decision) -> u8 {
    match d {
        Decision::Lost => 4,
        Decision::Won => 3,
        Decision::Vanished => 2,
        Decision::OnHold => 1,
        Decision::KeepOpen => 0,
    }
}

/// The most decisive candidate: any decision beats keep-open; then confidence,
/// then Lost > Won > Vanished > OnHold; an acceptance beats a pause (a
/// scheduling constraint after a "yes" is not a pause).
pub(super) fn pick(cands: Vec<Candidate>) -> Option<Candidate> {
    let key = |c: &Candidate| {
        let decisive = c.decision != Decision::KeepOpen;
        (
            decisive,
            (c.conf * 100.0).round() as i32,
            priority(c.decision),
        )
    };
    let best = cands.iter().max_by_key(|c| key(c))?.clone();
    if best.decision == Decision::OnHold {
        let won = cands
            .iter()
            .filter(|c| c.decision == Decision::Won && c.conf >= 0.7)
            .max_by_key(|c| key(c));
        if let Some(w) = won {
            return Some(w.clone());
        }
    }
    Some(best)
}
