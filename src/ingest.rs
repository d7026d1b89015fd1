//! The scan: drives a [`MailSource`] through parse → detect → store, then links what is new.
//! Memory stays bounded: one batch of raw messages at a time.

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::Identity;
use crate::detect::{self, Facts};
use crate::mail::{Mail, parse};
use crate::pipeline::link::{LinkStats, link_pending};
use crate::source::{MailSource, RawMail, SourceError};
use crate::store::{NewMessage, Store, StoreError};

/// Why a scan stopped.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The source failed.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a scan did.
#[derive(Debug, Default, Clone, Copy)]
pub struct ScanStats {
    /// Messages read from the source.
    pub read: usize,
    /// Messages skipped because their location was already stored.
    pub known: usize,
    /// Messages newly stored.
    pub stored: usize,
    /// Messages stored with defects.
    pub degraded: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Linking.
    pub link: LinkStats,
}

impl ScanStats {
    /// Counts a stored batch: (messages stored, of which degraded).
    fn count_written(&mut self, (stored, degraded): (usize, usize)) {
        self.stored += stored;
        self.degraded += degraded;
    }
}

/// Options for a scan.
pub struct ScanOptions<'a> {
    /// Who we are.
    pub identity: &'a Identity,
    /// Extra free-mail domains.
    pub free_mail: &'a [String],
    /// The source's name in the database (`maildir`, `mbox`, or the account name).
    pub source_name: &'a str,
    /// "Now", for the positions' timestamps and for future-dated mail.
    pub now: DateTime<Utc>,
    /// Show a progress bar (when stderr is a terminal and the scan is long).
    pub progress: bool,
    /// Parse on a worker thread while the source reads the next batch and the store writes
    /// parsed ones in order. Off, everything runs on the calling thread.
    pub parse_thread: bool,
    /// With the parse thread, also build the linking pass's patterns on a spare thread while
    /// reading. Worth it for a network source, where the CPU waits on the server; a local scan
    /// keeps the CPU busy already, and the patterns would only raise its peak memory.
    pub warm_patterns: bool,
}

/// The identity key of a stored message: lowercased Message-ID, or the content hash.
pub fn message_key(mail: &Mail) -> String {
    mail.message_id.to_lowercase()
}

/// Converts a parsed message and its facts into a row to store.
pub fn to_row(raw: &RawMail, mail: &Mail, facts: &Facts, now: DateTime<Utc>) -> NewMessage {
    let mut defects = mail.defects.clone();
    let date = match (mail.date, raw.received_at) {
        (Some(d), _) if d.with_timezone(&Utc) <= now + chrono::Duration::days(2) => {
            Some(d.with_timezone(&Utc))
        }
        (Some(_), received) => {
            defects.push("Date in the future; using the delivery time".into());
            received.or(Some(now))
        }
        (None, received) => received,
    };
    let keeps_text = facts.auto.is_answer() && facts.direction != detect::Direction::Unknown;
    // Notices (e-signature, portals, ERPs) are read whole: they have no quoted history.
    let mut new_text =
        if facts.auto == crate::detect::auto::AutoKind::Notice && mail.new_text.is_empty() {
            mail.text.clone()
        } else {
            mail.new_text.clone()
        };
    if let Some(f) = &mail.forwarded {
        new_text.push_str(detect::FORWARD_MARK);
        new_text.push_str(f);
    }
    let mut parent_ids: Vec<String> = mail.in_reply_to.iter().map(|s| s.to_lowercase()).collect();
    for r in mail.references.iter().rev() {
        let r = r.to_lowercase();
        if !parent_ids.contains(&r) {
            parent_ids.push(r);
        }
    }
    parent_ids.truncate(50);
    // Marks: of what we write, to know a reply that quotes it; of what a customer's reply
    // quotes, to find the message of ours it answers.
    let marks = match (facts.direction, facts.auto.is_answer()) {
        (detect::Direction::Outbound, true) => {
            crate::mail::marks::marks(&mail.new_text, "", crate::mail::marks::OURS)
        }
        (detect::Direction::Inbound, true) => {
            crate::mail::marks::marks(&mail.text, &mail.new_text, crate::mail::marks::THEIRS)
        }
        _ => Vec::new(),
    };
    NewMessage {
        marks,
        key: message_key(mail),
        message_id: mail.message_id.clone(),
        has_message_id: mail.has_message_id,
        date: date.map(|d| d.to_rfc3339()),
        date_ts: date.map(|d| d.timestamp()).unwrap_or(0),
        from_addr: mail
            .from
            .as_ref()
            .map(|a| a.email.clone())
            .unwrap_or_default(),
        from_name: mail
            .from
            .as_ref()
            .and_then(|a| a.name.clone())
            .unwrap_or_default(),
        subject: mail.subject.clone(),
        subject_norm: mail.subject_norm.clone(),
        direction: facts.direction.as_str().to_string(),
        auto_kind: facts.auto.as_str().to_string(),
        org: facts.org.clone(),
        counterpart: facts.counterpart.as_ref().map(|a| a.email.clone()),
        contacts: facts.contacts.clone(),
        parent_ids,
        refs: facts.refs.clone(),
        quote: facts.quote.clone(),
        amount: facts.amount.as_ref().map(|m| m.value),
        currency: facts.amount.as_ref().map(|m| m.currency.to_string()),
        rfq: facts.rfq.clone(),
        signal: None,
        attachments: mail
            .attachments
            .iter()
            .map(|a| a.name.clone())
            .filter(|n| !n.is_empty())
            .collect(),
        ooo_until: facts.ooo_until.map(|d| d.to_string()),
        lang: facts.lang.to_string(),
        new_text: keeps_text.then_some(new_text),
        defects,
        size: mail.size as i64,
    }
}

