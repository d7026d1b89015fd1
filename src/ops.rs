//! The operations every front end calls: the CLI, the web board and the daemon open the store
//! through one [`Context`], list deals with their proposals ([`collect`]), decide
//! ([`decide`]) and resolve who "we" are ([`identity`]). Front ends only parse, call and
//! render; nothing here prints.

pub mod decide;
pub mod identity;

use std::path::PathBuf;

use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::{Clock, FixedClock, SystemClock};
use crate::config::{Config, RawConfig};
use crate::pipeline::{self, Proposal, ProposalRules, State};
use crate::store::{OpportunityRow, Store};

/// Everything a command needs: config, clock, database path.
pub struct Context {
    /// The configuration.
    pub config: Config,
    /// "Now".
    pub clock: Box<dyn Clock>,
    /// The database file.
    pub db_path: PathBuf,
    /// Whether "now" was fixed with `--as-of`.
    pub as_of_given: bool,
    /// `-q`: only errors on stderr (no summaries, no progress).
    pub quiet: bool,
    /// The config file read, if any.
    pub config_path: Option<PathBuf>,
}

impl Context {
    /// Builds the context: the config file (none: defaults), the database (none: the config's,
    /// else the XDG default), "now" (`as_of`, RFC 3339 or a date; none: the system clock).
    pub fn load(
        config_path: Option<PathBuf>,
        db: Option<PathBuf>,
        as_of: Option<&str>,
        quiet: bool,
    ) -> Result<Context> {
        let config = match &config_path {
            Some(p) => RawConfig::load(p)?,
            None => RawConfig::default(),
        };
        let clock: Box<dyn Clock> = match as_of {
            Some(t) => Box::new(FixedClock(parse_as_of(t)?)),
            None => Box::new(SystemClock),
        };
        let db_path = db
            .or_else(|| config.database.path.clone())
            .unwrap_or_else(default_db_path);
        Ok(Context {
            config,
            clock,
            db_path,
            as_of_given: as_of.is_some(),
            quiet,
            config_path,
        })
    }

    /// Opens the database.
    pub fn store(&self) -> Result<Store> {
        Store::open(&self.db_path).map_err(|e| self.db_error(e))
    }

    /// Opens the database for a command that changes nothing: read-only when it exists (a
    /// database the user may not write, another user's or a copy, can still be listed), else
    /// as [`Context::store`] does. A database an older dealwatch wrote is upgraded first.
    pub fn read_store(&self) -> Result<Store> {
        if !self.db_path.exists() {
            return self.store();
        }
        match Store::open_read_only(&self.db_path) {
            Ok(s) => Ok(s),
            Err(crate::store::StoreError::NeedsMigration(_)) => self.store(),
            Err(e) => Err(self.db_error(e)),
        }
    }

    /// A database error, naming the file once.
    fn db_error(&self, e: crate::store::StoreError) -> anyhow::Error {
        match e {
            crate::store::StoreError::Open { .. } | crate::store::StoreError::NeedsMigration(_) => {
                e.into()
            }
            e => anyhow::Error::new(e)
                .context(format!("cannot use database {}", self.db_path.display())),
        }
    }

    /// The user's time zone: `followup.timezone` (UTC when unset or unknown).
    pub fn tz(&self) -> chrono_tz::Tz {
        self.config
            .followup
            .timezone
            .parse()
            .unwrap_or(chrono_tz::UTC)
    }

    /// An RFC 3339 time stored in the database, in the user's time zone, labelled
    /// ("2026-04-08 10:30 CEST"); the text itself when it is not a time.
    pub fn local(&self, at: &str) -> String {
        match DateTime::parse_from_rfc3339(at) {
            Ok(t) => t
                .with_timezone(&self.tz())
                .format("%Y-%m-%d %H:%M %Z")
                .to_string(),
            Err(_) => at.to_string(),
        }
    }

    /// Proposal settings.
    pub fn rules(&self) -> ProposalRules {
        ProposalRules {
            quiet_days: self.config.detect.quiet_days,
        }
    }
}

/// `--as-of`: RFC 3339, or a date (midnight UTC).
pub fn parse_as_of(s: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        && let Some(t) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(t.and_utc());
    }
    bail!("invalid --as-of {s:?}: expected RFC 3339 (2026-03-02T09:00:00Z) or YYYY-MM-DD")
}

fn default_db_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("dealwatch").join("dealwatch.sqlite")
}

/// Loads an opportunity's proposal at the context's now.
pub fn proposal_for(ctx: &Context, store: &Store, id: i64) -> Result<Option<pipeline::Proposal>> {
    let opp = store.opportunity(id)?;
    let msgs = store.opportunity_messages(id)?;
    let rejected = store.rejections(id)?;
    Ok(pipeline::propose(
        &opp,
        &msgs,
        &rejected,
        ctx.clock.now(),
        ctx.rules(),
    ))
}

/// An opportunity as listed: its row, its proposal at "now", its Message-IDs.
pub struct Listed {
    /// The stored opportunity.
    pub opp: OpportunityRow,
    /// What dealwatch proposes now.
    pub proposal: Option<Proposal>,
    /// Linked Message-IDs with angle brackets, oldest first.
    pub message_ids: Vec<String>,
    /// Proposals the user rejected on this deal.
    pub rejected: usize,
}

impl Listed {
    /// The recorded state, or the proposed one while the recorded state is open.
    pub fn effective(&self) -> State {
        let state = State::parse(&self.opp.state).unwrap_or(State::Open);
        match (state, &self.proposal) {
            (State::Open, Some(p)) => p.state,
            _ => state,
        }
    }
}

/// Every opportunity with its proposal at the context's now.
pub fn collect(ctx: &Context, store: &Store) -> Result<Vec<Listed>> {
    let mut out = Vec::new();
    for opp in store.opportunities()? {
        let msgs = store.opportunity_messages(opp.id)?;
        let rejected = store.rejections(opp.id)?;
        let proposal =
            crate::pipeline::propose(&opp, &msgs, &rejected, ctx.clock.now(), ctx.rules());
        let message_ids = msgs.iter().map(|m| format!("<{}>", m.message_id)).collect();
        out.push(Listed {
            opp,
            proposal,
            message_ids,
            rejected: rejected.len(),
        });
    }
    Ok(out)
}
