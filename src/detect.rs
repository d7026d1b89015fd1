//! Pure per-message classification: [`Mail`] + who we are → [`Facts`]. No I/O, no clock.
//!
//! Direction comes from addresses, not folders. Automatic mail is recognised from headers,
//! senders and subjects. Quotes are outbound, requests for quotes inbound; closure signals are
//! read only in the new text of human (or decision-carrying automated) mail.

pub mod auto;
pub mod closure;
pub mod lang;
pub mod org;
pub mod quote;

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate};
use regex::Regex;

use crate::config::Identity;
use crate::mail::{Address, Mail};
use auto::AutoKind;
use closure::{Author, ClosureInput, ClosureSignal};
use quote::Money;

/// Who sent a message to whom, judged by address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From us to someone outside.
    Outbound,
    /// From outside to us.
    Inbound,
    /// Between our own addresses only.
    Internal,
    /// Sender unknown.
    Unknown,
}

impl Direction {
    /// Stable name for storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "outbound",
            Direction::Inbound => "inbound",
            Direction::Internal => "internal",
            Direction::Unknown => "unknown",
        }
    }
}

/// What detection found in one message.
#[derive(Debug, Clone)]
pub struct Facts {
    /// Direction by address.
    pub direction: Direction,
    /// Automatic mail kind, if any.
    pub auto: AutoKind,
    /// The main outside party: the sender of inbound mail, the first outside recipient of
    /// outbound mail, the customer named in an internal forward of a request.
    pub counterpart: Option<Address>,
    /// The outside party's organisation key (domain, or address for free mail).
    pub org: Option<String>,
    /// Outside addresses involved (From/To/Cc), lowercased.
    pub contacts: Vec<String>,
    /// Reference tokens (quote references, consultation and order numbers) the message names.
    pub refs: Vec<String>,
    /// Our quote: the sentence or attachment that shows it.
    pub quote: Option<String>,
    /// The quote's total, for quotes.
    pub amount: Option<Money>,
    /// A customer's request for a quote: the sentence.
    pub rfq: Option<String>,
    /// For out-of-office replies: the return date named.
    pub ooo_until: Option<NaiveDate>,
    /// Language guess of the new text ("und" until the message joins an opportunity).
    pub lang: &'static str,
}

/// Classifies one message.
pub fn detect(mail: &Mail, identity: &Identity, free_mail: &[String]) -> Facts {
    let from_ours = mail
        .from
        .as_ref()
        .is_some_and(|a| identity.is_ours(&a.email));
    let outside: Vec<&Address> = mail
        .recipients()
        .filter(|a| !identity.is_ours(&a.email))
        .collect();
    let direction = match (&mail.from, from_ours) {
        (None, _) => Direction::Unknown,
        (Some(_), true) if outside.is_empty() => Direction::Internal,
        (Some(_), true) => Direction::Outbound,
        (Some(_), false) => Direction::Inbound,
    };
    let auto = auto::classify(mail, direction);
    // A colleague forwarding an outside party's mail to us passes on that party's words: the
    // forward is read as the party's message (a colleague forwarding the customer's "go" is the
    // customer's "go").
    let carried = (direction == Direction::Internal && auto == AutoKind::None)
        .then(|| carried_sender(mail, identity))
        .flatten();
    let direction = if carried.is_some() {
        Direction::Inbound
    } else {
        direction
    };
    let mut contacts: Vec<String> = mail
        .from
        .iter()
        .chain(mail.recipients())
        .filter(|a| !identity.is_ours(&a.email))
        .map(|a| a.email.clone())
        .collect();
    contacts.dedup();
    if let Some(c) = &carried
        && !contacts.contains(&c.email)
    {
        contacts.push(c.email.clone());
    }
    let mut facts = Facts {
        direction,
        auto,
        counterpart: carried
            .clone()
            .or_else(|| counterpart(mail, direction, &outside)),
        org: None,
        contacts,
        refs: Vec::new(),
        quote: None,
        amount: None,
        rfq: None,
        ooo_until: None,
        // Read when the message joins an opportunity (see `pipeline::link`).
        lang: "und",
    };
    if auto == AutoKind::Bulk || auto == AutoKind::Invitation {
        return facts;
    }
    facts.refs = references(mail, direction);
    match direction {
        Direction::Outbound if auto == AutoKind::None => outbound(mail, &mut facts),
        Direction::Inbound if carried.is_some() => {
            facts.rfq = mail.forwarded.as_deref().and_then(quote::asks_for_quote);
        }
        Direction::Inbound => inbound(mail, &mut facts),
        Direction::Internal => internal(mail, identity, &mut facts),
        _ => {}
    }
    facts.org = facts
        .counterpart
        .as_ref()
        .map(|a| org::org_key(&a.email, free_mail));
    facts
}

