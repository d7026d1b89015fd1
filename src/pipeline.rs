//! Opportunities and their states. Pure: given an opportunity's stored messages, the user's
//! decisions and `now`, [`propose`] says which state the evidence points to and why. Linking
//! lives in [`link`].
//!
//! Besides `open`, an opportunity ends in one of four situations, three of them real closures:
//! `on_hold` (the customer asked to pause; it comes back on the date named), `won`, `lost`
//! (someone else got the order) and `vanished` (nobody did: no decision, dropped, no budget,
//! silence).

pub mod correct;
pub mod link;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::detect::closure::{ClosureSignal, Decision};
use crate::store::{MessageRow, OpportunityRow};

/// An opportunity's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Alive.
    Open,
    /// Paused at the customer's request; not a closure.
    OnHold,
    /// Accepted.
    Won,
    /// Another supplier got it.
    Lost,
    /// Nobody got it.
    Vanished,
}

impl State {
    /// Stable name (`open`, `on_hold`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::OnHold => "on_hold",
            State::Won => "won",
            State::Lost => "lost",
            State::Vanished => "vanished",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<State> {
        Some(match s {
            "open" => State::Open,
            "on_hold" | "on-hold" | "hold" => State::OnHold,
            "won" => State::Won,
            "lost" => State::Lost,
            "vanished" => State::Vanished,
            _ => return None,
        })
    }

    /// Whether this is one of the three real closures.
    pub fn is_closed(self) -> bool {
        matches!(self, State::Won | State::Lost | State::Vanished)
    }
}

/// A closure signal as stored with its message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredSignal {
    /// The state it points to.
    pub state: State,
    /// Whether it only keeps the deal open (a question, "still deciding").
    pub keep_open: bool,
    /// The sentence that proves it.
    pub sentence: String,
    /// How sure the rule is.
    pub confidence: f32,
    /// The revisit date named, for on-hold.
    pub revisit_on: Option<NaiveDate>,
    /// The rule that fired.
    pub rule: String,
}

impl From<&ClosureSignal> for StoredSignal {
    fn from(s: &ClosureSignal) -> Self {
        let (state, keep_open) = match s.decision {
            Decision::Won => (State::Won, false),
            Decision::Lost => (State::Lost, false),
            Decision::Vanished => (State::Vanished, false),
            Decision::OnHold => (State::OnHold, false),
            Decision::KeepOpen => (State::Open, true),
        };
        StoredSignal {
            state,
            keep_open,
            sentence: s.sentence.clone(),
            confidence: s.confidence,
            revisit_on: s.revisit_on,
            rule: s.rule.to_string(),
        }
    }
}

/// What dealwatch proposes for an opportunity; the salesperson decides.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Proposal {
    /// The proposed state.
    pub state: State,
    /// One sentence saying why.
    pub reason: String,
    /// 0..1.
    pub confidence: f32,
    /// The message that proves it (Message-ID with angle brackets), if any.
    pub evidence_message_id: Option<String>,
    /// The sentence quoted from that message.
    pub evidence: Option<String>,
    /// When the evidence was written.
    pub evidence_date: Option<String>,
    /// For on-hold: the date the customer named.
    pub revisit_on: Option<NaiveDate>,
}

/// Settings for proposals.
#[derive(Debug, Clone, Copy)]
pub struct ProposalRules {
    /// Days without an answer to our last message before proposing vanished.
    pub quiet_days: u32,
}

