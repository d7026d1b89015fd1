//! Soak benchmark (issue: reliability): `dealwatch daemon` behind the fault proxy in front of a
//! real Dovecot, for a few minutes, while new mail arrives every two seconds and, every few
//! seconds, the IMAP connection is cut, reset or stalled, or the daemon is killed (SIGKILL) and
//! started again. A weekly digest falls due during the run, through a real SMTP server (and the
//! previous week's, still within its week, is caught up when the daemon first starts).
//!
//! ```sh
//! cargo bench --bench soak                 # 120 s
//! cargo bench --bench soak -- 600          # the issue's 10 minutes
//! ```
//! Printed: messages delivered vs stored (equal, none twice), connections and faults, daemon
//! restarts, the time to catch up once the faults stop, peak RSS and whether it stays flat
//! (the highest sample of the first and of the last third of the run), digests due vs sent.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/digest/harness.rs"]
mod smtp;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Datelike, Timelike};
use common::{Dovecot, Fault, Proxy};

const BIN: &str = env!("CARGO_BIN_EXE_dealwatch");

/// A fixed-seed xorshift: the same run of faults every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Daemon {
    child: Child,
    config: PathBuf,
    db: PathBuf,
    log: PathBuf,
}

impl Daemon {
    fn start(config: &Path, db: &Path, log: &Path) -> Daemon {
        let child = spawn(config, db, log);
        Daemon {
            child,
            config: config.to_path_buf(),
            db: db.to_path_buf(),
            log: log.to_path_buf(),
        }
    }

    fn kill_and_restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = spawn(&self.config, &self.db, &self.log);
    }

    fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // Only still running when the soak panicked: no daemon outlives it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(config: &Path, db: &Path, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("daemon log");
    Command::new(BIN)
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .arg("daemon")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start dealwatch daemon")
}

/// Message keys stored, and how many rows hold them.
fn stored(db: &Path) -> Result<(HashSet<String>, usize), String> {
    let store = dealwatch::store::Store::open(db).map_err(|e| e.to_string())?;
    let mut stmt = store
        .conn()
        .prepare("SELECT key FROM messages")
        .map_err(|e| e.to_string())?;
    let keys: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map(|rows| rows.flatten().collect())
        .map_err(|e| e.to_string())?;
    let rows = keys.len();
    Ok((keys.into_iter().collect(), rows))
}

