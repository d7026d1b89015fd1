//! A learned scorer: a multinomial logistic regression over hashed features (of a sentence, or
//! of a whole message).
//!
//! One weight per (feature bucket, class); a sentence's class probabilities are the softmax of
//! the sums of its features' weights. Training is plain stochastic gradient descent with a
//! decaying step and L2 regularisation (towards zero, or towards a prior model when adapting
//! the shipped model to a user's own decisions), in a fixed order from a fixed seed: the same
//! examples give the same bytes. The file holds the nonzero rows, quantised to 16 bits, deflated.

use std::io::{Read, Write};

use super::features::BUCKETS;

/// The classes, in model order.
pub const CLASSES: [&str; 5] = ["open", "won", "lost", "vanished", "on_hold"];
/// Number of classes.
pub(crate) const K: usize = CLASSES.len();

const MAGIC: &[u8; 8] = b"DWCLOS02";

/// A model file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Not a dealwatch closure model, or a different version.
    #[error("not a closure model file (bad header)")]
    Header,
    /// Truncated or corrupt content.
    #[error("closure model file is corrupt: {0}")]
    Corrupt(String),
}

/// The weights, and the temperature that calibrates their probabilities.
#[derive(Clone, PartialEq)]
pub struct Scorer {
    w: Vec<f32>,
    /// Scores are divided by it before the softmax: fitted on sentences the weights were not
    /// trained on, so that a probability of 0.8 is right about 80 % of the time.
    temperature: f32,
}

impl std::fmt::Debug for Scorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let nonzero = self
            .w
            .chunks(K)
            .filter(|r| r.iter().any(|x| *x != 0.0))
            .count();
        write!(f, "Scorer({nonzero} nonzero rows)")
    }
}

/// One training sentence.
#[derive(Debug, Clone)]
pub struct Example {
    /// Its hashed features.
    pub feats: Vec<u32>,
    /// Index into [`CLASSES`].
    pub label: usize,
    /// How much it counts.
    pub weight: f32,
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    /// Passes over the examples.
    pub epochs: usize,
    /// Initial step.
    pub rate: f32,
    /// L2 strength.
    pub l2: f32,
    /// Shuffling seed.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 12,
            rate: 0.4,
            l2: 1e-6,
            seed: 0x5eed_d1a1,
        }
    }
}

impl Default for Scorer {
    fn default() -> Self {
        Scorer {
            w: vec![0.0; BUCKETS * K],
            temperature: 1.0,
        }
    }
}

impl Scorer {
    /// Class probabilities of a sentence's features.
    pub fn probs(&self, feats: &[u32]) -> [f32; K] {
        let mut s = self.scores(feats);
        for x in &mut s {
            *x /= self.temperature;
        }
        softmax(&mut s);
        s
    }

    /// The uncalibrated class scores of a sentence's features.
    fn scores(&self, feats: &[u32]) -> [f32; K] {
        let mut s = [0f32; K];
        for &f in feats {
            let row = f as usize * K;
            if let Some(r) = self.w.get(row..row + K) {
                for k in 0..K {
                    s[k] += r[k];
                }
            }
        }
        s
    }

    /// The temperature.
    pub fn temperature(&self) -> f32 {
        self.temperature
    }

    /// Fits the temperature on held-out examples (scored by `self`): the value on a fixed grid
    /// from 0.5 to 8 with the lowest negative log-likelihood.
    pub fn fit_temperature(&self, held_out: &[Example]) -> f32 {
        let scores: Vec<([f32; K], usize)> = held_out
            .iter()
            .map(|e| (self.scores(&e.feats), e.label))
            .collect();
        let nll = |t: f32| -> f64 {
            scores
                .iter()
                .map(|(s, y)| {
                    let mut p = s.map(|x| x / t);
                    softmax(&mut p);
                    -f64::from(p[*y].max(1e-9)).ln()
                })
                .sum()
        };
        (1..=32)
            .map(|i| i as f32 * 0.25)
            .filter(|t| *t >= 0.5)
            .min_by(|a, b| nll(*a).total_cmp(&nll(*b)))
            .unwrap_or(1.0)
    }

    /// The same weights with another temperature.
    pub fn with_temperature(mut self, t: f32) -> Scorer {
        self.temperature = t;
        self
    }

