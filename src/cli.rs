//! Command-line interface: argument definitions and the commands. Arguments are parsed by clap,
//! then validated (dates, paths, config) before anything is touched. Data goes to stdout, logs
//! and progress to stderr.

pub mod output;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::clock::FixedClock;
use crate::ingest::{self, ScanOptions};
use crate::ops::decide::{By, Decided};
use crate::ops::{Context, decide, identity};
use crate::pipeline::State;
use crate::source::maildir::MaildirSource;
use crate::source::mbox::MboxSource;
use crate::store::Store;

/// dealwatch: keeps a salesperson's pipeline honest from what their mailbox already holds.
///
/// It reads mail passively (Maildir, mbox, IMAP with EXAMINE and BODY.PEEK only), finds the
/// quotes you send and the requests you receive, links the replies, and proposes how each deal
/// stands: open, on hold, won, lost, or vanished. You decide.
#[derive(Debug, Parser)]
#[command(name = "dealwatch", version, about, long_about)]
pub struct Cli {
    /// Configuration file (TOML; see config/dealwatch.sample.toml); default:
    /// ~/.config/dealwatch/config.toml or ~/.config/dealwatch.toml when present.
    #[arg(long, global = true, env = "DEALWATCH_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// SQLite database; default from the config, else dealwatch.sqlite in the XDG data dir.
    #[arg(long, global = true, env = "DEALWATCH_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// "Now" for everything this command decides (RFC 3339 or YYYY-MM-DD); default: the clock.
    #[arg(long, global = true, value_name = "TIME")]
    pub as_of: Option<String>,
    /// More logs (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read mail into the database: a local mailbox (Maildir or mbox), or one pass over the
    /// configured IMAP accounts (all of them, or those named with --account).
    Scan(ScanArgs),
    /// Keep every IMAP account in sync (IDLE or polling) until SIGTERM or Ctrl-C.
    Daemon,
    /// List opportunities with their state and proposal.
    #[command(alias = "opps", alias = "list")]
    Opportunities(ListArgs),
    /// Show one opportunity's timeline and history.
    Show {
        /// Opportunity id.
        id: i64,
        /// One JSON object (the deal as `opportunities --json` prints it, its messages and its
        /// history) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Apply the current proposal of an opportunity.
    Accept {
        /// Opportunity id.
        id: i64,
    },
    /// Reject the current proposal (it is not proposed again for the same evidence).
    Reject {
        /// Opportunity id.
        id: i64,
    },
    /// Close an opportunity yourself.
    Close {
        /// Opportunity id.
        id: i64,
        /// The closure.
        #[arg(long = "as", value_enum)]
        state: ClosedAs,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
        /// Who got the order (for lost).
        #[arg(long)]
        competitor: Option<String>,
    },
    /// Put an opportunity on hold, optionally until a date.
    Hold {
        /// Opportunity id.
        id: i64,
        /// Revisit date: YYYY-MM-DD, or words such as "next month", "september", "in 3
        /// weeks", "Q3".
        #[arg(long, value_name = "WHEN")]
        until: Option<String>,
    },
    /// Reopen an opportunity.
    Reopen {
        /// Opportunity id.
        id: i64,
    },
    /// Correct a deal by hand: its title, amount, currency or customer (kept in its history).
    Edit {
        /// Opportunity id.
        id: i64,
        /// The new title.
        #[arg(long)]
        title: Option<String>,
        /// The new amount: 1234.50 or 1 234,50.
        #[arg(long, value_parser = edit::parse_amount)]
        amount: Option<f64>,
        /// The currency (ISO 4217: EUR, USD, GBP, CHF…).
        #[arg(long)]
        currency: Option<String>,
        /// The customer organisation (a domain, or an address for free mail).
        #[arg(long)]
        customer: Option<String>,
    },
    /// Add a note to a deal's history.
    Note {
        /// Opportunity id.
        id: i64,
        /// The note.
        text: String,
    },
    /// Link a message to a deal by hand (its later replies follow it); MESSAGE is the number
    /// `show` prints (#12) or the Message-ID.
    Link {
        /// The message: its number or Message-ID.
        message: String,
        /// The deal it belongs to.
        deal: i64,
    },
    /// Take a message out of its deal: it belongs to no deal, now and when it arrives again.
    Unlink {
        /// The message: its number or Message-ID.
        message: String,
    },
    /// Merge two deals: every message of the second joins the first, and the second is gone.
    Merge {
        /// The deal that stays.
        into: i64,
        /// The deal merged into it.
        from: i64,
    },
    /// Split a message (and the later messages answering it) into a deal of its own.
    Split {
        /// The message: its number or Message-ID.
        message: String,
    },
    /// Grade the detector on a labeled mailbox (labels.json + mail/), as a user would before
    /// trusting it.
    Eval {
        /// Corpus folder holding labels.json and mail/ (or a Maildir next to labels.json).
        #[arg(long)]
        corpus: PathBuf,
    },
    /// Learn from your decisions: adapt the closure model to every accept, reject, close, hold
    /// and reopen recorded so far (kept in the database; the shipped model is never changed),
    /// then read every deal's mail again with it.
    Train,
    /// List the follow-up meetings of won deals.
    Meetings {
        /// Print the invitation (iCalendar text) of this opportunity's meeting instead.
        #[arg(long, value_name = "ID")]
        ics: Option<i64>,
        /// JSON array instead of a table.
        #[arg(long, conflicts_with = "ics")]
        json: bool,
    },
    /// Schedule the follow-up meeting of a won deal, or move it (`--at`): the invitation is
    /// mailed (and stored in the CalDAV calendar) once per version.
    Schedule {
        /// Opportunity id.
        id: i64,
        /// Start: RFC 3339, or `YYYY-MM-DD HH:MM` / `YYYY-MM-DDTHH:MM` in followup.timezone;
        /// default: the first free slot.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Sync status per source and folder.
    Status,
    /// The weekly digest: preview it, send it now, resend one, or send what is due.
    Digest(digest::DigestArgs),
    /// Which config file is read, and whether it works (`config path`, `config check`).
    Config {
        /// What to do.
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into a directory.
    Man {
        /// Write dealwatch.1 and dealwatch-COMMAND.1 into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Serve the web board ([web] in the config: users, and optionally public-url and secret
    /// for the digest's one-click links) until SIGTERM or Ctrl-C.
    Serve {
        /// Address and port; default [web] listen, else 127.0.0.1:8425 (loopback).
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<String>,
    },
    /// Write the deals for a CRM or a spreadsheet: CSV (UTF-8 with BOM, ISO dates, `.`
    /// decimals; columns in the README) or JSON.
    Export {
        /// csv or json.
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Only deals in this recorded state.
        #[arg(long, value_enum)]
        state: Option<StateArg>,
        /// Write to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Run the whole job on the sample mailbox shipped with dealwatch, in a temporary database.
    Demo {
        /// The sample mailbox (default: samples/mailbox of the source tree).
        #[arg(long)]
        mailbox: Option<PathBuf>,
    },
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the config file this command reads (or where it looked).
    Path,
    /// Read the config, fetch every secret it names (never printing it) and say what will run.
    Check,
}

/// `scan` arguments.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// A Maildir tree (fs layout INBOX/cur, Sent/cur, or Maildir++ cur/, .Sent/cur).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["mbox", "account"])]
    pub maildir: Option<PathBuf>,
    /// An mbox file (Thunderbird, Google Takeout).
    #[arg(long, value_name = "FILE", conflicts_with = "account")]
    pub mbox: Option<PathBuf>,
    /// An IMAP account of the config (`[accounts.NAME]`); repeatable. Without --maildir,
    /// --mbox or --account, every configured account is scanned.
    #[arg(long, value_name = "NAME")]
    pub account: Vec<String>,
}

/// `opportunities` arguments.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only this state (effective: the proposal counts for open ones).
    #[arg(long, value_enum)]
    pub state: Option<StateArg>,
    /// Only customers whose organisation or a contact contains this text (any case).
    #[arg(long, value_name = "TEXT")]
    pub customer: Option<String>,
    /// Only deals with mail on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// Order of the rows.
    #[arg(long, value_enum, default_value_t = SortBy::Id)]
    pub sort: SortBy,
    /// At most this many rows (after sorting).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Whole titles, customers and evidence, not cut to the terminal's width.
    #[arg(long)]
    pub wide: bool,
}

/// The order of `opportunities`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SortBy {
    /// By number, oldest deal first.
    Id,
    /// Largest amount first (deals without one last).
    Amount,
    /// Latest activity first.
    Activity,
    /// By customer, then number.
    Customer,
}

/// A state on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StateArg {
    /// open
    Open,
    /// on hold
    #[value(name = "on_hold", alias = "on-hold")]
    OnHold,
    /// won
    Won,
    /// lost
    Lost,
    /// vanished
    Vanished,
}

impl From<StateArg> for State {
    fn from(s: StateArg) -> State {
        match s {
            StateArg::Open => State::Open,
            StateArg::OnHold => State::OnHold,
            StateArg::Won => State::Won,
            StateArg::Lost => State::Lost,
            StateArg::Vanished => State::Vanished,
        }
    }
}

/// `export --format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated values.
    Csv,
    /// A JSON array.
    Json,
}

