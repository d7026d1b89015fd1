//! The database under operators' conditions: file modes of a new database, processes that start
//! together on a fresh file, two scans at once.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use dealwatch::store::Store;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn a_new_database_and_its_wal_are_private() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("state/dealwatch");
    let db = dir.join("db.sqlite");
    let store = Store::open(&db).expect("open");
    store
        .set_setting("probe", "1")
        .expect("a write, so that the WAL exists");
    assert_eq!(mode(&dir), 0o700, "database directory");
    assert_eq!(mode(&db), 0o600, "database file");
    let wal = dir.join("db.sqlite-wal");
    assert!(wal.exists(), "WAL missing");
    assert_eq!(mode(&wal), 0o600, "WAL file");
}

#[test]
fn processes_opening_a_fresh_database_together_all_migrate_it_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db.sqlite");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let (db, barrier) = (db.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                Store::open(&db).map(|_| ()).map_err(|e| e.to_string())
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread").expect("every opener succeeds");
    }
    let store = Store::open(&db).expect("open");
    assert_eq!(store.count_messages().expect("count"), 0);
}

#[test]
fn two_scans_at_once_on_one_database_both_succeed_with_one_result() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db.sqlite");
    let mailbox = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/mailbox");
    let run = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_dealwatch"));
        c.env_remove("DEALWATCH_CONFIG")
            .args(["--db", db.to_str().expect("utf-8")])
            .args(["--as-of", "2026-12-01T09:00:00Z", "-q", "scan", "--maildir"])
            .arg(&mailbox);
        c.spawn().expect("spawn dealwatch")
    };
    let (a, b) = (run(), run());
    for child in [a, b] {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "a scan failed: {out:?}");
    }
    let together = Store::open(&db).expect("open");
    // The same mailbox scanned alone into another database: the same messages and deals.
    let alone = tmp.path().join("alone.sqlite");
    let out = Command::new(env!("CARGO_BIN_EXE_dealwatch"))
        .env_remove("DEALWATCH_CONFIG")
        .args(["--db", alone.to_str().expect("utf-8")])
        .args(["--as-of", "2026-12-01T09:00:00Z", "-q", "scan", "--maildir"])
        .arg(&mailbox)
        .output()
        .expect("run dealwatch");
    assert!(out.status.success(), "{out:?}");
    let alone = Store::open(&alone).expect("open");
    assert_eq!(
        together.count_messages().expect("count"),
        alone.count_messages().expect("count")
    );
    assert_eq!(
        together.opportunities().expect("deals").len(),
        alone.opportunities().expect("deals").len()
    );
}