fn parse_time(s: &Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref()
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Whether a stored message counts as the customer speaking (a person, or a decision-carrying
/// system), as opposed to us, colleagues, auto-replies, bounces and receipts.
fn is_customer(m: &MessageRow) -> bool {
    m.direction == "inbound" && m.auto_kind == "none"
}

fn signal_of(m: &MessageRow) -> Option<StoredSignal> {
    serde_json::from_str(m.signal.as_deref()?).ok()
}

/// The evidence key of a proposal (for rejections): the message id, or the rule for silence.
pub fn evidence_key(p: &Proposal) -> String {
    p.evidence_message_id
        .clone()
        .unwrap_or_else(|| format!("silence:{}", p.evidence_date.as_deref().unwrap_or("")))
}

/// The proposal for an opportunity at `now`, or None when its state already fits.
pub fn propose(
    opp: &OpportunityRow,
    msgs: &[MessageRow],
    rejected: &[(String, String)],
    now: DateTime<Utc>,
    rules: ProposalRules,
) -> Option<Proposal> {
    let current = State::parse(&opp.state).unwrap_or(State::Open);
    let visible: Vec<&MessageRow> = msgs
        .iter()
        .filter(|m| parse_time(&m.date).is_none_or(|d| d <= now))
        .collect();
    let candidate = match current {
        State::Open => evidence_state(&visible, now, rules),
        State::OnHold => revisit(opp, &visible, now),
        _ => reopen(opp, &visible),
    }?;
    if candidate.state == current {
        return None;
    }
    let key = evidence_key(&candidate);
    if rejected
        .iter()
        .any(|(s, e)| s == candidate.state.as_str() && *e == key)
    {
        return None;
    }
    Some(candidate)
}

fn proposal_from(m: &MessageRow, s: &StoredSignal, reason: String) -> Proposal {
    Proposal {
        state: s.state,
        reason,
        confidence: s.confidence,
        evidence_message_id: Some(format!("<{}>", m.message_id)),
        evidence: Some(s.sentence.clone()),
        evidence_date: m.date.clone(),
        revisit_on: s.revisit_on,
    }
}

fn who(m: &MessageRow) -> &'static str {
    match (m.direction.as_str(), m.auto_kind.as_str()) {
        ("outbound", _) => "we reported",
        (_, "notice") => "an automated notice says",
        _ => "the customer wrote",
    }
}

/// The latest decisive signal decides (a pause only until we quote again); without one,
/// silence after our last message does.
fn evidence_state(
    msgs: &[&MessageRow],
    now: DateTime<Utc>,
    rules: ProposalRules,
) -> Option<Proposal> {
    // A pause ends when we quote again: a hold older than our latest quote is over.
    let last_quote = msgs
        .iter()
        .filter(|m| m.direction == "outbound" && m.quote.is_some())
        .filter_map(|m| parse_time(&m.date))
        .max();
    let decisive = msgs.iter().rev().find_map(|m| {
        let s = signal_of(m)?;
        let superseded = s.state == State::OnHold
            && last_quote.is_some_and(|q| parse_time(&m.date).is_some_and(|d| d < q));
        (!s.keep_open && !superseded).then_some((*m, s))
    });
    if let Some((m, s)) = decisive {
        let date = m
            .date
            .as_deref()
            .map(|d| d.get(..10).unwrap_or(d))
            .unwrap_or("?");
        let reason = match s.state {
            State::Won => format!("Accepted: {} so on {date}.", who(m)),
            State::Lost => format!("Another supplier got the order: {} so on {date}.", who(m)),
            State::Vanished => format!("No decision, project dropped: {} so on {date}.", who(m)),
            State::OnHold => match s.revisit_on {
                Some(r) => format!("The customer asked to pause until {r} ({date})."),
                None => format!("The customer asked to pause, without a date ({date})."),
            },
            State::Open => return None,
        };
        return Some(proposal_from(m, &s, reason));
    }
    silence(msgs, now, rules)
}

/// Vanished by silence: our last message has had no customer answer for `quiet_days`
/// (auto-replies, bounces, receipts, colleagues and our reminders are not answers; an
/// out-of-office return date delays the clock).
fn silence(msgs: &[&MessageRow], now: DateTime<Utc>, rules: ProposalRules) -> Option<Proposal> {
    let last_ours = msgs
        .iter()
        .rev()
        .find(|m| m.direction == "outbound" && m.auto_kind == "none")?;
    let ours_at = parse_time(&last_ours.date)?;
    let answered = msgs
        .iter()
        .any(|m| is_customer(m) && parse_time(&m.date).is_some_and(|d| d > ours_at));
    if answered {
        return None;
    }
    let back = msgs
        .iter()
        .filter(|m| m.auto_kind == "auto_reply")
        .filter_map(|m| m.ooo_until.as_deref())
        .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter_map(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .filter(|d| *d > ours_at)
        .max();
    let clock_start = back.unwrap_or(ours_at);
    let quiet = now.signed_duration_since(clock_start);
    if quiet < Duration::days(i64::from(rules.quiet_days)) {
        return None;
    }
    let date = last_ours
        .date
        .as_deref()
        .map(|d| d.get(..10).unwrap_or(d))
        .unwrap_or("?");
    Some(Proposal {
        state: State::Vanished,
        reason: format!(
            "No answer from the customer for {} days since our message of {date}.",
            quiet.num_days()
        ),
        confidence: 0.6,
        evidence_message_id: Some(format!("<{}>", last_ours.message_id)),
        evidence: None,
        evidence_date: last_ours.date.clone(),
        revisit_on: None,
    })
}

/// An on-hold opportunity whose revisit date has come is proposed for revisit (open).
fn revisit(opp: &OpportunityRow, msgs: &[&MessageRow], now: DateTime<Utc>) -> Option<Proposal> {
    let changed = parse_time(&opp.state_changed_at);
    if let Some(p) = new_customer_mail(msgs, changed) {
        return Some(p);
    }
    let due = opp
        .revisit_on
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())?;
    (now.date_naive() >= due).then(|| Proposal {
        state: State::Open,
        reason: format!("Revisit date {due} has come: time to contact the customer again."),
        confidence: 0.9,
        evidence_message_id: None,
        evidence: None,
        evidence_date: Some(due.to_string()),
        revisit_on: Some(due),
    })
}

/// A new customer message on a closed opportunity proposes reopening it, never silently.
fn reopen(opp: &OpportunityRow, msgs: &[&MessageRow]) -> Option<Proposal> {
    new_customer_mail(msgs, parse_time(&opp.state_changed_at))
}

fn new_customer_mail(msgs: &[&MessageRow], since: Option<DateTime<Utc>>) -> Option<Proposal> {
    let since = since?;
    let m = msgs
        .iter()
        .rev()
        .find(|m| is_customer(m) && parse_time(&m.date).is_some_and(|d| d > since))?;
    let first_line = m
        .new_text
        .as_deref()
        .and_then(|t| t.lines().find(|l| !l.trim().is_empty()))
        .map(|l| l.chars().take(200).collect::<String>());
    Some(Proposal {
        state: State::Open,
        reason: "The customer wrote again after the state was set: reopen?".to_string(),
        confidence: 0.7,
        evidence_message_id: Some(format!("<{}>", m.message_id)),
        evidence: first_line,
        evidence_date: m.date.clone(),
        revisit_on: None,
    })
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
