//! The closure model: two scorers over the same hashed features.
//!
//! - The **message scorer** reads a customer's whole new text (the features of all its
//!   sentences together) and decides the class: open, won, lost, vanished or on hold. Read as a
//!   whole, a reply is one decision among its greetings and logistics; read sentence by
//!   sentence, the decision competes with every other sentence for "open".
//! - The **sentence scorer** reads one sentence at a time; it points at the sentence that
//!   carries the message's decision (the evidence) and at the one whose date is a pause's
//!   revisit date.
//!
//! The file holds both, one after the other, each as [`Scorer::to_bytes`] writes it.

use super::scorer::{Example, ModelError, Scorer, TrainConfig};

const MAGIC: &[u8; 8] = b"DWCLOS03";

/// The closure model: a message scorer (the decision) and a sentence scorer (the evidence).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    /// Scores one sentence.
    pub(super) sentence: Scorer,
    /// Scores a whole message.
    pub(super) message: Scorer,
}

/// Training examples of both scorers.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    /// One per sentence: the evidence sentence with its item's label, the others `open`.
    pub sentences: Vec<Example>,
    /// One per message, with its label.
    pub messages: Vec<Example>,
}

impl Examples {
    /// Adds another set of examples.
    pub fn extend(&mut self, other: Examples) {
        self.sentences.extend(other.sentences);
        self.messages.extend(other.messages);
    }
}

impl Model {
    /// Trains both scorers (towards `prior`'s weights when adapting), with the settings of each.
    pub fn train(
        examples: &Examples,
        sentence: TrainConfig,
        message: TrainConfig,
        prior: Option<&Model>,
    ) -> Model {
        Model {
            sentence: Scorer::train(&examples.sentences, sentence, prior.map(|p| &p.sentence)),
            message: Scorer::train(&examples.messages, message, prior.map(|p| &p.message)),
        }
    }

    /// The temperatures that calibrate each scorer best on `held_out` (sentence, message).
    pub fn fit_temperatures(&self, held_out: &Examples) -> (f32, f32) {
        (
            self.sentence.fit_temperature(&held_out.sentences),
            self.message.fit_temperature(&held_out.messages),
        )
    }

    /// The same model with these temperatures (sentence, message).
    pub fn with_temperatures(self, (s, m): (f32, f32)) -> Model {
        Model {
            sentence: self.sentence.with_temperature(s),
            message: self.message.with_temperature(m),
        }
    }

    /// The temperature of the message scorer (the one the proposals' confidence comes from).
    pub fn temperature(&self) -> f32 {
        self.message.temperature()
    }

    /// The model file: both scorers, sentence first.
    pub fn to_bytes(&self) -> Vec<u8> {
        let s = self.sentence.to_bytes();
        let m = self.message.to_bytes();
        let mut out = Vec::with_capacity(12 + s.len() + m.len());
        out.extend_from_slice(MAGIC);
        // A scorer's file is far below 4 GiB.
        out.extend_from_slice(&u32::try_from(s.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&s);
        out.extend_from_slice(&m);
        out
    }

    /// Reads a model file written by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let body = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or(ModelError::Header)?;
        let len = body
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
            .ok_or_else(|| ModelError::Corrupt("truncated".into()))? as usize;
        let rest = body.get(4..).unwrap_or(&[]);
        let (s, m) = (rest.get(..len), rest.get(len..));
        match (s, m) {
            (Some(s), Some(m)) if !m.is_empty() => Ok(Model {
                sentence: Scorer::from_bytes(s)?,
                message: Scorer::from_bytes(m)?,
            }),
            _ => Err(ModelError::Corrupt("truncated".into())),
        }
    }
}
