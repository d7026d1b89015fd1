//! `link`, `unlink`, `merge`, `split`: the salesperson corrects which deal a message belongs to.

use anyhow::{Result, bail};

use crate::ops::Context;
use crate::pipeline::correct::{self, Corrected};

fn say(c: &Corrected) {
    let deal = |d: Option<i64>| d.map_or("no deal".to_string(), |d| format!("#{d}"));
    println!("{}: {} → {}", c.what, deal(c.from), deal(c.to));
}

/// `link MESSAGE DEAL`.
pub fn link(ctx: &Context, message: &str, deal: i64) -> Result<()> {
    let mut store = ctx.store()?;
    say(&correct::link(&mut store, message, deal, ctx.clock.now())?);
    Ok(())
}

/// `unlink MESSAGE`.
pub fn unlink(ctx: &Context, message: &str) -> Result<()> {
    let mut store = ctx.store()?;
    say(&correct::unlink(&mut store, message, ctx.clock.now())?);
    Ok(())
}

/// `merge INTO FROM`.
pub fn merge(ctx: &Context, into: i64, from: i64) -> Result<()> {
    if into == from {
        bail!("cannot merge deal #{into} into itself");
    }
    let mut store = ctx.store()?;
    say(&correct::merge(&mut store, into, from, ctx.clock.now())?);
    Ok(())
}

/// `split MESSAGE`.
pub fn split(ctx: &Context, message: &str) -> Result<()> {
    let mut store = ctx.store()?;
    say(&correct::split(&mut store, message, ctx.clock.now())?);
    Ok(())
}
