//! Scan benchmark (issue: ingest): parse + detect + store of a generated Maildir on one thread,
//! beside the mail-parser parse floor measured in the same run, paired (A B A B ...).
//!
//! ```sh
//! cargo bench --bench scan                 # N = 2000 and 20000, 3 pairs each
//! cargo bench --bench scan -- 20000 --runs 5
//! ```
//! The corpus comes from `../shared/bench/gen_corpus.py` (override with DEALWATCH_BENCH_GEN),
//! generated once under $DWBENCH_DIR (default /tmp/dwbench). Each measured phase runs in its own
//! process so that its peak RSS (VmHWM) is its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use dealwatch::config::Identity;
use dealwatch::ingest::{ScanOptions, scan};
use dealwatch::source::maildir::MaildirSource;
use dealwatch::store::Store;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for folder in ["INBOX", "Sent"] {
        for sub in ["cur", "new"] {
            if let Ok(rd) = std::fs::read_dir(dir.join(folder).join(sub)) {
                out.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()));
            }
        }
    }
    out.sort();
    out
}

/// The parse floor: read and parse every message, touch the fields a scanner needs.
fn phase_floor(dir: &Path) -> (usize, u64) {
    let mut n = 0;
    let mut bytes = 0u64;
    let mut sink = 0usize;
    for f in files(dir) {
        let Ok(raw) = std::fs::read(&f) else { continue };
        bytes += raw.len() as u64;
        if let Some(m) = mail_parser::MessageParser::default().parse(&raw) {
            sink += m.subject().map_or(0, str::len)
                + m.message_id().map_or(0, str::len)
                + m.body_text(0).map_or(0, |t| t.len())
                + m.attachments().map(|a| a.len()).sum::<usize>();
            sink += usize::from(m.date().is_some()) + usize::from(m.from().is_some());
        }
        n += 1;
    }
    std::hint::black_box(sink);
    (n, bytes)
}

/// dealwatch: source → parse → detect → store → link, one thread, fresh database.
fn phase_scan(dir: &Path, db: &Path) -> (usize, u64) {
    let _ = std::fs::remove_file(db);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let identity = Identity {
        addresses: vec!["marie.dupont@atelier-lumen.fr".into()],
        domains: vec!["atelier-lumen.fr".into()],
    };
    rt.block_on(async {
        let mut store = Store::open(db).expect("store");
        let mut src = MaildirSource::open(dir, 16 * 1024 * 1024).expect("maildir");
        let opts = ScanOptions {
            identity: &identity,
            free_mail: &[],
            source_name: "bench",
            now: chrono::Utc::now(),
            progress: false,
            parse_thread: false,
            warm_patterns: false,
        };
        let stats = scan(&mut src, &mut store, &opts).await.expect("scan");
        (stats.read, stats.bytes)
    })
}

struct Figures {
    secs: f64,
    messages: usize,
    bytes: u64,
    rss_kib: u64,
}

