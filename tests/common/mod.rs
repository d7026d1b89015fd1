//! Test harness: a throwaway Dovecot (IMAP on a free loopback port, implicit TLS and STARTTLS
//! with a certificate made for the test, one passwd-file user, Maildir, `mail_log` and rawlog
//! for the passivity checks), and a TCP fault proxy. Nothing is skipped: when Dovecot or openssl
//! is missing the test fails with the reason.

#![allow(dead_code)]

pub mod board;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The test user.
pub const USER: &str = "sales@example.test";

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("cannot find a free port")
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {what}: {e} (is it installed? scripts/test installs it)")
    });
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn is_root() -> bool {
    run(Command::new("id").arg("-u"), "id").trim() == "0"
}

/// A running Dovecot in its own temporary directory, stopped on drop.
pub struct Dovecot {
    /// The temporary directory (kept alive while the server runs).
    pub dir: tempfile::TempDir,
    /// Plain/STARTTLS port.
    pub port: u16,
    /// Implicit TLS port.
    pub tls_port: u16,
    /// The user's password.
    pub password: String,
    conf: PathBuf,
}

impl Dovecot {
    /// Starts an empty server.
    pub fn start() -> Dovecot {
        Self::start_with(|_| {})
    }

    /// Starts a server after `prefill` wrote into the user's Maildir (its root is passed; the
    /// sent folder is `.Sent`).
    pub fn start_with(prefill: impl FnOnce(&Path)) -> Dovecot {
        Self::start_full(prefill, "server")
    }

    /// Starts an empty server presenting a CA-signed certificate for another host name
    /// (imap.elsewhere.example) instead of 127.0.0.1.
    pub fn start_with_other_host_cert() -> Dovecot {
        Self::start_full(|_| {}, "other")
    }

    fn start_full(prefill: impl FnOnce(&Path), cert: &str) -> Dovecot {
        let dir = tempfile::Builder::new()
            .prefix("dealwatch-dovecot-")
            .tempdir()
            .expect("tempdir");
        let root = dir.path().to_path_buf();
        set_mode(&root, 0o755);
        for sub in ["run", "state", "log", "tls", "home"] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        make_certs(&root.join("tls"));
        let port = free_port();
        let mut tls_port = free_port();
        while tls_port == port {
            tls_port = free_port();
        }
        let password = format!("pw-{}-{}", std::process::id(), port);
        let (mail_uid, mail_gid, iuser, luser) = if is_root() {
            let uid = run(Command::new("id").args(["-u", "dovecot"]), "id dovecot")
                .trim()
                .to_string();
            let gid = run(Command::new("id").args(["-g", "dovecot"]), "id dovecot")
                .trim()
                .to_string();
            (uid, gid, "dovecot".to_string(), "dovenull".to_string())
        } else {
            let uid = run(Command::new("id").arg("-u"), "id").trim().to_string();
            let gid = run(Command::new("id").arg("-g"), "id").trim().to_string();
            let me = run(Command::new("id").arg("-un"), "id").trim().to_string();
            (uid, gid, me.clone(), me)
        };
        let igroup = if is_root() {
            "dovecot".to_string()
        } else {
            run(Command::new("id").arg("-gn"), "id").trim().to_string()
        };
        let home = root.join("home").join(USER);
        let maildir = home.join("Maildir");
        for b in ["", ".Sent"] {
            for s in ["cur", "new", "tmp"] {
                std::fs::create_dir_all(maildir.join(b).join(s)).expect("mkdir maildir");
            }
        }
        std::fs::create_dir_all(home.join("dovecot.rawlog")).expect("mkdir rawlog");
        prefill(&maildir);
        std::fs::write(
            root.join("passwd"),
            format!(
                "{USER}:{{PLAIN}}{password}:{mail_uid}:{mail_gid}::{}\n",
                home.display()
            ),
        )
        .expect("passwd");
        let conf = root.join("dovecot.conf");
        std::fs::write(
            &conf,
            dovecot_conf(
                &root, port, tls_port, &mail_uid, &mail_gid, &iuser, &igroup, &luser,
            )
            .replace("/tls/server.", &format!("/tls/{cert}.")),
        )
        .expect("conf");
        if is_root() {
            run(
                Command::new("chown")
                    .arg("-R")
                    .arg("dovecot:dovecot")
                    .arg(root.join("home")),
                "chown",
            );
            run(
                Command::new("chgrp")
                    .arg("dovecot")
                    .arg(root.join("passwd")),
                "chgrp",
            );
            set_mode(&root.join("passwd"), 0o640);
        }
        // Dovecot daemonizes and its children keep inherited pipes open: no captured output.
        let status = Command::new("dovecot")
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| {
                panic!("cannot run dovecot: {e} (scripts/test installs dovecot-imapd)")
            });
        assert!(status.success(), "dovecot failed to start: {status}");
        let d = Dovecot {
            dir,
            port,
            tls_port,
            password,
            conf,
        };
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok()
                && TcpStream::connect(("127.0.0.1", tls_port)).is_ok()
            {
                return d;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("dovecot did not start: {}", d.log());
    }

