//! `meetings` lists the follow-up meetings (or prints one invitation's iCalendar text);
//! `schedule` schedules or moves one.

use anyhow::{Result, bail};
use chrono::DateTime;

use crate::ops::Context;

/// `meetings [--ics ID] [--json]`.
pub fn list(ctx: &Context, ics: Option<i64>, json: bool) -> Result<()> {
    let store = ctx.read_store()?;
    if let Some(id) = ics {
        let Some(m) = store.meeting(id)? else {
            bail!("opportunity {id} has no follow-up meeting");
        };
        print!("{}", m.ics);
        return Ok(());
    }
    let rows = store.meetings()?;
    if json {
        let out: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "opportunity": r.meeting.opportunity,
                    "title": r.title,
                    "customer": r.customer,
                    "uid": r.meeting.uid,
                    "sequence": r.meeting.sequence,
                    "start": r.meeting.start_at,
                    "end": r.meeting.end_at,
                    "state": r.meeting.state,
                    "mail": r.mail_state,
                    "caldav": r.caldav_state,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if rows.is_empty() {
        println!("no follow-up meetings");
        return Ok(());
    }
    let tz = ctx.tz();
    println!(
        "   ID  {:<26}  STATE      SEQ  MAIL      CALENDAR  DEAL",
        format!("WHEN ({tz})")
    );
    for r in rows {
        let when = DateTime::parse_from_rfc3339(&r.meeting.start_at)
            .map(|t| {
                t.with_timezone(&tz)
                    .format("%a %Y-%m-%d %H:%M %Z")
                    .to_string()
            })
            .unwrap_or_else(|_| r.meeting.start_at.clone());
        let deal = crate::smtp::header_safe(&format!("{} ({})", r.title, r.customer), 60);
        println!(
            "{:>5}  {:<26}  {:<9}  {:>3}  {:<8}  {:<8}  {}",
            r.meeting.opportunity,
            when,
            r.meeting.state,
            r.meeting.sequence,
            r.mail_state.as_deref().unwrap_or("-"),
            r.caldav_state.as_deref().unwrap_or("-"),
            deal
        );
    }
    Ok(())
}

/// `schedule ID [--at TIME]`.
pub async fn schedule(ctx: &Context, id: i64, at: Option<&str>) -> Result<()> {
    let done = crate::ops::decide::schedule(ctx, id, at).await?;
    println!("{}", done.summary);
    match done.calendar_error {
        Some(e) => bail!(e),
        None => Ok(()),
    }
}