/// The stable location key of a raw message: for Maildir files, the unique part of the name
/// (flags after `:` change when a client marks the message).
fn location_key(raw: &RawMail) -> String {
    if raw.uid.is_some() {
        return raw.location.clone();
    }
    let name = raw.location.rsplit('/').next().unwrap_or(&raw.location);
    if raw.location.contains(":") && !raw.location.contains(".mbox:") {
        name.split(':').next().unwrap_or(name).to_string()
    } else {
        raw.location.clone()
    }
}

/// Scans a source to its end, then links new messages to opportunities.
///
/// Each batch commits in one transaction with the source position it covers, in source order;
/// when the source fails, the batches already read are still stored before the error returns.
pub async fn scan<S: MailSource>(
    source: &mut S,
    store: &mut Store,
    opts: &ScanOptions<'_>,
) -> Result<ScanStats, IngestError> {
    let mut stats = ScanStats::default();
    let bar = progress_bar(source.total_hint(), opts.progress);
    if opts.parse_thread {
        scan_pipelined(source, store, opts, &mut stats, &bar).await?;
    } else {
        while let Some(batch) = source.next_batch().await? {
            let job = new_mails(batch, store, opts, &mut stats, &bar)?;
            let rows = rows_of(&job, opts);
            let written = write_rows(store, opts.source_name, opts.now, &job, &rows)?;
            stats.count_written(written);
        }
    }
    bar.finish_and_clear();
    stats.link = link_pending(store)?;
    Ok(stats)
}

/// A batch's messages not stored yet, with their location keys, and its position.
struct Job {
    mails: Vec<(RawMail, String)>,
    position: Option<crate::source::FolderPosition>,
}

/// Counts a batch and drops the messages whose location is already stored.
fn new_mails(
    batch: crate::source::Batch,
    store: &Store,
    opts: &ScanOptions<'_>,
    stats: &mut ScanStats,
    bar: &ProgressBar,
) -> Result<Job, IngestError> {
    let mut mails = Vec::with_capacity(batch.mails.len());
    for raw in batch.mails {
        stats.read += 1;
        stats.bytes += raw.bytes.len() as u64;
        bar.inc(1);
        let loc = location_key(&raw);
        if store.knows_location(opts.source_name, &raw.folder, &loc)? {
            stats.known += 1;
            continue;
        }
        mails.push((raw, loc));
    }
    Ok(Job {
        mails,
        position: batch.position,
    })
}

/// The rows of a batch's messages: (folder, location, row).
fn rows_of(job: &Job, opts: &ScanOptions<'_>) -> Rows {
    job.mails
        .iter()
        .map(|(raw, loc)| (raw.folder.clone(), loc.clone(), row_of(raw, opts)))
        .collect()
}

