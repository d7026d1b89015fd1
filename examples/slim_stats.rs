//! Debug aid: how much of a Maildir's bytes the slimming pass leaves out, and parse time with
//! and without it. `cargo run --release --example slim_stats -- DIR`
use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: slim_stats MAILDIR_FOLDER_CUR");
        std::process::exit(2);
    };
    let Ok(rd) = std::fs::read_dir(&dir) else {
        eprintln!("cannot read {dir}");
        std::process::exit(1);
    };
    let files: Vec<Vec<u8>> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    let total: usize = files.iter().map(Vec::len).sum();
    let t = Instant::now();
    let mut kept = 0;
    let mut slimmed_msgs = 0;
    for f in &files {
        let s = dealwatch::mail::slim::slim(f, |_, _, _| false);
        if matches!(s, std::borrow::Cow::Owned(_)) {
            slimmed_msgs += 1;
        }
        kept += s.len();
    }
    let slim_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for f in &files {
        let _ = dealwatch::mail::parse::parse(f, false);
    }
    let parse_secs = t.elapsed().as_secs_f64();
    println!(
        "{} messages, {total} bytes; slimmed {slimmed_msgs} messages, {kept} bytes kept; slim pass {slim_secs:.3} s; dealwatch parse {parse_secs:.3} s",
        files.len()
    );
}
