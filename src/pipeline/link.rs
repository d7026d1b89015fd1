//! Threading: attaches each stored message to the right opportunity, or creates one.
//!
//! Order of evidence: threading headers (In-Reply-To, References, also pointing at messages we
//! never saw but a linked message referenced); then a reference token (quote number,
//! consultation or order number) in the subject, text or attachment names; then the normalized
//! subject with the same customer organisation. Quotes we send and customers' requests for a
//! quote create opportunities. Messages are processed oldest first, so a reply follows its quote.

use crate::store::{Correction, Linker, MessageRow, NewOpportunity, OpportunityRow, Result, Store};

/// How many pending messages are linked per transaction.
const CHUNK: usize = 500;

/// What a link pass did.
#[derive(Debug, Default, Clone, Copy)]
pub struct LinkStats {
    /// Messages examined.
    pub examined: usize,
    /// Messages attached to an opportunity.
    pub linked: usize,
    /// Opportunities created.
    pub created: usize,
}

/// Links every pending message, oldest first.
pub fn link_pending(store: &mut Store) -> Result<LinkStats> {
    let mut stats = LinkStats::default();
    let model = store.adapted_model()?.map(std::sync::Arc::new);
    let mut keys = None;
    loop {
        let mut linker = store.linker_with(keys.take())?;
        let pending = linker.pending_messages(CHUNK)?;
        if pending.is_empty() {
            linker.commit()?;
            return Ok(stats);
        }
        linker.model = model.clone();
        for m in &pending {
            stats.examined += 1;
            match link_one(&linker, m)? {
                Outcome::Linked => stats.linked += 1,
                Outcome::Created => {
                    stats.linked += 1;
                    stats.created += 1;
                }
                Outcome::Unlinked => linker.leave_unlinked(m.id, m.new_text.is_some())?,
            }
        }
        for id in linker.take_touched() {
            refresh(&linker, id)?;
        }
        keys = Some(linker.commit_keeping_keys()?);
    }
}

enum Outcome {
    Linked,
    Created,
    Unlinked,
}

/// Whether a message involves an outside party as a person or a decision-carrying system.
pub(super) fn is_external(m: &MessageRow) -> bool {
    matches!(m.direction.as_str(), "inbound" | "outbound")
        && matches!(m.auto_kind.as_str(), "none" | "notice")
}

/// Whether a message may join a thread at all (bulk mail and invitations never do).
fn may_thread(m: &MessageRow) -> bool {
    !matches!(m.auto_kind.as_str(), "bulk" | "invitation")
}

fn subject_key(m: &MessageRow) -> Option<String> {
    let org = m.org.as_deref()?;
    let subject = m.subject_norm.trim();
    (subject.chars().filter(|c| c.is_alphanumeric()).count() >= 6)
        .then(|| format!("{org}\u{1f}{subject}"))
}

pub(super) fn thread_ids(m: &MessageRow) -> Vec<String> {
    let mut ids = vec![m.key.clone()];
    ids.extend(m.parent_ids.iter().map(|p| p.to_lowercase()));
    ids
}