fn counterpart(mail: &Mail, direction: Direction, outside: &[&Address]) -> Option<Address> {
    match direction {
        Direction::Outbound => outside.first().map(|a| (*a).clone()),
        Direction::Inbound => {
            let from = mail.from.clone()?;
            // Web forms and no-reply senders put the customer in Reply-To.
            match &mail.reply_to {
                Some(r) if auto::is_noreply(&from.email) || r.domain() == from.domain() => {
                    Some(if auto::is_noreply(&from.email) {
                        r.clone()
                    } else {
                        from
                    })
                }
                _ => Some(from),
            }
        }
        _ => None,
    }
}

/// Reference tokens from the subject, the new text, the forwarded text and attachment names.
fn references(mail: &Mail, direction: Direction) -> Vec<String> {
    let mut refs = quote::find_quote_refs(&mail.subject);
    let mut add = |text: &str| {
        for r in quote::find_quote_refs(text) {
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
    };
    add(&mail.new_text);
    if let Some(f) = &mail.forwarded {
        add(f);
    }
    if let Some(s) = &mail.forwarded_subject {
        add(s);
    }
    for a in &mail.attachments {
        add(&a.name);
        if direction == Direction::Outbound
            && let Some(t) = &a.text
        {
            add(t);
        }
    }
    for extra in quote::po_numbers(&mail.new_text)
        .into_iter()
        .chain(subject_refs(&mail.subject))
        .chain(mail.forwarded_subject.iter().flat_map(|s| subject_refs(s)))
        .chain(labelled_refs(&mail.subject))
        .chain(labelled_refs(&mail.new_text))
    {
        if !refs.contains(&extra) {
            refs.push(extra);
        }
    }
    refs
}

static LABELLED_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:consultation|march[ée]|appel d'offres|avis|tender|rfp|rfq|ausschreibung|vergabe|licitaci[óo]n|gara|dossier|affaire|projet|project|envelope|enveloppe)[ \t]*(?:n°|n[o°º]\.?|nr\.?|#|:|ref\.?|réf\.?)?[ \t]*:?[ \t]*((?-i:[A-Z0-9])[A-Z0-9\-/._]{2,30}[0-9])(?-u:\b)",
    )
    .expect("static regex")
});

static QUOTE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:devis|offres?|offerte|offert|quotes?|quotation|offers?|proposals?|proposition|angebot|presupuesto|propuesta|preventivo|offerta|cotation|chiffrage|estimate|kostenvoranschlag)(?-u:\b)")
        .expect("static regex")
});

static GENERIC_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)[A-Z]{1,6}[-/]?[0-9]{2,6}(?:[-/][0-9]{1,6}){0,2}(?:[-/][A-Z]{1,3})?(?-u:\b)",
    )
    .expect("static regex")
});

/// Standards and norms that look like references ("EN 12464", "ISO-9001").
const NORMS: &[&str] = &[
    "EN", "ISO", "DIN", "NF", "IEC", "RT", "UTE", "CE", "IP", "RAL", "UGR", "CRI", "IRC",
];

/// A company's own reference numbers in a subject that speaks of a quote ("Offerte
/// AN-2026/128 - Kühlzellen"), whatever their prefix.
fn subject_refs(subject: &str) -> Vec<String> {
    if !QUOTE_WORD.is_match(subject) {
        return Vec::new();
    }
    GENERIC_REF
        .find_iter(subject)
        .map(|m| m.as_str().to_string())
        .filter(|r| r.chars().filter(|c| c.is_ascii_digit()).count() >= 3)
        .filter(|r| {
            let prefix: String = r.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            !NORMS.contains(&prefix.as_str())
        })
        .collect()
}

