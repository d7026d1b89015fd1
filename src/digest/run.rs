//! Recording and sending digests: what the daemon's timer calls ([`run_due`]), and the manual
//! commands ([`send_now`], [`resend`]).
//!
//! # Delivery: at most once per digest and week
//!
//! Each scheduled digest is rendered once and recorded **before** any attempt, keyed by its
//! name and week (`pending`; a unique index makes a second record for the same week
//! impossible). An attempt first moves it to `sending` in the database, then talks SMTP, then
//! records the outcome:
//!
//! - `sent`: the server answered 250 to the message; nothing more happens.
//! - `retry`: the server or the connection reported an error. SMTP gives the server
//!   responsibility for a message only when it answers 250 after the data (RFC 5321 §4.1.1.4),
//!   so the send is known not to have happened; it is retried with exponential backoff
//!   ([`backoff`]) while the digest's week lasts, then marked `failed` (or `expired` when the
//!   next week's digest is due). Retries reuse the same Message-ID, so in the rare case of a
//!   250 lost on the way back, mail clients show the duplicate as the same message.
//! - a record still `sending` after [`STALE_SENDING_MINUTES`] means dealwatch stopped in the
//!   middle of an attempt: whether the server accepted the message is unknown, so it becomes
//!   `unknown` and is **not** retried. This is the at-most-once choice: a missing digest is
//!   visible (`dealwatch status` lists it, `dealwatch digest --resend ID` sends it again),
//!   a duplicate weekly report would train the salesperson to ignore it.
//!
//! Every digest, sent or not, stays in the database with its bodies and can be resent.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::model::{self, DigestSpec};
use super::schedule::{self, Schedule};
use super::{DigestError, Rendered, message, new_message_id, render_mail};
use crate::config::{Config, SmtpConfig};
use crate::pipeline::ProposalRules;
use crate::store::Store;
use crate::store::digest::{DigestRow, NewDigest};

/// Minutes after which an attempt still marked `sending` is taken as interrupted.
pub const STALE_SENDING_MINUTES: i64 = 10;

/// Delivery status of a recorded digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Recorded, not tried yet.
    Pending,
    /// An attempt is in progress (or was interrupted).
    Sending,
    /// The server accepted it.
    Sent,
    /// The last attempt failed; another follows after `next_attempt_at`.
    Retry,
    /// Given up after a permanent error (a scheduled digest that only meets a server down is
    /// retried as long as its week lasts, then `expired`).
    Failed,
    /// Interrupted during an attempt: maybe delivered; not retried automatically.
    Unknown,
    /// Its week passed before it could be sent.
    Expired,
}

impl Status {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Retry => "retry",
            Status::Failed => "failed",
            Status::Unknown => "unknown",
            Status::Expired => "expired",
        }
    }
}

/// The wait before attempt `attempts + 1`: 1, 2, 4 ... minutes, at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = attempts.clamp(1, 7) - 1;
    Duration::minutes((1i64 << exp).min(60))
}

/// What one [`run_due`] did.
#[derive(Debug, Default, Clone)]
pub struct RunReport {
    /// Digests recorded this run (id).
    pub recorded: Vec<i64>,
    /// Digests sent this run (id).
    pub sent: Vec<i64>,
    /// Failed attempts this run (id, error).
    pub failed: Vec<(i64, String)>,
    /// Digests whose configuration could not be used (name, error).
    pub errors: Vec<(String, String)>,
}

fn schedule_of(name: &str, spec: &DigestSpec) -> Result<(Schedule, Tz), DigestError> {
    let s = spec
        .schedule
        .parse::<Schedule>()
        .map_err(|e| DigestError::Config(format!("digests.{name}.schedule: {e}")))?;
    Ok((s, spec.timezone))
}

fn smtp(config: &Config) -> Result<&SmtpConfig, DigestError> {
    config
        .smtp
        .as_ref()
        .ok_or_else(|| DigestError::Config("no [smtp] section: digests cannot be sent".into()))
}

fn rules(config: &Config) -> ProposalRules {
    ProposalRules {
        quiet_days: config.detect.quiet_days,
    }
}

/// The digest with one-click links to the board when `[web] public-url` is set.
pub fn linked(
    config: &Config,
    d: model::Digest,
    now: DateTime<Utc>,
) -> Result<model::Digest, DigestError> {
    let Some(web) = &config.web else {
        return Ok(d);
    };
    let (Some(base), Some(secret)) = (&web.public_url, &web.secret) else {
        return Ok(d);
    };
    let secret = secret
        .resolve("web.secret")
        .map_err(|e| DigestError::Config(e.to_string()))?;
    let signer = super::links::LinkSigner::new(&secret);
    let expires = now + chrono::Duration::days(i64::from(web.link_days));
    Ok(d.with_links(base, &signer, expires))
}

