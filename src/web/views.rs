//! What each page shows, built from the store and the snapshot, and the askama templates that
//! render it (`templates/web/`; every value is HTML-escaped by the template).

use askama::Template;
use chrono::{DateTime, Utc};

use super::auth::Session;
use super::{Deal, Query};
use crate::digest::links::LinkAction;
use crate::ops::Context;
use crate::pipeline::State;
use crate::store::Store;

/// Most cards shown per column; the rest are counted ("N more: narrow the filters").
pub const COLUMN_LIMIT: usize = 60;

/// "12500.00 EUR", or "—".
fn money(amount: Option<f64>, currency: &Option<String>) -> String {
    match amount.filter(|a| a.is_finite()) {
        Some(a) => format!("{a:.2} {}", currency.as_deref().unwrap_or(""))
            .trim()
            .to_string(),
        None => "—".to_string(),
    }
}

fn state_label(s: &str) -> &'static str {
    match s {
        "on_hold" => "on hold",
        "won" => "won",
        "lost" => "lost",
        "vanished" => "vanished",
        _ => "open",
    }
}

fn badge(s: Option<State>) -> &'static str {
    match s {
        Some(State::Won) => "b-won",
        Some(State::Lost) => "b-lost",
        Some(State::Vanished) => "b-vanished",
        Some(State::OnHold) => "b-on",
        _ => "b-open",
    }
}

/// The login page.
#[derive(Template)]
#[template(path = "web/login.html")]
pub struct LoginPage {
    /// The login form's token (also in a cookie).
    pub token: String,
    /// Why the last try failed.
    pub error: Option<String>,
}

/// A page saying one thing.
#[derive(Template)]
#[template(path = "web/message.html")]
pub struct MessagePage {
    /// Heading.
    pub title: String,
    /// Text (lines kept).
    pub text: String,
}

/// One card of the board.
pub struct Card {
    /// Deal id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Customer.
    pub customer: String,
    /// Amount text.
    pub amount: String,
    /// Last activity, YYYY-MM-DD.
    pub activity: String,
    /// Proposed state and confidence, when a proposal waits.
    pub proposal: Option<(String, u32)>,
    /// Revisit date of a deal on hold.
    pub revisit: Option<String>,
    /// CSS class of the proposal's badge.
    pub badge: &'static str,
}

/// One column of the board.
pub struct Column {
    /// State key (`on_hold`).
    pub key: &'static str,
    /// Heading.
    pub label: &'static str,
    /// All matching deals in this state.
    pub count: usize,
    /// Those with a waiting proposal.
    pub waiting: usize,
    /// The cards shown.
    pub cards: Vec<Card>,
    /// Matching deals not shown.
    pub more: usize,
}

/// The pipeline page.
#[derive(Template)]
#[template(path = "web/board.html")]
pub struct BoardPage {
    /// Who is logged in.
    pub user: String,
    /// The session's form token.
    pub csrf: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// The filters as typed.
    pub f: Filters,
    /// Accounts to choose from.
    pub accounts: Vec<String>,
    /// A message from the last action.
    pub flash: Option<String>,
    /// Deals matching, all columns.
    pub total: usize,
}

/// The board's filters.
#[derive(Default)]
pub struct Filters {
    /// Free text: title, customer, contacts, quote reference.
    pub q: String,
    /// Account the mail came from.
    pub account: String,
    /// Customer (part of the organisation or a contact).
    pub customer: String,
    /// Smallest amount.
    pub min: String,
    /// At most this many days since the last message.
    pub age: String,
    /// `activity` (default), `amount`, `customer`, `id`.
    pub sort: String,
}

fn last_activity(d: &Deal) -> &str {
    let o = &d.listed.opp;
    [&o.last_inbound_at, &o.last_outbound_at]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .max()
        .unwrap_or(&o.first_seen)
}

