//! What a digest says, computed from the store at an instant: the seven sections, most
//! actionable first. Every string that came from mail is cleaned here (control characters
//! removed, length capped) so the renderers only format and escape.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::DigestError;
use crate::config::DigestConfig;
use crate::pipeline::{self, ProposalRules, State};
use crate::smtp::header_safe;
use crate::store::{MessageRow, OpportunityRow, Store};

/// Days of silence after our last message before a deal counts as gone quiet.
pub const QUIET_AFTER_DAYS: i64 = 7;
/// The window of the win and vanished rates.
pub const RATE_WINDOW_DAYS: i64 = 90;
/// Longest title, customer or reason shown.
const MAX_LINE: usize = 160;
/// Longest evidence sentence shown.
const MAX_EVIDENCE: usize = 400;

/// Who a digest is for and what it covers.
#[derive(Debug, Clone)]
pub struct DigestSpec {
    /// The `[digests.NAME]` name.
    pub name: String,
    /// Recipients.
    pub to: Vec<String>,
    /// Accounts covered (None: all): an opportunity is covered when one of its messages was
    /// read from one of these accounts.
    pub accounts: Option<Vec<String>>,
    /// The schedule as written (`mon 08:00`).
    pub schedule: String,
    /// Time zone for dates and the schedule.
    pub timezone: Tz,
}

impl DigestSpec {
    /// The spec of a configured digest.
    pub fn from_config(name: &str, cfg: &DigestConfig) -> Result<DigestSpec, DigestError> {
        let timezone = cfg.timezone.parse::<Tz>().map_err(|_| {
            DigestError::Config(format!(
                "digests.{name}.timezone: unknown time zone {:?}",
                cfg.timezone
            ))
        })?;
        Ok(DigestSpec {
            name: name.to_string(),
            to: cfg.to.clone(),
            accounts: cfg.accounts.clone(),
            schedule: cfg.schedule.clone(),
            timezone,
        })
    }

    /// A digest for previews when none is configured: UTC, all accounts, no recipient.
    pub fn preview() -> DigestSpec {
        DigestSpec {
            name: "preview".to_string(),
            to: Vec::new(),
            accounts: None,
            schedule: "mon 08:00".to_string(),
            timezone: Tz::UTC,
        }
    }
}

/// An amount in a currency.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// The value.
    pub value: f64,
    /// ISO 4217 code as found (cleaned), or empty.
    pub currency: String,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = (self.value * 100.0).round() as i64;
        let (sign, cents) = if cents < 0 {
            ("-", -cents)
        } else {
            ("", cents)
        };
        let units = (cents / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in units.chars().enumerate() {
            if i > 0 && (units.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}{grouped}.{:02}", cents % 100)?;
        if !self.currency.is_empty() {
            write!(f, " {}", self.currency)?;
        }
        Ok(())
    }
}

/// Sums per currency, formatted (`12,000.00 EUR + 3,400.00 USD`), or `—` when none.
fn sums(items: impl Iterator<Item = Money>) -> String {
    let mut by: BTreeMap<String, f64> = BTreeMap::new();
    for m in items {
        *by.entry(m.currency).or_default() += m.value;
    }
    if by.is_empty() {
        return "—".to_string();
    }
    by.into_iter()
        .map(|(currency, value)| Money { value, currency }.to_string())
        .collect::<Vec<_>>()
        .join(" + ")
}

fn money(amount: Option<f64>, currency: &Option<String>) -> Option<Money> {
    Some(Money {
        value: amount.filter(|a| a.is_finite())?,
        currency: currency
            .as_deref()
            .map(|c| header_safe(c, 8))
            .unwrap_or_default(),
    })
}

