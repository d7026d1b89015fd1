//! Where mail comes from. A [`MailSource`] yields raw messages in batches; the Maildir and mbox
//! readers here and the IMAP client all implement it, so they feed the same pipeline.

pub mod imap;
pub mod maildir;
pub mod mbox;

/// One message as the source gave it.
#[derive(Debug, Clone)]
pub struct RawMail {
    /// The folder it was found in (`INBOX`, `Sent`, ...).
    pub folder: String,
    /// Where it came from, for logs and warnings: a file path, `file:offset`, or `folder/UID`.
    pub location: String,
    /// The IMAP UID, when the source has one.
    pub uid: Option<u32>,
    /// The message bytes (possibly truncated, see `truncated`).
    pub bytes: Vec<u8>,
    /// Whether `bytes` stops short of the full message (size cap, partial fetch).
    pub truncated: bool,
    /// When the mailbox received it (IMAP INTERNALDATE, Maildir file name or mtime): the
    /// fallback when the Date header is missing or unusable.
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A source's position in one folder, committed with the messages it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderPosition {
    /// The account (or source) name.
    pub account: String,
    /// The folder.
    pub folder: String,
    /// IMAP UIDVALIDITY.
    pub uid_validity: u32,
    /// The highest UID whose message was parsed and committed.
    pub last_uid: u32,
    /// HIGHESTMODSEQ when the server has CONDSTORE.
    pub highest_modseq: Option<u64>,
}

/// Messages to store together, in one transaction.
#[derive(Debug, Default)]
pub struct Batch {
    /// The messages.
    pub mails: Vec<RawMail>,
    /// The position to record once they are stored.
    pub position: Option<FolderPosition>,
}

/// Why a source could not go on.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The path is not a mailbox of the expected kind.
    #[error("{0}")]
    NotAMailbox(String),
    /// A network or protocol failure (IMAP).
    #[error("{0}")]
    Remote(String),
}

/// Something that yields mail in batches.
#[allow(async_fn_in_trait)]
pub trait MailSource {
    /// A short description for logs (`maildir /path`, `imap sales`).
    fn describe(&self) -> String;
    /// How many messages are expected in all, when known (for progress bars).
    fn total_hint(&self) -> Option<u64>;
    /// The next batch, or `None` when the source is exhausted.
    async fn next_batch(&mut self) -> Result<Option<Batch>, SourceError>;
}

/// Largest batch, in messages and in bytes, so memory stays bounded whatever the mailbox size.
pub const BATCH_MESSAGES: usize = 256;
/// See [`BATCH_MESSAGES`].
pub const BATCH_BYTES: usize = 2 * 1024 * 1024;
