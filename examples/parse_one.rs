//! Debug aid: parse one message file and print what dealwatch sees in it.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_one FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let mail = dealwatch::mail::parse::parse(&bytes, false);
    println!(
        "subject: {:?}\nnorm: {:?}\ndefects: {:?}",
        mail.subject, mail.subject_norm, mail.defects
    );
    println!(
        "--- text ---\n{}\n--- new_text ---\n{}\n--- forwarded ---\n{:?}",
        mail.text, mail.new_text, mail.forwarded
    );
}
