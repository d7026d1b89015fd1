//! A minimal HTTP/1.1 client for CalDAV and `busy-ics` URLs: one request per connection
//! (`Connection: close`), HTTPS with verified certificates (web PKI roots plus an optional extra
//! trust root), plain HTTP to loopback hosts only, Basic authentication, bounded response size
//! and time.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use url::Url;

/// Largest response body read.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Why an HTTP exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The URL cannot be used.
    #[error("unusable URL {0}")]
    Url(String),
    /// TLS settings are unusable.
    #[error("tls setup: {0}")]
    Tls(String),
    /// Connecting, writing or reading failed.
    #[error("{host}: {message}")]
    Io {
        /// Host and port.
        host: String,
        /// What went wrong.
        message: String,
    },
    /// The answer is not HTTP/1.x as understood here.
    #[error("{host}: malformed HTTP response: {message}")]
    Malformed {
        /// Host and port.
        host: String,
        /// What is wrong.
        message: String,
    },
}

/// A response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body (de-chunked).
    pub body: Vec<u8>,
}

impl Response {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A client: TLS settings and credentials, reused across requests.
#[derive(Clone)]
pub struct Client {
    tls: Arc<rustls::ClientConfig>,
    auth: Option<String>,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("auth", &self.auth.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Client {
    /// A client trusting the web PKI roots and `extra_ca_pem` (PEM text) if given, with Basic
    /// credentials if given.
    pub fn new(
        extra_ca_pem: Option<&[u8]>,
        basic: Option<(&str, &str)>,
        timeout: Duration,
    ) -> Result<Client, HttpError> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(mut pem) = extra_ca_pem {
            for cert in rustls_pemfile::certs(&mut pem) {
                let cert = cert.map_err(|e| HttpError::Tls(format!("ca-file: {e}")))?;
                roots
                    .add(cert)
                    .map_err(|e| HttpError::Tls(format!("ca-file: {e}")))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| HttpError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let auth = basic.map(|(u, p)| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )
        });
        Ok(Client {
            tls: Arc::new(tls),
            auth,
            timeout,
        })
    }

    /// Sends one request and reads the whole response.
    pub async fn request(
        &self,
        method: &str,
        url: &Url,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Response, HttpError> {
        let host = url
            .host_str()
            .ok_or_else(|| HttpError::Url(redact(url)))?
            .to_string();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| HttpError::Url(redact(url)))?;
        let https = match url.scheme() {
            "https" => true,
            "http" if crate::config::is_loopback_host(&host) => false,
            "http" => {
                return Err(HttpError::Url(format!(
                    "{}: plain http is accepted for loopback hosts only",
                    redact(url)
                )));
            }
            _ => return Err(HttpError::Url(redact(url))),
        };
        let where_ = format!("{host}:{port}");
        let io = |message: String| HttpError::Io {
            host: where_.clone(),
            message,
        };
        let mut path = url.path().to_string();
        if let Some(q) = url.query() {
            path.push('?');
            path.push_str(q);
        }
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n",
            host_header(url, &host)
        );
        if let Some(a) = &self.auth {
            head.push_str(&format!("Authorization: {a}\r\n"));
        }
        for (k, v) in headers {
            if k.contains(['\r', '\n', ':']) || v.contains(['\r', '\n']) {
                return Err(HttpError::Url(format!("header {k} holds a line break")));
            }
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\nUser-Agent: dealwatch/{}\r\n\r\n",
            body.len(),
            env!("CARGO_PKG_VERSION")
        ));
        let exchange = async {
            let tcp = TcpStream::connect((host.as_str(), port))
                .await
                .map_err(|e| io(format!("cannot connect: {e}")))?;
            if https {
                let name = rustls::pki_types::ServerName::try_from(host.clone())
                    .map_err(|e| HttpError::Url(format!("{host}: {e}")))?;
                let tls = tokio_rustls::TlsConnector::from(self.tls.clone())
                    .connect(name, tcp)
                    .await
                    .map_err(|e| io(format!("tls: {e}")))?;
                exchange(tls, head.as_bytes(), body).await.map_err(io)
            } else {
                exchange(tcp, head.as_bytes(), body).await.map_err(io)
            }
        };
        let raw = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| io(format!("no answer within {} s", self.timeout.as_secs())))??;
        parse_response(&raw, method == "HEAD").map_err(|message| HttpError::Malformed {
            host: format!("{host}:{port}"),
            message,
        })
    }
}

fn host_header(url: &Url, host: &str) -> String {
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// The URL without credentials, for messages.
pub fn redact(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_password(None);
    let _ = u.set_username("");
    u.to_string()
}

async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    head: &[u8],
    body: &[u8],
) -> Result<Vec<u8>, String> {
    s.write_all(head).await.map_err(|e| format!("write: {e}"))?;
    s.write_all(body).await.map_err(|e| format!("write: {e}"))?;
    s.flush().await.map_err(|e| format!("write: {e}"))?;
    let mut out = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        let n = match s.read(&mut buf).await {
            Ok(n) => n,
            // Servers that close without close_notify: keep what arrived.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Err(e) => return Err(format!("read: {e}")),
        };
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if out.len() > MAX_RESPONSE_BYTES + 64 * 1024 {
            return Err(format!("response larger than {MAX_RESPONSE_BYTES} bytes"));
        }
    }
    Ok(out)
}

fn parse_response(raw: &[u8], head_only: bool) -> Result<Response, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| "headers are not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or("empty response")?;
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(format!(
            "unexpected status line {:?}",
            status_line.chars().take(80).collect::<String>()
        ));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("no status code")?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[end + 4..];
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let body = if head_only || status == 204 || status == 304 {
        Vec::new()
    } else if header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        dechunk(rest)?
    } else if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        rest.get(..len)
            .ok_or("body shorter than Content-Length")?
            .to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("truncated chunk size")?;
        let size_line = std::str::from_utf8(&rest[..eol]).map_err(|_| "bad chunk size")?;
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| "bad chunk size")?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = rest.get(..size).ok_or("truncated chunk")?;
        out.extend_from_slice(chunk);
        rest = rest.get(size + 2..).ok_or("truncated chunk")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_chunked_and_sized_bodies() {
        let r = parse_response(b"HTTP/1.1 207 Multi-Status\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", false).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (207, &b"abcde"[..]));
        let r = parse_response(
            b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nokEXTRA",
            false,
        )
        .unwrap();
        assert_eq!(r.body, b"ok");
        assert!(parse_response(b"garbage", false).is_err());
    }

    #[test]
    fn debug_hides_credentials() {
        let c = Client::new(None, Some(("u", "secret")), Duration::from_secs(1)).unwrap();
        assert!(!format!("{c:?}").contains("secret"));
    }
}