    /// The server's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log/dovecot.log")).unwrap_or_default()
    }

    /// The test CA certificate.
    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("tls/ca.crt")
    }

    /// A self-signed certificate unrelated to the server's (an attacker's).
    pub fn evil_ca(&self) -> PathBuf {
        self.dir.path().join("tls/evil.crt")
    }

    /// A CA-signed certificate for another host name, with its key.
    pub fn other_host_cert(&self) -> (PathBuf, PathBuf) {
        (
            self.dir.path().join("tls/other.crt"),
            self.dir.path().join("tls/other.key"),
        )
    }

    /// Runs doveadm against this instance.
    pub fn doveadm(&self, args: &[&str]) -> String {
        run(
            Command::new("doveadm").arg("-c").arg(&self.conf).args(args),
            "doveadm",
        )
    }

    /// Delivers a message into a mailbox (`INBOX`, `Sent`) as the server would.
    pub fn deliver(&self, mailbox: &str, message: &[u8]) {
        let mut child = Command::new("doveadm")
            .arg("-c")
            .arg(&self.conf)
            .args(["save", "-u", USER, "-m", mailbox])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("doveadm save");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(message)
            .expect("write message");
        let out = child.wait_with_output().expect("doveadm save");
        assert!(
            out.status.success(),
            "doveadm save: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Status (messages, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ) and every UID's flags.
    pub fn snapshot(&self, mailbox: &str) -> String {
        let status = self.doveadm(&[
            "mailbox",
            "status",
            "-u",
            USER,
            "messages uidvalidity uidnext highestmodseq",
            mailbox,
        ]);
        let flags = self.doveadm(&["fetch", "-u", USER, "uid flags", "mailbox", mailbox, "ALL"]);
        format!("{status}\n{flags}")
    }

    /// Lines showing a change: mutating commands in the rawlog, change events in mail_log.
    pub fn audit(&self) -> Vec<String> {
        let mut bad = Vec::new();
        let rawlog = self
            .dir
            .path()
            .join("home")
            .join(USER)
            .join("dovecot.rawlog");
        let mutating = [
            "SELECT",
            "STORE",
            "EXPUNGE",
            "COPY",
            "MOVE",
            "APPEND",
            "CREATE",
            "DELETE",
            "RENAME",
            "SETACL",
            "SETMETADATA",
        ];
        if let Ok(entries) = std::fs::read_dir(&rawlog) {
            for e in entries.flatten() {
                if !e.file_name().to_string_lossy().ends_with(".in") {
                    continue;
                }
                let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap_or_default())
                    .into_owned();
                for line in text.lines() {
                    let words: Vec<String> = line
                        .split_whitespace()
                        .map(|w| w.to_ascii_uppercase())
                        .collect();
                    let verb = match words.get(1).map(String::as_str) {
                        Some("UID") => words.get(2).cloned().unwrap_or_default(),
                        Some(v) => v.to_string(),
                        None => continue,
                    };
                    let upper = line.to_ascii_uppercase();
                    let fetch_sets_seen = verb == "FETCH"
                        && (upper.contains("BODY[")
                            || upper.contains("RFC822 ")
                            || upper.contains("RFC822)")
                            || upper.contains("RFC822.TEXT"));
                    if mutating.contains(&verb.as_str()) || fetch_sets_seen {
                        bad.push(format!("rawlog: {line}"));
                    }
                }
            }
        }
        for line in self.log().lines() {
            if line.contains("imap(")
                && [
                    "flag_change:",
                    "expunge:",
                    "copy:",
                    "save:",
                    "delete:",
                    "mailbox_create:",
                    "mailbox_rename:",
                    "mailbox_delete:",
                ]
                .iter()
                .any(|k| line.contains(k))
            {
                bad.push(format!("mail_log: {line}"));
            }
        }
        bad
    }

    /// How many rawlog session files exist (one per IMAP session that logged in).
    pub fn sessions(&self) -> usize {
        let rawlog = self
            .dir
            .path()
            .join("home")
            .join(USER)
            .join("dovecot.rawlog");
        std::fs::read_dir(rawlog)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".in"))
                    .count()
            })
            .unwrap_or(0)
    }

    /// Server-side BYE to every session of the user.
    pub fn kick(&self) {
        self.doveadm(&["kick", USER]);
    }

    /// [`Dovecot::kick`] that tolerates there being no session to kick.
    pub fn kick_any(&self) {
        let _ = Command::new("doveadm")
            .arg("-c")
            .arg(&self.conf)
            .args(["kick", USER])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Writes the password to a file and returns a dealwatch config for this server.
    /// `tls` is `implicit`, `starttls` or `none`; `port` may point at a proxy.
    pub fn config(&self, tls: &str, port: u16, ca: &Path, extra_account: &str) -> PathBuf {
        let pw = self.dir.path().join("imap-password");
        std::fs::write(&pw, &self.password).expect("password file");
        let text = format!(
            r#"[identity]
addresses = ["camille.rouviere@ventilaire.example"]
domains = ["ventilaire.example"]

[accounts.sales]
host = "127.0.0.1"
port = {port}
tls = "{tls}"
ca-file = "{ca}"
username = "{USER}"
password = {{ command = "cat {pw}" }}
timeout-seconds = 3
poll-seconds = 2
idle-renew-minutes = 1
{extra_account}
"#,
            ca = ca.display(),
            pw = pw.display(),
        );
        let path = self.dir.path().join(format!("dealwatch-{tls}-{port}.toml"));
        std::fs::write(&path, text).expect("config");
        path
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let pid =
            std::fs::read_to_string(self.dir.path().join("run/master.pid")).unwrap_or_default();
        let pid = pid.trim();
        if pid.is_empty() {
            return;
        }
        let _ = Command::new("kill").arg(pid).status();
        for _ in 0..50 {
            if !Command::new("kill")
                .args(["-0", pid])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-9", pid]).status();
    }
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A test CA, a server certificate for 127.0.0.1/localhost signed by it, a CA-signed
/// certificate for another host name, and an unrelated self-signed certificate.
fn make_certs(dir: &Path) {
    let sh = r#"set -e
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=dealwatch test CA" -keyout ca.key -out ca.crt -addext basicConstraints=critical,CA:TRUE 2>/dev/null
for n in server other; do
  if [ $n = server ]; then san="DNS:localhost,IP:127.0.0.1"; cn=localhost; else san="DNS:imap.elsewhere.example"; cn=imap.elsewhere.example; fi
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout $n.key -out $n.csr 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" > $n.cnf
  openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile $n.cnf -out $n.crt 2>/dev/null
done
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout evil.key -out evil.crt 2>/dev/null
chmod 644 *.key
"#;
    run(
        Command::new("sh").arg("-c").arg(sh).current_dir(dir),
        "openssl (certificates)",
    );
}

#[allow(clippy::too_many_arguments)]
fn dovecot_conf(
    root: &Path,
    port: u16,
    tls_port: u16,
    uid: &str,
    gid: &str,
    iuser: &str,
    igroup: &str,
    luser: &str,
) -> String {
    let d = root.display();
    format!(
        r#"protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
instance_name = dealwatch-test-{port}
log_path = {d}/log/dovecot.log
info_log_path = {d}/log/dovecot.log
auth_verbose = yes
default_internal_user = {iuser}
default_internal_group = {igroup}
default_login_user = {luser}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
ssl = yes
ssl_cert = <{d}/tls/server.crt
ssl_key = <{d}/tls/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/passwd
}}
mail_location = maildir:~/Maildir
mail_uid = {uid}
mail_gid = {gid}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \Sent
    auto = subscribe
  }}
}}
mail_plugins = $mail_plugins mail_log notify
protocol imap {{
  mail_max_userip_connections = 100
  imap_idle_notify_interval = 2 mins
}}
plugin {{
  mail_log_events = delete undelete expunge copy mailbox_delete mailbox_rename flag_change save mailbox_create
  mail_log_fields = uid box msgid flags
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap {{
  executable = imap postlogin
}}
service postlogin {{
  executable = script-login -d rawlog
  unix_listener postlogin {{
  }}
}}
service auth {{
  unix_listener auth-userdb {{
    mode = 0600
    user = {iuser}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    user = {iuser}
    mode = 0600
  }}
  unix_listener stats-writer {{
    user = {iuser}
    mode = 0600
  }}
}}
"#
    )
}

