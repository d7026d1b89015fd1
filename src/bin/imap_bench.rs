//! IMAP scan benchmark: one first scan of an account into a fresh database, then a re-scan with
//! nothing changed; prints messages/s, bytes fetched vs mailbox bytes, peak RSS.
//!
//! ```sh
//! imap_bench --config bench.toml --account sales [--db /tmp/bench.sqlite]
//! ```
//! Use it against the bench corpus served by `/work/shared/bench/dovecot.sh` (see its README).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use dealwatch::clock::SystemClock;
use dealwatch::config::RawConfig;
use dealwatch::ops::Context;
use dealwatch::source::imap::ImapSession;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<()> {
    dealwatch::single_malloc_arena();
    let mut args = std::env::args().skip(1);
    let (mut config, mut account, mut db) = (None, None, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--config" => config = args.next().map(PathBuf::from),
            "--account" => account = args.next(),
            "--db" => db = args.next().map(PathBuf::from),
            other => bail!(
                "unknown argument {other:?}; usage: imap_bench --config FILE --account NAME [--db FILE]"
            ),
        }
    }
    let config = config.context("--config FILE is required")?;
    let account = account.context("--account NAME is required")?;
    let tmp = tempfile::tempdir().context("cannot create a temporary directory")?;
    let db = db.unwrap_or_else(|| tmp.path().join("bench.sqlite"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let ctx = Context {
        config: RawConfig::load(&config)?,
        clock: Box::new(SystemClock),
        db_path: db,
        as_of_given: false,
        quiet: true,
        config_path: None,
    };
    let cfg = ctx
        .config
        .accounts
        .get(&account)
        .context("no such account")?
        .clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut session = ImapSession::connect(&account, &cfg).await?;
        let (mut messages, mut mailbox_bytes) = (0, 0);
        for (wire, _) in session.folders(&cfg).await? {
            let (n, b) = session.folder_size(&wire).await?;
            messages += n;
            mailbox_bytes += b;
        }
        session.logout().await;

        let names = vec![account.clone()];
        let t = Instant::now();
        let first = dealwatch::daemon::scan_accounts(&ctx, &names).await?;
        let first_s = t.elapsed().as_secs_f64();
        let r = &first[0].1;
        let t = Instant::now();
        let again = dealwatch::daemon::scan_accounts(&ctx, &names).await?;
        let again_s = t.elapsed().as_secs_f64();
        println!("mailbox: {messages} messages, {mailbox_bytes} bytes (RFC822.SIZE)");
        println!(
            "first scan: {} messages stored in {first_s:.2} s = {:.0} msgs/s; fetched {} bytes = {:.1} % of the mailbox",
            r.stats.stored,
            r.stats.read as f64 / first_s,
            r.bytes_fetched,
            100.0 * r.bytes_fetched as f64 / mailbox_bytes.max(1) as f64
        );
        println!(
            "no-change re-scan: {again_s:.3} s, {} messages read, {} bytes fetched",
            again[0].1.stats.read, again[0].1.bytes_fetched
        );
        println!("peak RSS: {} KiB", peak_rss_kib().unwrap_or(0));
        Ok(())
    })
}