/// Reference numbers introduced by a label ("consultation n° 2025-MAPA-019", "tender ref
/// T-2291"): how portals and buyers key their notices when our quote number is absent.
fn labelled_refs(text: &str) -> Vec<String> {
    LABELLED_REF
        .captures_iter(text)
        .take(20)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().trim_end_matches(['.', '-', '/']).to_uppercase())
        .filter(|r| r.chars().any(|c| c.is_ascii_digit()) && r.len() >= 5)
        .filter(|r| r.chars().filter(|c| c.is_ascii_digit()).count() >= 3)
        .collect()
}

/// Attachments that no genuine buyer sends and phishing "requests for quotation" do: web
/// pages and executables posing as documents.
fn suspicious_attachment(mail: &Mail) -> bool {
    const RISKY: &[&str] = &[
        ".htm", ".html", ".shtml", ".xhtml", ".js", ".exe", ".scr", ".bat", ".cmd", ".vbs", ".iso",
        ".img", ".lnk", ".hta", ".jar",
    ];
    mail.attachments.iter().any(|a| {
        let name = a.name.to_lowercase();
        RISKY.iter().any(|ext| name.ends_with(ext))
            || (a.content_type == "text/html" && !name.is_empty())
    })
}

static QUOTE_MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:notre|nos|our|unser[a-z]*|nuestr[oa]|il nostro|la nostra|ci-joint|attached|anbei)\s+(?:[\w'’-]+\s+){0,2}(?:devis|offre|proposition|quote|quotation|offer|proposal|angebot|presupuesto|propuesta|preventivo|offerta)(?-u:\b)",
    )
    .expect("static regex")
});

/// A quote announced without attachment or amount: a fresh (non-reply) mail whose subject
/// names a quote reference, or text saying "our quote Q-10270 …" next to a reference.
fn announced_quote(mail: &Mail, refs: &[String]) -> Option<String> {
    let lettered = |r: &String| r.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let subject_refs = quote::find_quote_refs(&mail.subject);
    if !mail.subject_is_reply
        && subject_refs.iter().any(lettered)
        && QUOTE_MENTION.is_match(&format!("our {}", mail.subject))
    {
        return Some(format!("quote announced: {}", mail.subject));
    }
    let m = QUOTE_MENTION.find(&mail.new_text)?;
    let near = mail
        .new_text
        .get(m.start()..(m.end() + 40).min(mail.new_text.len()))
        .or_else(|| mail.new_text.get(m.start()..))?;
    refs.iter()
        .filter(|r| lettered(r))
        .find(|r| near.to_uppercase().contains(r.as_str()))
        .map(|r| format!("quote {r} announced"))
}

fn outbound(mail: &Mail, facts: &mut Facts) {
    // We asking someone for prices is a purchase, not a quote of ours.
    let fresh_subject_asks =
        !mail.subject_is_reply && quote::asks_for_quote(&mail.subject).is_some();
    if quote::asks_for_quote(&mail.new_text).is_some() || fresh_subject_asks {
        return;
    }
    let quote_file = mail
        .attachments
        .iter()
        .find(|a| quote::is_quote_attachment(&a.name));
    let presents = quote::presents_quote(&mail.new_text);
    let body_amount = quote::quote_amount(&mail.new_text);
    facts.quote = match (quote_file, &presents) {
        (Some(a), _) => Some(format!("attached quote {}", a.name)),
        (None, Some(s)) => Some(s.clone()),
        (None, None)
            if body_amount.is_some() && !facts.refs.is_empty() && !mail.subject_is_reply =>
        {
            Some(format!("quote {} with its amount", facts.refs[0]))
        }
        _ => announced_quote(mail, &facts.refs),
    };
    if facts.quote.is_some() {
        // The attached quote document is the quote; the mail body summarises it.
        let document = mail
            .attachments
            .iter()
            .filter(|a| quote::is_quote_attachment(&a.name))
            .find_map(|a| a.text.as_deref().and_then(quote::quote_amount));
        let any_pdf = || {
            mail.attachments
                .iter()
                .find_map(|a| a.text.as_deref().and_then(quote::quote_amount))
        };
        facts.amount = document.or(body_amount).or_else(any_pdf);
    }
}

