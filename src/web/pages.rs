//! The board's pages and forms. GET pages only read; every change is a POST checked for the
//! session's CSRF token (or, from a digest link, for its signature) and made by the same
//! [`crate::ops::decide`] functions as the CLI, recorded as done by "web".

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use super::auth::{self, LOGIN_COOKIE, SESSION_COOKIE, Session};
use super::views::{self, ConfirmPage, FiguresPage, LoginPage, MessagePage};
use super::{App, Deal};
use crate::digest::links::LinkAction;
use crate::ops::decide::{self, By, Decided};
use crate::pipeline::State as DealState;

type AppState = State<Arc<App>>;
type Fields = HashMap<String, String>;

/// A page as a response, with the headers every page carries.
fn page(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "page template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "page could not be rendered",
            )
                .into_response()
        }
    }
}

/// A short page saying one thing (refusals, errors, results).
fn message(status: StatusCode, title: &str, text: &str) -> Response {
    page(
        status,
        &MessagePage {
            title: title.to_string(),
            text: text.to_string(),
        },
    )
}

fn server_error(e: anyhow::Error) -> Response {
    tracing::error!(error = %format!("{e:#}"), "web request failed");
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        &format!("{e:#}"),
    )
}

/// The logged-in session of this browser, if any.
fn session(app: &App, jar: &CookieJar) -> Option<(String, Session)> {
    let id = jar.get(SESSION_COOKIE)?.value().to_string();
    let s = app.auth.session(&id)?;
    Some((id, s))
}

/// A GET without a login goes to the login page.
fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

/// A POST or a download without a login is refused.
fn refused() -> Response {
    message(
        StatusCode::UNAUTHORIZED,
        "Log in first",
        "This needs a login: open the board's address and log in.",
    )
}

fn csrf_ok(s: &Session, f: &Fields) -> bool {
    f.get("csrf").is_some_and(|t| auth::same(t, &s.csrf))
}

fn cookie(app: &App, name: &'static str, value: String) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Strict);
    c.set_secure(app.secure);
    c.set_path("/");
    c
}

/// The deal `id` when `user` may see it.
fn visible<'a>(app: &App, snap: &'a super::Snapshot, user: &str, id: i64) -> Option<&'a Deal> {
    snap.deals
        .iter()
        .find(|d| d.listed.opp.id == id)
        .filter(|d| app.may_see(user, &d.sources))
}

/// `GET /login`.
pub async fn login_form(State(app): AppState, jar: CookieJar) -> Response {
    if session(&app, &jar).is_some() {
        return Redirect::to("/").into_response();
    }
    let Ok(token) = auth::token() else {
        return message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error",
            "no random source",
        );
    };
    let jar = jar.add(cookie(&app, LOGIN_COOKIE, token.clone()));
    (jar, page(StatusCode::OK, &LoginPage { token, error: None })).into_response()
}

/// `POST /login`: user, password and the login form's token.
pub async fn login(State(app): AppState, jar: CookieJar, Form(f): Form<Fields>) -> Response {
    let expected = jar.get(LOGIN_COOKIE).map(|c| c.value().to_string());
    let sent = f.get("token");
    if !matches!((&expected, sent), (Some(e), Some(s)) if auth::same(e, s)) {
        return message(
            StatusCode::FORBIDDEN,
            "Login refused",
            "The login form expired or came from another site: open /login again.",
        );
    }
    let user = f.get("user").map(|s| s.trim()).unwrap_or_default();
    let password = f.get("password").map(String::as_str).unwrap_or_default();
    let app2 = app.clone();
    let (u, p) = (user.to_string(), password.to_string());
    // Argon2 takes tens of milliseconds: off the async threads.
    let result = tokio::task::spawn_blocking(move || app2.auth.login(&u, &p)).await;
    match result {
        Ok(Ok(Some(id))) => {
            tracing::info!(user, "web login");
            let jar = jar
                .remove(Cookie::build(LOGIN_COOKIE).path("/"))
                .add(cookie(&app, SESSION_COOKIE, id));
            (jar, Redirect::to("/")).into_response()
        }
        Ok(Ok(None)) => {
            tracing::warn!(user, "web login refused");
            let token = expected.unwrap_or_default();
            page(
                StatusCode::UNAUTHORIZED,
                &LoginPage {
                    token,
                    error: Some("Wrong user name or password.".into()),
                },
            )
        }
        Ok(Err(e)) => server_error(e.into()),
        Err(e) => server_error(e.into()),
    }
}

/// `POST /logout`.
pub async fn logout(State(app): AppState, jar: CookieJar, Form(f): Form<Fields>) -> Response {
    let Some((id, s)) = session(&app, &jar) else {
        return to_login();
    };
    if !csrf_ok(&s, &f) {
        return message(
            StatusCode::FORBIDDEN,
            "Refused",
            "Missing or wrong form token.",
        );
    }
    app.auth.logout(&id);
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    (jar, Redirect::to("/login")).into_response()
}

