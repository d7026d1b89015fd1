//! The daemon: keeps every IMAP account in sync and runs the periodic jobs, until asked to stop.
//!
//! This is the only module that runs things concurrently. Each account runs its own loop (one
//! task each, driven together, so one account's failure never stops another): connect, sync a
//! round (every folder, through [`ingest::scan`], which also links), then wait in IDLE on INBOX
//! (renewed on our own deadline) or poll, and again. Failures reconnect with capped exponential
//! backoff and jitter, one log line per incident, and are recorded for `dealwatch status`.
//!
//! `dealwatch scan --account NAME` runs exactly one round with the same code ([`scan_accounts`]).

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::config::{AccountConfig, Identity};
use crate::ingest::{self, IngestError, ScanOptions, ScanStats};
use crate::ops::Context;
use crate::ops::identity;
use crate::source::imap::{BatchLimit, IdleOutcome, ImapError, ImapSession, ImapSource};
use crate::store::{Store, StoreError};

/// Why an account could not be synced.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The IMAP side failed.
    #[error(transparent)]
    Imap(#[from] ImapError),
    /// The scan failed (network during a fetch, or the database).
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The account is not in the configuration.
    #[error("no account named {0:?} in the config")]
    NoSuchAccount(String),
    /// Who "we" are could not be determined.
    #[error("cannot determine the identity: {0}")]
    Identity(String),
    /// The configuration has no account.
    #[error("no [accounts.NAME] in the config: nothing to sync")]
    NoAccounts,
    /// The configuration has neither an account nor a digest: nothing for a daemon to do.
    #[error(
        "nothing to do: the config has no [accounts.NAME] to keep in sync and no [digests.NAME] to send (scan a Maildir or mbox with `dealwatch scan` instead)"
    )]
    NothingToDo,
}

impl DaemonError {
    fn is_auth(&self) -> bool {
        matches!(self, DaemonError::Imap(e) if e.is_auth())
    }
}

/// The daemon's timers, run about once a minute: weekly digests that are due (each sent once
/// per recipient and week, see [`crate::digest::run_due`]) and, with `auto-close`, confident
/// proposals applied (a win then schedules its follow-up meeting). Failures are logged and
/// retried at the next tick; they never stop the accounts.
async fn tick(ctx: &Context, store: &mut Store, now: DateTime<Utc>) {
    match crate::digest::run_due(&ctx.config, store, now).await {
        Ok(report) => {
            for id in &report.sent {
                tracing::info!(digest = id, "weekly digest sent");
            }
            for (id, error) in &report.failed {
                tracing::warn!(digest = id, "weekly digest not sent yet: {error}");
            }
            for (name, error) in &report.errors {
                tracing::warn!(digest = %name, "weekly digest unusable: {error}");
            }
        }
        Err(e) => tracing::warn!("weekly digests: {e}"),
    }
    match crate::ops::decide::auto_close(ctx, store).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(applied = n, "auto-close applied proposals"),
        Err(e) => tracing::warn!("auto-close: {e:#}"),
    }
}

/// How often periodic jobs are ticked.
pub const TICK: Duration = Duration::from_secs(60);

/// What one sync round of an account did.
#[derive(Debug, Default)]
pub struct RoundReport {
    /// The scan's statistics.
    pub stats: ScanStats,
    /// UIDNEXT of each folder, as seen.
    pub uid_next: HashMap<String, u32>,
    /// Bytes of message data fetched.
    pub bytes_fetched: u64,
}