/// Builds the pipeline page.
pub fn board(
    ctx: &Context,
    deals: &[&Deal],
    q: &Query,
    s: &Session,
    accounts: Vec<String>,
    flash: Option<String>,
) -> BoardPage {
    let get = |k: &str| q.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let f = Filters {
        q: get("q"),
        account: get("account"),
        customer: get("customer"),
        min: get("min"),
        age: get("age"),
        sort: get("sort"),
    };
    let text = f.q.to_lowercase();
    let customer = f.customer.to_lowercase();
    let min: Option<f64> = f.min.replace(',', ".").parse().ok();
    let age: Option<i64> = f.age.parse().ok();
    let now = ctx.clock.now();
    let fresh_enough = |d: &Deal| {
        age.is_none_or(|days| {
            DateTime::parse_from_rfc3339(last_activity(d))
                .map(|t| (now - t.with_timezone(&Utc)).num_days() <= days)
                .unwrap_or(true)
        })
    };
    let mut rows: Vec<&Deal> = deals
        .iter()
        .copied()
        .filter(|d| f.account.is_empty() || d.sources.contains(&f.account))
        .filter(|d| {
            let o = &d.listed.opp;
            customer.is_empty()
                || o.customer.to_lowercase().contains(&customer)
                || o.contacts
                    .iter()
                    .any(|c| c.to_lowercase().contains(&customer))
        })
        .filter(|d| {
            let o = &d.listed.opp;
            text.is_empty()
                || o.title.to_lowercase().contains(&text)
                || o.customer.to_lowercase().contains(&text)
                || o.quote_ref
                    .as_deref()
                    .is_some_and(|r| r.to_lowercase().contains(&text))
                || o.contacts.iter().any(|c| c.to_lowercase().contains(&text))
        })
        .filter(|d| min.is_none_or(|m| d.listed.opp.amount.is_some_and(|a| a >= m)))
        .filter(|d| fresh_enough(d))
        .collect();
    match f.sort.as_str() {
        "amount" => rows.sort_by(|a, b| {
            b.listed
                .opp
                .amount
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.listed.opp.amount.unwrap_or(f64::NEG_INFINITY))
        }),
        "customer" => rows.sort_by(|a, b| a.listed.opp.customer.cmp(&b.listed.opp.customer)),
        "id" => rows.sort_by_key(|d| d.listed.opp.id),
        _ => rows.sort_by(|a, b| last_activity(b).cmp(last_activity(a))),
    }
    // Waiting decisions first in every column, in the chosen order otherwise.
    rows.sort_by_key(|d| d.listed.proposal.is_none());
    let total = rows.len();
    let columns = [
        (State::Open, "Open"),
        (State::OnHold, "On hold"),
        (State::Won, "Won"),
        (State::Lost, "Lost"),
        (State::Vanished, "Vanished"),
    ]
    .into_iter()
    .map(|(state, label)| {
        let of: Vec<&&Deal> = rows
            .iter()
            .filter(|d| State::parse(&d.listed.opp.state).unwrap_or(State::Open) == state)
            .collect();
        let cards: Vec<Card> = of
            .iter()
            .take(COLUMN_LIMIT)
            .map(|d| {
                let o = &d.listed.opp;
                Card {
                    id: o.id,
                    title: o.title.clone(),
                    customer: o.customer.clone(),
                    amount: money(o.amount, &o.currency),
                    activity: last_activity(d).get(..10).unwrap_or("").to_string(),
                    proposal: d.listed.proposal.as_ref().map(|p| {
                        (
                            state_label(p.state.as_str()).to_string(),
                            (p.confidence.clamp(0.0, 1.0) * 100.0).round() as u32,
                        )
                    }),
                    revisit: o.revisit_on.clone(),
                    badge: badge(d.listed.proposal.as_ref().map(|p| p.state)),
                }
            })
            .collect();
        Column {
            key: state.as_str(),
            label,
            count: of.len(),
            waiting: of.iter().filter(|d| d.listed.proposal.is_some()).count(),
            more: of.len().saturating_sub(cards.len()),
            cards,
        }
    })
    .collect();
    BoardPage {
        user: s.user.clone(),
        csrf: s.csrf.clone(),
        columns,
        f,
        accounts,
        flash,
        total,
    }
}

/// A message's text split around the evidence sentence, so the page can highlight it.
pub struct Text {
    /// Before the evidence (or the whole text).
    pub before: String,
    /// The evidence sentence, when it is in this message.
    pub mark: Option<String>,
    /// After it.
    pub after: String,
}