/// `GET /`: the pipeline.
pub async fn board(
    State(app): AppState,
    jar: CookieJar,
    Query(q): Query<super::Query>,
) -> Response {
    let Some((sid, s)) = session(&app, &jar) else {
        return to_login();
    };
    let snap = match app.snapshot() {
        Ok(s) => s,
        Err(e) => return server_error(e),
    };
    let deals: Vec<&Deal> = snap
        .deals
        .iter()
        .filter(|d| app.may_see(&s.user, &d.sources))
        .collect();
    let accounts = app
        .auth
        .user(&s.user)
        .and_then(|u| u.accounts.clone())
        .unwrap_or_else(|| app.ctx.config.accounts.keys().cloned().collect());
    let flash = app.auth.take_flash(&sid);
    page(
        StatusCode::OK,
        &views::board(&app.ctx, &deals, &q, &s, accounts, flash),
    )
}

/// `GET /deal/ID`: the timeline, the proposal and its evidence, the history, the meeting.
pub async fn deal(State(app): AppState, jar: CookieJar, Path(id): Path<i64>) -> Response {
    let Some((sid, s)) = session(&app, &jar) else {
        return to_login();
    };
    let snap = match app.snapshot() {
        Ok(s) => s,
        Err(e) => return server_error(e),
    };
    let Some(d) = visible(&app, &snap, &s.user, id) else {
        return not_found().await;
    };
    let store = match app.ctx.read_store() {
        Ok(s) => s,
        Err(e) => return server_error(e),
    };
    let flash = app.auth.take_flash(&sid);
    match views::deal(&app.ctx, &store, d, &s, flash) {
        Ok(p) => page(StatusCode::OK, &p),
        Err(e) => server_error(e),
    }
}

/// Runs a decision on a thread of its own (the store is used across the calendar's awaits).
async fn run_decision(
    app: &Arc<App>,
    id: i64,
    action: String,
    f: Fields,
) -> anyhow::Result<Decided> {
    let ctx = app.ctx.clone();
    let joined = tokio::task::spawn_blocking(move || -> anyhow::Result<Decided> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let field = |k: &str| f.get(k).cloned().filter(|v| !v.trim().is_empty());
        rt.block_on(async {
            match action.as_str() {
                "accept" => decide::accept(&ctx, id, By::Web).await,
                "reject" => decide::reject(&ctx, id),
                "reopen" => decide::reopen(&ctx, id, By::Web).await,
                "hold" => decide::hold(&ctx, id, field("until").as_deref(), By::Web).await,
                "schedule" => decide::schedule(&ctx, id, field("at").as_deref()).await,
                "close" => {
                    let to = match field("as").as_deref() {
                        Some("won") => DealState::Won,
                        Some("lost") => DealState::Lost,
                        Some("vanished") => DealState::Vanished,
                        other => anyhow::bail!(
                            "close as {:?}: choose won, lost or vanished",
                            other.unwrap_or("")
                        ),
                    };
                    decide::close(&ctx, id, to, field("reason"), field("competitor"), By::Web).await
                }
                other => anyhow::bail!("no such decision: {other}"),
            }
        })
    })
    .await;
    app.invalidate();
    joined?
}

/// `POST /deal/ID/ACTION`: accept, reject, close, hold, reopen, schedule.
pub async fn decide(
    State(app): AppState,
    jar: CookieJar,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<Fields>,
) -> Response {
    let Some((sid, s)) = session(&app, &jar) else {
        return refused();
    };
    if !csrf_ok(&s, &f) {
        return message(
            StatusCode::FORBIDDEN,
            "Refused",
            "Missing or wrong form token: reload the page and try again.",
        );
    }
    let snap = match app.snapshot() {
        Ok(s) => s,
        Err(e) => return server_error(e),
    };
    if visible(&app, &snap, &s.user, id).is_none() {
        return not_found().await;
    }
    drop(snap);
    let text = match run_decision(&app, id, action.clone(), f).await {
        Ok(done) => {
            tracing::info!(user = %s.user, opportunity = id, action = %action, "web decision");
            let mut lines = vec![done.summary];
            lines.extend(done.outcomes);
            lines.extend(done.calendar_error);
            lines.join("\n")
        }
        Err(e) => format!("#{id}: {e:#}"),
    };
    app.auth.set_flash(&sid, text);
    Redirect::to(&format!("/deal/{id}")).into_response()
}

/// `GET /figures`: the digest's chart and figures for the user's deals.
pub async fn figures(State(app): AppState, jar: CookieJar) -> Response {
    let Some((_, s)) = session(&app, &jar) else {
        return to_login();
    };
    let accounts = app.auth.user(&s.user).and_then(|u| u.accounts.clone());
    match app.figures(accounts) {
        Ok((d, chart)) => page(
            StatusCode::OK,
            &views::figures(&s, d, chart) as &FiguresPage,
        ),
        Err(e) => server_error(e),
    }
}

fn export_rows(app: &App, user: &str, q: &super::Query) -> anyhow::Result<Vec<crate::export::Row>> {
    let snap = app.snapshot()?;
    let state = q.get("state").map(String::as_str).filter(|s| !s.is_empty());
    Ok(snap
        .deals
        .iter()
        .filter(|d| app.may_see(user, &d.sources))
        .filter(|d| state.is_none_or(|s| d.listed.opp.state == s))
        .map(|d| crate::export::Row::from(&d.listed))
        .collect())
}

