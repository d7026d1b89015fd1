//! What the read-only commands print: the opportunities table and JSON, one opportunity's
//! timeline, the sync status.

use anyhow::Result;
use serde::Serialize;

use super::{ListArgs, SortBy};
use crate::ops::{Context, Listed, collect, proposal_for};
use crate::pipeline::{Proposal, State};
use crate::store::{OpportunityRow, Store};

/// One opportunity as `opportunities --json` prints it.
#[derive(Debug, Serialize)]
pub struct OpportunityJson {
    /// Id.
    pub id: i64,
    /// Title (the quote's or request's subject).
    pub title: String,
    /// Recorded state.
    pub state: &'static str,
    /// What dealwatch proposes, if anything.
    pub proposal: Option<ProposalJson>,
    /// Customer organisation (domain, or address for free mail).
    pub customer: String,
    /// Customer contacts.
    pub contacts: Vec<String>,
    /// Our quote reference.
    pub quote_ref: Option<String>,
    /// Quote total.
    pub amount: Option<f64>,
    /// ISO 4217 currency.
    pub currency: Option<String>,
    /// Every linked Message-ID, with angle brackets.
    pub message_ids: Vec<String>,
    /// First message.
    pub first_seen: String,
    /// Last customer message.
    pub last_inbound_at: Option<String>,
    /// Last message of ours.
    pub last_outbound_at: Option<String>,
    /// Revisit date for on-hold opportunities.
    pub revisit_on: Option<String>,
}

/// A proposal in JSON.
#[derive(Debug, Serialize)]
pub struct ProposalJson {
    /// Proposed state.
    pub state: &'static str,
    /// Why, in one sentence.
    pub reason: String,
    /// 0..1.
    pub confidence: f32,
    /// Evidence Message-ID.
    pub evidence_message_id: Option<String>,
    /// Evidence sentence.
    pub evidence: Option<String>,
    /// Evidence date.
    pub evidence_date: Option<String>,
    /// Revisit date (on hold).
    pub revisit_on: Option<String>,
}

impl From<&Proposal> for ProposalJson {
    fn from(p: &Proposal) -> Self {
        ProposalJson {
            state: p.state.as_str(),
            reason: p.reason.clone(),
            confidence: (p.confidence * 100.0).round() / 100.0,
            evidence_message_id: p.evidence_message_id.clone(),
            evidence: p.evidence.clone(),
            evidence_date: p.evidence_date.clone(),
            revisit_on: p.revisit_on.map(|d| d.to_string()),
        }
    }
}

/// The last date a deal had mail (ours or the customer's), else its first.
fn last_activity(o: &OpportunityRow) -> &str {
    [&o.last_inbound_at, &o.last_outbound_at]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .max()
        .unwrap_or(&o.first_seen)
}

/// The rows `args` asks for, in its order.
pub fn select(rows: Vec<Listed>, args: &ListArgs) -> Vec<Listed> {
    let state = args.state.map(State::from);
    let customer = args.customer.as_deref().map(str::to_lowercase);
    let since = args.since.map(|d| d.to_string());
    let mut rows: Vec<Listed> = rows
        .into_iter()
        .filter(|l| state.is_none_or(|f| l.effective() == f))
        .filter(|l| {
            customer.as_deref().is_none_or(|c| {
                l.opp.customer.to_lowercase().contains(c)
                    || l.opp.contacts.iter().any(|a| a.to_lowercase().contains(c))
            })
        })
        .filter(|l| since.as_deref().is_none_or(|d| last_activity(&l.opp) >= d))
        .collect();
    match args.sort {
        SortBy::Id => rows.sort_by_key(|l| l.opp.id),
        SortBy::Amount => rows.sort_by(|a, b| {
            let key = |l: &Listed| l.opp.amount.unwrap_or(f64::NEG_INFINITY);
            key(b).total_cmp(&key(a)).then(a.opp.id.cmp(&b.opp.id))
        }),
        SortBy::Activity => rows.sort_by(|a, b| {
            last_activity(&b.opp)
                .cmp(last_activity(&a.opp))
                .then(a.opp.id.cmp(&b.opp.id))
        }),
        SortBy::Customer => rows.sort_by(|a, b| {
            a.opp
                .customer
                .to_lowercase()
                .cmp(&b.opp.customer.to_lowercase())
                .then(a.opp.id.cmp(&b.opp.id))
        }),
    }
    if let Some(n) = args.limit {
        rows.truncate(n);
    }
    rows
}