/// Copies the repository's sample mailbox (INBOX, Sent) into a Dovecot Maildir root.
pub fn copy_sample_mailbox(maildir: &Path) {
    let sample = sample_mailbox();
    for (from, to) in [("INBOX", ""), ("Sent", ".Sent")] {
        for e in std::fs::read_dir(sample.join(from).join("cur"))
            .expect("sample mailbox")
            .flatten()
        {
            std::fs::copy(e.path(), maildir.join(to).join("cur").join(e.file_name()))
                .expect("copy sample");
        }
    }
}

/// The repository's sample mailbox.
pub fn sample_mailbox() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/mailbox")
}

/// A small test message.
pub fn message(id: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Buyer <buyer@customer.example>\r\nTo: camille.rouviere@ventilaire.example\r\n\
         Subject: {subject}\r\nDate: Mon, 11 May 2026 09:00:00 +0000\r\nMessage-ID: <{id}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// What the proxy does to a connection (server-to-client direction).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Forward everything.
    Pass,
    /// Close both sides after this many server bytes.
    CutAfter(usize),
    /// Reset (RST) after this many server bytes.
    ResetAfter(usize),
    /// Stop forwarding after this many server bytes, keep the connection open.
    StallAfter(usize),
    /// Remove STARTTLS from capability lines (a downgrade attack).
    StripStarttls,
}

