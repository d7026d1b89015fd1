//! The owned, normalized message that every later stage reads. Built by [`parse::parse`] from
//! raw bytes; every string is stripped of control characters.

pub mod marks;
pub mod parse;
pub mod pdf;
pub mod slim;
pub mod text;

use chrono::{DateTime, FixedOffset};

/// A mailbox address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    /// Display name, if any.
    pub name: Option<String>,
    /// The address, lowercased.
    pub email: String,
}

impl Address {
    /// The domain part, lowercased ("" when there is none).
    pub fn domain(&self) -> &str {
        self.email.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

/// An attachment's metadata (and its text when cheap to get).
#[derive(Debug, Clone, Default)]
pub struct Attachment {
    /// File name ("" when none was given).
    pub name: String,
    /// MIME type, lowercased, e.g. `application/pdf`.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// Extracted text (PDF), bounded.
    pub text: Option<String>,
}

/// Headers that tell automatic mail apart.
#[derive(Debug, Clone, Default)]
pub struct AutoHeaders {
    /// `Auto-Submitted` value, lowercased.
    pub auto_submitted: Option<String>,
    /// `X-Autoreply` or `X-Autorespond` present.
    pub x_autoreply: bool,
    /// `List-Id` or `List-Unsubscribe` present.
    pub list: bool,
    /// `Precedence` value, lowercased.
    pub precedence: Option<String>,
    /// The `report-type` of a multipart/report (`delivery-status`, `disposition-notification`).
    pub report_type: Option<String>,
    /// A text/calendar part's METHOD (`REQUEST`, ...), when the message carries one.
    pub calendar_method: Option<String>,
    /// `Disposition-Notification-To` present (a read receipt was requested).
    pub wants_receipt: bool,
}

/// A parsed message.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// Message-ID without angle brackets; a `sha256:` hash of the bytes when it had none.
    pub message_id: String,
    /// Whether `message_id` came from the header.
    pub has_message_id: bool,
    /// In-Reply-To ids, without angle brackets.
    pub in_reply_to: Vec<String>,
    /// References ids, without angle brackets, oldest first.
    pub references: Vec<String>,
    /// The Date header, if it was usable.
    pub date: Option<DateTime<FixedOffset>>,
    /// From.
    pub from: Option<Address>,
    /// Reply-To.
    pub reply_to: Option<Address>,
    /// To.
    pub to: Vec<Address>,
    /// Cc.
    pub cc: Vec<Address>,
    /// Subject as written.
    pub subject: String,
    /// Subject without reply/forward prefixes, lowercased.
    pub subject_norm: String,
    /// Whether the subject carries a reply or forward prefix.
    pub subject_is_reply: bool,
    /// The readable text (HTML converted when there is no text part).
    pub text: String,
    /// What the sender wrote in this message: no quoted history, no signature.
    pub new_text: String,
    /// The text of a forwarded message included inline, if any.
    pub forwarded: Option<String>,
    /// The forwarded message's sender address (lowercased), when its headers name it.
    pub forwarded_from: Option<String>,
    /// The forwarded message's subject, when its headers name it.
    pub forwarded_subject: Option<String>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
    /// Headers that mark automatic mail.
    pub auto: AutoHeaders,
    /// Size of the raw message in bytes.
    pub size: usize,
    /// Whether the bytes stopped short of the full message.
    pub truncated: bool,
    /// What was wrong with the message (malformed parts, missing headers...).
    pub defects: Vec<String>,
}

impl Mail {
    /// Every address in To and Cc.
    pub fn recipients(&self) -> impl Iterator<Item = &Address> {
        self.to.iter().chain(self.cc.iter())
    }
}
