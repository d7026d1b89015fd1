//! Learning from the salesperson: every accept, reject, close, hold and reopen is a label on a
//! real message of this mailbox. `dealwatch train` turns them into training examples, adapts
//! the shipped closure model to them (regularised towards it, so what was never corrected keeps
//! its reading), keeps the result in the database — the shipped model is never overwritten —
//! and reads every linked message again with it.

use chrono::{DateTime, NaiveDate, Utc};

use crate::detect::closure::training::{self, Pointed};
use crate::detect::closure::{self, Examples};
use crate::pipeline::StoredSignal;
use crate::store::{MessageRow, Store, StoreError};

/// Why training could not run.
#[derive(Debug, thiserror::Error)]
pub enum AdaptError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Nothing to learn from yet.
    #[error("no decisions to learn from yet: accept, reject, close or hold a few deals first")]
    NoDecisions,
}

/// What `train` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TrainReport {
    /// Messages the user's decisions label, per label (in model class order).
    pub per_label: Vec<(String, usize)>,
    /// Decisions whose message or sentence could not be found (left out).
    pub skipped: usize,
    /// Linked messages whose closure signal changed with the adapted model.
    pub signals_changed: usize,
}

impl TrainReport {
    /// Number of labeled messages.
    pub fn examples(&self) -> usize {
        self.per_label.iter().map(|p| p.1).sum()
    }
}

fn norm_id(id: &str) -> String {
    id.trim().trim_matches(['<', '>']).to_lowercase()
}

fn sent_day(m: &MessageRow) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(m.date.as_deref()?)
        .ok()
        .map(|d| d.date_naive())
}

fn signal(m: &MessageRow) -> Option<StoredSignal> {
    serde_json::from_str(m.signal.as_deref()?).ok()
}

/// The labeled message (and its pointed sentence), or None when it cannot be placed.
fn example(m: &MessageRow, pointed: Pointed<'_>, label: &str) -> Option<Examples> {
    let text = m.new_text.as_deref()?;
    let own = text.replace(crate::detect::FORWARD_MARK, "\n\n");
    training::feedback_example(&own, sent_day(m)?, pointed, label, closure::shipped_model())
}

/// The training examples the user's decisions give (one message each, with its pointed
/// sentence when found), and how many decisions were left out.
pub fn gather(store: &Store) -> Result<(Examples, usize), AdaptError> {
    let mut out = Examples::default();
    let mut skipped = 0;
    let mut push = |e: Option<Examples>| match e {
        Some(e) => out.extend(e),
        None => skipped += 1,
    };
    for opp in store.opportunities()? {
        let msgs = store.opportunity_messages(opp.id)?;
        let by_id = |id: &str| msgs.iter().find(|m| norm_id(&m.message_id) == norm_id(id));
        let history = store.history(opp.id)?;
        for (i, h) in history.iter().enumerate() {
            let decided = h.to_state != "open";
            match (h.actor.as_str(), &h.evidence_message) {
                // An accepted proposal: its evidence sentence carries the state.
                // ("web" with an evidence message: accepted on the board.)
                ("proposal" | "web", Some(mid)) if decided => {
                    let m = by_id(mid);
                    let s = m.and_then(signal);
                    push(m.zip(s).and_then(|(m, s)| {
                        example(m, Pointed::Sentence(&s.sentence), &h.to_state)
                    }));
                }
                // The user decided alone: the customer's last message before the decision.
                ("user" | "web", _) if decided => {
                    let last = msgs.iter().rev().find(|m| {
                        m.direction == "inbound"
                            && m.auto_kind == "none"
                            && m.date.as_deref().is_some_and(|d| d <= h.at.as_str())
                    });
                    push(last.and_then(|m| example(m, Pointed::MostLikely, &h.to_state)));
                }
                // Reopening what a proposal closed: its evidence sentence decided nothing.
                ("user" | "web", _) => {
                    let before = i.checked_sub(1).and_then(|j| history.get(j));
                    if let Some(prev) = before.filter(|p| p.evidence_message.is_some())
                        && let Some(mid) = &prev.evidence_message
                    {
                        let m = by_id(mid);
                        let s = m.and_then(signal);
                        push(
                            m.zip(s).and_then(|(m, s)| {
                                example(m, Pointed::Sentence(&s.sentence), "open")
                            }),
                        );
                    }
                }
                _ => {}
            }
        }
    }
    // A rejected proposal: its evidence sentence does not carry that state.
    for (opp, state, evidence) in store.all_rejections()? {
        if !evidence.starts_with('<') {
            continue; // silence, not a sentence
        }
        let msgs = store.opportunity_messages(opp)?;
        let m = msgs
            .iter()
            .find(|m| norm_id(&m.message_id) == norm_id(&evidence));
        let s = m.and_then(signal).filter(|s| s.state.as_str() == state);
        push(
            m.zip(s)
                .and_then(|(m, s)| example(m, Pointed::Sentence(&s.sentence), "open")),
        );
    }
    Ok((out, skipped))
}

/// `dealwatch train`: adapts the model to the user's decisions, stores it and reads every
/// linked message again with it.
pub fn train(store: &mut Store, now: DateTime<Utc>) -> Result<TrainReport, AdaptError> {
    let (examples, skipped) = gather(store)?;
    if examples.messages.is_empty() {
        return Err(AdaptError::NoDecisions);
    }
    let model = training::adapt(closure::shipped_model(), &examples);
    store.save_adapted_model(&model.to_bytes(), examples.messages.len(), now)?;
    let signals_changed = crate::pipeline::link::reread_signals(store)?;
    let per_label = closure::CLASSES
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                c.to_string(),
                examples.messages.iter().filter(|e| e.label == k).count(),
            )
        })
        .collect();
    Ok(TrainReport {
        per_label,
        skipped,
        signals_changed,
    })
}
