//! The IMAP client: a passive reader of one account.
//!
//! Passive means the mailbox is never changed: folders are opened with EXAMINE (read-only) and
//! bodies fetched with `BODY.PEEK`; SELECT, STORE, COPY, MOVE, EXPUNGE and APPEND are never sent.
//!
//! Incremental and exact: per folder the UIDVALIDITY and the highest UID committed are saved with
//! the messages (see [`Batch::position`]). Each round lists the UIDs above the saved one
//! (`UID SEARCH`, filtered client-side since `n:*` always matches the last message), fetches
//! the header fields dealwatch reads, sizes and structures, then bodies in bounded batches. The
//! FETCHes are pipelined: the next batches' commands go out before a batch is handed on, and
//! answers are sorted by what they carry, not by order. A UID missing from a response is
//! fetched again; one still missing is checked with `UID SEARCH` and only dropped if the server no
//! longer has it. An EOF, a timeout or a BYE in the middle of a command is an error, never an
//! empty answer. When UIDVALIDITY changes the folder is read again from the start; the store
//! deduplicates messages by identity, so nothing is duplicated and nothing is deleted.
//!
//! async-imap provides framing and parsing; commands are driven here with
//! [`async_imap::Session::run_command`] and [`async_imap::Session::read_response`] so that every
//! read has a timeout and every tagged status is checked.

pub mod conn;
pub mod fetch;
pub mod utf7;

use std::collections::HashMap;
use std::time::Duration;

use async_imap::imap_proto::{
    Capability, MailboxDatum, NameAttribute, RequestId, Response, ResponseCode, Status,
};
use chrono::{DateTime, Utc};

use self::conn::Conn;
use self::fetch::{BodyPlan, Meta, Want};
use super::{Batch, FolderPosition, MailSource, RawMail, SourceError};
use crate::config::{AccountConfig, AuthMethod};

/// Why an IMAP operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The network failed.
    #[error("network error: {0}")]
    Io(String),
    /// The server closed the connection.
    #[error("connection closed by the server")]
    Closed,
    /// The server said BYE.
    #[error("server said BYE: {0}")]
    Bye(String),
    /// No answer in time.
    #[error("no answer from the server in time ({0})")]
    Timeout(String),
    /// TLS could not be established, or was refused for safety.
    #[error("cannot secure the connection: {0}")]
    Tls(String),
    /// Login or authentication was refused.
    #[error("cannot log in: {0}")]
    Auth(String),
    /// A command was refused (NO/BAD).
    #[error("cannot {0}")]
    Refused(String),
    /// The server answered something we cannot use.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// A password or token could not be resolved.
    #[error(transparent)]
    Secret(#[from] crate::config::ConfigError),
}

impl ImapError {
    /// Whether retrying soon is pointless (credentials refused or unavailable).
    pub fn is_auth(&self) -> bool {
        matches!(self, ImapError::Auth(_) | ImapError::Secret(_))
    }
}

impl From<ImapError> for SourceError {
    fn from(e: ImapError) -> SourceError {
        SourceError::Remote(e.to_string())
    }
}

/// What EXAMINE said about a folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxInfo {
    /// Messages in the folder.
    pub exists: u32,
    /// UIDVALIDITY.
    pub uid_validity: u32,
    /// UIDNEXT, when the server sent it.
    pub uid_next: Option<u32>,
    /// HIGHESTMODSEQ (CONDSTORE).
    pub highest_modseq: Option<u64>,
}

/// How an IDLE ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleOutcome {
    /// The server reported a change.
    Changed,
    /// Our own renewal deadline passed.
    Renew,
    /// We were asked to stop.
    Stopped,
}

/// A logged-in, passive IMAP session.
pub struct ImapSession {
    session: async_imap::Session<Conn>,
    account: String,
    timeout: Duration,
    caps: Vec<String>,
    examined: Option<String>,
    /// Commands sent ahead whose completion is not read yet (tag, verb), oldest first.
    unread: Vec<(RequestId, String)>,
    /// Completions read while an earlier command was awaited (a server may finish pipelined
    /// commands out of order).
    early: Vec<(RequestId, Result<(), ImapError>)>,
    /// Bytes of message data received (headers and bodies), for statistics.
    pub bytes_fetched: u64,
}

/// A command sent whose responses are read later (pipelining): the server works on it while we
/// do something else.
struct Sent {
    tag: RequestId,
    verb: String,
}

/// FETCH answers read so far, by UID. Answers are sorted by what they carry (metadata or
/// bodies), not by the command they answer, so pipelined commands may be answered in any order.
#[derive(Default)]
struct Arrivals {
    metas: HashMap<u32, Meta>,
    bodies: HashMap<u32, fetch::Fetched>,
}

/// The body FETCH of these UIDs with these items.
fn body_command(items: &str, uids: &[u32]) -> String {
    format!("UID FETCH {} (UID {items})", uid_set(uids))
}

/// The metadata FETCH of these UIDs.
fn meta_command(uids: &[u32]) -> String {
    format!(
        "UID FETCH {} (UID RFC822.SIZE INTERNALDATE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS ({})])",
        uid_set(uids),
        fetch::header_fields()
    )
}

/// The XOAUTH2 SASL response.
struct XOAuth2 {
    user: String,
    token: String,
}

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
    }
}

