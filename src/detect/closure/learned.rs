//! The decision of a customer's text, read sentence by sentence by the learned scorer.
//!
//! Every sentence gets class probabilities; the sentence most sure of a decision (won, lost,
//! vanished, on hold) is the evidence when that probability reaches [`DECIDE`]. Its probability
//! is the proposal's confidence. A question is never a won, lost or vanished decision. A pause's revisit date is read in that sentence, else in the
//! next one ("Let's pause this. Contact me again in September."), else in the one before.
//! A pause beats an end in the same message: "the budget is frozen" is the reason for "come
//! back to us in September", not a separate verdict.

use std::sync::LazyLock;

use chrono::NaiveDate;

use super::Decision;
use super::dates;
use super::features::sentence_features;
use super::lexicon::{LEXICON, Role};
use super::model::{K, Model};
use super::rules::Candidate;
use super::text::Doc;
use super::tokens::words_with_spans;

/// The shipped model, trained by `cargo run --release --example train-closure`.
static SHIPPED_BYTES: &[u8] = include_bytes!("../../../data/model/closure.model");

/// The shipped model, read once (an unreadable file is a build defect that tests catch; the
/// detector then finds no decision rather than failing).
pub(super) static SHIPPED: LazyLock<Model> =
    LazyLock::new(|| Model::from_bytes(SHIPPED_BYTES).unwrap_or_default());

/// Minimum probability of a decision for it to be proposed.
pub(super) const DECIDE: f32 = 0.5;

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

/// The best decision of `doc` under `model`, if any sentence is sure enough.
pub(super) fn candidate(doc: &Doc<'_>, model: &Model, today: NaiveDate) -> Option<Candidate> {
    let mut feats = Vec::with_capacity(256);
    // The most probable sentence of each class: (probability, sentence index).
    let mut best: [Option<(f32, usize)>; K] = [None; K];
    for (i, &span) in doc.sentences.iter().enumerate() {
        if span.1 - span.0 > 1200 {
            continue;
        }
        feats.clear();
        sentence_features(doc, i, today, &mut feats);
        let p = model.probs(&feats);
        // A question decides nothing but a pause ("Can we park this for now?").
        let question = doc
            .folded
            .get(span.0..span.1)
            .is_some_and(|t| t.trim_end().ends_with('?'));
        for (k, &pk) in p.iter().enumerate().skip(1) {
            if question && DECISIONS[k] != Decision::OnHold {
                continue;
            }
            if best[k].is_none_or(|(bp, _)| pk > bp) {
                best[k] = Some((pk, i));
            }
        }
    }
    let sure = |k: usize| best[k].filter(|(p, _)| *p >= DECIDE);
    let (mut k, (mut p, mut i)) = (1..K)
        .filter_map(|k| sure(k).map(|b| (k, b)))
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0))?;
    // The reason for a pause often reads like an end ("the budget is frozen"); a pause in the
    // same message says it is not one.
    if DECISIONS[k] == Decision::Vanished
        && let Some(hold) = sure(4)
    {
        (k, (p, i)) = (4, hold);
    }
    let span = doc.sentences[i];
    let revisit_on = (DECISIONS[k] == Decision::OnHold)
        .then(|| revisit_date(doc, i, today))
        .flatten();
    Some(Candidate {
        decision: DECISIONS[k],
        conf: p,
        rule: RULES[k],
        span: Some(span),
        description: None,
        revisit_on,
    })
}

/// The date a pause names: in its sentence, else the next, else the previous; never in the
/// past. Of several dates, the one nearest a pause or resume word ("come back to us *in
/// September*; the works would then be in October").
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
