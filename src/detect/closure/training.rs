//! The project's own labeled replies (`data/closure/<lang>.jsonl`) turned into training
//! sentences, the deterministic held-out split, and the shipped model's training run.
//!
//! Each item is a whole customer reply with the sentence that carries its decision; that
//! sentence is an example of the item's label, every other sentence of the reply an example of
//! `open` (greetings, logistics, questions around a decision are what a decision is not).

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use super::features::{message_features, sentence_features};
use super::model::{Examples, Model};
use super::scorer::{CLASSES, Example, TrainConfig};
use super::text::Doc;

/// One labeled reply (format in `data/closure/README.md`).
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    /// `<lang>-<label>-NNNN`.
    pub id: String,
    /// Language code.
    pub lang: String,
    /// `won`, `lost`, `vanished`, `on_hold` or `open`.
    pub label: String,
    /// When it was written.
    pub sent: NaiveDate,
    /// For a dated pause: the date to come back.
    pub revisit_on: Option<NaiveDate>,
    /// The whole reply.
    pub body: String,
    /// The deciding sentence (exact substring of `body`), none for open.
    pub evidence: Option<String>,
    /// What makes it hard.
    pub trap: Option<String>,
}

/// Training data that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A file cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not a valid item.
    #[error("{path}:{line}: {msg}")]
    Item {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        msg: String,
    },
}

/// Reads every `<lang>.jsonl` of `dir`, in file-name order.
pub fn load_dir(dir: &Path) -> Result<Vec<Item>, DataError> {
    let io = |e, p: &Path| DataError::Io {
        path: p.display().to_string(),
        source: e,
    };
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(e, dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    names.sort();
    let mut items = Vec::new();
    for path in names {
        let text = std::fs::read_to_string(&path).map_err(|e| io(e, &path))?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let item: Item = serde_json::from_str(line).map_err(|e| DataError::Item {
                path: path.display().to_string(),
                line: n + 1,
                msg: e.to_string(),
            })?;
            if class_of(&item.label).is_none() {
                return Err(DataError::Item {
                    path: path.display().to_string(),
                    line: n + 1,
                    msg: format!("unknown label `{}`", item.label),
                });
            }
            items.push(item);
        }
    }
    Ok(items)
}

/// The model class index of a label.
pub fn class_of(label: &str) -> Option<usize> {
    CLASSES.iter().position(|c| *c == label)
}

/// Whether an item belongs to the held-out fifth (by a hash of its id, stable across runs).
pub fn is_held_out(id: &str) -> bool {
    fold_of(id) == 0
}

/// Which of five folds an item belongs to (by a hash of its id, stable across runs).
fn fold_of(id: &str) -> u64 {
    id_hash(id, 0) % 5
}

/// Whether an item is in the fifth that fits the temperature: a split independent of the
/// folds, so a model graded on one fold is calibrated on items of the others.
fn is_calibration(id: &str) -> bool {
    id_hash(id, 0x9e37_79b9).is_multiple_of(5)
}

fn id_hash(id: &str, salt: u64) -> u64 {
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325u64 ^ salt, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    h ^ (h >> 31)
}

/// How much the other sentences of a decided reply count as `open` examples: they are
/// context, and sometimes half a decision ("the PO follows next week").
const CONTEXT_WEIGHT: f32 = 0.7;

/// The training examples of one item: each sentence of its body (the evidence with the
/// item's label, the others `open`), and the whole body with the item's label.
pub fn examples_of(item: &Item) -> Examples {
    let Some(label) = class_of(&item.label) else {
        return Examples::default();
    };
    let doc = Doc::new(&item.body);
    let ev = item
        .evidence
        .as_deref()
        .and_then(|e| item.body.find(e).map(|s| (s, s + e.len())));
    let mut out = Examples::default();
    for (i, &span) in doc.sentences.iter().enumerate() {
        let (s, e) = doc.orig_range(span);
        let class = match ev {
            Some((es, ee)) if s < ee && es < e => label,
            _ => 0,
        };
        let mut feats = Vec::new();
        sentence_features(&doc, i, item.sent, &mut feats);
        let weight = if class == 0 && label != 0 {
            CONTEXT_WEIGHT
        } else {
            1.0
        };
        out.sentences.push(Example {
            feats,
            label: class,
            weight,
        });
    }
    let mut feats = Vec::new();
    message_features(&doc, item.sent, &mut feats);
    out.messages.push(Example {
        feats,
        label,
        weight: 1.0,
    });
    out
}

fn examples_of_all<'a>(items: impl IntoIterator<Item = &'a Item>) -> Examples {
    let mut out = Examples::default();
    for it in items {
        out.extend(examples_of(it));
    }
    out
}

/// Trains a model on these items (the shipped model is trained on all of `data/closure`).
///
/// The temperatures are fitted on a fifth of them by a model trained on the other four, then
/// set on the model trained on everything.
pub fn train_items(items: &[Item]) -> Model {
    let (test, train): (Vec<&Item>, Vec<&Item>) = items.iter().partition(|i| is_calibration(&i.id));
    let (sentence, message) = configs();
    let part = examples_of_all(train);
    let check = examples_of_all(test);
    let t = Model::train(&part, sentence, message, None).fit_temperatures(&check);
    let all = examples_of_all(items);
    Model::train(&all, sentence, message, None).with_temperatures(t)
}

