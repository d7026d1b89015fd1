//! Bytes → [`Mail`] with mail-parser. Never panics, best effort: what is wrong is recorded in
//! `Mail::defects` and the message is kept, degraded, so it is not fetched again.

use chrono::{DateTime, FixedOffset, NaiveDate};
use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use super::text::{
    html_to_text, normalize_subject, split_quoted, split_quoted_with_subject, strip_controls,
};
use super::{Address, Attachment, AutoHeaders, Mail};

/// Longest readable text kept per message, in bytes.
const MAX_TEXT: usize = 256 * 1024;
/// PDFs up to this size have their text extracted.
const MAX_PDF: usize = 2 * 1024 * 1024;
/// Longest attachment text kept, in characters.
const MAX_PDF_TEXT: usize = 20_000;

/// The identity of a message without a Message-ID: a hash of its bytes.
pub fn content_id(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Every header field dealwatch reads: those the parser parses (addresses, date, subject,
/// message ids, MIME), the automatic-mail headers and the bulk-mail ones ([`looks_bulk`]). An
/// IMAP scan fetches only these (see `source::imap::fetch`).
pub const READ_HEADERS: &[&str] = &[
    "From",
    "Sender",
    "Reply-To",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "List-Id",
    "List-Unsubscribe",
    "Precedence",
    "Disposition-Notification-To",
];

/// The parser, reading only the headers dealwatch uses: addresses, date, subject, message ids
/// and the MIME headers. The others (Received chains, DKIM and ARC signatures, list headers...)
/// are skipped, not parsed; `header_raw` still finds them.
static PARSER: std::sync::LazyLock<MessageParser> = std::sync::LazyLock::new(|| {
    use mail_parser::HeaderName as H;
    MessageParser::new()
        .with_mime_headers()
        .with_message_ids()
        .header_date(H::Date)
        .header_text(H::Subject)
        .header_address(H::From)
        .header_address(H::Sender)
        .header_address(H::ReplyTo)
        .header_address(H::To)
        .header_address(H::Cc)
        .default_header_ignore()
});

/// Whether the text of attached documents (PDFs) is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Documents {
    /// Read the documents [`attachment_text_wanted`] accepts.
    Read,
    /// Read none: every large attachment body is left out before parsing.
    Skip,
}

/// Parses one message, reading attached documents. `truncated` says the bytes stop short of the
/// full message.
pub fn parse(bytes: &[u8], truncated: bool) -> Mail {
    parse_with(bytes, truncated, Documents::Read)
}

/// Parses one message; `documents` says whether attached PDFs are read. Only our own quotes
/// need their documents, so the scan first parses without them and parses again when the
/// message turns out to be ours and to carry one.
pub fn parse_with(bytes: &[u8], truncated: bool, documents: Documents) -> Mail {
    let mut mail = Mail {
        size: bytes.len(),
        truncated,
        ..Mail::default()
    };
    if truncated {
        mail.defects
            .push("message truncated at the size cap".into());
    }
    // Bulk mail (lists, newsletters) never serves an opportunity: its header is all we read,
    // which spares decoding large HTML bodies and images.
    // Other mail is parsed without the bodies of attachments whose content is not read.
    let parser = &*PARSER;
    let slimmed;
    let parsed = if looks_bulk(bytes) {
        parser.parse_headers(bytes)
    } else {
        slimmed = match documents {
            Documents::Read => super::slim::slim(bytes, attachment_text_wanted),
            Documents::Skip => super::slim::slim(bytes, |_, _, _| false),
        };
        parser.parse(&slimmed[..])
    };
    let Some(msg) = parsed else {
        mail.defects.push("not a parsable message".into());
        mail.message_id = content_id(bytes);
        return mail;
    };
    read_ids(&msg, bytes, &mut mail);
    read_date(&msg, &mut mail);
    mail.from = msg.from().and_then(|a| a.first()).and_then(to_address);
    mail.reply_to = msg.reply_to().and_then(|a| a.first()).and_then(to_address);
    mail.to = msg.to().map(addresses).unwrap_or_default();
    mail.cc = msg.cc().map(addresses).unwrap_or_default();
    if mail.from.is_none() {
        mail.defects.push("no usable From".into());
    }
    mail.subject = one_line(msg.subject().unwrap_or(""));
    mail.subject_norm = normalize_subject(&mail.subject);
    let plain = mail
        .subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    mail.subject_is_reply = mail.subject_norm != plain;
    mail.auto = auto_headers(&msg);
    let generated = mail
        .auto
        .auto_submitted
        .as_deref()
        .is_some_and(|a| a.starts_with("auto-generated"));
    let bulk = mail.auto.list
        || (!generated
            && matches!(
                mail.auto.precedence.as_deref(),
                Some("bulk" | "list" | "junk")
            ));
    read_attachments(&msg, !bulk, documents == Documents::Read, &mut mail);
    if !bulk {
        read_text(&msg, &mut mail);
    }
    mail
}

/// A cheap look at the raw header block for list headers or `Precedence: bulk` (without
/// `Auto-Submitted: auto-generated`, which portals set on notices that carry decisions). Such
/// mail is read for its header only, here and by the IMAP client.
pub fn looks_bulk(bytes: &[u8]) -> bool {
    let window = &bytes[..bytes.len().min(64 * 1024)];
    let end = [&b"\n\n"[..], b"\n\r\n"]
        .iter()
        .filter_map(|sep| memchr::memmem::find(window, sep))
        .min()
        .unwrap_or(window.len());
    let mut head = Vec::with_capacity(end + 1);
    head.push(b'\n');
    head.extend(window[..end].iter().map(u8::to_ascii_lowercase));
    let has = |needle: &[u8]| memchr::memmem::find(&head, needle).is_some();
    let list = has(b"\nlist-unsubscribe:") || has(b"\nlist-id:");
    let bulk =
        has(b"\nprecedence: bulk") || has(b"\nprecedence: list") || has(b"\nprecedence: junk");
    list || (bulk && !has(b"\nauto-submitted: auto-generated"))
}

fn read_ids(msg: &mail_parser::Message<'_>, bytes: &[u8], mail: &mut Mail) {
    let raw_id = msg.header_raw("Message-ID").map(str::trim);
    let id = msg
        .message_id()
        .map(str::to_string)
        .or_else(|| raw_id.and_then(|r| ids_from_raw(r).into_iter().next()))
        .map(|s| strip_controls(&s).trim().to_string())
        .filter(|s| !s.is_empty());
    match id {
        Some(id) => {
            mail.message_id = id;
            mail.has_message_id = true;
        }
        None => {
            mail.message_id = content_id(bytes);
            mail.defects.push("no Message-ID".into());
        }
    }
    mail.in_reply_to = ids(msg.in_reply_to(), msg.header_raw("In-Reply-To"));
    mail.references = ids(msg.references(), msg.header_raw("References"));
}

/// Message ids from a parsed header, falling back to the raw text (ids without brackets).
fn ids(value: &HeaderValue<'_>, raw: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    if out.is_empty()
        && let Some(raw) = raw
    {
        out = ids_from_raw(raw);
    }
    out.into_iter()
        .map(|s| {
            strip_controls(&s)
                .trim()
                .trim_matches(['<', '>'])
                .to_string()
        })
        .filter(|s| !s.is_empty() && s.len() < 1000)
        .collect()
}

fn ids_from_raw(raw: &str) -> Vec<String> {
    raw.split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| t.trim_matches(['<', '>']))
        .filter(|t| t.contains('@'))
        .map(str::to_string)
        .collect()
}