/// The row for one message; a message that made the reader panic is stored degraded.
fn row_of(raw: &RawMail, opts: &ScanOptions<'_>) -> NewMessage {
    read_one(raw, opts).unwrap_or_else(|| {
        tracing::warn!(location = %raw.location, "internal error while reading this message; stored as degraded");
        degraded_row(raw)
    })
}

/// Stores a batch's rows with its position in one transaction; returns (stored, degraded).
fn write_rows(
    store: &mut Store,
    source_name: &str,
    now: DateTime<Utc>,
    job: &Job,
    rows: &[(String, String, NewMessage)],
) -> Result<(usize, usize), StoreError> {
    let mut degraded = 0;
    for ((raw, _), (_, _, row)) in job.mails.iter().zip(rows) {
        if row.defects.len() > usize::from(raw.truncated) {
            degraded += 1;
            tracing::debug!(location = %raw.location, defects = ?row.defects, "degraded message");
        }
    }
    let stored = store.insert_batch(source_name, rows, job.position.as_ref(), now)?;
    Ok((stored, degraded))
}

/// A batch's rows: (folder, location, row).
type Rows = Vec<(String, String, NewMessage)>;

/// Batches read from the source and not yet stored, at most.
const IN_FLIGHT: usize = 3;

/// What the scan threads hand back for a batch.
enum Parsed {
    /// The rows, for the calling thread to store.
    Rows(Job, Rows),
    /// Stored by the worker on its own connection: (stored, degraded).
    Stored(Result<(usize, usize), StoreError>),
}