/// Quotes a string for an IMAP command.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Formats sorted UIDs as a compact UID set (`1:3,7,9:12`).
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

impl ImapSession {
    /// Connects, secures and logs in to an account. Secrets are resolved here, when used.
    pub async fn connect(account: &str, cfg: &AccountConfig) -> Result<ImapSession, ImapError> {
        let timeout = Duration::from_secs(cfg.timeout_seconds.max(1));
        let (stream, greeted) = conn::open(cfg, timeout).await?;
        let mut client = async_imap::Client::new(stream);
        if !greeted {
            let greeting = tokio::time::timeout(timeout, client.read_response())
                .await
                .map_err(|_| ImapError::Timeout("greeting".into()))?;
            match greeting {
                None => return Err(ImapError::Closed),
                Some(Err(e)) => return Err(ImapError::Io(e.to_string())),
                Some(Ok(r)) => match r.parsed() {
                    Response::Data {
                        status: Status::Ok, ..
                    } => {}
                    Response::Data {
                        status: Status::Bye,
                        information,
                        ..
                    } => {
                        return Err(ImapError::Bye(text_of(information)));
                    }
                    _ => return Err(ImapError::Protocol("unexpected greeting".into())),
                },
            }
        }
        let session = match cfg.auth {
            AuthMethod::Login => {
                let secret = cfg
                    .password
                    .as_ref()
                    .ok_or_else(|| ImapError::Auth("no password configured".into()))?;
                let password = secret.resolve(&format!("accounts.{account}.password"))?;
                tokio::time::timeout(timeout, client.login(&cfg.username, &password))
                    .await
                    .map_err(|_| ImapError::Timeout("LOGIN".into()))?
                    .map_err(|(e, _)| auth_error(e))?
            }
            AuthMethod::Xoauth2 => {
                let secret = cfg
                    .token
                    .as_ref()
                    .ok_or_else(|| ImapError::Auth("no token configured".into()))?;
                let token = secret.resolve(&format!("accounts.{account}.token"))?;
                let auth = XOAuth2 {
                    user: cfg.username.clone(),
                    token,
                };
                tokio::time::timeout(timeout, client.authenticate("XOAUTH2", auth))
                    .await
                    .map_err(|_| ImapError::Timeout("AUTHENTICATE".into()))?
                    .map_err(|(e, _)| auth_error(e))?
            }
        };
        let mut s = ImapSession {
            session,
            account: account.to_string(),
            timeout,
            caps: Vec::new(),
            examined: None,
            unread: Vec::new(),
            early: Vec::new(),
            bytes_fetched: 0,
        };
        let mut caps = Vec::new();
        s.command("CAPABILITY", |r| {
            if let Response::Capabilities(c) = r {
                caps = c.iter().map(cap_name).collect();
            }
        })
        .await?;
        s.caps = caps;
        tracing::debug!(account = %s.account, caps = ?s.caps, "logged in");
        Ok(s)
    }

    /// Whether the server advertised a capability (case-insensitive).
    pub fn has_capability(&self, name: &str) -> bool {
        self.caps.iter().any(|c| c.eq_ignore_ascii_case(name))
    }