/// Runs every account and the periodic jobs until `shutdown` resolves; then lets the current
/// batches finish (their transactions commit whole or not at all) for up to 4 s, and returns.
pub async fn run<F: Future<Output = ()>>(ctx: &Context, shutdown: F) -> Result<(), DaemonError> {
    // Without accounts the daemon still sends the digests and applies auto-close on mail
    // scanned by `dealwatch scan`.
    if ctx.config.accounts.is_empty() && ctx.config.digests.is_empty() {
        return Err(DaemonError::NothingToDo);
    }
    if !ctx.quiet {
        let accounts: Vec<&str> = ctx.config.accounts.keys().map(String::as_str).collect();
        let digests: Vec<String> = ctx
            .config
            .digests
            .iter()
            .map(|(n, d)| format!("{n} every {} {}", d.schedule, d.timezone))
            .collect();
        eprintln!(
            "dealwatch daemon: watching {}; digests: {}; database {}",
            if accounts.is_empty() {
                "no IMAP account (mail comes from `dealwatch scan`)".to_string()
            } else {
                format!("IMAP accounts {}", accounts.join(", "))
            },
            if digests.is_empty() {
                "none".to_string()
            } else {
                digests.join(", ")
            },
            ctx.db_path.display()
        );
    }
    // The database is opened (and migrated) once before any loop starts: a database that
    // cannot be opened stops the daemon with an error instead of leaving it idle.
    drop(Store::open(&ctx.db_path)?);
    let (tx, rx) = watch::channel(false);
    let synced = FirstRounds::default();
    let accounts = futures::future::join_all(
        ctx.config
            .accounts
            .iter()
            .map(|(name, cfg)| account_loop(ctx, name, cfg, rx.clone(), &synced)),
    );
    let all = futures::future::join(
        accounts,
        jobs_loop(ctx, rx.clone(), &synced, ctx.config.accounts.len()),
    );
    tokio::pin!(all);
    tokio::pin!(shutdown);
    tokio::select! {
        _ = &mut all => {}
        _ = &mut shutdown => {
            tracing::info!("stopping");
            let _ = tx.send(true);
            if tokio::time::timeout(Duration::from_secs(4), &mut all).await.is_err() {
                tracing::warn!("stopping: abandoned an unfinished batch (it was not committed)");
            }
        }
    }
    Ok(())
}

