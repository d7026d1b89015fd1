//! Follow-up meetings, their deliveries and on-hold reminders (migration 3).
//!
//! Exactly once: before a message goes out, [`Store::claim_delivery`] records `sending` for
//! (uid, sequence, channel); only the caller that inserted that row sends. Afterwards
//! [`Store::finish_delivery`] records `sent` or `failed`. A row left in `sending` by a crash is
//! never sent again automatically (the outcome is unknown: a second invitation is worse than a
//! missing one); `dealwatch schedule ID --at TIME` sends a new sequence.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Result, Store};

/// A follow-up meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRow {
    /// The opportunity.
    pub opportunity: i64,
    /// iCalendar UID, stable per opportunity.
    pub uid: String,
    /// iCalendar SEQUENCE of the current version.
    pub sequence: i64,
    /// Start (RFC 3339, UTC).
    pub start_at: String,
    /// End (RFC 3339, UTC).
    pub end_at: String,
    /// `scheduled` or `cancelled`.
    pub state: String,
    /// DTSTAMP of the current version (RFC 3339).
    pub dtstamp: String,
    /// The iCalendar text of the current version, as mailed.
    pub ics: String,
    /// First scheduled.
    pub created_at: String,
    /// Last changed.
    pub updated_at: String,
}

/// A meeting with its opportunity and delivery states, for listings.
#[derive(Debug, Clone)]
pub struct MeetingListRow {
    /// The meeting.
    pub meeting: MeetingRow,
    /// The opportunity's title.
    pub title: String,
    /// The opportunity's customer.
    pub customer: String,
    /// Mail delivery state of the current sequence, if any.
    pub mail_state: Option<String>,
    /// CalDAV delivery state of the current sequence, if any.
    pub caldav_state: Option<String>,
}

/// An on-hold reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRow {
    /// The opportunity.
    pub opportunity: i64,
    /// iCalendar UID.
    pub uid: String,
    /// The revisit date (YYYY-MM-DD).
    pub due_on: String,
    /// `pending` (not in a calendar), `stored` (in CalDAV) or `removed`.
    pub state: String,
    /// Last changed.
    pub updated_at: String,
}

const MEETING_COLUMNS: &str =
    "opportunity, uid, sequence, start_at, end_at, state, dtstamp, ics, created_at, updated_at";

