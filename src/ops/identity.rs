//! Who "we" are: from the config's `[identity]`, else remembered from an earlier scan, else
//! inferred from the senders of the Sent folder (and printed, so the user can check it).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use mail_parser::MessageParser;

use crate::config::{Config, Identity};
use crate::store::Store;

/// Where to look when the identity must be inferred.
pub enum Hint<'a> {
    /// A Maildir tree: its sent folder.
    Maildir(&'a Path),
    /// An mbox file: messages labelled Sent, else the dominant sender.
    Mbox(&'a Path),
    /// Senders counted from an IMAP account's sent folder (see [`sender_of`]).
    Senders(BTreeMap<String, usize>),
    /// Nothing to look at: use what the database remembers.
    None,
}

const SENT_NAMES: &[&str] = &[
    "sent",
    "sent items",
    "sent messages",
    "sent mail",
    "envoyés",
    "éléments envoyés",
    "elements envoyes",
    "envoyes",
    "gesendet",
    "gesendete elemente",
    "gesendete objekte",
    "enviados",
    "elementos enviados",
    "posta inviata",
    "inviata",
];

const SETTING: &str = "identity";

/// The identity to use, and remembers an inferred one in the database.
pub fn resolve(config: &Config, store: &Store, hint: Hint<'_>) -> Result<Identity> {
    if !config.identity.is_empty() {
        return Ok(config.identity.clone());
    }
    if let Some(saved) = store.setting(SETTING)?
        && let Ok(id) = serde_json::from_str::<SavedIdentity>(&saved)
    {
        return Ok(Identity {
            addresses: id.addresses,
            domains: id.domains,
        });
    }
    let senders = match hint {
        Hint::Maildir(dir) => maildir_sent_senders(dir),
        Hint::Mbox(file) => mbox_senders(file),
        Hint::Senders(counts) => counts,
        Hint::None => BTreeMap::new(),
    };
    let identity = infer(&senders);
    if identity.is_empty() {
        // Every message would look like the customer's: deals would be found from nothing.
        anyhow::bail!(
            "no [identity] in the config and no sent mail to infer it from: add [identity] addresses = [\"you@your-company.com\"] to the config (`dealwatch config path` names the file)"
        );
    }
    tracing::warn!(
        addresses = ?identity.addresses,
        domains = ?identity.domains,
        "no [identity] configured; inferred from sent mail (add [identity] to the config to fix it)"
    );
    let saved = SavedIdentity {
        addresses: identity.addresses.clone(),
        domains: identity.domains.clone(),
    };
    if let Ok(text) = serde_json::to_string(&saved) {
        store.set_setting(SETTING, &text)?;
    }
    Ok(identity)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct SavedIdentity {
    addresses: Vec<String>,
    domains: Vec<String>,
}

/// Addresses that sent at least a fifth of the sample, and their domains (free mail excluded).
fn infer(senders: &BTreeMap<String, usize>) -> Identity {
    let total: usize = senders.values().sum();
    let mut addresses: Vec<(&String, &usize)> = senders
        .iter()
        .filter(|(_, n)| total > 0 && **n * 5 >= total)
        .collect();
    addresses.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let addresses: Vec<String> = addresses.into_iter().map(|(a, _)| a.clone()).collect();
    let mut domains: Vec<String> = Vec::new();
    for a in &addresses {
        if let Some((_, d)) = a.rsplit_once('@') {
            let org = crate::detect::org::org_key(a, &[]);
            if !org.contains('@') && !domains.contains(&d.to_string()) {
                domains.push(d.to_string());
            }
        }
    }
    Identity { addresses, domains }
}

/// The lowercased From address of a message or header block, for [`Hint::Senders`].
pub fn sender_of(header: &[u8]) -> Option<String> {
    from_address(header)
}

fn from_address(bytes: &[u8]) -> Option<String> {
    let msg = MessageParser::default().parse_headers(bytes)?;
    let addr = msg
        .from()?
        .first()?
        .address
        .as_deref()?
        .trim()
        .to_lowercase();
    addr.contains('@').then_some(addr)
}

fn maildir_sent_senders(root: &Path) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return counts;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let name = e
            .file_name()
            .to_string_lossy()
            .trim_start_matches('.')
            .to_lowercase();
        if !SENT_NAMES.contains(&name.as_str()) {
            continue;
        }
        for sub in ["cur", "new"] {
            let Ok(files) = std::fs::read_dir(e.path().join(sub)) else {
                continue;
            };
            for f in files.filter_map(|f| f.ok()).take(500) {
                if let Ok(bytes) = read_head(&f.path())
                    && let Some(a) = from_address(&bytes)
                {
                    *counts.entry(a).or_insert(0) += 1;
                }
            }
        }
    }
    counts
}

fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(64 * 1024)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// For an mbox: senders of messages labelled Sent (Google Takeout), else every sender.
fn mbox_senders(file: &Path) -> BTreeMap<String, usize> {
    let mut sent = BTreeMap::new();
    let mut all = BTreeMap::new();
    let Ok(mut src) = crate::source::mbox::MboxSource::open(file, 256 * 1024) else {
        return all;
    };
    let mut seen = 0;
    while let Ok(Some(m)) = src.next_message_sync() {
        seen += 1;
        if seen > 2000 {
            break;
        }
        let Some(a) = from_address(&m.bytes) else {
            continue;
        };
        let head = String::from_utf8_lossy(&m.bytes[..m.bytes.len().min(8192)]).to_lowercase();
        if head.contains("x-gmail-labels:") && head.contains("sent") {
            *sent.entry(a.clone()).or_insert(0) += 1;
        }
        *all.entry(a).or_insert(0) += 1;
    }
    if sent.is_empty() { all } else { sent }
}
