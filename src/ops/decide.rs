//! The salesperson decides: accept or reject a proposal, close, hold, reopen. Every change is
//! recorded in the history with who made it ([`By`]). After a change the calendar reacts
//! ([`crate::calendar::on_state_change`]): a win schedules the follow-up meeting, reopening a won
//! deal cancels it, a hold with a date sets a reminder. The CLI and the web board call these
//! same functions and render the [`Decided`] they return.

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::{Context, proposal_for};
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

/// Who made a change, as the history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The command line.
    Cli,
    /// The web board.
    Web,
}

impl By {
    /// The history's actor for a decision made without a proposal.
    fn user(self) -> &'static str {
        match self {
            By::Cli => "user",
            By::Web => "web",
        }
    }

    /// The history's actor for an accepted proposal (the learner reads its evidence).
    fn proposal(self) -> &'static str {
        match self {
            By::Cli => "proposal",
            By::Web => "web",
        }
    }
}

/// What a decision did: the change, what the calendar did after it, and what failed.
#[derive(Debug, Default)]
pub struct Decided {
    /// One line: "#4: won".
    pub summary: String,
    /// What the calendar did, one line each (meeting booked, invitation sent, cancelled).
    pub outcomes: Vec<String>,
    /// The change is stored, but the calendar could not follow: why, and how to retry.
    pub calendar_error: Option<String>,
}

/// Lets the calendar react to a stored change; the change stays even when this fails.
async fn after_change(
    ctx: &Context,
    store: &Store,
    id: i64,
    from: State,
    to: State,
    revisit_on: Option<NaiveDate>,
    summary: String,
) -> Decided {
    let mut done = Decided {
        summary,
        ..Decided::default()
    };
    match crate::calendar::on_state_change(
        store,
        &ctx.config,
        id,
        from,
        to,
        revisit_on,
        ctx.clock.now(),
    )
    .await
    {
        Err(e) => {
            done.calendar_error = Some(format!(
                "#{id} is now {}, but the calendar could not follow: {e:#}; {}",
                to.as_str(),
                retry_hint(id, to, revisit_on)
            ))
        }
        Ok(outcomes) => {
            let failed = outcomes.iter().any(|o| o.failed());
            done.outcomes = outcomes.iter().map(ToString::to_string).collect();
            if failed {
                done.calendar_error = Some(format!(
                    "#{id} is now {}, but a calendar delivery failed; {}",
                    to.as_str(),
                    retry_hint(id, to, revisit_on)
                ));
            }
        }
    }
    done
}

/// `accept ID`: applies the current proposal.
pub async fn accept(ctx: &Context, id: i64, by: By) -> Result<Decided> {
    let mut store = ctx.store()?;
    let from = current_state(&store, id)?;
    let Some(p) = proposal_for(ctx, &store, id)? else {
        bail!("opportunity {id} has no proposal to accept");
    };
    let revisit = p.revisit_on.filter(|_| p.state == State::OnHold);
    let revisit_text = revisit.map(|d| d.to_string());
    store.set_state(
        id,
        p.state.as_str(),
        revisit_text.as_deref(),
        &p.reason,
        by.proposal(),
        p.evidence_message_id.as_deref(),
        ctx.clock.now(),
    )?;
    let summary = format!("#{id}: {}", p.state.as_str());
    Ok(after_change(ctx, &store, id, from, p.state, revisit, summary).await)
}

/// `reject ID`: the proposal is not made again for the same evidence.
pub fn reject(ctx: &Context, id: i64) -> Result<Decided> {
    let store = ctx.store()?;
    let Some(p) = proposal_for(ctx, &store, id)? else {
        bail!("opportunity {id} has no proposal to reject");
    };
    store.reject(id, p.state.as_str(), &evidence_key(&p), ctx.clock.now())?;
    Ok(Decided {
        summary: format!("#{id}: proposal {} rejected", p.state.as_str()),
        ..Decided::default()
    })
}

