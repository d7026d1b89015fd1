//! Generated mail shared by the benchmarks: a Maildir file, and a quote from us.

use std::path::Path;

/// Writes `text` as the seen message `NAME:2,S` in a Maildir `cur/` directory.
pub fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(format!("{name}:2,S")), text).expect("write mail");
}

/// Quote number `i` of `amount` EUR from marie@lumen.example to the buyer of customer `i / 10`.
pub fn quote(i: usize, amount: usize) -> String {
    let c = i / 10;
    format!(
        "Message-ID: <q{i}@lumen.example>\nDate: Mon, 02 Mar 2026 10:00:00 +0100\n\
         From: Marie <marie@lumen.example>\nTo: Buyer {c} <buyer@client{c}.example>\n\
         Subject: Devis DEV-2026-{i:05} - lot {i} eclairage hall {c}\n\n\
         Bonjour,\n\nci-joint notre devis DEV-2026-{i:05} : {amount} EUR HT.\n\nCordialement,\nMarie\n"
    )
}
