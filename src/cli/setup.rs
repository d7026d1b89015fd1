//! Setting dealwatch up: which config file is read, whether it works, shell completions and
//! the man page (both generated from the command-line definition, so they never drift).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::CommandFactory as _;

use super::{Cli, Context};
use crate::config::Secret;

/// Where a config is looked for when neither `--config` nor `DEALWATCH_CONFIG` names one:
/// `$XDG_CONFIG_HOME/dealwatch/config.toml`, then `$XDG_CONFIG_HOME/dealwatch.toml`
/// (`$XDG_CONFIG_HOME` defaults to `~/.config`).
pub fn default_config_candidates() -> Vec<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    match base {
        Some(b) => vec![b.join("dealwatch/config.toml"), b.join("dealwatch.toml")],
        None => Vec::new(),
    }
}

/// The default config file, when one of [`default_config_candidates`] exists.
pub fn default_config() -> Option<PathBuf> {
    default_config_candidates()
        .into_iter()
        .find(|p| p.is_file())
}

/// `config path`: the file this command reads, and why.
pub fn config_path(ctx: &Context) -> Result<()> {
    match &ctx.config_path {
        Some(p) => println!("{}", p.display()),
        None => {
            let looked: Vec<String> = default_config_candidates()
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            println!(
                "no config file (built-in defaults); looked for --config, DEALWATCH_CONFIG, {}",
                looked.join(", ")
            );
        }
    }
    Ok(())
}

/// `config check`: reads the config (its errors are already reported by loading it), resolves
/// every secret it names without printing it, and says what dealwatch will do with it.
/// Exits with an error when a secret cannot be had.
pub fn config_check(ctx: &Context) -> Result<()> {
    let c = &ctx.config;
    let mut out = std::io::stdout().lock();
    let file = ctx
        .config_path
        .as_deref()
        .map_or("none (built-in defaults)".to_string(), |p| {
            p.display().to_string()
        });
    writeln!(out, "config: {file}")?;
    writeln!(out, "database: {}", ctx.db_path.display())?;
    if c.identity.is_empty() {
        writeln!(
            out,
            "identity: not set: add [identity] addresses = [\"you@example.com\"] (or domains) so that your own mail is told from your customers'"
        )?;
    } else {
        writeln!(
            out,
            "identity: {} address(es), {} domain(s)",
            c.identity.addresses.len(),
            c.identity.domains.len()
        )?;
    }
    let mut problems = Vec::new();
    let mut secret = |what: String, s: Option<&Secret>| -> Result<String> {
        Ok(match s {
            None => "no secret".to_string(),
            Some(sec) => match sec.resolve(&what) {
                Ok(_) => format!("{} ok", source(sec)),
                Err(e) => {
                    problems.push(e.to_string());
                    format!("{} FAILED", source(sec))
                }
            },
        })
    };
    for (name, a) in &c.accounts {
        let s = match a.auth {
            crate::config::AuthMethod::Xoauth2 => {
                secret(format!("token of account {name}"), a.token.as_ref())?
            }
            _ => secret(format!("password of account {name}"), a.password.as_ref())?,
        };
        writeln!(
            out,
            "account {name}: {}@{} ({:?}), {}",
            a.username, a.host, a.tls, s
        )?;
    }
    if c.accounts.is_empty() {
        writeln!(
            out,
            "accounts: none (scan a Maildir or mbox with --maildir/--mbox)"
        )?;
    }
    match &c.smtp {
        Some(m) => {
            let s = secret("SMTP password".into(), m.password.as_ref())?;
            writeln!(out, "smtp: {} from {} ({:?}), {}", m.host, m.from, m.tls, s)?;
        }
        None => writeln!(out, "smtp: none (digests and invitations are not sent)")?,
    }
    for (name, d) in &c.digests {
        writeln!(
            out,
            "digest {name}: to {} on {} ({})",
            d.to.join(", "),
            d.schedule,
            d.timezone
        )?;
    }
    match &c.calendar {
        Some(cal) => {
            let s = secret("CalDAV password".into(), cal.password.as_ref())?;
            writeln!(out, "calendar: {} , {}", cal.caldav_url, s)?;
        }
        None => writeln!(out, "calendar: none (invitations by mail only)")?,
    }
    match &c.web {
        Some(w) => {
            let links = match &w.public_url {
                Some(u) => format!(
                    "digest links to {u}, signing secret {}",
                    secret("web.secret".into(), w.secret.as_ref())?
                ),
                None => "no digest links (no public-url)".to_string(),
            };
            writeln!(
                out,
                "web: board on http://{} ({} user(s)), {links}",
                w.listen,
                w.users.len()
            )?;
            for (name, u) in &w.users {
                let s = secret(format!("password of web user {name}"), Some(&u.password))?;
                let sees = u
                    .accounts
                    .as_ref()
                    .map_or("every account".to_string(), |a| a.join(", "));
                writeln!(out, "web user {name}: sees {sees}, {s}")?;
            }
        }
        None => writeln!(
            out,
            "web: none (no board; add [web] to use dealwatch serve)"
        )?,
    }
    drop(out);
    if let Some(first) = problems.first() {
        anyhow::bail!(
            "{first}{}",
            if problems.len() > 1 {
                format!(" (and {} more problems above)", problems.len() - 1)
            } else {
                String::new()
            }
        );
    }
    println!("config ok");
    Ok(())
}

fn source(s: &Secret) -> String {
    match s {
        Secret::Env(v) => format!("password from ${v}"),
        Secret::Command(c) => format!(
            "password from command `{}`",
            c.split_whitespace().next().unwrap_or("")
        ),
    }
}

/// `completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "dealwatch", &mut std::io::stdout());
    Ok(())
}

/// `man [--out DIR]`: the man page of dealwatch (roff) on stdout, or `dealwatch.1` and one
/// page per command (`dealwatch-scan.1`…) in DIR.
pub fn man(out: Option<&Path>) -> Result<()> {
    let cmd = Cli::command();
    match out {
        None => {
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .context("cannot write the man page")?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("cannot write man pages into {}", dir.display()))?;
            println!("man pages written to {}", dir.display());
        }
    }
    Ok(())
}
