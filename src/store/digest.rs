//! The digest's tables: closures read from the state history, and every digest rendered with
//! its delivery state (`digests`, migration 2). The delivery protocol itself lives in
//! `crate::digest::run`; this module only stores what it decides.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, json_vec, parse_vec};

/// A closure recorded in the state history, with its opportunity.
#[derive(Debug, Clone)]
pub struct ClosureRow {
    /// Opportunity id.
    pub opportunity: i64,
    /// When the state was set (RFC 3339).
    pub at: String,
    /// The closure (`won`, `lost`, `vanished`).
    pub state: String,
    /// Opportunity title.
    pub title: String,
    /// Customer organisation key.
    pub customer: String,
    /// Amount.
    pub amount: Option<f64>,
    /// Currency.
    pub currency: Option<String>,
}

/// A digest to record before it is sent.
#[derive(Debug, Clone, Default)]
pub struct NewDigest {
    /// The `[digests.NAME]` name.
    pub name: String,
    /// `scheduled`, `manual` or `resend`.
    pub kind: String,
    /// For scheduled digests: the local date of the schedule slot (one digest per week).
    pub week: Option<String>,
    /// The digest this one resends.
    pub resend_of: Option<i64>,
    /// Recipient addresses.
    pub recipients: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Message-ID with angle brackets, kept across retries.
    pub message_id: String,
    /// HTML body.
    pub html: String,
    /// Plain-text body.
    pub text: String,
    /// Inline PNG chart, if any.
    pub chart: Option<Vec<u8>>,
    /// The "now" the digest was computed for.
    pub as_of: DateTime<Utc>,
}