/// A proposal waiting for the salesperson.
#[derive(Debug, Clone)]
pub struct DecisionItem {
    /// Opportunity id.
    pub id: i64,
    /// Customer.
    pub customer: String,
    /// Title.
    pub title: String,
    /// Amount.
    pub amount: Option<Money>,
    /// Recorded state.
    pub current: &'static str,
    /// Proposed state.
    pub proposed: &'static str,
    /// Why.
    pub reason: String,
    /// The sentence that proves it.
    pub evidence: Option<String>,
    /// The evidence's local date.
    pub evidence_date: Option<String>,
    /// Confidence in percent.
    pub confidence: u32,
    /// The command that applies it.
    pub accept: String,
    /// The command that rejects it.
    pub reject: String,
    /// One-click links to the web board, when `[web] public-url` is set.
    pub links: Option<DecisionLinks>,
}

/// An open deal whose customer has not answered our last message.
#[derive(Debug, Clone)]
pub struct QuietItem {
    /// Opportunity id.
    pub id: i64,
    /// Customer.
    pub customer: String,
    /// Title.
    pub title: String,
    /// Amount.
    pub amount: Option<Money>,
    /// Days since our last message.
    pub days: i64,
    /// Local date of our last message.
    pub since: String,
}

/// An on-hold deal to revisit in the coming week.
#[derive(Debug, Clone)]
pub struct RevisitItem {
    /// Opportunity id.
    pub id: i64,
    /// Customer.
    pub customer: String,
    /// Title.
    pub title: String,
    /// Amount.
    pub amount: Option<Money>,
    /// Revisit date.
    pub on: String,
}

/// An opportunity first seen this week.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// Opportunity id.
    pub id: i64,
    /// Customer.
    pub customer: String,
    /// Title.
    pub title: String,
    /// Amount.
    pub amount: Option<Money>,
    /// `quote` (we sent one) or `rfq` (they asked).
    pub origin: &'static str,
    /// Local date first seen.
    pub seen: String,
}

/// A deal closed this week.
#[derive(Debug, Clone)]
pub struct ClosedItem {
    /// Opportunity id.
    pub id: i64,
    /// Customer.
    pub customer: String,
    /// Title.
    pub title: String,
    /// Amount.
    pub amount: Option<Money>,
    /// `won`, `lost` or `vanished`.
    pub state: &'static str,
    /// Local date closed.
    pub on: String,
}

/// Counts and amounts of one closure this week.
#[derive(Debug, Clone)]
pub struct ClosedTotal {
    /// `won`, `lost` or `vanished`.
    pub state: &'static str,
    /// How many.
    pub count: usize,
    /// Their amounts per currency.
    pub amount: String,
}

/// Win and vanished rates over the last [`RATE_WINDOW_DAYS`] days.
#[derive(Debug, Clone)]
pub struct Rates {
    /// Closures in the window.
    pub closed: usize,
    /// Won among them.
    pub won: usize,
    /// Vanished among them.
    pub vanished: usize,
    /// Won / closed, in percent.
    pub win_pct: u32,
    /// Vanished / closed, in percent.
    pub vanished_pct: u32,
}

/// Section 5: closed this week, and the rates.
#[derive(Debug, Clone, Default)]
pub struct Closed {
    /// The deals.
    pub items: Vec<ClosedItem>,
    /// Per closure.
    pub totals: Vec<ClosedTotal>,
    /// The rates, when anything closed in the window.
    pub rates: Option<Rates>,
}

/// A follow-up meeting ahead. Filled by the calendar's hook ([`Digest::with_meetings`]).
#[derive(Debug, Clone)]
pub struct MeetingItem {
    /// Local date and time.
    pub when: String,
    /// Customer.
    pub customer: String,
    /// What it is about.
    pub title: String,
}

/// The open pipeline in one currency.
#[derive(Debug, Clone)]
pub struct PipelineRow {
    /// Currency (`—` for opportunities without an amount).
    pub currency: String,
    /// Open: count.
    pub open_count: usize,
    /// Open: value.
    pub open_value: String,
    /// On hold: count.
    pub on_hold_count: usize,
    /// On hold: value.
    pub on_hold_value: String,
    /// Both: value.
    pub total_value: String,
    /// Raw values for the chart: (open, on hold).
    pub raw: (f64, f64),
}