/// `close ID --as STATE` (won, lost or vanished), with an optional reason and the competitor
/// who got the order.
pub async fn close(
    ctx: &Context,
    id: i64,
    to: State,
    reason: Option<String>,
    competitor: Option<String>,
    by: By,
) -> Result<Decided> {
    if !matches!(to, State::Won | State::Lost | State::Vanished) {
        bail!(
            "a deal is closed as won, lost or vanished, not {}",
            to.as_str()
        );
    }
    let mut store = ctx.store()?;
    let from = current_state(&store, id)?;
    let mut why = reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "closed by the user".to_string());
    if let Some(c) = competitor.filter(|c| !c.trim().is_empty()) {
        why = format!("{why} (order went to {c})");
    }
    store.set_state(
        id,
        to.as_str(),
        None,
        &why,
        by.user(),
        None,
        ctx.clock.now(),
    )?;
    let summary = format!("#{id}: {}", to.as_str());
    Ok(after_change(ctx, &store, id, from, to, None, summary).await)
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
pub async fn hold(ctx: &Context, id: i64, until: Option<&str>, by: By) -> Result<Decided> {
    let until = until
        .filter(|u| !u.trim().is_empty())
        .map(|u| parse_until(u, ctx.clock.now()))
        .transpose()?;
    let mut store = ctx.store()?;
    let from = current_state(&store, id)?;
    let until_text = until.map(|d| d.to_string());
    let why = match &until_text {
        Some(d) => format!("on hold until {d}"),
        None => "on hold".to_string(),
    };
    store.set_state(
        id,
        State::OnHold.as_str(),
        until_text.as_deref(),
        &why,
        by.user(),
        None,
        ctx.clock.now(),
    )?;
    let summary = format!("#{id}: {why}");
    Ok(after_change(ctx, &store, id, from, State::OnHold, until, summary).await)
}

/// `reopen ID`.
pub async fn reopen(ctx: &Context, id: i64, by: By) -> Result<Decided> {
    let mut store = ctx.store()?;
    let from = current_state(&store, id)?;
    store.set_state(
        id,
        State::Open.as_str(),
        None,
        "reopened by the user",
        by.user(),
        None,
        ctx.clock.now(),
    )?;
    let summary = format!("#{id}: open");
    Ok(after_change(ctx, &store, id, from, State::Open, None, summary).await)
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
    for listed in super::collect(ctx, store)? {
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
        let done = after_change(ctx, store, id, from, p.state, revisit, String::new()).await;
        if let Some(e) = done.calendar_error {
            tracing::warn!(opportunity = id, error = %e, "calendar did not follow the auto-close");
        }
        applied += 1;
    }
    Ok(applied)
}

/// Parses `--at`: RFC 3339, or a local time in `tz`.
pub fn parse_at(s: &str, tz: chrono_tz::Tz) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return tz
                .from_local_datetime(&n)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .with_context(|| format!("--at {s:?} does not exist in {tz} (clock change)"));
        }
    }
    bail!("invalid --at {s:?}: expected RFC 3339 or YYYY-MM-DD HH:MM in {tz}")
}

/// `schedule ID [--at TIME]`.
pub async fn schedule(ctx: &Context, id: i64, at: Option<&str>) -> Result<Decided> {
    let store = ctx.store()?;
    let rules = crate::calendar::slot_rules(&ctx.config.followup)?;
    let at = at
        .filter(|a| !a.trim().is_empty())
        .map(|a| parse_at(a.trim(), rules.tz))
        .transpose()?;
    let outcome = crate::calendar::schedule(&store, &ctx.config, id, at, ctx.clock.now()).await?;
    Ok(Decided {
        summary: outcome.to_string(),
        outcomes: Vec::new(),
        calendar_error: outcome.failed().then(|| {
            format!("#{id}: a delivery failed; run `dealwatch schedule {id}` again to retry it")
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_at;

    #[test]
    fn at_is_read_in_the_followup_zone() {
        let tz: chrono_tz::Tz = "Europe/Paris".parse().unwrap();
        let t = parse_at("2026-03-30 09:00", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-30T07:00:00+00:00");
        assert!(parse_at("2026-03-29 02:30", tz).is_err());
        assert!(parse_at("tomorrow", tz).is_err());
        assert_eq!(
            parse_at("2026-01-05T10:00:00Z", tz).unwrap().to_rfc3339(),
            "2026-01-05T10:00:00+00:00"
        );
    }
}
