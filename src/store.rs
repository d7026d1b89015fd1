//! The only module that speaks SQL. SQLite in WAL mode with foreign keys and STRICT tables;
//! numbered migrations ([`migrations`]). Every write that belongs together commits in one
//! transaction: a batch of messages with the source position that covers it; an opportunity
//! with the message that created it.

pub mod calendar;
pub mod digest;
mod edits;
mod links;
pub use edits::DealEdit;
pub use links::Correction;
pub mod migrations;

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::source::FolderPosition;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database file could not be opened.
    #[error("cannot open database {path}: {source}")]
    Open {
        /// The file.
        path: String,
        /// Why.
        source: rusqlite::Error,
    },
    /// A read-only open found a database an older dealwatch wrote (it needs a migration).
    #[error("database {0} needs an upgrade: run a command that writes (scan) first")]
    NeedsMigration(String),
    /// The database was written by a newer dealwatch.
    #[error("database schema version {0} is newer than this dealwatch supports ({1})")]
    TooNew(i64, i64),
    /// No such opportunity.
    #[error("no opportunity with id {0}")]
    NoSuchOpportunity(i64),
    /// No such message.
    #[error("no stored message {0} (give its number from `dealwatch show`, or its Message-ID)")]
    NoSuchMessage(String),
}

/// Shorthand for store results.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The database.
pub struct Store {
    conn: Connection,
    /// `PRAGMA data_version` when the last linker started: unchanged at the next one means no
    /// other connection wrote in between, so the keys it kept are still whole.
    linker_version: Option<i64>,
}

/// A message to insert, with what detection found.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    /// Identity: lowercased Message-ID, or a content hash.
    pub key: String,
    /// Message-ID as written, without brackets.
    pub message_id: String,
    /// Whether the Message-ID came from the header.
    pub has_message_id: bool,
    /// Date (RFC 3339), if known.
    pub date: Option<String>,
    /// Date as Unix seconds (0 when unknown).
    pub date_ts: i64,
    /// Sender address.
    pub from_addr: String,
    /// Sender name.
    pub from_name: String,
    /// Subject.
    pub subject: String,
    /// Normalized subject.
    pub subject_norm: String,
    /// Direction name.
    pub direction: String,
    /// Automatic-mail kind name.
    pub auto_kind: String,
    /// Outside party's organisation key.
    pub org: Option<String>,
    /// Outside party's address.
    pub counterpart: Option<String>,
    /// Outside addresses.
    pub contacts: Vec<String>,
    /// In-Reply-To and References ids, lowercased.
    pub parent_ids: Vec<String>,
    /// Reference tokens.
    pub refs: Vec<String>,
    /// Quote evidence.
    pub quote: Option<String>,
    /// Quote amount.
    pub amount: Option<f64>,
    /// Quote currency.
    pub currency: Option<String>,
    /// Request-for-quote evidence.
    pub rfq: Option<String>,
    /// Closure signal as JSON.
    pub signal: Option<String>,
    /// Out-of-office return date.
    pub ooo_until: Option<String>,
    /// Language.
    pub lang: String,
    /// New text, kept until linking decides whether it serves an opportunity.
    pub new_text: Option<String>,
    /// Defects, as JSON array.
    pub defects: Vec<String>,
    /// Raw size.
    pub size: i64,
    /// Attachment file names.
    pub attachments: Vec<String>,
    /// Marks of the text (`mail::marks`): of what we wrote, or of what a reply quotes.
    pub marks: Vec<i64>,
}

