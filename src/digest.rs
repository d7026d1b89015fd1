//! The weekly digest (issue 5): one mail per configured recipient list, most actionable first —
//! decisions waiting, deals gone quiet, on-hold deals to revisit, new opportunities, closures
//! and rates, follow-up meetings, the open pipeline.
//!
//! - [`model`] computes what it says from the store at an instant (pure but for reading);
//! - [`render`] turns it into HTML (auto-escaping template) and plain text, [`chart`] into a PNG;
//! - [`schedule`] decides when it is due (pure, DST-correct);
//! - [`run`] records, sends, retries and resends, at most once per digest and week.

pub mod chart;
pub mod links;
pub mod model;
pub mod render;
pub mod run;
pub mod schedule;

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use sha2::{Digest as _, Sha256};

use crate::config::SmtpConfig;
use crate::smtp::{SmtpError, body_safe, header_safe};
use crate::store::StoreError;

pub use model::{Digest, DigestSpec, build};
pub use run::{RunReport, run_due};

/// The Content-ID of the inline chart.
pub const CHART_CID: &str = "pipeline-chart@dealwatch";

/// Why a digest could not be built or sent.
#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The configuration cannot be used for digests.
    #[error("digest: {0}")]
    Config(String),
    /// The template failed.
    #[error("digest: cannot render: {0}")]
    Render(String),
    /// The message could not be built (an address is invalid, ...).
    #[error("digest: cannot build the message: {0}")]
    Message(String),
    /// Sending failed.
    #[error(transparent)]
    Smtp(#[from] SmtpError),
    /// No recorded digest with that id.
    #[error("no digest with id {0}")]
    NoSuchDigest(i64),
}

/// A digest rendered for mail.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Subject.
    pub subject: String,
    /// HTML body (the chart referenced by Content-ID).
    pub html: String,
    /// Plain-text body.
    pub text: String,
    /// The inline PNG chart, when the pipeline has amounts.
    pub chart: Option<Vec<u8>>,
}

/// Renders a digest for mail: subject, HTML, text and chart.
pub fn render_mail(d: &Digest) -> Result<Rendered, DigestError> {
    let chart = chart::pipeline_png(d);
    let src = format!("cid:{CHART_CID}");
    let html = render::html(
        d,
        chart.as_ref().map(|c| render::ChartRef {
            src: &src,
            height: c.height,
        }),
    )?;
    Ok(Rendered {
        subject: render::subject(d),
        html,
        text: render::text(d),
        chart: chart.map(|c| c.png),
    })
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no auto-reply to a digest.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

/// Parses an address for a header: control characters removed first, so nothing untrusted can
/// break a header line or a display name.
pub fn mailbox(addr: &str) -> Result<Mailbox, DigestError> {
    let clean = header_safe(addr, 320);
    let m: Mailbox = clean
        .parse()
        .map_err(|e| DigestError::Message(format!("invalid address {clean:?}: {e}")))?;
    Ok(Mailbox::new(
        m.name
            .map(|n| header_safe(&n, 100))
            .filter(|n| !n.is_empty()),
        m.email,
    ))
}

/// A new Message-ID in the From address's domain, unique per digest record.
pub fn new_message_id(from: &str, name: &str, salt: &str) -> String {
    let domain = mailbox(from)
        .map(|m| m.email.domain().to_string())
        .unwrap_or_else(|_| "dealwatch.invalid".to_string());
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let hash =
        Sha256::digest(format!("{name}\n{salt}\n{nanos}\n{}", std::process::id()).as_bytes());
    let hex: String = hash.iter().take(12).map(|b| format!("{b:02x}")).collect();
    let label: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    format!("<digest.{label}.{hex}@{domain}>")
}

/// The mail for a stored or rendered digest: multipart/alternative with the text and the HTML
/// (multipart/related with the inline chart when there is one), UTF-8, Date at `date`.
pub fn message(
    smtp: &SmtpConfig,
    recipients: &[String],
    message_id: &str,
    r: &Rendered,
    date: DateTime<Utc>,
) -> Result<Message, DigestError> {
    if recipients.is_empty() {
        return Err(DigestError::Message("no recipient".into()));
    }
    let mut b = Message::builder()
        .from(mailbox(&smtp.from)?)
        .subject(header_safe(&r.subject, 200))
        .date(SystemTime::from(date))
        .message_id(Some(header_safe(message_id, 250)))
        .header(AutoSubmitted);
    for to in recipients {
        b = b.to(mailbox(to)?);
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body_safe(&r.text));
    let html = SinglePart::builder()
        .header(ContentType::TEXT_HTML)
        .body(body_safe(&r.html));
    let body = match &r.chart {
        Some(png) => {
            let image = Attachment::new_inline(CHART_CID.to_string()).body(
                png.clone(),
                ContentType::parse("image/png").map_err(|e| DigestError::Message(e.to_string()))?,
            );
            MultiPart::alternative()
                .singlepart(text)
                .multipart(MultiPart::related().singlepart(html).singlepart(image))
        }
        None => MultiPart::alternative().singlepart(text).singlepart(html),
    };
    b.multipart(body)
        .map_err(|e| DigestError::Message(e.to_string()))
}