    /// Reads the next response (within the read timeout) and hands it to `f`.
    /// Reads responses until `f` decides; a BYE on the way ends the session with an error.
    async fn read_until(
        &mut self,
        what: &str,
        f: impl Fn(&Response<'_>) -> Option<Result<(), ImapError>>,
    ) -> Result<(), ImapError> {
        loop {
            let step = self
                .read(what, |r| match r {
                    Response::Data {
                        status: Status::Bye,
                        information,
                        ..
                    } => Some(Err(ImapError::Bye(text_of(information)))),
                    other => f(other),
                })
                .await?;
            if let Some(done) = step {
                return done;
            }
        }
    }

    async fn read<R>(
        &mut self,
        what: &str,
        f: impl FnOnce(&Response<'_>) -> R,
    ) -> Result<R, ImapError> {
        match tokio::time::timeout(self.timeout, self.session.read_response()).await {
            Err(_) => Err(ImapError::Timeout(what.to_string())),
            Ok(None) => Err(ImapError::Closed),
            Ok(Some(Err(e))) => Err(ImapError::Io(e.to_string())),
            Ok(Some(Ok(r))) => Ok(f(r.parsed())),
        }
    }

    async fn send(&mut self, cmd: &str) -> Result<async_imap::imap_proto::RequestId, ImapError> {
        let verb = verb(cmd);
        tokio::time::timeout(self.timeout, self.session.run_command(cmd))
            .await
            .map_err(|_| ImapError::Timeout(verb.clone()))?
            .map_err(|e| ImapError::Io(format!("cannot send {verb}: {e}")))
    }

    /// Runs a command to its tagged completion, handing every untagged response to `on`.
    /// Commands still pipelined are read to their end first (their data discarded), so that
    /// `on` sees only this command's responses.
    async fn command<F: FnMut(&Response<'_>)>(
        &mut self,
        cmd: &str,
        on: F,
    ) -> Result<(), ImapError> {
        self.drain().await?;
        let sent = self.start(cmd).await?;
        self.finish(sent, on).await
    }

    /// Sends a command without reading its answer: see [`Self::finish`].
    async fn start(&mut self, cmd: &str) -> Result<Sent, ImapError> {
        let tag = self.send(cmd).await?;
        let verb = verb(cmd);
        self.unread.push((tag.clone(), verb.clone()));
        Ok(Sent { tag, verb })
    }

    /// Reads responses until `sent` completes, handing untagged ones to `on`. Earlier pipelined
    /// commands must have been finished already: their untagged data would reach `on` too.
    async fn finish<F: FnMut(&Response<'_>)>(
        &mut self,
        sent: Sent,
        mut on: F,
    ) -> Result<(), ImapError> {
        enum Step {
            Data,
            Done(RequestId, bool, String),
            Bye(String),
        }
        loop {
            if let Some(i) = self.early.iter().position(|(t, _)| *t == sent.tag) {
                return self.early.swap_remove(i).1;
            }
            let step = self
                .read(&sent.verb, |r| match r {
                    Response::Done {
                        tag,
                        status,
                        information,
                        ..
                    } => Step::Done(tag.clone(), *status == Status::Ok, text_of(information)),
                    Response::Data {
                        status: Status::Bye,
                        information,
                        ..
                    } => Step::Bye(text_of(information)),
                    other => {
                        on(other);
                        Step::Data
                    }
                })
                .await?;
            match step {
                Step::Data => {}
                Step::Bye(text) => return Err(ImapError::Bye(text)),
                Step::Done(tag, ok, text) => {
                    // A completion for a tag we are not waiting for is ignored.
                    let Some(i) = self.unread.iter().position(|(t, _)| *t == tag) else {
                        continue;
                    };
                    let (_, verb) = self.unread.remove(i);
                    let result = if ok {
                        Ok(())
                    } else {
                        Err(ImapError::Refused(format!("{verb}: {text}")))
                    };
                    if tag != sent.tag {
                        self.early.push((tag, result));
                    } else {
                        return result;
                    }
                }
            }
        }
    }

    /// Reads every pipelined command to its end, discarding its data (a scan that stopped
    /// early leaves one behind).
    async fn drain(&mut self) -> Result<(), ImapError> {
        while let Some((tag, verb)) = self.unread.first().cloned() {
            tracing::debug!(account = %self.account, command = %verb, "discarding a pipelined command's answer");
            match self.finish(Sent { tag, verb }, |_| {}).await {
                Ok(()) | Err(ImapError::Refused(_)) => {}
                Err(e) => return Err(e),
            }
        }
        self.early.clear();
        Ok(())
    }

    /// The folders to read: the configured ones (matched against LIST, decoded from modified
    /// UTF-7), else INBOX and the sent folder (`\Sent` special-use, else a usual name).
    /// Returns (wire name, display name) pairs.
    pub async fn folders(
        &mut self,
        cfg: &AccountConfig,
    ) -> Result<Vec<(String, String)>, ImapError> {
        let mut listed: Vec<(String, bool)> = Vec::new();
        self.command("LIST \"\" \"*\"", |r| {
            if let Response::MailboxData(MailboxDatum::List {
                name_attributes,
                name,
                ..
            }) = r
            {
                let selectable = !name_attributes
                    .iter()
                    .any(|a| matches!(a, NameAttribute::NoSelect));
                let sent = name_attributes
                    .iter()
                    .any(|a| matches!(a, NameAttribute::Sent));
                if selectable {
                    listed.push((name.to_string(), sent));
                }
            }
        })
        .await?;
        let display = |wire: &str| utf7::decode(wire).unwrap_or_else(|| wire.to_string());
        let mut out = Vec::new();
        if let Some(wanted) = &cfg.folders {
            for w in wanted {
                match listed
                    .iter()
                    .find(|(wire, _)| display(wire) == *w || wire == w)
                {
                    Some((wire, _)) => out.push((wire.clone(), display(wire))),
                    None => {
                        tracing::warn!(account = %self.account, folder = %w, "configured folder not found on the server")
                    }
                }
            }
            return Ok(out);
        }
        out.push(("INBOX".to_string(), "INBOX".to_string()));
        let sent = listed
            .iter()
            .find(|(_, sent)| *sent)
            .map(|(w, _)| w.clone())
            .or_else(|| {
                SENT_FALLBACK.iter().find_map(|name| {
                    listed
                        .iter()
                        .find(|(wire, _)| {
                            let d = display(wire);
                            let leaf = d.rsplit(['/', '.']).next().unwrap_or(&d).to_string();
                            leaf.eq_ignore_ascii_case(name) || d.eq_ignore_ascii_case(name)
                        })
                        .map(|(w, _)| w.clone())
                })
            });
        match sent {
            Some(w) if !w.eq_ignore_ascii_case("INBOX") => out.push((w.clone(), display(&w))),
            _ => {
                tracing::info!(account = %self.account, "no sent folder found; reading INBOX only")
            }
        }
        Ok(out)
    }

    /// From addresses of the last (up to 500) messages of the sent folder, counted: the hint
    /// to infer our identity when the config has none.
    pub async fn sent_senders(
        &mut self,
        cfg: &AccountConfig,
    ) -> Result<std::collections::BTreeMap<String, usize>, ImapError> {
        let mut counts = std::collections::BTreeMap::new();
        let folders = self.folders(cfg).await?;
        let Some((wire, _)) = folders
            .iter()
            .find(|(w, _)| !w.eq_ignore_ascii_case("INBOX"))
        else {
            return Ok(counts);
        };
        let info = self.examine(wire).await?;
        if info.exists == 0 {
            return Ok(counts);
        }
        let first = info.exists.saturating_sub(499).max(1);
        let mut headers: Vec<Vec<u8>> = Vec::new();
        self.command(
            &format!(
                "FETCH {first}:{} (BODY.PEEK[HEADER.FIELDS (FROM)])",
                info.exists
            ),
            |r| {
                if let Response::Fetch(_, attrs) = r {
                    for a in attrs {
                        if let async_imap::imap_proto::AttributeValue::BodySection {
                            data: Some(d),
                            ..
                        } = a
                        {
                            headers.push(d.to_vec());
                        }
                    }
                }
            },
        )
        .await?;
        for h in headers {
            if let Some(a) = crate::ops::identity::sender_of(&h) {
                *counts.entry(a).or_insert(0) += 1;
            }
        }
        Ok(counts)
    }

    /// Messages and total RFC822.SIZE of a folder (for benchmarks: "bytes fetched vs mailbox
    /// bytes").
    pub async fn folder_size(&mut self, folder: &str) -> Result<(u64, u64), ImapError> {
        let info = self.examine(folder).await?;
        let (mut n, mut bytes) = (0u64, 0u64);
        if info.exists > 0 {
            self.command("UID FETCH 1:* (RFC822.SIZE)", |r| {
                if let Response::Fetch(_, attrs) = r {
                    for a in attrs {
                        if let async_imap::imap_proto::AttributeValue::Rfc822Size(s) = a {
                            n += 1;
                            bytes += u64::from(*s);
                        }
                    }
                }
            })
            .await?;
        }
        Ok((n, bytes))
    }

    /// Opens a folder read-only.
    pub async fn examine(&mut self, folder: &str) -> Result<MailboxInfo, ImapError> {
        let mut info = MailboxInfo::default();
        let cmd = if self.has_capability("CONDSTORE") {
            format!("EXAMINE {} (CONDSTORE)", quote(folder))
        } else {
            format!("EXAMINE {}", quote(folder))
        };
        self.examined = None;
        self.command(&cmd, |r| match r {
            Response::MailboxData(MailboxDatum::Exists(n)) => info.exists = *n,
            Response::Data {
                code: Some(code), ..
            } => match code {
                ResponseCode::UidValidity(v) => info.uid_validity = *v,
                ResponseCode::UidNext(v) => info.uid_next = Some(*v),
                ResponseCode::HighestModSeq(v) => info.highest_modseq = Some(*v),
                _ => {}
            },
            _ => {}
        })
        .await?;
        if info.uid_validity == 0 {
            return Err(ImapError::Protocol(format!("no UIDVALIDITY for {folder}")));
        }
        self.examined = Some(folder.to_string());
        Ok(info)
    }

    /// UIDs strictly above `after` in the examined folder, ascending.
    pub async fn uids_after(&mut self, after: u32) -> Result<Vec<u32>, ImapError> {
        let from = after.saturating_add(1);
        self.search(&format!("UID SEARCH UID {from}:*"))
            .await
            .map(|mut v| {
                v.retain(|u| *u > after);
                v
            })
    }

    async fn search(&mut self, cmd: &str) -> Result<Vec<u32>, ImapError> {
        let mut uids = Vec::new();
        self.command(cmd, |r| {
            if let Response::MailboxData(MailboxDatum::Search(v)) = r {
                uids.extend_from_slice(v);
            }
        })
        .await?;
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// Reads a FETCH to its end, sorting every FETCH answer read on the way into `into`
    /// (answers to other pipelined FETCHes included). `ours` says whether a From address is
    /// ours (our mail's attached documents are fetched).
    async fn finish_fetch(
        &mut self,
        sent: Sent,
        into: &mut Arrivals,
        ours: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<(), ImapError> {
        let mut bytes = 0u64;
        self.finish(sent, |r| {
            let Response::Fetch(_, attrs) = r else { return };
            if fetch::is_meta_response(attrs) {
                if let Some(m) = fetch::meta_from(attrs, ours) {
                    bytes += m.header.len() as u64;
                    into.metas.insert(m.uid, m);
                }
            } else {
                bytes += fetch::body_from(attrs, &mut into.bodies) as u64;
            }
        })
        .await?;
        self.bytes_fetched += bytes;
        Ok(())
    }

    /// Errors unless every UID still missing after a retry is gone from the folder.
    async fn drop_expunged(&mut self, missing: &mut Vec<u32>) -> Result<(), ImapError> {
        if missing.is_empty() {
            return Ok(());
        }
        let still = self
            .search(&format!("UID SEARCH UID {}", uid_set(missing)))
            .await?;
        missing.retain(|u| still.binary_search(u).is_ok());
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ImapError::Protocol(format!(
                "server did not return {} message(s) it still has (UIDs {})",
                missing.len(),
                uid_set(missing)
            )))
        }
    }

    /// NOOP: checks the session is alive.
    pub async fn noop(&mut self) -> Result<(), ImapError> {
        self.command("NOOP", |_| {}).await
    }

    /// Waits in IDLE on `folder` until the server reports a change, `renew` passes, or `stop`
    /// resolves; then ends IDLE and verifies the session with NOOP. `known_next` is the UIDNEXT
    /// already read: if the folder has moved past it, returns `Changed` at once.
    pub async fn idle<F: std::future::Future<Output = ()>>(
        &mut self,
        folder: &str,
        known_next: Option<u32>,
        renew: Duration,
        stop: F,
    ) -> Result<IdleOutcome, ImapError> {
        let info = self.examine(folder).await?;
        if let (Some(k), Some(n)) = (known_next, info.uid_next)
            && n > k
        {
            return Ok(IdleOutcome::Changed);
        }
        let tag = self.send("IDLE").await?;
        self.read_until("IDLE", |r| match r {
            Response::Continue { .. } => Some(Ok(())),
            Response::Done {
                tag: t,
                information,
                ..
            } if t == &tag => Some(Err(ImapError::Refused(format!(
                "IDLE: {}",
                text_of(information)
            )))),
            _ => None,
        })
        .await?;
        let deadline = tokio::time::Instant::now() + renew;
        tokio::pin!(stop);
        let outcome = loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                break IdleOutcome::Renew;
            }
            tokio::select! {
                _ = &mut stop => break IdleOutcome::Stopped,
                r = tokio::time::timeout(left, self.session.read_response()) => match r {
                    Err(_) => break IdleOutcome::Renew,
                    Ok(None) => return Err(ImapError::Closed),
                    Ok(Some(Err(e))) => return Err(ImapError::Io(e.to_string())),
                    Ok(Some(Ok(r))) => match r.parsed() {
                        Response::Data { status: Status::Bye, information, .. } => return Err(ImapError::Bye(text_of(information))),
                        Response::Data { .. } => {} // "* OK Still here"
                        Response::Done { .. } => return Err(ImapError::Protocol("IDLE ended by the server".into())),
                        _ => break IdleOutcome::Changed,
                    },
                },
            }
        };
        tokio::time::timeout(self.timeout, self.session.run_command_untagged("DONE"))
            .await
            .map_err(|_| ImapError::Timeout("DONE".into()))?
            .map_err(|e| ImapError::Io(format!("cannot send DONE: {e}")))?;
        self.read_until("IDLE DONE", |r| match r {
            Response::Done { tag: t, .. } if t == &tag => Some(Ok(())),
            _ => None,
        })
        .await?;
        if outcome != IdleOutcome::Stopped {
            self.noop().await?;
        }
        Ok(outcome)
    }