fn inbound(mail: &Mail, facts: &mut Facts) {
    match facts.auto {
        AutoKind::None if suspicious_attachment(mail) => {}
        AutoKind::None => {
            // A reply's subject is usually ours: only a fresh subject can carry the request.
            facts.rfq = quote::asks_for_quote(&mail.new_text).or_else(|| {
                (!mail.subject_is_reply)
                    .then(|| quote::asks_for_quote(&mail.subject))
                    .flatten()
            });
        }
        AutoKind::AutoReply => {
            if let Some(date) = mail.date {
                facts.ooo_until = closure::out_of_office_return(&mail.text, date);
            }
        }
        _ => {}
    }
}

/// The outside sender of the message a colleague forwards, when its header block names one
/// (not us, not a no-reply robot).
fn carried_sender(mail: &Mail, identity: &Identity) -> Option<Address> {
    let email = mail.forwarded_from.as_deref()?;
    (mail.forwarded.is_some() && !identity.is_ours(email) && !auto::is_noreply(email)).then(|| {
        Address {
            name: None,
            email: email.to_string(),
        }
    })
}

/// An internal forward of a customer's request (a web form, a mail sent to a shared address).
fn internal(mail: &Mail, identity: &Identity, facts: &mut Facts) {
    let Some(fwd) = &mail.forwarded else { return };
    let Some(rfq) = quote::asks_for_quote(fwd) else {
        return;
    };
    let customer = org::emails_in(fwd)
        .into_iter()
        .find(|e| !identity.is_ours(e) && !auto::is_noreply(e));
    if let Some(email) = customer {
        facts.rfq = Some(rfq);
        facts.contacts.push(email.clone());
        facts.counterpart = Some(Address { name: None, email });
    }
}

/// What the closure detector needs of a stored message. Closure signals are read only for
/// messages that belong to an opportunity (at link time): a personal mail is never analysed,
/// and a large mailbox is scanned faster.
pub struct Linked<'a> {
    /// The stored text: the new text, then the forwarded part after [`FORWARD_MARK`].
    pub text: &'a str,
    /// Normalized subject.
    pub subject_norm: &'a str,
    /// When it was written.
    pub sent_at: DateTime<FixedOffset>,
    /// Direction name (`inbound`, `outbound`...).
    pub direction: &'a str,
    /// Automatic-mail kind name (`none`, `notice`...).
    pub auto_kind: &'a str,
    /// Attachment file names.
    pub attachment_names: &'a [String],
    /// Whether it is a customer's first request for a quote (not a reply): the start of a deal
    /// carries no decision about it, only keep-open evidence.
    pub opens_deal: bool,
}

/// Separates a message's own text from the forwarded text in the stored form.
pub const FORWARD_MARK: &str = "\n\n[forwarded]\n";

/// Builds the closure detector's largest pattern sets ahead of need. They are compiled on first
/// use, which otherwise falls on the linking pass that ends a scan, after every message is read;
/// a scan calls this on a spare thread while it reads. It compiles without searching: a search
/// would leave that thread's matching caches in memory beside the linking thread's own.
pub fn warm_up() {
    closure::build_patterns();
}

/// The closure signal of a message linked to an opportunity: the customer's words (their own
/// and what they forward), our reports of their decision, or an automated notice's verdict.
///
/// `model` reads the customer's words: the user's adapted model, or the shipped one (`None`).
pub fn closure_of(m: &Linked<'_>, model: Option<&closure::Model>) -> Option<ClosureSignal> {
    let model = model.unwrap_or_else(|| closure::shipped_model());
    let own = m.text.split(FORWARD_MARK).next().unwrap_or("");
    let input = |author, new_text| ClosureInput {
        new_text,
        subject: m.subject_norm,
        sent_at: m.sent_at,
        author,
        attachment_names: m.attachment_names,
    };
    match (m.direction, m.auto_kind) {
        ("outbound", "none") => closure::detect_closure(&input(Author::Us, own)),
        ("inbound", "none") => {
            let all = m.text.replace(FORWARD_MARK, "\n\n");
            closure::detect_closure_with(&input(Author::Customer, &all), model)
                .filter(|s| !m.opens_deal || s.decision == closure::Decision::KeepOpen)
        }
        ("inbound", "notice") => {
            // A notice the rules do not know (a portal's award, an ERP's order) is read like a
            // customer's words: it reports the customer's decision in plain language.
            closure::detect_closure(&input(Author::Notice, m.text))
                .or_else(|| closure::detect_closure_with(&input(Author::Customer, m.text), model))
        }
        _ => None,
    }
}