fn meeting_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MeetingRow> {
    Ok(MeetingRow {
        opportunity: r.get(0)?,
        uid: r.get(1)?,
        sequence: r.get(2)?,
        start_at: r.get(3)?,
        end_at: r.get(4)?,
        state: r.get(5)?,
        dtstamp: r.get(6)?,
        ics: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

impl Store {
    /// The follow-up meeting of an opportunity.
    pub fn meeting(&self, opportunity: i64) -> Result<Option<MeetingRow>> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE opportunity = ?1");
        Ok(self
            .conn
            .query_row(&sql, [opportunity], meeting_row)
            .optional()?)
    }

    /// Every meeting, soonest first, with its opportunity and delivery states.
    pub fn meetings(&self) -> Result<Vec<MeetingListRow>> {
        let sql = "SELECT m.opportunity, m.uid, m.sequence, m.start_at, m.end_at, m.state, m.dtstamp, \
             m.ics, m.created_at, m.updated_at, o.title, o.customer, \
             (SELECT d.state FROM meeting_deliveries d WHERE d.uid = m.uid AND d.sequence = m.sequence AND d.channel = 'mail'), \
             (SELECT d.state FROM meeting_deliveries d WHERE d.uid = m.uid AND d.sequence = m.sequence AND d.channel = 'caldav') \
             FROM meetings m JOIN opportunities o ON o.id = m.opportunity ORDER BY m.start_at, m.opportunity";
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(MeetingListRow {
                meeting: meeting_row(r)?,
                title: r.get(10)?,
                customer: r.get(11)?,
                mail_state: r.get(12)?,
                caldav_state: r.get(13)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Creates or replaces an opportunity's meeting. The sequence never goes down: a write with
    /// a lower sequence than the stored one changes nothing and returns false.
    pub fn save_meeting(&self, m: &MeetingRow) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO meetings (opportunity, uid, sequence, start_at, end_at, state, dtstamp, ics, \
             created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
             ON CONFLICT(opportunity) DO UPDATE SET uid = ?2, sequence = ?3, start_at = ?4, \
             end_at = ?5, state = ?6, dtstamp = ?7, ics = ?8, updated_at = ?10 \
             WHERE meetings.sequence <= ?3",
            params![
                m.opportunity,
                m.uid,
                m.sequence,
                m.start_at,
                m.end_at,
                m.state,
                m.dtstamp,
                m.ics,
                m.created_at,
                m.updated_at
            ],
        )?;
        Ok(n == 1)
    }

    /// Claims the right to deliver (uid, sequence) on `channel`: true for exactly one caller.
    /// A `failed` delivery can be claimed again; `sending` and `sent` cannot.
    pub fn claim_delivery(
        &self,
        uid: &str,
        sequence: i64,
        channel: &str,
        method: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO meeting_deliveries (uid, sequence, channel, method, state, started_at) \
             VALUES (?1, ?2, ?3, ?4, 'sending', ?5) \
             ON CONFLICT(uid, sequence, channel) DO UPDATE SET state = 'sending', method = ?4, \
             started_at = ?5, done_at = NULL, error = NULL WHERE meeting_deliveries.state = 'failed'",
            params![uid, sequence, channel, method, now.to_rfc3339()],
        )?;
        Ok(n == 1)
    }

    /// Records how a claimed delivery ended.
    pub fn finish_delivery(
        &self,
        uid: &str,
        sequence: i64,
        channel: &str,
        outcome: std::result::Result<(), &str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (state, error) = match outcome {
            Ok(()) => ("sent", None),
            Err(e) => ("failed", Some(e)),
        };
        self.conn.execute(
            "UPDATE meeting_deliveries SET state = ?4, done_at = ?5, error = ?6 \
             WHERE uid = ?1 AND sequence = ?2 AND channel = ?3",
            params![uid, sequence, channel, state, now.to_rfc3339(), error],
        )?;
        Ok(())
    }

    /// The state of a delivery (`sending`, `sent`, `failed`), if it was ever claimed.
    pub fn delivery_state(
        &self,
        uid: &str,
        sequence: i64,
        channel: &str,
    ) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT state FROM meeting_deliveries WHERE uid = ?1 AND sequence = ?2 AND channel = ?3",
                params![uid, sequence, channel],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The on-hold reminder of an opportunity.
    pub fn reminder(&self, opportunity: i64) -> Result<Option<ReminderRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT opportunity, uid, due_on, state, updated_at FROM reminders WHERE opportunity = ?1",
                [opportunity],
                |r| {
                    Ok(ReminderRow {
                        opportunity: r.get(0)?,
                        uid: r.get(1)?,
                        due_on: r.get(2)?,
                        state: r.get(3)?,
                        updated_at: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Creates or replaces an opportunity's reminder.
    pub fn save_reminder(&self, r: &ReminderRow) -> Result<()> {
        self.conn.execute(
            "INSERT INTO reminders (opportunity, uid, due_on, state, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT(opportunity) DO UPDATE SET uid = ?2, due_on = ?3, state = ?4, updated_at = ?5",
            params![r.opportunity, r.uid, r.due_on, r.state, r.updated_at],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_is_claimed_once_and_failed_ones_again() {
        let s = Store::open_in_memory().unwrap();
        let now = Utc::now();
        assert!(s.claim_delivery("u", 0, "mail", "REQUEST", now).unwrap());
        assert!(!s.claim_delivery("u", 0, "mail", "REQUEST", now).unwrap());
        s.finish_delivery("u", 0, "mail", Err("down"), now).unwrap();
        assert!(s.claim_delivery("u", 0, "mail", "REQUEST", now).unwrap());
        s.finish_delivery("u", 0, "mail", Ok(()), now).unwrap();
        assert!(!s.claim_delivery("u", 0, "mail", "REQUEST", now).unwrap());
        assert_eq!(
            s.delivery_state("u", 0, "mail").unwrap().as_deref(),
            Some("sent")
        );
        assert!(s.claim_delivery("u", 1, "mail", "REQUEST", now).unwrap());
    }
}