    /// Logs out politely (errors ignored: we are leaving anyway).
    pub async fn logout(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.session.logout()).await;
    }
}

fn auth_error(e: async_imap::error::Error) -> ImapError {
    match e {
        async_imap::error::Error::No(m) | async_imap::error::Error::Bad(m) => ImapError::Auth(m),
        async_imap::error::Error::Io(e) => ImapError::Io(e.to_string()),
        async_imap::error::Error::ConnectionLost => ImapError::Closed,
        other => ImapError::Auth(other.to_string()),
    }
}

fn verb(cmd: &str) -> String {
    let mut words = cmd.split_ascii_whitespace();
    match words.next() {
        Some(w) if w.eq_ignore_ascii_case("UID") => format!("UID {}", words.next().unwrap_or("")),
        Some(w) => w.to_string(),
        None => String::new(),
    }
}

fn text_of(i: &Option<std::borrow::Cow<'_, str>>) -> String {
    i.as_deref().unwrap_or("").chars().take(200).collect()
}

fn cap_name(c: &Capability<'_>) -> String {
    match c {
        Capability::Imap4rev1 => "IMAP4rev1".into(),
        Capability::Auth(a) => format!("AUTH={a}"),
        Capability::Atom(a) => a.to_string(),
    }
}

/// Usual sent-folder names, tried when no folder carries `\Sent`.
pub const SENT_FALLBACK: &[&str] = &[
    "Sent",
    "Sent Items",
    "Envoyés",
    "Éléments envoyés",
    "Gesendet",
    "Sent Messages",
    "Sent Mail",
];

