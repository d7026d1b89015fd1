//! Correcting a deal by hand (`edit`) and keeping notes on it (`note`); both are kept in the
//! deal's history, like every other change.

use anyhow::{Result, bail};

use crate::ops::Context;
use crate::store::DealEdit;

/// `edit ID [--title T] [--amount A] [--currency C] [--customer X]`.
pub fn edit(ctx: &Context, id: i64, mut edit: DealEdit) -> Result<()> {
    if edit == DealEdit::default() {
        bail!("nothing to edit: give --title, --amount, --currency or --customer");
    }
    if let Some(c) = &edit.currency {
        let up = c.trim().to_ascii_uppercase();
        if up.len() != 3 || !up.chars().all(|c| c.is_ascii_alphabetic()) {
            bail!("--currency {c:?} is not an ISO 4217 code such as EUR, USD, GBP, CHF");
        }
        edit.currency = Some(up);
    }
    if let Some(a) = edit.amount
        && !(a.is_finite() && a >= 0.0)
    {
        bail!("--amount must be a positive number (1234.50)");
    }
    let mut store = ctx.store()?;
    let changes = store.edit_deal(id, &edit, ctx.clock.now())?;
    if changes.is_empty() {
        println!("#{id}: unchanged");
    }
    for c in changes {
        println!("#{id}: {c}");
    }
    Ok(())
}

/// `note ID TEXT`.
pub fn note(ctx: &Context, id: i64, text: &str) -> Result<()> {
    let text = text.trim();
    if text.is_empty() {
        bail!("the note is empty");
    }
    let mut store = ctx.store()?;
    store.add_note(id, text, ctx.clock.now())?;
    println!("#{id}: note added");
    Ok(())
}

/// `--amount`: "1234.50", "1 234,50", "1.234,50", "1,234.50".
pub fn parse_amount(s: &str) -> Result<f64, String> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\'')
        .collect();
    let (dot, comma) = (t.rfind('.'), t.rfind(','));
    let normal = match (dot, comma) {
        (Some(d), Some(c)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        (None, Some(c)) if t.len() - c - 1 != 3 => t.replace(',', "."),
        (None, Some(_)) => t.replace(',', ""),
        _ => t,
    };
    normal
        .parse::<f64>()
        .map_err(|_| format!("{s:?} is not an amount (1234.50 or 1 234,50)"))
}
