//! `dealwatch eval --corpus DIR`: grades the detector on a labeled mailbox (labels.json in the
//! corpus format), so a user can check it on their own history before trusting it. Prints the
//! detection rate, leaked distractors, state accuracy with a confusion matrix, per-language
//! accuracy, threading and amounts — with the shipped closure model and, when `dealwatch train`
//! adapted one in the user's database, with that one too, side by side.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::clock::FixedClock;
use crate::config::Identity;
use crate::ops::Context;
use crate::source::maildir::MaildirSource;

#[derive(Debug, Deserialize)]
struct Labels {
    as_of: String,
    #[serde(default)]
    own_addresses: Vec<String>,
    #[serde(default)]
    own_domains: Vec<String>,
    threads: Vec<Thread>,
}

#[derive(Debug, Deserialize)]
struct Thread {
    id: String,
    kind: String,
    anchor_message_id: Option<String>,
    #[serde(default)]
    message_ids: Vec<String>,
    #[serde(default)]
    auto_reply_ids: Vec<String>,
    expected_state: Option<String>,
    amount: Option<f64>,
    currency: Option<String>,
    language: Option<String>,
}

fn norm(id: &str) -> String {
    id.trim().trim_matches(['<', '>']).trim().to_lowercase()
}

/// The `as_of` of a labels file.
pub fn labels_as_of(path: &Path) -> Result<DateTime<Utc>> {
    let labels: Labels = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    crate::ops::parse_as_of(&labels.as_of)
}

const STATES: [&str; 5] = ["open", "on_hold", "won", "lost", "vanished"];

/// Runs the evaluation.
pub async fn run(ctx: &Context, corpus: &Path) -> Result<()> {
    let labels_path = corpus.join("labels.json");
    let labels: Labels = serde_json::from_str(
        &std::fs::read_to_string(&labels_path)
            .with_context(|| format!("cannot read {}", labels_path.display()))?,
    )
    .with_context(|| format!("{} is not a labels file", labels_path.display()))?;
    let mail_dir = if corpus.join("mail").is_dir() {
        corpus.join("mail")
    } else {
        corpus.to_path_buf()
    };
    let as_of = crate::ops::parse_as_of(&labels.as_of)?;
    // The user's adapted model, when `dealwatch train` made one in their database.
    let adapted = if ctx.db_path.exists() {
        let store = ctx.read_store()?;
        store
            .adapted_model()?
            .zip(store.adapted_model_info()?)
            .map(|(m, info)| (m.to_bytes(), info))
    } else {
        None
    };
    if adapted.is_some() {
        println!("== shipped model ==");
    }
    let shipped = grade_once(ctx, &labels, &mail_dir, as_of, None).await?;
    if let Some((bytes, (at, n))) = adapted {
        println!("== adapted model (dealwatch train of {at}, {n} decisions) ==");
        let mine = grade_once(ctx, &labels, &mail_dir, as_of, Some(&bytes)).await?;
        println!("shipped: {shipped}");
        println!("adapted: {mine}");
    }
    Ok(())
}

/// Scans the corpus into a temporary database (with the adapted model when given) and prints
/// the grade; returns its summary line.
async fn grade_once(
    ctx: &Context,
    labels: &Labels,
    mail_dir: &Path,
    as_of: DateTime<Utc>,
    model: Option<&[u8]>,
) -> Result<String> {
    let tmp = tempfile::tempdir()?;
    let mut config = ctx.config.clone();
    if config.identity.is_empty() {
        config.identity = Identity {
            addresses: labels.own_addresses.clone(),
            domains: labels.own_domains.clone(),
        };
    }
    let ectx = Context {
        config,
        clock: Box::new(FixedClock(as_of)),
        db_path: tmp.path().join("eval.sqlite"),
        as_of_given: true,
        quiet: ctx.quiet,
        config_path: ctx.config_path.clone(),
    };
    let mut store = ectx.store()?;
    if let Some(bytes) = model {
        store.save_adapted_model(bytes, 0, as_of)?;
    }
    let mut src = MaildirSource::open(mail_dir, ectx.config.detect.max_message_bytes)?;
    let identity = ectx.config.identity.clone();
    super::scan_with(&ectx, &mut store, &mut src, &identity, "maildir").await?;
    let opps = crate::ops::collect(&ectx, &store)?;
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, l) in opps.iter().enumerate() {
        for id in &l.message_ids {
            owner.insert(norm(id), i);
        }
    }
    let auto_ids: Vec<String> = store_auto_ids(&store)?;
    Ok(report(labels, &opps, &owner, &auto_ids))
}