/// The scan with parsing on a worker thread: the source reads the next batch while the previous
/// one is parsed and stored, in source order. With a database file the worker also stores, on
/// its own connection, so reading the source never waits for a commit; an in-memory database is
/// written by the calling thread. At most [`IN_FLIGHT`] batches are in flight, so memory stays
/// bounded.
/// (A second parsing worker gained nothing measurable on the 2-core bench host, where Dovecot
/// shares the cores, and raised the peak memory by 8 MiB.)
async fn scan_pipelined<S: MailSource>(
    source: &mut S,
    store: &mut Store,
    opts: &ScanOptions<'_>,
    stats: &mut ScanStats,
    bar: &ProgressBar,
) -> Result<(), IngestError> {
    use futures::StreamExt;

    let (job_tx, job_rx) = std::sync::mpsc::sync_channel::<Job>(IN_FLIGHT);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<Parsed>(IN_FLIGHT);
    let thread = |name: &str| std::thread::Builder::new().name(format!("dealwatch-{name}"));
    let cannot_start =
        |e: std::io::Error| SourceError::Remote(format!("cannot start a scan thread: {e}"));
    // With a database file, a writer thread stores on its own connection.
    let mut writer = None;
    let to_writer = match store.reopen()? {
        Some(mut db) => {
            let (tx, rx) = std::sync::mpsc::sync_channel::<(Job, Rows)>(1);
            let done_tx = done_tx.clone();
            let (source_name, now) = (opts.source_name.to_string(), opts.now);
            let handle = thread("write")
                .spawn(move || {
                    while let Ok((job, rows)) = rx.recv() {
                        let stored = write_rows(&mut db, &source_name, now, &job, &rows);
                        if done_tx.blocking_send(Parsed::Stored(stored)).is_err() {
                            break;
                        }
                    }
                })
                .map_err(cannot_start)?;
            writer = Some(handle);
            Some(tx)
        }
        None => None,
    };
    // The linking pass after the scan needs the closure patterns: built meanwhile.
    let warm = if opts.warm_patterns {
        Some(
            thread("warm")
                .spawn(detect::warm_up)
                .map_err(cannot_start)?,
        )
    } else {
        None
    };
    let identity = opts.identity.clone();
    let free_mail = opts.free_mail.to_vec();
    let (source_name, now) = (opts.source_name.to_string(), opts.now);
    let parser = thread("parse")
        .spawn(move || {
            let opts = ScanOptions {
                identity: &identity,
                free_mail: &free_mail,
                source_name: &source_name,
                now,
                progress: false,
                parse_thread: false,
                warm_patterns: false,
            };
            while let Ok(job) = job_rx.recv() {
                let rows = rows_of(&job, &opts);
                let sent = match &to_writer {
                    Some(w) => w.send((job, rows)).is_ok(),
                    None => done_tx.blocking_send(Parsed::Rows(job, rows)).is_ok(),
                };
                if !sent {
                    break;
                }
            }
        })
        .map_err(cannot_start)?;
    // The stream keeps the source's unfinished read across `select!` rounds: nothing is cut.
    let batches = futures::stream::unfold(source, |s| async move {
        match s.next_batch().await {
            Ok(Some(b)) => Some((Ok(b), s)),
            Ok(None) => None,
            Err(e) => Some((Err(e), s)),
        }
    });
    tokio::pin!(batches);
    let mut in_flight = 0usize;
    let mut source_done = false;
    let mut source_error = None;
    let stopped = || SourceError::Remote("the parsing thread stopped".into()).into();
    let result = loop {
        if source_done && in_flight == 0 {
            break Ok(());
        }
        tokio::select! {
            biased;
            parsed = done_rx.recv(), if in_flight > 0 => {
                in_flight -= 1;
                let written = match parsed {
                    None => break Err(stopped()),
                    Some(Parsed::Rows(job, rows)) => {
                        write_rows(store, opts.source_name, opts.now, &job, &rows)
                    }
                    Some(Parsed::Stored(r)) => r,
                };
                match written {
                    Ok(w) => stats.count_written(w),
                    Err(e) => break Err(e.into()),
                }
            }
            next = batches.next(), if !source_done && in_flight < IN_FLIGHT => match next {
                None => source_done = true,
                Some(Err(e)) => {
                    source_done = true;
                    source_error = Some(e);
                }
                Some(Ok(batch)) => {
                    let job = match new_mails(batch, store, opts, stats, bar) {
                        Ok(j) => j,
                        Err(e) => break Err(e),
                    };
                    // The channel holds IN_FLIGHT batches: this never blocks.
                    if job_tx.send(job).is_err() {
                        break Err(stopped());
                    }
                    in_flight += 1;
                }
            },
        }
    };
    drop(job_tx);
    drop(done_rx);
    let _ = parser.join();
    if let Some(w) = writer {
        let _ = w.join();
    }
    if let Some(w) = warm {
        let _ = w.join();
    }
    result?;
    match source_error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// Parses and classifies one message. A bug in the detectors must not stop a scan: a panic is
/// caught here and the message is stored as degraded instead (the last line of defence behind
/// "never panics" on outside data).
fn read_one(raw: &RawMail, opts: &ScanOptions<'_>) -> Option<NewMessage> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut mail = parse::parse_with(&raw.bytes, raw.truncated, parse::Documents::Skip);
        let mut facts = detect::detect(&mail, opts.identity, opts.free_mail);
        // Attached documents serve only our own quotes: read them for our mail that has one.
        let has_document = mail
            .attachments
            .iter()
            .any(|a| parse::attachment_text_wanted(&a.content_type, &a.name, a.size));
        if facts.direction == detect::Direction::Outbound && has_document {
            mail = parse::parse_with(&raw.bytes, raw.truncated, parse::Documents::Read);
            facts = detect::detect(&mail, opts.identity, opts.free_mail);
        }
        to_row(raw, &mail, &facts, opts.now)
    }))
    .ok()
}

/// A message that could not be read: its identity and size, so it is not fetched again.
fn degraded_row(raw: &RawMail) -> NewMessage {
    let key = parse::content_id(&raw.bytes);
    NewMessage {
        message_id: key.clone(),
        key,
        has_message_id: false,
        direction: "unknown".into(),
        auto_kind: "none".into(),
        lang: "und".into(),
        defects: vec!["internal error while reading; metadata only".into()],
        size: raw.bytes.len() as i64,
        ..NewMessage::default()
    }
}

