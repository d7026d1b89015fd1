//! The web board (`dealwatch serve`, or `daemon` with `[web]`): the pipeline as columns by
//! state, a deal's timeline with its evidence, every decision the CLI has, the digest's figures,
//! exports, and the confirmation pages of the digest's one-click links. Server-rendered
//! (askama, escaped), no script needed. It calls the same operations as the CLI
//! ([`crate::ops`]); it only parses, calls and renders.
//!
//! Safe by default: loopback unless `[web] listen` says otherwise, every page behind a login,
//! every change a POST carrying the session's CSRF token, a user sees only the deals of their
//! accounts.

mod auth;
mod pages;
mod views;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};

use crate::digest::links::LinkSigner;
use crate::digest::model::Digest;
use crate::ops::{Context, Listed};
use crate::store::Store;

pub use auth::AuthError;

/// Why the board stopped or could not start.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No `[web]` section.
    #[error(
        "no [web] section in the config: add one with [web.users.NAME] (see config/dealwatch.sample.toml)"
    )]
    NotConfigured,
    /// Users or secrets.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// `web.secret` could not be read.
    #[error("{0}")]
    Secret(#[from] crate::config::ConfigError),
    /// The address is taken or not ours.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// The database.
    #[error("{0:#}")]
    Store(anyhow::Error),
}

/// The deals as the board lists them, computed once per change of the database.
pub(crate) struct Snapshot {
    /// `data_version` of the reader when computed.
    version: i64,
    /// The hour (of "now") it was computed for: proposals depend on silence.
    hour: i64,
    /// Every deal with its proposal and the sources its mail came from.
    pub(crate) deals: Vec<Deal>,
}

/// One deal of the snapshot.
pub(crate) struct Deal {
    /// The deal and its proposal.
    pub(crate) listed: Listed,
    /// The accounts (or `maildir`, `mbox`) its mail was read from.
    pub(crate) sources: Vec<String>,
}

/// What every handler shares.
pub(crate) struct App {
    pub(crate) ctx: Arc<Context>,
    pub(crate) auth: auth::Auth,
    pub(crate) signer: Option<LinkSigner>,
    pub(crate) secure: bool,
    reader: Mutex<Option<Store>>,
    snapshot: Mutex<Option<Arc<Snapshot>>>,
    figures: Mutex<HashMap<Option<Vec<String>>, Figures>>,
}

/// The figures page's digest and chart for one set of accounts, computed once per change of
/// the database (building the digest of every deal and drawing its chart is the costliest page).
struct Figures {
    version: i64,
    hour: i64,
    digest: Arc<Digest>,
    chart: Option<Arc<str>>,
}

impl App {
    /// The deals now, recomputed when the database changed (or the hour turned).
    pub(crate) fn snapshot(&self) -> anyhow::Result<Arc<Snapshot>> {
        let mut reader = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        if reader.is_none() {
            *reader = Some(self.ctx.store()?);
        }
        let Some(store) = reader.as_ref() else {
            anyhow::bail!("database not open");
        };
        let version = store.data_version()?;
        let hour = self.ctx.clock.now().timestamp() / 3600;
        let mut snap = self.snapshot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = snap.as_ref()
            && s.version == version
            && s.hour == hour
        {
            return Ok(s.clone());
        }
        let mut sources = store.all_sources()?;
        let deals = crate::ops::collect(&self.ctx, store)?
            .into_iter()
            .map(|listed| Deal {
                sources: sources.remove(&listed.opp.id).unwrap_or_default(),
                listed,
            })
            .collect();
        let fresh = Arc::new(Snapshot {
            version,
            hour,
            deals,
        });
        *snap = Some(fresh.clone());
        Ok(fresh)
    }