/// One round for each named account (every account when `names` is empty), then exit: the
/// code `dealwatch scan --account` and `dealwatch scan` run. Fails on the first failing account
/// after trying them all.
pub async fn scan_accounts(
    ctx: &Context,
    names: &[String],
) -> Result<Vec<(String, RoundReport)>, DaemonError> {
    if ctx.config.accounts.is_empty() {
        return Err(DaemonError::NoAccounts);
    }
    let mut selected: Vec<(&String, &AccountConfig)> = Vec::new();
    for n in names {
        match ctx.config.accounts.get_key_value(n) {
            Some(kv) => selected.push(kv),
            None => return Err(DaemonError::NoSuchAccount(n.clone())),
        }
    }
    if selected.is_empty() {
        selected = ctx.config.accounts.iter().collect();
    }
    let mut store = Store::open(&ctx.db_path)?;
    let (_tx, rx) = watch::channel(false);
    let mut out = Vec::new();
    let mut first_error = None;
    for (name, cfg) in selected {
        let result = async {
            let mut session = ImapSession::connect(name, cfg).await?;
            let identity = resolve_identity(ctx, &store, &mut session, cfg).await?;
            let report = round(
                ctx,
                name,
                cfg,
                &mut session,
                &mut store,
                &identity,
                rx.clone(),
                false,
                BatchLimit::default(),
            )
            .await;
            session.logout().await;
            report
        }
        .await;
        match result {
            Ok(r) => out.push((name.clone(), r)),
            Err(e) => {
                let _ = store.record_error(name, "*", &e.to_string(), ctx.clock.now());
                tracing::error!(account = %name, "sync failed: {e}");
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Our identity: the config's, the remembered one, else inferred from this account's sent
/// folder (the From addresses of its last messages) and remembered.
async fn resolve_identity(
    ctx: &Context,
    store: &Store,
    session: &mut ImapSession,
    cfg: &AccountConfig,
) -> Result<Identity, DaemonError> {
    let hint = if ctx.config.identity.is_empty() && store.setting("identity")?.is_none() {
        identity::Hint::Senders(session.sent_senders(cfg).await?)
    } else {
        identity::Hint::None
    };
    identity::resolve(&ctx.config, store, hint).map_err(|e| DaemonError::Identity(e.to_string()))
}

/// One sync round: every folder from its saved position, then linking.
#[allow(clippy::too_many_arguments)]
async fn round(
    ctx: &Context,
    name: &str,
    cfg: &AccountConfig,
    session: &mut ImapSession,
    store: &mut Store,
    identity: &Identity,
    stop: watch::Receiver<bool>,
    progress: bool,
    batch: BatchLimit,
) -> Result<RoundReport, DaemonError> {
    let folders = session.folders(cfg).await?;
    let mut positions = HashMap::new();
    for (_, display) in &folders {
        if let Some(p) = store.position(name, display)? {
            positions.insert(display.clone(), p);
        }
    }
    let before = session.bytes_fetched;
    // One limit for every source: the configured one (Maildir and mbox read up to it too).
    let cap = ctx.config.detect.max_message_bytes;
    let mut src = ImapSource::new(session, folders, positions, cap)
        .with_identity(identity.clone())
        .with_batch(batch)
        .with_stop(stop);
    let opts = ScanOptions {
        identity,
        free_mail: &ctx.config.detect.free_mail_domains,
        source_name: name,
        now: ctx.clock.now(),
        progress,
        parse_thread: true,
        warm_patterns: true,
    };
    let result = ingest::scan(&mut src, store, &opts).await;
    let uid_next = std::mem::take(&mut src.uid_next);
    let folder = src.current_folder.clone();
    drop(src);
    match result {
        Ok(stats) => Ok(RoundReport {
            stats,
            uid_next,
            bytes_fetched: session.bytes_fetched - before,
        }),
        Err(e) => {
            if let Some(f) = folder {
                let _ = store.record_error(name, &f, &e.to_string(), ctx.clock.now());
            }
            Err(e.into())
        }
    }
}

async fn wait_stop(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|v| *v).await;
}

/// Capped exponential backoff with jitter; authentication failures wait at least a minute.
#[derive(Debug, Default)]
pub struct Backoff {
    attempt: u32,
}

impl Backoff {
    /// Longest wait between attempts.
    pub const CAP: Duration = Duration::from_secs(300);

    /// The wait before the next attempt.
    pub fn next(&mut self, auth: bool) -> Duration {
        let base = Duration::from_secs(1u64 << self.attempt.min(9)).min(Self::CAP);
        self.attempt = self.attempt.saturating_add(1);
        let wait = base.mul_f64(0.8 + 0.4 * jitter());
        if auth {
            wait.max(Duration::from_secs(60))
        } else {
            wait.min(Self::CAP)
        }
    }

    /// Back to the shortest wait, after a success.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

/// A number in [0, 1), different on every call (no need for a real random generator).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    (h.finish() % 10_000) as f64 / 10_000.0
}

async fn account_loop(
    ctx: &Context,
    name: &str,
    cfg: &AccountConfig,
    stop: watch::Receiver<bool>,
    synced: &FirstRounds,
) {
    let Some(mut store) = open_retrying(ctx, name, stop.clone()).await else {
        return;
    };
    let mut first = true;
    let mut backoff = Backoff::default();
    let mut batch = BatchLimit::default();
    let mut progressed = false;
    let renew =
        Duration::from_secs((cfg.idle_renew_minutes.max(1) * 60).min(cfg.poll_seconds.max(1)));
    let poll = Duration::from_secs(cfg.poll_seconds.max(1));
    while !*stop.borrow() {
        let result: Result<(), DaemonError> = async {
            let mut session = ImapSession::connect(name, cfg).await?;
            let identity = resolve_identity(ctx, &store, &mut session, cfg).await?;
            let idle = session.has_capability("IDLE");
            tracing::info!(account = %name, idle, "connected");
            loop {
                let stored_before = store.count_messages()?;
                let report = match round(ctx, name, cfg, &mut session, &mut store, &identity, stop.clone(), false, batch).await {
                    Ok(r) => r,
                    Err(e) => {
                        // A connection that dies before a batch completes never stores
                        // anything at that batch size: the next round fetches less at a time.
                        let stored = store.count_messages()?;
                        if stored > stored_before {
                            // Progress before the failure: reconnect at once.
                            progressed = true;
                        } else if batch.messages > 1 {
                            batch = batch.shrunk();
                            tracing::info!(account = %name, messages = batch.messages, bytes = batch.bytes, "connection lost before a batch completed; smaller batches");
                        }
                        return Err(e);
                    }
                };
                batch = batch.grown();
                backoff.reset();
                if std::mem::take(&mut first) {
                    synced.done();
                }
                if report.stats.stored > 0 {
                    tracing::info!(account = %name, new = report.stats.stored, linked = report.stats.link.linked, "synced");
                }
                if *stop.borrow() {
                    session.logout().await;
                    return Ok(());
                }
                if idle {
                    let known = report.uid_next.get("INBOX").copied();
                    match session.idle("INBOX", known, renew, wait_stop(stop.clone())).await? {
                        IdleOutcome::Stopped => {
                            session.logout().await;
                            return Ok(());
                        }
                        IdleOutcome::Changed | IdleOutcome::Renew => {}
                    }
                } else {
                    tokio::select! {
                        _ = tokio::time::sleep(poll) => session.noop().await?,
                        _ = wait_stop(stop.clone()) => {
                            session.logout().await;
                            return Ok(());
                        }
                    }
                }
            }
        }
        .await;
        let Err(e) = result else { return };
        if std::mem::take(&mut progressed) {
            backoff.reset();
        }
        let wait = backoff.next(e.is_auth());
        tracing::warn!(account = %name, "{e}; reconnecting in {:.1}s", wait.as_secs_f64());
        let _ = store.record_error(name, "*", &e.to_string(), ctx.clock.now());
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = wait_stop(stop.clone()) => return,
        }
    }
}

/// How long the periodic jobs wait at start for every account's first sync round, so that a
/// digest due at start (the one missed while dealwatch was down) holds the mail that arrived
/// meanwhile; past this bound an unreachable server does not hold the digest back.
pub const FIRST_SYNC_WAIT: Duration = Duration::from_secs(10 * 60);

/// Accounts that completed their first sync round since the daemon started.
#[derive(Default)]
struct FirstRounds {
    count: std::sync::atomic::AtomicUsize,
    notify: tokio::sync::Notify,
}

impl FirstRounds {
    fn done(&self) {
        self.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Waits until `n` accounts synced once, at most `limit`; whether they all did.
    async fn wait(&self, n: usize, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.notify.notified();
            if self.count.load(std::sync::atomic::Ordering::SeqCst) >= n {
                return true;
            }
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline) => return false,
            }
        }
    }
}