/// A recorded digest.
#[derive(Debug, Clone)]
pub struct DigestRow {
    /// Id (for `dealwatch digest --resend ID`).
    pub id: i64,
    /// The `[digests.NAME]` name.
    pub name: String,
    /// `scheduled`, `manual` or `resend`.
    pub kind: String,
    /// Schedule week (local date of the slot).
    pub week: Option<String>,
    /// The digest this one resends.
    pub resend_of: Option<i64>,
    /// Recipients.
    pub recipients: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Message-ID with angle brackets.
    pub message_id: String,
    /// HTML body.
    pub html: String,
    /// Plain-text body.
    pub text: String,
    /// Inline PNG chart.
    pub chart: Option<Vec<u8>>,
    /// As of (RFC 3339).
    pub as_of: String,
    /// Delivery status (see `crate::digest::run::Status`).
    pub status: String,
    /// Delivery attempts made.
    pub attempts: i64,
    /// Earliest next attempt (RFC 3339).
    pub next_attempt_at: Option<String>,
    /// When the last attempt started.
    pub attempt_started_at: Option<String>,
    /// The last SMTP error.
    pub last_error: Option<String>,
    /// Recorded at.
    pub created_at: String,
    /// Confirmed sent at.
    pub sent_at: Option<String>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

const DIGEST_COLUMNS: &str = "id, name, kind, week, resend_of, recipients, subject, message_id, html, \
    text, chart, as_of, status, attempts, next_attempt_at, attempt_started_at, last_error, \
    created_at, sent_at";

fn digest_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DigestRow> {
    Ok(DigestRow {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        week: r.get(3)?,
        resend_of: r.get(4)?,
        recipients: parse_vec(r.get(5)?),
        subject: r.get(6)?,
        message_id: r.get(7)?,
        html: r.get(8)?,
        text: r.get(9)?,
        chart: r.get(10)?,
        as_of: r.get(11)?,
        status: r.get(12)?,
        attempts: r.get(13)?,
        next_attempt_at: r.get(14)?,
        attempt_started_at: r.get(15)?,
        last_error: r.get(16)?,
        created_at: r.get(17)?,
        sent_at: r.get(18)?,
    })
}

impl Store {
    /// Closures (`won`, `lost`, `vanished`) recorded in `[from, to)` whose opportunity is still
    /// in that state, the latest per opportunity, oldest first.
    pub fn closures_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ClosureRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.opportunity, h.at, h.to_state, o.title, o.customer, o.amount, o.currency \
             FROM state_history h JOIN opportunities o ON o.id = h.opportunity \
             WHERE h.to_state IN ('won', 'lost', 'vanished') AND o.state = h.to_state \
             AND h.id = (SELECT MAX(h2.id) FROM state_history h2 WHERE h2.opportunity = h.opportunity) \
             ORDER BY h.at, h.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ClosureRow {
                opportunity: r.get(0)?,
                at: r.get(1)?,
                state: r.get(2)?,
                title: r.get(3)?,
                customer: r.get(4)?,
                amount: r.get(5)?,
                currency: r.get(6)?,
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            // Timestamps are compared as instants: the history may hold any RFC 3339 offset.
            let at = DateTime::parse_from_rfc3339(&row.at).map(|t| t.with_timezone(&Utc));
            if at.is_ok_and(|t| t >= from && t < to) {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Records a digest as `pending` before any attempt to send it. For a scheduled digest,
    /// returns None when that digest already has a record for that week (never twice).
    pub fn insert_digest(&self, d: &NewDigest, now: DateTime<Utc>) -> Result<Option<i64>> {
        let n = self.conn.execute(
            "INSERT INTO digests (name, kind, week, resend_of, recipients, subject, message_id, html, \
             text, chart, as_of, status, created_at, next_attempt_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12, ?12) \
             ON CONFLICT DO NOTHING",
            params![
                d.name,
                d.kind,
                d.week,
                d.resend_of,
                json_vec(&d.recipients),
                d.subject,
                d.message_id,
                d.html,
                d.text,
                d.chart,
                ts(d.as_of),
                ts(now)
            ],
        )?;
        Ok((n == 1).then(|| self.conn.last_insert_rowid()))
    }

    /// The scheduled digest recorded for a digest name and week, if any.
    pub fn scheduled_digest(&self, name: &str, week: &str) -> Result<Option<DigestRow>> {
        let sql = format!(
            "SELECT {DIGEST_COLUMNS} FROM digests WHERE kind = 'scheduled' AND name = ?1 AND week = ?2"
        );
        Ok(self
            .conn
            .query_row(&sql, params![name, week], digest_row)
            .optional()?)
    }

    /// One recorded digest.
    pub fn digest(&self, id: i64) -> Result<Option<DigestRow>> {
        let sql = format!("SELECT {DIGEST_COLUMNS} FROM digests WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], digest_row).optional()?)
    }

    /// Recorded digests in one of these statuses, oldest first.
    pub fn digests_with_status(&self, statuses: &[&str]) -> Result<Vec<DigestRow>> {
        let sql = format!("SELECT {DIGEST_COLUMNS} FROM digests ORDER BY id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], digest_row)?;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            if statuses.contains(&row.status.as_str()) {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// The latest recorded digests, newest first, at most `limit`.
    pub fn recent_digests(&self, limit: usize) -> Result<Vec<DigestRow>> {
        let sql = format!("SELECT {DIGEST_COLUMNS} FROM digests ORDER BY id DESC LIMIT ?1");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([limit as i64], digest_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Claims a digest for one delivery attempt: `pending`/`retry` becomes `sending`, only if
    /// it still was in `expected` status (a concurrent sender loses). Returns whether claimed.
    pub fn claim_digest(&self, id: i64, expected: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE digests SET status = 'sending', attempts = attempts + 1, attempt_started_at = ?3 \
             WHERE id = ?1 AND status = ?2",
            params![id, expected, ts(now)],
        )?;
        Ok(n == 1)
    }

    /// Confirms a digest as sent.
    pub fn mark_digest_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE digests SET status = 'sent', sent_at = ?2, next_attempt_at = NULL, last_error = NULL \
             WHERE id = ?1",
            params![id, ts(now)],
        )?;
        Ok(())
    }

    /// Records a failed attempt: the new status (`retry`, `failed`, `unknown`, `expired`), the
    /// error and the earliest next attempt.
    pub fn mark_digest_failed(
        &self,
        id: i64,
        status: &str,
        error: Option<&str>,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE digests SET status = ?2, last_error = COALESCE(?3, last_error), next_attempt_at = ?4 \
             WHERE id = ?1",
            params![id, status, error, next_attempt_at.map(ts)],
        )?;
        Ok(())
    }
}