/// A TCP proxy to 127.0.0.1:`upstream` that applies one queued [`Fault`] per new connection
/// (then [`Fault::Pass`]), and records what clients sent.
pub struct Proxy {
    /// The port clients connect to.
    pub port: u16,
    faults: Arc<Mutex<std::collections::VecDeque<Fault>>>,
    /// Everything clients sent, all connections together.
    pub client_bytes: Arc<Mutex<Vec<u8>>>,
    /// Connections accepted.
    pub connections: Arc<Mutex<usize>>,
    stalled: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    /// Starts the proxy.
    pub fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy bind");
        let port = listener.local_addr().expect("proxy addr").port();
        let faults: Arc<Mutex<std::collections::VecDeque<Fault>>> = Arc::default();
        let client_bytes: Arc<Mutex<Vec<u8>>> = Arc::default();
        let connections: Arc<Mutex<usize>> = Arc::default();
        let stalled: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (f, cb, n, st) = (
            faults.clone(),
            client_bytes.clone(),
            connections.clone(),
            stalled.clone(),
        );
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                *n.lock().expect("lock") += 1;
                let fault = f.lock().expect("lock").pop_front().unwrap_or(Fault::Pass);
                let (c2, s2) = (
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                let cb = cb.clone();
                std::thread::spawn(move || pump_up(c2, s2, cb));
                let st = st.clone();
                std::thread::spawn(move || pump_down(server, client, fault, st));
            }
        });
        Proxy {
            port,
            faults,
            client_bytes,
            connections,
            stalled,
        }
    }

    /// Queues faults for the next connections.
    pub fn queue(&self, faults: &[Fault]) {
        self.faults
            .lock()
            .expect("lock")
            .extend(faults.iter().cloned());
    }

    /// What clients sent, as text.
    pub fn client_text(&self) -> String {
        String::from_utf8_lossy(&self.client_bytes.lock().expect("lock")).into_owned()
    }

    /// Connections accepted so far.
    pub fn connection_count(&self) -> usize {
        *self.connections.lock().expect("lock")
    }
}

fn pump_up(mut from: TcpStream, mut to: TcpStream, record: Arc<Mutex<Vec<u8>>>) {
    let mut buf = [0u8; 16384];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                record.lock().expect("lock").extend_from_slice(&buf[..n]);
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

fn pump_down(
    mut from: TcpStream,
    mut to: TcpStream,
    fault: Fault,
    stalled: Arc<Mutex<Vec<TcpStream>>>,
) {
    let mut buf = [0u8; 16384];
    let mut sent = 0usize;
    let limit = match fault {
        Fault::CutAfter(n) | Fault::ResetAfter(n) | Fault::StallAfter(n) => n,
        _ => usize::MAX,
    };
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut chunk = buf[..n].to_vec();
        if fault == Fault::StripStarttls {
            let text = String::from_utf8_lossy(&chunk).replace(" STARTTLS", "");
            chunk = text.into_bytes();
        }
        let room = limit.saturating_sub(sent).min(chunk.len());
        if to.write_all(&chunk[..room]).is_err() {
            break;
        }
        sent += room;
        if sent >= limit {
            match fault {
                Fault::CutAfter(_) => {
                    let _ = to.shutdown(Shutdown::Both);
                    let _ = from.shutdown(Shutdown::Both);
                }
                Fault::ResetAfter(_) => {
                    // Linger 0 then close the last descriptor: the kernel sends RST. The
                    // upstream pump holds a clone: end its read first so it drops it.
                    let _ = socket2::SockRef::from(&to).set_linger(Some(Duration::ZERO));
                    let _ = to.shutdown(Shutdown::Read);
                    std::thread::sleep(Duration::from_millis(100));
                    drop(to);
                    let _ = from.shutdown(Shutdown::Both);
                }
                Fault::StallAfter(_) => {
                    stalled.lock().expect("lock").push(to);
                    stalled.lock().expect("lock").push(from);
                }
                _ => {}
            }
            return;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