/// Messages per metadata FETCH.
const META_CHUNK: usize = 200;

/// Reads the new mail of one account's folders, as a [`MailSource`]: one pass over every
/// folder, from the saved positions.
pub struct ImapSource<'s> {
    session: &'s mut ImapSession,
    account: String,
    folders: Vec<(String, String)>,
    positions: HashMap<String, FolderPosition>,
    cap: usize,
    batch: BatchLimit,
    identity: Option<crate::config::Identity>,
    next_folder: usize,
    current: Option<FolderState>,
    stop: Option<tokio::sync::watch::Receiver<bool>>,
    /// UIDNEXT per folder, as last seen (for IDLE's "did anything arrive meanwhile").
    pub uid_next: HashMap<String, u32>,
    /// The folder being read, for error reports.
    pub current_folder: Option<String>,
}

struct FolderState {
    wire: String,
    name: String,
    info: MailboxInfo,
    /// UIDs whose metadata is not asked for yet.
    pending_uids: Vec<u32>,
    /// Metadata read, of messages whose bodies are not asked for yet.
    metas: std::collections::VecDeque<Meta>,
    /// Commands sent and not yet handled, in order.
    in_flight: std::collections::VecDeque<InFlight>,
    /// Answers read so far.
    arrivals: Arrivals,
}

