//! `dealwatch digest`: preview the weekly digest to files, send it now, resend a recorded one,
//! or run what the schedule says is due (what the daemon does on its timer).

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use crate::digest::{self, DigestSpec, model, render};
use crate::ops::Context;

/// `digest` arguments.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("action").required(true).args(["preview", "send", "resend", "run_due", "list"])))]
pub struct DigestArgs {
    /// Write the digest's HTML to this file (nothing is sent or recorded).
    #[arg(long, value_name = "FILE.html")]
    pub preview: Option<PathBuf>,
    /// With --preview: also write the plain-text alternative to this file.
    #[arg(long, value_name = "FILE.txt", requires = "preview")]
    pub text: Option<PathBuf>,
    /// Compute the digest now and send it (recorded; does not replace the scheduled one).
    #[arg(long)]
    pub send: bool,
    /// Send a recorded digest again, as it was (ids in `dealwatch status` or `digest --list`).
    #[arg(long, value_name = "ID")]
    pub resend: Option<i64>,
    /// Send what the schedule says is due now, with retries of failed sends (for cron).
    #[arg(long)]
    pub run_due: bool,
    /// List the recorded digests.
    #[arg(long)]
    pub list: bool,
    /// Recipient instead of the configured ones (repeatable; with --send or --resend).
    #[arg(long, value_name = "ADDR")]
    pub to: Vec<String>,
    /// Which `[digests.NAME]`; default: the only one configured.
    #[arg(long, value_name = "NAME")]
    pub digest: Option<String>,
}

fn spec(ctx: &Context, name: Option<&str>) -> Result<DigestSpec> {
    let digests = &ctx.config.digests;
    let (name, cfg) = match name {
        Some(n) => match digests.get(n) {
            Some(c) => (n, c),
            None => bail!("no [digests.{n}] in the configuration"),
        },
        None => match digests.len() {
            0 => return Ok(DigestSpec::preview()),
            1 => match digests.iter().next() {
                Some((n, c)) => (n.as_str(), c),
                None => return Ok(DigestSpec::preview()),
            },
            _ => bail!(
                "several digests are configured ({}): choose one with --digest NAME",
                digests.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        },
    };
    Ok(DigestSpec::from_config(name, cfg)?)
}

/// Runs `dealwatch digest`.
pub async fn run(ctx: &Context, args: &DigestArgs) -> Result<()> {
    let now = ctx.clock.now();
    if let Some(html_path) = &args.preview {
        let store = ctx.read_store()?;
        let spec = spec(ctx, args.digest.as_deref())?;
        let d = digest::run::linked(
            &ctx.config,
            model::build(&store, &spec, ctx.rules(), now)?,
            now,
        )?;
        let chart = digest::chart::pipeline_png(&d);
        // The preview embeds the chart as a data: URI so a browser shows it; mail uses cid:.
        let src = chart
            .as_ref()
            .map(|c| format!("data:image/png;base64,{}", base64(&c.png)));
        let chart_ref = chart
            .as_ref()
            .zip(src.as_deref())
            .map(|(c, src)| render::ChartRef {
                src,
                height: c.height,
            });
        let html = render::html(&d, chart_ref)?;
        std::fs::write(html_path, html)
            .with_context(|| format!("cannot write {}", html_path.display()))?;
        if let Some(text_path) = &args.text {
            std::fs::write(text_path, render::text(&d))
                .with_context(|| format!("cannot write {}", text_path.display()))?;
        }
        eprintln!(
            "digest preview as of {}: {} decisions, {} quiet, {} revisits, {} new, {} closed → {}",
            d.as_of_local,
            d.decisions.len(),
            d.quiet.len(),
            d.revisits.len(),
            d.new.len(),
            d.closed.items.len(),
            html_path.display()
        );
        return Ok(());
    }
    let mut store = ctx.store()?;
    if args.list {
        for line in digest::run::status_lines(&store)? {
            println!("{line}");
        }
        return Ok(());
    }
    if args.send {
        let spec = spec(ctx, args.digest.as_deref())?;
        let id = digest::run::send_now(&ctx.config, &mut store, &spec, &args.to, now).await?;
        println!("digest #{id} sent");
        return Ok(());
    }
    if let Some(id) = args.resend {
        let new = digest::run::resend(&ctx.config, &mut store, id, &args.to, now).await?;
        println!("digest #{id} sent again as #{new}");
        return Ok(());
    }
    let report = digest::run_due(&ctx.config, &mut store, now).await?;
    for (name, e) in &report.errors {
        eprintln!("digest {name}: {e}");
    }
    for (id, e) in &report.failed {
        eprintln!("digest #{id} not sent (will retry while its week lasts): {e}");
    }
    println!(
        "{} digest(s) recorded, {} sent, {} failed",
        report.recorded.len(),
        report.sent.len(),
        report.failed.len()
    );
    if !report.failed.is_empty() || !report.errors.is_empty() {
        bail!("some digests were not sent");
    }
    Ok(())
}

/// Standard base64 with padding (for the preview's data: URI).
fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(i.as_bytes()), o);
        }
    }
}