    /// Trains a model on `examples`; with `prior`, starts from it and regularises towards it.
    pub fn train(examples: &[Example], cfg: TrainConfig, prior: Option<&Scorer>) -> Scorer {
        let mut model = prior.cloned().unwrap_or_default();
        let temperature = model.temperature;
        model.temperature = 1.0;
        let base = prior.map(|p| p.w.clone());
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = cfg.seed | 1;
        let mut step = 0f32;
        let total = (cfg.epochs * examples.len()).max(1) as f32;
        for _ in 0..cfg.epochs {
            // Fisher-Yates with xorshift64: the same order on every machine.
            for i in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            for &i in &order {
                let ex = &examples[i];
                let eta = cfg.rate / (1.0 + 4.0 * step / total);
                step += 1.0;
                let p = model.probs(&ex.feats);
                for &f in &ex.feats {
                    let row = f as usize * K;
                    for k in 0..K {
                        let y = if k == ex.label { 1.0 } else { 0.0 };
                        let anchor = base.as_ref().map_or(0.0, |b| b[row + k]);
                        let w = &mut model.w[row + k];
                        *w -= eta * ((p[k] - y) * ex.weight + cfg.l2 * (*w - anchor));
                    }
                }
            }
        }
        model.temperature = temperature;
        model.quantised()
    }

    fn scale(&self) -> f32 {
        let max = self.w.iter().fold(0f32, |m, x| m.max(x.abs()));
        if max == 0.0 { 1.0 } else { max / 32767.0 }
    }

    /// The model as stored: weights rounded to the file's 16-bit steps.
    fn quantised(mut self) -> Scorer {
        let scale = self.scale();
        for w in &mut self.w {
            *w = (*w / scale).round().clamp(-32767.0, 32767.0) * scale;
        }
        self
    }

    /// The file form: header, scale, then each nonzero row as (bucket, K × i16), deflated.
    pub fn to_bytes(&self) -> Vec<u8> {
        let scale = self.scale();
        let mut raw = Vec::new();
        raw.extend_from_slice(&(BUCKETS as u32).to_le_bytes());
        raw.extend_from_slice(&(K as u32).to_le_bytes());
        raw.extend_from_slice(&scale.to_le_bytes());
        raw.extend_from_slice(&self.temperature.to_le_bytes());
        for (i, row) in self.w.chunks(K).enumerate() {
            let q: Vec<i16> = row
                .iter()
                .map(|x| (x / scale).round().clamp(-32767.0, 32767.0) as i16)
                .collect();
            if q.iter().any(|&x| x != 0) {
                raw.extend_from_slice(&(i as u32).to_le_bytes());
                for x in q {
                    raw.extend_from_slice(&x.to_le_bytes());
                }
            }
        }
        let mut z = flate2::write::DeflateEncoder::new(MAGIC.to_vec(), flate2::Compression::best());
        // Writing into a Vec cannot fail.
        let _ = z.write_all(&raw);
        z.finish().unwrap_or_default()
    }

    /// Reads a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Scorer, ModelError> {
        let body = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or(ModelError::Header)?;
        let mut raw = Vec::new();
        flate2::read::DeflateDecoder::new(body)
            .take(64 << 20)
            .read_to_end(&mut raw)
            .map_err(|e| ModelError::Corrupt(e.to_string()))?;
        let u32_at = |o: usize| -> Result<u32, ModelError> {
            raw.get(o..o + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_le_bytes)
                .ok_or_else(|| ModelError::Corrupt("truncated".into()))
        };
        if u32_at(0)? as usize != BUCKETS || u32_at(4)? as usize != K {
            return Err(ModelError::Corrupt(
                "built for another feature layout".into(),
            ));
        }
        let scale = f32::from_bits(u32_at(8)?);
        let temperature = f32::from_bits(u32_at(12)?);
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(ModelError::Corrupt("bad temperature".into()));
        }
        let mut model = Scorer::default().with_temperature(temperature);
        let row_len = 4 + 2 * K;
        let rows = raw.get(16..).unwrap_or(&[]);
        if rows.len() % row_len != 0 {
            return Err(ModelError::Corrupt("truncated row".into()));
        }
        for row in rows.chunks(row_len) {
            let idx = u32::from_le_bytes([row[0], row[1], row[2], row[3]]) as usize;
            let dst = model
                .w
                .get_mut(idx * K..idx * K + K)
                .ok_or_else(|| ModelError::Corrupt("bucket out of range".into()))?;
            for (k, d) in dst.iter_mut().enumerate() {
                let q = i16::from_le_bytes([row[4 + 2 * k], row[5 + 2 * k]]);
                *d = f32::from(q) * scale;
            }
        }
        Ok(model)
    }
}

fn softmax(s: &mut [f32; K]) {
    let max = s.iter().fold(f32::NEG_INFINITY, |m, x| m.max(*x));
    let mut sum = 0.0;
    for x in s.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    for x in s.iter_mut() {
        *x /= sum;
    }
}