fn store_auto_ids(store: &crate::store::Store) -> Result<Vec<String>> {
    let mut stmt = store.conn().prepare(
        "SELECT key FROM messages WHERE auto_kind IN ('auto_reply', 'bounce', 'receipt')",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

type Opp = crate::ops::Listed;

fn report(
    labels: &Labels,
    opps: &[Opp],
    owner: &HashMap<String, usize>,
    auto_ids: &[String],
) -> String {
    let real: Vec<&Thread> = labels
        .threads
        .iter()
        .filter(|t| t.kind == "opportunity")
        .collect();
    let mut found = 0;
    let mut state_ok = 0;
    let mut thread_ok = 0;
    let (mut amount_n, mut amount_ok) = (0, 0);
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut by_lang: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut mismatches: Vec<String> = Vec::new();
    for t in &real {
        let expected = t.expected_state.clone().unwrap_or_else(|| "open".into());
        let lang = by_lang
            .entry(t.language.clone().unwrap_or_else(|| "?".into()))
            .or_default();
        lang.1 += 1;
        let idx = t
            .anchor_message_id
            .iter()
            .chain(t.message_ids.iter())
            .find_map(|m| owner.get(&norm(m)).copied());
        let Some(idx) = idx else {
            mismatches.push(format!(
                "  {}: expected {expected}, no opportunity found",
                t.id
            ));
            *confusion.entry((expected, "(missed)".into())).or_default() += 1;
            continue;
        };
        found += 1;
        let opp = &opps[idx];
        let got = opp.effective().as_str();
        *confusion
            .entry((expected.clone(), got.to_string()))
            .or_default() += 1;
        if got == expected {
            state_ok += 1;
            lang.0 += 1;
        } else {
            let evidence = opp
                .proposal
                .as_ref()
                .and_then(|p| p.evidence.as_deref().or(Some(p.reason.as_str())))
                .map_or(String::new(), |e| format!(": “{e}”"));
            mismatches.push(format!(
                "  {} (#{}): expected {expected}, got {got}{evidence}",
                t.id, opp.opp.id
            ));
        }
        let mine: Vec<String> = t.message_ids.iter().map(|m| norm(m)).collect();
        let linked: Vec<String> = opp.message_ids.iter().map(|m| norm(m)).collect();
        let optional =
            |m: &String| auto_ids.contains(m) || t.auto_reply_ids.iter().any(|a| norm(a) == *m);
        let missing = mine.iter().any(|m| !linked.contains(m) && !optional(m));
        let foreign = linked.iter().any(|m| !mine.contains(m));
        if !missing && !foreign {
            thread_ok += 1;
        }
        if let Some(a) = t.amount {
            amount_n += 1;
            let same_currency = opp.opp.currency.as_deref().map(str::to_uppercase)
                == t.currency.as_deref().map(str::to_uppercase);
            if opp
                .opp
                .amount
                .is_some_and(|x| (x - a).abs() <= 0.005 * a.abs())
                && same_currency
            {
                amount_ok += 1;
            }
        }
    }
    let leaked = labels
        .threads
        .iter()
        .filter(|t| t.kind == "distractor")
        .filter(|t| t.message_ids.iter().any(|m| owner.contains_key(&norm(m))))
        .count();
    let n = real.len().max(1) as f64;
    println!(
        "opportunities labeled: {}, reported: {}",
        real.len(),
        opps.len()
    );
    println!("confusion (rows expected, columns effective state):");
    print!("  {:<10}", "expected");
    for c in STATES.iter().chain(["(missed)"].iter()) {
        print!("{c:>10}");
    }
    println!();
    for s in STATES {
        print!("  {s:<10}");
        for c in STATES.iter().chain(["(missed)"].iter()) {
            print!(
                "{:>10}",
                confusion
                    .get(&(s.to_string(), c.to_string()))
                    .copied()
                    .unwrap_or(0)
            );
        }
        println!();
    }
    if !mismatches.is_empty() {
        println!("state mismatches (thread, deal, expected, got, evidence):");
        for m in &mismatches {
            println!("{m}");
        }
    }
    println!("state accuracy per language:");
    for (lang, (ok, total)) in &by_lang {
        println!(
            "  {lang}: {ok}/{total} = {:.3}",
            *ok as f64 / (*total).max(1) as f64
        );
    }
    let summary = format!(
        "detect={:.3} fp={leaked} state={:.3} thread={:.3} amount={:.3}",
        found as f64 / n,
        state_ok as f64 / n,
        thread_ok as f64 / n,
        amount_ok as f64 / amount_n.max(1) as f64
    );
    println!("{summary}");
    summary
}
