//! Closure signals (interim version; replaced by the full detector).
use chrono::{DateTime, FixedOffset, NaiveDate};

/// Decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    /// Won.
    Won,
    /// Lost.
    Lost,
    /// Vanished.
    Vanished,
    /// On hold.
    OnHold,
    /// Keep open.
    KeepOpen,
}
/// Author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    /// Customer.
    Customer,
    /// Us.
    Us,
    /// Notice.
    Notice,
}
/// Input.
pub struct ClosureInput<'a> {
    /// New text.
    pub new_text: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Date.
    pub sent_at: DateTime<FixedOffset>,
    /// Author.
    pub author: Author,
    /// Attachments.
    pub attachment_names: &'a [String],
}
/// Signal.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosureSignal {
    /// Decision.
    pub decision: Decision,
    /// Sentence.
    pub sentence: String,
    /// Confidence.
    pub confidence: f32,
    /// Revisit.
    pub revisit_on: Option<NaiveDate>,
    /// Rule.
    pub rule: &'static str,
}
/// Detect.
pub fn detect_closure(_input: &ClosureInput<'_>) -> Option<ClosureSignal> {
    None
}
/// OOO return.
pub fn out_of_office_return(_text: &str, _sent_at: DateTime<FixedOffset>) -> Option<NaiveDate> {
    None
}