/// Opens the database, retrying every few seconds while it cannot be (a disk full, a lock held
/// too long), with an error logged each time; `None` when stopped meanwhile.
async fn open_retrying(ctx: &Context, what: &str, stop: watch::Receiver<bool>) -> Option<Store> {
    loop {
        match Store::open(&ctx.db_path) {
            Ok(s) => return Some(s),
            Err(e) => {
                tracing::error!(loop_name = %what, "cannot open the database: {e}; retrying in 5 s")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = wait_stop(stop.clone()) => return None,
        }
    }
}

async fn jobs_loop(
    ctx: &Context,
    stop: watch::Receiver<bool>,
    synced: &FirstRounds,
    accounts: usize,
) {
    let Some(mut store) = open_retrying(ctx, "periodic jobs", stop.clone()).await else {
        return;
    };
    tokio::select! {
        all = synced.wait(accounts, FIRST_SYNC_WAIT) => {
            if !all {
                tracing::warn!(
                    "not every account synced within {} min of the start; digests go out with what is stored",
                    FIRST_SYNC_WAIT.as_secs() / 60
                );
            }
        }
        _ = wait_stop(stop.clone()) => return,
    }
    loop {
        tick(ctx, &mut store, ctx.clock.now()).await;
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = wait_stop(stop.clone()) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;
    use std::time::Duration;

    #[test]
    fn backoff_grows_is_capped_and_slow_for_auth() {
        let mut b = Backoff::default();
        let first = b.next(false);
        assert!(first <= Duration::from_millis(1200));
        for _ in 0..20 {
            assert!(b.next(false) <= Backoff::CAP);
        }
        b.reset();
        assert!(b.next(true) >= Duration::from_secs(60));
    }
}