fn link_one(l: &Linker<'_>, m: &MessageRow) -> Result<Outcome> {
    match l.correction(&m.key)? {
        Some(Correction::Link(opp)) if l.opportunity(opp).is_ok() => {
            attach(l, m, opp, "linked by you")?;
            return Ok(Outcome::Linked);
        }
        Some(Correction::Unlink) => return Ok(Outcome::Unlinked),
        _ => {}
    }
    if !may_thread(m) {
        return Ok(Outcome::Unlinked);
    }
    for id in thread_ids(m) {
        if let Some(&opp) = l
            .opportunities_by_key("msgid", std::slice::from_ref(&id))?
            .first()
        {
            let reason = if id == m.key {
                "same Message-ID".to_string()
            } else {
                format!("thread headers: answers <{id}>")
            };
            attach(l, m, opp, &reason)?;
            return Ok(Outcome::Linked);
        }
    }
    if is_external(m) {
        if let Some((opp, r)) = by_reference(l, m)? {
            attach(l, m, opp, &format!("reference {r}"))?;
            return Ok(Outcome::Linked);
        }
        if let Some(key) = subject_key(m)
            && let Some(&opp) = l.opportunities_by_key("subject", &[key])?.first()
        {
            attach(l, m, opp, "same subject, same organisation")?;
            return Ok(Outcome::Linked);
        }
    }
    if m.direction == "inbound"
        && m.auto_kind == "none"
        && let Some(opp) = quotes_our_message(l, m)?
    {
        attach(l, m, opp, "quotes our message")?;
        return Ok(Outcome::Linked);
    }
    if m.direction == "internal"
        && let [opp] = l
            .opportunities_by_key("ref", &crate::detect::quote::find_quote_refs(&m.subject))?
            .as_slice()
    {
        // A colleague's mail whose subject names one deal's reference is about that deal.
        attach(l, m, *opp, "internal about")?;
        return Ok(Outcome::Linked);
    }
    if m.direction == "outbound"
        && m.auto_kind == "none"
        && m.quote.is_none()
        && let Some(customer) = &m.org
        && let Some(opp) = open_request_of(l, customer)?
    {
        // Our first answer to a customer's request, written in a new thread.
        attach(l, m, opp, "answer to request")?;
        return Ok(Outcome::Linked);
    }
    if is_external(m)
        && m.auto_kind == "none"
        && is_reply(m)
        && !answers_unplaced_thread(l, m)?
        && let Some(opp) = similar_open_opportunity(l, m)?
    {
        attach(l, m, opp, "similar subject")?;
        return Ok(Outcome::Linked);
    }
    if m.direction == "inbound"
        && m.auto_kind == "none"
        && m.rfq.is_none()
        && !answers_unplaced_thread(l, m)?
        && let Some(opp) = only_live_deal_on_topic(l, m)?
    {
        attach(l, m, opp, "same organisation, one open deal on its topic")?;
        return Ok(Outcome::Linked);
    }
    if m.direction == "inbound"
        && m.auto_kind == "none"
        && m.rfq.is_none()
        && !answers_unplaced_thread(l, m)?
        && let Some((opp, org)) = customer_contact_writing_privately(l, m)?
    {
        attach(
            l,
            m,
            opp,
            &format!("{} of {org}, one open deal", m.from_name.trim()),
        )?;
        return Ok(Outcome::Linked);
    }
    create_if_anchor(l, m)
}

/// A customer's contact writing from a personal (free-mail) address: the sender's full name is
/// the name of someone who wrote from exactly one customer organisation, and that customer has
/// exactly one live deal. A single word, or a name seen at two organisations, decides nothing.
fn customer_contact_writing_privately(
    l: &Linker<'_>,
    m: &MessageRow,
) -> Result<Option<(i64, String)>> {
    // A free-mail sender's organisation is the address itself (`org_key`, with the config's
    // `free-mail-domains`), as `orgs_of_sender_name` reads it.
    let free = m.org.as_deref() == Some(m.from_addr.as_str());
    let name = m.from_name.trim();
    let words = name
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    if !free || words < 2 || name.contains('@') {
        return Ok(None);
    }
    let orgs = l.orgs_of_sender_name(name)?;
    let [org] = orgs.as_slice() else {
        return Ok(None);
    };
    let live: Vec<i64> = l
        .opportunities_of(org)?
        .into_iter()
        .filter(|o| matches!(o.state.as_str(), "open" | "on_hold"))
        .map(|o| o.id)
        .collect();
    Ok(match live.as_slice() {
        [one] => Some((*one, org.clone())),
        _ => None,
    })
}

/// Marks a reply must share with one deal's messages of ours to be linked by what it quotes.
const QUOTED_MARKS: usize = 3;

/// The deal whose messages of ours a reply quotes: the one sharing the most marks with what
/// it quotes, at least [`QUOTED_MARKS`] and strictly more than any other (our templates make
/// many deals share some; a tie is left unlinked rather than guessed).
fn quotes_our_message(l: &Linker<'_>, m: &MessageRow) -> Result<Option<i64>> {
    if m.marks.len() < QUOTED_MARKS {
        return Ok(None);
    }
    let found = l.opportunities_by_marks(&m.marks)?;
    Ok(match found.as_slice() {
        [(opp, n), rest @ ..]
            if *n >= QUOTED_MARKS && rest.first().is_none_or(|(_, second)| second < n) =>
        {
            Some(*opp)
        }
        _ => None,
    })
}

