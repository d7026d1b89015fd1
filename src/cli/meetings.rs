//! `meetings` lists the follow-up meetings (or prints one invitation's iCalendar text);
//! `schedule` schedules or moves one.

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use crate::ops::Context;
use crate::calendar;

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
pub async fn schedule(ctx: &Context, id: i64, at: Option<&str>) -> Result<()> {
    let store = ctx.store()?;
    let rules = calendar::slot_rules(&ctx.config.followup)?;
    let at = at.map(|a| parse_at(a, rules.tz)).transpose()?;
    let outcome = calendar::schedule(&store, &ctx.config, id, at, ctx.clock.now()).await?;
    println!("{outcome}");
    if outcome.failed() {
        bail!("#{id}: a delivery failed; run `dealwatch schedule {id}` again to retry it");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