/// One message of the timeline.
pub struct Msg {
    /// Database id.
    pub id: i64,
    /// Local date and time.
    pub when: String,
    /// ←, → or ↔.
    pub arrow: &'static str,
    /// Sender.
    pub from: String,
    /// Subject.
    pub subject: String,
    /// Auto-reply kind, if any.
    pub auto: Option<String>,
    /// Why it is linked to this deal.
    pub linked: String,
    /// Its new text (quotes removed).
    pub text: Text,
}

/// The proposal on a deal page.
pub struct ProposalView {
    /// Proposed state.
    pub state: String,
    /// Why.
    pub reason: String,
    /// Percent.
    pub confidence: u32,
    /// The evidence sentence.
    pub evidence: Option<String>,
    /// Revisit date.
    pub revisit: Option<String>,
}

/// One history line.
pub struct HistoryView {
    /// Local time.
    pub at: String,
    /// From → to.
    pub change: String,
    /// Why.
    pub reason: String,
    /// Who: user (CLI), web, proposal, auto-close.
    pub by: String,
}

/// A deal's page.
#[derive(Template)]
#[template(path = "web/deal.html")]
pub struct DealPage {
    /// Who is logged in.
    pub user: String,
    /// The session's form token.
    pub csrf: String,
    /// Deal id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Customer.
    pub customer: String,
    /// Contacts.
    pub contacts: String,
    /// Quote reference.
    pub quote_ref: String,
    /// Amount text.
    pub amount: String,
    /// Recorded state label.
    pub state: String,
    /// Revisit date.
    pub revisit: Option<String>,
    /// The waiting proposal.
    pub proposal: Option<ProposalView>,
    /// Timeline, oldest first.
    pub messages: Vec<Msg>,
    /// State changes, oldest first.
    pub history: Vec<HistoryView>,
    /// The follow-up meeting: when and its state.
    pub meeting: Option<(String, String)>,
    /// A message from the last action.
    pub flash: Option<String>,
}

fn split_text(text: &str, evidence: Option<&str>) -> Text {
    if let Some(e) = evidence.filter(|e| !e.is_empty())
        && let Some(at) = text.find(e)
    {
        return Text {
            before: text[..at].to_string(),
            mark: Some(e.to_string()),
            after: text[at + e.len()..].to_string(),
        };
    }
    Text {
        before: text.to_string(),
        mark: None,
        after: String::new(),
    }
}

/// Builds a deal's page.
pub fn deal(
    ctx: &Context,
    store: &Store,
    d: &Deal,
    s: &Session,
    flash: Option<String>,
) -> anyhow::Result<DealPage> {
    let o = &d.listed.opp;
    let p = d.listed.proposal.as_ref();
    let evidence_msg = p.and_then(|p| p.evidence_message_id.clone());
    let evidence = p.and_then(|p| p.evidence.clone());
    let messages = store
        .opportunity_messages(o.id)?
        .into_iter()
        .map(|m| {
            let is_evidence = evidence_msg.as_deref().is_some_and(|e| {
                e.trim_matches(['<', '>']) == m.message_id.trim_matches(['<', '>'])
            });
            let text = m.new_text.clone().unwrap_or_default();
            Msg {
                id: m.id,
                when: m.date.as_deref().map(|t| ctx.local(t)).unwrap_or_default(),
                arrow: match m.direction.as_str() {
                    "outbound" => "→",
                    "inbound" => "←",
                    _ => "↔",
                },
                from: m.from_addr.clone(),
                subject: m.subject.clone(),
                auto: (m.auto_kind != "none").then(|| m.auto_kind.clone()),
                linked: m.link_reason.clone().unwrap_or_default(),
                text: split_text(&text, evidence.as_deref().filter(|_| is_evidence)),
            }
        })
        .collect();
    let history = store
        .history(o.id)?
        .into_iter()
        .map(|h| HistoryView {
            at: ctx.local(&h.at),
            change: format!(
                "{} → {}",
                state_label(&h.from_state),
                state_label(&h.to_state)
            ),
            reason: h.reason,
            by: h.actor,
        })
        .collect();
    let meeting = store
        .meeting(o.id)?
        .map(|m| (ctx.local(&m.start_at), m.state));
    Ok(DealPage {
        user: s.user.clone(),
        csrf: s.csrf.clone(),
        id: o.id,
        title: o.title.clone(),
        customer: o.customer.clone(),
        contacts: o.contacts.join(", "),
        quote_ref: o.quote_ref.clone().unwrap_or_else(|| "—".into()),
        amount: money(o.amount, &o.currency),
        state: state_label(&o.state).to_string(),
        revisit: o.revisit_on.clone(),
        proposal: p.map(|p| ProposalView {
            state: state_label(p.state.as_str()).to_string(),
            reason: p.reason.clone(),
            confidence: (p.confidence.clamp(0.0, 1.0) * 100.0).round() as u32,
            evidence: p.evidence.clone(),
            revisit: p.revisit_on.map(|d| d.to_string()),
        }),
        messages,
        history,
        meeting,
        flash,
    })
}