/// `opportunities`.
pub fn list(ctx: &Context, args: &ListArgs) -> Result<()> {
    let store = ctx.read_store()?;
    let rows = select(collect(ctx, &store)?, args);
    if args.json {
        let items: Vec<OpportunityJson> = rows
            .into_iter()
            .map(
                |Listed {
                     opp: o,
                     proposal: p,
                     message_ids: ids,
                     ..
                 }| OpportunityJson {
                    id: o.id,
                    state: State::parse(&o.state).unwrap_or(State::Open).as_str(),
                    proposal: p.as_ref().map(ProposalJson::from),
                    title: o.title,
                    customer: o.customer,
                    contacts: o.contacts,
                    quote_ref: o.quote_ref,
                    amount: o.amount,
                    currency: o.currency,
                    message_ids: ids,
                    first_seen: o.first_seen,
                    last_inbound_at: o.last_inbound_at,
                    last_outbound_at: o.last_outbound_at,
                    revisit_on: o.revisit_on,
                },
            )
            .collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    print_rows(&rows, args.wide);
    Ok(())
}

fn money(amount: Option<f64>, currency: &Option<String>) -> String {
    match amount {
        Some(a) => format!("{a:.2} {}", currency.as_deref().unwrap_or("")),
        None => "-".to_string(),
    }
}

fn cut(s: &str, n: usize) -> String {
    if n == 0 || s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Prints the opportunities table of every deal (the demo's).
pub fn print_table(ctx: &Context, store: &Store) -> Result<()> {
    print_rows(&collect(ctx, store)?, false);
    Ok(())
}

/// Prints rows as a table; `wide` cuts nothing.
fn print_rows(rows: &[Listed], wide: bool) {
    // Column widths; 0 = as long as it is.
    let w = |n: usize| if wide { 0 } else { n };
    println!(
        "{:>4}  {:<9} {:<22} {:<26} {:<30} {:>14}",
        "ID", "STATE", "PROPOSAL", "CUSTOMER", "TITLE", "AMOUNT"
    );
    for l in rows {
        let (o, p) = (&l.opp, &l.proposal);
        let proposal = match p {
            Some(p) => match p.revisit_on {
                Some(d) if p.state == State::OnHold => format!("{} until {d}", p.state.as_str()),
                _ => format!("{} ({:.0}%)", p.state.as_str(), p.confidence * 100.0),
            },
            None if l.rejected > 0 => "- (you rejected one)".to_string(),
            None => "-".to_string(),
        };
        println!(
            "{:>4}  {:<9} {:<22} {:<26} {:<30} {:>14}",
            o.id,
            o.state,
            cut(&proposal, w(22)),
            cut(&o.customer, w(26)),
            cut(&o.title, w(30)),
            money(o.amount, &o.currency)
        );
        if let Some(p) = p {
            println!("      ↳ {}", cut(&p.reason, w(110)));
            if let Some(e) = &p.evidence {
                println!("        “{}”", cut(e, w(108)));
            }
        }
    }
    if rows.is_empty() {
        println!("(no opportunities)");
    }
}

/// One message of a deal in `show --json`.
#[derive(Debug, Serialize)]
struct MessageJson {
    number: i64,
    message_id: String,
    date: Option<String>,
    direction: String,
    from: String,
    subject: String,
    linked_because: Option<String>,
}

/// One history line in `show --json`.
#[derive(Debug, Serialize)]
struct HistoryJson {
    at: String,
    from_state: String,
    to_state: String,
    reason: String,
    by: String,
    evidence_message: Option<String>,
}

/// `show ID --json`.
fn show_json(ctx: &Context, store: &Store, id: i64) -> Result<()> {
    let o = store.opportunity(id)?;
    let msgs = store.opportunity_messages(id)?;
    let proposal = proposal_for(ctx, store, id)?;
    let messages: Vec<MessageJson> = msgs
        .iter()
        .map(|m| MessageJson {
            number: m.id,
            message_id: format!("<{}>", m.message_id),
            date: m.date.clone(),
            direction: m.direction.clone(),
            from: m.from_addr.clone(),
            subject: m.subject.clone(),
            linked_because: m.link_reason.clone(),
        })
        .collect();
    let history: Vec<HistoryJson> = store
        .history(id)?
        .into_iter()
        .map(|h| HistoryJson {
            at: h.at,
            from_state: h.from_state,
            to_state: h.to_state,
            reason: h.reason,
            by: h.actor,
            evidence_message: h.evidence_message,
        })
        .collect();
    let deal = OpportunityJson {
        id: o.id,
        state: State::parse(&o.state).unwrap_or(State::Open).as_str(),
        proposal: proposal.as_ref().map(ProposalJson::from),
        title: o.title,
        customer: o.customer,
        contacts: o.contacts,
        quote_ref: o.quote_ref,
        amount: o.amount,
        currency: o.currency,
        message_ids: messages.iter().map(|m| m.message_id.clone()).collect(),
        first_seen: o.first_seen,
        last_inbound_at: o.last_inbound_at,
        last_outbound_at: o.last_outbound_at,
        revisit_on: o.revisit_on,
    };
    let out = serde_json::json!({ "deal": deal, "messages": messages, "history": history });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// `show ID`: the timeline and the history.
pub fn show(ctx: &Context, id: i64, json: bool) -> Result<()> {
    let store = ctx.read_store()?;
    if json {
        return show_json(ctx, &store, id);
    }
    let o = store.opportunity(id)?;
    println!("#{} {}", o.id, o.title);
    println!(
        "customer: {}   contacts: {}",
        o.customer,
        o.contacts.join(", ")
    );
    println!(
        "quote: {}   amount: {}   state: {}{}",
        o.quote_ref.as_deref().unwrap_or("-"),
        money(o.amount, &o.currency),
        o.state,
        o.revisit_on
            .as_deref()
            .map(|d| format!(" (revisit {d})"))
            .unwrap_or_default()
    );
    if let Some(p) = proposal_for(ctx, &store, id)? {
        println!(
            "proposal: {} ({:.0}%) — {}",
            p.state.as_str(),
            p.confidence * 100.0,
            p.reason
        );
        if let Some(e) = &p.evidence {
            println!(
                "  evidence: “{}” {}",
                e,
                p.evidence_message_id.as_deref().unwrap_or("")
            );
        }
        println!("  apply with: dealwatch accept {id}   or: dealwatch reject {id}");
    }
    println!("\ntimeline:");
    for m in store.opportunity_messages(id)? {
        let arrow = match m.direction.as_str() {
            "outbound" => "→",
            "inbound" => "←",
            "internal" => "↔",
            _ => "?",
        };
        let kind = if m.auto_kind == "none" {
            String::new()
        } else {
            format!(" [{}]", m.auto_kind)
        };
        println!(
            "  {} {} {}{} {}",
            m.date
                .as_deref()
                .map_or("????-??-??".to_string(), |d| ctx.local(d)),
            arrow,
            cut(&m.from_addr, 32),
            kind,
            cut(&m.subject, 60)
        );
        println!(
            "        message #{} <{}>, linked: {}",
            m.id,
            m.message_id,
            m.link_reason.as_deref().unwrap_or("-")
        );
        let text = m.new_text.unwrap_or_default();
        for line in text.lines().filter(|l| !l.trim().is_empty()).take(3) {
            println!("        {}", cut(line.trim(), 100));
        }
    }
    let history = store.history(id)?;
    if !history.is_empty() {
        println!("\nhistory:");
        for h in history {
            println!(
                "  {} {} → {} by {}: {}",
                ctx.local(&h.at),
                h.from_state,
                h.to_state,
                h.actor,
                h.reason
            );
        }
    }
    Ok(())
}

/// `status`: per source and folder, the last sync, the UIDs seen, the last error.
pub fn status(ctx: &Context) -> Result<()> {
    let store = ctx.read_store()?;
    let rows = store.positions()?;
    println!(
        "database: {} ({} messages)",
        ctx.db_path.display(),
        store.count_messages()?
    );
    if rows.is_empty() {
        println!("no IMAP folder synced yet");
    }
    for r in rows {
        println!(
            "{}/{}: uidvalidity {} last uid {} ({} messages); last sync {}; {}",
            r.account,
            r.folder,
            r.uid_validity,
            r.last_uid,
            r.messages_seen,
            r.last_sync_at.as_deref().unwrap_or("never"),
            r.last_error
                .map(|e| format!("last error: {e}"))
                .unwrap_or_else(|| "ok".into())
        );
    }
    for line in crate::digest::run::status_lines(&store)? {
        println!("{line}");
    }
    Ok(())
}