/// Pipelined FETCHes: the server prepares the next answers while the caller processes a batch.
enum InFlight {
    /// The metadata FETCH of a chunk of UIDs (`None` once its answer is read).
    Meta { sent: Option<Sent>, uids: Vec<u32> },
    /// The body FETCHes of one batch (emptied once their answers are read), and what each of
    /// its messages needs.
    Bodies {
        sent: Vec<Sent>,
        group: Vec<(Meta, Want)>,
    },
}

/// How large a batch of fetched messages may grow before it is handed over (and committed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimit {
    /// Messages per batch.
    pub messages: usize,
    /// Bytes per batch (a single larger message still makes a batch of its own).
    pub bytes: usize,
}

impl Default for BatchLimit {
    fn default() -> Self {
        BatchLimit {
            messages: super::BATCH_MESSAGES,
            bytes: super::BATCH_BYTES,
        }
    }
}

impl BatchLimit {
    /// A quarter of this limit, at least one message: after a connection died before a round
    /// stored anything.
    pub fn shrunk(self) -> Self {
        BatchLimit {
            messages: (self.messages / 4).max(1),
            bytes: (self.bytes / 4).max(1),
        }
    }

    /// Back towards the default after a round that completed.
    pub fn grown(self) -> Self {
        let full = BatchLimit::default();
        BatchLimit {
            messages: (self.messages * 2).min(full.messages),
            bytes: (self.bytes * 2).min(full.bytes),
        }
    }
}

/// Batches whose body FETCHes are sent ahead of the one being read.
const BODIES_AHEAD: usize = 2;

impl<'s> ImapSource<'s> {
    /// A pass over `folders` (wire, display) starting after the given saved positions (keyed by
    /// display name); messages larger than `cap` bytes are read partially.
    pub fn new(
        session: &'s mut ImapSession,
        folders: Vec<(String, String)>,
        positions: HashMap<String, FolderPosition>,
        cap: usize,
    ) -> Self {
        let account = session.account.clone();
        ImapSource {
            session,
            account,
            folders,
            positions,
            cap,
            batch: BatchLimit::default(),
            identity: None,
            next_folder: 0,
            current: None,
            stop: None,
            uid_next: HashMap::new(),
            current_folder: None,
        }
    }

    /// Who we are: the attached documents of mail from others are then not fetched (they serve
    /// only our own quotes). Without it every document that could be read is fetched.
    pub fn with_identity(mut self, identity: crate::config::Identity) -> Self {
        self.identity = Some(identity);
        self
    }

    /// Bounds the batches (messages and bytes fetched before a batch is handed over): a
    /// connection that keeps dying mid-batch gets smaller ones, down to one message.
    pub fn with_batch(mut self, batch: BatchLimit) -> Self {
        self.batch = batch;
        self
    }

    /// Ends the pass early (after the current batch) when `stop` turns true.
    pub fn with_stop(mut self, stop: tokio::sync::watch::Receiver<bool>) -> Self {
        self.stop = Some(stop);
        self
    }

    fn stopped(&self) -> bool {
        self.stop.as_ref().is_some_and(|s| *s.borrow())
    }

    async fn open_next_folder(&mut self) -> Result<bool, ImapError> {
        let Some((wire, name)) = self.folders.get(self.next_folder).cloned() else {
            return Ok(false);
        };
        self.next_folder += 1;
        self.current_folder = Some(name.clone());
        let info = self.session.examine(&wire).await?;
        if let Some(n) = info.uid_next {
            self.uid_next.insert(name.clone(), n);
        }
        let after = match self.positions.get(&name) {
            Some(p) if p.uid_validity == info.uid_validity => p.last_uid,
            // A folder recorded before its first sync (UIDVALIDITY 0 is never a server's): a
            // first read, nothing changed.
            Some(p) if p.uid_validity == 0 => 0,
            Some(p) => {
                tracing::warn!(
                    account = %self.account, folder = %name, old = p.uid_validity, new = info.uid_validity,
                    "UIDVALIDITY changed: reading the folder again (messages already stored are recognised)"
                );
                0
            }
            None => 0,
        };
        let nothing_new =
            info.exists == 0 || info.uid_next.is_some_and(|n| n <= after.saturating_add(1));
        let pending_uids = if nothing_new {
            Vec::new()
        } else {
            self.session.uids_after(after).await?
        };
        tracing::debug!(account = %self.account, folder = %name, after, new = pending_uids.len(), "folder examined");
        self.current = Some(FolderState {
            wire,
            name,
            info,
            pending_uids,
            metas: Default::default(),
            in_flight: Default::default(),
            arrivals: Arrivals::default(),
        });
        Ok(true)
    }

    fn position(&self, st: &FolderState, last_uid: u32) -> FolderPosition {
        FolderPosition {
            account: self.account.clone(),
            folder: st.name.clone(),
            uid_validity: st.info.uid_validity,
            last_uid,
            highest_modseq: st.info.highest_modseq,
        }
    }