fn parse_time(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Sends what is due at `now`; the daemon calls it on a timer (once a minute is plenty).
///
/// For each `[digests.NAME]`: when the latest schedule slot at or before `now` has no record
/// yet (a slot missed while the daemon was down counts until the next slot), the digest is
/// computed at `now`, recorded and sent. Failed sends of the current week are retried when
/// their backoff has passed. See the module documentation for the delivery guarantees.
pub async fn run_due(
    config: &Config,
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<RunReport, DigestError> {
    let mut report = RunReport::default();
    if config.digests.is_empty() {
        return Ok(report);
    }
    let smtp = smtp(config)?;
    recover_interrupted(store, now)?;
    let mut current_weeks: Vec<(String, NaiveDate)> = Vec::new();
    for (name, cfg) in &config.digests {
        let spec = match DigestSpec::from_config(name, cfg) {
            Ok(s) => s,
            Err(e) => {
                report.errors.push((name.clone(), e.to_string()));
                continue;
            }
        };
        let (sched, tz) = match schedule_of(name, &spec) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(digest = %name, "{e}");
                report.errors.push((name.clone(), e.to_string()));
                continue;
            }
        };
        let slot = schedule::slot_at(sched, tz, now);
        current_weeks.push((name.clone(), slot.week));
        let week = slot.week.to_string();
        if store.scheduled_digest(name, &week)?.is_some() {
            continue;
        }
        let digest = linked(config, model::build(store, &spec, rules(config), now)?, now)?;
        let rendered = render_mail(&digest)?;
        let new = NewDigest {
            name: name.clone(),
            kind: "scheduled".into(),
            week: Some(week.clone()),
            resend_of: None,
            recipients: spec.to.clone(),
            message_id: new_message_id(&smtp.from, name, &week),
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            chart: rendered.chart,
            as_of: now,
        };
        if let Some(id) = store.insert_digest(&new, now)? {
            tracing::info!(digest = %name, id, week = %week, "weekly digest recorded");
            report.recorded.push(id);
        }
    }
    for row in store.digests_with_status(&["pending", "retry"])? {
        if row.kind != "scheduled" {
            continue;
        }
        let current = current_weeks
            .iter()
            .any(|(n, w)| *n == row.name && row.week.as_deref() == Some(w.to_string().as_str()));
        if !current {
            // Its week is over (or the digest left the configuration): never send it late.
            store.mark_digest_failed(row.id, Status::Expired.as_str(), None, None)?;
            tracing::warn!(digest = %row.name, id = row.id, "weekly digest expired unsent");
            continue;
        }
        if parse_time(row.next_attempt_at.as_deref()).is_some_and(|t| t > now) {
            continue;
        }
        match attempt(smtp, store, &row, now).await {
            Ok(true) => report.sent.push(row.id),
            Ok(false) => {}
            Err(e) => report.failed.push((row.id, e.to_string())),
        }
    }
    Ok(report)
}

/// Marks attempts interrupted by a stop (still `sending` long after they started) `unknown`.
fn recover_interrupted(store: &Store, now: DateTime<Utc>) -> Result<(), DigestError> {
    for row in store.digests_with_status(&[Status::Sending.as_str()])? {
        let started = parse_time(row.attempt_started_at.as_deref());
        if started.is_none_or(|t| now - t >= Duration::minutes(STALE_SENDING_MINUTES)) {
            tracing::warn!(
                id = row.id,
                "digest send was interrupted; not retried (resend by hand)"
            );
            store.mark_digest_failed(
                row.id,
                Status::Unknown.as_str(),
                Some("interrupted during delivery: maybe sent, so not retried; use dealwatch digest --resend ID"),
                None,
            )?;
        }
    }
    Ok(())
}

/// One delivery attempt of a recorded digest. Ok(true): sent; Ok(false): another sender had
/// claimed it; Err: failed (recorded as `retry` or `failed`).
async fn attempt(
    smtp: &SmtpConfig,
    store: &mut Store,
    row: &DigestRow,
    now: DateTime<Utc>,
) -> Result<bool, DigestError> {
    if !store.claim_digest(row.id, &row.status, now)? {
        return Ok(false);
    }
    let rendered = Rendered {
        subject: row.subject.clone(),
        html: row.html.clone(),
        text: row.text.clone(),
        chart: row.chart.clone(),
    };
    let attempts = row.attempts + 1;
    let result = match message(smtp, &row.recipients, &row.message_id, &rendered, now) {
        Ok(m) => crate::smtp::send(smtp, m).await.map_err(DigestError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            store.mark_digest_sent(row.id, now)?;
            tracing::info!(id = row.id, digest = %row.name, attempts, "digest sent");
            Ok(true)
        }
        Err(e) => {
            let permanent = matches!(e, DigestError::Message(_) | DigestError::Config(_));
            let msg = e.to_string();
            if permanent || row.kind != "scheduled" {
                store.mark_digest_failed(row.id, Status::Failed.as_str(), Some(&msg), None)?;
            } else {
                let next = now + backoff(attempts);
                store.mark_digest_failed(row.id, Status::Retry.as_str(), Some(&msg), Some(next))?;
            }
            tracing::warn!(id = row.id, digest = %row.name, attempts, "digest not sent: {msg}");
            Err(e)
        }
    }
}

