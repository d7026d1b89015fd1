//! The salesperson's linking corrections: a message moved to a deal or out of every deal, two
//! deals merged, a message split into a deal of its own. Each is kept by message key, so the
//! same message arriving again follows it, and the thread keys move with it, so the next
//! messages of that thread follow it too.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Linker, MESSAGE_COLUMNS, MessageRow, Result, StoreError, message_row};

/// What the salesperson said of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correction {
    /// It belongs to this opportunity.
    Link(i64),
    /// It belongs to no opportunity.
    Unlink,
}

impl Linker<'_> {
    /// A stored message by its number (`#12` or `12`) or its Message-ID (angle brackets
    /// optional).
    pub fn find_message(&self, name: &str) -> Result<MessageRow> {
        let name = name.trim();
        let sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1");
        let by_id = match name.trim_start_matches(['#', 'm']).parse::<i64>() {
            Ok(id) if !name.contains('@') => {
                self.tx.query_row(&sql, [id], message_row).optional()?
            }
            _ => None,
        };
        if let Some(m) = by_id {
            return Ok(m);
        }
        let key = name
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_lowercase();
        let sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE key = ?1");
        self.tx
            .query_row(&sql, [key], message_row)
            .optional()?
            .ok_or_else(|| StoreError::NoSuchMessage(name.to_string()))
    }

    /// The correction recorded for a message key.
    pub fn correction(&self, key: &str) -> Result<Option<Correction>> {
        let row: Option<(String, Option<i64>)> = self
            .tx
            .prepare_cached("SELECT action, opportunity FROM link_corrections WHERE key = ?1")?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match row {
            Some((a, Some(opp))) if a == "link" => Some(Correction::Link(opp)),
            Some((a, _)) if a == "unlink" => Some(Correction::Unlink),
            _ => None,
        })
    }

    /// Records a correction for a message key (replacing an earlier one).
    pub fn record_correction(&self, key: &str, c: &Correction, now: DateTime<Utc>) -> Result<()> {
        let (action, opp) = match c {
            Correction::Link(id) => ("link", Some(*id)),
            Correction::Unlink => ("unlink", None),
        };
        self.tx.execute(
            "INSERT INTO link_corrections (key, action, opportunity, at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT(key) DO UPDATE SET action = ?2, opportunity = ?3, at = ?4",
            params![key, action, opp, now.to_rfc3339()],
        )?;
        Ok(())
    }

    /// Takes a message out of its opportunity; it stays processed (not linked again).
    pub fn unlink(&self, message: i64, reason: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE messages SET opportunity_id = NULL, link_state = 'unlinked', link_reason = ?2 \
             WHERE id = ?1",
            params![message, reason],
        )?;
        Ok(())
    }

    /// Removes lookup keys of one opportunity (a message that left it takes its keys along).
    pub fn remove_keys(&self, id: i64, kind: &str, values: &[String]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "DELETE FROM opportunity_keys WHERE opportunity = ?1 AND kind = ?2 AND value = ?3",
        )?;
        let mut keys = self.keys.borrow_mut();
        for v in values {
            stmt.execute(params![id, kind, v])?;
            if let Some(ids) = keys.get_mut(&(kind.to_string(), v.clone())) {
                ids.retain(|x| *x != id);
            }
        }
        Ok(())
    }

    /// Moves every message and lookup key of `from` to `into`, then deletes `from` (its history
    /// goes with it; a line in `into`'s history says what was merged).
    pub fn merge_into(&self, from: i64, into: i64, now: DateTime<Utc>) -> Result<usize> {
        let moved = self.tx.execute(
            "UPDATE messages SET opportunity_id = ?2, link_reason = 'merged by you' \
             WHERE opportunity_id = ?1",
            params![from, into],
        )?;
        self.tx.execute(
            "INSERT OR IGNORE INTO opportunity_keys (opportunity, kind, value) \
             SELECT ?2, kind, value FROM opportunity_keys WHERE opportunity = ?1",
            params![from, into],
        )?;
        self.tx.execute(
            "UPDATE link_corrections SET opportunity = ?2 WHERE opportunity = ?1",
            params![from, into],
        )?;
        for ids in self.keys.borrow_mut().values_mut() {
            if ids.contains(&from) {
                ids.retain(|x| *x != from);
                if !ids.contains(&into) {
                    ids.push(into);
                    ids.sort_unstable_by(|a, b| b.cmp(a));
                }
            }
        }
        let title: String = self.opportunity(from)?.title;
        self.note(
            into,
            &format!("merged #{from} ({title}): {moved} messages"),
            now,
        )?;
        self.tx
            .execute("DELETE FROM opportunities WHERE id = ?1", [from])?;
        self.tx.execute(
            "INSERT INTO settings (key, value) VALUES ('last_deleted_opportunity', ?1) \
             ON CONFLICT(key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), ?1)",
            [from],
        )?;
        self.touched.borrow_mut().remove(&from);
        Ok(moved)
    }

    /// A line in an opportunity's history that changes nothing of its state.
    pub fn note(&self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<()> {
        let state = self.opportunity(id)?.state;
        self.tx.execute(
            "INSERT INTO state_history (opportunity, at, from_state, to_state, reason, actor) \
             VALUES (?1, ?2, ?3, ?3, ?4, 'you')",
            params![id, now.to_rfc3339(), state, reason],
        )?;
        Ok(())
    }
}