fn read_date(msg: &mail_parser::Message<'_>, mail: &mut Mail) {
    match msg.date() {
        Some(d) => {
            mail.date = to_chrono(d);
            if mail.date.is_none() {
                mail.defects.push("unusable Date".into());
            }
        }
        None => mail.defects.push("no Date".into()),
    }
}

fn to_chrono(d: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    if !d.is_valid() {
        return None;
    }
    let secs = i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60;
    let zone = FixedOffset::east_opt(if d.tz_before_gmt { -secs } else { secs })?;
    let date = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))?;
    let naive = date.and_hms_opt(u32::from(d.hour), u32::from(d.minute), u32::from(d.second))?;
    naive.and_local_timezone(zone).single()
}

fn to_address(a: &mail_parser::Addr<'_>) -> Option<Address> {
    let email = strip_controls(a.address.as_deref()?).trim().to_lowercase();
    if email.is_empty() {
        return None;
    }
    let name = a.name.as_deref().map(one_line).filter(|n| !n.is_empty());
    Some(Address { name, email })
}

fn addresses(a: &mail_parser::Address<'_>) -> Vec<Address> {
    a.iter().filter_map(to_address).take(200).collect()
}

fn one_line(s: &str) -> String {
    strip_controls(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn auto_headers(msg: &mail_parser::Message<'_>) -> AutoHeaders {
    let lower = |name: &str| msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let root_ct = msg.root_part().content_type();
    let report_type = root_ct
        .filter(|ct| {
            ct.ctype().eq_ignore_ascii_case("multipart")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        })
        .map(|ct| {
            ct.attribute("report-type")
                .unwrap_or("unknown")
                .to_ascii_lowercase()
        });
    let calendar_method = msg.parts.iter().find_map(|p| {
        let ct = p.content_type()?;
        (ct.ctype().eq_ignore_ascii_case("text")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("calendar")))
        .then(|| {
            ct.attribute("method")
                .unwrap_or("PUBLISH")
                .to_ascii_uppercase()
        })
    });
    AutoHeaders {
        auto_submitted: lower("Auto-Submitted"),
        // Not X-Auto-Response-Suppress: notifications set it to avoid auto-replies, it does
        // not mark an auto-reply.
        x_autoreply: ["X-Autoreply", "X-Autorespond"]
            .iter()
            .any(|h| msg.header_raw(*h).is_some()),
        list: msg.header_raw("List-Id").is_some() || msg.header_raw("List-Unsubscribe").is_some(),
        precedence: lower("Precedence"),
        report_type,
        calendar_method,
        wants_receipt: msg.header_raw("Disposition-Notification-To").is_some(),
    }
}

fn read_attachments(
    msg: &mail_parser::Message<'_>,
    want_text: bool,
    documents: bool,
    mail: &mut Mail,
) {
    for part in msg.attachments().take(100) {
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
                None => ct.ctype().to_ascii_lowercase(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let name = one_line(part.attachment_name().unwrap_or(""));
        // A body left out by the slimming pass carries its size in a header.
        let omitted = super::slim::omitted_size(part);
        let mut att = Attachment {
            size: omitted.unwrap_or(part.len()),
            text: None,
            name,
            content_type,
        };
        if want_text && documents && omitted.is_none() {
            att.text = attachment_text(part, &att);
        }
        if want_text
            && let PartType::Message(inner) = &part.body
            && mail.forwarded.is_none()
            && let Some(t) = inner.body_text(0)
        {
            let seg = split_quoted(&strip_controls(&t));
            mail.forwarded = Some(seg.new_text);
            mail.forwarded_from = inner
                .from()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .map(|a| a.to_lowercase());
            mail.forwarded_subject = inner.subject().map(str::to_string);
        }
        mail.attachments.push(att);
    }
}

/// Whether an attachment's text is read: PDFs only, and only small ones unless the name says
/// it is a quote. Quote documents are small; large PDFs (brochures, plans, scans) are not read.
pub fn attachment_text_wanted(content_type: &str, name: &str, size: usize) -> bool {
    let is_pdf = content_type == "application/pdf" || name.to_lowercase().ends_with(".pdf");
    let limit = if crate::detect::quote::is_quote_attachment(name) {
        MAX_PDF
    } else {
        MAX_PDF / 8
    };
    is_pdf && size <= limit
}

fn attachment_text(part: &mail_parser::MessagePart<'_>, att: &Attachment) -> Option<String> {
    if !attachment_text_wanted(&att.content_type, &att.name, att.size) {
        return None;
    }
    let text = super::pdf::pdf_text(part.contents(), MAX_PDF_TEXT);
    let text = strip_controls(&text);
    (!text.trim().is_empty()).then_some(text)
}

fn read_text(msg: &mail_parser::Message<'_>, mail: &mut Mail) {
    let mut text = String::new();
    for part in msg.text_bodies().take(4) {
        let piece = match &part.body {
            PartType::Text(t) => strip_controls(t),
            PartType::Html(h) => html_to_text(&strip_controls(h)),
            _ => continue,
        };
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&piece);
        if text.len() > MAX_TEXT {
            break;
        }
    }
    if text.len() > MAX_TEXT {
        let mut cut = MAX_TEXT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        mail.defects.push("text truncated".into());
    }
    let seg = split_quoted_with_subject(&text, &mail.subject);
    mail.new_text = seg.new_text;
    if seg.forwarded.is_some() {
        mail.forwarded = seg.forwarded;
        mail.forwarded_from = seg.forwarded_from;
        mail.forwarded_subject = seg.forwarded_subject;
    }
    mail.text = text;
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