/// Computes a digest at `now` and sends it at once (`dealwatch digest --send`), to `to` or the
/// digest's recipients. Recorded as `manual`: it does not count as the week's scheduled digest.
/// Returns the record's id.
pub async fn send_now(
    config: &Config,
    store: &mut Store,
    spec: &DigestSpec,
    to: &[String],
    now: DateTime<Utc>,
) -> Result<i64, DigestError> {
    let smtp = smtp(config)?;
    let recipients = if to.is_empty() {
        spec.to.clone()
    } else {
        to.to_vec()
    };
    if recipients.is_empty() {
        return Err(DigestError::Config(format!(
            "digest {}: no recipient (use --to)",
            spec.name
        )));
    }
    let digest = linked(config, model::build(store, spec, rules(config), now)?, now)?;
    let rendered = render_mail(&digest)?;
    let new = NewDigest {
        name: spec.name.clone(),
        kind: "manual".into(),
        week: None,
        resend_of: None,
        recipients,
        message_id: new_message_id(&smtp.from, &spec.name, &now.to_rfc3339()),
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        chart: rendered.chart,
        as_of: now,
    };
    deliver_new(smtp, store, &new, now).await
}

/// Sends a recorded digest again, as it was (`dealwatch digest --resend ID`), to `to` or its
/// original recipients, under a new Message-ID. Returns the new record's id.
pub async fn resend(
    config: &Config,
    store: &mut Store,
    id: i64,
    to: &[String],
    now: DateTime<Utc>,
) -> Result<i64, DigestError> {
    let smtp = smtp(config)?;
    let old = store.digest(id)?.ok_or(DigestError::NoSuchDigest(id))?;
    let new = NewDigest {
        name: old.name.clone(),
        kind: "resend".into(),
        week: None,
        resend_of: Some(old.id),
        recipients: if to.is_empty() {
            old.recipients.clone()
        } else {
            to.to_vec()
        },
        message_id: new_message_id(&smtp.from, &old.name, &format!("resend {id} {now}")),
        subject: old.subject.clone(),
        html: old.html.clone(),
        text: old.text.clone(),
        chart: old.chart.clone(),
        as_of: parse_time(Some(&old.as_of)).unwrap_or(now),
    };
    deliver_new(smtp, store, &new, now).await
}

async fn deliver_new(
    smtp: &SmtpConfig,
    store: &mut Store,
    new: &NewDigest,
    now: DateTime<Utc>,
) -> Result<i64, DigestError> {
    let id = store
        .insert_digest(new, now)?
        .ok_or_else(|| DigestError::Message("digest already recorded".into()))?;
    let row = store.digest(id)?.ok_or(DigestError::NoSuchDigest(id))?;
    attempt(smtp, store, &row, now).await?;
    Ok(id)
}

/// Lines for `dealwatch status`: digests waiting for a retry, failed or interrupted, and the
/// last ones sent.
pub fn status_lines(store: &Store) -> Result<Vec<String>, DigestError> {
    let mut out = Vec::new();
    for r in store.recent_digests(8)? {
        let when = r.sent_at.as_deref().unwrap_or(&r.created_at);
        let mut line = format!(
            "digest {} #{} ({}{}): {} {} to {}",
            r.name,
            r.id,
            r.kind,
            r.week
                .as_deref()
                .map(|w| format!(" week {w}"))
                .unwrap_or_default(),
            r.status,
            when,
            r.recipients.join(", ")
        );
        if r.status != Status::Sent.as_str() {
            if r.attempts > 0 {
                line.push_str(&format!("; {} attempt(s)", r.attempts));
            }
            if let Some(n) = &r.next_attempt_at
                && r.status == Status::Retry.as_str()
            {
                line.push_str(&format!("; next attempt {n}"));
            }
            if let Some(e) = &r.last_error {
                line.push_str(&format!("; last error: {e}"));
            }
        }
        out.push(line);
    }
    Ok(out)
}