/// A digest, ready to render.
#[derive(Debug, Clone)]
pub struct Digest {
    /// The `[digests.NAME]` name.
    pub name: String,
    /// "Now".
    pub as_of: DateTime<Utc>,
    /// Local date and time of "now", for the heading.
    pub as_of_local: String,
    /// Start of "this week" (7 days before `as_of`), local date.
    pub week_from: String,
    /// Time zone name.
    pub timezone: String,
    /// Accounts covered (None: all).
    pub accounts: Option<Vec<String>>,
    /// Decisions waiting.
    pub decisions: Vec<DecisionItem>,
    /// Deals gone quiet, by amount.
    pub quiet: Vec<QuietItem>,
    /// On-hold deals to revisit in the coming week.
    pub revisits: Vec<RevisitItem>,
    /// New opportunities this week.
    pub new: Vec<NewItem>,
    /// Closed this week and the rates.
    pub closed: Closed,
    /// Follow-up meetings ahead.
    pub meetings: Vec<MeetingItem>,
    /// The open pipeline by currency and state.
    pub pipeline: Vec<PipelineRow>,
}

impl Digest {
    /// Whether no section has anything to say.
    pub fn is_empty(&self) -> bool {
        self.decisions.is_empty()
            && self.quiet.is_empty()
            && self.revisits.is_empty()
            && self.new.is_empty()
            && self.closed.items.is_empty()
            && self.closed.rates.is_none()
            && self.meetings.is_empty()
            && self.pipeline.is_empty()
    }

    /// Adds the follow-up meetings ahead (the calendar's hook).
    pub fn with_meetings(mut self, meetings: Vec<MeetingItem>) -> Digest {
        self.meetings = meetings
            .into_iter()
            .map(|m| MeetingItem {
                when: line(&m.when),
                customer: line(&m.customer),
                title: line(&m.title),
            })
            .collect();
        self
    }
}

/// The amount shown for an item: the money, or `—`.
pub fn amount_text(m: &Option<Money>) -> String {
    m.as_ref()
        .map(Money::to_string)
        .unwrap_or_else(|| "—".to_string())
}

macro_rules! amount_method {
    ($($t:ty),*) => {$(
        impl $t {
            /// The amount as shown, or `—`.
            pub fn amount_text(&self) -> String {
                amount_text(&self.amount)
            }
        }
    )*};
}

amount_method!(DecisionItem, QuietItem, RevisitItem, NewItem, ClosedItem);

fn line(s: &str) -> String {
    header_safe(s, MAX_LINE)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A stored date (RFC 3339 or `YYYY-MM-DD`) as a local date.
fn local_date(s: &str, tz: Tz) -> String {
    if let Some(t) = parse_time(s) {
        return t.with_timezone(&tz).format("%Y-%m-%d").to_string();
    }
    header_safe(s, 25)
}

fn label(s: State) -> &'static str {
    match s {
        State::Open => "open",
        State::OnHold => "on hold",
        State::Won => "won",
        State::Lost => "lost",
        State::Vanished => "vanished",
    }
}

fn by_amount_desc(a: &Option<Money>, b: &Option<Money>) -> std::cmp::Ordering {
    let v = |m: &Option<Money>| m.as_ref().map(|m| m.value).unwrap_or(f64::NEG_INFINITY);
    v(b).total_cmp(&v(a))
}

/// Days our last real message has waited for a customer answer, with its date.
fn silence(msgs: &[MessageRow], now: DateTime<Utc>) -> Option<(i64, DateTime<Utc>)> {
    let ours = msgs
        .iter()
        .filter(|m| m.direction == "outbound" && m.auto_kind == "none")
        .filter_map(|m| parse_time(m.date.as_deref()?))
        .filter(|d| *d <= now)
        .max()?;
    let answered = msgs.iter().any(|m| {
        m.direction == "inbound"
            && m.auto_kind == "none"
            && m.date
                .as_deref()
                .and_then(parse_time)
                .is_some_and(|d| d > ours && d <= now)
    });
    (!answered).then(|| (now.signed_duration_since(ours).num_days(), ours))
}

