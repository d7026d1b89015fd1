//! The salesperson decides: accept or reject a proposal, close, hold, reopen. Every change is
//! recorded in the history with who made it. After a change the calendar reacts
//! ([`crate::calendar::on_state_change`]): a win schedules the follow-up meeting, reopening a won
//! deal cancels it, a hold with a date sets a reminder.

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;

use super::{ClosedAs, Context, proposal_for};
use crate::pipeline::{State, evidence_key};
use crate::store::Store;

/// The stored state of an opportunity.
fn current_state(store: &Store, id: i64) -> Result<State> {
    Ok(State::parse(&store.opportunity(id)?.state).unwrap_or(State::Open))
}

/// The command that retries what the calendar failed to do for a change to `to`.
fn retry_hint(id: i64, to: State, revisit_on: Option<NaiveDate>) -> String {
    match (to, revisit_on) {
        (State::Won, _) => format!("retry with `dealwatch schedule {id}`"),
        (State::OnHold, Some(d)) => format!("retry with `dealwatch hold {id} --until {d}`"),
        _ => format!(
            "retry with `dealwatch {} {id}` once the calendar is reachable",
            verb(to)
        ),
    }
}

fn verb(to: State) -> &'static str {
    match to {
        State::Open => "reopen",
        State::OnHold => "hold",
        _ => "show",
    }
}

/// Lets the calendar react to a stored change; the change stays even when this fails.
async fn after_change(
    ctx: &Context,
    store: &Store,
    id: i64,
    from: State,
    to: State,
    revisit_on: Option<NaiveDate>,
) -> Result<()> {
    let outcomes = crate::calendar::on_state_change(
        store,
        &ctx.config,
        id,
        from,
        to,
        revisit_on,
        ctx.clock.now(),
    )
    .await
    .with_context(|| {
        format!(
            "#{id} is now {}, but the calendar could not follow; {}",
            to.as_str(),
            retry_hint(id, to, revisit_on)
        )
    })?;
    let mut failed = false;
    for o in &outcomes {
        println!("{o}");
        failed |= o.failed();
    }
    if failed {
        bail!(
            "#{id} is now {}, but a calendar delivery failed; {}",
            to.as_str(),
            retry_hint(id, to, revisit_on)
        );
    }
    Ok(())
}

/// `accept ID`: applies the current proposal.
pub async fn accept(ctx: &Context, id: i64) -> Result<()> {
    let mut store = ctx.store()?;
    let from = current_state(&store, id)?;
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
    let revisit = p.revisit_on.filter(|_| p.state == State::OnHold);
    after_change(ctx, &store, id, from, p.state, revisit).await
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
pub async fn close(
    ctx: &Context,
    id: i64,
    state: ClosedAs,
    reason: Option<String>,
    competitor: Option<String>,
) -> Result<()> {
    let mut store = ctx.store()?;
    let from = current_state(&store, id)?;
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
    after_change(ctx, &store, id, from, to, None).await
}

/// `--until`: a date (YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY) or words the detector reads in mail
/// ("next month", "september", "in 3 weeks", "Q3", "après l'été", "nach Ostern"), resolved
/// against `now`; it must be after today.
pub fn parse_until(s: &str, now: chrono::DateTime<chrono::Utc>) -> Result<NaiveDate> {
    let today = now.date_naive();
    let t = s.trim();
    let date = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .or_else(|| crate::detect::closure::resolve_date(t, now.fixed_offset()))
        // A month name alone ("september", "März") reads as "in September".
        .or_else(|| crate::detect::closure::resolve_date(&format!("in {t}"), now.fixed_offset()));
    match date {
        Some(d) if d > today => Ok(d),
        Some(d) => bail!("--until {t:?} is {d}, not after today ({today})"),
        None => bail!(
            "--until {t:?} is not a date: use YYYY-MM-DD (2027-03-01) or words such as \"next month\", \"september\", \"in 3 weeks\", \"Q3\""
        ),
    }
}

/// `hold ID [--until DATE]`.
pub async fn hold(ctx: &Context, id: i64, until: Option<&str>) -> Result<()> {
    let until = until.map(|u| parse_until(u, ctx.clock.now())).transpose()?;
    let mut store = ctx.store()?;
    let from = current_state(&store, id)?;
    let date = until;
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
    after_change(ctx, &store, id, from, State::OnHold, date).await
}

/// `reopen ID`.
pub async fn reopen(ctx: &Context, id: i64) -> Result<()> {
    let mut store = ctx.store()?;
    let from = current_state(&store, id)?;
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
    after_change(ctx, &store, id, from, State::Open, None).await
}

/// `auto-close = true`: applies every proposal at or above `auto-close-confidence` as the
/// salesperson would with `accept`, recorded in the history as done by "auto-close".
/// Returns how many were applied.
pub async fn auto_close(ctx: &Context, store: &mut Store) -> Result<usize> {
    if !ctx.config.detect.auto_close {
        return Ok(0);
    }
    let threshold = ctx.config.detect.auto_close_confidence;
    let mut applied = 0;
    for listed in super::output::collect(ctx, store)? {
        let Some(p) = listed.proposal else { continue };
        if f64::from(p.confidence) < threshold {
            continue;
        }
        let id = listed.opp.id;
        let from = State::parse(&listed.opp.state).unwrap_or(State::Open);
        let revisit = p.revisit_on.filter(|_| p.state == State::OnHold);
        let revisit_text = revisit.map(|d| d.to_string());
        store.set_state(
            id,
            p.state.as_str(),
            revisit_text.as_deref(),
            &p.reason,
            "auto-close",
            p.evidence_message_id.as_deref(),
            ctx.clock.now(),
        )?;
        tracing::info!(
            opportunity = id,
            state = p.state.as_str(),
            confidence = p.confidence,
            "auto-closed"
        );
        if let Err(e) = after_change(ctx, store, id, from, p.state, revisit).await {
            tracing::warn!(opportunity = id, error = %format!("{e:#}"), "calendar did not follow the auto-close");
        }
        applied += 1;
    }
    Ok(applied)
}
