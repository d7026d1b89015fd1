//! Closure detection: does one message carry a decision about a sales deal?
//!
//! dealwatch follows quotes we sent until they end in one of the situations a
//! sales method distinguishes: **won** (accepted, ordered, signed), **lost**
//! (another supplier got the order), **vanished** (nobody got it: the
//! customer dropped the project), **on hold** (the customer asked to pause,
//! possibly until a named date), or still **open**. This module reads the new
//! text of ONE message (quoted history already removed upstream), plus its
//! subject, author kind and attachment names, and returns the most decisive
//! signal with the sentence that proves it.
//!
//! Design: the text is folded once (lowercase ASCII, accents removed, see
//! `text.rs`) and split into sentences. A customer's text is read by the
//! learned scorer (`learned.rs`): each sentence's structure — the roles of its
//! words from the per-language lexicons in `data/lexicon/` (`lexicon.rs`), their
//! negation, condition, modality and question scope, named organisations and
//! dates (`features.rs`) — plus its words and character n-grams feed a
//! logistic regression (`model.rs`) trained on the project's own labeled
//! replies in `data/closure/` (`training.rs`). Our own mail (reports of the
//! customer's decision), automated notices and attachment names are read by
//! a few phrase rules (`notice.rs`, `rules.rs`). Dates ("en septembre", "Q3",
//! "after the 15th of April", "dans 15 jours") are resolved against the local
//! date of the message (`dates.rs`). Everything is pure and never panics on
//! input.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate};

mod dates;
mod features;
mod learned;
mod lexicon;
mod model;
mod notice;
mod rules;
mod scorer;
mod text;
mod tokens;
pub mod training;

pub use lexicon::{LexiconError, check_shipped as check_lexicons};
pub use model::{Examples, Model};
pub use scorer::{CLASSES, Example, ModelError, TrainConfig};

#[cfg(test)]
#[path = "closure_tests.rs"]
mod tests;

/// What a message says about the deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    /// Accepted: signed quote, purchase order, "go ahead", "bon pour accord".
    Won,
    /// Another supplier or a competitor got the order.
    Lost,
    /// Nobody got it: project dropped, cancelled, no budget, "we decided not to proceed".
    Vanished,
    /// The customer asked to pause or to come back later (not a closure).
    OnHold,
    /// Evidence the customer is alive (questions, "still waiting on sign-off"), no decision.
    KeepOpen,
}

/// Who wrote the message, as the caller determined from addresses and headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    /// The customer (a human at the customer's organisation, or the customer's own system such as an ERP).
    Customer,
    /// We (the salesperson or a colleague): only reports of the customer's decision count.
    Us,
    /// An automated notice from a third-party service (e-signature, tender/procurement portal).
    Notice,
}

/// One message, as the detector sees it.
pub struct ClosureInput<'a> {
    /// New text written in this message (quoted history and signature removed), possibly with a forwarded customer message appended after a blank line.
    pub new_text: &'a str,
    /// The subject, reply prefixes already stripped.
    pub subject: &'a str,
    /// When the message was written (its Date header), used to resolve relative dates.
    pub sent_at: DateTime<FixedOffset>,
    /// Who wrote it.
    pub author: Author,
    /// File names of attachments (e.g. "Q-10254_signed.pdf", "BC_2025-0412.pdf", "scan0042.pdf").
    pub attachment_names: &'a [String],
}

/// A decision found in a message, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosureSignal {
    /// The decision.
    pub decision: Decision,
    /// The sentence quoted verbatim from the text (trimmed, whitespace runs collapsed, at most ~300 chars) that proves it; for an attachment-only signal, a short description naming the file.
    pub sentence: String,
    /// 0.0..=1.0: how sure the rule is.
    pub confidence: f32,
    /// For OnHold: the date the customer named, resolved to a calendar date; None when no date was named.
    pub revisit_on: Option<NaiveDate>,
    /// Short stable name of the rule that fired (e.g. "fr.accept.bon_pour_accord"), for explanations and tests.
    pub rule: &'static str,
}

/// Compiles the largest pattern sets and loads the model without searching (see
/// [`crate::detect::warm_up`]).
pub(crate) fn build_patterns() {
    LazyLock::force(&notice::US);
    LazyLock::force(&lexicon::LEXICON);
    LazyLock::force(&learned::SHIPPED);
    dates::build_patterns();
}