/// Computes the digest at `now`.
pub fn build(
    store: &Store,
    spec: &DigestSpec,
    rules: ProposalRules,
    now: DateTime<Utc>,
) -> Result<Digest, DigestError> {
    let tz = spec.timezone;
    let week_from = now - Duration::days(7);
    let today = now.with_timezone(&tz).date_naive();
    let mut d = Digest {
        name: line(&spec.name),
        as_of: now,
        as_of_local: now.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        week_from: week_from.with_timezone(&tz).format("%Y-%m-%d").to_string(),
        timezone: tz.name().to_string(),
        accounts: spec.accounts.clone(),
        decisions: Vec::new(),
        quiet: Vec::new(),
        revisits: Vec::new(),
        new: Vec::new(),
        closed: Closed::default(),
        meetings: Vec::new(),
        pipeline: Vec::new(),
    };
    let mut pipeline: BTreeMap<String, [(usize, f64); 2]> = BTreeMap::new();
    for opp in store.opportunities()? {
        let first_seen = parse_time(&opp.first_seen);
        if first_seen.is_some_and(|t| t > now) {
            continue; // not yet known at `now`
        }
        if let Some(accounts) = &spec.accounts {
            // A salesperson's digest covers the deals seen in their accounts' mail.
            let sources = store.opportunity_sources(opp.id)?;
            if !sources.iter().any(|s| accounts.contains(s)) {
                continue;
            }
        }
        let msgs = store.opportunity_messages(opp.id)?;
        let rejected = store.rejections(opp.id)?;
        let state = State::parse(&opp.state).unwrap_or(State::Open);
        let amount = money(opp.amount, &opp.currency);
        let proposal = pipeline::propose(&opp, &msgs, &rejected, now, rules);
        if let Some(p) = &proposal {
            d.decisions
                .push(decision(&opp, state, p, amount.clone(), tz));
        }
        if first_seen.is_some_and(|t| t > week_from) {
            d.new.push(NewItem {
                id: opp.id,
                customer: line(&opp.customer),
                title: line(&opp.title),
                amount: amount.clone(),
                origin: if opp.created_from == "rfq" {
                    "request"
                } else {
                    "quote"
                },
                seen: local_date(&opp.first_seen, tz),
            });
        }
        match state {
            State::Open if proposal.is_none() => {
                if let Some((days, since)) =
                    silence(&msgs, now).filter(|(d, _)| *d >= QUIET_AFTER_DAYS)
                {
                    d.quiet.push(QuietItem {
                        id: opp.id,
                        customer: line(&opp.customer),
                        title: line(&opp.title),
                        amount: amount.clone(),
                        days,
                        since: since.with_timezone(&tz).format("%Y-%m-%d").to_string(),
                    });
                }
            }
            State::OnHold => {
                let on = opp
                    .revisit_on
                    .as_deref()
                    .and_then(|r| NaiveDate::parse_from_str(r, "%Y-%m-%d").ok());
                if let Some(on) = on.filter(|on| *on >= today && *on < today + Duration::days(7)) {
                    d.revisits.push(RevisitItem {
                        id: opp.id,
                        customer: line(&opp.customer),
                        title: line(&opp.title),
                        amount: amount.clone(),
                        on: on.to_string(),
                    });
                }
            }
            _ => {}
        }
        if !state.is_closed() {
            let slot = usize::from(state == State::OnHold);
            let key = amount
                .as_ref()
                .map(|m| m.currency.clone())
                .unwrap_or_else(|| "—".to_string());
            let e = &mut pipeline.entry(key).or_default()[slot];
            e.0 += 1;
            e.1 += amount.as_ref().map(|m| m.value).unwrap_or(0.0);
        }
    }
    d.decisions
        .sort_by(|a, b| by_amount_desc(&a.amount, &b.amount).then(a.id.cmp(&b.id)));
    d.quiet
        .sort_by(|a, b| by_amount_desc(&a.amount, &b.amount).then(b.days.cmp(&a.days)));
    d.revisits
        .sort_by(|a, b| a.on.cmp(&b.on).then(a.id.cmp(&b.id)));
    d.new
        .sort_by(|a, b| a.seen.cmp(&b.seen).then(a.id.cmp(&b.id)));
    d.closed = closed(store, now, tz)?;
    d.pipeline = pipeline
        .into_iter()
        .map(|(currency, [open, hold])| {
            let fmt = |v: f64| {
                if currency == "—" {
                    "—".to_string()
                } else {
                    Money {
                        value: v,
                        currency: currency.clone(),
                    }
                    .to_string()
                }
            };
            PipelineRow {
                open_count: open.0,
                open_value: fmt(open.1),
                on_hold_count: hold.0,
                on_hold_value: fmt(hold.1),
                total_value: fmt(open.1 + hold.1),
                raw: (open.1, hold.1),
                currency: currency.clone(),
            }
        })
        .collect();
    let meetings = upcoming_meetings(store, now, tz)?;
    Ok(d.with_meetings(meetings))
}