/// The training settings of the sentence and the message scorer. `DEALWATCH_TRAIN` and
/// `DEALWATCH_TRAIN_MESSAGE` (`epochs,rate,l2`) override them for experiments.
fn configs() -> (TrainConfig, TrainConfig) {
    let sentence = TrainConfig::default();
    // A message holds the features of all its sentences: a smaller step for as many more.
    let message = TrainConfig {
        rate: 0.02,
        ..TrainConfig::default()
    };
    (
        overridden(sentence, "DEALWATCH_TRAIN"),
        overridden(message, "DEALWATCH_TRAIN_MESSAGE"),
    )
}

fn overridden(mut cfg: TrainConfig, var: &str) -> TrainConfig {
    if let Ok(v) = std::env::var(var) {
        let parts: Vec<&str> = v.split(',').collect();
        if let [e, r, l] = parts.as_slice() {
            cfg.epochs = e.parse().unwrap_or(cfg.epochs);
            cfg.rate = r.parse().unwrap_or(cfg.rate);
            cfg.l2 = l.parse().unwrap_or(cfg.l2);
        }
    }
    cfg
}

/// The label dealwatch gives an item's reply under `model` (`open` when no decision).
pub fn predict(item: &Item, model: &Model) -> (String, Option<NaiveDate>, Option<String>) {
    let sent_at = item
        .sent
        .and_hms_opt(10, 0, 0)
        .map(|d| d.and_utc().fixed_offset())
        .unwrap_or_default();
    let input = super::ClosureInput {
        new_text: &item.body,
        subject: "",
        sent_at,
        author: super::Author::Customer,
        attachment_names: &[],
    };
    match super::detect_closure_with(&input, model) {
        Some(s) => {
            let label = match s.decision {
                super::Decision::Won => "won",
                super::Decision::Lost => "lost",
                super::Decision::Vanished => "vanished",
                super::Decision::OnHold => "on_hold",
                super::Decision::KeepOpen => "open",
            };
            (label.to_string(), s.revisit_on, Some(s.sentence))
        }
        None => ("open".to_string(), None, None),
    }
}

/// Accuracy figures of a model on items: overall, per language, per label, revisit dates.
#[derive(Debug, Default)]
pub struct Grade {
    /// Items graded.
    pub items: usize,
    /// Items whose label was found.
    pub correct: usize,
    /// `(language, correct, total)`.
    pub by_lang: Vec<(String, usize, usize)>,
    /// `(label, correct, total)`.
    pub by_label: Vec<(String, usize, usize)>,
    /// Dated pauses found on hold with a revisit date within 3 days, and their number.
    pub revisit: (usize, usize),
}

impl Grade {
    /// Adds another grade's counts to this one.
    pub fn merge(&mut self, other: Grade) {
        self.items += other.items;
        self.correct += other.correct;
        self.revisit.0 += other.revisit.0;
        self.revisit.1 += other.revisit.1;
        for (mine, theirs) in [
            (&mut self.by_lang, other.by_lang),
            (&mut self.by_label, other.by_label),
        ] {
            for (key, ok, total) in theirs {
                match mine.iter_mut().find(|e| e.0 == key) {
                    Some(e) => {
                        e.1 += ok;
                        e.2 += total;
                    }
                    None => mine.push((key, ok, total)),
                }
            }
        }
        mine_sort(&mut self.by_lang);
        mine_sort(&mut self.by_label);
    }

    /// Share of items correct.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.items.max(1) as f64
    }
}

fn mine_sort(v: &mut [(String, usize, usize)]) {
    v.sort_by(|a, b| a.0.cmp(&b.0));
}

fn bump(v: &mut Vec<(String, usize, usize)>, key: &str, ok: bool) {
    match v.iter_mut().find(|e| e.0 == key) {
        Some(e) => {
            e.1 += usize::from(ok);
            e.2 += 1;
        }
        None => v.push((key.to_string(), usize::from(ok), 1)),
    }
}

/// Grades `model` on `items`.
pub fn grade(items: &[Item], model: &Model) -> Grade {
    let mut g = Grade::default();
    for it in items {
        let (got, revisit, _) = predict(it, model);
        let ok = got == it.label;
        g.items += 1;
        g.correct += usize::from(ok);
        bump(&mut g.by_lang, &it.lang, ok);
        bump(&mut g.by_label, &it.label, ok);
        if let Some(want) = it.revisit_on {
            g.revisit.1 += 1;
            let near = revisit.is_some_and(|d| (d - want).num_days().abs() <= 3);
            g.revisit.0 += usize::from(ok && near);
        }
    }
    g.by_lang.sort();
    g.by_label.sort();
    g
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let share = |c: usize, t: usize| c as f64 / t.max(1) as f64;
        write!(
            f,
            "state {:.3} ({}/{})",
            self.accuracy(),
            self.correct,
            self.items
        )?;
        write!(
            f,
            "  revisit {:.3} ({}/{})",
            share(self.revisit.0, self.revisit.1),
            self.revisit.0,
            self.revisit.1
        )?;
        writeln!(f)?;
        for (k, c, t) in &self.by_lang {
            write!(f, "  {k} {:.3}", share(*c, *t))?;
        }
        writeln!(f)?;
        for (k, c, t) in &self.by_label {
            write!(f, "  {k} {:.3}", share(*c, *t))?;
        }
        writeln!(f)
    }
}