    /// The digest and its chart (a `data:` URI) of the deals of `accounts` (every account:
    /// `None`), recomputed when the snapshot is.
    pub(crate) fn figures(
        &self,
        accounts: Option<Vec<String>>,
    ) -> anyhow::Result<(Arc<Digest>, Option<Arc<str>>)> {
        use base64::Engine as _;
        let snap = self.snapshot()?;
        let mut cache = self.figures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = cache.get(&accounts)
            && f.version == snap.version
            && f.hour == snap.hour
        {
            return Ok((f.digest.clone(), f.chart.clone()));
        }
        let store = self.ctx.read_store()?;
        let mut spec = crate::digest::model::DigestSpec::preview();
        spec.accounts = accounts.clone();
        spec.timezone = self.ctx.tz();
        let digest = Arc::new(crate::digest::model::build(
            &store,
            &spec,
            self.ctx.rules(),
            self.ctx.clock.now(),
        )?);
        let chart: Option<Arc<str>> = crate::digest::chart::pipeline_png(&digest).map(|c| {
            format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(c.png)
            )
            .into()
        });
        cache.insert(
            accounts,
            Figures {
                version: snap.version,
                hour: snap.hour,
                digest: digest.clone(),
                chart: chart.clone(),
            },
        );
        Ok((digest, chart))
    }

    /// Forgets the snapshot (after a change made through this board's own connections, which
    /// the reader's `data_version` also sees; this only makes it certain).
    pub(crate) fn invalidate(&self) {
        *self.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Whether `user` may see a deal read from these sources.
    pub(crate) fn may_see(&self, user: &str, sources: &[String]) -> bool {
        match self.auth.user(user).map(|u| &u.accounts) {
            Some(None) => true,
            Some(Some(accounts)) => sources.iter().any(|s| accounts.contains(s)),
            None => false,
        }
    }

    /// Whether the readers of digest `name` see a deal read from these sources.
    pub(crate) fn digest_covers(&self, name: &str, sources: &[String]) -> bool {
        match self.ctx.config.digests.get(name).map(|d| &d.accounts) {
            Some(None) => true,
            Some(Some(accounts)) => sources.iter().any(|s| accounts.contains(s)),
            None => false,
        }
    }
}

/// The address `serve` listens on: the flag, else `[web] listen`.
pub fn listen_addr(ctx: &Context, flag: Option<&str>) -> Result<SocketAddr, WebError> {
    let web = ctx.config.web.as_ref().ok_or(WebError::NotConfigured)?;
    let s = flag.unwrap_or(&web.listen);
    s.parse().map_err(|_| WebError::Listen {
        addr: s.to_string(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not an address and port such as 127.0.0.1:8425",
        ),
    })
}

/// Builds the board's routes and state from the context.
pub fn router(ctx: Arc<Context>) -> Result<Router, WebError> {
    let web = ctx.config.web.as_ref().ok_or(WebError::NotConfigured)?;
    let auth = auth::Auth::from_config(web)?;
    let signer = match &web.secret {
        Some(s) => Some(LinkSigner::new(&s.resolve("web.secret")?)),
        None => None,
    };
    let secure = web.secure_cookies.unwrap_or_else(|| {
        web.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    });
    let app = Arc::new(App {
        ctx,
        auth,
        signer,
        secure,
        reader: Mutex::new(None),
        snapshot: Mutex::new(None),
        figures: Mutex::new(HashMap::new()),
    });
    Ok(Router::new()
        .route("/", get(pages::board))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/deal/{id}", get(pages::deal))
        .route("/deal/{id}/{action}", post(pages::decide))
        .route("/figures", get(pages::figures))
        .route("/export.csv", get(pages::export_csv))
        .route("/export.json", get(pages::export_json))
        .route(
            "/d/{id}/{action}",
            get(pages::link_confirm).post(pages::link_apply),
        )
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(headers))
        .with_state(app))
}

/// Headers on every response: no script or frame from anywhere, no caching of pages that hold
/// a customer's mail, no referrer leaking a signed link.
async fn headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

/// Serves the board until `shutdown` resolves.
pub async fn serve<F>(ctx: Arc<Context>, addr: SocketAddr, shutdown: F) -> Result<(), WebError>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let router = router(ctx)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| WebError::Listen {
            addr: addr.to_string(),
            source,
        })?;
    let local = listener.local_addr().unwrap_or(addr);
    if !local.ip().is_loopback() {
        tracing::warn!(%local, "the board listens beyond this machine: put it behind TLS");
    }
    tracing::info!(%local, "web board listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| WebError::Listen {
            addr: addr.to_string(),
            source,
        })
}

/// Query-string filters of the board, as typed.
pub(crate) type Query = HashMap<String, String>;
