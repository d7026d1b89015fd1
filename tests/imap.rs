//! IMAP integration tests against a real Dovecot started per test (see `common`).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Dovecot, Fault, Proxy};
use dealwatch::cli::Context;
use dealwatch::clock::SystemClock;
use dealwatch::config::RawConfig;
use dealwatch::store::Store;

const AS_OF: &str = "2026-06-01T08:00:00Z";

fn dealwatch(config: &Path, db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dealwatch"))
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .arg("--as-of")
        .arg(AS_OF)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run dealwatch")
}

fn ok(out: std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn context(config: &Path, db: &Path) -> Context {
    Context {
        config: RawConfig::load(config).expect("config"),
        clock: Box::new(SystemClock),
        db_path: db.to_path_buf(),
        as_of_given: false,
    }
}

fn stored_keys(db: &Path) -> Vec<String> {
    let store = Store::open(db).expect("db");
    let mut stmt = store
        .conn()
        .prepare("SELECT key FROM messages ORDER BY key")
        .expect("sql");
    stmt.query_map([], |r| r.get(0))
        .expect("sql")
        .map(|r| r.expect("row"))
        .collect()
}

/// Priority 1: the opportunities from an IMAP scan are those from a Maildir scan of the same
/// messages.
#[test]
fn imap_scan_equals_maildir_scan() {
    let dovecot = Dovecot::start_with(common::copy_sample_mailbox);
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let (db_m, db_i) = (
        tmp.path().join("maildir.sqlite"),
        tmp.path().join("imap.sqlite"),
    );
    let sample = common::sample_mailbox();
    ok(
        dealwatch(
            &config,
            &db_m,
            &["scan", "--maildir", sample.to_str().expect("path")],
        ),
        "maildir scan",
    );
    let out = ok(
        dealwatch(&config, &db_i, &["scan", "--account", "sales"]),
        "imap scan",
    );
    let _ = out;
    let from_maildir = ok(
        dealwatch(&config, &db_m, &["opportunities", "--json"]),
        "list maildir",
    );
    let from_imap = ok(
        dealwatch(&config, &db_i, &["opportunities", "--json"]),
        "list imap",
    );
    let parsed: serde_json::Value = serde_json::from_str(&from_imap).expect("json");
    assert!(
        parsed.as_array().is_some_and(|a| !a.is_empty()),
        "no opportunity found: {from_imap}"
    );
    assert_eq!(from_maildir, from_imap, "IMAP and Maildir scans disagree");
    assert_eq!(stored_keys(&db_m), stored_keys(&db_i));
    // A second scan fetches nothing new.
    let again = dealwatch(&config, &db_i, &["scan", "--account", "sales"]);
    let err = String::from_utf8_lossy(&again.stderr).into_owned();
    assert!(again.status.success(), "{err}");
    assert!(
        err.contains("scanned 0 messages"),
        "rescan read messages again: {err}"
    );
    let status = ok(dealwatch(&config, &db_i, &["status"]), "status");
    assert!(
        status.contains("sales/INBOX") && status.contains("sales/Sent"),
        "{status}"
    );
}

/// Priority 2: scanning and idling change nothing in the mailbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_and_idle_leave_the_mailbox_unchanged() {
    let dovecot = Dovecot::start_with(common::copy_sample_mailbox);
    // Let Dovecot index the folders (assign UIDs) before the snapshot.
    let before = (dovecot.snapshot("INBOX"), dovecot.snapshot("Sent"));
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    ok(
        dealwatch(&config, &db, &["scan", "--account", "sales"]),
        "imap scan",
    );
    let ctx = context(&config, &db);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let daemon = dealwatch::daemon::run(&ctx, async {
        let _ = rx.await;
    });
    let stopper = async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        let _ = tx.send(());
    };
    let (result, ()) = tokio::join!(daemon, stopper);
    result.expect("daemon");
    let after = (dovecot.snapshot("INBOX"), dovecot.snapshot("Sent"));
    assert_eq!(before, after, "the mailbox changed");
    let audit = dovecot.audit();
    assert!(audit.is_empty(), "mutating activity: {audit:#?}");
    assert!(dovecot.sessions() >= 2, "no IMAP session was logged");
}

/// Priority 3: a message delivered while the daemon idles is stored within 2 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_delivered_while_idling_is_stored_quickly() {
    let dovecot = Dovecot::start();
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    let ctx = context(&config, &db);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let daemon = dealwatch::daemon::run(&ctx, async {
        let _ = rx.await;
    });
    let db2 = db.clone();
    let test = async {
        // Wait for the first round (the position rows appear) and IDLE to start.
        wait_until(Duration::from_secs(10), || {
            Store::open(&db2)
                .ok()
                .and_then(|s| s.position("sales", "INBOX").ok().flatten())
                .is_some()
        })
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        dovecot.deliver(
            "INBOX",
            &common::message(
                "idle-1@customer.example",
                "Request for quote",
                "Please quote 3 units.",
            ),
        );
        let delivered = Instant::now();
        wait_until(Duration::from_secs(5), || {
            stored_keys(&db2).contains(&"idle-1@customer.example".to_string())
        })
        .await;
        let took = delivered.elapsed();
        let _ = tx.send(());
        took
    };
    let (result, took) = tokio::join!(daemon, test);
    result.expect("daemon");
    assert!(took <= Duration::from_secs(2), "stored after {took:?}");
}

async fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < limit,
            "condition not met within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[allow(dead_code)]
fn unused(_: Fault, _: Proxy) {}