fn decision(
    opp: &OpportunityRow,
    state: State,
    p: &pipeline::Proposal,
    amount: Option<Money>,
    tz: Tz,
) -> DecisionItem {
    DecisionItem {
        id: opp.id,
        customer: line(&opp.customer),
        title: line(&opp.title),
        amount,
        current: label(state),
        proposed: label(p.state),
        reason: header_safe(&p.reason, MAX_EVIDENCE),
        evidence: p
            .evidence
            .as_deref()
            .map(|e| header_safe(e, MAX_EVIDENCE))
            .filter(|e| !e.is_empty()),
        evidence_date: p.evidence_date.as_deref().map(|e| local_date(e, tz)),
        confidence: (p.confidence.clamp(0.0, 1.0) * 100.0).round() as u32,
        accept: format!("dealwatch accept {}", opp.id),
        reject: format!("dealwatch reject {}", opp.id),
        links: None,
    }
}

/// A waiting decision's links to the board: signed confirmation pages, and the deal page.
#[derive(Debug, Clone)]
pub struct DecisionLinks {
    /// Confirms accepting the proposal.
    pub accept: String,
    /// Confirms rejecting it.
    pub reject: String,
    /// The deal's page (needs a login).
    pub open: String,
}

impl Digest {
    /// Adds one-click links to every waiting decision: signed for this digest (its readers)
    /// and the deal, valid until `expires`.
    pub fn with_links(
        mut self,
        base: &str,
        signer: &super::links::LinkSigner,
        expires: DateTime<Utc>,
    ) -> Digest {
        use super::links::LinkAction;
        let base = base.trim_end_matches('/');
        let exp = expires.timestamp();
        for d in &mut self.decisions {
            d.links = Some(DecisionLinks {
                accept: format!(
                    "{base}{}",
                    signer.path(&self.name, d.id, LinkAction::Accept, exp)
                ),
                reject: format!(
                    "{base}{}",
                    signer.path(&self.name, d.id, LinkAction::Reject, exp)
                ),
                open: format!("{base}/deal/{}", d.id),
            });
        }
        self
    }
}

fn closed(store: &Store, now: DateTime<Utc>, tz: Tz) -> Result<Closed, DigestError> {
    let week = store.closures_between(now - Duration::days(7), now + Duration::seconds(1))?;
    let window = store.closures_between(
        now - Duration::days(RATE_WINDOW_DAYS),
        now + Duration::seconds(1),
    )?;
    let state_of = |s: &str| match s {
        "won" => "won",
        "lost" => "lost",
        _ => "vanished",
    };
    let items: Vec<ClosedItem> = week
        .iter()
        .map(|c| ClosedItem {
            id: c.opportunity,
            customer: line(&c.customer),
            title: line(&c.title),
            amount: money(c.amount, &c.currency),
            state: state_of(&c.state),
            on: local_date(&c.at, tz),
        })
        .collect();
    let totals = ["won", "lost", "vanished"]
        .into_iter()
        .filter_map(|s| {
            let of: Vec<&ClosedItem> = items.iter().filter(|i| i.state == s).collect();
            (!of.is_empty()).then(|| ClosedTotal {
                state: s,
                count: of.len(),
                amount: sums(of.iter().filter_map(|i| i.amount.clone())),
            })
        })
        .collect();
    let rates = (!window.is_empty()).then(|| {
        let closed = window.len();
        let won = window.iter().filter(|c| c.state == "won").count();
        let vanished = window.iter().filter(|c| c.state == "vanished").count();
        let pct = |n: usize| ((n as f64) * 100.0 / (closed as f64)).round() as u32;
        Rates {
            closed,
            won,
            vanished,
            win_pct: pct(won),
            vanished_pct: pct(vanished),
        }
    });
    Ok(Closed {
        items,
        totals,
        rates,
    })
}

