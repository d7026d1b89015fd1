//! Linear, numbered schema migrations. `PRAGMA user_version` records the last one applied; each
//! runs in its own transaction. Never edit a released migration: add the next one.

/// The migrations, in order; index + 1 is the version.
pub const MIGRATIONS: &[&str] = &[
    // 1: messages, opportunities, links, history, positions.
    r#"
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    message_id TEXT NOT NULL,
    has_message_id INTEGER NOT NULL DEFAULT 1,
    date TEXT,
    date_ts INTEGER NOT NULL DEFAULT 0,
    from_addr TEXT NOT NULL DEFAULT '',
    from_name TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    subject_norm TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT 'unknown',
    auto_kind TEXT NOT NULL DEFAULT 'none',
    org TEXT,
    counterpart TEXT,
    contacts TEXT NOT NULL DEFAULT '[]',
    parent_ids TEXT NOT NULL DEFAULT '[]',
    refs TEXT NOT NULL DEFAULT '[]',
    quote TEXT,
    amount REAL,
    currency TEXT,
    rfq TEXT,
    signal TEXT,
    ooo_until TEXT,
    lang TEXT NOT NULL DEFAULT 'und',
    new_text TEXT,
    defects TEXT NOT NULL DEFAULT '[]',
    size INTEGER NOT NULL DEFAULT 0,
    link_state TEXT NOT NULL DEFAULT 'pending',
    link_reason TEXT,
    opportunity_id INTEGER REFERENCES opportunities(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX messages_pending ON messages(link_state, date_ts);
CREATE INDEX messages_opportunity ON messages(opportunity_id, date_ts);

CREATE TABLE message_locations (
    message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    folder TEXT NOT NULL,
    location TEXT NOT NULL,
    PRIMARY KEY (source, folder, location)
) STRICT;
CREATE INDEX message_locations_message ON message_locations(message);

CREATE TABLE opportunities (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    customer TEXT NOT NULL,
    contacts TEXT NOT NULL DEFAULT '[]',
    quote_ref TEXT,
    amount REAL,
    currency TEXT,
    subject_norm TEXT NOT NULL DEFAULT '',
    anchor_message INTEGER REFERENCES messages(id),
    created_from TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_inbound_at TEXT,
    last_outbound_at TEXT,
    state TEXT NOT NULL DEFAULT 'open',
    state_changed_at TEXT,
    revisit_on TEXT
) STRICT;
CREATE INDEX opportunities_customer ON opportunities(customer);

CREATE TABLE opportunity_keys (
    opportunity INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, value, opportunity)
) STRICT;

CREATE TABLE state_history (
    id INTEGER PRIMARY KEY,
    opportunity INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    evidence_message TEXT
) STRICT;
CREATE INDEX state_history_opportunity ON state_history(opportunity, at);

CREATE TABLE rejected_proposals (
    opportunity INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    evidence TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (opportunity, state, evidence)
) STRICT;

CREATE TABLE folder_positions (
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    uid_validity INTEGER NOT NULL DEFAULT 0,
    last_uid INTEGER NOT NULL DEFAULT 0,
    highest_modseq INTEGER,
    messages_seen INTEGER NOT NULL DEFAULT 0,
    last_sync_at TEXT,
    last_error TEXT,
    last_error_at TEXT,
    PRIMARY KEY (account, folder)
) STRICT;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
"#,
    // 2: weekly digests: every digest rendered and its delivery state (src/store/digest.rs).
    r#"
CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    week TEXT,
    resend_of INTEGER REFERENCES digests(id) ON DELETE SET NULL,
    recipients TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    html TEXT NOT NULL,
    text TEXT NOT NULL,
    chart BLOB,
    as_of TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    attempt_started_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
) STRICT;
CREATE UNIQUE INDEX digests_scheduled_week ON digests(name, week) WHERE kind = 'scheduled';
CREATE INDEX digests_status ON digests(status);
"#,
    // 3: follow-up meetings, their deliveries (mail, CalDAV) and on-hold reminders.
    r#"
CREATE TABLE meetings (
    opportunity INTEGER PRIMARY KEY REFERENCES opportunities(id) ON DELETE CASCADE,
    uid TEXT NOT NULL UNIQUE,
    sequence INTEGER NOT NULL DEFAULT 0,
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('scheduled', 'cancelled')),
    dtstamp TEXT NOT NULL,
    ics TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE meeting_deliveries (
    uid TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('mail', 'caldav')),
    method TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
    started_at TEXT NOT NULL,
    done_at TEXT,
    error TEXT,
    PRIMARY KEY (uid, sequence, channel)
) STRICT;

CREATE TABLE reminders (
    opportunity INTEGER PRIMARY KEY REFERENCES opportunities(id) ON DELETE CASCADE,
    uid TEXT NOT NULL UNIQUE,
    due_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'stored', 'removed')),
    updated_at TEXT NOT NULL
) STRICT;
"#,
    // 4: attachment names, so closure signals can be read when a message joins an opportunity.
    r#"
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
"#,
    // 5: earlier exchanges with a customer are looked up by organisation when a quote arrives.
    r#"
CREATE INDEX messages_org ON messages(org, date_ts);
"#,
    // 6: message texts apart from the message rows: rows stay small for scans, and dropping the
    // text of a message that serves no opportunity is a cheap delete.
    r#"
CREATE TABLE message_texts (
    message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    text TEXT NOT NULL
) STRICT;
INSERT INTO message_texts (message, text) SELECT id, new_text FROM messages WHERE new_text IS NOT NULL;
ALTER TABLE messages DROP COLUMN new_text;
"#,
    // 7: the closure model adapted to the user's own decisions (`dealwatch train`); the shipped
    // model stays in the binary and is never overwritten.
    r#"
CREATE TABLE models (
    name TEXT PRIMARY KEY,
    bytes BLOB NOT NULL,
    examples INTEGER NOT NULL DEFAULT 0,
    trained_at TEXT NOT NULL
) STRICT;
"#,
    // 8: the salesperson's linking corrections (`link`, `unlink`, `split`), by message key:
    // linking follows them for every message that arrives with that key, before any evidence.
    r#"
CREATE TABLE link_corrections (
    key TEXT PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('link', 'unlink')),
    opportunity INTEGER REFERENCES opportunities(id) ON DELETE SET NULL,
    at TEXT NOT NULL
) STRICT;
"#,
    // 9: when a deal's title or amount was corrected by hand (`edit`): what was read
    // from mail no longer overwrites it (an amount: until a quote dated after the correction).
    r#"
ALTER TABLE opportunities ADD COLUMN title_edited_at TEXT;
ALTER TABLE opportunities ADD COLUMN amount_edited_at TEXT;
"#,
    // 10: marks of text (mail/marks): a reply that quotes one of our messages is linked to that
    // message's deal, whatever its headers and subject became. `marks` holds a message's marks
    // (8 bytes each); `quoted_marks` those of our messages in deals, by mark.
    r#"
ALTER TABLE messages ADD COLUMN marks BLOB;
CREATE TABLE quoted_marks (
    mark INTEGER NOT NULL,
    opportunity INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    PRIMARY KEY (mark, opportunity)
) STRICT, WITHOUT ROWID;
"#,
    // 11: senders by name, to recognise a customer's contact writing from a personal address.
    r#"
CREATE INDEX messages_from_name ON messages(from_name COLLATE NOCASE);
"#,
];