/// The model shipped with dealwatch (trained on `data/closure/`).
pub fn shipped_model() -> &'static Model {
    &learned::SHIPPED
}

/// Maximum text length examined (longer texts are cut, at a char boundary).
const MAX_TEXT: usize = 64 * 1024;

fn bounded(s: &str) -> &str {
    if s.len() <= MAX_TEXT {
        return s;
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The most decisive signal of the message, if any: a decision (won, lost,
/// vanished, on hold) beats keep-open evidence; among decisions the most
/// confident rule wins, ties broken Lost > Won > Vanished > OnHold, and an
/// acceptance (confidence ≥ 0.7) beats a pause found in the same message
/// (a scheduling constraint after a "yes" is not a pause).
pub fn detect_closure(input: &ClosureInput<'_>) -> Option<ClosureSignal> {
    detect_closure_with(input, shipped_model())
}

/// [`detect_closure`] with a given model for the customer's words (a user's adapted model).
pub fn detect_closure_with(input: &ClosureInput<'_>, model: &Model) -> Option<ClosureSignal> {
    let today = input.sent_at.date_naive();
    let doc = text::Doc::new(bounded(input.new_text));
    let cands = match input.author {
        Author::Customer => {
            let mut c: Vec<rules::Candidate> =
                learned::candidate(&doc, model, today).into_iter().collect();
            c.extend(notice::attachment_candidates(
                &doc,
                input.attachment_names,
                today,
            ));
            c.extend(question_candidate(&doc));
            c
        }
        Author::Us => rules::scan(&notice::US, &doc, today),
        Author::Notice => notice::notice_candidate(&doc, input.subject)
            .into_iter()
            .collect(),
    };
    rules::pick(cands).map(|c| c.into_signal(&doc))
}

/// A question from the customer keeps the deal open (weak evidence).
fn question_candidate(doc: &text::Doc<'_>) -> Option<rules::Candidate> {
    let &(s, e) = doc.sentences.iter().find(|&&(s, e)| {
        doc.folded
            .get(s..e)
            .is_some_and(|t| t.ends_with('?') && t.split_whitespace().count() >= 3)
    })?;
    Some(rules::Candidate {
        decision: Decision::KeepOpen,
        conf: 0.5,
        rule: "any.open.question",
        span: Some((s, e)),
        description: None,
        revisit_on: None,
    })
}

/// For an out-of-office auto-reply: the return date it names ("de retour le 12 janvier", "back on Monday 5 Jan", "ab dem 07.01.2026 wieder erreichbar", "I will return on 2026-01-12"), resolved against sent_at; None when none.
///
/// A date introduced by a return word ("retour", "back", "wieder erreichbar")
/// wins; otherwise the end of an absence ("jusqu'au 4 janvier", "until 5 Jan",
/// the day after when marked "inclus"/"inclusive").
pub fn out_of_office_return(text: &str, sent_at: DateTime<FixedOffset>) -> Option<NaiveDate> {
    let folded = text::fold(bounded(text));
    dates::return_date(&folded, sent_at.date_naive())
}

/// Resolves a date expression found in `text` relative to `sent_at` (see rules below); the first one found.
///
/// Relative to the local date of `sent_at`: explicit dates ("15 avril",
/// "le 15/04", "15.04.2026", "April 15th", "2026-04-15"; a day-month already
/// past → next year's); a month alone ("en septembre", "in September", "im
/// September") → the 1st of its next occurrence; "mi-mars" → the 15th; "fin
/// juin"/"end of June" → the last day; "début mars" → the 1st; "la rentrée",
/// "after the summer" → 1 September; "Q3", "3e trimestre", "drittes Quartal"
/// → first day of that quarter (next occurrence); "next month" → 1st of next
/// month; "in two weeks", "dans 15 jours" → sent + N days; "next year" → 1
/// January next year; "début 2027" → 2027-01-01; "after the holidays" in
/// November/December → 5 January; "next week" → next Monday; "lundi
/// prochain", "next Tuesday" → that weekday's next occurrence. None when no
/// date is named.
pub fn resolve_date(text: &str, sent_at: DateTime<FixedOffset>) -> Option<NaiveDate> {
    let folded = text::fold(bounded(text));
    dates::first(&folded, sent_at.date_naive())
}