/// Whether the message answers a message we saw and placed in no opportunity: its thread is
/// known to be about something else (a support ticket, a personal exchange).
fn answers_unplaced_thread(l: &Linker<'_>, m: &MessageRow) -> Result<bool> {
    for p in &m.parent_ids {
        if l.unlinked_message(&p.to_lowercase())?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the subject carries a reply or forward prefix (a thread whose headers were lost).
fn is_reply(m: &MessageRow) -> bool {
    let plain = m
        .subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    plain != m.subject_norm
}

/// Words that say nothing of what a subject is about (quote, request, reminder, pronouns…),
/// one file of data for every language.
static GENERIC: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("../../data/linking/generic_words.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });

/// Words that say what a subject is about: no reply prefixes, references, numbers or the
/// generic words of quoting.
fn topic_words(subject_norm: &str) -> Vec<String> {
    let mut words: Vec<String> = subject_norm
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && !w.chars().any(|c| c.is_ascii_digit()))
        .filter(|w| !GENERIC.contains(w))
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Whether two subjects are about the same thing: at least two topic words shared, making up
/// at least half of the shorter subject's topic words.
fn similar_subjects(a: &str, b: &str) -> bool {
    let (wa, wb) = (topic_words(a), topic_words(b));
    let shared = wa.iter().filter(|w| wb.contains(w)).count();
    shared >= 2 && shared * 2 >= wa.len().min(wb.len())
}

/// The one open opportunity of the message's customer whose subject is about the same thing.
fn similar_open_opportunity(l: &Linker<'_>, m: &MessageRow) -> Result<Option<i64>> {
    let Some(org) = &m.org else { return Ok(None) };
    let matches: Vec<i64> = l
        .opportunities_of(org)?
        .into_iter()
        .filter(|o| o.state == "open" && similar_subjects(&o.subject_norm, &m.subject_norm))
        .map(|o| o.id)
        .collect();
    Ok(match matches.as_slice() {
        [one] => Some(*one),
        _ => None,
    })
}

/// The customer's one live deal (open or on hold), when the message speaks of its topic: "about
/// the WMS thing", a forward titled "afzuiging bakkerij" for the "afzuiginstallatie" quote. With
/// two live deals, or none on the topic, nothing is guessed.
fn only_live_deal_on_topic(l: &Linker<'_>, m: &MessageRow) -> Result<Option<i64>> {
    let Some(org) = &m.org else { return Ok(None) };
    let live: Vec<OpportunityRow> = l
        .opportunities_of(org)?
        .into_iter()
        .filter(|o| matches!(o.state.as_str(), "open" | "on_hold"))
        .collect();
    let [deal] = live.as_slice() else {
        return Ok(None);
    };
    let text = format!("{}\n{}", m.subject, m.new_text.as_deref().unwrap_or(""));
    Ok(on_topic(&deal.title, &deal.subject_norm, &text).then_some(deal.id))
}

/// Whether a text names the topic of a deal's subject: one of its topic words, a word sharing
/// its first six letters ("afzuiging" / "afzuiginstallatie"), or an acronym of its title
/// ("SGA", "WMS").
fn on_topic(title: &str, subject_norm: &str, text: &str) -> bool {
    let topics = topic_words(subject_norm);
    let acronyms: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            (2..=5).contains(&w.chars().count())
                && w.chars().all(|c| c.is_uppercase())
                && !GENERIC.contains(w.to_lowercase().as_str())
        })
        .collect();
    let stem = |w: &str| w.chars().take(6).collect::<String>();
    text.split(|c: char| !c.is_alphanumeric()).any(|w| {
        if acronyms.contains(&w) {
            return true;
        }
        let w = w.to_lowercase();
        w.chars().count() >= 4
            && !GENERIC.contains(w.as_str())
            && topics.iter().any(|t| {
                *t == w || (t.chars().count() >= 6 && w.chars().count() >= 6 && stem(t) == stem(&w))
            })
    })
}

/// Earlier exchanges with the customer about the same thing (a request for a visit, technical
/// questions) that preceded a quote sent in a new thread join the opportunity it creates.
fn pull_earlier(l: &Linker<'_>, m: &MessageRow, opp: i64) -> Result<()> {
    const WINDOW: i64 = 60 * 86_400;
    let Some(org) = &m.org else { return Ok(()) };
    for p in l.unlinked_of_org(org, m.date_ts - WINDOW, m.date_ts)? {
        if is_external(&p) && similar_subjects(&p.subject_norm, &m.subject_norm) {
            l.link(p.id, opp, "earlier exchange")?;
            add_keys(l, &p, opp)?;
        }
    }
    Ok(())
}

/// An opportunity named by a reference the message carries: the customer's own mail, or an
/// automated notice (e-signature, tender portal, ERP) that exists only to report on it. Our
/// mail to someone else (a supplier, a partner) naming a customer's quote is not about the deal.
fn by_reference(l: &Linker<'_>, m: &MessageRow) -> Result<Option<(i64, String)>> {
    for r in &m.refs {
        for id in l.opportunities_by_key("ref", std::slice::from_ref(r))? {
            let opp = l.opportunity(id)?;
            // A personal address (free mail) quoting our reference is the contact writing
            // from home.
            let personal = m.org.as_deref().is_some_and(|o| o.contains('@'));
            if m.auto_kind == "notice"
                || personal
                || m.org.as_deref() == Some(opp.customer.as_str())
            {
                return Ok(Some((id, r.clone())));
            }
        }
    }
    Ok(None)
}

fn create_if_anchor(l: &Linker<'_>, m: &MessageRow) -> Result<Outcome> {
    let Some(customer) = m.org.clone() else {
        return Ok(Outcome::Unlinked);
    };
    let is_quote = m.direction == "outbound" && m.auto_kind == "none" && m.quote.is_some();
    let is_rfq = m.rfq.is_some()
        && m.auto_kind == "none"
        && matches!(m.direction.as_str(), "inbound" | "internal");
    if !is_quote && !is_rfq {
        return Ok(Outcome::Unlinked);
    }
    if is_quote && let Some(opp) = open_request_of(l, &customer)? {
        attach(l, m, opp, "quote for request")?;
        return Ok(Outcome::Linked);
    }
    let id = l.create(&NewOpportunity {
        title: title_of(&m.subject, &m.subject_norm),
        customer,
        subject_norm: m.subject_norm.clone(),
        created_from: if is_quote { "quote" } else { "rfq" }.to_string(),
        anchor_message: m.id,
        first_seen: m.date.clone().unwrap_or_default(),
    })?;
    attach(
        l,
        m,
        id,
        if is_quote {
            "quote"
        } else {
            "request for quote"
        },
    )?;
    pull_earlier(l, m, id)?;
    l.touch(id);
    Ok(Outcome::Created)
}

/// An open opportunity of this customer that started as a request and has no quote yet.
fn open_request_of(l: &Linker<'_>, customer: &str) -> Result<Option<i64>> {
    for o in l.opportunities_of(customer)? {
        if o.created_from == "rfq" && o.state == "open" && !l.has_quote(o.id)? {
            return Ok(Some(o.id));
        }
    }
    Ok(None)
}

pub(super) fn attach(l: &Linker<'_>, m: &MessageRow, opp: i64, reason: &str) -> Result<()> {
    l.link(m.id, opp, reason)?;
    read_signal(l, m)?;
    add_keys(l, m, opp)?;
    // Messages this one answers that we saw before but could not place join it too.
    for parent in &m.parent_ids {
        if let Some(p) = l.unlinked_message(&parent.to_lowercase())?
            && may_thread(&p)
            && p.direction != "unknown"
        {
            l.link(p.id, opp, "ancestor")?;
            add_keys(l, &p, opp)?;
        }
    }
    l.touch(opp);
    Ok(())
}

/// Reads the closure signal and the language of a message that just joined an opportunity.
fn read_signal(l: &Linker<'_>, m: &MessageRow) -> Result<()> {
    if m.signal.is_some() {
        return Ok(());
    }
    reread(l, m).map(|_| ())
}

/// Reads a linked message's closure signal and language again (with the linker's model);
/// whether the signal changed.
fn reread(l: &Linker<'_>, m: &MessageRow) -> Result<bool> {
    let (Some(text), Some(date)) = (m.new_text.as_deref(), m.date.as_deref()) else {
        return Ok(false);
    };
    let Ok(sent_at) = chrono::DateTime::parse_from_rfc3339(date) else {
        return Ok(false);
    };
    let linked = crate::detect::Linked {
        text,
        subject_norm: &m.subject_norm,
        sent_at,
        direction: &m.direction,
        auto_kind: &m.auto_kind,
        attachment_names: &m.attachments,
        opens_deal: m.rfq.is_some() && m.parent_ids.is_empty(),
    };
    let signal = crate::detect::closure_of(&linked, l.model.as_deref())
        .and_then(|s| serde_json::to_string(&crate::pipeline::StoredSignal::from(&s)).ok());
    let own = text.split(crate::detect::FORWARD_MARK).next().unwrap_or("");
    let lang = crate::detect::lang::detect_language(own);
    let changed = signal != m.signal;
    l.set_reading(m.id, signal.as_deref(), lang)?;
    Ok(changed)
}

/// Reads every linked message's closure signal again with the current model (after
/// `dealwatch train`); returns how many signals changed.
pub fn reread_signals(store: &mut Store) -> Result<usize> {
    let model = store.adapted_model()?.map(std::sync::Arc::new);
    let ids: Vec<i64> = store.opportunities()?.iter().map(|o| o.id).collect();
    let mut changed = 0;
    for chunk in ids.chunks(64) {
        let mut linker = store.linker()?;
        linker.model = model.clone();
        for &id in chunk {
            for m in linker.messages(id)? {
                if reread(&linker, &m)? {
                    changed += 1;
                    linker.touch(id);
                }
            }
        }
        for id in linker.take_touched() {
            refresh(&linker, id)?;
        }
        linker.commit()?;
    }
    Ok(changed)
}

pub(super) fn add_keys(l: &Linker<'_>, m: &MessageRow, opp: i64) -> Result<()> {
    l.add_keys(opp, "msgid", &thread_ids(m))?;
    if m.direction == "outbound" {
        l.add_marks(opp, &m.marks)?;
    }
    if is_external(m) {
        l.add_keys(opp, "ref", &m.refs)?;
        if let Some(k) = subject_key(m) {
            l.add_keys(opp, "subject", &[k])?;
        }
    }
    Ok(())
}

/// Recomputes an opportunity's derived fields from its messages (once per linking chunk, for
/// the opportunities it touched: nothing in linking reads these fields).
pub(super) fn refresh(l: &Linker<'_>, id: i64) -> Result<()> {
    let mut o: OpportunityRow = l.opportunity(id)?;
    let msgs = l.messages(id)?;
    let mut contacts: Vec<String> = Vec::new();
    for m in &msgs {
        if is_external(m) && m.auto_kind == "none" {
            for c in &m.contacts {
                // org_key is the address itself for free mail, so this covers both kinds.
                if !contacts.contains(c) && crate::detect::org::org_key(c, &[]) == o.customer {
                    contacts.push(c.clone());
                }
            }
        }
    }
    o.contacts = contacts;
    if let Some(first) = msgs.iter().filter_map(|m| m.date.clone()).min() {
        o.first_seen = first;
    }
    o.last_inbound_at = msgs
        .iter()
        .filter(|m| m.direction == "inbound" && m.auto_kind == "none")
        .filter_map(|m| m.date.clone())
        .max();
    o.last_outbound_at = msgs
        .iter()
        .filter(|m| m.direction == "outbound" && m.auto_kind == "none")
        .filter_map(|m| m.date.clone())
        .max();
    let quotes: Vec<&MessageRow> = msgs.iter().filter(|m| m.quote.is_some()).collect();
    let mut amount_quoted_at = None;
    if let Some(q) = quotes.iter().rev().find(|q| q.amount.is_some()) {
        o.amount = q.amount;
        o.currency = q.currency.clone();
        amount_quoted_at = q.date.clone();
    }
    if let Some(r) = quotes.iter().rev().find_map(|q| our_ref(&q.refs)) {
        o.quote_ref = Some(r);
    }
    if let Some(anchor) = quotes.first().copied().or(msgs.first()) {
        o.title = title_of(&anchor.subject, &anchor.subject_norm);
    }
    l.update(&o, amount_quoted_at.as_deref())
}

/// Our quote reference among a quote's tokens: letter-prefixed references (`DEV-2026-014`,
/// `Q-10231`) before number-first ones (consultation or order numbers).
fn our_ref(refs: &[String]) -> Option<String> {
    refs.iter()
        .find(|r| r.chars().next().is_some_and(|c| c.is_alphabetic()))
        .or(refs.first())
        .cloned()
}

/// The subject as written, without reply/forward prefixes.
pub fn title_of(subject: &str, subject_norm: &str) -> String {
    let lower = subject.to_lowercase();
    let title = lower
        .rfind(subject_norm)
        .filter(|_| !subject_norm.is_empty() && lower.len() == subject.len())
        .and_then(|pos| subject.get(pos..))
        .unwrap_or(subject)
        .trim();
    if title.is_empty() {
        "(no subject)".to_string()
    } else {
        title.chars().take(200).collect()
    }
}
