//! The digest as mail bodies: HTML through an auto-escaping askama template (inline CSS, table
//! layout for Outlook, Gmail and Thunderbird, no script, no remote resource) and a plain-text
//! alternative saying the same. Strings from mail were already cleaned by the model; the
//! template escapes them, and both bodies pass [`body_safe`] last.

use std::fmt::Write as _;

use askama::Template;

use super::DigestError;
use super::model::Digest;
use crate::smtp::{body_safe, header_safe};

/// The HTML template's input.
#[derive(Template)]
#[template(path = "digest.html")]
struct HtmlDigest<'a> {
    d: &'a Digest,
    subject: &'a str,
    chart_src: Option<&'a str>,
    chart_height: u32,
}

impl HtmlDigest<'_> {
    /// The accent color of a state.
    fn color(&self, state: &str) -> &'static str {
        match state {
            "won" => "#1a7f37",
            "lost" => "#b42318",
            "vanished" => "#7a5af8",
            "on hold" => "#b54708",
            _ => "#1d4ed8",
        }
    }
}

/// An inline image for the HTML body.
#[derive(Debug, Clone, Copy)]
pub struct ChartRef<'a> {
    /// `cid:...` in mail, a `data:` URI in previews.
    pub src: &'a str,
    /// Height in pixels at 592 pixels wide.
    pub height: u32,
}

/// The subject line.
pub fn subject(d: &Digest) -> String {
    let mut s = format!("Pipeline digest, week of {}", d.week_from);
    if !d.decisions.is_empty() {
        let n = d.decisions.len();
        let _ = write!(s, ": {n} decision{} waiting", if n == 1 { "" } else { "s" });
    }
    header_safe(&s, 200)
}

/// The HTML body.
pub fn html(d: &Digest, chart: Option<ChartRef<'_>>) -> Result<String, DigestError> {
    let subject = subject(d);
    let t = HtmlDigest {
        d,
        subject: &subject,
        chart_src: chart.map(|c| c.src),
        chart_height: chart.map(|c| c.height).unwrap_or(0),
    };
    let out = t.render().map_err(|e| DigestError::Render(e.to_string()))?;
    Ok(body_safe(&out))
}

fn heading(out: &mut String, title: &str) {
    let _ = write!(out, "\n{title}\n{}\n", "=".repeat(title.chars().count()));
}

/// The plain-text body.
pub fn text(d: &Digest) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Weekly pipeline digest: {}", d.name);
    let _ = writeln!(
        o,
        "As of {} ({}); this week: since {}.",
        d.as_of_local, d.timezone, d.week_from
    );
    if d.is_empty() {
        let _ = writeln!(
            o,
            "\nNothing to report this week: no opportunity in the pipeline yet."
        );
    } else {
        let _ = writeln!(
            o,
            "{} decision(s) waiting, {} gone quiet, {} to revisit, {} new, {} closed this week.",
            d.decisions.len(),
            d.quiet.len(),
            d.revisits.len(),
            d.new.len(),
            d.closed.items.len()
        );
    }
    if !d.decisions.is_empty() {
        heading(&mut o, "Decisions waiting for you");
        let _ = writeln!(
            o,
            "dealwatch proposes; you decide. Run the command shown to apply a proposal."
        );
        for i in &d.decisions {
            let _ = writeln!(o, "\n#{} {}", i.id, i.title);
            let _ = writeln!(o, "   {} | {}", i.customer, i.amount_text());
            let _ = writeln!(
                o,
                "   Proposed: {} (now {}, confidence {}%)",
                i.proposed, i.current, i.confidence
            );
            let _ = writeln!(o, "   Why: {}", i.reason);
            match (&i.evidence, &i.evidence_date) {
                (Some(e), Some(dt)) => {
                    let _ = writeln!(o, "   Evidence ({dt}): \"{e}\"");
                }
                (Some(e), None) => {
                    let _ = writeln!(o, "   Evidence: \"{e}\"");
                }
                (None, Some(dt)) => {
                    let _ = writeln!(o, "   Evidence date: {dt}");
                }
                (None, None) => {}
            }
            let _ = writeln!(o, "   Apply: {}    Reject: {}", i.accept, i.reject);
            if let Some(l) = &i.links {
                let _ = writeln!(o, "   Accept: {}\n   Reject: {}", l.accept, l.reject);
            }
        }
    }
    if !d.quiet.is_empty() {
        heading(&mut o, "Deals gone quiet");
        for i in &d.quiet {
            let _ = writeln!(
                o,
                "- #{} {} ({}): {}, silent {} days since {}",
                i.id,
                i.title,
                i.customer,
                i.amount_text(),
                i.days,
                i.since
            );
        }
    }
    if !d.revisits.is_empty() {
        heading(&mut o, "On hold: revisit this week");
        for i in &d.revisits {
            let _ = writeln!(
                o,
                "- {}: #{} {} ({}), {}",
                i.on,
                i.id,
                i.title,
                i.customer,
                i.amount_text()
            );
        }
    }
    if !d.new.is_empty() {
        heading(&mut o, "New opportunities this week");
        for i in &d.new {
            let _ = writeln!(
                o,
                "- {}: #{} {} ({}, {}), {}",
                i.seen,
                i.id,
                i.title,
                i.customer,
                i.origin,
                i.amount_text()
            );
        }
    }
    if !d.closed.items.is_empty() || d.closed.rates.is_some() {
        heading(&mut o, "Closed this week");
        if d.closed.items.is_empty() {
            let _ = writeln!(o, "Nothing closed this week.");
        }
        for t in &d.closed.totals {
            let _ = writeln!(o, "{}: {} deal(s), {}", t.state, t.count, t.amount);
        }
        for i in &d.closed.items {
            let _ = writeln!(
                o,
                "- {} {}: #{} {} ({}), {}",
                i.on,
                i.state,
                i.id,
                i.title,
                i.customer,
                i.amount_text()
            );
        }
        if let Some(r) = &d.closed.rates {
            let _ = writeln!(
                o,
                "Last 90 days: {} closed, win rate {}% ({} won), vanished rate {}% ({} vanished).",
                r.closed, r.win_pct, r.won, r.vanished_pct, r.vanished
            );
        }
    }
    if !d.meetings.is_empty() {
        heading(&mut o, "Follow-up meetings ahead");
        for m in &d.meetings {
            let _ = writeln!(o, "- {}: {} ({})", m.when, m.title, m.customer);
        }
    }
    if !d.pipeline.is_empty() {
        heading(&mut o, "Open pipeline");
        for p in &d.pipeline {
            let cur = if p.currency == "—" {
                "no amount yet"
            } else {
                p.currency.as_str()
            };
            let _ = writeln!(
                o,
                "- {cur}: open {} ({}), on hold {} ({}), total {}",
                p.open_value, p.open_count, p.on_hold_value, p.on_hold_count, p.total_value
            );
        }
    }
    let _ = writeln!(
        o,
        "\n--\ndealwatch reads your mailbox passively and never changes a deal without you.\n\
         Review everything with: dealwatch opportunities"
    );
    body_safe(&o)
}
