//! The salesperson corrects the linking: `link`, `unlink`, `merge`, `split`. Each correction is
//! kept by message key (see [`crate::store::Correction`]): the message follows it whenever it
//! arrives again, and its thread keys move with it, so the next messages of the same thread
//! follow it too. Every correction leaves a line in the history of the deals it touches.

use chrono::{DateTime, Utc};

use super::link::{add_keys, attach, refresh, thread_ids, title_of};
use crate::store::{Correction, Linker, MessageRow, NewOpportunity, Result, Store};

/// What a correction did, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corrected {
    /// The message (its stored number and Message-ID), or the merged deal.
    pub what: String,
    /// The deal it left, if any.
    pub from: Option<i64>,
    /// The deal it joined, if any.
    pub to: Option<i64>,
}

/// Takes a message out of the deal it is in: its thread keys leave with it.
fn detach(l: &Linker<'_>, m: &MessageRow, reason: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
    let Some(old) = m.opportunity_id else {
        return Ok(None);
    };
    l.unlink(m.id, reason)?;
    l.remove_keys(old, "msgid", std::slice::from_ref(&m.key))?;
    l.note(
        old,
        &format!("message #{} <{}> {reason}", m.id, m.message_id),
        now,
    )?;
    l.touch(old);
    Ok(Some(old))
}

fn finish(l: Linker<'_>) -> Result<()> {
    for id in l.take_touched() {
        refresh(&l, id)?;
    }
    l.commit()
}

/// `link MESSAGE DEAL`: the message belongs to this deal.
pub fn link(store: &mut Store, message: &str, deal: i64, now: DateTime<Utc>) -> Result<Corrected> {
    let l = store.linker()?;
    l.opportunity(deal)?;
    let m = l.find_message(message)?;
    let from = if m.opportunity_id == Some(deal) {
        None
    } else {
        detach(&l, &m, "moved out by you", now)?
    };
    attach(&l, &m, deal, "linked by you")?;
    l.record_correction(&m.key, &Correction::Link(deal), now)?;
    l.note(
        deal,
        &format!("message #{} <{}> linked by you", m.id, m.message_id),
        now,
    )?;
    finish(l)?;
    Ok(Corrected {
        what: format!("message #{} <{}>", m.id, m.message_id),
        from,
        to: Some(deal),
    })
}

/// `unlink MESSAGE`: the message belongs to no deal.
pub fn unlink(store: &mut Store, message: &str, now: DateTime<Utc>) -> Result<Corrected> {
    let l = store.linker()?;
    let m = l.find_message(message)?;
    let from = detach(&l, &m, "unlinked by you", now)?;
    l.record_correction(&m.key, &Correction::Unlink, now)?;
    finish(l)?;
    Ok(Corrected {
        what: format!("message #{} <{}>", m.id, m.message_id),
        from,
        to: None,
    })
}

/// `merge INTO FROM`: every message of `from` joins `into`, and `from` is gone.
pub fn merge(store: &mut Store, into: i64, from: i64, now: DateTime<Utc>) -> Result<Corrected> {
    let l = store.linker()?;
    l.opportunity(into)?;
    l.opportunity(from)?;
    let moved = l.messages(from)?;
    l.merge_into(from, into, now)?;
    for m in &moved {
        l.record_correction(&m.key, &Correction::Link(into), now)?;
    }
    l.touch(into);
    finish(l)?;
    Ok(Corrected {
        what: format!("deal #{from} ({} messages)", moved.len()),
        from: Some(from),
        to: Some(into),
    })
}

/// `split MESSAGE`: the message, and the later messages of its deal that answer it, start a deal
/// of their own.
pub fn split(store: &mut Store, message: &str, now: DateTime<Utc>) -> Result<Corrected> {
    let l = store.linker()?;
    let m = l.find_message(message)?;
    let old = m.opportunity_id;
    // The answers to it: later messages of the same deal whose thread reaches it.
    let mut family = vec![m.clone()];
    if let Some(old) = old {
        for other in l.messages(old)? {
            let answers = other
                .parent_ids
                .iter()
                .any(|p| family.iter().any(|f| &f.key == p));
            if other.id != m.id && other.date_ts >= m.date_ts && answers {
                family.push(other);
            }
        }
    }
    let customer = m.org.clone().unwrap_or_else(|| m.from_addr.to_lowercase());
    let id = l.create(&NewOpportunity {
        title: title_of(&m.subject, &m.subject_norm),
        customer,
        subject_norm: m.subject_norm.clone(),
        created_from: if m.quote.is_some() { "quote" } else { "rfq" }.to_string(),
        anchor_message: m.id,
        first_seen: m.date.clone().unwrap_or_default(),
    })?;
    for f in &family {
        if let Some(old) = old {
            l.remove_keys(old, "msgid", &thread_ids(f)[..1])?;
        }
        l.link(f.id, id, "split by you")?;
        add_keys(&l, f, id)?;
        l.record_correction(&f.key, &Correction::Link(id), now)?;
    }
    let what = format!("message #{} <{}>", m.id, m.message_id);
    if let Some(old) = old {
        l.note(
            old,
            &format!("{what} and {} answers split into #{id}", family.len() - 1),
            now,
        )?;
        l.touch(old);
    }
    l.note(
        id,
        &format!(
            "split by you from {}",
            old.map_or("no deal".into(), |o| format!("#{o}"))
        ),
        now,
    )?;
    l.touch(id);
    finish(l)?;
    Ok(Corrected {
        what,
        from: old,
        to: Some(id),
    })
}