/// A stored message, as linking and proposals read it.
#[derive(Debug, Clone, Default)]
pub struct MessageRow {
    /// Row id.
    pub id: i64,
    /// Message-ID without brackets.
    pub message_id: String,
    /// Lowercased identity.
    pub key: String,
    /// Date (RFC 3339).
    pub date: Option<String>,
    /// Unix seconds.
    pub date_ts: i64,
    /// Sender address.
    pub from_addr: String,
    /// Sender name.
    pub from_name: String,
    /// Subject.
    pub subject: String,
    /// Normalized subject.
    pub subject_norm: String,
    /// Direction name.
    pub direction: String,
    /// Automatic-mail kind name.
    pub auto_kind: String,
    /// Organisation key.
    pub org: Option<String>,
    /// Outside party.
    pub counterpart: Option<String>,
    /// Outside addresses.
    pub contacts: Vec<String>,
    /// Parent ids.
    pub parent_ids: Vec<String>,
    /// Reference tokens.
    pub refs: Vec<String>,
    /// Quote evidence.
    pub quote: Option<String>,
    /// Quote amount.
    pub amount: Option<f64>,
    /// Quote currency.
    pub currency: Option<String>,
    /// RFQ evidence.
    pub rfq: Option<String>,
    /// Closure signal JSON.
    pub signal: Option<String>,
    /// OOO return date.
    pub ooo_until: Option<String>,
    /// Language.
    pub lang: String,
    /// New text (only for linked messages).
    pub new_text: Option<String>,
    /// Linked opportunity.
    pub opportunity_id: Option<i64>,
    /// Why it was linked.
    pub link_reason: Option<String>,
    /// Attachment file names.
    pub attachments: Vec<String>,
    /// Marks of the text (`mail::marks`).
    pub marks: Vec<i64>,
}

/// A stored opportunity.
#[derive(Debug, Clone, Default)]
pub struct OpportunityRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Customer organisation key.
    pub customer: String,
    /// Contact addresses.
    pub contacts: Vec<String>,
    /// Quote reference.
    pub quote_ref: Option<String>,
    /// Amount.
    pub amount: Option<f64>,
    /// Currency.
    pub currency: Option<String>,
    /// Normalized subject.
    pub subject_norm: String,
    /// `quote` or `rfq`.
    pub created_from: String,
    /// First message date.
    pub first_seen: String,
    /// Last customer message.
    pub last_inbound_at: Option<String>,
    /// Last message of ours.
    pub last_outbound_at: Option<String>,
    /// State name.
    pub state: String,
    /// When the state last changed.
    pub state_changed_at: Option<String>,
    /// Revisit date for on-hold.
    pub revisit_on: Option<String>,
}

/// A new opportunity.
#[derive(Debug, Clone, Default)]
pub struct NewOpportunity {
    /// Title.
    pub title: String,
    /// Customer organisation key.
    pub customer: String,
    /// Normalized subject.
    pub subject_norm: String,
    /// `quote` or `rfq`.
    pub created_from: String,
    /// The message that created it.
    pub anchor_message: i64,
    /// First seen (RFC 3339).
    pub first_seen: String,
}

/// One state change.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// When.
    pub at: String,
    /// From state.
    pub from_state: String,
    /// To state.
    pub to_state: String,
    /// Why.
    pub reason: String,
    /// `user`, `proposal` or `auto-close`.
    pub actor: String,
    /// Evidence Message-ID.
    pub evidence_message: Option<String>,
}

/// A folder's sync status.
#[derive(Debug, Clone)]
pub struct PositionRow {
    /// Account.
    pub account: String,
    /// Folder.
    pub folder: String,
    /// UIDVALIDITY.
    pub uid_validity: u32,
    /// Last committed UID.
    pub last_uid: u32,
    /// Messages stored from it.
    pub messages_seen: i64,
    /// Last successful sync.
    pub last_sync_at: Option<String>,
    /// Last error.
    pub last_error: Option<String>,
}

fn json_vec(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn parse_vec(s: String) -> Vec<String> {
    serde_json::from_str(&s).unwrap_or_default()
}

const MESSAGE_COLUMNS: &str = "id, message_id, key, date, date_ts, from_addr, from_name, subject, \
    subject_norm, direction, auto_kind, org, counterpart, contacts, parent_ids, refs, quote, \
    amount, currency, rfq, signal, ooo_until, lang, \
    (SELECT text FROM message_texts WHERE message = messages.id), opportunity_id, link_reason, \
    attachments, marks";

fn message_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        message_id: r.get(1)?,
        key: r.get(2)?,
        date: r.get(3)?,
        date_ts: r.get(4)?,
        from_addr: r.get(5)?,
        from_name: r.get(6)?,
        subject: r.get(7)?,
        subject_norm: r.get(8)?,
        direction: r.get(9)?,
        auto_kind: r.get(10)?,
        org: r.get(11)?,
        counterpart: r.get(12)?,
        contacts: parse_vec(r.get(13)?),
        parent_ids: parse_vec(r.get(14)?),
        refs: parse_vec(r.get(15)?),
        quote: r.get(16)?,
        amount: r.get(17)?,
        currency: r.get(18)?,
        rfq: r.get(19)?,
        signal: r.get(20)?,
        ooo_until: r.get(21)?,
        lang: r.get(22)?,
        new_text: r.get(23)?,
        opportunity_id: r.get(24)?,
        link_reason: r.get(25)?,
        attachments: parse_vec(r.get(26)?),
        marks: marks_of(r.get(27)?),
    })
}