/// The three closures.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ClosedAs {
    /// Accepted.
    Won,
    /// Another supplier got it.
    Lost,
    /// Nobody got it.
    Vanished,
}

impl From<ClosedAs> for State {
    fn from(c: ClosedAs) -> State {
        match c {
            ClosedAs::Won => State::Won,
            ClosedAs::Lost => State::Lost,
            ClosedAs::Vanished => State::Vanished,
        }
    }
}

/// Sets up logging to stderr.
pub fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("dealwatch={level},warn")));
    // async-imap traces every command it encodes, LOGIN and its password included: never log it.
    let filter = match "async_imap=off".parse() {
        Ok(d) => filter.add_directive(d),
        Err(_) => filter,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// Runs a command.
pub fn run(cli: Cli) -> Result<()> {
    // These need neither a config nor a database.
    match &cli.command {
        Command::Completions { shell } => return setup::completions(*shell),
        Command::Man { out } => return setup::man(out.as_deref()),
        _ => {}
    }
    let ctx = Context::load(
        cli.config.clone().or_else(setup::default_config),
        cli.db.clone(),
        cli.as_of.as_deref(),
        cli.quiet,
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    match cli.command {
        Command::Scan(args) => runtime.block_on(scan(&ctx, &args)),
        Command::Daemon => daemon(ctx),
        Command::Opportunities(args) => output::list(&ctx, &args),
        Command::Show { id, json } => output::show(&ctx, id, json),
        Command::Accept { id } => decided(runtime.block_on(decide::accept(&ctx, id, By::Cli))),
        Command::Reject { id } => decided(decide::reject(&ctx, id)),
        Command::Close {
            id,
            state,
            reason,
            competitor,
        } => decided(runtime.block_on(decide::close(
            &ctx,
            id,
            state.into(),
            reason,
            competitor,
            By::Cli,
        ))),
        Command::Hold { id, until } => {
            decided(runtime.block_on(decide::hold(&ctx, id, until.as_deref(), By::Cli)))
        }
        Command::Reopen { id } => decided(runtime.block_on(decide::reopen(&ctx, id, By::Cli))),
        Command::Edit {
            id,
            title,
            amount,
            currency,
            customer,
        } => edit::edit(
            &ctx,
            id,
            crate::store::DealEdit {
                title,
                amount,
                currency,
                customer,
            },
        ),
        Command::Note { id, text } => edit::note(&ctx, id, &text),
        Command::Link { message, deal } => links::link(&ctx, &message, deal),
        Command::Unlink { message } => links::unlink(&ctx, &message),
        Command::Merge { into, from } => links::merge(&ctx, into, from),
        Command::Split { message } => links::split(&ctx, &message),
        Command::Meetings { ics, json } => meetings::list(&ctx, ics, json),
        Command::Schedule { id, at } => {
            runtime.block_on(meetings::schedule(&ctx, id, at.as_deref()))
        }
        Command::Eval { corpus } => runtime.block_on(eval::run(&ctx, &corpus)),
        Command::Train => train(&ctx),
        Command::Status => output::status(&ctx),
        Command::Digest(args) => runtime.block_on(digest::run(&ctx, &args)),
        Command::Demo { mailbox } => runtime.block_on(demo(&ctx, mailbox)),
        Command::Serve { listen } => serve(ctx, listen.as_deref()),
        Command::Export { format, state, out } => export(&ctx, format, state, out.as_deref()),
        Command::Config { action } => match action {
            ConfigAction::Path => setup::config_path(&ctx),
            ConfigAction::Check => setup::config_check(&ctx),
        },
        Command::Completions { .. } | Command::Man { .. } => Ok(()),
    }
}

pub mod digest;
pub mod edit;
pub mod eval;
pub mod links;
pub mod meetings;
pub mod setup;

/// Prints what a decision did; a calendar that could not follow is the command's error.
fn decided(done: Result<Decided>) -> Result<()> {
    let done = done?;
    println!("{}", done.summary);
    for o in &done.outcomes {
        println!("{o}");
    }
    match done.calendar_error {
        Some(e) => bail!(e),
        None => Ok(()),
    }
}

/// Scans a Maildir or mbox into the database.
async fn scan(ctx: &Context, args: &ScanArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let max = ctx.config.detect.max_message_bytes;
    let (stats, source_name) = match (&args.maildir, &args.mbox) {
        (Some(dir), _) => {
            let mut src = MaildirSource::open(dir, max)?;
            let identity = identity::resolve(&ctx.config, &store, identity::Hint::Maildir(dir))?;
            (
                scan_with(ctx, &mut store, &mut src, &identity, "maildir").await?,
                "maildir",
            )
        }
        (None, Some(file)) => {
            let mut src = MboxSource::open(file, max)?;
            let identity = identity::resolve(&ctx.config, &store, identity::Hint::Mbox(file))?;
            (
                scan_with(ctx, &mut store, &mut src, &identity, "mbox").await?,
                "mbox",
            )
        }
        (None, None) => return scan_imap(ctx, &args.account).await,
    };
    let closed = decide::auto_close(ctx, &mut store).await?;
    if ctx.quiet {
        return Ok(());
    }
    if closed > 0 {
        eprintln!("auto-close: {closed} proposals applied");
    }
    eprintln!(
        "scanned {} messages from {source_name} ({} new, {} already known, {} degraded); {} linked, {} new opportunities",
        stats.read,
        stats.stored,
        stats.known,
        stats.degraded,
        stats.link.linked,
        stats.link.created
    );
    Ok(())
}

/// One pass over IMAP accounts (the same code as the daemon's rounds).
async fn scan_imap(ctx: &Context, accounts: &[String]) -> Result<()> {
    if ctx.config.accounts.is_empty() {
        bail!("scan needs --maildir DIR, --mbox FILE, or [accounts.NAME] in the config");
    }
    let reports = crate::daemon::scan_accounts(ctx, accounts).await?;
    for (name, r) in reports.into_iter().filter(|_| !ctx.quiet) {
        eprintln!(
            "scanned {} messages from account {name} ({} new, {} already known, {} degraded, {} bytes fetched); {} linked, {} new opportunities",
            r.stats.read,
            r.stats.stored,
            r.stats.known,
            r.stats.degraded,
            r.bytes_fetched,
            r.stats.link.linked,
            r.stats.link.created
        );
    }
    Ok(())
}

/// `serve`: the web board until SIGTERM or Ctrl-C, on a multi-threaded runtime.
fn serve(ctx: Context, listen: Option<&str>) -> Result<()> {
    let addr = crate::web::listen_addr(&ctx, listen)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Fail on a database that cannot be opened before listening.
    drop(ctx.store()?);
    if !ctx.quiet {
        eprintln!(
            "dealwatch board on http://{addr}/ (log in with a [web.users.NAME]; Ctrl-C stops it)"
        );
    }
    let ctx = std::sync::Arc::new(ctx);
    runtime.block_on(crate::web::serve(ctx, addr, shutdown_signal()))?;
    Ok(())
}

/// `export`: every deal (or those in one state) as CSV or JSON.
fn export(
    ctx: &Context,
    format: ExportFormat,
    state: Option<StateArg>,
    out: Option<&Path>,
) -> Result<()> {
    let store = ctx.read_store()?;
    let state = state.map(State::from);
    let rows: Vec<crate::export::Row> = crate::ops::collect(ctx, &store)?
        .iter()
        .filter(|l| state.is_none_or(|s| State::parse(&l.opp.state) == Some(s)))
        .map(crate::export::Row::from)
        .collect();
    let text = match format {
        ExportFormat::Csv => crate::export::csv(&rows),
        ExportFormat::Json => crate::export::json(&rows) + "\n",
    };
    match out {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => print!("{text}"),
    }
    if !ctx.quiet && out.is_some() {
        eprintln!("exported {} deals", rows.len());
    }
    Ok(())
}

/// `daemon`: every account until SIGTERM or Ctrl-C.
/// With `[web]`, the board is served beside it (on the same runtime) and stops with it.
fn daemon(ctx: Context) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let ctx = std::sync::Arc::new(ctx);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let wait = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    runtime.block_on(async {
        let board = match ctx.config.web {
            Some(_) => {
                let addr = crate::web::listen_addr(&ctx, None)?;
                let router = crate::web::serve(ctx.clone(), addr, wait(stopped.clone()));
                if !ctx.quiet {
                    eprintln!("dealwatch daemon: board on http://{addr}/");
                }
                Some(tokio::spawn(router))
            }
            None => None,
        };
        let signal = async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        };
        let result = crate::daemon::run(&ctx, signal).await;
        if let Some(b) = board {
            b.abort();
        }
        result?;
        anyhow::Ok(())
    })
}

