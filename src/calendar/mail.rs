//! The invitation mail: `multipart/mixed` holding a `multipart/alternative` (a text/plain
//! summary and the `text/calendar; method=...` part that Outlook, Gmail and Thunderbird show as
//! an invitation) and the same iCalendar text as an `invite.ics` attachment.

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::ics::{self, Method};
use super::slot::Interval;
use super::{CalendarError, Result};
use crate::config::{Config, SmtpConfig};
use crate::smtp::{body_safe, header_safe};
use crate::store::calendar::MeetingRow;

/// The recipients of an invitation: the ATTENDEE addresses of its iCalendar text.
pub fn recipients(ics_text: &str) -> Vec<String> {
    let unfolded = ics_text.replace("\r\n ", "").replace("\r\n\t", "");
    unfolded
        .split("\r\n")
        .filter(|l| l.starts_with("ATTENDEE"))
        .filter_map(|l| l.rsplit_once(":mailto:").map(|x| x.1.to_string()))
        .filter_map(|a| ics::checked_address(&a))
        .collect()
}

fn summary_of(ics_text: &str) -> String {
    let unfolded = ics_text.replace("\r\n ", "").replace("\r\n\t", "");
    unfolded
        .split("\r\n")
        .find_map(|l| l.strip_prefix("SUMMARY:"))
        .map(|s| {
            s.replace("\\,", ",")
                .replace("\\;", ";")
                .replace("\\\\", "\\")
        })
        .unwrap_or_else(|| "Follow-up meeting".to_string())
}

fn local(t: DateTime<Utc>, config: &Config) -> String {
    match config.followup.timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => t
            .with_timezone(&tz)
            .format("%A %Y-%m-%d %H:%M (%Z)")
            .to_string(),
        Err(_) => t.format("%A %Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// The Message-ID of a meeting version's mail: made of the meeting's UID, its sequence and the
/// method, so a retry of the same version carries the same id (a receiving client keeps one).
pub fn invitation_message_id(smtp: &SmtpConfig, m: &MeetingRow, method: Method) -> String {
    let domain = smtp
        .from
        .parse::<Mailbox>()
        .map(|mb| mb.email.domain().to_string())
        .unwrap_or_else(|_| "dealwatch.invalid".to_string());
    let uid: String = m
        .uid
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .take(120)
        .collect();
    format!(
        "<{uid}.{}.{}@{domain}>",
        m.sequence,
        method.as_str().to_ascii_lowercase()
    )
}

/// Builds the invitation (or cancellation) mail of a meeting version.
pub fn invitation(
    smtp: &SmtpConfig,
    config: &Config,
    m: &MeetingRow,
    method: Method,
    slot: Interval,
) -> Result<Message> {
    let build = |e: String| CalendarError::Build(e);
    let from: Mailbox = smtp
        .from
        .parse()
        .map_err(|e| build(format!("smtp.from {:?}: {e}", smtp.from)))?;
    let to = recipients(&m.ics);
    if to.is_empty() {
        return Err(build("no attendee address".into()));
    }
    let summary = header_safe(&summary_of(&m.ics), 150);
    let (subject, intro) = match method {
        Method::Request if m.sequence == 0 => {
            (format!("Invitation: {summary}"), "You are invited to")
        }
        Method::Request => (
            format!("Updated invitation: {summary}"),
            "This meeting was moved:",
        ),
        Method::Cancel => (
            format!("Cancelled: {summary}"),
            "This meeting is cancelled:",
        ),
    };
    let text = body_safe(&format!(
        "{intro}\n\n{summary}\nFrom {} to {}\n\nThe invitation is attached (invite.ics).\n-- \ndealwatch\n",
        local(slot.start, config),
        local(slot.end, config),
    ));
    let calendar_type = ContentType::parse(&format!(
        "text/calendar; charset=utf-8; method={}",
        method.as_str()
    ))
    .map_err(|e| build(e.to_string()))?;
    let ics_type = ContentType::parse("application/ics; name=\"invite.ics\"")
        .map_err(|e| build(e.to_string()))?;
    let mut builder = Message::builder()
        .message_id(Some(invitation_message_id(smtp, m, method)))
        .from(from)
        .subject(subject);
    for addr in &to {
        let mb: Mailbox = addr
            .parse()
            .map_err(|e| build(format!("attendee {addr}: {e}")))?;
        builder = builder.to(mb);
    }
    let body = MultiPart::mixed()
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(calendar_type)
                        .body(m.ics.clone()),
                ),
        )
        .singlepart(Attachment::new("invite.ics".to_string()).body(m.ics.clone(), ics_type));
    builder.multipart(body).map_err(|e| build(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_come_from_attendees_only() {
        let text = "BEGIN:VEVENT\r\nORGANIZER;CN=C:mailto:c@x.fr\r\nATTENDEE;CN=\"A, B\";RSVP=TRUE:mailto:a@x.f\r\n r\r\nATTENDEE:mailto:b@y.fr\r\nEND:VEVENT\r\n";
        assert_eq!(
            recipients(text),
            vec!["a@x.fr".to_string(), "b@y.fr".to_string()]
        );
    }
}