/// Marks as stored: 8 bytes each, big-endian.
fn marks_blob(marks: &[i64]) -> Option<Vec<u8>> {
    (!marks.is_empty()).then(|| marks.iter().flat_map(|m| m.to_be_bytes()).collect())
}

fn marks_of(blob: Option<Vec<u8>>) -> Vec<i64> {
    blob.unwrap_or_default()
        .chunks_exact(8)
        .filter_map(|c| <[u8; 8]>::try_from(c).ok())
        .map(i64::from_be_bytes)
        .collect()
}

const OPP_COLUMNS: &str = "id, title, customer, contacts, quote_ref, amount, currency, subject_norm, \
    created_from, first_seen, last_inbound_at, last_outbound_at, state, state_changed_at, revisit_on";

fn opp_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OpportunityRow> {
    Ok(OpportunityRow {
        id: r.get(0)?,
        title: r.get(1)?,
        customer: r.get(2)?,
        contacts: parse_vec(r.get(3)?),
        quote_ref: r.get(4)?,
        amount: r.get(5)?,
        currency: r.get(6)?,
        subject_norm: r.get(7)?,
        created_from: r.get(8)?,
        first_seen: r.get(9)?,
        last_inbound_at: r.get(10)?,
        last_outbound_at: r.get(11)?,
        state: r.get(12)?,
        state_changed_at: r.get(13)?,
        revisit_on: r.get(14)?,
    })
}