/// Trains on four fifths of `items` and grades on the held-out fifth; the printed report,
/// with each mistake when `errors` is set.
pub fn held_out_report(items: &[Item], errors: bool) -> String {
    let (test, train): (Vec<Item>, Vec<Item>) =
        items.iter().cloned().partition(|i| is_held_out(&i.id));
    let model = train_items(&train);
    let g = grade(&test, &model);
    let mut out = format!(
        "held-out split: trained on {} items, graded on {}\n{g}",
        train.len(),
        test.len()
    );
    if errors {
        for it in &test {
            let (got, revisit, ev) = predict(it, &model);
            let date_ok = it
                .revisit_on
                .is_none_or(|w| revisit.is_some_and(|d| (d - w).num_days().abs() <= 3));
            if got != it.label || !date_ok {
                out.push_str(&format!(
                    "{} want {} {:?} got {} {:?} | {}\n    evidence: {}\n",
                    it.id,
                    it.label,
                    it.revisit_on,
                    got,
                    revisit,
                    ev.unwrap_or_default(),
                    it.evidence.as_deref().unwrap_or("-")
                ));
            }
        }
    }
    out
}

/// Five-fold cross-validation: five models, each trained on four folds and graded on the fifth;
/// every item is graded once, by a model that never saw it. Steadier than one held-out split
/// for comparing changes to the features or the training.
pub fn cross_validation_report(items: &[Item]) -> String {
    let mut all = Grade::default();
    let mut folds = Vec::new();
    for f in 0..5 {
        let (test, train): (Vec<Item>, Vec<Item>) =
            items.iter().cloned().partition(|i| fold_of(&i.id) == f);
        let model = train_items(&train);
        let g = grade(&test, &model);
        folds.push(format!("{:.3}", g.accuracy()));
        all.merge(g);
    }
    format!("5-fold cross-validation: folds {}\n{all}", folds.join(" "))
}

/// Which sentence of a message one of the user's decisions points at.
#[derive(Debug, Clone, Copy)]
pub enum Pointed<'a> {
    /// The evidence sentence of the proposal the user accepted or rejected (as quoted).
    Sentence(&'a str),
    /// The user decided without a proposal: the sentence the model finds most likely to carry
    /// the decision (of at least four words).
    MostLikely,
}

/// The training examples of one user decision on a message's `text`: the pointed sentence
/// with `label` (when it is found) and the whole message with `label`; none when the label is
/// unknown or the text holds no sentence.
pub fn feedback_example(
    text: &str,
    sent: NaiveDate,
    pointed: Pointed<'_>,
    label: &str,
    base: &Model,
) -> Option<Examples> {
    let class = class_of(label)?;
    let doc = Doc::new(text);
    let mut best: Option<(f32, Vec<u32>)> = None;
    for (i, &span) in doc.sentences.iter().enumerate() {
        let mut feats = Vec::new();
        sentence_features(&doc, i, sent, &mut feats);
        match pointed {
            Pointed::Sentence(s) => {
                if doc.quote(span) == s {
                    best = Some((1.0, feats));
                    break;
                }
            }
            Pointed::MostLikely => {
                let words = doc
                    .folded
                    .get(span.0..span.1)
                    .unwrap_or("")
                    .split_whitespace()
                    .count();
                let p = base.sentence.probs(&feats)[class];
                if words >= 4 && best.as_ref().is_none_or(|(bp, _)| p > *bp) {
                    best = Some((p, feats));
                }
            }
        }
    }
    let mut feats = Vec::new();
    message_features(&doc, sent, &mut feats);
    if feats.is_empty() {
        return None;
    }
    // One decision of the user outweighs many of the shipped data's examples: it is about this
    // mailbox, and the model's probabilities are tempered for text it never saw.
    let example = |feats| Example {
        feats,
        label: class,
        weight: FEEDBACK_WEIGHT,
    };
    Some(Examples {
        sentences: best.map(|(_, f)| example(f)).into_iter().collect(),
        messages: vec![example(feats)],
    })
}

/// How much one of the user's decisions counts in training.
const FEEDBACK_WEIGHT: f32 = 4.0;

/// Adapts `base` to the user's examples: trained on them alone, regularised towards `base` so
/// that what the user never corrected keeps its reading.
pub fn adapt(base: &Model, examples: &Examples) -> Model {
    let sentence = TrainConfig {
        epochs: 60,
        rate: 0.5,
        l2: 0.005,
        seed: 0x5eed_0a0a,
    };
    // A message holds many sentences' features: a smaller step, as in the shipped training.
    let message = TrainConfig {
        rate: 0.05,
        ..sentence
    };
    Model::train(examples, sentence, message, Some(base))
}