fn progress_bar(total: Option<u64>, enabled: bool) -> ProgressBar {
    let long = total.is_none_or(|t| t > 300);
    if !enabled || !long {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(t) => ProgressBar::new(t),
        None => ProgressBar::new_spinner(),
    };
    bar.set_draw_target(ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} scanning {pos}/{len} messages [{bar:30}] {rate} eta {eta}",
    ) {
        // A whole number of messages per second ("4968/s", not "4,967.6376/s").
        let style = style.with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", s.per_sec());
            },
        );
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Batch, maildir::MaildirSource};

    fn identity() -> Identity {
        Identity {
            addresses: Vec::new(),
            domains: vec!["ventilaire.example".into()],
        }
    }

    fn opts(identity: &Identity, parse_thread: bool) -> ScanOptions<'_> {
        ScanOptions {
            identity,
            free_mail: &[],
            source_name: "maildir",
            now: chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
                .map(|d| d.with_timezone(&Utc))
                .unwrap_or_default(),
            progress: false,
            parse_thread,
            warm_patterns: parse_thread,
        }
    }

    fn rows(store: &Store) -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT key || direction || auto_kind || coalesce(quote, '') || coalesce(opportunity_id, 0) \
                 FROM messages ORDER BY key",
            )
            .expect("sql");
        stmt.query_map([], |r| r.get(0))
            .expect("sql")
            .map(|r| r.expect("row"))
            .collect()
    }

    fn sample() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/mailbox")
    }

    /// The three ways a scan runs: on the calling thread; parsing on a thread with the calling
    /// thread storing (in-memory database); parsing and storing on two threads (database file).
    fn modes(dir: &std::path::Path) -> Vec<(bool, Store)> {
        vec![
            (false, Store::open_in_memory().expect("store")),
            (true, Store::open_in_memory().expect("store")),
            (true, Store::open(&dir.join("t.sqlite")).expect("store")),
        ]
    }

    #[tokio::test]
    async fn the_scan_threads_change_nothing_but_speed() {
        let id = identity();
        let dir = tempfile::tempdir().expect("tempdir");
        let mut stores = Vec::new();
        for (parse_thread, mut store) in modes(dir.path()) {
            // Batches of 4: many in flight at once.
            let mut src = Chunked {
                inner: MaildirSource::open(&sample(), 1 << 24).expect("sample"),
                ready: Vec::new(),
            };
            let stats = scan(&mut src, &mut store, &opts(&id, parse_thread))
                .await
                .expect("scan");
            assert_eq!(stats.stored, 59);
            stores.push(store);
        }
        assert!(rows(&stores[0]).iter().any(|r| !r.ends_with('0')));
        assert_eq!(rows(&stores[0]), rows(&stores[1]));
        assert_eq!(rows(&stores[0]), rows(&stores[2]));
    }

    /// A source that serves another's messages four at a time.
    struct Chunked {
        inner: MaildirSource,
        ready: Vec<RawMail>,
    }

    impl MailSource for Chunked {
        fn describe(&self) -> String {
            "chunked".into()
        }
        fn total_hint(&self) -> Option<u64> {
            None
        }
        async fn next_batch(&mut self) -> Result<Option<Batch>, SourceError> {
            if self.ready.is_empty() {
                match self.inner.next_batch().await? {
                    Some(b) => self.ready = b.mails,
                    None => return Ok(None),
                }
            }
            let n = self.ready.len().min(4);
            Ok(Some(Batch {
                mails: self.ready.drain(..n).collect(),
                position: None,
            }))
        }
    }

    /// A source that fails after one batch.
    struct Failing {
        inner: MaildirSource,
        served: usize,
    }

    impl MailSource for Failing {
        fn describe(&self) -> String {
            "failing".into()
        }
        fn total_hint(&self) -> Option<u64> {
            None
        }
        async fn next_batch(&mut self) -> Result<Option<Batch>, SourceError> {
            if self.served == 1 {
                return Err(SourceError::Remote("connection reset".into()));
            }
            self.served += 1;
            self.inner.next_batch().await
        }
    }

    #[tokio::test]
    async fn batches_read_before_a_source_failure_are_stored() {
        let id = identity();
        let dir = tempfile::tempdir().expect("tempdir");
        for (parse_thread, mut store) in modes(dir.path()) {
            let mut src = Failing {
                inner: MaildirSource::open(&sample(), 1 << 24).expect("sample"),
                served: 0,
            };
            let err = scan(&mut src, &mut store, &opts(&id, parse_thread)).await;
            assert!(
                matches!(err, Err(IngestError::Source(_))),
                "parse_thread {parse_thread}"
            );
            assert!(!rows(&store).is_empty(), "parse_thread {parse_thread}");
        }
    }
}
