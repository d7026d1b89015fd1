//! The salesperson decides: accept or reject a proposal, close, hold, reopen. Every change is
//! recorded in the history with who made it.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::{ClosedAs, Context, proposal_for};
use crate::pipeline::{State, evidence_key};

/// `accept ID`: applies the current proposal.
pub fn accept(ctx: &Context, id: i64) -> Result<()> {
    let mut store = ctx.store()?;
    let Some(p) = proposal_for(ctx, &store, id)? else {
        bail!("opportunity {id} has no proposal to accept");
    };
    let revisit = p
        .revisit_on
        .filter(|_| p.state == State::OnHold)
        .map(|d| d.to_string());
    store.set_state(
        id,
        p.state.as_str(),
        revisit.as_deref(),
        &p.reason,
        "proposal",
        p.evidence_message_id.as_deref(),
        ctx.clock.now(),
    )?;
    println!("#{id}: {}", p.state.as_str());
    Ok(())
}

/// `reject ID`: the proposal is not made again for the same evidence.
pub fn reject(ctx: &Context, id: i64) -> Result<()> {
    let store = ctx.store()?;
    let Some(p) = proposal_for(ctx, &store, id)? else {
        bail!("opportunity {id} has no proposal to reject");
    };
    store.reject(id, p.state.as_str(), &evidence_key(&p), ctx.clock.now())?;
    println!("#{id}: proposal {} rejected", p.state.as_str());
    Ok(())
}

/// `close ID --as STATE`.
pub fn close(
    ctx: &Context,
    id: i64,
    state: ClosedAs,
    reason: Option<String>,
    competitor: Option<String>,
) -> Result<()> {
    let mut store = ctx.store()?;
    let to = match state {
        ClosedAs::Won => State::Won,
        ClosedAs::Lost => State::Lost,
        ClosedAs::Vanished => State::Vanished,
    };
    let mut why = reason.unwrap_or_else(|| "closed by the user".to_string());
    if let Some(c) = competitor {
        why = format!("{why} (order went to {c})");
    }
    store.set_state(id, to.as_str(), None, &why, "user", None, ctx.clock.now())?;
    println!("#{id}: {}", to.as_str());
    Ok(())
}

/// `hold ID [--until DATE]`.
pub fn hold(ctx: &Context, id: i64, until: Option<NaiveDate>) -> Result<()> {
    let mut store = ctx.store()?;
    let until = until.map(|d| d.to_string());
    let why = match &until {
        Some(d) => format!("on hold until {d}"),
        None => "on hold".to_string(),
    };
    store.set_state(
        id,
        State::OnHold.as_str(),
        until.as_deref(),
        &why,
        "user",
        None,
        ctx.clock.now(),
    )?;
    println!("#{id}: {why}");
    Ok(())
}

/// `reopen ID`.
pub fn reopen(ctx: &Context, id: i64) -> Result<()> {
    let mut store = ctx.store()?;
    store.set_state(
        id,
        State::Open.as_str(),
        None,
        "reopened by the user",
        "user",
        None,
        ctx.clock.now(),
    )?;
    println!("#{id}: open");
    Ok(())
}