/// The digests the database recorded: kind, week, status, attempts.
fn recorded_digests(db: &Path) -> Vec<String> {
    let Ok(store) = dealwatch::store::Store::open(db) else {
        return Vec::new();
    };
    let Ok(mut stmt) = store
        .conn()
        .prepare("SELECT kind, COALESCE(week, ''), status, attempts FROM digests ORDER BY id")
    else {
        return Vec::new();
    };
    stmt.query_map([], |r| {
        Ok(format!(
            "{} {} {} ({} attempts)",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?
        ))
    })
    .map(|rows| rows.flatten().collect())
    .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        println!("soak bench: run it with `cargo bench --bench soak [-- SECONDS]`");
        return;
    }
    let seconds: u64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(120);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dovecot = Dovecot::start();
    let proxy = Proxy::start(dovecot.tls_port);
    let certs = smtp::make_certs(tmp.path());
    let smtp_port = smtp::free_port();
    let sink = smtp::SmtpServer::start(smtp::Mode::Implicit, &certs, tmp.path(), smtp_port);

    // The digest falls due two minutes into the run (or at its middle when shorter).
    let due = chrono::Utc::now()
        + chrono::Duration::seconds(i64::try_from((seconds / 2).min(120)).unwrap_or(60) + 60);
    // The schedule names a minute: the digest is due at its start.
    let due = due
        .with_second(0)
        .and_then(|d| d.with_nanosecond(0))
        .unwrap_or(due);
    let weekday = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        [due.weekday().num_days_from_monday() as usize];
    let schedule = format!("{weekday} {:02}:{:02}", due.hour(), due.minute());
    let account = dovecot.config("implicit", proxy.port, &dovecot.ca(), "");
    let config = tmp.path().join("soak.toml");
    std::fs::write(
        &config,
        format!(
            "{}\n[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\ntls = \"implicit\"\n\
             ca-file = {:?}\nfrom = \"dealwatch <dealwatch@ventilaire.example>\"\n\n\
             [digests.weekly]\nto = [\"camille.rouviere@ventilaire.example\"]\n\
             schedule = \"{schedule}\"\ntimezone = \"UTC\"\n",
            std::fs::read_to_string(&account).expect("account config"),
            certs.ca.display().to_string()
        ),
    )
    .expect("config");
    let db = tmp.path().join("soak.sqlite");
    let log = tmp.path().join("daemon.log");
    println!(
        "dealwatch soak: {seconds} s, daemon behind a fault proxy to Dovecot, digest due at {schedule} UTC"
    );

    let mut daemon = Daemon::start(&config, &db, &log);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut delivered: Vec<String> = Vec::new();
    let (mut cuts, mut resets, mut stalls, mut restarts) = (0, 0, 0, 0);
    let mut rss: Vec<(f64, f64)> = Vec::new();
    let start = Instant::now();
    let mut next_fault = 5.0;
    let mut tick = 0u64;
    while start.elapsed().as_secs() < seconds {
        tick += 1;
        let t = start.elapsed().as_secs_f64();
        if tick.is_multiple_of(2) {
            let n = delivered.len();
            let id = format!("soak-{n}@customer{}.example", n % 17);
            let (subject, body) = if n.is_multiple_of(3) {
                (
                    "Request for quote",
                    "Could you quote 12 fans for the new hall?",
                )
            } else {
                (
                    "Re: your quote",
                    "Thank you, we are reading it and come back to you.",
                )
            };
            dovecot.deliver("INBOX", &common::message(&id, subject, body));
            delivered.push(id);
        }
        if t >= next_fault {
            match rng.below(4) {
                0 => {
                    proxy.queue(&[Fault::CutAfter(200 + rng.below(20_000) as usize)]);
                    cuts += 1;
                }
                1 => {
                    proxy.queue(&[Fault::ResetAfter(200 + rng.below(20_000) as usize)]);
                    resets += 1;
                }
                2 => {
                    proxy.queue(&[Fault::StallAfter(200 + rng.below(20_000) as usize)]);
                    stalls += 1;
                }
                _ => {
                    daemon.kill_and_restart();
                    restarts += 1;
                }
            }
            // A server-side BYE: the next connection meets the fault.
            dovecot.kick_any();
            next_fault = t + 3.0 + rng.below(6) as f64;
        }
        if let Some(m) = daemon.rss_mib() {
            rss.push((t, m));
        }
        std::thread::sleep(Duration::from_secs(1));
    }

    // Faults stop; the daemon catches up.
    let want: HashSet<String> = delivered.iter().cloned().collect();
    let calm = Instant::now();
    let mut last = stored(&db);
    while !last.as_ref().is_ok_and(|(k, _)| want.is_subset(k))
        && calm.elapsed() < Duration::from_secs(120)
    {
        std::thread::sleep(Duration::from_millis(200));
        last = stored(&db);
    }
    let caught_up = calm.elapsed().as_secs_f64();
    let (keys, rows) = match last {
        Ok(k) => k,
        Err(e) => {
            println!("SOAK FAILED: the database cannot be read: {e}");
            std::process::exit(1);
        }
    };
    let missing = want.difference(&keys).count();
    // Give a digest that is due a chance to go out, then stop the daemon.
    while chrono::Utc::now() < due + chrono::Duration::seconds(20)
        && sink.messages().len() < 2
        && calm.elapsed() < Duration::from_secs(300)
    {
        std::thread::sleep(Duration::from_millis(500));
    }
    std::thread::sleep(Duration::from_secs(3));
    daemon.stop();
    // Due: the previous week's digest, which a new daemon sends at start (it is still within
    // its week), and this week's once its minute has come.
    let due_count = 1 + usize::from(chrono::Utc::now() >= due);
    let sent = sink.messages().len();

    let third = seconds as f64 / 3.0;
    let max_in = |from: f64, to: f64| {
        rss.iter()
            .filter(|(t, _)| *t >= from && *t < to)
            .map(|(_, m)| *m)
            .fold(0.0, f64::max)
    };
    let peak = rss.iter().map(|(_, m)| *m).fold(0.0, f64::max);
    println!(
        "messages: {} delivered, {} stored ({rows} rows), {missing} missing, {} stored twice",
        delivered.len(),
        keys.len(),
        rows - keys.len()
    );
    println!(
        "faults: {cuts} cuts, {resets} resets, {stalls} stalls, {restarts} kill -9 + restart; \
         {} IMAP connections",
        proxy.connection_count()
    );
    println!("caught up {caught_up:.1} s after the last fault");
    println!(
        "daemon RSS: peak {peak:.0} MiB; highest in the first third {:.0} MiB, in the last third {:.0} MiB",
        max_in(0.0, third),
        max_in(2.0 * third, f64::MAX)
    );
    println!(
        "digests: {due_count} due (last week's caught up at start, this week's), {sent} delivered; recorded: {}",
        recorded_digests(&db).join("; ")
    );
    if missing > 0 || rows != keys.len() {
        let tail: Vec<String> = std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .rev()
            .take(20)
            .map(String::from)
            .collect();
        println!("SOAK FAILED; the daemon's last log lines:");
        for l in tail.iter().rev() {
            println!("  {l}");
        }
        std::process::exit(1);
    }
}
