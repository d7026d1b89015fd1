//! The decision of a customer's text, read by the learned model.
//!
//! The message scorer reads the whole text; mixed with the sentence scorer's most sure
//! sentences, it gives the class, and that probability is the proposal's confidence. The evidence is the sentence the sentence scorer finds most likely to
//! carry that class; a question is evidence only of a pause, unless every candidate sentence
//! is a question. A pause's revisit date is read in that sentence, else in the next one
//! ("Let's pause this. Contact me again in September."), else in the one before.

use std::sync::LazyLock;

use chrono::NaiveDate;

use super::Decision;
use super::dates;
use super::features::{MAX_SENTENCE, as_message, sentence_features};
use super::lexicon::{LEXICON, Role};
use super::model::Model;
use super::rules::Candidate;
use super::scorer::K;
use super::text::Doc;
use super::tokens::words_with_spans;

/// The shipped model, trained by `cargo run --release --example train-closure`.
static SHIPPED_BYTES: &[u8] = include_bytes!("../../../data/model/closure.model");

/// The shipped model, read once (an unreadable file is a build defect that tests catch; the
/// detector then finds no decision rather than failing).
pub(super) static SHIPPED: LazyLock<Model> =
    LazyLock::new(|| Model::from_bytes(SHIPPED_BYTES).unwrap_or_default());

const DECISIONS: [Decision; K] = [
    Decision::KeepOpen,
    Decision::Won,
    Decision::Lost,
    Decision::Vanished,
    Decision::OnHold,
];

const RULES: [&str; K] = [
    "model.open",
    "model.won",
    "model.lost",
    "model.vanished",
    "model.on_hold",
];

/// The decision of `doc` under `model`, none when the message scorer reads it as open.
pub(super) fn candidate(doc: &Doc<'_>, model: &Model, today: NaiveDate) -> Option<Candidate> {
    let mut feats = Vec::with_capacity(256);
    let mut message = Vec::with_capacity(1024);
    // The most probable sentence of each class under the sentence scorer: (probability, index).
    let mut best: [Option<(f32, usize)>; K] = [None; K];
    // The same, questions included: the fallback when every candidate sentence is a question.
    let mut best_any: [Option<(f32, usize)>; K] = [None; K];
    for (i, &span) in doc.sentences.iter().enumerate() {
        if span.1 - span.0 > MAX_SENTENCE {
            continue;
        }
        feats.clear();
        sentence_features(doc, i, today, &mut feats);
        message.extend_from_slice(&feats);
        let p = model.sentence.probs(&feats);
        // A question decides nothing but a pause ("Can we park this for now?").
        let question = doc
            .folded
            .get(span.0..span.1)
            .is_some_and(|t| t.trim_end().ends_with('?'));
        for (k, &pk) in p.iter().enumerate().skip(1) {
            if best_any[k].is_none_or(|(bp, _)| pk > bp) {
                best_any[k] = Some((pk, i));
            }
            if question && DECISIONS[k] != Decision::OnHold {
                continue;
            }
            if best[k].is_none_or(|(bp, _)| pk > bp) {
                best[k] = Some((pk, i));
            }
        }
    }
    if message.is_empty() {
        return None;
    }
    as_message(&mut message);
    let pm = mixed(model.message.probs(&message), &best);
    let k = (0..K).max_by(|&a, &b| pm[a].total_cmp(&pm[b]))?;
    if k == 0 || pm[k] < MIN_CONFIDENCE {
        return None;
    }
    let (_, i) = best[k].or(best_any[k])?;
    let span = doc.sentences[i];
    let revisit_on = (DECISIONS[k] == Decision::OnHold)
        .then(|| revisit_date(doc, i, today))
        .flatten();
    Some(Candidate {
        decision: DECISIONS[k],
        conf: pm[k],
        rule: RULES[k],
        span: Some(span),
        description: None,
        revisit_on,
    })
}

/// The least probability of a decision for it to be proposed. The training replies are five
/// sixths decisions; a mailbox's customer messages are mostly questions and logistics, so a
/// decision that barely leads the other classes is more likely open there than in the data.
/// Cross-validated cost on `data/closure`: 0.849 → 0.844, for open read right 0.839 → 0.851.
const MIN_CONFIDENCE: f32 = 0.4;

/// How much the message scorer counts against the sentence scorer's best sentences (fitted by
/// five-fold cross-validation on `data/closure`: 0.849 with both, 0.837 with the message
/// scorer alone, 0.739 with the sentences alone).
const MESSAGE_SHARE: f32 = 0.7;

/// The message's class probabilities: the message scorer's, mixed with a distribution made of
/// the sentence scorer's most sure sentence per decision (and "open" for the rest). A decision
/// that no single sentence states is less likely than the whole text alone suggests.
fn mixed(pm: [f32; K], best: &[Option<(f32, usize)>; K]) -> [f32; K] {
    let mut ps = [0f32; K];
    for k in 1..K {
        ps[k] = best[k].map_or(0.0, |b| b.0);
    }
    let decisive = ps.iter().fold(0f32, |m, x| m.max(*x));
    ps[0] = 1.0 - decisive;
    let sum: f32 = ps.iter().sum::<f32>().max(1e-6);
    let mut p = [0f32; K];
    for k in 0..K {
        p[k] = MESSAGE_SHARE * pm[k] + (1.0 - MESSAGE_SHARE) * ps[k] / sum;
    }
    p
}

fn revisit_date(doc: &Doc<'_>, i: usize, today: NaiveDate) -> Option<NaiveDate> {
    [Some(i), i.checked_add(1), i.checked_sub(1)]
        .into_iter()
        .flatten()
        .filter_map(|j| doc.sentences.get(j))
        .find_map(|&(s, e)| nearest_pause_date(doc.folded.get(s..e)?, today))
}

fn nearest_pause_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let found: Vec<_> = dates::find_all(text, today)
        .into_iter()
        .filter(|f| f.date > today)
        .collect();
    let words = words_with_spans(text);
    let toks: Vec<&str> = words.iter().map(|w| w.0).collect();
    let cue = Role::Pause.bit() | Role::Resume.bit();
    let mut anchors = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let (r, len) = LEXICON.lookup(&toks, k);
        if r & cue != 0 {
            anchors.push(words[k].1);
        }
        k += len.max(1);
    }
    let distance = |f: &dates::Found| {
        anchors
            .iter()
            .map(|&a| {
                if a < f.start {
                    f.start - a
                } else {
                    a.saturating_sub(f.end)
                }
            })
            .min()
            .unwrap_or(0)
    };
    found.iter().min_by_key(|f| distance(f)).map(|f| f.date)
}
