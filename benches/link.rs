//! Linking benchmark (issue: linking): the per-message cost of linking replies as the number of
//! deals grows, with many deals per customer.
//!
//! ```sh
//! cargo bench --bench link                 # 1,000 and 10,000 deals, 2,000 replies each
//! cargo bench --bench link -- 1000 10000 30000
//! ```
//! A Maildir is written in a temporary directory: N quotes from us to N / 10 customers (ten open
//! deals each), then 2,000 replies that link by thread headers, by a reference only, by the
//! subject only, by a forward, or not at all. The replies are scanned into the database that
//! holds the quotes; the link pass over them is then timed alone, run again from scratch.

#[path = "common/mailgen.rs"]
mod mailgen;

use std::path::Path;
use std::time::Instant;

use dealwatch::config::Identity;
use dealwatch::ingest::{ScanOptions, scan};
use dealwatch::pipeline::link::link_pending;
use dealwatch::source::maildir::MaildirSource;
use dealwatch::store::Store;

const REPLIES: usize = 2000;

fn reply(r: usize, deals: usize) -> String {
    let i = (r * 7919) % deals;
    let c = i / 10;
    let head = format!(
        "Message-ID: <r{r}@client{c}.example>\nDate: Tue, 10 Mar 2026 09:00:00 +0100\n\
         From: Buyer {c} <buyer@client{c}.example>\nTo: marie@lumen.example\n"
    );
    match r % 5 {
        0 => format!(
            "{head}Subject: RE: Devis DEV-2026-{i:05} - lot {i} eclairage hall {c}\n\
             In-Reply-To: <q{i}@lumen.example>\n\nBon pour accord.\n"
        ),
        1 => format!("{head}Subject: Commande\n\nNous validons le devis DEV-2026-{i:05}.\n"),
        2 => format!(
            "{head}Subject: RE: Devis DEV-2026-{i:05} - lot {i} eclairage hall {c}\n\n\
             Pouvez-vous me rappeler ?\n"
        ),
        3 => format!(
            "Message-ID: <f{r}@lumen.example>\nDate: Tue, 10 Mar 2026 09:00:00 +0100\n\
             From: Paul <paul@lumen.example>\nTo: marie@lumen.example\nSubject: TR: hall {c}\n\n\
             Pour toi.\n\n-----Message d'origine-----\nDe : Buyer <buyer@client{c}.example>\n\
             Objet : Devis DEV-2026-{i:05}\n\nNous passons commande.\n"
        ),
        _ => format!("{head}Subject: Vos horaires\n\nÊtes-vous ouverts samedi ?\n"),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn scan_dir(store: &mut Store, dir: &Path) -> usize {
    let identity = Identity {
        addresses: vec!["marie@lumen.example".into()],
        domains: vec!["lumen.example".into()],
    };
    rt().block_on(async {
        let mut src = MaildirSource::open(dir, 16 * 1024 * 1024).expect("maildir");
        let opts = ScanOptions {
            identity: &identity,
            free_mail: &[],
            source_name: "bench",
            now: chrono::DateTime::parse_from_rfc3339("2026-03-20T00:00:00Z")
                .expect("date")
                .to_utc(),
            progress: false,
            parse_thread: false,
            warm_patterns: false,
        };
        scan(&mut src, store, &opts)
            .await
            .expect("scan")
            .link
            .linked
    })
}

fn run(deals: usize) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let quotes = tmp.path().join("quotes/cur");
    let replies = tmp.path().join("replies/cur");
    std::fs::create_dir_all(&quotes).expect("mkdir");
    std::fs::create_dir_all(&replies).expect("mkdir");
    for i in 0..deals {
        mailgen::write(&quotes, &format!("q{i}"), &mailgen::quote(i, 1000 + i));
    }
    for r in 0..REPLIES {
        mailgen::write(&replies, &format!("r{r}"), &reply(r, deals));
    }
    let mut store = Store::open(&tmp.path().join("db.sqlite")).expect("store");
    scan_dir(&mut store, &tmp.path().join("quotes"));
    let start = Instant::now();
    let linked = scan_dir(&mut store, &tmp.path().join("replies"));
    let scan_secs = start.elapsed().as_secs_f64();
    // The link pass alone, again from scratch over the replies: once over a tenth of them and
    // once over all, so that the pass's fixed cost (loading the deals' keys) and the cost per
    // message are told apart.
    let mut pass = |share: usize| {
        store
            .conn()
            .execute(
                "UPDATE messages SET link_state = 'pending', opportunity_id = NULL, \
                 link_reason = NULL WHERE key NOT LIKE 'q%' AND id % 10 < ?1",
                [share],
            )
            .expect("reset");
        let start = Instant::now();
        let stats = link_pending(&mut store).expect("link");
        (start.elapsed().as_secs_f64(), stats.examined)
    };
    let (t_small, n_small) = pass(1);
    let (t_all, n_all) = pass(10);
    let per_message = (t_all - t_small) / (n_all - n_small).max(1) as f64;
    let fixed = (t_small - per_message * n_small as f64).max(0.0);
    println!(
        "{deals:>6} deals ({} customers): {REPLIES} replies scanned in {scan_secs:.3} s, \
         {linked} linked; link pass: {:.1} µs per message + {:.1} ms per pass (loading keys)",
        deals / 10,
        1e6 * per_message,
        1e3 * fixed
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        println!("link bench: run it with `cargo bench --bench link`");
        return;
    }
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1000, 10000];
    }
    println!("dealwatch link bench: per-message linking cost as deals grow");
    for n in sizes {
        run(n);
    }
}