/// Resolves on SIGTERM or SIGINT.
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Runs one scan of a source with the context's settings.
pub async fn scan_with<S: crate::source::MailSource>(
    ctx: &Context,
    store: &mut Store,
    src: &mut S,
    identity: &crate::config::Identity,
    source_name: &str,
) -> Result<ingest::ScanStats> {
    let opts = ScanOptions {
        identity,
        free_mail: &ctx.config.detect.free_mail_domains,
        source_name,
        now: ctx.clock.now(),
        progress: !ctx.quiet && std::io::stderr().is_terminal(),
        parse_thread: true,
        warm_patterns: false,
    };
    ingest::scan(src, store, &opts)
        .await
        .with_context(|| format!("scan of {} failed", src.describe()))
}

/// Finds the sample mailbox: the flag, then beside the executable's source tree, then `./samples`.
fn sample_mailbox(flag: Option<PathBuf>) -> Result<PathBuf> {
    let candidates = flag.into_iter().chain([
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/mailbox"),
        PathBuf::from("samples/mailbox"),
    ]);
    for c in candidates {
        if c.is_dir() {
            return Ok(c);
        }
    }
    bail!("sample mailbox not found; pass --mailbox DIR")
}

/// `demo`: the main job on the shipped sample mailbox, in a temporary database.
/// `train`: adapts the closure model to the user's decisions.
fn train(ctx: &Context) -> Result<()> {
    let mut store = ctx.store()?;
    let report = crate::adapt::train(&mut store, ctx.clock.now())?;
    let labels: Vec<String> = report
        .per_label
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    println!(
        "adapted the closure model to {} of your decisions ({}); {} left out (message or sentence not found); {} messages read differently now",
        report.examples(),
        labels.join(", "),
        report.skipped,
        report.signals_changed
    );
    Ok(())
}