/// Follow-up meetings still ahead at `now`, in local time.
fn upcoming_meetings(
    store: &Store,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<MeetingItem>, DigestError> {
    let mut out = Vec::new();
    for m in store.meetings()? {
        if m.meeting.state != "scheduled" {
            continue;
        }
        let Some(start) = parse_time(&m.meeting.start_at) else {
            continue;
        };
        if start < now {
            continue;
        }
        out.push(MeetingItem {
            when: start
                .with_timezone(&tz)
                .format("%a %Y-%m-%d %H:%M")
                .to_string(),
            customer: m.customer,
            title: m.title,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        let m = |v: f64, c: &str| {
            Money {
                value: v,
                currency: c.to_string(),
            }
            .to_string()
        };
        assert_eq!(m(8450.0, "EUR"), "8,450.00 EUR");
        assert_eq!(m(1234567.891, "USD"), "1,234,567.89 USD");
        assert_eq!(m(12.5, ""), "12.50");
        assert_eq!(m(-999.0, "EUR"), "-999.00 EUR");
    }

    #[test]
    fn sums_per_currency() {
        let items = vec![
            Money {
                value: 10.0,
                currency: "EUR".into(),
            },
            Money {
                value: 5.0,
                currency: "USD".into(),
            },
            Money {
                value: 2.5,
                currency: "EUR".into(),
            },
        ];
        assert_eq!(sums(items.into_iter()), "12.50 EUR + 5.00 USD");
        assert_eq!(sums(std::iter::empty()), "—");
    }

    /// A digest restricted to some accounts covers only the deals read from them.
    #[tokio::test]
    async fn accounts_restrict_the_digest() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/mailbox");
        let mut store = Store::open_in_memory().expect("store");
        let identity = crate::config::Identity {
            addresses: vec!["camille.rouviere@ventilaire.example".into()],
            domains: vec!["ventilaire.example".into()],
        };
        let now = DateTime::parse_from_rfc3339("2026-06-01T08:00:00Z")
            .expect("date")
            .with_timezone(&Utc);
        let mut src = crate::source::maildir::MaildirSource::open(&dir, 1 << 24).expect("maildir");
        let opts = crate::ingest::ScanOptions {
            identity: &identity,
            free_mail: &[],
            source_name: "sales",
            now,
            progress: false,
            parse_thread: false,
            warm_patterns: false,
        };
        crate::ingest::scan(&mut src, &mut store, &opts)
            .await
            .expect("scan");
        let spec = |accounts: Option<Vec<String>>| DigestSpec {
            name: "t".into(),
            to: vec!["x@y.example".into()],
            accounts,
            schedule: "mon 08:00".into(),
            timezone: chrono_tz::UTC,
        };
        let rules = ProposalRules { quiet_days: 30 };
        let all = build(&store, &spec(None), rules, now).expect("digest");
        let mine = build(&store, &spec(Some(vec!["sales".into()])), rules, now).expect("digest");
        let other = build(&store, &spec(Some(vec!["support".into()])), rules, now).expect("digest");
        assert!(!all.decisions.is_empty());
        assert_eq!(mine.decisions.len(), all.decisions.len());
        assert!(other.decisions.is_empty() && other.pipeline.is_empty());
    }
}
