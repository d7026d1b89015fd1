//! Test harness for the digest: a real SMTP server (aiosmtpd, Debian's python3) on loopback with
//! a certificate made by the openssl CLI, implicit TLS or STARTTLS, delivering to a Maildir the
//! test reads back. Nothing is skipped: a missing tool fails the test with a message saying
//! what to install (`scripts/test` installs it).

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// Debian's interpreter, which has python3-aiosmtpd (not a pyenv one on PATH).
pub const PYTHON: &str = "/usr/bin/python3";

/// How the server secures connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// SMTPS: TLS from the first byte.
    Implicit,
    /// STARTTLS, required by the server.
    Starttls,
}

/// A CA and a certificate for 127.0.0.1 signed by it.
pub struct Certs {
    /// The CA (the client's extra trust root).
    pub ca: PathBuf,
    /// The server's certificate.
    pub cert: PathBuf,
    /// The server's key.
    pub key: PathBuf,
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e} (install it: scripts/test does)"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes a throwaway CA and a server certificate for 127.0.0.1 and localhost.
pub fn make_certs(dir: &Path) -> Certs {
    let p = |n: &str| dir.join(n);
    run(
        Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=dealwatch test CA", "-keyout"])
            .arg(p("ca.key"))
            .arg("-out")
            .arg(p("ca.pem")),
        "openssl req (CA)",
    );
    run(
        Command::new("openssl")
            .args([
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-keyout",
            ])
            .arg(p("key.pem"))
            .arg("-out")
            .arg(p("leaf.csr")),
        "openssl req (server)",
    );
    std::fs::write(
        p("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write ext.cnf");
    run(
        Command::new("openssl")
            .args(["x509", "-req", "-days", "2", "-in"])
            .arg(p("leaf.csr"))
            .arg("-CA")
            .arg(p("ca.pem"))
            .arg("-CAkey")
            .arg(p("ca.key"))
            .arg("-CAcreateserial")
            .arg("-out")
            .arg(p("cert.pem"))
            .arg("-extfile")
            .arg(p("ext.cnf")),
        "openssl x509 (sign)",
    );
    Certs {
        ca: p("ca.pem"),
        cert: p("cert.pem"),
        key: p("key.pem"),
    }
}

/// A loopback port nobody listens on (right now).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

/// A running aiosmtpd.
pub struct SmtpServer {
    /// Its port.
    pub port: u16,
    /// Where it delivers (a Maildir).
    pub maildir: PathBuf,
    /// Its debug log (the SMTP dialogue).
    pub log: PathBuf,
    child: Child,
}

impl SmtpServer {
    /// Starts aiosmtpd on `port` with the certificate; waits until it accepts connections.
    pub fn start(mode: Mode, certs: &Certs, dir: &Path, port: u16) -> SmtpServer {
        assert!(
            Path::new(PYTHON).exists(),
            "{PYTHON} is missing: apt-get install python3-aiosmtpd"
        );
        let maildir = dir.join(format!("received-{port}"));
        let log = dir.join(format!("aiosmtpd-{port}.log"));
        let mut cmd = Command::new(PYTHON);
        cmd.args(["-m", "aiosmtpd", "-n", "-d", "-d", "-l"])
            .arg(format!("127.0.0.1:{port}"));
        match mode {
            Mode::Implicit => {
                cmd.arg("--smtpscert")
                    .arg(&certs.cert)
                    .arg("--smtpskey")
                    .arg(&certs.key);
            }
            Mode::Starttls => {
                cmd.arg("--tlscert")
                    .arg(&certs.cert)
                    .arg("--tlskey")
                    .arg(&certs.key);
            }
        }
        cmd.args(["-c", "aiosmtpd.handlers.Mailbox"]).arg(&maildir);
        let logf = std::fs::File::create(&log).expect("create log");
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(logf.try_clone().expect("log"))
            .stderr(logf)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start aiosmtpd: {e}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "aiosmtpd exited ({status}); is python3-aiosmtpd installed? log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on {port} in time"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        SmtpServer {
            port,
            maildir,
            log,
            child,
        }
    }

    /// The messages delivered so far, raw.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(rd) = std::fs::read_dir(self.maildir.join(sub)) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths {
                out.push(std::fs::read(p).expect("read delivered message"));
            }
        }
        out
    }

    /// The SMTP commands the clients sent, lowercased, from the debug log (`... >> b'data'`).
    pub fn commands(&self) -> Vec<String> {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        log.lines()
            .filter_map(|l| {
                l.split_once(" >> b'")
                    .map(|(_, c)| c.trim_end_matches('\'').to_ascii_lowercase())
            })
            .collect()
    }

    /// How many messages the SMTP dialogue carried (DATA commands).
    pub fn data_commands(&self) -> usize {
        self.commands().iter().filter(|c| *c == "data").count()
    }

    /// The RCPT TO commands.
    pub fn recipients(&self) -> Vec<String> {
        self.commands()
            .into_iter()
            .filter(|c| c.starts_with("rcpt to:"))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A config for dealwatch with one digest to `to` through the server at `port`.
pub fn config(
    port: u16,
    mode: Mode,
    ca: &Path,
    to: &str,
    timezone: &str,
) -> dealwatch::config::Config {
    let tls = match mode {
        Mode::Implicit => "implicit",
        Mode::Starttls => "starttls",
    };
    let text = format!(
        r#"
[identity]
addresses = ["camille.rouviere@ventilaire.example"]
domains = ["ventilaire.example"]

[smtp]
host = "127.0.0.1"
port = {port}
tls = "{tls}"
ca-file = {ca:?}
from = "dealwatch <dealwatch@ventilaire.example>"

[digests.weekly]
to = [{to:?}]
schedule = "mon 08:00"
timezone = "{timezone}"
"#,
        ca = ca.display().to_string()
    );
    dealwatch::config::RawConfig::parse(&text, Path::new("test.toml")).expect("test config")
}

/// RFC 3339 to an instant.
pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test time")
        .with_timezone(&Utc)
}
