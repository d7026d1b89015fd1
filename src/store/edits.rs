//! Corrections of a deal by hand: title, amount, currency, customer, and free notes. Each one
//! writes a line in the deal's history (actor `you`), in the same transaction as the change.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension as _, params};

use super::{Result, Store, StoreError};

/// What `dealwatch edit` changes; `None` keeps a field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DealEdit {
    /// The deal's title.
    pub title: Option<String>,
    /// The amount (the quote's total).
    pub amount: Option<f64>,
    /// ISO 4217 currency code.
    pub currency: Option<String>,
    /// The customer organisation (a domain, or an address for free mail).
    pub customer: Option<String>,
}

impl Store {
    /// Applies `edit` to deal `id` and records each change in its history; returns the
    /// changes as written there (empty when nothing differed).
    pub fn edit_deal(
        &mut self,
        id: i64,
        edit: &DealEdit,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        type Row = (String, String, Option<f64>, Option<String>, String);
        let (title, customer, amount, currency, state): Row = tx
            .query_row(
                "SELECT title, customer, amount, currency, state FROM opportunities WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?
            .ok_or(StoreError::NoSuchOpportunity(id))?;
        let mut changes = Vec::new();
        let show = |a: Option<f64>| a.map_or("none".to_string(), |a| format!("{a:.2}"));
        if let Some(t) = edit.title.as_deref().filter(|t| *t != title) {
            tx.execute(
                "UPDATE opportunities SET title = ?2, title_edited_at = ?3 WHERE id = ?1",
                params![id, t, now.to_rfc3339()],
            )?;
            changes.push(format!("title: {title:?} → {t:?}"));
        }
        if let Some(c) = edit.customer.as_deref().filter(|c| *c != customer) {
            tx.execute(
                "UPDATE opportunities SET customer = ?2 WHERE id = ?1",
                params![id, c],
            )?;
            changes.push(format!("customer: {customer} → {c}"));
        }
        if let Some(a) = edit.amount.filter(|a| Some(*a) != amount) {
            tx.execute(
                "UPDATE opportunities SET amount = ?2, amount_edited_at = ?3 WHERE id = ?1",
                params![id, a, now.to_rfc3339()],
            )?;
            changes.push(format!("amount: {} → {}", show(amount), show(Some(a))));
        }
        if let Some(c) = edit
            .currency
            .as_deref()
            .filter(|c| Some(*c) != currency.as_deref())
        {
            tx.execute(
                "UPDATE opportunities SET currency = ?2, amount_edited_at = ?3 WHERE id = ?1",
                params![id, c, now.to_rfc3339()],
            )?;
            changes.push(format!(
                "currency: {} → {c}",
                currency.as_deref().unwrap_or("none")
            ));
        }
        for c in &changes {
            tx.execute(
                "INSERT INTO state_history (opportunity, at, from_state, to_state, reason, actor) \
                 VALUES (?1, ?2, ?3, ?3, ?4, 'you')",
                params![id, now.to_rfc3339(), state, format!("edited {c}")],
            )?;
        }
        tx.commit()?;
        Ok(changes)
    }

    /// Adds a free note to deal `id`'s history.
    pub fn add_note(&mut self, id: i64, text: &str, now: DateTime<Utc>) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let state: String = tx
            .query_row("SELECT state FROM opportunities WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::NoSuchOpportunity(id))?;
        tx.execute(
            "INSERT INTO state_history (opportunity, at, from_state, to_state, reason, actor) \
             VALUES (?1, ?2, ?3, ?3, ?4, 'you')",
            params![id, now.to_rfc3339(), state, format!("note: {text}")],
        )?;
        tx.commit()?;
        Ok(())
    }
}
