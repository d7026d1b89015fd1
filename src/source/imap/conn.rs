//! The transport under the IMAP session: TCP, then TLS (implicit or mandatory STARTTLS) with
//! certificates always verified against the webpki roots plus the account's `ca-file`.
//!
//! STARTTLS is negotiated here, on the raw socket, before async-imap sees the stream: the
//! server must advertise it (else we refuse before any credential is sent), and any byte the
//! server sends after its `OK` to STARTTLS and before the handshake is treated as an injection
//! attempt and refused.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf,
};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::ImapError;
use crate::config::{AccountConfig, TlsMode};

/// The byte stream an IMAP session runs over.
pub enum Conn {
    /// Plain TCP (loopback only, `tls = "none"`).
    Plain(TcpStream),
    /// TLS over TCP.
    Tls(Box<TlsStream<TcpStream>>),
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Conn::Plain(_) => f.write_str("Conn::Plain"),
            Conn::Tls(_) => f.write_str("Conn::Tls"),
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The port to use: the configured one, else 993 (implicit TLS) or 143.
pub fn port(cfg: &AccountConfig) -> u16 {
    cfg.port.unwrap_or(match cfg.tls {
        TlsMode::Implicit => 993,
        TlsMode::Starttls | TlsMode::None => 143,
    })
}

/// Opens the transport: TCP, then TLS as configured. For STARTTLS the greeting is consumed
/// here; `greeted` in the result says whether the caller must still read it.
pub async fn open(cfg: &AccountConfig, timeout: Duration) -> Result<(Conn, bool), ImapError> {
    let port = port(cfg);
    let addr = format!("{}:{port}", cfg.host);
    let tcp = tokio::time::timeout(timeout, TcpStream::connect(&addr))
        .await
        .map_err(|_| ImapError::Timeout("connect".into()))?
        .map_err(|e| ImapError::Io(format!("cannot connect to {addr}: {e}")))?;
    let _ = tcp.set_nodelay(true);
    match cfg.tls {
        TlsMode::None => {
            if !crate::config::is_loopback_host(&cfg.host) {
                return Err(ImapError::Tls(
                    "tls = \"none\" is accepted for loopback hosts only".into(),
                ));
            }
            Ok((Conn::Plain(tcp), false))
        }
        TlsMode::Implicit => Ok((
            Conn::Tls(Box::new(handshake(cfg, tcp, timeout).await?)),
            false,
        )),
        TlsMode::Starttls => {
            let tcp = starttls(tcp, timeout).await?;
            Ok((
                Conn::Tls(Box::new(handshake(cfg, tcp, timeout).await?)),
                true,
            ))
        }
    }
}

/// The TLS client configuration: webpki roots plus the optional extra trust root.
fn tls_config(cfg: &AccountConfig) -> Result<rustls::ClientConfig, ImapError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &cfg.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| ImapError::Tls(format!("cannot read ca-file {}: {e}", path.display())))?;
        let mut n = 0;
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert.map_err(|e| {
                ImapError::Tls(format!("cannot parse ca-file {}: {e}", path.display()))
            })?;
            roots.add(cert).map_err(|e| {
                ImapError::Tls(format!("cannot use ca-file {}: {e}", path.display()))
            })?;
            n += 1;
        }
        if n == 0 {
            return Err(ImapError::Tls(format!(
                "ca-file {} holds no certificate",
                path.display()
            )));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ImapError::Tls(format!("cannot set up TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

async fn handshake(
    cfg: &AccountConfig,
    tcp: TcpStream,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, ImapError> {
    let host = cfg
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let name = rustls::pki_types::ServerName::try_from(host)
        .map_err(|_| ImapError::Tls(format!("invalid server name {:?}", cfg.host)))?;
    let connector = TlsConnector::from(Arc::new(tls_config(cfg)?));
    tokio::time::timeout(timeout, connector.connect(name, tcp))
        .await
        .map_err(|_| ImapError::Timeout("TLS handshake".into()))?
        .map_err(|e| ImapError::Tls(format!("TLS handshake with {} failed: {e}", cfg.host)))
}

const MAX_LINE: usize = 8192;

async fn read_line(r: &mut BufReader<TcpStream>, timeout: Duration) -> Result<String, ImapError> {
    let mut line = Vec::new();
    let n = tokio::time::timeout(
        timeout,
        AsyncReadExt::take(&mut *r, MAX_LINE as u64).read_until(b'\n', &mut line),
    )
    .await
    .map_err(|_| ImapError::Timeout("STARTTLS negotiation".into()))?
    .map_err(|e| ImapError::Io(format!("connection failed before STARTTLS: {e}")))?;
    if n == 0 {
        return Err(ImapError::Closed);
    }
    if !line.ends_with(b"\n") {
        return Err(ImapError::Protocol("line too long before STARTTLS".into()));
    }
    Ok(String::from_utf8_lossy(&line).trim_end().to_string())
}

/// Greeting, CAPABILITY, STARTTLS on the raw socket. Refuses when STARTTLS is not advertised
/// and when the server sends anything after its OK (bytes that would otherwise be read as if
/// they came over TLS).
async fn starttls(tcp: TcpStream, timeout: Duration) -> Result<TcpStream, ImapError> {
    let mut r = BufReader::new(tcp);
    let greeting = read_line(&mut r, timeout).await?;
    if !greeting.to_ascii_uppercase().starts_with("* OK") {
        return Err(ImapError::Protocol(format!(
            "unexpected greeting: {}",
            first_words(&greeting)
        )));
    }
    r.get_mut()
        .write_all(b"s1 CAPABILITY\r\n")
        .await
        .map_err(|e| ImapError::Io(e.to_string()))?;
    let mut has_starttls = false;
    loop {
        let line = read_line(&mut r, timeout).await?;
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("* CAPABILITY ") {
            has_starttls = upper.split_ascii_whitespace().any(|w| w == "STARTTLS");
        } else if upper.starts_with("S1 ") {
            if !upper.starts_with("S1 OK") {
                return Err(ImapError::Protocol("CAPABILITY refused".into()));
            }
            break;
        }
    }
    if !has_starttls {
        return Err(ImapError::Tls(
            "server does not offer STARTTLS (required by tls = \"starttls\"); refusing to continue without TLS".into(),
        ));
    }
    r.get_mut()
        .write_all(b"s2 STARTTLS\r\n")
        .await
        .map_err(|e| ImapError::Io(e.to_string()))?;
    loop {
        let line = read_line(&mut r, timeout).await?;
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("S2 OK") {
            break;
        }
        if upper.starts_with("S2 ") {
            return Err(ImapError::Tls("server refused STARTTLS".into()));
        }
    }
    if !r.buffer().is_empty() {
        return Err(ImapError::Tls(
            "server sent data after STARTTLS before the handshake; refusing".into(),
        ));
    }
    // Anything already in the kernel buffer arrived before the handshake: discard it by
    // refusing, as above (a well-behaved server sends nothing until the ClientHello).
    let tcp = r.into_inner();
    let mut probe = [0u8; 1];
    if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(1), tcp.peek(&mut probe)).await
        && n > 0
    {
        return Err(ImapError::Tls(
            "server sent data after STARTTLS before the handshake; refusing".into(),
        ));
    }
    Ok(tcp)
}

fn first_words(s: &str) -> String {
    s.chars().take(80).collect()
}