fn run_child(phase: &str, dir: &Path) -> Figures {
    let exe = std::env::current_exe().expect("exe");
    let out = Command::new(exe)
        .args(["--phase", phase, dir.to_str().expect("utf-8 path")])
        .output()
        .expect("spawn phase");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("PHASE "))
        .unwrap_or_else(|| {
            panic!(
                "phase {phase} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let v: Vec<&str> = line.split_whitespace().collect();
    Figures {
        secs: v[1].parse().expect("secs"),
        messages: v[2].parse().expect("n"),
        bytes: v[3].parse().expect("bytes"),
        rss_kib: v[4].parse().expect("rss"),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

fn corpus(n: usize) -> PathBuf {
    let base =
        PathBuf::from(std::env::var("DWBENCH_DIR").unwrap_or_else(|_| "/tmp/dwbench".into()));
    let dir = base.join(format!("corpus-{n}"));
    if files(&dir).len() >= n {
        return dir;
    }
    let gen_script = std::env::var("DEALWATCH_BENCH_GEN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py")
        });
    eprintln!(
        "generating {n} messages into {} with {}",
        dir.display(),
        gen_script.display()
    );
    let status = Command::new("python3")
        .arg(&gen_script)
        .arg(n.to_string())
        .arg(&dir)
        .status()
        .expect("python3");
    assert!(status.success(), "corpus generation failed");
    dir
}

fn report(label: &str, f: &[Figures]) -> (f64, f64) {
    let secs = median(f.iter().map(|x| x.secs).collect());
    let rss = f.iter().map(|x| x.rss_kib).max().unwrap_or(0) as f64 / 1024.0;
    let n = f[0].messages as f64;
    let mb = f[0].bytes as f64 / 1e6;
    println!(
        "  {label:<38} {:>8.3} s  {:>8.0} msgs/s  {:>7.1} MB/s  peak RSS {:>6.1} MiB",
        secs,
        n / secs,
        mb / secs,
        rss
    );
    (n / secs, rss)
}

/// The closure detector alone: customer sentences per second over the project's own labeled
/// replies (`data/closure`), and the time to load the shipped model.
fn detector_figures() {
    use dealwatch::detect::closure::{Author, ClosureInput, Model, detect_closure, training};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let load = Instant::now();
    let bytes = std::fs::read(root.join("data/model/closure.model")).unwrap_or_default();
    let model = Model::from_bytes(&bytes);
    let load_ms = load.elapsed().as_secs_f64() * 1000.0;
    let Ok(items) = training::load_dir(&root.join("data/closure")) else {
        println!("detector: data/closure not readable");
        return;
    };
    let sent_at = chrono::DateTime::parse_from_rfc3339("2026-06-01T10:00:00+02:00").ok();
    let Some(sent_at) = sent_at else { return };
    let sentences: usize = items
        .iter()
        .map(|i| {
            i.body
                .split(['.', '!', '?', '\n'])
                .filter(|s| s.trim().len() > 2)
                .count()
        })
        .sum();
    // Warm-up pass (lexicon, model and date patterns built), then three measured passes.
    let run = || {
        let mut decided = 0usize;
        for it in &items {
            let input = ClosureInput {
                new_text: &it.body,
                subject: "",
                sent_at,
                author: Author::Customer,
                attachment_names: &[],
            };
            decided += usize::from(detect_closure(&input).is_some());
        }
        decided
    };
    run();
    let start = Instant::now();
    let mut decided = 0;
    for _ in 0..3 {
        decided += run();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "detector: {} replies ({} sentences) x3 in {secs:.2} s = {:.0} sentences/s, {:.0} replies/s; model file {} KiB loaded in {load_ms:.1} ms ({}); {decided} decisions",
        items.len(),
        sentences,
        3.0 * sentences as f64 / secs,
        3.0 * items.len() as f64 / secs,
        bytes.len() / 1024,
        if model.is_ok() { "ok" } else { "unreadable" },
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--phase") {
        let dir = PathBuf::from(&args[3]);
        let start = Instant::now();
        let (n, bytes) = match args[2].as_str() {
            "floor" => phase_floor(&dir),
            _ => phase_scan(
                &dir,
                &std::env::temp_dir().join(format!("dw-bench-{}.sqlite", std::process::id())),
            ),
        };
        let secs = start.elapsed().as_secs_f64();
        println!("PHASE {secs} {n} {bytes} {}", peak_rss_kib());
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --all-targets` runs this target too: a benchmark is not a test.
        println!("scan bench: run it with `cargo bench --bench scan`");
        return;
    }
    let mut sizes: Vec<usize> = args
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(i, _)| args.get(i - 1).is_none_or(|prev| prev != "--runs"))
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![2000, 20000];
    }
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    detector_figures();
    println!("dealwatch scan bench: {runs} paired runs per size (parse floor, then dealwatch)");
    for n in sizes {
        let dir = corpus(n);
        let (mut floor, mut dw) = (Vec::new(), Vec::new());
        let _ = run_child("floor", &dir); // warm the page cache
        for _ in 0..runs {
            floor.push(run_child("floor", &dir));
            dw.push(run_child("scan", &dir));
        }
        println!(
            "N = {n} ({} messages, {:.1} MB)",
            floor[0].messages,
            floor[0].bytes as f64 / 1e6
        );
        let (f_rate, _) = report("parse floor (mail-parser, 1 thread)", &floor);
        let (d_rate, _) = report("dealwatch scan (parse+detect+store)", &dw);
        println!(
            "  dealwatch / parse floor: {:.0} % of the floor's messages/s",
            100.0 * d_rate / f_rate
        );
    }
}