async fn demo(ctx: &Context, mailbox: Option<PathBuf>) -> Result<()> {
    let dir = sample_mailbox(mailbox)?;
    let labels = dir.join("labels.json");
    let as_of = if ctx.as_of_given {
        ctx.clock.now()
    } else {
        eval::labels_as_of(&labels).unwrap_or_else(|_| ctx.clock.now())
    };
    let tmp = tempfile::tempdir().context("cannot create a temporary directory")?;
    let demo_ctx = Context {
        config: ctx.config.clone(),
        clock: Box::new(FixedClock(as_of)),
        db_path: tmp.path().join("demo.sqlite"),
        as_of_given: true,
        quiet: ctx.quiet,
        config_path: ctx.config_path.clone(),
    };
    let mut store = demo_ctx.store()?;
    let identity = identity::resolve(&demo_ctx.config, &store, identity::Hint::Maildir(&dir))?;
    let mut src = MaildirSource::open(&dir, demo_ctx.config.detect.max_message_bytes)?;
    let stats = scan_with(&demo_ctx, &mut store, &mut src, &identity, "maildir").await?;
    println!(
        "dealwatch demo: {} messages from {} scanned as of {}; {} opportunities found.\n",
        stats.read,
        dir.display(),
        as_of.format("%Y-%m-%d %H:%M UTC"),
        stats.link.created
    );
    output::print_table(&demo_ctx, &store)?;
    let me = invocation();
    println!(
        "\nTry: {me} --db FILE scan --maildir {} then {me} --db FILE show 1",
        dir.display()
    );
    Ok(())
}

/// How the user runs dealwatch, for hints: `cargo run --release --` from a source tree's
/// target directory, `dealwatch` when that is on the PATH, else the executable's path.
fn invocation() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "dealwatch".into();
    };
    let in_target = exe
        .parent()
        .is_some_and(|d| d.ends_with("target/release") || d.ends_with("target/debug"));
    if in_target {
        return "cargo run --release --".into();
    }
    let on_path = std::env::var_os("PATH").is_some_and(|p| {
        std::env::split_paths(&p).any(|d| {
            std::fs::canonicalize(d.join("dealwatch"))
                .is_ok_and(|f| std::fs::canonicalize(&exe).is_ok_and(|e| e == f))
        })
    });
    if on_path {
        "dealwatch".into()
    } else {
        exe.display().to_string()
    }
}