    async fn next_batch_imap(&mut self) -> Result<Option<Batch>, ImapError> {
        loop {
            if self.stopped() {
                // What was sent ahead is read and dropped: the session stays usable.
                self.current = None;
                self.session.drain().await?;
                return Ok(None);
            }
            if self.current.is_none() && !self.open_next_folder().await? {
                return Ok(None);
            }
            let Some(mut st) = self.current.take() else {
                continue;
            };
            let identity = &self.identity;
            let ours = |a: &str| identity.as_ref().is_none_or(|i| i.is_ours(a));
            send_ahead(self.session, &mut st, self.cap, self.batch).await?;
            match st.in_flight.pop_front() {
                Some(InFlight::Meta { sent, uids }) => {
                    let metas = read_metas(self.session, &mut st, sent, &uids, &ours).await?;
                    if metas.is_empty() {
                        // Every UID of the chunk is gone: commit past them.
                        let pos = self.position(&st, uids.last().copied().unwrap_or(0));
                        self.positions.insert(st.name.clone(), pos.clone());
                        self.current = Some(st);
                        return Ok(Some(Batch {
                            mails: Vec::new(),
                            position: Some(pos),
                        }));
                    }
                    st.metas.extend(metas);
                    self.current = Some(st);
                }
                Some(InFlight::Bodies { sent, group }) => {
                    let mails = read_bodies(self.session, &mut st, sent, &group, &ours).await?;
                    // The next commands go out before the caller processes this batch.
                    send_ahead(self.session, &mut st, self.cap, self.batch).await?;
                    let last = group.last().map(|(m, _)| m.uid).unwrap_or(0);
                    let pos = self.position(&st, last);
                    self.positions.insert(st.name.clone(), pos.clone());
                    self.current = Some(st);
                    return Ok(Some(Batch {
                        mails,
                        position: Some(pos),
                    }));
                }
                None => {
                    // Folder done: record the sync, even when nothing was new.
                    let last = match self.positions.get(&st.name) {
                        Some(p) if p.uid_validity == st.info.uid_validity => p.last_uid,
                        _ => 0,
                    };
                    let pos = self.position(&st, last);
                    self.positions.insert(st.name.clone(), pos.clone());
                    return Ok(Some(Batch {
                        mails: Vec::new(),
                        position: Some(pos),
                    }));
                }
            }
        }
    }
}

/// Sends FETCHes ahead, in UID order: body FETCHes for up to [`BODIES_AHEAD`] batches whose
/// metadata is read, and the metadata FETCH of the next chunk when the read metadata runs out.
async fn send_ahead(
    session: &mut ImapSession,
    st: &mut FolderState,
    cap: usize,
    batch: BatchLimit,
) -> Result<(), ImapError> {
    loop {
        let bodies = st
            .in_flight
            .iter()
            .filter(|f| matches!(f, InFlight::Bodies { .. }))
            .count();
        if bodies >= BODIES_AHEAD {
            return Ok(());
        }
        if !st.metas.is_empty() {
            let group = take_group(&mut st.metas, cap, batch);
            let mut sent = Vec::new();
            for (items, uids) in fetch::group_commands(group.iter().map(|(m, w)| (m.uid, w))) {
                sent.push(session.start(&body_command(&items, &uids)).await?);
            }
            st.in_flight.push_back(InFlight::Bodies { sent, group });
            continue;
        }
        let meta_in_flight = st
            .in_flight
            .iter()
            .any(|f| matches!(f, InFlight::Meta { .. }));
        if meta_in_flight || st.pending_uids.is_empty() {
            return Ok(());
        }
        let n = st.pending_uids.len().min(META_CHUNK);
        let uids: Vec<u32> = st.pending_uids.drain(..n).collect();
        let sent = session.start(&meta_command(&uids)).await?;
        st.in_flight.push_back(InFlight::Meta {
            sent: Some(sent),
            uids,
        });
    }
}

/// The next batch of messages whose metadata is read, with what each needs: bounded in
/// messages and in bytes.
fn take_group(
    metas: &mut std::collections::VecDeque<Meta>,
    cap: usize,
    batch: BatchLimit,
) -> Vec<(Meta, Want)> {
    let mut group = Vec::new();
    let mut bytes = 0usize;
    while let Some(m) = metas.front() {
        let want = Want::of(m, cap);
        let cost = want.plan.cost(m);
        if !group.is_empty() && (group.len() >= batch.messages || bytes + cost > batch.bytes) {
            break;
        }
        bytes += cost;
        if let Some(m) = metas.pop_front() {
            group.push((m, want));
        }
    }
    group
}

/// Reads every answer still expected for this folder's pipelined commands (before a plain
/// command, whose answer handler would not keep theirs).
async fn settle(
    session: &mut ImapSession,
    st: &mut FolderState,
    ours: &(dyn Fn(&str) -> bool + Sync),
) -> Result<(), ImapError> {
    for f in st.in_flight.iter_mut() {
        let sent = match f {
            InFlight::Meta { sent, .. } => sent.take().into_iter().collect(),
            InFlight::Bodies { sent, .. } => std::mem::take(sent),
        };
        for s in sent {
            session.finish_fetch(s, &mut st.arrivals, ours).await?;
        }
    }
    Ok(())
}

