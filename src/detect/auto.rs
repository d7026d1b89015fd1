//! Automatic mail: out-of-office replies, bounces, read receipts, bulk mail, calendar
//! invitations, and automated notices (e-signature, portals, ERPs) that may carry a decision.

use std::sync::LazyLock;

use regex::Regex;

use super::Direction;
use crate::mail::Mail;

/// What kind of automatic mail a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoKind {
    /// Written by a person.
    None,
    /// Out-of-office or other auto-reply: never an answer, never evidence.
    AutoReply,
    /// Delivery failure report.
    Bounce,
    /// Read receipt (MDN).
    Receipt,
    /// Newsletters, mailing lists, marketing, notifications.
    Bulk,
    /// A calendar invitation.
    Invitation,
    /// A machine-generated notice that may carry a decision (e-signature, tender portal, ERP).
    Notice,
}

impl AutoKind {
    /// Stable name for storage.
    pub fn as_str(self) -> &'static str {
        match self {
            AutoKind::None => "none",
            AutoKind::AutoReply => "auto_reply",
            AutoKind::Bounce => "bounce",
            AutoKind::Receipt => "receipt",
            AutoKind::Bulk => "bulk",
            AutoKind::Invitation => "invitation",
            AutoKind::Notice => "notice",
        }
    }

    /// Whether a message of this kind counts as someone answering.
    pub fn is_answer(self) -> bool {
        matches!(self, AutoKind::None | AutoKind::Notice)
    }
}

const OOO_SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto-reply",
    "autoreply",
    "auto reply",
    "absence",
    "absent du bureau",
    "réponse automatique",
    "reponse automatique",
    "abwesenheit",
    "abwesend",
    "automatische antwort",
    "fuera de la oficina",
    "respuesta automática",
    "respuesta automatica",
    "fuori ufficio",
    "risposta automatica",
    "congés",
    "on vacation",
    "on leave",
    "on annual leave",
    "i'm away",
    "i am away",
    "away from the office",
    "away:",
    "im urlaub",
    "vacances",
];

static OOO_BODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:i am|i'm|i will be|je suis|je serai|ich bin|ich werde|estoy|estar[ée]|sono|sar[òo])\s+(?:currently\s+|actuellement\s+|derzeit\s+|zurzeit\s+)?(?:out of (?:the )?office|away|on (?:annual |parental |sick )?leave|on holiday|on vacation|absent|absente|en cong[ée]s?|en vacances|en d[ée]placement|nicht im b[üu]ro|au[ßs]er haus|abwesend|im urlaub|fuera de la oficina|de vacaciones|in ferie|assente|fuori ufficio)\b",
    )
    .expect("static regex")
});

/// An out-of-office reply recognised by its text alone: short, and saying the writer is away
/// (some clients send them without any header or subject marker).
fn ooo_body(mail: &Mail) -> bool {
    let text = mail.new_text.trim();
    !text.is_empty()
        && text.chars().count() <= 600
        && OOO_BODY.is_match(text)
        && OOO_RETURN.is_match(text)
}

/// An absence notice says when the writer is back, or that the mail waits for their return:
/// "je suis en déplacement sur un chantier" alone is a person writing, not an auto-reply.
static OOO_RETURN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:until|till|through|back on|back in|back at|on my return|upon my return|return(?:ing)? on|not (?:be )?forwarded|jusqu'?(?:au|à|a|en)|de retour|à mon retour|a mon retour|dès mon retour|bis (?:zum|einschlie|\d)|ab dem|ab \d|zurück|nach meiner rückkehr|hasta el|a mi regreso|fino al|al mio rientro)\b",
    )
    .expect("static regex")
});

const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliverable",
    "undelivered mail",
    "delivery status notification",
    "mail delivery failed",
    "delivery failure",
    "returned mail",
    "non remis",
    "non distribuable",
    "unzustellbar",
    "nicht zustellbar",
];

const RECEIPT_SUBJECTS: &[&str] = &["read:", "lu :", "lu:", "gelesen:", "leído:", "letto:"];

/// Whether an address is a no-reply or robot sender.
pub fn is_noreply(email: &str) -> bool {
    let local = email.split('@').next().unwrap_or("").to_ascii_lowercase();
    let local = local.replace(['-', '_', '.'], "");
    [
        "noreply",
        "donotreply",
        "nepasrepondre",
        "norepl",
        "notification",
        "mailerdaemon",
        "postmaster",
        "bounce",
        "newsletter",
    ]
    .iter()
    .any(|p| local.starts_with(p))
}

fn is_mailer_daemon(email: &str) -> bool {
    let local = email.split('@').next().unwrap_or("").to_ascii_lowercase();
    local == "mailer-daemon" || local == "postmaster"
}

/// Classifies a message by its headers, sender and subject.
pub fn classify(mail: &Mail, direction: Direction) -> AutoKind {
    let subject = mail.subject.to_lowercase();
    let from = mail.from.as_ref().map(|a| a.email.as_str()).unwrap_or("");
    let h = &mail.auto;
    match h.report_type.as_deref() {
        Some("delivery-status") => return AutoKind::Bounce,
        Some("disposition-notification") => return AutoKind::Receipt,
        _ => {}
    }
    if is_mailer_daemon(from) || BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s)) {
        return AutoKind::Bounce;
    }
    if RECEIPT_SUBJECTS.iter().any(|s| subject.starts_with(s)) && mail.new_text.len() < 600 {
        return AutoKind::Receipt;
    }
    let auto_submitted = h.auto_submitted.as_deref().unwrap_or("no");
    if auto_submitted.starts_with("auto-replied")
        || h.x_autoreply
        || OOO_SUBJECTS
            .iter()
            .any(|s| subject_starts_with_marker(&subject, s))
        || (direction == Direction::Inbound && ooo_body(mail))
    {
        return AutoKind::AutoReply;
    }
    // Portals mark their notices "Precedence: bulk" too; newsletters carry list headers.
    let generated = auto_submitted.starts_with("auto-generated");
    if h.list || (!generated && matches!(h.precedence.as_deref(), Some("bulk" | "list" | "junk"))) {
        return AutoKind::Bulk;
    }
    if h.calendar_method.is_some() {
        return AutoKind::Invitation;
    }
    if direction == Direction::Inbound && (auto_submitted != "no" || is_noreply(from)) {
        return AutoKind::Notice;
    }
    AutoKind::None
}

/// Whether an out-of-office marker opens the subject (after any `RE:`-like prefix) or follows
/// a colon, as mail clients write it ("Absence : RE: Devis", "Automatic reply: Quote").
fn subject_starts_with_marker(subject: &str, marker: &str) -> bool {
    let Some(pos) = subject.find(marker) else {
        return false;
    };
    let before = subject[..pos].trim();
    before.is_empty() || before.ends_with(':') || before.len() <= 4
}

#[cfg(test)]
#[path = "auto_tests.rs"]
mod tests;