/// Creates a database's directory (0700) and empty file (0600) when they do not exist yet;
/// existing ones are left as they are. Failures are left to the open that follows to report.
fn create_private(path: &Path) {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
    }
    if !path.exists() {
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    ///
    /// A new database holds customers' mail: its directory is created 0700 and the file 0600
    /// (SQLite gives its WAL and shared-memory files the database file's mode).
    pub fn open(path: &Path) -> Result<Store> {
        create_private(path);
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Self::setup(conn)
    }

    /// Opens an existing database for reading only (commands that change nothing: another
    /// user's database, or a read-only copy, can be listed). The database must exist and be
    /// migrated already: a read-only open never writes, not even a migration.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let latest = migrations::MIGRATIONS.len() as i64;
        if version > latest {
            return Err(StoreError::TooNew(version, latest));
        }
        if version < latest {
            return Err(StoreError::NeedsMigration(path.display().to_string()));
        }
        Ok(Store {
            conn,
            linker_version: None,
        })
    }

    /// A second connection to the same database file, for a writer thread; `None` for an
    /// in-memory database, which cannot be shared.
    pub fn reopen(&self) -> Result<Option<Store>> {
        match self.conn.path() {
            Some(path) if !path.is_empty() => Ok(Some(Self::open(Path::new(path))?)),
            _ => Ok(None),
        }
    }

    /// An in-memory database (tests).
    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // Switching a new file to WAL takes a lock that a busy handler does not wait for:
        // processes starting together on a fresh database retry it for a while.
        let mut tries = 0;
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && tries < 300 =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10 + tries % 20));
                }
                other => break other?,
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store {
            conn,
            linker_version: None,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Brings the schema to the latest version, one migration per transaction. Each takes the
    /// write lock first (`BEGIN IMMEDIATE`) and reads the version under it: when two processes
    /// start together on a new database, one migrates and the other waits, then finds nothing
    /// left to do.
    fn migrate(&mut self) -> Result<()> {
        let latest = migrations::MIGRATIONS.len() as i64;
        loop {
            let version: i64 = self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version > latest {
                return Err(StoreError::TooNew(version, latest));
            }
            if version == latest {
                return Ok(());
            }
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let locked: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if locked == version {
                if let Some(sql) = migrations::MIGRATIONS.get(version as usize) {
                    tx.execute_batch(sql)?;
                }
                tx.pragma_update(None, "user_version", version + 1)?;
            }
            tx.commit()?;
        }
    }

    /// The connection, for modules that own their tables (digest, calendar) through their own
    /// store submodules.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Whether a source location was already stored.
    pub fn knows_location(&self, source: &str, folder: &str, location: &str) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM message_locations WHERE source = ?1 AND folder = ?2 AND location = ?3",
        )?;
        Ok(stmt.exists(params![source, folder, location])?)
    }

    /// Stores a batch of messages and the position that covers them, in one transaction.
    /// Returns how many were new (the others were already stored under the same identity).
    pub fn insert_batch(
        &mut self,
        source: &str,
        items: &[(String, String, NewMessage)],
        position: Option<&FolderPosition>,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut new = 0;
        for (folder, location, m) in items {
            let id = insert_message(&tx, m)?;
            if id.1 {
                new += 1;
            }
            tx.prepare_cached(
                "INSERT OR IGNORE INTO message_locations (message, source, folder, location) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id.0, source, folder, location])?;
        }
        if let Some(p) = position {
            save_position(&tx, p, new as i64, now)?;
        }
        tx.commit()?;
        Ok(new)
    }

    /// Records a sync error for an account's folder (shown by `dealwatch status`).
    pub fn record_error(
        &self,
        account: &str,
        folder: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO folder_positions (account, folder, last_error, last_error_at) \
             VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT(account, folder) DO UPDATE SET last_error = ?3, last_error_at = ?4",
            params![account, folder, error, now.to_rfc3339()],
        )?;
        Ok(())
    }

    /// A folder's saved position.
    pub fn position(&self, account: &str, folder: &str) -> Result<Option<FolderPosition>> {
        Ok(self
            .conn
            .query_row(
                "SELECT uid_validity, last_uid, highest_modseq FROM folder_positions \
                 WHERE account = ?1 AND folder = ?2",
                params![account, folder],
                |r| {
                    Ok(FolderPosition {
                        account: account.to_string(),
                        folder: folder.to_string(),
                        uid_validity: r.get::<_, i64>(0)? as u32,
                        last_uid: r.get::<_, i64>(1)? as u32,
                        highest_modseq: r.get::<_, Option<i64>>(2)?.map(|v| v as u64),
                    })
                },
            )
            .optional()?)
    }

    /// Every folder's status.
    pub fn positions(&self) -> Result<Vec<PositionRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT account, folder, uid_validity, last_uid, messages_seen, last_sync_at, last_error \
             FROM folder_positions ORDER BY account, folder",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PositionRow {
                account: r.get(0)?,
                folder: r.get(1)?,
                uid_validity: r.get::<_, i64>(2)? as u32,
                last_uid: r.get::<_, i64>(3)? as u32,
                messages_seen: r.get(4)?,
                last_sync_at: r.get(5)?,
                last_error: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Starts a transaction for the linker.
    pub fn linker(&mut self) -> Result<Linker<'_>> {
        self.linker_with(None)
    }

    /// Starts a transaction for the linker with the keys a previous linker of the same pass
    /// committed ([`Linker::commit_keeping_keys`]), or loads them when there are none: a pass
    /// in chunks reads the deals' keys once, not once per chunk.
    pub fn linker_with(&mut self, kept: Option<KeyMap>) -> Result<Linker<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process's commit since ours (a second scan, a daemon) may have added keys:
        // then they are read again.
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let kept = kept.filter(|_| self.linker_version == Some(version));
        self.linker_version = Some(version);
        if let Some(keys) = kept {
            return Ok(Linker {
                tx,
                keys: std::cell::RefCell::new(keys),
                touched: Default::default(),
                model: None,
            });
        }
        let mut keys: KeyMap = std::collections::HashMap::new();
        {
            let mut stmt = tx.prepare("SELECT kind, value, opportunity FROM opportunity_keys")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            for row in rows {
                let (kind, value, id) = row?;
                keys.entry((kind, value)).or_default().push(id);
            }
        }
        for ids in keys.values_mut() {
            ids.sort_unstable_by(|a, b| b.cmp(a));
        }
        Ok(Linker {
            tx,
            keys: std::cell::RefCell::new(keys),
            touched: Default::default(),
            model: None,
        })
    }

    /// Every opportunity, by id.
    pub fn opportunities(&self) -> Result<Vec<OpportunityRow>> {
        let sql = format!("SELECT {OPP_COLUMNS} FROM opportunities ORDER BY id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], opp_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One opportunity.
    pub fn opportunity(&self, id: i64) -> Result<OpportunityRow> {
        let sql = format!("SELECT {OPP_COLUMNS} FROM opportunities WHERE id = ?1");
        self.conn
            .query_row(&sql, [id], opp_row)
            .optional()?
            .ok_or(StoreError::NoSuchOpportunity(id))
    }

    /// An opportunity's messages, oldest first.
    pub fn opportunity_messages(&self, id: i64) -> Result<Vec<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE opportunity_id = ?1 ORDER BY date_ts, id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([id], message_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The sources (IMAP account names, `maildir`, `mbox`) an opportunity's messages were read from.
    pub fn opportunity_sources(&self, id: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT l.source FROM message_locations l JOIN messages m ON m.id = l.message \
             WHERE m.opportunity_id = ?1 ORDER BY l.source",
        )?;
        let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every opportunity's sources (as [`Store::opportunity_sources`]), in one query.
    pub fn all_sources(&self) -> Result<std::collections::HashMap<i64, Vec<String>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT m.opportunity_id, l.source FROM message_locations l \
             JOIN messages m ON m.id = l.message WHERE m.opportunity_id IS NOT NULL \
             ORDER BY m.opportunity_id, l.source",
        )?;
        let mut out: std::collections::HashMap<i64, Vec<String>> = Default::default();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, source) = row?;
            out.entry(id).or_default().push(source);
        }
        Ok(out)
    }

    /// A number that changes whenever another connection commits a change to the database
    /// (SQLite's `data_version`): readers that cache use it to know when to reload.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Proposals the user rejected for an opportunity: (state, evidence).
    pub fn rejections(&self, id: i64) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT state, evidence FROM rejected_proposals WHERE opportunity = ?1",
        )?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records that the user rejected a proposal, so it is not proposed again for that evidence.
    pub fn reject(&self, id: i64, state: &str, evidence: &str, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO rejected_proposals (opportunity, state, evidence, at) \
             VALUES (?1, ?2, ?3, ?4)",
            params![id, state, evidence, now.to_rfc3339()],
        )?;
        Ok(())
    }

    /// Changes an opportunity's state and records it in the history, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn set_state(
        &mut self,
        id: i64,
        to: &str,
        revisit_on: Option<&str>,
        reason: &str,
        actor: &str,
        evidence: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let from: String = tx
            .query_row("SELECT state FROM opportunities WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::NoSuchOpportunity(id))?;
        tx.execute(
            "UPDATE opportunities SET state = ?2, state_changed_at = ?3, revisit_on = ?4 WHERE id = ?1",
            params![id, to, now.to_rfc3339(), revisit_on],
        )?;
        tx.execute(
            "INSERT INTO state_history (opportunity, at, from_state, to_state, reason, actor, evidence_message) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, now.to_rfc3339(), from, to, reason, actor, evidence],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// An opportunity's state history, oldest first.
    pub fn history(&self, id: i64) -> Result<Vec<HistoryRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, from_state, to_state, reason, actor, evidence_message FROM state_history \
             WHERE opportunity = ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(HistoryRow {
                at: r.get(0)?,
                from_state: r.get(1)?,
                to_state: r.get(2)?,
                reason: r.get(3)?,
                actor: r.get(4)?,
                evidence_message: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A stored setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Stores a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) \
             ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
        Ok(())
    }

    /// The closure model adapted to this user's decisions, if `dealwatch train` made one (an
    /// unreadable one is reported and ignored: the shipped model is used).
    pub fn adapted_model(&self) -> Result<Option<crate::detect::closure::Model>> {
        let bytes: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT bytes FROM models WHERE name = 'adapted'", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(bytes.and_then(|b| match crate::detect::closure::Model::from_bytes(&b) {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::warn!(error = %e, "adapted closure model ignored; using the shipped one");
                None
            }
        }))
    }

    /// Stores the adapted closure model, trained on `examples` of the user's decisions.
    pub fn save_adapted_model(
        &self,
        bytes: &[u8],
        examples: usize,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO models (name, bytes, examples, trained_at) VALUES ('adapted', ?1, ?2, ?3) \
             ON CONFLICT(name) DO UPDATE SET bytes = ?1, examples = ?2, trained_at = ?3",
            params![bytes, examples as i64, now.to_rfc3339()],
        )?;
        Ok(())
    }

    /// When the adapted model was trained and on how many examples.
    pub fn adapted_model_info(&self) -> Result<Option<(String, i64)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT trained_at, examples FROM models WHERE name = 'adapted'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Every rejected proposal: (opportunity, state, evidence key).
    pub fn all_rejections(&self) -> Result<Vec<(i64, String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT opportunity, state, evidence FROM rejected_proposals ORDER BY at")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Senders of messages stored from a folder whose name looks like a sent folder, with
    /// counts, most frequent first (used to infer our identity).
    pub fn sent_folder_senders(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT m.from_addr, COUNT(DISTINCT m.id) AS n FROM messages m \
             JOIN message_locations l ON l.message = m.id \
             WHERE lower(l.folder) IN ('sent', 'sent items', 'sent messages', 'sent mail', \
               'envoyés', 'éléments envoyés', 'gesendet', 'gesendete elemente', 'enviados', \
               'posta inviata', 'inbox.sent', '[gmail]/sent mail') AND m.from_addr != '' \
             GROUP BY m.from_addr ORDER BY n DESC",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many messages are stored.
    pub fn count_messages(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check` result.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

fn insert_message(tx: &Transaction<'_>, m: &NewMessage) -> Result<(i64, bool)> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO messages (key, message_id, has_message_id, date, date_ts, from_addr, from_name, \
         subject, subject_norm, direction, auto_kind, org, counterpart, contacts, parent_ids, refs, \
         quote, amount, currency, rfq, signal, ooo_until, lang, defects, size, attachments, marks) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
         ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27) ON CONFLICT(key) DO NOTHING RETURNING id",
    )?;
    let inserted: Option<i64> = stmt
        .query_row(
            params![
                m.key,
                m.message_id,
                m.has_message_id,
                m.date,
                m.date_ts,
                m.from_addr,
                m.from_name,
                m.subject,
                m.subject_norm,
                m.direction,
                m.auto_kind,
                m.org,
                m.counterpart,
                json_vec(&m.contacts),
                json_vec(&m.parent_ids),
                json_vec(&m.refs),
                m.quote,
                m.amount,
                m.currency,
                m.rfq,
                m.signal,
                m.ooo_until,
                m.lang,
                json_vec(&m.defects),
                m.size,
                json_vec(&m.attachments),
                marks_blob(&m.marks),
            ],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = inserted {
        if let Some(text) = &m.new_text {
            tx.prepare_cached("INSERT INTO message_texts (message, text) VALUES (?1, ?2)")?
                .execute(params![id, text])?;
        }
        return Ok((id, true));
    }
    let id: i64 = tx
        .prepare_cached("SELECT id FROM messages WHERE key = ?1")?
        .query_row([&m.key], |r| r.get(0))?;
    Ok((id, false))
}

fn save_position(
    tx: &Transaction<'_>,
    p: &FolderPosition,
    new: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO folder_positions (account, folder, uid_validity, last_uid, highest_modseq, \
         messages_seen, last_sync_at, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL) \
         ON CONFLICT(account, folder) DO UPDATE SET uid_validity = ?3, last_uid = ?4, \
         highest_modseq = ?5, messages_seen = messages_seen + ?6, last_sync_at = ?7, last_error = NULL",
        params![
            p.account,
            p.folder,
            i64::from(p.uid_validity),
            i64::from(p.last_uid),
            p.highest_modseq.map(|v| v as i64),
            new,
            now.to_rfc3339()
        ],
    )?;
    Ok(())
}

/// The linker's transaction: lookups and writes that attach messages to opportunities.
pub struct Linker<'a> {
    tx: Transaction<'a>,
    /// Every opportunity key, in memory for the pass: most messages match none, and asking
    /// SQLite for each of their thread ids would dominate a large scan.
    keys: std::cell::RefCell<KeyMap>,
    /// Opportunities whose derived fields are to be recomputed before the commit.
    touched: std::cell::RefCell<std::collections::BTreeSet<i64>>,
    /// The closure model that reads the customers' words: the user's adapted one when
    /// `dealwatch train` made one, else the shipped one (`None`).
    pub model: Option<std::sync::Arc<crate::detect::closure::Model>>,
}

impl Linker<'_> {
    /// Notes that an opportunity's messages changed: its derived fields are recomputed once,
    /// before the commit (see [`Self::take_touched`]), not after every message.
    pub fn touch(&self, id: i64) {
        self.touched.borrow_mut().insert(id);
    }

    /// The opportunities touched since the last call, in id order.
    pub fn take_touched(&self) -> Vec<i64> {
        std::mem::take(&mut *self.touched.borrow_mut())
            .into_iter()
            .collect()
    }

    /// The opportunities that hold a key of this kind with any of these values, newest first.
    pub fn opportunities_by_key(&self, kind: &str, values: &[String]) -> Result<Vec<i64>> {
        let keys = self.keys.borrow();
        let mut out = Vec::new();
        for v in values {
            if let Some(ids) = keys.get(&(kind.to_string(), v.clone())) {
                for id in ids {
                    if !out.contains(id) {
                        out.push(*id);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Opportunities of a customer: (id, created_from, has a quote ref or amount).
    pub fn opportunities_of(&self, customer: &str) -> Result<Vec<OpportunityRow>> {
        let sql =
            format!("SELECT {OPP_COLUMNS} FROM opportunities WHERE customer = ?1 ORDER BY id DESC");
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let rows = stmt.query_map([customer], opp_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether an opportunity has received a quote from us.
    pub fn has_quote(&self, id: i64) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT 1 FROM messages WHERE opportunity_id = ?1 AND quote IS NOT NULL",
            )?
            .exists([id])?)
    }

    /// An unlinked, already processed message by identity key.
    pub fn unlinked_message(&self, key: &str) -> Result<Option<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE key = ?1 AND opportunity_id IS NULL \
             AND link_state = 'unlinked'"
        );
        Ok(self
            .tx
            .prepare_cached(&sql)?
            .query_row([key], message_row)
            .optional()?)
    }

    /// Unlinked human messages with an organisation, between two times (Unix seconds).
    pub fn unlinked_of_org(&self, org: &str, from_ts: i64, to_ts: i64) -> Result<Vec<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages INDEXED BY messages_org \
             WHERE org = ?1 AND opportunity_id IS NULL \
             AND link_state = 'unlinked' AND auto_kind = 'none' AND date_ts BETWEEN ?2 AND ?3 \
             ORDER BY date_ts"
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![org, from_ts, to_ts], message_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Creates an opportunity.
    pub fn create(&self, o: &NewOpportunity) -> Result<i64> {
        // Ids are never reused: a deal merged away leaves its number behind (see `merge_into`).
        self.tx.execute(
            "INSERT INTO opportunities (id, title, customer, subject_norm, created_from, \
             anchor_message, first_seen) VALUES (1 + MAX(COALESCE((SELECT MAX(id) FROM \
             opportunities), 0), COALESCE((SELECT CAST(value AS INTEGER) FROM settings \
             WHERE key = 'last_deleted_opportunity'), 0)), ?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                o.title,
                o.customer,
                o.subject_norm,
                o.created_from,
                o.anchor_message,
                o.first_seen
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// The organisations (not free-mail addresses) whose mail came from a sender of this name,
    /// compared without case.
    pub fn orgs_of_sender_name(&self, name: &str) -> Result<Vec<String>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT DISTINCT org FROM messages WHERE from_name = ?1 COLLATE NOCASE \
             AND direction = 'inbound' AND org IS NOT NULL AND org != from_addr",
        )?;
        let rows = stmt.query_map([name], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records the marks of one of our messages in an opportunity.
    pub fn add_marks(&self, id: i64, marks: &[i64]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO quoted_marks (mark, opportunity) VALUES (?1, ?2)",
        )?;
        for m in marks {
            stmt.execute(params![m, id])?;
        }
        Ok(())
    }

    /// The two opportunities holding the most of these marks, with how many each holds, most
    /// first (one statement: the marks go in as a JSON array).
    pub fn opportunities_by_marks(&self, marks: &[i64]) -> Result<Vec<(i64, usize)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT opportunity, COUNT(*) AS n FROM quoted_marks \
             WHERE mark IN (SELECT value FROM json_each(?1)) \
             GROUP BY opportunity ORDER BY n DESC, opportunity DESC LIMIT 2",
        )?;
        let json = serde_json::to_string(marks).unwrap_or_else(|_| "[]".into());
        let rows = stmt.query_map([json], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?.max(0) as usize))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds lookup keys to an opportunity.
    pub fn add_keys(&self, id: i64, kind: &str, values: &[String]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO opportunity_keys (opportunity, kind, value) VALUES (?1, ?2, ?3)",
        )?;
        let mut keys = self.keys.borrow_mut();
        for v in values.iter().filter(|v| !v.is_empty()) {
            stmt.execute(params![id, kind, v])?;
            let ids = keys.entry((kind.to_string(), v.clone())).or_default();
            if !ids.contains(&id) {
                ids.push(id);
                ids.sort_unstable_by(|a, b| b.cmp(a));
            }
        }
        Ok(())
    }

    /// Attaches a message to an opportunity.
    pub fn link(&self, message: i64, opportunity: i64, reason: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE messages SET opportunity_id = ?2, link_state = 'linked', link_reason = ?3 \
                 WHERE id = ?1",
            )?
            .execute(params![message, opportunity, reason])?;
        Ok(())
    }

    /// Stores what is read of a message when it joins an opportunity: its closure signal
    /// (JSON), if any, and its language.
    pub fn set_reading(&self, message: i64, signal: Option<&str>, lang: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE messages SET signal = COALESCE(?2, signal), lang = ?3 WHERE id = ?1",
            )?
            .execute(params![message, signal, lang])?;
        Ok(())
    }

    /// Marks a message processed without an opportunity, and drops its text (`has_text`: it
    /// has one): a personal mail never stays in the database in full.
    pub fn leave_unlinked(&self, message: i64, has_text: bool) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE messages SET link_state = 'unlinked' WHERE id = ?1")?
            .execute([message])?;
        if has_text {
            self.tx
                .prepare_cached("DELETE FROM message_texts WHERE message = ?1")?
                .execute([message])?;
        }
        Ok(())
    }

    /// Writes an opportunity's derived fields. A title corrected by hand is kept; an amount
    /// (and its currency) corrected by hand is kept unless `amount_quoted_at`, the date of the
    /// quote the amount was read from, is after the correction.
    pub fn update(&self, o: &OpportunityRow, amount_quoted_at: Option<&str>) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE opportunities SET \
                 title = CASE WHEN title_edited_at IS NULL THEN ?2 ELSE title END, \
                 contacts = ?3, quote_ref = ?4, \
                 amount = CASE WHEN amount_edited_at IS NULL \
                   OR julianday(?10) > julianday(amount_edited_at) THEN ?5 ELSE amount END, \
                 currency = CASE WHEN amount_edited_at IS NULL \
                   OR julianday(?10) > julianday(amount_edited_at) THEN ?6 ELSE currency END, \
                 first_seen = ?7, last_inbound_at = ?8, last_outbound_at = ?9 \
                 WHERE id = ?1",
            )?
            .execute(params![
                o.id,
                o.title,
                json_vec(&o.contacts),
                o.quote_ref,
                o.amount,
                o.currency,
                o.first_seen,
                o.last_inbound_at,
                o.last_outbound_at,
                amount_quoted_at
            ])?;
        Ok(())
    }

    /// One opportunity, inside the transaction.
    pub fn opportunity(&self, id: i64) -> Result<OpportunityRow> {
        let sql = format!("SELECT {OPP_COLUMNS} FROM opportunities WHERE id = ?1");
        self.tx
            .query_row(&sql, [id], opp_row)
            .optional()?
            .ok_or(StoreError::NoSuchOpportunity(id))
    }

    /// An opportunity's messages, inside the transaction.
    pub fn messages(&self, id: i64) -> Result<Vec<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE opportunity_id = ?1 ORDER BY date_ts, id"
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let rows = stmt.query_map([id], message_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Messages waiting to be linked, oldest first, at most `limit`, read under the linker's
    /// write lock: two processes linking at once never take the same messages.
    pub fn pending_messages(&self, limit: usize) -> Result<Vec<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE link_state = 'pending' \
             ORDER BY date_ts, id LIMIT ?1"
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let rows = stmt.query_map([limit as i64], message_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Commits.
    pub fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }

    /// Commits, and hands the keys over to the next linker of the same pass.
    pub fn commit_keeping_keys(self) -> Result<KeyMap> {
        self.tx.commit()?;
        Ok(self.keys.into_inner())
    }
}

/// Every opportunity key in memory: (kind, value) → opportunities, newest first.
pub type KeyMap = std::collections::HashMap<(String, String), Vec<i64>>;