/// The metadata of a chunk (sorted); a UID the server skipped is asked again, and dropped only
/// if the server no longer has it.
async fn read_metas(
    session: &mut ImapSession,
    st: &mut FolderState,
    sent: Option<Sent>,
    uids: &[u32],
    ours: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<Meta>, ImapError> {
    if let Some(s) = sent {
        session.finish_fetch(s, &mut st.arrivals, ours).await?;
    }
    let missing = |a: &Arrivals| -> Vec<u32> {
        uids.iter()
            .copied()
            .filter(|u| !a.metas.contains_key(u))
            .collect()
    };
    let mut gone = missing(&st.arrivals);
    if !gone.is_empty() {
        tracing::debug!(account = %session.account, missing = gone.len(), "UIDs missing from FETCH; asking again");
        let s = session.start(&meta_command(&gone)).await?;
        session.finish_fetch(s, &mut st.arrivals, ours).await?;
        gone = missing(&st.arrivals);
        if !gone.is_empty() {
            settle(session, st, ours).await?;
            session.drop_expunged(&mut gone).await?;
        }
    }
    Ok(uids
        .iter()
        .filter_map(|u| st.arrivals.metas.remove(u))
        .collect())
}

/// The raw messages of a batch, in UID order: bodies the server skipped are asked again, and a
/// message is dropped only if the server no longer has it.
async fn read_bodies(
    session: &mut ImapSession,
    st: &mut FolderState,
    sent: Vec<Sent>,
    group: &[(Meta, Want)],
    ours: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<RawMail>, ImapError> {
    for s in sent {
        session.finish_fetch(s, &mut st.arrivals, ours).await?;
    }
    let incomplete = |a: &Arrivals| -> Vec<(u32, &Want)> {
        group
            .iter()
            .filter(|(m, w)| {
                w.fetches_anything() && !a.bodies.get(&m.uid).is_some_and(|f| f.complete(w))
            })
            .map(|(m, w)| (m.uid, w))
            .collect()
    };
    let todo = incomplete(&st.arrivals);
    if !todo.is_empty() {
        tracing::debug!(account = %session.account, missing = todo.len(), "bodies missing from FETCH; asking again");
        for (items, uids) in fetch::group_commands(todo) {
            let s = session.start(&body_command(&items, &uids)).await?;
            session.finish_fetch(s, &mut st.arrivals, ours).await?;
        }
        let mut missing: Vec<u32> = incomplete(&st.arrivals).iter().map(|(u, _)| *u).collect();
        if !missing.is_empty() {
            settle(session, st, ours).await?;
            session.drop_expunged(&mut missing).await?;
        }
    }
    let gone: Vec<u32> = incomplete(&st.arrivals).iter().map(|(u, _)| *u).collect();
    let mut out = Vec::with_capacity(group.len());
    for (m, want) in group {
        if gone.contains(&m.uid) {
            st.arrivals.bodies.remove(&m.uid);
            continue;
        }
        let got = st.arrivals.bodies.remove(&m.uid).unwrap_or_default();
        out.push(raw_mail(&st.wire, st.info.uid_validity, m, &want.plan, got));
    }
    Ok(out)
}

/// A message rebuilt from its header and what was fetched of its body.
fn raw_mail(
    folder: &str,
    uid_validity: u32,
    m: &Meta,
    plan: &BodyPlan,
    got: fetch::Fetched,
) -> RawMail {
    let truncated = plan.truncates(m);
    // The whole header when it was fetched, else the fields read.
    let header = got.header.as_deref().unwrap_or(&m.header);
    let bytes = match (plan, &m.structure, got.text) {
        (BodyPlan::Whole | BodyPlan::Partial(_), _, Some(text)) => {
            let mut b = Vec::with_capacity(header.len() + text.len());
            b.extend_from_slice(header);
            b.extend_from_slice(&text);
            b
        }
        (BodyPlan::Parts(_), Some(root), _) => fetch::assemble(header, root, &got.parts),
        _ => {
            let mut h = header.to_vec();
            if !h.ends_with(b"\r\n\r\n") && !h.ends_with(b"\n\n") {
                h.extend_from_slice(b"\r\n");
            }
            h
        }
    };
    RawMail {
        folder: folder.to_string(),
        location: format!("{folder};UIDVALIDITY={uid_validity}/{}", m.uid),
        uid: Some(m.uid),
        bytes,
        truncated: truncated || *plan == BodyPlan::HeaderOnly,
        received_at: m.internal_date,
    }
}

impl MailSource for ImapSource<'_> {
    fn describe(&self) -> String {
        format!("imap {}", self.account)
    }

    fn total_hint(&self) -> Option<u64> {
        None
    }

    async fn next_batch(&mut self) -> Result<Option<Batch>, SourceError> {
        Ok(self.next_batch_imap().await?)
    }
}

/// Parses an IMAP INTERNALDATE (`17-Jul-1996 02:44:25 -0700`).
pub fn parse_internal_date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s.trim(), "%d-%b-%Y %H:%M:%S %z")
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[]), "");
    }

    #[test]
    fn quoting_escapes() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn internal_dates_parse() {
        assert!(parse_internal_date(" 7-Jul-1996 02:44:25 -0700").is_some());
        assert!(parse_internal_date("17-Jul-1996 02:44:25 +0000").is_some());
    }

    #[test]
    fn verbs_never_carry_arguments() {
        assert_eq!(verb("LOGIN user secret"), "LOGIN");
        assert_eq!(verb("UID FETCH 1:2 (UID)"), "UID FETCH");
    }
}