fn download(body: String, kind: &'static str, name: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(name));
    r
}

/// `GET /export.csv[?state=S]`.
pub async fn export_csv(
    State(app): AppState,
    jar: CookieJar,
    Query(q): Query<super::Query>,
) -> Response {
    let Some((_, s)) = session(&app, &jar) else {
        return refused();
    };
    match export_rows(&app, &s.user, &q) {
        Ok(rows) => download(
            crate::export::csv(&rows),
            "text/csv; charset=utf-8",
            "attachment; filename=\"dealwatch-deals.csv\"",
        ),
        Err(e) => server_error(e),
    }
}

/// `GET /export.json[?state=S]`.
pub async fn export_json(
    State(app): AppState,
    jar: CookieJar,
    Query(q): Query<super::Query>,
) -> Response {
    let Some((_, s)) = session(&app, &jar) else {
        return refused();
    };
    match export_rows(&app, &s.user, &q) {
        Ok(rows) => download(
            crate::export::json(&rows),
            "application/json",
            "attachment; filename=\"dealwatch-deals.json\"",
        ),
        Err(e) => server_error(e),
    }
}

/// A digest link's fields, checked: the digest, the action and the expiry.
fn checked_link(
    app: &App,
    id: i64,
    action: &str,
    q: &super::Query,
) -> Result<(String, LinkAction, i64, String), Response> {
    let bad = |why: &str| message(StatusCode::FORBIDDEN, "Link refused", why);
    let Some(signer) = &app.signer else {
        return Err(bad("Digest links are off: [web] secret is not set."));
    };
    let action =
        LinkAction::parse(action).ok_or_else(|| bad("This link asks for nothing known."))?;
    let (Some(g), Some(e), Some(sig)) = (q.get("g"), q.get("e"), q.get("s")) else {
        return Err(bad("This link is incomplete."));
    };
    let expires: i64 = e.parse().map_err(|_| bad("This link is incomplete."))?;
    signer
        .verify(g, id, action, expires, sig, app.ctx.clock.now())
        .map_err(|e| bad(&e.to_string()))?;
    Ok((g.clone(), action, expires, sig.clone()))
}

/// `GET /d/ID/ACTION?g&e&s`: a digest link's confirmation page. Changes nothing.
pub async fn link_confirm(
    State(app): AppState,
    Path((id, action)): Path<(i64, String)>,
    Query(q): Query<super::Query>,
) -> Response {
    let (digest, action, expires, sig) = match checked_link(&app, id, &action, &q) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let snap = match app.snapshot() {
        Ok(s) => s,
        Err(e) => return server_error(e),
    };
    let Some(d) = snap
        .deals
        .iter()
        .find(|d| d.listed.opp.id == id)
        .filter(|d| app.digest_covers(&digest, &d.sources))
    else {
        return message(
            StatusCode::FORBIDDEN,
            "Link refused",
            "This deal is not one this digest's readers see.",
        );
    };
    let confirm = app
        .signer
        .as_ref()
        .map(|s| s.sign(&format!("confirm:{sig}"), id, action, expires))
        .unwrap_or_default();
    page(
        StatusCode::OK,
        &ConfirmPage::new(d, action, &digest, expires, &sig, &confirm),
    )
}

/// `POST /d/ID/ACTION`: the confirmed digest link.
pub async fn link_apply(
    State(app): AppState,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<Fields>,
) -> Response {
    let (digest, action, expires, sig) = match checked_link(&app, id, &action, &f) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let expected = app
        .signer
        .as_ref()
        .map(|s| s.sign(&format!("confirm:{sig}"), id, action, expires))
        .unwrap_or_default();
    if !f.get("confirm").is_some_and(|c| auth::same(c, &expected)) {
        return message(
            StatusCode::FORBIDDEN,
            "Refused",
            "Missing or wrong form token: open the link from the digest again.",
        );
    }
    let covered = match app.snapshot() {
        Ok(snap) => snap
            .deals
            .iter()
            .any(|d| d.listed.opp.id == id && app.digest_covers(&digest, &d.sources)),
        Err(e) => return server_error(e),
    };
    if !covered {
        return message(
            StatusCode::FORBIDDEN,
            "Link refused",
            "This deal is not one this digest's readers see.",
        );
    }
    match run_decision(&app, id, action.as_str().to_string(), Fields::new()).await {
        Ok(done) => {
            tracing::info!(digest = %digest, opportunity = id, action = action.as_str(), "digest link applied");
            let mut text = vec![done.summary];
            text.extend(done.outcomes);
            text.extend(done.calendar_error);
            message(StatusCode::OK, "Done", &text.join("\n"))
        }
        Err(e) => message(
            StatusCode::CONFLICT,
            "Not applied",
            &format!("#{id}: {e:#}"),
        ),
    }
}

/// Anything else.
pub async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Not found", "No such page or deal.")
}