/// The figures page: the digest's chart and tables for the user's accounts.
#[derive(Template)]
#[template(path = "web/figures.html")]
pub struct FiguresPage {
    /// Who is logged in.
    pub user: String,
    /// The session's form token.
    pub csrf: String,
    /// The digest as of now.
    pub d: std::sync::Arc<crate::digest::model::Digest>,
    /// The chart as a data: URI.
    pub chart: Option<std::sync::Arc<str>>,
}

/// Builds the figures page from the board's cached digest and chart.
pub fn figures(
    s: &Session,
    d: std::sync::Arc<crate::digest::model::Digest>,
    chart: Option<std::sync::Arc<str>>,
) -> FiguresPage {
    FiguresPage {
        user: s.user.clone(),
        csrf: s.csrf.clone(),
        d,
        chart,
    }
}

/// A digest link's confirmation page.
#[derive(Template)]
#[template(path = "web/confirm.html")]
pub struct ConfirmPage {
    /// Deal id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Customer.
    pub customer: String,
    /// Amount.
    pub amount: String,
    /// `accept` or `reject`.
    pub action: &'static str,
    /// What it does, in words.
    pub what: String,
    /// The proposal's evidence.
    pub evidence: Option<String>,
    /// Whether there is a proposal to act on.
    pub has_proposal: bool,
    /// Hidden fields: the link's digest, expiry and signature, and the confirmation token.
    pub g: String,
    /// Expiry.
    pub e: i64,
    /// Signature.
    pub s: String,
    /// Confirmation token.
    pub confirm: String,
}

impl ConfirmPage {
    /// The page for a checked link.
    pub fn new(
        d: &Deal,
        action: LinkAction,
        digest: &str,
        expires: i64,
        sig: &str,
        confirm: &str,
    ) -> ConfirmPage {
        let o = &d.listed.opp;
        let p = d.listed.proposal.as_ref();
        let what = match (action, p) {
            (_, None) => "There is no proposal waiting on this deal any more.".to_string(),
            (LinkAction::Accept, Some(p)) => {
                format!(
                    "Mark this deal {} ({}).",
                    state_label(p.state.as_str()),
                    p.reason
                )
            }
            (LinkAction::Reject, Some(p)) => format!(
                "Dismiss the proposal \"{}\": it is not made again for the same evidence.",
                state_label(p.state.as_str())
            ),
        };
        ConfirmPage {
            id: o.id,
            title: o.title.clone(),
            customer: o.customer.clone(),
            amount: money(o.amount, &o.currency),
            action: action.as_str(),
            what,
            evidence: p.and_then(|p| p.evidence.clone()),
            has_proposal: p.is_some(),
            g: digest.to_string(),
            e: expires,
            s: sig.to_string(),
            confirm: confirm.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_evidence_is_cut_out_of_its_message() {
        let t = split_text("Hello. We go with you. Thanks", Some("We go with you."));
        assert_eq!(t.before, "Hello. ");
        assert_eq!(t.mark.as_deref(), Some("We go with you."));
        assert_eq!(t.after, " Thanks");
        let none = split_text("Hello.", Some("absent"));
        assert!(none.mark.is_none());
        assert_eq!(none.before, "Hello.");
    }
}
